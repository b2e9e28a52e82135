/*
 * Updates of places and catalogue objects (see patch.h): the specs of the
 * nine updatable resources, their cross-column rules, and patch_apply(),
 * which reads the row, checks the new values that need the database, writes
 * one UPDATE built from the spec's fixed column names (every value bound) and
 * describes the change for the audit log.
 */
#include "app/patch.h"
#include "app/places.h"
#include "lib/buf.h"

#include <stdio.h>
#include <string.h>

#define MAX_UNIT_G 1000000 /* one SKU unit is at most 1 t (as when created) */

static const char *const channel_kinds[] = {"livestream", "ecommerce", "union",
					    "supermarket", "flagship", "fair", NULL};
static const char *const code_fixed[] = {"id", "code", NULL};
static const char *const warehouse_fixed[] = {"id", "code", "kind", NULL};
static const char *const child_fixed[] = {"id", "code", "product_id", NULL};

#define F_NAME(n) {"name", PATCH_TEXT, 1, n, 0, NULL, NULL}
#define F_COORDS                                                                               \
	{"lon_e6", PATCH_INT, -180000000, 180000000, PATCH_NULLABLE, NULL, NULL},              \
	{"lat_e6", PATCH_INT, -90000000, 90000000, PATCH_NULLABLE, NULL, NULL}
#define F_ACTIVE {"active", PATCH_BOOL, 0, 1, 0, NULL, NULL}
#define F_PAIRING                                                                              \
	{"pairing_id", PATCH_REF, 1, INT64_MAX, PATCH_NULLABLE,                                \
	 "SELECT COUNT(*) FROM pairings WHERE id = ?", NULL}

/* ---- rules across columns ---- */

static bool is_null(json_t *row, const char *key)
{
	json_t *v = json_object_get(row, key);
	return !v || json_is_null(v);
}

static int64_t int_of(json_t *row, const char *key)
{
	return json_integer_value(json_object_get(row, key));
}

static int coords_paired(json_t *after, struct app_err *err)
{
	if (is_null(after, "lon_e6") != is_null(after, "lat_e6"))
		return app_fail(err, 422, "invalid", is_null(after, "lon_e6") ? "lon_e6" : "lat_e6",
				"经纬度需同时给出", "give both lon_e6 and lat_e6");
	return 0;
}

static int warehouse_check(struct store *db, int64_t id, json_t *after, struct app_err *err)
{
	(void)db;
	(void)id;
	return coords_paired(after, err);
}

/* The trace pages name the village of a lot's household (or point) as it is
 * now: once it has collections, moving it would rewrite where past boxes came
 * from. sql counts the collections of id. */
static int village_fixed(struct store *db, const char *table, const char *sql, int64_t id,
			 json_t *after, struct app_err *err)
{
	int64_t n = 0;
	char was[16] = "";
	struct stmt *st;
	char q[96];
	snprintf(q, sizeof(q), "SELECT village_code FROM %s WHERE id = ?", table);
	int rc = store_prepare(db, q, &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, id);
	if (stmt_step(st) == STORE_ROW)
		snprintf(was, sizeof(was), "%s", stmt_text(st, 0));
	stmt_finalize(st);
	const char *now = json_string_value(json_object_get(after, "village_code"));
	if (!now || !strcmp(now, was))
		return 0;
	if ((rc = store_query_int(db, sql, id, &n)))
		return app_store_fail(err, db, rc);
	if (n)
		return app_fail(err, 409, "conflict", "village_code", "已有交售记录，村不可修改",
				"%lld collections trace back to village '%s': it cannot change",
				(long long)n, was);
	return 0;
}

static int household_check(struct store *db, int64_t id, json_t *after, struct app_err *err)
{
	return village_fixed(db, "households",
			     "SELECT COUNT(*) FROM collections WHERE household_id = ?", id, after,
			     err);
}

static int point_check(struct store *db, int64_t id, json_t *after, struct app_err *err)
{
	const char *opens = json_string_value(json_object_get(after, "opens"));
	const char *closes = json_string_value(json_object_get(after, "closes"));
	if (coords_paired(after, err) ||
	    village_fixed(db, "collection_points",
			  "SELECT COUNT(*) FROM collections WHERE point_id = ?", id, after, err))
		return -1;
	if (!opens || !closes || strcmp(opens, closes) >= 0)
		return app_fail(err, 422, "invalid", "closes", "营业时间须开门早于关门",
				"opens '%s' must be before closes '%s'", opens ? opens : "",
				closes ? closes : "");
	return 0;
}

/* Coordinates given by hand are exact, no longer the village's approximation. */
static int point_after(struct store *db, int64_t id, json_t *body, struct app_err *err)
{
	struct stmt *st;
	if (!json_is_integer(json_object_get(body, "lon_e6")))
		return 0;
	int rc = store_prepare(db, "UPDATE collection_points SET approx = 0 WHERE id = ?", &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

static int product_check(struct store *db, int64_t id, json_t *after, struct app_err *err)
{
	(void)db;
	(void)id;
	if (!is_null(after, "storage_min_c") && !is_null(after, "storage_max_c") &&
	    int_of(after, "storage_min_c") > int_of(after, "storage_max_c"))
		return app_fail(err, 422, "invalid", "storage_max_c", "最高温度不能低于最低温度",
				"storage_max_c must not be below storage_min_c");
	return 0;
}

/* A SKU's net weight turns units into grams for its lots and order lines:
 * once either exists it is history and stays. */
static int sku_weight_fixed(struct store *db, int64_t id, int64_t net_g, struct app_err *err)
{
	int64_t was = 0, lots = 0, lines = 0;
	int rc = store_query_int(db, "SELECT net_g FROM skus WHERE id = ?", id, &was);
	if (!rc && was != net_g)
		rc = store_query_int(db, "SELECT COUNT(*) FROM lots WHERE sku_id = ?", id, &lots);
	if (!rc && was != net_g)
		rc = store_query_int(db, "SELECT COUNT(*) FROM order_lines WHERE sku_id = ?", id,
				     &lines);
	if (rc)
		return app_store_fail(err, db, rc);
	if (lots + lines)
		return app_fail(err, 409, "conflict", "net_g", "该商品已有库存或订单，净重不可修改",
				"SKU %lld already has lots or order lines: its net_g cannot change",
				(long long)id);
	return 0;
}

static int sku_check(struct store *db, int64_t id, json_t *after, struct app_err *err)
{
	int64_t grade_product = 0;
	if (sku_weight_fixed(db, id, int_of(after, "net_g"), err))
		return -1;
	if (int_of(after, "gross_g") < int_of(after, "net_g"))
		return app_fail(err, 422, "invalid", "gross_g", "毛重不能小于净重",
				"gross_g must not be below net_g");
	if (!is_null(after, "grade_id")) {
		int rc = store_query_int(db, "SELECT product_id FROM grades WHERE id = ?",
					 int_of(after, "grade_id"), &grade_product);
		if (rc)
			return app_store_fail(err, db, rc);
		if (grade_product != int_of(after, "product_id"))
			return app_fail(err, 422, "invalid", "grade_id", "等级不属于该商品的产品",
					"grade %lld is not a grade of the SKU's product",
					(long long)int_of(after, "grade_id"));
	}
	return 0;
}

/* ---- the specs ---- */

static const struct patch_field warehouse_fields[] = {
	F_NAME(100),
	{"division_code", PATCH_DIVISION, 1, 5, 0, NULL, NULL},
	F_PAIRING,
	F_COORDS,
	F_ACTIVE,
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
const struct patch_spec patch_warehouse = {"warehouses", "warehouse", warehouse_fields,
					   warehouse_fixed, NULL, warehouse_check, NULL};

static const struct patch_field point_fields[] = {
	F_NAME(100),
	{"village_code", PATCH_DIVISION, 5, 5, 0, NULL, NULL},
	{"warehouse_id", PATCH_REF, 1, INT64_MAX, PATCH_NULLABLE,
	 "SELECT COUNT(*) FROM warehouses WHERE kind = 'origin' AND id = ?", NULL},
	F_COORDS,
	{"opens", PATCH_CLOCK, 5, 5, 0, NULL, NULL},
	{"closes", PATCH_CLOCK, 5, 5, 0, NULL, NULL},
	F_ACTIVE,
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
const struct patch_spec patch_point = {"collection_points", "point", point_fields, code_fixed,
				       NULL, point_check, point_after};

static const struct patch_field channel_fields[] = {
	F_NAME(100),
	{"kind", PATCH_ENUM, 0, 0, 0, NULL, channel_kinds},
	F_PAIRING,
	F_ACTIVE,
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
const struct patch_spec patch_channel = {"channels", "channel", channel_fields, code_fixed, NULL,
					 NULL, NULL};

static const struct patch_field party_fields[] = {
	F_NAME(100),
	{"division_code", PATCH_DIVISION, 1, 5, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
const struct patch_spec patch_cooperative = {"cooperatives", "cooperative", party_fields,
					     code_fixed, NULL, NULL, NULL};
const struct patch_spec patch_enterprise = {"enterprises", "enterprise", party_fields, code_fixed,
					    NULL, NULL, NULL};

static const struct patch_field household_fields[] = {
	{"head_name", PATCH_TEXT, 1, 64, PATCH_PERSONAL, NULL, NULL},
	{"id_number", PATCH_TEXT, 0, 18, PATCH_NULLABLE | PATCH_PERSONAL, NULL, NULL},
	{"phone", PATCH_TEXT, 0, 20, PATCH_NULLABLE | PATCH_PERSONAL, NULL, NULL},
	{"bank_account", PATCH_TEXT, 0, 34, PATCH_NULLABLE | PATCH_PERSONAL, NULL, NULL},
	{"village_code", PATCH_DIVISION, 5, 5, 0, NULL, NULL},
	{"cooperative_id", PATCH_REF, 1, INT64_MAX, PATCH_NULLABLE,
	 "SELECT COUNT(*) FROM cooperatives WHERE id = ?", NULL},
	{"lifted_from_poverty", PATCH_BOOL, 0, 1, 0, NULL, NULL},
	{"members", PATCH_INT, 1, 50, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
const struct patch_spec patch_household = {"households", "household", household_fields,
					   code_fixed, NULL, household_check, NULL};

static const struct patch_field product_fields[] = {
	F_NAME(100),
	{"name_en", PATCH_TEXT, 0, 100, 0, NULL, NULL},
	{"category", PATCH_TEXT, 0, 64, 0, NULL, NULL},
	{"note", PATCH_TEXT, 0, 500, 0, NULL, NULL},
	{"shelf_life_days", PATCH_INT, 1, 3650, 0, NULL, NULL},
	{"storage_min_c", PATCH_INT, -60, 60, PATCH_NULLABLE, NULL, NULL},
	{"storage_max_c", PATCH_INT, -60, 60, PATCH_NULLABLE, NULL, NULL},
	{"origin_code", PATCH_DIVISION, 1, 5, PATCH_NULLABLE, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
const struct patch_spec patch_product = {"products", "product", product_fields, code_fixed,
					 NULL, product_check, NULL};

static const struct patch_field grade_fields[] = {
	F_NAME(64),
	{"sort", PATCH_INT, 0, 1000, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
const struct patch_spec patch_grade = {"grades", "grade", grade_fields, child_fixed, NULL, NULL,
				       NULL};

static const struct patch_field sku_fields[] = {
	F_NAME(100),
	{"unit_name", PATCH_TEXT, 1, 16, 0, NULL, NULL},
	{"grade_id", PATCH_REF, 1, INT64_MAX, PATCH_NULLABLE,
	 "SELECT COUNT(*) FROM grades WHERE id = ?", NULL},
	{"net_g", PATCH_INT, 1, MAX_UNIT_G, 0, NULL, NULL},
	{"gross_g", PATCH_INT, 1, MAX_UNIT_G, 0, NULL, NULL},
	{NULL, 0, 0, 0, 0, NULL, NULL},
};
const struct patch_spec patch_sku = {"skus", "sku", sku_fields, child_fixed, ", product_id",
				     sku_check, NULL};

const struct patch_field *patch_field_of(const struct patch_spec *spec, const char *name)
{
	for (const struct patch_field *f = spec->fields; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

/* ---- applying a patch ---- */

/* The row as JSON: id, the spec's columns and the fixed ones it has. */
static int load_row(struct store *db, const struct patch_spec *spec, int64_t id, json_t **row,
		    struct app_err *err)
{
	struct query q;
	struct buf sql;
	buf_init(&sql, 4096);
	buf_adds(&sql, "SELECT id");
	for (const struct patch_field *f = spec->fields; f->name; f++)
		buf_printf(&sql, ", %s", f->name);
	if (spec->also_read)
		buf_adds(&sql, spec->also_read);
	buf_printf(&sql, " FROM %s", spec->table);
	query_init(&q, sql.p);
	buf_release(&sql);
	query_and_int(&q, "id = ?", id);
	int rc = query_one(db, &q, spec->what, row, err);
	query_release(&q);
	return rc;
}

static int check_value(struct store *db, const struct patch_field *f, json_t *v,
		       struct app_err *err)
{
	int64_t n = 0;
	if (json_is_null(v))
		return 0;
	if (f->type == PATCH_DIVISION)
		return division_check(db, f->name, json_string_value(v), (int)f->min, (int)f->max,
				      err);
	if (f->type == PATCH_CLOCK && !clock_text_valid(json_string_value(v)))
		return app_fail(err, 422, "invalid", f->name, "时间格式应为 HH:MM",
				"'%s' must be a time HH:MM", f->name);
	if (f->type != PATCH_REF)
		return 0;
	int rc = store_query_int(db, f->ref, json_integer_value(v), &n);
	if (rc)
		return app_store_fail(err, db, rc);
	if (!n)
		return app_fail(err, 422, "invalid", f->name, "引用的对象不存在",
				"%s %lld does not exist", f->name, (long long)json_integer_value(v));
	return 0;
}

static int write_row(struct store *db, const struct patch_spec *spec, int64_t id, json_t *body,
		     struct app_err *err)
{
	struct buf sql;
	struct stmt *st;
	const char *key;
	json_t *v;
	int i = 0, rc;
	buf_init(&sql, 4096);
	buf_printf(&sql, "UPDATE %s SET ", spec->table);
	json_object_foreach(body, key, v) {
		/* the column name is the spec's constant, never the body's key */
		buf_printf(&sql, "%s%s = ?", i++ ? ", " : "", patch_field_of(spec, key)->name);
	}
	buf_adds(&sql, " WHERE id = ?");
	rc = store_prepare(db, sql.p, &st);
	buf_release(&sql);
	if (rc)
		return app_store_fail(err, db, rc);
	i = 1;
	json_object_foreach(body, key, v) {
		if (json_is_string(v))
			stmt_bind_text(st, i++, json_string_value(v));
		else if (json_is_integer(v))
			stmt_bind_int(st, i++, json_integer_value(v));
		else if (json_is_boolean(v))
			stmt_bind_int(st, i++, json_is_true(v));
		else
			stmt_bind_null(st, i++);
	}
	stmt_bind_int(st, i, id);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

/* {"changed":[..], "before":{..}, "after":{..}}: the fields whose value
 * changed; personal ones by name only. */
static json_t *describe(const struct patch_spec *spec, json_t *before, json_t *after)
{
	json_t *changed = json_array(), *was = json_object(), *now = json_object();
	for (const struct patch_field *f = spec->fields; f->name; f++) {
		json_t *a = json_object_get(before, f->name), *b = json_object_get(after, f->name);
		if (json_equal(a, b))
			continue;
		json_array_append_new(changed, json_string(f->name));
		if (f->flags & PATCH_PERSONAL)
			continue;
		json_object_set(was, f->name, a ? a : json_null());
		json_object_set(now, f->name, b ? b : json_null());
	}
	return json_pack("{s:o, s:o, s:o}", "changed", changed, "before", was, "after", now);
}

int patch_apply(struct store *db, const struct patch_spec *spec, int64_t id, json_t *body,
		json_t **change, struct app_err *err)
{
	json_t *before, *after, *v;
	const char *key;
	int rc = -1;
	if (load_row(db, spec, id, &before, err))
		return -1;
	after = json_deep_copy(before);
	json_object_foreach(body, key, v) {
		if (check_value(db, patch_field_of(spec, key), v, err))
			goto out_free_rows;
		json_object_set(after, key, v);
	}
	if (spec->check && spec->check(db, id, after, err))
		goto out_free_rows;
	if (json_object_size(body) && write_row(db, spec, id, body, err))
		goto out_free_rows;
	if (spec->after && spec->after(db, id, body, err))
		goto out_free_rows;
	*change = describe(spec, before, after);
	rc = 0;
out_free_rows:
	json_decref(after);
	json_decref(before);
	return rc;
}
