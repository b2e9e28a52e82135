/*
 * Unit tests of the CSV reader and writer (src/io/csv.c, csv_write.c) and of
 * the table type: UTF-8 with BOM and CRLF, the same file in GBK as Excel saves
 * it, bytes valid in neither, quoted newlines, ragged rows, missing columns,
 * refused separators and the size limits, then the writer's quoting and its
 * formula-injection guard. Fixtures: tests/data/io/ (make-fixtures.sh).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv_write.h"
#include "io/table.h"

#define DATA "tests/data/io/"

static int read_str(const char *s, struct table *t, struct io_error *err)
{
	return table_read_mem(s, strlen(s), t, err);
}

static void test_utf8_bom_crlf(void **state)
{
	(void)state;
	struct table t;
	struct io_error err;
	assert_int_equal(table_read_file(DATA "orders_utf8_bom_crlf.csv", &t, &err), 0);
	assert_int_equal(t.source, TABLE_CSV);
	assert_int_equal(t.nrows, 4);
	assert_string_equal(table_cell(&t, 0, 0), "订单号"); /* BOM gone */
	assert_string_equal(table_cell(&t, 0, 7), "备注");   /* CR gone */
	assert_int_equal(table_row_width(&t, 1), 8);
	assert_string_equal(table_cell(&t, 1, 7), "");
	assert_string_equal(table_cell(&t, 2, 6), "宁波市海曙区, 中山西路 8 号");
	assert_string_equal(table_cell(&t, 2, 7), "请\"轻拿轻放\"");
	assert_string_equal(table_cell(&t, 3, 3), "20");
	for (size_t r = 0; r < 4; r++)
		assert_int_equal(t.rows[r].line, (long)r + 1);
	assert_int_equal(table_column(&t, " 商品 "), 2);
	assert_int_equal(table_column(&t, "收货人"), 5);
	assert_int_equal(table_column(&t, "电话"), -1);
	assert_string_equal(table_cell(&t, 99, 0), "");
	table_release(&t);
}

static void test_gbk_equals_utf8(void **state)
{
	(void)state;
	struct table u, g;
	struct io_error err;
	assert_int_equal(table_read_file(DATA "orders_utf8_bom_crlf.csv", &u, &err), 0);
	assert_int_equal(table_read_file(DATA "orders_gbk.csv", &g, &err), 0);
	assert_int_equal(u.nrows, g.nrows);
	for (size_t r = 0; r < u.nrows; r++) {
		assert_int_equal(table_row_width(&u, r), table_row_width(&g, r));
		for (size_t c = 0; c < table_row_width(&u, r); c++)
			assert_string_equal(table_cell(&u, r, c), table_cell(&g, r, c));
	}
	table_release(&u);
	table_release(&g);
}

static void test_gb18030_four_byte(void **state)
{
	(void)state;
	/* GB18030 encodes characters outside GBK (here U+1F34E) in four bytes */
	char in[] = "品名,数量\n盐源🍎,1\n", out[64];
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	assert_true(cd != (iconv_t)-1);
	char *ip = in, *op = out;
	size_t il = strlen(in), ol = sizeof(out);
	assert_int_not_equal(iconv(cd, &ip, &il, &op, &ol), (size_t)-1);
	iconv_close(cd);
	struct table t;
	struct io_error err;
	assert_int_equal(table_read_mem(out, (size_t)(op - out), &t, &err), 0);
	assert_string_equal(table_cell(&t, 1, 0), "盐源🍎");
	table_release(&t);
}

static void test_invalid_bytes(void **state)
{
	(void)state;
	struct table t;
	struct io_error err;
	assert_int_equal(table_read_file(DATA "invalid_bytes.csv", &t, &err), -IO_EENCODING);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.message, "line 3: invalid byte 0xff"));
	assert_non_null(strstr(err.message_zh, "第 3 行"));
	assert_int_equal(t.nrows, 0);
	table_release(&t);

	assert_int_equal(table_read_mem("a\nb\n\0", 5, &t, &err), -IO_EENCODING);
	assert_int_equal(err.line, 3);
	assert_int_equal(read_str("\xff\xfe" "a\0", &t, &err), -IO_EENCODING);
	assert_non_null(strstr(err.message, "utf-16"));
}

static void test_quoted_newlines(void **state)
{
	(void)state;
	struct table t;
	struct io_error err;
	assert_int_equal(table_read_file(DATA "quoted_newlines.csv", &t, &err), 0);
	assert_int_equal(t.nrows, 3);
	assert_string_equal(table_cell(&t, 1, 1), "第一行\n第二行\r\n第三行");
	assert_int_equal(t.rows[1].line, 2);
	assert_int_equal(t.rows[2].line, 5);
	assert_string_equal(table_cell(&t, 2, 1), "普通");
	table_release(&t);
}

static void test_missing_column(void **state)
{
	(void)state;
	struct table t;
	struct io_error err;
	int idx[3];
	const char *want[] = {"订单号", "数量", "商品"};
	assert_int_equal(table_read_file(DATA "missing_column.csv", &t, &err), 0);
	assert_int_equal(table_require_columns(&t, want, 3, idx, &err), -IO_ECOLUMN);
	assert_string_equal(err.column, "数量");
	assert_string_equal(err.message, "missing column '数量' in the header row");
	assert_string_equal(err.message_zh, "表头缺少列“数量”");
	const char *ok[] = {"商品", "订单号"};
	assert_int_equal(table_require_columns(&t, ok, 2, idx, &err), 0);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 0);
	table_release(&t);
}

static void test_ragged_rows(void **state)
{
	(void)state;
	struct table t;
	struct io_error err;
	assert_int_equal(table_read_file(DATA "ragged.csv", &t, &err), 0);
	assert_int_equal(t.nrows, 5);
	assert_int_equal(table_row_width(&t, 1), 1);
	assert_string_equal(table_cell(&t, 1, 2), "");
	assert_int_equal(table_row_width(&t, 2), 4);
	assert_string_equal(table_cell(&t, 2, 3), "4");
	assert_int_equal(table_row_width(&t, 3), 0); /* the blank line */
	assert_int_equal(t.rows[3].line, 4);
	assert_true(table_row_is_blank(&t, 3));
	assert_false(table_row_is_blank(&t, 4));
	assert_string_equal(table_cell(&t, 4, 2), "7");
	table_release(&t);
}

static void test_refused_separators(void **state)
{
	(void)state;
	struct table t;
	struct io_error err;
	assert_int_equal(table_read_file(DATA "tab_separated.csv", &t, &err), -IO_EFORMAT);
	assert_non_null(strstr(err.message, "tab-separated"));
	assert_non_null(strstr(err.message_zh, "制表符"));
	assert_int_equal(table_read_file(DATA "semicolon.csv", &t, &err), -IO_EFORMAT);
	assert_non_null(strstr(err.message, "semicolon-separated"));
	/* a tab inside quotes does not count */
	assert_int_equal(read_str("\"a\tb\"\n1\n", &t, &err), 0);
	assert_string_equal(table_cell(&t, 0, 0), "a\tb");
	table_release(&t);
	/* one column without any separator is fine */
	assert_int_equal(read_str("名称\n苹果\n", &t, &err), 0);
	assert_int_equal(t.nrows, 2);
	table_release(&t);
}

static void test_malformed_quotes(void **state)
{
	(void)state;
	struct table t;
	struct io_error err;
	assert_int_equal(table_read_file(DATA "unterminated.csv", &t, &err), -IO_EFORMAT);
	assert_int_equal(err.line, 3);
	assert_non_null(strstr(err.message, "line 3: unterminated quoted field"));
	assert_int_equal(read_str("a,b\n\"x\"y,1\n", &t, &err), -IO_EFORMAT);
	assert_int_equal(err.line, 2);
	/* quotes inside an unquoted field are kept; "" is an empty field */
	assert_int_equal(read_str("5\" screen,\"\",\"\"\"\"\r\nlast,x", &t, &err), 0);
	assert_string_equal(table_cell(&t, 0, 0), "5\" screen");
	assert_string_equal(table_cell(&t, 0, 1), "");
	assert_string_equal(table_cell(&t, 0, 2), "\"");
	assert_int_equal(t.nrows, 2);
	assert_string_equal(table_cell(&t, 1, 1), "x"); /* no final newline */
	table_release(&t);
	assert_int_equal(read_str("a,\n", &t, &err), 0);
	assert_int_equal(table_row_width(&t, 0), 2);
	table_release(&t);
	assert_int_equal(table_read_mem("", 0, &t, &err), 0);
	assert_int_equal(t.nrows, 0);
	table_release(&t);
}

static void test_limits(void **state)
{
	(void)state;
	struct table t;
	struct io_error err;
	char *s = malloc(4 * 1024 * 1024);

	/* 257 columns */
	size_t n = 0;
	for (int i = 0; i < 257; i++)
		n += (size_t)snprintf(s + n, 16, i ? ",%d" : "%d", i);
	assert_int_equal(table_read_mem(s, n, &t, &err), -IO_ETOOBIG);
	assert_non_null(strstr(err.message, "too many columns"));
	/* exactly 256 is fine */
	s[n - 4] = '\n';
	assert_int_equal(table_read_mem(s, n - 3, &t, &err), 0);
	table_release(&t);

	/* a cell of 64 KiB + 1 */
	memset(s, 'x', 65537);
	assert_int_equal(table_read_mem(s, 65537, &t, &err), -IO_ETOOBIG);
	assert_non_null(strstr(err.message, "too long"));
	assert_int_equal(table_read_mem(s, 65536, &t, &err), 0);
	table_release(&t);

	/* a header and 1,000,000 rows pass; one more row does not */
	for (size_t i = 0; i < 1000002; i++)
		s[2 * i] = '1', s[2 * i + 1] = '\n';
	assert_int_equal(table_read_mem(s, 2 * 1000001, &t, &err), 0);
	assert_int_equal(t.nrows, 1000001);
	table_release(&t);
	assert_int_equal(table_read_mem(s, 2 * 1000002, &t, &err), -IO_ETOOBIG);
	assert_int_equal(err.line, 1000002);
	free(s);

	/* more than 64 MiB is refused before anything is parsed */
	char *big = calloc(1, TABLE_MAX_FILE_BYTES + 1);
	assert_int_equal(table_read_mem(big, TABLE_MAX_FILE_BYTES + 1, &t, &err), -IO_ETOOBIG);
	assert_non_null(strstr(err.message, "file too large"));
	free(big);

	assert_int_equal(table_read_file("tests/data/io/no-such-file.csv", &t, &err), -IO_ESYS);
	assert_non_null(strstr(err.message, "cannot open"));
}

static void build(struct table *t, const char *const *cells, size_t ncols, size_t nrows)
{
	table_init(t);
	for (size_t r = 0; r < nrows; r++) {
		assert_int_equal(table_add_row(t, (long)r + 1, NULL), 0);
		for (size_t c = 0; c < ncols; c++)
			assert_int_equal(table_add_cstr(t, cells[r * ncols + c], NULL), 0);
	}
}

static void test_column_lookup_case(void **state)
{
	(void)state;
	struct table t;
	const char *cells[] = {"Order ID", " Phone ", "数量"};
	build(&t, cells, 3, 1);
	assert_int_equal(table_column(&t, "PHONE"), 1);
	assert_int_equal(table_column(&t, "order id"), 0);
	assert_int_equal(table_column(&t, "order"), -1);
	assert_int_equal(table_column(&t, "数量 "), 2);
	table_release(&t);
}

static void test_csv_write(void **state)
{
	(void)state;
	const char *cells[] = {
		"名称", "金额", "备注",
		"=1+1", "-12.5", "@SUM(A1)",
		"+86 138", "a,b", "say \"hi\"\nbye",
		"=HYPERLINK(\"http://x\")", "\tx", "-",
	};
	struct table t, back;
	struct io_error err;
	struct buf b;
	build(&t, cells, 3, 4);
	buf_init(&b, 1 << 20);
	assert_int_equal(csv_write_buf(&t, &b, &err), 0);
	assert_string_equal(b.p, "\xEF\xBB\xBF名称,金额,备注\r\n"
				 "'=1+1,-12.5,'@SUM(A1)\r\n"
				 "'+86 138,\"a,b\",\"say \"\"hi\"\"\nbye\"\r\n"
				 "\"'=HYPERLINK(\"\"http://x\"\")\",\"'\tx\",'-\r\n");
	assert_true(csv_cell_needs_guard("-1-2"));
	assert_false(csv_cell_needs_guard("-12"));
	assert_false(csv_cell_needs_guard("盐源"));

	/* reading it back gives the same cells, guarded ones with their quote */
	assert_int_equal(table_read_mem(b.p, b.n, &back, &err), 0);
	assert_int_equal(back.nrows, 4);
	assert_string_equal(table_cell(&back, 0, 0), "名称");
	assert_string_equal(table_cell(&back, 1, 0), "'=1+1");
	assert_string_equal(table_cell(&back, 1, 1), "-12.5");
	assert_string_equal(table_cell(&back, 2, 2), "say \"hi\"\nbye");
	assert_string_equal(table_cell(&back, 3, 0), "'=HYPERLINK(\"http://x\")");
	table_release(&back);

	struct buf small;
	buf_init(&small, 10);
	assert_int_equal(csv_write_buf(&t, &small, &err), -IO_ETOOBIG);
	buf_release(&small);
	buf_release(&b);
	table_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_bom_crlf),     cmocka_unit_test(test_gbk_equals_utf8),
		cmocka_unit_test(test_gb18030_four_byte), cmocka_unit_test(test_invalid_bytes),
		cmocka_unit_test(test_quoted_newlines),   cmocka_unit_test(test_missing_column),
		cmocka_unit_test(test_ragged_rows),       cmocka_unit_test(test_refused_separators),
		cmocka_unit_test(test_malformed_quotes),  cmocka_unit_test(test_limits),
		cmocka_unit_test(test_column_lookup_case), cmocka_unit_test(test_csv_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
