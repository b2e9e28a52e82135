/*
 * Unit tests of the demo data set (src/app/demo.c): load it once into a
 * temporary SQLite file with the real migrations and divisions, then check
 * the season obeys the rules it was built through — every household's
 * ledger balance is its collections minus its payments and never negative,
 * no stock is negative or over-reserved, every packing run balances or is
 * flagged, every lot's journal closes — that the figures are sensible (the
 * season sells most of what it packs, and sales exceed the payments to the
 * households), and that a second load is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "app/demo.h"
#include "app/lots.h"
#include "app/payments.h"
#include "app/seed.h"
#include "core/massbalance.h"
#include "store/store.h"

struct dfx {
	struct store *db;
	char path[64];
};

static int64_t q1(struct store *db, const char *sql)
{
	int64_t v = -1;
	if (store_query_int(db, sql, 0, &v))
		return -1;
	return v;
}

static int setup(void **state)
{
	char msg[256];
	struct app_err err;
	struct dfx *fx = calloc(1, sizeof(*fx));
	snprintf(fx->path, sizeof(fx->path), "/tmp/shanhai-test-demo-XXXXXX");
	int fd = mkstemp(fx->path);
	if (fd < 0)
		return -1;
	close(fd);
	fx->db = store_open(fx->path, msg, sizeof(msg));
	if (!fx->db || store_migrate(fx->db) || seed_base_data(fx->db, msg, sizeof(msg)))
		return -1;
	if (demo_load(fx->db, NULL, &err)) {
		fprintf(stderr, "demo_load: %s\n", err.message_en);
		return -1;
	}
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct dfx *fx = *state;
	store_close(fx->db);
	unlink(fx->path);
	free(fx);
	return 0;
}

static void test_counts_are_sensible(void **state)
{
	struct dfx *fx = *state;
	int64_t hh = q1(fx->db, "SELECT COUNT(*) FROM households");
	int64_t lifted = q1(fx->db, "SELECT COUNT(*) FROM households WHERE lifted_from_poverty = 1");
	assert_int_equal(hh, 200);
	assert_in_range(lifted, 60, 100); /* about 40% */
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM collection_points"), 7);
	assert_in_range(q1(fx->db, "SELECT COUNT(*) FROM collections"), 500, 5000);
	assert_true(q1(fx->db, "SELECT COUNT(*) FROM payments") > 100);
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM collections WHERE reverses_id IS NOT NULL"), 1);
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM payments WHERE reverses_id IS NOT NULL"), 1);
	/* every collection lies inside the season and on a point's village */
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM collections c JOIN households h ON "
				    "h.id = c.household_id JOIN collection_points p ON p.id = c.point_id "
				    "WHERE h.village_code <> p.village_code"), 0);
	/* the demo users exist, collectors with point scopes */
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM users"), 10);
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM user_scopes WHERE kind = 'point'"), 7);
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM audit_log WHERE action = 'demo.load'"), 1);
}

static void test_ledgers_balance(void **state)
{
	struct dfx *fx = *state;
	struct stmt *st;
	struct app_err err;
	int checked = 0;
	assert_int_equal(store_prepare(fx->db,
				       "SELECT h.id,"
				       " (SELECT COALESCE(SUM(amount_fen), 0) FROM collections c"
				       "   WHERE c.household_id = h.id),"
				       " (SELECT COALESCE(SUM(amount_fen), 0) FROM payments p"
				       "   WHERE p.household_id = h.id)"
				       " FROM households h",
				       &st),
			 0);
	while (stmt_step(st) == STORE_ROW) {
		int64_t balance = -1;
		assert_int_equal(household_balance(fx->db, stmt_int(st, 0), &balance, &err), 0);
		assert_int_equal(balance, stmt_int(st, 1) - stmt_int(st, 2));
		assert_true(balance >= 0);
		checked++;
	}
	stmt_finalize(st);
	assert_int_equal(checked, 200);
	/* some households are still owed money at the end of the season */
	assert_true(q1(fx->db, "SELECT COUNT(*) FROM (SELECT household_id FROM household_ledger "
			       "GROUP BY household_id HAVING SUM(amount_fen) > 0)") > 0);
}

static void test_stock_never_negative(void **state)
{
	struct dfx *fx = *state;
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM stock WHERE qty_g < 0 OR reserved_g < 0 "
				    "OR reserved_g > qty_g"), 0);
	assert_true(q1(fx->db, "SELECT COUNT(*) FROM stock WHERE qty_g > 0") > 0);
}

static void test_lot_balances_close(void **state)
{
	struct dfx *fx = *state;
	struct stmt *st;
	struct app_err err;
	int lots = 0;
	assert_int_equal(store_prepare(fx->db, "SELECT id, mass_flag FROM lots", &st), 0);
	while (stmt_step(st) == STORE_ROW) {
		struct lot_flow f;
		assert_int_equal(lot_flow_load(fx->db, stmt_int(st, 0), &f, &err), 0);
		/* a lot's own journal always closes; a packing difference is a flag */
		assert_int_equal(lot_flow_difference(&f), 0);
		lots++;
	}
	stmt_finalize(st);
	assert_true(lots > 0);
}

static void test_packings_balance_or_are_flagged(void **state)
{
	struct dfx *fx = *state;
	assert_true(q1(fx->db, "SELECT COUNT(*) FROM packings") > 20);
	/* balanced exactly when input = output + grade-outs + losses */
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM packings WHERE balanced <> "
				    "(input_g = output_g + gradeout_g + loss_g)"), 0);
	/* the demo has one deliberately mis-weighed run, and its lots are flagged */
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM packings WHERE balanced = 0"), 1);
	assert_true(q1(fx->db, "SELECT COUNT(*) FROM lots WHERE mass_flag = 'mismatch'") >= 1);
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM lots WHERE mass_flag = 'mismatch' AND id NOT IN "
				    "(SELECT po.lot_id FROM packing_outputs po JOIN packings p ON "
				    "p.id = po.packing_id WHERE p.balanced = 0)"), 0);
}

static void test_transport_accounts_for_every_gram(void **state)
{
	struct dfx *fx = *state;
	assert_true(q1(fx->db, "SELECT COUNT(*) FROM transfers") > 50);
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM transfers WHERE status <> 'received'"), 0);
	assert_true(q1(fx->db, "SELECT COUNT(*) FROM linehauls WHERE status = 'received'") > 5);
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM linehauls WHERE cost_fen <= 0"), 0);
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM linehaul_lines ll JOIN linehauls l ON "
				    "l.id = ll.linehaul_id WHERE l.status = 'received' AND ll.loaded_g <> "
				    "ll.received_g + ll.shortage_g + ll.damaged_g"), 0);
	/* what is in transit is exactly what the trucks still on the road carry */
	assert_int_equal(q1(fx->db, "SELECT COALESCE(SUM(qty_g), 0) FROM stock WHERE loc_kind = 'transit'"),
			 q1(fx->db, "SELECT COALESCE(SUM(ll.loaded_g), 0) FROM linehaul_lines ll JOIN "
				    "linehauls l ON l.id = ll.linehaul_id WHERE l.status = 'dispatched'"));
}

static void test_orders_parcels_and_delivery_times(void **state)
{
	struct dfx *fx = *state;
	assert_in_range(q1(fx->db, "SELECT COUNT(*) FROM orders"), 900, 1300);
	assert_true(q1(fx->db, "SELECT COUNT(DISTINCT channel_id) FROM orders") == 6);
	/* the fairs' orders came in through the spreadsheet importer */
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM imports"), 3);
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM orders WHERE import_id IS NOT NULL"),
			 q1(fx->db, "SELECT SUM(orders_created) FROM imports"));
	assert_true(q1(fx->db, "SELECT COUNT(*) FROM parcels WHERE route = 'sales_warehouse'") > 100);
	assert_true(q1(fx->db, "SELECT COUNT(*) FROM parcels WHERE route = 'origin_parcel'") > 50);
	assert_true(q1(fx->db, "SELECT COUNT(*) FROM parcels WHERE delivered_at IS NOT NULL") > 500);
	/* times run forward: ordered, shipped, delivered */
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM parcels p JOIN orders o ON o.id = p.order_id "
				    "WHERE p.shipped_at < o.ordered_at OR p.delivered_at < p.shipped_at"), 0);
	/* the sales warehouse delivers faster than a parcel from the mountains */
	int64_t sales_h = q1(fx->db, "SELECT AVG(delivered_at - o.ordered_at) / 3600000 FROM parcels p "
				     "JOIN orders o ON o.id = p.order_id WHERE route = 'sales_warehouse' AND "
				     "delivered_at IS NOT NULL");
	int64_t origin_h = q1(fx->db, "SELECT AVG(delivered_at - o.ordered_at) / 3600000 FROM parcels p "
				      "JOIN orders o ON o.id = p.order_id WHERE route = 'origin_parcel' AND "
				      "delivered_at IS NOT NULL");
	assert_in_range(sales_h, 12, 72);
	assert_in_range(origin_h, 48, 160);
	assert_true(sales_h < origin_h);
	/* a few cancellations, refunds and returns, never more than was paid */
	assert_true(q1(fx->db, "SELECT COUNT(*) FROM refunds WHERE kind = 'cancel'") > 0);
	assert_true(q1(fx->db, "SELECT COUNT(*) FROM refunds WHERE kind = 'refund'") > 0);
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM orders o WHERE (SELECT COALESCE(SUM(amount_fen), 0) "
				    "FROM refunds r WHERE r.order_id = o.id) > o.total_fen"), 0);
}

/* The season sells most of what it packs, at retail prices well above the
 * farm-gate price, so sales clearly exceed what the households were paid. */
static void test_sales_fit_collections(void **state)
{
	struct dfx *fx = *state;
	int64_t packed_g = q1(fx->db, "SELECT COALESCE(SUM(output_g), 0) FROM packings");
	int64_t sold_g = q1(fx->db, "SELECT COALESCE(SUM(qty_g), 0) FROM allocations WHERE state = 'shipped'");
	int64_t sales_fen = q1(fx->db, "SELECT COALESCE(SUM(amount_fen), 0) FROM order_lines WHERE status "
				       "NOT IN ('backorder', 'cancelled')") -
			    q1(fx->db, "SELECT COALESCE(SUM(amount_fen), 0) FROM refunds WHERE kind <> 'cancel'");
	int64_t paid_fen = q1(fx->db, "SELECT COALESCE(SUM(amount_fen), 0) FROM payments");
	assert_true(packed_g > 30000000); /* over 30 t packed */
	/* at least 70% of the packed tonnage shipped to customers */
	assert_true(sold_g * 10 >= packed_g * 7);
	assert_true(paid_fen > 0);
	/* sales exceed the payments to households by at least a quarter */
	assert_true(sales_fen * 4 > paid_fen * 5);
	/* wholesale lines are sized to the stock: little is left on backorder */
	assert_true(q1(fx->db, "SELECT COALESCE(SUM(amount_fen), 0) FROM order_lines WHERE status = "
			       "'backorder'") * 20 < sales_fen);
	/* every line sells above the farm-gate price per kg of its SKU's grade */
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM order_lines ol JOIN skus k ON k.id = ol.sku_id "
				    "WHERE ol.unit_price_fen * 1000 <= k.net_g * (SELECT MAX(c.price_fen_per_kg) "
				    "FROM collections c WHERE c.grade_id = k.grade_id)"), 0);
}

static void test_second_load_refused(void **state)
{
	struct dfx *fx = *state;
	struct app_err err;
	int64_t before = q1(fx->db, "SELECT COUNT(*) FROM collections");
	assert_int_equal(demo_load(fx->db, NULL, &err), -1);
	assert_int_equal(err.status, 409);
	assert_int_equal(q1(fx->db, "SELECT COUNT(*) FROM collections"), before);
}

/* A load that fails half-way (here: a write error) leaves nothing behind,
 * so it can simply be run again. */
static void test_failed_load_leaves_nothing(void **state)
{
	char msg[256];
	struct app_err err;
	(void)state;
	struct store *db = store_open(":memory:", msg, sizeof(msg));
	assert_non_null(db);
	assert_int_equal(store_migrate(db), 0);
	assert_int_equal(seed_base_data(db, msg, sizeof(msg)), 0);
	store_fault_inject(db, 3000, STORE_EIO, false);
	assert_int_equal(demo_load(db, NULL, &err), -1);
	assert_int_equal(err.status, 503);
	store_fault_clear(db);
	assert_int_equal(q1(db, "SELECT COUNT(*) FROM households"), 0);
	assert_int_equal(q1(db, "SELECT COUNT(*) FROM users"), 0);
	assert_int_equal(q1(db, "SELECT COUNT(*) FROM collections"), 0);
	assert_int_equal(q1(db, "SELECT COUNT(*) FROM warehouses"), 0);
	store_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_are_sensible), cmocka_unit_test(test_ledgers_balance),
		cmocka_unit_test(test_stock_never_negative), cmocka_unit_test(test_lot_balances_close),
		cmocka_unit_test(test_packings_balance_or_are_flagged),
		cmocka_unit_test(test_transport_accounts_for_every_gram),
		cmocka_unit_test(test_orders_parcels_and_delivery_times),
		cmocka_unit_test(test_sales_fit_collections),
		cmocka_unit_test(test_second_load_refused),
		cmocka_unit_test(test_failed_load_leaves_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
