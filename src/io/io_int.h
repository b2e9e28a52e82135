/*
 * Private header of src/io (the SQLite btreeInt.h idea): helpers the CSV and
 * xlsx readers and writers share but importers never call — formatted errors in
 * two languages, the cell-offset appender the in-place CSV parser uses, and
 * xlsx column letters.
 */
#ifndef SHANHAI_IO_INT_H
#define SHANHAI_IO_INT_H

#include "io/table.h"

#include <stdarg.h>

/* io_error_set with printf formats; en and zh consume the same arguments in
 * the same order. Returns -code, so callers can `return io_errorf(...)`. */
int io_errorf(struct io_error *err, enum io_code code, long line, const char *column,
	      const char *en, const char *zh, ...);

/* Append a cell whose bytes are already in t->text at offset off (NUL-terminated
 * there). Same limits as table_add_cell; len is the cell length for the check. */
int table_add_cell_at(struct table *t, size_t off, size_t len, struct io_error *err);
/* Copy n bytes (plus a NUL) into t->text and return their offset, without
 * adding a cell (the xlsx reader stores shared strings once this way). Returns
 * -IO_ETOOBIG with err filled if the text would pass its cap. */
int table_add_text(struct table *t, const char *p, size_t n, size_t *off, struct io_error *err);
/* Make room for n more bytes in t->text. */
void table_reserve_text(struct table *t, size_t n);

/* The CSV reader on a buffer it takes over (and frees): data was malloc'd with
 * n + 2 bytes, data[0] is spare and the n input bytes start at data + 1. */
int csv_read_owned(char *data, size_t n, struct table *out, struct io_error *err);

/* "A" for 0, "Z" for 25, "AA" for 26 ...; out needs 8 bytes. */
void xlsx_column_name(unsigned col, char out[8]);

#endif
