/*
 * The SQLite driver of the storage seam (the default store: one file).
 * Settings: WAL journal, synchronous=FULL (an acknowledged commit survives a
 * power cut), foreign keys on, a busy timeout so concurrent connections wait
 * rather than fail. Error codes are mapped to STORE_E*: constraint → conflict,
 * busy/locked → retry, I/O/full/corrupt → unavailable.
 *
 * Prepared statements are kept per connection and reused (after reset and
 * clearing the bindings) when the same SQL text is prepared again: preparing
 * was half of the writer's time on a single order. A statement still in use
 * is never handed out twice; past STMT_CACHE distinct texts, statements are
 * prepared and finalized as before. One-statement exec texts (the writer's
 * SAVEPOINT / RELEASE per job, BEGIN, COMMIT) go through the same cache.
 */
#include "store/store_int.h"
#include "lib/alloc.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define STMT_CACHE 256

struct cached_stmt {
	sqlite3_stmt *st;
	uint64_t hash;
	bool busy; /* handed out and not yet finalized */
};

#define ID_TABLES 8

/* The next id store_next_ids may hand out for a table (see there). */
struct id_mark {
	char table[48];
	char max_sql[96]; /* the query of the table's largest id, written once */
	int64_t next;
};

struct sq_conn {
	sqlite3 *handle;
	struct cached_stmt cache[STMT_CACHE];
	int ncached;
	struct id_mark marks[ID_TABLES];
	int nmarks;
};

static struct sq_conn *sc(struct store *db)
{
	return db->conn;
}

static sqlite3 *conn_of(struct store *db)
{
	return sc(db)->handle;
}

static uint64_t text_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

/* A cached, idle statement of exactly this SQL, now marked busy; or NULL. */
static sqlite3_stmt *take_cached(struct sq_conn *c, const char *sql, uint64_t h)
{
	for (int i = 0; i < c->ncached; i++) {
		struct cached_stmt *e = &c->cache[i];
		if (e->hash == h && !e->busy && !strcmp(sqlite3_sql(e->st), sql)) {
			e->busy = true;
			return e->st;
		}
	}
	return NULL;
}

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return STORE_OK;
	case SQLITE_ROW:
		return STORE_ROW;
	case SQLITE_DONE:
		return STORE_DONE;
	case SQLITE_CONSTRAINT:
		return STORE_ECONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_EBUSY;
	case SQLITE_IOERR:
	case SQLITE_FULL:
	case SQLITE_CORRUPT:
	case SQLITE_CANTOPEN:
	case SQLITE_NOTADB:
	case SQLITE_READONLY:
	case SQLITE_PROTOCOL:
		return STORE_EIO;
	default:
		return STORE_EMISUSE;
	}
}

static int sq_prepare(struct store *db, const char *sql, void **impl, bool *writes)
{
	struct sq_conn *c = sc(db);
	uint64_t h = text_hash(sql);
	sqlite3_stmt *st = take_cached(c, sql, h);
	if (st) {
		*impl = st;
		*writes = !sqlite3_stmt_readonly(st);
		return STORE_OK;
	}
	bool keep = c->ncached < STMT_CACHE;
	int rc = sqlite3_prepare_v3(conn_of(db), sql, -1, keep ? SQLITE_PREPARE_PERSISTENT : 0, &st,
	                            NULL);
	if (rc != SQLITE_OK) {
		snprintf(db->err, sizeof(db->err), "prepare: %s", sqlite3_errmsg(conn_of(db)));
		return map_rc(rc) == STORE_OK ? STORE_EMISUSE : map_rc(rc);
	}
	if (!st) {
		snprintf(db->err, sizeof(db->err), "prepare: empty statement");
		return STORE_EMISUSE;
	}
	if (keep)
		c->cache[c->ncached++] = (struct cached_stmt){st, h, true};
	*impl = st;
	*writes = !sqlite3_stmt_readonly(st);
	return STORE_OK;
}

static int sq_bind_int(void *impl, int idx, int64_t v)
{
	return map_rc(sqlite3_bind_int64(impl, idx, v));
}

static int sq_bind_text(void *impl, int idx, const char *s, size_t n)
{
	return map_rc(sqlite3_bind_text(impl, idx, s, (int)n, SQLITE_TRANSIENT));
}

static int sq_bind_text_ref(void *impl, int idx, const char *s, size_t n)
{
	return map_rc(sqlite3_bind_text(impl, idx, s, (int)n, SQLITE_STATIC));
}

static int sq_bind_null(void *impl, int idx)
{
	return map_rc(sqlite3_bind_null(impl, idx));
}

static int sq_step(struct store *db, void *impl)
{
	int rc = map_rc(sqlite3_step(impl));
	if (rc < 0)
		snprintf(db->err, sizeof(db->err), "%s", sqlite3_errmsg(conn_of(db)));
	return rc;
}

static int64_t sq_col_int(void *impl, int idx)
{
	return sqlite3_column_int64(impl, idx);
}

static const char *sq_col_text(void *impl, int idx)
{
	return (const char *)sqlite3_column_text(impl, idx);
}

static enum col_type sq_col_type(void *impl, int idx)
{
	switch (sqlite3_column_type(impl, idx)) {
	case SQLITE_NULL:
		return COL_NULL;
	case SQLITE_INTEGER:
		return COL_INT;
	case SQLITE_TEXT:
		return COL_TEXT;
	default:
		return COL_OTHER;
	}
}

static int sq_col_count(void *impl)
{
	return sqlite3_column_count(impl);
}

static const char *sq_col_name(void *impl, int idx)
{
	return sqlite3_column_name(impl, idx);
}

static int sq_reset(void *impl)
{
	sqlite3_reset(impl);
	return map_rc(sqlite3_clear_bindings(impl));
}

static int sq_reset_keep(void *impl)
{
	sqlite3_reset(impl);
	return STORE_OK;
}

/* A cached statement goes back to the cache, ready to run again. */
static void sq_finalize(struct store *db, void *impl)
{
	struct sq_conn *c = sc(db);
	for (int i = 0; i < c->ncached; i++)
		if (c->cache[i].st == impl) {
			sqlite3_reset(impl);
			sqlite3_clear_bindings(impl);
			c->cache[i].busy = false;
			return;
		}
	sqlite3_finalize(impl);
}

/* True if only white space is left after the first statement. */
static bool only_space(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ';')
		s++;
	return *s == '\0';
}

/* The cached statement for a one-statement exec text (SAVEPOINT, RELEASE,
 * BEGIN, COMMIT: run per write job, so worth keeping), prepared on first
 * use; NULL if the text holds several statements or the cache is full. */
static sqlite3_stmt *exec_stmt(struct sq_conn *c, const char *sql)
{
	uint64_t h = text_hash(sql);
	sqlite3_stmt *st = take_cached(c, sql, h);
	const char *tail = NULL;
	if (st || c->ncached >= STMT_CACHE)
		return st;
	if (sqlite3_prepare_v3(c->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail) !=
	        SQLITE_OK ||
	    !st || !only_space(tail)) {
		sqlite3_finalize(st);
		return NULL;
	}
	c->cache[c->ncached++] = (struct cached_stmt){st, h, true};
	return st;
}

/* Run a cached statement to its end and hand it back to the cache. */
static int exec_cached(struct store *db, sqlite3_stmt *st)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE)
		snprintf(db->err, sizeof(db->err), "%s", sqlite3_errmsg(conn_of(db)));
	sq_finalize(db, st);
	if (rc == SQLITE_DONE)
		return STORE_OK;
	int m = map_rc(rc);
	return m == STORE_OK ? STORE_EMISUSE : m;
}

static int sq_exec(struct store *db, const char *sql)
{
	char *msg = NULL;
	sqlite3_stmt *st = exec_stmt(sc(db), sql);
	if (st)
		return exec_cached(db, st);
	int rc = sqlite3_exec(conn_of(db), sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(db->err, sizeof(db->err), "%s", msg ? msg : sqlite3_errmsg(conn_of(db)));
		sqlite3_free(msg);
		int m = map_rc(rc);
		return m == STORE_OK ? STORE_EMISUSE : m;
	}
	return STORE_OK;
}

static int64_t sq_changes(struct store *db)
{
	return sqlite3_changes64(conn_of(db));
}

static int64_t sq_last_insert_id(struct store *db)
{
	return sqlite3_last_insert_rowid(conn_of(db));
}

/* The mark of table, a new one (next 0) if unseen; NULL if all are taken. */
static struct id_mark *id_mark_of(struct sq_conn *c, const char *table)
{
	for (int i = 0; i < c->nmarks; i++)
		if (!strcmp(c->marks[i].table, table))
			return &c->marks[i];
	if (c->nmarks == ID_TABLES)
		return NULL;
	struct id_mark *m = &c->marks[c->nmarks++];
	snprintf(m->table, sizeof(m->table), "%s", table);
	snprintf(m->max_sql, sizeof(m->max_sql), "SELECT COALESCE(MAX(id), 0) FROM %s", table);
	m->next = 0;
	return m;
}

/* The ids after both the largest id in the table (read inside the caller's
 * write transaction, so it includes every other connection's rows) and the
 * ids this connection handed out before and may not have written yet. */
static int sq_next_ids(struct store *db, const char *table, int64_t *ids, size_t n)
{
	struct id_mark *m = id_mark_of(sc(db), table);
	int64_t max = 0;
	if (!m) {
		snprintf(db->err, sizeof(db->err), "next ids: too many tables");
		return STORE_EMISUSE;
	}
	int rc = store_query_int(db, m->max_sql, 0, &max);
	if (rc)
		return rc;
	int64_t next = max + 1 > m->next ? max + 1 : m->next;
	for (size_t i = 0; i < n; i++)
		ids[i] = next + (int64_t)i;
	m->next = next + (int64_t)n;
	return STORE_OK;
}

/* A block's unused tail goes back: the next block starts there, unless the
 * table has grown past it. */
static void sq_ids_unused(struct store *db, const char *table, int64_t first)
{
	struct id_mark *m = id_mark_of(sc(db), table);
	if (m && m->next > first)
		m->next = first;
}

static int sq_max_params(struct store *db)
{
	return sqlite3_limit(conn_of(db), SQLITE_LIMIT_VARIABLE_NUMBER, -1);
}

static const char *sq_errmsg(struct store *db)
{
	return sqlite3_errmsg(conn_of(db));
}

static void sq_close(struct store *db)
{
	struct sq_conn *c = sc(db);
	for (int i = 0; i < c->ncached; i++)
		sqlite3_finalize(c->cache[i].st);
	sqlite3_close(c->handle);
	free(c);
	free(db);
}

static int sq_backup(struct store *db, const char *path, void (*progress)(int, int), char *err,
                     size_t errsz)
{
	sqlite3 *dest = NULL;
	int rc = sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errsz, "cannot create '%s': %s", path,
		         dest ? sqlite3_errmsg(dest) : "out of memory");
		sqlite3_close(dest);
		return STORE_EIO;
	}
	sqlite3_backup *b = sqlite3_backup_init(dest, "main", conn_of(db), "main");
	if (!b) {
		snprintf(err, errsz, "cannot start backup: %s", sqlite3_errmsg(dest));
		sqlite3_close(dest);
		return STORE_EIO;
	}
	do {
		rc = sqlite3_backup_step(b, 256);
		if (progress)
			progress(sqlite3_backup_pagecount(b) - sqlite3_backup_remaining(b),
			         sqlite3_backup_pagecount(b));
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errsz, "backup failed: %s", sqlite3_errmsg(dest));
		sqlite3_close(dest);
		return map_rc(rc) < 0 ? map_rc(rc) : STORE_EIO;
	}
	rc = sqlite3_close(dest);
	return rc == SQLITE_OK ? STORE_OK : STORE_EIO;
}

static const struct store_ops sqlite_ops = {
    .name = "sqlite",
    .prepare = sq_prepare,
    .bind_int = sq_bind_int,
    .bind_text = sq_bind_text,
    .bind_null = sq_bind_null,
    .step = sq_step,
    .col_int = sq_col_int,
    .col_text = sq_col_text,
    .col_type = sq_col_type,
    .col_count = sq_col_count,
    .col_name = sq_col_name,
    .reset = sq_reset,
    .finalize = sq_finalize,
    .exec = sq_exec,
    .changes = sq_changes,
    .errmsg = sq_errmsg,
    .begin_sql = "BEGIN IMMEDIATE",
    .id_column = "INTEGER PRIMARY KEY",
    .close = sq_close,
    .backup = sq_backup,
    .integrity_sql = "PRAGMA integrity_check",
    .tables_sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
                  " AND name NOT LIKE 'sqlite_%' ORDER BY rowid",
    .sync_ids = NULL, /* INTEGER PRIMARY KEY continues after the largest id */
    .last_insert_id = sq_last_insert_id,
    .next_ids = sq_next_ids,
    .ids_unused = sq_ids_unused,
    .reset_keep = sq_reset_keep,
    .bind_text_ref = sq_bind_text_ref,
    .max_params = sq_max_params,
};

struct store *store_sqlite_open(const char *path, char *err, size_t errsz)
{
	sqlite3 *conn = NULL;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &conn, flags, store_test_vfs()) != SQLITE_OK) {
		snprintf(err, errsz, "cannot open database '%s': %s", path,
		         conn ? sqlite3_errmsg(conn) : "out of memory");
		sqlite3_close(conn);
		return NULL;
	}
	sqlite3_busy_timeout(conn, 10000);
	struct store *db = xcalloc(1, sizeof(*db));
	db->ops = &sqlite_ops;
	struct sq_conn *c = xcalloc(1, sizeof(*c));
	c->handle = conn;
	db->conn = c;
	db->fault_after = -1;
	const char *setup = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                    "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";
	if (strcmp(path, ":memory:") == 0)
		setup = "PRAGMA foreign_keys=ON;";
	if (sq_exec(db, setup) != STORE_OK) {
		snprintf(err, errsz, "cannot set up database '%s': %s", path, db->err);
		sq_close(db);
		return NULL;
	}
	return db;
}
