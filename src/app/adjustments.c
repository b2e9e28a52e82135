/*
 * Stock adjustments (see adjustments.h): read the system quantity, work out
 * the delta for the kind, move the stock through stock.c with the kind as
 * the journal reason, and keep the adjustment row as the record of why.
 */
#include "app/adjustments.h"

#include <stdio.h>
#include <string.h>

#include "app/stock.h"
#include "core/fefo.h"
#include "lib/timeutil.h"

static int system_grams(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t *qty,
			int64_t *reserved, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "SELECT qty_g, reserved_g FROM stock WHERE lot_id = ? AND loc_kind = ?"
			       " AND loc_id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, lot_id);
	stmt_bind_text(st, 2, loc_kind_name(loc.kind));
	stmt_bind_int(st, 3, loc.id);
	*qty = *reserved = 0;
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*qty = stmt_int(st, 0);
		*reserved = stmt_int(st, 1);
	}
	stmt_finalize(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

/* The signed change for the kind, after checking its inputs. */
static int delta_for(const struct adjustment_in *in, const struct lot_info *lot, int64_t system_g,
		     int64_t *delta, struct app_err *err)
{
	if (!strcmp(in->kind, "stocktake")) {
		if (in->counted_g < 0 || in->counted_g > 1000000000000)
			return app_fail(err, 422, "invalid", "counted_g", "盘点数量不能为负",
					"counted_g must be between 0 and 10^12");
		*delta = in->counted_g - system_g;
		return 0;
	}
	if (in->qty_g <= 0 || in->qty_g > 1000000000000)
		return app_fail(err, 422, "invalid", "qty_g", "数量必须大于零",
				"qty_g must be between 1 and 10^12");
	if (!strcmp(in->kind, "found")) {
		*delta = in->qty_g;
		return 0;
	}
	if (!strcmp(in->kind, "expiry") && !fefo_expired(lot->expires_on, in->today))
		return app_fail(err, 422, "invalid", "kind", "批次未过期，不能做过期报损",
				"lot '%s' expires on %s and is not expired yet", lot->code,
				lot->expires_on);
	if (strcmp(in->kind, "spoilage") && strcmp(in->kind, "damage") && strcmp(in->kind, "expiry"))
		return app_fail(err, 422, "invalid", "kind", "调整类型无效",
				"kind must be stocktake, spoilage, expiry, damage or found");
	*delta = -in->qty_g;
	return 0;
}

static int insert_adjustment(struct store *db, const struct adjustment_in *in, int64_t user_id,
			     struct adjustment_result *out, struct app_err *err)
{
	struct stmt *st;
	app_new_code("A", out->code, sizeof(out->code));
	int rc = store_prepare(db,
			       "INSERT INTO adjustments (code, lot_id, loc_kind, loc_id, kind, system_g,"
			       " counted_g, delta_g, reason, created_by, created_at)"
			       " VALUES (?, ?, 'warehouse', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, out->code);
	stmt_bind_int(st, 2, in->lot_id);
	stmt_bind_int(st, 3, in->warehouse_id);
	stmt_bind_text(st, 4, in->kind);
	stmt_bind_int(st, 5, out->system_g);
	if (!strcmp(in->kind, "stocktake"))
		stmt_bind_int(st, 6, in->counted_g);
	else
		stmt_bind_null(st, 6);
	stmt_bind_int(st, 7, out->delta_g);
	stmt_bind_text(st, 8, in->reason);
	if (user_id)
		stmt_bind_int(st, 9, user_id);
	else
		stmt_bind_null(st, 9);
	stmt_bind_int(st, 10, time_now_ms());
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		out->id = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	return 0;
}

int adjustment_create(struct store *db, const struct adjustment_in *in, int64_t user_id,
		      struct adjustment_result *out, struct app_err *err)
{
	struct lot_info lot;
	char wkind[16];
	int64_t reserved;
	struct stock_loc wh = {LOC_WAREHOUSE, in->warehouse_id};
	memset(out, 0, sizeof(*out));
	if (!in->kind)
		return app_fail(err, 422, "invalid", "kind", "需要调整类型", "kind is required");
	if (!in->reason || !*in->reason)
		return app_fail(err, 422, "invalid", "reason", "需要说明原因", "reason is required");
	if (warehouse_kind(db, in->warehouse_id, wkind, sizeof(wkind), err))
		return -1;
	if (lot_info_load(db, in->lot_id, &lot, err)) {
		if (err->status == 404)
			app_fail(err, 422, "invalid", "lot_id", "批次不存在", "unknown lot %lld",
				 (long long)in->lot_id);
		return -1;
	}
	if (system_grams(db, in->lot_id, wh, &out->system_g, &reserved, err) ||
	    delta_for(in, &lot, out->system_g, &out->delta_g, err))
		return -1;
	out->on_hand_g = out->system_g + out->delta_g;
	if (insert_adjustment(db, in, user_id, out, err))
		return -1;
	if (out->delta_g > 0)
		return stock_add(db, in->lot_id, wh, out->delta_g, in->kind, "adjustment", out->id,
				 user_id, err);
	if (out->delta_g < 0)
		return stock_remove(db, in->lot_id, wh, -out->delta_g, in->kind, "adjustment",
				    out->id, user_id, err);
	return 0;
}

int adjustments_list(struct store *db, int64_t warehouse_id, int64_t lot_id, const char *kind,
		     struct wh_scope scope, int64_t limit, int64_t offset, json_t **out,
		     struct app_err *err)
{
	struct wh_query q;
	wh_query_init(&q,
		      "SELECT a.id, a.code, a.lot_id, l.code AS lot_code, a.loc_kind, a.loc_id,"
		      " a.kind, a.system_g, a.counted_g, a.delta_g, a.reason, a.created_by,"
		      " a.created_at FROM adjustments a JOIN lots l ON l.id = a.lot_id");
	if (warehouse_id) {
		wh_query_and_text(&q, "a.loc_kind = ?", "warehouse");
		wh_query_and_int(&q, "a.loc_id = ?", warehouse_id);
	}
	if (lot_id)
		wh_query_and_int(&q, "a.lot_id = ?", lot_id);
	if (kind)
		wh_query_and_text(&q, "a.kind = ?", kind);
	if (scope.ids) {
		wh_query_and_text(&q, "a.loc_kind = ?", "warehouse");
		wh_query_and_in(&q, "a.loc_id", scope.ids, scope.n);
	}
	wh_query_add(&q, " ORDER BY a.id DESC");
	return wh_query_list(db, &q, limit, offset, out, err);
}
