/*
 * The generic half of the storage seam: forwards each call to the driver's
 * table of functions, adds fault injection for tests (a failing write, a full
 * disk, a lost connection, all surfacing as STORE_EIO or STORE_EBUSY), and
 * runs the embedded migrations. See store.h for the interface.
 */
#include "store/store_int.h"
#include "lib/alloc.h"
#include "lib/embedded.h"
#include "lib/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool store_url_is_postgres(const char *url)
{
	return !strncmp(url, "postgres://", 11) || !strncmp(url, "postgresql://", 13);
}

struct store *store_open(const char *url, char *err, size_t errsz)
{
	struct store *db;
	if (store_url_is_postgres(url))
		db = store_pg_open(url, err, errsz);
	else
		db = store_sqlite_open(url, err, errsz);
	if (db)
		db->fault_after = -1;
	return db;
}

void store_close(struct store *db)
{
	if (!db)
		return;
	store_cache_drop(db);
	db->ops->close(db);
}

const char *store_errmsg(struct store *db)
{
	return db->err[0] ? db->err : db->ops->errmsg(db);
}

const char *store_kind(struct store *db)
{
	return db->ops->name;
}

int store_prepare(struct store *db, const char *sql, struct stmt **out)
{
	void *impl;
	bool writes = false;
	db->err[0] = '\0';
	int rc = db->ops->prepare(db, sql, &impl, &writes);
	if (rc)
		return rc;
	struct stmt *st = xmalloc(sizeof(*st));
	st->db = db;
	st->impl = impl;
	st->writes = writes;
	st->last_id = false;
	*out = st;
	return STORE_OK;
}

#define RETURNING_ID " RETURNING id"

int store_prepare_insert(struct store *db, const char *sql, struct stmt **out)
{
	size_t n = strlen(sql), k = strlen(RETURNING_ID);
	if (!db->ops->last_insert_id || n < k || strcmp(sql + n - k, RETURNING_ID))
		return store_prepare(db, sql, out);
	char *plain = xmalloc(n - k + 1);
	memcpy(plain, sql, n - k);
	plain[n - k] = '\0';
	int rc = store_prepare(db, plain, out);
	free(plain);
	if (rc == STORE_OK)
		(*out)->last_id = true;
	return rc;
}

int stmt_insert_id(struct stmt *st, int64_t *id)
{
	int rc = stmt_step(st);
	if (st->last_id) {
		if (rc != STORE_DONE)
			return rc == STORE_ROW ? STORE_EMISUSE : rc;
		*id = st->db->ops->last_insert_id(st->db);
		return STORE_OK;
	}
	if (rc != STORE_ROW)
		return rc == STORE_DONE ? STORE_EMISUSE : rc;
	*id = stmt_int(st, 0);
	rc = stmt_step(st);
	return rc == STORE_DONE ? STORE_OK : rc;
}

/* A plain lower-case table name: it is written into SQL text by SQLite's
 * store_next_ids, so nothing else may pass. */
static bool table_name_ok(const char *t)
{
	size_t n = 0;
	for (; t[n]; n++)
		if (!((t[n] >= 'a' && t[n] <= 'z') || t[n] == '_'))
			return false;
	return n > 0 && n < 48;
}

int store_next_ids(struct store *db, const char *table, int64_t *ids, size_t n)
{
	if (!table_name_ok(table) || n == 0) {
		snprintf(db->err, sizeof(db->err), "next ids: bad table name or count");
		return STORE_EMISUSE;
	}
	db->err[0] = '\0';
	return db->ops->next_ids(db, table, ids, n);
}

void store_ids_unused(struct store *db, const char *table, int64_t first)
{
	if (db->ops->ids_unused && table_name_ok(table))
		db->ops->ids_unused(db, table, first);
}

int store_max_params(struct store *db)
{
	return db->ops->max_params(db);
}

int stmt_bind_int(struct stmt *st, int idx, int64_t v)
{
	return st->db->ops->bind_int(st->impl, idx, v);
}

int stmt_bind_text(struct stmt *st, int idx, const char *s)
{
	if (!s)
		return st->db->ops->bind_null(st->impl, idx);
	return st->db->ops->bind_text(st->impl, idx, s, strlen(s));
}

int stmt_bind_textn(struct stmt *st, int idx, const char *s, size_t n)
{
	return st->db->ops->bind_text(st->impl, idx, s, n);
}

int stmt_bind_null(struct stmt *st, int idx)
{
	return st->db->ops->bind_null(st->impl, idx);
}

/* A write step that the test hook says must fail. */
static bool fault_due(struct store *db)
{
	if (db->fault_fired)
		return db->fault_sticky; /* a sticky fault stays until cleared */
	if (db->fault_after < 0)
		return false;
	if (db->fault_after > 0) {
		db->fault_after--;
		return false;
	}
	db->fault_fired = true;
	return true;
}

int stmt_step(struct stmt *st)
{
	struct store *db = st->db;
	if (st->writes && fault_due(db)) {
		snprintf(db->err, sizeof(db->err), "injected fault");
		return db->fault_rc;
	}
	return db->ops->step(db, st->impl);
}

int64_t stmt_int(struct stmt *st, int idx)
{
	return st->db->ops->col_int(st->impl, idx);
}

const char *stmt_text(struct stmt *st, int idx)
{
	const char *s = st->db->ops->col_text(st->impl, idx);
	return s ? s : "";
}

enum col_type stmt_type(struct stmt *st, int idx)
{
	return st->db->ops->col_type(st->impl, idx);
}

int stmt_columns(struct stmt *st)
{
	return st->db->ops->col_count(st->impl);
}

const char *stmt_column_name(struct stmt *st, int idx)
{
	return st->db->ops->col_name(st->impl, idx);
}

int stmt_reset(struct stmt *st)
{
	return st->db->ops->reset(st->impl);
}

int stmt_reset_rebind(struct stmt *st)
{
	const struct store_ops *o = st->db->ops;
	return o->reset_keep ? o->reset_keep(st->impl) : o->reset(st->impl);
}

int stmt_bind_text_ref(struct stmt *st, int idx, const char *s)
{
	const struct store_ops *o = st->db->ops;
	if (!s)
		return o->bind_null(st->impl, idx);
	return (o->bind_text_ref ? o->bind_text_ref : o->bind_text)(st->impl, idx, s, strlen(s));
}

void stmt_finalize(struct stmt *st)
{
	if (!st)
		return;
	st->db->ops->finalize(st->db, st->impl);
	free(st);
}

int store_exec(struct store *db, const char *sql)
{
	db->err[0] = '\0';
	return db->ops->exec(db, sql);
}

int store_cache_kib(struct store *db, int kib)
{
	char sql[48];
	if (strcmp(store_kind(db), "sqlite") != 0)
		return STORE_OK;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%d", kib);
	return store_exec(db, sql);
}

int store_begin(struct store *db)
{
	if (db->in_tx) {
		snprintf(db->err, sizeof(db->err), "nested transaction");
		return STORE_EMISUSE;
	}
	int rc = store_exec(db, db->ops->begin_sql);
	if (rc == STORE_OK)
		db->in_tx = true;
	return rc;
}

int store_commit(struct store *db)
{
	if (fault_due(db)) {
		snprintf(db->err, sizeof(db->err), "injected fault at commit");
		int rc = db->fault_rc;
		store_rollback(db);
		return rc;
	}
	store_cache_drop(db); /* first: its statements are reset before COMMIT */
	int rc = store_exec(db, "COMMIT");
	if (rc == STORE_OK)
		db->in_tx = false;
	return rc;
}

int store_rollback(struct store *db)
{
	store_cache_drop(db);
	int rc = db->ops->exec(db, "ROLLBACK");
	db->in_tx = false;
	return rc;
}

void store_cache_drop(struct store *db)
{
	void *p = db->cache;
	db->cache = NULL;
	db->cache_tag = NULL;
	db->cache_kept = false;
	db->cache_job_end = NULL;
	db->cache_flush = NULL;
	if (p && db->cache_release)
		db->cache_release(p);
}

void store_cache_set(struct store *db, const void *tag, void *p, void (*release)(void *))
{
	store_cache_drop(db);
	db->cache_tag = tag;
	db->cache = p;
	db->cache_release = release;
}

void store_cache_set_queue(struct store *db, int (*job_end)(void *p, bool undone),
                           int (*flush)(void *p))
{
	db->cache_job_end = job_end;
	db->cache_flush = flush;
}

int store_cache_flush(struct store *db)
{
	return db->cache && db->cache_flush ? db->cache_flush(db->cache) : 0;
}

void *store_cache_get(struct store *db, const void *tag)
{
	return db->cache && db->cache_tag == tag ? db->cache : NULL;
}

void store_cache_keep(struct store *db)
{
	db->cache_kept = db->cache != NULL;
}

int store_cache_settle(struct store *db, bool rolled_back)
{
	int rc = 0;
	if (db->cache && db->cache_job_end)
		rc = db->cache_job_end(db->cache, rolled_back);
	if (rolled_back || !db->cache_kept) {
		int frc = rc ? 0 : store_cache_flush(db);
		store_cache_drop(db);
		rc = rc ? rc : frc;
	}
	db->cache_kept = false;
	return rc;
}

int64_t store_changes(struct store *db)
{
	return db->ops->changes(db);
}

int store_query_int(struct store *db, const char *sql, int64_t param, int64_t *out)
{
	struct stmt *st;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return rc;
	if (strchr(sql, '?'))
		stmt_bind_int(st, 1, param);
	rc = stmt_step(st);
	*out = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_finalize(st);
	return rc < 0 ? rc : STORE_OK;
}

int store_backup(struct store *db, const char *path, void (*progress)(int done, int total),
                 char *err, size_t errsz)
{
	if (!db->ops->backup) {
		snprintf(err, errsz, "backup is not supported by the %s store", db->ops->name);
		return STORE_EMISUSE;
	}
	return db->ops->backup(db, path, progress, err, errsz);
}

int store_integrity_check(struct store *db, char *out, size_t outsz)
{
	struct stmt *st;
	int rc = store_prepare(db, db->ops->integrity_sql, &st);
	if (rc)
		return rc;
	rc = stmt_step(st);
	snprintf(out, outsz, "%s", rc == STORE_ROW ? stmt_text(st, 0) : store_errmsg(db));
	stmt_finalize(st);
	return rc < 0 ? rc : STORE_OK;
}

void store_fault_inject(struct store *db, long after, int rc, bool sticky)
{
	db->fault_after = after;
	db->fault_rc = rc;
	db->fault_sticky = sticky;
	db->fault_fired = false;
}

void store_fault_clear(struct store *db)
{
	db->fault_after = -1;
	db->fault_fired = false;
}

/* ---- migrations ---- */

/* The migration text with {{ID}} replaced by the dialect's id column. */
static char *dialect_sql(struct store *db, const char *sql)
{
	const char *tag = "{{ID}}", *id = db->ops->id_column;
	size_t n = 0, cap = strlen(sql) * 2 + 1;
	char *out = xmalloc(cap);
	for (const char *p = sql; *p;) {
		if (!strncmp(p, tag, 6)) {
			size_t k = strlen(id);
			if (n + k + 1 > cap)
				out = xrealloc(out, cap = (n + k + 1) * 2);
			memcpy(out + n, id, k);
			n += k;
			p += 6;
		} else {
			if (n + 2 > cap)
				out = xrealloc(out, cap *= 2);
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	return out;
}

static int migration_applied(struct store *db, const char *version, bool *applied)
{
	struct stmt *st;
	int rc = store_prepare(db, "SELECT 1 FROM schema_migrations WHERE version = ?", &st);
	if (rc)
		return rc;
	stmt_bind_text(st, 1, version);
	rc = stmt_step(st);
	*applied = rc == STORE_ROW;
	stmt_finalize(st);
	return rc < 0 ? rc : STORE_OK;
}

/* False if the migration is for the other store only: its first line is
 * "-- only: sqlite" or "-- only: postgres". Such a migration is recorded as
 * applied without running on the other store, so both stay at the same
 * schema version (store_copy needs that). */
static bool migration_runs_on(struct store *db, const char *sql)
{
	static const char tag[] = "-- only: ";
	if (strncmp(sql, tag, sizeof(tag) - 1))
		return true;
	const char *p = sql + sizeof(tag) - 1;
	size_t n = strlen(db->ops->name);
	return !strncmp(p, db->ops->name, n) && (p[n] == '\n' || p[n] == '\r' || p[n] == '\0');
}

static int apply_migration(struct store *db, const struct embedded_file *m)
{
	struct stmt *st;
	char *sql = dialect_sql(db, (const char *)m->data);
	int rc = store_begin(db);
	if (rc)
		goto out_free;
	rc = migration_runs_on(db, sql) ? store_exec(db, sql) : STORE_OK;
	if (rc)
		goto out_rollback;
	rc = store_prepare(db, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
	                   &st);
	if (rc)
		goto out_rollback;
	stmt_bind_text(st, 1, m->path);
	stmt_bind_int(st, 2, time_now_ms());
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc < 0)
		goto out_rollback;
	rc = store_commit(db);
	goto out_free;
out_rollback : {
	char keep[256];
	snprintf(keep, sizeof(keep), "migration %.40s: %.200s", m->path, store_errmsg(db));
	store_rollback(db);
	snprintf(db->err, sizeof(db->err), "%s", keep);
}
out_free:
	free(sql);
	return rc;
}

int store_migrate(struct store *db)
{
	int rc = store_exec(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	                        "version TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)");
	if (rc)
		return rc;
	/* embed.sh sorts the files by name, so NNNN_ prefixes give the order */
	for (const struct embedded_file *m = migrations; m->path; m++) {
		bool applied;
		rc = migration_applied(db, m->path, &applied);
		if (rc)
			return rc;
		if (!applied && (rc = apply_migration(db, m)))
			return rc;
	}
	return STORE_OK;
}
