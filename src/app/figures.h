/*
 * The briefing figures over the store (issue item 8): for a period of
 * Asia/Shanghai dates and optional pairing / county / channel / product
 * filters, the records behind each figure (src/core/figures.h names the
 * metrics) and the figures summed from exactly those records, so the
 * drill-down always adds up to the dashboard.
 *
 * What each metric counts (docs/openapi/figures.yaml says the same):
 *  - sales: order lines with stock promised to them, that is neither
 *    cancelled nor on backorder (+amount), and refunds/returns (−amount) of
 *    orders placed in the period; a cancelled order counts nothing (its lines
 *    are cancelled, and no refund of it is subtracted again). A backordered
 *    line is unfilled demand, not a sale: neither it nor a refund of it
 *    counts. A refund of no line counts only up to what is left of its
 *    order's sale (the sold lines' amounts, less their refunds, less the
 *    refunds of no line recorded before it), so nothing on an order that is
 *    all backorder. A backordered line filled later (src/app/reallocate.h)
 *    is a sale from then on, in the period of its order's date.
 *    A returned line stays a sale and its return refund is subtracted, so a
 *    line returned in full for its whole amount nets to 0; a partial refund
 *    subtracts just its amount.
 *  - sold: grams of those same order lines, (units − returned units) × net
 *    weight (a refund without a return leaves the grams sold).
 *  - unfilled: backordered lines of orders placed in the period: lines,
 *    units, grams wanted (units × net weight), amount, and what was refunded
 *    on them. When such an order is cancelled its lines leave this figure.
 *  - payments: payments to households dated in the period (reversals are
 *    negative rows); households paid = households with a positive net.
 *  - purchases: collections up to the end of the period (+) and payments up
 *    to then (−): purchases = collections in the period, owed = the sum of
 *    the households' positive balances at the end of the period.
 *  - logistics: delivered parcels of orders placed in the period, by route
 *    (consolidated = sales-warehouse parcels, direct = origin parcels), plus
 *    line-hauls dispatched in the period, whose cost counts as consolidated.
 *  - delivery: orders placed in the period whose parcels have all been
 *    delivered: days from the order date to the last delivery date.
 * Filters: product and county/pairing act on the product (its origin county)
 * for orders, parcels and line-hauls, on the household's village for payments
 * and purchases (where product is ignored); channel filters orders and
 * parcels and leaves line-hauls out (they carry every channel's goods).
 * Payments and purchases belong to no channel: they ignore the channel
 * filter here, and the HTTP layer leaves them out when one is given.
 */
#ifndef SHANHAI_APP_FIGURES_H
#define SHANHAI_APP_FIGURES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "core/figures.h"
#include "store/store.h"

struct fig_filter {
	const char *from, *to;   /* "YYYY-MM-DD" inclusive, NULL = open */
	const char *origin;      /* division code prefix (county, or a pairing's west), or NULL */
	const char *origin2;     /* a second prefix (county and pairing both given), or NULL */
	bool by_channel;         /* only the channels listed (none listed = nothing) */
	const int64_t *channels;
	size_t nchannels;
	int64_t product_id;      /* 0 = every product */
};

enum fig_col_type { FIGCOL_TEXT, FIGCOL_INT, FIGCOL_FEN, FIGCOL_GRAMS, FIGCOL_DATE };

/* One column of a metric's records. */
struct fig_column {
	const char *name;     /* JSON key */
	const char *label;    /* spreadsheet header, Chinese and English */
	enum fig_col_type type;
};

/* The columns of metric m's records (*n of them). */
const struct fig_column *figures_columns(enum fig_metric m, size_t *n);
/* The records behind metric m under filter f: a JSON array of objects keyed
 * by the column names (integers for INT/FEN/GRAMS, strings or null else). */
int figures_records(struct store *db, enum fig_metric m, const struct fig_filter *f,
		    json_t **rows, struct app_err *err);
/* The figures of metric m summed from its records. */
json_t *figures_summary(enum fig_metric m, json_t *rows, const struct fig_filter *f);
/* Every metric whose bit (1 << m) is set in metrics: {"sales": {...}, ...}. */
int figures_all(struct store *db, const struct fig_filter *f, unsigned metrics, json_t **out,
		struct app_err *err);

#endif
