/*
 * Unit tests of the planner and the logistics simulation (src/plan/): a small
 * scenario whose totals are worked out by hand below, cost accounting that
 * adds up for every policy on the shipped scenario, seeded determinism, the
 * planner never loading more than the origin holds nor chilled goods on an
 * ordinary truck, spoilage once the shelf life is past, and the choice of
 * where an order is served from.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "plan/plan.h"

/*
 * Hand-checkable scenario. Origin at (0,0), sales warehouse and destination A
 * at (9,0): 1001 road km; B at (0.5,0): 56 km from the origin, 945 from the
 * sales warehouse. Trucks 500 km a day: 3 days. Parcels 1 day + 600 km a day:
 * origin->A 3 days, origin->B 2 days. Monday 2024-01-01 is day 0, the weekly
 * truck's day. Three fixed orders: day 0 5 kg to A, day 0 3 kg to B, day 4
 * 2.5 kg to A.
 */
#define HAND_SCENARIO(SHELF, ORDERS)                                                               \
	"{\"name\":\"hand\",\"start_date\":\"2024-01-01\",\"horizon_days\":5,"                     \
	"\"promise_days\":3,\"cancel_after_days\":14,\"road_factor\":1.0,"                         \
	"\"origin\":{\"code\":\"O\",\"name\":\"o\",\"lon\":0,\"lat\":0},"                          \
	"\"sales_warehouse\":{\"code\":\"S\",\"name\":\"s\",\"lon\":9,\"lat\":0,"                  \
	"\"service_radius_km\":2000,\"target_cover_days\":4,\"max_cover_days\":10,"                \
	"\"storage_fen_per_tonne_day\":1000},"                                                     \
	"\"handling\":{\"origin_pack_fen_per_order\":100,\"sales_pack_fen_per_order\":50,"         \
	"\"truck_handling_fen_per_kg\":10},"                                                       \
	"\"linehaul\":{\"km_per_day\":500,\"trucks\":[{\"name\":\"T\",\"capacity_kg\":1000,"       \
	"\"fen_per_km\":200}]},"                                                                   \
	"\"parcel\":{\"pickup_days\":1,\"km_per_day\":600,\"chilled_permille\":1500,\"zones\":["   \
	"{\"max_km\":100,\"first_kg_fen\":500,\"extra_kg_fen\":100},"                              \
	"{\"max_km\":2000,\"first_kg_fen\":1000,\"extra_kg_fen\":600}]},"                          \
	"\"city_delivery\":{\"radius_km\":10,\"fen_per_order\":300,\"fen_per_kg\":20,"             \
	"\"days\":1},"                                                                             \
	"\"products\":[{\"code\":\"P\",\"name\":\"p\",\"shelf_life_days\":" SHELF ","              \
	"\"supply_kg_year\":0,\"demand_kg_year\":3650000,\"initial_origin_kg\":2000,"              \
	"\"supply_by_month\":[1,1,1,1,1,1,1,1,1,1,1,1],"                                           \
	"\"demand_by_month\":[1,1,1,1,1,1,1,1,1,1,1,1]}],"                                         \
	"\"order_sizes\":[{\"grams\":5000,\"share\":1}],"                                          \
	"\"destinations\":[{\"code\":\"A\",\"name\":\"a\",\"lon\":9,\"lat\":0,\"weight\":1},"      \
	"{\"code\":\"B\",\"name\":\"b\",\"lon\":0.5,\"lat\":0,\"weight\":1}],"                     \
	"\"fixed_orders\":" ORDERS ","                                                             \
	"\"spikes\":{\"per_year\":0,\"multiplier_percent\":100,\"days\":1},"                       \
	"\"weekly_truck\":{\"truck\":\"T\",\"weekday\":0},"                                        \
	"\"subsidy\":{\"linehaul_permille\":300,\"parcel_fen_per_order\":0}}"

#define THREE_ORDERS                                                                               \
	"[{\"day\":0,\"product\":\"P\",\"destination\":\"A\",\"grams\":5000},"                     \
	"{\"day\":0,\"product\":\"P\",\"destination\":\"B\",\"grams\":3000},"                      \
	"{\"day\":4,\"product\":\"P\",\"destination\":\"A\",\"grams\":2500}]"

static void load(const char *json, struct scenario *sc)
{
	char err[512];
	if (scenario_parse(json, strlen(json), sc, err, sizeof(err)))
		fail_msg("%s", err);
}

static void run(const struct scenario *sc, enum sim_policy p, uint64_t seed, int days,
                struct sim_result *r)
{
	char err[256];
	if (sim_run(sc, p, seed, days, r, err, sizeof(err)))
		fail_msg("%s", err);
}

static void assert_adds_up(const struct sim_result *r)
{
	assert_int_equal(r->total_fen, r->linehaul_fen + r->truck_handling_fen + r->parcel_fen +
	                                   r->city_fen + r->pack_fen + r->storage_fen);
	/* every fen of line-haul and handling went to an order, spoiled goods or stock */
	assert_int_equal(r->freight_orders_fen + r->freight_spoiled_fen + r->freight_left_fen,
	                 r->linehaul_fen + r->truck_handling_fen);
	/* what the orders carry + what they don't = the total */
	assert_int_equal(r->order_costs_fen + r->freight_spoiled_fen + r->freight_left_fen +
	                     r->storage_fen,
	                 r->total_fen);
	int64_t hist = 0;
	for (int d = 0; d < SIM_MAX_DAYS_HIST; d++)
		hist += r->days_hist[d];
	assert_int_equal(hist, r->delivered);
	assert_true(r->delivered + r->cancelled <= r->orders);
	assert_true(r->within_promise <= r->delivered);
}

static void test_hand_direct(void **state)
{
	(void)state;
	struct scenario sc;
	struct sim_result r;
	load(HAND_SCENARIO("100", THREE_ORDERS), &sc);
	run(&sc, POLICY_DIRECT, 1, 0, &r);
	/* 5 kg over 1001 km: 10.00 + 4 x 6.00 = 34.00; 3 kg over 56 km: 5.00 + 2 x 1.00
	 * = 7.00; 2.5 kg (charged 3) over 1001 km: 10.00 + 2 x 6.00 = 22.00 */
	assert_int_equal(r.parcel_fen, 3400 + 700 + 2200);
	assert_int_equal(r.pack_fen, 3 * 100);
	assert_int_equal(r.total_fen, 6600);
	assert_int_equal(r.delivered, 3);
	assert_int_equal(r.delivered_g, 10500);
	assert_int_equal(r.within_promise, 3); /* 3, 2 and 3 days */
	assert_int_equal(r.days_hist[2], 1);
	assert_int_equal(r.days_hist[3], 2);
	assert_int_equal(r.median_days, 3);
	assert_int_equal(sim_fen_per_kg(&r, 0), 629); /* 6600 / 10.5 = 628.57 */
	assert_int_equal(r.subsidy_fen, 0);
	assert_adds_up(&r);
	scenario_release(&sc);
}

static void test_hand_weekly_truck(void **state)
{
	(void)state;
	struct scenario sc;
	struct sim_result r;
	load(HAND_SCENARIO("100", THREE_ORDERS), &sc);
	run(&sc, POLICY_WEEKLY, 1, 0, &r);
	/* day 0: no stock in Ningbo yet, both orders go by parcel (34.00 + 1.00,
	 * 7.00 + 1.00); then the Monday departure loads the week's expected
	 * demand, more than the 1992 kg left: two trucks, 1000 kg and 992 kg
	 * (99 %, well filled), each trip 1001 km x 2.00 = 2002.00, handling
	 * 100.00 and 99.20; they arrive on day 3. Storage 1.992 t x 10.00 on days
	 * 3 and 4. Day 4: 2.5 kg from the sales warehouse (the first truck's lot):
	 * city 3.00 + 2.5 x 0.20 = 3.50, packing 0.50, freight share 2102.00 x
	 * 2.5/1000 = 5.255 -> 5.26. */
	assert_int_equal(r.trips[0], 2);
	assert_int_equal(r.trucked_g, 1992000);
	assert_int_equal(r.linehaul_fen, 2 * 200200);
	assert_int_equal(r.truck_handling_fen, 10000 + 9920);
	assert_int_equal(r.parcel_fen, 3400 + 700);
	assert_int_equal(r.city_fen, 350);
	assert_int_equal(r.pack_fen, 100 + 100 + 50);
	assert_int_equal(r.storage_fen, 2 * 1992);
	assert_int_equal(r.total_fen, 400400 + 19920 + 4100 + 350 + 250 + 3984);
	assert_int_equal(r.freight_orders_fen, 526);
	assert_int_equal(r.order_costs_fen, 3500 + 800 + (350 + 50 + 526));
	assert_int_equal(r.freight_left_fen, 420320 - 526);
	assert_int_equal(r.served_sales, 1);
	assert_int_equal(r.days_hist[1], 1);
	/* the subsidy is 30% of the line-haul, reported apart */
	assert_int_equal(r.subsidy_fen, 120120);
	assert_adds_up(&r);
	scenario_release(&sc);
}

static void test_spoilage(void **state)
{
	(void)state;
	struct scenario sc;
	struct sim_result r;
	/* 2000 kg harvested on day 0 with a 2-day shelf life, nobody buys: on day 3
	 * it is 3 days old and written off, under every policy */
	load(HAND_SCENARIO("2", "[]"), &sc);
	for (int p = 0; p < POLICY_COUNT; p++) {
		run(&sc, (enum sim_policy)p, 1, 0, &r);
		assert_int_equal(r.spoiled_origin_g + r.spoiled_sales_g, 2000000);
		assert_int_equal(r.orders, 0);
		assert_adds_up(&r);
	}
	/* with 2 days only, nothing is past its shelf life yet */
	run(&sc, POLICY_DIRECT, 1, 2, &r);
	assert_int_equal(r.spoiled_origin_g, 0);
	scenario_release(&sc);
}

static void test_shipped_scenario_adds_up(void **state)
{
	(void)state;
	struct scenario sc;
	struct sim_result r[POLICY_COUNT];
	char err[512];
	if (scenario_load("scenarios/liangshan_ningbo.json", &sc, err, sizeof(err)))
		fail_msg("%s", err);
	int64_t supply = 0;
	for (size_t p = 0; p < sc.nproducts; p++)
		supply += sc.products[p].supply_g_year + sc.products[p].initial_origin_g;
	for (int p = 0; p < POLICY_COUNT; p++) {
		run(&sc, (enum sim_policy)p, 7, 120, &r[p]);
		assert_adds_up(&r[p]);
		assert_true(r[p].orders > 10000);
		/* never more goods sent or delivered than were harvested */
		assert_true(r[p].trucked_g <= supply);
		assert_true(r[p].delivered_g + r[p].spoiled_origin_g + r[p].spoiled_sales_g <=
		            supply);
	}
	/* the same demand for every policy */
	assert_int_equal(r[POLICY_DIRECT].ordered_g, r[POLICY_PLANNER].ordered_g);
	assert_int_equal(r[POLICY_DIRECT].linehaul_fen, 0);
	assert_true(r[POLICY_PLANNER].linehaul_fen > 0);
	scenario_release(&sc);
}

/* The target on the shipped scenario, a whole year of seed 1 (the
 * numbers are in bench/README.md): without subsidy the planner's cost per kg
 * is at most half of all-direct parcels', with at least 95 % of all orders
 * (cancelled ones included) within the promise; the weekly trucks lie in
 * between on cost; the accounting adds up for every policy. */
static void test_shipped_scenario_target(void **state)
{
	(void)state;
	struct scenario sc;
	struct sim_result r[POLICY_COUNT];
	char err[512];
	if (scenario_load("scenarios/liangshan_ningbo.json", &sc, err, sizeof(err)))
		fail_msg("%s", err);
	for (int p = 0; p < POLICY_COUNT; p++) {
		run(&sc, (enum sim_policy)p, 1, 0, &r[p]);
		assert_adds_up(&r[p]);
	}
	int64_t direct = sim_fen_per_kg(&r[POLICY_DIRECT], 0);
	int64_t weekly = sim_fen_per_kg(&r[POLICY_WEEKLY], 0);
	int64_t planner = sim_fen_per_kg(&r[POLICY_PLANNER], 0);
	assert_true(planner * 2 <= direct);
	assert_true(planner < weekly && weekly < direct);
	assert_true(r[POLICY_PLANNER].within_promise * 100 >= r[POLICY_PLANNER].orders * 95);
	/* with the subsidy on its own: cheaper still, never below zero */
	int64_t sub = sim_fen_per_kg(&r[POLICY_PLANNER], r[POLICY_PLANNER].subsidy_fen);
	assert_true(sub > 0 && sub < planner);
	scenario_release(&sc);
}

/* Announced live-streams: the same orders (announcing changes no demand),
 * while the planner, knowing the spike calendar 7 days ahead, plans on it and
 * sends different trucks; direct parcels know nothing of it. */
static void test_spikes_announced(void **state)
{
	(void)state;
	struct scenario sc;
	struct sim_result a[POLICY_COUNT], b[POLICY_COUNT];
	char err[512];
	if (scenario_load("scenarios/liangshan_ningbo.json", &sc, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(sc.spike_announced_days, 0);
	for (int p = 0; p < POLICY_COUNT; p++)
		run(&sc, (enum sim_policy)p, 3, 120, &a[p]);
	sc.spike_announced_days = 7;
	for (int p = 0; p < POLICY_COUNT; p++) {
		run(&sc, (enum sim_policy)p, 3, 120, &b[p]);
		assert_int_equal(a[p].orders, b[p].orders);
		assert_int_equal(a[p].ordered_g, b[p].ordered_g);
		assert_adds_up(&b[p]);
	}
	assert_memory_equal(&a[POLICY_DIRECT], &b[POLICY_DIRECT], sizeof(a[0]));
	assert_true(a[POLICY_PLANNER].trucked_g != b[POLICY_PLANNER].trucked_g ||
	            a[POLICY_PLANNER].linehaul_fen != b[POLICY_PLANNER].linehaul_fen);
	scenario_release(&sc);
}

static void test_seeds(void **state)
{
	(void)state;
	struct scenario sc;
	struct sim_result a, b, c;
	char err[512];
	if (scenario_load("scenarios/liangshan_ningbo.json", &sc, err, sizeof(err)))
		fail_msg("%s", err);
	run(&sc, POLICY_PLANNER, 42, 60, &a);
	run(&sc, POLICY_PLANNER, 42, 60, &b);
	run(&sc, POLICY_PLANNER, 43, 60, &c);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_true(a.orders != c.orders || a.ordered_g != c.ordered_g);
	assert_true(a.total_fen != c.total_fen);
	scenario_release(&sc);
}

static void test_dispatch_within_stock(void **state)
{
	(void)state;
	struct plan_truck trucks[2] = {
	    {"big", 30000000, 1000, 0, false},
	    {"cold", 10000000, 1400, 0, true},
	};
	int64_t trip[2] = {2400000, 3360000};
	struct plan_product_view v[2] = {
	    /* huge demand, little at the origin: can ship 3 kg only */
	    {.sales_g = 0, .origin_g = 3000, .forecast_g = 5000000, .shelf_life_days = 90},
	    /* chilled: must not go on the ordinary truck */
	    {.sales_g = 0,
	     .origin_g = 700000,
	     .forecast_g = 100000,
	     .shelf_life_days = 10,
	     .chilled = true},
	};
	struct plan_params pp = {3, 10, 85, 8, 0, 0};
	struct plan_dispatch d;
	size_t n = plan_dispatch(&pp, trucks, trip, 2, v, 2, &d);
	assert_true(n >= 1);
	int64_t sent[2] = {0, 0};
	for (size_t i = 0; i < n; i++) {
		int64_t load = 0;
		for (int p = 0; p < 2; p++) {
			sent[p] += d.load_g[i][p];
			load += d.load_g[i][p];
		}
		assert_true(load <= trucks[d.truck[i]].capacity_g);
		if (!trucks[d.truck[i]].refrigerated)
			assert_int_equal(d.load_g[i][1], 0);
	}
	assert_true(sent[0] <= 3000);
	assert_true(sent[1] <= 700000);
	assert_true(sent[1] > 0); /* urgent: the chilled product has nothing in Ningbo */

	/* nothing urgent and no truck nearly full: wait */
	v[0] = (struct plan_product_view){
	    .sales_g = 900000, .origin_g = 100000, .forecast_g = 100000, .shelf_life_days = 90};
	v[1].origin_g = 0;
	assert_int_equal(plan_dispatch(&pp, trucks, trip, 2, v, 2, &d), 0);

	/* a trip dearer per kg than the parcels it replaces is never sent */
	v[0] = (struct plan_product_view){
	    .origin_g = 100000000, .forecast_g = 5000000, .shelf_life_days = 90};
	pp.max_fen_per_kg = 50; /* big truck full: 24000.00 / 30 t = 0.80 yuan/kg > 0.50 */
	assert_int_equal(plan_dispatch(&pp, trucks, trip, 2, v, 2, &d), 0);
	pp.max_fen_per_kg = 500;
	assert_true(plan_dispatch(&pp, trucks, trip, 2, v, 2, &d) >= 1);
	assert_int_equal(d.truck[0], 0);
	assert_int_equal(d.load_g[0][0], 30000000);
}

/* json with its first `from` replaced by `to` (e.g. a field's value), in out. */
static void edit(const char *json, const char *from, const char *to, char *out, size_t outsz)
{
	const char *at = strstr(json, from);
	if (!at)
		fail_msg("'%s' not in the scenario", from);
	snprintf(out, outsz, "%.*s%s%s", (int)(at - json), json, to, at + strlen(from));
}

static void load_edited(const char *json, const char *from, const char *to, struct scenario *sc)
{
	char buf[8192];
	edit(json, from, to, buf, sizeof(buf));
	load(buf, sc);
}

/* The same with two fields changed. */
static void load_edited2(const char *json, const char *from1, const char *to1, const char *from2,
                         const char *to2, struct scenario *sc)
{
	char buf[8192];
	edit(json, from1, to1, buf, sizeof(buf));
	load_edited(buf, from2, to2, sc);
}

static void test_truck_takes_lots_fresh_enough(void **state)
{
	(void)state;
	struct scenario sc;
	struct sim_result r;
	/* shelf life 18 days: the weekly truck holds its goods 7 + 3 + 4 days in
	 * Ningbo plus 2 of last mile, so a lot must keep 16 days on arrival, at
	 * most what a lot of the day has after the 3-day line-haul (15). On day 0
	 * (Monday) the initial 2000 kg qualify: 3 + 15 = 18 days old at most, and
	 * go on two trucks. */
	load(HAND_SCENARIO("18", "[]"), &sc);
	run(&sc, POLICY_WEEKLY, 1, 0, &r);
	assert_int_equal(r.trips[0], 2);
	assert_int_equal(r.trucked_g, 2000000);
	scenario_release(&sc);
	/* on Tuesday (day 1) the same lot would be 19 days old when its last kg
	 * is sold: it stays at the origin instead of spoiling in Ningbo */
	load_edited(HAND_SCENARIO("18", "[]"), "\"weekday\":0", "\"weekday\":1", &sc);
	run(&sc, POLICY_WEEKLY, 1, 0, &r);
	assert_int_equal(r.trips[0], 0);
	assert_int_equal(r.trucked_g, 0);
	assert_adds_up(&r);
	scenario_release(&sc);
}

static void test_on_time_orders_first(void **state)
{
	(void)state;
	struct scenario sc;
	struct sim_result r;
	/* no initial stock, 3,650 kg a year harvested: 9,812 g a day in January.
	 * Day 0: 30 kg to A (3 days by parcel) cannot be served before day 3, so
	 * it is late whatever happens. Day 3: 10 kg to A, on time if sent today.
	 * With 39,248 g at the origin on day 3 the late order must not take the
	 * stock first: the 10 kg go on day 3 (3 days), the 30 kg on day 4 (7). */
	const char *json = HAND_SCENARIO(
	    "100", "[{\"day\":0,\"product\":\"P\",\"destination\":\"A\",\"grams\":30000},"
	           "{\"day\":3,\"product\":\"P\",\"destination\":\"A\",\"grams\":10000}]");
	load_edited2(json, "\"supply_kg_year\":0,", "\"supply_kg_year\":3650,",
	             "\"initial_origin_kg\":2000,", "\"initial_origin_kg\":0,", &sc);
	run(&sc, POLICY_DIRECT, 1, 6, &r);
	assert_int_equal(r.delivered, 2);
	assert_int_equal(r.within_promise, 1);
	assert_int_equal(r.days_hist[3], 1);
	assert_int_equal(r.days_hist[7], 1);
	assert_adds_up(&r);
	scenario_release(&sc);
}

static void test_dispatch_chilled_saving(void **state)
{
	(void)state;
	struct plan_truck cold = {"cold", 2000000, 500, 0, true};
	int64_t trip = 1000000; /* 10,000.00 a trip */
	struct plan_product_view v = {
	    .origin_g = 5000000, .forecast_g = 400000, .shelf_life_days = 10, .chilled = true};
	struct plan_params pp = {3, 10, 85, 8, 400, 0};
	struct plan_dispatch d;
	/* 2 t at 4.00 a kg of parcels saved is 8,000.00: less than the trip */
	assert_int_equal(plan_dispatch(&pp, &cold, &trip, 1, &v, 1, &d), 0);
	/* the chilled product's own saving (chilled parcels cost more): 11.00 a
	 * kg, 22,000.00 for the load, more than 10,000.00 + 160.00 handling */
	v.saving_fen_per_kg = 1100;
	assert_int_equal(plan_dispatch(&pp, &cold, &trip, 1, &v, 1, &d), 1);
	assert_int_equal(d.load_g[0][0], 2000000);
	/* and just below the trip's cost it stays */
	v.saving_fen_per_kg = 505; /* 10,100.00 < 10,160.00 */
	assert_int_equal(plan_dispatch(&pp, &cold, &trip, 1, &v, 1, &d), 0);
}

static void test_dispatch_dry_waits_for_reefer(void **state)
{
	(void)state;
	struct plan_truck trucks[2] = {
	    {"dry", 10000000, 1000, 0, false},
	    {"cold", 10000000, 1400, 0, true},
	};
	int64_t trip[2] = {1000000, 1400000};
	struct plan_product_view v[2] = {
	    /* dry, 4 days of stock (not urgent), room for 9 t: would go 90 % full */
	    {.sales_g = 4000000,
	     .origin_g = 50000000,
	     .forecast_g = 1000000,
	     .shelf_life_days = 365},
	    /* chilled: 5 days of stock, not urgent (3 days of line-haul), but a
	     * refrigerated truck is due within 4 days */
	    {.sales_g = 250000,
	     .origin_g = 1000000,
	     .forecast_g = 50000,
	     .shelf_life_days = 30,
	     .chilled = true},
	};
	struct plan_params pp = {3, 10, 85, 8, 0, 0};
	struct plan_dispatch d;
	assert_int_equal(plan_dispatch(&pp, trucks, trip, 2, v, 2, &d), 0);
	/* no chilled demand: the dry truck goes, full */
	v[1].forecast_g = 0;
	assert_int_equal(plan_dispatch(&pp, trucks, trip, 2, v, 2, &d), 1);
	assert_int_equal(d.truck[0], 0);
	assert_int_equal(d.load_g[0][0], 9000000);
	/* chilled urgent (less than 3 days left): the refrigerated truck goes and
	 * takes the dry goods' room too */
	v[1].forecast_g = 100000;
	assert_true(plan_dispatch(&pp, trucks, trip, 2, v, 2, &d) >= 1);
	assert_int_equal(d.truck[0], 1);
	assert_true(d.load_g[0][1] > 0);
	assert_true(d.load_g[0][0] > 0);
	assert_int_equal(d.load_g[0][0] + d.load_g[0][1], 10000000);
}

static void test_late_order_leaves_transit_stock(void **state)
{
	(void)state;
	struct scenario sc;
	struct sim_result r;
	/* promise 2 days, 1000 kg at the origin, no harvest: the planner's day-0
	 * truck takes all of it to Ningbo (day 3). X (day 1, 600 kg to A) can only
	 * have it on day 3 + 1: late. Y (day 2, 600 kg to A) would be on time with
	 * it. X must not claim 600 of the 1000 kg on the way: Y gets them (2
	 * days), X waits for what is left (400 kg: not enough). */
	const char *json = HAND_SCENARIO(
	    "100", "[{\"day\":1,\"product\":\"P\",\"destination\":\"A\",\"grams\":600000},"
	           "{\"day\":2,\"product\":\"P\",\"destination\":\"A\",\"grams\":600000}]");
	load_edited2(json, "\"promise_days\":3,", "\"promise_days\":2,",
	             "\"initial_origin_kg\":2000,", "\"initial_origin_kg\":1000,", &sc);
	run(&sc, POLICY_PLANNER, 1, 0, &r);
	assert_int_equal(r.trips[0], 1);
	assert_int_equal(r.trucked_g, 1000000);
	assert_int_equal(r.served_waited, 1);
	assert_int_equal(r.delivered, 1);
	assert_int_equal(r.within_promise, 1);
	assert_int_equal(r.days_hist[2], 1);
	assert_adds_up(&r);
	scenario_release(&sc);
}

static void test_dispatch_promise_slack(void **state)
{
	(void)state;
	struct plan_truck big = {"big", 30000000, 1000, 0, false};
	int64_t trip = 2400000;
	/* 2.5 days of stock, 3 days of line-haul: without slack it runs out
	 * before a truck sent today arrives, so one goes (though far from full) */
	struct plan_product_view v = {
	    .sales_g = 250000, .origin_g = 10000000, .forecast_g = 100000, .shelf_life_days = 365};
	struct plan_params pp = {3, 10, 85, 8, 0, 0};
	struct plan_dispatch d;
	assert_int_equal(plan_dispatch(&pp, &big, &trip, 1, &v, 1, &d), 1);
	/* orders may wait a day for the truck and still be on time: the stock
	 * must last 2 days only, so today it waits for a fuller truck */
	pp.slack_days = 1;
	assert_int_equal(plan_dispatch(&pp, &big, &trip, 1, &v, 1, &d), 0);
	/* and goes once the stock would not last those 2 days */
	v.sales_g = 190000;
	assert_int_equal(plan_dispatch(&pp, &big, &trip, 1, &v, 1, &d), 1);
}

static void test_dispatch_season_end(void **state)
{
	(void)state;
	struct plan_truck big = {"big", 30000000, 1000, 0, false};
	int64_t trip = 2400000;
	/* nothing in Ningbo, 1 t a day forecast, 3 days of line-haul: it needs
	 * 4 t (the line-haul and a day) and has room for 13 t (line-haul + 10
	 * days' cover) */
	struct plan_product_view v = {
	    .origin_g = 50000000, .forecast_g = 1000000, .shelf_life_days = 365};
	struct plan_params pp = {3, 10, 85, 8, 0, 0};
	struct plan_dispatch d;
	assert_int_equal(plan_dispatch(&pp, &big, &trip, 1, &v, 1, &d), 1);
	assert_int_equal(d.load_g[0][0], 13000000);
	/* the season profile expects only 6 t to be ordered before the season
	 * ends: no more than that goes */
	v.season_g = 6000000;
	assert_int_equal(plan_dispatch(&pp, &big, &trip, 1, &v, 1, &d), 1);
	assert_int_equal(d.load_g[0][0], 6000000);
	/* but never less than what the orders in the pool need */
	v.season_g = 1;
	assert_int_equal(plan_dispatch(&pp, &big, &trip, 1, &v, 1, &d), 1);
	assert_int_equal(d.load_g[0][0], 4000000);
}

static void test_choose_source(void **state)
{
	(void)state;
	struct plan_option o[SOURCE_COUNT] = {{0}};
	assert_int_equal(plan_choose_source(o, 10, 3), SOURCE_NONE);
	o[SOURCE_ORIGIN] = (struct plan_option){true, 15, 5000};
	o[SOURCE_SALES] = (struct plan_option){true, 11, 900};
	/* on time and cheaper */
	assert_int_equal(plan_choose_source(o, 10, 3), SOURCE_SALES);
	/* on time beats cheaper but late */
	o[SOURCE_SALES].available = false;
	o[SOURCE_WAIT_TRUCK] = (struct plan_option){true, 14, 900};
	o[SOURCE_ORIGIN].delivery_day = 13;
	assert_int_equal(plan_choose_source(o, 10, 3), SOURCE_ORIGIN);
	/* both late: the earlier one */
	o[SOURCE_ORIGIN].delivery_day = 15;
	assert_int_equal(plan_choose_source(o, 10, 3), SOURCE_WAIT_TRUCK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hand_direct),
	    cmocka_unit_test(test_hand_weekly_truck),
	    cmocka_unit_test(test_spoilage),
	    cmocka_unit_test(test_shipped_scenario_adds_up),
	    cmocka_unit_test(test_shipped_scenario_target),
	    cmocka_unit_test(test_spikes_announced),
	    cmocka_unit_test(test_seeds),
	    cmocka_unit_test(test_dispatch_within_stock),
	    cmocka_unit_test(test_truck_takes_lots_fresh_enough),
	    cmocka_unit_test(test_on_time_orders_first),
	    cmocka_unit_test(test_dispatch_chilled_saving),
	    cmocka_unit_test(test_dispatch_dry_waits_for_reefer),
	    cmocka_unit_test(test_late_order_leaves_transit_stock),
	    cmocka_unit_test(test_dispatch_promise_slack),
	    cmocka_unit_test(test_dispatch_season_end),
	    cmocka_unit_test(test_choose_source),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
