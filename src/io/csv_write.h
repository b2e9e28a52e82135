/*
 * CSV writer for lists that leave the system (payment lists, order exports):
 * RFC 4180 with CRLF line ends, UTF-8 with a byte-order mark so Excel opens
 * Chinese text correctly, and the OWASP defence against formula injection: a
 * cell that starts with = + - @ TAB or CR is written with a leading single quote,
 * unless it is a plain number such as "-12.5".
 */
#ifndef SHANHAI_IO_CSV_WRITE_H
#define SHANHAI_IO_CSV_WRITE_H

#include "io/table.h"
#include "lib/buf.h"

#include <stdbool.h>

/* True if a cell would be written with a protective leading quote. */
bool csv_cell_needs_guard(const char *cell);
/* Append the whole table as CSV to out. 0, or -IO_ETOOBIG when out's cap is
 * reached (out then holds a partial file). */
int csv_write_buf(const struct table *t, struct buf *out, struct io_error *err);
/* Write the table as a CSV file at path (replaced if it exists). */
int csv_write_file(const struct table *t, const char *path, struct io_error *err);

#endif
