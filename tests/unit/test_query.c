/*
 * Unit tests of rows.c: a query row becomes the JSON object its column list
 * describes (integers, text, instants, booleans, not-null flags, skipped
 * columns, NULLs), from column 0 or a later one; rows_array takes every row
 * and reports a failing statement without leaving a half-built array.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <stdlib.h>

#include "app/query.h"

static int setup(void **state)
{
	char err[256];
	struct store *db = store_open(":memory:", err, sizeof(err));
	if (!db)
		return -1;
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	return 0;
}

static char *dumped(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

static void test_row_object_kinds(void **state)
{
	struct store *db = *state;
	struct stmt *st;
	assert_int_equal(store_prepare(db, "SELECT 7, 'a', 86400000, 1, NULL, NULL, 'skip', 0, 5", &st), STORE_OK);
	assert_int_equal(stmt_step(st), STORE_ROW);
	char *s = dumped(row_object(st, "id:i name when:t on:b gone:n missing:s - off:b late:n"));
	assert_string_equal(s, "{\"id\":7,\"name\":\"a\",\"when\":\"1970-01-02T00:00:00Z\",\"on\":true,"
	                       "\"gone\":false,\"missing\":null,\"off\":false,\"late\":true}");
	free(s);
	s = dumped(row_object_at(st, 6, "code n:i"));
	assert_string_equal(s, "{\"code\":\"skip\",\"n\":0}");
	free(s);
	stmt_finalize(st);
}

static void test_rows_array_every_row(void **state)
{
	struct store *db = *state;
	struct stmt *st;
	struct app_err err;
	json_t *out = NULL;
	assert_int_equal(store_exec(db, "CREATE TABLE t (id INTEGER, label TEXT)"), STORE_OK);
	assert_int_equal(store_exec(db, "INSERT INTO t VALUES (1, 'x'), (2, NULL), (3, 'z')"), STORE_OK);
	assert_int_equal(store_prepare(db, "SELECT id, label FROM t WHERE id >= ? ORDER BY id", &st), STORE_OK);
	stmt_bind_int(st, 1, 2);
	assert_int_equal(rows_array(db, st, "id:i label", &out, &err), 0);
	stmt_finalize(st);
	char *s = dumped(out);
	assert_string_equal(s, "[{\"id\":2,\"label\":null},{\"id\":3,\"label\":\"z\"}]");
	free(s);
}

static void test_rows_array_store_error(void **state)
{
	struct store *db = *state;
	struct stmt *st;
	struct app_err err;
	json_t *out = NULL;
	/* a run-time error on the second row: abs() of the smallest integer overflows */
	assert_int_equal(store_exec(db, "CREATE TABLE u (v INTEGER)"), STORE_OK);
	assert_int_equal(store_exec(db, "INSERT INTO u VALUES (1), (-9223372036854775808)"), STORE_OK);
	assert_int_equal(store_prepare(db, "SELECT abs(v) FROM u ORDER BY rowid", &st), STORE_OK);
	assert_int_equal(rows_array(db, st, "v:i", &out, &err), -1);
	assert_null(out);
	assert_true(err.status >= 500);
	stmt_finalize(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_row_object_kinds, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rows_array_every_row, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rows_array_store_error, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
