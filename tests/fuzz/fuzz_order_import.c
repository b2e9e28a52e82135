/*
 * libFuzzer target for the order import end to end on bytes: a channel's file
 * (CSV in any encoding the reader accepts, or .xlsx) goes through
 * table_read_mem, the import's column and row checks, the order validators
 * and the allocation look-ups of order_import_table, on a real SQLite
 * database (fuzz_world.h: the schema migrations, the base data and the order
 * tests' world, made once in a temporary folder). Each input
 * runs in a transaction that is rolled back, so every input sees the same
 * database. An accepted file must account for every order and have no
 * problem listed; a refused one is a 422 listing at least one problem, each
 * with a line inside the file and messages in both languages, all valid UTF-8
 * (they go into a JSON answer). A storage error
 * (5xx) on this healthy database is a finding.
 */
// fuzz-sources: src/app/*.c src/core/*.c src/io/*.c src/store/*.c src/route/*.c
// fuzz-sources: src/plan/*.c src/http/auth.c
// fuzz-embedded
#include "app/order_import.h"
#include "io/table.h"
#include "lib/str.h"
#include "fuzz_world.h"

#include <stdint.h>
#include <string.h>

static struct store *db;

static void close_world(void)
{
	store_close(db);
	world_remove();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	db = world_create();
	world_sql(db, "INSERT INTO users (id, username, display_name, password_hash, role, active,"
	              " created_at) VALUES (1, 'fuzz', 'fuzz', 'x', 'channel', 1, 0)");
	atexit(close_world);
	return 0;
}

static void check_refusal(const struct table *t, const struct import_report *rep,
                          const struct app_err *err)
{
	long last = t->nrows ? t->rows[t->nrows - 1].line : 0;
	if (err->status != 422)
		world_fail("refused with status other than 422", err->message_en);
	if (rep->nproblems == 0)
		world_fail("refused without a problem", err->message_en);
	size_t listed = rep->nproblems < rep->capproblems ? rep->nproblems : rep->capproblems;
	for (size_t i = 0; i < listed; i++) {
		const struct import_problem *p = &rep->problems[i];
		if (!p->message_zh[0] || !p->message_en[0])
			world_fail("a problem without a message", p->column);
		if (!utf8_valid(p->message_zh, strlen(p->message_zh)) ||
		    !utf8_valid(p->message_en, strlen(p->message_en)) ||
		    !utf8_valid(p->column, strlen(p->column)))
			world_fail("a problem that is not valid UTF-8", p->message_en);
		if (p->line < 0 || p->line > last)
			world_fail("a problem outside the file", p->message_en);
		if (i > 0 && p->line < rep->problems[i - 1].line)
			world_fail("problems not in file order", p->message_en);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct table t;
	struct io_error ioe;
	struct import_report rep;
	struct app_err err;
	memset(&err, 0, sizeof(err));
	if (table_read_mem(data, size, &t, &ioe)) {
		if (!ioe.message[0])
			world_fail("the reader refused without a message", "");
		return 0;
	}
	import_report_init(&rep);
	if (store_begin(db))
		world_fail("begin", store_errmsg(db));
	int rc = order_import_table(db, 1, &t, "fuzz.csv", 1, "2026-11-01", NULL, NULL, &rep, &err);
	if (rc == 0 && (rep.nproblems || rep.created + rep.unchanged != rep.orders || !rep.rows))
		world_fail("accepted but the report does not add up", "");
	if (rc != 0 && err.status >= 500)
		world_fail("storage error", err.message_en);
	if (rc != 0)
		check_refusal(&t, &rep, &err);
	if (store_rollback(db))
		world_fail("rollback", store_errmsg(db));
	import_report_release(&rep);
	table_release(&t);
	return 0;
}
