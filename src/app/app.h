/*
 * The service layer (src/app/): the business operations of Shanhai over the
 * store — record a collection, pack lots, allocate an order — callable from
 * HTTP handlers, CLI commands and the demo loader alike. Pure rules (rounding,
 * mass balance, FEFO order, the allocation policy) live in src/core/ and are
 * called from here; SQL lives here, never in handlers.
 *
 * Conventions: an operation takes the store and the caller's user id (0 for
 * the system), runs inside the caller's transaction (it never begins or
 * commits), and returns 0 or -1 with *err filled in: an HTTP status, a stable
 * code, the field (or row) at fault and a message in Chinese and English.
 */
#ifndef SHANHAI_APP_H
#define SHANHAI_APP_H

#include <stdarg.h>
#include <stdint.h>

#include "store/store.h"

struct app_err {
	int status;          /* 400, 404, 409, 422, 503 ... */
	char code[32];       /* stable: "invalid", "not_found", "insufficient_stock" ... */
	char field[64];      /* the field or column at fault, or "" */
	int64_t row;         /* 1-based row of an import or list item, or 0 */
	char message_zh[256];
	char message_en[256];
};

/* Fill err; returns -1 so callers can `return app_fail(...)`. */
int app_fail(struct app_err *err, int status, const char *code, const char *field,
	     const char *zh, const char *en_fmt, ...) __attribute__((format(printf, 6, 7)));
/* Fill err from a store error code (503 for busy/io, 409 constraint, 500). */
int app_store_fail(struct app_err *err, struct store *db, int rc);
/* A new random short code "<prefix><10 base32 chars>" into out (>= 32 bytes). */
void app_new_code(const char *prefix, char *out, size_t outsz);

#endif
