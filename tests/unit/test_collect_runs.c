/*
 * Unit tests of village collection runs over a real SQLite store
 * (src/app/collect_runs.c, collect_read.c, vehicles.c): the forecast rule
 * (same weekday only, the last 4 collection days within 8 weeks, reversals
 * netted, an override replacing it), how a warehouse's points become the
 * planner's input (loads, windows in minutes, coordinates, vehicles), that a
 * stored plan reads back exactly as the planner made it, and the refusals
 * (no vehicle, a sales warehouse, bad vehicle fields). collect_runs.c is
 * included to reach its static gather() and store_plan().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "../../src/app/collect_runs.c"

/* Xichang origin warehouse (1) and a sales warehouse (2); points 1..3 feed
 * the origin (3 has no coordinates), point 4 is inactive. */
static const char *const world_sql[] = {
    "INSERT INTO divisions (code, name, level, lon_e6, lat_e6) VALUES ('513401', '西昌市', 3, "
    "102264000, 27894000)",
    "INSERT INTO divisions (code, name, level, lon_e6, lat_e6, approx) VALUES ('513431001', "
    "'昭觉某村', 5, 102840000, 28010000, 1)",
    "INSERT INTO divisions (code, name, level) VALUES ('330205', '江北区', 3)",
    "INSERT INTO warehouses (code, name, kind, division_code) VALUES ('XC', '西昌产地仓', "
    "'origin', '513401')",
    "INSERT INTO warehouses (code, name, kind, division_code) VALUES ('NB', '宁波销地仓', "
    "'sales', '330205')",
    "INSERT INTO collection_points (code, name, village_code, warehouse_id, lon_e6, lat_e6, "
    "opens, closes) VALUES ('ZJ-A', '昭觉甲点', '513431001', 1, 102840000, 28010000, '08:00', "
    "'18:00')",
    "INSERT INTO collection_points (code, name, village_code, warehouse_id, lon_e6, lat_e6, "
    "opens, closes) VALUES ('BT-B', '布拖乙点', '513431001', 1, 102810000, 27710000, '09:30', "
    "'16:45')",
    "INSERT INTO collection_points (code, name, village_code, warehouse_id, opens, closes) "
    "VALUES ('NC-C', '无坐标点', '513431001', 1, '08:00', '18:00')",
    "INSERT INTO collection_points (code, name, village_code, warehouse_id, lon_e6, lat_e6, "
    "active) VALUES ('OLD-D', '停用点', '513431001', 1, 102800000, 28000000, 0)",
    "INSERT INTO households (code, head_name, village_code, created_at) VALUES ('H1', '甲', "
    "'513431001', 0)",
    "INSERT INTO products (code, name, shelf_life_days) VALUES ('KQ', '苦荞', 300)",
    "INSERT INTO grades (product_id, code, name) VALUES (1, 'A', '一级')",
    NULL,
};

static int setup(void **state)
{
	char err[256];
	struct store *db = store_open(":memory:", err, sizeof(err));
	if (!db || store_migrate(db))
		return -1;
	for (int i = 0; world_sql[i]; i++)
		if (store_exec(db, world_sql[i])) {
			fprintf(stderr, "fixture: %s\n", store_errmsg(db));
			return -1;
		}
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	return 0;
}

static void collect_row(struct store *db, int64_t point, const char *on, int64_t net_g)
{
	static int seq;
	struct stmt *st;
	char code[32];
	snprintf(code, sizeof(code), "R%d", ++seq);
	assert_int_equal(
	    store_prepare(db,
	                  "INSERT INTO collections (code, point_id, household_id, "
	                  "product_id, grade_id, harvest_date, collected_on, "
	                  "collected_at, gross_g, tare_g, net_g, price_unit, "
	                  "price_entered_fen, price_fen_per_kg, amount_fen) VALUES (?, "
	                  "?, 1, 1, 1, ?, ?, 0, ?, 0, ?, 'kg', 100, 100, 0)",
	                  &st),
	    0);
	stmt_bind_text(st, 1, code);
	stmt_bind_int(st, 2, point);
	stmt_bind_text(st, 3, on);
	stmt_bind_text(st, 4, on);
	stmt_bind_int(st, 5, net_g);
	stmt_bind_int(st, 6, net_g);
	assert_int_equal(stmt_step(st), STORE_DONE);
	stmt_finalize(st);
}

static int64_t forecast(struct store *db, int64_t point, const char *date, const char **source,
                        int *days)
{
	struct app_err err;
	int64_t g = -1;
	assert_int_equal(collect_forecast(db, point, date, &g, source, days, &err), 0);
	return g;
}

/* 2026-11-16 is a Monday. */
static void test_forecast_rule(void **state)
{
	struct store *db = *state;
	const char *src;
	int days;
	assert_int_equal(forecast(db, 1, "2026-11-16", &src, &days), 0);
	assert_string_equal(src, "rule");
	assert_int_equal(days, 0);
	/* Mondays: 11-09 two deliveries, 11-02, 10-26 reversed in full, 10-19,
	 * 10-12; 09-14 is more than 8 weeks back; Tuesday 11-10 is ignored */
	collect_row(db, 1, "2026-11-09", 300000);
	collect_row(db, 1, "2026-11-09", 100000);
	collect_row(db, 1, "2026-11-02", 200000);
	collect_row(db, 1, "2026-10-26", 500000);
	collect_row(db, 1, "2026-10-26", -500000);
	collect_row(db, 1, "2026-10-19", 100000);
	collect_row(db, 1, "2026-10-12", 101000);
	collect_row(db, 1, "2026-09-14", 9000000);
	collect_row(db, 1, "2026-11-10", 7000000);
	collect_row(db, 1, "2026-11-16", 7000000); /* the day itself: not history */
	/* the last 4 Mondays with a collection: 400 + 200 + 100 + 101 kg */
	assert_int_equal(forecast(db, 1, "2026-11-16", &src, &days), 200250);
	assert_int_equal(days, 4);
	/* on 11-02: 10-19, 10-12 and 09-14 (8 weeks back at most; 10-26
	 * netted to zero): (100 + 101 + 9000) / 3 kg */
	assert_int_equal(forecast(db, 1, "2026-11-02", &src, &days), 3067000);
	assert_int_equal(days, 3);
	/* another point's history is its own; 8 weeks back is the limit */
	collect_row(db, 2, "2026-09-14", 50000);
	assert_int_equal(forecast(db, 2, "2026-11-16", &src, &days), 0);
	assert_int_equal(forecast(db, 2, "2026-11-09", &src, &days), 50000);
	struct app_err err;
	assert_int_equal(collect_forecast_override(db, 1, "2026-11-16", 0, "停收", 0, 5, &err), 0);
	assert_int_equal(forecast(db, 1, "2026-11-16", &src, &days), 0);
	assert_string_equal(src, "override");
	assert_int_equal(collect_forecast_override(db, 1, "2026-11-16", 750000, "", 0, 6, &err), 0);
	assert_int_equal(forecast(db, 1, "2026-11-16", &src, &days), 750000);
	assert_int_equal(collect_forecast_override(db, 99, "2026-11-16", 1, "", 0, 6, &err), -1);
	assert_string_equal(err.field, "point_id");
	assert_int_equal(collect_forecast_override(db, 1, "2026-11-31", 1, "", 0, 6, &err), -1);
	assert_string_equal(err.field, "date");
}

static void make_vehicle(struct store *db, const char *code, int64_t cap_g, int64_t available)
{
	struct vehicle_in v = {1,   code, "4.2米厢式货车", cap_g, false, 30000,
	                       350, 4000, available,       840,   true};
	struct app_err err;
	int64_t id;
	assert_int_equal(vehicle_create(db, &v, &id, &err), 0);
}

static void test_gather_input(void **state)
{
	struct store *db = *state;
	struct gathered g = {0};
	struct app_err err;
	collect_config_default(&g.in.cfg);
	assert_int_equal(gather(db, 1, "2026-11-16", &g, &err), -1);
	assert_string_equal(err.code, "no_vehicles");
	gathered_release(&g);
	memset(&g, 0, sizeof(g));
	collect_config_default(&g.in.cfg);
	make_vehicle(db, "V1", 2000000, 2);
	make_vehicle(db, "V0", 2000000, 0); /* none available: not offered */
	assert_int_equal(collect_forecast_override(db, 2, "2026-11-16", 300000, "", 0, 1, &err), 0);
	assert_int_equal(collect_forecast_override(db, 3, "2026-11-16", 100000, "", 0, 1, &err), 0);
	assert_int_equal(gather(db, 1, "2026-11-16", &g, &err), 0);
	/* the depot from the warehouse's division; the active points only */
	assert_true(fabs(g.in.depot_lon - 102.264) < 1e-9 && fabs(g.in.depot_lat - 27.894) < 1e-9);
	assert_int_equal(g.in.npoints, 3);
	assert_int_equal(g.in.nvehicles, 1);
	assert_int_equal(g.vehicles[0].capacity_g, 2000000);
	assert_string_equal(g.points[1].code, "BT-B");
	assert_int_equal(g.points[1].opens_min, 9 * 60 + 30);
	assert_int_equal(g.points[1].closes_min, 16 * 60 + 45);
	assert_int_equal(g.points[1].load_g, 300000);
	assert_string_equal(g.source[1], "override");
	assert_int_equal(g.points[0].load_g, 0);
	assert_true(g.no_coords[2]);
	assert_false(g.no_coords[1]);
	assert_true(fabs(g.points[1].lon - 102.81) < 1e-9);
	gathered_release(&g);
}

static int64_t local_minutes(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	assert_non_null(s);
	return clock_minutes(s);
}

static void test_plan_round_trip(void **state)
{
	struct store *db = *state;
	struct gathered g = {0}, left_out = {0};
	struct collect_plan plan;
	struct collect_run_opts o = {.seed = 5, .iters = 300};
	struct app_err err;
	char why[300];
	int64_t id;
	make_vehicle(db, "V1", 2000000, 2);
	assert_int_equal(collect_forecast_override(db, 1, "2026-11-16", 700000, "", 0, 1, &err), 0);
	assert_int_equal(collect_forecast_override(db, 2, "2026-11-16", 300000, "", 0, 1, &err), 0);
	assert_int_equal(collect_forecast_override(db, 3, "2026-11-16", 100000, "", 0, 1, &err), 0);
	collect_config_default(&o.cfg);
	g.in.cfg = o.cfg;
	g.in.seed = o.seed;
	g.in.iters = o.iters;
	assert_int_equal(gather(db, 1, "2026-11-16", &g, &err), 0);
	split_no_coords(&g, &left_out);
	assert_int_equal(left_out.in.npoints, 1);
	assert_int_equal(collect_plan_solve(&g.in, &plan, why, sizeof(why)), 0);
	assert_true(plan.nruns >= 1);
	assert_int_equal(store_plan(db, &plan, &g, &left_out, 1, "2026-11-16", &o, 0, 1000, &id),
	                 0);
	json_t *out;
	assert_int_equal(collect_plan_get(db, id, (struct point_scope){NULL, 0}, &out, &err), 0);
	assert_string_equal(json_string_value(json_object_get(out, "status")), "partial");
	assert_int_equal(json_integer_value(json_object_get(out, "cost_fen")), plan.cost_fen);
	assert_int_equal(json_integer_value(json_object_get(out, "load_g")), 1000000);
	json_t *runs = json_object_get(out, "runs");
	assert_int_equal(json_array_size(runs), plan.nruns);
	for (int r = 0; r < plan.nruns; r++) {
		const struct collect_run *pr = &plan.runs[r];
		json_t *jr = json_array_get(runs, (size_t)r);
		assert_int_equal(json_integer_value(json_object_get(jr, "vehicle_id")),
		                 g.vehicles[pr->vehicle].id);
		assert_int_equal(json_integer_value(json_object_get(jr, "distance_m")),
		                 pr->distance_m);
		assert_int_equal(json_integer_value(json_object_get(jr, "cost_fen")), pr->cost_fen);
		assert_int_equal(local_minutes(jr, "depart_local"), pr->depart_min);
		assert_int_equal(local_minutes(jr, "return_local"), pr->return_min);
		json_t *stops = json_object_get(jr, "stops");
		assert_int_equal(json_array_size(stops), pr->nstops);
		for (int s = 0; s < pr->nstops; s++) {
			json_t *js = json_array_get(stops, (size_t)s);
			const struct collect_stop *ps = &pr->stops[s];
			assert_int_equal(json_integer_value(json_object_get(js, "point_id")),
			                 g.points[ps->point].id);
			assert_int_equal(json_integer_value(json_object_get(js, "load_g")),
			                 ps->load_g);
			assert_int_equal(json_integer_value(json_object_get(js, "onboard_g")),
			                 ps->onboard_g);
			assert_int_equal(local_minutes(js, "arrive_local"), ps->arrive_min);
			assert_int_equal(local_minutes(js, "depart_local"), ps->depart_min);
			assert_true(json_is_true(json_object_get(js, "approximate")));
			assert_string_equal(
			    json_string_value(json_object_get(js, "forecast_source")), "override");
		}
	}
	/* UTC instants: 2026-11-16 05:00 Shanghai is 2026-11-15T21:00:00Z */
	int64_t dep = plan.runs[0].depart_min - 8 * 60;
	char iso[32];
	snprintf(iso, sizeof(iso), "2026-11-%02dT%02d:%02d:00Z", dep < 0 ? 15 : 16,
	         (int)((dep + 1440) % 1440 / 60), (int)((dep + 1440) % 60));
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(runs, 0), "depart_at")), iso);
	/* the point without coordinates is left out, named */
	json_t *u = json_array_get(json_object_get(out, "unserved"), 0);
	assert_string_equal(json_string_value(json_object_get(u, "reason")), "no_coordinates");
	assert_non_null(strstr(json_string_value(json_object_get(u, "message_en")), "'NC-C'"));
	json_decref(out);
	/* a collector of point 3 only: no run visits it, only its left-out row */
	int64_t mine = 3;
	assert_int_equal(collect_plan_get(db, id, (struct point_scope){&mine, 1}, &out, &err), 0);
	assert_int_equal(json_array_size(json_object_get(out, "runs")), 0);
	assert_int_equal(json_array_size(json_object_get(out, "unserved")), 1);
	json_decref(out);
	collect_plan_release(&plan);
	gathered_release(&g);
	gathered_release(&left_out);
}

static void test_refusals(void **state)
{
	struct store *db = *state;
	struct app_err err;
	struct collect_run_opts o = {.seed = 1};
	int64_t id;
	collect_config_default(&o.cfg);
	assert_int_equal(collect_warehouse_resolve(db, "NB", &id, &err), -1);
	assert_int_equal(err.status, 422);
	assert_int_equal(collect_warehouse_resolve(db, "ZZ", &id, &err), -1);
	assert_int_equal(err.status, 404);
	assert_int_equal(collect_warehouse_resolve(db, "1", &id, &err), 0);
	assert_int_equal(id, 1);
	assert_int_equal(collect_plan_make(db, 1, "2026-11-16", &o, 0, 0, &id, &err), -1);
	assert_string_equal(err.code, "no_vehicles");
	struct vehicle_in bad = {2, "V9", "x", 1000000, false, 0, 0, 0, 1, 600, true};
	assert_int_equal(vehicle_create(db, &bad, &id, &err), -1);
	assert_string_equal(err.field, "warehouse_id");
	bad.warehouse_id = 1;
	bad.capacity_g = 10;
	assert_int_equal(vehicle_create(db, &bad, &id, &err), -1);
	assert_string_equal(err.field, "capacity_kg");
	bad.capacity_g = 1000000;
	bad.code = "not a code";
	assert_int_equal(vehicle_create(db, &bad, &id, &err), -1);
	assert_string_equal(err.field, "code");
	bad.code = "V9";
	assert_int_equal(vehicle_create(db, &bad, &id, &err), 0);
	assert_int_equal(vehicle_create(db, &bad, &id, &err), -1);
	assert_int_equal(err.status, 409);
	/* an empty day is stored as such */
	assert_int_equal(collect_plan_make(db, 1, "2026-11-16", &o, 0, 0, &id, &err), 0);
	int64_t n = 0;
	assert_int_equal(store_query_int(db,
	                                 "SELECT COUNT(*) FROM collection_plans WHERE status = "
	                                 "'empty' AND id = ?",
	                                 id, &n),
	                 0);
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_forecast_rule, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_gather_input, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_plan_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
