/*
 * Finding the elements of a big JSON array without parsing them: the
 * scanner behind the pipelined POST /api/v1/orders/bulk. The body must be
 * exactly {"KEY": [ ... ]} (JSON whitespace allowed between tokens); the
 * scanner walks the raw bytes of the array, tracking strings, escapes and
 * nesting depth, and hands out the byte span of each element, which the
 * caller parses on its own (jansson's json_loadb). It validates nothing
 * inside an element: jansson does. Anything it does not expect (another
 * key, a different layout, nesting deeper than JSON_ELEMS_MAX_DEPTH, an
 * unterminated array) makes it give up, and the caller falls back to
 * parsing the whole body. What it promises (tests/fuzz/fuzz_json_elems.c):
 * when the whole body is valid JSON, the spans it handed out before giving
 * up are the array's first elements, in order; when it reaches the end
 * without giving up and every span parses on its own, the whole body is
 * valid JSON with just that key and those elements.
 */
#ifndef SHANHAI_IO_JSON_ELEMS_H
#define SHANHAI_IO_JSON_ELEMS_H

#include <stddef.h>

#define JSON_ELEMS_MAX_DEPTH 16 /* inside one element; an order needs 3 */

struct json_elems {
	const char *p;
	size_t n, pos;
	size_t count; /* elements handed out */
};

enum json_elems_step {
	JSON_ELEMS_GAVE_UP = -1, /* unexpected bytes: parse the whole body instead */
	JSON_ELEMS_END = 0,      /* the array and the body ended cleanly */
	JSON_ELEMS_ELEMENT = 1,  /* *start, *len: the next element's bytes */
};

/* Start on body p[0..n): 0 if it opens with {"key": [ , else -1 (give up).
 * key must be plain ASCII without quotes or backslashes. */
int json_elems_open(struct json_elems *s, const char *p, size_t n, const char *key);
/* The next element, the end, or giving up (which is final). */
enum json_elems_step json_elems_next(struct json_elems *s, const char **start, size_t *len);

#endif
