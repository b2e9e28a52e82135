/*
 * A fast path for reading one order of a bulk body: the bytes of one
 * element of "orders" straight into struct order_in, without building a
 * jansson tree. It takes only the plain form a channel's system sends (the
 * fields channel, order_no, customer{name, phone, address, division_code}
 * and lines[{sku, units, unit_price_fen}], each once; strings without
 * escapes; whole numbers in range) and only when every field is acceptable;
 * for anything else (ordered_at, escapes, null, another field, a value out
 * of range, bad JSON) it answers false and the caller takes the general path
 * (jansson and parse_order), which gives the errors. Its promise, checked by
 * tests/fuzz/fuzz_order_fast.c: when it accepts, the general path accepts
 * the same bytes with exactly the same order.
 */
#ifndef SHANHAI_HTTP_ORDER_JSON_H
#define SHANHAI_HTTP_ORDER_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "app/orders.h"
#include "lib/arena.h"

/* Read p[0..n) into *in and *channel (texts copied into a); false, with
 * nothing promised about *in, if the general path must read it. */
bool order_json_fast(const char *p, size_t n, struct arena *a, struct order_in *in,
                     const char **channel);

#endif
