/*
 * The catalogue over HTTP: products with their grades, shelf life and
 * storage temperature; SKUs (unit, net grams per unit); purchase prices per
 * grade and sale prices per SKU, each in force from a date; and the price in
 * force for (grade, day) or (SKU, day) — the row with the greatest
 * valid_from <= day (src/core/catalogue.h). Thin: JSON is validated here
 * (unknown fields refused), src/app/catalogue.c does the work, every write
 * is audited. Admin writes; all staff read (prices are not personal data).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/catalogue.h"
#include "http/patch_http.h"
#include "http/routes.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#define MAX_GRADES 50
#define MAX_PRICE_FEN 100000000LL /* 1,000,000 yuan per kg or unit: anything above is a typo */
#define MAX_UNIT_G 1000000LL      /* one SKU unit is at most 1 t */

static bool parse_path_id(struct req *r, int64_t *id)
{
	return !parse_int64(str_from(r->params[0]), id) && *id > 0;
}

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(r->arena, "%lld", (long long)id);
}

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

static bool parse_filter(struct req *r, struct list_filter *f)
{
	memset(f, 0, sizeof(*f));
	req_paging(r, &f->limit, &f->offset);
	return query_id(r, "product_id", &f->product_id) & query_id(r, "grade_id", &f->grade_id) &
	       query_id(r, "sku_id", &f->sku_id);
}

static bool jget_code(struct req *r, json_t *body, const char *field, const char **out)
{
	if (!jget_str(r, body, field, true, 32, out))
		return false;
	for (const char *p = *out; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_')) {
			req_add_error(r, field, 0, "编码只能包含字母、数字、- 和 _",
				      "code may contain only letters, digits, - and _");
			return false;
		}
	return true;
}

typedef int (*list_fn)(struct store *, const struct list_filter *, json_t **, struct app_err *);
typedef int (*get_fn)(struct store *, int64_t, json_t **, struct app_err *);

static int reply_list(struct req *r, list_fn fn)
{
	struct list_filter f;
	json_t *out;
	struct app_err e;
	if (!parse_filter(r, &f))
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

/* After a create: audit, then 201 with the new object from fn. */
static int reply_created(struct req *r, const char *action, const char *type, int64_t id,
			 const char *detail, get_fn fn)
{
	json_t *out;
	struct app_err e;
	int rc = audit(r, action, type, id_text(r, id), detail);
	if (rc)
		return reply_store_error(r, rc);
	if (fn(r->db, id, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 201, out);
}

/* ---- products and grades ---- */

static const char *const grade_fields[] = {"code", "name", "sort", NULL};

static bool parse_grade(struct req *r, json_t *g, struct grade_in *in)
{
	memset(in, 0, sizeof(*in));
	return jcheck_fields(r, g, grade_fields) & jget_code(r, g, "code", &in->code) &
	       jget_str(r, g, "name", true, 64, &in->name) &
	       jget_int(r, g, "sort", false, 0, 1000, &in->sort);
}

static bool parse_grades(struct req *r, json_t *body, struct product_in *in)
{
	json_t *list, *g;
	size_t i;
	bool ok = true;
	if (!jget_array(r, body, "grades", false, MAX_GRADES, &list))
		return false;
	if (!list)
		return true;
	struct grade_in *grades = arena_alloc(r->arena, (json_array_size(list) + 1) * sizeof(*grades));
	json_array_foreach(list, i, g) {
		int from = r->nerrors;
		if (!parse_grade(r, g, &grades[i]))
			ok = false;
		for (int k = from; k < r->nerrors; k++) {
			r->errors[k].field = arena_printf(r->arena, "grades.%s",
							  r->errors[k].field ? r->errors[k].field : "");
			r->errors[k].row = (int64_t)i + 1;
		}
	}
	in->grades = grades;
	in->ngrades = (int)json_array_size(list);
	return ok;
}

static int create_product(struct req *r)
{
	static const char *const fields[] = {"code", "name", "name_en", "category", "note",
					     "shelf_life_days", "storage_min_c", "storage_max_c",
					     "origin_code", "grades", NULL};
	json_t *body = req_body_object(r);
	struct product_in in = {0};
	struct app_err e;
	int64_t id;
	if (!body)
		return reply_invalid(r);
	in.has_min_c = json_object_get(body, "storage_min_c") != NULL;
	in.has_max_c = json_object_get(body, "storage_max_c") != NULL;
	if (!jcheck_fields(r, body, fields) | !jget_code(r, body, "code", &in.code) |
	    !jget_str(r, body, "name", true, 100, &in.name) |
	    !jget_str(r, body, "name_en", false, 100, &in.name_en) |
	    !jget_str(r, body, "category", false, 64, &in.category) |
	    !jget_str(r, body, "note", false, 500, &in.note) |
	    !jget_int(r, body, "shelf_life_days", true, 1, 3650, &in.shelf_life_days) |
	    !jget_int(r, body, "storage_min_c", false, -60, 60, &in.storage_min_c) |
	    !jget_int(r, body, "storage_max_c", false, -60, 60, &in.storage_max_c) |
	    !jget_str(r, body, "origin_code", false, 12, &in.origin_code) | !parse_grades(r, body, &in))
		return reply_invalid(r);
	if (in.has_min_c && in.has_max_c && in.storage_min_c > in.storage_max_c) {
		req_add_error(r, "storage_max_c", 0, "最高温度不能低于最低温度",
			      "storage_max_c must not be below storage_min_c");
		return reply_invalid(r);
	}
	if (product_create(r->db, &in, &id, &e))
		return reply_app_error(r, &e);
	return reply_created(r, "product.create", "product", id,
			     arena_printf(r->arena, "{\"code\":\"%s\",\"grades\":%d}", in.code, in.ngrades),
			     product_get);
}

static int list_products(struct req *r) { return reply_list(r, products_list); }
static int get_product(struct req *r) { return reply_one(r, product_get, "产品 product"); }

static int create_grade(struct req *r)
{
	json_t *body = req_body_object(r), *p;
	struct grade_in in;
	struct app_err e;
	int64_t product_id, id;
	if (!parse_path_id(r, &product_id) || product_get(r->db, product_id, &p, &e))
		return reply_not_found(r, "产品 product");
	json_decref(p);
	if (!body || !parse_grade(r, body, &in))
		return reply_invalid(r);
	if (grade_create(r->db, product_id, &in, &id, &e))
		return reply_app_error(r, &e);
	int rc = audit(r, "grade.create", "grade", id_text(r, id),
		       arena_printf(r->arena, "{\"product_id\":%lld,\"code\":\"%s\"}",
				    (long long)product_id, in.code));
	if (rc)
		return reply_store_error(r, rc);
	if (product_get(r->db, product_id, &p, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 201, json_pack("{s:I, s:o}", "id", (json_int_t)id, "product", p));
}

/* ---- SKUs ---- */

static int list_skus(struct req *r) { return reply_list(r, skus_list); }
static int get_sku(struct req *r) { return reply_one(r, sku_get, "商品 SKU"); }

static int create_sku(struct req *r)
{
	static const char *const fields[] = {"code", "name", "unit_name", "product_id", "grade_id",
					     "net_g", "gross_g", NULL};
	json_t *body = req_body_object(r);
	struct sku_in in = {0};
	struct app_err e;
	int64_t id;
	if (!body || !jcheck_fields(r, body, fields) | !jget_code(r, body, "code", &in.code) |
			     !jget_str(r, body, "name", true, 100, &in.name) |
			     !jget_str(r, body, "unit_name", false, 16, &in.unit_name) |
			     !jget_int(r, body, "product_id", true, 1, INT64_MAX, &in.product_id) |
			     !jget_int(r, body, "grade_id", false, 1, INT64_MAX, &in.grade_id) |
			     !jget_int(r, body, "net_g", true, 1, MAX_UNIT_G, &in.net_g) |
			     !jget_int(r, body, "gross_g", false, 1, MAX_UNIT_G, &in.gross_g))
		return reply_invalid(r);
	if (!in.gross_g)
		in.gross_g = in.net_g;
	if (in.gross_g < in.net_g) {
		req_add_error(r, "gross_g", 0, "毛重不能小于净重", "gross_g must not be below net_g");
		return reply_invalid(r);
	}
	if (sku_create(r->db, &in, &id, &e))
		return reply_app_error(r, &e);
	return reply_created(r, "sku.create", "sku", id,
			     arena_printf(r->arena, "{\"code\":\"%s\"}", in.code), sku_get);
}

/* ---- prices ---- */

static const char *const price_fields[] = {"grade_id", "sku_id", "valid_from", "price_fen", NULL};

static int list_purchase_prices(struct req *r) { return reply_list(r, purchase_prices_list); }
static int list_sku_prices(struct req *r) { return reply_list(r, sku_prices_list); }

static bool parse_price(struct req *r, const char *id_field, int64_t *ref_id, const char **from,
			int64_t *price)
{
	json_t *body = req_body_object(r);
	return body && jcheck_fields(r, body, price_fields) &
			       jget_int(r, body, id_field, true, 1, INT64_MAX, ref_id) &
			       jget_date(r, body, "valid_from", true, from) &
			       jget_int(r, body, "price_fen", true, 0, MAX_PRICE_FEN, price);
}

static int price_created(struct req *r, const char *action, const char *type, int64_t id,
			 const char *ref_field, int64_t ref_id, const char *from, int64_t price)
{
	int rc = audit(r, action, type, id_text(r, id),
		       arena_printf(r->arena, "{\"%s\":%lld,\"valid_from\":\"%s\",\"price_fen\":%lld}",
				    ref_field, (long long)ref_id, from, (long long)price));
	if (rc)
		return reply_store_error(r, rc);
	return reply_json(r, 201, json_pack("{s:I, s:I, s:s, s:I}", "id", (json_int_t)id, ref_field,
					    (json_int_t)ref_id, "valid_from", from, "price_fen",
					    (json_int_t)price));
}

static int create_purchase_price(struct req *r)
{
	int64_t grade_id, price, id;
	const char *from;
	struct app_err e;
	if (!parse_price(r, "grade_id", &grade_id, &from, &price))
		return reply_invalid(r);
	if (purchase_price_set(r->db, grade_id, from, price, now_ms(), &id, &e))
		return reply_app_error(r, &e);
	return price_created(r, "purchase_price.create", "purchase_price", id, "grade_id", grade_id,
			     from, price);
}

static int create_sku_price(struct req *r)
{
	int64_t sku_id, price, id;
	const char *from;
	struct app_err e;
	if (!parse_price(r, "sku_id", &sku_id, &from, &price))
		return reply_invalid(r);
	if (sku_price_set(r->db, sku_id, from, price, now_ms(), &id, &e))
		return reply_app_error(r, &e);
	return price_created(r, "sku_price.create", "sku_price", id, "sku_id", sku_id, from, price);
}

/* ?date= (default today in Asia/Shanghai). */
static bool query_day(struct req *r, const char **day)
{
	int64_t days;
	*day = req_query(r, "date");
	if (!*day) {
		*day = today_shanghai(r);
		return true;
	}
	if (date_parse(*day, strlen(*day), &days)) {
		req_add_error(r, "date", 0, "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD");
		return false;
	}
	return true;
}

/* True if grade_id is one of product_id's grades. */
static bool grade_of_product(struct req *r, int64_t product_id, int64_t grade_id)
{
	json_t *p, *g;
	struct app_err e;
	size_t i;
	bool found = false;
	if (product_get(r->db, product_id, &p, &e))
		return false;
	json_array_foreach(json_object_get(p, "grades"), i, g)
		found = found || json_integer_value(json_object_get(g, "id")) == grade_id;
	json_decref(p);
	return found;
}

/* GET /prices/in-force?grade_id=&date= or ?sku_id=&date=; product_id, if
 * given, must be the grade's product. */
static int get_price_in_force(struct req *r)
{
	int64_t grade_id, sku_id, product_id, price;
	const char *day;
	char from[11] = "";
	struct app_err e;
	if (!(query_id(r, "grade_id", &grade_id) & query_id(r, "sku_id", &sku_id) &
	      query_id(r, "product_id", &product_id) & query_day(r, &day)))
		return reply_invalid(r);
	if (!grade_id == !sku_id) {
		req_add_error(r, "grade_id", 0, "请给出 grade_id 或 sku_id 之一",
			      "give exactly one of grade_id and sku_id");
		return reply_invalid(r);
	}
	if (sku_id) {
		if (sku_price_in_force(r->db, sku_id, day, &price, &e))
			return reply_app_error(r, &e);
		return reply_json(r, 200, json_pack("{s:I, s:s, s:I}", "sku_id", (json_int_t)sku_id,
						    "date", day, "price_fen", (json_int_t)price));
	}
	if (product_id && !grade_of_product(r, product_id, grade_id)) {
		req_add_error(r, "grade_id", 0, "该等级不属于此产品",
			      "the grade does not belong to that product");
		return reply_invalid(r);
	}
	if (purchase_price_in_force(r->db, grade_id, day, &price, from, &e))
		return reply_app_error(r, &e);
	/* per 斤 only when it is a whole number of fen (an odd per-kg price is not) */
	json_t *per_jin = price % 2 ? json_null() : json_integer(price / 2);
	return reply_json(r, 200,
			  json_pack("{s:I, s:s, s:I, s:s, s:o}", "grade_id", (json_int_t)grade_id,
				    "date", day, "price_fen_per_kg", (json_int_t)price, "valid_from",
				    from, "price_fen_per_jin", per_jin));
}

/* ---- updates (PATCH): the fields each may change are in src/app/patch.c;
 * prices are never updated, a new price is set from a date ---- */

static int patch_product_h(struct req *r)
{
	return reply_patch(r, &patch_product, product_get, "产品 product");
}
static int patch_grade_h(struct req *r)
{
	return reply_patch(r, &patch_grade, NULL, "等级 grade");
}
static int patch_sku_h(struct req *r)
{
	return reply_patch(r, &patch_sku, sku_get, "商品 SKU");
}

const struct route catalogue_routes[] = {
	{"GET", "/api/v1/products", list_products, ROLES_STAFF, 0, "products with their grades"},
	{"POST", "/api/v1/products", create_product, ROLE_ADMIN, 0, "create a product with grades"},
	{"GET", "/api/v1/products/{id}", get_product, ROLES_STAFF, 0, "one product"},
	{"PATCH", "/api/v1/products/{id}", patch_product_h, ROLE_ADMIN, 0, "update a product"},
	{"PATCH", "/api/v1/grades/{id}", patch_grade_h, ROLE_ADMIN, 0, "update a grade"},
	{"POST", "/api/v1/products/{id}/grades", create_grade, ROLE_ADMIN, 0, "add a grade"},
	{"GET", "/api/v1/skus", list_skus, ROLES_STAFF, 0, "SKUs"},
	{"POST", "/api/v1/skus", create_sku, ROLE_ADMIN, 0, "create a SKU"},
	{"GET", "/api/v1/skus/{id}", get_sku, ROLES_STAFF, 0, "one SKU"},
	{"PATCH", "/api/v1/skus/{id}", patch_sku_h, ROLE_ADMIN, 0, "update a SKU"},
	{"GET", "/api/v1/purchase-prices", list_purchase_prices, ROLES_STAFF, 0,
	 "purchase prices per grade"},
	{"POST", "/api/v1/purchase-prices", create_purchase_price, ROLE_ADMIN, 0,
	 "set a grade's purchase price from a date"},
	{"GET", "/api/v1/sku-prices", list_sku_prices, ROLES_STAFF, 0, "sale prices per SKU"},
	{"POST", "/api/v1/sku-prices", create_sku_price, ROLE_ADMIN, 0,
	 "set a SKU's sale price from a date"},
	{"GET", "/api/v1/prices/in-force", get_price_in_force, ROLES_STAFF, 0,
	 "the price in force for a grade or SKU on a day"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
