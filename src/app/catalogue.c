/*
 * The catalogue over the store (see catalogue.h): products, grades, SKUs and
 * their dated prices.
 */
#include "app/catalogue.h"
#include "core/catalogue.h"
#include "lib/timeutil.h"

#include <stdio.h>
#include <string.h>

static int check_code(const char *field, const char *code, struct app_err *err)
{
	if (!catalogue_code_valid(code))
		return app_fail(err, 422, "invalid", field, "编码须为1至32位字母、数字或 _ . -",
				"code '%s' must be 1 to 32 letters, digits, '_', '.' or '-'",
				code ? code : "");
	return 0;
}

static int check_date(const char *field, const char *day, struct app_err *err)
{
	int64_t d;
	if (!day || date_parse(day, strlen(day), &d))
		return app_fail(err, 422, "invalid", field, "日期格式须为 YYYY-MM-DD",
				"date '%s' must be YYYY-MM-DD", day ? day : "");
	return 0;
}

/* Step an INSERT ... RETURNING id; 409 with `conflict_en` on a unique clash. */
static int insert_returning(struct store *db, struct stmt *st, const char *field,
			    const char *conflict_zh, const char *conflict_en, int64_t *id,
			    struct app_err *err)
{
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		*id = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc == STORE_ECONSTRAINT)
		return app_fail(err, 409, "conflict", field, conflict_zh, "%s", conflict_en);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

int grade_create(struct store *db, int64_t product_id, const struct grade_in *in, int64_t *id,
		 struct app_err *err)
{
	struct stmt *st;
	int64_t n = 0;
	if (check_code("code", in->code, err))
		return -1;
	int rc = store_query_int(db, "SELECT COUNT(*) FROM products WHERE id = ?", product_id, &n);
	if (rc)
		return app_store_fail(err, db, rc);
	if (!n)
		return app_fail(err, 404, "not_found", "", "产品不存在", "product %lld not found",
				(long long)product_id);
	if ((rc = store_prepare(db,
				"INSERT INTO grades (product_id, code, name, sort) VALUES (?, ?, ?, ?) "
				"RETURNING id",
				&st)))
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, product_id);
	stmt_bind_text(st, 2, in->code);
	stmt_bind_text(st, 3, in->name);
	stmt_bind_int(st, 4, in->sort);
	return insert_returning(db, st, "code", "该产品已有此等级", "the product already has this grade code",
				id, err);
}

/* Every grade code valid and distinct, before anything is written. */
static int check_grades(const struct grade_in *g, int n, struct app_err *err)
{
	for (int i = 0; i < n; i++) {
		int rc = check_code("grades", g[i].code, err);
		for (int j = 0; j < i && !rc; j++)
			if (strcmp(g[i].code, g[j].code) == 0)
				rc = app_fail(err, 422, "invalid", "grades", "等级编码重复",
					      "grade code '%s' appears twice", g[i].code);
		if (rc) {
			err->row = i + 1;
			return -1;
		}
	}
	return 0;
}

int product_create(struct store *db, const struct product_in *in, int64_t *id, struct app_err *err)
{
	struct stmt *st;
	if (check_code("code", in->code, err))
		return -1;
	if (in->shelf_life_days < 1 || in->shelf_life_days > 3650)
		return app_fail(err, 422, "invalid", "shelf_life_days", "保质期须在1至3650天之间",
				"shelf_life_days must be 1 to 3650");
	if (!storage_range_valid(in->has_min_c, in->storage_min_c, in->has_max_c,
				 in->storage_max_c))
		return app_fail(err, 422, "invalid", "storage_min_c", "储存温度范围无效",
				"storage temperature must be -60..60 C with min <= max");
	if (check_grades(in->grades, in->ngrades, err))
		return -1;
	if (in->origin_code && division_level(db, in->origin_code) == 0)
		return app_fail(err, 422, "invalid", "origin_code", "产地行政区划代码不存在",
				"unknown division code '%s'", in->origin_code);
	int rc = store_prepare(db,
			       "INSERT INTO products (code, name, name_en, category, shelf_life_days, "
			       "storage_min_c, storage_max_c, origin_code, note) "
			       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, in->code);
	stmt_bind_text(st, 2, in->name);
	stmt_bind_text(st, 3, in->name_en ? in->name_en : "");
	stmt_bind_text(st, 4, in->category ? in->category : "");
	stmt_bind_int(st, 5, in->shelf_life_days);
	if (in->has_min_c)
		stmt_bind_int(st, 6, in->storage_min_c);
	else
		stmt_bind_null(st, 6);
	if (in->has_max_c)
		stmt_bind_int(st, 7, in->storage_max_c);
	else
		stmt_bind_null(st, 7);
	stmt_bind_text(st, 8, in->origin_code);
	stmt_bind_text(st, 9, in->note ? in->note : "");
	if (insert_returning(db, st, "code", "产品编码已存在", "product code already exists", id,
			     err))
		return -1;
	for (int i = 0; i < in->ngrades; i++) {
		int64_t gid;
		if (grade_create(db, *id, &in->grades[i], &gid, err)) {
			err->row = i + 1;
			snprintf(err->field, sizeof(err->field), "grades");
			return -1;
		}
	}
	return 0;
}

/* The product of a grade, or 0. */
static int64_t grade_product(struct store *db, int64_t grade_id)
{
	int64_t p = 0;
	if (store_query_int(db, "SELECT product_id FROM grades WHERE id = ?", grade_id, &p))
		return 0;
	return p;
}

int sku_create(struct store *db, const struct sku_in *in, int64_t *id, struct app_err *err)
{
	struct stmt *st;
	int64_t n = 0;
	if (check_code("code", in->code, err))
		return -1;
	int rc = store_query_int(db, "SELECT COUNT(*) FROM products WHERE id = ?", in->product_id,
				 &n);
	if (rc)
		return app_store_fail(err, db, rc);
	if (!n)
		return app_fail(err, 422, "invalid", "product_id", "产品不存在",
				"product %lld does not exist", (long long)in->product_id);
	if (in->grade_id && grade_product(db, in->grade_id) != in->product_id)
		return app_fail(err, 422, "invalid", "grade_id", "等级不属于该产品",
				"grade %lld is not a grade of product %lld",
				(long long)in->grade_id, (long long)in->product_id);
	if (in->net_g <= 0 || in->gross_g < in->net_g)
		return app_fail(err, 422, "invalid", in->net_g <= 0 ? "net_g" : "gross_g",
				"净重须大于零且毛重不小于净重",
				"net_g must be positive and gross_g at least net_g");
	if ((rc = store_prepare(db,
				"INSERT INTO skus (code, product_id, grade_id, name, unit_name, net_g, "
				"gross_g) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
				&st)))
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, in->code);
	stmt_bind_int(st, 2, in->product_id);
	if (in->grade_id)
		stmt_bind_int(st, 3, in->grade_id);
	else
		stmt_bind_null(st, 3);
	stmt_bind_text(st, 4, in->name);
	stmt_bind_text(st, 5, in->unit_name ? in->unit_name : "箱");
	stmt_bind_int(st, 6, in->net_g);
	stmt_bind_int(st, 7, in->gross_g);
	return insert_returning(db, st, "code", "SKU编码已存在", "sku code already exists", id, err);
}

int purchase_price_set(struct store *db, int64_t grade_id, const char *valid_from,
		       int64_t price_fen_per_kg, int64_t now, int64_t *id, struct app_err *err)
{
	struct stmt *st;
	int64_t product_id = grade_product(db, grade_id);
	if (!product_id)
		return app_fail(err, 422, "invalid", "grade_id", "等级不存在",
				"grade %lld does not exist", (long long)grade_id);
	if (check_date("valid_from", valid_from, err))
		return -1;
	if (price_fen_per_kg < 0 || price_fen_per_kg > 10000000)
		return app_fail(err, 422, "invalid", "price_fen", "价格超出范围",
				"price_fen (fen per kg) must be 0 to 10000000");
	int rc = store_prepare(db,
			       "SELECT COUNT(*) FROM collections WHERE grade_id = ? AND "
			       "collected_on >= ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, grade_id);
	stmt_bind_text(st, 2, valid_from);
	int64_t used = stmt_step(st) == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_finalize(st);
	if (used)
		return app_fail(err, 409, "conflict", "valid_from", "该日期之后已有按原价收购的记录，不能改动",
				"collections of this grade on or after %s were paid at the price "
				"then in force; a new price must start after them",
				valid_from);
	if ((rc = store_prepare(db,
				"INSERT INTO purchase_prices (product_id, grade_id, valid_from, "
				"price_fen_per_kg, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
				&st)))
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, product_id);
	stmt_bind_int(st, 2, grade_id);
	stmt_bind_text(st, 3, valid_from);
	stmt_bind_int(st, 4, price_fen_per_kg);
	stmt_bind_int(st, 5, now);
	return insert_returning(db, st, "valid_from", "该等级在此日期已有价格",
				"the grade already has a price from this date", id, err);
}

int sku_price_set(struct store *db, int64_t sku_id, const char *valid_from, int64_t price_fen,
		  int64_t now, int64_t *id, struct app_err *err)
{
	struct stmt *st;
	int64_t n = 0;
	int rc = store_query_int(db, "SELECT COUNT(*) FROM skus WHERE id = ?", sku_id, &n);
	if (rc)
		return app_store_fail(err, db, rc);
	if (!n)
		return app_fail(err, 422, "invalid", "sku_id", "SKU不存在", "sku %lld does not exist",
				(long long)sku_id);
	if (check_date("valid_from", valid_from, err))
		return -1;
	if (price_fen < 0 || price_fen > 100000000)
		return app_fail(err, 422, "invalid", "price_fen", "价格超出范围",
				"price_fen must be 0 to 100000000");
	if ((rc = store_prepare(db,
				"INSERT INTO sku_prices (sku_id, valid_from, price_fen, created_at) "
				"VALUES (?, ?, ?, ?) RETURNING id",
				&st)))
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, sku_id);
	stmt_bind_text(st, 2, valid_from);
	stmt_bind_int(st, 3, price_fen);
	stmt_bind_int(st, 4, now);
	return insert_returning(db, st, "valid_from", "该SKU在此日期已有价格",
				"the sku already has a price from this date", id, err);
}

/* The newest price row (greatest valid_from <= day) of sql's one id. */
static int price_lookup(struct store *db, const char *sql, int64_t ref_id, const char *day,
			int64_t *price, char *valid_from, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, ref_id);
	stmt_bind_text(st, 2, day);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*price = stmt_int(st, 0);
		if (valid_from)
			snprintf(valid_from, 11, "%s", stmt_text(st, 1));
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 422, "no_price", "", "当日没有有效价格",
				"no price in force on %s", day);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

int purchase_price_in_force(struct store *db, int64_t grade_id, const char *day,
			    int64_t *price_fen_per_kg, char *valid_from, struct app_err *err)
{
	return price_lookup(db,
			    "SELECT price_fen_per_kg, valid_from FROM purchase_prices WHERE "
			    "grade_id = ? AND valid_from <= ? ORDER BY valid_from DESC LIMIT 1",
			    grade_id, day, price_fen_per_kg, valid_from, err);
}

int sku_price_in_force(struct store *db, int64_t sku_id, const char *day, int64_t *price_fen,
		       struct app_err *err)
{
	return price_lookup(db,
			    "SELECT price_fen, valid_from FROM sku_prices WHERE sku_id = ? AND "
			    "valid_from <= ? ORDER BY valid_from DESC LIMIT 1",
			    sku_id, day, price_fen, NULL, err);
}

/* ---- listings ---- */

#define PRODUCT_SELECT                                                                         \
	"SELECT id, code, name, name_en, category, shelf_life_days, storage_min_c, "           \
	"storage_max_c, origin_code, note FROM products"

static int add_grades(struct store *db, json_t *p, struct app_err *err)
{
	struct query q;
	json_t *list;
	query_init(&q, "SELECT id, code, name, sort FROM grades");
	query_and_int(&q, "product_id = ?", json_integer_value(json_object_get(p, "id")));
	query_add(&q, "ORDER BY sort, code");
	int rc = query_list(db, &q, 0, 0, &list, err);
	query_release(&q);
	if (rc)
		return -1;
	json_object_set(p, "grades", json_object_get(list, "items"));
	json_decref(list);
	return 0;
}

int products_list(struct store *db, const struct list_filter *f, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, PRODUCT_SELECT);
	query_add(&q, "ORDER BY id");
	int rc = query_list(db, &q, f->limit > 0 ? f->limit : 100, f->offset, out, err);
	query_release(&q);
	if (rc)
		return -1;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(*out, "items"), i, p)
	{
		if (add_grades(db, p, err)) {
			json_decref(*out);
			return -1;
		}
	}
	return 0;
}

int product_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, PRODUCT_SELECT);
	query_and_int(&q, "id = ?", id);
	int rc = query_one(db, &q, "product", out, err);
	query_release(&q);
	if (rc)
		return -1;
	if (add_grades(db, *out, err)) {
		json_decref(*out);
		return -1;
	}
	return 0;
}

#define SKU_SELECT                                                                             \
	"SELECT s.id, s.code, s.product_id, p.code AS product_code, s.grade_id, "              \
	"g.code AS grade_code, s.name, s.unit_name, s.net_g, s.gross_g FROM skus s "           \
	"JOIN products p ON p.id = s.product_id LEFT JOIN grades g ON g.id = s.grade_id"

int skus_list(struct store *db, const struct list_filter *f, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, SKU_SELECT);
	if (f->product_id)
		query_and_int(&q, "s.product_id = ?", f->product_id);
	query_add(&q, "ORDER BY s.id");
	int rc = query_list(db, &q, f->limit > 0 ? f->limit : 100, f->offset, out, err);
	query_release(&q);
	return rc;
}

int sku_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, SKU_SELECT);
	query_and_int(&q, "s.id = ?", id);
	int rc = query_one(db, &q, "sku", out, err);
	query_release(&q);
	return rc;
}

int purchase_prices_list(struct store *db, const struct list_filter *f, json_t **out,
			 struct app_err *err)
{
	struct query q;
	query_init(&q, "SELECT pp.id, pp.product_id, p.code AS product_code, pp.grade_id, "
		       "g.code AS grade_code, pp.valid_from, pp.price_fen_per_kg, pp.created_at "
		       "FROM purchase_prices pp JOIN products p ON p.id = pp.product_id "
		       "JOIN grades g ON g.id = pp.grade_id");
	if (f->product_id)
		query_and_int(&q, "pp.product_id = ?", f->product_id);
	if (f->grade_id)
		query_and_int(&q, "pp.grade_id = ?", f->grade_id);
	query_add(&q, "ORDER BY pp.product_id, pp.grade_id, pp.valid_from");
	int rc = query_list(db, &q, f->limit > 0 ? f->limit : 100, f->offset, out, err);
	query_release(&q);
	return rc;
}

int sku_prices_list(struct store *db, const struct list_filter *f, json_t **out,
		    struct app_err *err)
{
	struct query q;
	query_init(&q, "SELECT sp.id, sp.sku_id, s.code AS sku_code, sp.valid_from, sp.price_fen, "
		       "sp.created_at FROM sku_prices sp JOIN skus s ON s.id = sp.sku_id");
	if (f->sku_id)
		query_and_int(&q, "sp.sku_id = ?", f->sku_id);
	query_add(&q, "ORDER BY sp.sku_id, sp.valid_from");
	int rc = query_list(db, &q, f->limit > 0 ? f->limit : 100, f->offset, out, err);
	query_release(&q);
	return rc;
}
