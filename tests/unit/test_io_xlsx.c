/*
 * Unit tests of the .xlsx reader and writer (src/io/xlsx_read.c,
 * xlsx_write.c): a hand-made workbook (inline strings, rich text, gaps,
 * formulas with cached values, dates, a first sheet that is not sheet1.xml), a
 * workbook written by plain libxlsxwriter, the round trip through our writer,
 * and hostile archives: a zip bomb, a DOCTYPE, too many parts, rows and columns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "io/table.h"
#include "io/xlsx_write.h"

#define DATA "tests/data/io/"

static void test_handmade(void **state)
{
	(void)state;
	struct table t;
	struct io_error err;
	assert_int_equal(table_read_file(DATA "handmade.xlsx", &t, &err), 0);
	assert_int_equal(t.source, TABLE_XLSX);
	assert_string_equal(t.sheet, "订单");
	assert_int_equal(t.nrows, 6);
	const char *header[] = {"订单号", "商品", "数量", "下单日期", "金额"};
	for (size_t c = 0; c < 5; c++)
		assert_string_equal(table_cell(&t, 0, c), header[c]);
	/* shared rich text without its phonetic guide; a formula's cached value */
	const char *r2[] = {"DY-0001", "盐源苹果 5kg", "2", "2024-10-01", "79.8"};
	for (size_t c = 0; c < 5; c++)
		assert_string_equal(table_cell(&t, 1, c), r2[c]);
	/* gaps are "", inline rich text joined, the 1900 leap-year bug, errors */
	const char *r3[] = {"", "会理石榴", "", "1900-02-29", "#DIV/0!"};
	assert_int_equal(table_row_width(&t, 2), 5);
	for (size_t c = 0; c < 5; c++)
		assert_string_equal(table_cell(&t, 2, c), r3[c]);
	/* row 4 is missing in the file: an empty row keeps rows in step */
	assert_int_equal(table_row_width(&t, 3), 0);
	assert_int_equal(t.rows[3].line, 4);
	const char *r5[] = {"GH-0003", "", "TRUE", "1900-02-28", "3", "#N/A"};
	for (size_t c = 0; c < 6; c++)
		assert_string_equal(table_cell(&t, 4, c), r5[c]);
	assert_int_equal(t.rows[4].line, 5);
	const char *r6[] = {"0.3", "1.5E-3", "-12.5", "1900-03-01"};
	for (size_t c = 0; c < 4; c++)
		assert_string_equal(table_cell(&t, 5, c), r6[c]);
	assert_int_equal(table_column(&t, "数量"), 2);
	table_release(&t);
}

static char *tmp_path(const char *suffix)
{
	static char path[256];
	const char *dir = getenv("TMPDIR");
	snprintf(path, sizeof(path), "%s/test-io-xlsx-%ld%s", dir && *dir ? dir : "/tmp",
		 (long)getpid(), suffix);
	return path;
}

static void test_libxlsxwriter_file(void **state)
{
	(void)state;
	char *path = tmp_path(".xlsx");
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "销售");
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	lxw_datetime dt = {.year = 2024, .month = 2, .day = 29};
	worksheet_write_string(ws, 0, 0, "县", NULL);
	worksheet_write_string(ws, 0, 1, "重量", NULL);
	worksheet_write_string(ws, 0, 2, "日期", NULL);
	worksheet_write_string(ws, 1, 0, "盐源县", NULL);
	worksheet_write_number(ws, 1, 1, 12.5, NULL);
	worksheet_write_datetime(ws, 1, 2, &dt, date);
	worksheet_write_string(ws, 2, 0, "盐源县", NULL); /* the same shared string */
	worksheet_write_number(ws, 2, 1, 1000000, NULL);
	worksheet_write_formula_num(ws, 2, 2, "=B2*2", NULL, 25);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	struct table t;
	struct io_error err;
	assert_int_equal(table_read_file(path, &t, &err), 0);
	unlink(path);
	assert_string_equal(t.sheet, "销售");
	assert_int_equal(t.nrows, 3);
	assert_string_equal(table_cell(&t, 0, 1), "重量");
	assert_string_equal(table_cell(&t, 1, 0), "盐源县");
	assert_string_equal(table_cell(&t, 1, 1), "12.5");
	assert_string_equal(table_cell(&t, 1, 2), "2024-02-29");
	assert_string_equal(table_cell(&t, 2, 0), "盐源县");
	assert_string_equal(table_cell(&t, 2, 1), "1000000");
	assert_string_equal(table_cell(&t, 2, 2), "25");
	table_release(&t);
}

static void add_row(struct table *t, long line, const char *const *cells, size_t n)
{
	assert_int_equal(table_add_row(t, line, NULL), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(table_add_cstr(t, cells[i], NULL), 0);
}

static void test_round_trip(void **state)
{
	(void)state;
	const char *h[] = {"订单号", "商品", "数量", "金额（元）", "重量（kg）", "日期", "备注"};
	const char *r1[] = {"DY-0001", "盐源苹果", "2", "1250", "12500", "2024-10-01", "=1+1"};
	const char *r2[] = {"=HYPERLINK(\"http://x\")", "会理石榴", "-3", "-5", "1", "", "@SUM(A1)"};
	const char *r3[] = {"GH-0003", "", "many", "12.5", "", "2024-13-01", "说明\n两行"};
	enum xlsx_col_type types[] = {XLSX_TEXT,  XLSX_TEXT, XLSX_INTEGER, XLSX_MONEY_FEN,
				      XLSX_GRAMS, XLSX_DATE, XLSX_TEXT};
	struct table t, other, back;
	struct io_error err;
	table_init(&t);
	add_row(&t, 1, h, 7);
	add_row(&t, 2, r1, 7);
	add_row(&t, 3, r2, 7);
	add_row(&t, 4, r3, 7);
	table_init(&other);
	add_row(&other, 1, h, 1);
	struct xlsx_sheet sheets[] = {{"订单", &t, types, 7}, {"其他", &other, NULL, 0}};

	char *mem;
	size_t len;
	assert_int_equal(xlsx_write_mem(sheets, 2, &mem, &len, &err), 0);
	assert_int_equal(table_read_mem(mem, len, &back, &err), 0);
	free(mem);
	assert_string_equal(back.sheet, "订单");
	assert_int_equal(back.nrows, 4);
	for (size_t c = 0; c < 7; c++)
		assert_string_equal(table_cell(&back, 0, c), h[c]);
	const char *w1[] = {"DY-0001", "盐源苹果", "2", "12.5", "12.5", "2024-10-01", "=1+1"};
	const char *w2[] = {"=HYPERLINK(\"http://x\")", "会理石榴", "-3", "-0.05", "0.001", "",
			    "@SUM(A1)"};
	/* cells that do not parse as their column's type stay text */
	const char *w3[] = {"GH-0003", "", "many", "12.5", "", "2024-13-01", "说明\n两行"};
	for (size_t c = 0; c < 7; c++) {
		assert_string_equal(table_cell(&back, 1, c), w1[c]);
		assert_string_equal(table_cell(&back, 2, c), w2[c]);
		assert_string_equal(table_cell(&back, 3, c), w3[c]);
	}
	table_release(&back);

	/* the same through a file, and a text-only sheet reads back identically */
	char *path = tmp_path("-rt.xlsx");
	struct xlsx_sheet text_only = {"Sheet", &t, NULL, 0};
	assert_int_equal(xlsx_write_file(path, &text_only, 1, &err), 0);
	assert_int_equal(table_read_file(path, &back, &err), 0);
	unlink(path);
	assert_int_equal(back.nrows, t.nrows);
	for (size_t r = 0; r < t.nrows; r++)
		for (size_t c = 0; c < 7; c++)
			assert_string_equal(table_cell(&back, r, c), table_cell(&t, r, c));
	table_release(&back);

	struct xlsx_sheet bad = {"bad/name", &t, NULL, 0};
	assert_int_equal(xlsx_write_mem(&bad, 1, &mem, &len, &err), -IO_EFORMAT);
	assert_non_null(strstr(err.message, "invalid sheet name 'bad/name'"));
	table_release(&other);
	table_release(&t);
}

/* Build an .xlsx from named parts in memory (through a temporary file). */
static char *make_zip(const char *const *names, const char *const *bodies, size_t n,
		      size_t *len)
{
	char *path = tmp_path(".zip");
	int zerr;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	assert_non_null(za);
	for (size_t i = 0; i < n; i++) {
		zip_source_t *src = zip_source_buffer(za, bodies[i], strlen(bodies[i]), 0);
		assert_non_null(src);
		assert_true(zip_file_add(za, names[i], src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)size);
	assert_int_equal(fread(p, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	unlink(path);
	*len = (size_t)size;
	return p;
}

#define WB "<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/" \
	   "relationships\"><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>"
#define RELS "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" " \
	     "Target=\"worksheets/s.xml\"/></Relationships>"

static int read_sheet_xml(const char *workbook, const char *sheet, struct table *t,
			  struct io_error *err)
{
	const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
			       "xl/worksheets/s.xml"};
	const char *bodies[] = {workbook, RELS, sheet};
	size_t len;
	char *p = make_zip(names, bodies, sheet ? 3 : 2, &len);
	int rc = table_read_mem(p, len, t, err);
	free(p);
	return rc;
}

static void test_minimal_and_broken(void **state)
{
	(void)state;
	struct table t;
	struct io_error err;
	/* no _rels/.rels, no styles, no shared strings: still readable */
	assert_int_equal(read_sheet_xml(WB, "<worksheet><sheetData><row><c><v>7</v></c>"
					    "<c t=\"inlineStr\"><is><t>x</t></is></c></row>"
					    "</sheetData></worksheet>", &t, &err), 0);
	assert_int_equal(t.nrows, 1);
	assert_string_equal(table_cell(&t, 0, 0), "7");
	assert_string_equal(table_cell(&t, 0, 1), "x");
	table_release(&t);

	assert_int_equal(read_sheet_xml(WB, NULL, &t, &err), -IO_EFORMAT);
	assert_non_null(strstr(err.message, "no worksheet part"));
	assert_int_equal(read_sheet_xml(WB, "<worksheet><sheetData><row>", &t, &err), -IO_EFORMAT);
	assert_non_null(strstr(err.message, "not well-formed xml"));
	assert_int_equal(read_sheet_xml(WB, "<worksheet><sheetData><row r=\"1\"><c t=\"s\"><v>3</v>"
					    "</c></row></sheetData></worksheet>", &t, &err),
			 -IO_EFORMAT);
	assert_string_equal(err.message, "row 1: shared string index out of range");
	assert_string_equal(err.column, "A");
	assert_int_equal(read_sheet_xml(WB, "<worksheet><sheetData><row r=\"3\"/><row r=\"2\"/>"
					    "</sheetData></worksheet>", &t, &err), -IO_EFORMAT);
	assert_non_null(strstr(err.message, "rows out of order"));
	assert_int_equal(table_read_mem("PK\3\4 not really a zip", 22, &t, &err), -IO_EFORMAT);
	assert_non_null(strstr(err.message, "not a valid xlsx file"));
}

static void test_hostile(void **state)
{
	(void)state;
	struct table t;
	struct io_error err;
	assert_int_equal(table_read_file(DATA "zipbomb.xlsx", &t, &err), -IO_ETOOBIG);
	assert_non_null(strstr(err.message, "zip bomb"));

	const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
			     "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
			     "<workbook>&lol2;</workbook>";
	assert_int_equal(read_sheet_xml(laughs, "<worksheet/>", &t, &err), -IO_EFORMAT);
	assert_non_null(strstr(err.message, "doctype"));

	/* a row past the row limit; a column past the 256th */
	assert_int_equal(read_sheet_xml(WB, "<worksheet><sheetData><row r=\"1000003\"><c><v>1</v>"
					    "</c></row></sheetData></worksheet>", &t, &err),
			 -IO_ETOOBIG);
	assert_non_null(strstr(err.message, "too many rows"));
	assert_int_equal(read_sheet_xml(WB, "<worksheet><sheetData><row r=\"1\"><c r=\"IW1\">"
					    "<v>1</v></c></row></sheetData></worksheet>", &t, &err),
			 -IO_ETOOBIG);
	assert_non_null(strstr(err.message, "too many columns"));
	assert_int_equal(read_sheet_xml(WB, "<worksheet><sheetData><row r=\"1\"><c r=\"IV1\">"
					    "<v>1</v></c></row></sheetData></worksheet>", &t, &err),
			 0);
	assert_int_equal(table_row_width(&t, 0), 256);
	table_release(&t);

	/* 10001 parts */
	enum { N = 10001 };
	const char **names = calloc(N, sizeof(*names)), **bodies = calloc(N, sizeof(*bodies));
	char (*buf)[16] = calloc(N, 16);
	for (size_t i = 0; i < N; i++) {
		snprintf(buf[i], 16, "p%zu", i);
		names[i] = buf[i];
		bodies[i] = "";
	}
	size_t len;
	char *p = make_zip(names, bodies, N, &len);
	assert_int_equal(table_read_mem(p, len, &t, &err), -IO_ETOOBIG);
	assert_non_null(strstr(err.message, "too many parts"));
	free(p);
	free(buf);
	free(names);
	free(bodies);
}

/* Inputs the fuzzers found crashing (tests/data/io/fuzz/): each must now be
 * refused with a message, or read, without a sanitizer report. */
static void test_fuzz_regressions(void **state)
{
	(void)state;
	DIR *d = opendir(DATA "fuzz");
	assert_non_null(d);
	int seen = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		if (e->d_name[0] == '.')
			continue;
		char path[512];
		snprintf(path, sizeof(path), DATA "fuzz/%s", e->d_name);
		struct table t;
		struct io_error err;
		if (table_read_file(path, &t, &err) != 0)
			assert_true(err.message[0] && err.message_zh[0]);
		table_release(&t);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 1);

	/* the first one: a CRC error whose text libzip frees on the next call */
	struct table t;
	struct io_error err;
	assert_int_equal(table_read_file(DATA "fuzz/xlsx-strerror-use-after-free.xlsx", &t, &err),
			 -IO_EFORMAT);
	assert_string_equal(err.message, "cannot read xlsx part '_rels/.rels': Zlib error: data error");
	assert_string_equal(err.message_zh, "无法读取 xlsx 部件“_rels/.rels”：Zlib error: data error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handmade),      cmocka_unit_test(test_libxlsxwriter_file),
		cmocka_unit_test(test_round_trip),    cmocka_unit_test(test_minimal_and_broken),
		cmocka_unit_test(test_hostile),       cmocka_unit_test(test_fuzz_regressions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
