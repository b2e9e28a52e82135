/*
 * Point -> origin warehouse transfers (see transfers.h). Each gram moves
 * through stock.c, so the journal shows send (point -> transit), receive
 * (transit -> warehouse) and shortage (transit -> nowhere) rows per lot.
 */
#include "app/transfers.h"

#include <stdio.h>
#include <string.h>

#include "app/stock.h"
#include "lib/timeutil.h"

static int fail_row(struct app_err *err, int row)
{
	err->row = row;
	return -1;
}

/* The point's existence: 404 if unknown. */
static int check_point(struct store *db, int64_t point_id, struct app_err *err)
{
	int64_t n;
	int rc = store_query_int(db, "SELECT COUNT(*) FROM collection_points WHERE id = ?",
				 point_id, &n);
	if (rc)
		return app_store_fail(err, db, rc);
	if (n == 0)
		return app_fail(err, 422, "invalid", "point_id", "收购点不存在",
				"unknown collection point %lld", (long long)point_id);
	return 0;
}

static int insert_transfer(struct store *db, int64_t point_id, int64_t warehouse_id,
			   int64_t user_id, int64_t *id, char *code, struct app_err *err)
{
	struct stmt *st;
	app_new_code("T", code, 32);
	int rc = store_prepare(db,
			       "INSERT INTO transfers (code, point_id, warehouse_id, status, sent_at,"
			       " created_by) VALUES (?, ?, ?, 'sent', ?, ?) RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, code);
	stmt_bind_int(st, 2, point_id);
	stmt_bind_int(st, 3, warehouse_id);
	stmt_bind_int(st, 4, time_now_ms());
	if (user_id)
		stmt_bind_int(st, 5, user_id);
	else
		stmt_bind_null(st, 5);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*id = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	return 0;
}

static int insert_line(struct store *db, int64_t transfer_id, int64_t lot_id, int64_t qty_g,
		       struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "INSERT INTO transfer_lines (transfer_id, lot_id, sent_g) VALUES (?, ?, ?)",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, transfer_id);
	stmt_bind_int(st, 2, lot_id);
	stmt_bind_int(st, 3, qty_g);
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc == STORE_ECONSTRAINT)
		return app_fail(err, 422, "invalid", "lot_id", "同一批次重复出现",
				"lot %lld appears twice", (long long)lot_id);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

int64_t transfer_default_warehouse(struct store *db, int64_t point_id)
{
	int64_t wh = 0;
	if (store_query_int(db, "SELECT COALESCE(warehouse_id, 0) FROM collection_points WHERE id = ?",
			    point_id, &wh))
		return 0;
	return wh;
}

int transfer_send(struct store *db, int64_t point_id, int64_t warehouse_id,
		  const struct transfer_line_in *lines, int n, int64_t user_id, int64_t *id,
		  char *code, struct app_err *err)
{
	char kind[16];
	if (n <= 0)
		return app_fail(err, 422, "invalid", "lines", "至少需要一行", "lines: at least one lot is needed");
	if (check_point(db, point_id, err))
		return -1;
	if (warehouse_kind(db, warehouse_id, kind, sizeof(kind), err)) {
		if (err->status == 404)
			err->status = 422, snprintf(err->code, sizeof(err->code), "invalid");
		return -1;
	}
	if (strcmp(kind, "origin"))
		return app_fail(err, 422, "invalid", "warehouse_id", "调入仓必须是产地仓",
				"warehouse %lld is not an origin warehouse", (long long)warehouse_id);
	if (insert_transfer(db, point_id, warehouse_id, user_id, id, code, err))
		return -1;
	struct stock_loc from = {LOC_POINT, point_id}, to = {LOC_TRANSIT, *id};
	for (int i = 0; i < n; i++) {
		struct lot_info lot;
		if (lot_info_load(db, lines[i].lot_id, &lot, err)) {
			if (err->status == 404)
				err->status = 422, snprintf(err->code, sizeof(err->code), "invalid");
			return fail_row(err, i + 1);
		}
		if (strcmp(lot.kind, "source")) {
			app_fail(err, 422, "invalid", "lot_id", "调拨只运输源批次",
				 "lot '%s' is not a source lot", lot.code);
			return fail_row(err, i + 1);
		}
		if (insert_line(db, *id, lines[i].lot_id, lines[i].qty_g, err) ||
		    stock_check_transit_free(db, lines[i].lot_id, *id, err) ||
		    stock_move(db, lines[i].lot_id, from, to, lines[i].qty_g, "transfer", "transfer",
			       *id, user_id, err))
			return fail_row(err, i + 1);
	}
	return 0;
}

int transfer_info_load(struct store *db, int64_t id, struct transfer_info *out,
		       struct app_err *err)
{
	struct stmt *st;
	memset(out, 0, sizeof(*out));
	int rc = store_prepare(db,
			       "SELECT id, code, point_id, warehouse_id, status FROM transfers WHERE id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		out->id = stmt_int(st, 0);
		snprintf(out->code, sizeof(out->code), "%s", stmt_text(st, 1));
		out->point_id = stmt_int(st, 2);
		out->warehouse_id = stmt_int(st, 3);
		snprintf(out->status, sizeof(out->status), "%s", stmt_text(st, 4));
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", NULL, "调拨单不存在", "transfer %lld not found",
				(long long)id);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	return 0;
}

/* The line's sent grams, or 0 if the lot is not on the transfer. */
static int sent_grams(struct store *db, int64_t transfer_id, int64_t lot_id, int64_t *sent,
		      struct app_err *err)
{
	struct stmt *st;
	*sent = 0;
	int rc = store_prepare(db,
			       "SELECT sent_g FROM transfer_lines WHERE transfer_id = ? AND lot_id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, transfer_id);
	stmt_bind_int(st, 2, lot_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*sent = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

static int record_received(struct store *db, int64_t transfer_id, int64_t lot_id,
			   int64_t received_g, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "UPDATE transfer_lines SET received_g = ? WHERE transfer_id = ?"
			       " AND lot_id = ? AND received_g IS NULL",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, received_g);
	stmt_bind_int(st, 2, transfer_id);
	stmt_bind_int(st, 3, lot_id);
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	if (store_changes(db) != 1)
		return app_fail(err, 422, "invalid", "lot_id", "同一批次重复出现",
				"lot %lld is listed twice", (long long)lot_id);
	return 0;
}

/* Receive one lot: arrived grams into the warehouse, the rest is shortage. */
static int receive_line(struct store *db, const struct transfer_info *t, int64_t lot_id,
			int64_t sent_g, int64_t received_g, int64_t user_id, struct app_err *err)
{
	struct stock_loc tr = {LOC_TRANSIT, t->id}, wh = {LOC_WAREHOUSE, t->warehouse_id};
	if (received_g < 0 || received_g > sent_g)
		return app_fail(err, 422, "invalid", "received_g", "实收数量必须在0和发出数量之间",
				"received_g %lld must be between 0 and the %lld g sent",
				(long long)received_g, (long long)sent_g);
	if (record_received(db, t->id, lot_id, received_g, err))
		return -1;
	if (received_g > 0 &&
	    stock_move(db, lot_id, tr, wh, received_g, "receive", "transfer", t->id, user_id, err))
		return -1;
	if (sent_g > received_g &&
	    stock_remove(db, lot_id, tr, sent_g - received_g, "shortage", "transfer", t->id, user_id,
			 err))
		return -1;
	return 0;
}

/* Lines not listed in the request arrived in full. */
static int receive_rest(struct store *db, const struct transfer_info *t, int64_t user_id,
			struct app_err *err)
{
	struct stmt *st;
	int64_t lots[256], sent[256];
	int n = 0, rc;
	for (;;) {
		rc = store_prepare(db,
				   "SELECT lot_id, sent_g FROM transfer_lines WHERE transfer_id = ?"
				   " AND received_g IS NULL ORDER BY lot_id LIMIT 256",
				   &st);
		if (rc)
			return app_store_fail(err, db, rc);
		stmt_bind_int(st, 1, t->id);
		for (n = 0; (rc = stmt_step(st)) == STORE_ROW; n++) {
			lots[n] = stmt_int(st, 0);
			sent[n] = stmt_int(st, 1);
		}
		stmt_finalize(st);
		if (rc != STORE_DONE)
			return app_store_fail(err, db, rc);
		if (n == 0)
			return 0;
		for (int i = 0; i < n; i++)
			if (receive_line(db, t, lots[i], sent[i], sent[i], user_id, err))
				return -1;
	}
}

static int mark_received(struct store *db, int64_t id, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "UPDATE transfers SET status = 'received', received_at = ? WHERE id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, time_now_ms());
	stmt_bind_int(st, 2, id);
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

int transfer_receive(struct store *db, int64_t transfer_id, const struct transfer_recv_in *lines,
		     int n, int64_t user_id, struct app_err *err)
{
	struct transfer_info t;
	if (transfer_info_load(db, transfer_id, &t, err))
		return -1;
	if (strcmp(t.status, "sent"))
		return app_fail(err, 409, "conflict", "status", "调拨单已收货",
				"transfer '%s' has already been received", t.code);
	for (int i = 0; i < n; i++) {
		int64_t sent;
		if (sent_grams(db, t.id, lines[i].lot_id, &sent, err))
			return fail_row(err, i + 1);
		if (sent == 0) {
			app_fail(err, 422, "invalid", "lot_id", "该批次不在此调拨单上",
				 "lot %lld is not on transfer '%s'", (long long)lines[i].lot_id, t.code);
			return fail_row(err, i + 1);
		}
		if (receive_line(db, &t, lines[i].lot_id, sent, lines[i].received_g, user_id, err))
			return fail_row(err, i + 1);
	}
	if (receive_rest(db, &t, user_id, err))
		return -1;
	return mark_received(db, t.id, err);
}

int transfer_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct wh_query q;
	json_t *t, *lines;
	wh_query_init(&q,
		      "SELECT t.id, t.code, t.point_id, c.code AS point_code, c.name AS point_name,"
		      " t.warehouse_id, w.code AS warehouse_code, w.name AS warehouse_name, t.status,"
		      " t.sent_at, t.received_at, t.created_by FROM transfers t"
		      " JOIN collection_points c ON c.id = t.point_id"
		      " JOIN warehouses w ON w.id = t.warehouse_id");
	wh_query_and_int(&q, "t.id = ?", id);
	if (wh_query_one(db, &q, "transfer", &t, err))
		return -1;
	wh_query_init(&q,
		      "SELECT tl.lot_id, l.code AS lot_code, l.product_id, tl.sent_g, tl.received_g,"
		      " CASE WHEN tl.received_g IS NULL THEN NULL ELSE tl.sent_g - tl.received_g END"
		      " AS shortage_g FROM transfer_lines tl JOIN lots l ON l.id = tl.lot_id");
	wh_query_and_int(&q, "tl.transfer_id = ?", id);
	wh_query_add(&q, " ORDER BY tl.lot_id");
	if (wh_query_list(db, &q, 0, 0, &lines, err)) {
		json_decref(t);
		return -1;
	}
	json_object_set(t, "lines", json_object_get(lines, "items"));
	json_decref(lines);
	*out = t;
	return 0;
}

int transfers_list(struct store *db, int64_t warehouse_id, int64_t point_id, const char *status,
		   struct wh_scope scope, struct wh_scope points, int64_t limit, int64_t offset,
		   json_t **out, struct app_err *err)
{
	struct wh_query q;
	wh_query_init(&q,
		      "SELECT t.id, t.code, t.point_id, c.code AS point_code, t.warehouse_id,"
		      " w.code AS warehouse_code, t.status, t.sent_at, t.received_at,"
		      " (SELECT COALESCE(SUM(sent_g), 0) FROM transfer_lines WHERE transfer_id = t.id)"
		      " AS sent_g,"
		      " (SELECT SUM(received_g) FROM transfer_lines WHERE transfer_id = t.id)"
		      " AS received_g FROM transfers t JOIN collection_points c ON c.id = t.point_id"
		      " JOIN warehouses w ON w.id = t.warehouse_id");
	if (warehouse_id)
		wh_query_and_int(&q, "t.warehouse_id = ?", warehouse_id);
	if (point_id)
		wh_query_and_int(&q, "t.point_id = ?", point_id);
	if (status)
		wh_query_and_text(&q, "t.status = ?", status);
	if (scope.ids)
		wh_query_and_in(&q, "t.warehouse_id", scope.ids, scope.n);
	if (points.ids)
		wh_query_and_in(&q, "t.point_id", points.ids, points.n);
	wh_query_add(&q, " ORDER BY t.id DESC");
	return wh_query_list(db, &q, limit, offset, out, err);
}
