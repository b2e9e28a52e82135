/*
 * Lots and stock for reading (see lots.h), the packed-lot constructor, and
 * the listing-query helpers the warehouse services share. Every value in a
 * query is bound; the SQL text is made only from fixed fragments.
 */
#include "app/lots.h"

#include <stdio.h>
#include <string.h>

#include "app/stock.h"
#include "lib/timeutil.h"

/* ---- query helpers ---- */

void wh_query_init(struct wh_query *q, const char *select_from)
{
	memset(q, 0, sizeof(*q));
	q->len = (size_t)snprintf(q->sql, sizeof(q->sql), "%s", select_from);
}

void wh_query_add(struct wh_query *q, const char *sql)
{
	if (q->len < sizeof(q->sql))
		q->len += (size_t)snprintf(q->sql + q->len, sizeof(q->sql) - q->len, "%s", sql);
}

static void add_cond(struct wh_query *q, const char *cond)
{
	wh_query_add(q, q->has_where ? " AND " : " WHERE ");
	wh_query_add(q, cond);
	q->has_where = true;
}

void wh_query_and_int(struct wh_query *q, const char *cond, int64_t v)
{
	if (q->nbind == WH_MAX_BINDS)
		return;
	add_cond(q, cond);
	q->bind[q->nbind].is_text = false;
	q->bind[q->nbind++].i = v;
}

void wh_query_and_text(struct wh_query *q, const char *cond, const char *v)
{
	if (q->nbind == WH_MAX_BINDS)
		return;
	add_cond(q, cond);
	q->bind[q->nbind].is_text = true;
	q->bind[q->nbind++].s = v;
}

void wh_query_and_in(struct wh_query *q, const char *col, const int64_t *ids, int n)
{
	if (n <= 0) {
		add_cond(q, "1 = 0");
		return;
	}
	add_cond(q, col);
	wh_query_add(q, " IN (");
	for (int i = 0; i < n && q->nbind < WH_MAX_BINDS; i++) {
		wh_query_add(q, i ? ",?" : "?");
		q->bind[q->nbind].is_text = false;
		q->bind[q->nbind++].i = ids[i];
	}
	wh_query_add(q, ")");
}

void wh_query_add_ids(struct wh_query *q, const int64_t *ids, int n)
{
	char num[24];
	if (n <= 0) {
		wh_query_add(q, "(NULL)");
		return;
	}
	for (int i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%s%lld", i ? "," : "(", (long long)ids[i]);
		wh_query_add(q, num);
	}
	wh_query_add(q, ")");
}

static void bind_all(struct stmt *st, const struct wh_query *q)
{
	for (int i = 0; i < q->nbind; i++) {
		if (q->bind[i].is_text)
			stmt_bind_text(st, i + 1, q->bind[i].s);
		else
			stmt_bind_int(st, i + 1, q->bind[i].i);
	}
}

static bool is_flag_column(const char *name)
{
	return !strcmp(name, "balanced") || !strcmp(name, "expired");
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

json_t *wh_row_json(struct stmt *st)
{
	json_t *o = json_object();
	for (int i = 0; i < stmt_columns(st); i++) {
		const char *name = stmt_column_name(st, i);
		json_t *v;
		switch (stmt_type(st, i)) {
		case COL_NULL:
			v = json_null();
			break;
		case COL_INT:
			if (ends_with(name, "_at")) {
				char iso[32];
				time_format_utc(stmt_int(st, i) / 1000, iso, sizeof(iso));
				v = json_string(iso);
			} else if (is_flag_column(name)) {
				v = json_boolean(stmt_int(st, i) != 0);
			} else {
				v = json_integer(stmt_int(st, i));
			}
			break;
		default:
			v = json_string(stmt_text(st, i));
			break;
		}
		json_object_set_new(o, name, v ? v : json_null());
	}
	return o;
}

static int count_rows(struct store *db, const struct wh_query *q, int64_t *total,
		      struct app_err *err)
{
	char sql[sizeof(q->sql) + 64];
	struct stmt *st;
	/* the outer ORDER BY (always the last clause) does not change the count
	 * and would make the database sort every row just to count them */
	const char *order = NULL;
	for (const char *p = strstr(q->sql, " ORDER BY "); p; p = strstr(p + 1, " ORDER BY "))
		order = p;
	int len = order ? (int)(order - q->sql) : (int)q->len;
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM (%.*s) t", len, q->sql);
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return app_store_fail(err, db, rc);
	bind_all(st, q);
	rc = stmt_step(st);
	*total = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_finalize(st);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	return 0;
}

int wh_query_list(struct store *db, struct wh_query *q, int64_t limit, int64_t offset,
		  json_t **out, struct app_err *err)
{
	int64_t total;
	struct stmt *st;
	*out = NULL;
	if (q->len >= sizeof(q->sql) - 64)
		return app_fail(err, 500, "internal", NULL, "内部错误", "query too long");
	if (count_rows(db, q, &total, err))
		return -1;
	if (limit > 0) {
		wh_query_add(q, " LIMIT ? OFFSET ?");
		q->bind[q->nbind].is_text = false;
		q->bind[q->nbind++].i = limit;
		q->bind[q->nbind].is_text = false;
		q->bind[q->nbind++].i = offset;
	}
	int rc = store_prepare(db, q->sql, &st);
	if (rc)
		return app_store_fail(err, db, rc);
	bind_all(st, q);
	json_t *items = json_array();
	while ((rc = stmt_step(st)) == STORE_ROW)
		json_array_append_new(items, wh_row_json(st));
	stmt_finalize(st);
	if (rc != STORE_DONE) {
		json_decref(items);
		return app_store_fail(err, db, rc);
	}
	*out = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
	return 0;
}

int wh_query_one(struct store *db, struct wh_query *q, const char *what, json_t **out,
		 struct app_err *err)
{
	struct stmt *st;
	*out = NULL;
	int rc = store_prepare(db, q->sql, &st);
	if (rc)
		return app_store_fail(err, db, rc);
	bind_all(st, q);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*out = wh_row_json(st);
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", NULL, "未找到", "%s not found", what);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	return 0;
}

/* Run a query and return all its rows as an array (no paging). */
static int rows_array(struct store *db, struct wh_query *q, json_t **out, struct app_err *err)
{
	json_t *list;
	if (wh_query_list(db, q, 0, 0, &list, err))
		return -1;
	*out = json_incref(json_object_get(list, "items"));
	json_decref(list);
	return 0;
}

/* ---- lots ---- */

static const char LOT_COLUMNS[] =
	"SELECT l.id, l.code, l.kind, l.status, l.mass_flag, l.product_id, p.code AS product_code,"
	" p.name AS product_name, l.grade_id, g.code AS grade_code, g.name AS grade_name,"
	" l.sku_id, k.code AS sku_code, k.name AS sku_name, k.net_g AS sku_net_g,"
	" l.household_id, h.code AS household_code, l.point_id, l.cooperative_id, l.harvest_date,"
	" l.packed_on,"
	" l.expires_on, CASE WHEN l.expires_on < ? THEN 1 ELSE 0 END AS expired, l.initial_g,"
	" (SELECT COALESCE(SUM(s.qty_g), 0) FROM stock s WHERE s.lot_id = l.id) AS on_hand_g,"
	" l.created_at FROM lots l JOIN products p ON p.id = l.product_id"
	" LEFT JOIN grades g ON g.id = l.grade_id LEFT JOIN skus k ON k.id = l.sku_id"
	" LEFT JOIN households h ON h.id = l.household_id";

static const char *today_or_now(const char *today, char *buf, size_t bufsz)
{
	if (today && *today)
		return today;
	date_format(shanghai_day_of(time_now_ms() / 1000), buf, bufsz);
	return buf;
}

static bool view_unlimited(const struct wh_view *v)
{
	return !v || !v->warehouses.ids || !v->points.ids;
}

/* AND (the lot in column col is visible to v); see lot_visible(). Written
 * as EXISTS probes on the lot's own rows (indexed by lot), so checking one
 * lot or listing a page never reads a whole warehouse's stock. */
static void and_lot_visible(struct wh_query *q, const char *col, const struct wh_view *v)
{
	const struct wh_scope *w = &v->warehouses, *p = &v->points;
	if (view_unlimited(v))
		return;
	add_cond(q, "(EXISTS (SELECT 1 FROM stock vs WHERE vs.lot_id = ");
	wh_query_add(q, col);
	wh_query_add(q, " AND vs.loc_kind = 'warehouse' AND vs.loc_id IN ");
	wh_query_add_ids(q, w->ids, w->n);
	wh_query_add(q, ") OR EXISTS (SELECT 1 FROM linehaul_lines vl JOIN linehauls vh"
			" ON vh.id = vl.linehaul_id WHERE vl.lot_id = ");
	wh_query_add(q, col);
	wh_query_add(q, " AND (vh.from_warehouse_id IN ");
	wh_query_add_ids(q, w->ids, w->n);
	wh_query_add(q, " OR vh.to_warehouse_id IN ");
	wh_query_add_ids(q, w->ids, w->n);
	wh_query_add(q, ")) OR EXISTS (SELECT 1 FROM transfer_lines vt JOIN transfers vtr"
			" ON vtr.id = vt.transfer_id WHERE vt.lot_id = ");
	wh_query_add(q, col);
	wh_query_add(q, " AND vtr.warehouse_id IN ");
	wh_query_add_ids(q, w->ids, w->n);
	wh_query_add(q, ") OR EXISTS (SELECT 1 FROM lots vp WHERE vp.id = ");
	wh_query_add(q, col);
	wh_query_add(q, " AND vp.point_id IN ");
	wh_query_add_ids(q, p->ids, p->n);
	wh_query_add(q, "))");
}

/* AND (the stock row s of lot l is visible to v); see stock_list(). */
static void and_stock_visible(struct wh_query *q, const struct wh_view *v)
{
	const struct wh_scope *w = &v->warehouses, *p = &v->points;
	if (view_unlimited(v))
		return;
	add_cond(q, "((s.loc_kind = 'warehouse' AND s.loc_id IN ");
	wh_query_add_ids(q, w->ids, w->n);
	wh_query_add(q, ") OR (s.loc_kind = 'point' AND s.loc_id IN ");
	wh_query_add_ids(q, p->ids, p->n);
	wh_query_add(q, ") OR (s.loc_kind = 'transit' AND l.kind = 'packed' AND s.loc_id IN"
			" (SELECT id FROM linehauls WHERE from_warehouse_id IN ");
	wh_query_add_ids(q, w->ids, w->n);
	wh_query_add(q, " OR to_warehouse_id IN ");
	wh_query_add_ids(q, w->ids, w->n);
	wh_query_add(q, ")) OR (s.loc_kind = 'transit' AND l.kind = 'source' AND s.loc_id IN"
			" (SELECT id FROM transfers WHERE warehouse_id IN ");
	wh_query_add_ids(q, w->ids, w->n);
	wh_query_add(q, " OR point_id IN ");
	wh_query_add_ids(q, p->ids, p->n);
	wh_query_add(q, ")))");
}

int lots_list(struct store *db, const struct lot_filter *f, const struct wh_view *v, json_t **out,
	      struct app_err *err)
{
	struct wh_query q;
	char todaybuf[11];
	const char *today = today_or_now(f->today, todaybuf, sizeof(todaybuf));
	wh_query_init(&q, LOT_COLUMNS);
	q.bind[q.nbind].is_text = true; /* the ? of the "expired" column */
	q.bind[q.nbind++].s = today;
	if (f->kind)
		wh_query_and_text(&q, "l.kind = ?", f->kind);
	if (f->status)
		wh_query_and_text(&q, "l.status = ?", f->status);
	if (f->mass_flag)
		wh_query_and_text(&q, "l.mass_flag = ?", f->mass_flag);
	if (f->product_id)
		wh_query_and_int(&q, "l.product_id = ?", f->product_id);
	if (f->sku_id)
		wh_query_and_int(&q, "l.sku_id = ?", f->sku_id);
	if (f->expired == 1)
		wh_query_and_text(&q, "l.expires_on < ?", today);
	else if (f->expired == 0)
		wh_query_and_text(&q, "l.expires_on >= ?", today);
	if (f->warehouse_id)
		wh_query_and_int(&q, "l.id IN (SELECT lot_id FROM stock WHERE loc_kind = 'warehouse'"
				     " AND loc_id = ? AND qty_g > 0)", f->warehouse_id);
	if (f->expiring_before)
		wh_query_and_text(&q, "l.expires_on < ?", f->expiring_before);
	if (f->point_id)
		wh_query_and_int(&q, "l.point_id = ?", f->point_id);
	and_lot_visible(&q, "l.id", v);
	wh_query_add(&q, " ORDER BY l.id DESC");
	return wh_query_list(db, &q, f->limit, f->offset, out, err);
}

int64_t lot_find_by_code(struct store *db, const char *code)
{
	struct stmt *st;
	int64_t id = 0;
	if (!code || store_prepare(db, "SELECT id FROM lots WHERE code = ?", &st))
		return 0;
	stmt_bind_text(st, 1, code);
	if (stmt_step(st) == STORE_ROW)
		id = stmt_int(st, 0);
	stmt_finalize(st);
	return id;
}

int lot_info_load(struct store *db, int64_t lot_id, struct lot_info *out, struct app_err *err)
{
	struct stmt *st;
	memset(out, 0, sizeof(*out));
	int rc = store_prepare(db,
			       "SELECT id, code, kind, status, product_id, COALESCE(grade_id, 0),"
			       " COALESCE(sku_id, 0), harvest_date, expires_on, initial_g FROM lots"
			       " WHERE id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, lot_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		out->id = stmt_int(st, 0);
		snprintf(out->code, sizeof(out->code), "%s", stmt_text(st, 1));
		snprintf(out->kind, sizeof(out->kind), "%s", stmt_text(st, 2));
		snprintf(out->status, sizeof(out->status), "%s", stmt_text(st, 3));
		out->product_id = stmt_int(st, 4);
		out->grade_id = stmt_int(st, 5);
		out->sku_id = stmt_int(st, 6);
		snprintf(out->harvest_date, sizeof(out->harvest_date), "%s", stmt_text(st, 7));
		snprintf(out->expires_on, sizeof(out->expires_on), "%s", stmt_text(st, 8));
		out->initial_g = stmt_int(st, 9);
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", "lot_id", "批次不存在", "unknown lot %lld",
				(long long)lot_id);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	return 0;
}

int lot_flow_load(struct store *db, int64_t lot_id, struct lot_flow *f, struct app_err *err)
{
	struct stmt *st;
	memset(f, 0, sizeof(*f));
	int rc = store_prepare(db,
			       "SELECT COALESCE(SUM(CASE WHEN from_kind IS NULL AND reason IN"
			       " ('collect','pack_out') THEN qty_g ELSE 0 END), 0),"
			       " COALESCE(SUM(CASE WHEN from_kind IS NULL AND reason NOT IN"
			       " ('collect','pack_out') THEN qty_g ELSE 0 END), 0),"
			       " COALESCE(SUM(CASE WHEN to_kind IS NULL THEN qty_g ELSE 0 END), 0),"
			       " (SELECT COALESCE(SUM(qty_g), 0) FROM stock WHERE lot_id = ?)"
			       " FROM stock_moves WHERE lot_id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, lot_id);
	stmt_bind_int(st, 2, lot_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		f->created_g = stmt_int(st, 0);
		f->found_g = stmt_int(st, 1);
		f->left_g = stmt_int(st, 2);
		f->on_hand_g = stmt_int(st, 3);
	}
	stmt_finalize(st);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	return 0;
}

/* Grams that left the lot, by journal reason: {"pack_in": 1200, ...}. */
static int left_by_reason(struct store *db, int64_t lot_id, json_t *into, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "SELECT reason, SUM(qty_g) FROM stock_moves WHERE lot_id = ?"
			       " AND to_kind IS NULL GROUP BY reason ORDER BY reason",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, lot_id);
	while ((rc = stmt_step(st)) == STORE_ROW)
		json_object_set_new(into, stmt_text(st, 0), json_integer(stmt_int(st, 1)));
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

static int attach_balance(struct store *db, int64_t lot_id, int64_t initial_g, json_t *lot,
			  struct app_err *err)
{
	struct lot_flow f;
	json_t *left = json_object();
	if (lot_flow_load(db, lot_id, &f, err) || left_by_reason(db, lot_id, left, err)) {
		json_decref(left);
		return -1;
	}
	json_t *mb = json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:b, s:b}", "initial_g",
			       (json_int_t)initial_g, "created_g", (json_int_t)f.created_g,
			       "found_g", (json_int_t)f.found_g, "left_g", (json_int_t)f.left_g,
			       "on_hand_g", (json_int_t)f.on_hand_g, "left_by_reason", left,
			       "journal_closes", lot_flow_difference(&f) == 0, "initial_matches",
			       f.created_g == initial_g);
	json_object_set_new(lot, "mass_balance", mb);
	return 0;
}

static int attach(struct store *db, json_t *lot, const char *key, const char *sql,
		  int64_t lot_id, struct app_err *err)
{
	struct wh_query q;
	json_t *rows;
	wh_query_init(&q, sql);
	q.bind[q.nbind].is_text = false;
	q.bind[q.nbind++].i = lot_id;
	if (rows_array(db, &q, &rows, err))
		return -1;
	json_object_set_new(lot, key, rows);
	return 0;
}

int lot_get(struct store *db, const char *code, const char *today, json_t **out,
	    struct app_err *err)
{
	struct wh_query q;
	char todaybuf[11];
	json_t *lot;
	*out = NULL;
	wh_query_init(&q, LOT_COLUMNS);
	q.bind[q.nbind].is_text = true;
	q.bind[q.nbind++].s = today_or_now(today, todaybuf, sizeof(todaybuf));
	wh_query_and_text(&q, "l.code = ?", code);
	if (wh_query_one(db, &q, "lot", &lot, err))
		return -1;
	int64_t id = json_integer_value(json_object_get(lot, "id"));
	int64_t initial = json_integer_value(json_object_get(lot, "initial_g"));
	if (attach(db, lot, "sources",
		   "SELECT s.source_lot_id, l.code AS source_code, h.code AS household_code,"
		   " l.harvest_date, l.point_id, s.share_g FROM lot_sources s"
		   " JOIN lots l ON l.id = s.source_lot_id"
		   " LEFT JOIN households h ON h.id = l.household_id WHERE s.lot_id = ?"
		   " ORDER BY s.share_g DESC, s.source_lot_id",
		   id, err) ||
	    attach(db, lot, "stock",
		   "SELECT loc_kind, loc_id, qty_g, reserved_g, qty_g - reserved_g AS available_g"
		   " FROM stock WHERE lot_id = ? AND qty_g > 0 ORDER BY loc_kind, loc_id",
		   id, err) ||
	    attach(db, lot, "packings",
		   "SELECT p.id, p.code, p.warehouse_id, p.packed_on, p.balanced, o.units, o.qty_g,"
		   " 'output' AS role FROM packing_outputs o JOIN packings p ON p.id = o.packing_id"
		   " WHERE o.lot_id = ?",
		   id, err) ||
	    attach(db, lot, "used_in",
		   "SELECT p.id, p.code, p.warehouse_id, p.packed_on, i.used_g"
		   " FROM packing_inputs i JOIN packings p ON p.id = i.packing_id WHERE i.lot_id = ?"
		   " ORDER BY p.id",
		   id, err) ||
	    attach_balance(db, id, initial, lot, err)) {
		json_decref(lot);
		return -1;
	}
	*out = lot;
	return 0;
}

int stock_list(struct store *db, const struct lot_filter *f, const struct wh_view *v, json_t **out,
	       struct app_err *err)
{
	struct wh_query q;
	char todaybuf[11];
	const char *today = today_or_now(f->today, todaybuf, sizeof(todaybuf));
	wh_query_init(&q,
		      "SELECT s.lot_id, l.code AS lot_code, l.kind, l.product_id,"
		      " p.name AS product_name, l.grade_id, l.sku_id, k.code AS sku_code,"
		      " k.name AS sku_name, s.loc_kind, s.loc_id, s.qty_g, s.reserved_g,"
		      " s.qty_g - s.reserved_g AS available_g,"
		      " CASE WHEN k.net_g > 0 THEN s.qty_g / k.net_g ELSE NULL END AS units,"
		      " l.expires_on, CASE WHEN l.expires_on < ? THEN 1 ELSE 0 END AS expired,"
		      " l.mass_flag, CASE WHEN s.loc_kind = 'warehouse' THEN"
		      " (SELECT code FROM warehouses WHERE id = s.loc_id) WHEN s.loc_kind = 'point' THEN"
		      " (SELECT code FROM collection_points WHERE id = s.loc_id) WHEN l.kind = 'packed'"
		      " THEN (SELECT code FROM linehauls WHERE id = s.loc_id)"
		      " ELSE (SELECT code FROM transfers WHERE id = s.loc_id) END AS loc_code"
		      " FROM stock s JOIN lots l ON l.id = s.lot_id"
		      " JOIN products p ON p.id = l.product_id LEFT JOIN skus k ON k.id = l.sku_id");
	q.bind[q.nbind].is_text = true;
	q.bind[q.nbind++].s = today;
	wh_query_add(&q, " WHERE s.qty_g > 0");
	q.has_where = true;
	if (f->loc_kind)
		wh_query_and_text(&q, "s.loc_kind = ?", f->loc_kind);
	if (f->warehouse_id) {
		wh_query_and_text(&q, "s.loc_kind = ?", "warehouse");
		wh_query_and_int(&q, "s.loc_id = ?", f->warehouse_id);
	}
	if (f->point_id) {
		wh_query_and_text(&q, "s.loc_kind = ?", "point");
		wh_query_and_int(&q, "s.loc_id = ?", f->point_id);
	}
	if (f->kind)
		wh_query_and_text(&q, "l.kind = ?", f->kind);
	if (f->product_id)
		wh_query_and_int(&q, "l.product_id = ?", f->product_id);
	if (f->sku_id)
		wh_query_and_int(&q, "l.sku_id = ?", f->sku_id);
	if (f->expired == 1)
		wh_query_and_text(&q, "l.expires_on < ?", today);
	else if (f->expired == 0)
		wh_query_and_text(&q, "l.expires_on >= ?", today);
	if (f->expiring_before)
		wh_query_and_text(&q, "l.expires_on < ?", f->expiring_before);
	if (f->lot_id)
		wh_query_and_int(&q, "s.lot_id = ?", f->lot_id);
	and_stock_visible(&q, v);
	wh_query_add(&q, " ORDER BY s.loc_kind, s.loc_id, l.expires_on, l.id");
	return wh_query_list(db, &q, f->limit, f->offset, out, err);
}

bool lot_visible(struct store *db, int64_t lot_id, const struct wh_view *v)
{
	struct wh_query q;
	struct stmt *st;
	int64_t n = 0;
	if (view_unlimited(v))
		return true;
	wh_query_init(&q, "SELECT COUNT(*) FROM lots l");
	wh_query_and_int(&q, "l.id = ?", lot_id);
	and_lot_visible(&q, "l.id", v);
	if (q.len >= sizeof(q.sql) - 1 || store_prepare(db, q.sql, &st))
		return false;
	bind_all(st, &q);
	if (stmt_step(st) == STORE_ROW)
		n = stmt_int(st, 0);
	stmt_finalize(st);
	return n > 0;
}

int lot_create_packed(struct store *db, const struct packed_lot_in *in, int64_t *id, char *code,
		      struct app_err *err)
{
	struct stmt *st;
	app_new_code("P", code, 32);
	int rc = store_prepare(db,
			       "INSERT INTO lots (code, kind, product_id, grade_id, sku_id,"
			       " harvest_date, packed_on, expires_on, initial_g, status, mass_flag,"
			       " created_at, cooperative_id)"
			       " VALUES (?, 'packed', ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?) RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, code);
	stmt_bind_int(st, 2, in->product_id);
	if (in->grade_id)
		stmt_bind_int(st, 3, in->grade_id);
	else
		stmt_bind_null(st, 3);
	stmt_bind_int(st, 4, in->sku_id);
	stmt_bind_text(st, 5, in->harvest_date);
	stmt_bind_text(st, 6, in->packed_on);
	stmt_bind_text(st, 7, in->expires_on);
	stmt_bind_int(st, 8, in->initial_g);
	stmt_bind_text(st, 9, in->mass_flag);
	stmt_bind_int(st, 10, time_now_ms());
	if (in->cooperative_id)
		stmt_bind_int(st, 11, in->cooperative_id);
	else
		stmt_bind_null(st, 11);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*id = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	return 0;
}

int lot_mark_consumed_if_empty(struct store *db, int64_t lot_id, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "UPDATE lots SET status = 'consumed' WHERE id = ? AND status = 'active'"
			       " AND NOT EXISTS (SELECT 1 FROM stock WHERE lot_id = ? AND qty_g > 0)",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, lot_id);
	stmt_bind_int(st, 2, lot_id);
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

int warehouse_kind(struct store *db, int64_t warehouse_id, char *kind, size_t kindsz,
		   struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, "SELECT kind FROM warehouses WHERE id = ?", &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, warehouse_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		snprintf(kind, kindsz, "%s", stmt_text(st, 0));
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", "warehouse_id", "仓库不存在",
				"unknown warehouse %lld", (long long)warehouse_id);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	return 0;
}
