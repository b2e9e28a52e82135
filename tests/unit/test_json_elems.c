/*
 * Unit tests of the element scanner (src/io/json_elems.c) behind the
 * pipelined bulk orders: the spans of a plain array, strings holding
 * brackets, commas and escaped quotes, and every layout it must give up on
 * so the caller parses the whole body instead.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "io/json_elems.h"

/* The spans of body joined by '|', or "GAVE UP" after them; returns the
 * number of elements (-1 if it gave up). */
static int spans(const char *body, char *out, size_t outsz)
{
	struct json_elems s;
	const char *p;
	size_t n, k = 0;
	out[0] = '\0';
	if (json_elems_open(&s, body, strlen(body), "orders"))
		return snprintf(out, outsz, "GAVE UP"), -1;
	for (int i = 0;; i++) {
		enum json_elems_step step = json_elems_next(&s, &p, &n);
		if (step == JSON_ELEMS_END)
			return i;
		if (step == JSON_ELEMS_GAVE_UP) {
			snprintf(out + k, outsz - k, "%sGAVE UP", k ? "|" : "");
			return -1;
		}
		k += (size_t)snprintf(out + k, outsz - k, "%s%.*s", k ? "|" : "", (int)n, p);
	}
}

static void test_elements(void **state)
{
	(void)state;
	char out[256];
	assert_int_equal(spans("{\"orders\":[1,2,3]}", out, sizeof(out)), 3);
	assert_string_equal(out, "1|2|3");
	assert_int_equal(spans(" {\r\n\"orders\" :\t[ {\"a\": [1, {\"b\": 2}]} ,\n\"x\" ] } \n",
	                       out, sizeof(out)),
	                 2);
	assert_string_equal(out, "{\"a\": [1, {\"b\": 2}]}|\"x\"");
	/* brackets, commas and escaped quotes inside strings are text */
	assert_int_equal(spans("{\"orders\":[\"a,]}\\\"[\",{\"k\":\"\\\\\"}]}", out, sizeof(out)),
	                 2);
	assert_string_equal(out, "\"a,]}\\\"[\"|{\"k\":\"\\\\\"}");
	/* an empty array ends at once (the caller refuses it); a span jansson
	 * will refuse is still handed out */
	assert_int_equal(spans("{\"orders\":[ ]}", out, sizeof(out)), 0);
	assert_int_equal(spans("{\"orders\":[{]}", out, sizeof(out)), -1);
	assert_int_equal(spans("{\"orders\":[[1},2]}", out, sizeof(out)), 2);
	assert_string_equal(out, "[1}|2");
	char deep[64] = "{\"orders\":[";
	size_t n = strlen(deep);
	memset(deep + n, '[', JSON_ELEMS_MAX_DEPTH);
	memset(deep + n + JSON_ELEMS_MAX_DEPTH, ']', JSON_ELEMS_MAX_DEPTH);
	memcpy(deep + n + 2 * JSON_ELEMS_MAX_DEPTH, "]}", 3);
	assert_int_equal(spans(deep, out, sizeof(out)), 1); /* as deep as allowed */
}

static void test_gives_up(void **state)
{
	(void)state;
	char out[256];
	static const char *const bodies[] = {
	    "",
	    "[1]",
	    "{\"other\":1,\"orders\":[1]}", /* another key first */
	    "{\"order\":[1]}",              /* another key */
	    "{\"orders\\u0073\":[1]}",      /* an escaped key */
	    "{\"orders\":{}}",              /* not an array */
	    "{\"orders\":[1,2],\"x\":1}",   /* a key after the array */
	    "{\"orders\":[1,2]} x",         /* bytes after the body */
	    "{\"orders\":[1,2]",            /* no closing brace */
	    "{\"orders\":[1,2",             /* no closing bracket */
	    "{\"orders\":[1,,2]}",          /* an empty element */
	    "{\"orders\":[,1]}",
	    "{\"orders\":[1,]}",
	    "{\"orders\":[1}",               /* the object closes inside the array */
	    "{\"orders\":[1 2]}",            /* handed out as one span: jansson refuses it */
	    "{\"orders\":[\"unterminated]}", /* a string to the end */
	    "{\"orders\":[\"esc\\",          /* a backslash at the very end */
	};
	for (size_t i = 0; i < sizeof(bodies) / sizeof(*bodies); i++) {
		int n = spans(bodies[i], out, sizeof(out));
		if (i == 14) {
			assert_int_equal(n, 1);
			assert_string_equal(out, "1 2");
			continue;
		}
		assert_int_equal(n, -1);
		assert_non_null(strstr(out, "GAVE UP"));
	}
	char deep[64] = "{\"orders\":[";
	size_t n = strlen(deep);
	memset(deep + n, '{', JSON_ELEMS_MAX_DEPTH + 1);
	deep[n + JSON_ELEMS_MAX_DEPTH + 1] = '\0';
	assert_int_equal(spans(deep, out, sizeof(out)), -1);
	/* giving up is final, and so is the end */
	struct json_elems s;
	const char *p;
	size_t len;
	assert_int_equal(json_elems_open(&s, "{\"orders\":[1,}", 14, "orders"), 0);
	assert_int_equal(json_elems_next(&s, &p, &len), JSON_ELEMS_ELEMENT);
	assert_int_equal(json_elems_next(&s, &p, &len), JSON_ELEMS_GAVE_UP);
	assert_int_equal(json_elems_next(&s, &p, &len), JSON_ELEMS_GAVE_UP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_elements),
	    cmocka_unit_test(test_gives_up),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
