/*
 * Unit tests of the pure lot and mass-balance rules (src/core/lot.c,
 * src/core/massbalance.c): expiry from harvest date and shelf life, trace
 * shares that add up exactly (including packed lots flattened to their
 * source lots), and exact-gram packing balance with no tolerance.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "core/lot.h"
#include "core/massbalance.h"

static void test_expiry(void **state)
{
	(void)state;
	char out[11];
	assert_int_equal(lot_expiry("2026-11-20", 30, out, sizeof(out)), 0);
	assert_string_equal(out, "2026-12-20");
	assert_int_equal(lot_expiry("2024-02-28", 1, out, sizeof(out)), 0);
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(lot_expiry("2026-12-31", 1, out, sizeof(out)), 0);
	assert_string_equal(out, "2027-01-01");
	assert_int_equal(lot_expiry("2026-02-30", 5, out, sizeof(out)), -1);
	assert_int_equal(lot_expiry("2026-11-20", 0, out, sizeof(out)), -1);
	assert_int_equal(lot_expiry("2026-11-20", 5, out, 5), -1);
}

static int64_t sum_shares(const struct lot_share *s, size_t n)
{
	int64_t t = 0;
	for (size_t i = 0; i < n; i++)
		t += s[i].share_g;
	return t;
}

static void test_trace_sources_only(void **state)
{
	(void)state;
	/* three households, 1000 + 1000 + 1000 g used, one 1000 g box out:
	 * 333.33 each, the odd gram goes to the first (ties: earlier part) */
	struct trace_input in[] = {
		{.lot_id = 11, .used_g = 1000, .is_source = true},
		{.lot_id = 12, .used_g = 1000, .is_source = true},
		{.lot_id = 13, .used_g = 1000, .is_source = true},
	};
	struct lot_share *flat, out[3];
	size_t n;
	assert_int_equal(trace_flatten(in, 3, &flat, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(sum_shares(flat, n), 3000);
	assert_int_equal(trace_split(1000, flat, n, out), 0);
	assert_int_equal(out[0].source_lot_id, 11);
	assert_int_equal(out[0].share_g, 334);
	assert_int_equal(out[1].share_g, 333);
	assert_int_equal(out[2].share_g, 333);
	assert_int_equal(sum_shares(out, 3), 1000);
	/* an awkward total: shares still add up exactly */
	assert_int_equal(trace_split(2999, flat, n, out), 0);
	assert_int_equal(sum_shares(out, 3), 2999);
	free(flat);
}

static void test_trace_flatten_packed(void **state)
{
	(void)state;
	/* a packed lot of 9000 g from sources 1 (6000) and 2 (3000), of which
	 * 3000 g are repacked together with 1000 g of source 3 and 500 g more of
	 * source 1 itself */
	struct lot_share p_src[] = {{1, 6000}, {2, 3000}};
	struct trace_input in[] = {
		{.lot_id = 50, .used_g = 3000, .is_source = false, .sources = p_src, .nsources = 2},
		{.lot_id = 3, .used_g = 1000, .is_source = true},
		{.lot_id = 1, .used_g = 500, .is_source = true},
	};
	struct lot_share *flat, out[3];
	size_t n;
	assert_int_equal(trace_flatten(in, 3, &flat, &n), 0);
	assert_int_equal(n, 3); /* source 1 appears once, merged */
	assert_int_equal(flat[0].source_lot_id, 1);
	assert_int_equal(flat[0].share_g, 2500);
	assert_int_equal(flat[1].source_lot_id, 2);
	assert_int_equal(flat[1].share_g, 1000);
	assert_int_equal(flat[2].source_lot_id, 3);
	assert_int_equal(flat[2].share_g, 1000);
	assert_int_equal(sum_shares(flat, n), 4500);
	/* 4000 g packed out of the 4500 used */
	assert_int_equal(trace_split(4000, flat, n, out), 0);
	assert_int_equal(sum_shares(out, n), 4000);
	assert_int_equal(out[0].share_g, 2222);
	assert_int_equal(out[1].share_g, 889);
	assert_int_equal(out[2].share_g, 889);
	free(flat);
	/* a packed input without sources cannot be traced */
	struct trace_input bad[] = {{.lot_id = 9, .used_g = 10, .is_source = false}};
	assert_int_equal(trace_flatten(bad, 1, &flat, &n), -1);
	assert_null(flat);
	struct trace_input zero[] = {{.lot_id = 9, .used_g = 0, .is_source = true}};
	assert_int_equal(trace_flatten(zero, 1, &flat, &n), -1);
}

static void test_pack_balance(void **state)
{
	(void)state;
	struct pack_totals ok = {.input_g = 10000, .output_g = 9000, .gradeout_g = 700, .loss_g = 300};
	assert_true(pack_balanced(&ok));
	assert_int_equal(pack_difference(&ok), 0);
	/* one gram unaccounted for is a mismatch: there is no tolerance */
	struct pack_totals off = {.input_g = 10000, .output_g = 9000, .gradeout_g = 700, .loss_g = 299};
	assert_false(pack_balanced(&off));
	assert_int_equal(pack_difference(&off), 1);
	struct pack_totals over = {.input_g = 10000, .output_g = 10000, .gradeout_g = 5, .loss_g = 0};
	assert_int_equal(pack_difference(&over), -5);
	struct lot_flow f = {.created_g = 10000, .found_g = 200, .left_g = 7000, .on_hand_g = 3200};
	assert_int_equal(lot_flow_difference(&f), 0);
	f.on_hand_g = 3100;
	assert_int_equal(lot_flow_difference(&f), 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_trace_sources_only),
		cmocka_unit_test(test_trace_flatten_packed),
		cmocka_unit_test(test_pack_balance),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
