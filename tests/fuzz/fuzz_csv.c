/*
 * libFuzzer target for the CSV reader (src/io/csv.c). Beyond "no crash", it
 * checks what importers rely on: every cell is valid UTF-8 within the limits,
 * and writing the table with csv_write_buf and reading it back gives the same
 * cells (a guarded cell comes back with its protective quote).
 */
// fuzz-sources: src/io/*.c
#include "io/csv_write.h"
#include "io/table.h"
#include "lib/str.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_cells(const struct table *t)
{
	if (t->nrows > TABLE_MAX_ROWS)
		abort();
	for (size_t r = 0; r < t->nrows; r++) {
		if (table_row_width(t, r) > TABLE_MAX_COLUMNS)
			abort();
		for (size_t c = 0; c < table_row_width(t, r); c++) {
			const char *cell = table_cell(t, r, c);
			size_t n = strlen(cell);
			if (n > TABLE_MAX_CELL_BYTES || (n && !utf8_valid(cell, n)))
				abort();
		}
	}
}

static void check_round_trip(const struct table *t)
{
	struct buf b;
	struct table back;
	struct io_error err;
	buf_init(&b, (size_t)1 << 28);
	if (csv_write_buf(t, &b, &err) != 0)
		abort();
	int rc = table_read_mem(b.p, b.n, &back, &err);
	if (rc == -IO_ETOOBIG)
		goto out_release_buf; /* a guard quote can push a cell past 64 KiB */
	if (rc != 0 || back.nrows != t->nrows)
		abort();
	for (size_t r = 0; r < t->nrows; r++) {
		size_t w = table_row_width(t, r);
		if (table_row_width(&back, r) > w)
			w = table_row_width(&back, r);
		for (size_t c = 0; c < w; c++) {
			const char *a = table_cell(t, r, c), *z = table_cell(&back, r, c);
			if (csv_cell_needs_guard(a))
				z++; /* the leading ' */
			if (r == 0 && c == 0 && strncmp(a, "\xEF\xBB\xBF", 3) == 0)
				continue; /* a BOM inside the first cell is eaten as the file's */
			if (strcmp(a, z) != 0)
				abort();
		}
	}
	table_release(&back);
out_release_buf:
	buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table t;
	struct io_error err;
	if (table_read_csv(data, size, &t, &err) == 0) {
		check_cells(&t);
		check_round_trip(&t);
	} else if (!err.message[0] || !err.message_zh[0]) {
		abort(); /* every refusal explains itself */
	}
	table_release(&t);
	return 0;
}
