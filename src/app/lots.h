/*
 * Lots and stock as read by people (the console's lot and stock pages, the
 * label printer) plus the packed-lot constructor used by packing runs; and
 * the small row-to-JSON helpers shared by the warehouse services
 * (transfers.c, packing.c, adjustments.c, linehaul.c).
 *
 * A lot's detail carries its trace (the source lots, with household codes
 * only, never names), where its stock is, the packing run that made it and
 * its mass balance from the stock journal.
 */
#ifndef SHANHAI_APP_LOTS_H
#define SHANHAI_APP_LOTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "core/massbalance.h"
#include "store/store.h"

/* One value bound to a `?` of a listing query. */
struct wh_bind {
	bool is_text;
	int64_t i;
	const char *s;
};

#define WH_MAX_BINDS 32

/* A listing query assembled from fixed SQL fragments; values are bound. */
struct wh_query {
	char sql[4096];
	size_t len;
	bool has_where;
	struct wh_bind bind[WH_MAX_BINDS];
	int nbind;
};

/* Start a query with its SELECT ... FROM ... . */
void wh_query_init(struct wh_query *q, const char *select_from);
/* Append " WHERE cond" or " AND cond" binding v to the cond's single `?`. */
void wh_query_and_int(struct wh_query *q, const char *cond, int64_t v);
void wh_query_and_text(struct wh_query *q, const char *cond, const char *v);
/* Append " AND col IN (?,..)" over ids; n == 0 matches nothing. */
void wh_query_and_in(struct wh_query *q, const char *col, const int64_t *ids, int n);
/* Append raw SQL (ORDER BY ...). */
void wh_query_add(struct wh_query *q, const char *sql);
/* Append "(id, id, ...)" with the ids written as integer literals ("(NULL)"
 * when n == 0, which matches nothing): for scope lists, which come from the
 * caller's session, never from the request, and may be repeated. */
void wh_query_add_ids(struct wh_query *q, const int64_t *ids, int n);
/* Run it: {"items":[rows], "total":N} with LIMIT/OFFSET (limit 0: all). */
int wh_query_list(struct store *db, struct wh_query *q, int64_t limit, int64_t offset,
		  json_t **out, struct app_err *err);
/* The first row as an object, or 404 not_found naming `what`. */
int wh_query_one(struct store *db, struct wh_query *q, const char *what, json_t **out,
		 struct app_err *err);
/* The current row as an object keyed by column name: integers, text, null;
 * columns ending "_at" (Unix ms) become ISO-8601 UTC text; "balanced" and
 * "expired" become booleans. */
json_t *wh_row_json(struct stmt *st);

/* A caller's warehouse (or collection point) scope: ids NULL means every
 * one; ids non-NULL with n == 0 means none. */
struct wh_scope {
	const int64_t *ids;
	int n;
};

/* What a caller may see of lots and stock: admin and office have both
 * scopes unlimited; a warehouse operator has its warehouses and no points; a
 * collector its points and no warehouses. */
struct wh_view {
	struct wh_scope warehouses, points;
};

/* Filters of the lot and stock listings (0 / NULL: any). */
struct lot_filter {
	const char *kind, *status, *mass_flag, *loc_kind;
	int64_t product_id, sku_id, warehouse_id, point_id, lot_id;
	const char *expiring_before; /* "YYYY-MM-DD": expires_on before it */
	const char *today;   /* for the "expired" column and expired=1 filter */
	int expired;         /* -1 any, 0 only unexpired, 1 only expired */
	int64_t limit, offset;
};

/* Lots: {"items":[...], "total":N}, newest first; a limited view lists only
 * the lots lot_visible() allows. */
int lots_list(struct store *db, const struct lot_filter *f, const struct wh_view *v, json_t **out,
	      struct app_err *err);
/* One lot by code with its sources, stock, packing and mass balance. */
int lot_get(struct store *db, const char *code, const char *today, json_t **out,
	    struct app_err *err);
/* Stock rows (lot, location, qty, reserved, available, units, expiry) in
 * FEFO order per location: {"items":[...], "total":N}. A limited view sees
 * stock at its warehouses and points, and stock in transit on a line-haul
 * from or to its warehouses or on a transfer from its points or to its
 * warehouses (transit rows of packed lots are line-hauls, of source lots
 * transfers: a line-haul carries packed lots only). */
int stock_list(struct store *db, const struct lot_filter *f, const struct wh_view *v, json_t **out,
	       struct app_err *err);
/* True if the view may see the lot: it has (or had) stock at one of the
 * view's warehouses, is or was on a line-haul from or to them or on a
 * transfer to them, or was collected at one of the view's points. An
 * unlimited view sees every lot. */
bool lot_visible(struct store *db, int64_t lot_id, const struct wh_view *v);

/* The lot's flows summed from its stock journal. */
int lot_flow_load(struct store *db, int64_t lot_id, struct lot_flow *f, struct app_err *err);

/* What a packing run knows about a new packed lot. */
struct packed_lot_in {
	int64_t product_id, grade_id, sku_id;
	const char *harvest_date; /* earliest harvest of its sources */
	const char *packed_on;
	const char *expires_on;
	int64_t initial_g;
	const char *mass_flag;    /* "ok" or "mismatch" */
	int64_t cooperative_id;   /* the one cooperative of all its sources, or 0 */
};

/* Insert a packed lot with a new code "P..." (code needs 32 bytes). */
int lot_create_packed(struct store *db, const struct packed_lot_in *in, int64_t *id, char *code,
		      struct app_err *err);
/* Mark a lot 'consumed' if it holds no stock anywhere (after packing). */
int lot_mark_consumed_if_empty(struct store *db, int64_t lot_id, struct app_err *err);

/* The id of the lot with this code, or 0 if there is none. */
int64_t lot_find_by_code(struct store *db, const char *code);

/* Basic facts of a lot by id (404 if none). */
struct lot_info {
	int64_t id, product_id, grade_id, sku_id;
	char kind[8];
	char code[32];
	char status[12];
	char harvest_date[11];
	char expires_on[11];
	int64_t initial_g;
};
int lot_info_load(struct store *db, int64_t lot_id, struct lot_info *out, struct app_err *err);

/* Kind ("origin"/"sales") of a warehouse; 404 if it does not exist. */
int warehouse_kind(struct store *db, int64_t warehouse_id, char *kind, size_t kindsz,
		   struct app_err *err);

#endif
