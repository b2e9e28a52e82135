/*
 * Unit tests of the storage seam: migrations apply once, prepared statements
 * with bound parameters, constraint errors mapped, new rows' ids (with and
 * without RETURNING), savepoints reused many times, transactions roll back, and
 * injected faults surface as STORE_EIO and then clear. They run on SQLite,
 * and again on PostgreSQL when SHANHAI_TEST_PG names a throwaway cluster
 * (postgres://user@host:port, as scripts/test.sh provides): each test then
 * gets a fresh database, plus PostgreSQL's own cases (placeholders inside
 * quotes, a connection killed under the store and recovered).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	assert_int_equal(
	    store_prepare(db, "INSERT INTO divisions (code, name, level) VALUES (?, ?, ?)", &st),
	    0);
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

/* store_prepare_insert + stmt_insert_id give each new row's own id, also
 * when the statement is reused, and a clash is still a constraint error. */
static void test_insert_id(void **state)
{
	struct store *db = *state;
	struct stmt *st;
	int64_t id[3], check;
	const char *codes[3] = {"C1", "C2", "C1"};
	assert_int_equal(store_prepare_insert(db,
	                                      "INSERT INTO channels (code, name, kind)"
	                                      " VALUES (?, ?, 'livestream') RETURNING id",
	                                      &st),
	                 0);
	for (int i = 0; i < 3; i++) {
		stmt_reset(st);
		stmt_bind_text(st, 1, codes[i]);
		stmt_bind_text(st, 2, "直播间");
		int rc = stmt_insert_id(st, &id[i]);
		assert_int_equal(rc, i < 2 ? STORE_OK : STORE_ECONSTRAINT);
		/* another table's insert in between must not disturb the next id */
		assert_int_equal(
		    store_exec(db, "INSERT INTO divisions (code, name, level)"
		                   " VALUES ('9' || (SELECT COUNT(*) FROM divisions), 'x', 1)"),
		    0);
	}
	stmt_finalize(st);
	assert_true(id[1] > id[0]);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(store_prepare(db, "SELECT id FROM channels WHERE code = ?", &st),
		                 0);
		stmt_bind_text(st, 1, codes[i]);
		assert_int_equal(stmt_step(st), STORE_ROW);
		check = stmt_int(st, 0);
		stmt_finalize(st);
		assert_int_equal(check, id[i]);
	}
}

/* The savepoint texts the writer runs around every job (kept prepared by the
 * SQLite store) still roll back and release, many times over, and a text of
 * several statements still runs whole. */
static void test_savepoints_repeated(void **state)
{
	struct store *db = *state;
	int64_t n;
	assert_int_equal(store_begin(db), 0);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(store_exec(db, "SAVEPOINT job"), 0);
		assert_int_equal(
		    store_exec(db, "INSERT INTO divisions (code, name, level)"
		                   " VALUES ('8' || (SELECT COUNT(*) FROM divisions), 'x', 1)"),
		    0);
		if (i % 2) {
			assert_int_equal(store_exec(db, "ROLLBACK TO SAVEPOINT job"), 0);
		}
		assert_int_equal(store_exec(db, "RELEASE SAVEPOINT job"), 0);
	}
	assert_int_equal(store_commit(db), 0);
	assert_int_equal(
	    store_query_int(db, "SELECT COUNT(*) FROM divisions WHERE code LIKE '8%'", 0, &n), 0);
	assert_int_equal(n, 10);
	assert_int_equal(
	    store_exec(db, "INSERT INTO divisions (code, name, level) VALUES ('71', 'a', 1);"
	                   " INSERT INTO divisions (code, name, level) VALUES ('72', 'b', 1)"),
	    0);
	assert_int_equal(
	    store_query_int(db, "SELECT COUNT(*) FROM divisions WHERE code IN ('71', '72')", 0, &n),
	    0);
	assert_int_equal(n, 2);
	assert_int_not_equal(store_exec(db, "RELEASE SAVEPOINT nosuch"), 0);
}

static void test_rollback_and_fault(void **state)
{
	struct store *db = *state;
	int64_t n;
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(
	    store_exec(db, "INSERT INTO divisions (code, name, level) VALUES ('33', '浙江省', 1)"),
	    0);
	assert_int_equal(store_rollback(db), 0);
	assert_int_equal(
	    store_query_int(db, "SELECT COUNT(*) FROM divisions WHERE code = '33'", 0, &n), 0);
	assert_int_equal(n, 0);

	struct stmt *st;
	store_fault_inject(db, 0, STORE_EIO, false);
	assert_int_equal(
	    store_prepare(
	        db, "INSERT INTO divisions (code, name, level) VALUES ('33', '浙江省', 1)", &st),
	    0);
	assert_int_equal(stmt_step(st), STORE_EIO);
	stmt_reset(st);
	assert_int_equal(stmt_step(st), STORE_DONE); /* one-shot fault has cleared */
	stmt_finalize(st);
	store_fault_clear(db);
	/* CHECK constraints: stock can never be negative */
	assert_int_equal(store_exec(db, "INSERT INTO stock (lot_id, loc_kind, loc_id, qty_g) "
	                                "VALUES (1, 'warehouse', 1, -5)"),
	                 STORE_ECONSTRAINT);
}

static void test_sticky_fault(void **state)
{
	struct store *db = *state;
	struct stmt *st;
	store_fault_inject(db, 1, STORE_EIO, true);
	assert_int_equal(
	    store_prepare(db, "INSERT INTO divisions (code, name, level) VALUES (?, 'x', 1)", &st),
	    0);
	const char *codes[] = {"11", "12", "13", "14"};
	int expect[] = {STORE_DONE, STORE_EIO, STORE_EIO, STORE_DONE};
	for (int i = 0; i < 4; i++) {
		if (i == 3)
			store_fault_clear(db); /* a full disk freed: writes pass again */
		stmt_reset(st);
		stmt_bind_text(st, 1, codes[i]);
		assert_int_equal(stmt_step(st), expect[i]);
	}
	stmt_finalize(st);
	int64_t n;
	assert_int_equal(
	    store_query_int(
	        db, "SELECT COUNT(*) FROM divisions WHERE code IN ('11','12','13','14')", 0, &n),
	    0);
	assert_int_equal(n, 2);
	/* reads are never failed by the write fault */
	store_fault_inject(db, 0, STORE_EIO, true);
	assert_int_equal(store_query_int(db, "SELECT COUNT(*) FROM divisions", 0, &n), 0);
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(store_commit(db), STORE_EIO); /* the commit is a write */
	store_fault_clear(db);
}

/* ---- PostgreSQL ---- */

struct pg_fixture {
	struct store *admin; /* connection to the cluster's postgres database */
	struct store *db;    /* the fresh database */
	char name[64];
};

static struct store *pg_connect(const char *dbname)
{
	char url[512], err[256];
	snprintf(url, sizeof(url), "%s/%s", getenv("SHANHAI_TEST_PG"), dbname);
	struct store *db = store_open(url, err, sizeof(err));
	if (!db)
		fprintf(stderr, "%s\n", err);
	return db;
}

/* cmocka gives a test one pointer of state (the store); the fixture that
 * owns it lives here until teardown. */
static struct pg_fixture *current_pg;

static int pg_setup_one(void **state)
{
	static int serial;
	char sql[128];
	struct pg_fixture *fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	current_pg = fx;
	if (!(fx->admin = pg_connect("postgres")))
		return -1;
	snprintf(fx->name, sizeof(fx->name), "t_store_%ld_%d", (long)getpid(), ++serial);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", fx->name);
	if (store_exec(fx->admin, sql) || !(fx->db = pg_connect(fx->name)) || store_migrate(fx->db))
		return -1;
	*state = fx->db;
	return 0;
}

static int pg_teardown(void **state)
{
	(void)state;
	struct pg_fixture *fx = current_pg;
	char sql[128];
	store_close(fx->db);
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", fx->name);
	int rc = store_exec(fx->admin, sql);
	store_close(fx->admin);
	free(fx);
	current_pg = NULL;
	return rc ? -1 : 0;
}

static void test_pg_placeholders_and_types(void **state)
{
	struct store *db = *state;
	struct stmt *st;
	assert_string_equal(store_kind(db), "postgres");
	assert_int_equal(
	    store_prepare(db, "SELECT '?' || ?, ? + 1, SUM(x) FROM (SELECT ? AS x) t", &st), 0);
	stmt_bind_text(st, 1, "x");
	stmt_bind_int(st, 2, 9000000000000LL); /* beyond 32 bits: sent as int8 */
	stmt_bind_int(st, 3, 5);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_string_equal(stmt_text(st, 0), "?x");
	assert_int_equal(stmt_int(st, 1), 9000000000001LL);
	assert_int_equal(stmt_int(st, 2), 5); /* SUM(bigint) is numeric on PostgreSQL */
	assert_int_equal(stmt_type(st, 1), COL_INT);
	assert_int_equal(stmt_step(st), STORE_DONE);
	stmt_finalize(st);
	/* a NUL byte cannot be stored in PostgreSQL text: refused, not truncated */
	assert_int_equal(store_prepare(db, "SELECT ?", &st), 0);
	assert_int_equal(stmt_bind_textn(st, 1, "a\0b", 3), STORE_EMISUSE);
	stmt_finalize(st);
}

static void test_pg_lost_connection_recovers(void **state)
{
	struct store *db = *state;
	int64_t pid, n;
	assert_int_equal(store_query_int(db, "SELECT pg_backend_pid()", 0, &pid), 0);
	assert_int_equal(
	    store_query_int(current_pg->admin,
	                    "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(?::int)) t", pid,
	                    &n),
	    0);
	/* the statement on the killed connection fails as unavailable ... */
	int rc = store_query_int(db, "SELECT COUNT(*) FROM divisions", 0, &n);
	assert_int_equal(rc, STORE_EIO);
	/* ... and the next one reconnects */
	assert_int_equal(store_query_int(db, "SELECT COUNT(*) FROM schema_migrations", 0, &n), 0);
	assert_true(n >= 8);
	char out[128];
	assert_int_equal(store_integrity_check(db, out, sizeof(out)), 0);
	assert_string_equal(out, "ok");
}

/* Insert a channel with an explicit id (or 0: the table picks one); the rc. */
static int insert_channel(struct store *db, int64_t id, const char *code, int64_t *got)
{
	struct stmt *st;
	int rc = id ? store_prepare(db,
	                            "INSERT INTO channels (id, code, name, kind)"
	                            " VALUES (?, ?, 'x', 'fair')",
	                            &st)
	            : store_prepare_insert(db,
	                                   "INSERT INTO channels (code, name, kind)"
	                                   " VALUES (?, 'x', 'fair') RETURNING id",
	                                   &st);
	if (rc)
		return rc;
	int k = 1;
	if (id)
		stmt_bind_int(st, k++, id);
	stmt_bind_text(st, k, code);
	if (id) {
		rc = stmt_step(st);
		rc = rc == STORE_DONE ? STORE_OK : rc;
		*got = id;
	} else {
		rc = stmt_insert_id(st, got);
	}
	stmt_finalize(st);
	return rc;
}

static void test_next_ids(void **state)
{
	struct store *db = *state;
	int64_t first, a[3], b[2], got, after;
	assert_true(store_max_params(db) >= 999);
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(insert_channel(db, 0, "N0", &first), 0);
	assert_int_equal(store_next_ids(db, "channels", a, 3), 0);
	assert_true(a[0] > first && a[1] > a[0] && a[2] > a[1]);
	/* asked again before any is written: none handed out twice */
	assert_int_equal(store_next_ids(db, "channels", b, 2), 0);
	assert_true(b[0] > a[2] && b[1] > b[0]);
	const char *codes[5] = {"N1", "N2", "N3", "N4", "N5"};
	int64_t all[5] = {a[0], a[1], a[2], b[0], b[1]};
	for (int i = 0; i < 5; i++)
		assert_int_equal(insert_channel(db, all[i], codes[i], &got), 0);
	/* the table's own ids continue after them */
	assert_int_equal(insert_channel(db, 0, "N6", &after), 0);
	assert_true(after > b[1]);
	assert_int_equal(store_commit(db), 0);
	/* only plain table names reach the SQL */
	assert_int_equal(store_next_ids(db, "channels; DROP TABLE lots", a, 1), STORE_EMISUSE);
	assert_int_equal(store_next_ids(db, "channels", a, 0), STORE_EMISUSE);
}

/* Migration 0900 rewrote SQLite's IN-list CHECKs of orders, order_lines and
 * allocations as OR chains: orders.status still refuses what it refused. */
static void test_order_status_checks(void **state)
{
	struct store *db = *state;
	int64_t ch, n;
	assert_int_equal(insert_channel(db, 0, "S1", &ch), 0);
	assert_int_equal(store_exec(db, "INSERT INTO customers (id, name, address, division_code,"
	                                " created_at) VALUES (1, 'x', 'y', '330212', 0)"),
	                 0);
	const char *statuses[3] = {"partial", "bogus", "Allocated"};
	for (int i = 0; i < 3; i++) {
		struct stmt *st;
		assert_int_equal(
		    store_prepare(
		        db,
		        "INSERT INTO orders (channel_id, channel_order_no, body_hash,"
		        " customer_id, ordered_at, ordered_on, status, total_fen, created_at)"
		        " VALUES (?, ?, 'h', 1, 0, '2026-12-01', ?, 0, 0)",
		        &st),
		    0);
		stmt_bind_int(st, 1, ch);
		stmt_bind_text(st, 2, statuses[i]);
		stmt_bind_text(st, 3, statuses[i]);
		assert_int_equal(stmt_step(st), i == 0 ? STORE_DONE : STORE_ECONSTRAINT);
		stmt_finalize(st);
	}
	assert_int_equal(store_query_int(db, "SELECT COUNT(*) FROM orders", 0, &n), 0);
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_migrations_idempotent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bind_and_constraint, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_insert_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_savepoints_repeated, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_rollback_and_fault, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sticky_fault, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_next_ids, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_order_status_checks, setup, teardown),
	};
	const struct CMUnitTest pg_tests[] = {
	    cmocka_unit_test_setup_teardown(test_migrations_idempotent, pg_setup_one, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_bind_and_constraint, pg_setup_one, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_insert_id, pg_setup_one, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_savepoints_repeated, pg_setup_one, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_rollback_and_fault, pg_setup_one, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_sticky_fault, pg_setup_one, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_next_ids, pg_setup_one, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_order_status_checks, pg_setup_one, pg_teardown),
	    cmocka_unit_test_setup_teardown(test_pg_placeholders_and_types, pg_setup_one,
	                                    pg_teardown),
	    cmocka_unit_test_setup_teardown(test_pg_lost_connection_recovers, pg_setup_one,
	                                    pg_teardown),
	};
	int failed = cmocka_run_group_tests_name("store on sqlite", tests, NULL, NULL);
	if (getenv("SHANHAI_TEST_PG"))
		failed += cmocka_run_group_tests_name("store on postgresql", pg_tests, NULL, NULL);
	else
		printf("store on postgresql: not run (SHANHAI_TEST_PG is not set)\n");
	return failed;
}
