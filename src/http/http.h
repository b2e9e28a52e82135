/*
 * What an HTTP handler sees (src/http/api_<resource>.c). The server
 * (server.c) accepts the connection, reads the body into the request's arena,
 * finds the route in the routes table (routes.c), authenticates the caller
 * (auth.c: session cookie + CSRF header, or Bearer API token) and checks the
 * route's roles, then calls the handler.
 *
 * Write routes (POST/PUT/PATCH/DELETE) run inside one store transaction opened
 * by the dispatcher: if the handler replies with a status < 400 the
 * transaction commits (with its audit rows and its idempotency record);
 * otherwise it is rolled back, so a rejected request changes nothing and
 * handlers never call store_begin/commit themselves. A write with an
 * Idempotency-Key header that was already applied returns the stored response.
 *
 * Memory: everything a handler allocates for the request comes from r->arena,
 * freed when the response has been sent. JSON given to reply_json is owned by
 * the reply (its reference is stolen).
 */
#ifndef SHANHAI_HTTP_H
#define SHANHAI_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/arena.h"
#include "store/store.h"

enum role {
	ROLE_ADMIN = 1 << 0,
	ROLE_COLLECTOR = 1 << 1, /* own collection points */
	ROLE_WAREHOUSE = 1 << 2, /* own warehouses */
	ROLE_CHANNEL = 1 << 3,   /* own channels */
	ROLE_OFFICE = 1 << 4,    /* cooperation office: read-only, everything */
	ROLE_MACHINE = 1 << 5,   /* API token of a channel's order system: own channels */
};
#define ROLES_ALL (ROLE_ADMIN | ROLE_COLLECTOR | ROLE_WAREHOUSE | ROLE_CHANNEL | ROLE_OFFICE | ROLE_MACHINE)
#define ROLES_STAFF (ROLE_ADMIN | ROLE_COLLECTOR | ROLE_WAREHOUSE | ROLE_CHANNEL | ROLE_OFFICE)
#define ROLE_PUBLIC 0 /* no login needed */

/* The authenticated caller. Scopes list ids the user may touch. */
struct user {
	int64_t id;
	const char *username;
	const char *display_name;
	enum role role;
	int64_t *points, *warehouses, *channels;
	int npoints, nwarehouses, nchannels;
};

struct field_error {
	const char *field; /* JSON field or CSV column, or NULL */
	int64_t row;       /* 1-based row/line, or 0 */
	const char *message_zh;
	const char *message_en;
};

struct req {
	struct arena *arena;
	struct store *db;
	const char *method;
	const char *path;
	const char *params[4]; /* path parameters, in order: /lots/{code} */
	int nparams;
	const char *body;      /* raw body (NUL-terminated), may be empty */
	size_t body_len;
	json_t *json;          /* parsed JSON body for application/json writes, else NULL */
	const char *content_type;
	const struct user *user; /* NULL on public routes without a session */
	const char *idem_key;  /* Idempotency-Key header or NULL */
	void *conn;            /* the MHD connection (server.c only) */
	const char *client_addr; /* the peer's IP address as text ("" if unknown) */
	const struct route *route; /* route_of: found once per request (NULL: none) */
	bool route_found, path_known; /* route_of has run; another method would match */

	/* the reply, filled by reply_* */
	int status;
	const char *reply_type;
	const char *reply_body;
	size_t reply_len;
	const char *reply_disposition; /* Content-Disposition for downloads */
	struct field_error *errors;     /* collected by the jget_* validators */
	int nerrors, caperrors;
	bool commit_on_error;  /* keep the transaction even if status >= 400 (failed-login record) */
	const char *set_cookie;  /* Set-Cookie header value, set by auth handlers */
	const char *location;    /* Location header for redirects */
	bool idem_replayed;      /* answered from the idempotency record */

	/* ROUTE_PREPARE: set while the handler runs on the read connection; what
	 * it prepared for its second call on the writer, freed by dispatch
	 * after the write with prepared_free (whether or not the write ran). */
	bool preparing;
	void *prepared;
	void (*prepared_free)(void *prepared);
};

typedef int (*handler_fn)(struct req *r);

enum route_flags {
	ROUTE_NO_CSRF = 1 << 0,  /* login: no session yet */
	ROUTE_NO_TX = 1 << 1,    /* a write that manages its own transactions (bulk import) */
	ROUTE_RAW_BODY = 1 << 2, /* body is not JSON (CSV/xlsx upload) */
	ROUTE_LARGE_BODY = 1 << 3, /* body up to 64 MiB (bulk orders, imports); else 1 MiB */
	ROUTE_PREPARE = 1 << 4, /* a write whose slow part runs first on a read connection:
	                           the handler is called with r->preparing set, before the
	                           writer; a reply then ends the request (see dispatch.c) */
	ROUTE_JSON_STREAM = 1 << 5, /* a JSON body the handler parses itself (r->json stays
	                               NULL), in pieces: the pipelined bulk orders */
	ROUTE_GROUPED = 1 << 6, /* consecutive jobs of the route may leave rows queued in
	                           the writer's store cache, written together before any
	                           other job and before the commit (writer.c) */
	ROUTE_PREPARE_QUICK = 1 << 7, /* as ROUTE_PREPARE, for a quick first call (reading and
	                                 checking the body, no search): it stays on the
	                                 connection thread instead of the slow pool */
};

/* One row of the routes table: which roles may call which handler. The
 * pattern's {name} segments match one path segment each. */
struct route {
	const char *method;
	const char *pattern;
	handler_fn handler;
	unsigned roles; /* ROLE_* bits; ROLE_PUBLIC (0) = anyone */
	unsigned flags;
	const char *summary; /* one line, for the OpenAPI check */
};

/* Each api_<resource>.c defines `const struct route <resource>_routes[]`
 * ending with {NULL}; routes.c lists the tables. */
extern const struct route *const route_tables[];

/* ---- replies: each sets the response and returns 0 ---- */
int reply_json(struct req *r, int status, json_t *body); /* steals body */
int reply_raw(struct req *r, int status, const char *type, const void *data, size_t len);
/* {"error":{"code":code,"message":zh,"message_en":en,"field":..,"row":..}} */
int reply_error(struct req *r, int status, const char *code, const char *field,
		const char *message_zh, const char *message_en);
/* 400 bad_json naming the line and column jansson stopped at. */
int reply_bad_json(struct req *r, const json_error_t *e);
/* 422 with every error collected by the validators in "errors":[...]. */
int reply_invalid(struct req *r);
/* Map a store error: constraint 409, busy/io 503, misuse 500. */
int reply_store_error(struct req *r, int rc);
/* A service's refusal (src/app): a 422 naming a field joins the field errors
 * already collected and they all answer as reply_invalid; a 422 without a
 * field answers so too when errors were collected; anything else answers as
 * itself with reply_error. */
struct app_err;
int reply_app_error(struct req *r, const struct app_err *e);
int reply_not_found(struct req *r, const char *what);
int reply_forbidden(struct req *r);

/* ---- validation of JSON bodies: on failure they record a field_error and
 * return false; the handler then returns reply_invalid(r). ---- */
void req_add_error(struct req *r, const char *field, int64_t row, const char *zh, const char *en);
/* An integer in [min, max]. Missing and !required: *out untouched, true. */
bool jget_int(struct req *r, json_t *obj, const char *field, bool required, int64_t min,
	      int64_t max, int64_t *out);
/* A string of 1..maxchars characters of valid UTF-8, no control characters
 * (tab and newline allowed only if multiline). Missing and !required: NULL. */
bool jget_str(struct req *r, json_t *obj, const char *field, bool required, size_t maxchars,
	      const char **out);
/* A date "YYYY-MM-DD"; *out is the text (arena copy). */
bool jget_date(struct req *r, json_t *obj, const char *field, bool required, const char **out);
/* One of the allowed words (NULL-terminated list). */
bool jget_enum(struct req *r, json_t *obj, const char *field, bool required,
	       const char *const *allowed, const char **out);
bool jget_bool(struct req *r, json_t *obj, const char *field, bool required, bool *out);
/* An array (of at most max items); *out is borrowed from obj. */
bool jget_array(struct req *r, json_t *obj, const char *field, bool required, size_t max,
		json_t **out);
/* False (and an error per field) if obj is not an object or has a key not in
 * allowed (NULL-terminated); typos never pass silently. */
bool jcheck_fields(struct req *r, json_t *obj, const char *const *allowed);
/* The request body as a JSON object, or NULL after recording an error. */
json_t *req_body_object(struct req *r);

/* ---- query string ---- */
const char *req_query(struct req *r, const char *name); /* NULL if absent */
/* "path" or "query" if that part of the URL (after %-decoding) is not valid
 * UTF-8, else NULL; the dispatcher refuses such requests before any handler. */
const char *req_invalid_text(struct req *r);
/* Paging: ?limit= 1..PAGE_MAX (default PAGE_DEFAULT), ?offset= 0..OFFSET_MAX. */
#define PAGE_DEFAULT 100
#define PAGE_MAX     1000
#define OFFSET_MAX   1000000000
/* Parse the two texts (NULL = absent) into *limit and *offset; NULL if both
 * are acceptable, else the name of the first bad one ("limit", "offset"). */
const char *paging_parse(const char *limit, const char *offset, int64_t *l, int64_t *o);
/* False after a 400 bad_query naming the field if ?limit= or ?offset= is
 * present but not acceptable; dispatch() runs it before every handler. */
bool req_paging_check(struct req *r);
/* The request's ?limit=&offset= (already checked by dispatch()). */
void req_paging(struct req *r, int64_t *limit, int64_t *offset);
/* The header value or NULL. */
const char *req_header(struct req *r, const char *name);
/* The cookie value or NULL. */
const char *req_cookie(struct req *r, const char *name);

/* ---- scope: may the caller touch this object? Admin and office: always
 * (office only reads; roles on the route stop its writes). ---- */
bool user_has_point(const struct user *u, int64_t point_id);
bool user_has_warehouse(const struct user *u, int64_t warehouse_id);
bool user_has_channel(const struct user *u, int64_t channel_id);
/* True for roles that may see personal data unmasked (admin; collector for
 * its own households). */
bool user_sees_personal(const struct user *u);
/* "138****5678"-style masking; NULL stays NULL. */
const char *mask_phone(struct req *r, const char *phone);
const char *mask_id_number(struct req *r, const char *id);

/* ---- audit: a row in audit_log inside the request's transaction. detail is
 * a JSON text of ids and codes only (never personal data), or NULL. ---- */
int audit(struct req *r, const char *action, const char *object_type, const char *object_id,
	  const char *detail);

/* ---- helpers for handlers ---- */
/* A new short unique code "<prefix><base32 of 8 random bytes, 10 chars>". */
const char *new_code(struct req *r, const char *prefix);
int64_t now_ms(void);
/* Today in Asia/Shanghai, "YYYY-MM-DD" (arena). */
const char *today_shanghai(struct req *r);

#endif
