/*
 * csv2xlsx: turn an order CSV into an .xlsx file with the repo's own reader
 * and writer (src/io), so the xlsx test fixture (tests/data/orders/*.xlsx)
 * and the benchmark's xlsx input are made the same way a Shanhai export is.
 * Columns named in the arguments after the output are written as numbers
 * (XLSX_INTEGER), the rest as text (a cell like "=1+1" stays text).
 *
 *   cc -O2 -Isrc bench/ingest/csv2xlsx.c build-NAME/rel/libshanhai.a \
 *      $(pkg-config --libs xlsxwriter libzip expat ...) -o csv2xlsx
 *   ./csv2xlsx in.csv out.xlsx units
 * (bench/ingest/run.sh builds it.)
 */
#include <stdio.h>
#include <stdlib.h>

#include "io/table.h"
#include "io/xlsx_write.h"

int main(int argc, char **argv)
{
	struct table t;
	struct io_error err;
	enum xlsx_col_type types[TABLE_MAX_COLUMNS] = {XLSX_TEXT};
	int status = 1;
	if (argc < 3) {
		fprintf(stderr, "usage: csv2xlsx IN.csv OUT.xlsx [numeric-column...]\n");
		return 2;
	}
	table_init(&t);
	if (table_read_file(argv[1], &t, &err)) {
		fprintf(stderr, "csv2xlsx: %s: %s\n", argv[1], err.message);
		goto out_table;
	}
	size_t ncols = table_row_width(&t, 0);
	for (int a = 3; a < argc; a++) {
		int c = table_column(&t, argv[a]);
		if (c < 0) {
			fprintf(stderr, "csv2xlsx: no column '%s'\n", argv[a]);
			goto out_table;
		}
		types[c] = XLSX_INTEGER;
	}
	struct xlsx_sheet sheet = {"orders", &t, types, ncols};
	if (xlsx_write_file(argv[2], &sheet, 1, &err)) {
		fprintf(stderr, "csv2xlsx: %s: %s\n", argv[2], err.message);
		goto out_table;
	}
	status = 0;
out_table:
	table_release(&t);
	return status;
}
