/*
 * Shared fixture of the warehouse unit tests (test_stock.c, test_lot.c,
 * test_packing.c, test_linehaul.c): an in-memory SQLite store with the real
 * migrations and a minimal world — one county, an origin and a sales
 * warehouse, a collection point, two households, an apple product (shelf
 * life 30 days) with one grade and a 5 kg box SKU — plus helpers to make
 * lots and read stock. Header-only so each test binary gets its own copy.
 */
#ifndef TEST_STOCK_FIXTURE_H
#define TEST_STOCK_FIXTURE_H

#include <stdio.h>
#include <string.h>

#include "app/stock.h"
#include "store/store.h"

/* ids of the fixture rows (all 1 on a fresh database) */
#define FX_ORIGIN 1
#define FX_SALES 2
#define FX_POINT 1
#define FX_PRODUCT 1
#define FX_GRADE 1
#define FX_SKU 1 /* 5000 g boxes */
#define FX_SKU_SMALL 2 /* 2500 g boxes */
#define FX_HH1 1
#define FX_HH2 2

static const char *const fx_world_sql[] = {
	"INSERT INTO divisions (code, name, level) VALUES ('51', '四川省', 1)",
	"INSERT INTO divisions (code, name, level) VALUES ('513423', '盐源县', 3)",
	"INSERT INTO divisions (code, name, level) VALUES ('330212', '鄞州区', 3)",
	"INSERT INTO warehouses (code, name, kind, division_code) VALUES ('YY-O', '盐源产地仓', 'origin', '513423')",
	"INSERT INTO warehouses (code, name, kind, division_code) VALUES ('NB-S', '宁波销地仓', 'sales', '330212')",
	"INSERT INTO collection_points (code, name, village_code, warehouse_id) VALUES ('P1', '一号收购点', '513423', 1)",
	"INSERT INTO households (code, head_name, village_code, created_at) VALUES ('H1', '甲', '513423', 0)",
	"INSERT INTO households (code, head_name, village_code, created_at) VALUES ('H2', '乙', '513423', 0)",
	"INSERT INTO products (code, name, shelf_life_days) VALUES ('YY-APL', '盐源苹果', 30)",
	"INSERT INTO grades (product_id, code, name) VALUES (1, '80', '80mm')",
	"INSERT INTO skus (code, product_id, grade_id, name, net_g, gross_g) VALUES ('YY-APL-80-5', 1, 1, '5kg', 5000, 5400)",
	"INSERT INTO skus (code, product_id, grade_id, name, net_g, gross_g) VALUES ('YY-APL-80-2', 1, 1, '2.5kg', 2500, 2700)",
	NULL,
};

static inline int fx_setup(void **state)
{
	char err[256];
	struct store *db = store_open(":memory:", err, sizeof(err));
	if (!db)
		return -1;
	if (store_migrate(db))
		goto out_close;
	for (int i = 0; fx_world_sql[i]; i++)
		if (store_exec(db, fx_world_sql[i])) {
			fprintf(stderr, "fixture: %s\n", store_errmsg(db));
			goto out_close;
		}
	*state = db;
	return 0;
out_close:
	store_close(db);
	return -1;
}

static inline int fx_teardown(void **state)
{
	store_close(*state);
	return 0;
}

/* A lot row: kind "source" (household hh) or "packed" (sku). Returns its id. */
static inline int64_t fx_lot(struct store *db, const char *code, const char *kind, int64_t hh,
		      int64_t sku, const char *harvest, const char *expires, int64_t initial_g)
{
	struct stmt *st;
	int64_t id = 0;
	if (store_prepare(db,
			  "INSERT INTO lots (code, kind, product_id, grade_id, sku_id, household_id,"
			  " point_id, harvest_date, expires_on, initial_g, created_at)"
			  " VALUES (?,?,1,1,?,?,?,?,?,?,0) RETURNING id",
			  &st))
		return 0;
	stmt_bind_text(st, 1, code);
	stmt_bind_text(st, 2, kind);
	if (sku)
		stmt_bind_int(st, 3, sku);
	else
		stmt_bind_null(st, 3);
	if (hh) {
		stmt_bind_int(st, 4, hh);
		stmt_bind_int(st, 5, FX_POINT);
	} else {
		stmt_bind_null(st, 4);
		stmt_bind_null(st, 5);
	}
	stmt_bind_text(st, 6, harvest);
	stmt_bind_text(st, 7, expires);
	stmt_bind_int(st, 8, initial_g);
	if (stmt_step(st) == STORE_ROW)
		id = stmt_int(st, 0);
	stmt_finalize(st);
	return id;
}

/* qty_g (or reserved_g if reserved) of lot at loc; -1 if there is no row. */
static inline int64_t fx_stock(struct store *db, int64_t lot, enum loc_kind kind, int64_t loc_id,
			int reserved)
{
	struct stmt *st;
	int64_t v = -1;
	if (store_prepare(db,
			  reserved ? "SELECT reserved_g FROM stock WHERE lot_id = ? AND loc_kind = ? AND loc_id = ?"
				   : "SELECT qty_g FROM stock WHERE lot_id = ? AND loc_kind = ? AND loc_id = ?",
			  &st))
		return -2;
	stmt_bind_int(st, 1, lot);
	stmt_bind_text(st, 2, loc_kind_name(kind));
	stmt_bind_int(st, 3, loc_id);
	if (stmt_step(st) == STORE_ROW)
		v = stmt_int(st, 0);
	stmt_finalize(st);
	return v;
}

/* COUNT(*) of a query with one int parameter. */
static inline int64_t fx_count(struct store *db, const char *sql, int64_t param)
{
	int64_t n = -1;
	if (store_query_int(db, sql, param, &n))
		return -2;
	return n;
}

#endif
