/*
 * `shanhai import FILE --channel CODE [--db PATH]`: import a channel's order
 * file (CSV in UTF-8 or GBK, or .xlsx; columns in docs/IMPORT.md) straight
 * into the database, the way POST /api/v1/imports/orders does over HTTP.
 * All or nothing: the whole file runs in one transaction; if any row is bad
 * every problem is printed ("FILE:LINE: column 'X': message") and nothing is
 * written. On a terminal a progress line shows how far a long import is.
 * The import leaves an audit_log row like the HTTP import (user: none).
 */
#include "cli/cli.h"
#include "cli/cli_util.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/order_import.h"
#include "app/orders.h"
#include "io/table.h"
#include "lib/timeutil.h"

struct import_args {
	const char *file, *channel, *db;
	bool quiet;
};

static void usage(FILE *out)
{
	fprintf(out, "用法 usage: shanhai import FILE --channel CODE [--db PATH] [--quiet]\n\n"
	             "导入渠道订单文件（CSV：UTF-8 或 GBK；或 .xlsx），列见 docs/IMPORT.md。\n"
	             "Imports a channel's order file (CSV in UTF-8 or GBK, or .xlsx); columns in\n"
	             "docs/IMPORT.md. A file with any bad row is refused whole and every problem\n"
	             "is listed.\n");
}

static int parse_args(int argc, char **argv, struct import_args *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--channel") && i + 1 < argc)
			a->channel = argv[++i];
		else if (!strcmp(argv[i], "--db") && i + 1 < argc)
			a->db = argv[++i];
		else if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q"))
			a->quiet = true;
		else if (argv[i][0] != '-' && !a->file)
			a->file = argv[i];
		else {
			fprintf(stderr, "shanhai import: unexpected argument '%s'\n", argv[i]);
			return -1;
		}
	}
	if (!a->file || !a->channel) {
		fprintf(stderr, "shanhai import: %s\n",
		        !a->file ? "missing the file to import" : "missing --channel CODE");
		return -1;
	}
	return 0;
}

static struct store *open_db(const char *path)
{
	char err[256];
	if (!path)
		return cli_open_db(false);
	struct store *db = store_open(path, err, sizeof(err));
	if (!db)
		fprintf(stderr, "shanhai import: %s\n", err);
	return db;
}

static void show_progress(void *ud, size_t done, size_t total)
{
	(void)ud;
	fprintf(stderr, "\r导入 importing: %zu / %zu orders (%zu%%)", done, total,
	        total ? done * 100 / total : 100);
	if (done == total)
		fputc('\n', stderr);
}

static void print_problems(const char *file, const struct import_report *rep)
{
	for (size_t i = 0; i < rep->nproblems && i < rep->capproblems; i++) {
		const struct import_problem *p = &rep->problems[i];
		fprintf(stderr, "%s:%ld: ", file, p->line);
		if (p->column[0])
			fprintf(stderr, "column '%s': ", p->column);
		fprintf(stderr, "%s (%s)\n", p->message_en, p->message_zh);
	}
	if (rep->nproblems > rep->capproblems || rep->nproblems > 1000)
		fprintf(stderr, "%s: ... %zu problems in all (the first 1000 are listed)\n", file,
		        rep->nproblems);
	fprintf(stderr,
	        "shanhai import: '%s' refused: %zu problem(s), nothing was imported "
	        "(文件有错误，整个文件未导入)\n",
	        file, rep->nproblems);
}

static int audit_import(struct store *db, const struct import_report *rep, int64_t channel_id)
{
	char id[32], detail[96];
	struct stmt *st;
	snprintf(id, sizeof(id), "%lld", (long long)rep->import_id);
	snprintf(detail, sizeof(detail), "{\"channel_id\":%lld,\"orders\":%zu,\"via\":\"cli\"}",
	         (long long)channel_id, rep->orders);
	int rc = store_prepare(db,
	                       "INSERT INTO audit_log (at, user_id, action, object_type, object_id,"
	                       " detail) VALUES (?, NULL, 'order.import', 'import', ?, ?)",
	                       &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, time_now_ms());
	stmt_bind_text(st, 2, id);
	stmt_bind_text(st, 3, detail);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Run the import in one transaction: 0 imported, 1 refused or failed. */
static int import_in_tx(struct store *db, const struct import_args *a, const struct table *t,
                        struct import_report *rep)
{
	struct app_err e;
	int64_t channel_id;
	char today[11];
	date_format(shanghai_day_of(time_now_ms() / 1000), today, sizeof(today));
	if (store_cache_kib(db, 256 * 1024)) { /* the whole import is one transaction */
		fprintf(stderr, "shanhai import: cannot size the page cache: %s\n", store_errmsg(db));
		return 1;
	}
	if (store_begin(db)) {
		fprintf(stderr, "shanhai import: cannot start a transaction: %s\n",
		        store_errmsg(db));
		return 1;
	}
	if (channel_by_code(db, a->channel, &channel_id, &e)) {
		fprintf(stderr, "shanhai import: %s\n", e.message_en);
		goto out_rollback;
	}
	bool progress = !a->quiet && isatty(STDERR_FILENO);
	const char *base = strrchr(a->file, '/');
	if (order_import_table(db, channel_id, t, base ? base + 1 : a->file, 0, today,
	                       progress ? show_progress : NULL, NULL, rep, &e)) {
		if (rep->nproblems)
			print_problems(a->file, rep);
		else
			fprintf(stderr, "shanhai import: %s\n", e.message_en);
		goto out_rollback;
	}
	if (audit_import(db, rep, channel_id) || store_commit(db)) {
		fprintf(stderr, "shanhai import: cannot commit: %s\n", store_errmsg(db));
		goto out_rollback;
	}
	return 0;
out_rollback:
	store_rollback(db);
	return 1;
}

int cmd_import(int argc, char **argv)
{
	struct import_args a;
	struct table t;
	struct io_error ioe;
	struct import_report rep;
	int status = 1;
	if (cli_wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if (parse_args(argc, argv, &a)) {
		usage(stderr);
		return 2;
	}
	int64_t t0 = time_mono_ms();
	table_init(&t);
	if (table_read_file(a.file, &t, &ioe)) {
		fprintf(stderr, "%s:%ld: %s%s%s%s (%s)\n", a.file, ioe.line,
		        ioe.column[0] ? "column '" : "", ioe.column, ioe.column[0] ? "': " : "",
		        ioe.message, ioe.message_zh);
		fprintf(stderr, "shanhai import: '%s' refused, nothing was imported\n", a.file);
		goto out_table;
	}
	struct store *db = open_db(a.db);
	if (!db)
		goto out_table;
	import_report_init(&rep);
	status = import_in_tx(db, &a, &t, &rep);
	if (status == 0)
		printf("已导入 imported '%s': %zu rows, %zu orders (%zu new, %zu unchanged), "
		       "%zu lines, import %lld, %.3f s\n",
		       a.file, rep.rows, rep.orders, rep.created, rep.unchanged, rep.lines,
		       (long long)rep.import_id, (double)(time_mono_ms() - t0) / 1000.0);
	import_report_release(&rep);
	store_close(db);
out_table:
	table_release(&t);
	return status;
}
