/*
 * libFuzzer target for the element scanner of the pipelined bulk orders
 * (src/io/json_elems.c), checked against jansson parsing the whole body:
 * when the whole body is {"orders": [...]}, every span the scanner hands out
 * before giving up parses on its own to the same value as the array's
 * element at that index; when the scanner reaches the end and every span
 * parses, the whole body is valid JSON with just that key and exactly those
 * elements. These are the two facts the bulk handler's fallback rests on.
 */
// fuzz-sources: src/io/*.c
#include "io/json_elems.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define MAX_SPANS 4096

/* The whole body's "orders" array if it is an object holding one. */
static json_t *orders_of(json_t *whole)
{
	json_t *a = json_object_get(whole, "orders");
	return json_is_array(a) ? a : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	json_error_t e;
	json_t *whole = json_loadb(body, size, JSON_REJECT_DUPLICATES, &e);
	json_t *orders = orders_of(whole);
	struct json_elems s;
	const char *p;
	size_t n, count = 0;
	bool all_parsed = true;
	enum json_elems_step step = JSON_ELEMS_GAVE_UP;
	if (json_elems_open(&s, body, size, "orders") == 0) {
		while (count < MAX_SPANS &&
		       (step = json_elems_next(&s, &p, &n)) == JSON_ELEMS_ELEMENT) {
			if (p < body || p + n > body + size)
				abort();
			json_t *el = json_loadb(p, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
			all_parsed = all_parsed && el;
			if (orders && (count >= json_array_size(orders) || !el ||
			               !json_equal(el, json_array_get(orders, count))))
				abort(); /* a span that is not the whole body's element */
			json_decref(el);
			count++;
		}
	}
	if (step == JSON_ELEMS_END && all_parsed &&
	    (!orders || json_object_size(whole) != 1 || json_array_size(orders) != count))
		abort(); /* reached the end, yet the whole body is not just these elements */
	json_decref(whole);
	return 0;
}
