/*
 * One in-memory table for every spreadsheet that comes in or goes out: the CSV
 * and .xlsx readers produce it, the importers read orders from it, and the CSV
 * and .xlsx writers take it. A table is rows of cells; every cell is a
 * NUL-terminated UTF-8 string (never NULL, an empty cell is ""), every row
 * remembers where it came from (the CSV line where its record starts, or the
 * xlsx row number) so an importer can say "line 12: ...".
 *
 * Storage is three flat arrays owned by the table (all cell text in one blob,
 * cell offsets, rows), so reading a million-line file makes a handful of
 * allocations, not one per cell. Use table_cell() to read a cell: a row shorter
 * than the header (a ragged row) simply answers "" past its end.
 *
 * Limits (enforced by the readers and by table_add_cell): 64 MiB of input,
 * 1,000,000 data rows after the header, 256 columns, 64 KiB per cell.
 */
#ifndef SHANHAI_IO_TABLE_H
#define SHANHAI_IO_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TABLE_MAX_FILE_BYTES (64u * 1024 * 1024)
#define TABLE_MAX_ROWS 1000001u /* the header row and 1,000,000 data rows */
#define TABLE_MAX_COLUMNS 256u
#define TABLE_MAX_CELL_BYTES (64u * 1024)

/* Why a read or write failed; the functions return the negated code. */
enum io_code {
	IO_OK = 0,
	IO_ESYS = 1,      /* the file could not be opened, read or written */
	IO_ETOOBIG = 2,   /* a limit was passed (file, rows, columns, cell, zip) */
	IO_EFORMAT = 3,   /* not a well-formed CSV / xlsx file */
	IO_EENCODING = 4, /* bytes that are neither UTF-8 nor GB18030 */
	IO_ECOLUMN = 5,   /* a required column is missing */
};

/* A failure explained for people: English for logs and APIs, Chinese for the
 * offices in Liangshan and Ningbo, and where in the file it happened. */
struct io_error {
	enum io_code code;
	long line;           /* CSV line or xlsx row, 1-based; 0 when not about a place */
	char column[64];     /* header name, xlsx column letter or ""; */
	char message[256];   /* lower-case English, e.g. "line 3: unterminated quoted field" */
	char message_zh[256]; /* the same in Chinese */
};

enum table_source { TABLE_BUILT = 0, TABLE_CSV, TABLE_XLSX };

struct table_row {
	size_t first;     /* index of the row's first cell in table.cell_off */
	uint32_t ncells;  /* cells in this row (rows may be ragged) */
	long line;        /* CSV line where the record starts, or xlsx row number */
};

struct table {
	char *text;            /* every cell's bytes, each NUL-terminated; text[0] is "" */
	size_t text_len, text_cap;
	uint32_t *cell_off;    /* offset of each cell in text */
	size_t ncell_total, cell_cap;
	struct table_row *rows;
	size_t nrows, rows_cap;
	char *sheet;           /* xlsx sheet name; "" otherwise */
	enum table_source source;
};

/* An empty table to build by hand (table_add_row/table_add_cell). */
void table_init(struct table *t);
/* Free everything the table owns; it is empty (and reusable) afterwards. */
void table_release(struct table *t);

/* Start a new row recorded as coming from line/row `line`. 0, or -IO_ETOOBIG
 * (with err filled) past TABLE_MAX_ROWS. */
int table_add_row(struct table *t, long line, struct io_error *err);
/* Append a cell of n bytes to the last row (n may be 0). 0, or -IO_ETOOBIG past
 * TABLE_MAX_COLUMNS or TABLE_MAX_CELL_BYTES. The bytes are copied. */
int table_add_cell(struct table *t, const char *p, size_t n, struct io_error *err);
/* table_add_cell for a NUL-terminated string. */
int table_add_cstr(struct table *t, const char *s, struct io_error *err);

/* The cell at (row, col), "" when the row is shorter or out of range. */
static inline const char *table_cell(const struct table *t, size_t row, size_t col)
{
	if (row >= t->nrows || col >= t->rows[row].ncells)
		return "";
	return t->text + t->cell_off[t->rows[row].first + col];
}

/* Number of cells in a row (0 for a row out of range). */
static inline size_t table_row_width(const struct table *t, size_t row)
{
	return row < t->nrows ? t->rows[row].ncells : 0;
}

/* True if every cell of the row is empty or blank (spaces). */
bool table_row_is_blank(const struct table *t, size_t row);

/* The index of the header (row 0) column called `name`, compared after
 * trimming blanks on both sides and ignoring ASCII case; -1 if none. */
int table_column(const struct table *t, const char *name);

/* Find every column in names[0..n): fills idx[i] and returns 0, or returns
 * -IO_ECOLUMN with err naming the first missing column. */
int table_require_columns(const struct table *t, const char *const *names, size_t n,
			  int *idx, struct io_error *err);

/* Read a CSV or .xlsx file, choosing by content (zip magic "PK\3\4" means xlsx,
 * anything else CSV). 0, or a negative enum io_code with err filled; out is
 * always valid to table_release afterwards. */
int table_read_file(const char *path, struct table *out, struct io_error *err);
/* The same from memory, e.g. an HTTP upload. */
int table_read_mem(const void *p, size_t n, struct table *out, struct io_error *err);
/* The two readers, when the caller already knows the format. */
int table_read_csv(const void *p, size_t n, struct table *out, struct io_error *err);
int table_read_xlsx(const void *p, size_t n, struct table *out, struct io_error *err);

/* Fill err (code, line, column and both messages; either message may be NULL
 * for ""). Used by the readers and by importers reporting bad rows. */
void io_error_set(struct io_error *err, enum io_code code, long line, const char *column,
		  const char *message, const char *message_zh);
/* Clear err to IO_OK and empty strings. */
void io_error_clear(struct io_error *err);

#endif
