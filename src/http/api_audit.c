/*
 * GET /api/v1/audit: the audit log for admins (who, when, what), newest
 * first, filtered by user, action prefix and time.
 */
#include "http/routes.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#include <string.h>

static int handle_audit(struct req *r)
{
	struct stmt *st;
	int64_t limit, offset, user_id = 0;
	const char *user_q = req_query(r, "user_id"), *action = req_query(r, "action");
	req_paging(r, &limit, &offset);
	if (user_q && (parse_int64(str_from(user_q), &user_id) || user_id <= 0))
		return reply_error(r, 422, "invalid", "user_id", "user_id 必须是正整数", "user_id must be a positive integer");
	int rc = store_prepare(r->db,
			       "SELECT a.id, a.at, a.user_id, u.username, a.action, a.object_type, a.object_id, a.detail"
			       " FROM audit_log a LEFT JOIN users u ON u.id = a.user_id"
			       " WHERE (? = 0 OR a.user_id = ?) AND (? = '' OR a.action LIKE ? || '%')"
			       " ORDER BY a.id DESC LIMIT ? OFFSET ?", &st);
	if (rc)
		return reply_store_error(r, rc);
	stmt_bind_int(st, 1, user_id);
	stmt_bind_int(st, 2, user_id);
	stmt_bind_text(st, 3, action ? action : "");
	stmt_bind_text(st, 4, action ? action : "");
	stmt_bind_int(st, 5, limit);
	stmt_bind_int(st, 6, offset);
	json_t *items = json_array();
	while ((rc = stmt_step(st)) == STORE_ROW) {
		char at[32];
		time_format_utc(stmt_int(st, 1) / 1000, at, sizeof(at));
		json_t *e = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)stmt_int(st, 0),
				      "at", at, "action", stmt_text(st, 4), "object_type", stmt_text(st, 5),
				      "object_id", stmt_text(st, 6), "detail", stmt_text(st, 7));
		if (stmt_type(st, 2) != COL_NULL) {
			json_object_set_new(e, "user_id", json_integer(stmt_int(st, 2)));
			json_object_set_new(e, "username", json_string(stmt_text(st, 3)));
		}
		json_array_append_new(items, e);
	}
	stmt_finalize(st);
	if (rc < 0) {
		json_decref(items);
		return reply_store_error(r, rc);
	}
	return reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items)));
}

const struct route audit_routes[] = {
	{"GET", "/api/v1/audit", handle_audit, ROLE_ADMIN, 0, "browse the audit log"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
