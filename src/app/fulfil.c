/*
 * Fulfilment and after-sale over the store (see fulfil.h). Allocations carry
 * the state of the goods (reserved → picked → shipped, or released), order
 * lines and parcels the state people see; orders.status is always recomputed
 * from the lines (order_refresh_status). Rows to be changed are read into
 * memory first and changed afterwards, so no statement writes a table that
 * an open query is still reading.
 */
#include "app/fulfil.h"
#include "app/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/orders.h"
#include "app/stock.h"
#include "lib/alloc.h"
#include "lib/timeutil.h"


/* ---- pick lists ---- */

static void pick_row(struct stmt *st, json_t *items)
{
	json_t *p = json_object();
	int64_t net_g = stmt_int(st, 9);
	json_object_set_new(p, "order_id", json_integer(stmt_int(st, 0)));
	json_object_set_new(p, "channel", json_string(stmt_text(st, 1)));
	json_object_set_new(p, "order_no", json_string(stmt_text(st, 2)));
	json_object_set_new(p, "line_no", json_integer(stmt_int(st, 3)));
	json_object_set_new(p, "sku", json_string(stmt_text(st, 4)));
	json_object_set_new(p, "sku_name", json_string(stmt_text(st, 5)));
	json_object_set_new(p, "line_units", json_integer(stmt_int(st, 6)));
	json_object_set_new(p, "lot", json_string(stmt_text(st, 7)));
	json_object_set_new(p, "qty_g", json_integer(stmt_int(st, 8)));
	json_object_set_new(p, "units", json_integer(net_g > 0 ? stmt_int(st, 8) / net_g : 0));
	json_object_set_new(p, "route", json_string(stmt_text(st, 10)));
	json_array_append_new(items, p);
}

static void total_row(struct stmt *st, json_t *totals)
{
	json_t *t = json_object();
	json_object_set_new(t, "sku", json_string(stmt_text(st, 0)));
	json_object_set_new(t, "sku_name", json_string(stmt_text(st, 1)));
	json_object_set_new(t, "lot", json_string(stmt_text(st, 2)));
	json_object_set_new(t, "expires_on", json_string(stmt_text(st, 3)));
	json_object_set_new(t, "qty_g", json_integer(stmt_int(st, 4)));
	json_object_set_new(t, "units", json_integer(stmt_int(st, 5)));
	json_array_append_new(totals, t);
}

/* Hand every row of st (from prepf; NULL after its error) to row(). */
static int rows_into(struct store *db, struct stmt *st, void (*row)(struct stmt *, json_t *),
		     json_t *into, struct app_err *err)
{
	int rc;
	if (!st)
		return -1;
	while ((rc = stmt_step(st)) == STORE_ROW)
		row(st, into);
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

static json_t *warehouse_json(struct store *db, int64_t id, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, "SELECT id, code, name, kind FROM warehouses WHERE id = ?", &st);
	if (rc) {
		app_store_fail(err, db, rc);
		return NULL;
	}
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st);
	json_t *w = NULL;
	if (rc == STORE_ROW)
		w = json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)stmt_int(st, 0), "code",
			      stmt_text(st, 1), "name", stmt_text(st, 2), "kind", stmt_text(st, 3));
	else if (rc == STORE_DONE)
		app_fail(err, 404, "not_found", "warehouse_id", "仓库不存在", "no warehouse %lld",
			 (long long)id);
	else
		app_store_fail(err, db, rc);
	stmt_finalize(st);
	return w;
}

/* The allocations still to pick at a warehouse (a is allocations, ol order_lines). */
#define PICKABLE " a.warehouse_id = ? AND a.state = 'reserved' AND ol.status = 'allocated'"

/* The whole list's totals per SKU and lot (first expiry first) into `totals`,
 * and the number of orders waiting. Summed by ids first and named after, so
 * the text columns are joined once per lot, not once per allocation (a third
 * of the time at 60,000 waiting orders). */
static int picklist_totals(struct store *db, int64_t warehouse_id, json_t *totals, int64_t *orders,
			   struct app_err *err)
{
	if (app_query_int(db, err, orders,
			  "SELECT COUNT(DISTINCT ol.order_id) FROM allocations a"
			  " JOIN order_lines ol ON ol.id = a.order_line_id WHERE" PICKABLE,
			  "i", warehouse_id) < 0)
		return -1;
	return rows_into(db,
			 app_prepf(db, err,
				   "SELECT k.code, k.name, l.code, l.expires_on, t.g, t.g / k.net_g"
				   " FROM (SELECT ol.sku_id AS sku_id, a.lot_id AS lot_id,"
				   " SUM(a.qty_g) AS g FROM allocations a"
				   " JOIN order_lines ol ON ol.id = a.order_line_id WHERE" PICKABLE
				   " GROUP BY ol.sku_id, a.lot_id) t"
				   " JOIN skus k ON k.id = t.sku_id JOIN lots l ON l.id = t.lot_id"
				   " ORDER BY k.code, l.expires_on, l.code",
				   "i", warehouse_id),
			 total_row, totals, err);
}

json_t *picklist_json(struct store *db, int64_t warehouse_id, int64_t limit, int64_t offset,
		      struct app_err *err)
{
	int64_t total = 0;
	json_t *w = warehouse_json(db, warehouse_id, err);
	if (!w)
		return NULL;
	json_t *items = json_array(), *totals = json_array();
	json_t *out = json_pack("{s:o, s:o, s:o, s:I, s:I}", "warehouse", w, "items", items,
				"totals", totals, "limit", (json_int_t)limit, "offset",
				(json_int_t)offset);
	if (rows_into(db,
		      app_prepf(db, err,
			    "SELECT o.id, ch.code, o.channel_order_no, ol.line_no, k.code, k.name,"
			    " ol.units, l.code, a.qty_g, k.net_g, ol.route"
			    " FROM allocations a JOIN order_lines ol ON ol.id = a.order_line_id"
			    " JOIN orders o ON o.id = ol.order_id"
			    " JOIN channels ch ON ch.id = o.channel_id"
			    " JOIN skus k ON k.id = ol.sku_id JOIN lots l ON l.id = a.lot_id"
			    " WHERE" PICKABLE " AND o.id IN (SELECT ol.order_id FROM allocations a"
			    " JOIN order_lines ol ON ol.id = a.order_line_id WHERE" PICKABLE
			    " GROUP BY ol.order_id ORDER BY ol.order_id LIMIT ? OFFSET ?)"
			    " ORDER BY o.id, ol.line_no, a.id",
			    "iiii", warehouse_id, warehouse_id, limit, offset),
		      pick_row, items, err) ||
	    picklist_totals(db, warehouse_id, totals, &total, err)) {
		json_decref(out);
		return NULL;
	}
	json_object_set_new(out, "total", json_integer(total));
	return out;
}

/* A keyset row: the pick row (columns 0-10) and its allocation id (11). */
static void pick_row_keyed(struct stmt *st, json_t *items)
{
	pick_row(st, items);
	json_object_set_new(json_array_get(items, json_array_size(items) - 1), "allocation_id",
			    json_integer(stmt_int(st, 11)));
}

json_t *picklist_page_json(struct store *db, int64_t warehouse_id, int64_t limit, int64_t after,
			   struct app_err *err)
{
	json_t *w = warehouse_json(db, warehouse_id, err);
	if (!w)
		return NULL;
	json_t *items = json_array();
	json_t *out = json_pack("{s:o, s:o, s:I, s:I}", "warehouse", w, "items", items, "limit",
				(json_int_t)limit, "after", (json_int_t)after);
	/* one row more than the page says whether another page follows */
	if (rows_into(db,
		      app_prepf(db, err,
			    "SELECT o.id, ch.code, o.channel_order_no, ol.line_no, k.code, k.name,"
			    " ol.units, l.code, a.qty_g, k.net_g, ol.route, a.id"
			    " FROM allocations a JOIN order_lines ol ON ol.id = a.order_line_id"
			    " JOIN orders o ON o.id = ol.order_id"
			    " JOIN channels ch ON ch.id = o.channel_id"
			    " JOIN skus k ON k.id = ol.sku_id JOIN lots l ON l.id = a.lot_id"
			    " WHERE" PICKABLE " AND a.id > ? ORDER BY a.id LIMIT ?",
			    "iii", warehouse_id, after, limit + 1),
		      pick_row_keyed, items, err)) {
		json_decref(out);
		return NULL;
	}
	json_t *next = json_null();
	if ((int64_t)json_array_size(items) > limit) {
		json_array_remove(items, json_array_size(items) - 1);
		next = json_incref(json_object_get(json_array_get(items, json_array_size(items) - 1),
						   "allocation_id"));
	}
	json_object_set_new(out, "next_after", next);
	if (after == 0) { /* the first page also says what the whole list holds */
		int64_t total = 0;
		json_t *totals = json_array();
		json_object_set_new(out, "totals", totals);
		if (picklist_totals(db, warehouse_id, totals, &total, err)) {
			json_decref(out);
			return NULL;
		}
		json_object_set_new(out, "total", json_integer(total));
	}
	return out;
}

/* ---- packing ---- */

struct pack_line {
	int64_t id, line_no, units, gross_g;
	char route[20];
	bool chosen;
};

static int load_pack_lines(struct store *db, int64_t order_id, int64_t warehouse_id,
			   struct pack_line **out, size_t *n, struct app_err *err)
{
	struct stmt *st;
	*out = NULL;
	*n = 0;
	int rc = store_prepare(db,
			       "SELECT ol.id, ol.line_no, ol.units, k.gross_g, ol.route"
			       " FROM order_lines ol JOIN skus k ON k.id = ol.sku_id"
			       " WHERE ol.order_id = ? AND ol.warehouse_id = ?"
			       " AND ol.status = 'allocated' ORDER BY ol.line_no",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, order_id);
	stmt_bind_int(st, 2, warehouse_id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		struct pack_line *l = &(*out)[(*n)++];
		l->id = stmt_int(st, 0);
		l->line_no = stmt_int(st, 1);
		l->units = stmt_int(st, 2);
		l->gross_g = stmt_int(st, 3);
		snprintf(l->route, sizeof(l->route), "%s", stmt_text(st, 4));
		l->chosen = false;
	}
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

/* Mark the chosen lines; 409 naming a requested line that is not packable here. */
static int choose_lines(struct pack_line *lines, size_t n, const int64_t *line_nos, int k,
			struct app_err *err)
{
	for (size_t i = 0; i < n; i++)
		lines[i].chosen = k == 0;
	for (int j = 0; j < k; j++) {
		size_t i = 0;
		while (i < n && lines[i].line_no != line_nos[j])
			i++;
		if (i == n)
			return app_fail(err, 409, "conflict", "line_nos",
					"该行不在此仓库待打包（未分配到此仓或已打包）",
					"line %lld is not waiting to be packed at this warehouse",
					(long long)line_nos[j]);
		lines[i].chosen = true;
	}
	for (size_t i = 0; i < n; i++)
		if (lines[i].chosen)
			return 0;
	return app_fail(err, 409, "conflict", "order_id", "此订单在该仓库没有待打包的行",
			"the order has no lines waiting to be packed at this warehouse");
}

static int pack_line(struct store *db, int64_t parcel_id, int64_t line_id, struct app_err *err)
{
	return app_exec(db, err,
		    "INSERT INTO parcel_lines (parcel_id, allocation_id) SELECT ?, id"
		    " FROM allocations WHERE order_line_id = ? AND state = 'reserved'",
		    "ii", parcel_id, line_id) ||
			       app_exec(db, err,
				    "UPDATE allocations SET state = 'picked'"
				    " WHERE order_line_id = ? AND state = 'reserved'",
				    "i", line_id) ||
			       app_exec(db, err, "UPDATE order_lines SET status = 'picked' WHERE id = ?",
				    "i", line_id)
		       ? -1
		       : 0;
}

int parcel_create(struct store *db, int64_t order_id, int64_t warehouse_id,
		  const int64_t *line_nos, int n, int64_t *parcel_id, char code[32],
		  struct app_err *err)
{
	struct pack_line *lines;
	size_t nlines;
	int64_t dummy, weight = 0;
	int ret = -1;
	if (order_channel(db, order_id, &dummy, err))
		return -1;
	if (load_pack_lines(db, order_id, warehouse_id, &lines, &nlines, err))
		return -1;
	if (choose_lines(lines, nlines, line_nos, n, err))
		goto out_free;
	const char *route = NULL;
	for (size_t i = 0; i < nlines; i++)
		if (lines[i].chosen) {
			weight += lines[i].units * lines[i].gross_g;
			route = lines[i].route;
		}
	app_new_code("P", code, 32);
	int got = app_query_int(db, err, parcel_id,
			    "INSERT INTO parcels (code, order_id, warehouse_id, route, status,"
			    " weight_g, created_at) VALUES (?, ?, ?, ?, 'packed', ?, ?) RETURNING id",
			    "tiitii", code, order_id, warehouse_id, route, weight, time_now_ms());
	if (got != 1)
		goto out_free;
	for (size_t i = 0; i < nlines; i++)
		if (lines[i].chosen && pack_line(db, *parcel_id, lines[i].id, err))
			goto out_free;
	ret = order_refresh_status(db, order_id, err);
out_free:
	free(lines);
	return ret;
}

int parcel_info(struct store *db, int64_t parcel_id, int64_t *warehouse_id, int64_t *order_id,
		struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, "SELECT warehouse_id, order_id FROM parcels WHERE id = ?", &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, parcel_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*warehouse_id = stmt_int(st, 0);
		*order_id = stmt_int(st, 1);
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", "id", "包裹不存在", "no parcel %lld",
				(long long)parcel_id);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

/* ---- shipping ---- */

struct alloc_row {
	int64_t id, lot_id, warehouse_id, qty_g, line_id;
};

/* Allocations chosen by sql with one int parameter: id, lot, warehouse, qty, line. */
static int load_allocs(struct store *db, const char *sql, int64_t param, struct alloc_row **out,
		       size_t *n, struct app_err *err)
{
	struct stmt *st;
	*out = NULL;
	*n = 0;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, param);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		struct alloc_row *a = &(*out)[(*n)++];
		a->id = stmt_int(st, 0);
		a->lot_id = stmt_int(st, 1);
		a->warehouse_id = stmt_int(st, 2);
		a->qty_g = stmt_int(st, 3);
		a->line_id = stmt_int(st, 4);
	}
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

static int parcel_state(struct store *db, int64_t parcel_id, char *status, size_t sz,
			int64_t *order_id, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, "SELECT status, order_id FROM parcels WHERE id = ?", &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, parcel_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		snprintf(status, sz, "%s", stmt_text(st, 0));
		*order_id = stmt_int(st, 1);
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", "id", "包裹不存在", "no parcel %lld",
				(long long)parcel_id);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

int parcel_ship(struct store *db, int64_t parcel_id, const char *carrier, const char *tracking_no,
		int64_t cost_fen, int64_t weight_g, int64_t user_id, struct app_err *err)
{
	char status[20];
	int64_t order_id = 0;
	struct alloc_row *a = NULL;
	size_t n;
	int ret = -1;
	if (parcel_state(db, parcel_id, status, sizeof(status), &order_id, err))
		return -1;
	if (strcmp(status, "packed") != 0)
		return app_fail(err, 409, "conflict", "status", "包裹不是待发货状态",
				"parcel %lld is %s, not packed", (long long)parcel_id, status);
	if (app_exec(db, err,
		 "UPDATE parcels SET status = 'shipped', carrier = ?, tracking_no = ?, cost_fen = ?,"
		 " weight_g = CASE WHEN ? > 0 THEN ? ELSE weight_g END, shipped_at = ? WHERE id = ?",
		 "ttiiiii", carrier, tracking_no, cost_fen, weight_g, weight_g, time_now_ms(),
		 parcel_id)) {
		if (err->status == 409)
			app_fail(err, 409, "conflict", "tracking_no", "该承运商的运单号已被使用",
				 "tracking number '%.64s' of carrier '%.32s' is already used",
				 tracking_no, carrier);
		return -1;
	}
	if (load_allocs(db,
			"SELECT a.id, a.lot_id, a.warehouse_id, a.qty_g, a.order_line_id"
			" FROM parcel_lines pl JOIN allocations a ON a.id = pl.allocation_id"
			" WHERE pl.parcel_id = ? AND a.state = 'picked' ORDER BY a.id",
			parcel_id, &a, &n, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct stock_loc loc = {LOC_WAREHOUSE, a[i].warehouse_id};
		if (stock_ship_reserved(db, a[i].lot_id, loc, a[i].qty_g, "parcel", parcel_id,
					user_id, err) ||
		    app_exec(db, err, "UPDATE allocations SET state = 'shipped' WHERE id = ?", "i",
			 a[i].id) ||
		    app_exec(db, err, "UPDATE order_lines SET status = 'shipped' WHERE id = ?", "i",
			 a[i].line_id))
			goto out_free;
	}
	ret = order_refresh_status(db, order_id, err);
out_free:
	free(a);
	return ret;
}

/* ---- delivery ---- */

int delivery_confirm(struct store *db, const char *carrier, const char *tracking_no,
		     int64_t delivered_ms, bool *changed, int64_t *warehouse_id,
		     struct app_err *err)
{
	struct stmt *st;
	*changed = false;
	int rc = store_prepare(db,
			       "SELECT id, order_id, status, COALESCE(shipped_at, 0), warehouse_id FROM parcels"
			       " WHERE carrier = ? AND tracking_no = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, carrier);
	stmt_bind_text(st, 2, tracking_no);
	rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_finalize(st);
		if (rc == STORE_DONE)
			return app_fail(err, 404, "not_found", "tracking_no", "没有这个运单号的包裹",
					"no parcel with carrier '%.32s' tracking number '%.64s'",
					carrier, tracking_no);
		return app_store_fail(err, db, rc);
	}
	int64_t parcel_id = stmt_int(st, 0), order_id = stmt_int(st, 1), shipped = stmt_int(st, 3);
	*warehouse_id = stmt_int(st, 4);
	char status[20];
	snprintf(status, sizeof(status), "%s", stmt_text(st, 2));
	stmt_finalize(st);
	if (strcmp(status, "delivered") == 0 || strcmp(status, "returned") == 0)
		return 0; /* already confirmed: the first confirmation stands */
	if (strcmp(status, "shipped") != 0)
		return app_fail(err, 409, "conflict", "tracking_no", "包裹尚未发货",
				"parcel '%.64s' is %s, not shipped", tracking_no, status);
	if (delivered_ms < shipped)
		return app_fail(err, 422, "invalid", "delivered_at", "签收时间早于发货时间",
				"delivered_at is before the parcel was shipped");
	if (app_exec(db, err, "UPDATE parcels SET status = 'delivered', delivered_at = ? WHERE id = ?",
		 "ii", delivered_ms, parcel_id) ||
	    app_exec(db, err,
		 "UPDATE order_lines SET status = 'delivered' WHERE status = 'shipped' AND id IN"
		 " (SELECT a.order_line_id FROM parcel_lines pl"
		 " JOIN allocations a ON a.id = pl.allocation_id WHERE pl.parcel_id = ?)",
		 "i", parcel_id))
		return -1;
	*changed = true;
	return order_refresh_status(db, order_id, err);
}

/* ---- money and goods back ---- */

struct order_money {
	int64_t total_fen, refunded_fen;
	char status[20];
};

static int order_money(struct store *db, int64_t order_id, struct order_money *m,
		       struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "SELECT o.total_fen, o.status, (SELECT COALESCE(SUM(r.amount_fen), 0)"
			       " FROM refunds r WHERE r.order_id = o.id) FROM orders o WHERE o.id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, order_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		m->total_fen = stmt_int(st, 0);
		snprintf(m->status, sizeof(m->status), "%s", stmt_text(st, 1));
		m->refunded_fen = stmt_int(st, 2);
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", "id", "订单不存在", "no order %lld",
				(long long)order_id);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

static int insert_refund(struct store *db, int64_t order_id, int64_t line_id, const char *kind,
			 int64_t units, int64_t amount, int64_t restocked_g, const char *reason,
			 int64_t user_id, int64_t *id, struct app_err *err)
{
	char code[32];
	app_new_code("RF", code, sizeof(code));
	int got = app_query_int(db, err, id,
			    "INSERT INTO refunds (code, order_id, order_line_id, kind, units,"
			    " amount_fen, restocked_g, reason, created_by, created_at)"
			    " VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, NULLIF(?, 0), ?) RETURNING id",
			    "tiitiiitii", code, order_id, line_id, kind, units, amount, restocked_g,
			    reason, user_id, time_now_ms());
	return got == 1 ? 0 : -1;
}

int order_cancel(struct store *db, int64_t order_id, const char *reason, int64_t user_id,
		 int64_t *refund_id, struct app_err *err)
{
	struct order_money m;
	struct alloc_row *a = NULL;
	size_t n;
	int64_t shipped = 0;
	int ret = -1;
	if (order_money(db, order_id, &m, err))
		return -1;
	if (strcmp(m.status, "cancelled") == 0)
		return app_fail(err, 409, "conflict", "status", "订单已取消",
				"order %lld is already cancelled", (long long)order_id);
	if (app_query_int(db, err, &shipped,
		      "SELECT COUNT(*) FROM order_lines WHERE order_id = ?"
		      " AND status IN ('shipped', 'delivered', 'returned')",
		      "i", order_id) < 0)
		return -1;
	if (shipped > 0)
		return app_fail(err, 409, "conflict", "status", "订单已发货，不能取消，请走退货",
				"order %lld has shipped lines: use a return instead",
				(long long)order_id);
	if (load_allocs(db,
			"SELECT a.id, a.lot_id, a.warehouse_id, a.qty_g, a.order_line_id"
			" FROM allocations a JOIN order_lines ol ON ol.id = a.order_line_id"
			" WHERE ol.order_id = ? AND a.state IN ('reserved', 'picked') ORDER BY a.id",
			order_id, &a, &n, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct stock_loc loc = {LOC_WAREHOUSE, a[i].warehouse_id};
		if (stock_unreserve(db, a[i].lot_id, loc, a[i].qty_g, err) ||
		    app_exec(db, err, "UPDATE allocations SET state = 'released' WHERE id = ?", "i",
			 a[i].id))
			goto out_free;
	}
	if (app_exec(db, err,
		 "UPDATE order_lines SET status = 'cancelled' WHERE order_id = ?"
		 " AND status <> 'cancelled'",
		 "i", order_id) ||
	    app_exec(db, err,
		 "UPDATE parcels SET status = 'cancelled' WHERE order_id = ?"
		 " AND status IN ('picking', 'packed')",
		 "i", order_id) ||
	    insert_refund(db, order_id, 0, "cancel", 0, m.total_fen - m.refunded_fen, 0, reason,
			  user_id, refund_id, err))
		goto out_free;
	ret = order_refresh_status(db, order_id, err);
out_free:
	free(a);
	return ret;
}

struct line_info {
	int64_t id, units, returned, price, amount, net_g, refunded;
	char status[20];
};

static int line_info(struct store *db, int64_t order_id, int64_t line_no, struct line_info *l,
		     struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "SELECT ol.id, ol.units, ol.returned_units, ol.unit_price_fen,"
			       " ol.amount_fen, k.net_g, ol.status, (SELECT COALESCE(SUM(r.amount_fen),"
			       " 0) FROM refunds r WHERE r.order_line_id = ol.id)"
			       " FROM order_lines ol JOIN skus k ON k.id = ol.sku_id"
			       " WHERE ol.order_id = ? AND ol.line_no = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, order_id);
	stmt_bind_int(st, 2, line_no);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		l->id = stmt_int(st, 0);
		l->units = stmt_int(st, 1);
		l->returned = stmt_int(st, 2);
		l->price = stmt_int(st, 3);
		l->amount = stmt_int(st, 4);
		l->net_g = stmt_int(st, 5);
		snprintf(l->status, sizeof(l->status), "%s", stmt_text(st, 6));
		l->refunded = stmt_int(st, 7);
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", "line_no", "订单没有这一行",
				"order %lld has no line %lld", (long long)order_id,
				(long long)line_no);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

/* 409 unless amount fits in what is left to refund on the order and line. */
static int check_refundable(const struct order_money *m, const struct line_info *l,
			    int64_t amount, struct app_err *err)
{
	if (amount > m->total_fen - m->refunded_fen)
		return app_fail(err, 409, "conflict", "amount_fen", "退款超过订单未退金额",
				"refund of %lld fen is more than the %lld fen left on the order",
				(long long)amount, (long long)(m->total_fen - m->refunded_fen));
	if (l && amount > l->amount - l->refunded)
		return app_fail(err, 409, "conflict", "amount_fen", "退款超过该行未退金额",
				"refund of %lld fen is more than the %lld fen left on the line",
				(long long)amount, (long long)(l->amount - l->refunded));
	return 0;
}

int order_refund(struct store *db, int64_t order_id, int64_t line_no, int64_t amount_fen,
		 const char *reason, int64_t user_id, int64_t *refund_id, struct app_err *err)
{
	struct order_money m;
	struct line_info l;
	if (amount_fen <= 0)
		return app_fail(err, 422, "invalid", "amount_fen", "退款金额必须大于零",
				"amount_fen must be more than 0");
	if (order_money(db, order_id, &m, err))
		return -1;
	if (line_no > 0 && line_info(db, order_id, line_no, &l, err))
		return -1;
	if (check_refundable(&m, line_no > 0 ? &l : NULL, amount_fen, err))
		return -1;
	return insert_refund(db, order_id, line_no > 0 ? l.id : 0, "refund", 0, amount_fen, 0,
			     reason, user_id, refund_id, err);
}

/* Book `units` returned units into the line's lots: skip the units returned
 * before (taken from the first allocations), then add each lot's share at the
 * receiving warehouse, and write it off again if it cannot be sold. */
static int restock_units(struct store *db, const struct line_info *l, int64_t units,
			 int64_t warehouse_id, bool restockable, int64_t refund_id,
			 int64_t user_id, struct app_err *err)
{
	struct alloc_row *a;
	size_t n;
	if (load_allocs(db,
			"SELECT id, lot_id, warehouse_id, qty_g, order_line_id FROM allocations"
			" WHERE order_line_id = ? AND state = 'shipped' ORDER BY id",
			l->id, &a, &n, err))
		return -1;
	int64_t skip = l->returned, left = units;
	int ret = 0;
	struct stock_loc loc = {LOC_WAREHOUSE, warehouse_id};
	for (size_t i = 0; i < n && left > 0 && ret == 0; i++) {
		int64_t have = a[i].qty_g / l->net_g;
		int64_t skipped = have < skip ? have : skip;
		skip -= skipped;
		have -= skipped;
		int64_t take = have < left ? have : left;
		if (take <= 0)
			continue;
		left -= take;
		ret = stock_add(db, a[i].lot_id, loc, take * l->net_g, "return", "refund", refund_id,
				user_id, err);
		if (ret == 0 && !restockable)
			ret = stock_remove(db, a[i].lot_id, loc, take * l->net_g, "damage", "refund",
					   refund_id, user_id, err);
	}
	free(a);
	if (ret == 0 && left > 0)
		ret = app_fail(err, 409, "conflict", "units", "退货件数超过已发货件数",
			       "more units returned than were shipped on the line");
	return ret;
}

int order_return(struct store *db, int64_t order_id, int64_t line_no, int64_t units,
		 int64_t warehouse_id, bool restockable, const char *reason, int64_t refund_fen,
		 int64_t user_id, int64_t *refund_id, struct app_err *err)
{
	struct order_money m;
	struct line_info l;
	int64_t wh;
	if (order_money(db, order_id, &m, err) || line_info(db, order_id, line_no, &l, err))
		return -1;
	if (strcmp(l.status, "delivered") != 0)
		return app_fail(err, 409, "conflict", "line_no", "该行尚未签收，不能退货",
				"line %lld is %s: only delivered lines can be returned",
				(long long)line_no, l.status);
	if (units < 1 || units > l.units - l.returned)
		return app_fail(err, 422, "invalid", "units", "退货件数超过可退件数",
				"units must be between 1 and %lld", (long long)(l.units - l.returned));
	int got = app_query_int(db, err, &wh, "SELECT id FROM warehouses WHERE id = ?", "i",
			    warehouse_id);
	if (got <= 0)
		return got < 0 ? -1
			       : app_fail(err, 404, "not_found", "warehouse_id", "仓库不存在",
					  "no warehouse %lld", (long long)warehouse_id);
	int64_t amount = refund_fen >= 0 ? refund_fen : units * l.price;
	if (check_refundable(&m, &l, amount, err))
		return -1;
	if (insert_refund(db, order_id, l.id, "return", units, amount,
			  restockable ? units * l.net_g : 0, reason, user_id, refund_id, err) ||
	    restock_units(db, &l, units, warehouse_id, restockable, *refund_id, user_id, err))
		return -1;
	bool all = l.returned + units == l.units;
	if (app_exec(db, err,
		 "UPDATE order_lines SET returned_units = returned_units + ?,"
		 " status = CASE WHEN ? = 1 THEN 'returned' ELSE status END WHERE id = ?",
		 "iii", units, (int64_t)all, l.id))
		return -1;
	if (all && app_exec(db, err,
			"UPDATE parcels SET status = 'returned' WHERE status = 'delivered' AND id IN"
			" (SELECT pl.parcel_id FROM parcel_lines pl JOIN allocations a"
			" ON a.id = pl.allocation_id WHERE a.order_line_id = ?)",
			"i", l.id))
		return -1;
	return order_refresh_status(db, order_id, err);
}
