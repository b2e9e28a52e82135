/*
 * `shanhai backup FILE`: an online backup of the SQLite database (other
 * processes may keep writing), followed by an integrity check of the copy.
 */
#include "cli/cli.h"
#include "cli/cli_util.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void show_progress(int done, int total)
{
	if (isatty(STDERR_FILENO) && total > 0)
		fprintf(stderr, "\r备份 backup %d/%d pages", done, total);
}

int cmd_backup(int argc, char **argv)
{
	char err[256], check[256];
	if (cli_wants_help(argc, argv) || argc != 2) {
		fprintf(argc != 2 ? stderr : stdout,
			"用法 usage: shanhai [--db PATH] backup FILE\n\n"
			"在线备份数据库到 FILE（不影响服务运行），并检查备份的完整性。\n"
			"Copy the live database to FILE (the server may keep running) and check the copy.\n");
		return argc != 2 && !cli_wants_help(argc, argv) ? 2 : 0;
	}
	if (access(argv[1], F_OK) == 0) {
		fprintf(stderr, "shanhai backup: '%s' already exists; choose a new file\n", argv[1]);
		return 1;
	}
	struct store *db = cli_open_db(false);
	if (!db)
		return 1;
	int rc = store_backup(db, argv[1], show_progress, err, sizeof(err));
	store_close(db);
	if (isatty(STDERR_FILENO))
		fputc('\n', stderr);
	if (rc) {
		fprintf(stderr, "shanhai backup: %s\n", err);
		return 1;
	}
	struct store *copy = store_open(argv[1], err, sizeof(err));
	if (!copy || store_integrity_check(copy, check, sizeof(check)) || strcmp(check, "ok")) {
		fprintf(stderr, "shanhai backup: the copy failed its integrity check: %s\n",
			copy ? check : err);
		store_close(copy);
		return 1;
	}
	store_close(copy);
	printf("备份完成并通过完整性检查 backup written and checked: %s\n", argv[1]);
	return 0;
}
