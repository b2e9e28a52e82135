/*
 * Unit tests of the storage seam on SQLite: migrations apply once, prepared
 * statements with bound parameters, constraint errors mapped, transactions
 * roll back, and injected faults surface as STORE_EIO and then clear.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "store/store.h"

static int setup(void **state)
{
	char err[256];
	struct store *db = store_open(":memory:", err, sizeof(err));
	if (!db || store_migrate(db))
		return -1;
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	return 0;
}

static void test_migrations_idempotent(void **state)
{
	struct store *db = *state;
	int64_t n1, n2;
	assert_int_equal(store_query_int(db, "SELECT COUNT(*) FROM schema_migrations", 0, &n1), 0);
	assert_true(n1 >= 8);
	assert_int_equal(store_migrate(db), 0);
	assert_int_equal(store_query_int(db, "SELECT COUNT(*) FROM schema_migrations", 0, &n2), 0);
	assert_int_equal(n1, n2);
}

static void test_bind_and_constraint(void **state)
{
	struct store *db = *state;
	struct stmt *st;
	assert_int_equal(store_prepare(db, "INSERT INTO divisions (code, name, level) VALUES (?, ?, ?)", &st), 0);
	stmt_bind_text(st, 1, "513423");
	stmt_bind_text(st, 2, "盐源县'; DROP TABLE lots; --");
	stmt_bind_int(st, 3, 3);
	assert_int_equal(stmt_step(st), STORE_DONE);
	stmt_reset(st);
	stmt_bind_text(st, 1, "513423");
	stmt_bind_text(st, 2, "again");
	stmt_bind_int(st, 3, 3);
	assert_int_equal(stmt_step(st), STORE_ECONSTRAINT);
	stmt_finalize(st);
	assert_int_equal(store_prepare(db, "SELECT name FROM divisions WHERE code = ?", &st), 0);
	stmt_bind_text(st, 1, "513423");
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_string_equal(stmt_text(st, 0), "盐源县'; DROP TABLE lots; --");
	stmt_finalize(st);
}

static void test_rollback_and_fault(void **state)
{
	struct store *db = *state;
	int64_t n;
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_exec(db, "INSERT INTO divisions (code, name, level) VALUES ('33', '浙江省', 1)"), 0);
	assert_int_equal(store_rollback(db), 0);
	assert_int_equal(store_query_int(db, "SELECT COUNT(*) FROM divisions WHERE code = '33'", 0, &n), 0);
	assert_int_equal(n, 0);

	struct stmt *st;
	store_fault_inject(db, 0, STORE_EIO, false);
	assert_int_equal(store_prepare(db, "INSERT INTO divisions (code, name, level) VALUES ('33', '浙江省', 1)", &st), 0);
	assert_int_equal(stmt_step(st), STORE_EIO);
	stmt_reset(st);
	assert_int_equal(stmt_step(st), STORE_DONE); /* one-shot fault has cleared */
	stmt_finalize(st);
	store_fault_clear(db);
	/* CHECK constraints: stock can never be negative */
	assert_int_equal(store_exec(db, "INSERT INTO stock (lot_id, loc_kind, loc_id, qty_g) VALUES (1, 'warehouse', 1, -5)"), STORE_ECONSTRAINT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_migrations_idempotent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_and_constraint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_and_fault, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
