/*
 * The helpers every handler uses (declared in http.h): setting the reply,
 * validating JSON input field by field into a list of errors, reading the
 * query string and headers, scope checks, masking personal data, audit rows
 * and short codes.
 */
#include "app/app.h"
#include "http/http.h"
#include "http/server_int.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int reply_raw(struct req *r, int status, const char *type, const void *data, size_t len)
{
	r->status = status;
	r->reply_type = type;
	r->reply_body = arena_strndup(r->arena, data, len);
	r->reply_len = len;
	return 0;
}

int reply_json(struct req *r, int status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
	{
		static const char internal[] = "{\"error\":{\"code\":\"internal\"}}";
		return reply_raw(r, 500, "application/json", internal, sizeof(internal) - 1);
	}
	reply_raw(r, status, "application/json; charset=utf-8", text, strlen(text));
	free(text);
	return 0;
}

/* An arena copy of s that is valid UTF-8 (NULL stays NULL): messages are
 * often built with byte-length truncation ("%.40s", fixed buffers) that can
 * cut a character, and jansson refuses invalid UTF-8, which would turn a
 * clear refusal into a 500. */
static const char *valid_text(struct arena *a, const char *s)
{
	if (!s)
		return NULL;
	char *copy = arena_strdup(a, s);
	utf8_scrub(copy);
	return copy;
}

static json_t *error_object(struct arena *a, const char *code, const char *field, int64_t row,
                            const char *zh, const char *en)
{
	json_t *e = json_pack("{s:s, s:s, s:s}", "code", code, "message", valid_text(a, zh),
	                      "message_en", valid_text(a, en));
	if (field && *field)
		json_object_set_new(e, "field", json_string(valid_text(a, field)));
	if (row > 0)
		json_object_set_new(e, "row", json_integer(row));
	return e;
}

int reply_error(struct req *r, int status, const char *code, const char *field,
		const char *message_zh, const char *message_en)
{
	json_t *e = error_object(r->arena, code, field, 0, message_zh, message_en);
	return reply_json(r, status, json_pack("{s:o}", "error", e));
}

int reply_bad_json(struct req *r, const json_error_t *e)
{
	return reply_error(
	    r, 400, "bad_json", NULL,
	    arena_printf(r->arena, "JSON 格式错误（第 %d 行第 %d 列）：%s", e->line, e->column, e->text),
	    arena_printf(r->arena, "malformed JSON at line %d column %d: %s", e->line, e->column,
	                 e->text));
}

int reply_invalid(struct req *r)
{
	if (r->nerrors == 0)
		req_add_error(r, NULL, 0, "请求无效", "invalid request");
	struct field_error *f = &r->errors[0];
	json_t *e =
	    error_object(r->arena, "invalid", f->field, f->row, f->message_zh, f->message_en);
	json_t *list = json_array();
	for (int i = 0; i < r->nerrors; i++)
		json_array_append_new(list, error_object(r->arena, "invalid", r->errors[i].field,
		                                         r->errors[i].row, r->errors[i].message_zh,
		                                         r->errors[i].message_en));
	json_object_set_new(e, "errors", list);
	return reply_json(r, 422, json_pack("{s:o}", "error", e));
}

int reply_store_error(struct req *r, int rc)
{
	struct app_err err;
	app_store_fail(&err, r->db, rc);
	return reply_error(r, err.status, err.code, NULL, err.message_zh, err.message_en);
}

int reply_not_found(struct req *r, const char *what)
{
	return reply_error(r, 404, "not_found", NULL, arena_printf(r->arena, "找不到%s", what),
			   arena_printf(r->arena, "%s not found", what));
}

int reply_forbidden(struct req *r)
{
	return reply_error(r, 403, "forbidden", NULL, "无权访问该对象",
			   "you may not access this object");
}

void req_add_error(struct req *r, const char *field, int64_t row, const char *zh, const char *en)
{
	if (r->nerrors == r->caperrors) {
		int cap = r->caperrors ? r->caperrors * 2 : 8;
		struct field_error *n = arena_alloc(r->arena, (size_t)cap * sizeof(*n));
		if (r->nerrors)
			memcpy(n, r->errors, (size_t)r->nerrors * sizeof(*n));
		r->errors = n;
		r->caperrors = cap;
	}
	struct field_error *f = &r->errors[r->nerrors++];
	f->field = field ? arena_strdup(r->arena, field) : NULL;
	f->row = row;
	f->message_zh = arena_strdup(r->arena, zh);
	f->message_en = arena_strdup(r->arena, en);
}

static bool field_missing(struct req *r, json_t *v, const char *field, bool required)
{
	if (v && !json_is_null(v))
		return false;
	if (required)
		req_add_error(r, field, 0, arena_printf(r->arena, "缺少字段 %s", field),
			      arena_printf(r->arena, "missing field '%s'", field));
	return true;
}

bool jget_int(struct req *r, json_t *obj, const char *field, bool required, int64_t min,
	      int64_t max, int64_t *out)
{
	json_t *v = json_object_get(obj, field);
	if (field_missing(r, v, field, required))
		return !required;
	if (!json_is_integer(v)) {
		req_add_error(r, field, 0, arena_printf(r->arena, "%s 必须是整数", field),
			      arena_printf(r->arena, "'%s' must be an integer", field));
		return false;
	}
	int64_t x = json_integer_value(v);
	if (x < min || x > max) {
		req_add_error(r, field, 0,
			      arena_printf(r->arena, "%s 超出范围 %lld..%lld", field, (long long)min,
					   (long long)max),
			      arena_printf(r->arena, "'%s' must be between %lld and %lld", field,
					   (long long)min, (long long)max));
		return false;
	}
	*out = x;
	return true;
}

static bool text_acceptable(const char *s, size_t n, bool multiline)
{
	if (!utf8_valid(s, n))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 && !(multiline && (c == '\n' || c == '\t')))
			return false;
		if (c == 0x7f)
			return false;
	}
	return true;
}

bool jget_str(struct req *r, json_t *obj, const char *field, bool required, size_t maxchars,
	      const char **out)
{
	json_t *v = json_object_get(obj, field);
	if (field_missing(r, v, field, required)) {
		if (!required)
			*out = NULL;
		return !required;
	}
	if (!json_is_string(v)) {
		req_add_error(r, field, 0, arena_printf(r->arena, "%s 必须是文本", field),
			      arena_printf(r->arena, "'%s' must be a string", field));
		return false;
	}
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (!text_acceptable(s, n, false)) {
		req_add_error(r, field, 0, arena_printf(r->arena, "%s 含有无效字符", field),
			      arena_printf(r->arena, "'%s' contains invalid characters", field));
		return false;
	}
	size_t chars = utf8_length(s, n);
	if ((required && chars == 0) || chars > maxchars) {
		req_add_error(r, field, 0,
			      arena_printf(r->arena, "%s 长度须为 1..%zu 个字符", field, maxchars),
			      arena_printf(r->arena, "'%s' must be 1 to %zu characters", field, maxchars));
		return false;
	}
	*out = arena_strndup(r->arena, s, n);
	return true;
}

bool jget_date(struct req *r, json_t *obj, const char *field, bool required, const char **out)
{
	const char *s = NULL;
	int64_t day;
	if (!jget_str(r, obj, field, required, 10, &s))
		return false;
	if (!s) {
		*out = NULL;
		return true;
	}
	if (date_parse(s, strlen(s), &day)) {
		req_add_error(r, field, 0, arena_printf(r->arena, "%s 不是有效日期 (YYYY-MM-DD)", field),
			      arena_printf(r->arena, "'%s' is not a valid date 'YYYY-MM-DD'", field));
		return false;
	}
	*out = s;
	return true;
}

bool jget_enum(struct req *r, json_t *obj, const char *field, bool required,
	       const char *const *allowed, const char **out)
{
	const char *s = NULL;
	if (!jget_str(r, obj, field, required, 64, &s))
		return false;
	if (!s) {
		*out = NULL;
		return true;
	}
	for (const char *const *a = allowed; *a; a++)
		if (!strcmp(*a, s)) {
			*out = *a;
			return true;
		}
	req_add_error(r, field, 0, arena_printf(r->arena, "%s 的取值 '%s' 无效", field, s),
		      arena_printf(r->arena, "'%s' has an unknown value '%s'", field, s));
	return false;
}

bool jget_bool(struct req *r, json_t *obj, const char *field, bool required, bool *out)
{
	json_t *v = json_object_get(obj, field);
	if (field_missing(r, v, field, required))
		return !required;
	if (!json_is_boolean(v)) {
		req_add_error(r, field, 0, arena_printf(r->arena, "%s 必须是 true 或 false", field),
			      arena_printf(r->arena, "'%s' must be true or false", field));
		return false;
	}
	*out = json_is_true(v);
	return true;
}

bool jget_array(struct req *r, json_t *obj, const char *field, bool required, size_t max,
		json_t **out)
{
	json_t *v = json_object_get(obj, field);
	if (field_missing(r, v, field, required)) {
		if (!required)
			*out = NULL;
		return !required;
	}
	if (!json_is_array(v) || json_array_size(v) > max || (required && !json_array_size(v))) {
		req_add_error(r, field, 0,
			      arena_printf(r->arena, "%s 必须是含 1..%zu 项的列表", field, max),
			      arena_printf(r->arena, "'%s' must be a list of 1 to %zu items", field, max));
		return false;
	}
	*out = v;
	return true;
}

bool jcheck_fields(struct req *r, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;
	bool ok = true;
	if (!json_is_object(obj)) {
		req_add_error(r, NULL, 0, "请求体必须是 JSON 对象", "the body must be a JSON object");
		return false;
	}
	json_object_foreach(obj, key, v) {
		const char *const *a = allowed;
		while (*a && strcmp(*a, key))
			a++;
		if (!*a) {
			req_add_error(r, key, 0, arena_printf(r->arena, "未知字段 %.64s", key),
				      arena_printf(r->arena, "unknown field '%.64s'", key));
			ok = false;
		}
	}
	return ok;
}

json_t *req_body_object(struct req *r)
{
	if (!json_is_object(r->json)) {
		req_add_error(r, NULL, 0, "请求体必须是 JSON 对象", "the body must be a JSON object");
		return NULL;
	}
	return r->json;
}

const char *req_query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *value)
{
	(void)kind;
	const char **bad = cls;
	if (!utf8_valid(key, strlen(key)) || (value && !utf8_valid(value, strlen(value)))) {
		*bad = "query";
		return MHD_NO;
	}
	return MHD_YES;
}

const char *req_invalid_text(struct req *r)
{
	const char *bad = NULL;
	if (!utf8_valid(r->path, strlen(r->path)))
		return "path";
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, check_arg, &bad);
	return bad;
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

/* One ?limit= or ?offset= value: absent keeps *out; else a whole number in
 * [min, max] or false. */
static bool paging_value(const char *text, int64_t min, int64_t max, int64_t *out)
{
	int64_t v;
	if (!text)
		return true;
	if (parse_int64(str_from(text), &v) || v < min || v > max)
		return false;
	*out = v;
	return true;
}

const char *paging_parse(const char *limit, const char *offset, int64_t *l, int64_t *o)
{
	*l = PAGE_DEFAULT;
	*o = 0;
	if (!paging_value(limit, 1, PAGE_MAX, l))
		return "limit";
	if (!paging_value(offset, 0, OFFSET_MAX, o))
		return "offset";
	return NULL;
}

bool req_paging_check(struct req *r)
{
	int64_t l, o;
	const char *bad = paging_parse(req_query(r, "limit"), req_query(r, "offset"), &l, &o);
	if (!bad)
		return true;
	if (!strcmp(bad, "limit"))
		reply_error(r, 400, "bad_query", "limit", "limit 须为 1..1000 的整数",
		            "'limit' must be a whole number from 1 to 1000");
	else
		reply_error(r, 400, "bad_query", "offset", "offset 须为 0..1000000000 的整数",
		            "'offset' must be a whole number from 0 to 1000000000");
	return false;
}

void req_paging(struct req *r, int64_t *limit, int64_t *offset)
{
	/* dispatch() refused a bad value before the handler ran */
	if (paging_parse(req_query(r, "limit"), req_query(r, "offset"), limit, offset)) {
		*limit = PAGE_DEFAULT;
		*offset = 0;
	}
}

static bool id_in(const int64_t *ids, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static bool sees_all(const struct user *u)
{
	return u && (u->role == ROLE_ADMIN || u->role == ROLE_OFFICE);
}

bool user_has_point(const struct user *u, int64_t point_id)
{
	return sees_all(u) || (u && id_in(u->points, u->npoints, point_id));
}

bool user_has_warehouse(const struct user *u, int64_t warehouse_id)
{
	return sees_all(u) || (u && id_in(u->warehouses, u->nwarehouses, warehouse_id));
}

bool user_has_channel(const struct user *u, int64_t channel_id)
{
	return sees_all(u) || (u && id_in(u->channels, u->nchannels, channel_id));
}

bool user_sees_personal(const struct user *u)
{
	return u && (u->role == ROLE_ADMIN || u->role == ROLE_COLLECTOR);
}

/* Keep `head` leading and `tail` trailing code points, star the middle. */
static const char *mask_middle(struct req *r, const char *s, size_t head, size_t tail)
{
	if (!s)
		return NULL;
	size_t n = strlen(s), chars = utf8_length(s, n);
	if (chars <= head + tail)
		return arena_strdup(r->arena, "****");
	struct buf b;
	buf_init(&b, n + 16);
	size_t cp = 0;
	for (size_t i = 0; i < n; i++) {
		bool lead = ((unsigned char)s[i] & 0xC0) != 0x80;
		if (lead)
			cp++;
		if (cp <= head || cp > chars - tail)
			buf_add(&b, s + i, 1);
		else if (lead)
			buf_adds(&b, "*");
	}
	const char *out = arena_strdup(r->arena, b.p ? b.p : "");
	buf_release(&b);
	return out;
}

const char *mask_phone(struct req *r, const char *phone)
{
	return mask_middle(r, phone, 3, 4);
}

const char *mask_id_number(struct req *r, const char *id)
{
	return mask_middle(r, id, 4, 2);
}

int audit(struct req *r, const char *action, const char *object_type, const char *object_id,
	  const char *detail)
{
	struct stmt *st;
	int rc = store_prepare(r->db,
			       "INSERT INTO audit_log (at, user_id, action, object_type, object_id, detail)"
			       " VALUES (?, ?, ?, ?, ?, ?)",
			       &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, now_ms());
	if (r->user)
		stmt_bind_int(st, 2, r->user->id);
	else
		stmt_bind_null(st, 2);
	stmt_bind_text(st, 3, action);
	stmt_bind_text(st, 4, object_type);
	stmt_bind_text(st, 5, object_id);
	stmt_bind_text(st, 6, detail ? detail : "");
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

const char *new_code(struct req *r, const char *prefix)
{
	char code[64];
	app_new_code(prefix, code, sizeof(code));
	return arena_strdup(r->arena, code);
}

int64_t now_ms(void)
{
	return time_now_ms();
}

const char *today_shanghai(struct req *r)
{
	char d[16];
	date_format(shanghai_day_of(time_now_ms() / 1000), d, sizeof(d));
	return arena_strdup(r->arena, d);
}

int reply_app_error(struct req *r, const struct app_err *e)
{
	const char *field = e->field[0] ? e->field : NULL;
	if (e->status == 422 && field)
		req_add_error(r, field, e->row, e->message_zh, e->message_en);
	if (e->status == 422 && r->nerrors)
		return reply_invalid(r);
	return reply_error(r, e->status, e->code, field, e->message_zh, e->message_en);
}
