/*
 * Orders (云仓集单): taking an order from a channel, allocating each line to
 * the warehouse that should serve it (through the policy in
 * src/core/allocate.h) and reserving its stock; reading orders back. The
 * operations after the order (parcels, shipping, delivery, cancel, refund,
 * return) are in fulfil.h.
 *
 * An order is identified by its channel and the channel's order number. The
 * same order sent again changes nothing (ORDER_UNCHANGED); a different body
 * under the same number is refused with 409 "conflict". All operations run in
 * the caller's transaction (the HTTP dispatcher's, or the importer's).
 *
 * Many orders in a row (bulk, import) share one struct order_ctx, which keeps
 * the prepared statements, the warehouses with their service areas and the
 * SKUs it has looked up, so a big import does not prepare a statement per row.
 * The single orders of one group commit share one too (order_ctx_shared),
 * and the reply of a new order is written from it (order_created_text).
 */
#ifndef SHANHAI_APP_ORDERS_H
#define SHANHAI_APP_ORDERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "app/stock.h"
#include "lib/buf.h"

#define ORDER_MAX_LINES 200

struct order_line_in {
	const char *sku; /* SKU code */
	int64_t units;
	int64_t unit_price_fen;
};

/* One order as the channel sends it. Text fields are NUL-terminated UTF-8. */
struct order_in {
	const char *order_no; /* the channel's order number */
	const char *name;     /* customer (personal data) */
	const char *phone;    /* may be NULL or "" */
	const char *address;
	const char *division_code; /* 6, 9 or 12 digits (county or finer) */
	int64_t ordered_at_ms;     /* 0: now (and not part of the body hash) */
	const struct order_line_in *lines;
	size_t nlines;
	const char *hash; /* its order_body_hash computed ahead (another thread), or NULL */
};

enum order_outcome { ORDER_CREATED, ORDER_UNCHANGED };

struct order_result {
	int64_t id;
	enum order_outcome outcome;
	char status[16]; /* allocated, backorder, partial ... */
};

/* Called by order_check for each problem: line is the 0-based line index, or
 * -1 for the order itself; field is the input name ("sku", "units", "phone"...). */
typedef void (*order_problem_fn)(void *ud, int line, const char *field, const char *zh,
                                 const char *en);

struct order_ctx;

/* A context for submitting orders over db on the business day `today`
 * (Asia/Shanghai "YYYY-MM-DD", for expiry). Free with order_ctx_free. */
struct order_ctx *order_ctx_new(struct store *db, const char *today);
void order_ctx_free(struct order_ctx *ctx);

/* Serve lines only from this warehouse: a line the allocation policy would
 * serve from another warehouse is left unallocated (and nothing is reserved
 * there), so a pass started for one warehouse never promises another's stock.
 * 0 lifts the restriction. For the backorder passes (app/reallocate.c). */
void order_ctx_only_warehouse(struct order_ctx *ctx, int64_t warehouse_id);
/* The context kept with db's open transaction (store_cache_*) for the same
 * business day, or a new one kept there: the single orders of one group
 * commit then read the warehouses, SKUs and stock once. Owned by the store
 * (order_ctx_free does nothing to it); only for orders submitted one at a
 * time by the writer's jobs, each checked with order_check first. On SQLite
 * it queues the orders' rows (batch mode) until the writer has them written
 * (store_cache_flush) before its commit or another kind of job, so the
 * orders of one group commit share multi-row INSERTs; order_created_text
 * still answers each from memory. */
struct order_ctx *order_ctx_shared(struct store *db, const char *today);
/* The job using a shared context succeeded: keep the context for the next
 * job of the same transaction. Only on SQLite, whose writer holds the write
 * lock for the whole transaction, so nothing else changes stock meanwhile;
 * on PostgreSQL another server may, and the context lives for one job. */
void order_ctx_keep(struct order_ctx *ctx);
/* Batch mode, for many orders in one transaction (bulk, import): the ids of
 * customers, orders and lines are taken from the store in blocks
 * (store_next_ids), and the rows themselves, the allocations and the stock
 * reservations are queued and written with multi-row statements. An order
 * sent twice in one batch is found in the queue (unchanged, or 409); the
 * queue keeps its own copies of the orders' texts. The caller must call
 * order_ctx_flush before it commits or reads the orders back, and
 * nothing else may insert customers, orders or order lines through the same
 * connection in between; freeing the context drops what is queued. Without
 * batch mode every order is written when it is submitted. */
void order_ctx_batch(struct order_ctx *ctx);
/* In batch mode: the caller has run order_check on every order it will
 * submit and submits none that had a problem, so order_submit does not
 * check them again. */
void order_ctx_prechecked(struct order_ctx *ctx);
/* The audit row of an order submitted through the shared context in group
 * mode, queued with the order's rows (forgotten with them if the job is
 * undone); false if the context does not queue (the caller writes it). */
bool order_ctx_queue_audit(struct order_ctx *ctx, int64_t at, int64_t user_id, const char *action,
                           const char *object_type, const char *object_id, const char *detail);
/* Write everything queued in batch mode: 0, or -1 with err. */
int order_ctx_flush(struct order_ctx *ctx, struct app_err *err);

/* Check everything about in that can be checked without writing: required
 * fields, formats, numbers, known SKUs, overflow of amounts. Reports every
 * problem through fn and returns their number (0: fine), or -1 with err set
 * on a storage failure. */
int order_check(struct order_ctx *ctx, const struct order_in *in, order_problem_fn fn, void *ud,
                struct app_err *err);

/* The hash of in's body (64 hex digits) by which a resent order is told
 * "the same"; order_submit computes it unless in->hash has it already. */
void order_body_hash(const struct order_in *in, char hex[65]);

/* Take an order for channel_id: check it (422 with the first problem), then
 * either find the identical existing order (ORDER_UNCHANGED), refuse a
 * different one under the same number (409), or create the customer, the
 * order and its lines, allocate and reserve each line (ORDER_CREATED).
 * import_id links the order to an import (0 if none). */
int order_submit(struct order_ctx *ctx, int64_t channel_id, const struct order_in *in,
                 int64_t import_id, int64_t user_id, struct order_result *res, struct app_err *err);

/* The id of the active channel with this code, or 404. */
int channel_by_code(struct store *db, const char *code, int64_t *channel_id, struct app_err *err);

/* One order as JSON: customer, lines with their allocation (warehouse, route,
 * reason, lots), refunds and parcels. personal=false masks the customer.
 * *channel_id receives the order's channel for the caller's scope check.
 * NULL with err set (404) if there is no such order. */
json_t *order_get_json(struct store *db, int64_t order_id, bool personal, int64_t *channel_id,
                       struct app_err *err);

/* The same for an order just created in this transaction (it has no refunds
 * or parcels yet, so they are not read): two queries fewer on the write path. */
json_t *order_new_json(struct store *db, int64_t order_id, bool personal, int64_t *channel_id,
                       struct app_err *err);

/* The order this context created last (order_submit outside batch mode),
 * written into out as the same JSON object order_new_json reads back, but
 * from memory, without a query. The order_in given to order_submit must
 * still be valid. 0, or -1 with err. */
int order_created_text(struct order_ctx *ctx, const char *channel_code, bool personal,
                       struct buf *out, struct app_err *err);

/* Filters for order_list_json; zero/NULL fields do not filter. */
struct order_filter {
	const int64_t *channels; /* restrict to these channels (scoped users) */
	int nchannels;           /* -1: no restriction */
	int64_t channel_id;
	const char *status;
	const char *from, *to; /* ordered_on range, inclusive */
	const char *order_no;
	int64_t limit, offset;
};

/* {"items":[...], "total":N}: the orders matching f, newest first. */
json_t *order_list_json(struct store *db, const struct order_filter *f, struct app_err *err);

/* The channel and status of an order (404 if none). */
int order_channel(struct store *db, int64_t order_id, int64_t *channel_id, struct app_err *err);

/* A backordered line allocated later (src/app/reallocate.c): the same
 * choice and first-expiry-first-out reservation order_submit makes for a new
 * line. warehouse_id 0: still no warehouse can serve the whole line. */
struct order_line_alloc {
	int64_t warehouse_id;
	const char *route; /* "sales_warehouse" / "origin_parcel", static; NULL if none */
	char reason_zh[200], reason_en[240];
	struct stock_pick picks[32];
	int npicks;
	int64_t units_left; /* of the SKU, promisable at any warehouse afterwards */
};

/* Allocate `units` of the SKU with this code for a customer in division,
 * reserving the stock at once (ctx must not be in batch mode): 0 with *out
 * filled, or -1 with err. */
int order_line_allocate(struct order_ctx *ctx, const char *sku, int64_t units, const char *division,
                        struct order_line_alloc *out, struct app_err *err);

/* Recompute orders.status from its lines (after fulfilment changes). */
int order_refresh_status(struct store *db, int64_t order_id, struct app_err *err);

#endif
