/*
 * Fulfilment and after-sale (the half of 6 that follows an order): pick lists
 * per warehouse, packing an order's lines at one warehouse into a parcel
 * (allocations reserved → picked), shipping it with the carrier's tracking
 * number, weight and cost (stock leaves through stock_ship_reserved),
 * delivery confirmations from the carrier, and the operations that put stock
 * and money back: cancel (before shipping), refund (money only), return
 * (after delivery, units back into stock or written off).
 *
 * Every function runs in the caller's transaction and returns 0 or -1 with
 * err filled in (app.h); the caller's scope check needs the warehouse or
 * channel, which the *_info functions give before anything is changed.
 */
#ifndef SHANHAI_APP_FULFIL_H
#define SHANHAI_APP_FULFIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"

/* One page of the pick list of a warehouse: the reserved allocations not yet
 * packed of `limit` orders from `offset` (oldest order first), one item per
 * order line and lot, with "total" the number of orders waiting, and the
 * totals per SKU and lot of the whole list for the picker's walk
 * ({"warehouse":{...},"items":[...],"totals":[...],"total":N,"limit","offset"}).
 * 404 if no such warehouse. */
json_t *picklist_json(struct store *db, int64_t warehouse_id, int64_t limit, int64_t offset,
                      struct app_err *err);

/* The same list paged by a cursor, for any length of backlog: the reserved
 * allocations not yet packed with an id above `after` (0: from the start),
 * `limit` of them in id order (so an order's lines may span two pages), each
 * item as above plus its "allocation_id"; "next_after" is the cursor of the
 * next page (the last allocation id here), or null after the last page. It
 * reads one page of the index allocations_pick_keyset (migration 0913). The
 * first page (after 0) also carries "total" and "totals" as above, which read
 * the whole list once (about 30 ms at 60,000 waiting orders); later pages
 * leave them out ({"warehouse":{...},"items":[...],"limit","after",
 * "next_after"[,"total","totals"]}). */
json_t *picklist_page_json(struct store *db, int64_t warehouse_id, int64_t limit, int64_t after,
			   struct app_err *err);

/* Pack the allocated lines of order_id at warehouse_id (only those in
 * line_nos[0..n) when n > 0) into a new parcel: allocations reserved →
 * picked, lines → picked, weight from the SKUs' gross weight. */
int parcel_create(struct store *db, int64_t order_id, int64_t warehouse_id,
		  const int64_t *line_nos, int n, int64_t *parcel_id, char code[32],
		  struct app_err *err);

/* The warehouse and order of a parcel (404 if none). */
int parcel_info(struct store *db, int64_t parcel_id, int64_t *warehouse_id, int64_t *order_id,
		struct app_err *err);

/* Ship a packed parcel: the stock of its allocations leaves the warehouse
 * (stock_ship_reserved), the parcel records carrier, tracking number,
 * cost_fen and weight_g (0: keep the computed weight), lines → shipped. */
int parcel_ship(struct store *db, int64_t parcel_id, const char *carrier, const char *tracking_no,
		int64_t cost_fen, int64_t weight_g, int64_t user_id, struct app_err *err);

/* The carrier says it delivered: parcel and its lines → delivered at
 * delivered_ms. *changed is false if it was already confirmed (the first
 * confirmation stands). *warehouse_id: the parcel's, for a scope check. */
int delivery_confirm(struct store *db, const char *carrier, const char *tracking_no,
		     int64_t delivered_ms, bool *changed, int64_t *warehouse_id,
		     struct app_err *err);

/* Cancel an order that has not shipped: reservations released, lines and
 * open parcels cancelled, a refunds row (kind 'cancel') for what had not been
 * refunded yet. 409 if any line has shipped or it is already cancelled. */
int order_cancel(struct store *db, int64_t order_id, const char *reason, int64_t user_id,
		 int64_t *refund_id, struct app_err *err);

/* Money back without goods (kind 'refund'), for the order or one line
 * (line_no > 0). Refused (409) if it would refund more than was paid. */
int order_refund(struct store *db, int64_t order_id, int64_t line_no, int64_t amount_fen,
		 const char *reason, int64_t user_id, int64_t *refund_id, struct app_err *err);

/* Goods back after delivery: `units` of line line_no are received at
 * warehouse_id; if restockable they go back into stock (the line's lots, in
 * the order they were allocated), else they are booked in and written off
 * ('damage') with the reason. refund_fen < 0 means units * unit price. */
int order_return(struct store *db, int64_t order_id, int64_t line_no, int64_t units,
		 int64_t warehouse_id, bool restockable, const char *reason, int64_t refund_fen,
		 int64_t user_id, int64_t *refund_id, struct app_err *err);

#endif
