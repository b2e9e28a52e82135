/*
 * Parsing JSON from outside (HTTP request bodies, uploaded files) with limits:
 * at most JSON_MAX_BYTES, nesting at most JSON_MAX_DEPTH deep (checked on the
 * raw bytes before jansson builds anything), duplicate object keys refused.
 * The HTTP layer and tests/fuzz/fuzz_json.c use the same function, so what the
 * fuzzer exercises is what the server runs.
 */
#ifndef SHANHAI_IO_JSON_IN_H
#define SHANHAI_IO_JSON_IN_H

#include "io/table.h"

#include <jansson.h>
#include <stddef.h>

#define JSON_MAX_BYTES (1024u * 1024)
#define JSON_MAX_DEPTH 32

/* Nesting depth of the arrays and objects in p[0..n) (strings skipped). */
size_t json_nesting_depth(const char *p, size_t n);
/* Parse p[0..n) into *out (caller json_decref's it). 0, or -IO_ETOOBIG (size,
 * depth) / -IO_EFORMAT (syntax, duplicate key) with err naming the line. */
int json_parse_limited(const char *p, size_t n, json_t **out, struct io_error *err);

#endif
