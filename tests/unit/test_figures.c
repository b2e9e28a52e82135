/*
 * Unit tests of the figures (src/core/figures.c, src/app/figures.c) on the
 * fixture season of test_trace_fixture.h, with every expected value worked
 * out by hand in the comments; and the drill-down records of each metric
 * must add up to its figure.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "app/figures.h"
#include "core/figures.h"
#include "test_trace_fixture.h"

static const struct fig_filter october = {.from = "2026-10-01", .to = "2026-10-31"};

static json_t *figure(struct store *db, const struct fig_filter *f, enum fig_metric m)
{
	json_t *rows = NULL;
	struct app_err err;
	assert_int_equal(figures_records(db, m, f, &rows, &err), 0);
	json_t *s = figures_summary(m, rows, f);
	json_decref(rows);
	return s;
}

static json_int_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static json_int_t jint2(json_t *o, const char *k1, const char *k2)
{
	return jint(json_object_get(o, k1), k2);
}

static int64_t column_sum(json_t *rows, const char *k)
{
	int64_t s = 0;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) s += json_integer_value(json_object_get(r, k));
	return s;
}

static void test_core(void **state)
{
	(void)state;
	enum fig_metric m;
	int64_t v;
	char t[32];
	assert_int_equal(fig_metric_parse("delivery", &m), 0);
	assert_int_equal(m, FIG_DELIVERY);
	assert_string_equal(fig_metric_name(FIG_SALES), "sales");
	assert_int_equal(fig_metric_parse("salez", &m), -1);
	assert_int_equal(fig_metric_parse("unfilled", &m), 0);
	assert_int_equal(m, FIG_UNFILLED);
	/* 30800 fen over 10 kg; 1 fen over 3 kg = 0.33 -> 0; 2 fen over 3 kg = 0.67 -> 1 */
	assert_int_equal(fig_cost_per_kg(30800, 10000, &v), 0);
	assert_int_equal(v, 3080);
	assert_int_equal(fig_cost_per_kg(1, 3000, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(fig_cost_per_kg(2, 3000, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(fig_cost_per_kg(100, 0, &v), -1);
	fig_format_tonnes(30000, t, sizeof(t));
	assert_string_equal(t, "0.030");
	fig_format_tonnes(1234567899, t, sizeof(t));
	assert_string_equal(t, "1234.568");
	fig_format_tonnes(-1500, t, sizeof(t));
	assert_string_equal(t, "-0.002");
	int64_t days[] = {4, 2, 9, 1, 3};
	struct fig_delivery d;
	fig_delivery_summary(days, 5, &d);
	/* sorted 1 2 3 4 9: median 3; P95 rank 3.8 -> 4 + 0.8 * 5 = 8; 3 of 5 within 3 days */
	assert_true(d.median_days == 3.0);
	assert_true(d.p95_days > 7.999 && d.p95_days < 8.001);
	assert_int_equal(d.within_3_days, 3);
	assert_int_equal(d.within_3_days_permille, 600);
	fig_delivery_summary(days, 0, &d);
	assert_int_equal(d.n, 0);
}

static void test_sales_and_sold(void **state)
{
	struct store *db = *state;
	/* October lines O1 17600 + O2 8800 + O3 24000 (O4 cancelled: not counted, nor its
	 * cancel refund); refund RF3 5000 */
	json_t *s = figure(db, &october, FIG_SALES);
	assert_int_equal(jint(s, "lines_fen"), 50400);
	assert_int_equal(jint(s, "refunds_fen"), 5000);
	assert_int_equal(jint(s, "sales_fen"), 45400);
	json_decref(s);
	/* 2 + 1 + 3 boxes of 5 kg */
	s = figure(db, &october, FIG_SOLD);
	assert_int_equal(jint(s, "sold_g"), 30000);
	assert_string_equal(json_string_value(json_object_get(s, "sold_t")), "0.030");
	json_decref(s);
	/* all time: + O5 8000 in November */
	struct fig_filter all = {0};
	s = figure(db, &all, FIG_SALES);
	assert_int_equal(jint(s, "sales_fen"), 53400);
	json_decref(s);
	/* channel SJ (2): O3 24000 - 5000 */
	int64_t sj = 2;
	struct fig_filter f = october;
	f.by_channel = true;
	f.channels = &sj;
	f.nchannels = 1;
	s = figure(db, &f, FIG_SALES);
	assert_int_equal(jint(s, "sales_fen"), 19000);
	json_decref(s);
	/* a partial refund of O4 before it was cancelled changes nothing: the
	 * cancelled order counts neither its lines nor its refunds */
	assert_int_equal(store_exec(db, "INSERT INTO refunds (code, order_id, order_line_id, kind, "
					"units, amount_fen, reason, created_at) VALUES "
					"('RF9', 4, 4, 'refund', 0, 1000, 'x', 0)"),
			 0);
	s = figure(db, &f, FIG_SALES);
	assert_int_equal(jint(s, "sales_fen"), 19000);
	json_decref(s);
	f.channels = NULL;
	f.by_channel = false;
	s = figure(db, &october, FIG_SALES);
	assert_int_equal(jint(s, "sales_fen"), 45400);
	json_decref(s);
	f.by_channel = true;
	f.channels = &sj;
	/* a channel manager with no channels sees nothing */
	f.nchannels = 0;
	s = figure(db, &f, FIG_SALES);
	assert_int_equal(jint(s, "sales_fen"), 0);
	json_decref(s);
	/* products from 越西 (513434): none; from 盐源 (513423): all */
	f = october;
	f.origin = "513434";
	s = figure(db, &f, FIG_SALES);
	assert_int_equal(jint(s, "sales_fen"), 0);
	json_decref(s);
	f.origin = "513423";
	f.product_id = 1;
	s = figure(db, &f, FIG_SOLD);
	assert_int_equal(jint(s, "sold_g"), 30000);
	json_decref(s);
	f.product_id = 99;
	s = figure(db, &f, FIG_SOLD);
	assert_int_equal(jint(s, "sold_g"), 0);
	json_decref(s);
}

static void test_payments_and_purchases(void **state)
{
	struct store *db = *state;
	/* October: PAY1 30000 (H1), PAY2 10000 (H2), PAY3 1000 and its reversal -1000 (H1),
	 * PAY5 5000 (H2); H2 is 脱贫户 */
	json_t *s = figure(db, &october, FIG_PAYMENTS);
	assert_int_equal(jint(s, "paid_fen"), 45000);
	assert_int_equal(jint(s, "households_paid"), 2);
	assert_int_equal(jint(s, "lifted_paid_fen"), 15000);
	assert_int_equal(jint(s, "lifted_households_paid"), 1);
	json_decref(s);
	/* H3 lives in 越西: paid only in November (PAY6 7000) */
	struct fig_filter f = {.origin = "513434"};
	s = figure(db, &f, FIG_PAYMENTS);
	assert_int_equal(jint(s, "paid_fen"), 7000);
	assert_int_equal(jint(s, "households_paid"), 1);
	assert_int_equal(jint(s, "lifted_households_paid"), 0);
	json_decref(s);
	/* to 31 October: bought R1 12000 + R2 8000 + R3 4000 (60 kg); balances
	 * H1 12000 - 30000 = -18000, H2 8000 - 15000 = -7000, H3 4000: owed 4000 */
	s = figure(db, &october, FIG_PURCHASES);
	assert_int_equal(jint(s, "purchases_fen"), 24000);
	assert_int_equal(jint(s, "purchases_g"), 60000);
	assert_int_equal(jint(s, "owed_fen"), 4000);
	assert_int_equal(jint(s, "households_owed"), 1);
	assert_int_equal(jint(s, "net_balance_fen"), -21000);
	json_decref(s);
	/* November alone buys R4 400; the balance runs from the beginning:
	 * H1 -18000 + 400 = -17600, H2 -7000, H3 4000 - 7000 = -3000 */
	f = (struct fig_filter){.from = "2026-11-01", .to = "2026-11-30"};
	s = figure(db, &f, FIG_PURCHASES);
	assert_int_equal(jint(s, "purchases_fen"), 400);
	assert_int_equal(jint(s, "owed_fen"), 0);
	assert_int_equal(jint(s, "net_balance_fen"), -27600);
	json_decref(s);
}

static void test_logistics_and_delivery(void **state)
{
	struct store *db = *state;
	/* consolidated: LH1 30000 (dispatched 9 Oct) + PC1 800 over 10 kg = 3080 fen/kg;
	 * direct: PC3 2400 over 15 kg = 160 fen/kg */
	json_t *s = figure(db, &october, FIG_LOGISTICS);
	assert_int_equal(jint2(s, "consolidated", "cost_fen"), 30800);
	assert_int_equal(jint2(s, "consolidated", "delivered_g"), 10000);
	assert_int_equal(jint2(s, "consolidated", "fen_per_kg"), 3080);
	assert_int_equal(jint2(s, "direct", "cost_fen"), 2400);
	assert_int_equal(jint2(s, "direct", "fen_per_kg"), 160);
	assert_true(json_is_true(json_object_get(s, "linehauls_included")));
	json_decref(s);
	/* O1 10 Oct -> 12 Oct: 2 days; O3 15 Oct -> 19 Oct: 4 days (O2 not delivered):
	 * median 3, P95 2 + 0.95 * 2 = 3.9, one of two within 3 days */
	s = figure(db, &october, FIG_DELIVERY);
	assert_int_equal(jint(s, "orders"), 2);
	assert_true(json_real_value(json_object_get(s, "median_days")) == 3.0);
	double p95 = json_real_value(json_object_get(s, "p95_days"));
	assert_true(p95 > 3.899 && p95 < 3.901);
	assert_int_equal(jint(s, "within_3_days"), 1);
	assert_int_equal(jint(s, "within_3_days_permille"), 500);
	json_decref(s);
	/* channel LIVE: PC1 only and no line-haul (it carries every channel's goods) */
	int64_t live = 1;
	struct fig_filter f = october;
	f.by_channel = true;
	f.channels = &live;
	f.nchannels = 1;
	s = figure(db, &f, FIG_LOGISTICS);
	assert_int_equal(jint2(s, "consolidated", "cost_fen"), 800);
	assert_true(json_is_null(json_object_get(json_object_get(s, "direct"), "fen_per_kg")));
	assert_true(json_is_false(json_object_get(s, "linehauls_included")));
	json_decref(s);
	/* November: O5 2 Nov -> 3 Nov */
	f = (struct fig_filter){.from = "2026-11-01", .to = "2026-11-30"};
	s = figure(db, &f, FIG_DELIVERY);
	assert_int_equal(jint(s, "orders"), 1);
	assert_true(json_real_value(json_object_get(s, "p95_days")) == 1.0);
	json_decref(s);
}

/* A backordered line is unfilled demand, never a sale. O6 (2026-10-22,
 * LIVE, status partial): line 1, 2 boxes at 8800 allocated; line 2, 3 boxes
 * at 7000 on backorder, 1000 of it refunded; 500 refunded on the order. */
static void test_backorder_is_unfilled(void **state)
{
	struct store *db = *state;
	static const char *const o6[] = {
	    "INSERT INTO orders (channel_id, channel_order_no, body_hash, customer_id, "
	    "ordered_at, ordered_on, status, total_fen, created_at) VALUES "
	    "(1, 'O6', 'h', 1, 1792634400000, '2026-10-22', 'partial', 38600, 0)",
	    "INSERT INTO order_lines (order_id, line_no, sku_id, units, unit_price_fen, "
	    "amount_fen, warehouse_id, route, status) SELECT id, 1, 1, 2, 8800, 17600, 2, "
	    "'sales_warehouse', 'allocated' FROM orders WHERE channel_order_no = 'O6'",
	    "INSERT INTO order_lines (order_id, line_no, sku_id, units, unit_price_fen, "
	    "amount_fen, status) SELECT id, 2, 1, 3, 7000, 21000, 'backorder' FROM orders "
	    "WHERE channel_order_no = 'O6'",
	    "INSERT INTO refunds (code, order_id, order_line_id, kind, units, amount_fen, "
	    "reason, created_at) SELECT 'RF6', ol.order_id, ol.id, 'refund', 0, 1000, 'x', 0 "
	    "FROM order_lines ol JOIN orders o ON o.id = ol.order_id "
	    "WHERE o.channel_order_no = 'O6' AND ol.line_no = 2",
	    "INSERT INTO refunds (code, order_id, kind, units, amount_fen, reason, created_at) "
	    "SELECT 'RF7', id, 'refund', 0, 500, 'x', 0 FROM orders WHERE channel_order_no = 'O6'",
	};

	for (size_t i = 0; i < sizeof(o6) / sizeof(o6[0]); i++)
		assert_int_equal(store_exec(db, o6[i]), 0);
	/* sales: 50400 + 17600 lines; refunds 5000 + 500 (RF6 is of the backorder) */
	json_t *s = figure(db, &october, FIG_SALES);
	assert_int_equal(jint(s, "lines_fen"), 68000);
	assert_int_equal(jint(s, "refunds_fen"), 5500);
	assert_int_equal(jint(s, "sales_fen"), 62500);
	json_decref(s);
	/* sold: 30000 + 2 boxes of 5 kg; the 3 backordered boxes are not sold */
	s = figure(db, &october, FIG_SOLD);
	assert_int_equal(jint(s, "sold_g"), 40000);
	json_decref(s);
	s = figure(db, &october, FIG_UNFILLED);
	assert_int_equal(jint(s, "lines"), 1);
	assert_int_equal(jint(s, "units"), 3);
	assert_int_equal(jint(s, "wanted_g"), 15000);
	assert_int_equal(jint(s, "amount_fen"), 21000);
	assert_int_equal(jint(s, "refunded_fen"), 1000);
	json_decref(s);
	/* November has no backorder */
	struct fig_filter nov = {.from = "2026-11-01", .to = "2026-11-30"};
	s = figure(db, &nov, FIG_UNFILLED);
	assert_int_equal(jint(s, "lines"), 0);
	assert_int_equal(jint(s, "amount_fen"), 0);
	json_decref(s);
	/* the order is all backorder once line 1 is cancelled: its order refund
	 * RF7 no longer counts either */
	assert_int_equal(store_exec(db, "UPDATE order_lines SET status = 'cancelled' "
					"WHERE line_no = 1 AND order_id = "
					"(SELECT id FROM orders WHERE channel_order_no = 'O6')"),
			 0);
	assert_int_equal(store_exec(db, "UPDATE orders SET status = 'backorder' "
					"WHERE channel_order_no = 'O6'"),
			 0);
	s = figure(db, &october, FIG_SALES);
	assert_int_equal(jint(s, "sales_fen"), 45400);
	json_decref(s);
}

/* Every figure is the sum of its records' column. */
static void test_records_add_up(void **state)
{
	struct store *db = *state;
	struct app_err err;
	json_t *rows, *all;
	assert_int_equal(figures_all(db, &october, (1u << FIG_NMETRICS) - 1, &all, &err), 0);
	assert_int_equal(figures_records(db, FIG_SALES, &october, &rows, &err), 0);
	assert_int_equal(json_array_size(rows), 4);
	assert_int_equal(column_sum(rows, "amount_fen"), jint2(all, "sales", "sales_fen"));
	json_decref(rows);
	assert_int_equal(figures_records(db, FIG_SOLD, &october, &rows, &err), 0);
	assert_int_equal(column_sum(rows, "sold_g"), jint2(all, "sold", "sold_g"));
	json_decref(rows);
	assert_int_equal(figures_records(db, FIG_PAYMENTS, &october, &rows, &err), 0);
	assert_int_equal(json_array_size(rows), 5);
	assert_int_equal(column_sum(rows, "amount_fen"), jint2(all, "payments", "paid_fen"));
	json_decref(rows);
	assert_int_equal(figures_records(db, FIG_PURCHASES, &october, &rows, &err), 0);
	assert_int_equal(column_sum(rows, "amount_fen"), jint2(all, "purchases", "net_balance_fen"));
	json_decref(rows);
	assert_int_equal(figures_records(db, FIG_LOGISTICS, &october, &rows, &err), 0);
	assert_int_equal(json_array_size(rows), 3);
	assert_int_equal(column_sum(rows, "cost_fen"),
			 jint2(json_object_get(all, "logistics"), "consolidated", "cost_fen") +
				 jint2(json_object_get(all, "logistics"), "direct", "cost_fen"));
	json_t *lh = json_array_get(rows, 2);
	assert_string_equal(json_string_value(json_object_get(lh, "kind")), "linehaul");
	assert_string_equal(json_string_value(json_object_get(lh, "date")), "2026-10-09");
	json_decref(rows);
	assert_int_equal(figures_records(db, FIG_DELIVERY, &october, &rows, &err), 0);
	assert_int_equal(json_array_size(rows), jint2(all, "delivery", "orders"));
	assert_int_equal(column_sum(rows, "days"), 6);
	json_decref(rows);
	assert_int_equal(figures_records(db, FIG_UNFILLED, &october, &rows, &err), 0);
	assert_int_equal(column_sum(rows, "amount_fen"), jint2(all, "unfilled", "amount_fen"));
	assert_int_equal((int64_t)json_array_size(rows), jint2(all, "unfilled", "lines"));
	json_decref(rows);
	json_decref(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core),
		cmocka_unit_test_setup_teardown(test_sales_and_sold, tx_setup, tx_teardown),
		cmocka_unit_test_setup_teardown(test_payments_and_purchases, tx_setup, tx_teardown),
		cmocka_unit_test_setup_teardown(test_logistics_and_delivery, tx_setup, tx_teardown),
		cmocka_unit_test_setup_teardown(test_backorder_is_unfilled, tx_setup, tx_teardown),
		cmocka_unit_test_setup_teardown(test_records_add_up, tx_setup, tx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
