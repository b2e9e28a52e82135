/*
 * libFuzzer target for a JSON request body through the real validators: the
 * bytes of a POST /api/v1/orders body are parsed as the server parses them
 * (json_parse_limited) and read by the order handler's own parse_order (the
 * jget_* field validators of src/http/reply.c). A refused body must carry at
 * least one error, each naming its field with messages in both languages; an
 * accepted one must have its required fields and at least one line.
 */
// fuzz-sources: src/http/order_json.c src/http/api_reallocate.c
// fuzz-sources: src/http/reply.c src/http/auth.c src/http/html.c src/http/qr.c src/app/*.c src/core/*.c src/io/*.c src/store/*.c src/route/*.c src/plan/*.c
#include "../../src/http/api_orders.c"

#include "io/json_in.h"
#include "lib/embedded.h"

#include <stdint.h>
#include <stdlib.h>

/* No store is opened here: the generated tables of embedded files are empty. */
const struct embedded_file migrations[] = {{NULL, NULL, 0}};
const struct embedded_file datafiles[] = {{NULL, NULL, 0}};

static void check_errors(const struct req *r)
{
	if (r->nerrors <= 0)
		abort(); /* refused without saying why */
	for (int i = 0; i < r->nerrors; i++)
		if (!r->errors[i].field || !r->errors[i].message_zh || !r->errors[i].message_en)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *body;
	struct io_error err;
	if (json_parse_limited((const char *)data, size, &body, &err) != 0)
		return 0;
	struct arena arena;
	arena_init(&arena);
	struct req r = {.arena = &arena, .method = "POST", .path = "/api/v1/orders", .json = body};
	struct order_in in;
	const char *channel = NULL;
	if (!json_is_object(body)) {
		json_decref(body);
		arena_release(&arena);
		return 0;
	}
	if (parse_order(&r, body, &in, &channel)) {
		if (!channel || !in.order_no || !in.name || !in.address || !in.division_code ||
		    in.nlines == 0 || !in.lines)
			abort();
		for (size_t i = 0; i < in.nlines; i++)
			if (!in.lines[i].sku || in.lines[i].units < 1 || in.lines[i].unit_price_fen < 0)
				abort();
	} else {
		check_errors(&r);
	}
	json_decref(body);
	arena_release(&arena);
	return 0;
}
