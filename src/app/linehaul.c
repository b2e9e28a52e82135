/*
 * Line-hauls origin -> sales warehouse (see linehaul.h). All stock changes
 * go through stock.c: reservations while loading, then 'linehaul' moves into
 * transit, then 'receive', 'damage' and 'shortage' rows on arrival.
 */
#include "app/linehaul.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/stock.h"
#include "core/fefo.h"
#include "lib/alloc.h"
#include "lib/money.h"
#include "lib/timeutil.h"

#define MAX_PICKS 64

static int fail_row(struct app_err *err, int row)
{
	err->row = row;
	return -1;
}

/* A warehouse named in the body that does not exist is invalid input (422). */
static int unknown_warehouse(struct app_err *err, const char *field)
{
	snprintf(err->field, sizeof(err->field), "%s", field);
	if (err->status == 404) {
		err->status = 422;
		snprintf(err->code, sizeof(err->code), "invalid");
	}
	return -1;
}

static int check_warehouses(struct store *db, const struct linehaul_in *in, struct app_err *err)
{
	char from[16], to[16];
	if (warehouse_kind(db, in->from_warehouse_id, from, sizeof(from), err))
		return unknown_warehouse(err, "from_warehouse_id");
	if (warehouse_kind(db, in->to_warehouse_id, to, sizeof(to), err))
		return unknown_warehouse(err, "to_warehouse_id");
	if (strcmp(from, "origin"))
		return app_fail(err, 422, "invalid", "from_warehouse_id", "发货仓必须是产地仓",
				"warehouse %lld is not an origin warehouse",
				(long long)in->from_warehouse_id);
	if (strcmp(to, "sales"))
		return app_fail(err, 422, "invalid", "to_warehouse_id", "收货仓必须是销地仓",
				"warehouse %lld is not a sales warehouse",
				(long long)in->to_warehouse_id);
	return 0;
}

static int insert_linehaul(struct store *db, const struct linehaul_in *in, int64_t user_id,
			   int64_t *id, char *code, struct app_err *err)
{
	struct stmt *st;
	app_new_code("LH", code, 32);
	int rc = store_prepare(db,
			       "INSERT INTO linehauls (code, from_warehouse_id, to_warehouse_id, truck_type,"
			       " plate, status, cost_fen, created_by, created_at)"
			       " VALUES (?, ?, ?, ?, ?, 'loading', ?, ?, ?) RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, code);
	stmt_bind_int(st, 2, in->from_warehouse_id);
	stmt_bind_int(st, 3, in->to_warehouse_id);
	stmt_bind_text(st, 4, in->truck_type ? in->truck_type : "");
	stmt_bind_text(st, 5, in->plate ? in->plate : "");
	stmt_bind_int(st, 6, in->cost_fen);
	if (user_id)
		stmt_bind_int(st, 7, user_id);
	else
		stmt_bind_null(st, 7);
	stmt_bind_int(st, 8, time_now_ms());
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*id = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	return 0;
}

static int add_line(struct store *db, int64_t linehaul_id, int64_t lot_id, int64_t qty_g,
		    struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "INSERT INTO linehaul_lines (linehaul_id, lot_id, loaded_g) VALUES (?,?,?)"
			       " ON CONFLICT (linehaul_id, lot_id)"
			       " DO UPDATE SET loaded_g = linehaul_lines.loaded_g + excluded.loaded_g",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, linehaul_id);
	stmt_bind_int(st, 2, lot_id);
	stmt_bind_int(st, 3, qty_g);
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

/* A line naming a lot and grams: the lot must be active and unexpired. */
static int load_lot_line(struct store *db, const struct linehaul_in *in,
			 const struct linehaul_line_in *l, int64_t id, struct app_err *err)
{
	struct lot_info lot;
	struct stock_loc from = {LOC_WAREHOUSE, in->from_warehouse_id};
	if (l->qty_g <= 0 || l->qty_g > 1000000000000)
		return app_fail(err, 422, "invalid", "qty_g", "数量必须大于零",
				"qty_g must be between 1 and 10^12");
	if (lot_info_load(db, l->lot_id, &lot, err)) {
		if (err->status == 404)
			app_fail(err, 422, "invalid", "lot_id", "批次不存在", "unknown lot %lld",
				 (long long)l->lot_id);
		return -1;
	}
	if (strcmp(lot.status, "active"))
		return app_fail(err, 422, "invalid", "lot_id", "批次不可用", "lot '%s' is %s",
				lot.code, lot.status);
	if (strcmp(lot.kind, "packed"))
		return app_fail(err, 422, "invalid", "lot_id", "干线只运输已包装批次",
				"lot '%s' is a source lot; only packed lots go on a line-haul",
				lot.code);
	if (fefo_expired(lot.expires_on, in->today))
		return app_fail(err, 422, "invalid", "lot_id", "批次已过期，不能发运",
				"lot '%s' expired on %s", lot.code, lot.expires_on);
	if (stock_reserve(db, l->lot_id, from, l->qty_g, err))
		return -1;
	return add_line(db, id, l->lot_id, l->qty_g, err);
}

/* A line naming a SKU and units: FEFO (or the named lot) chooses. */
static int load_sku_line(struct store *db, const struct linehaul_in *in,
			 const struct linehaul_line_in *l, int64_t id, struct app_err *err)
{
	struct stock_pick picks[MAX_PICKS];
	int n;
	if (l->units <= 0 || l->units > 10000000)
		return app_fail(err, 422, "invalid", "units", "件数必须在1到10000000之间",
				"units must be between 1 and 10000000");
	if (stock_reserve_fefo(db, in->from_warehouse_id, l->sku_id, l->units, l->lot_id, in->today,
			       picks, MAX_PICKS, &n, err)) {
		if (err->status == 404)
			app_fail(err, 422, "invalid", "sku_id", "商品规格不存在", "unknown sku %lld",
				 (long long)l->sku_id);
		return -1;
	}
	for (int i = 0; i < n; i++)
		if (add_line(db, id, picks[i].lot_id, picks[i].qty_g, err))
			return -1;
	return 0;
}

/* Load lines onto line-haul id (already checked to be loading). */
static int load_lines_in(struct store *db, const struct linehaul_in *in, int64_t id,
			 struct app_err *err)
{
	for (int i = 0; i < in->nlines; i++) {
		const struct linehaul_line_in *l = &in->lines[i];
		int rc;
		if (l->sku_id)
			rc = load_sku_line(db, in, l, id, err);
		else if (l->lot_id)
			rc = load_lot_line(db, in, l, id, err);
		else
			rc = app_fail(err, 422, "invalid", "lot_id", "需要批次或规格",
				      "each line needs lot_id and qty_g, or sku_id and units");
		if (rc)
			return fail_row(err, i + 1);
	}
	return 0;
}

int linehaul_create(struct store *db, const struct linehaul_in *in, int64_t user_id, int64_t *id,
		    char *code, struct app_err *err)
{
	if (in->nlines < 0 || in->nlines > LINEHAUL_MAX_LINES)
		return app_fail(err, 422, "invalid", "lines", "最多500行",
				"lines: at most %d lines", LINEHAUL_MAX_LINES);
	if (in->cost_fen < 0)
		return app_fail(err, 422, "invalid", "cost_fen", "运费不能为负",
				"cost_fen must not be negative");
	if (check_warehouses(db, in, err) || insert_linehaul(db, in, user_id, id, code, err))
		return -1;
	return load_lines_in(db, in, *id, err);
}

int linehaul_info_load(struct store *db, int64_t id, const char *code, struct linehaul_info *out,
		       struct app_err *err)
{
	struct stmt *st;
	memset(out, 0, sizeof(*out));
	int rc = store_prepare(db,
			       id ? "SELECT id, code, from_warehouse_id, to_warehouse_id, status, cost_fen"
				    " FROM linehauls WHERE id = ?"
				  : "SELECT id, code, from_warehouse_id, to_warehouse_id, status, cost_fen"
				    " FROM linehauls WHERE code = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	if (id)
		stmt_bind_int(st, 1, id);
	else
		stmt_bind_text(st, 1, code ? code : "");
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		out->id = stmt_int(st, 0);
		snprintf(out->code, sizeof(out->code), "%s", stmt_text(st, 1));
		out->from_warehouse_id = stmt_int(st, 2);
		out->to_warehouse_id = stmt_int(st, 3);
		snprintf(out->status, sizeof(out->status), "%s", stmt_text(st, 4));
		out->cost_fen = stmt_int(st, 5);
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", NULL, "干线运输单不存在", "line-haul not found");
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	return 0;
}

/* The lines of a line-haul: lot ids and loaded grams (xmalloc'd). */
struct line_row {
	int64_t lot_id, loaded_g;
	int received; /* received_g already recorded */
};

static int load_lines(struct store *db, int64_t id, struct line_row **out, int *n,
		      struct app_err *err)
{
	struct stmt *st;
	int cap = 16;
	*n = 0;
	*out = xmalloc((size_t)cap * sizeof(**out));
	int rc = store_prepare(db,
			       "SELECT lot_id, loaded_g, CASE WHEN received_g IS NULL THEN 0 ELSE 1 END"
			       " FROM linehaul_lines WHERE linehaul_id = ? ORDER BY lot_id",
			       &st);
	if (rc)
		goto out_fail;
	stmt_bind_int(st, 1, id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (*n == cap) {
			cap *= 2;
			*out = xrealloc(*out, (size_t)cap * sizeof(**out));
		}
		(*out)[*n].lot_id = stmt_int(st, 0);
		(*out)[*n].loaded_g = stmt_int(st, 1);
		(*out)[*n].received = (int)stmt_int(st, 2);
		(*n)++;
	}
	stmt_finalize(st);
	if (rc != STORE_DONE)
		goto out_fail;
	return 0;
out_fail:
	free(*out);
	*out = NULL;
	return app_store_fail(err, db, rc);
}

static int set_status(struct store *db, int64_t id, const char *status, const char *at_column,
		      int64_t cost_fen, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       !strcmp(at_column, "dispatched_at")
				       ? "UPDATE linehauls SET status = ?, dispatched_at = ?,"
					 " cost_fen = CASE WHEN ? >= 0 THEN ? ELSE cost_fen END WHERE id = ?"
				       : "UPDATE linehauls SET status = ?, received_at = ?,"
					 " cost_fen = CASE WHEN ? >= 0 THEN ? ELSE cost_fen END WHERE id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, status);
	stmt_bind_int(st, 2, time_now_ms());
	stmt_bind_int(st, 3, cost_fen);
	stmt_bind_int(st, 4, cost_fen);
	stmt_bind_int(st, 5, id);
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

int linehaul_load(struct store *db, int64_t id, const struct linehaul_line_in *lines, int n,
		  const char *today, struct app_err *err)
{
	struct linehaul_info lh;
	if (n <= 0 || n > LINEHAUL_MAX_LINES)
		return app_fail(err, 422, "invalid", "lines", "需要1至500行",
				"lines: 1 to %d lines are needed", LINEHAUL_MAX_LINES);
	if (linehaul_info_load(db, id, NULL, &lh, err))
		return -1;
	if (strcmp(lh.status, "loading"))
		return app_fail(err, 409, "conflict", "status", "干线运输单已发车，不能再装车",
				"line-haul '%s' is %s, not loading", lh.code, lh.status);
	struct linehaul_in in = {.from_warehouse_id = lh.from_warehouse_id,
				 .to_warehouse_id = lh.to_warehouse_id,
				 .lines = lines,
				 .nlines = n,
				 .today = today};
	return load_lines_in(db, &in, id, err);
}

/* The grams of lot loaded on line-haul id (0 if it is not on it). */
static int loaded_grams(struct store *db, int64_t id, int64_t lot_id, int64_t *loaded,
			struct app_err *err)
{
	struct stmt *st;
	*loaded = 0;
	int rc = store_prepare(db, "SELECT loaded_g FROM linehaul_lines WHERE linehaul_id = ? AND lot_id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, id);
	stmt_bind_int(st, 2, lot_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*loaded = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

/* Lower a line by qty_g, deleting it when nothing is left. */
static int shrink_line(struct store *db, int64_t id, int64_t lot_id, int64_t qty_g, bool whole,
		       struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       whole ? "DELETE FROM linehaul_lines WHERE linehaul_id = ? AND lot_id = ?"
				     : "UPDATE linehaul_lines SET loaded_g = loaded_g - ? WHERE linehaul_id = ?"
				       " AND lot_id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	int k = 1;
	if (!whole)
		stmt_bind_int(st, k++, qty_g);
	stmt_bind_int(st, k++, id);
	stmt_bind_int(st, k, lot_id);
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

int linehaul_unload(struct store *db, int64_t id, int64_t lot_id, int64_t qty_g,
		    struct app_err *err)
{
	struct linehaul_info lh;
	int64_t loaded;
	if (linehaul_info_load(db, id, NULL, &lh, err))
		return -1;
	if (strcmp(lh.status, "loading"))
		return app_fail(err, 409, "conflict", "status", "干线运输单已发车，不能卸货",
				"line-haul '%s' is %s, not loading", lh.code, lh.status);
	if (loaded_grams(db, id, lot_id, &loaded, err))
		return -1;
	if (loaded == 0)
		return app_fail(err, 422, "invalid", "lot_id", "该批次不在此干线运输单上",
				"lot %lld is not on line-haul '%s'", (long long)lot_id, lh.code);
	if (qty_g < 0 || qty_g > loaded)
		return app_fail(err, 422, "invalid", "qty_g", "卸货数量不能超过装车数量",
				"qty_g %lld must be between 1 and the %lld g loaded", (long long)qty_g,
				(long long)loaded);
	if (qty_g == 0)
		qty_g = loaded;
	struct stock_loc from = {LOC_WAREHOUSE, lh.from_warehouse_id};
	if (stock_unreserve(db, lot_id, from, qty_g, err))
		return -1;
	return shrink_line(db, id, lot_id, qty_g, qty_g == loaded, err);
}

int linehaul_dispatch(struct store *db, int64_t id, int64_t cost_fen, int64_t user_id,
		      struct app_err *err)
{
	struct linehaul_info lh;
	struct line_row *lines = NULL;
	int n, ret = -1;
	if (linehaul_info_load(db, id, NULL, &lh, err))
		return -1;
	if (strcmp(lh.status, "loading"))
		return app_fail(err, 409, "conflict", "status", "干线运输单已发车",
				"line-haul '%s' is %s, not loading", lh.code, lh.status);
	if (load_lines(db, id, &lines, &n, err))
		return -1;
	if (n == 0) {
		app_fail(err, 409, "conflict", "lines", "干线运输单未装货，不能发车",
			 "line-haul '%s' has nothing loaded; load lots before dispatch", lh.code);
		goto out_free;
	}
	struct stock_loc from = {LOC_WAREHOUSE, lh.from_warehouse_id}, tr = {LOC_TRANSIT, id};
	for (int i = 0; i < n; i++)
		if (stock_check_transit_free(db, lines[i].lot_id, id, err) ||
		    stock_unreserve(db, lines[i].lot_id, from, lines[i].loaded_g, err) ||
		    stock_move(db, lines[i].lot_id, from, tr, lines[i].loaded_g, "linehaul", "linehaul",
			       id, user_id, err)) {
			fail_row(err, i + 1);
			goto out_free;
		}
	ret = set_status(db, id, "dispatched", "dispatched_at", cost_fen, err);
out_free:
	free(lines);
	return ret;
}

static int record_line(struct store *db, int64_t id, int64_t lot_id, int64_t received_g,
		       int64_t damaged_g, int64_t shortage_g, const char *note, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "UPDATE linehaul_lines SET received_g = ?, damaged_g = ?, shortage_g = ?,"
			       " note = ? WHERE linehaul_id = ? AND lot_id = ? AND received_g IS NULL",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, received_g);
	stmt_bind_int(st, 2, damaged_g);
	stmt_bind_int(st, 3, shortage_g);
	stmt_bind_text(st, 4, note ? note : "");
	stmt_bind_int(st, 5, id);
	stmt_bind_int(st, 6, lot_id);
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	if (store_changes(db) != 1)
		return app_fail(err, 422, "invalid", "lot_id", "同一批次重复出现",
				"lot %lld is listed twice", (long long)lot_id);
	return 0;
}

/* Receive one lot: received into the sales warehouse, damaged and missing
 * grams written off from transit. */
static int receive_one(struct store *db, const struct linehaul_info *lh, int64_t lot_id,
		       int64_t loaded_g, int64_t received_g, int64_t damaged_g, const char *note,
		       int64_t user_id, struct app_err *err)
{
	struct stock_loc tr = {LOC_TRANSIT, lh->id}, to = {LOC_WAREHOUSE, lh->to_warehouse_id};
	if (received_g < 0 || damaged_g < 0 || received_g > loaded_g ||
	    damaged_g > loaded_g - received_g)
		return app_fail(err, 422, "invalid", "received_g", "实收加破损不能超过装车数量",
				"received_g %lld + damaged_g %lld exceed the %lld g loaded",
				(long long)received_g, (long long)damaged_g, (long long)loaded_g);
	int64_t shortage_g = loaded_g - received_g - damaged_g;
	if (record_line(db, lh->id, lot_id, received_g, damaged_g, shortage_g, note, err))
		return -1;
	if (received_g > 0 &&
	    stock_move(db, lot_id, tr, to, received_g, "receive", "linehaul", lh->id, user_id, err))
		return -1;
	if (damaged_g > 0 &&
	    stock_remove(db, lot_id, tr, damaged_g, "damage", "linehaul", lh->id, user_id, err))
		return -1;
	if (shortage_g > 0 &&
	    stock_remove(db, lot_id, tr, shortage_g, "shortage", "linehaul", lh->id, user_id, err))
		return -1;
	return 0;
}

static int receive_listed(struct store *db, const struct linehaul_info *lh,
			  const struct line_row *lines, int nl, const struct linehaul_recv_in *in,
			  int n, int64_t user_id, struct app_err *err)
{
	for (int i = 0; i < n; i++) {
		const struct line_row *row = NULL;
		for (int k = 0; k < nl; k++)
			if (lines[k].lot_id == in[i].lot_id)
				row = &lines[k];
		if (!row) {
			app_fail(err, 422, "invalid", "lot_id", "该批次不在此干线运输单上",
				 "lot %lld is not on line-haul '%s'", (long long)in[i].lot_id,
				 lh->code);
			return fail_row(err, i + 1);
		}
		if (receive_one(db, lh, row->lot_id, row->loaded_g, in[i].received_g, in[i].damaged_g,
				in[i].note, user_id, err))
			return fail_row(err, i + 1);
	}
	return 0;
}

int linehaul_receive(struct store *db, int64_t id, const struct linehaul_recv_in *in, int n,
		     int64_t user_id, struct app_err *err)
{
	struct linehaul_info lh;
	struct line_row *lines = NULL;
	int nl, ret = -1;
	if (linehaul_info_load(db, id, NULL, &lh, err))
		return -1;
	if (strcmp(lh.status, "dispatched"))
		return app_fail(err, 409, "conflict", "status", "干线运输单未发车或已收货",
				"line-haul '%s' is %s, not dispatched", lh.code, lh.status);
	if (load_lines(db, id, &lines, &nl, err))
		return -1;
	if (receive_listed(db, &lh, lines, nl, in, n, user_id, err))
		goto out_free;
	free(lines);
	if (load_lines(db, id, &lines, &nl, err))
		return -1;
	for (int k = 0; k < nl; k++)
		if (!lines[k].received &&
		    receive_one(db, &lh, lines[k].lot_id, lines[k].loaded_g, lines[k].loaded_g, 0, NULL,
				user_id, err))
			goto out_free;
	ret = set_status(db, id, "received", "received_at", -1, err);
out_free:
	free(lines);
	return ret;
}

int linehaul_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct wh_query q;
	json_t *lh, *lines;
	wh_query_init(&q,
		      "SELECT h.id, h.code, h.from_warehouse_id, f.code AS from_warehouse_code,"
		      " f.name AS from_warehouse_name, h.to_warehouse_id, t.code AS to_warehouse_code,"
		      " t.name AS to_warehouse_name, h.truck_type, h.plate, h.status, h.cost_fen,"
		      " (SELECT COALESCE(SUM(loaded_g), 0) FROM linehaul_lines WHERE linehaul_id = h.id)"
		      " AS loaded_g, h.dispatched_at, h.received_at, h.created_by, h.created_at"
		      " FROM linehauls h JOIN warehouses f ON f.id = h.from_warehouse_id"
		      " JOIN warehouses t ON t.id = h.to_warehouse_id");
	wh_query_and_int(&q, "h.id = ?", id);
	if (wh_query_one(db, &q, "line-haul", &lh, err))
		return -1;
	wh_query_init(&q,
		      "SELECT ll.lot_id, l.code AS lot_code, l.kind, p.name AS product_name,"
		      " g.name AS grade_name, k.code AS sku_code, k.name AS sku_name, k.net_g AS sku_net_g,"
		      " CASE WHEN k.net_g > 0 THEN ll.loaded_g / k.net_g ELSE NULL END AS units,"
		      " l.expires_on, ll.loaded_g, ll.received_g, ll.damaged_g, ll.shortage_g, ll.note"
		      " FROM linehaul_lines ll JOIN lots l ON l.id = ll.lot_id"
		      " JOIN products p ON p.id = l.product_id LEFT JOIN grades g ON g.id = l.grade_id"
		      " LEFT JOIN skus k ON k.id = l.sku_id");
	wh_query_and_int(&q, "ll.linehaul_id = ?", id);
	wh_query_add(&q, " ORDER BY l.expires_on, ll.lot_id");
	if (wh_query_list(db, &q, 0, 0, &lines, err)) {
		json_decref(lh);
		return -1;
	}
	json_object_set(lh, "lines", json_object_get(lines, "items"));
	json_decref(lines);
	*out = lh;
	return 0;
}

/* AND (line-haul h starts or ends at one of scope's warehouses). */
static void and_linehaul_visible(struct wh_query *q, struct wh_scope scope)
{
	if (!scope.ids)
		return;
	wh_query_add(q, q->has_where ? " AND " : " WHERE ");
	q->has_where = true;
	wh_query_add(q, "(h.from_warehouse_id IN ");
	wh_query_add_ids(q, scope.ids, scope.n);
	wh_query_add(q, " OR h.to_warehouse_id IN ");
	wh_query_add_ids(q, scope.ids, scope.n);
	wh_query_add(q, ")");
}

int linehaul_costs(struct store *db, struct wh_scope scope, json_t **out, struct app_err *err)
{
	struct wh_query q;
	wh_query_init(&q,
		      "SELECT h.from_warehouse_id, f.code AS from_warehouse_code, h.to_warehouse_id,"
		      " t.code AS to_warehouse_code, h.truck_type, COUNT(*) AS linehauls,"
		      " SUM(h.cost_fen) AS cost_fen, SUM((SELECT COALESCE(SUM(loaded_g), 0)"
		      " FROM linehaul_lines WHERE linehaul_id = h.id)) AS loaded_g"
		      " FROM linehauls h JOIN warehouses f ON f.id = h.from_warehouse_id"
		      " JOIN warehouses t ON t.id = h.to_warehouse_id");
	wh_query_add(&q, " WHERE h.status IN ('dispatched', 'received')");
	q.has_where = true;
	and_linehaul_visible(&q, scope);
	wh_query_add(&q, " GROUP BY h.from_warehouse_id, f.code, h.to_warehouse_id, t.code,"
			 " h.truck_type ORDER BY h.from_warehouse_id, h.to_warehouse_id, h.truck_type");
	if (wh_query_list(db, &q, 0, 0, out, err))
		return -1;
	json_t *row;
	size_t i;
	json_array_foreach(json_object_get(*out, "items"), i, row) {
		int64_t cost = json_integer_value(json_object_get(row, "cost_fen"));
		int64_t grams = json_integer_value(json_object_get(row, "loaded_g"));
		int64_t per_kg;
		bool ok = grams > 0 && !muldiv_round(cost, 1000, grams, &per_kg);
		json_object_set_new(row, "fen_per_kg", ok ? json_integer(per_kg) : json_null());
	}
	return 0;
}

int linehauls_list(struct store *db, int64_t warehouse_id, const char *status,
		   struct wh_scope scope, int64_t limit, int64_t offset, json_t **out,
		   struct app_err *err)
{
	struct wh_query q;
	wh_query_init(&q,
		      "SELECT h.id, h.code, h.from_warehouse_id, h.to_warehouse_id, h.truck_type,"
		      " h.plate, h.status, h.cost_fen,"
		      " (SELECT COALESCE(SUM(loaded_g), 0) FROM linehaul_lines WHERE linehaul_id = h.id)"
		      " AS loaded_g, h.dispatched_at, h.received_at, h.created_at FROM linehauls h");
	if (warehouse_id) {
		wh_query_and_int(&q, "(h.from_warehouse_id = ?", warehouse_id);
		wh_query_add(&q, " OR h.to_warehouse_id = ?)");
		q.bind[q.nbind].is_text = false;
		q.bind[q.nbind++].i = warehouse_id;
	}
	if (status)
		wh_query_and_text(&q, "h.status = ?", status);
	and_linehaul_visible(&q, scope);
	wh_query_add(&q, " ORDER BY h.id DESC");
	return wh_query_list(db, &q, limit, offset, out, err);
}
