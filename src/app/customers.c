/*
 * Customers over the store (see customers.h): grouping the view
 * customer_orders by (channel, customer key). Every value is bound; the
 * grouping runs over the channel's orders on each request, which is quick
 * for a season (thousands of orders) and is the place to add a stored table
 * if a channel ever has millions.
 */
#include "app/customers.h"
#include "app/places.h"

#include <stdio.h>
#include <string.h>

#define CUSTOMER_SELECT                                                                        \
	"SELECT g.id, g.channel_id, ch.code AS channel_code, ch.name AS channel_name, "        \
	"cu.name, cu.phone, cu.address, cu.division_code, g.order_count, g.spent_fen, "        \
	"g.first_on, g.last_on FROM (SELECT MIN(consignee_id) AS id, channel_id, "             \
	"customer_key, COUNT(*) AS order_count, SUM(spent_fen) AS spent_fen, "                 \
	"MIN(ordered_on) AS first_on, "                                                        \
	"MAX(ordered_on) AS last_on FROM customer_orders GROUP BY channel_id, "                \
	"customer_key) g JOIN customers cu ON cu.id = g.id "                                   \
	"JOIN channels ch ON ch.id = g.channel_id"

int customers_list(struct store *db, const struct customer_filter *f, json_t **out,
		   struct app_err *err)
{
	struct query q;
	char like[80];
	query_init(&q, CUSTOMER_SELECT);
	if (f->channels)
		query_and_in(&q, "g.channel_id", f->channels, f->nchannels);
	if (f->channel_id)
		query_and_int(&q, "g.channel_id = ?", f->channel_id);
	if (f->county)
		query_and_text(&q, "substr(cu.division_code, 1, 6) = ?", f->county);
	if (f->q) {
		snprintf(like, sizeof(like), "%%%s%%", f->q);
		query_and_text(&q, "(cu.name || ' ' || COALESCE(cu.phone, '')) LIKE ?", like);
	}
	query_add(&q, "ORDER BY g.last_on DESC, g.id DESC");
	int rc = query_list(db, &q, f->limit > 0 ? f->limit : 100, f->offset, out, err);
	query_release(&q);
	return rc;
}

/* The customer's channel and key from any of its consignee rows. */
static int key_of(struct store *db, int64_t id, int64_t *channel_id, char *key, size_t keysz,
		  struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "SELECT channel_id, customer_key FROM customer_orders "
			       "WHERE consignee_id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*channel_id = stmt_int(st, 0);
		snprintf(key, keysz, "%s", stmt_text(st, 1));
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", "", "顾客不存在", "customer %lld not found",
				(long long)id);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

int customer_channel_of(struct store *db, int64_t id, int64_t *channel_id, struct app_err *err)
{
	char key[600];
	return key_of(db, id, channel_id, key, sizeof(key), err);
}

/* SUM over the customer's orders of sql's single column, bound (channel, key). */
static int sum_over(struct store *db, const char *sql, int64_t channel_id, const char *key,
		    int64_t *out, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, channel_id);
	stmt_bind_text(st, 2, key);
	rc = stmt_step(st);
	*out = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_finalize(st);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

static int orders_of(struct store *db, int64_t channel_id, const char *key, json_t **out,
		     struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "SELECT co.order_id AS id, o.channel_order_no, co.ordered_at, co.status, "
			       "co.total_fen, cu.address, cu.division_code FROM customer_orders co "
			       "JOIN orders o ON o.id = co.order_id "
			       "JOIN customers cu ON cu.id = co.consignee_id "
			       "WHERE co.channel_id = ? AND co.customer_key = ? "
			       "ORDER BY co.ordered_at DESC, co.order_id DESC",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, channel_id);
	stmt_bind_text(st, 2, key);
	*out = json_array();
	while ((rc = stmt_step(st)) == STORE_ROW)
		json_array_append_new(*out, row_json(st));
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return 0;
	json_decref(*out);
	return app_store_fail(err, db, rc);
}

int customer_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	char key[600];
	int64_t channel_id = 0, refunded = 0, units = 0;
	json_t *orders = NULL;
	if (key_of(db, id, &channel_id, key, sizeof(key), err))
		return -1;
	query_init(&q, CUSTOMER_SELECT);
	query_and_int(&q, "g.channel_id = ?", channel_id);
	query_and_text(&q, "g.customer_key = ?", key);
	int rc = query_one(db, &q, "customer", out, err);
	query_release(&q);
	if (rc)
		return -1;
	if (sum_over(db,
		     "SELECT COALESCE(SUM(r.amount_fen), 0) FROM refunds r JOIN customer_orders co "
		     "ON co.order_id = r.order_id WHERE co.channel_id = ? AND co.customer_key = ?",
		     channel_id, key, &refunded, err) ||
	    sum_over(db,
		     "SELECT COALESCE(SUM(l.units), 0) FROM order_lines l JOIN customer_orders co "
		     "ON co.order_id = l.order_id WHERE co.channel_id = ? AND co.customer_key = ?",
		     channel_id, key, &units, err) ||
	    orders_of(db, channel_id, key, &orders, err)) {
		json_decref(*out);
		return -1;
	}
	json_object_set_new(*out, "refunded_fen", json_integer(refunded));
	json_object_set_new(*out, "units", json_integer(units));
	json_object_set_new(*out, "orders", orders);
	return 0;
}
