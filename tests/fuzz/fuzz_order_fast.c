/*
 * libFuzzer target for the bulk's fast order reader (src/http/order_json.c)
 * against the general path it stands in for: whenever order_json_fast
 * accepts the bytes of an element, jansson must parse the same bytes (as
 * the bulk does, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES) and the handler's
 * parse_order must accept them with exactly the same order: channel, every
 * text byte for byte, ordered_at 0, the same lines.
 */
// fuzz-sources: src/http/reply.c src/http/auth.c src/http/html.c src/http/qr.c
// fuzz-sources: src/http/order_json.c src/http/api_reallocate.c src/app/*.c src/core/*.c src/io/*.c
// fuzz-sources: src/store/*.c src/route/*.c src/plan/*.c
#include "../../src/http/api_orders.c"

#include "lib/embedded.h"

#include <stdint.h>
#include <stdlib.h>

/* No store is opened here: the generated tables of embedded files are empty. */
const struct embedded_file migrations[] = {{NULL, NULL, 0}};
const struct embedded_file datafiles[] = {{NULL, NULL, 0}};

static bool same_text(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void compare(const struct order_in *f, const char *fch, const struct order_in *g,
                    const char *gch)
{
	if (!same_text(fch, gch) || !same_text(f->order_no, g->order_no) ||
	    !same_text(f->name, g->name) || !same_text(f->phone, g->phone) ||
	    !same_text(f->address, g->address) || !same_text(f->division_code, g->division_code) ||
	    f->ordered_at_ms != g->ordered_at_ms || f->nlines != g->nlines)
		abort();
	for (size_t i = 0; i < f->nlines; i++)
		if (!same_text(f->lines[i].sku, g->lines[i].sku) ||
		    f->lines[i].units != g->lines[i].units ||
		    f->lines[i].unit_price_fen != g->lines[i].unit_price_fen)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena arena;
	arena_init(&arena);
	struct order_in fast, general;
	const char *fch, *gch = NULL;
	if (order_json_fast((const char *)data, size, &arena, &fast, &fch)) {
		json_error_t e;
		json_t *o = json_loadb((const char *)data, size,
		                       JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
		if (!o)
			abort(); /* the fast path took bytes that are not JSON */
		struct req r = {.arena = &arena, .method = "POST", .path = "/api/v1/orders/bulk"};
		if (!parse_order(&r, o, &general, &gch) || r.nerrors)
			abort(); /* ... or an order the validators refuse */
		compare(&fast, fch, &general, gch);
		json_decref(o);
	}
	arena_release(&arena);
	return 0;
}
