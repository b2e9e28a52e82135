/*
 * Unit tests of limited JSON parsing (src/io/json_in.c), the function the HTTP
 * layer and the JSON fuzzer share: size and depth limits, duplicate keys, and
 * the line number of a syntax error.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_in.h"

static int parse(const char *s, json_t **j, struct io_error *err)
{
	return json_parse_limited(s, strlen(s), j, err);
}

static void test_json_ok(void **state)
{
	(void)state;
	json_t *j;
	struct io_error err;
	assert_int_equal(parse("{\"县\": \"盐源\", \"kg\": [1, 2, {\"a\": \"[[[[\"}]}", &j, &err), 0);
	assert_string_equal(json_string_value(json_object_get(j, "县")), "盐源");
	json_decref(j);
	assert_int_equal(json_nesting_depth("[\"\\\"[\", {}]", 11), 2);
}

static void test_json_refused(void **state)
{
	(void)state;
	json_t *j;
	struct io_error err;
	assert_int_equal(parse("{\"a\": 1, \"a\": 2}", &j, &err), -IO_EFORMAT);
	assert_null(j);
	assert_non_null(strstr(err.message, "duplicate"));
	assert_int_equal(parse("{\n\"a\": 1,\n}", &j, &err), -IO_EFORMAT);
	assert_int_equal(err.line, 3);

	char deep[80];
	memset(deep, '[', 33);
	memset(deep + 33, ']', 33);
	deep[66] = '\0';
	assert_int_equal(parse(deep, &j, &err), -IO_ETOOBIG);
	assert_non_null(strstr(err.message, "nested too deeply"));
	assert_int_equal(json_parse_limited(deep + 1, 64, &j, &err), 0); /* 32 deep is fine */
	json_decref(j);

	char *big = malloc(JSON_MAX_BYTES + 1);
	memset(big, ' ', JSON_MAX_BYTES + 1);
	big[0] = '[', big[1] = ']';
	assert_int_equal(json_parse_limited(big, JSON_MAX_BYTES + 1, &j, &err), -IO_ETOOBIG);
	assert_int_equal(json_parse_limited(big, JSON_MAX_BYTES, &j, &err), 0);
	json_decref(j);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_ok),
		cmocka_unit_test(test_json_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
