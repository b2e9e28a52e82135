/*
 * `shanhai copy --to DEST`: copy the whole database named by --db into
 * another, empty one — a SQLite file into PostgreSQL when a site outgrows one
 * file, or PostgreSQL back into a file. The target is migrated first; the
 * copy is one transaction, then the target's integrity is checked.
 */
#include "cli/cli.h"
#include "cli/cli_util.h"

#include <stdio.h>
#include <string.h>

static void show_table(const char *table, int64_t rows)
{
	fprintf(stderr, "  %-28s %lld\n", table, (long long)rows);
}

static int usage(FILE *out, int status)
{
	fprintf(out, "用法 usage: shanhai [--db SRC] copy --to DEST\n\n"
		     "把整个数据库复制到另一个空数据库（SQLite 文件 ↔ PostgreSQL）。\n"
		     "Copy the whole database into another, empty one (SQLite file <-> PostgreSQL):\n"
		     "  shanhai --db shanhai.db copy --to postgres://user@host/shanhai\n"
		     "  shanhai --db postgres://user@host/shanhai copy --to archive.db\n");
	return status;
}

int cmd_copy(int argc, char **argv)
{
	char err[512], check[256];
	if (cli_wants_help(argc, argv))
		return usage(stdout, 0);
	if (argc != 3 || strcmp(argv[1], "--to"))
		return usage(stderr, 2);
	struct store *from = cli_open_db(false), *to = NULL;
	int status = 1;
	if (!from)
		return 1;
	if (!(to = store_open(argv[2], err, sizeof(err)))) {
		fprintf(stderr, "shanhai copy: %s\n", err);
		goto out;
	}
	if (store_migrate(to)) {
		fprintf(stderr, "shanhai copy: cannot create the schema in the target: %s\n",
			store_errmsg(to));
		goto out;
	}
	if (store_copy(from, to, show_table, err, sizeof(err))) {
		fprintf(stderr, "shanhai copy: %s; the target is unchanged\n", err);
		goto out;
	}
	if (store_integrity_check(to, check, sizeof(check)) || strcmp(check, "ok")) {
		fprintf(stderr, "shanhai copy: the copy failed its integrity check: %s\n", check);
		goto out;
	}
	printf("复制完成 copy complete (%s → %s), integrity ok\n", store_kind(from), store_kind(to));
	status = 0;
out:
	store_close(to);
	store_close(from);
	return status;
}
