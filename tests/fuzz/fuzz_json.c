/*
 * libFuzzer target for limited JSON parsing (src/io/json_in.c: jansson's
 * json_loadb with JSON_REJECT_DUPLICATES behind a size and depth check), the
 * same call the HTTP layer makes on request bodies. Accepted documents must
 * serialise and parse back.
 */
// fuzz-sources: src/io/*.c
#include "io/json_in.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j;
	struct io_error err;
	if (json_parse_limited((const char *)data, size, &j, &err) != 0) {
		if (!err.message[0])
			abort();
		return 0;
	}
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	if (!s)
		abort();
	json_t *again;
	if (json_parse_limited(s, strlen(s), &again, &err) != 0 || !json_equal(j, again))
		abort();
	json_decref(again);
	free(s);
	json_decref(j);
	return 0;
}
