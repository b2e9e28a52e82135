/*
 * Updates of places and catalogue objects (PATCH): which columns of which
 * table may change, of what type, referring to what, and the rules across
 * columns (a collection point opens before it closes, a SKU's grade belongs
 * to its product). Each resource is one `struct patch_spec`, data rather than
 * code, so the nine update routes share one validator and one UPDATE.
 *
 * Codes, kinds of warehouses and a SKU's product never change: they are
 * printed on receipts, labels and order files, and stock is held by them.
 * A household's or point's village stays once collections trace back to it
 * (409): the public trace pages name it. Prices are not updated either: they
 * are append-only from a date
 * (src/app/catalogue.c). The HTTP side (src/http/patch_http.c) checks the
 * JSON types of the body against the spec; patch_apply() checks what needs
 * the database (division levels, references, cross-column rules), writes
 * the one UPDATE and describes the change for the audit log, leaving out the
 * values of personal fields.
 */
#ifndef SHANHAI_APP_PATCH_H
#define SHANHAI_APP_PATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "store/store.h"

enum patch_type {
	PATCH_TEXT,     /* a string of min..max characters */
	PATCH_INT,      /* an integer in min..max */
	PATCH_BOOL,     /* true | false, stored 0/1 */
	PATCH_ENUM,     /* one of words */
	PATCH_DIVISION, /* a division code of level min..max */
	PATCH_REF,      /* an id that `ref` (SELECT COUNT(*) ... WHERE id = ?) finds */
	PATCH_CLOCK,    /* "HH:MM" */
};

enum patch_flags {
	PATCH_NULLABLE = 1 << 0, /* null clears the column */
	PATCH_PERSONAL = 1 << 1, /* personal data: the audit names the field, never its value */
};

/* One updatable column; its JSON field has the column's name. */
struct patch_field {
	const char *name;
	enum patch_type type;
	int64_t min, max;
	unsigned flags;
	const char *ref;                /* PATCH_REF: the counting query */
	const char *const *words;       /* PATCH_ENUM */
};

/* A rule across columns, given the row as it would be after the update
 * (JSON keyed by column) and the id; 0 or -1 with err filled. */
typedef int (*patch_check_fn)(struct store *db, int64_t id, json_t *after, struct app_err *err);

struct patch_spec {
	const char *table;  /* fixed table name, never input */
	const char *what;   /* "household": for messages and the audit object type */
	const struct patch_field *fields; /* ends with {NULL} */
	const char *const *fixed;         /* fields that exist but never change */
	const char *also_read;            /* ", col": read for the checks, never written */
	patch_check_fn check;             /* or NULL */
	/* after the UPDATE, given the body (not the row): follow-up writes */
	patch_check_fn after;
};

extern const struct patch_spec patch_warehouse, patch_point, patch_channel, patch_cooperative,
	patch_enterprise, patch_household, patch_product, patch_grade, patch_sku;

/* The spec's field called name, or NULL. */
const struct patch_field *patch_field_of(const struct patch_spec *spec, const char *name);

/* Update row id of spec's table with the fields of body (already checked for
 * JSON type and range against the spec). 404 if there is no such row; 422
 * naming the field for an unknown division, a missing reference or a broken
 * cross-column rule; 409 for a change the row's history forbids. *change is
 * {"changed":[fields], "before":{..}, "after":{..}} over the fields whose
 * value changed, personal fields named in "changed" only (caller frees). */
int patch_apply(struct store *db, const struct patch_spec *spec, int64_t id, json_t *body,
		json_t **change, struct app_err *err);

#endif
