/*
 * Stock by lot and location (see stock.h): the one place that changes the
 * stock table. Each change is a guarded UPDATE (the WHERE clause re-checks
 * that enough unreserved stock is there, so a concurrent writer can never
 * drive a row negative) plus one stock_moves journal row. A failed call
 * changes nothing it has not already reported; callers run inside a
 * transaction that the dispatcher rolls back on failure.
 *
 * Reservations (reserved_g) are not moves: reserving and releasing write no
 * journal row; the stock leaves with stock_ship_reserved, which does.
 */
#include "app/stock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/fefo.h"
#include "lib/alloc.h"
#include "lib/timeutil.h"

const char *loc_kind_name(enum loc_kind kind)
{
	switch (kind) {
	case LOC_POINT:
		return "point";
	case LOC_WAREHOUSE:
		return "warehouse";
	case LOC_TRANSIT:
		return "transit";
	}
	return "?";
}

static int check_qty(int64_t qty_g, struct app_err *err)
{
	if (qty_g <= 0)
		return app_fail(err, 422, "invalid", "qty_g", "数量必须大于零",
				"quantity must be positive, got %lld grams", (long long)qty_g);
	return 0;
}

/* The lot's code for messages ("#id" if it cannot be read). */
static void lot_label(struct store *db, int64_t lot_id, char *out, size_t outsz)
{
	struct stmt *st;
	snprintf(out, outsz, "#%lld", (long long)lot_id);
	if (store_prepare(db, "SELECT code FROM lots WHERE id = ?", &st))
		return;
	stmt_bind_int(st, 1, lot_id);
	if (stmt_step(st) == STORE_ROW)
		snprintf(out, outsz, "%s", stmt_text(st, 0));
	stmt_finalize(st);
}

static int fail_short(struct store *db, struct app_err *err, int64_t lot_id, struct stock_loc loc,
		      int64_t want, int64_t have)
{
	char code[40];
	lot_label(db, lot_id, code, sizeof(code));
	return app_fail(err, 409, "insufficient_stock", "qty_g", "库存不足",
			"insufficient stock of lot '%s' at %s %lld: need %lld g, %lld g available",
			code, loc_kind_name(loc.kind), (long long)loc.id, (long long)want,
			(long long)have);
}

/* Run a prepared statement that returns no rows; finalizes it. */
static int run(struct store *db, struct stmt *st, struct app_err *err)
{
	int rc = stmt_step(st);
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

static int journal(struct store *db, int64_t lot_id, const struct stock_loc *from,
		   const struct stock_loc *to, int64_t qty_g, const char *reason,
		   const char *ref_type, int64_t ref_id, int64_t user_id, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "INSERT INTO stock_moves (at, lot_id, from_kind, from_id, to_kind, to_id,"
			       " qty_g, reason, ref_type, ref_id, user_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, time_now_ms());
	stmt_bind_int(st, 2, lot_id);
	if (from) {
		stmt_bind_text(st, 3, loc_kind_name(from->kind));
		stmt_bind_int(st, 4, from->id);
	} else {
		stmt_bind_null(st, 3);
		stmt_bind_null(st, 4);
	}
	if (to) {
		stmt_bind_text(st, 5, loc_kind_name(to->kind));
		stmt_bind_int(st, 6, to->id);
	} else {
		stmt_bind_null(st, 5);
		stmt_bind_null(st, 6);
	}
	stmt_bind_int(st, 7, qty_g);
	stmt_bind_text(st, 8, reason);
	stmt_bind_text(st, 9, ref_type ? ref_type : "");
	if (ref_id)
		stmt_bind_int(st, 10, ref_id);
	else
		stmt_bind_null(st, 10);
	if (user_id)
		stmt_bind_int(st, 11, user_id);
	else
		stmt_bind_null(st, 11);
	return run(db, st, err);
}

/* qty_g and reserved_g of lot at loc, both 0 if there is no row. */
static int load_row(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t *qty_g,
		    int64_t *reserved_g)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "SELECT qty_g, reserved_g FROM stock"
			       " WHERE lot_id = ? AND loc_kind = ? AND loc_id = ?",
			       &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, lot_id);
	stmt_bind_text(st, 2, loc_kind_name(loc.kind));
	stmt_bind_int(st, 3, loc.id);
	*qty_g = *reserved_g = 0;
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*qty_g = stmt_int(st, 0);
		*reserved_g = stmt_int(st, 1);
		rc = STORE_OK;
	} else if (rc == STORE_DONE) {
		rc = STORE_OK;
	}
	stmt_finalize(st);
	return rc;
}

int stock_available(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t *qty_g)
{
	int64_t qty, reserved;
	int rc = load_row(db, lot_id, loc, &qty, &reserved);
	*qty_g = rc ? 0 : qty - reserved;
	return rc;
}

static int lot_exists(struct store *db, int64_t lot_id, struct app_err *err)
{
	int64_t n;
	int rc = store_query_int(db, "SELECT COUNT(*) FROM lots WHERE id = ?", lot_id, &n);
	if (rc)
		return app_store_fail(err, db, rc);
	if (n == 0)
		return app_fail(err, 404, "not_found", "lot_id", "批次不存在", "unknown lot %lld",
				(long long)lot_id);
	return 0;
}

/* Add to the row without a journal entry. */
static int put(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t qty_g,
	       struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "INSERT INTO stock (lot_id, loc_kind, loc_id, qty_g, reserved_g)"
			       " VALUES (?,?,?,?,0) ON CONFLICT (lot_id, loc_kind, loc_id)"
			       " DO UPDATE SET qty_g = stock.qty_g + excluded.qty_g",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, lot_id);
	stmt_bind_text(st, 2, loc_kind_name(loc.kind));
	stmt_bind_int(st, 3, loc.id);
	stmt_bind_int(st, 4, qty_g);
	return run(db, st, err);
}

/* Take unreserved stock from the row without a journal entry. */
static int take(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t qty_g,
		struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "UPDATE stock SET qty_g = qty_g - ? WHERE lot_id = ? AND loc_kind = ?"
			       " AND loc_id = ? AND qty_g - reserved_g >= ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, qty_g);
	stmt_bind_int(st, 2, lot_id);
	stmt_bind_text(st, 3, loc_kind_name(loc.kind));
	stmt_bind_int(st, 4, loc.id);
	stmt_bind_int(st, 5, qty_g);
	if (run(db, st, err))
		return -1;
	if (store_changes(db) != 1) {
		int64_t have = 0;
		stock_available(db, lot_id, loc, &have);
		return fail_short(db, err, lot_id, loc, qty_g, have);
	}
	return 0;
}

int stock_add(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t qty_g,
	      const char *reason, const char *ref_type, int64_t ref_id, int64_t user_id,
	      struct app_err *err)
{
	if (check_qty(qty_g, err) || lot_exists(db, lot_id, err))
		return -1;
	if (put(db, lot_id, loc, qty_g, err))
		return -1;
	return journal(db, lot_id, NULL, &loc, qty_g, reason, ref_type, ref_id, user_id, err);
}

int stock_remove(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t qty_g,
		 const char *reason, const char *ref_type, int64_t ref_id, int64_t user_id,
		 struct app_err *err)
{
	if (check_qty(qty_g, err) || take(db, lot_id, loc, qty_g, err))
		return -1;
	return journal(db, lot_id, &loc, NULL, qty_g, reason, ref_type, ref_id, user_id, err);
}

int stock_move(struct store *db, int64_t lot_id, struct stock_loc from, struct stock_loc to,
	       int64_t qty_g, const char *reason, const char *ref_type, int64_t ref_id,
	       int64_t user_id, struct app_err *err)
{
	if (check_qty(qty_g, err))
		return -1;
	if (from.kind == to.kind && from.id == to.id)
		return app_fail(err, 422, "invalid", "to", "起点与终点相同",
				"cannot move stock to the place it is already at");
	if (take(db, lot_id, from, qty_g, err) || put(db, lot_id, to, qty_g, err))
		return -1;
	return journal(db, lot_id, &from, &to, qty_g, reason, ref_type, ref_id, user_id, err);
}

/* ---- reservations ---- */

static int sku_net_g(struct store *db, int64_t sku_id, int64_t *net_g, struct app_err *err)
{
	int rc = store_query_int(db, "SELECT net_g FROM skus WHERE id = ?", sku_id, net_g);
	if (rc)
		return app_store_fail(err, db, rc);
	if (*net_g <= 0)
		return app_fail(err, 404, "not_found", "sku_id", "商品规格不存在",
				"unknown sku %lld", (long long)sku_id);
	return 0;
}

/* The active packed lots of sku with unreserved stock at the warehouse. */
static int load_candidates(struct store *db, int64_t warehouse_id, int64_t sku_id,
			   struct fefo_lot **out, size_t *n, struct app_err *err)
{
	struct stmt *st;
	size_t cap = 16;
	*n = 0;
	*out = xmalloc(cap * sizeof(**out));
	int rc = store_prepare(db,
			       "SELECT l.id, l.expires_on, s.qty_g - s.reserved_g FROM stock s"
			       " JOIN lots l ON l.id = s.lot_id WHERE s.loc_kind = 'warehouse'"
			       " AND s.loc_id = ? AND l.sku_id = ? AND l.kind = 'packed'"
			       " AND l.status = 'active' AND s.qty_g > s.reserved_g",
			       &st);
	if (rc)
		goto out_fail;
	stmt_bind_int(st, 1, warehouse_id);
	stmt_bind_int(st, 2, sku_id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (*n == cap) {
			cap *= 2;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		struct fefo_lot *l = &(*out)[(*n)++];
		l->lot_id = stmt_int(st, 0);
		memset(l->expires_on, 0, sizeof(l->expires_on));
		memcpy(l->expires_on, stmt_text(st, 1), strnlen(stmt_text(st, 1), 10));
		l->avail_g = stmt_int(st, 2);
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

int stock_reserve(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t qty_g,
		  struct app_err *err)
{
	struct stmt *st;
	if (check_qty(qty_g, err))
		return -1;
	int rc = store_prepare(db,
			       "UPDATE stock SET reserved_g = reserved_g + ? WHERE lot_id = ?"
			       " AND loc_kind = ? AND loc_id = ? AND qty_g - reserved_g >= ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, qty_g);
	stmt_bind_int(st, 2, lot_id);
	stmt_bind_text(st, 3, loc_kind_name(loc.kind));
	stmt_bind_int(st, 4, loc.id);
	stmt_bind_int(st, 5, qty_g);
	if (run(db, st, err))
		return -1;
	if (store_changes(db) != 1) {
		int64_t have = 0;
		stock_available(db, lot_id, loc, &have);
		return fail_short(db, err, lot_id, loc, qty_g, have);
	}
	return 0;
}

static int fail_fefo(struct app_err *err, enum fefo_rc frc, int64_t sku_id, int64_t units,
		     int64_t lot_id)
{
	if (frc == FEFO_TOO_MANY)
		return app_fail(err, 422, "invalid", "units", "需要的批次过多，请分多次预留",
				"too many lots needed for %lld units of sku %lld",
				(long long)units, (long long)sku_id);
	if (lot_id)
		return app_fail(err, 409, "insufficient_stock", "lot_id", "所选批次库存不足或已过期",
				"lot %lld does not hold %lld unexpired units of sku %lld",
				(long long)lot_id, (long long)units, (long long)sku_id);
	return app_fail(err, 409, "insufficient_stock", "units", "库存不足",
			"insufficient unexpired stock for %lld units of sku %lld",
			(long long)units, (long long)sku_id);
}

int stock_reserve_fefo(struct store *db, int64_t warehouse_id, int64_t sku_id, int64_t units,
		       int64_t lot_id, const char *today, struct stock_pick *picks, int maxpicks,
		       int *npicks, struct app_err *err)
{
	struct fefo_lot *lots = NULL;
	struct fefo_take *takes = NULL;
	size_t n, ntakes;
	int64_t net_g;
	int ret = -1;
	*npicks = 0;
	if (units <= 0 || units > INT64_MAX / 1000000)
		return app_fail(err, 422, "invalid", "units", "件数必须大于零",
				"units must be between 1 and %lld, got %lld",
				(long long)(INT64_MAX / 1000000), (long long)units);
	if (maxpicks <= 0)
		return app_fail(err, 500, "internal", NULL, "内部错误", "no room for picks");
	if (sku_net_g(db, sku_id, &net_g, err))
		return -1;
	if (load_candidates(db, warehouse_id, sku_id, &lots, &n, err))
		return -1;
	takes = xmalloc((size_t)maxpicks * sizeof(*takes));
	enum fefo_rc frc = fefo_choose(lots, n, net_g, units, lot_id, today, takes,
				       (size_t)maxpicks, &ntakes);
	if (frc != FEFO_OK) {
		fail_fefo(err, frc, sku_id, units, lot_id);
		goto out_free;
	}
	struct stock_loc loc = {LOC_WAREHOUSE, warehouse_id};
	for (size_t i = 0; i < ntakes; i++) {
		if (stock_reserve(db, takes[i].lot_id, loc, takes[i].qty_g, err))
			goto out_free; /* the caller's transaction is rolled back */
		picks[i].lot_id = takes[i].lot_id;
		picks[i].qty_g = takes[i].qty_g;
	}
	*npicks = (int)ntakes;
	ret = 0;
out_free:
	free(takes);
	free(lots);
	return ret;
}

int stock_unreserve(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t qty_g,
		    struct app_err *err)
{
	struct stmt *st;
	if (check_qty(qty_g, err))
		return -1;
	int rc = store_prepare(db,
			       "UPDATE stock SET reserved_g = reserved_g - ? WHERE lot_id = ?"
			       " AND loc_kind = ? AND loc_id = ? AND reserved_g >= ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, qty_g);
	stmt_bind_int(st, 2, lot_id);
	stmt_bind_text(st, 3, loc_kind_name(loc.kind));
	stmt_bind_int(st, 4, loc.id);
	stmt_bind_int(st, 5, qty_g);
	if (run(db, st, err))
		return -1;
	if (store_changes(db) != 1)
		return app_fail(err, 409, "conflict", "qty_g", "预留数量不足",
				"lot %lld has less than %lld g reserved at %s %lld",
				(long long)lot_id, (long long)qty_g, loc_kind_name(loc.kind),
				(long long)loc.id);
	return 0;
}

int stock_ship_reserved(struct store *db, int64_t lot_id, struct stock_loc loc, int64_t qty_g,
			const char *ref_type, int64_t ref_id, int64_t user_id, struct app_err *err)
{
	struct stmt *st;
	if (check_qty(qty_g, err))
		return -1;
	int rc = store_prepare(db,
			       "UPDATE stock SET qty_g = qty_g - ?, reserved_g = reserved_g - ?"
			       " WHERE lot_id = ? AND loc_kind = ? AND loc_id = ? AND reserved_g >= ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, qty_g);
	stmt_bind_int(st, 2, qty_g);
	stmt_bind_int(st, 3, lot_id);
	stmt_bind_text(st, 4, loc_kind_name(loc.kind));
	stmt_bind_int(st, 5, loc.id);
	stmt_bind_int(st, 6, qty_g);
	if (run(db, st, err))
		return -1;
	if (store_changes(db) != 1)
		return app_fail(err, 409, "insufficient_stock", "qty_g", "预留库存不足",
				"lot %lld has less than %lld g reserved at %s %lld",
				(long long)lot_id, (long long)qty_g, loc_kind_name(loc.kind),
				(long long)loc.id);
	return journal(db, lot_id, &loc, NULL, qty_g, "ship", ref_type, ref_id, user_id, err);
}

int stock_check_transit_free(struct store *db, int64_t lot_id, int64_t transit_id,
			     struct app_err *err)
{
	int64_t have;
	struct stock_loc tr = {LOC_TRANSIT, transit_id};
	int rc = stock_available(db, lot_id, tr, &have);
	if (rc)
		return app_store_fail(err, db, rc);
	if (have > 0)
		return app_fail(err, 409, "conflict", "lot_id", "该批次已在途，请先收货",
				"lot %lld is already in transit under number %lld; receive it first",
				(long long)lot_id, (long long)transit_id);
	return 0;
}
