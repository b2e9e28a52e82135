/*
 * Unit tests of src/lib: strict number parsing, UTF-8 validation, calendar
 * dates in Asia/Shanghai, the money rounding rule and largest-remainder splits,
 * the capped buffer and the arena.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <stdio.h>

#include "lib/arena.h"
#include "lib/buf.h"
#include "lib/money.h"
#include "lib/str.h"
#include "lib/timeutil.h"

static void test_parse_decimal(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(parse_decimal(str_from("3.5"), 2, &v), 0);
	assert_int_equal(v, 350);
	assert_int_equal(parse_decimal(str_from("-12.25"), 2, &v), 0);
	assert_int_equal(v, -1225);
	assert_int_equal(parse_decimal(str_from("7"), 2, &v), 0);
	assert_int_equal(v, 700);
	assert_int_equal(parse_decimal(str_from("1.234"), 2, &v), -1);
	assert_int_equal(parse_decimal(str_from(""), 2, &v), -1);
	assert_int_equal(parse_decimal(str_from("1."), 2, &v), -1);
	assert_int_equal(parse_decimal(str_from("1e3"), 2, &v), -1);
	assert_int_equal(parse_int64(str_from("9223372036854775807"), &v), 0);
	assert_int_equal(parse_int64(str_from("9223372036854775808"), &v), -1);
	assert_int_equal(parse_int64(str_from("12x"), &v), -1);
}

static void test_utf8(void **state)
{
	(void)state;
	assert_true(utf8_valid("盐源苹果", strlen("盐源苹果")));
	assert_int_equal(utf8_length("盐源苹果", strlen("盐源苹果")), 4);
	assert_false(utf8_valid("\xc0\xaf", 2));         /* overlong */
	assert_false(utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(utf8_valid("a\0b", 3));             /* NUL */
	assert_false(utf8_valid("\xe7\x9b", 2));         /* truncated */
}

/* A message cut by bytes ("%.40s") keeps its whole characters; the cut one,
 * and any other byte that starts no valid sequence, becomes '?'. */
static void test_utf8_scrub(void **state)
{
	(void)state;
	char whole[] = "盐源苹果 ok";
	assert_int_equal(utf8_scrub(whole), 0);
	assert_string_equal(whole, "盐源苹果 ok");
	char cut[16];
	snprintf(cut, sizeof(cut), "got '%.7s'", "盐源苹果"); /* 2 whole + 1 of 3 bytes */
	assert_int_equal(utf8_scrub(cut), 1);
	assert_string_equal(cut, "got '盐源?'");
	char mixed[] = "a\xc0\xaf"
	               "b\xed\xa0\x80"
	               "c\xe7\x9b"; /* overlong, surrogate, truncated */
	assert_int_equal(utf8_scrub(mixed), 7);
	assert_string_equal(mixed, "a??b???c??");
	assert_true(utf8_valid(mixed, strlen(mixed)));
	char empty[] = "";
	assert_int_equal(utf8_scrub(empty), 0);
}

static void test_dates(void **state)
{
	(void)state;
	int64_t d;
	char out[32];
	assert_int_equal(date_parse("2024-02-29", 10, &d), 0);
	date_format(d, out, sizeof(out));
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(date_parse("2023-02-29", 10, &d), -1);
	assert_int_equal(date_parse("2023-13-01", 10, &d), -1);
	/* 2024-10-01T16:30:00Z is already 2 October in Shanghai */
	int64_t t;
	assert_int_equal(time_parse_iso("2024-10-01T16:30:00Z", 20, &t), 0);
	date_format(shanghai_day_of(t), out, sizeof(out));
	assert_string_equal(out, "2024-10-02");
	time_format_shanghai(t, out, sizeof(out));
	assert_string_equal(out, "2024-10-02 00:30");
	assert_int_equal(time_parse_iso("2024-10-02T00:30:00+08:00", 25, &d), 0);
	assert_int_equal(d, t);
}

static void test_int64_text(void **state)
{
	(void)state;
	char t[24];
	assert_string_equal(int64_text(0, t), "0");
	assert_string_equal(int64_text(-5, t), "-5");
	assert_string_equal(int64_text(1234567890123LL, t), "1234567890123");
	assert_string_equal(int64_text(INT64_MAX, t), "9223372036854775807");
	assert_string_equal(int64_text(INT64_MIN, t), "-9223372036854775808");
}

/* date_format and time_format_utc write without snprintf for four-digit
 * years: the same text as the format they replace, over many days and
 * every second of a day, and snprintf's outside that range or room. */
static void test_date_texts(void **state)
{
	(void)state;
	char out[32], want[32];
	int y, m, dd;
	for (int64_t day = -800000; day < 3000000; day += 997) {
		civil_from_days(day, &y, &m, &dd);
		snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, dd);
		date_format(day, out, sizeof(out));
		assert_string_equal(out, want);
		int64_t s = day * 86400 + (day % 86400 + 86400) % 86400;
		int64_t secs = s - day * 86400;
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, dd,
		         (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
		time_format_utc(s, out, sizeof(out));
		assert_string_equal(out, want);
	}
	date_format(days_from_civil(2024, 2, 29), out, 8);
	assert_string_equal(out, "2024-02");
	time_format_utc(0, out, 12);
	assert_string_equal(out, "1970-01-01T");
}

static void test_amount_rounding(void **state)
{
	(void)state;
	int64_t fen;
	/* 12.345 kg at 6.00 yuan/kg = 74.07 yuan */
	assert_int_equal(amount_for_weight(12345, 600, &fen), 0);
	assert_int_equal(fen, 7407);
	/* 1.5 fen rounds half away from zero */
	assert_int_equal(amount_for_weight(5, 300, &fen), 0);
	assert_int_equal(fen, 2);
	assert_int_equal(amount_for_weight(-5, 300, &fen), 0);
	assert_int_equal(fen, -2);
	assert_int_equal(muldiv_round(INT64_MAX, 2, 1, &fen), -1);
}

static void test_yuan_format(void **state)
{
	char out[40];
	(void)state;
	yuan_format(123450, out, sizeof(out));
	assert_string_equal(out, "¥1234.50");
	yuan_format(-2100, out, sizeof(out));
	assert_string_equal(out, "-¥21.00");
	yuan_format(-5, out, sizeof(out));
	assert_string_equal(out, "-¥0.05");
	yuan_format(0, out, sizeof(out));
	assert_string_equal(out, "¥0.00");
	yuan_format(INT64_MIN, out, sizeof(out));
	assert_string_equal(out, "-¥92233720368547758.08");
	fen_format(-2100, out, sizeof(out));
	assert_string_equal(out, "-21.00");
}

static void test_largest_remainder(void **state)
{
	(void)state;
	int64_t w[3] = {1, 1, 1}, out[3];
	assert_int_equal(split_largest_remainder(100, w, 3, out), 0);
	assert_int_equal(out[0] + out[1] + out[2], 100);
	assert_int_equal(out[0], 34);
	assert_int_equal(out[1], 33);
	/* 30/70 village/households split of 12345 fen */
	int64_t w2[2] = {30, 70}, o2[2];
	assert_int_equal(split_largest_remainder(12345, w2, 2, o2), 0);
	assert_int_equal(o2[0], 3704);
	assert_int_equal(o2[1], 8641);
	int64_t zero[2] = {0, 0};
	assert_int_equal(split_largest_remainder(10, zero, 2, o2), -1);
	for (int64_t total = 0; total < 500; total += 7) {
		int64_t ws[5] = {3, 5, 7, 11, 13}, os[5], sum = 0;
		assert_int_equal(split_largest_remainder(total, ws, 5, os), 0);
		for (int i = 0; i < 5; i++)
			sum += os[i];
		assert_int_equal(sum, total);
	}
}

static void test_buf_cap(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 8);
	assert_int_equal(buf_adds(&b, "12345"), 0);
	assert_int_equal(buf_adds(&b, "6789"), -1);
	assert_string_equal(b.p, "12345");
	assert_int_equal(buf_printf(&b, "%d", 678), 0);
	assert_string_equal(b.p, "12345678");
	buf_release(&b);
}

static void test_arena(void **state)
{
	(void)state;
	struct arena a;
	arena_init(&a);
	char *s = arena_printf(&a, "%s-%d", "lot", 7);
	assert_string_equal(s, "lot-7");
	void *big = arena_alloc(&a, 100000);
	assert_non_null(big);
	arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_decimal),   cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_utf8_scrub),      cmocka_unit_test(test_dates), cmocka_unit_test(test_date_texts), cmocka_unit_test(test_int64_text),
	    cmocka_unit_test(test_amount_rounding), cmocka_unit_test(test_largest_remainder),
	    cmocka_unit_test(test_yuan_format),
	    cmocka_unit_test(test_buf_cap),         cmocka_unit_test(test_arena),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
