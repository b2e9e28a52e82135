/*
 * libFuzzer target for the .xlsx reader (src/io/xlsx_read.c), fed through
 * table_read_mem as an upload would be. The seed corpus holds stored
 * (uncompressed) archives as well as deflated ones, so mutations reach the
 * XML instead of dying in the inflater.
 */
// fuzz-sources: src/io/*.c
#include "io/table.h"
#include "lib/str.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table t;
	struct io_error err;
	if (table_read_mem(data, size, &t, &err) == 0) {
		for (size_t r = 0; r < t.nrows; r++)
			for (size_t c = 0; c < table_row_width(&t, r); c++) {
				const char *cell = table_cell(&t, r, c);
				if (strlen(cell) > TABLE_MAX_CELL_BYTES)
					abort();
			}
		if (!t.sheet)
			abort();
	} else if (!err.message[0] || !err.message_zh[0]) {
		abort();
	}
	table_release(&t);
	return 0;
}
