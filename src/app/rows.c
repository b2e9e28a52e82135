/*
 * Query rows as JSON objects from a column list (see rows.h), so a read
 * query is a statement and one line saying what its columns become. (The
 * lists of places.c use row_json instead, which goes by the column names.)
 */
#include "app/rows.h"

#include <string.h>

#include "lib/timeutil.h"

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
