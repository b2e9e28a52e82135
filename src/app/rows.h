/*
 * Query rows as JSON objects, described by a column list instead of one
 * set-call per column: "id:i code:s dispatched_at:t reversal:n". The words
 * name the columns in order; the kind after the colon says what the column
 * becomes:
 *   i  integer          s  text
 *   t  instant (Unix milliseconds) as ISO-8601 UTC text
 *   b  boolean from 0/1  n  boolean: true when the column is not NULL
 * A NULL column becomes null (except n); the key "-" skips a column.
 */
#ifndef SHANHAI_ROWS_H
#define SHANHAI_ROWS_H

#include <jansson.h>

#include "app/app.h"
#include "store/store.h"

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
