/*
 * Unit tests of the order importer (src/app/order_import.c) on the warehouse
 * fixture: a good table becomes orders (rows with one order number form one
 * order, Chinese headers work, formula-looking cells stay text), a table
 * with bad rows is refused with every problem listed in file order and
 * nothing submitted, missing columns are named, a resent file is unchanged,
 * and the time formats channels write are read as Asia/Shanghai.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "app/order_import.h"
#include "io/table.h"
#include "test_stock_fixture.h"

static int setup(void **state)
{
	if (fx_setup(state))
		return -1;
	return store_exec(*state,
	                  "INSERT INTO channels (code, name, kind) VALUES ('LIVE1', '直播间',"
	                  " 'livestream')");
}

/* A table from CSV text. */
static void csv(struct table *t, const char *text)
{
	struct io_error err;
	table_init(t);
	assert_int_equal(table_read_csv(text, strlen(text), t, &err), 0);
}

static int run_import(struct store *db, const char *text, struct import_report *rep)
{
	struct table t;
	struct app_err err;
	csv(&t, text);
	import_report_init(rep);
	assert_int_equal(store_begin(db), 0);
	int rc = order_import_table(db, 1, &t, "t.csv", 0, "2026-11-22", NULL, NULL, rep, &err);
	if (rc)
		store_rollback(db);
	else
		assert_int_equal(store_commit(db), 0);
	table_release(&t);
	return rc;
}

static const char *const good =
    "订单号,商品编码,数量,单价,收货人,电话,地址,区划代码,下单时间\n"
    "G1,YY-APL-80-5,2,59.90,张三,13800001111,\"宁波市鄞州区, 8 号\",330212,2026-11-20 09:15\n"
    "G1,YY-APL-80-2,1,39.9,张三,13800001111,\"宁波市鄞州区, 8 号\",330212,2026-11-20 09:15\n"
    "G2,YY-APL-80-5,1,59.90,=1+1,,成都市锦江区,510104,\n";

static void test_good_file(void **state)
{
	struct store *db = *state;
	struct import_report rep;
	assert_int_equal(run_import(db, good, &rep), 0);
	assert_int_equal(rep.rows, 3);
	assert_int_equal(rep.orders, 2);
	assert_int_equal(rep.created, 2);
	assert_int_equal(rep.lines, 3);
	import_report_release(&rep);
	assert_int_equal(
	    fx_count(db, "SELECT total_fen FROM orders WHERE channel_order_no = 'G1' AND ? >= 0",
	             0),
	    2 * 5990 + 3990);
	assert_int_equal(
	    fx_count(db, "SELECT COUNT(*) FROM customers WHERE name = '=1+1' AND ? >= 0", 0), 1);
	/* the same file again: nothing new */
	assert_int_equal(run_import(db, good, &rep), 0);
	assert_int_equal(rep.created, 0);
	assert_int_equal(rep.unchanged, 2);
	import_report_release(&rep);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM orders WHERE ? >= 0", 0), 2);
}

static void test_bad_rows_listed_nothing_written(void **state)
{
	struct store *db = *state;
	struct import_report rep;
	const char *bad = "order_no,sku,units,unit_price,name,phone,address,division_code\n"
	                  "B1,YY-APL-80-5,1,59.90,好,,宁波,330212\n"
	                  "B2,NOPE,1,59.90,坏,,宁波,330212\n"
	                  "B3,YY-APL-80-5,x,1.234,坏,,宁波,33\n"
	                  "B4,YY-APL-80-5,1,1,甲,,宁波,330212\n"
	                  "B4,YY-APL-80-2,1,1,乙,,宁波,330212\n"
	                  ",YY-APL-80-5,1,1,丙,,宁波,330212\n"; /* no order number: in no order */
	assert_int_equal(run_import(db, bad, &rep), -1);
	const struct {
		long line;
		const char *column;
	} want[] = {{3, "sku"},           {4, "units"}, {4, "unit_price"},
	            {4, "division_code"}, {6, "name"},  {7, "order_no"}};
	assert_int_equal(rep.nproblems, 6);
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(rep.problems[i].line, want[i].line);
		assert_string_equal(rep.problems[i].column, want[i].column);
	}
	import_report_release(&rep);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM orders WHERE ? >= 0", 0), 0);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM imports WHERE ? >= 0", 0), 0);
}

static void test_repeated_row(void **state)
{
	struct store *db = *state;
	struct import_report rep;
	const char *text = "order_no,sku,units,unit_price,name,address,division_code\n"
	                   "D1,YY-APL-80-5,1,59.90,甲,宁波,330212\n"
	                   "D1,YY-APL-80-2,1,59.90,甲,宁波,330212\n"
	                   "D1,YY-APL-80-5,1,59.90,甲,宁波,330212\n"
	                   "D1,YY-APL-80-5,2,59.90,甲,宁波,330212\n";
	assert_int_equal(run_import(db, text, &rep), -1);
	assert_int_equal(rep.nproblems, 1);
	assert_int_equal(rep.problems[0].line, 4);
	assert_non_null(strstr(rep.problems[0].message_en, "repeats line 2 of order 'D1'"));
	import_report_release(&rep);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM orders WHERE ? >= 0", 0), 0);
}

static void test_missing_columns_and_empty(void **state)
{
	struct store *db = *state;
	struct import_report rep;
	assert_int_equal(
	    run_import(db, "order_no,sku,unit_price,name,address\nM1,YY-APL-80-5,1,a,b\n", &rep),
	    -1);
	assert_int_equal(rep.nproblems, 2);
	assert_string_equal(rep.problems[0].column, "units");
	assert_string_equal(rep.problems[1].column, "division_code");
	assert_non_null(strstr(rep.problems[0].message_en, "missing column 'units'"));
	import_report_release(&rep);
	assert_int_equal(
	    run_import(db, "order_no,sku,units,unit_price,name,address,division_code\n", &rep), -1);
	assert_int_equal(rep.nproblems, 1);
	import_report_release(&rep);
}

static void test_times(void **state)
{
	(void)state;
	int64_t ms;
	const int64_t want = 1795396500000; /* 2026-11-23T01:15:00Z = 09:15 in Shanghai */
	assert_int_equal(import_parse_time("2026-11-23 09:15", &ms), 0);
	assert_int_equal(ms, want);
	assert_int_equal(import_parse_time("2026/11/23 09:15:00", &ms), 0);
	assert_int_equal(ms, want);
	assert_int_equal(import_parse_time("2026-11-23T01:15:00Z", &ms), 0);
	assert_int_equal(ms, want);
	assert_int_equal(import_parse_time("2026-11-23T09:15:00+08:00", &ms), 0);
	assert_int_equal(ms, want);
	assert_int_equal(import_parse_time("2026-11-23", &ms), 0);
	assert_int_equal(ms, want - (9 * 3600 + 15 * 60) * 1000LL);
	assert_int_equal(import_parse_time("2026-13-01", &ms), -1);
	assert_int_equal(import_parse_time("2026-11-23 25:00", &ms), -1);
	assert_int_equal(import_parse_time("yesterday", &ms), -1);
	assert_int_equal(import_parse_time("", &ms), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_good_file, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_bad_rows_listed_nothing_written, setup,
	                                    fx_teardown),
	    cmocka_unit_test_setup_teardown(test_repeated_row, setup, fx_teardown),
	    cmocka_unit_test_setup_teardown(test_missing_columns_and_empty, setup, fx_teardown),
	    cmocka_unit_test(test_times),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
