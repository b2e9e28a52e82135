/*
 * The PostgreSQL driver of the storage seam (libpq), for a site that has
 * outgrown one SQLite file: chosen by a postgres:// or postgresql:// URL.
 *
 * The portable SQL of store.h is run as it is, except that `?` placeholders
 * become $1..$n (outside quoted text). Parameters are sent as text with their
 * type (int8 for stmt_bind_int, text for stmt_bind_text, unknown for NULL) so
 * the server never guesses a narrower type than BIGINT. A statement runs with
 * PQexecParams at its first step and its rows are read from the result.
 *
 * Write transactions take one advisory lock (begin_sql below), so several
 * servers on one database write one after another, as on SQLite.
 *
 * Errors are mapped by SQLSTATE: class 23 (integrity) → conflict, 40001/40P01
 * (serialization, deadlock) and 55P03 (lock) → retry, class 08 (connection),
 * 53 (disk full, out of memory) and 57 (shutdown) → unavailable; a lost
 * connection is reset at the next statement, so the server serves again once
 * the database is back.
 */
#include "store/store_int.h"
#include "lib/alloc.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PG_INT8OID 20
#define PG_INT2OID 21
#define PG_INT4OID 23
#define PG_TEXTOID 25
#define PG_NUMERICOID 1700
#define PG_BOOLOID 16

/* Prepared statements, by SQL text and parameter types: the same query is
 * parsed and planned once per connection (PQprepare), then run by name.
 * Bounded: when full, or when the connection was reset (the server forgot
 * them), everything is forgotten and prepared again on use. */
#define PREPARED_MAX 1024

struct prepared {
	char *key; /* sql, NUL, one letter per parameter type */
	size_t keylen;
	uint64_t hash;
	int id;
};

struct pg_conn {
	PGconn *conn;
	char err[512];
	int64_t changes;
	struct prepared cache[PREPARED_MAX * 2]; /* open addressing, at most half full */
	int ncached;
	int next_id;
};

struct pg_stmt {
	struct store *db;
	char *sql;       /* with $n placeholders */
	int nparams;
	char **values;   /* owned copies, NULL for SQL NULL */
	unsigned *types; /* Oid of each parameter */
	int *lengths;
	PGresult *res;
	int row;         /* next row to return */
	bool ran;
};

static struct pg_conn *pc(struct store *db)
{
	return db->conn;
}

static void set_err(struct store *db, const char *what, const char *detail)
{
	snprintf(pc(db)->err, sizeof(pc(db)->err), "%s%s%s", what, detail ? ": " : "",
		 detail ? detail : "");
	size_t n = strlen(pc(db)->err);
	while (n && (pc(db)->err[n - 1] == '\n' || pc(db)->err[n - 1] == ' '))
		pc(db)->err[--n] = '\0';
}

static int map_sqlstate(const char *state)
{
	if (!state)
		return STORE_EIO;
	if (!strncmp(state, "23", 2))
		return STORE_ECONSTRAINT;
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
		return STORE_EBUSY;
	if (!strncmp(state, "08", 2) || !strncmp(state, "53", 2) || !strncmp(state, "57", 2) ||
	    !strncmp(state, "58", 2) || !strncmp(state, "XX", 2))
		return STORE_EIO;
	return STORE_EMISUSE;
}

/* Map a failed result; the connection is reset later if it was lost. */
static int result_error(struct store *db, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	/* the primary message only: DETAIL lines may quote bound values */
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	set_err(db, "postgresql", msg ? msg : PQerrorMessage(pc(db)->conn));
	if (PQstatus(pc(db)->conn) != CONNECTION_OK)
		return STORE_EIO;
	return map_sqlstate(state);
}

static void forget_prepared(struct pg_conn *c)
{
	for (size_t i = 0; i < PREPARED_MAX * 2; i++) {
		free(c->cache[i].key);
		c->cache[i].key = NULL;
	}
	c->ncached = 0;
}

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	while (n--)
		h = (h ^ (unsigned char)*p++) * 1099511628211ull;
	return h;
}

/* The slot of key in the cache: its entry, or the empty slot for it. */
static struct prepared *cache_slot(struct pg_conn *c, const char *key, size_t n, uint64_t h)
{
	size_t i = h % (PREPARED_MAX * 2);
	while (c->cache[i].key &&
	       !(c->cache[i].hash == h && c->cache[i].keylen == n && !memcmp(c->cache[i].key, key, n)))
		i = (i + 1) % (PREPARED_MAX * 2);
	return &c->cache[i];
}

/* Reconnect a lost connection before running a statement outside a
 * transaction (inside one the transaction is lost anyway: report it). */
static bool connection_ready(struct store *db)
{
	if (PQstatus(pc(db)->conn) == CONNECTION_OK)
		return true;
	if (!db->in_tx) {
		PQreset(pc(db)->conn);
		forget_prepared(pc(db)); /* a new session has none of them */
	}
	if (PQstatus(pc(db)->conn) == CONNECTION_OK)
		return true;
	set_err(db, "postgresql connection lost", PQerrorMessage(pc(db)->conn));
	return false;
}

/* Copy sql turning each ? outside quotes into $n; counts the parameters.
 * Each ? grows to at most 6 bytes ("$99999"), so 6 bytes per input byte is
 * always enough. */
static char *number_placeholders(const char *sql, int *nparams)
{
	size_t cap = strlen(sql) * 6 + 1, n = 0;
	char *out = xmalloc(cap), quote = 0;
	int k = 0;
	for (const char *p = sql; *p; p++) {
		if (quote && *p == quote)
			quote = 0;
		else if (!quote && (*p == '\'' || *p == '"'))
			quote = *p;
		if (quote || *p != '?') {
			out[n++] = *p;
			continue;
		}
		n += (size_t)snprintf(out + n, cap - n, "$%d", ++k);
	}
	out[n] = '\0';
	*nparams = k;
	return out;
}

static bool is_write_sql(const char *sql)
{
	while (*sql == ' ' || *sql == '\n' || *sql == '\t' || *sql == '(')
		sql++;
	return strncasecmp(sql, "SELECT", 6) != 0 && strncasecmp(sql, "VALUES", 6) != 0;
}

static int pg_prepare(struct store *db, const char *sql, void **impl, bool *writes)
{
	struct pg_stmt *st = xcalloc(1, sizeof(*st));
	st->db = db;
	st->sql = number_placeholders(sql, &st->nparams);
	if (st->nparams) {
		st->values = xcalloc((size_t)st->nparams, sizeof(*st->values));
		st->types = xcalloc((size_t)st->nparams, sizeof(*st->types));
		st->lengths = xcalloc((size_t)st->nparams, sizeof(*st->lengths));
	}
	*writes = is_write_sql(sql);
	*impl = st;
	return STORE_OK;
}

static int set_param(struct pg_stmt *st, int idx, char *value, unsigned type)
{
	if (idx < 1 || idx > st->nparams) {
		free(value);
		set_err(st->db, "bind index out of range", NULL);
		return STORE_EMISUSE;
	}
	free(st->values[idx - 1]);
	st->values[idx - 1] = value;
	st->types[idx - 1] = type;
	st->lengths[idx - 1] = value ? (int)strlen(value) : 0;
	return STORE_OK;
}

static int pg_bind_int(void *impl, int idx, int64_t v)
{
	char tmp[24];
	snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	return set_param(impl, idx, xstrdup(tmp), PG_INT8OID);
}

static int pg_bind_text(void *impl, int idx, const char *s, size_t n)
{
	struct pg_stmt *st = impl;
	if (memchr(s, '\0', n)) {
		set_err(st->db, "text with a NUL byte cannot be stored", NULL);
		return STORE_EMISUSE;
	}
	char *copy = xmalloc(n + 1);
	memcpy(copy, s, n);
	copy[n] = '\0';
	return set_param(st, idx, copy, PG_TEXTOID);
}

static int pg_bind_null(void *impl, int idx)
{
	return set_param(impl, idx, NULL, 0);
}

/* The key of st: its SQL and the type of each bound parameter. */
static char *statement_key(struct pg_stmt *st, size_t *n)
{
	size_t len = strlen(st->sql);
	char *key = xmalloc(len + 1 + (size_t)st->nparams + 1);
	memcpy(key, st->sql, len + 1);
	for (int i = 0; i < st->nparams; i++)
		key[len + 1 + i] = st->types[i] == PG_INT8OID ? 'i' : st->types[i] == PG_TEXTOID ? 't' : 'n';
	*n = len + 1 + (size_t)st->nparams;
	key[*n] = '\0';
	return key;
}

/* The name of st's prepared statement on this connection, preparing it on
 * first use; NULL (error set) if the server refused it. */
static const char *prepared_name(struct store *db, struct pg_stmt *st, char *name, size_t namesz,
				 int *rc)
{
	struct pg_conn *c = pc(db);
	size_t n;
	char *key = statement_key(st, &n);
	uint64_t h = fnv1a(key, n);
	struct prepared *slot = cache_slot(c, key, n, h);
	if (slot->key) {
		free(key);
		snprintf(name, namesz, "s%d", slot->id);
		return name;
	}
	if (c->ncached >= PREPARED_MAX) {
		PQclear(PQexec(c->conn, "DEALLOCATE ALL"));
		forget_prepared(c);
		slot = cache_slot(c, key, n, h);
	}
	int id = ++c->next_id;
	snprintf(name, namesz, "s%d", id);
	PGresult *res = PQprepare(c->conn, name, st->sql, st->nparams, (const Oid *)st->types);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		*rc = result_error(db, res);
		PQclear(res);
		free(key);
		return NULL;
	}
	PQclear(res);
	*slot = (struct prepared){key, n, h, id};
	c->ncached++;
	return name;
}

static int run_statement(struct store *db, struct pg_stmt *st)
{
	char namebuf[32];
	int rc = STORE_OK;
	if (!connection_ready(db))
		return STORE_EIO;
	const char *name = prepared_name(db, st, namebuf, sizeof(namebuf), &rc);
	if (!name)
		return rc;
	st->res = PQexecPrepared(pc(db)->conn, name, st->nparams, (const char *const *)st->values,
				 st->lengths, NULL, 0);
	st->ran = true;
	st->row = 0;
	ExecStatusType s = PQresultStatus(st->res);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		int rc = result_error(db, st->res);
		PQclear(st->res);
		st->res = NULL;
		return rc;
	}
	const char *n = PQcmdTuples(st->res);
	pc(db)->changes = n && *n ? strtoll(n, NULL, 10) : 0;
	return STORE_OK;
}

static int pg_step(struct store *db, void *impl)
{
	struct pg_stmt *st = impl;
	if (!st->ran) {
		int rc = run_statement(db, st);
		if (rc)
			return rc;
	}
	if (!st->res || st->row >= PQntuples(st->res))
		return STORE_DONE;
	st->row++;
	return STORE_ROW;
}

/* The current row (the one the last step returned). */
static int cur(struct pg_stmt *st)
{
	return st->row - 1;
}

static bool has_value(struct pg_stmt *st, int idx)
{
	return st->res && st->row > 0 && idx >= 0 && idx < PQnfields(st->res) &&
	       !PQgetisnull(st->res, cur(st), idx);
}

static int64_t pg_col_int(void *impl, int idx)
{
	struct pg_stmt *st = impl;
	if (!has_value(st, idx))
		return 0;
	const char *v = PQgetvalue(st->res, cur(st), idx);
	if (PQftype(st->res, idx) == PG_BOOLOID)
		return v[0] == 't';
	return strtoll(v, NULL, 10);
}

static const char *pg_col_text(void *impl, int idx)
{
	struct pg_stmt *st = impl;
	return has_value(st, idx) ? PQgetvalue(st->res, cur(st), idx) : NULL;
}

static enum col_type pg_col_type(void *impl, int idx)
{
	struct pg_stmt *st = impl;
	if (!has_value(st, idx))
		return COL_NULL;
	switch (PQftype(st->res, idx)) {
	case PG_INT8OID:
	case PG_INT4OID:
	case PG_INT2OID:
	case PG_NUMERICOID:
	case PG_BOOLOID:
		return COL_INT;
	case PG_TEXTOID:
		return COL_TEXT;
	default:
		return COL_OTHER;
	}
}

static int pg_col_count(void *impl)
{
	struct pg_stmt *st = impl;
	return st->res ? PQnfields(st->res) : 0;
}

static const char *pg_col_name(void *impl, int idx)
{
	struct pg_stmt *st = impl;
	return st->res && idx >= 0 && idx < PQnfields(st->res) ? PQfname(st->res, idx) : "";
}

static int pg_reset(void *impl)
{
	struct pg_stmt *st = impl;
	PQclear(st->res);
	st->res = NULL;
	st->ran = false;
	st->row = 0;
	return STORE_OK;
}

static void pg_finalize(struct store *db, void *impl)
{
	(void)db;
	struct pg_stmt *st = impl;
	PQclear(st->res);
	for (int i = 0; i < st->nparams; i++)
		free(st->values[i]);
	free(st->values);
	free(st->types);
	free(st->lengths);
	free(st->sql);
	free(st);
}

static int pg_exec(struct store *db, const char *sql)
{
	if (!connection_ready(db))
		return STORE_EIO;
	PGresult *res = PQexec(pc(db)->conn, sql);
	ExecStatusType s = PQresultStatus(res);
	int rc = STORE_OK;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		rc = result_error(db, res);
	PQclear(res);
	return rc;
}

static int64_t pg_changes(struct store *db)
{
	return pc(db)->changes;
}

static const char *pg_errmsg(struct store *db)
{
	return pc(db)->err;
}

static void pg_close(struct store *db)
{
	forget_prepared(pc(db));
	PQfinish(pc(db)->conn);
	free(db->conn);
	free(db);
}

/* Shanhai's own integrity check on PostgreSQL: the server checks pages and
 * constraints as it writes, so what is left to check is that the schema is
 * there and every foreign key still holds (constraints can be disabled by a
 * careless restore). It answers "ok" or the first table at fault. */
static const char pg_integrity_sql[] =
	"SELECT COALESCE((SELECT 'foreign key not validated: ' || conrelid::regclass::text"
	" FROM pg_constraint WHERE contype = 'f' AND NOT convalidated LIMIT 1),"
	" CASE WHEN to_regclass('schema_migrations') IS NULL THEN 'schema_migrations missing'"
	" ELSE 'ok' END)";

/* Identity columns keep their own counter: move it past the copied ids. The
 * table name comes from the store's own catalogue (store_tables), never from
 * outside input. */
static int pg_sync_ids(struct store *db, const char *table)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT setval(pg_get_serial_sequence('%s', 'id'), COALESCE(MAX(id), 0) + 1, false)"
		 " FROM %s HAVING pg_get_serial_sequence('%s', 'id') IS NOT NULL",
		 table, table, table);
	return pg_exec(db, sql);
}

/* n values of the table's identity sequence in one round trip (the name is
 * a bound parameter). nextval never hands a value out twice, whoever asks. */
static int pg_next_ids(struct store *db, const char *table, int64_t *ids, size_t n)
{
	struct stmt *st;
	size_t got = 0;
	int rc = store_prepare(db,
	                       "SELECT nextval(pg_get_serial_sequence(CAST(? AS TEXT), 'id')) AS id"
	                       " FROM generate_series(1, CAST(? AS INTEGER)) ORDER BY id",
	                       &st);
	if (rc)
		return rc;
	stmt_bind_text(st, 1, table);
	stmt_bind_int(st, 2, (int64_t)n);
	while ((rc = stmt_step(st)) == STORE_ROW && got < n)
		ids[got++] = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc < 0)
		return rc;
	if (got != n) {
		snprintf(db->err, sizeof(db->err), "next ids: %zu of %zu", got, n);
		return STORE_EMISUSE;
	}
	return STORE_OK;
}

static int pg_max_params(struct store *db)
{
	(void)db;
	return 65535; /* the protocol's 16-bit parameter count */
}

static const struct store_ops pg_ops = {
	.name = "postgres",
	.prepare = pg_prepare,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_type = pg_col_type,
	.col_count = pg_col_count,
	.col_name = pg_col_name,
	.reset = pg_reset,
	.finalize = pg_finalize,
	.exec = pg_exec,
	.changes = pg_changes,
	.errmsg = pg_errmsg,
	/* Writers are serialised across processes by one transaction-scoped
	 * advisory lock, as SQLite's BEGIN IMMEDIATE serialises them on a file:
	 * every write transaction sees the one before it, so the guarded stock
	 * updates never make a second server refuse an order it could have
	 * served elsewhere. Reads take no lock. Group commit keeps the rate. */
	.begin_sql = "BEGIN; SELECT pg_advisory_xact_lock(7311486)",
	.id_column = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.close = pg_close,
	.backup = NULL, /* pg_dump: see docs/OPERATIONS.md */
	.integrity_sql = pg_integrity_sql,
	.tables_sql = "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
		      " WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.oid",
	.sync_ids = pg_sync_ids,
	.next_ids = pg_next_ids,
	.max_params = pg_max_params,
};

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* NOTICEs (e.g. "relation exists, skipping") are not errors */
}

struct store *store_pg_open(const char *url, char *err, size_t errsz)
{
	PGconn *conn = PQconnectdb(url);
	if (PQstatus(conn) != CONNECTION_OK) {
		/* never echo the URL: it may hold a password */
		snprintf(err, errsz, "cannot connect to postgresql: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeProcessor(conn, quiet_notices, NULL);
	PGresult *res = PQexec(conn, "SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8'");
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	PQclear(res);
	if (!ok) {
		snprintf(err, errsz, "cannot set up the postgresql session: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	struct store *db = xcalloc(1, sizeof(*db));
	struct pg_conn *c = xcalloc(1, sizeof(*c));
	c->conn = conn;
	db->conn = c;
	db->ops = &pg_ops;
	return db;
}
