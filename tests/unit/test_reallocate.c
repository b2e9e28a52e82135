/*
 * Unit tests of filling backorders (src/app/reallocate.c) on the warehouse
 * fixture (test_stock_fixture.h) plus a Ningbo service area for NB-S: the
 * waiting lines are served oldest order first by order date (not by id),
 * whole lines only (a line that does not fit is passed over and the next
 * tried), never beyond the stock; stock in transit is not promised; the
 * scope (SKU, warehouse) limits the pass; a second pass allocates nothing
 * more; the orders' status is recomputed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "app/orders.h"
#include "app/reallocate.h"
#include "test_stock_fixture.h"

#define TODAY "2026-11-22"
#define T0    1793000000000LL /* 2026-10-26 */
#define HOUR  3600000LL

static int setup(void **state)
{
	if (fx_setup(state))
		return -1;
	if (store_exec(*state, "INSERT INTO warehouse_service_areas (warehouse_id, division_prefix)"
	                       " VALUES (2, '3302')") ||
	    store_exec(*state, "INSERT INTO channels (code, name, kind) VALUES ('LIVE1', '直播间',"
	                       " 'livestream')") ||
	    store_exec(*state, "INSERT INTO linehauls (code, from_warehouse_id, to_warehouse_id,"
	                       " status, created_at) VALUES ('LH1', 1, 2, 'dispatched', 0)"))
		return -1;
	return 0;
}

/* A packed lot of 2.5 kg boxes with `units` at warehouse wh (0: in transit). */
static void small_units(struct store *db, const char *code, int64_t wh, int64_t units)
{
	struct app_err err;
	int64_t lot =
	    fx_lot(db, code, "packed", 0, FX_SKU_SMALL, "2026-10-01", "2099-01-01", units * 2500);
	assert_true(lot > 0);
	struct stock_loc loc = {wh ? LOC_WAREHOUSE : LOC_TRANSIT, wh ? wh : 1};
	assert_int_equal(stock_add(db, lot, loc, units * 2500, "pack_in", "", 0, 0, &err), 0);
}

/* An order of `units` 2.5 kg boxes from Ningbo placed `hours` after T0; its id. */
static int64_t place(struct store *db, const char *no, int64_t units, int64_t hours,
                     const char *want_status)
{
	struct order_line_in l = {"YY-APL-80-2", units, 2990};
	struct order_in in = {
	    no, "王小明", "13812345678", "宁波市鄞州区钱湖路 1 号", "330212", T0 + hours * HOUR,
	    &l, 1, NULL};
	struct order_result res;
	struct app_err err;
	struct order_ctx *c = order_ctx_new(db, TODAY);
	assert_int_equal(order_submit(c, 1, &in, 0, 0, &res, &err), 0);
	order_ctx_free(c);
	assert_string_equal(res.status, want_status);
	return res.id;
}

static const char *order_status(struct store *db, int64_t id, char out[16])
{
	struct stmt *st;
	assert_int_equal(store_prepare(db, "SELECT status FROM orders WHERE id = ?", &st), 0);
	stmt_bind_int(st, 1, id);
	assert_int_equal(stmt_step(st), STORE_ROW);
	snprintf(out, 16, "%s", stmt_text(st, 0));
	stmt_finalize(st);
	return out;
}

/* Run a pass; the number of lines it allocated, their order ids in ids[]. */
static int64_t fill(struct store *db, struct realloc_scope scope, int64_t *ids, size_t max)
{
	struct app_err err;
	int64_t count = -1;
	json_t *lines = json_array();
	assert_int_equal(backorders_fill(db, &scope, TODAY, lines, &count, &err), 0);
	assert_int_equal((int64_t)json_array_size(lines), count);
	for (size_t i = 0; i < json_array_size(lines) && i < max; i++)
		ids[i] = json_integer_value(json_object_get(json_array_get(lines, i), "order_id"));
	json_decref(lines);
	return count;
}

static int64_t reserved_small(struct store *db)
{
	return fx_count(db,
	                "SELECT COALESCE(SUM(reserved_g), 0) FROM stock WHERE lot_id IN"
	                " (SELECT id FROM lots WHERE sku_id = ?)",
	                FX_SKU_SMALL);
}

static void test_oldest_first_whole_lines(void **state)
{
	struct store *db = *state;
	int64_t ids[8];
	char s[16];
	/* submitted newest first: the ids run against the order dates */
	int64_t c = place(db, "C", 1, 3, "backorder");
	int64_t b = place(db, "B", 2, 2, "backorder");
	int64_t a = place(db, "A", 3, 1, "backorder");
	small_units(db, "LSM-NB", FX_SALES, 4);
	assert_int_equal(fill(db, (struct realloc_scope){0}, ids, 8), 2);
	/* A (3 of 4) first, B (2) does not fit the 1 left and waits, C (1) takes it */
	assert_int_equal(ids[0], a);
	assert_int_equal(ids[1], c);
	assert_string_equal(order_status(db, a, s), "allocated");
	assert_string_equal(order_status(db, b, s), "backorder");
	assert_string_equal(order_status(db, c, s), "allocated");
	assert_int_equal(reserved_small(db), 4 * 2500);
	assert_int_equal(fx_count(db,
	                          "SELECT COUNT(*) FROM order_lines WHERE order_id = ?"
	                          " AND warehouse_id = 2 AND route = 'sales_warehouse'"
	                          " AND alloc_reason LIKE '%filled from backorder%'",
	                          a),
	                 1);
	/* nothing left: a second pass allocates nothing */
	assert_int_equal(fill(db, (struct realloc_scope){0}, ids, 8), 0);
	assert_int_equal(reserved_small(db), 4 * 2500);
}

static void test_transit_never_promised(void **state)
{
	struct store *db = *state;
	int64_t ids[4];
	char s[16];
	int64_t a = place(db, "T", 2, 0, "backorder");
	small_units(db, "LSM-TR", 0, 10);
	assert_int_equal(fill(db, (struct realloc_scope){0}, ids, 4), 0);
	assert_string_equal(order_status(db, a, s), "backorder");
	assert_int_equal(reserved_small(db), 0);
}

static void test_scope_limits_the_pass(void **state)
{
	struct store *db = *state;
	int64_t ids[4];
	int64_t a = place(db, "S", 1, 0, "backorder");
	small_units(db, "LSM-YY", FX_ORIGIN, 1);
	/* NB-S holds none of it, and the 5 kg SKU has no waiting line */
	assert_int_equal(fill(db, (struct realloc_scope){.warehouse_id = FX_SALES}, ids, 4), 0);
	assert_int_equal(fill(db, (struct realloc_scope){.sku_id = FX_SKU}, ids, 4), 0);
	/* the origin holds it: a direct parcel from there */
	assert_int_equal(fill(db, (struct realloc_scope){.warehouse_id = FX_ORIGIN}, ids, 4), 1);
	assert_int_equal(ids[0], a);
	assert_int_equal(fx_count(db,
	                          "SELECT COUNT(*) FROM order_lines WHERE order_id = ?"
	                          " AND warehouse_id = 1 AND route = 'origin_parcel'",
	                          a),
	                 1);
}

static void test_scope_from_codes(void **state)
{
	struct store *db = *state;
	struct realloc_scope sc;
	struct app_err err;
	assert_int_equal(realloc_scope_from_codes(db, "YY-APL-80-2", "NB-S", &sc, &err), 0);
	assert_int_equal(sc.sku_id, FX_SKU_SMALL);
	assert_int_equal(sc.warehouse_id, FX_SALES);
	assert_int_equal(realloc_scope_from_codes(db, "NO-SUCH", NULL, &sc, &err), -1);
	assert_int_equal(err.status, 422);
	assert_string_equal(err.field, "sku");
	assert_int_equal(realloc_scope_from_codes(db, NULL, "NO-SUCH", &sc, &err), -1);
	assert_string_equal(err.field, "warehouse");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_oldest_first_whole_lines, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_transit_never_promised, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_scope_limits_the_pass, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_scope_from_codes, setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
