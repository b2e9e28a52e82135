/*
 * Figures over the store (see figures.h). Each metric is one or two SELECTs
 * built from the filter with a small query builder (text and placeholders
 * grow together, so every value is bound, never pasted into SQL); rows become
 * JSON objects typed by the metric's column list; figures_summary sums those
 * objects, so a figure is by construction the total of its drill-down.
 */
#include "app/figures.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/buf.h"
#include "lib/money.h"
#include "lib/timeutil.h"

/* ---- the columns of each metric ---- */

static const struct fig_column sales_cols[] = {
	{"kind", "类型 kind", FIGCOL_TEXT},
	{"ordered_on", "下单日期 ordered on", FIGCOL_DATE},
	{"channel", "渠道 channel", FIGCOL_TEXT},
	{"order_no", "订单号 order no", FIGCOL_TEXT},
	{"line_no", "行号 line", FIGCOL_INT},
	{"sku", "商品 SKU", FIGCOL_TEXT},
	{"product", "产品 product", FIGCOL_TEXT},
	{"amount_fen", "金额(元) amount (yuan)", FIGCOL_FEN},
};

static const struct fig_column sold_cols[] = {
	{"ordered_on", "下单日期 ordered on", FIGCOL_DATE},
	{"channel", "渠道 channel", FIGCOL_TEXT},
	{"order_no", "订单号 order no", FIGCOL_TEXT},
	{"line_no", "行号 line", FIGCOL_INT},
	{"sku", "商品 SKU", FIGCOL_TEXT},
	{"product", "产品 product", FIGCOL_TEXT},
	{"units", "件数 units", FIGCOL_INT},
	{"returned_units", "退回件数 returned units", FIGCOL_INT},
	{"net_g", "每件净重(kg) net per unit (kg)", FIGCOL_GRAMS},
	{"sold_g", "销售重量(kg) sold (kg)", FIGCOL_GRAMS},
};

static const struct fig_column payments_cols[] = {
	{"paid_on", "付款日期 paid on", FIGCOL_DATE},
	{"code", "付款单号 payment", FIGCOL_TEXT},
	{"household", "农户编号 household", FIGCOL_TEXT},
	{"lifted", "脱贫户 lifted from poverty", FIGCOL_INT},
	{"village_code", "村代码 village code", FIGCOL_TEXT},
	{"method", "方式 method", FIGCOL_TEXT},
	{"reversal", "冲正 reversal", FIGCOL_INT},
	{"amount_fen", "金额(元) amount (yuan)", FIGCOL_FEN},
};

static const struct fig_column purchases_cols[] = {
	{"kind", "类型 kind", FIGCOL_TEXT},
	{"on_date", "日期 date", FIGCOL_DATE},
	{"code", "单号 code", FIGCOL_TEXT},
	{"household", "农户编号 household", FIGCOL_TEXT},
	{"lifted", "脱贫户 lifted from poverty", FIGCOL_INT},
	{"product", "产品 product", FIGCOL_TEXT},
	{"net_g", "净重(kg) net (kg)", FIGCOL_GRAMS},
	{"amount_fen", "应付(+)/已付(−)(元) owed/paid (yuan)", FIGCOL_FEN},
};

static const struct fig_column logistics_cols[] = {
	{"kind", "类型 kind", FIGCOL_TEXT},
	{"date", "日期(下单/发车) date (order/dispatch)", FIGCOL_DATE},
	{"code", "单号 code", FIGCOL_TEXT},
	{"route", "路径 route", FIGCOL_TEXT},
	{"channel", "渠道 channel", FIGCOL_TEXT},
	{"cost_fen", "费用(元) cost (yuan)", FIGCOL_FEN},
	{"delivered_g", "送达重量(kg) delivered (kg)", FIGCOL_GRAMS},
};

static const struct fig_column delivery_cols[] = {
	{"ordered_on", "下单日期 ordered on", FIGCOL_DATE},
	{"channel", "渠道 channel", FIGCOL_TEXT},
	{"order_no", "订单号 order no", FIGCOL_TEXT},
	{"delivered_on", "签收日期 delivered on", FIGCOL_DATE},
	{"days", "天数 days", FIGCOL_INT},
};

static const struct fig_column unfilled_cols[] = {
	{"ordered_on", "下单日期 ordered on", FIGCOL_DATE},
	{"channel", "渠道 channel", FIGCOL_TEXT},
	{"order_no", "订单号 order no", FIGCOL_TEXT},
	{"line_no", "行号 line", FIGCOL_INT},
	{"sku", "商品 SKU", FIGCOL_TEXT},
	{"product", "产品 product", FIGCOL_TEXT},
	{"units", "件数 units", FIGCOL_INT},
	{"wanted_g", "需求重量(kg) wanted (kg)", FIGCOL_GRAMS},
	{"refunded_fen", "已退款(元) refunded (yuan)", FIGCOL_FEN},
	{"amount_fen", "金额(元) amount (yuan)", FIGCOL_FEN},
};

#define COLS(a) {a, sizeof(a) / sizeof(a[0])}
static const struct {
	const struct fig_column *cols;
	size_t n;
} metric_cols[FIG_NMETRICS] = {
	COLS(sales_cols),     COLS(sold_cols),      COLS(payments_cols),
	COLS(purchases_cols), COLS(logistics_cols), COLS(delivery_cols), COLS(unfilled_cols),
};

const struct fig_column *figures_columns(enum fig_metric m, size_t *n)
{
	*n = metric_cols[m].n;
	return metric_cols[m].cols;
}

/* ---- a query and its bindings, built together ---- */

#define QB_MAX_BINDS 48

struct qb {
	struct buf sql;
	struct {
		const char *text; /* NULL: bind number */
		int64_t num;
	} binds[QB_MAX_BINDS];
	int n;
	char like[2][32]; /* prefix patterns "513423%" */
};

static void qb_init(struct qb *q, const char *sql)
{
	memset(q, 0, sizeof(*q));
	buf_init(&q->sql, 1 << 16);
	buf_adds(&q->sql, sql);
}

/* Append sql; each '?' in it takes the next value of vals / nums. */
static void qb_text(struct qb *q, const char *sql, const char *v)
{
	buf_adds(&q->sql, sql);
	if (q->n < QB_MAX_BINDS)
		q->binds[q->n++].text = v;
}

static void qb_num(struct qb *q, const char *sql, int64_t v)
{
	buf_adds(&q->sql, sql);
	if (q->n < QB_MAX_BINDS) {
		q->binds[q->n].text = NULL;
		q->binds[q->n++].num = v;
	}
}

static void qb_period(struct qb *q, const struct fig_filter *f, const char *col)
{
	char sql[96];
	if (f->from) {
		snprintf(sql, sizeof(sql), " AND %s >= ?", col);
		qb_text(q, sql, f->from);
	}
	if (f->to) {
		snprintf(sql, sizeof(sql), " AND %s <= ?", col);
		qb_text(q, sql, f->to);
	}
}

/* expr LIKE 'prefix%' for each origin prefix; expr is trusted SQL text. */
static void qb_origin(struct qb *q, const struct fig_filter *f, const char *expr)
{
	const char *prefixes[2] = {f->origin, f->origin2};
	char sql[256];
	for (int i = 0; i < 2; i++) {
		if (!prefixes[i])
			continue;
		snprintf(q->like[i], sizeof(q->like[i]), "%.24s%%", prefixes[i]);
		snprintf(sql, sizeof(sql), " AND %s LIKE ?", expr);
		qb_text(q, sql, q->like[i]);
	}
}

static void qb_channels(struct qb *q, const struct fig_filter *f, const char *col)
{
	if (!f->by_channel)
		return;
	if (f->nchannels == 0) {
		buf_adds(&q->sql, " AND 1 = 0");
		return;
	}
	buf_printf(&q->sql, " AND %s IN (", col);
	for (size_t i = 0; i < f->nchannels && q->n < QB_MAX_BINDS; i++)
		qb_num(q, i ? ", ?" : "?", f->channels[i]);
	buf_adds(&q->sql, ")");
}

static void qb_product(struct qb *q, const struct fig_filter *f, const char *col)
{
	char sql[96];
	if (!f->product_id)
		return;
	snprintf(sql, sizeof(sql), " AND %s = ?", col);
	qb_num(q, sql, f->product_id);
}

static void qb_release(struct qb *q)
{
	buf_release(&q->sql);
}

/* ---- running a query into typed JSON rows ---- */

/* A DATE column read as an integer is an instant (Unix ms): its Shanghai day. */
static json_t *date_value(struct stmt *st, int i)
{
	char day[16];
	if (stmt_type(st, i) == COL_NULL)
		return json_null();
	if (stmt_type(st, i) != COL_INT)
		return json_string(stmt_text(st, i));
	int64_t ms = stmt_int(st, i);
	date_format(shanghai_day_of(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000)), day, sizeof(day));
	return json_string(day);
}

static json_t *cell_value(struct stmt *st, int i, enum fig_col_type type)
{
	if (type == FIGCOL_DATE)
		return date_value(st, i);
	if (stmt_type(st, i) == COL_NULL)
		return type == FIGCOL_TEXT ? json_null() : json_integer(0);
	if (type == FIGCOL_TEXT)
		return json_string(stmt_text(st, i));
	return json_integer(stmt_int(st, i));
}

/* Run q and append one object per row to rows; the SELECT's columns are the
 * metric's columns in order (the first ncols of them). */
static int run_rows(struct store *db, struct qb *q, const struct fig_column *cols, size_t ncols,
		    json_t *rows, struct app_err *err)
{
	struct stmt *st;
	if (q->n >= QB_MAX_BINDS)
		return app_fail(err, 422, "invalid", "channel", "筛选条件过多", "too many filters");
	int rc = store_prepare(db, q->sql.p, &st);
	if (rc != STORE_OK)
		return app_store_fail(err, db, rc);
	for (int i = 0; i < q->n; i++)
		if (q->binds[i].text)
			stmt_bind_text(st, i + 1, q->binds[i].text);
		else
			stmt_bind_int(st, i + 1, q->binds[i].num);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		json_t *row = json_object();
		for (size_t c = 0; c < ncols; c++)
			json_object_set_new(row, cols[c].name, cell_value(st, (int)c, cols[c].type));
		json_array_append_new(rows, row);
	}
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

/* Run the query (built in q) and release it. */
static int run_release(struct store *db, struct qb *q, enum fig_metric m, size_t ncols,
		       json_t *rows, struct app_err *err)
{
	int rc = run_rows(db, q, metric_cols[m].cols, ncols, rows, err);
	qb_release(q);
	return rc;
}

/* ---- the records of each metric ---- */

#define ORDER_JOINS                                                                           \
	" JOIN orders o ON o.id = ol.order_id JOIN channels c ON c.id = o.channel_id"        \
	" JOIN skus k ON k.id = ol.sku_id JOIN products p ON p.id = k.product_id"

/* Filters on an order line (o, p in scope). */
static void order_filters(struct qb *q, const struct fig_filter *f)
{
	qb_period(q, f, "o.ordered_on");
	qb_channels(q, f, "o.channel_id");
	qb_product(q, f, "p.id");
	qb_origin(q, f, "p.origin_code");
}

/* A line is a sale once stock is promised to it: not cancelled, and not on
 * backorder (unfilled demand, counted by FIG_UNFILLED instead). */
#define LINE_IS_SALE " ol.status NOT IN ('cancelled', 'backorder')"

/* A refund counts against sales unless it is the cancellation itself, its
 * order is cancelled, or what it refunds never counted as a sale: a
 * backordered line. A refund of no particular line counts only up to what
 * is left of the order's sale: the amounts of its sold lines, less the
 * refunds of those lines, less the refunds of no line recorded before it
 * (by id). The rest of it gives back money for goods never sent (its
 * backordered lines), which is no sale returned; so a refund of no line on
 * an order that is all backorder counts nothing. */
#define REFUND_OF_SALE                                                                        \
	" r.kind <> 'cancel' AND o.status <> 'cancelled'"                                       \
	" AND (ol.id IS NULL OR ol.status <> 'backorder') AND r.counted_fen > 0"

/* What is left of the order's sale before refund r (of no line). */
#define SALE_LEFT_BEFORE                                                                      \
	"(SELECT COALESCE(SUM(s.amount_fen), 0) FROM order_lines s WHERE s.order_id = r.order_id" \
	" AND" SOLD_STATUS ")"                                                                   \
	" - (SELECT COALESCE(SUM(lr.amount_fen), 0) FROM refunds lr JOIN order_lines s"         \
	" ON s.id = lr.order_line_id WHERE lr.order_id = r.order_id AND lr.kind <> 'cancel'"    \
	" AND" SOLD_STATUS ")"                                                                   \
	" - (SELECT COALESCE(SUM(er.amount_fen), 0) FROM refunds er WHERE er.order_id ="        \
	" r.order_id AND er.order_line_id IS NULL AND er.kind <> 'cancel' AND er.id < r.id)"
#define SOLD_STATUS " s.status NOT IN ('cancelled', 'backorder')"

/* The refunds with the amount each counts against sales (counted_fen). */
#define COUNTED_REFUNDS                                                                       \
	"(SELECT q.id, q.order_id, q.order_line_id, q.kind, CASE"                               \
	" WHEN q.order_line_id IS NOT NULL THEN q.amount_fen WHEN q.sale_left <= 0 THEN 0"      \
	" WHEN q.amount_fen < q.sale_left THEN q.amount_fen ELSE q.sale_left END AS counted_fen" \
	" FROM (SELECT r.id, r.order_id, r.order_line_id, r.kind, r.amount_fen, CASE"          \
	" WHEN r.order_line_id IS NULL THEN " SALE_LEFT_BEFORE " ELSE 0 END AS sale_left"      \
	" FROM refunds r) q) r"

static int sales_records(struct store *db, const struct fig_filter *f, json_t *rows,
			 struct app_err *err)
{
	struct qb q;
	qb_init(&q, "SELECT 'line', o.ordered_on, c.code, o.channel_order_no, ol.line_no, k.code, "
		    "p.code, ol.amount_fen FROM order_lines ol" ORDER_JOINS " WHERE" LINE_IS_SALE);
	order_filters(&q, f);
	buf_adds(&q.sql, " ORDER BY o.ordered_on, o.id, ol.line_no");
	if (run_release(db, &q, FIG_SALES, 8, rows, err))
		return -1;
	qb_init(&q, "SELECT 'refund', o.ordered_on, c.code, o.channel_order_no, ol.line_no, k.code, "
		    "p.code, -r.counted_fen FROM " COUNTED_REFUNDS " JOIN orders o ON o.id = r.order_id "
		    "JOIN channels c ON c.id = o.channel_id "
		    "LEFT JOIN order_lines ol ON ol.id = r.order_line_id "
		    "LEFT JOIN skus k ON k.id = ol.sku_id LEFT JOIN products p ON p.id = k.product_id "
		    "WHERE" REFUND_OF_SALE);
	order_filters(&q, f);
	buf_adds(&q.sql, " ORDER BY o.ordered_on, o.id, r.id");
	return run_release(db, &q, FIG_SALES, 8, rows, err);
}

static int sold_records(struct store *db, const struct fig_filter *f, json_t *rows,
			struct app_err *err)
{
	struct qb q;
	qb_init(&q, "SELECT o.ordered_on, c.code, o.channel_order_no, ol.line_no, k.code, p.code, "
		    "ol.units, ol.returned_units, k.net_g, (ol.units - ol.returned_units) * k.net_g "
		    "FROM order_lines ol" ORDER_JOINS " WHERE" LINE_IS_SALE);
	order_filters(&q, f);
	buf_adds(&q.sql, " ORDER BY o.ordered_on, o.id, ol.line_no");
	return run_release(db, &q, FIG_SOLD, 10, rows, err);
}

/* Backordered lines of orders placed in the period, with what was refunded
 * on each (a refund of a backordered line is no sale returned). */
static int unfilled_records(struct store *db, const struct fig_filter *f, json_t *rows,
			    struct app_err *err)
{
	struct qb q;
	qb_init(&q, "SELECT o.ordered_on, c.code, o.channel_order_no, ol.line_no, k.code, p.code, "
		    "ol.units, ol.units * k.net_g, (SELECT COALESCE(SUM(r.amount_fen), 0) "
		    "FROM refunds r WHERE r.order_line_id = ol.id AND r.kind <> 'cancel'), "
		    "ol.amount_fen FROM order_lines ol" ORDER_JOINS
		    " WHERE ol.status = 'backorder'");
	order_filters(&q, f);
	buf_adds(&q.sql, " ORDER BY o.ordered_on, o.id, ol.line_no");
	return run_release(db, &q, FIG_UNFILLED, 10, rows, err);
}

static int payments_records(struct store *db, const struct fig_filter *f, json_t *rows,
			    struct app_err *err)
{
	struct qb q;
	qb_init(&q, "SELECT pay.paid_on, pay.code, h.code, h.lifted_from_poverty, h.village_code, "
		    "pay.method, CASE WHEN pay.reverses_id IS NULL THEN 0 ELSE 1 END, pay.amount_fen "
		    "FROM payments pay JOIN households h ON h.id = pay.household_id WHERE 1 = 1");
	qb_period(&q, f, "pay.paid_on");
	qb_origin(&q, f, "h.village_code");
	buf_adds(&q.sql, " ORDER BY pay.paid_on, pay.id");
	return run_release(db, &q, FIG_PAYMENTS, 8, rows, err);
}

static int purchases_records(struct store *db, const struct fig_filter *f, json_t *rows,
			     struct app_err *err)
{
	struct qb q;
	struct fig_filter upto = *f;
	upto.from = NULL; /* balances run from the beginning */
	qb_init(&q, "SELECT 'collection', col.collected_on, col.code, h.code, h.lifted_from_poverty, "
		    "p.code, col.net_g, col.amount_fen FROM collections col "
		    "JOIN households h ON h.id = col.household_id "
		    "JOIN products p ON p.id = col.product_id WHERE 1 = 1");
	qb_period(&q, &upto, "col.collected_on");
	qb_origin(&q, f, "h.village_code");
	buf_adds(&q.sql, " ORDER BY col.collected_on, col.id");
	if (run_release(db, &q, FIG_PURCHASES, 8, rows, err))
		return -1;
	qb_init(&q, "SELECT 'payment', pay.paid_on, pay.code, h.code, h.lifted_from_poverty, NULL, "
		    "0, -pay.amount_fen FROM payments pay "
		    "JOIN households h ON h.id = pay.household_id WHERE 1 = 1");
	qb_period(&q, &upto, "pay.paid_on");
	qb_origin(&q, f, "h.village_code");
	buf_adds(&q.sql, " ORDER BY pay.paid_on, pay.id");
	return run_release(db, &q, FIG_PURCHASES, 8, rows, err);
}

/* Unix ms of 00:00 Asia/Shanghai on the date s ("YYYY-MM-DD"). */
static int64_t shanghai_midnight_ms(const char *s)
{
	int64_t days = 0;
	if (date_parse(s, strlen(s), &days))
		return 0;
	return (days * 86400 - 8 * 3600) * 1000;
}

#define LOTS_OF_PARCEL                                                                        \
	" FROM parcel_lines pl JOIN allocations a ON a.id = pl.allocation_id"                \
	" JOIN lots l ON l.id = a.lot_id JOIN products p ON p.id = l.product_id"             \
	" WHERE pl.parcel_id = pc.id"
#define LOTS_OF_LINEHAUL                                                                      \
	" FROM linehaul_lines ll JOIN lots l ON l.id = ll.lot_id"                            \
	" JOIN products p ON p.id = l.product_id WHERE ll.linehaul_id = lh.id"

/* A parcel or line-haul counts whole if any of its lots matches. */
static void lots_filters(struct qb *q, const struct fig_filter *f, const char *lots_sql)
{
	if (f->product_id) {
		buf_printf(&q->sql, " AND EXISTS (SELECT 1%s", lots_sql);
		qb_product(q, f, "p.id");
		buf_adds(&q->sql, ")");
	}
	if (f->origin || f->origin2) {
		buf_printf(&q->sql, " AND EXISTS (SELECT 1%s", lots_sql);
		qb_origin(q, f, "p.origin_code");
		buf_adds(&q->sql, ")");
	}
}

static int logistics_records(struct store *db, const struct fig_filter *f, json_t *rows,
			     struct app_err *err)
{
	struct qb q;
	qb_init(&q, "SELECT 'parcel', o.ordered_on, pc.code, CASE pc.route WHEN 'sales_warehouse' "
		    "THEN 'consolidated' ELSE 'direct' END, c.code, pc.cost_fen, "
		    "(SELECT COALESCE(SUM(a.qty_g), 0) FROM parcel_lines pl "
		    "JOIN allocations a ON a.id = pl.allocation_id WHERE pl.parcel_id = pc.id) "
		    "FROM parcels pc JOIN orders o ON o.id = pc.order_id "
		    "JOIN channels c ON c.id = o.channel_id WHERE pc.delivered_at IS NOT NULL");
	qb_period(&q, f, "o.ordered_on");
	qb_channels(&q, f, "o.channel_id");
	lots_filters(&q, f, LOTS_OF_PARCEL);
	buf_adds(&q.sql, " ORDER BY o.ordered_on, pc.id");
	if (run_release(db, &q, FIG_LOGISTICS, 7, rows, err))
		return -1;
	if (f->by_channel)
		return 0; /* line-hauls carry every channel's goods */
	qb_init(&q, "SELECT 'linehaul', lh.dispatched_at, lh.code, 'consolidated', NULL, "
		    "lh.cost_fen, 0 FROM linehauls lh JOIN warehouses w ON w.id = lh.from_warehouse_id "
		    "WHERE lh.dispatched_at IS NOT NULL");
	if (f->from)
		qb_num(&q, " AND lh.dispatched_at >= ?", shanghai_midnight_ms(f->from));
	if (f->to)
		qb_num(&q, " AND lh.dispatched_at < ?", shanghai_midnight_ms(f->to) + 86400000);
	lots_filters(&q, f, LOTS_OF_LINEHAUL);
	buf_adds(&q.sql, " ORDER BY lh.dispatched_at, lh.id");
	return run_release(db, &q, FIG_LOGISTICS, 7, rows, err);
}

/* days = delivered_on - ordered_on, in calendar days. */
static void add_days(json_t *rows)
{
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		const char *a = json_string_value(json_object_get(r, "ordered_on"));
		const char *b = json_string_value(json_object_get(r, "delivered_on"));
		int64_t da = 0, db = 0;
		if (a && b && !date_parse(a, strlen(a), &da) && !date_parse(b, strlen(b), &db))
			json_object_set_new(r, "days", json_integer(db - da));
		else
			json_object_set_new(r, "days", json_null());
	}
}

static int delivery_records(struct store *db, const struct fig_filter *f, json_t *rows,
			    struct app_err *err)
{
	struct qb q;
	qb_init(&q, "SELECT o.ordered_on, c.code, o.channel_order_no, MAX(pc.delivered_at) "
		    "FROM orders o JOIN channels c ON c.id = o.channel_id "
		    "JOIN parcels pc ON pc.order_id = o.id WHERE pc.status <> 'cancelled'");
	qb_period(&q, f, "o.ordered_on");
	qb_channels(&q, f, "o.channel_id");
	if (f->product_id || f->origin || f->origin2) {
		buf_adds(&q.sql, " AND EXISTS (SELECT 1 FROM order_lines ol JOIN skus k ON k.id = "
				 "ol.sku_id JOIN products p ON p.id = k.product_id WHERE ol.order_id = o.id");
		qb_product(&q, f, "p.id");
		qb_origin(&q, f, "p.origin_code");
		buf_adds(&q.sql, ")");
	}
	buf_adds(&q.sql, " GROUP BY o.id, o.ordered_on, c.code, o.channel_order_no "
			 "HAVING COUNT(*) = COUNT(pc.delivered_at) ORDER BY o.ordered_on, o.id");
	if (run_release(db, &q, FIG_DELIVERY, 4, rows, err))
		return -1;
	add_days(rows);
	return 0;
}

int figures_records(struct store *db, enum fig_metric m, const struct fig_filter *f,
		    json_t **rows, struct app_err *err)
{
	static int (*const readers[FIG_NMETRICS])(struct store *, const struct fig_filter *,
						  json_t *, struct app_err *) = {
		sales_records,     sold_records,      payments_records,
		purchases_records, logistics_records, delivery_records, unfilled_records,
	};
	if ((unsigned)m >= FIG_NMETRICS)
		return app_fail(err, 404, "not_found", "metric", "没有该指标", "no such metric");
	json_t *r = json_array();
	if (readers[m](db, f, r, err)) {
		json_decref(r);
		return -1;
	}
	*rows = r;
	return 0;
}

/* ---- summaries ---- */

static int64_t iv(json_t *row, const char *k)
{
	return json_integer_value(json_object_get(row, k));
}

static const char *sv(json_t *row, const char *k)
{
	const char *s = json_string_value(json_object_get(row, k));
	return s ? s : "";
}

static int compare_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sales rows summed by a text key (the first keylen bytes of column col):
 * [{name: key, "sales_fen": sum}, ...] in key order. */
static json_t *sales_series(json_t *rows, const char *col, size_t keylen, const char *name)
{
	json_t *by = json_object(), *out = json_array(), *r;
	size_t i, n = 0;
	char key[64];
	const char *k;
	json_array_foreach(rows, i, r) {
		snprintf(key, sizeof(key), "%.*s", (int)keylen, sv(r, col));
		json_object_set_new(by, key, json_integer(iv(by, key) + iv(r, "amount_fen")));
	}
	const char **keys = xcalloc(json_object_size(by) + 1, sizeof(*keys));
	json_object_foreach(by, k, r) keys[n++] = k;
	qsort(keys, n, sizeof(*keys), compare_keys);
	for (i = 0; i < n; i++)
		json_array_append_new(out, json_pack("{s:s, s:I}", name, keys[i], "sales_fen",
						     (json_int_t)iv(by, keys[i])));
	free(keys);
	json_decref(by);
	return out;
}

static json_t *sales_summary(json_t *rows)
{
	int64_t lines = 0, refunds = 0;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (!strcmp(sv(r, "kind"), "line"))
			lines += iv(r, "amount_fen");
		else
			refunds -= iv(r, "amount_fen");
	}
	return json_pack("{s:I, s:I, s:I, s:o, s:o}", "sales_fen", (json_int_t)(lines - refunds),
			 "lines_fen", (json_int_t)lines, "refunds_fen", (json_int_t)refunds,
			 "by_month", sales_series(rows, "ordered_on", 7, "month"),
			 "by_channel", sales_series(rows, "channel", 63, "channel"));
}

static json_t *sold_summary(json_t *rows)
{
	int64_t g = 0;
	char t[32];
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) g += iv(r, "sold_g");
	fig_format_tonnes(g, t, sizeof(t));
	return json_pack("{s:I, s:s}", "sold_g", (json_int_t)g, "sold_t", t);
}

static json_t *unfilled_summary(json_t *rows)
{
	int64_t amount = 0, units = 0, grams = 0, refunded = 0;
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		amount += iv(r, "amount_fen");
		units += iv(r, "units");
		grams += iv(r, "wanted_g");
		refunded += iv(r, "refunded_fen");
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I}", "lines", (json_int_t)json_array_size(rows),
			 "units", (json_int_t)units, "amount_fen", (json_int_t)amount, "wanted_g",
			 (json_int_t)grams, "refunded_fen", (json_int_t)refunded);
}

/* Net amount per household (key "household") over rows, in an object. */
static json_t *per_household(json_t *rows, const char *kind_only)
{
	json_t *by = json_object();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (kind_only && strcmp(sv(r, "kind"), kind_only))
			continue;
		const char *h = sv(r, "household");
		json_t *e = json_object_get(by, h);
		if (!e) {
			e = json_pack("{s:I, s:I}", "net", (json_int_t)0, "lifted", (json_int_t)iv(r, "lifted"));
			json_object_set_new(by, h, e);
		}
		json_object_set_new(e, "net", json_integer(iv(e, "net") + iv(r, "amount_fen")));
	}
	return by;
}

static json_t *payments_summary(json_t *rows)
{
	int64_t paid = 0, lifted_paid = 0, hh = 0, lifted_hh = 0;
	json_t *by = per_household(rows, NULL), *e;
	const char *k;
	json_object_foreach(by, k, e) {
		int64_t net = iv(e, "net");
		bool lifted = iv(e, "lifted") != 0;
		paid += net;
		if (lifted)
			lifted_paid += net;
		if (net > 0) {
			hh++;
			lifted_hh += lifted;
		}
	}
	json_decref(by);
	return json_pack("{s:I, s:I, s:I, s:I}", "paid_fen", (json_int_t)paid, "households_paid",
			 (json_int_t)hh, "lifted_paid_fen", (json_int_t)lifted_paid,
			 "lifted_households_paid", (json_int_t)lifted_hh);
}

static json_t *purchases_summary(json_t *rows, const struct fig_filter *f)
{
	int64_t purchases = 0, purchases_g = 0, balance = 0, owed = 0, owed_hh = 0;
	size_t i;
	json_t *r, *e;
	json_array_foreach(rows, i, r) {
		balance += iv(r, "amount_fen");
		if (strcmp(sv(r, "kind"), "collection") || (f->from && strcmp(sv(r, "on_date"), f->from) < 0))
			continue;
		purchases += iv(r, "amount_fen");
		purchases_g += iv(r, "net_g");
	}
	json_t *by = per_household(rows, NULL);
	const char *k;
	json_object_foreach(by, k, e) if (iv(e, "net") > 0)
	{
		owed += iv(e, "net");
		owed_hh++;
	}
	json_decref(by);
	return json_pack("{s:I, s:I, s:I, s:I, s:I}", "purchases_fen", (json_int_t)purchases,
			 "purchases_g", (json_int_t)purchases_g, "owed_fen", (json_int_t)owed,
			 "households_owed", (json_int_t)owed_hh, "net_balance_fen", (json_int_t)balance);
}

static json_t *route_cost(int64_t cost, int64_t grams)
{
	int64_t per_kg = 0;
	json_t *o = json_pack("{s:I, s:I}", "cost_fen", (json_int_t)cost, "delivered_g", (json_int_t)grams);
	if (fig_cost_per_kg(cost, grams, &per_kg))
		json_object_set_new(o, "fen_per_kg", json_null());
	else
		json_object_set_new(o, "fen_per_kg", json_integer(per_kg));
	return o;
}

static json_t *logistics_summary(json_t *rows, const struct fig_filter *f)
{
	int64_t cost[2] = {0, 0}, grams[2] = {0, 0};
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		int d = !strcmp(sv(r, "route"), "direct");
		cost[d] += iv(r, "cost_fen");
		grams[d] += iv(r, "delivered_g");
	}
	return json_pack("{s:o, s:o, s:b}", "consolidated", route_cost(cost[0], grams[0]), "direct",
			 route_cost(cost[1], grams[1]), "linehauls_included", !f->by_channel);
}

static json_t *delivery_summary(json_t *rows)
{
	size_t n = 0, i;
	int64_t *days = xcalloc(json_array_size(rows) + 1, sizeof(*days));
	json_t *r;
	json_array_foreach(rows, i, r) if (json_is_integer(json_object_get(r, "days")))
		days[n++] = iv(r, "days");
	struct fig_delivery d;
	fig_delivery_summary(days, n, &d);
	free(days);
	json_t *o = json_pack("{s:I, s:I, s:I}", "orders", (json_int_t)d.n, "within_3_days",
			      (json_int_t)d.within_3_days, "within_3_days_permille",
			      (json_int_t)d.within_3_days_permille);
	json_object_set_new(o, "median_days", n ? json_real(d.median_days) : json_null());
	json_object_set_new(o, "p95_days", n ? json_real(d.p95_days) : json_null());
	json_object_set_new(o, "within_3_days_share",
			    n ? json_real((double)d.within_3_days / (double)n) : json_null());
	return o;
}

json_t *figures_summary(enum fig_metric m, json_t *rows, const struct fig_filter *f)
{
	switch (m) {
	case FIG_SALES: return sales_summary(rows);
	case FIG_SOLD: return sold_summary(rows);
	case FIG_PAYMENTS: return payments_summary(rows);
	case FIG_PURCHASES: return purchases_summary(rows, f);
	case FIG_LOGISTICS: return logistics_summary(rows, f);
	case FIG_DELIVERY: return delivery_summary(rows);
	case FIG_UNFILLED: return unfilled_summary(rows);
	default: return json_null();
	}
}

int figures_all(struct store *db, const struct fig_filter *f, unsigned metrics, json_t **out,
		struct app_err *err)
{
	json_t *o = json_object();
	for (int m = 0; m < FIG_NMETRICS; m++) {
		json_t *rows = NULL;
		if (!(metrics & (1u << m)))
			continue;
		if (figures_records(db, (enum fig_metric)m, f, &rows, err)) {
			json_decref(o);
			return -1;
		}
		json_object_set_new(o, fig_metric_name((enum fig_metric)m),
				    figures_summary((enum fig_metric)m, rows, f));
		json_decref(rows);
	}
	*out = o;
	return 0;
}
