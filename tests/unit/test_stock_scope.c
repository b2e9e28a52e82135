/*
 * Unit tests of what a caller may see of lots and stock (src/app/lots.c:
 * lots_list, stock_list, lot_visible with a struct wh_view): a warehouse
 * operator sees its warehouses' stock and the stock in transit on line-hauls
 * from or to them, a collector its points' stock and source lots, an empty
 * view nothing, an unlimited view everything; a filter never widens a view.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/linehaul.h"
#include "test_stock_fixture.h"

static const int64_t origin_ids[] = {FX_ORIGIN}, sales_ids[] = {FX_SALES}, point_ids[] = {FX_POINT};
static const int64_t none[] = {0};

static int64_t total_of(json_t *list)
{
	int64_t n = json_integer_value(json_object_get(list, "total"));
	json_decref(list);
	return n;
}

static int64_t stock_rows(struct store *db, const struct lot_filter *f, const struct wh_view *v)
{
	struct app_err err;
	json_t *out;
	assert_int_equal(stock_list(db, f, v, &out, &err), 0);
	return total_of(out);
}

static int64_t lot_rows(struct store *db, const struct lot_filter *f, const struct wh_view *v)
{
	struct app_err err;
	json_t *out;
	assert_int_equal(lots_list(db, f, v, &out, &err), 0);
	return total_of(out);
}

static void test_views(void **state)
{
	struct store *db = *state;
	struct app_err err;
	struct stock_loc wh = {LOC_WAREHOUSE, FX_ORIGIN}, pt = {LOC_POINT, FX_POINT};
	int64_t src = fx_lot(db, "S1", "source", FX_HH1, 0, "2026-11-01", "2026-12-01", 4000);
	int64_t pa = fx_lot(db, "PA", "packed", 0, FX_SKU, "2026-11-01", "2026-12-20", 20000);
	int64_t pb = fx_lot(db, "PB", "packed", 0, FX_SKU, "2026-11-01", "2026-12-21", 5000);
	assert_int_equal(stock_add(db, src, pt, 4000, "collect", "", 0, 0, &err), 0);
	assert_int_equal(stock_add(db, pa, wh, 20000, "pack_out", "", 0, 0, &err), 0);
	assert_int_equal(stock_add(db, pb, wh, 5000, "pack_out", "", 0, 0, &err), 0);
	/* 2 boxes of PA go on a line-haul to the sales warehouse */
	struct linehaul_line_in lines[] = {{pa, 10000, 0, 0}};
	struct linehaul_in in = {FX_ORIGIN, FX_SALES, NULL, NULL, 0, lines, 1, "2026-11-10"};
	int64_t id;
	char code[32];
	assert_int_equal(linehaul_create(db, &in, 0, &id, code, &err), 0);
	assert_int_equal(linehaul_dispatch(db, id, -1, 0, &err), 0);

	struct lot_filter all = {.expired = -1, .today = "2026-11-10"};
	struct lot_filter transit = all;
	transit.loc_kind = "transit";
	struct wh_view everything = {{NULL, 0}, {NULL, 0}};
	struct wh_view origin = {{origin_ids, 1}, {none, 0}};
	struct wh_view sales = {{sales_ids, 1}, {none, 0}};
	struct wh_view collector = {{none, 0}, {point_ids, 1}};
	struct wh_view nobody = {{none, 0}, {none, 0}};

	/* rows: S1@point, PA@origin, PB@origin, PA@transit */
	assert_int_equal(stock_rows(db, &all, &everything), 4);
	assert_int_equal(stock_rows(db, &all, &origin), 3);
	assert_int_equal(stock_rows(db, &transit, &origin), 1);
	assert_int_equal(stock_rows(db, &all, &sales), 1); /* only what is coming to it */
	assert_int_equal(stock_rows(db, &transit, &sales), 1);
	assert_int_equal(stock_rows(db, &all, &collector), 1);
	assert_int_equal(stock_rows(db, &all, &nobody), 0);
	/* a filter naming another warehouse never widens the view */
	struct lot_filter at_origin = all;
	at_origin.warehouse_id = FX_ORIGIN;
	assert_int_equal(stock_rows(db, &at_origin, &sales), 0);

	assert_int_equal(lot_rows(db, &all, &everything), 3);
	assert_int_equal(lot_rows(db, &all, &origin), 2);
	assert_int_equal(lot_rows(db, &all, &sales), 1);
	assert_int_equal(lot_rows(db, &all, &collector), 1);
	assert_int_equal(lot_rows(db, &all, &nobody), 0);

	assert_true(lot_visible(db, pa, &sales));
	assert_false(lot_visible(db, pb, &sales));
	assert_false(lot_visible(db, src, &sales));
	assert_true(lot_visible(db, src, &collector));
	assert_false(lot_visible(db, pa, &collector));
	assert_true(lot_visible(db, pb, &everything));
	assert_false(lot_visible(db, pb, &nobody));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_views, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
