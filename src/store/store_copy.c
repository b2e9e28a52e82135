/*
 * Copy a whole database from one store into another through the storage
 * seam (`shanhai copy`): a site that outgrows its SQLite file moves to
 * PostgreSQL, or a PostgreSQL database is brought back into one file for a
 * laptop or an archive. Tables are copied in creation order, so every foreign
 * key points at rows already copied; rows keep their ids, then the target's id
 * counters are moved past them. The whole copy is one transaction of the
 * target: a failure leaves it as empty as it was.
 */
#include "store/store_int.h"
#include "lib/alloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct name_list {
	char **v;
	size_t n, cap;
};

static void names_free(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int list_tables(struct store *db, struct name_list *out)
{
	struct stmt *st;
	int rc = store_prepare(db, db->ops->tables_sql, &st);
	if (rc)
		return rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (out->n == out->cap)
			out->v = xrealloc(out->v, (out->cap = out->cap ? out->cap * 2 : 64) *
							 sizeof(*out->v));
		out->v[out->n++] = xstrdup(stmt_text(st, 0));
	}
	stmt_finalize(st);
	return rc < 0 ? rc : STORE_OK;
}

/* Table names come from the store's catalogue; refuse anything that would
 * need quoting rather than trust it inside SQL text. */
static bool plain_identifier(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Not copied: the schema version is the target's own (checked equal), and
 * the authentication counter of migration 0914 is moved by the target's
 * triggers as the users and tokens arrive. */
static bool not_copied(const char *table)
{
	return !strcmp(table, "schema_migrations") || !strcmp(table, "auth_version");
}

static int count_rows(struct store *db, const char *table, int64_t *n)
{
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
	return store_query_int(db, sql, 0, n);
}

static int fail(char *err, size_t errsz, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errsz, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return rc;
}

/* The target must have the source's schema version and no rows: a copy
 * never merges into live data. */
static int check_target(struct store *from, struct store *to, const struct name_list *tables,
			char *err, size_t errsz)
{
	int64_t a, b;
	int rc;
	if ((rc = store_query_int(from, "SELECT COUNT(*) FROM schema_migrations", 0, &a)))
		return fail(err, errsz, rc, "cannot read the source's schema version: %s",
			    store_errmsg(from));
	if ((rc = store_query_int(to, "SELECT COUNT(*) FROM schema_migrations", 0, &b)))
		return fail(err, errsz, rc, "cannot read the target's schema version: %s",
			    store_errmsg(to));
	if (a != b)
		return fail(err, errsz, STORE_EMISUSE,
			    "schema versions differ (%lld and %lld migrations): "
			    "upgrade both with 'shanhai init' first", (long long)a, (long long)b);
	for (size_t i = 0; i < tables->n; i++) {
		if (not_copied(tables->v[i]))
			continue;
		if ((rc = count_rows(to, tables->v[i], &b)))
			return fail(err, errsz, rc, "table '%s' of the target: %s", tables->v[i],
				    store_errmsg(to));
		if (b)
			return fail(err, errsz, STORE_EMISUSE,
				    "the target is not empty: table '%s' has %lld rows", tables->v[i],
				    (long long)b);
	}
	return STORE_OK;
}

static char *insert_sql(const char *table, struct stmt *src, bool *has_id)
{
	int n = stmt_columns(src);
	size_t cap = 64 + strlen(table);
	for (int i = 0; i < n; i++)
		cap += strlen(stmt_column_name(src, i)) + 8;
	char *sql = xmalloc(cap);
	size_t k = (size_t)snprintf(sql, cap, "INSERT INTO %s (", table);
	*has_id = false;
	for (int i = 0; i < n; i++) {
		const char *c = stmt_column_name(src, i);
		*has_id |= !strcmp(c, "id");
		k += (size_t)snprintf(sql + k, cap - k, "%s%s", i ? ", " : "", c);
	}
	k += (size_t)snprintf(sql + k, cap - k, ") VALUES (");
	for (int i = 0; i < n; i++)
		k += (size_t)snprintf(sql + k, cap - k, "%s?", i ? ", " : "");
	snprintf(sql + k, cap - k, ")");
	return sql;
}

static int bind_row(struct stmt *dst, struct stmt *src)
{
	int rc = STORE_OK;
	for (int i = 0; i < stmt_columns(src) && rc == STORE_OK; i++) {
		switch (stmt_type(src, i)) {
		case COL_NULL:
			rc = stmt_bind_null(dst, i + 1);
			break;
		case COL_INT:
			rc = stmt_bind_int(dst, i + 1, stmt_int(src, i));
			break;
		default:
			rc = stmt_bind_text(dst, i + 1, stmt_text(src, i));
			break;
		}
	}
	return rc;
}

static int copy_table(struct store *from, struct store *to, const char *table, int64_t *rows,
		      char *err, size_t errsz)
{
	char sql[160];
	struct stmt *src, *dst = NULL;
	char *ins = NULL;
	bool has_id = false;
	snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY 1", table);
	int rc = store_prepare(from, sql, &src);
	if (rc)
		return fail(err, errsz, rc, "reading '%s': %s", table, store_errmsg(from));
	*rows = 0;
	while ((rc = stmt_step(src)) == STORE_ROW) {
		if (!dst) {
			ins = insert_sql(table, src, &has_id);
			if ((rc = store_prepare(to, ins, &dst)))
				break;
		}
		if ((rc = stmt_reset(dst)) || (rc = bind_row(dst, src)) ||
		    (rc = stmt_step(dst)) != STORE_DONE)
			break;
		rc = STORE_OK;
		(*rows)++;
	}
	if (rc == STORE_DONE)
		rc = STORE_OK;
	if (rc)
		snprintf(err, errsz, "copying '%s' row %lld: %s", table, (long long)*rows + 1,
			 store_errmsg(rc == STORE_ROW ? from : to));
	else if (has_id && to->ops->sync_ids && (rc = to->ops->sync_ids(to, table)))
		snprintf(err, errsz, "moving the id counter of '%s': %s", table, store_errmsg(to));
	stmt_finalize(dst);
	stmt_finalize(src);
	free(ins);
	return rc;
}

int store_copy(struct store *from, struct store *to,
	       void (*progress)(const char *table, int64_t rows), char *err, size_t errsz)
{
	struct name_list tables = {0};
	int64_t rows = 0;
	int rc = list_tables(from, &tables);
	if (rc) {
		snprintf(err, errsz, "cannot list the tables: %s", store_errmsg(from));
		goto out;
	}
	for (size_t i = 0; i < tables.n; i++)
		if (!plain_identifier(tables.v[i])) {
			snprintf(err, errsz, "unexpected table name '%.64s'", tables.v[i]);
			rc = STORE_EMISUSE;
			goto out;
		}
	if ((rc = check_target(from, to, &tables, err, errsz)))
		goto out;
	if ((rc = store_begin(to))) {
		snprintf(err, errsz, "cannot begin on the target: %s", store_errmsg(to));
		goto out;
	}
	for (size_t i = 0; i < tables.n; i++) {
		if (not_copied(tables.v[i]))
			continue;
		if ((rc = copy_table(from, to, tables.v[i], &rows, err, errsz))) {
			store_rollback(to);
			goto out;
		}
		if (progress)
			progress(tables.v[i], rows);
	}
	if ((rc = store_commit(to)))
		snprintf(err, errsz, "commit on the target failed: %s", store_errmsg(to));
out:
	names_free(&tables);
	return rc;
}
