/*
 * Unit tests of the line-haul (src/app/linehaul.c) and transfers
 * (src/app/transfers.c) on a real SQLite store: loading by lot or by SKU
 * with FEFO reserves at the origin, an empty line-haul cannot be dispatched,
 * dispatch moves the grams into transit, receipt records shortage and damage
 * per lot and leaves nothing in transit, each state change happens once; a
 * transfer's shortage is written off; cost per kg by route.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/linehaul.h"
#include "app/transfers.h"
#include "test_stock_fixture.h"

static const struct stock_loc WH = {LOC_WAREHOUSE, FX_ORIGIN};

static int64_t packed_at_origin(struct store *db, const char *code, const char *expires, int64_t grams)
{
	struct app_err err;
	int64_t lot = fx_lot(db, code, "packed", 0, FX_SKU, "2026-11-01", expires, grams);
	assert_true(lot > 0);
	assert_int_equal(stock_add(db, lot, WH, grams, "pack_out", "", 0, 0, &err), 0);
	return lot;
}

static void test_linehaul_life(void **state)
{
	struct store *db = *state;
	struct app_err err;
	int64_t late = packed_at_origin(db, "PLATE", "2026-12-20", 20000);
	int64_t early = packed_at_origin(db, "PEARLY", "2026-12-10", 10000);
	int64_t gone = packed_at_origin(db, "POLD", "2026-11-09", 10000);
	struct linehaul_in in = {FX_ORIGIN, FX_SALES, "9.6m", "川W1", 90000, NULL, 0, "2026-11-10"};
	int64_t id;
	char code[32];
	assert_int_equal(linehaul_create(db, &in, 0, &id, code, &err), 0);
	assert_int_equal(linehaul_dispatch(db, id, -1, 0, &err), -1);
	assert_int_equal(err.status, 409);
	/* 3 boxes by FEFO: POLD expired, so PEARLY's 2 then 1 of PLATE */
	struct linehaul_line_in lines[] = {{0, 0, FX_SKU, 3}};
	assert_int_equal(linehaul_load(db, id, lines, 1, "2026-11-10", &err), 0);
	assert_int_equal(fx_stock(db, early, LOC_WAREHOUSE, FX_ORIGIN, 1), 10000);
	assert_int_equal(fx_stock(db, late, LOC_WAREHOUSE, FX_ORIGIN, 1), 5000);
	assert_int_equal(fx_stock(db, gone, LOC_WAREHOUSE, FX_ORIGIN, 1), 0);
	/* an expired lot by name: refused */
	struct linehaul_line_in old[] = {{gone, 5000, 0, 0}};
	assert_int_equal(linehaul_load(db, id, old, 1, "2026-11-10", &err), -1);
	assert_int_equal(err.status, 422);
	assert_int_equal(err.row, 1);
	assert_int_equal(linehaul_dispatch(db, id, 120000, 0, &err), 0);
	assert_int_equal(fx_stock(db, late, LOC_TRANSIT, id, 0), 5000);
	assert_int_equal(fx_stock(db, late, LOC_WAREHOUSE, FX_ORIGIN, 0), 15000);
	assert_int_equal(fx_stock(db, late, LOC_WAREHOUSE, FX_ORIGIN, 1), 0);
	assert_int_equal(fx_count(db, "SELECT cost_fen FROM linehauls WHERE id = ?", id), 120000);
	/* once dispatched: no second dispatch, no more loading */
	assert_int_equal(linehaul_dispatch(db, id, -1, 0, &err), -1);
	assert_int_equal(err.status, 409);
	assert_int_equal(linehaul_load(db, id, lines, 1, "2026-11-10", &err), -1);
	assert_int_equal(err.status, 409);
	/* PEARLY: 9000 arrive, 500 damaged, 500 missing; PLATE not listed: in full */
	struct linehaul_recv_in recv[] = {{early, 9000, 500, "压坏"}};
	assert_int_equal(linehaul_receive(db, id, recv, 1, 0, &err), 0);
	assert_int_equal(fx_stock(db, early, LOC_WAREHOUSE, FX_SALES, 0), 9000);
	assert_int_equal(fx_stock(db, late, LOC_WAREHOUSE, FX_SALES, 0), 5000);
	assert_int_equal(fx_count(db, "SELECT COALESCE(SUM(qty_g), 0) FROM stock WHERE loc_kind = 'transit' AND loc_id = ?", id), 0);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM linehaul_lines WHERE linehaul_id = ? AND lot_id = 2"
				      " AND received_g = 9000 AND damaged_g = 500 AND shortage_g = 500", id), 1);
	assert_int_equal(fx_count(db, "SELECT SUM(qty_g) FROM stock_moves WHERE ref_id = ? AND reason IN ('damage', 'shortage')", id), 1000);
	assert_int_equal(linehaul_receive(db, id, NULL, 0, 0, &err), -1);
	assert_int_equal(err.status, 409);
	/* cost per kg: 120000 fen over 15 kg = 8000 fen/kg */
	json_t *costs;
	assert_int_equal(linehaul_costs(db, (struct wh_scope){NULL, 0}, &costs, &err), 0);
	json_t *row = json_array_get(json_object_get(costs, "items"), 0);
	assert_int_equal(json_integer_value(json_object_get(row, "fen_per_kg")), 8000);
	assert_int_equal(json_integer_value(json_object_get(row, "loaded_g")), 15000);
	json_decref(costs);
}

static void test_linehaul_refusals(void **state)
{
	struct store *db = *state;
	struct app_err err;
	int64_t lot = packed_at_origin(db, "PA", "2026-12-20", 10000);
	int64_t src = fx_lot(db, "S1", "source", FX_HH1, 0, "2026-11-01", "2026-12-01", 1000);
	assert_int_equal(stock_add(db, src, WH, 1000, "collect", "", 0, 0, &err), 0);
	int64_t id;
	char code[32];
	struct linehaul_in bad = {FX_SALES, FX_ORIGIN, NULL, NULL, 0, NULL, 0, "2026-11-10"};
	assert_int_equal(linehaul_create(db, &bad, 0, &id, code, &err), -1);
	assert_string_equal(err.field, "from_warehouse_id");
	struct linehaul_line_in too_much[] = {{lot, 10001, 0, 0}};
	struct linehaul_in in = {FX_ORIGIN, FX_SALES, NULL, NULL, 0, too_much, 1, "2026-11-10"};
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(linehaul_create(db, &in, 0, &id, code, &err), -1);
	assert_int_equal(store_rollback(db), 0);
	assert_string_equal(err.code, "insufficient_stock");
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM linehauls WHERE id > ?", 0), 0);
	struct linehaul_line_in source[] = {{src, 1000, 0, 0}};
	in.lines = source;
	assert_int_equal(linehaul_create(db, &in, 0, &id, code, &err), -1);
	assert_int_equal(err.status, 422);
	assert_string_equal(err.field, "lot_id");
	in.cost_fen = -1;
	in.lines = NULL;
	in.nlines = 0;
	assert_int_equal(linehaul_create(db, &in, 0, &id, code, &err), -1);
	assert_string_equal(err.field, "cost_fen");
}

static void test_transfer_shortage(void **state)
{
	struct store *db = *state;
	struct app_err err;
	struct stock_loc pt = {LOC_POINT, FX_POINT};
	int64_t s1 = fx_lot(db, "S1", "source", FX_HH1, 0, "2026-11-01", "2026-12-01", 8000);
	assert_int_equal(stock_add(db, s1, pt, 8000, "collect", "", 0, 0, &err), 0);
	struct transfer_line_in lines[] = {{s1, 8000}};
	int64_t id;
	char code[32];
	assert_int_equal(transfer_send(db, FX_POINT, FX_ORIGIN, lines, 1, 0, &id, code, &err), 0);
	assert_int_equal(fx_stock(db, s1, LOC_TRANSIT, id, 0), 8000);
	assert_int_equal(fx_stock(db, s1, LOC_POINT, FX_POINT, 0), 0);
	struct transfer_recv_in recv[] = {{s1, 7700}};
	assert_int_equal(transfer_receive(db, id, recv, 1, 0, &err), 0);
	assert_int_equal(fx_stock(db, s1, LOC_WAREHOUSE, FX_ORIGIN, 0), 7700);
	assert_int_equal(fx_stock(db, s1, LOC_TRANSIT, id, 0), 0);
	assert_int_equal(fx_count(db, "SELECT SUM(qty_g) FROM stock_moves WHERE lot_id = ? AND reason = 'shortage'", s1), 300);
	assert_int_equal(transfer_receive(db, id, NULL, 0, 0, &err), -1);
	assert_int_equal(err.status, 409);
	/* into a sales warehouse: refused */
	assert_int_equal(transfer_send(db, FX_POINT, FX_SALES, lines, 1, 0, &id, code, &err), -1);
	assert_string_equal(err.field, "warehouse_id");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_linehaul_life, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_linehaul_refusals, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_transfer_shortage, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
