/*
 * Query helpers for the services (src/app).
 *
 * Statements: the parameters are given by a type string and then as
 * arguments, 'i' an int64_t, 't' a text (a NULL pointer binds NULL), 'n' a
 * NULL (no argument): app_exec(db, err, "UPDATE t SET a = ? WHERE id = ?",
 * "ti", "x", (int64_t)7). Every failure is reported through err
 * (app_store_fail).
 *
 * Rows as JSON objects, described by a column list instead of one set-call
 * per column: "id:i code:s dispatched_at:t reversal:n". The words
 * name the columns in order; the kind after the colon says what the column
 * becomes:
 *   i  integer          s  text
 *   t  instant (Unix milliseconds) as ISO-8601 UTC text
 *   b  boolean from 0/1  n  boolean: true when the column is not NULL
 * A NULL column becomes null (except n); the key "-" skips a column.
 */
#ifndef SHANHAI_QUERY_H
#define SHANHAI_QUERY_H

#include <jansson.h>

#include "app/app.h"
#include "store/store.h"

/* Prepared and bound, or NULL with err set. The caller finalizes it. */
struct stmt *app_prepf(struct store *db, struct app_err *err, const char *sql, const char *fmt,
                       ...);
/* Run a statement for its effect (an INSERT ... RETURNING is run to its end): 0 or -1. */
int app_exec(struct store *db, struct app_err *err, const char *sql, const char *fmt, ...);
/* The first column of the first row into *out: 1 if there was a row, 0 if
 * none (*out untouched), -1 on error. */
int app_query_int(struct store *db, struct app_err *err, int64_t *out, const char *sql,
                  const char *fmt, ...);

/* The current row of st as one object (new reference). */
json_t *row_object(struct stmt *st, const char *cols);
/* The same from column first on (one row holding two objects). */
json_t *row_object_at(struct stmt *st, int first, const char *cols);
/* Every remaining row of st (prepared and bound by the caller, who also
 * finalizes or resets it) appended to a new array in *out: 0, or -1 with err
 * set by app_store_fail and *out untouched. */
int rows_array(struct store *db, struct stmt *st, const char *cols, json_t **out,
              struct app_err *err);

#endif
