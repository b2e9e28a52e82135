/*
 * Unit tests of src/core/stats.c: median and percentiles must equal the
 * values Excel's PERCENTILE.INC / numpy's default give on known inputs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/stats.h"

static void test_median_odd_even(void **state)
{
	(void)state;
	double m;
	int64_t odd[] = {9, 1, 5};
	stats_sort(odd, 3);
	assert_int_equal(odd[0], 1);
	assert_int_equal(odd[2], 9);
	assert_int_equal(stats_median(odd, 3, &m), 0);
	assert_true(m == 5.0);
	int64_t even[] = {1, 2, 3, 10};
	assert_int_equal(stats_median(even, 4, &m), 0);
	assert_true(m == 2.5);
	int64_t one[] = {7};
	assert_int_equal(stats_median(one, 1, &m), 0);
	assert_true(m == 7.0);
	assert_int_equal(stats_median(one, 0, &m), -1);
}

static void test_percentile_known(void **state)
{
	(void)state;
	double p;
	/* numpy.percentile([1..10], 95) = 9.55; 90 -> 9.1; 0 -> 1; 100 -> 10 */
	int64_t v[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	assert_int_equal(stats_percentile(v, 10, 95, &p), 0);
	assert_true(p > 9.5499999 && p < 9.5500001);
	assert_int_equal(stats_percentile(v, 10, 90, &p), 0);
	assert_true(p > 9.0999999 && p < 9.1000001);
	assert_int_equal(stats_percentile(v, 10, 0, &p), 0);
	assert_true(p == 1.0);
	assert_int_equal(stats_percentile(v, 10, 100, &p), 0);
	assert_true(p == 10.0);
	/* 21 samples 0,10,..,200: the 95th is exactly rank 19 -> 190 */
	int64_t w[21];
	for (int i = 0; i < 21; i++)
		w[i] = 10 * i;
	assert_int_equal(stats_percentile(w, 21, 95, &p), 0);
	assert_true(p == 190.0);
	/* large millisecond values keep their precision */
	int64_t ms[] = {86400000, 172800000, 259200000, 345600000};
	assert_int_equal(stats_percentile(ms, 4, 95, &p), 0);
	assert_true(p == 332640000.0); /* 259200000 + 0.85 * 86400000 */
	assert_int_equal(stats_percentile(v, 10, 101, &p), -1);
	assert_int_equal(stats_percentile(v, 10, -1, &p), -1);
}

static void test_count_at_most(void **state)
{
	(void)state;
	int64_t v[] = {1, 3, 3, 3, 8};
	assert_int_equal(stats_count_at_most(v, 5, 0), 0);
	assert_int_equal(stats_count_at_most(v, 5, 3), 4);
	assert_int_equal(stats_count_at_most(v, 5, 7), 4);
	assert_int_equal(stats_count_at_most(v, 5, 8), 5);
	assert_int_equal(stats_count_at_most(v, 0, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median_odd_even),
		cmocka_unit_test(test_percentile_known),
		cmocka_unit_test(test_count_at_most),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
