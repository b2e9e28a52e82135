/*
 * The services' query helpers (see query.h): statements prepared and bound
 * from a type string in one call, run for no rows or for one integer, and
 * rows turned into JSON from a column list, so a query is a statement and a
 * line saying what its parameters and columns are. (The lists of places.c
 * use row_json instead, which goes by the column names.)
 */
#include "app/query.h"

#include <stdarg.h>
#include <string.h>

#include "lib/timeutil.h"

/* ---- statements ---- */

/* Prepare sql and bind its parameters described by fmt: 'i' int64_t, 't'
 * text (NULL binds NULL), 'n' NULL. NULL with err on failure. */
static struct stmt *prep(struct store *db, struct app_err *err, const char *sql, const char *fmt,
			 va_list ap)
{
	struct stmt *st;
	int rc = store_prepare(db, sql, &st);
	if (rc) {
		app_store_fail(err, db, rc);
		return NULL;
	}
	for (int k = 1; *fmt; fmt++, k++) {
		if (*fmt == 'i')
			stmt_bind_int(st, k, va_arg(ap, int64_t));
		else if (*fmt == 't')
			stmt_bind_text(st, k, va_arg(ap, const char *));
		else
			stmt_bind_null(st, k);
	}
	return st;
}

struct stmt *app_prepf(struct store *db, struct app_err *err, const char *sql, const char *fmt,
                       ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct stmt *st = prep(db, err, sql, fmt, ap);
	va_end(ap);
	return st;
}

int app_exec(struct store *db, struct app_err *err, const char *sql, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct stmt *st = prep(db, err, sql, fmt, ap);
	va_end(ap);
	if (!st)
		return -1;
	int rc = stmt_step(st);
	if (rc == STORE_ROW) /* INSERT ... RETURNING: run it to the end */
		rc = stmt_step(st);
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

int app_query_int(struct store *db, struct app_err *err, int64_t *out, const char *sql,
                  const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct stmt *st = prep(db, err, sql, fmt, ap);
	va_end(ap);
	if (!st)
		return -1;
	int rc = stmt_step(st), found = rc == STORE_ROW;
	if (found) {
		*out = stmt_int(st, 0);
		while ((rc = stmt_step(st)) == STORE_ROW) /* an UPDATE ... RETURNING runs to its end */
			;
	}
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return found;
}

/* ---- rows as JSON ---- */

/* The next "key:kind" word of *cols: key into buf, returns the kind ('\0' at the end). */
static char next_column(const char **cols, char *key, size_t keysz)
{
	const char *p = *cols, *colon, *end;
	while (*p == ' ')
		p++;
	if (!*p)
		return '\0';
	end = strchr(p, ' ');
	if (!end)
		end = p + strlen(p);
	colon = memchr(p, ':', (size_t)(end - p));
	size_t n = colon ? (size_t)(colon - p) : (size_t)(end - p);
	if (n >= keysz)
		n = keysz - 1;
	memcpy(key, p, n);
	key[n] = '\0';
	*cols = end;
	return colon && colon + 1 < end ? colon[1] : 's';
}

/* Whole seconds, rounded down also before 1970. */
static int64_t seconds_of_ms(int64_t ms)
{
	return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

static json_t *column_json(struct stmt *st, int col, char kind)
{
	char when[32];
	bool null = stmt_type(st, col) == COL_NULL;
	if (kind == 'n')
		return json_boolean(!null);
	if (null)
		return json_null();
	switch (kind) {
	case 'i':
		return json_integer(stmt_int(st, col));
	case 'b':
		return json_boolean(stmt_int(st, col) != 0);
	case 't':
		time_format_utc(seconds_of_ms(stmt_int(st, col)), when, sizeof(when));
		return json_string(when);
	default:
		return json_string(stmt_text(st, col));
	}
}

json_t *row_object(struct stmt *st, const char *cols)
{
	return row_object_at(st, 0, cols);
}

json_t *row_object_at(struct stmt *st, int first, const char *cols)
{
	json_t *o = json_object();
	char key[64], kind;
	for (int col = first; (kind = next_column(&cols, key, sizeof(key))) != '\0'; col++)
		if (strcmp(key, "-"))
			json_object_set_new(o, key, column_json(st, col, kind));
	return o;
}

int rows_array(struct store *db, struct stmt *st, const char *cols, json_t **out,
              struct app_err *err)
{
	json_t *arr = json_array();
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW)
		json_array_append_new(arr, row_object(st, cols));
	if (rc != STORE_DONE) {
		json_decref(arr);
		return app_store_fail(err, db, rc);
	}
	*out = arr;
	return 0;
}
