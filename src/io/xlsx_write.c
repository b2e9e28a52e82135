/*
 * .xlsx writer; see xlsx_write.h. libxlsxwriter runs in constant-memory mode
 * (rows go to a temporary file as they are written), so a million-line export
 * does not need a million rows in memory; strings are then inline strings,
 * which our reader and Excel both read.
 */
#include "io/xlsx_write.h"
#include "io/io_int.h"
#include "lib/alloc.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define MIN_WIDTH 8
#define MAX_WIDTH 60

struct formats {
	lxw_format *header, *money, *kg, *date;
};

static int lxw_fail(struct io_error *err, lxw_error e, const char *what)
{
	return io_errorf(err, IO_ESYS, 0, NULL, "cannot write xlsx %s: %s",
			 "无法写入 xlsx %s：%s", what, lxw_strerror(e), what, lxw_strerror(e));
}

static enum xlsx_col_type type_of(const struct xlsx_sheet *s, size_t col)
{
	return s->types && col < s->ntypes ? s->types[col] : XLSX_TEXT;
}

/* Display width of UTF-8 text: wide (CJK) characters count 2. */
static size_t display_width(const char *s)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;
		w += *p >= 0xE1 ? 2 : 1; /* U+1000 and up: CJK, fullwidth forms */
	}
	return w;
}

static void set_widths(lxw_worksheet *ws, const struct xlsx_sheet *s)
{
	const struct table *t = s->table;
	size_t ncols = 0;
	for (size_t r = 0; r < t->nrows; r++)
		if (table_row_width(t, r) > ncols)
			ncols = table_row_width(t, r);
	for (size_t c = 0; c < ncols; c++) {
		size_t w = MIN_WIDTH;
		for (size_t r = 0; r < t->nrows; r++) {
			size_t cw = display_width(table_cell(t, r, c)) + (r == 0 ? 4 : 2);
			if (cw > w)
				w = cw;
		}
		if (type_of(s, c) == XLSX_DATE && w < 12)
			w = 12;
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)(w > MAX_WIDTH ? MAX_WIDTH : w),
				     NULL);
	}
	if (ncols) {
		worksheet_freeze_panes(ws, 1, 0);
		worksheet_autofilter(ws, 0, 0, t->nrows ? (lxw_row_t)(t->nrows - 1) : 0,
				     (lxw_col_t)(ncols - 1));
	}
}

/* Write one typed cell; false if the text does not parse as the type. */
static bool write_typed(lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, enum xlsx_col_type type,
			const char *v, const struct formats *f, lxw_error *e)
{
	int64_t x;
	switch (type) {
	case XLSX_INTEGER:
	case XLSX_MONEY_FEN:
	case XLSX_GRAMS:
		if (parse_int64(str_from(v), &x) != 0 || x > (INT64_C(1) << 53) ||
		    x < -(INT64_C(1) << 53))
			return false;
		if (type == XLSX_INTEGER)
			*e = worksheet_write_number(ws, r, c, (double)x, NULL);
		else if (type == XLSX_MONEY_FEN)
			*e = worksheet_write_number(ws, r, c, (double)x / 100.0, f->money);
		else
			*e = worksheet_write_number(ws, r, c, (double)x / 1000.0, f->kg);
		return true;
	case XLSX_DATE:
		if (date_parse(v, strlen(v), &x) != 0 || x < days_from_civil(1900, 3, 1))
			return false;
		/* Excel serial: days since 1899-12-30 for dates after February 1900 */
		*e = worksheet_write_number(ws, r, c, (double)(x - days_from_civil(1899, 12, 30)),
					    f->date);
		return true;
	case XLSX_TEXT:
		break;
	}
	return false;
}

static int write_sheet(lxw_workbook *wb, const struct xlsx_sheet *s, const struct formats *f,
		       struct io_error *err)
{
	lxw_error e = workbook_validate_sheet_name(wb, s->name);
	if (e != LXW_NO_ERROR)
		return io_errorf(err, IO_EFORMAT, 0, NULL, "invalid sheet name '%s': %s",
				 "工作表名称“%s”无效：%s", s->name, lxw_strerror(e), s->name,
				 lxw_strerror(e));
	lxw_worksheet *ws = workbook_add_worksheet(wb, s->name);
	if (!ws)
		return lxw_fail(err, LXW_ERROR_MEMORY_MALLOC_FAILED, "sheet");
	set_widths(ws, s);
	const struct table *t = s->table;
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < table_row_width(t, r); c++) {
			const char *v = table_cell(t, r, c);
			e = LXW_NO_ERROR;
			if (r == 0)
				e = worksheet_write_string(ws, 0, (lxw_col_t)c, v, f->header);
			else if (!v[0])
				continue;
			else if (!write_typed(ws, (lxw_row_t)r, (lxw_col_t)c, type_of(s, c), v, f, &e))
				e = worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c, v, NULL);
			if (e != LXW_NO_ERROR)
				return io_errorf(err, IO_EFORMAT, t->rows[r].line, NULL,
						 "line %ld: cannot write cell to xlsx: %s",
						 "第 %ld 行：无法写入 xlsx 单元格：%s", t->rows[r].line,
						 lxw_strerror(e), t->rows[r].line, lxw_strerror(e));
		}
	}
	return 0;
}

static void make_formats(lxw_workbook *wb, struct formats *f)
{
	f->header = workbook_add_format(wb);
	format_set_bold(f->header);
	f->money = workbook_add_format(wb);
	format_set_num_format(f->money, "0.00");
	f->kg = workbook_add_format(wb);
	format_set_num_format(f->kg, "0.000");
	f->date = workbook_add_format(wb);
	format_set_num_format(f->date, "yyyy-mm-dd");
}

int xlsx_write_file(const char *path, const struct xlsx_sheet *sheets, size_t nsheets,
		    struct io_error *err)
{
	io_error_clear(err);
	const char *tmp = getenv("TMPDIR");
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE,
				    .tmpdir = (char *)(tmp && *tmp ? tmp : "/tmp")};
	lxw_workbook *wb = workbook_new_opt(path, &opt);
	if (!wb)
		return io_errorf(err, IO_ESYS, 0, NULL, "cannot create '%s'", "无法创建“%s”", path,
				 path);
	struct formats f;
	make_formats(wb, &f);
	int rc = 0;
	for (size_t i = 0; !rc && i < nsheets; i++)
		rc = write_sheet(wb, &sheets[i], &f, err);
	lxw_error e = workbook_close(wb); /* frees wb, also after a failure */
	if (!rc && e != LXW_NO_ERROR)
		rc = lxw_fail(err, e, path);
	if (rc)
		unlink(path);
	return rc;
}

static int slurp(const char *path, char **out, size_t *len, struct io_error *err)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	if (!f || fstat(fileno(f), &st) != 0) {
		int rc = io_errorf(err, IO_ESYS, 0, NULL, "cannot read '%s': %s", "无法读取“%s”：%s",
				   path, strerror(errno), path, strerror(errno));
		if (f)
			fclose(f);
		return rc;
	}
	char *p = xmalloc((size_t)st.st_size + 1);
	size_t got = fread(p, 1, (size_t)st.st_size, f);
	fclose(f);
	if (got != (size_t)st.st_size) {
		free(p);
		return io_errorf(err, IO_ESYS, 0, NULL, "cannot read '%s': short read",
				 "无法读取“%s”：读取不完整", path, path);
	}
	*out = p;
	*len = got;
	return 0;
}

int xlsx_write_mem(const struct xlsx_sheet *sheets, size_t nsheets, char **out, size_t *len,
		   struct io_error *err)
{
	const char *tmp = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/shanhai-xlsx-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0)
		return io_errorf(err, IO_ESYS, 0, NULL, "cannot create a temporary file: %s",
				 "无法创建临时文件：%s", strerror(errno), strerror(errno));
	close(fd);
	int rc = xlsx_write_file(path, sheets, nsheets, err);
	if (!rc)
		rc = slurp(path, out, len, err);
	unlink(path);
	return rc;
}
