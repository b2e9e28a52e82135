/*
 * The consolidated line-haul (统仓共配) over HTTP: create a line-haul from an
 * origin warehouse to a sales warehouse (truck type, plate, cost in fen),
 * load it with lots (chosen by lot and grams, or by SKU and units with FEFO
 * choosing, or the user's lot for a SKU) or take them off again, dispatch it (stock goes into
 * transit, visible to both warehouses), receive it with shortage and damage
 * per lot, the printable manifest, and cost per kg by route and truck type.
 * Thin: src/app/linehaul.c does the work inside the writer's transaction.
 *
 * Scope: admin and office see every line-haul (office only reads). A
 * warehouse operator sees the line-hauls from or to its warehouses; only
 * the origin side creates, loads, unloads and dispatches, only the receiving side
 * receives; anything else is 403.
 */
#include <stdio.h>
#include <string.h>

#include "app/linehaul.h"
#include "http/html.h"
#include "http/reallocate.h"
#include "http/routes.h"
#include "lib/buf.h"
#include "lib/money.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#define MAX_GRAMS 1000000000000LL
#define MAX_COST_FEN 100000000000LL /* a billion yuan */

static const int64_t no_ids[1] = {0};

static int reply_app(struct req *r, const struct app_err *e)
{
	const char *field = e->field[0] ? e->field : NULL;
	if (e->row && field && !strchr(field, '.'))
		field = arena_printf(r->arena, "lines.%s", field);
	if (e->status == 422 && field) {
		req_add_error(r, field, e->row, e->message_zh, e->message_en);
		return reply_invalid(r);
	}
	return reply_error(r, e->status, e->code, field, e->message_zh, e->message_en);
}

static bool sees_all(const struct user *u)
{
	return u->role == ROLE_ADMIN || u->role == ROLE_OFFICE;
}

static bool at_warehouse(const struct user *u, int64_t warehouse_id)
{
	return sees_all(u) || (u->role == ROLE_WAREHOUSE && user_has_warehouse(u, warehouse_id));
}

static struct wh_scope warehouses_of(const struct user *u)
{
	if (sees_all(u))
		return (struct wh_scope){NULL, 0};
	if (u->role != ROLE_WAREHOUSE || !u->warehouses)
		return (struct wh_scope){no_ids, 0};
	return (struct wh_scope){u->warehouses, u->nwarehouses};
}

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(r->arena, "%lld", (long long)id);
}

/* The line-haul of the path's {id} if the caller may see it (else the
 * reply is made). */
static bool visible_linehaul(struct req *r, struct linehaul_info *lh)
{
	int64_t id;
	struct app_err e;
	if (parse_int64(str_from(r->params[0]), &id) || id <= 0) {
		reply_not_found(r, "干线运输单 line-haul");
		return false;
	}
	if (linehaul_info_load(r->db, id, NULL, lh, &e)) {
		reply_app(r, &e);
		return false;
	}
	if (!at_warehouse(r->user, lh->from_warehouse_id) && !at_warehouse(r->user, lh->to_warehouse_id)) {
		reply_forbidden(r);
		return false;
	}
	return true;
}

/* "lot_id" or "lot_code" of a line; required or not. */
static bool jget_lot(struct req *r, json_t *item, int64_t row, bool required, int64_t *lot_id)
{
	const char *code = NULL;
	json_t *v = json_object_get(item, "lot_id");
	*lot_id = 0;
	if (v && (!json_is_integer(v) || json_integer_value(v) <= 0)) {
		req_add_error(r, "lines.lot_id", row, "批次编号须为正整数", "lot_id must be a positive id");
		return false;
	}
	if (v)
		*lot_id = json_integer_value(v);
	if (!jget_str(r, item, "lot_code", false, 64, &code))
		return false;
	if (code) {
		int64_t id = lot_find_by_code(r->db, code);
		if (!id || (*lot_id && *lot_id != id)) {
			req_add_error(r, "lines.lot_id", row, "批次码不存在或与批次编号不符",
				      arena_printf(r->arena, "unknown lot code '%s'", code));
			return false;
		}
		*lot_id = id;
	}
	if (required && !*lot_id) {
		req_add_error(r, "lines.lot_id", row, "需要批次编号或批次码", "lot_id or lot_code is required");
		return false;
	}
	return true;
}

static void relabel(struct req *r, int from, int64_t row)
{
	for (int i = from; i < r->nerrors; i++) {
		struct field_error *f = &r->errors[i];
		if (f->field && !strchr(f->field, '.'))
			f->field = arena_printf(r->arena, "lines.%s", f->field);
		f->row = row;
	}
}

/* One load line: {lot_id|lot_code, qty_g} or {sku_id, units[, lot_id|lot_code]}. */
static bool parse_load_line(struct req *r, json_t *l, int64_t row, struct linehaul_line_in *out)
{
	static const char *const fields[] = {"lot_id", "lot_code", "qty_g", "sku_id", "units", NULL};
	bool by_sku = json_object_get(l, "sku_id") != NULL;
	memset(out, 0, sizeof(*out));
	if (!jcheck_fields(r, l, fields))
		return false;
	if (by_sku) {
		bool ok = jget_int(r, l, "sku_id", true, 1, INT64_MAX, &out->sku_id) &
			  jget_int(r, l, "units", true, 1, 10000000, &out->units) &
			  jget_lot(r, l, row, false, &out->lot_id);
		if (ok && json_object_get(l, "qty_g")) {
			req_add_error(r, "qty_g", row, "按规格装车时填件数 units，不填 qty_g",
				      "a line by sku_id gives units, not qty_g");
			ok = false;
		}
		return ok;
	}
	if (json_object_get(l, "units")) {
		req_add_error(r, "sku_id", row, "按件数装车需要 sku_id", "units need sku_id");
		return false;
	}
	return jget_lot(r, l, row, true, &out->lot_id) &
	       jget_int(r, l, "qty_g", true, 1, MAX_GRAMS, &out->qty_g);
}

/* "lines" (optional unless required): the lines to load. */
static bool parse_load_lines(struct req *r, json_t *body, bool required,
			     struct linehaul_line_in **out, int *n)
{
	json_t *lines, *l;
	size_t i;
	bool ok = true;
	*n = 0;
	*out = NULL;
	if (!jget_array(r, body, "lines", required, LINEHAUL_MAX_LINES, &lines))
		return false;
	if (!lines)
		return true;
	if (required && json_array_size(lines) == 0) {
		req_add_error(r, "lines", 0, "至少需要一行", "lines: at least one line is needed");
		return false;
	}
	*out = arena_alloc(r->arena, (json_array_size(lines) + 1) * sizeof(**out));
	json_array_foreach(lines, i, l) {
		int from = r->nerrors;
		if (!parse_load_line(r, l, (int64_t)i + 1, &(*out)[i]))
			ok = false;
		relabel(r, from, (int64_t)i + 1);
	}
	*n = (int)json_array_size(lines);
	return ok;
}

static int reply_linehaul(struct req *r, int status, int64_t id)
{
	struct app_err e;
	json_t *out;
	if (linehaul_get(r->db, id, &out, &e))
		return reply_app(r, &e);
	return reply_json(r, status, out);
}

static int handle_create(struct req *r)
{
	static const char *const fields[] = {"from_warehouse_id", "to_warehouse_id", "truck_type",
					     "plate", "cost_fen", "lines", NULL};
	json_t *body = req_body_object(r);
	struct linehaul_in in = {0};
	struct linehaul_line_in *lines;
	int64_t id;
	char code[32];
	struct app_err e;
	if (!body)
		return reply_invalid(r);
	if (!jcheck_fields(r, body, fields) |
		    !jget_int(r, body, "from_warehouse_id", true, 1, INT64_MAX, &in.from_warehouse_id) |
		    !jget_int(r, body, "to_warehouse_id", true, 1, INT64_MAX, &in.to_warehouse_id) |
		    !jget_str(r, body, "truck_type", false, 40, &in.truck_type) |
		    !jget_str(r, body, "plate", false, 20, &in.plate) |
		    !jget_int(r, body, "cost_fen", false, 0, MAX_COST_FEN, &in.cost_fen) ||
	    !parse_load_lines(r, body, false, &lines, &in.nlines))
		return reply_invalid(r);
	if (!at_warehouse(r->user, in.from_warehouse_id))
		return reply_forbidden(r); /* only the origin side creates */
	in.lines = lines;
	in.today = today_shanghai(r);
	if (linehaul_create(r->db, &in, r->user->id, &id, code, &e))
		return reply_app(r, &e);
	int rc = audit(r, "linehaul.create", "linehaul", id_text(r, id),
		       arena_printf(r->arena, "{\"code\":\"%s\",\"from_warehouse_id\":%lld,"
					      "\"to_warehouse_id\":%lld,\"cost_fen\":%lld,\"lines\":%d}",
				    code, (long long)in.from_warehouse_id, (long long)in.to_warehouse_id,
				    (long long)in.cost_fen, in.nlines));
	if (rc)
		return reply_store_error(r, rc);
	return reply_linehaul(r, 201, id);
}

static int handle_load(struct req *r)
{
	static const char *const fields[] = {"lines", NULL};
	struct linehaul_info lh;
	struct linehaul_line_in *lines;
	int n;
	struct app_err e;
	json_t *body = req_body_object(r);
	if (!visible_linehaul(r, &lh))
		return 0;
	if (!at_warehouse(r->user, lh.from_warehouse_id))
		return reply_forbidden(r);
	if (!body || !jcheck_fields(r, body, fields) || !parse_load_lines(r, body, true, &lines, &n))
		return reply_invalid(r);
	if (linehaul_load(r->db, lh.id, lines, n, today_shanghai(r), &e))
		return reply_app(r, &e);
	int rc = audit(r, "linehaul.load", "linehaul", id_text(r, lh.id),
		       arena_printf(r->arena, "{\"code\":\"%s\",\"lines\":%d}", lh.code, n));
	if (rc)
		return reply_store_error(r, rc);
	return reply_linehaul(r, 200, lh.id);
}

static bool parse_unload_lines(struct req *r, json_t *body, int64_t **lots, int64_t **grams, int *n)
{
	static const char *const fields[] = {"lot_id", "lot_code", "qty_g", NULL};
	json_t *lines, *l;
	size_t i;
	bool ok = true;
	*n = 0;
	if (!jget_array(r, body, "lines", true, LINEHAUL_MAX_LINES, &lines))
		return false;
	if (json_array_size(lines) == 0) {
		req_add_error(r, "lines", 0, "至少需要一行", "lines: at least one line is needed");
		return false;
	}
	*lots = arena_alloc(r->arena, json_array_size(lines) * sizeof(**lots));
	*grams = arena_alloc(r->arena, json_array_size(lines) * sizeof(**grams));
	json_array_foreach(lines, i, l) {
		int from = r->nerrors;
		(*grams)[i] = 0;
		if (!jcheck_fields(r, l, fields) || !jget_lot(r, l, (int64_t)i + 1, true, &(*lots)[i]) |
			    !jget_int(r, l, "qty_g", false, 1, MAX_GRAMS, &(*grams)[i]))
			ok = false;
		relabel(r, from, (int64_t)i + 1);
	}
	*n = (int)json_array_size(lines);
	return ok;
}

static int handle_unload(struct req *r)
{
	static const char *const fields[] = {"lines", NULL};
	struct linehaul_info lh;
	int64_t *lots, *grams;
	int n;
	struct app_err e;
	json_t *body = req_body_object(r);
	if (!visible_linehaul(r, &lh))
		return 0;
	if (!at_warehouse(r->user, lh.from_warehouse_id))
		return reply_forbidden(r); /* only the origin side unloads */
	if (!body || !jcheck_fields(r, body, fields) || !parse_unload_lines(r, body, &lots, &grams, &n))
		return reply_invalid(r);
	for (int i = 0; i < n; i++)
		if (linehaul_unload(r->db, lh.id, lots[i], grams[i], &e)) {
			e.row = i + 1;
			return reply_app(r, &e);
		}
	int rc = audit(r, "linehaul.unload", "linehaul", id_text(r, lh.id),
		       arena_printf(r->arena, "{\"code\":\"%s\",\"lines\":%d}", lh.code, n));
	if (rc)
		return reply_store_error(r, rc);
	return reply_linehaul(r, 200, lh.id);
}

static int handle_dispatch(struct req *r)
{
	static const char *const fields[] = {"cost_fen", NULL};
	struct linehaul_info lh;
	int64_t cost = -1;
	struct app_err e;
	json_t *body = req_body_object(r);
	if (!visible_linehaul(r, &lh))
		return 0;
	if (!at_warehouse(r->user, lh.from_warehouse_id))
		return reply_forbidden(r); /* only the origin side dispatches */
	if (!body || !jcheck_fields(r, body, fields) ||
	    !jget_int(r, body, "cost_fen", false, 0, MAX_COST_FEN, &cost))
		return reply_invalid(r);
	if (linehaul_dispatch(r->db, lh.id, cost, r->user->id, &e))
		return reply_app(r, &e);
	int rc = audit(r, "linehaul.dispatch", "linehaul", id_text(r, lh.id),
		       arena_printf(r->arena, "{\"code\":\"%s\",\"cost_fen\":%lld}", lh.code,
				    (long long)(cost >= 0 ? cost : lh.cost_fen)));
	if (rc)
		return reply_store_error(r, rc);
	return reply_linehaul(r, 200, lh.id);
}

static bool parse_receive_lines(struct req *r, json_t *body, struct linehaul_recv_in **out, int *n)
{
	static const char *const fields[] = {"lot_id", "lot_code", "received_g", "damaged_g", "note",
					     NULL};
	json_t *lines, *l;
	size_t i;
	bool ok = true;
	*n = 0;
	*out = NULL;
	if (!jget_array(r, body, "lines", false, LINEHAUL_MAX_LINES, &lines))
		return false;
	if (!lines)
		return true;
	*out = arena_alloc(r->arena, (json_array_size(lines) + 1) * sizeof(**out));
	json_array_foreach(lines, i, l) {
		int from = r->nerrors;
		struct linehaul_recv_in *x = &(*out)[i];
		memset(x, 0, sizeof(*x));
		if (!jcheck_fields(r, l, fields) || !jget_lot(r, l, (int64_t)i + 1, true, &x->lot_id) |
			    !jget_int(r, l, "received_g", true, 0, MAX_GRAMS, &x->received_g) |
			    !jget_int(r, l, "damaged_g", false, 0, MAX_GRAMS, &x->damaged_g) |
			    !jget_str(r, l, "note", false, 200, &x->note))
			ok = false;
		relabel(r, from, (int64_t)i + 1);
	}
	*n = (int)json_array_size(lines);
	return ok;
}

static int handle_receive(struct req *r)
{
	static const char *const fields[] = {"lines", NULL};
	struct linehaul_info lh;
	struct linehaul_recv_in *lines;
	int n;
	struct app_err e;
	json_t *body = req_body_object(r), *out;
	if (!visible_linehaul(r, &lh))
		return 0;
	if (!at_warehouse(r->user, lh.to_warehouse_id))
		return reply_forbidden(r); /* only the receiving side receives */
	if (!body || !jcheck_fields(r, body, fields) || !parse_receive_lines(r, body, &lines, &n))
		return reply_invalid(r);
	if (linehaul_receive(r->db, lh.id, lines, n, r->user->id, &e))
		return reply_app(r, &e);
	struct realloc_scope filled = {.warehouse_id = lh.to_warehouse_id};
	if (reallocate_after(r, &filled, "linehaul.receive"))
		return 0;
	if (linehaul_get(r->db, lh.id, &out, &e))
		return reply_app(r, &e);
	int64_t shortage = 0, damaged = 0;
	json_t *l;
	size_t i;
	json_array_foreach(json_object_get(out, "lines"), i, l) {
		shortage += json_integer_value(json_object_get(l, "shortage_g"));
		damaged += json_integer_value(json_object_get(l, "damaged_g"));
	}
	int rc = audit(r, "linehaul.receive", "linehaul", id_text(r, lh.id),
		       arena_printf(r->arena, "{\"code\":\"%s\",\"shortage_g\":%lld,\"damaged_g\":%lld}",
				    lh.code, (long long)shortage, (long long)damaged));
	if (rc) {
		json_decref(out);
		return reply_store_error(r, rc);
	}
	return reply_json(r, 200, out);
}

static int handle_get(struct req *r)
{
	struct linehaul_info lh;
	if (!visible_linehaul(r, &lh))
		return 0;
	return reply_linehaul(r, 200, lh.id);
}

static int handle_list(struct req *r)
{
	static const char *const statuses[] = {"loading", "dispatched", "received", NULL};
	int64_t wh = 0, limit, offset;
	const char *status = req_query(r, "status"), *whs = req_query(r, "warehouse_id");
	struct app_err e;
	json_t *out;
	if (whs && (parse_int64(str_from(whs), &wh) || wh <= 0))
		req_add_error(r, "warehouse_id", 0, "须为正整数编号", "warehouse_id must be a positive id");
	if (status) {
		bool known = false;
		for (int i = 0; statuses[i]; i++)
			known |= !strcmp(status, statuses[i]);
		if (!known)
			req_add_error(r, "status", 0, "状态无效",
				      arena_printf(r->arena, "status: unknown value '%s'", status));
	}
	if (r->nerrors)
		return reply_invalid(r);
	req_paging(r, &limit, &offset);
	if (linehauls_list(r->db, wh, status, warehouses_of(r->user), limit, offset, &out, &e))
		return reply_app(r, &e);
	return reply_json(r, 200, out);
}

static int handle_costs(struct req *r)
{
	struct app_err e;
	json_t *out;
	if (linehaul_costs(r->db, warehouses_of(r->user), &out, &e))
		return reply_app(r, &e);
	return reply_json(r, 200, out);
}

/* ---- the printable manifest ---- */

static const char *jtext(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static int64_t jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Grams as kilograms with three decimals ("12.345"). */
static const char *kg_text(struct req *r, int64_t g)
{
	return arena_printf(r->arena, "%s%lld.%03lld", g < 0 ? "-" : "", (long long)(g < 0 ? -g : g) / 1000,
			    (long long)(g < 0 ? -g : g) % 1000);
}

/* An instant "…Z" as Shanghai local time, or "—". */
static const char *local_time(struct req *r, const char *iso)
{
	int64_t s;
	char out[32];
	if (!iso || !*iso || time_parse_iso(iso, strlen(iso), &s))
		return "—";
	time_format_shanghai(s, out, sizeof(out));
	return arena_printf(r->arena, "%s", out);
}

static const char manifest_css[] =
	"<style>table.m{border-collapse:collapse;width:100%;font-size:10pt}"
	"table.m th,table.m td{border:1px solid #000;padding:1mm 2mm;text-align:left}"
	"table.m td.n{text-align:right}.sign{display:flex;gap:20mm;margin-top:12mm}"
	".sign div{border-top:1px solid #000;min-width:50mm;padding-top:1mm}"
	"@media print{@page{size:A4;margin:12mm}}</style>";

static void manifest_head(struct req *r, struct buf *b, json_t *lh)
{
	struct arena *a = r->arena;
	char cost[40];
	yuan_format(jint(lh, "cost_fen"), cost, sizeof(cost));
	buf_printf(b, "<h1>干线运输清单 <small>Line-haul manifest</small> %s</h1>",
		   html_escape(a, jtext(lh, "code")));
	buf_printf(b, "<p>发货仓 From: %s %s → 收货仓 To: %s %s</p>",
		   html_escape(a, jtext(lh, "from_warehouse_code")),
		   html_escape(a, jtext(lh, "from_warehouse_name")),
		   html_escape(a, jtext(lh, "to_warehouse_code")),
		   html_escape(a, jtext(lh, "to_warehouse_name")));
	buf_printf(b, "<p>车型 Truck: %s · 车牌 Plate: %s · 状态 Status: %s · 运费 Cost: %s</p>",
		   html_escape(a, jtext(lh, "truck_type")), html_escape(a, jtext(lh, "plate")),
		   html_escape(a, jtext(lh, "status")), html_escape(a, cost));
	buf_printf(b, "<p>发车 Dispatched: %s · 到达 Received: %s</p>",
		   html_escape(a, local_time(r, jtext(lh, "dispatched_at"))),
		   html_escape(a, local_time(r, jtext(lh, "received_at"))));
}

static void manifest_lines(struct req *r, struct buf *b, json_t *lh)
{
	struct arena *a = r->arena;
	json_t *l;
	size_t i;
	int64_t total = 0, units = 0;
	buf_adds(b, "<table class=\"m\"><thead><tr><th>#</th><th>批次 Lot</th><th>产品 Product</th>"
		    "<th>等级 Grade</th><th>规格 SKU</th><th>件数 Units</th><th>装车 kg</th>"
		    "<th>保质期至 Best before</th><th>实收 kg</th><th>破损 kg</th><th>短少 kg</th>"
		    "</tr></thead><tbody>");
	json_array_foreach(json_object_get(lh, "lines"), i, l) {
		json_t *recv = json_object_get(l, "received_g");
		bool received = json_is_integer(recv);
		total += jint(l, "loaded_g");
		units += jint(l, "units");
		buf_printf(b, "<tr><td class=\"n\">%zu</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
			      "<td class=\"n\">%lld</td><td class=\"n\">%s</td><td>%s</td>"
			      "<td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>",
			   i + 1, html_escape(a, jtext(l, "lot_code")), html_escape(a, jtext(l, "product_name")),
			   html_escape(a, jtext(l, "grade_name")), html_escape(a, jtext(l, "sku_code")),
			   (long long)jint(l, "units"), kg_text(r, jint(l, "loaded_g")),
			   html_escape(a, jtext(l, "expires_on")),
			   received ? kg_text(r, json_integer_value(recv)) : "",
			   received ? kg_text(r, jint(l, "damaged_g")) : "",
			   received ? kg_text(r, jint(l, "shortage_g")) : "");
	}
	buf_printf(b, "</tbody><tfoot><tr><th colspan=\"5\">合计 Total</th><td class=\"n\">%lld</td>"
		      "<td class=\"n\">%s</td><td colspan=\"4\"></td></tr></tfoot></table>",
		   (long long)units, kg_text(r, total));
	buf_adds(b, "<div class=\"sign\"><div>发货人 Shipper</div><div>司机 Driver</div>"
		    "<div>收货人 Receiver</div></div>");
}

static int handle_manifest(struct req *r)
{
	struct linehaul_info lh;
	struct app_err e;
	json_t *out;
	struct buf b;
	if (linehaul_info_load(r->db, 0, r->params[0], &lh, &e))
		return reply_app(r, &e);
	if (!at_warehouse(r->user, lh.from_warehouse_id) && !at_warehouse(r->user, lh.to_warehouse_id))
		return reply_forbidden(r);
	if (linehaul_get(r->db, lh.id, &out, &e))
		return reply_app(r, &e);
	buf_init(&b, 16u << 20);
	html_begin(&b, r->arena, arena_printf(r->arena, "干线运输清单 %s", lh.code));
	buf_adds(&b, manifest_css);
	manifest_head(r, &b, out);
	manifest_lines(r, &b, out);
	json_decref(out);
	html_end(&b);
	int rc = b.p ? reply_raw(r, 200, "text/html; charset=utf-8", b.p, b.n)
		     : reply_error(r, 500, "internal", NULL, "页面生成失败", "page too large");
	buf_release(&b);
	return rc;
}

#define READERS (ROLE_ADMIN | ROLE_OFFICE | ROLE_WAREHOUSE)
#define WRITERS (ROLE_ADMIN | ROLE_WAREHOUSE)

const struct route linehaul_routes[] = {
	{"GET", "/api/v1/linehauls", handle_list, READERS, 0, "list line-hauls"},
	{"POST", "/api/v1/linehauls", handle_create, WRITERS, 0,
	 "create a line-haul origin -> sales warehouse, optionally with lots to load"},
	{"GET", "/api/v1/linehauls/costs", handle_costs, READERS, 0,
	 "line-haul cost per kg by route and truck type"},
	{"GET", "/api/v1/linehauls/{id}", handle_get, READERS, 0, "one line-haul with its lines"},
	{"POST", "/api/v1/linehauls/{id}/load", handle_load, WRITERS, 0,
	 "load lots onto a line-haul (by lot, or by SKU and units with FEFO)"},
	{"POST", "/api/v1/linehauls/{id}/unload", handle_unload, WRITERS, 0,
	 "take lots off a line-haul still loading, releasing their reservation"},
	{"POST", "/api/v1/linehauls/{id}/dispatch", handle_dispatch, WRITERS, 0,
	 "dispatch a loaded line-haul: its stock goes into transit"},
	{"POST", "/api/v1/linehauls/{id}/receive", handle_receive, WRITERS, 0,
	 "receive a line-haul at the sales warehouse, recording shortage and damage per lot"},
	{"GET", "/print/manifest/{code}", handle_manifest, READERS, 0,
	 "printable line-haul manifest (HTML)"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
