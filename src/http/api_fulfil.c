/*
 * Fulfilment over HTTP: a warehouse's pick list (JSON, and a printable page
 * /print/picklist/{warehouse_id}), packing an order's lines into a parcel,
 * shipping it (carrier, tracking number, cost, weight), and the carrier's
 * delivery confirmations (a JSON list, or a CSV/xlsx file). Warehouse
 * operators touch only their own warehouses' parcels; admin everything;
 * office reads. Thin like api_orders.c: validation and scope here, the work
 * in src/app/fulfil.c and order_import.c.
 */
#include <string.h>

#include "app/fulfil.h"
#include "app/order_import.h"
#include "app/orders.h"
#include "http/html.h"
#include "http/routes.h"
#include "io/table.h"
#include "lib/buf.h"
#include "lib/str.h"

#define DELIVERIES_MAX 10000

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(r->arena, "%lld", (long long)id);
}

/* ---- pick lists ---- */

/* The warehouse id from text, if the caller may see that warehouse; else a
 * reply (422, 403) is made and false returned. */
static bool picklist_warehouse(struct req *r, const char *text, int64_t *id)
{
	if (!text || parse_int64(str_from(text), id) || *id <= 0) {
		req_add_error(r, "warehouse_id", 0, "warehouse_id 须为正整数",
		              "warehouse_id must be a positive integer");
		reply_invalid(r);
		return false;
	}
	if (!user_has_warehouse(r->user, *id)) {
		reply_forbidden(r);
		return false;
	}
	return true;
}

/* ?after= (a whole number >= 0, never with ?offset=): true with *after set,
 * or false after a 400 bad_query reply; *after -1 when absent. */
static bool picklist_after(struct req *r, int64_t *after)
{
	const char *text = req_query(r, "after");
	*after = -1;
	if (!text)
		return true;
	if (parse_int64(str_from(text), after) || *after < 0) {
		reply_error(r, 400, "bad_query", "after", "after 须为非负整数",
		            "after must be a whole number >= 0");
		return false;
	}
	if (req_query(r, "offset")) {
		reply_error(r, 400, "bad_query", "after", "after 与 offset 不能同时使用",
		            "give after or offset, not both");
		return false;
	}
	return true;
}

static int handle_picklist(struct req *r)
{
	int64_t wh;
	struct app_err e;
	int64_t limit, offset, after;
	if (!picklist_warehouse(r, req_query(r, "warehouse_id"), &wh) || !picklist_after(r, &after))
		return 0;
	req_paging(r, &limit, &offset);
	json_t *out = after >= 0 ? picklist_page_json(r->db, wh, limit, after, &e)
	                         : picklist_json(r->db, wh, limit, offset, &e);
	return out ? reply_json(r, 200, out) : reply_app_error(r, &e);
}

static const char *jtext(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

static long long jint(json_t *o, const char *k)
{
	return (long long)json_integer_value(json_object_get(o, k));
}

/* A cursor page: the orders waiting (first page) and a link to the next page. */
static int cursor_note(struct req *r, struct buf *b, json_t *pl)
{
	json_t *next = json_object_get(pl, "next_after");
	int bad = 0;
	if (json_object_get(pl, "total"))
		bad |= buf_printf(b, "<p>待拣订单 Orders waiting: %lld</p>", jint(pl, "total"));
	else
		bad |= buf_adds(b, "<p>续页：汇总见第一页 Continued: totals on the first page</p>");
	if (json_is_integer(next))
		bad |= buf_printf(
		    b, "<p><a href=\"%s?limit=%lld&amp;after=%lld\">下一页 Next page</a></p>",
		    html_escape(r->arena, r->path), jint(pl, "limit"),
		    (long long)json_integer_value(next));
	return bad;
}

/* "orders 101-200 of 5,432" and a link to the next page when there is one. */
static int page_note(struct req *r, struct buf *b, json_t *pl)
{
	if (json_object_get(pl, "after"))
		return cursor_note(r, b, pl);
	long long total = jint(pl, "total"), off = jint(pl, "offset"), lim = jint(pl, "limit");
	long long last = off + lim < total ? off + lim : total;
	int bad = 0;
	if (total > 0 && off < total)
		bad |= buf_printf(b, "<p>订单 Orders %lld–%lld / %lld</p>", off + 1, last, total);
	if (last < total)
		bad |= buf_printf(
		    b, "<p><a href=\"%s?limit=%lld&amp;offset=%lld\">下一页 Next page</a></p>",
		    html_escape(r->arena, r->path), lim, last);
	return bad;
}

/* The totals per SKU and lot, as a table. */
static int totals_html(struct arena *a, struct buf *b, json_t *totals)
{
	json_t *v;
	size_t i;
	int bad =
	    buf_adds(b, "<h2>按批次汇总 Totals by lot</h2><table><thead><tr><th>SKU</th><th>品名 "
	                "Name</th><th>批次 Lot</th><th>到期 Expires</th><th>件数 Units</th></tr>"
	                "</thead><tbody>");
	json_array_foreach(totals, i, v) bad |=
	    buf_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%lld</td></tr>",
	               html_escape(a, jtext(v, "sku")), html_escape(a, jtext(v, "sku_name")),
	               html_escape(a, jtext(v, "lot")), html_escape(a, jtext(v, "expires_on")),
	               jint(v, "units"));
	return bad | buf_adds(b, "</tbody></table>");
}

/* The page; 0, or -1 if it grew past the buffer's cap. */
static int picklist_html(struct req *r, struct buf *b, json_t *pl)
{
	struct arena *a = r->arena;
	json_t *w = json_object_get(pl, "warehouse"), *v;
	size_t i;
	int bad = 0;
	const char *title = arena_printf(a, "拣货单 Pick list %s", jtext(w, "code"));
	html_begin(b, a, title);
	bad |= buf_printf(b, "<h1>%s</h1><p>%s · %s</p>", html_escape(a, title),
	                  html_escape(a, jtext(w, "name")), html_escape(a, today_shanghai(r)));
	if (json_object_get(pl, "totals")) /* a later cursor page has none */
		bad |= totals_html(a, b, json_object_get(pl, "totals"));
	bad |= buf_adds(b, "<h2>按订单 By order</h2><table><thead><tr><th>渠道 "
	                   "Channel</th><th>订单号 Order</th><th>行 Line</th><th>SKU</th><th>批次 "
	                   "Lot</th><th>件数 Units</th><th>路线 Route</th></tr></thead><tbody>");
	json_array_foreach(json_object_get(pl, "items"), i, v) bad |= buf_printf(
	    b,
	    "<tr><td>%s</td><td>%s</td><td>%lld</td><td>%s</td><td>%s</td>"
	    "<td>%lld</td><td>%s</td></tr>",
	    html_escape(a, jtext(v, "channel")), html_escape(a, jtext(v, "order_no")),
	    jint(v, "line_no"), html_escape(a, jtext(v, "sku")), html_escape(a, jtext(v, "lot")),
	    jint(v, "units"), html_escape(a, jtext(v, "route")));
	if (json_array_size(json_object_get(pl, "items")) == 0)
		bad |=
		    buf_adds(b, "<tr><td colspan=\"7\">没有待拣货的订单 Nothing to pick</td></tr>");
	bad |= buf_adds(b, "</tbody></table>");
	bad |= page_note(r, b, pl);
	html_end(b);
	return bad ? -1 : 0;
}

static int handle_print_picklist(struct req *r)
{
	int64_t wh;
	struct app_err e;
	struct buf b;
	int64_t limit, offset, after;
	if (!picklist_warehouse(r, r->params[0], &wh) || !picklist_after(r, &after))
		return 0;
	req_paging(r, &limit, &offset);
	json_t *pl = after >= 0 ? picklist_page_json(r->db, wh, limit, after, &e)
	                        : picklist_json(r->db, wh, limit, offset, &e);
	if (!pl)
		return reply_app_error(r, &e);
	buf_init(&b, 32u << 20);
	int bad = picklist_html(r, &b, pl);
	json_decref(pl);
	int rc = !bad && b.p
	             ? reply_raw(r, 200, "text/html; charset=utf-8", b.p, b.n)
	             : reply_error(r, 500, "internal", NULL, "页面生成失败", "page too large");
	buf_release(&b);
	return rc;
}

/* ---- parcels ---- */

static const char *const parcel_fields[] = {"order_id", "warehouse_id", "line_nos", NULL};

/* line_nos: an optional list of 1..ORDER_MAX_LINES line numbers. */
static bool parse_line_nos(struct req *r, json_t *body, int64_t *out, int *n)
{
	json_t *list, *v;
	size_t i;
	*n = 0;
	if (!jget_array(r, body, "line_nos", false, ORDER_MAX_LINES, &list))
		return false;
	if (!list)
		return true;
	json_array_foreach(list, i, v)
	{
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > ORDER_MAX_LINES) {
			req_add_error(r, "line_nos", (int64_t)i + 1, "行号须为 1 到 200 的整数",
			              "line numbers are whole numbers from 1 to 200");
			return false;
		}
		out[(*n)++] = json_integer_value(v);
	}
	return true;
}

static int handle_parcel_create(struct req *r)
{
	int64_t order_id = 0, wh = 0, parcel_id, line_nos[ORDER_MAX_LINES];
	int nlines = 0;
	char code[32];
	struct app_err e;
	json_t *body = req_body_object(r);
	if (!body || !jcheck_fields(r, body, parcel_fields))
		return reply_invalid(r);
	bool ok = jget_int(r, body, "order_id", true, 1, INT64_MAX, &order_id);
	ok = jget_int(r, body, "warehouse_id", true, 1, INT64_MAX, &wh) && ok;
	ok = parse_line_nos(r, body, line_nos, &nlines) && ok;
	if (!ok)
		return reply_invalid(r);
	if (!user_has_warehouse(r->user, wh))
		return reply_forbidden(r);
	if (parcel_create(r->db, order_id, wh, line_nos, nlines, &parcel_id, code, &e))
		return reply_app_error(r, &e);
	if (audit(r, "parcel.create", "parcel", id_text(r, parcel_id),
	          arena_printf(r->arena, "{\"order_id\":%lld,\"warehouse_id\":%lld}",
	                       (long long)order_id, (long long)wh)))
		return reply_error(r, 503, "unavailable", NULL, "存储暂时不可用", "audit failed");
	return reply_json(r, 201,
	                  json_pack("{s:I, s:s, s:I, s:I, s:s}", "id", (json_int_t)parcel_id,
	                            "code", code, "order_id", (json_int_t)order_id, "warehouse_id",
	                            (json_int_t)wh, "status", "packed"));
}

/* The parcel of the path, if it exists and is in the caller's warehouses. */
static bool parcel_in_scope(struct req *r, int64_t *id, int64_t *order_id)
{
	int64_t wh;
	struct app_err e;
	if (parse_int64(str_from(r->params[0]), id) || *id <= 0) {
		reply_not_found(r, "包裹 parcel");
		return false;
	}
	if (parcel_info(r->db, *id, &wh, order_id, &e)) {
		reply_app_error(r, &e);
		return false;
	}
	if (!user_has_warehouse(r->user, wh)) {
		reply_forbidden(r);
		return false;
	}
	return true;
}

static const char *const ship_fields[] = {"carrier", "tracking_no", "cost_fen", "weight_g", NULL};

static int handle_ship(struct req *r)
{
	int64_t id, order_id, cost = 0, weight = 0;
	const char *carrier = NULL, *tracking = NULL;
	struct app_err e;
	json_t *body = req_body_object(r);
	if (!body || !jcheck_fields(r, body, ship_fields))
		return reply_invalid(r);
	bool ok = jget_str(r, body, "carrier", true, 32, &carrier);
	ok = jget_str(r, body, "tracking_no", true, 64, &tracking) && ok;
	ok = jget_int(r, body, "cost_fen", true, 0, 100000000, &cost) && ok;
	ok = jget_int(r, body, "weight_g", false, 1, 1000000, &weight) && ok;
	if (!ok)
		return reply_invalid(r);
	if (!parcel_in_scope(r, &id, &order_id))
		return 0;
	if (parcel_ship(r->db, id, carrier, tracking, cost, weight, r->user->id, &e))
		return reply_app_error(r, &e);
	if (audit(r, "parcel.ship", "parcel", id_text(r, id),
	          arena_printf(r->arena, "{\"order_id\":%lld,\"cost_fen\":%lld}",
	                       (long long)order_id, (long long)cost)))
		return reply_error(r, 503, "unavailable", NULL, "存储暂时不可用", "audit failed");
	return reply_json(r, 200,
	                  json_pack("{s:I, s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)id,
	                            "order_id", (json_int_t)order_id, "status", "shipped",
	                            "carrier", carrier, "tracking_no", tracking, "cost_fen",
	                            (json_int_t)cost));
}

/* ---- deliveries ---- */

static const int64_t *warehouse_limit(const struct req *r, int *n)
{
	*n = r->user->nwarehouses;
	return r->user->role == ROLE_WAREHOUSE ? r->user->warehouses : NULL;
}

static void add_import_problems(struct req *r, const struct import_report *rep)
{
	for (size_t i = 0; i < rep->nproblems && i < rep->capproblems; i++) {
		const struct import_problem *p = &rep->problems[i];
		req_add_error(r, p->column[0] ? p->column : NULL, p->line, p->message_zh,
		              p->message_en);
	}
}

/* The JSON list as a table (header row + one row per delivery), so the list
 * and the file go through the same checks. False after adding errors. */
static bool deliveries_table(struct req *r, json_t *list, struct table *t)
{
	static const char *const cols[] = {"carrier", "tracking_no", "delivered_at"};
	static const char *const fields[] = {"carrier", "tracking_no", "delivered_at", NULL};
	struct io_error ioe;
	json_t *d;
	size_t i;
	bool ok = true;
	int full = table_add_row(t, 1, &ioe);
	for (int c = 0; c < 3; c++)
		full |= table_add_cstr(t, cols[c], &ioe);
	json_array_foreach(list, i, d)
	{
		int from = r->nerrors;
		const char *v[3] = {NULL, NULL, NULL};
		bool good = jcheck_fields(r, d, fields);
		good = good && jget_str(r, d, "carrier", true, 32, &v[0]);
		good = good && jget_str(r, d, "tracking_no", true, 64, &v[1]);
		good = good && jget_str(r, d, "delivered_at", true, 40, &v[2]);
		for (int k = from; k < r->nerrors; k++) {
			r->errors[k].field =
			    arena_printf(r->arena, "deliveries[%zu].%s", i,
			                 r->errors[k].field ? r->errors[k].field : "");
			r->errors[k].row = (int64_t)i + 1;
		}
		ok = ok && good;
		full |= table_add_row(t, (long)i + 1, &ioe);
		for (int c = 0; c < 3; c++)
			full |= table_add_cstr(t, v[c] ? v[c] : "", &ioe);
	}
	if (full) /* past the table's limits: cannot happen within DELIVERIES_MAX */
		req_add_error(r, "deliveries", 0, ioe.message_zh, ioe.message);
	return ok && !full;
}

static int apply_deliveries(struct req *r, const struct table *t, const char *action)
{
	struct import_report rep;
	struct app_err e;
	size_t confirmed;
	int nwh;
	const int64_t *whs = warehouse_limit(r, &nwh);
	import_report_init(&rep);
	int rc = delivery_import_table(r->db, t, whs, nwh, &confirmed, &rep, &e);
	if (rc) {
		if (e.status >= 500 || !rep.nproblems)
			rc = reply_app_error(r, &e);
		else {
			add_import_problems(r, &rep);
			rc = reply_invalid(r);
		}
		import_report_release(&rep);
		return rc;
	}
	size_t rows = rep.rows;
	import_report_release(&rep);
	if (audit(r, action, "parcel", "deliveries",
	          arena_printf(r->arena, "{\"rows\":%zu,\"confirmed\":%zu}", rows, confirmed)))
		return reply_error(r, 503, "unavailable", NULL, "存储暂时不可用", "audit failed");
	return reply_json(r, 200,
	                  json_pack("{s:I, s:I, s:I}", "rows", (json_int_t)rows, "confirmed",
	                            (json_int_t)confirmed, "unchanged",
	                            (json_int_t)(rows - confirmed)));
}

static const char *const deliveries_fields[] = {"deliveries", NULL};

static int handle_deliveries(struct req *r)
{
	json_t *body = req_body_object(r), *list;
	struct table t;
	if (!body || !jcheck_fields(r, body, deliveries_fields) ||
	    !jget_array(r, body, "deliveries", true, DELIVERIES_MAX, &list))
		return reply_invalid(r);
	if (json_array_size(list) == 0) {
		req_add_error(r, "deliveries", 0, "签收列表为空", "deliveries is empty");
		return reply_invalid(r);
	}
	table_init(&t);
	int rc = deliveries_table(r, list, &t) ? apply_deliveries(r, &t, "parcel.deliver")
	                                       : reply_invalid(r);
	table_release(&t);
	return rc;
}

static int handle_import_deliveries(struct req *r)
{
	struct table t;
	struct io_error ioe;
	table_init(&t);
	int rc;
	if (table_read_mem(r->body, r->body_len, &t, &ioe)) {
		req_add_error(r, ioe.column[0] ? ioe.column : NULL, ioe.line, ioe.message_zh,
		              ioe.message);
		rc = reply_invalid(r);
	} else {
		rc = apply_deliveries(r, &t, "parcel.deliver_import");
	}
	table_release(&t);
	return rc;
}

#define FULFIL_READERS (ROLE_ADMIN | ROLE_WAREHOUSE | ROLE_OFFICE)
#define FULFIL_WRITERS (ROLE_ADMIN | ROLE_WAREHOUSE)

const struct route fulfil_routes[] = {
    {"GET", "/api/v1/picklists", handle_picklist, FULFIL_READERS, 0, "a warehouse's pick list"},
    {"GET", "/print/picklist/{warehouse_id}", handle_print_picklist, FULFIL_READERS, 0,
     "printable pick list (HTML)"},
    {"POST", "/api/v1/parcels", handle_parcel_create, FULFIL_WRITERS, 0,
     "pack an order's lines into a parcel"},
    {"POST", "/api/v1/parcels/{id}/ship", handle_ship, FULFIL_WRITERS, 0,
     "ship a parcel with carrier and tracking number"},
    {"POST", "/api/v1/deliveries", handle_deliveries, FULFIL_WRITERS, 0,
     "delivery confirmations from the carrier"},
    {"POST", "/api/v1/imports/deliveries", handle_import_deliveries, FULFIL_WRITERS,
     ROUTE_RAW_BODY | ROUTE_LARGE_BODY, "import delivery confirmations (CSV or xlsx)"},
    {NULL, NULL, NULL, 0, 0, NULL},
};
