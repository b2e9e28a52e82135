/*
 * `shanhai demo`: load the demo data set (src/app/demo.h) into the database
 * named by --db: migrations and divisions first, as `shanhai init` does, then
 * one season of collections, warehouses, line-hauls and orders; prints its
 * progress and the demo logins. A database that already has households is
 * refused, so real data is never mixed with invented data.
 */
#include "cli/cli.h"
#include "cli/cli_util.h"
#include "app/demo.h"
#include "lib/timeutil.h"

#include <stdio.h>
#include <string.h>

int cmd_demo(int argc, char **argv)
{
	struct app_err err;
	if (cli_wants_help(argc, argv)) {
		printf("用法 usage: shanhai [--db PATH] demo\n\n"
		       "向空数据库载入演示数据（一个产季）并打印演示账号。\n"
		       "Load the demo data set (one season on the real place codes) into an empty\n"
		       "database and print the demo logins.\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "shanhai demo: unexpected argument '%s'\n", argv[1]);
		return 2;
	}
	struct store *db = cli_open_db(true);
	if (!db)
		return 1;
	int64_t t0 = time_mono_ms();
	if (demo_load(db, stdout, &err)) {
		fprintf(stderr, "shanhai demo: %s\n", err.message_en);
		store_close(db);
		return 1;
	}
	printf("演示数据已载入 demo data loaded into %s in %.1f s\n", cli_db_label(),
	       (double)(time_mono_ms() - t0) / 1000.0);
	demo_print_logins(stdout);
	store_close(db);
	return 0;
}
