/*
 * Updates (PATCH) of places and catalogue objects over HTTP (see
 * patch_http.h). Every field of the body is checked against the spec before
 * anything is read, all errors collected (422 naming each field); a field
 * that never changes (code, kind, a SKU's product) is refused by name. The
 * service (patch_apply) then checks references and cross-column rules and
 * writes; a refused request changes nothing because the writer rolls the
 * request's savepoint back.
 */
#include <stdlib.h>
#include <string.h>

#include "http/patch_http.h"
#include "lib/str.h"

static bool is_fixed(const struct patch_spec *spec, const char *key)
{
	for (const char *const *f = spec->fixed; f && *f; f++)
		if (!strcmp(*f, key))
			return true;
	return false;
}

static bool check_type(struct req *r, const struct patch_field *f, json_t *body)
{
	const char *s;
	int64_t i;
	bool b;
	if (json_is_null(json_object_get(body, f->name))) {
		if (f->flags & PATCH_NULLABLE)
			return true;
		req_add_error(r, f->name, 0, arena_printf(r->arena, "%s 不能为空", f->name),
			      arena_printf(r->arena, "'%s' must not be null", f->name));
		return false;
	}
	switch (f->type) {
	case PATCH_TEXT:
		return jget_str(r, body, f->name, f->min > 0, (size_t)f->max, &s);
	case PATCH_DIVISION:
		return jget_str(r, body, f->name, true, 12, &s);
	case PATCH_CLOCK:
		return jget_str(r, body, f->name, true, 5, &s);
	case PATCH_ENUM:
		return jget_enum(r, body, f->name, true, f->words, &s);
	case PATCH_BOOL:
		return jget_bool(r, body, f->name, true, &b);
	case PATCH_INT:
	case PATCH_REF:
		return jget_int(r, body, f->name, true, f->min, f->max, &i);
	}
	return false;
}

static bool check_body(struct req *r, const struct patch_spec *spec, json_t *body)
{
	const char *key;
	json_t *v;
	bool ok = true;
	if (!json_object_size(body)) {
		req_add_error(r, NULL, 0, "没有要修改的字段", "no field to change");
		return false;
	}
	json_object_foreach(body, key, v) {
		const struct patch_field *f = patch_field_of(spec, key);
		if (f) {
			ok &= check_type(r, f, body);
			continue;
		}
		ok = false;
		if (is_fixed(spec, key))
			req_add_error(r, key, 0, arena_printf(r->arena, "%.64s 不可修改", key),
				      arena_printf(r->arena, "'%.64s' cannot be changed", key));
		else
			req_add_error(r, key, 0, arena_printf(r->arena, "未知字段 %.64s", key),
				      arena_printf(r->arena, "unknown field '%.64s'", key));
	}
	return ok;
}

static int audit_change(struct req *r, const struct patch_spec *spec, int64_t id, json_t *change)
{
	char *text = json_dumps(change, JSON_COMPACT);
	int rc = audit(r, arena_printf(r->arena, "%s.update", spec->what), spec->what,
		       arena_printf(r->arena, "%lld", (long long)id), text);
	free(text);
	return rc;
}

int reply_patch(struct req *r, const struct patch_spec *spec, patch_get_fn get,
		const char *label)
{
	int64_t id;
	json_t *body = req_body_object(r), *change = NULL, *out;
	struct app_err e;
	if (parse_int64(str_from(r->params[0]), &id) || id <= 0)
		return reply_not_found(r, label);
	if (!body || !check_body(r, spec, body))
		return reply_invalid(r);
	if (patch_apply(r->db, spec, id, body, &change, &e))
		return e.status == 404 ? reply_not_found(r, label) : reply_app_error(r, &e);
	int rc = audit_change(r, spec, id, change);
	if (rc) {
		json_decref(change);
		return reply_store_error(r, rc);
	}
	if (!get) {
		json_t *changed = json_incref(json_object_get(change, "changed"));
		json_decref(change);
		return reply_json(r, 200, json_pack("{s:I, s:o}", "id", (json_int_t)id, "changed",
						    changed));
	}
	json_decref(change);
	if (get(r->db, id, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}
