/*
 * .xlsx reader on libzip and expat: Debian has no C library that reads Excel
 * files, and orders from the channels often come as .xlsx.
 *
 * It reads the first worksheet in workbook order, found the way Excel finds
 * it (_rels/.rels -> workbook -> workbook rels), never by assuming
 * sheet1.xml. Cells become text: shared strings (rich-text runs joined,
 * phonetic guides dropped), inline strings, numbers as written ("12.5"; "3.0"
 * becomes "3"), booleans as TRUE/FALSE, error values as their text, formula
 * cells as their cached value (never the formula), and numbers in a date
 * format as "YYYY-MM-DD" (1900 system with its leap-year bug, or 1904).
 * Missing cells and missing rows inside the sheet are filled with "".
 *
 * Hostile files: the archive may hold at most XLSX_MAX_ENTRIES entries and
 * XLSX_MAX_UNZIPPED bytes are inflated in all (counted as they are read, not
 * trusted from the directory), and any DOCTYPE is refused, so no entity
 * expansion and no external entities.
 */
#include "io/io_int.h"
#include "io/table.h"
#include "lib/alloc.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#define XLSX_MAX_ENTRIES 10000
#define XLSX_MAX_UNZIPPED (256u * 1024 * 1024)
#define XLSX_MAX_PATH 512
#define XLSX_MAX_STYLES 65536

struct zipin {
	zip_t *za;
	size_t budget; /* bytes we may still inflate */
};

/* What every expat callback context starts with, so handlers can fail. */
struct xml_ctx {
	XML_Parser xp;
	int rc;
	struct io_error *err;
	const char *entry;
};

static int open_zip(const void *p, size_t n, struct zipin *z, struct io_error *err)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(p, n, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return io_errorf(err, IO_EFORMAT, 0, NULL, "not a valid xlsx file (zip error)",
				 "不是有效的 xlsx 文件（zip 错误）");
	}
	z->za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!z->za) {
		zip_source_free(src);
		/* each zip_*strerror call frees the string the previous one returned */
		char why[128];
		snprintf(why, sizeof(why), "%s", zip_error_strerror(&ze));
		int rc = io_errorf(err, IO_EFORMAT, 0, NULL, "not a valid xlsx file: %s",
				   "不是有效的 xlsx 文件：%s", why, why);
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	z->budget = XLSX_MAX_UNZIPPED;
	zip_int64_t entries = zip_get_num_entries(z->za, 0);
	if (entries < 0 || entries > XLSX_MAX_ENTRIES) {
		zip_discard(z->za);
		z->za = NULL;
		return io_errorf(err, IO_ETOOBIG, 0, NULL,
				 "xlsx file has too many parts (%lld; the limit is %d)",
				 "xlsx 文件包含的部件过多（%lld 个，上限 %d）", (long long)entries,
				 XLSX_MAX_ENTRIES, (long long)entries, XLSX_MAX_ENTRIES);
	}
	return 0;
}

static const char *local_name(const char *name)
{
	const char *sp = strrchr(name, ' ');
	return sp ? sp + 1 : name;
}

/* The value of attribute `name` (local name, any namespace), or NULL. */
static const char *attr(const char **atts, const char *name)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(local_name(atts[i]), name) == 0)
			return atts[i + 1];
	return NULL;
}

/* The r:id attribute: local name "id" in a relationships namespace. */
static const char *attr_rel_id(const char **atts)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(local_name(atts[i]), "id") == 0 && strstr(atts[i], "relationships"))
			return atts[i + 1];
	return NULL;
}

static void xml_fail(struct xml_ctx *x, int rc)
{
	if (!x->rc)
		x->rc = rc;
	XML_StopParser(x->xp, XML_FALSE);
}

static void XMLCALL refuse_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
				   const XML_Char *pubid, int has_internal)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal;
	struct xml_ctx *x = ud;
	xml_fail(x, io_errorf(x->err, IO_EFORMAT, 0, NULL,
			      "xlsx part '%s' has a doctype, which is not allowed",
			      "xlsx 部件“%s”含有 DOCTYPE 声明，不允许", x->entry, x->entry));
}

static XML_Parser new_parser(struct xml_ctx *x, XML_StartElementHandler start,
			     XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	XML_Parser xp = XML_ParserCreateNS(NULL, ' ');
	if (!xp)
		abort(); /* expat only fails on out-of-memory */
	x->xp = xp;
	x->rc = 0;
	XML_SetUserData(xp, x);
	XML_SetElementHandler(xp, start, end);
	if (text)
		XML_SetCharacterDataHandler(xp, text);
	XML_SetStartDoctypeDeclHandler(xp, refuse_doctype);
	XML_SetParamEntityParsing(xp, XML_PARAM_ENTITY_PARSING_NEVER);
	return xp;
}

/*
 * Inflate entry `name` and feed it to x's parser, counting bytes against the
 * archive budget. 1 if the entry does not exist, 0 when parsed, else -code.
 */
static int parse_entry(struct zipin *z, const char *name, struct xml_ctx *x)
{
	zip_int64_t idx = zip_name_locate(z->za, name, ZIP_FL_NOCASE);
	if (idx < 0)
		return 1;
	x->entry = name;
	zip_file_t *f = zip_fopen_index(z->za, (zip_uint64_t)idx, 0);
	char why[128];
	if (!f) {
		snprintf(why, sizeof(why), "%s", zip_strerror(z->za));
		return io_errorf(x->err, IO_EFORMAT, 0, NULL, "cannot read xlsx part '%s': %s",
				 "无法读取 xlsx 部件“%s”：%s", name, why, name, why);
	}
	int rc = 0;
	char chunk[65536];
	for (;;) {
		zip_int64_t got = zip_fread(f, chunk, sizeof(chunk));
		if (got < 0) {
			snprintf(why, sizeof(why), "%s", zip_file_strerror(f));
			rc = io_errorf(x->err, IO_EFORMAT, 0, NULL,
				       "cannot read xlsx part '%s': %s", "无法读取 xlsx 部件“%s”：%s",
				       name, why, name, why);
			goto out_close;
		}
		if ((size_t)got > z->budget) {
			rc = io_errorf(x->err, IO_ETOOBIG, 0, NULL,
				       "xlsx file unpacks to more than %u MiB (zip bomb?)",
				       "xlsx 文件解压后超过 %u MiB（疑似压缩炸弹）",
				       XLSX_MAX_UNZIPPED >> 20, XLSX_MAX_UNZIPPED >> 20);
			goto out_close;
		}
		z->budget -= (size_t)got;
		if (XML_Parse(x->xp, chunk, (int)got, got == 0) != XML_STATUS_OK) {
			if (x->rc) {
				rc = x->rc;
			} else {
				long line = (long)XML_GetCurrentLineNumber(x->xp);
				const char *why = XML_ErrorString(XML_GetErrorCode(x->xp));
				rc = io_errorf(x->err, IO_EFORMAT, 0, NULL,
					       "xlsx part '%s' is not well-formed xml (line %ld: %s)",
					       "xlsx 部件“%s”不是格式正确的 XML（第 %ld 行：%s）", name,
					       line, why, name, line, why);
			}
			goto out_close;
		}
		if (got == 0)
			break;
	}
	rc = x->rc;
out_close:
	zip_fclose(f);
	return rc;
}

/* ---- package relationships -------------------------------------------- */

struct rels {
	struct xml_ctx x;
	const char *want_id;        /* Relationship Id to find, or NULL */
	char by_id[XLSX_MAX_PATH];  /* its Target */
	char office[XLSX_MAX_PATH]; /* Target of .../officeDocument */
	char sst[XLSX_MAX_PATH];    /* Target of .../sharedStrings */
	char styles[XLSX_MAX_PATH]; /* Target of .../styles */
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void XMLCALL rels_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct rels *r = ud;
	if (strcmp(local_name(name), "Relationship") != 0)
		return;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type");
	const char *target = attr(atts, "Target");
	if (!id || !type || !target)
		return;
	if (r->want_id && strcmp(id, r->want_id) == 0)
		snprintf(r->by_id, sizeof(r->by_id), "%s", target);
	if (ends_with(type, "/officeDocument"))
		snprintf(r->office, sizeof(r->office), "%s", target);
	else if (ends_with(type, "/sharedStrings"))
		snprintf(r->sst, sizeof(r->sst), "%s", target);
	else if (ends_with(type, "/styles"))
		snprintf(r->styles, sizeof(r->styles), "%s", target);
}

static int read_rels(struct zipin *z, const char *path, const char *want_id, struct rels *r,
		     struct io_error *err)
{
	memset(r, 0, sizeof(*r));
	r->x.err = err;
	r->want_id = want_id;
	XML_Parser xp = new_parser(&r->x, rels_start, NULL, NULL);
	int rc = parse_entry(z, path, &r->x);
	XML_ParserFree(xp);
	return rc;
}

/* Resolve a relationship Target against the folder of the part that owns it.
 * "/xl/x.xml" is absolute; "worksheets/s.xml" relative to base_dir; "../"
 * steps up. */
static void resolve(const char *base_dir, const char *target, char out[XLSX_MAX_PATH])
{
	if (target[0] == '/') {
		snprintf(out, XLSX_MAX_PATH, "%s", target + 1);
		return;
	}
	char dir[XLSX_MAX_PATH];
	snprintf(dir, sizeof(dir), "%s", base_dir);
	while (strncmp(target, "../", 3) == 0) {
		size_t n = strlen(dir);
		if (n && dir[n - 1] == '/')
			dir[--n] = '\0';
		char *slash = strrchr(dir, '/');
		if (slash)
			slash[1] = '\0';
		else
			dir[0] = '\0';
		target += 3;
	}
	snprintf(out, XLSX_MAX_PATH, "%s%s", dir, target);
}

/* ---- workbook.xml: the first sheet and the date system ----------------- */

struct workbook {
	struct xml_ctx x;
	char sheet_name[256];
	char sheet_rid[128];
	bool have_sheet;
	bool date1904;
};

static void XMLCALL workbook_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct workbook *w = ud;
	const char *ln = local_name(name);
	if (strcmp(ln, "sheet") == 0 && !w->have_sheet) {
		const char *n = attr(atts, "name"), *rid = attr_rel_id(atts);
		if (!rid)
			return;
		snprintf(w->sheet_name, sizeof(w->sheet_name), "%s", n ? n : "");
		snprintf(w->sheet_rid, sizeof(w->sheet_rid), "%s", rid);
		w->have_sheet = true;
	} else if (strcmp(ln, "workbookPr") == 0) {
		const char *d = attr(atts, "date1904");
		w->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
	}
}

/* ---- styles.xml: which cell styles show a date ------------------------- */

struct styles {
	struct xml_ctx x;
	int depth_cellxfs;       /* >0 while inside <cellXfs> */
	int *xf_fmt;             /* numFmtId of each cellXfs <xf> */
	size_t nxf;
	struct { int id; bool date; } custom[512];
	size_t ncustom;
	bool *xf_is_date;        /* result, nxf entries */
};

/* Built-in formats that show dates: 14-22 everywhere, and the East Asian
 * ones (27-36, 50-58) Chinese Excel uses for 年月日. */
static bool builtin_is_date(int id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

/* A custom number format shows a date if, outside quotes, brackets and
 * escapes, it has y or d, or m without h or s (mm:ss is minutes). */
static bool format_is_date(const char *f)
{
	bool y = false, m = false, d = false, hs = false;
	for (; *f; f++) {
		char c = *f;
		if (c == '"') {
			const char *q = strchr(f + 1, '"');
			if (!q)
				break;
			f = q;
		} else if (c == '[') {
			const char *q = strchr(f + 1, ']');
			if (!q)
				break;
			f = q;
		} else if (c == '\\' || c == '_' || c == '*') {
			if (!f[1])
				break;
			f++;
		} else if (c == 'y' || c == 'Y' || c == 'e') {
			y = true;
		} else if (c == 'm' || c == 'M') {
			m = true;
		} else if (c == 'd' || c == 'D') {
			d = true;
		} else if (c == 'h' || c == 'H' || c == 's' || c == 'S') {
			hs = true;
		}
	}
	return y || d || (m && !hs);
}

static void XMLCALL styles_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct styles *s = ud;
	const char *ln = local_name(name);
	if (strcmp(ln, "cellXfs") == 0) {
		s->depth_cellxfs++;
	} else if (strcmp(ln, "xf") == 0 && s->depth_cellxfs) {
		if (s->nxf >= XLSX_MAX_STYLES) {
			xml_fail(&s->x, io_errorf(s->x.err, IO_ETOOBIG, 0, NULL,
						  "xlsx file has too many cell styles",
						  "xlsx 文件的单元格样式过多"));
			return;
		}
		if ((s->nxf & (s->nxf - 1)) == 0)
			s->xf_fmt = xrealloc(s->xf_fmt, (s->nxf ? s->nxf * 2 : 16) * sizeof(int));
		const char *id = attr(atts, "numFmtId");
		s->xf_fmt[s->nxf++] = id ? (int)strtol(id, NULL, 10) : 0;
	} else if (strcmp(ln, "numFmt") == 0 && s->ncustom < 512) {
		const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
		if (id && code) {
			s->custom[s->ncustom].id = (int)strtol(id, NULL, 10);
			s->custom[s->ncustom].date = format_is_date(code);
			s->ncustom++;
		}
	}
}

static void XMLCALL styles_end(void *ud, const XML_Char *name)
{
	struct styles *s = ud;
	if (strcmp(local_name(name), "cellXfs") == 0 && s->depth_cellxfs)
		s->depth_cellxfs--;
}

static void styles_resolve(struct styles *s)
{
	s->xf_is_date = xcalloc(s->nxf ? s->nxf : 1, sizeof(bool));
	for (size_t i = 0; i < s->nxf; i++) {
		int id = s->xf_fmt[i];
		bool date = builtin_is_date(id);
		for (size_t k = 0; k < s->ncustom; k++)
			if (s->custom[k].id == id)
				date = s->custom[k].date;
		s->xf_is_date[i] = date;
	}
}

/* ---- sharedStrings.xml -------------------------------------------------- */

struct sst {
	struct xml_ctx x;
	struct table *t;
	uint32_t *off;    /* offset in t->text of each string */
	uint32_t *len;
	size_t n, cap;
	int in_si, in_t, in_rph;
	struct buf text;
};

static void XMLCALL sst_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	(void)atts;
	struct sst *s = ud;
	const char *ln = local_name(name);
	if (strcmp(ln, "si") == 0) {
		s->in_si = 1;
		buf_reset(&s->text);
	} else if (strcmp(ln, "t") == 0 && s->in_si) {
		s->in_t = 1;
	} else if (strcmp(ln, "rPh") == 0) {
		s->in_rph++;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *name)
{
	struct sst *s = ud;
	const char *ln = local_name(name);
	if (strcmp(ln, "t") == 0) {
		s->in_t = 0;
	} else if (strcmp(ln, "rPh") == 0) {
		s->in_rph--;
	} else if (strcmp(ln, "si") == 0 && s->in_si) {
		s->in_si = 0;
		size_t off;
		int rc = table_add_text(s->t, s->text.p ? s->text.p : "", s->text.n, &off, s->x.err);
		if (rc) {
			xml_fail(&s->x, rc);
			return;
		}
		if (s->n == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 256;
			s->off = xrealloc(s->off, s->cap * sizeof(*s->off));
			s->len = xrealloc(s->len, s->cap * sizeof(*s->len));
		}
		s->off[s->n] = (uint32_t)off;
		s->len[s->n] = (uint32_t)s->text.n;
		s->n++;
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *p, int n)
{
	struct sst *s = ud;
	if (!s->in_t || s->in_rph)
		return;
	if (buf_add(&s->text, p, (size_t)n) != 0)
		xml_fail(&s->x, io_errorf(s->x.err, IO_ETOOBIG, 0, NULL,
					  "shared string %zu is too long (more than %u bytes)",
					  "共享字符串 %zu 过长（超过 %u 字节）", s->n + 1,
					  TABLE_MAX_CELL_BYTES, s->n + 1, TABLE_MAX_CELL_BYTES));
}

/* ---- the worksheet ------------------------------------------------------ */

enum cell_type { CT_NUMBER, CT_SHARED, CT_INLINE, CT_STR, CT_BOOL, CT_ERROR, CT_DATE_ISO };

struct sheet {
	struct xml_ctx x;
	struct table *t;
	const struct sst *sst;
	const struct styles *styles;
	bool date1904;
	long row;             /* current row number, 0 outside <row> */
	long last_row;        /* previous row number */
	int last_col;         /* column of the previous cell in this row, -1 at start */
	uint32_t slot[TABLE_MAX_COLUMNS]; /* text offset per column of the row */
	uint32_t slot_len[TABLE_MAX_COLUMNS];
	int width;            /* columns used in this row */
	/* the cell being read */
	bool in_cell;
	int col;
	enum cell_type type;
	long style;
	int in_v, in_is, in_t, in_rph;
	struct buf text;
};

static int sheet_err(struct sheet *s, enum io_code code, const char *en, const char *zh)
{
	char col[8] = "";
	if (s->in_cell)
		xlsx_column_name((unsigned)s->col, col);
	int rc = io_errorf(s->x.err, code, s->row, col, "row %ld: %s", "第 %ld 行：%s", s->row,
			   en, s->row, zh);
	xml_fail(&s->x, rc);
	return rc;
}

/* Parse "BC12" into a 0-based column; -1 if malformed or past the limit. */
static int parse_cell_ref(const char *r)
{
	long col = 0;
	int letters = 0;
	for (; *r >= 'A' && *r <= 'Z'; r++) {
		col = col * 26 + (*r - 'A' + 1);
		if (++letters > 3)
			return -1;
	}
	if (!letters || col > (long)TABLE_MAX_COLUMNS)
		return -2;
	return (int)col - 1;
}

static void emit_gap_rows(struct sheet *s, long upto)
{
	/* missing rows inside the sheet become empty rows, so rows stay in step */
	for (long r = s->last_row + 1; r < upto && s->last_row; r++) {
		int rc = table_add_row(s->t, r, s->x.err);
		if (rc) {
			xml_fail(&s->x, rc);
			return;
		}
	}
}

static void row_start(struct sheet *s, const char **atts)
{
	const char *r = attr(atts, "r");
	long n = s->last_row + 1;
	if (r) {
		int64_t v;
		if (parse_int64(str_from(r), &v) != 0 || v < 1 || v > 1048576) {
			s->row = s->last_row + 1;
			sheet_err(s, IO_EFORMAT, "invalid row number", "行号无效");
			return;
		}
		n = (long)v;
	}
	s->row = n;
	if (n <= s->last_row) {
		sheet_err(s, IO_EFORMAT, "rows out of order", "行的顺序错乱");
		return;
	}
	if (n - 1 > (long)TABLE_MAX_ROWS) {
		sheet_err(s, IO_ETOOBIG, "too many rows (more than 1000000 data rows)",
			  "行数过多（数据行超过 1000000 行）");
		return;
	}
	emit_gap_rows(s, n);
	s->width = 0;
	s->last_col = -1;
}

static void row_end(struct sheet *s)
{
	int rc = table_add_row(s->t, s->row, s->x.err);
	for (int c = 0; !rc && c < s->width; c++)
		rc = table_add_cell_at(s->t, s->slot[c], s->slot_len[c], s->x.err);
	if (rc)
		xml_fail(&s->x, rc);
	memset(s->slot, 0, sizeof(s->slot[0]) * (size_t)s->width);
	memset(s->slot_len, 0, sizeof(s->slot_len[0]) * (size_t)s->width);
	s->last_row = s->row;
	s->row = 0;
}

static enum cell_type cell_type_of(const char *t)
{
	if (!t || strcmp(t, "n") == 0)
		return CT_NUMBER;
	if (strcmp(t, "s") == 0)
		return CT_SHARED;
	if (strcmp(t, "inlineStr") == 0)
		return CT_INLINE;
	if (strcmp(t, "b") == 0)
		return CT_BOOL;
	if (strcmp(t, "e") == 0)
		return CT_ERROR;
	if (strcmp(t, "d") == 0)
		return CT_DATE_ISO;
	return CT_STR;
}

static void cell_start(struct sheet *s, const char **atts)
{
	if (!s->row) {
		sheet_err(s, IO_EFORMAT, "cell outside a row", "单元格不在任何行内");
		return;
	}
	const char *r = attr(atts, "r");
	int col = r ? parse_cell_ref(r) : s->last_col + 1;
	if (col == -1 || (r && col < 0 && col != -2)) {
		sheet_err(s, IO_EFORMAT, "invalid cell reference", "单元格引用无效");
		return;
	}
	if (col == -2 || col >= (int)TABLE_MAX_COLUMNS) {
		sheet_err(s, IO_ETOOBIG, "too many columns (more than 256)", "列数过多（超过 256 列）");
		return;
	}
	const char *st = attr(atts, "s");
	s->in_cell = true;
	s->col = col;
	s->last_col = col;
	s->type = cell_type_of(attr(atts, "t"));
	s->style = st ? strtol(st, NULL, 10) : 0;
	s->in_v = s->in_is = s->in_t = s->in_rph = 0;
	buf_reset(&s->text);
}

/* Trailing ".000" of an integer written as a decimal; more than 15 significant
 * digits (binary noise like 0.30000000000000004) rounded as Excel shows it. */
static size_t tidy_number(char *v, size_t n, char *out, size_t outsz)
{
	const char *dot = memchr(v, '.', n);
	bool exp = memchr(v, 'E', n) || memchr(v, 'e', n);
	if (!dot || exp) {
		snprintf(out, outsz, "%.*s", (int)n, v);
		return strlen(out);
	}
	size_t digits = 0;
	bool leading = true;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			continue;
		if (leading && v[i] == '0')
			continue;
		leading = false;
		digits++;
	}
	if (digits > 15) {
		char tmp[64];
		snprintf(tmp, sizeof(tmp), "%.*s", (int)n, v);
		snprintf(out, outsz, "%.15g", strtod(tmp, NULL));
		if (!strchr(out, 'e'))
			return strlen(out);
	}
	snprintf(out, outsz, "%.*s", (int)n, v);
	size_t len = strlen(out);
	char *d = strchr(out, '.');
	while (len > (size_t)(d - out) + 1 && out[len - 1] == '0')
		out[--len] = '\0';
	if (out[len - 1] == '.')
		out[--len] = '\0';
	return len;
}

/* Serial day number to "YYYY-MM-DD"; false if out of Excel's range. */
static bool serial_to_date(const char *v, bool date1904, char out[16])
{
	char *end;
	double x = strtod(v, &end);
	if (end == v || *end || !(x >= 1 && x < 2958466))
		return false;
	long days = (long)floor(x);
	int64_t epoch;
	if (date1904) {
		epoch = days_from_civil(1904, 1, 1) + days;
	} else if (days == 60) {
		snprintf(out, 16, "1900-02-29"); /* Lotus 1-2-3's day that never was */
		return true;
	} else {
		/* serials 1..59 count from 1900-01-01; later ones are one too high */
		epoch = days_from_civil(1899, 12, 31) + days - (days > 60 ? 1 : 0);
	}
	date_format(epoch, out, 16);
	return true;
}

static bool style_is_date(const struct sheet *s)
{
	return s->styles && s->style >= 0 && (size_t)s->style < s->styles->nxf &&
	       s->styles->xf_is_date[s->style];
}

/* Set the current cell's slot to text p[0..n). */
static void put_cell(struct sheet *s, const char *p, size_t n)
{
	if (n > TABLE_MAX_CELL_BYTES) {
		sheet_err(s, IO_ETOOBIG, "cell too long (more than 65536 bytes)",
			  "单元格内容过长（超过 65536 字节）");
		return;
	}
	size_t off;
	int rc = table_add_text(s->t, p, n, &off, s->x.err);
	if (rc) {
		xml_fail(&s->x, rc);
		return;
	}
	s->slot[s->col] = (uint32_t)off;
	s->slot_len[s->col] = (uint32_t)n;
}

static void cell_end(struct sheet *s)
{
	const char *v = s->text.p ? s->text.p : "";
	size_t n = s->text.n;
	char tmp[64];
	if (s->col + 1 > s->width)
		s->width = s->col + 1;
	switch (s->type) {
	case CT_SHARED: {
		int64_t i;
		if (parse_int64(str_trim(str_from(v)), &i) != 0 || i < 0 ||
		    (uint64_t)i >= s->sst->n) {
			sheet_err(s, IO_EFORMAT, "shared string index out of range",
				  "共享字符串索引越界");
			break;
		}
		s->slot[s->col] = s->sst->off[i];
		s->slot_len[s->col] = s->sst->len[i];
		break;
	}
	case CT_BOOL:
		put_cell(s, strcmp(v, "1") == 0 ? "TRUE" : "FALSE", n ? (v[0] == '1' ? 4 : 5) : 0);
		break;
	case CT_NUMBER:
		if (!n)
			break;
		if (n < sizeof(tmp) && style_is_date(s) && serial_to_date(v, s->date1904, tmp)) {
			put_cell(s, tmp, strlen(tmp));
			break;
		}
		if (n < 40) {
			put_cell(s, tmp, tidy_number(s->text.p, n, tmp, sizeof(tmp)));
			break;
		}
		put_cell(s, v, n);
		break;
	default:
		put_cell(s, v, n);
		break;
	}
	s->in_cell = false;
}

static void XMLCALL sheet_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct sheet *s = ud;
	const char *ln = local_name(name);
	if (strcmp(ln, "row") == 0)
		row_start(s, atts);
	else if (strcmp(ln, "c") == 0)
		cell_start(s, atts);
	else if (!s->in_cell)
		return;
	else if (strcmp(ln, "v") == 0)
		s->in_v = 1;
	else if (strcmp(ln, "is") == 0)
		s->in_is = 1;
	else if (strcmp(ln, "t") == 0 && s->in_is)
		s->in_t = 1;
	else if (strcmp(ln, "rPh") == 0)
		s->in_rph++;
}

static void XMLCALL sheet_end(void *ud, const XML_Char *name)
{
	struct sheet *s = ud;
	const char *ln = local_name(name);
	if (strcmp(ln, "row") == 0 && s->row)
		row_end(s);
	else if (!s->in_cell)
		return;
	else if (strcmp(ln, "c") == 0)
		cell_end(s);
	else if (strcmp(ln, "v") == 0)
		s->in_v = 0;
	else if (strcmp(ln, "is") == 0)
		s->in_is = 0;
	else if (strcmp(ln, "t") == 0)
		s->in_t = 0;
	else if (strcmp(ln, "rPh") == 0)
		s->in_rph--;
}

static void XMLCALL sheet_text(void *ud, const XML_Char *p, int n)
{
	struct sheet *s = ud;
	bool want = s->in_cell && (s->type == CT_INLINE ? (s->in_t && !s->in_rph) : s->in_v);
	if (want && buf_add(&s->text, p, (size_t)n) != 0)
		sheet_err(s, IO_ETOOBIG, "cell too long (more than 65536 bytes)",
			  "单元格内容过长（超过 65536 字节）");
}

/* ---- putting it together ------------------------------------------------ */

static void dir_of(const char *path, char out[XLSX_MAX_PATH])
{
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) + 1 : 0;
	snprintf(out, XLSX_MAX_PATH, "%.*s", (int)n, path);
}

static int missing_part(struct io_error *err, const char *what)
{
	return io_errorf(err, IO_EFORMAT, 0, NULL, "not a valid xlsx file: no %s",
			 "不是有效的 xlsx 文件：缺少 %s", what, what);
}

/* Find the workbook part, its first sheet and the parts it relies on. */
static int locate_parts(struct zipin *z, struct workbook *wb, char sheet[XLSX_MAX_PATH],
			char sst[XLSX_MAX_PATH], char styles[XLSX_MAX_PATH], struct io_error *err)
{
	struct rels r;
	char wb_path[XLSX_MAX_PATH], dir[XLSX_MAX_PATH], rels_path[XLSX_MAX_PATH * 2];
	int rc = read_rels(z, "_rels/.rels", NULL, &r, err);
	if (rc < 0)
		return rc;
	resolve("", rc == 0 && r.office[0] ? r.office : "xl/workbook.xml", wb_path);

	memset(wb, 0, sizeof(*wb));
	wb->x.err = err;
	XML_Parser xp = new_parser(&wb->x, workbook_start, NULL, NULL);
	rc = parse_entry(z, wb_path, &wb->x);
	XML_ParserFree(xp);
	if (rc)
		return rc < 0 ? rc : missing_part(err, "workbook part");
	if (!wb->have_sheet)
		return missing_part(err, "worksheet");

	dir_of(wb_path, dir);
	snprintf(rels_path, sizeof(rels_path), "%s_rels/%s.rels", dir, wb_path + strlen(dir));
	rc = read_rels(z, rels_path, wb->sheet_rid, &r, err);
	if (rc)
		return rc < 0 ? rc : missing_part(err, "workbook relationships");
	if (!r.by_id[0])
		return missing_part(err, "relationship for the first sheet");
	resolve(dir, r.by_id, sheet);
	sst[0] = styles[0] = '\0';
	if (r.sst[0])
		resolve(dir, r.sst, sst);
	if (r.styles[0])
		resolve(dir, r.styles, styles);
	return 0;
}

static int read_styles(struct zipin *z, const char *path, struct styles *st,
		       struct io_error *err)
{
	st->x.err = err;
	if (!path[0]) {
		styles_resolve(st);
		return 0;
	}
	XML_Parser xp = new_parser(&st->x, styles_start, styles_end, NULL);
	int rc = parse_entry(z, path, &st->x);
	XML_ParserFree(xp);
	styles_resolve(st);
	return rc < 0 ? rc : 0;
}

static int read_sst(struct zipin *z, const char *path, struct sst *sst, struct io_error *err)
{
	sst->x.err = err;
	if (!path[0])
		return 0;
	buf_init(&sst->text, TABLE_MAX_CELL_BYTES);
	XML_Parser xp = new_parser(&sst->x, sst_start, sst_end, sst_text);
	int rc = parse_entry(z, path, &sst->x);
	XML_ParserFree(xp);
	buf_release(&sst->text);
	return rc < 0 ? rc : 0;
}

static int read_sheet(struct zipin *z, const char *path, struct sheet *sh, struct io_error *err)
{
	sh->x.err = err;
	buf_init(&sh->text, TABLE_MAX_CELL_BYTES);
	XML_Parser xp = new_parser(&sh->x, sheet_start, sheet_end, sheet_text);
	int rc = parse_entry(z, path, &sh->x);
	XML_ParserFree(xp);
	buf_release(&sh->text);
	if (rc > 0)
		return missing_part(err, "worksheet part");
	return rc;
}

int table_read_xlsx(const void *p, size_t n, struct table *out, struct io_error *err)
{
	struct zipin z;
	struct workbook wb;
	struct styles st = {0};
	struct sst sst = {0};
	struct sheet *sh = NULL;
	char sheet_path[XLSX_MAX_PATH], sst_path[XLSX_MAX_PATH], styles_path[XLSX_MAX_PATH];

	table_init(out);
	io_error_clear(err);
	out->source = TABLE_XLSX;
	int rc = open_zip(p, n, &z, err);
	if (rc)
		return rc;
	rc = locate_parts(&z, &wb, sheet_path, sst_path, styles_path, err);
	if (rc)
		goto out_close_zip;
	out->sheet = xstrdup(wb.sheet_name);
	sst.t = out;
	rc = read_styles(&z, styles_path, &st, err);
	if (!rc)
		rc = read_sst(&z, sst_path, &sst, err);
	if (rc)
		goto out_free_parts;
	sh = xcalloc(1, sizeof(*sh));
	sh->t = out;
	sh->sst = &sst;
	sh->styles = &st;
	sh->date1904 = wb.date1904;
	rc = read_sheet(&z, sheet_path, sh, err);
	free(sh);
out_free_parts:
	free(st.xf_fmt);
	free(st.xf_is_date);
	free(sst.off);
	free(sst.len);
out_close_zip:
	zip_discard(z.za);
	if (rc)
		table_release(out);
	return rc;
}
