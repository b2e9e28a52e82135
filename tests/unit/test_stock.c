/*
 * Unit tests of stock by lot and location (src/app/stock.c) on a real SQLite
 * store: add/remove/move journal every change, stock never goes negative
 * (insufficient_stock, nothing changed), FEFO reservation order with the
 * user's pick overriding it and expired lots excluded, unreserve and ship.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_stock_fixture.h"

static const struct stock_loc WH = {LOC_WAREHOUSE, FX_ORIGIN};
static const struct stock_loc PT = {LOC_POINT, FX_POINT};

static void test_add_remove_journal(void **state)
{
	struct store *db = *state;
	struct app_err err;
	int64_t lot = fx_lot(db, "S1", "source", FX_HH1, 0, "2026-11-01", "2026-12-01", 10000);
	assert_true(lot > 0);
	assert_int_equal(stock_add(db, lot, PT, 10000, "collect", "collection", 7, 0, &err), 0);
	assert_int_equal(stock_add(db, lot, PT, 500, "adjust", "", 0, 0, &err), 0);
	assert_int_equal(fx_stock(db, lot, LOC_POINT, FX_POINT, 0), 10500);
	assert_int_equal(stock_remove(db, lot, PT, 1500, "spoilage", "adjustment", 1, 0, &err), 0);
	assert_int_equal(fx_stock(db, lot, LOC_POINT, FX_POINT, 0), 9000);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM stock_moves WHERE lot_id = ?", lot), 3);
	/* the removal leaves stock: from set, to NULL */
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM stock_moves WHERE lot_id = ? AND reason = 'spoilage'"
				      " AND from_kind = 'point' AND to_kind IS NULL AND qty_g = 1500", lot), 1);
	int64_t avail;
	assert_int_equal(stock_available(db, lot, PT, &avail), 0);
	assert_int_equal(avail, 9000);
	assert_int_equal(stock_available(db, lot, WH, &avail), 0);
	assert_int_equal(avail, 0);
}

static void test_never_negative(void **state)
{
	struct store *db = *state;
	struct app_err err;
	int64_t lot = fx_lot(db, "S2", "source", FX_HH1, 0, "2026-11-01", "2026-12-01", 3000);
	assert_int_equal(stock_add(db, lot, PT, 3000, "collect", "", 0, 0, &err), 0);
	int64_t moves = fx_count(db, "SELECT COUNT(*) FROM stock_moves", 0);
	assert_int_equal(stock_remove(db, lot, PT, 3001, "loss", "", 0, 0, &err), -1);
	assert_string_equal(err.code, "insufficient_stock");
	assert_int_equal(err.status, 409);
	assert_int_equal(stock_move(db, lot, PT, WH, 5000, "transfer", "", 0, 0, &err), -1);
	assert_string_equal(err.code, "insufficient_stock");
	/* nothing changed: no stock arrived, nothing left, no journal rows */
	assert_int_equal(fx_stock(db, lot, LOC_POINT, FX_POINT, 0), 3000);
	assert_int_equal(fx_stock(db, lot, LOC_WAREHOUSE, FX_ORIGIN, 0), -1);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM stock_moves", 0), moves);
	/* removing from a place with no row at all */
	assert_int_equal(stock_remove(db, lot, WH, 1, "loss", "", 0, 0, &err), -1);
	assert_string_equal(err.code, "insufficient_stock");
	/* zero and negative quantities are refused */
	assert_int_equal(stock_add(db, lot, PT, 0, "collect", "", 0, 0, &err), -1);
	assert_string_equal(err.code, "invalid");
	assert_int_equal(stock_remove(db, lot, PT, -5, "loss", "", 0, 0, &err), -1);
	assert_string_equal(err.code, "invalid");
	assert_int_equal(stock_add(db, 9999, PT, 10, "collect", "", 0, 0, &err), -1);
	assert_string_equal(err.code, "not_found");
	/* exactly all of it may go */
	assert_int_equal(stock_remove(db, lot, PT, 3000, "loss", "", 0, 0, &err), 0);
	assert_int_equal(fx_stock(db, lot, LOC_POINT, FX_POINT, 0), 0);
}

static void test_move(void **state)
{
	struct store *db = *state;
	struct app_err err;
	int64_t lot = fx_lot(db, "S3", "source", FX_HH2, 0, "2026-11-01", "2026-12-01", 8000);
	struct stock_loc tr = {LOC_TRANSIT, 42};
	assert_int_equal(stock_add(db, lot, PT, 8000, "collect", "", 0, 0, &err), 0);
	assert_int_equal(stock_move(db, lot, PT, tr, 8000, "transfer", "transfer", 42, 0, &err), 0);
	assert_int_equal(stock_move(db, lot, tr, WH, 7900, "receive", "transfer", 42, 0, &err), 0);
	assert_int_equal(fx_stock(db, lot, LOC_POINT, FX_POINT, 0), 0);
	assert_int_equal(fx_stock(db, lot, LOC_TRANSIT, 42, 0), 100);
	assert_int_equal(fx_stock(db, lot, LOC_WAREHOUSE, FX_ORIGIN, 0), 7900);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM stock_moves WHERE lot_id = ? AND from_kind = 'transit'"
				      " AND to_kind = 'warehouse' AND qty_g = 7900", lot), 1);
	assert_int_equal(stock_move(db, lot, WH, WH, 1, "x", "", 0, 0, &err), -1);
	assert_string_equal(err.code, "invalid");
}

/* Three packed lots of the 5 kg SKU at the origin warehouse:
 * P-LATE expires 12-20 (4 boxes), P-EARLY 12-10 (2 boxes), P-OLD 11-01
 * (expired on 2026-11-22, 10 boxes). */
static void make_packed(struct store *db, int64_t *late, int64_t *early, int64_t *old)
{
	struct app_err err;
	*late = fx_lot(db, "P-LATE", "packed", 0, FX_SKU, "2026-11-20", "2026-12-20", 20000);
	*early = fx_lot(db, "P-EARLY", "packed", 0, FX_SKU, "2026-11-10", "2026-12-10", 10000);
	*old = fx_lot(db, "P-OLD", "packed", 0, FX_SKU, "2026-10-01", "2026-11-01", 50000);
	assert_int_equal(stock_add(db, *late, WH, 20000, "pack_out", "", 0, 0, &err), 0);
	assert_int_equal(stock_add(db, *early, WH, 10000, "pack_out", "", 0, 0, &err), 0);
	assert_int_equal(stock_add(db, *old, WH, 50000, "pack_out", "", 0, 0, &err), 0);
}

static void test_reserve_fefo(void **state)
{
	struct store *db = *state;
	struct app_err err;
	struct stock_pick picks[4];
	int n;
	int64_t late, early, old;
	make_packed(db, &late, &early, &old);
	/* 3 boxes: both of the earliest unexpired lot, then one of the next */
	assert_int_equal(stock_reserve_fefo(db, FX_ORIGIN, FX_SKU, 3, 0, "2026-11-22", picks, 4, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(picks[0].lot_id, early);
	assert_int_equal(picks[0].qty_g, 10000);
	assert_int_equal(picks[1].lot_id, late);
	assert_int_equal(picks[1].qty_g, 5000);
	assert_int_equal(fx_stock(db, early, LOC_WAREHOUSE, FX_ORIGIN, 1), 10000);
	assert_int_equal(fx_stock(db, late, LOC_WAREHOUSE, FX_ORIGIN, 1), 5000);
	assert_int_equal(fx_stock(db, old, LOC_WAREHOUSE, FX_ORIGIN, 1), 0);
	/* 4 more: only 3 unexpired boxes remain, the expired lot is never used */
	assert_int_equal(stock_reserve_fefo(db, FX_ORIGIN, FX_SKU, 4, 0, "2026-11-22", picks, 4, &n, &err), -1);
	assert_string_equal(err.code, "insufficient_stock");
	assert_int_equal(n, 0);
	assert_int_equal(fx_stock(db, late, LOC_WAREHOUSE, FX_ORIGIN, 1), 5000);
	/* reserved stock cannot be removed */
	assert_int_equal(stock_remove(db, early, WH, 1, "loss", "", 0, 0, &err), -1);
	assert_string_equal(err.code, "insufficient_stock");
	/* on its expiry date a lot is still sellable, the day after it is not */
	assert_int_equal(stock_reserve_fefo(db, FX_ORIGIN, FX_SKU, 1, late, "2026-12-20", picks, 4, &n, &err), 0);
	assert_int_equal(stock_reserve_fefo(db, FX_ORIGIN, FX_SKU, 1, late, "2026-12-21", picks, 4, &n, &err), -1);
	assert_string_equal(err.code, "insufficient_stock");
	assert_string_equal(err.field, "lot_id");
}

static void test_reserve_user_pick(void **state)
{
	struct store *db = *state;
	struct app_err err;
	struct stock_pick picks[4];
	int n;
	int64_t late, early, old;
	make_packed(db, &late, &early, &old);
	/* the user's pick overrides FEFO */
	assert_int_equal(stock_reserve_fefo(db, FX_ORIGIN, FX_SKU, 2, late, "2026-11-22", picks, 4, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(picks[0].lot_id, late);
	assert_int_equal(picks[0].qty_g, 10000);
	assert_int_equal(fx_stock(db, early, LOC_WAREHOUSE, FX_ORIGIN, 1), 0);
	/* the picked lot has only 2 boxes left: 3 fails rather than spilling over */
	assert_int_equal(stock_reserve_fefo(db, FX_ORIGIN, FX_SKU, 3, late, "2026-11-22", picks, 4, &n, &err), -1);
	assert_string_equal(err.code, "insufficient_stock");
	/* picking an expired lot is refused even though it has stock */
	assert_int_equal(stock_reserve_fefo(db, FX_ORIGIN, FX_SKU, 1, old, "2026-11-22", picks, 4, &n, &err), -1);
	assert_string_equal(err.code, "insufficient_stock");
	/* a lot of another SKU or another warehouse is not a candidate */
	assert_int_equal(stock_reserve_fefo(db, FX_ORIGIN, FX_SKU_SMALL, 1, 0, "2026-11-22", picks, 4, &n, &err), -1);
	assert_string_equal(err.code, "insufficient_stock");
	assert_int_equal(stock_reserve_fefo(db, FX_SALES, FX_SKU, 1, 0, "2026-11-22", picks, 4, &n, &err), -1);
	assert_string_equal(err.code, "insufficient_stock");
	assert_int_equal(stock_reserve_fefo(db, FX_ORIGIN, 99, 1, 0, "2026-11-22", picks, 4, &n, &err), -1);
	assert_string_equal(err.code, "not_found");
	assert_int_equal(stock_reserve_fefo(db, FX_ORIGIN, FX_SKU, 0, 0, "2026-11-22", picks, 4, &n, &err), -1);
	assert_string_equal(err.code, "invalid");
}

static void test_unreserve_and_ship(void **state)
{
	struct store *db = *state;
	struct app_err err;
	struct stock_pick picks[4];
	int n;
	int64_t late, early, old;
	make_packed(db, &late, &early, &old);
	assert_int_equal(stock_reserve_fefo(db, FX_ORIGIN, FX_SKU, 2, 0, "2026-11-22", picks, 4, &n, &err), 0);
	assert_int_equal(stock_unreserve(db, early, WH, 5000, &err), 0);
	assert_int_equal(fx_stock(db, early, LOC_WAREHOUSE, FX_ORIGIN, 1), 5000);
	assert_int_equal(stock_unreserve(db, early, WH, 5001, &err), -1);
	assert_int_equal(stock_ship_reserved(db, early, WH, 5000, "parcel", 3, 0, &err), 0);
	assert_int_equal(fx_stock(db, early, LOC_WAREHOUSE, FX_ORIGIN, 0), 5000);
	assert_int_equal(fx_stock(db, early, LOC_WAREHOUSE, FX_ORIGIN, 1), 0);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM stock_moves WHERE lot_id = ? AND reason = 'ship'", early), 1);
	/* nothing reserved any more: shipping more fails and changes nothing */
	assert_int_equal(stock_ship_reserved(db, early, WH, 5000, "parcel", 3, 0, &err), -1);
	assert_string_equal(err.code, "insufficient_stock");
	assert_int_equal(fx_stock(db, early, LOC_WAREHOUSE, FX_ORIGIN, 0), 5000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_remove_journal, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_never_negative, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_move, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reserve_fefo, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reserve_user_pick, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_unreserve_and_ship, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
