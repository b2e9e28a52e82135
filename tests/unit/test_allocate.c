/*
 * Unit tests of the default allocation policy (src/core/allocate.c): the
 * sales warehouse serves customers in its area when it holds the whole line,
 * otherwise the origin warehouse sends a direct parcel, otherwise backorder;
 * stock in transit is never promised; every choice carries a reason naming
 * the warehouse in Chinese and English; a replacement policy can be installed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/allocate.h"

static struct alloc_candidate origin(int64_t avail, int64_t transit)
{
	return (struct alloc_candidate){1, "XC01", WH_ORIGIN, avail, transit, false};
}

static struct alloc_candidate sales(int64_t avail, int64_t transit, bool serves)
{
	return (struct alloc_candidate){2, "NB01", WH_SALES, avail, transit, serves};
}

static struct alloc_choice choose(const struct alloc_line *l, const struct alloc_candidate *c,
				  size_t n)
{
	struct alloc_choice out;
	const struct alloc_policy *p = alloc_default_policy();
	assert_int_equal(p->choose(p->ctx, l, c, n, &out), 0);
	return out;
}

static void test_area_match(void **state)
{
	(void)state;
	assert_true(alloc_area_matches("330203", "3302"));
	assert_true(alloc_area_matches("330203", "33"));
	assert_false(alloc_area_matches("513423", "33"));
	assert_false(alloc_area_matches("33", "3302"));
	assert_false(alloc_area_matches("330203", ""));
	assert_false(alloc_area_matches(NULL, "33"));
}

static void test_sales_in_area_with_stock(void **state)
{
	(void)state;
	struct alloc_candidate c[] = {origin(100, 0), sales(5, 0, true)};
	struct alloc_line l = {"YY-APL-80", 5, "330203"};
	struct alloc_choice ch = choose(&l, c, 2);
	assert_int_equal(ch.index, 1);
	assert_int_equal(ch.route, ROUTE_SALES_WAREHOUSE);
	assert_string_equal(alloc_route_name(ch.route), "sales_warehouse");
	assert_non_null(strstr(ch.reason_zh, "NB01"));
	assert_non_null(strstr(ch.reason_en, "sales warehouse NB01"));
}

static void test_outside_area_goes_origin(void **state)
{
	(void)state;
	struct alloc_candidate c[] = {origin(100, 0), sales(50, 0, false)};
	struct alloc_line l = {"YY-APL-80", 2, "110105"};
	struct alloc_choice ch = choose(&l, c, 2);
	assert_int_equal(ch.index, 0);
	assert_int_equal(ch.route, ROUTE_ORIGIN_PARCEL);
	assert_non_null(strstr(ch.reason_en, "no sales warehouse serves division 110105"));
	assert_non_null(strstr(ch.reason_en, "origin warehouse XC01"));
	assert_non_null(strstr(ch.reason_zh, "产地仓 XC01"));
}

static void test_sales_short_goes_origin_whole(void **state)
{
	(void)state;
	/* 3 of 4 units locally: lines are allocated whole, so the origin sends all 4 */
	struct alloc_candidate c[] = {sales(3, 0, true), origin(10, 0)};
	struct alloc_line l = {"YY-APL-80", 4, "330203"};
	struct alloc_choice ch = choose(&l, c, 2);
	assert_int_equal(ch.index, 1);
	assert_int_equal(ch.route, ROUTE_ORIGIN_PARCEL);
	assert_non_null(strstr(ch.reason_en, "holds 3 of 4 units"));
}

static void test_transit_not_promised(void **state)
{
	(void)state;
	/* 20 units on the truck to Ningbo, none on hand anywhere */
	struct alloc_candidate c[] = {origin(0, 0), sales(0, 20, true)};
	struct alloc_line l = {"YY-APL-80", 1, "330203"};
	struct alloc_choice ch = choose(&l, c, 2);
	assert_int_equal(ch.index, -1);
	assert_int_equal(ch.route, ROUTE_NONE);
	assert_null(alloc_route_name(ch.route));
	assert_non_null(strstr(ch.reason_en, "backorder"));
	assert_non_null(strstr(ch.reason_en, "in transit is not promised"));
	assert_non_null(strstr(ch.reason_zh, "缺货"));
	/* with transit to the sales warehouse but stock at origin: origin parcel,
	 * and the reason says the transit was not counted */
	c[0].available_units = 1;
	ch = choose(&l, c, 2);
	assert_int_equal(ch.index, 0);
	assert_non_null(strstr(ch.reason_en, "20 in transit, not promised"));
}

static void test_no_stock_backorder(void **state)
{
	(void)state;
	struct alloc_candidate c[] = {origin(0, 0), sales(0, 0, true)};
	struct alloc_line l = {"YY-APL-80", 1, "330203"};
	struct alloc_choice ch = choose(&l, c, 2);
	assert_int_equal(ch.index, -1);
	assert_null(strstr(ch.reason_en, "transit"));
	/* no candidates at all is a backorder, not an error */
	ch = choose(&l, NULL, 0);
	assert_int_equal(ch.index, -1);
}

static void test_most_stock_wins(void **state)
{
	(void)state;
	struct alloc_candidate c[] = {sales(5, 0, true), sales(9, 0, true), origin(50, 0)};
	c[1].warehouse_id = 3;
	c[1].code = "NB02";
	struct alloc_line l = {"YY-APL-80", 5, "330203"};
	struct alloc_choice ch = choose(&l, c, 3);
	assert_int_equal(ch.index, 1);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct alloc_choice out;
	struct alloc_line l = {"YY-APL-80", 0, "330203"};
	const struct alloc_policy *p = alloc_default_policy();
	assert_int_equal(p->choose(p->ctx, &l, NULL, 0, &out), -1);
}

static int always_origin(void *ctx, const struct alloc_line *line, const struct alloc_candidate *c,
			 size_t n, struct alloc_choice *out)
{
	(void)ctx;
	(void)line;
	memset(out, 0, sizeof(*out));
	out->index = -1;
	for (size_t i = 0; i < n; i++)
		if (c[i].kind == WH_ORIGIN) {
			out->index = (int)i;
			out->route = ROUTE_ORIGIN_PARCEL;
		}
	return 0;
}

static void test_install_policy(void **state)
{
	(void)state;
	static const struct alloc_policy mine = {"origin-only", always_origin, NULL};
	assert_ptr_equal(alloc_policy_current(), alloc_default_policy());
	alloc_policy_install(&mine);
	assert_string_equal(alloc_policy_current()->name, "origin-only");
	alloc_policy_install(NULL);
	assert_ptr_equal(alloc_policy_current(), alloc_default_policy());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_area_match),
		cmocka_unit_test(test_sales_in_area_with_stock),
		cmocka_unit_test(test_outside_area_goes_origin),
		cmocka_unit_test(test_sales_short_goes_origin_whole),
		cmocka_unit_test(test_transit_not_promised),
		cmocka_unit_test(test_no_stock_backorder),
		cmocka_unit_test(test_most_stock_wins),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_install_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
