/*
 * `shanhai init`: create the database (or bring an existing one up to date)
 * by applying the schema migrations embedded in the binary, then load the
 * administrative divisions shipped with it.
 */
#include "cli/cli.h"
#include "cli/cli_util.h"

#include <stdio.h>
#include <string.h>

int cmd_init(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("用法 usage: shanhai [--db PATH] init\n\n"
		       "创建数据库或升级到最新结构，并载入行政区划。\n"
		       "Create the database, or upgrade it to the latest schema, and load the\n"
		       "administrative divisions (real NBS codes down to villages).\n");
		return 0;
	}
	if (argc > 1) {
		fprintf(stderr, "shanhai init: unexpected argument '%s'\n", argv[1]);
		return 2;
	}
	struct store *db = cli_open_db(true);
	if (!db)
		return 1;
	printf("数据库已就绪 database ready: %s\n", cli_db_label());
	store_close(db);
	return 0;
}
