/*
 * Unit tests of src/app/trace.c on the fixture season (test_trace_fixture.h):
 * a packed lot from three households (shares add up to the lot; places named
 * without the NBS suffix), a parcel split among households by largest
 * remainder, a household's produce followed forward to orders and parcels,
 * and the public trace, which must never carry a name, phone or ID number.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "app/trace.h"
#include "test_trace_fixture.h"

static json_t *at(json_t *arr, size_t i)
{
	json_t *x = json_array_get(arr, i);
	assert_non_null(x);
	return x;
}

static json_int_t jint(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	assert_true(json_is_string(v));
	return json_string_value(v);
}

static void test_short_names(void **state)
{
	(void)state;
	struct {
		const char *in, *out;
	} cases[] = {
		{"卡哈洛村村民委员会", "卡哈洛村"}, {"太平街社区居民委员会", "太平街社区"},
		{"大桥社区居委会", "大桥社区"},     {"新田村委会", "新田村"},
		{"新田村民委员会", "新田村"},       {"越西县", "越西县"},
		{"城关居民委员会", "城关"},         {"村民委员会", "村民委员会"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = division_short_len(cases[i].in);
		assert_int_equal(n, strlen(cases[i].out));
		assert_memory_equal(cases[i].in, cases[i].out, n);
	}
}

static void test_packed_lot_sources(void **state)
{
	struct store *db = *state;
	json_t *o = NULL;
	struct app_err err;
	assert_int_equal(trace_lot(db, "PK1", false, &o, &err), 0);
	json_t *lot = json_object_get(o, "lot");
	assert_string_equal(jstr(lot, "kind"), "packed");
	json_t *sources = json_object_get(o, "sources");
	assert_int_equal(json_array_size(sources), 3);
	json_int_t total = 0;
	for (size_t i = 0; i < 3; i++)
		total += jint(at(sources, i), "share_g");
	assert_int_equal(total, jint(lot, "initial_g"));
	assert_int_equal(jint(o, "sources_total_g"), 50000);

	json_t *s1 = at(sources, 0), *place = json_object_get(s1, "place");
	assert_string_equal(jstr(s1, "lot_code"), "S1");
	assert_int_equal(jint(s1, "share_g"), 25001);
	assert_string_equal(jstr(place, "village"), "打柴坡村");
	assert_string_equal(jstr(place, "township"), "卫城镇");
	assert_string_equal(jstr(place, "county"), "盐源县");
	assert_string_equal(jstr(json_object_get(at(sources, 2), "place"), "village"), "西城社区");
	assert_string_equal(jstr(json_object_get(at(sources, 2), "place"), "county"), "越西县");
	json_t *colls = json_object_get(s1, "collections");
	assert_int_equal(json_array_size(colls), 1);
	assert_string_equal(jstr(at(colls, 0), "collected_on"), "2026-10-01");
	assert_true(json_is_true(json_object_get(json_object_get(at(sources, 1), "household"),
						 "lifted_from_poverty")));
	/* names only when personal data may be shown */
	assert_null(json_object_get(json_object_get(s1, "household"), "head_name"));
	assert_string_equal(jstr(json_object_get(o, "packing"), "code"), "PKG1");
	assert_int_equal(json_array_size(json_object_get(o, "linehauls")), 1);
	/* the released allocation of the cancelled order is not a sale */
	assert_int_equal(json_array_size(json_object_get(o, "sales")), 4);
	json_decref(o);

	assert_int_equal(trace_lot(db, "PK1", true, &o, &err), 0);
	json_t *h = json_object_get(at(json_object_get(o, "sources"), 0), "household");
	assert_string_equal(jstr(h, "head_name"), TX_NAME1);
	json_decref(o);

	/* a source lot traces to itself */
	assert_int_equal(trace_lot(db, "S3", false, &o, &err), 0);
	assert_int_equal(json_array_size(json_object_get(o, "sources")), 1);
	assert_int_equal(jint(at(json_object_get(o, "sources"), 0), "share_g"), 10000);
	json_decref(o);

	assert_int_equal(trace_lot(db, "NOPE", false, &o, &err), -1);
	assert_int_equal(err.status, 404);
}

static void test_parcel_split(void **state)
{
	struct store *db = *state;
	json_t *o = NULL;
	struct app_err err;
	assert_int_equal(trace_parcel(db, "PC1", false, &o, &err), 0);
	assert_string_equal(jstr(json_object_get(o, "order"), "channel"), "LIVE");
	json_t *lots = json_object_get(o, "lots");
	assert_int_equal(json_array_size(lots), 1);
	json_t *l = at(lots, 0);
	assert_int_equal(jint(l, "qty_g"), 10000);
	json_t *src = json_object_get(l, "sources");
	/* 10000 g by 25001:14999:10000 = 5000.2, 2999.8, 2000 -> 5000, 3000, 2000 */
	assert_int_equal(jint(at(src, 0), "grams"), 5000);
	assert_int_equal(jint(at(src, 1), "grams"), 3000);
	assert_int_equal(jint(at(src, 2), "grams"), 2000);
	json_t *hh = json_object_get(o, "households");
	assert_int_equal(json_array_size(hh), 3);
	json_int_t sum = 0;
	for (size_t i = 0; i < 3; i++)
		sum += jint(at(hh, i), "grams");
	assert_int_equal(sum, 10000);
	assert_int_equal(json_array_size(json_object_get(l, "linehauls")), 1);
	json_decref(o);
	assert_int_equal(trace_parcel(db, "PCX", false, &o, &err), -1);
	assert_int_equal(err.status, 404);
}

static void test_household_forward(void **state)
{
	struct store *db = *state;
	json_t *o = NULL;
	struct app_err err;
	assert_int_equal(trace_household(db, 1, false, &o, &err), 0);
	json_t *lots = json_object_get(o, "source_lots");
	assert_int_equal(json_array_size(lots), 1);
	json_t *packed = json_object_get(at(lots, 0), "packed_into");
	assert_int_equal(json_array_size(packed), 1);
	json_t *p = at(packed, 0);
	assert_string_equal(jstr(p, "code"), "PK1");
	assert_int_equal(jint(p, "share_g"), 25001);
	/* allocations 10000, 5000, 15000, 5000 g x 25001/50000, each rounded:
	 * 5000 + 2500 + 7500 + 2500 */
	assert_int_equal(jint(p, "household_sold_g"), 17500);
	json_t *sales = json_object_get(p, "sales");
	assert_int_equal(json_array_size(sales), 4);
	assert_string_equal(jstr(at(sales, 0), "parcel_code"), "PC1");
	assert_int_equal(jint(at(sales, 0), "household_g"), 5000);
	assert_true(json_is_null(json_object_get(at(sales, 1), "parcel_code")));
	json_t *tot = json_object_get(o, "totals");
	assert_int_equal(jint(tot, "collected_g"), 30000);
	assert_int_equal(jint(tot, "packed_g"), 25001);
	assert_int_equal(jint(tot, "sold_g"), 17500);
	assert_string_equal(jstr(json_object_get(json_object_get(o, "household"), "place"),
				 "village"),
			    "打柴坡村");
	json_decref(o);
	assert_int_equal(trace_household(db, 99, false, &o, &err), -1);
	assert_int_equal(err.status, 404);
}

static void assert_no_personal(json_t *o)
{
	char *text = json_dumps(o, 0);
	assert_non_null(text);
	const char *banned[] = {TX_NAME1, TX_NAME2, TX_NAME3, TX_PHONE1, TX_ID1, "13900002222",
				"顾客甲", "13700003333"};
	for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
		assert_null(strstr(text, banned[i]));
	free(text);
}

static void test_public_trace(void **state)
{
	struct store *db = *state;
	json_t *o = NULL;
	struct app_err err;
	assert_int_equal(trace_public(db, "PK1", &o, &err), 0);
	assert_string_equal(jstr(o, "kind"), "lot");
	json_t *it = at(json_object_get(o, "items"), 0);
	assert_string_equal(jstr(it, "product"), "盐源苹果");
	assert_string_equal(jstr(it, "harvest_date"), "2026-09-30");
	assert_string_equal(jstr(it, "packed_on"), "2026-10-05");
	json_t *places = json_object_get(it, "places");
	assert_int_equal(json_array_size(places), 3);
	assert_string_equal(json_string_value(at(json_object_get(it, "cooperatives"), 0)),
			    "盐源县卫城镇苹果专业合作社");
	assert_no_personal(o);
	json_decref(o);

	assert_int_equal(trace_public(db, "PC3", &o, &err), 0);
	assert_string_equal(jstr(o, "kind"), "parcel");
	assert_int_equal(json_array_size(json_object_get(o, "items")), 1);
	assert_string_equal(jstr(o, "delivered_at"), "2026-10-19T02:00:00Z");
	assert_no_personal(o);
	json_decref(o);

	assert_int_equal(trace_public(db, "ZZZ", &o, &err), -1);
	assert_int_equal(err.status, 404);
}

static bool has_id(const int64_t *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return true;
	return false;
}

/* What each code touches decides who may see its staff trace. */
static void test_scope(void **state)
{
	struct store *db = *state;
	struct trace_scope s;
	struct app_err err;

	assert_int_equal(trace_scope_of(db, "PK1", &s, &err), 0);
	assert_true(s.found);
	assert_int_equal(s.npoints, 1);
	assert_true(has_id(s.points, s.npoints, 1));
	/* packed at YY-O (1), line-haul to and sold from NB-S (2) */
	assert_int_equal(s.nwarehouses, 2);
	/* sold in LIVE (1) and SJ (2); the released allocation of O4 is no sale */
	assert_int_equal(s.nchannels, 2);
	trace_scope_release(&s);

	/* a parcel: only its own order's channel, its own warehouse */
	assert_int_equal(trace_scope_of(db, "PC3", &s, &err), 0);
	assert_true(s.found);
	assert_int_equal(s.nchannels, 1);
	assert_true(has_id(s.channels, s.nchannels, 2));
	assert_true(has_id(s.warehouses, s.nwarehouses, 1));
	assert_true(has_id(s.points, s.npoints, 1));
	trace_scope_release(&s);

	assert_int_equal(trace_scope_of(db, "NOPE", &s, &err), 0);
	assert_false(s.found);
	assert_int_equal(s.npoints + s.nwarehouses + s.nchannels, 0);
	trace_scope_release(&s);

	assert_int_equal(trace_household_scope(db, 3, &s, &err), 0);
	assert_true(s.found);
	assert_int_equal(s.npoints, 1);
	trace_scope_release(&s);
	assert_int_equal(trace_household_scope(db, 99, &s, &err), 0);
	assert_false(s.found);
	trace_scope_release(&s);

	const char *kind = "x";
	assert_int_equal(trace_code_kind(db, "S2", &kind, &err), 0);
	assert_string_equal(kind, "lot");
	assert_int_equal(trace_code_kind(db, "PC5", &kind, &err), 0);
	assert_string_equal(kind, "parcel");
	assert_int_equal(trace_code_kind(db, "R1", &kind, &err), 0);
	assert_null(kind);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_names),
		cmocka_unit_test_setup_teardown(test_packed_lot_sources, tx_setup, tx_teardown),
		cmocka_unit_test_setup_teardown(test_parcel_split, tx_setup, tx_teardown),
		cmocka_unit_test_setup_teardown(test_household_forward, tx_setup, tx_teardown),
		cmocka_unit_test_setup_teardown(test_public_trace, tx_setup, tx_teardown),
		cmocka_unit_test_setup_teardown(test_scope, tx_setup, tx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
