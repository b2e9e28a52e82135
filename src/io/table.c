/*
 * The table type (see table.h): building rows and cells into flat arrays,
 * looking up header columns, the two-language error struct, and the
 * content-sniffing entry points that hand a file to the CSV or xlsx reader.
 */
#include "io/table.h"
#include "io/io_int.h"
#include "lib/alloc.h"
#include "lib/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Cell offsets are 32-bit; keep the text blob well below that. */
#define TABLE_MAX_TEXT_BYTES (1024u * 1024 * 1024)

void io_error_clear(struct io_error *err)
{
	if (!err)
		return;
	err->code = IO_OK;
	err->line = 0;
	err->column[0] = '\0';
	err->message[0] = '\0';
	err->message_zh[0] = '\0';
}

void io_error_set(struct io_error *err, enum io_code code, long line, const char *column,
		  const char *message, const char *message_zh)
{
	if (!err)
		return;
	err->code = code;
	err->line = line;
	snprintf(err->column, sizeof(err->column), "%s", column ? column : "");
	snprintf(err->message, sizeof(err->message), "%s", message ? message : "");
	snprintf(err->message_zh, sizeof(err->message_zh), "%s", message_zh ? message_zh : "");
}

int io_errorf(struct io_error *err, enum io_code code, long line, const char *column,
	      const char *en, const char *zh, ...)
{
	if (!err)
		return -(int)code;
	char m[256], mz[256];
	va_list ap, ap2;
	va_start(ap, zh);
	va_copy(ap2, ap);
	vsnprintf(m, sizeof(m), en, ap);
	vsnprintf(mz, sizeof(mz), zh, ap2);
	va_end(ap2);
	va_end(ap);
	io_error_set(err, code, line, column, m, mz);
	return -(int)code;
}

void table_init(struct table *t)
{
	memset(t, 0, sizeof(*t));
}

void table_release(struct table *t)
{
	free(t->text);
	free(t->cell_off);
	free(t->rows);
	free(t->sheet);
	table_init(t);
}

void table_reserve_text(struct table *t, size_t n)
{
	if (t->text_cap - t->text_len >= n)
		return;
	size_t cap = t->text_cap ? t->text_cap : 4096;
	while (cap - t->text_len < n)
		cap *= 2;
	t->text = xrealloc(t->text, cap);
	t->text_cap = cap;
}

static void ensure_empty_string(struct table *t)
{
	if (t->text_len)
		return;
	table_reserve_text(t, 1);
	t->text[0] = '\0';
	t->text_len = 1;
}

int table_add_row(struct table *t, long line, struct io_error *err)
{
	if (t->nrows >= TABLE_MAX_ROWS)
		return io_errorf(err, IO_ETOOBIG, line, NULL,
				 "line %ld: too many rows (more than %u data rows)",
				 "第 %ld 行：行数过多（数据行超过 %u 行）", line, TABLE_MAX_ROWS - 1,
				 line, TABLE_MAX_ROWS - 1);
	if (t->nrows == t->rows_cap) {
		t->rows_cap = t->rows_cap ? t->rows_cap * 2 : 256;
		t->rows = xrealloc(t->rows, t->rows_cap * sizeof(*t->rows));
	}
	ensure_empty_string(t);
	t->rows[t->nrows++] = (struct table_row){.first = t->ncell_total, .ncells = 0, .line = line};
	return 0;
}

int table_add_cell_at(struct table *t, size_t off, size_t len, struct io_error *err)
{
	struct table_row *r = &t->rows[t->nrows - 1];
	if (r->ncells >= TABLE_MAX_COLUMNS)
		return io_errorf(err, IO_ETOOBIG, r->line, NULL,
				 "line %ld: too many columns (more than %u)",
				 "第 %ld 行：列数过多（超过 %u 列）", r->line, TABLE_MAX_COLUMNS,
				 r->line, TABLE_MAX_COLUMNS);
	if (len > TABLE_MAX_CELL_BYTES) {
		char col[16];
		snprintf(col, sizeof(col), "%u", r->ncells + 1);
		return io_errorf(err, IO_ETOOBIG, r->line, col,
				 "line %ld: cell in column %u is too long (more than %u bytes)",
				 "第 %ld 行：第 %u 列单元格内容过长（超过 %u 字节）", r->line,
				 r->ncells + 1, TABLE_MAX_CELL_BYTES, r->line, r->ncells + 1,
				 TABLE_MAX_CELL_BYTES);
	}
	if (t->ncell_total == t->cell_cap) {
		t->cell_cap = t->cell_cap ? t->cell_cap * 2 : 1024;
		t->cell_off = xrealloc(t->cell_off, t->cell_cap * sizeof(*t->cell_off));
	}
	t->cell_off[t->ncell_total++] = (uint32_t)off;
	r->ncells++;
	return 0;
}

int table_add_text(struct table *t, const char *p, size_t n, size_t *off, struct io_error *err)
{
	ensure_empty_string(t);
	if (n == 0) {
		*off = 0;
		return 0;
	}
	if (t->text_len + n + 1 > TABLE_MAX_TEXT_BYTES)
		return io_errorf(err, IO_ETOOBIG, 0, NULL,
				 "too much text in the table (more than %u MiB)",
				 "表格文字总量过大（超过 %u MiB）", TABLE_MAX_TEXT_BYTES >> 20,
				 TABLE_MAX_TEXT_BYTES >> 20);
	table_reserve_text(t, n + 1);
	*off = t->text_len;
	memcpy(t->text + *off, p, n);
	t->text[*off + n] = '\0';
	t->text_len += n + 1;
	return 0;
}

int table_add_cell(struct table *t, const char *p, size_t n, struct io_error *err)
{
	if (!t->nrows)
		return io_errorf(err, IO_EFORMAT, 0, NULL, "cell added before any row",
				 "在添加行之前添加了单元格");
	if (n > TABLE_MAX_CELL_BYTES)
		return table_add_cell_at(t, 0, n, err); /* reports the limit */
	size_t off;
	int rc = table_add_text(t, p, n, &off, err);
	return rc ? rc : table_add_cell_at(t, off, n, err);
}

int table_add_cstr(struct table *t, const char *s, struct io_error *err)
{
	return table_add_cell(t, s, strlen(s), err);
}

bool table_row_is_blank(const struct table *t, size_t row)
{
	for (size_t c = 0; c < table_row_width(t, row); c++)
		if (str_trim(str_from(table_cell(t, row, c))).n)
			return false;
	return true;
}

int table_column(const struct table *t, const char *name)
{
	struct str want = str_trim(str_from(name));
	for (size_t c = 0; c < table_row_width(t, 0); c++) {
		struct str have = str_trim(str_from(table_cell(t, 0, c)));
		if (have.n == want.n && strncasecmp(have.p, want.p, want.n) == 0)
			return (int)c;
	}
	return -1;
}

int table_require_columns(const struct table *t, const char *const *names, size_t n,
			  int *idx, struct io_error *err)
{
	for (size_t i = 0; i < n; i++) {
		idx[i] = table_column(t, names[i]);
		if (idx[i] < 0)
			return io_errorf(err, IO_ECOLUMN, t->nrows ? t->rows[0].line : 1, names[i],
					 "missing column '%s' in the header row",
					 "表头缺少列“%s”", names[i], names[i]);
	}
	return 0;
}

static bool looks_like_zip(const unsigned char *p, size_t n)
{
	return n >= 4 && p[0] == 'P' && p[1] == 'K' && p[2] == 3 && p[3] == 4;
}

int table_read_mem(const void *p, size_t n, struct table *out, struct io_error *err)
{
	table_init(out);
	io_error_clear(err);
	if (n > TABLE_MAX_FILE_BYTES)
		return io_errorf(err, IO_ETOOBIG, 0, NULL,
				 "file too large (%zu bytes; the limit is 64 MiB)",
				 "文件过大（%zu 字节，上限 64 MiB）", n, n);
	if (looks_like_zip(p, n))
		return table_read_xlsx(p, n, out, err);
	return table_read_csv(p, n, out, err);
}

static int read_whole_file(const char *path, char **data, size_t *len, struct io_error *err)
{
	int rc = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return io_errorf(err, IO_ESYS, 0, NULL, "cannot open '%s': %s",
				 "无法打开文件“%s”：%s", path, strerror(errno), path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = io_errorf(err, IO_ESYS, 0, NULL, "cannot read '%s': not a regular file",
			       "无法读取“%s”：不是普通文件", path, path);
		goto out_close;
	}
	if ((unsigned long long)st.st_size > TABLE_MAX_FILE_BYTES) {
		rc = io_errorf(err, IO_ETOOBIG, 0, NULL,
			       "file too large ('%s' is %lld bytes; the limit is 64 MiB)",
			       "文件过大（“%s”为 %lld 字节，上限 64 MiB）", path,
			       (long long)st.st_size, path, (long long)st.st_size);
		goto out_close;
	}
	size_t want = (size_t)st.st_size, got = 0;
	char *buf = xmalloc(want + 2); /* the layout csv_read_owned wants */
	while (got < want) {
		ssize_t r = read(fd, buf + 1 + got, want - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			free(buf);
			rc = io_errorf(err, IO_ESYS, 0, NULL, "cannot read '%s': %s",
				       "无法读取“%s”：%s", path, r ? strerror(errno) : "short read",
				       path, r ? strerror(errno) : "short read");
			goto out_close;
		}
		got += (size_t)r;
	}
	*data = buf;
	*len = got;
out_close:
	close(fd);
	return rc;
}

int table_read_file(const char *path, struct table *out, struct io_error *err)
{
	char *data = NULL;
	size_t len = 0;
	table_init(out);
	io_error_clear(err);
	int rc = read_whole_file(path, &data, &len, err);
	if (rc)
		return rc;
	if (looks_like_zip((unsigned char *)data + 1, len)) {
		rc = table_read_xlsx(data + 1, len, out, err);
		free(data);
		return rc;
	}
	return csv_read_owned(data, len, out, err);
}

void xlsx_column_name(unsigned col, char out[8])
{
	char rev[8];
	int n = 0;
	col++;
	while (col && n < 7) {
		rev[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (int i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	out[n] = '\0';
}
