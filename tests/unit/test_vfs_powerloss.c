/*
 * The power-loss VFS of the crash tests (src/store/vfs_powerloss.c) really
 * loses what a power cut loses: a child process commits rows with
 * synchronous=FULL, then more with synchronous=OFF (commits that are never
 * synced), and dies without closing; the parent finds exactly the synced
 * rows. Test builds only (make MODE=asan); release builds skip it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"

static int insert_rows(struct store *db, int from, int n)
{
	struct stmt *st;
	if (store_begin(db) || store_prepare(db, "INSERT INTO t (x) VALUES (?)", &st))
		return -1;
	for (int i = 0; i < n; i++) {
		stmt_reset(st);
		stmt_bind_int(st, 1, from + i);
		if (stmt_step(st) != STORE_DONE)
			return -1;
	}
	stmt_finalize(st);
	return store_commit(db);
}

/* The child: 100 durable rows, 100 committed but never synced, then die. */
static void child(const char *path)
{
	char err[256];
	struct store *db = store_open(path, err, sizeof(err));
	if (!db || store_exec(db, "CREATE TABLE t (x BIGINT NOT NULL)") || insert_rows(db, 0, 100) ||
	    store_exec(db, "PRAGMA synchronous=OFF") || insert_rows(db, 100, 100))
		_exit(2);
	_exit(0); /* no close: the power goes out */
}

static void test_unsynced_commits_are_lost(void **state)
{
	(void)state;
#ifndef SHANHAI_TESTING
	skip();
#endif
	char dir[] = "/tmp/shanhai-vfs-XXXXXX", path[64], err[256];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.db", dir);
	setenv("SHANHAI_TEST_VFS", "powerloss", 1);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child(path);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	unsetenv("SHANHAI_TEST_VFS");
	struct store *db = store_open(path, err, sizeof(err));
	assert_non_null(db);
	int64_t n = -1, max = -1;
	assert_int_equal(store_query_int(db, "SELECT COUNT(*) FROM t", 0, &n), 0);
	assert_int_equal(store_query_int(db, "SELECT MAX(x) FROM t", 0, &max), 0);
	assert_int_equal(n, 100);  /* the synced commit survived ... */
	assert_int_equal(max, 99); /* ... and nothing of the unsynced one */
	char check[64];
	assert_int_equal(store_integrity_check(db, check, sizeof(check)), 0);
	assert_string_equal(check, "ok");
	store_close(db);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unsynced_commits_are_lost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
