/*
 * Stock adjustments at a warehouse, each with a kind and a reason, written to
 * the adjustments table and the stock journal:
 *   stocktake  counted_g replaces the system quantity (delta either way);
 *   spoilage, damage  qty_g written off;
 *   expiry     qty_g written off, only for a lot past its expiry date;
 *   found      qty_g added (stock found that the system did not know).
 * A write-off never touches reserved stock: counting below what orders have
 * reserved is refused (insufficient_stock) until those orders are released.
 */
#ifndef SHANHAI_APP_ADJUSTMENTS_H
#define SHANHAI_APP_ADJUSTMENTS_H

#include <jansson.h>
#include <stdint.h>

#include "app/app.h"
#include "app/lots.h"

struct adjustment_in {
	int64_t lot_id;
	int64_t warehouse_id;
	const char *kind;   /* stocktake | spoilage | expiry | damage | found */
	int64_t counted_g;  /* stocktake */
	int64_t qty_g;      /* the others */
	const char *reason;
	const char *today;  /* "YYYY-MM-DD", for the expiry check */
};

/* What an adjustment did. */
struct adjustment_result {
	int64_t id;
	char code[32];
	int64_t system_g, delta_g;
	int64_t on_hand_g; /* grams of the lot at the warehouse afterwards */
};

/* Record one adjustment and change the stock. */
int adjustment_create(struct store *db, const struct adjustment_in *in, int64_t user_id,
		      struct adjustment_result *out, struct app_err *err);
/* Adjustments, newest first; filters 0/NULL = any. */
int adjustments_list(struct store *db, int64_t warehouse_id, int64_t lot_id, const char *kind,
		     struct wh_scope scope, int64_t limit, int64_t offset, json_t **out,
		     struct app_err *err);

#endif
