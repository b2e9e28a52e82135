/*
 * Unit tests of places and parties (src/app/places.c) over a real in-memory
 * SQLite store: loading data/divisions.csv with county coordinates (row
 * counts, real codes, deterministic approximate coordinates near the county,
 * idempotent reload, bad files refused), and the checks on pairings,
 * warehouses with service areas, points and households.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_collection_fixture.h"

static int empty_setup(void **state)
{
	char msg[256];
	struct store *db = store_open(":memory:", msg, sizeof(msg));
	if (!db || store_migrate(db))
		return -1;
	*state = db;
	return 0;
}

static int empty_teardown(void **state)
{
	store_close(*state);
	return 0;
}

static int64_t count(struct store *db, const char *sql)
{
	int64_t n = -1;
	assert_int_equal(store_query_int(db, sql, 0, &n), 0);
	return n;
}

static void test_load_divisions(void **state)
{
	struct store *db = *state;
	struct app_err err;
	int64_t t0 = time_mono_ms();
	assert_int_equal(places_load_divisions(db, "data/divisions.csv", &err), 0);
	int64_t ms = time_mono_ms() - t0;
	print_message("loaded data/divisions.csv in %lld ms\n", (long long)ms);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM divisions"), 11879);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM divisions WHERE level = 5"), 10945);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM divisions WHERE level = 3"), 53);
	/* 盐源县 has its seat's WGS-84 coordinates, exactly as in the file */
	assert_int_equal(count(db, "SELECT lon_e6 FROM divisions WHERE code = '513423'"), 101507304);
	assert_int_equal(count(db, "SELECT approx FROM divisions WHERE code = '513423'"), 0);
	/* every township and village of a county with coordinates has approximate
	 * ones within ~15 km of the seat (135000 micro-degrees of latitude) */
	assert_int_equal(count(db, "SELECT COUNT(*) FROM divisions v JOIN divisions c ON c.code = "
				   "substr(v.code, 1, 6) WHERE v.level >= 4 AND c.lon_e6 IS NOT "
				   "NULL AND (v.approx <> 1 OR abs(v.lat_e6 - c.lat_e6) > 135000 "
				   "OR abs(v.lon_e6 - c.lon_e6) > 160000)"),
			 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM divisions WHERE level >= 4 AND lon_e6 IS "
				   "NOT NULL"),
			 11819);
	/* loading again keeps what is there and adds nothing */
	assert_int_equal(places_load_divisions(db, "data/divisions.csv", &err), 0);
	assert_int_equal(count(db, "SELECT COUNT(*) FROM divisions"), 11879);
	/* the same code always lands on the same spot */
	int64_t lon1, lat1, lon2, lat2;
	places_approx_coords("513423100201", 101507304, 27426853, &lon1, &lat1);
	places_approx_coords("513423100201", 101507304, 27426853, &lon2, &lat2);
	assert_true(lon1 == lon2 && lat1 == lat2);
	places_approx_coords("513423100202", 101507304, 27426853, &lon2, &lat2);
	assert_false(lon1 == lon2 && lat1 == lat2);
	json_t *list;
	struct list_filter f = {.parent = "513423", .level = 4};
	assert_int_equal(divisions_list(db, &f, &list, &err), 0);
	assert_true(json_integer_value(json_object_get(list, "total")) > 10);
	json_decref(list);

	/* search: digits are a code prefix, anything else part of the name */
	struct list_filter by_code = {.search = "513423", .level = 3};
	assert_int_equal(divisions_list(db, &by_code, &list, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 1);
	assert_string_equal(json_string_value(json_object_get(
				json_array_get(json_object_get(list, "items"), 0), "name")),
			    "盐源县");
	json_decref(list);
	struct list_filter by_name = {.search = "盐源", .level = 3};
	assert_int_equal(divisions_list(db, &by_name, &list, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 1);
	json_decref(list);
	struct list_filter none = {.search = "no such place"};
	assert_int_equal(divisions_list(db, &none, &list, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 0);
	json_decref(list);
}

static void test_load_bad_file(void **state)
{
	struct store *db = *state;
	struct app_err err;
	const char *path = "/tmp/shanhai_test_places_bad.csv";
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("code,name,level,parent_code\n51,四川省,1,\n5134,凉山州,2,51\n51x4,坏,3,5134\n", fp);
	fclose(fp);
	assert_int_equal(places_load_divisions(db, path, &err), -1);
	assert_non_null(strstr(err.message_en, "line 4"));
	assert_int_equal(count(db, "SELECT COUNT(*) FROM divisions"), 0); /* all or nothing */
	assert_int_equal(places_load_divisions(db, "/nonexistent/divisions.csv", &err), -1);
	remove(path);
}

static void test_parties(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	int64_t id;
	struct pairing_in pr = {.code = "NB-YY", .name = "宁波—盐源", .kind = "east_west",
				.east_code = "330212", .west_code = "513423"};
	assert_int_equal(pairing_create(fx->db, &pr, &id, &err), -1); /* 330212 not loaded */
	assert_string_equal(err.field, "east_code");
	assert_int_equal(store_exec(fx->db, "INSERT INTO divisions (code, name, level, parent_code) "
					    "VALUES ('33', '浙江省', 1, NULL), ('3302', '宁波市', 2, "
					    "'33'), ('330212', '鄞州区', 3, '3302')"),
			 0);
	assert_int_equal(pairing_create(fx->db, &pr, &id, &err), 0);
	assert_int_equal(pairing_create(fx->db, &pr, &id, &err), -1);
	assert_int_equal(err.status, 409);
	const char *areas[] = {"33", "3302"};
	struct warehouse_in w = {.code = "NB-S", .name = "宁波销地仓", .kind = "sales",
				 .division_code = "330212", .pairing_id = id};
	assert_int_equal(warehouse_create(fx->db, &w, &id, &err), -1); /* sales needs areas */
	assert_string_equal(err.field, "areas");
	w.areas = areas;
	w.nareas = 2;
	assert_int_equal(warehouse_create(fx->db, &w, &id, &err), 0);
	const char *bad[] = {"33", "330212"};
	assert_int_equal(warehouse_set_areas(fx->db, id, bad, 2, &err), -1);
	assert_int_equal(err.row, 2);
	json_t *o;
	assert_int_equal(warehouse_get(fx->db, id, &o, &err), 0);
	assert_int_equal(json_array_size(json_object_get(o, "areas")), 2);
	json_decref(o);
	/* a point must be in a village and feed an origin warehouse */
	struct point_in p = {.code = "PX", .name = "x", .village_code = "513423100",
			     .warehouse_id = fx->wh};
	assert_int_equal(point_create(fx->db, &p, &id, &err), -1);
	assert_string_equal(err.field, "village_code");
	p.village_code = "513423100201";
	p.warehouse_id = id; /* the sales warehouse */
	assert_int_equal(point_create(fx->db, &p, &id, &err), -1);
	assert_string_equal(err.field, "warehouse_id");
	p.warehouse_id = fx->wh;
	p.opens = "18:00";
	p.closes = "08:00";
	assert_int_equal(point_create(fx->db, &p, &id, &err), -1);
	p.opens = NULL;
	p.closes = NULL;
	assert_int_equal(point_create(fx->db, &p, &id, &err), 0);
	struct household_in h = {.head_name = "某某", .village_code = "513423100201", .members = 0};
	assert_int_equal(household_create(fx->db, &h, 0, &id, &err), -1);
	assert_string_equal(err.field, "members");
	h.members = 3;
	h.cooperative_id = 77;
	assert_int_equal(household_create(fx->db, &h, 0, &id, &err), -1);
	assert_string_equal(err.field, "cooperative_id");
	struct party_in coop = {.code = "C1", .name = "盐源苹果合作社", .division_code = "513423"};
	assert_int_equal(cooperative_create(fx->db, &coop, &h.cooperative_id, &err), 0);
	assert_int_equal(household_create(fx->db, &h, 0, &id, &err), 0); /* generated code */
	assert_int_equal(household_get(fx->db, id, &o, &err), 0);
	assert_true(json_string_value(json_object_get(o, "code"))[0] == 'H');
	assert_true(json_is_true(json_object_get(o, "lifted_from_poverty")) == false);
	assert_int_equal(json_integer_value(json_object_get(o, "balance_fen")), 0);
	json_decref(o);
	struct channel_in ch = {.code = "LIVE1", .name = "直播间", .kind = "livestream"};
	assert_int_equal(channel_create(fx->db, &ch, &id, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_load_divisions, empty_setup, empty_teardown),
		cmocka_unit_test_setup_teardown(test_load_bad_file, empty_setup, empty_teardown),
		cmocka_unit_test_setup_teardown(test_parties, cfx_setup, cfx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
