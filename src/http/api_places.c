/*
 * Places and parties over HTTP: administrative divisions (search by code
 * prefix or name, children of a code), east–west pairings, warehouses (origin
 * | sales, with the service areas of sales warehouses), collection points,
 * channels, cooperatives, enterprises and households (脱贫户 flagged) with
 * their ledger. Thin: query filters and JSON bodies are validated here
 * (unknown fields refused), src/app/places.c does the work and names the
 * field at fault (unknown division code, wrong level; a duplicate code is
 * 409), and every write is audited.
 *
 * Who: admin creates and updates; all staff read places. Households are
 * personal data: admin and office read all of them, a collector only the
 * households of its points' villages (403 for others by id). ID numbers and
 * bank accounts are masked for everyone but admin; phones are masked for
 * office (a collector sees the phones of its own households).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/places.h"
#include "http/patch_http.h"
#include "http/routes.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#define MAX_AREAS 200

static const int64_t no_ids[1] = {0};

static bool parse_path_id(struct req *r, int64_t *id)
{
	return !parse_int64(str_from(r->params[0]), id) && *id > 0;
}

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(r->arena, "%lld", (long long)id);
}

/* The caller's collection points (ids NULL: all). */
static struct point_scope points_of(const struct user *u)
{
	if (u->role == ROLE_ADMIN || u->role == ROLE_OFFICE)
		return (struct point_scope){NULL, 0};
	if (u->role != ROLE_COLLECTOR || !u->points)
		return (struct point_scope){no_ids, 0};
	return (struct point_scope){u->points, u->npoints};
}

/* ---- query filters ---- */

static bool query_id(struct req *r, const char *name, int64_t *out)
{
	const char *v = req_query(r, name);
	*out = 0;
	if (!v)
		return true;
	if (parse_int64(str_from(v), out) || *out <= 0) {
		req_add_error(r, name, 0, "编号必须是正整数", "must be a positive integer id");
		return false;
	}
	return true;
}

static bool all_digits(const char *s, size_t max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool query_code(struct req *r, const char *name, const char **out)
{
	*out = req_query(r, name);
	if (*out && !all_digits(*out, 12)) {
		req_add_error(r, name, 0, "区划代码应为 1..12 位数字", "division code must be 1..12 digits");
		return false;
	}
	return true;
}

static bool query_word(struct req *r, const char *name, const char *const *allowed,
		       const char **out)
{
	*out = req_query(r, name);
	if (!*out)
		return true;
	for (int i = 0; allowed[i]; i++)
		if (!strcmp(*out, allowed[i]))
			return true;
	req_add_error(r, name, 0, "取值不在允许范围内", "not one of the allowed values");
	return false;
}

/* Common filters: limit/offset, village, county, point_id, warehouse_id,
 * cooperative_id; kind from `kinds` when given. */
static bool parse_filter(struct req *r, struct list_filter *f, const char *const *kinds)
{
	memset(f, 0, sizeof(*f));
	req_paging(r, &f->limit, &f->offset);
	bool ok = query_code(r, "village", &f->village) & query_code(r, "county", &f->county) &
		  query_id(r, "point_id", &f->point_id) & query_id(r, "warehouse_id", &f->warehouse_id) &
		  query_id(r, "cooperative_id", &f->cooperative_id);
	if (kinds)
		ok &= query_word(r, "kind", kinds, &f->kind);
	return ok;
}

/* ---- divisions ---- */

static int handle_divisions(struct req *r)
{
	struct list_filter f;
	json_t *out;
	struct app_err e;
	const char *q = req_query(r, "q");
	bool ok = parse_filter(r, &f, NULL) & query_code(r, "parent", &f.parent);
	const char *level = req_query(r, "level");
	if (level && (parse_int64(str_from(level), &f.level) || f.level < 1 || f.level > 5)) {
		req_add_error(r, "level", 0, "级别应为 1..5", "level must be 1..5");
		ok = false;
	}
	if (q && (!*q || strlen(q) > 60 || strchr(q, '%') || strchr(q, '_') || strchr(q, '\\'))) {
		req_add_error(r, "q", 0, "搜索词应为 1..60 个字符，不含 % _ \\",
			      "q must be 1..60 characters without % _ \\");
		ok = false;
	}
	if (!ok)
		return reply_invalid(r);
	f.search = q;
	if (divisions_list(r->db, &f, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

/* ---- generic list and get ---- */

typedef int (*list_fn)(struct store *, const struct list_filter *, json_t **, struct app_err *);
typedef int (*get_fn)(struct store *, int64_t, json_t **, struct app_err *);

static int reply_list(struct req *r, list_fn fn, const char *const *kinds)
{
	struct list_filter f;
	json_t *out;
	struct app_err e;
	if (!parse_filter(r, &f, kinds))
		return reply_invalid(r);
	if (fn(r->db, &f, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

static int reply_one(struct req *r, get_fn fn, const char *what)
{
	int64_t id;
	json_t *out;
	struct app_err e;
	if (!parse_path_id(r, &id))
		return reply_not_found(r, what);
	if (fn(r->db, id, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

/* After a create: audit and answer 201 with the new object. */
static int reply_created(struct req *r, const char *action, const char *type, int64_t id,
			 const char *code, get_fn fn)
{
	json_t *out;
	struct app_err e;
	int rc = audit(r, action, type, id_text(r, id),
		       code ? arena_printf(r->arena, "{\"code\":\"%s\"}", code) : NULL);
	if (rc)
		return reply_store_error(r, rc);
	if (fn(r->db, id, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 201, out);
}

/* Codes: 1..32 of A-Z a-z 0-9 - _ (they go into audit JSON and labels). */
static bool jget_code(struct req *r, json_t *body, const char *field, bool required,
		      const char **out)
{
	if (!jget_str(r, body, field, required, 32, out))
		return false;
	for (const char *p = *out; p && *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_')) {
			req_add_error(r, field, 0, "编码只能包含字母、数字、- 和 _",
				      "code may contain only letters, digits, - and _");
			return false;
		}
	return true;
}

/* ---- pairings ---- */

static const char *const pairing_kinds[] = {"east_west", "mountain_sea", NULL};

static int list_pairings(struct req *r) { return reply_list(r, pairings_list, pairing_kinds); }
static int get_pairing(struct req *r) { return reply_one(r, pairing_get, "结对 pairing"); }

static int create_pairing(struct req *r)
{
	static const char *const fields[] = {"code", "name", "kind", "east_code", "west_code", NULL};
	json_t *body = req_body_object(r);
	struct pairing_in in = {0};
	struct app_err e;
	int64_t id;
	if (!body || !jcheck_fields(r, body, fields) | !jget_code(r, body, "code", true, &in.code) |
			     !jget_str(r, body, "name", true, 100, &in.name) |
			     !jget_enum(r, body, "kind", true, pairing_kinds, &in.kind) |
			     !jget_str(r, body, "east_code", true, 12, &in.east_code) |
			     !jget_str(r, body, "west_code", true, 12, &in.west_code))
		return reply_invalid(r);
	if (pairing_create(r->db, &in, &id, &e))
		return reply_app_error(r, &e);
	return reply_created(r, "pairing.create", "pairing", id, in.code, pairing_get);
}

/* ---- warehouses ---- */

static const char *const warehouse_kinds[] = {"origin", "sales", NULL};

static int list_warehouses(struct req *r) { return reply_list(r, warehouses_list, warehouse_kinds); }
static int get_warehouse(struct req *r) { return reply_one(r, warehouse_get, "仓库 warehouse"); }

/* "areas": a list of division code prefixes. */
static bool jget_areas(struct req *r, json_t *body, bool required, const char ***areas, int *n)
{
	json_t *list, *v;
	size_t i;
	*n = 0;
	*areas = NULL;
	if (!jget_array(r, body, "areas", required, MAX_AREAS, &list))
		return false;
	if (!list)
		return true;
	*areas = arena_alloc(r->arena, (json_array_size(list) + 1) * sizeof(**areas));
	json_array_foreach(list, i, v) {
		if (!json_is_string(v) || !all_digits(json_string_value(v), 12)) {
			req_add_error(r, "areas", (int64_t)i + 1, "服务区域应为区划代码前缀（数字）",
				      "each area must be a division code prefix (digits)");
			return false;
		}
		(*areas)[i] = json_string_value(v);
	}
	*n = (int)json_array_size(list);
	return true;
}

static bool jget_coords(struct req *r, json_t *body, bool *has, int64_t *lon, int64_t *lat)
{
	bool ok = jget_int(r, body, "lon_e6", false, -180000000, 180000000, lon) &
		  jget_int(r, body, "lat_e6", false, -90000000, 90000000, lat);
	bool has_lon = json_object_get(body, "lon_e6"), has_lat = json_object_get(body, "lat_e6");
	if (ok && has_lon != has_lat) {
		req_add_error(r, has_lon ? "lat_e6" : "lon_e6", 0, "经纬度需同时给出",
			      "give both lon_e6 and lat_e6");
		return false;
	}
	*has = has_lon && has_lat;
	return ok;
}

static int create_warehouse(struct req *r)
{
	static const char *const fields[] = {"code", "name", "kind", "division_code", "pairing_id",
					     "lon_e6", "lat_e6", "areas", NULL};
	json_t *body = req_body_object(r);
	struct warehouse_in in = {0};
	const char **areas;
	struct app_err e;
	int64_t id;
	if (!body || !jcheck_fields(r, body, fields) | !jget_code(r, body, "code", true, &in.code) |
			     !jget_str(r, body, "name", true, 100, &in.name) |
			     !jget_enum(r, body, "kind", true, warehouse_kinds, &in.kind) |
			     !jget_str(r, body, "division_code", true, 12, &in.division_code) |
			     !jget_int(r, body, "pairing_id", false, 1, INT64_MAX, &in.pairing_id) |
			     !jget_coords(r, body, &in.has_coords, &in.lon_e6, &in.lat_e6) |
			     !jget_areas(r, body, false, &areas, &in.nareas))
		return reply_invalid(r);
	in.areas = areas;
	if (warehouse_create(r->db, &in, &id, &e))
		return reply_app_error(r, &e);
	return reply_created(r, "warehouse.create", "warehouse", id, in.code, warehouse_get);
}

static int put_service_areas(struct req *r)
{
	static const char *const fields[] = {"areas", NULL};
	json_t *body = req_body_object(r), *out;
	const char **areas;
	int n;
	int64_t id;
	struct app_err e;
	if (!parse_path_id(r, &id) || warehouse_get(r->db, id, &out, &e))
		return reply_not_found(r, "仓库 warehouse");
	json_decref(out);
	if (!body || !jcheck_fields(r, body, fields) || !jget_areas(r, body, true, &areas, &n))
		return reply_invalid(r);
	if (warehouse_set_areas(r->db, id, areas, n, &e))
		return reply_app_error(r, &e);
	int rc = audit(r, "warehouse.areas", "warehouse", id_text(r, id),
		       arena_printf(r->arena, "{\"areas\":%d}", n));
	if (rc)
		return reply_store_error(r, rc);
	if (warehouse_get(r->db, id, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

/* ---- collection points ---- */

static int list_points(struct req *r)
{
	struct list_filter f;
	json_t *out;
	struct app_err e;
	if (!parse_filter(r, &f, NULL))
		return reply_invalid(r);
	/* points are places every role reads; only a collector's list is its own */
	struct point_scope scope = r->user->role == ROLE_COLLECTOR ? points_of(r->user)
								    : (struct point_scope){NULL, 0};
	if (points_list(r->db, &f, scope, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

static int get_point(struct req *r)
{
	int64_t id;
	if (parse_path_id(r, &id) && r->user->role == ROLE_COLLECTOR && !user_has_point(r->user, id))
		return reply_forbidden(r);
	return reply_one(r, point_get, "收购点 point");
}

static bool jget_hhmm(struct req *r, json_t *body, const char *field, const char **out)
{
	if (!jget_str(r, body, field, false, 5, out))
		return false;
	const char *s = *out;
	if (s && !(strlen(s) == 5 && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
		   s[2] == ':' && s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9' &&
		   (s[0] < '2' || s[1] <= '3'))) {
		req_add_error(r, field, 0, "时间格式应为 HH:MM", "time must be HH:MM");
		return false;
	}
	return true;
}

static int create_point(struct req *r)
{
	static const char *const fields[] = {"code", "name", "village_code", "warehouse_id", "lon_e6",
					     "lat_e6", "opens", "closes", NULL};
	json_t *body = req_body_object(r);
	struct point_in in = {0};
	struct app_err e;
	int64_t id;
	if (!body || !jcheck_fields(r, body, fields) | !jget_code(r, body, "code", true, &in.code) |
			     !jget_str(r, body, "name", true, 100, &in.name) |
			     !jget_str(r, body, "village_code", true, 12, &in.village_code) |
			     !jget_int(r, body, "warehouse_id", false, 1, INT64_MAX, &in.warehouse_id) |
			     !jget_coords(r, body, &in.has_coords, &in.lon_e6, &in.lat_e6) |
			     !jget_hhmm(r, body, "opens", &in.opens) | !jget_hhmm(r, body, "closes", &in.closes))
		return reply_invalid(r);
	if (point_create(r->db, &in, &id, &e))
		return reply_app_error(r, &e);
	return reply_created(r, "point.create", "point", id, in.code, point_get);
}

/* ---- channels ---- */

static const char *const channel_kinds[] = {"livestream", "ecommerce", "union",
					    "supermarket", "flagship", "fair", NULL};

static int list_channels(struct req *r) { return reply_list(r, channels_list, channel_kinds); }
static int get_channel(struct req *r) { return reply_one(r, channel_get, "渠道 channel"); }

static int create_channel(struct req *r)
{
	static const char *const fields[] = {"code", "name", "kind", "pairing_id", NULL};
	json_t *body = req_body_object(r);
	struct channel_in in = {0};
	struct app_err e;
	int64_t id;
	if (!body || !jcheck_fields(r, body, fields) | !jget_code(r, body, "code", true, &in.code) |
			     !jget_str(r, body, "name", true, 100, &in.name) |
			     !jget_enum(r, body, "kind", true, channel_kinds, &in.kind) |
			     !jget_int(r, body, "pairing_id", false, 1, INT64_MAX, &in.pairing_id))
		return reply_invalid(r);
	if (channel_create(r->db, &in, &id, &e))
		return reply_app_error(r, &e);
	return reply_created(r, "channel.create", "channel", id, in.code, channel_get);
}

/* ---- cooperatives and enterprises ---- */

static int list_cooperatives(struct req *r) { return reply_list(r, cooperatives_list, NULL); }
static int list_enterprises(struct req *r) { return reply_list(r, enterprises_list, NULL); }
static int get_cooperative(struct req *r) { return reply_one(r, cooperative_get, "合作社 cooperative"); }
static int get_enterprise(struct req *r) { return reply_one(r, enterprise_get, "企业 enterprise"); }

static bool parse_party(struct req *r, struct party_in *in)
{
	static const char *const fields[] = {"code", "name", "division_code", NULL};
	json_t *body = req_body_object(r);
	memset(in, 0, sizeof(*in));
	return body && jcheck_fields(r, body, fields) & jget_code(r, body, "code", true, &in->code) &
			       jget_str(r, body, "name", true, 100, &in->name) &
			       jget_str(r, body, "division_code", true, 12, &in->division_code);
}

static int create_cooperative(struct req *r)
{
	struct party_in in;
	struct app_err e;
	int64_t id;
	if (!parse_party(r, &in))
		return reply_invalid(r);
	if (cooperative_create(r->db, &in, &id, &e))
		return reply_app_error(r, &e);
	return reply_created(r, "cooperative.create", "cooperative", id, in.code, cooperative_get);
}

static int create_enterprise(struct req *r)
{
	struct party_in in;
	struct app_err e;
	int64_t id;
	if (!parse_party(r, &in))
		return reply_invalid(r);
	if (enterprise_create(r->db, &in, &id, &e))
		return reply_app_error(r, &e);
	return reply_created(r, "enterprise.create", "enterprise", id, in.code, enterprise_get);
}

/* ---- households ---- */

/* Mask what the caller may not see: ID numbers and bank accounts for all but
 * admin, phones and names also for office. */
static void mask_household(struct req *r, json_t *h)
{
	json_t *v;
	if (r->user->role == ROLE_ADMIN)
		return;
	if (json_is_string(v = json_object_get(h, "id_number")))
		json_object_set_new(h, "id_number", json_string(mask_id_number(r, json_string_value(v))));
	if (json_is_string(v = json_object_get(h, "bank_account")))
		json_object_set_new(h, "bank_account", json_string(mask_id_number(r, json_string_value(v))));
	if (user_sees_personal(r->user))
		return;
	if (json_is_string(v = json_object_get(h, "phone")))
		json_object_set_new(h, "phone", json_string(mask_phone(r, json_string_value(v))));
}

static int list_households(struct req *r)
{
	struct list_filter f;
	json_t *out, *h;
	struct app_err e;
	size_t i;
	if (!parse_filter(r, &f, NULL))
		return reply_invalid(r);
	if (f.point_id && r->user->role == ROLE_COLLECTOR && !user_has_point(r->user, f.point_id))
		return reply_forbidden(r);
	if (households_list(r->db, &f, points_of(r->user), &out, &e))
		return reply_app_error(r, &e);
	json_array_foreach(json_object_get(out, "items"), i, h)
		mask_household(r, h);
	return reply_json(r, 200, out);
}

/* The household in the path if the caller may see it (else a reply is made). */
static bool visible_household(struct req *r, int64_t *id)
{
	json_t *h;
	struct app_err e;
	if (!parse_path_id(r, id) || household_get(r->db, *id, &h, &e)) {
		reply_not_found(r, "农户 household");
		return false;
	}
	json_decref(h);
	if (!household_in_scope(r->db, *id, points_of(r->user))) {
		reply_forbidden(r);
		return false;
	}
	return true;
}

static int get_household(struct req *r)
{
	int64_t id;
	json_t *out;
	struct app_err e;
	if (!visible_household(r, &id))
		return 0;
	if (household_get(r->db, id, &out, &e))
		return reply_app_error(r, &e);
	mask_household(r, out);
	return reply_json(r, 200, out);
}

static int get_household_ledger(struct req *r)
{
	int64_t id;
	json_t *out;
	struct list_filter f;
	struct app_err e;
	if (!visible_household(r, &id))
		return 0;
	if (!parse_filter(r, &f, NULL))
		return reply_invalid(r);
	if (household_ledger_list(r->db, id, &f, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

static int create_household(struct req *r)
{
	static const char *const fields[] = {"code", "head_name", "id_number", "phone", "bank_account",
					     "village_code", "cooperative_id", "lifted_from_poverty",
					     "members", NULL};
	json_t *body = req_body_object(r);
	struct household_in in = {0};
	struct app_err e;
	int64_t id;
	in.members = 1;
	if (!body || !jcheck_fields(r, body, fields) | !jget_code(r, body, "code", false, &in.code) |
			     !jget_str(r, body, "head_name", true, 64, &in.head_name) |
			     !jget_str(r, body, "id_number", false, 18, &in.id_number) |
			     !jget_str(r, body, "phone", false, 20, &in.phone) |
			     !jget_str(r, body, "bank_account", false, 34, &in.bank_account) |
			     !jget_str(r, body, "village_code", true, 12, &in.village_code) |
			     !jget_int(r, body, "cooperative_id", false, 1, INT64_MAX, &in.cooperative_id) |
			     !jget_bool(r, body, "lifted_from_poverty", false, &in.lifted_from_poverty) |
			     !jget_int(r, body, "members", false, 1, 50, &in.members))
		return reply_invalid(r);
	if (household_create(r->db, &in, now_ms(), &id, &e))
		return reply_app_error(r, &e);
	/* the audit detail carries the id only: never personal data */
	return reply_created(r, "household.create", "household", id, NULL, household_get);
}

/* ---- updates (PATCH): the fields each may change are in src/app/patch.c ---- */

static int patch_warehouse_h(struct req *r)
{
	return reply_patch(r, &patch_warehouse, warehouse_get, "仓库 warehouse");
}
static int patch_point_h(struct req *r)
{
	return reply_patch(r, &patch_point, point_get, "收购点 point");
}
static int patch_channel_h(struct req *r)
{
	return reply_patch(r, &patch_channel, channel_get, "渠道 channel");
}
static int patch_cooperative_h(struct req *r)
{
	return reply_patch(r, &patch_cooperative, cooperative_get, "合作社 cooperative");
}
static int patch_enterprise_h(struct req *r)
{
	return reply_patch(r, &patch_enterprise, enterprise_get, "企业 enterprise");
}
static int patch_household_h(struct req *r)
{
	return reply_patch(r, &patch_household, household_get, "农户 household");
}

#define READ_ROLES ROLES_STAFF
#define HH_ROLES (ROLE_ADMIN | ROLE_COLLECTOR | ROLE_OFFICE)

const struct route places_routes[] = {
	{"GET", "/api/v1/divisions", handle_divisions, READ_ROLES, 0,
	 "administrative divisions (children of parent, level, search q by code prefix or name)"},
	{"GET", "/api/v1/pairings", list_pairings, READ_ROLES, 0, "east–west pairings"},
	{"POST", "/api/v1/pairings", create_pairing, ROLE_ADMIN, 0, "create a pairing"},
	{"GET", "/api/v1/pairings/{id}", get_pairing, READ_ROLES, 0, "one pairing"},
	{"GET", "/api/v1/warehouses", list_warehouses, READ_ROLES, 0, "warehouses"},
	{"POST", "/api/v1/warehouses", create_warehouse, ROLE_ADMIN, 0, "create a warehouse"},
	{"GET", "/api/v1/warehouses/{id}", get_warehouse, READ_ROLES, 0, "one warehouse"},
	{"PATCH", "/api/v1/warehouses/{id}", patch_warehouse_h, ROLE_ADMIN, 0, "update a warehouse"},
	{"PUT", "/api/v1/warehouses/{id}/service-areas", put_service_areas, ROLE_ADMIN, 0,
	 "replace a sales warehouse's service areas"},
	{"GET", "/api/v1/points", list_points, READ_ROLES, 0, "collection points"},
	{"POST", "/api/v1/points", create_point, ROLE_ADMIN, 0, "create a collection point"},
	{"GET", "/api/v1/points/{id}", get_point, READ_ROLES, 0, "one collection point"},
	{"PATCH", "/api/v1/points/{id}", patch_point_h, ROLE_ADMIN, 0, "update a collection point"},
	{"GET", "/api/v1/channels", list_channels, READ_ROLES, 0, "sales channels"},
	{"POST", "/api/v1/channels", create_channel, ROLE_ADMIN, 0, "create a channel"},
	{"GET", "/api/v1/channels/{id}", get_channel, READ_ROLES, 0, "one channel"},
	{"PATCH", "/api/v1/channels/{id}", patch_channel_h, ROLE_ADMIN, 0, "update a channel"},
	{"GET", "/api/v1/cooperatives", list_cooperatives, READ_ROLES, 0, "cooperatives"},
	{"POST", "/api/v1/cooperatives", create_cooperative, ROLE_ADMIN, 0, "create a cooperative"},
	{"GET", "/api/v1/cooperatives/{id}", get_cooperative, READ_ROLES, 0, "one cooperative"},
	{"PATCH", "/api/v1/cooperatives/{id}", patch_cooperative_h, ROLE_ADMIN, 0,
	 "update a cooperative"},
	{"GET", "/api/v1/enterprises", list_enterprises, READ_ROLES, 0, "enterprises"},
	{"POST", "/api/v1/enterprises", create_enterprise, ROLE_ADMIN, 0, "create an enterprise"},
	{"GET", "/api/v1/enterprises/{id}", get_enterprise, READ_ROLES, 0, "one enterprise"},
	{"PATCH", "/api/v1/enterprises/{id}", patch_enterprise_h, ROLE_ADMIN, 0,
	 "update an enterprise"},
	{"GET", "/api/v1/households", list_households, HH_ROLES, 0, "households (personal data masked)"},
	{"POST", "/api/v1/households", create_household, ROLE_ADMIN, 0, "create a household"},
	{"GET", "/api/v1/households/{id}", get_household, HH_ROLES, 0, "one household"},
	{"PATCH", "/api/v1/households/{id}", patch_household_h, ROLE_ADMIN, 0,
	 "update a household (脱贫户 flag, bank account…)"},
	{"GET", "/api/v1/households/{id}/ledger", get_household_ledger, HH_ROLES, 0,
	 "a household's ledger and balance"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
