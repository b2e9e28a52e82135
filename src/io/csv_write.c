/*
 * CSV writer; see csv_write.h. Fields are quoted only when they must be
 * (comma, quote, CR, LF, tab or semicolon inside).
 */
#include "io/csv_write.h"
#include "io/io_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* "12", "-12.5", "+3": an optional sign, digits, optionally '.' and digits. */
static bool plain_number(const char *s)
{
	if (*s == '+' || *s == '-')
		s++;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		s++;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

bool csv_cell_needs_guard(const char *cell)
{
	switch (cell[0]) {
	case '=': case '+': case '-': case '@': case '\t': case '\r':
		return !plain_number(cell);
	default:
		return false;
	}
}

static int add_cell(struct buf *out, const char *cell)
{
	bool guard = csv_cell_needs_guard(cell);
	/* tabs and semicolons are quoted too, so a one-column file is never
	 * mistaken for a tab- or semicolon-separated one when read back */
	bool quote = strpbrk(cell, ",\"\r\n\t;") != NULL;
	int rc = 0;
	if (quote)
		rc |= buf_add(out, "\"", 1);
	if (guard)
		rc |= buf_add(out, "'", 1);
	if (!quote)
		return rc | buf_adds(out, cell);
	for (const char *q; (q = strchr(cell, '"')) != NULL; cell = q + 1)
		rc |= buf_add(out, cell, (size_t)(q - cell + 1)) | buf_add(out, "\"", 1);
	return rc | buf_adds(out, cell) | buf_add(out, "\"", 1);
}

int csv_write_buf(const struct table *t, struct buf *out, struct io_error *err)
{
	int rc = buf_add(out, "\xEF\xBB\xBF", 3);
	for (size_t r = 0; !rc && r < t->nrows; r++) {
		for (size_t c = 0; !rc && c < table_row_width(t, r); c++) {
			if (c)
				rc |= buf_add(out, ",", 1);
			rc |= add_cell(out, table_cell(t, r, c));
		}
		rc |= buf_add(out, "\r\n", 2);
	}
	if (rc)
		return io_errorf(err, IO_ETOOBIG, 0, NULL, "csv output too large (more than %zu bytes)",
				 "CSV 输出过大（超过 %zu 字节）", out->max, out->max);
	return 0;
}

int csv_write_file(const struct table *t, const char *path, struct io_error *err)
{
	struct buf b;
	buf_init(&b, (size_t)1 << 31);
	int rc = csv_write_buf(t, &b, err);
	if (rc)
		goto out_release;
	FILE *f = fopen(path, "wb");
	if (!f) {
		rc = io_errorf(err, IO_ESYS, 0, NULL, "cannot create '%s': %s", "无法创建“%s”：%s",
			       path, strerror(errno), path, strerror(errno));
		goto out_release;
	}
	bool ok = fwrite(b.p, 1, b.n, f) == b.n;
	ok = (fclose(f) == 0) && ok;
	if (!ok)
		rc = io_errorf(err, IO_ESYS, 0, NULL, "cannot write '%s': %s", "无法写入“%s”：%s",
			       path, strerror(errno), path, strerror(errno));
out_release:
	buf_release(&b);
	return rc;
}
