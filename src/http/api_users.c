/*
 * User administration (admin only): list and create users with a role and
 * scopes (collection points, warehouses, channels), deactivate (ends their
 * sessions and API tokens), reset a password, replace scopes; and API tokens
 * for machine clients, shown once at creation and stored only hashed.
 */
#include "http/auth.h"
#include "http/routes.h"
#include "lib/str.h"

#include <stdlib.h>
#include <string.h>

static const char *const scope_kinds[] = {"points", "warehouses", "channels", NULL};
static const char *const scope_tables[] = {"collection_points", "warehouses", "channels"};
static const char *const scope_names[] = {"point", "warehouse", "channel"};

static bool parse_user_id(struct req *r, int64_t *id)
{
	return !parse_int64(str_from(r->params[0]), id) && *id > 0;
}

static bool object_exists(struct store *db, const char *table, int64_t id)
{
	/* table names come from the constant list above, never from input */
	char sql[96];
	int64_t n = 0;
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s WHERE id = ?", table);
	return store_query_int(db, sql, id, &n) == 0 && n > 0;
}

/* Validate {"points":[..],"warehouses":[..],"channels":[..]}. */
static bool check_scopes(struct req *r, json_t *scopes)
{
	bool ok = true;
	if (!scopes)
		return true;
	if (!jcheck_fields(r, scopes, scope_kinds))
		return false;
	for (int k = 0; k < 3; k++) {
		json_t *list = json_object_get(scopes, scope_kinds[k]), *v;
		size_t i;
		if (!list)
			continue;
		if (!json_is_array(list) || json_array_size(list) > 1000) {
			req_add_error(r, scope_kinds[k], 0, "范围必须是编号列表", "scope must be a list of ids");
			ok = false;
			continue;
		}
		json_array_foreach(list, i, v) {
			if (!json_is_integer(v) || !object_exists(r->db, scope_tables[k], json_integer_value(v))) {
				req_add_error(r, scope_kinds[k], (int64_t)i + 1,
					      arena_printf(r->arena, "%s 中第 %zu 项不存在", scope_kinds[k], i + 1),
					      arena_printf(r->arena, "%s item %zu does not exist", scope_kinds[k], i + 1));
				ok = false;
			}
		}
	}
	return ok;
}

static int write_scopes(struct store *db, int64_t user_id, json_t *scopes)
{
	struct stmt *st;
	int rc = store_prepare(db, "DELETE FROM user_scopes WHERE user_id = ?", &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, user_id);
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc < 0 || !scopes)
		return rc < 0 ? rc : 0;
	if ((rc = store_prepare(db, "INSERT INTO user_scopes (user_id, kind, ref_id) VALUES (?, ?, ?)"
				    " ON CONFLICT DO NOTHING", &st)))
		return rc;
	for (int k = 0; k < 3 && rc >= 0; k++) {
		json_t *list = json_object_get(scopes, scope_kinds[k]), *v;
		size_t i;
		json_array_foreach(list, i, v) {
			stmt_reset(st);
			stmt_bind_int(st, 1, user_id);
			stmt_bind_text(st, 2, scope_names[k]);
			stmt_bind_int(st, 3, json_integer_value(v));
			if ((rc = stmt_step(st)) < 0)
				break;
		}
	}
	stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

static json_t *scopes_of(struct store *db, int64_t user_id)
{
	json_t *s = json_pack("{s:[], s:[], s:[]}", "points", "warehouses", "channels");
	struct stmt *st;
	if (store_prepare(db, "SELECT kind, ref_id FROM user_scopes WHERE user_id = ? ORDER BY kind, ref_id", &st))
		return s;
	stmt_bind_int(st, 1, user_id);
	while (stmt_step(st) == STORE_ROW) {
		const char *kind = stmt_text(st, 0);
		for (int k = 0; k < 3; k++)
			if (!strcmp(kind, scope_names[k]))
				json_array_append_new(json_object_get(s, scope_kinds[k]),
						      json_integer(stmt_int(st, 1)));
	}
	stmt_finalize(st);
	return s;
}

static int handle_list(struct req *r)
{
	struct stmt *st;
	int64_t limit, offset, total = 0;
	req_paging(r, &limit, &offset);
	int rc = store_prepare(r->db, "SELECT id, username, display_name, role, active, phone, created_at"
				      " FROM users ORDER BY id LIMIT ? OFFSET ?", &st);
	if (rc)
		return reply_store_error(r, rc);
	stmt_bind_int(st, 1, limit);
	stmt_bind_int(st, 2, offset);
	json_t *items = json_array();
	while ((rc = stmt_step(st)) == STORE_ROW) {
		const char *phone = stmt_type(st, 5) == COL_NULL ? NULL : stmt_text(st, 5);
		json_t *u = json_pack("{s:I, s:s, s:s, s:s, s:b, s:I}", "id", (json_int_t)stmt_int(st, 0),
				      "username", stmt_text(st, 1), "display_name", stmt_text(st, 2),
				      "role", stmt_text(st, 3), "active", (int)stmt_int(st, 4),
				      "created_at_ms", (json_int_t)stmt_int(st, 6));
		json_object_set_new(u, "phone", phone ? json_string(phone) : json_null());
		json_object_set_new(u, "scopes", scopes_of(r->db, stmt_int(st, 0)));
		json_array_append_new(items, u);
	}
	stmt_finalize(st);
	if (rc < 0 || (rc = store_query_int(r->db, "SELECT COUNT(*) FROM users", 0, &total))) {
		json_decref(items);
		return reply_store_error(r, rc);
	}
	return reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total));
}

static int handle_create(struct req *r)
{
	static const char *const fields[] = {"username", "display_name", "password", "role", "phone", "scopes", NULL};
	static const char *const roles[] = {"admin", "collector", "warehouse", "channel", "office", "machine", NULL};
	const char *username, *display, *password, *role_s, *phone = NULL;
	json_t *body = req_body_object(r), *scopes;
	enum role role;
	int64_t id;
	char err[160];
	if (!body)
		return reply_invalid(r);
	scopes = json_object_get(body, "scopes");
	if (!jcheck_fields(r, body, fields) | !jget_str(r, body, "username", true, 64, &username) |
	    !jget_str(r, body, "display_name", true, 64, &display) |
	    !jget_str(r, body, "password", true, 128, &password) |
	    !jget_enum(r, body, "role", true, roles, &role_s) |
	    !jget_str(r, body, "phone", false, 32, &phone) || !check_scopes(r, scopes))
		return reply_invalid(r);
	for (const char *p = username; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.')) {
			req_add_error(r, "username", 0, "用户名只能包含小写字母、数字和 _ - .",
				      "username may contain only a-z, 0-9, _ - .");
			return reply_invalid(r);
		}
	role_parse(role_s, &role);
	int rc = user_create(r->db, username, display, password, role, &id, err, sizeof(err));
	if (rc == USER_EPASSWORD) {
		req_add_error(r, "password", 0, "密码须为 8..128 个字符", err);
		return reply_invalid(r);
	}
	if (rc == STORE_ECONSTRAINT)
		return reply_error(r, 409, "conflict", "username", "用户名已存在", err);
	if (rc)
		return reply_store_error(r, rc);
	rc = write_scopes(r->db, id, scopes);
	if (!rc && phone) {
		struct stmt *st;
		if (!(rc = store_prepare(r->db, "UPDATE users SET phone = ? WHERE id = ?", &st))) {
			stmt_bind_text(st, 1, phone);
			stmt_bind_int(st, 2, id);
			rc = stmt_step(st) < 0 ? -1 : 0;
			stmt_finalize(st);
		}
	}
	const char *ids = arena_printf(r->arena, "%lld", (long long)id);
	if (rc || (rc = audit(r, "user.create", "user", ids, arena_printf(r->arena, "{\"role\":\"%s\"}", role_s))))
		return reply_store_error(r, rc);
	return reply_json(r, 201, json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)id, "username",
					    username, "role", role_s, "scopes", scopes_of(r->db, id)));
}

static int exec_for_user(struct store *db, const char *sql, int64_t id)
{
	struct stmt *st;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

static int handle_deactivate(struct req *r)
{
	int64_t id;
	if (!parse_user_id(r, &id))
		return reply_not_found(r, "用户 user");
	if (r->user->id == id)
		return reply_error(r, 409, "conflict", NULL, "不能停用自己", "you cannot deactivate yourself");
	int rc = exec_for_user(r->db, "UPDATE users SET active = 0 WHERE id = ?", id);
	if (rc)
		return reply_store_error(r, rc);
	if (store_changes(r->db) == 0)
		return reply_not_found(r, "用户 user");
	if ((rc = exec_for_user(r->db, "DELETE FROM sessions WHERE user_id = ?", id)) ||
	    (rc = exec_for_user(r->db, "UPDATE api_tokens SET active = 0 WHERE user_id = ?", id)) ||
	    (rc = audit(r, "user.deactivate", "user", r->params[0], NULL)))
		return reply_store_error(r, rc);
	return reply_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "active", 0));
}

static int handle_password(struct req *r)
{
	static const char *const fields[] = {"password", NULL};
	const char *password;
	int64_t id;
	json_t *body = req_body_object(r);
	if (!parse_user_id(r, &id))
		return reply_not_found(r, "用户 user");
	if (!body || !jcheck_fields(r, body, fields) || !jget_str(r, body, "password", true, 128, &password))
		return reply_invalid(r);
	if (!password_acceptable(password)) {
		req_add_error(r, "password", 0, "密码须为 8..128 个字符", "password must be 8 to 128 characters");
		return reply_invalid(r);
	}
	char *hash = password_hash(password);
	struct stmt *st;
	int rc = hash ? store_prepare(r->db, "UPDATE users SET password_hash = ? WHERE id = ?", &st) : STORE_EIO;
	if (!rc) {
		stmt_bind_text(st, 1, hash);
		stmt_bind_int(st, 2, id);
		rc = stmt_step(st) < 0 ? STORE_EIO : 0;
		stmt_finalize(st);
	}
	free(hash);
	if (rc)
		return reply_store_error(r, rc);
	if (store_changes(r->db) == 0)
		return reply_not_found(r, "用户 user");
	if ((rc = exec_for_user(r->db, "DELETE FROM sessions WHERE user_id = ?", id)) ||
	    (rc = audit(r, "user.password", "user", r->params[0], NULL)))
		return reply_store_error(r, rc);
	return reply_json(r, 200, json_pack("{s:I}", "id", (json_int_t)id));
}

static int handle_scopes(struct req *r)
{
	int64_t id, n = 0;
	json_t *body = req_body_object(r);
	if (!parse_user_id(r, &id) || store_query_int(r->db, "SELECT COUNT(*) FROM users WHERE id = ?", id, &n) || !n)
		return reply_not_found(r, "用户 user");
	if (!body || !check_scopes(r, body))
		return reply_invalid(r);
	int rc = write_scopes(r->db, id, body);
	if (rc || (rc = audit(r, "user.scopes", "user", r->params[0], NULL)))
		return reply_store_error(r, rc);
	return reply_json(r, 200, json_pack("{s:I, s:o}", "id", (json_int_t)id, "scopes", scopes_of(r->db, id)));
}

static int handle_token_create(struct req *r)
{
	static const char *const fields[] = {"user_id", "name", NULL};
	const char *name, *token, *hash;
	int64_t user_id, n = 0, id;
	json_t *body = req_body_object(r);
	struct stmt *st;
	if (!body || !jcheck_fields(r, body, fields) | !jget_int(r, body, "user_id", true, 1, INT64_MAX, &user_id) |
			     !jget_str(r, body, "name", true, 64, &name))
		return reply_invalid(r);
	if (store_query_int(r->db, "SELECT COUNT(*) FROM users WHERE id = ? AND active = 1", user_id, &n) || !n) {
		req_add_error(r, "user_id", 0, "用户不存在或已停用", "no such active user");
		return reply_invalid(r);
	}
	token_new(r->arena, &token, &hash);
	int rc = store_prepare(r->db, "INSERT INTO api_tokens (token_hash, user_id, name, active, created_at)"
				      " VALUES (?, ?, ?, 1, ?) RETURNING id", &st);
	if (rc)
		return reply_store_error(r, rc);
	stmt_bind_text(st, 1, hash);
	stmt_bind_int(st, 2, user_id);
	stmt_bind_text(st, 3, name);
	stmt_bind_int(st, 4, now_ms());
	rc = stmt_step(st);
	id = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_finalize(st);
	if (rc < 0 || (rc = audit(r, "token.create", "api_token", arena_printf(r->arena, "%lld", (long long)id), NULL)))
		return reply_store_error(r, rc);
	return reply_json(r, 201, json_pack("{s:I, s:I, s:s, s:s}", "id", (json_int_t)id, "user_id",
					    (json_int_t)user_id, "name", name, "token", token));
}

static int handle_token_list(struct req *r)
{
	struct stmt *st;
	int rc = store_prepare(r->db, "SELECT t.id, t.user_id, u.username, t.name, t.active, t.created_at"
				      " FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id", &st);
	if (rc)
		return reply_store_error(r, rc);
	json_t *items = json_array();
	while (stmt_step(st) == STORE_ROW)
		json_array_append_new(items, json_pack("{s:I, s:I, s:s, s:s, s:b, s:I}", "id",
						       (json_int_t)stmt_int(st, 0), "user_id", (json_int_t)stmt_int(st, 1),
						       "username", stmt_text(st, 2), "name", stmt_text(st, 3),
						       "active", (int)stmt_int(st, 4), "created_at_ms",
						       (json_int_t)stmt_int(st, 5)));
	stmt_finalize(st);
	return reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)json_array_size(items)));
}

static int handle_token_revoke(struct req *r)
{
	int64_t id;
	if (!parse_user_id(r, &id))
		return reply_not_found(r, "令牌 token");
	int rc = exec_for_user(r->db, "UPDATE api_tokens SET active = 0 WHERE id = ?", id);
	if (rc)
		return reply_store_error(r, rc);
	if (store_changes(r->db) == 0)
		return reply_not_found(r, "令牌 token");
	if ((rc = audit(r, "token.revoke", "api_token", r->params[0], NULL)))
		return reply_store_error(r, rc);
	return reply_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "active", 0));
}

const struct route users_routes[] = {
	{"GET", "/api/v1/users", handle_list, ROLE_ADMIN, 0, "list users"},
	{"POST", "/api/v1/users", handle_create, ROLE_ADMIN, 0, "create a user"},
	{"POST", "/api/v1/users/{id}/deactivate", handle_deactivate, ROLE_ADMIN, 0, "deactivate a user"},
	{"POST", "/api/v1/users/{id}/password", handle_password, ROLE_ADMIN, 0, "reset a password"},
	{"PUT", "/api/v1/users/{id}/scopes", handle_scopes, ROLE_ADMIN, 0, "replace a user's scopes"},
	{"GET", "/api/v1/tokens", handle_token_list, ROLE_ADMIN, 0, "list API tokens"},
	{"POST", "/api/v1/tokens", handle_token_create, ROLE_ADMIN, 0, "create an API token"},
	{"POST", "/api/v1/tokens/{id}/revoke", handle_token_revoke, ROLE_ADMIN, 0, "revoke an API token"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
