/*
 * `shanhai check`: the store's integrity check and Shanhai's invariants
 * (src/app/consistency.h) on the database named by --db. Exit status 0 when
 * everything holds, 1 otherwise — for operators after a crash or a restore,
 * and for the crash tests.
 */
#include "cli/cli.h"
#include "cli/cli_util.h"
#include "app/consistency.h"

#include <stdio.h>

int cmd_check(int argc, char **argv)
{
	if (cli_wants_help(argc, argv) || argc != 1) {
		fprintf(argc != 1 ? stderr : stdout,
			"用法 usage: shanhai [--db PATH|URL] check\n\n"
			"检查数据库完整性与账目、库存、追溯的一致性。\n"
			"Check the store's integrity and that ledgers, stock and traces add up.\n");
		return argc != 1 ? 2 : 0;
	}
	struct store *db = cli_open_db(false);
	if (!db)
		return 1;
	int failed = consistency_check(db, stdout);
	store_close(db);
	if (failed < 0) {
		fprintf(stderr, "shanhai check: the database could not be read\n");
		return 1;
	}
	printf(failed ? "%d checks failed\n" : "all checks passed\n", failed);
	return failed ? 1 : 0;
}
