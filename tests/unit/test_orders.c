/*
 * Unit tests of the order service (src/app/orders.c) and what follows an
 * order (src/app/fulfil.c), on the warehouse fixture (test_stock_fixture.h)
 * plus a Ningbo service area for NB-S and two channels: allocation by the
 * default policy with the reason, transit and expired stock never promised,
 * lines allocated whole, the same order resent unchanged and a different
 * body refused, the last unit promised once, the reply written from
 * memory equal to the order read back, the context shared by one writer
 * batch dropped whenever it may be stale, validation listing every problem, and cancel / ship /
 * deliver / return putting stock back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "app/fulfil.h"
#include "app/orders.h"
#include "lib/timeutil.h"
#include "test_stock_fixture.h"

#define TODAY "2026-11-22"

static const char *const orders_world_sql[] = {
    "INSERT INTO warehouse_service_areas (warehouse_id, division_prefix) VALUES (2, '3302')",
    "INSERT INTO channels (code, name, kind) VALUES ('LIVE1', '直播间', 'livestream')",
    "INSERT INTO channels (code, name, kind) VALUES ('SHOP2', '电商', 'ecommerce')",
    "INSERT INTO linehauls (code, from_warehouse_id, to_warehouse_id, status, created_at)"
    " VALUES ('LH1', 1, 2, 'dispatched', 0)",
    NULL,
};

static int setup(void **state)
{
	if (fx_setup(state))
		return -1;
	for (int i = 0; orders_world_sql[i]; i++)
		if (store_exec(*state, orders_world_sql[i]))
			return -1;
	return 0;
}

/* A packed lot of sku with `units` 5 kg units at warehouse wh (or in transit
 * on line-haul 1 when wh is 0). */
static int64_t stock_units(struct store *db, const char *code, int64_t sku, int64_t wh,
                           int64_t units, const char *expires)
{
	int64_t net = sku == FX_SKU ? 5000 : 2500, lot;
	struct app_err err;
	lot = fx_lot(db, code, "packed", 0, sku, "2026-10-01", expires, units * net);
	assert_true(lot > 0);
	struct stock_loc loc = {wh ? LOC_WAREHOUSE : LOC_TRANSIT, wh ? wh : 1};
	assert_int_equal(stock_add(db, lot, loc, units * net, "pack_in", "", 0, 0, &err), 0);
	return lot;
}

static struct order_line_in line(const char *sku, int64_t units)
{
	return (struct order_line_in){sku, units, 5990};
}

static struct order_in order(const char *no, const char *division, const struct order_line_in *l,
                             size_t n)
{
	return (struct order_in){
	    no, "王小明", "13812345678", "宁波市鄞州区钱湖路 1 号", division, 0, l, n, NULL};
}

/* Submit in for channel 1 with a fresh context; the result's outcome. */
static int submit(struct store *db, const struct order_in *in, struct order_result *res,
                  struct app_err *err)
{
	struct order_ctx *c = order_ctx_new(db, TODAY);
	int rc = order_submit(c, 1, in, 0, 0, res, err);
	order_ctx_free(c);
	return rc;
}

static void line_alloc(struct store *db, int64_t order_id, int64_t *warehouse_id, char *route,
                       size_t routesz)
{
	struct stmt *st;
	assert_int_equal(store_prepare(db,
	                               "SELECT COALESCE(warehouse_id, 0), COALESCE(route, '')"
	                               " FROM order_lines WHERE order_id = ? AND line_no = 1",
	                               &st),
	                 0);
	stmt_bind_int(st, 1, order_id);
	assert_int_equal(stmt_step(st), STORE_ROW);
	*warehouse_id = stmt_int(st, 0);
	snprintf(route, routesz, "%s", stmt_text(st, 1));
	stmt_finalize(st);
}

static void test_allocation_by_policy(void **state)
{
	struct store *db = *state;
	struct order_result res;
	struct app_err err;
	char route[32];
	int64_t wh;
	int64_t nb = stock_units(db, "LNB", FX_SKU, FX_SALES, 3, "2099-01-01");
	stock_units(db, "LYY", FX_SKU, FX_ORIGIN, 50, "2099-01-01");
	stock_units(db, "LTR", FX_SKU, 0, 20, "2099-01-01");         /* in transit to NB-S */
	stock_units(db, "LOLD", FX_SKU, FX_SALES, 10, "2026-01-01"); /* expired */
	struct order_line_in two = line("YY-APL-80-5", 2), five = line("YY-APL-80-5", 5);

	struct order_in a = order("A1", "330212", &two, 1);
	assert_int_equal(submit(db, &a, &res, &err), 0);
	assert_int_equal(res.outcome, ORDER_CREATED);
	assert_string_equal(res.status, "allocated");
	line_alloc(db, res.id, &wh, route, sizeof(route));
	assert_int_equal(wh, FX_SALES);
	assert_string_equal(route, "sales_warehouse");
	assert_int_equal(fx_stock(db, nb, LOC_WAREHOUSE, FX_SALES, 1), 10000);

	/* 1 unit left at NB-S, 20 in transit, 10 expired: 5 units go whole to the origin */
	struct order_in b = order("A2", "330212", &five, 1);
	assert_int_equal(submit(db, &b, &res, &err), 0);
	line_alloc(db, res.id, &wh, route, sizeof(route));
	assert_int_equal(wh, FX_ORIGIN);
	assert_string_equal(route, "origin_parcel");
	assert_int_equal(fx_count(db,
	                          "SELECT COUNT(*) FROM stock WHERE reserved_g > 0 AND lot_id IN"
	                          " (SELECT id FROM lots WHERE code IN ('LTR', 'LOLD')) AND ? >= 0",
	                          0),
	                 0);

	/* outside every service area: the origin */
	struct order_in c = order("A3", "510104", &two, 1);
	assert_int_equal(submit(db, &c, &res, &err), 0);
	line_alloc(db, res.id, &wh, route, sizeof(route));
	assert_int_equal(wh, FX_ORIGIN);

	/* nothing anywhere for the 2.5 kg boxes: backorder, with a reason */
	struct order_line_in small = line("YY-APL-80-2", 1);
	struct order_in d = order("A4", "330212", &small, 1);
	assert_int_equal(submit(db, &d, &res, &err), 0);
	assert_string_equal(res.status, "backorder");
	assert_int_equal(fx_count(db,
	                          "SELECT COUNT(*) FROM order_lines WHERE order_id = ?"
	                          " AND warehouse_id IS NULL AND alloc_reason <> ''",
	                          res.id),
	                 1);
}

static void test_resend_and_conflict(void **state)
{
	struct store *db = *state;
	struct order_result res, again;
	struct app_err err;
	stock_units(db, "LNB", FX_SKU, FX_SALES, 10, "2099-01-01");
	struct order_line_in one = line("YY-APL-80-5", 1), three = line("YY-APL-80-5", 3);
	struct order_in a = order("R1", "330212", &one, 1);
	assert_int_equal(submit(db, &a, &res, &err), 0);
	assert_int_equal(submit(db, &a, &again, &err), 0);
	assert_int_equal(again.outcome, ORDER_UNCHANGED);
	assert_int_equal(again.id, res.id);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM allocations WHERE ? > 0", 1), 1);
	struct order_in changed = order("R1", "330212", &three, 1);
	assert_int_equal(submit(db, &changed, &again, &err), -1);
	assert_int_equal(err.status, 409);
	assert_string_equal(err.field, "order_no");
	/* the same number in another channel is another order */
	struct order_ctx *c = order_ctx_new(db, TODAY);
	assert_int_equal(order_submit(c, 2, &changed, 0, 0, &again, &err), 0);
	order_ctx_free(c);
	assert_int_equal(again.outcome, ORDER_CREATED);
}

static void test_last_unit_promised_once(void **state)
{
	struct store *db = *state;
	struct order_result res;
	struct app_err err;
	int64_t lot = stock_units(db, "LNB", FX_SKU, FX_SALES, 1, "2099-01-01");
	struct order_line_in one = line("YY-APL-80-5", 1);
	/* one context for many orders, as a bulk or an import uses it */
	struct order_ctx *c = order_ctx_new(db, TODAY);
	int served = 0;
	for (int i = 0; i < 5; i++) {
		char no[16];
		snprintf(no, sizeof(no), "L%d", i);
		struct order_in in = order(no, "330212", &one, 1);
		assert_int_equal(order_submit(c, 1, &in, 0, 0, &res, &err), 0);
		served += strcmp(res.status, "allocated") == 0;
	}
	order_ctx_free(c);
	assert_int_equal(served, 1);
	assert_int_equal(fx_stock(db, lot, LOC_WAREHOUSE, FX_SALES, 1), 5000);
}

/* A context keeps a SKU's lots in memory for its transaction; if the stock
 * changed under it anyway, the guarded reservation refuses rather than
 * promise a unit twice. */
static void test_stale_context_never_over_promises(void **state)
{
	struct store *db = *state;
	struct order_result res;
	struct app_err err;
	int64_t lot = stock_units(db, "LNB", FX_SKU, FX_SALES, 2, "2099-01-01");
	struct order_line_in one = line("YY-APL-80-5", 1);
	struct order_ctx *a = order_ctx_new(db, TODAY);
	struct order_in first = order("P1", "330212", &one, 1);
	assert_int_equal(order_submit(a, 1, &first, 0, 0, &res, &err), 0);
	struct order_in second = order("P2", "330212", &one, 1);
	assert_int_equal(submit(db, &second, &res, &err), 0); /* another context takes the last */
	assert_string_equal(res.status, "allocated");
	struct order_in third = order("P3", "330212", &one, 1);
	assert_int_equal(order_submit(a, 1, &third, 0, 0, &res, &err), -1);
	assert_int_equal(err.status, 409);
	order_ctx_free(a);
	assert_int_equal(fx_stock(db, lot, LOC_WAREHOUSE, FX_SALES, 1), 10000);
}

/* Batch mode (bulk, import): the same allocations as one by one, written
 * by multi-row statements across several batches once flushed. */
static void test_batch_mode(void **state)
{
	struct store *db = *state;
	struct order_result res;
	struct app_err err;
	int64_t nb = stock_units(db, "LNB", FX_SKU, FX_SALES, 100, "2099-01-01");
	int64_t yy = stock_units(db, "LYY", FX_SKU, FX_ORIGIN, 50, "2099-01-01");
	struct order_line_in l[2] = {line("YY-APL-80-5", 1), line("YY-APL-80-2", 1)};
	struct order_ctx *c = order_ctx_new(db, TODAY);
	order_ctx_batch(c);
	int backordered = 0;
	for (int i = 0; i < 700; i++) { /* 1,400 lines: several batches of 512 rows */
		char no[16];
		snprintf(no, sizeof(no), "M%d", i);
		struct order_in in = order(no, i % 2 ? "330212" : "510104", l, 2);
		assert_int_equal(order_submit(c, 1, &in, 0, 0, &res, &err), 0);
		backordered += strcmp(res.status, "partial") == 0;
	}
	assert_int_equal(order_ctx_flush(c, &err), 0);
	order_ctx_free(c);
	/* 100 Ningbo orders from NB-S, 50 others from the origin, 550 with no apple left;
	 * the 2.5 kg line has no stock anywhere, so every order is partial or backorder */
	assert_int_equal(backordered, 150);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM order_lines WHERE id > ?", 0), 1400);
	assert_int_equal(
	    fx_count(db, "SELECT COUNT(DISTINCT customer_id) FROM orders WHERE id > ?", 0), 700);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM allocations WHERE id > ?", 0), 150);
	assert_int_equal(fx_stock(db, nb, LOC_WAREHOUSE, FX_SALES, 1), 100 * 5000);
	assert_int_equal(fx_stock(db, yy, LOC_WAREHOUSE, FX_ORIGIN, 1), 50 * 5000);
	assert_int_equal(
	    fx_count(db,
	             "SELECT COUNT(*) FROM allocations a JOIN order_lines ol"
	             " ON ol.id = a.order_line_id WHERE ol.status = 'allocated'"
	             " AND a.warehouse_id = ol.warehouse_id AND a.qty_g = ol.units * ?",
	             5000),
	    150);
}

/* The reply written from memory equals the order read back from the
 * database: two lots on one line, a backordered line, text that needs JSON
 * escaping, with and without the customer's personal data. */
static void test_created_text_matches_read_back(void **state)
{
	struct store *db = *state;
	struct order_result res;
	struct app_err err;
	stock_units(db, "LNB1", FX_SKU, FX_SALES, 1, "2099-01-01");
	stock_units(db, "LNB2", FX_SKU, FX_SALES, 5, "2099-02-01");
	struct order_line_in l[2] = {line("YY-APL-80-5", 3), line("YY-APL-80-2", 1)};
	struct order_in in = order("T\"1\\", "330212", l, 2);
	in.name = "王\"小\\明";
	in.address = "浙江省宁波市鄞州区钱湖路 \"1\" 号\\后门, 8 bytes at a time"; /* escapes past 8 */
	struct order_ctx *c = order_ctx_new(db, TODAY);
	assert_int_equal(order_submit(c, 1, &in, 0, 0, &res, &err), 0);
	assert_string_equal(res.status, "partial");
	for (int personal = 0; personal < 2; personal++) {
		struct buf b;
		int64_t channel_id;
		buf_init(&b, 1 << 20);
		assert_int_equal(order_created_text(c, "LIVE1", personal, &b, &err), 0);
		json_t *mem = json_loadb(b.p, b.n, 0, NULL);
		json_t *db_json = order_new_json(db, res.id, personal, &channel_id, &err);
		assert_non_null(mem);
		assert_non_null(db_json);
		json_t *allocs = json_object_get(json_array_get(json_object_get(mem, "lines"), 0),
		                                 "allocations");
		assert_int_equal(json_array_size(allocs), 2); /* 1 unit of LNB1, 2 of LNB2 */
		assert_true(json_equal(mem, db_json));
		json_decref(mem);
		json_decref(db_json);
		buf_release(&b);
	}
	order_ctx_free(c);
}

/* The context shared by the orders of one writer batch, driven as the
 * writer drives it: kept from one job to the next only when the job said
 * so, dropped after any other job, after an undone job and at commit, so
 * new stock is always seen. On SQLite it queues the rows (group mode): a
 * job that stands has them written by store_cache_flush, an undone job's
 * are forgotten. */
static void test_shared_context_follows_the_writer(void **state)
{
	struct store *db = *state;
	struct order_result res;
	struct app_err err;
	int64_t wh, n;
	char route[32];
	stock_units(db, "LNB", FX_SKU, FX_SALES, 1, "2099-01-01");
	stock_units(db, "LYY", FX_SKU, FX_ORIGIN, 50, "2099-01-01");
	struct order_line_in one = line("YY-APL-80-5", 1);
	struct order_in a = order("SH1", "330212", &one, 1), b = order("SH2", "330212", &one, 1),
	                d = order("SH3", "330212", &one, 1);
	assert_int_equal(store_begin(db), 0);
	struct order_ctx *c = order_ctx_shared(db, TODAY);
	assert_int_equal(order_submit(c, 1, &a, 0, 0, &res, &err), 0);
	order_ctx_keep(c);
	assert_int_equal(store_cache_settle(db, false), 0);
	assert_ptr_equal(order_ctx_shared(db, TODAY), c); /* kept for the next order */
	order_ctx_free(c);                                /* no effect: the store owns it */

	/* another job: the queued rows are written first; it adds a unit at
	 * NB-S and does not keep the cache */
	assert_int_equal(store_cache_flush(db), 0);
	assert_int_equal(store_query_int(db,
	                                 "SELECT COUNT(*) FROM orders WHERE channel_order_no"
	                                 " = 'SH1'",
	                                 0, &n),
	                 0);
	assert_int_equal(n, 1);
	stock_units(db, "LNB2", FX_SKU, FX_SALES, 1, "2099-01-01");
	assert_int_equal(store_cache_settle(db, false), 0);
	c = order_ctx_shared(db, TODAY);
	assert_int_equal(order_submit(c, 1, &b, 0, 0, &res, &err), 0);
	order_ctx_keep(c);
	assert_int_equal(store_cache_settle(db, false), 0);
	assert_int_equal(store_cache_flush(db), 0);
	line_alloc(db, res.id, &wh, route, sizeof(route));
	assert_int_equal(wh, FX_SALES); /* the new unit was read, not the stale zero */

	/* an undone job: its queued order is forgotten, the cache dropped */
	assert_int_equal(order_submit(c, 1, &d, 0, 0, &res, &err), 0);
	order_ctx_keep(c);
	assert_int_equal(store_cache_settle(db, true), 0);
	assert_int_equal(store_query_int(db,
	                                 "SELECT COUNT(*) FROM orders WHERE channel_order_no"
	                                 " = 'SH3'",
	                                 0, &n),
	                 0);
	assert_int_equal(n, 0);
	c = order_ctx_shared(db, TODAY);
	assert_int_equal(order_submit(c, 1, &d, 0, 0, &res, &err), 0);
	order_ctx_keep(c);
	assert_int_equal(store_cache_settle(db, false), 0);
	assert_int_equal(store_cache_flush(db), 0);
	line_alloc(db, res.id, &wh, route, sizeof(route));
	assert_int_equal(wh, FX_ORIGIN);       /* NB-S is empty now */
	assert_int_equal(store_commit(db), 0); /* drops the cache: nothing leaks */
	c = order_ctx_shared(db, "2026-11-23");
	assert_non_null(c);
	store_cache_drop(db);
}

static int problems;
static char fields[8][40];

static void count_problem(void *ud, int line_no, const char *field, const char *zh, const char *en)
{
	(void)ud;
	(void)zh;
	assert_non_null(en);
	if (problems < 8)
		snprintf(fields[problems], sizeof(fields[0]), "%d:%s", line_no, field);
	problems++;
}

static void test_check_lists_every_problem(void **state)
{
	struct store *db = *state;
	struct app_err err;
	struct order_line_in l[3] = {
	    {"NOPE", 1, 100}, {"YY-APL-80-5", 0, 100}, {"YY-APL-80-5", 1, -1}};
	struct order_in in = order("", "33", l, 3);
	in.phone = "abc";
	struct order_ctx *c = order_ctx_new(db, TODAY);
	problems = 0;
	assert_int_equal(order_check(c, &in, count_problem, NULL, &err), 6);
	order_ctx_free(c);
	const char *want[] = {"-1:order_no", "-1:phone", "-1:division_code",
	                      "0:sku",       "1:units",  "2:unit_price_fen"};
	for (int i = 0; i < 6; i++)
		assert_string_equal(fields[i], want[i]);
	struct order_result res;
	assert_int_equal(submit(db, &in, &res, &err), -1);
	assert_int_equal(err.status, 422);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM orders WHERE ? >= 0", 0), 0);
}

static void test_cancel_releases(void **state)
{
	struct store *db = *state;
	struct order_result res;
	struct app_err err;
	int64_t refund_id;
	int64_t lot = stock_units(db, "LNB", FX_SKU, FX_SALES, 4, "2099-01-01");
	struct order_line_in two = line("YY-APL-80-5", 2);
	struct order_in a = order("C1", "330212", &two, 1);
	assert_int_equal(submit(db, &a, &res, &err), 0);
	assert_int_equal(fx_stock(db, lot, LOC_WAREHOUSE, FX_SALES, 1), 10000);
	assert_int_equal(order_cancel(db, res.id, "客户取消", 0, &refund_id, &err), 0);
	assert_int_equal(fx_stock(db, lot, LOC_WAREHOUSE, FX_SALES, 1), 0);
	assert_int_equal(fx_count(db, "SELECT amount_fen FROM refunds WHERE id = ?", refund_id),
	                 2 * 5990);
	assert_int_equal(order_cancel(db, res.id, "again", 0, &refund_id, &err), -1);
	assert_int_equal(err.status, 409);
}

static void test_ship_deliver_return(void **state)
{
	struct store *db = *state;
	struct order_result res;
	struct app_err err;
	int64_t parcel, wh, refund_id;
	char code[32];
	bool changed;
	int64_t lot = stock_units(db, "LNB", FX_SKU, FX_SALES, 4, "2099-01-01");
	struct order_line_in two = line("YY-APL-80-5", 2);
	struct order_in a = order("S1", "330212", &two, 1);
	assert_int_equal(submit(db, &a, &res, &err), 0);
	assert_int_equal(parcel_create(db, res.id, FX_SALES, NULL, 0, &parcel, code, &err), 0);
	assert_int_equal(fx_count(db, "SELECT weight_g FROM parcels WHERE id = ?", parcel),
	                 2 * 5400);
	/* not shipped yet: no delivery */
	assert_int_equal(delivery_confirm(db, "SF", "SF1", time_now_ms(), &changed, &wh, &err), -1);
	assert_int_equal(parcel_ship(db, parcel, "SF", "SF1", 1800, 0, 0, &err), 0);
	assert_int_equal(fx_stock(db, lot, LOC_WAREHOUSE, FX_SALES, 0), 10000);
	assert_int_equal(fx_stock(db, lot, LOC_WAREHOUSE, FX_SALES, 1), 0);
	assert_int_equal(order_cancel(db, res.id, "too late", 0, &refund_id, &err), -1);
	assert_int_equal(err.status, 409);
	int64_t at = time_now_ms() + 3600000;
	assert_int_equal(delivery_confirm(db, "SF", "SF1", at, &changed, &wh, &err), 0);
	assert_true(changed);
	assert_int_equal(wh, FX_SALES);
	assert_int_equal(delivery_confirm(db, "SF", "SF1", at + 1000, &changed, &wh, &err), 0);
	assert_false(changed);
	assert_int_equal(fx_count(db, "SELECT delivered_at FROM parcels WHERE id = ?", parcel), at);
	/* one unit back on sale, one written off */
	assert_int_equal(
	    order_return(db, res.id, 1, 1, FX_SALES, true, "拒收", -1, 0, &refund_id, &err), 0);
	assert_int_equal(fx_stock(db, lot, LOC_WAREHOUSE, FX_SALES, 0), 15000);
	assert_int_equal(
	    order_return(db, res.id, 1, 1, FX_SALES, false, "破损", -1, 0, &refund_id, &err), 0);
	assert_int_equal(fx_stock(db, lot, LOC_WAREHOUSE, FX_SALES, 0), 15000);
	assert_int_equal(
	    order_return(db, res.id, 1, 1, FX_SALES, true, "x", -1, 0, &refund_id, &err), -1);
	assert_int_equal(
	    fx_count(db, "SELECT SUM(amount_fen) FROM refunds WHERE order_id = ?", res.id),
	    2 * 5990);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_allocation_by_policy, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_resend_and_conflict, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_last_unit_promised_once, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_stale_context_never_over_promises, setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_batch_mode, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_created_text_matches_read_back, setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_shared_context_follows_the_writer, setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_check_lists_every_problem, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_cancel_releases, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_ship_deliver_return, setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
