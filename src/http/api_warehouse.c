/*
 * Origin-warehouse work over HTTP: transfers of source lots from a
 * collection point to the origin warehouse (send, receive with shortage),
 * packing runs (many lots in, packed lots + weighed grade-outs and losses
 * out, flagged when the grams do not agree), lots with their trace and mass
 * balance, stock by lot and location in FEFO order, stock adjustments
 * (stocktake, spoilage, expiry, damage, found) and the printable lot label
 * with the QR code of the public trace page. Thin: JSON is validated here
 * (unknown fields refused), the caller's scope is checked, and
 * src/app/transfers.c, packing.c, lots.c and adjustments.c do the work
 * inside the writer's transaction (a refusal rolls everything back).
 *
 * Scope: admin and office see everything (office only reads). A warehouse
 * operator works at its own warehouses: it receives transfers into them,
 * packs and adjusts there, and sees their stock and lots (and stock in
 * transit to or from them). A collector sends transfers from its own points
 * (to the point's origin warehouse unless another origin warehouse is
 * named) and sees its points' transfers, stock and source lots. Objects
 * outside the caller's scope: 403 for ids, 404 for lot codes (as the trace
 * does, so codes cannot be probed).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/adjustments.h"
#include "app/lots.h"
#include "app/packing.h"
#include "app/transfers.h"
#include "http/html.h"
#include "http/qr.h"
#include "http/reallocate.h"
#include "http/routes.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#define MAX_GRAMS 1000000000000LL /* 1000 t: anything above is a typo */
#define MAX_LINES 500

static const int64_t no_ids[1] = {0};

/* ---- scope ---- */

static bool sees_all(const struct user *u)
{
	return u->role == ROLE_ADMIN || u->role == ROLE_OFFICE;
}

/* The caller's warehouses (ids NULL: all; a collector has none). */
static struct wh_scope warehouses_of(const struct user *u)
{
	if (sees_all(u))
		return (struct wh_scope){NULL, 0};
	if (u->role != ROLE_WAREHOUSE || !u->warehouses)
		return (struct wh_scope){no_ids, 0};
	return (struct wh_scope){u->warehouses, u->nwarehouses};
}

/* The caller's collection points (ids NULL: all; a warehouse operator has none). */
static struct wh_scope points_of(const struct user *u)
{
	if (sees_all(u))
		return (struct wh_scope){NULL, 0};
	if (u->role != ROLE_COLLECTOR || !u->points)
		return (struct wh_scope){no_ids, 0};
	return (struct wh_scope){u->points, u->npoints};
}

static struct wh_view view_of(const struct user *u)
{
	return (struct wh_view){warehouses_of(u), points_of(u)};
}

/* May the caller work at (or read) this warehouse? */
static bool at_warehouse(const struct user *u, int64_t warehouse_id)
{
	return sees_all(u) || (u->role == ROLE_WAREHOUSE && user_has_warehouse(u, warehouse_id));
}

static bool at_point(const struct user *u, int64_t point_id)
{
	return sees_all(u) || (u->role == ROLE_COLLECTOR && user_has_point(u, point_id));
}

/* ---- small parsers ---- */

static bool parse_path_id(struct req *r, int64_t *id)
{
	return !parse_int64(str_from(r->params[0]), id) && *id > 0;
}

/* ?name= as a positive id; absent: 0. False (error recorded) if malformed. */
static bool query_id(struct req *r, const char *name, int64_t *out)
{
	const char *s = req_query(r, name);
	*out = 0;
	if (!s)
		return true;
	if (parse_int64(str_from(s), out) || *out <= 0) {
		req_add_error(r, name, 0, "须为正整数编号", arena_printf(r->arena, "%s must be a positive id", name));
		return false;
	}
	return true;
}

/* ?name= as a date YYYY-MM-DD; absent: NULL. */
static bool query_date(struct req *r, const char *name, const char **out)
{
	const char *s = req_query(r, name);
	int64_t day;
	*out = NULL;
	if (!s)
		return true;
	if (date_parse(s, strlen(s), &day)) {
		req_add_error(r, name, 0, "日期格式须为 YYYY-MM-DD",
			      arena_printf(r->arena, "%s must be a date YYYY-MM-DD", name));
		return false;
	}
	*out = s;
	return true;
}

/* ?name= one of allowed; absent: NULL. */
static bool query_enum(struct req *r, const char *name, const char *const *allowed,
		       const char **out)
{
	const char *s = req_query(r, name);
	*out = NULL;
	if (!s)
		return true;
	for (int i = 0; allowed[i]; i++)
		if (!strcmp(s, allowed[i])) {
			*out = allowed[i];
			return true;
		}
	req_add_error(r, name, 0, "取值无效", arena_printf(r->arena, "%s: unknown value '%s'", name, s));
	return false;
}

/* ?name=0|1; absent: -1. */
static bool query_bool(struct req *r, const char *name, int *out)
{
	static const char *const words[] = {"0", "1", "false", "true", NULL};
	const char *s;
	*out = -1;
	if (!query_enum(r, name, words, &s))
		return false;
	if (s)
		*out = !strcmp(s, "1") || !strcmp(s, "true");
	return true;
}

/* A lot named by "lot_id" or "lot_code" in item (row: 1-based list row or
 * 0); field names the list for errors ("lines"). */
static bool jget_lot(struct req *r, json_t *item, const char *list, int64_t row, int64_t *lot_id)
{
	const char *code = NULL;
	*lot_id = 0;
	const char *f_id = list ? arena_printf(r->arena, "%s.lot_id", list) : "lot_id";
	json_t *v = json_object_get(item, "lot_id");
	if (v && (!json_is_integer(v) || json_integer_value(v) <= 0)) {
		req_add_error(r, f_id, row, "批次编号须为正整数", "lot_id must be a positive id");
		return false;
	}
	if (v)
		*lot_id = json_integer_value(v);
	if (!jget_str(r, item, "lot_code", false, 64, &code))
		return false;
	if (code) {
		int64_t id = lot_find_by_code(r->db, code);
		if (!id || (*lot_id && *lot_id != id)) {
			req_add_error(r, f_id, row, "批次码不存在或与批次编号不符",
				      arena_printf(r->arena, "unknown lot code '%s'", code));
			return false;
		}
		*lot_id = id;
	}
	if (!*lot_id) {
		req_add_error(r, f_id, row, "需要批次编号或批次码", "lot_id or lot_code is required");
		return false;
	}
	return true;
}

/* Errors from jget_* on a list item get the list's name and the row. */
static void relabel(struct req *r, int from, const char *list, int64_t row)
{
	for (int i = from; i < r->nerrors; i++) {
		struct field_error *f = &r->errors[i];
		if (f->field && !strchr(f->field, '.'))
			f->field = arena_printf(r->arena, "%s.%s", list, f->field);
		f->row = row;
	}
}

/* A service error naming a row of a list: its field is put under the list. */
static int reply_app_list(struct req *r, const struct app_err *e, const char *list)
{
	const char *field = e->field[0] ? e->field : NULL;
	if (e->row && field && !strchr(field, '.'))
		field = arena_printf(r->arena, "%s.%s", list, field);
	if (e->status == 422 && field) {
		req_add_error(r, field, e->row, e->message_zh, e->message_en);
		return reply_invalid(r);
	}
	return reply_error(r, e->status, e->code, field, e->message_zh, e->message_en);
}

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(r->arena, "%lld", (long long)id);
}

/* ---- transfers ---- */

static const char *const transfer_fields[] = {"point_id", "warehouse_id", "lines", NULL};
static const char *const transfer_line_fields[] = {"lot_id", "lot_code", "qty_g", NULL};
static const char *const receive_fields[] = {"lines", NULL};
static const char *const receive_line_fields[] = {"lot_id", "lot_code", "received_g", NULL};

static bool parse_transfer_lines(struct req *r, json_t *body, struct transfer_line_in **out, int *n)
{
	json_t *lines, *l;
	size_t i;
	bool ok = true;
	*n = 0;
	if (!jget_array(r, body, "lines", true, MAX_LINES, &lines))
		return false;
	if (json_array_size(lines) == 0) {
		req_add_error(r, "lines", 0, "至少需要一个批次", "lines: at least one lot is needed");
		return false;
	}
	*out = arena_alloc(r->arena, json_array_size(lines) * sizeof(**out));
	json_array_foreach(lines, i, l) {
		int from = r->nerrors;
		struct transfer_line_in *t = &(*out)[i];
		if (!jcheck_fields(r, l, transfer_line_fields) ||
		    !jget_lot(r, l, "lines", (int64_t)i + 1, &t->lot_id) |
			    !jget_int(r, l, "qty_g", true, 1, MAX_GRAMS, &t->qty_g))
			ok = false;
		relabel(r, from, "lines", (int64_t)i + 1);
	}
	*n = (int)json_array_size(lines);
	return ok;
}

static int handle_transfer_create(struct req *r)
{
	json_t *body = req_body_object(r);
	int64_t point_id, warehouse_id = 0, id;
	struct transfer_line_in *lines = NULL;
	int n = 0;
	char code[32];
	struct app_err e;
	if (!body)
		return reply_invalid(r);
	if (!jcheck_fields(r, body, transfer_fields) |
		    !jget_int(r, body, "point_id", true, 1, INT64_MAX, &point_id) |
		    !jget_int(r, body, "warehouse_id", false, 1, INT64_MAX, &warehouse_id) ||
	    !parse_transfer_lines(r, body, &lines, &n))
		return reply_invalid(r);
	if (!warehouse_id && !(warehouse_id = transfer_default_warehouse(r->db, point_id))) {
		req_add_error(r, "warehouse_id", 0, "收购点没有对应的产地仓，请指定调入仓",
			      "the point has no origin warehouse; name warehouse_id");
		return reply_invalid(r);
	}
	if (!at_point(r->user, point_id) && !at_warehouse(r->user, warehouse_id))
		return reply_forbidden(r);
	if (transfer_send(r->db, point_id, warehouse_id, lines, n, r->user->id, &id, code, &e))
		return reply_app_list(r, &e, "lines");
	int rc = audit(r, "transfer.send", "transfer", id_text(r, id),
		       arena_printf(r->arena, "{\"code\":\"%s\",\"point_id\":%lld,\"warehouse_id\":%lld,\"lines\":%d}",
				    code, (long long)point_id, (long long)warehouse_id, n));
	if (rc)
		return reply_store_error(r, rc);
	json_t *t;
	if (transfer_get(r->db, id, &t, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 201, t);
}

/* Load a transfer the caller may see (else the reply is made: 404/403). */
static bool visible_transfer(struct req *r, struct transfer_info *t)
{
	int64_t id;
	struct app_err e;
	if (!parse_path_id(r, &id)) {
		reply_not_found(r, "调拨单 transfer");
		return false;
	}
	if (transfer_info_load(r->db, id, t, &e)) {
		reply_app_error(r, &e);
		return false;
	}
	if (!at_point(r->user, t->point_id) && !at_warehouse(r->user, t->warehouse_id)) {
		reply_forbidden(r);
		return false;
	}
	return true;
}

static int handle_transfer_get(struct req *r)
{
	struct transfer_info t;
	struct app_err e;
	json_t *out;
	if (!visible_transfer(r, &t))
		return 0;
	if (transfer_get(r->db, t.id, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

static bool parse_receive_lines(struct req *r, json_t *body, struct transfer_recv_in **out, int *n)
{
	json_t *lines, *l;
	size_t i;
	bool ok = true;
	*n = 0;
	if (!jget_array(r, body, "lines", false, MAX_LINES, &lines))
		return false;
	if (!lines)
		return true;
	*out = arena_alloc(r->arena, (json_array_size(lines) + 1) * sizeof(**out));
	json_array_foreach(lines, i, l) {
		int from = r->nerrors;
		struct transfer_recv_in *t = &(*out)[i];
		if (!jcheck_fields(r, l, receive_line_fields) ||
		    !jget_lot(r, l, "lines", (int64_t)i + 1, &t->lot_id) |
			    !jget_int(r, l, "received_g", true, 0, MAX_GRAMS, &t->received_g))
			ok = false;
		relabel(r, from, "lines", (int64_t)i + 1);
	}
	*n = (int)json_array_size(lines);
	return ok;
}

static int handle_transfer_receive(struct req *r)
{
	struct transfer_info t;
	struct transfer_recv_in *lines = NULL;
	int n = 0;
	struct app_err e;
	json_t *body = req_body_object(r), *out;
	if (!visible_transfer(r, &t))
		return 0;
	if (!at_warehouse(r->user, t.warehouse_id))
		return reply_forbidden(r); /* only the receiving warehouse receives */
	if (!body || !jcheck_fields(r, body, receive_fields) || !parse_receive_lines(r, body, &lines, &n))
		return reply_invalid(r);
	if (transfer_receive(r->db, t.id, lines, n, r->user->id, &e))
		return reply_app_list(r, &e, "lines");
	if (transfer_get(r->db, t.id, &out, &e))
		return reply_app_error(r, &e);
	int64_t shortage = 0;
	json_t *l;
	size_t i;
	json_array_foreach(json_object_get(out, "lines"), i, l)
		shortage += json_integer_value(json_object_get(l, "shortage_g"));
	int rc = audit(r, "transfer.receive", "transfer", id_text(r, t.id),
		       arena_printf(r->arena, "{\"code\":\"%s\",\"shortage_g\":%lld}", t.code,
				    (long long)shortage));
	if (rc) {
		json_decref(out);
		return reply_store_error(r, rc);
	}
	return reply_json(r, 200, out);
}

static int handle_transfer_list(struct req *r)
{
	static const char *const statuses[] = {"sent", "received", NULL};
	int64_t wh, pt, limit, offset;
	const char *status;
	struct app_err e;
	json_t *out;
	if (!query_id(r, "warehouse_id", &wh) | !query_id(r, "point_id", &pt) |
	    !query_enum(r, "status", statuses, &status))
		return reply_invalid(r);
	req_paging(r, &limit, &offset);
	struct wh_scope ws = warehouses_of(r->user), ps = points_of(r->user);
	if (!sees_all(r->user)) {
		/* a collector sees its points' transfers, an operator its warehouses' */
		if (r->user->role == ROLE_COLLECTOR)
			ws = (struct wh_scope){NULL, 0};
		else
			ps = (struct wh_scope){NULL, 0};
	}
	if (transfers_list(r->db, wh, pt, status, ws, ps, limit, offset, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

/* ---- packing ---- */

static const char *const packing_fields[] = {"warehouse_id", "packed_on", "inputs", "outputs",
					     "losses", "note", NULL};
static const char *const input_fields[] = {"lot_id", "lot_code", "used_g", NULL};
static const char *const output_fields[] = {"sku_id", "units", NULL};
static const char *const loss_fields[] = {"kind", "qty_g", "reason", NULL};

static bool parse_inputs(struct req *r, json_t *body, struct packing_in *in)
{
	json_t *list, *l;
	size_t i;
	bool ok = true;
	if (!jget_array(r, body, "inputs", true, PACK_MAX_LINES, &list))
		return false;
	struct pack_input *v = arena_alloc(r->arena, (json_array_size(list) + 1) * sizeof(*v));
	json_array_foreach(list, i, l) {
		int from = r->nerrors;
		if (!jcheck_fields(r, l, input_fields) ||
		    !jget_lot(r, l, "inputs", (int64_t)i + 1, &v[i].lot_id) |
			    !jget_int(r, l, "used_g", true, 1, MAX_GRAMS, &v[i].used_g))
			ok = false;
		relabel(r, from, "inputs", (int64_t)i + 1);
	}
	in->inputs = v;
	in->ninputs = (int)json_array_size(list);
	return ok;
}

static bool parse_outputs(struct req *r, json_t *body, struct packing_in *in)
{
	json_t *list, *l;
	size_t i;
	bool ok = true;
	if (!jget_array(r, body, "outputs", true, PACK_MAX_LINES, &list))
		return false;
	struct pack_output *v = arena_alloc(r->arena, (json_array_size(list) + 1) * sizeof(*v));
	json_array_foreach(list, i, l) {
		int from = r->nerrors;
		if (!jcheck_fields(r, l, output_fields) ||
		    !jget_int(r, l, "sku_id", true, 1, INT64_MAX, &v[i].sku_id) |
			    !jget_int(r, l, "units", true, 1, 10000000, &v[i].units))
			ok = false;
		relabel(r, from, "outputs", (int64_t)i + 1);
	}
	in->outputs = v;
	in->noutputs = (int)json_array_size(list);
	return ok;
}

static bool parse_losses(struct req *r, json_t *body, struct packing_in *in)
{
	static const char *const kinds[] = {"gradeout", "loss", NULL};
	json_t *list, *l;
	size_t i;
	bool ok = true;
	if (!jget_array(r, body, "losses", false, PACK_MAX_LINES, &list))
		return false;
	if (!list)
		return true;
	struct pack_loss *v = arena_alloc(r->arena, (json_array_size(list) + 1) * sizeof(*v));
	json_array_foreach(list, i, l) {
		int from = r->nerrors;
		if (!jcheck_fields(r, l, loss_fields) ||
		    !jget_enum(r, l, "kind", true, kinds, &v[i].kind) |
			    !jget_int(r, l, "qty_g", true, 0, MAX_GRAMS, &v[i].qty_g) |
			    !jget_str(r, l, "reason", true, 200, &v[i].reason))
			ok = false;
		relabel(r, from, "losses", (int64_t)i + 1);
	}
	in->losses = v;
	in->nlosses = (int)json_array_size(list);
	return ok;
}

static int handle_packing_create(struct req *r)
{
	json_t *body = req_body_object(r);
	struct packing_in in = {0};
	struct packing_result *res;
	struct app_err e;
	if (!body)
		return reply_invalid(r);
	if (!jcheck_fields(r, body, packing_fields) |
		    !jget_int(r, body, "warehouse_id", true, 1, INT64_MAX, &in.warehouse_id) |
		    !jget_date(r, body, "packed_on", false, &in.packed_on) |
		    !jget_str(r, body, "note", false, 500, &in.note) ||
	    !parse_inputs(r, body, &in) | !parse_outputs(r, body, &in) | !parse_losses(r, body, &in))
		return reply_invalid(r);
	if (!at_warehouse(r->user, in.warehouse_id))
		return reply_forbidden(r);
	if (!in.packed_on)
		in.packed_on = today_shanghai(r);
	res = arena_alloc(r->arena, sizeof(*res));
	if (packing_create(r->db, &in, r->user->id, res, &e))
		return reply_app_error(r, &e);
	struct realloc_scope filled = {.warehouse_id = in.warehouse_id};
	if (reallocate_after(r, &filled, "packing.create"))
		return 0;
	int rc = audit(r, "packing.create", "packing", id_text(r, res->id),
		       arena_printf(r->arena, "{\"code\":\"%s\",\"warehouse_id\":%lld,\"balanced\":%s,"
					      "\"difference_g\":%lld,\"lots\":%d}",
				    res->code, (long long)in.warehouse_id, res->balanced ? "true" : "false",
				    (long long)res->difference_g, res->nlots));
	if (rc)
		return reply_store_error(r, rc);
	json_t *out;
	if (packing_get(r->db, res->id, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 201, out);
}

static int handle_packing_get(struct req *r)
{
	int64_t id, wh;
	struct app_err e;
	json_t *out;
	if (!parse_path_id(r, &id))
		return reply_not_found(r, "包装记录 packing");
	if (packing_warehouse(r->db, id, &wh, &e))
		return reply_app_error(r, &e);
	if (!at_warehouse(r->user, wh))
		return reply_forbidden(r);
	if (packing_get(r->db, id, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

static int handle_packing_list(struct req *r)
{
	int64_t wh, limit, offset;
	int balanced;
	struct app_err e;
	json_t *out;
	if (!query_id(r, "warehouse_id", &wh) | !query_bool(r, "balanced", &balanced))
		return reply_invalid(r);
	req_paging(r, &limit, &offset);
	if (packings_list(r->db, wh, balanced, warehouses_of(r->user), limit, offset, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

/* ---- lots and stock ---- */

static bool parse_lot_filter(struct req *r, struct lot_filter *f)
{
	static const char *const kinds[] = {"source", "packed", NULL};
	static const char *const statuses[] = {"active", "consumed", "void", NULL};
	static const char *const flags[] = {"ok", "open", "mismatch", NULL};
	static const char *const locs[] = {"point", "warehouse", "transit", NULL};
	const char *lot;
	memset(f, 0, sizeof(*f));
	bool ok = query_enum(r, "kind", kinds, &f->kind) & query_enum(r, "status", statuses, &f->status) &
		  query_enum(r, "mass_flag", flags, &f->mass_flag) &
		  query_enum(r, "loc_kind", locs, &f->loc_kind) &
		  query_id(r, "product_id", &f->product_id) & query_id(r, "sku_id", &f->sku_id) &
		  query_id(r, "warehouse_id", &f->warehouse_id) & query_id(r, "point_id", &f->point_id) &
		  query_date(r, "expiring_before", &f->expiring_before) &
		  query_bool(r, "expired", &f->expired);
	if ((lot = req_query(r, "lot"))) {
		f->lot_id = lot_find_by_code(r->db, lot);
		if (!f->lot_id)
			f->lot_id = -1; /* matches nothing */
	}
	f->today = today_shanghai(r);
	req_paging(r, &f->limit, &f->offset);
	return ok;
}

static int handle_lot_list(struct req *r)
{
	struct lot_filter f;
	struct app_err e;
	json_t *out;
	if (!parse_lot_filter(r, &f))
		return reply_invalid(r);
	struct wh_view v = view_of(r->user);
	if (lots_list(r->db, &f, &v, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

/* The lot by code if the caller may see it (else 404, made here). */
static json_t *visible_lot(struct req *r, const char *code)
{
	struct app_err e;
	json_t *lot;
	struct wh_view v = view_of(r->user);
	if (lot_get(r->db, code, today_shanghai(r), &lot, &e)) {
		if (e.status == 404)
			reply_not_found(r, arena_printf(r->arena, "批次 lot '%s'", code));
		else
			reply_app_error(r, &e);
		return NULL;
	}
	if (!lot_visible(r->db, json_integer_value(json_object_get(lot, "id")), &v)) {
		json_decref(lot);
		reply_not_found(r, arena_printf(r->arena, "批次 lot '%s'", code));
		return NULL;
	}
	return lot;
}

static int handle_lot_get(struct req *r)
{
	json_t *lot = visible_lot(r, r->params[0]);
	return lot ? reply_json(r, 200, lot) : 0;
}

static int handle_stock_list(struct req *r)
{
	struct lot_filter f;
	struct app_err e;
	json_t *out;
	if (!parse_lot_filter(r, &f))
		return reply_invalid(r);
	struct wh_view v = view_of(r->user);
	if (stock_list(r->db, &f, &v, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

/* ---- adjustments ---- */

static const char *const adjustment_fields[] = {"lot_id",  "lot_code", "warehouse_id", "kind",
						"counted_g", "qty_g",  "reason",       NULL};

static int handle_adjustment_create(struct req *r)
{
	static const char *const kinds[] = {"stocktake", "spoilage", "expiry", "damage", "found", NULL};
	json_t *body = req_body_object(r);
	struct adjustment_in in = {0};
	struct adjustment_result res;
	struct app_err e;
	if (!body)
		return reply_invalid(r);
	if (!jcheck_fields(r, body, adjustment_fields) || !jget_lot(r, body, NULL, 0, &in.lot_id) |
		    !jget_int(r, body, "warehouse_id", true, 1, INT64_MAX, &in.warehouse_id) |
		    !jget_enum(r, body, "kind", true, kinds, &in.kind) |
		    !jget_int(r, body, "counted_g", false, 0, MAX_GRAMS, &in.counted_g) |
		    !jget_int(r, body, "qty_g", false, 1, MAX_GRAMS, &in.qty_g) |
		    !jget_str(r, body, "reason", true, 200, &in.reason))
		return reply_invalid(r);
	bool stocktake = !strcmp(in.kind, "stocktake");
	if (stocktake != (json_object_get(body, "counted_g") != NULL) ||
	    stocktake == (json_object_get(body, "qty_g") != NULL)) {
		req_add_error(r, stocktake ? "counted_g" : "qty_g", 0,
			      "盘点填 counted_g，其他调整填 qty_g",
			      "a stocktake gives counted_g; the other kinds give qty_g");
		return reply_invalid(r);
	}
	if (!at_warehouse(r->user, in.warehouse_id))
		return reply_forbidden(r);
	in.today = today_shanghai(r);
	if (adjustment_create(r->db, &in, r->user->id, &res, &e))
		return reply_app_error(r, &e);
	struct realloc_scope filled = {.warehouse_id = in.warehouse_id};
	if (res.delta_g > 0 && reallocate_after(r, &filled, "adjustment.create"))
		return 0;
	int rc = audit(r, "adjustment.create", "adjustment", id_text(r, res.id),
		       arena_printf(r->arena, "{\"code\":\"%s\",\"lot_id\":%lld,\"warehouse_id\":%lld,"
					      "\"kind\":\"%s\",\"delta_g\":%lld}",
				    res.code, (long long)in.lot_id, (long long)in.warehouse_id, in.kind,
				    (long long)res.delta_g));
	if (rc)
		return reply_store_error(r, rc);
	return reply_json(r, 201, json_pack("{s:I, s:s, s:I, s:I, s:s, s:I, s:I, s:I, s:s}", "id",
					    (json_int_t)res.id, "code", res.code, "lot_id",
					    (json_int_t)in.lot_id, "warehouse_id",
					    (json_int_t)in.warehouse_id, "kind", in.kind, "system_g",
					    (json_int_t)res.system_g, "delta_g", (json_int_t)res.delta_g,
					    "qty_g", (json_int_t)res.on_hand_g, "reason", in.reason));
}

static int handle_adjustment_list(struct req *r)
{
	static const char *const kinds[] = {"stocktake", "spoilage", "expiry", "damage", "found", NULL};
	int64_t wh, lot, limit, offset;
	const char *kind;
	struct app_err e;
	json_t *out;
	if (!query_id(r, "warehouse_id", &wh) | !query_id(r, "lot_id", &lot) |
	    !query_enum(r, "kind", kinds, &kind))
		return reply_invalid(r);
	req_paging(r, &limit, &offset);
	if (adjustments_list(r->db, wh, lot, kind, warehouses_of(r->user), limit, offset, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

/* ---- the lot label ---- */

/* The absolute URL of the lot's public trace page. */
static const char *trace_url(struct req *r, const char *code)
{
	const char *base = getenv("SHANHAI_PUBLIC_URL");
	if (base && *base)
		return arena_printf(r->arena, "%s/t/%s", base, code);
	const char *host = req_header(r, "Host");
	return arena_printf(r->arena, "http://%s/t/%s", host ? host : "localhost", code);
}

static const char *jtext(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static void label_row(struct buf *b, struct arena *a, const char *zh, const char *en,
		      const char *value)
{
	buf_printf(b, "<tr><th>%s <span class=\"en\">%s</span></th><td>%s</td></tr>", zh, en,
		   html_escape(a, value && *value ? value : "—"));
}

static const char label_css[] =
	"<style>.label{border:1px solid #000;padding:4mm;max-width:100mm;display:flex;gap:4mm}"
	".label table{border-collapse:collapse;font-size:11pt}.label th{text-align:left;"
	"padding-right:3mm;font-weight:normal;color:#444}.label .en{font-size:8pt}"
	".label .qr{width:32mm;height:32mm;flex:none}.label .code{font:bold 14pt monospace}"
	"@media print{@page{size:100mm 60mm;margin:2mm}.label{border:none}}</style>";

static int handle_label(struct req *r)
{
	const char *code = r->params[0];
	json_t *lot = visible_lot(r, code);
	struct buf b;
	if (!lot)
		return 0;
	const char *svg = qr_svg(r->arena, trace_url(r, code));
	if (!svg) {
		json_decref(lot);
		return reply_error(r, 500, "internal", NULL, "无法生成二维码", "cannot make the QR code");
	}
	json_t *net = json_object_get(lot, "sku_net_g");
	const char *sku = *jtext(lot, "sku_name")
				  ? arena_printf(r->arena, "%s（%s）", jtext(lot, "sku_name"), jtext(lot, "sku_code"))
				  : "";
	buf_init(&b, 1 << 20);
	html_begin(&b, r->arena, arena_printf(r->arena, "批次标签 %s", code));
	buf_adds(&b, label_css);
	buf_adds(&b, "<div class=\"label\"><div><table>");
	buf_printf(&b, "<tr><td colspan=\"2\" class=\"code\">%s</td></tr>", html_escape(r->arena, code));
	label_row(&b, r->arena, "产品", "Product", jtext(lot, "product_name"));
	label_row(&b, r->arena, "等级", "Grade", jtext(lot, "grade_name"));
	label_row(&b, r->arena, "规格", "SKU", sku);
	if (json_is_integer(net))
		label_row(&b, r->arena, "净含量", "Net",
			  arena_printf(r->arena, "%lld g", (long long)json_integer_value(net)));
	label_row(&b, r->arena, "采收日期", "Harvested", jtext(lot, "harvest_date"));
	label_row(&b, r->arena, "包装日期", "Packed", jtext(lot, "packed_on"));
	label_row(&b, r->arena, "保质期至", "Best before", jtext(lot, "expires_on"));
	buf_adds(&b, "</table></div><div class=\"qr\">");
	buf_adds(&b, svg);
	buf_adds(&b, "</div></div>");
	json_decref(lot);
	html_end(&b);
	int rc = b.p ? reply_raw(r, 200, "text/html; charset=utf-8", b.p, b.n)
		     : reply_error(r, 500, "internal", NULL, "页面生成失败", "page too large");
	buf_release(&b);
	return rc;
}

#define READERS (ROLE_ADMIN | ROLE_OFFICE | ROLE_WAREHOUSE)
#define READERS_AND_COLLECTORS (READERS | ROLE_COLLECTOR)

const struct route warehouse_routes[] = {
	{"GET", "/api/v1/transfers", handle_transfer_list, READERS_AND_COLLECTORS, 0,
	 "list transfers point -> origin warehouse"},
	{"POST", "/api/v1/transfers", handle_transfer_create,
	 ROLE_ADMIN | ROLE_WAREHOUSE | ROLE_COLLECTOR, 0,
	 "send source lots from a collection point to the origin warehouse"},
	{"GET", "/api/v1/transfers/{id}", handle_transfer_get, READERS_AND_COLLECTORS, 0,
	 "one transfer with its lines"},
	{"POST", "/api/v1/transfers/{id}/receive", handle_transfer_receive,
	 ROLE_ADMIN | ROLE_WAREHOUSE, 0, "receive a transfer at the warehouse, recording any shortage"},
	{"GET", "/api/v1/packings", handle_packing_list, READERS, 0, "list packing runs"},
	{"POST", "/api/v1/packings", handle_packing_create, ROLE_ADMIN | ROLE_WAREHOUSE, 0,
	 "record a packing run (grade, sort, pack)"},
	{"GET", "/api/v1/packings/{id}", handle_packing_get, READERS, 0,
	 "one packing run with inputs, outputs and losses"},
	{"GET", "/api/v1/lots", handle_lot_list, READERS_AND_COLLECTORS, 0, "list lots"},
	{"GET", "/api/v1/lots/{code}", handle_lot_get, READERS_AND_COLLECTORS, 0,
	 "one lot with its sources, stock, packing and mass balance"},
	{"GET", "/api/v1/stock", handle_stock_list, READERS_AND_COLLECTORS, 0,
	 "stock by lot and location, first expiry first"},
	{"GET", "/api/v1/adjustments", handle_adjustment_list, READERS, 0, "list stock adjustments"},
	{"POST", "/api/v1/adjustments", handle_adjustment_create, ROLE_ADMIN | ROLE_WAREHOUSE, 0,
	 "stocktake, spoilage, expiry, damage or found stock, with a reason"},
	{"GET", "/print/label/{code}", handle_label, READERS, 0,
	 "printable lot label with the QR code of its public trace page (HTML)"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
