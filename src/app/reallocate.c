/*
 * Filling backorders (see reallocate.h): the SKUs in scope that have lines
 * on backorder, then for each SKU its waiting lines oldest order first, each
 * offered to order_line_allocate with a context of its own (so the stock it
 * reads is this transaction's), and the allocated ones written back: the
 * line's warehouse, route, reason and status, its allocations, and at the
 * end the status of every order touched. Rows are read into memory before
 * anything is written, so no statement writes a table an open query reads.
 */
#include "app/reallocate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/orders.h"
#include "app/query.h"
#include "lib/alloc.h"

struct waiting_sku {
	int64_t id;
	char *code; /* owned */
};

struct waiting_line {
	int64_t id, order_id, channel_id, line_no, units;
	char division[16];
};

/* Growable arrays of ids (orders whose status must be recomputed). */
struct id_list {
	int64_t *v;
	size_t n, cap;
};

static void id_list_add_once(struct id_list *l, int64_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == id)
			return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = id;
}

static void free_skus(struct waiting_sku *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].code);
	free(s);
}

/* Append a fragment to the statement being built (every fragment fits). */
static void sql_add(char *sql, size_t size, const char *part)
{
	size_t len = strlen(sql);
	snprintf(sql + len, size - len, "%s", part);
}

/* The SKUs in scope with lines on backorder, by id. */
static int skus_in_scope(struct store *db, const struct realloc_scope *sc, struct waiting_sku **out,
                         size_t *n, struct app_err *err)
{
	/* one probe of the partial index order_lines_backorder (0912) per SKU */
	char sql[1024] =
	    "SELECT k.id, k.code FROM skus k WHERE EXISTS (SELECT 1 FROM order_lines ol"
	    " WHERE ol.sku_id = k.id AND ol.status = 'backorder')";
	struct stmt *st;
	int64_t binds[3];
	int nb = 0, rc;
	if (sc->sku_id) {
		sql_add(sql, sizeof(sql), " AND k.id = ?");
		binds[nb++] = sc->sku_id;
	}
	if (sc->warehouse_id) {
		sql_add(
		    sql, sizeof(sql),
		    " AND k.id IN (SELECT l.sku_id FROM stock s JOIN lots l ON l.id = s.lot_id"
		    " WHERE s.loc_kind = 'warehouse' AND s.loc_id = ? AND s.qty_g > s.reserved_g"
		    " AND l.kind = 'packed')");
		binds[nb++] = sc->warehouse_id;
	}
	if (sc->order_id) {
		sql_add(sql, sizeof(sql),
		        " AND k.id IN (SELECT sku_id FROM order_lines WHERE order_id = ?)");
		binds[nb++] = sc->order_id;
	}
	sql_add(sql, sizeof(sql), " ORDER BY k.id");
	rc = store_prepare(db, sql, &st);
	if (rc)
		return app_store_fail(err, db, rc);
	for (int i = 0; i < nb; i++)
		stmt_bind_int(st, i + 1, binds[i]);
	*out = NULL;
	*n = 0;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof(**out));
		(*out)[*n].id = stmt_int(st, 0);
		(*out)[(*n)++].code = xstrdup(stmt_text(st, 1));
	}
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

/* The SKU's lines on backorder, oldest order first. */
static int waiting_lines(struct store *db, int64_t sku_id, struct waiting_line **out, size_t *n,
                         struct app_err *err)
{
	int rc;
	struct stmt *st = app_prepf(
	    db, err,
	    "SELECT ol.id, ol.order_id, o.channel_id, ol.line_no, ol.units, c.division_code"
	    " FROM order_lines ol JOIN orders o ON o.id = ol.order_id"
	    " JOIN customers c ON c.id = o.customer_id"
	    " WHERE ol.sku_id = ? AND ol.status = 'backorder'"
	    " ORDER BY o.ordered_at, o.id, ol.line_no",
	    "i", sku_id);
	size_t cap = 0;
	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		struct waiting_line *l = &(*out)[(*n)++];
		l->id = stmt_int(st, 0);
		l->order_id = stmt_int(st, 1);
		l->channel_id = stmt_int(st, 2);
		l->line_no = stmt_int(st, 3);
		l->units = stmt_int(st, 4);
		snprintf(l->division, sizeof(l->division), "%s", stmt_text(st, 5));
	}
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

/* Write the allocation of one line; 409 if the line left backorder meanwhile. */
static int write_line(struct store *db, const struct waiting_line *l,
                      const struct order_line_alloc *a, struct app_err *err)
{
	char reason[600];
	snprintf(reason, sizeof(reason), "缺货后补分配：%s / filled from backorder: %s",
	         a->reason_zh, a->reason_en);
	if (app_exec(db, err,
	             "UPDATE order_lines SET warehouse_id = ?, route = ?, alloc_reason = ?,"
	             " status = 'allocated' WHERE id = ? AND status = 'backorder'",
	             "itti", a->warehouse_id, a->route, reason, l->id))
		return -1;
	if (store_changes(db) != 1)
		return app_fail(err, 409, "conflict", NULL, "订单行已变化，请重试",
		                "order line %lld left backorder during re-allocation; retry",
		                (long long)l->id);
	for (int i = 0; i < a->npicks; i++)
		if (app_exec(db, err,
		             "INSERT INTO allocations (order_line_id, lot_id, warehouse_id, qty_g,"
		             " state) VALUES (?, ?, ?, ?, 'reserved')",
		             "iiii", l->id, a->picks[i].lot_id, a->warehouse_id, a->picks[i].qty_g))
			return -1;
	return 0;
}

static int warehouse_code(struct store *db, int64_t id, char out[40], struct app_err *err)
{
	struct stmt *st = app_prepf(db, err, "SELECT code FROM warehouses WHERE id = ?", "i", id);
	if (!st)
		return -1;
	int rc = stmt_step(st);
	if (rc == STORE_ROW)
		snprintf(out, 40, "%s", stmt_text(st, 0));
	stmt_finalize(st);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc == STORE_DONE ? STORE_EMISUSE : rc);
}

static int report_line(struct store *db, json_t *into, const struct waiting_line *l,
                       const char *sku, const struct order_line_alloc *a, struct app_err *err)
{
	char code[40];
	if (!into)
		return 0;
	if (warehouse_code(db, a->warehouse_id, code, err))
		return -1;
	json_array_append_new(
	    into,
	    json_pack("{s:I, s:I, s:I, s:s, s:I, s:I, s:s, s:s, s:s, s:s}", "order_id",
	              (json_int_t)l->order_id, "channel_id", (json_int_t)l->channel_id, "line_no",
	              (json_int_t)l->line_no, "sku", sku, "units", (json_int_t)l->units,
	              "warehouse_id", (json_int_t)a->warehouse_id, "warehouse", code, "route",
	              a->route ? a->route : "", "reason", a->reason_zh, "reason_en", a->reason_en));
	return 0;
}

/* One SKU's waiting lines, oldest first, until its promisable stock is gone. */
static int fill_sku(struct store *db, struct order_ctx *ctx, const struct waiting_sku *sku,
                    json_t *allocated, int64_t *count, struct id_list *orders, struct app_err *err)
{
	struct waiting_line *lines;
	size_t n;
	int ret = -1;
	if (waiting_lines(db, sku->id, &lines, &n, err))
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct order_line_alloc a;
		if (order_line_allocate(ctx, sku->code, lines[i].units, lines[i].division, &a, err))
			goto out_free;
		if (a.warehouse_id) {
			if (write_line(db, &lines[i], &a, err) ||
			    report_line(db, allocated, &lines[i], sku->code, &a, err))
				goto out_free;
			id_list_add_once(orders, lines[i].order_id);
			++*count;
		}
		if (a.units_left == 0)
			break;
	}
	ret = 0;
out_free:
	free(lines);
	return ret;
}

int backorders_fill(struct store *db, const struct realloc_scope *scope, const char *today,
                    json_t *allocated, int64_t *count, struct app_err *err)
{
	struct waiting_sku *skus;
	size_t nskus;
	struct id_list orders = {0};
	int ret = -1;
	*count = 0;
	if (skus_in_scope(db, scope, &skus, &nskus, err))
		return -1;
	struct order_ctx *ctx = nskus ? order_ctx_new(db, today) : NULL;
	if (ctx)
		order_ctx_only_warehouse(ctx, scope->warehouse_id);
	for (size_t i = 0; i < nskus; i++)
		if (fill_sku(db, ctx, &skus[i], allocated, count, &orders, err))
			goto out_free;
	for (size_t i = 0; i < orders.n; i++)
		if (order_refresh_status(db, orders.v[i], err))
			goto out_free;
	ret = 0;
out_free:
	order_ctx_free(ctx);
	free(orders.v);
	free_skus(skus, nskus);
	return ret;
}

/* The id of the row with this code in table (skus, warehouses): 1, 0 if none, -1 on error. */
static int id_of_code(struct store *db, const char *sql, const char *code, int64_t *id,
                      struct app_err *err)
{
	return app_query_int(db, err, id, sql, "t", code);
}

int realloc_scope_from_codes(struct store *db, const char *sku, const char *warehouse,
                             struct realloc_scope *scope, struct app_err *err)
{
	int rc;
	memset(scope, 0, sizeof(*scope));
	if (sku) {
		rc = id_of_code(db, "SELECT id FROM skus WHERE code = ?", sku, &scope->sku_id, err);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return app_fail(err, 422, "invalid", "sku", "未知的 SKU",
			                "unknown SKU '%s'", sku);
	}
	if (warehouse) {
		rc = id_of_code(db, "SELECT id FROM warehouses WHERE code = ? AND active = 1",
		                warehouse, &scope->warehouse_id, err);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return app_fail(err, 422, "invalid", "warehouse", "未知的仓库",
			                "unknown warehouse '%s'", warehouse);
	}
	return 0;
}
