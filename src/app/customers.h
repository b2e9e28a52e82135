/*
 * Customers (顾客): the buyers of the sales channels, derived from the orders'
 * consignees (view customer_orders, migration 0601). A customer is one
 * person within one channel, keyed by normalised phone (or, without a phone,
 * by name and address); its id is the lowest consignee row of the group.
 * Listings give each customer's orders, money spent (orders not cancelled)
 * and first and last order day; one customer adds its orders and refunds.
 * Personal data (name, phone, address) is returned whole: the HTTP layer
 * masks it by role.
 */
#ifndef SHANHAI_APP_CUSTOMERS_H
#define SHANHAI_APP_CUSTOMERS_H

#include <jansson.h>
#include <stdint.h>

#include "app/app.h"
#include "store/store.h"

struct customer_filter {
	int64_t channel_id;     /* 0: any */
	const int64_t *channels; /* scope: only these channels (NULL: all) */
	int nchannels;
	const char *q;           /* part of the name or phone, or NULL */
	const char *county;      /* 6-digit county code, or NULL */
	int64_t limit, offset;
};

/* {"items":[{id, channel_id, channel_code, channel_name, name, phone,
 * address, division_code, order_count, spent_fen, first_on, last_on}],
 * "total"},
 * most recent buyers first. */
int customers_list(struct store *db, const struct customer_filter *f, json_t **out,
		   struct app_err *err);
/* The channel of customer id (any consignee id of the customer), or 404. */
int customer_channel_of(struct store *db, int64_t id, int64_t *channel_id, struct app_err *err);
/* One customer as in the list, with "orders" (newest first: id,
 * channel_order_no, ordered_at, status, total_fen, address, division_code),
 * "refunded_fen" and "units" (bought, over its orders' lines); 404 if none. */
int customer_get(struct store *db, int64_t id, json_t **out, struct app_err *err);

#endif
