/*
 * Filling backorders (issue 2, §5-§6): when stock becomes promisable at a
 * warehouse (a line-haul received at the sales warehouse, lots packed at the
 * origin, a stock adjustment that adds, a return put back into stock, a
 * cancellation releasing its reservations) the lines waiting on backorder
 * for the SKUs concerned are allocated by the same policy as a new order's
 * lines (order_line_allocate: src/core/allocate.c and the order context of
 * src/app/orders.c), oldest order first (orders.ordered_at, then the order's
 * id, then the line number), each line whole or not at all. A line that does
 * not fit is passed over and the next one tried, so a large line waiting for
 * stock does not hold back smaller ones; it keeps its place for the next
 * pass. Stock in transit is never promised, and every reservation goes
 * through the guarded UPDATE of the order context, so nothing is promised
 * twice or driven negative.
 *
 * A line allocated here gets its warehouse, route and a reason saying it was
 * filled from backorder; its order's status is recomputed (allocated,
 * partial, backorder). Figures (docs/FIGURES.md): from then on the line is a
 * sale instead of unfilled demand, still in the period of its order's date
 * (orders.ordered_on), since every order figure is computed from the lines'
 * current status.
 *
 * A pass for one warehouse (a receipt, a packing run, an adjustment or a
 * return there; a warehouse operator's request) reserves only there: a line
 * the policy would serve from another warehouse keeps waiting, so such a
 * pass never promises stock its trigger or its caller has no say over.
 *
 * Runs in the caller's transaction like every write; the caller audits.
 */
#ifndef SHANHAI_APP_REALLOCATE_H
#define SHANHAI_APP_REALLOCATE_H

#include <jansson.h>
#include <stdint.h>

#include "app/app.h"

/* Which backordered lines to try; 0 fields do not restrict. */
struct realloc_scope {
	int64_t sku_id;       /* lines of this SKU */
	int64_t warehouse_id; /* lines of the SKUs with promisable stock here, and of
	                         those only the ones the policy serves from here:
	                         nothing is reserved at another warehouse */
	int64_t order_id;     /* lines of the SKUs of this order's lines */
};

/* The ids of a SKU code and a warehouse code (either NULL: no restriction)
 * into scope: 0, or -1 with err (422 naming "sku" or "warehouse"). */
int realloc_scope_from_codes(struct store *db, const char *sku, const char *warehouse,
                             struct realloc_scope *scope, struct app_err *err);

/* Allocate what can be allocated of the backordered lines in scope, on the
 * business day `today` (Asia/Shanghai "YYYY-MM-DD", for expiry). Appends one
 * object per line allocated to `allocated` (if not NULL):
 * {order_id, channel_id, line_no, sku, units, warehouse_id, warehouse, route,
 * reason}. *count receives how many lines were allocated. 0, or -1 with err
 * (409 if a line changed under the pass: retry). */
int backorders_fill(struct store *db, const struct realloc_scope *scope, const char *today,
                    json_t *allocated, int64_t *count, struct app_err *err);

#endif
