/*
 * .xlsx writer for figures and payment lists (a helper over libxlsxwriter):
 * each sheet is a table whose row 0 is the header, written with a bold,
 * frozen header row, an autofilter, column widths fitted to the content, and
 * typed columns — integers, money in fen shown as yuan ("0.00"), grams shown as
 * kg ("0.000"), dates. Text is always written as a string, never as a formula,
 * so a cell "=HYPERLINK(...)" stays text.
 */
#ifndef SHANHAI_IO_XLSX_WRITE_H
#define SHANHAI_IO_XLSX_WRITE_H

#include "io/table.h"

#include <stddef.h>

enum xlsx_col_type {
	XLSX_TEXT = 0,   /* written as a string */
	XLSX_INTEGER,    /* "42" -> 42 */
	XLSX_MONEY_FEN,  /* "1250" (fen) -> 12.50 yuan, format 0.00 */
	XLSX_GRAMS,      /* "12500" (g) -> 12.500 kg, format 0.000 */
	XLSX_DATE,       /* "2024-10-01" -> a date cell, format yyyy-mm-dd */
};

struct xlsx_sheet {
	const char *name;                  /* tab name: at most 31 chars, none of []:*?/\ */
	const struct table *table;         /* row 0 is the header */
	const enum xlsx_col_type *types;   /* per column; missing ones are text */
	size_t ntypes;
};

/* Write the sheets to an .xlsx file at path. A typed cell that does not parse
 * as its type is written as text, so nothing is lost. 0 or -enum io_code. */
int xlsx_write_file(const char *path, const struct xlsx_sheet *sheets, size_t nsheets,
		    struct io_error *err);
/* The same into memory (via a temporary file in $TMPDIR): *out is malloc'd
 * and owned by the caller. */
int xlsx_write_mem(const struct xlsx_sheet *sheets, size_t nsheets, char **out, size_t *len,
		   struct io_error *err);

#endif
