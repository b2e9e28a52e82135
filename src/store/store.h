/*
 * The storage seam (after SQLite's VFS and Redis's dictType): every SQL
 * statement Shanhai runs goes through this small table of functions, so the
 * SQLite store (store_sqlite.c, the default) and a PostgreSQL store (a later
 * issue) are two implementations of one interface, and tests can inject faults
 * at one place (store_fault_*).
 *
 * SQL is written once, portably: `?` placeholders (the PostgreSQL driver turns
 * them into $1..$n), BIGINT/TEXT columns, `RETURNING id` after INSERT, no
 * INSERT OR IGNORE/REPLACE (use ON CONFLICT ... DO NOTHING), dates as
 * 'YYYY-MM-DD' text, instants as Unix milliseconds (BIGINT, UTC).
 *
 * Usage:
 *   struct stmt *st;
 *   if (store_prepare(db, "SELECT name FROM products WHERE code = ?", &st)) ...
 *   stmt_bind_text(st, 1, code);
 *   while ((rc = stmt_step(st)) == STORE_ROW) name = stmt_text(st, 0);
 *   stmt_finalize(st);
 *
 * Every function returning int returns STORE_OK (0) or a negative
 * STORE_E* code; store_errmsg() says what went wrong in words.
 */
#ifndef SHANHAI_STORE_H
#define SHANHAI_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum store_rc {
	STORE_OK = 0,
	STORE_ROW = 1,          /* stmt_step: a row is ready */
	STORE_DONE = 2,         /* stmt_step: no more rows */
	STORE_ECONSTRAINT = -1, /* unique/check/foreign-key violation */
	STORE_EBUSY = -2,       /* locked or serialization failure: retry the transaction */
	STORE_EIO = -3,         /* write failed, disk full, connection lost: 503 */
	STORE_EMISUSE = -4,     /* a bug: bad SQL, wrong bind index */
};

enum col_type { COL_NULL, COL_INT, COL_TEXT, COL_OTHER };

struct store;
struct stmt;

/* Open the database named by url: a file path (SQLite) or a postgres:// or
 * postgresql:// URL (libpq). On failure returns NULL and writes a message to
 * err (never the URL, which may hold a password). */
struct store *store_open(const char *url, char *err, size_t errsz);
void store_close(struct store *db);
/* True if url names a PostgreSQL database rather than a SQLite file. */
bool store_url_is_postgres(const char *url);
/* Apply every embedded migration not yet applied (schema_migrations table),
 * each in its own transaction. */
int store_migrate(struct store *db);
/* The last error in words (never contains bound values). */
const char *store_errmsg(struct store *db);
/* "sqlite" or "postgres". */
const char *store_kind(struct store *db);

int store_prepare(struct store *db, const char *sql, struct stmt **out);
/* Prepare a one-row "INSERT ... RETURNING id" (the text must end so) to run
 * with stmt_insert_id. SQLite drops the RETURNING clause and reads the
 * connection's last rowid instead: its RETURNING builds a temporary table
 * per statement, the most expensive part of inserting an order's rows. */
int store_prepare_insert(struct store *db, const char *sql, struct stmt **out);
/* Run a statement from store_prepare_insert to its end; *id is the new row's id. */
int stmt_insert_id(struct stmt *st, int64_t *id);
/* n ids for rows of table (a table whose key column is `id`) that the
 * caller will insert itself with those ids, so that rows naming them (an
 * order's lines, a line's allocations) can be queued and written together
 * in multi-row INSERTs. Only inside a write transaction (store_begin).
 * SQLite: the ids after the largest in the table and after every id this
 * connection handed out before (the write lock is held, so no other
 * connection inserts meanwhile; this connection must not let the table pick
 * ids itself until the rows are written). PostgreSQL: n values of the
 * table's identity sequence, in one round trip. 0 with ids[0..n-1] filled
 * in increasing order, or a STORE_E* code. */
int store_next_ids(struct store *db, const char *table, int64_t *ids, size_t n);
/* The ids of table from first on that store_next_ids handed out were not
 * used (no row will be written with them): SQLite may hand them out again,
 * so a caller that takes a block per transaction and uses a few leaves no
 * gaps. PostgreSQL's sequence does not go back: nothing happens. */
void store_ids_unused(struct store *db, const char *table, int64_t first);
/* The most parameters one statement may bind on this store (SQLite's
 * SQLITE_LIMIT_VARIABLE_NUMBER of the connection, PostgreSQL's 65535). */
int store_max_params(struct store *db);
int stmt_bind_int(struct stmt *st, int idx, int64_t v);      /* idx from 1 */
int stmt_bind_text(struct stmt *st, int idx, const char *s); /* NULL binds NULL */
int stmt_bind_textn(struct stmt *st, int idx, const char *s, size_t n);
int stmt_bind_null(struct stmt *st, int idx);
/* STORE_ROW, STORE_DONE or an error. */
int stmt_step(struct stmt *st);
/* Column values of the current row (idx from 0). stmt_text returns "" for
 * NULL; the pointer is valid until the next step/reset/finalize. */
int64_t stmt_int(struct stmt *st, int idx);
const char *stmt_text(struct stmt *st, int idx);
enum col_type stmt_type(struct stmt *st, int idx);
int stmt_columns(struct stmt *st);
const char *stmt_column_name(struct stmt *st, int idx);
/* Make the statement ready to run again with new bindings. */
int stmt_reset(struct stmt *st);
/* The same for a caller that binds every parameter again before the next
 * step (a multi-row INSERT): the old bindings are not cleared first. */
int stmt_reset_rebind(struct stmt *st);
/* stmt_bind_text without copying s (SQLite): s must stay as it is until
 * the statement has been stepped to its end, reset or finalized. */
int stmt_bind_text_ref(struct stmt *st, int idx, const char *s);
void stmt_finalize(struct stmt *st);

/* Transactions. store_begin takes the write lock at once (BEGIN IMMEDIATE on
 * SQLite), so two writers never deadlock half-way; nesting is not allowed. */
int store_begin(struct store *db);
int store_commit(struct store *db);
int store_rollback(struct store *db);
/* Run SQL with no parameters and no result rows (DDL, PRAGMA). */
int store_exec(struct store *db, const char *sql);
/* Let this connection keep up to kib KiB of pages in memory (SQLite's
 * cache_size; nothing on PostgreSQL), so that one large transaction (a bulk
 * request, an import) does not spill dirty pages to the WAL before its
 * commit and read them back. Durability is unchanged. */
int store_cache_kib(struct store *db, int kib);
/* Rows changed by the last INSERT/UPDATE/DELETE. */
int64_t store_changes(struct store *db);

/* Convenience: run sql with one optional int parameter and return the first
 * column of the first row in *out (0 if no row). */
int store_query_int(struct store *db, const char *sql, int64_t param, int64_t *out);

/* Online backup of the whole database to a new file at path (SQLite backup
 * API, copying while others keep writing), then an integrity check of the
 * copy. progress (may be NULL) is called with pages done and total. */
int store_backup(struct store *db, const char *path, void (*progress)(int done, int total),
                 char *err, size_t errsz);
/* "ok" or the first problem found by the store's own integrity check. */
int store_integrity_check(struct store *db, char *out, size_t outsz);

/* Copy every row of every table from one store into another, freshly
 * migrated and empty one (SQLite into PostgreSQL or back), in one transaction
 * of the target: all or nothing. Both must be at the same schema version.
 * progress (may be NULL) is called after each table. */
int store_copy(struct store *from, struct store *to,
               void (*progress)(const char *table, int64_t rows), char *err, size_t errsz);

/* Fault injection for tests: after `after` more successful steps of writing
 * statements, the next step fails with `rc` (e.g. STORE_EIO) — once, or every
 * time if sticky. store_fault_clear() ends it. */
void store_fault_inject(struct store *db, long after, int rc, bool sticky);

/* One cache the service layer may keep beside a connection while a
 * transaction is open (the order context's warehouses, SKUs and stock, so
 * the orders of one group commit read them once). It is only as good as
 * the transaction: commit and rollback drop it (calling release), and so
 * does store_cache_settle after every job of the writer unless that job
 * said store_cache_keep. store_cache_get returns it only for the same tag. */
void store_cache_set(struct store *db, const void *tag, void *p, void (*release)(void *));
void *store_cache_get(struct store *db, const void *tag);
/* A cache may hold rows its jobs queued instead of writing them (the single
 * orders of one group commit, written together by multi-row statements).
 * It then names two hooks: job_end(p, undone) after each job (undone: the
 * job was rolled back, so the rows it queued are forgotten; else they stand
 * and are the cache's to write; non-zero: the rows of earlier jobs were lost
 * with the job's savepoint, so the transaction cannot stand), and flush(p),
 * which writes every row that stands (0 or a STORE_E* code, after which the
 * transaction cannot stand either). */
void store_cache_set_queue(struct store *db, int (*job_end)(void *p, bool undone),
                           int (*flush)(void *p));
/* Write what the cache holds queued (see store_cache_set_queue): the writer
 * calls it outside any job's savepoint, before a job that does not share the
 * cache and before it commits. 0 if nothing was queued. */
int store_cache_flush(struct store *db);
/* The job now running leaves the cache true to the database. */
void store_cache_keep(struct store *db);
/* After a job (rolled_back: its savepoint was undone): tell a queueing cache
 * whether the job stands, then drop the cache unless the job kept it and its
 * work stands (writing what it holds queued first). Non-zero (a STORE_E*
 * code): rows of the transaction were lost, roll it back. */
int store_cache_settle(struct store *db, bool rolled_back);
/* Drop the cache without writing anything it holds queued. */
void store_cache_drop(struct store *db);
void store_fault_clear(struct store *db);

#endif
