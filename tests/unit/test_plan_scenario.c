/*
 * Unit tests of the scenario reader (src/plan/scenario.c): a small valid
 * scenario parses with its units converted (kg to grams), the shipped
 * scenarios load, and every kind of bad input is refused with a message that
 * names the field at fault by its full path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"

static const char *base_json =
	"{\"name\":\"t\",\"start_date\":\"2024-01-01\",\"horizon_days\":5,\"promise_days\":3,"
	"\"cancel_after_days\":14,\"road_factor\":1.0,"
	"\"origin\":{\"code\":\"O\",\"name\":\"origin\",\"lon\":0,\"lat\":0},"
	"\"sales_warehouse\":{\"code\":\"S\",\"name\":\"sales\",\"lon\":9,\"lat\":0,"
	"\"service_radius_km\":2000,\"target_cover_days\":4,\"max_cover_days\":10,"
	"\"storage_fen_per_tonne_day\":1000},"
	"\"handling\":{\"origin_pack_fen_per_order\":100,\"sales_pack_fen_per_order\":50,"
	"\"truck_handling_fen_per_kg\":10},"
	"\"linehaul\":{\"km_per_day\":500,\"trucks\":[{\"name\":\"T\",\"capacity_kg\":1000,"
	"\"fen_per_km\":200}]},"
	"\"parcel\":{\"pickup_days\":1,\"km_per_day\":600,\"chilled_permille\":1500,\"zones\":["
	"{\"max_km\":100,\"first_kg_fen\":500,\"extra_kg_fen\":100},"
	"{\"max_km\":2000,\"first_kg_fen\":1000,\"extra_kg_fen\":600}]},"
	"\"city_delivery\":{\"radius_km\":10,\"fen_per_order\":300,\"fen_per_kg\":20,\"days\":1},"
	"\"products\":[{\"code\":\"P\",\"name\":\"p\",\"shelf_life_days\":100,"
	"\"supply_kg_year\":0,\"demand_kg_year\":3650000,\"initial_origin_kg\":2000,"
	"\"supply_by_month\":[1,1,1,1,1,1,1,1,1,1,1,1],"
	"\"demand_by_month\":[1,1,1,1,1,1,1,1,1,1,1,1]}],"
	"\"order_sizes\":[{\"grams\":5000,\"share\":1}],"
	"\"destinations\":[{\"code\":\"A\",\"name\":\"a\",\"lon\":9,\"lat\":0,\"weight\":1},"
	"{\"code\":\"B\",\"name\":\"b\",\"lon\":0.5,\"lat\":0,\"weight\":1}],"
	"\"fixed_orders\":[{\"day\":0,\"product\":\"P\",\"destination\":\"A\",\"grams\":5000}],"
	"\"spikes\":{\"per_year\":0,\"multiplier_percent\":100,\"days\":1},"
	"\"weekly_truck\":{\"truck\":\"T\",\"weekday\":0},"
	"\"subsidy\":{\"linehaul_permille\":300,\"parcel_fen_per_order\":0}}";

/* Parse base_json after setting the value at a dotted path ("a.b[0].c") to
 * repl (JSON text; NULL deletes it). Returns scenario_parse's result. */
static int parse_with(const char *path, const char *repl, char *err, size_t errsz)
{
	json_error_t je;
	json_t *root = json_loads(base_json, 0, &je);
	assert_non_null(root);
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	json_t *parent = root;
	char *key = buf, *dot;
	while ((dot = strchr(key, '.'))) {
		*dot = '\0';
		char *br = strchr(key, '[');
		if (br) {
			*br = '\0';
			parent = json_array_get(json_object_get(parent, key), strtoul(br + 1, NULL, 10));
		} else {
			parent = json_object_get(parent, key);
		}
		assert_non_null(parent);
		key = dot + 1;
	}
	if (repl) {
		json_t *v = json_loads(repl, JSON_DECODE_ANY, &je);
		assert_non_null(v);
		json_object_set_new(parent, key, v);
	} else {
		json_object_del(parent, key);
	}
	char *text = json_dumps(root, 0);
	struct scenario sc;
	int rc = scenario_parse(text, strlen(text), &sc, err, errsz);
	if (rc == 0)
		scenario_release(&sc);
	free(text);
	json_decref(root);
	return rc;
}

static void expect_error(const char *path, const char *repl, const char *want)
{
	char err[512] = "";
	assert_int_equal(parse_with(path, repl, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
}

static void test_valid_scenario(void **state)
{
	(void)state;
	struct scenario sc;
	char err[256];
	assert_int_equal(scenario_parse(base_json, strlen(base_json), &sc, err, sizeof(err)), 0);
	assert_int_equal(sc.ntrucks, 1);
	assert_int_equal(sc.trucks[0].capacity_g, 1000000);
	assert_int_equal(sc.products[0].initial_origin_g, 2000000);
	assert_int_equal(sc.products[0].demand_g_year, 3650000000LL);
	assert_int_equal(sc.nzones, 2);
	assert_int_equal(sc.ndests, 2);
	assert_true(sc.has_fixed);
	assert_int_equal(sc.nfixed, 1);
	assert_int_equal(sc.fixed[0].dest, 0);
	assert_int_equal(sc.weekly_truck, 0);
	/* 9 degrees of longitude on the equator: 1000.8 km */
	assert_int_equal(plan_road_km(&sc, &sc.origin, &sc.sales), 1001);
	assert_int_equal(plan_truck_days(&sc), 3);
	assert_int_equal(plan_parcel_days(&sc, 1001), 3);
	/* 2.5 kg is charged as 3 kg: first kg + 2 further */
	assert_int_equal(plan_parcel_fen(&sc, 1001, 2500, false), 1000 + 2 * 600);
	assert_int_equal(plan_parcel_fen(&sc, 56, 3000, true), (500 + 2 * 100) * 3 / 2);
	assert_int_equal(plan_parcel_fen(&sc, 2001, 1000, false), -1);
	assert_int_equal(plan_trip_fen(&sc, 0), 1001 * 200);
	scenario_release(&sc);
}

static void test_errors_name_the_field(void **state)
{
	(void)state;
	expect_error("horizon_days", NULL, "horizon_days: missing");
	expect_error("products[0].shelf_life_days", "0", "products[0].shelf_life_days: expected an integer");
	expect_error("products[0].shelf_life_days", "\"ten\"", "products[0].shelf_life_days");
	expect_error("linehaul.trucks[0].capacity_kg", "2.5", "linehaul.trucks[0].capacity_kg");
	expect_error("linehaul.trucks[0].fen_per_km", "-1", "linehaul.trucks[0].fen_per_km");
	expect_error("parcel.zones[1].max_km", "50", "parcel.zones[1].max_km: zones must be in increasing");
	expect_error("products[0].demand_by_month", "[1,2,3]", "products[0].demand_by_month: expected 12");
	expect_error("products[0].supply_by_month", "[0,0,0,0,0,0,0,0,0,0,0,0]",
		     "products[0].supply_by_month: all twelve weights are 0");
	expect_error("weekly_truck.truck", "\"X\"", "weekly_truck.truck: unknown truck 'X'");
	expect_error("fixed_orders[0].product", "\"YY-APL-80\"",
		     "fixed_orders[0].product: unknown product code 'YY-APL-80'");
	expect_error("fixed_orders[0].destination", "\"Z\"", "fixed_orders[0].destination");
	expect_error("fixed_orders[0].day", "5", "fixed_orders[0].day");
	expect_error("start_date", "\"2023-02-29\"", "start_date: expected a date");
	expect_error("sales_warehouse.max_cover_days", "2",
		     "sales_warehouse.max_cover_days: less than target_cover_days");
	expect_error("origin.lat", "91", "origin.lat");
	expect_error("city_delivery", "[]", "city_delivery: expected an object");
	expect_error("subsidy.linehaul_permille", "1001", "subsidy.linehaul_permille");
	expect_error("spikes.announced_days", "61", "spikes.announced_days: expected an integer");
}

static void test_invalid_json(void **state)
{
	(void)state;
	struct scenario sc;
	char err[256];
	const char *bad = "{\n\"name\": \"x\",\n\"horizon_days\": }";
	assert_int_equal(scenario_parse(bad, strlen(bad), &sc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 3"));
	const char *dup = "{\"name\":\"a\",\"name\":\"b\"}";
	assert_int_equal(scenario_parse(dup, strlen(dup), &sc, err, sizeof(err)), -1);
	assert_int_equal(scenario_load("/nonexistent/x.json", &sc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.json"));
}

static void test_shipped_scenario_loads(void **state)
{
	(void)state;
	struct scenario sc;
	char err[512];
	if (scenario_load("scenarios/liangshan_ningbo.json", &sc, err, sizeof(err)))
		fail_msg("%s", err);
	int64_t supply = 0;
	for (size_t p = 0; p < sc.nproducts; p++)
		supply += sc.products[p].supply_g_year;
	/* sized like Yuexi: 3,371 tonnes a year */
	assert_int_equal(supply, 3371000000LL);
	assert_string_equal(sc.origin.code, "513401");
	assert_true(sc.ndests >= 30); /* consumers across Zhejiang and beyond */
	scenario_release(&sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_scenario),
		cmocka_unit_test(test_errors_name_the_field),
		cmocka_unit_test(test_invalid_json),
		cmocka_unit_test(test_shipped_scenario_loads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
