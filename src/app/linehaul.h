/*
 * Consolidated line-haul (统仓共配) from an origin warehouse to a sales
 * warehouse. Life of a line-haul:
 *   create (status 'loading'), possibly empty, and load (while 'loading'):
 *     lines chosen by lot, or by SKU and units with FEFO choosing the lots;
 *     only packed lots ride a line-haul (so a packed lot's transit stock is
 *     always a line-haul's, a source lot's a transfer's); the grams are
 *     reserved at the origin so orders cannot take them while the truck is
 *     loaded;
 *   dispatch ('dispatched', refused while nothing is loaded): reservations
 *     released and the grams moved
 *     origin -> transit (loc_id = the line-haul), visible to both sides;
 *   receive ('received'): per lot, received_g goes into the sales warehouse,
 *     damaged_g is written off as 'damage', and the rest (loaded - received
 *     - damaged) as 'shortage', so nothing stays in transit.
 * Each line-haul records its cost in fen, so cost per kg by route is a query.
 */
#ifndef SHANHAI_APP_LINEHAUL_H
#define SHANHAI_APP_LINEHAUL_H

#include <jansson.h>
#include <stdint.h>

#include "app/app.h"
#include "app/lots.h"

/* A line to load: a lot and grams, or (lot_id 0) a SKU and units for FEFO;
 * a SKU line with lot_id set loads that lot only. */
struct linehaul_line_in {
	int64_t lot_id;
	int64_t qty_g;
	int64_t sku_id;
	int64_t units;
};

struct linehaul_in {
	int64_t from_warehouse_id, to_warehouse_id;
	const char *truck_type, *plate; /* may be NULL */
	int64_t cost_fen;
	const struct linehaul_line_in *lines;
	int nlines;
	const char *today; /* "YYYY-MM-DD": expired lots are never loaded */
};

/* One lot as received. */
struct linehaul_recv_in {
	int64_t lot_id;
	int64_t received_g;
	int64_t damaged_g;
	const char *note; /* may be NULL */
};

struct linehaul_info {
	int64_t id, from_warehouse_id, to_warehouse_id, cost_fen;
	char code[32];
	char status[12];
};

#define LINEHAUL_MAX_LINES 500

/* Create a line-haul in 'loading' and reserve its lots (nlines may be 0).
 * Errors name the line. */
int linehaul_create(struct store *db, const struct linehaul_in *in, int64_t user_id, int64_t *id,
		    char *code, struct app_err *err);
/* Load more lines onto a line-haul still 'loading' (from its origin
 * warehouse; today: expired lots are never loaded). Errors name the line. */
int linehaul_load(struct store *db, int64_t id, const struct linehaul_line_in *lines, int n,
		  const char *today, struct app_err *err);
/* Take qty_g of lot off a line-haul still 'loading' (qty_g 0: the whole
 * line), releasing its reservation at the origin. 422 if the lot is not on
 * it or qty_g is more than was loaded; 409 once dispatched. */
int linehaul_unload(struct store *db, int64_t id, int64_t lot_id, int64_t qty_g,
		    struct app_err *err);
/* Cost per kg by route and truck type over line-hauls dispatched or
 * received (status filter NULL: both) whose origin or destination is in
 * scope: {"items":[{from_warehouse_id, to_warehouse_id, truck_type,
 * linehauls, cost_fen, loaded_g, fen_per_kg}]}; fen_per_kg is
 * cost_fen * 1000 / loaded_g rounded half up (null when nothing loaded). */
int linehaul_costs(struct store *db, struct wh_scope scope, json_t **out, struct app_err *err);
/* Dispatch a loading line-haul; cost_fen >= 0 replaces the recorded cost
 * (-1 keeps it). */
int linehaul_dispatch(struct store *db, int64_t id, int64_t cost_fen, int64_t user_id,
		      struct app_err *err);
/* Receive a dispatched line-haul; lots not listed arrived in full. */
int linehaul_receive(struct store *db, int64_t id, const struct linehaul_recv_in *lines, int n,
		     int64_t user_id, struct app_err *err);
/* Facts of a line-haul by id, or by code if id is 0 (404 if none). */
int linehaul_info_load(struct store *db, int64_t id, const char *code, struct linehaul_info *out,
		       struct app_err *err);
/* One line-haul with its lines (lot, product, SKU, expiry, grams) as JSON. */
int linehaul_get(struct store *db, int64_t id, json_t **out, struct app_err *err);
/* Line-hauls, newest first; a limited scope sees those from or to its
 * warehouses. */
int linehauls_list(struct store *db, int64_t warehouse_id, const char *status,
		   struct wh_scope scope, int64_t limit, int64_t offset, json_t **out,
		   struct app_err *err);

#endif
