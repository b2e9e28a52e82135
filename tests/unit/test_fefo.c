/*
 * Unit tests of the pure first-expiry-first-out rule (src/core/fefo.c):
 * expiry order with lot id breaking ties, whole units only, expired lots
 * never chosen, the user's pick overriding the order, all-or-nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/fefo.h"

static void test_fefo_rule(void **state)
{
	(void)state;
	struct fefo_lot lots[] = {
		{3, "2026-12-01", 12000}, /* 2 whole boxes of 5000 */
		{1, "2026-12-01", 5000},
		{2, "2026-11-30", 4999},  /* less than one box */
		{4, "2026-11-01", 50000}, /* expired */
	};
	struct fefo_take takes[4];
	size_t n;
	assert_true(fefo_expired("2026-11-01", "2026-11-02"));
	assert_false(fefo_expired("2026-11-02", "2026-11-02"));
	assert_int_equal(fefo_choose(lots, 4, 5000, 3, 0, "2026-11-22", takes, 4, &n), FEFO_OK);
	assert_int_equal(n, 2);
	/* tie on expiry broken by lot id; lot 2 has no whole box */
	assert_int_equal(takes[0].lot_id, 1);
	assert_int_equal(takes[0].qty_g, 5000);
	assert_int_equal(takes[1].lot_id, 3);
	assert_int_equal(takes[1].qty_g, 10000);
	assert_int_equal(fefo_choose(lots, 4, 5000, 4, 0, "2026-11-22", takes, 4, &n), FEFO_SHORT);
	assert_int_equal(n, 0);
	assert_int_equal(fefo_choose(lots, 4, 5000, 3, 0, "2026-11-22", takes, 1, &n), FEFO_TOO_MANY);
	assert_int_equal(fefo_choose(lots, 4, 5000, 10, 4, "2026-10-01", takes, 4, &n), FEFO_OK);
	assert_int_equal(takes[0].lot_id, 4);
	assert_int_equal(fefo_choose(lots, 4, 0, 1, 0, "2026-11-22", takes, 4, &n), FEFO_BAD);
}

static void test_fefo_pick_expired_lot(void **state)
{
	(void)state;
	struct fefo_lot lots[] = {
		{7, "2026-11-01", 50000},
		{8, "2026-12-01", 50000},
	};
	struct fefo_take takes[2];
	size_t n = 99;
	/* naming an expired lot gives nothing, even though another lot could */
	assert_int_equal(fefo_choose(lots, 2, 5000, 1, 7, "2026-11-22", takes, 2, &n), FEFO_SHORT);
	assert_int_equal(n, 0);
	/* the user's pick wins over the earlier-expiring lot */
	lots[0].expires_on[5] = '1';
	lots[0].expires_on[6] = '2';
	lots[0].expires_on[8] = '0';
	lots[0].expires_on[9] = '2'; /* now 2026-12-02, later than lot 8 */
	assert_int_equal(fefo_choose(lots, 2, 5000, 2, 0, "2026-11-22", takes, 2, &n), FEFO_OK);
	assert_int_equal(takes[0].lot_id, 8);
	assert_int_equal(fefo_choose(lots, 2, 5000, 2, 7, "2026-11-22", takes, 2, &n), FEFO_OK);
	assert_int_equal(n, 1);
	assert_int_equal(takes[0].lot_id, 7);
	assert_int_equal(takes[0].qty_g, 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fefo_rule),
		cmocka_unit_test(test_fefo_pick_expired_lot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
