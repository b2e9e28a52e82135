/*
 * CSV reader (RFC 4180) for orders exported by sales channels and by Excel.
 *
 * Accepts quoted fields with doubled quotes and embedded newlines, CRLF or LF
 * line ends, an optional UTF-8 byte-order mark, and files Excel on Chinese
 * Windows saves as GBK/GB18030: valid UTF-8 is taken as is, anything else is
 * converted from GB18030 with iconv, and bytes valid in neither are refused
 * with the line they are on. Only commas separate fields; a tab- or
 * semicolon-separated file is refused with a message saying so.
 *
 * Speed matters (bulk import of a million order lines), so the parser works in
 * place: the whole file is one buffer that becomes the table's text blob, each
 * field is unquoted where it lies and NUL-terminated over its delimiter, and the
 * table only records offsets. No allocation per cell.
 */
#include "io/io_int.h"
#include "io/table.h"
#include "lib/alloc.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Line number (1-based) of byte offset off in p. */
static long line_of(const char *p, size_t off)
{
	long line = 1;
	const char *end = p + off;
	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		line++;
		p++;
	}
	return line;
}

/* Length of the longest valid UTF-8 prefix of p[0..n) (NUL bytes count as
 * invalid, as do overlongs, surrogates and code points above U+10FFFF). */
static size_t utf8_valid_prefix(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			/* all ASCII and no zero byte: skip 8 at once */
			if (!(w & 0x8080808080808080ull) &&
			    !((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull)) {
				i += 8;
				continue;
			}
		}
		unsigned c = p[i];
		if (c == 0)
			return i;
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t len;
		unsigned cp, min;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2, cp = c & 0x1F, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3, cp = c & 0x0F, min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return i;
		}
		if (n - i < len)
			return i;
		for (size_t k = 1; k < len; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += len;
	}
	return i;
}

/*
 * Convert p[0..n) from GB18030 into a new buffer laid out for parsing (spare
 * byte, text, spare byte). On bytes that are not GB18030 either, fail naming
 * the line of the first bad byte.
 */
static int gb18030_to_utf8(const char *p, size_t n, char **out, size_t *out_n,
			   struct io_error *err)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return io_errorf(err, IO_EENCODING, 0, NULL,
				 "cannot convert from gb18030: iconv has no such converter",
				 "无法从 GB18030 转换：系统缺少 iconv 转换器");
	size_t cap = n * 2 + 4; /* GB18030 -> UTF-8 grows by at most 3/2 */
	char *buf = xmalloc(cap + 2);
	char *in = (char *)p, *o = buf + 1;
	size_t in_left = n, out_left = cap;
	int rc = 0;
	if (iconv(cd, &in, &in_left, &o, &out_left) == (size_t)-1) {
		size_t at = (size_t)(in - p);
		long line = line_of(p, at);
		unsigned byte = (unsigned char)p[at];
		free(buf);
		rc = io_errorf(err, IO_EENCODING, line, NULL,
			       "line %ld: invalid byte 0x%02x: the file is neither utf-8 nor gb18030 "
			       "(gbk) text",
			       "第 %ld 行：无效字节 0x%02x，文件既不是 UTF-8 也不是 GB18030（GBK）编码",
			       line, byte, line, byte);
		goto out_close;
	}
	*out = buf;
	*out_n = (size_t)(o - (buf + 1));
out_close:
	iconv_close(cd);
	return rc;
}

/* Refuse UTF-16, NUL bytes and undecodable bytes; leave UTF-8 text in *data.
 * *data may be replaced (the old buffer is freed). */
static int decode(char **data, size_t *n, size_t *start, struct io_error *err)
{
	const unsigned char *p = (unsigned char *)*data + 1;
	if (*n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF)))
		return io_errorf(err, IO_EENCODING, 1, NULL,
				 "the file is utf-16 text; save it as 'csv utf-8' or 'csv' instead",
				 "文件是 UTF-16 编码，请另存为“CSV UTF-8”或“CSV”格式");
	const char *nul = memchr(p, '\0', *n);
	if (nul) {
		long line = line_of((const char *)p, (size_t)(nul - (const char *)p));
		return io_errorf(err, IO_EENCODING, line, NULL,
				 "line %ld: nul byte: this is not a text file",
				 "第 %ld 行：含有空字节，这不是文本文件", line, line);
	}
	*start = 1;
	if (*n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		*start = 4;
	size_t body = *n - (*start - 1);
	if (utf8_valid_prefix(p + *start - 1, body) == body)
		return 0;
	char *conv = NULL;
	size_t conv_n = 0;
	int rc = gb18030_to_utf8((const char *)p, *n, &conv, &conv_n, err);
	if (rc)
		return rc;
	free(*data);
	*data = conv;
	*n = conv_n;
	*start = 1;
	return 0;
}

/* Refuse a first record that is clearly separated by tabs or semicolons:
 * one of them outside quotes and no comma outside quotes. */
static int check_delimiter(const char *p, size_t n, struct io_error *err)
{
	bool quoted = false, comma = false, tab = false, semicolon = false;
	for (size_t i = 0; i < n && (quoted || p[i] != '\n'); i++) {
		char c = p[i];
		if (c == '"')
			quoted = !quoted;
		else if (!quoted)
			comma |= c == ',', tab |= c == '\t', semicolon |= c == ';';
	}
	if (comma)
		return 0;
	if (tab)
		return io_errorf(err, IO_EFORMAT, 1, NULL,
				 "line 1: the file is tab-separated; only comma-separated csv is "
				 "accepted",
				 "第 1 行：文件以制表符分隔，只接受逗号分隔的 CSV 文件");
	if (semicolon)
		return io_errorf(err, IO_EFORMAT, 1, NULL,
				 "line 1: the file is semicolon-separated; only comma-separated csv "
				 "is accepted",
				 "第 1 行：文件以分号分隔，只接受逗号分隔的 CSV 文件");
	return 0;
}

struct parser {
	char *b;       /* the buffer; b[end] is a '\n' sentinel */
	size_t i, end;
	long line;     /* current physical line */
	struct table *t;
	struct io_error *err;
};

/* A quoted field starting at ps->i (the opening quote): unquote it in place.
 * Leaves ps->i on the delimiter after the closing quote; *delim gets it. */
static int quoted_field(struct parser *ps, char *delim)
{
	char *b = ps->b;
	size_t w = ps->i, r = ps->i + 1, end = ps->end;
	long start_line = ps->line;
	for (;;) {
		if (r >= end)
			return io_errorf(ps->err, IO_EFORMAT, start_line, NULL,
					 "line %ld: unterminated quoted field (the quote opened "
					 "here is never closed)",
					 "第 %ld 行：引号未闭合（从这里开始的引号字段没有结束引号）",
					 start_line, start_line);
		char c = b[r];
		if (c == '"') {
			if (r + 1 < end && b[r + 1] == '"') {
				b[w++] = '"';
				r += 2;
				continue;
			}
			r++;
			break;
		}
		if (c == '\n')
			ps->line++;
		b[w++] = c;
		r++;
	}
	if (b[r] == '\r' && r + 1 <= end && b[r + 1] == '\n')
		r++;
	if (b[r] != ',' && b[r] != '\n')
		return io_errorf(ps->err, IO_EFORMAT, ps->line, NULL,
				 "line %ld: unexpected text after a closing quote",
				 "第 %ld 行：结束引号后出现多余字符", ps->line, ps->line);
	*delim = b[r];
	b[w] = '\0';
	size_t off = ps->i;
	ps->i = r;
	return table_add_cell_at(ps->t, off, w - off, ps->err);
}

/* An unquoted field: everything up to the next comma or line end (a CR just
 * before LF is not part of it; quotes inside are kept literally). */
static int plain_field(struct parser *ps, char *delim)
{
	char *b = ps->b;
	size_t r = ps->i;
	char c;
	while ((c = b[r]) != ',' && c != '\n')
		r++;
	size_t len = r - ps->i;
	if (c == '\n' && len && b[r - 1] == '\r')
		len--;
	b[ps->i + len] = '\0';
	*delim = c;
	size_t off = ps->i;
	ps->i = r;
	return table_add_cell_at(ps->t, off, len, ps->err);
}

static int record(struct parser *ps)
{
	int rc = table_add_row(ps->t, ps->line, ps->err);
	if (rc)
		return rc;
	for (;;) {
		char delim = 0;
		rc = ps->b[ps->i] == '"' ? quoted_field(ps, &delim) : plain_field(ps, &delim);
		if (rc)
			return rc;
		ps->i++;
		if (delim == '\n') {
			ps->line++;
			return 0;
		}
	}
}

static int parse(struct parser *ps)
{
	while (ps->i < ps->end) {
		char *b = ps->b + ps->i;
		size_t blank = b[0] == '\n' ? 1 : (b[0] == '\r' && b[1] == '\n') ? 2 : 0;
		if (blank) {
			/* an empty line is a row without cells, so row lines stay true */
			int rc = table_add_row(ps->t, ps->line, ps->err);
			if (rc)
				return rc;
			ps->i += blank;
			ps->line++;
			continue;
		}
		int rc = record(ps);
		if (rc)
			return rc;
	}
	return 0;
}

int csv_read_owned(char *data, size_t n, struct table *out, struct io_error *err)
{
	size_t start = 1;
	table_init(out);
	io_error_clear(err);
	out->source = TABLE_CSV;
	out->sheet = xstrdup("");
	int rc = decode(&data, &n, &start, err);
	if (rc)
		goto out_free_data;
	rc = check_delimiter(data + start, n + 1 - start, err);
	if (rc)
		goto out_free_data;
	data[0] = '\0'; /* offset 0 is the empty string, as table.h promises */
	data[n + 1] = '\n';
	out->text = data;
	out->text_len = out->text_cap = n + 2;
	struct parser ps = {.b = data, .i = start, .end = n + 1, .line = 1, .t = out, .err = err};
	rc = parse(&ps);
	if (rc)
		table_release(out);
	return rc;
out_free_data:
	free(data);
	table_release(out);
	return rc;
}

int table_read_csv(const void *p, size_t n, struct table *out, struct io_error *err)
{
	table_init(out);
	if (n > TABLE_MAX_FILE_BYTES)
		return io_errorf(err, IO_ETOOBIG, 0, NULL,
				 "file too large (%zu bytes; the limit is 64 MiB)",
				 "文件过大（%zu 字节，上限 64 MiB）", n, n);
	char *data = xmalloc(n + 2);
	if (n)
		memcpy(data + 1, p, n);
	return csv_read_owned(data, n, out, err);
}
