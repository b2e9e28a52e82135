/*
 * `shanhai restore BACKUP [--force]`: bring back a database from a file
 * written by `shanhai backup`. The backup is checked first; then its rows are
 * copied into the database named by --db (a new SQLite file, or an empty
 * PostgreSQL database) and the result is checked again. An existing SQLite
 * file is replaced only with --force, and only once the backup has passed its
 * check. Stop `shanhai serve` before restoring.
 */
#include "cli/cli.h"
#include "cli/cli_util.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int usage(FILE *out, int status)
{
	fprintf(out, "用法 usage: shanhai [--db PATH|URL] restore BACKUP [--force]\n\n"
		     "从 shanhai backup 生成的备份恢复数据库（先检查备份完整性）。\n"
		     "Restore the database from a file written by 'shanhai backup' (checked first).\n"
		     "  --force   替换已存在的 SQLite 文件 replace an existing SQLite file\n");
	return status;
}

static struct store *open_checked_backup(const char *path)
{
	char err[256], check[256];
	if (access(path, R_OK)) {
		fprintf(stderr, "shanhai restore: cannot read '%s': %s\n", path, strerror(errno));
		return NULL;
	}
	struct store *db = store_open(path, err, sizeof(err));
	if (!db) {
		fprintf(stderr, "shanhai restore: %s\n", err);
		return NULL;
	}
	if (store_integrity_check(db, check, sizeof(check)) || strcmp(check, "ok")) {
		fprintf(stderr, "shanhai restore: the backup '%s' failed its integrity check: %s\n",
			path, check);
		store_close(db);
		return NULL;
	}
	return db;
}

/* Remove an existing SQLite target (with its WAL files) once allowed. */
static int clear_sqlite_target(const char *path, bool force)
{
	if (store_url_is_postgres(path) || access(path, F_OK))
		return 0;
	if (!force) {
		fprintf(stderr, "shanhai restore: '%s' exists; add --force to replace it\n", path);
		return -1;
	}
	char side[4096];
	const char *suffixes[] = {"-wal", "-shm"};
	for (int i = 0; i < 2; i++) {
		snprintf(side, sizeof(side), "%s%s", path, suffixes[i]);
		if (unlink(side) && errno != ENOENT)
			goto fail;
	}
	if (unlink(path) == 0)
		return 0;
fail:
	fprintf(stderr, "shanhai restore: cannot replace '%s': %s\n", path, strerror(errno));
	return -1;
}

int cmd_restore(int argc, char **argv)
{
	char err[512], check[256];
	bool force = false;
	const char *backup = NULL;
	if (cli_wants_help(argc, argv))
		return usage(stdout, 0);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--force"))
			force = true;
		else if (!backup && argv[i][0] != '-')
			backup = argv[i];
		else
			return usage(stderr, 2);
	}
	if (!backup)
		return usage(stderr, 2);
	int status = 1;
	struct store *from = open_checked_backup(backup), *to = NULL;
	if (!from || clear_sqlite_target(cli_db_path(), force))
		goto out;
	if (!(to = store_open(cli_db_path(), err, sizeof(err)))) {
		fprintf(stderr, "shanhai restore: %s\n", err);
		goto out;
	}
	/* the backup is never written to: an older one is upgraded by
	 * 'shanhai --db BACKUP init' on a copy, as the version error says */
	if (store_migrate(to)) {
		fprintf(stderr, "shanhai restore: cannot create the schema: %s\n", store_errmsg(to));
		goto out;
	}
	if (store_copy(from, to, NULL, err, sizeof(err))) {
		fprintf(stderr, "shanhai restore: %s\n", err);
		goto out;
	}
	if (store_integrity_check(to, check, sizeof(check)) || strcmp(check, "ok")) {
		fprintf(stderr, "shanhai restore: the restored database failed its check: %s\n", check);
		goto out;
	}
	printf("已恢复并通过完整性检查 restored and checked: %s\n", cli_db_label());
	status = 0;
out:
	store_close(to);
	store_close(from);
	return status;
}
