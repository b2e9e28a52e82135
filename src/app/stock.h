/*
 * Stock by lot and location (tables stock and stock_moves), owned here so
 * every part moves stock the same way: collection creates it at a point,
 * transfers and line-hauls move it (through 'transit'), packing consumes and
 * creates it, orders reserve and pick it, adjustments write it off. Every call
 * writes one stock_moves row per lot moved, never lets qty_g or reserved_g go
 * negative (it fails with code "insufficient_stock" instead), and runs in the
 * caller's transaction.
 */
#ifndef SHANHAI_STOCK_H
#define SHANHAI_STOCK_H

#include <stdint.h>

#include "app/app.h"

enum loc_kind { LOC_POINT, LOC_WAREHOUSE, LOC_TRANSIT };

struct stock_loc {
	enum loc_kind kind;
	int64_t id;
};

/* The text stored in stock.loc_kind for kind. */
const char *loc_kind_name(enum loc_kind kind);

/* Add qty_g of lot at loc (new stock: collection, packing output, found). */
int stock_add(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t qty_g,
	      const char *reason, const char *ref_type, int64_t ref_id, int64_t user_id,
	      struct app_err *err);
/* Remove qty_g of unreserved stock of lot at loc (packing input, write-off, shortage). */
int stock_remove(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t qty_g,
		 const char *reason, const char *ref_type, int64_t ref_id, int64_t user_id,
		 struct app_err *err);
/* Move qty_g of unreserved stock of lot from one location to another. */
int stock_move(struct store *db, int64_t lot_id, struct stock_loc from, struct stock_loc to,
	       int64_t qty_g, const char *reason, const char *ref_type, int64_t ref_id,
	       int64_t user_id, struct app_err *err);
/* Unreserved grams of lot at loc (0 if none). */
int stock_available(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t *qty_g);
/* A lot may leave only once per transit id (a transfer or line-haul number):
 * 409 if it is already in transit under transit_id, 0 if not. */
int stock_check_transit_free(struct store *db, int64_t lot_id, int64_t transit_id,
			     struct app_err *err);

/* One reservation made by stock_reserve_fefo. */
struct stock_pick {
	int64_t lot_id;
	int64_t qty_g;
};

/* Reserve `units` whole units of sku at warehouse, first-expiry-first-out
 * over its packed lots (or only from `lot_id` if non-zero, the user's pick).
 * Fills picks (at most maxpicks) and *npicks. Fails with "insufficient_stock"
 * (nothing reserved) when the warehouse does not hold enough unreserved,
 * unexpired stock. Safe under concurrency because it runs in the caller's
 * write transaction. */
int stock_reserve_fefo(struct store *db, int64_t warehouse_id, int64_t sku_id, int64_t units,
		       int64_t lot_id, const char *today, struct stock_pick *picks, int maxpicks,
		       int *npicks, struct app_err *err);
/* Reserve qty_g of one lot at loc (a line-haul being loaded holds its lots
 * this way); fails with "insufficient_stock" (nothing reserved). */
int stock_reserve(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t qty_g,
		  struct app_err *err);
/* Release a reservation (cancelled order line). */
int stock_unreserve(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t qty_g,
		    struct app_err *err);
/* Take reserved stock out of the warehouse (the parcel leaves). */
int stock_ship_reserved(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t qty_g,
			const char *ref_type, int64_t ref_id, int64_t user_id, struct app_err *err);

#endif
