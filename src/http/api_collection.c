/*
 * Village collection and household payments over HTTP (乡村集货与农户结算):
 * a collector records a household's delivery at one of its points (the
 * service weighs, prices and creates the source lot, src/app/collection.c),
 * reverses a mistaken entry, pays households (cash or bank transfer; never
 * more than owed, src/app/payments.c), lists collections, payments and the
 * payables (also as .xlsx), and prints the receipt of a delivery as an HTML
 * page. Thin: JSON is validated here (unknown fields refused), the caller's
 * scope is checked, the service does the work inside the writer's
 * transaction, and every write is audited.
 *
 * Scope: admin and office see everything (office only reads). A collector
 * works at its own points: it records and reverses there and sees the
 * collections of its points and the households of its points' villages.
 * Objects by id outside the scope answer 403; receipts by code answer 404
 * (codes cannot be probed). The receipt page is public by its random code,
 * but the household head's name only shows to logged-in staff who may see
 * that point.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/collection.h"
#include "app/payments.h"
#include "http/html.h"
#include "http/routes.h"
#include "io/xlsx_write.h"
#include "lib/buf.h"
#include "lib/money.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define MAX_PRICE_FEN 100000000LL /* 1,000,000 yuan per unit: anything above is a typo */
#define MAX_AMOUNT_FEN 100000000000LL

static const int64_t no_ids[1] = {0};

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(r->arena, "%lld", (long long)id);
}

static bool parse_path_id(struct req *r, int64_t *id)
{
	return !parse_int64(str_from(r->params[0]), id) && *id > 0;
}

/* ---- scope ---- */

static bool sees_all(const struct user *u)
{
	return u->role == ROLE_ADMIN || u->role == ROLE_OFFICE;
}

/* The caller's collection points (ids NULL: all; other roles: none). */
static struct point_scope points_of(const struct user *u)
{
	if (sees_all(u))
		return (struct point_scope){NULL, 0};
	if (u->role != ROLE_COLLECTOR || !u->points)
		return (struct point_scope){no_ids, 0};
	return (struct point_scope){u->points, u->npoints};
}

/* ---- query filters ---- */

/* ?name= as a positive id; absent: 0. False (error recorded) if malformed. */
static bool query_id(struct req *r, const char *name, int64_t *out)
{
	const char *v = req_query(r, name);
	*out = 0;
	if (!v)
		return true;
	if (parse_int64(str_from(v), out) || *out <= 0) {
		req_add_error(r, name, 0, "编号必须是正整数", "must be a positive integer id");
		return false;
	}
	return true;
}

/* ?name= as a YYYY-MM-DD date; absent: NULL. */
static bool query_date(struct req *r, const char *name, const char **out)
{
	const char *v = req_query(r, name);
	int64_t days;
	*out = NULL;
	if (!v)
		return true;
	if (date_parse(v, strlen(v), &days)) {
		req_add_error(r, name, 0, "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD");
		return false;
	}
	*out = v;
	return true;
}

/* ?name= as a division code of digits; absent: NULL. */
static bool query_code(struct req *r, const char *name, const char **out)
{
	const char *v = req_query(r, name);
	*out = NULL;
	if (!v)
		return true;
	size_t n = strlen(v);
	for (size_t i = 0; i < n; i++)
		if (v[i] < '0' || v[i] > '9')
			n = 0;
	if (n == 0 || n > 12) {
		req_add_error(r, name, 0, "区划代码应为 1..12 位数字", "division code must be 1..12 digits");
		return false;
	}
	*out = v;
	return true;
}

/* Filters shared by the lists: point_id, household_id, village, county,
 * cooperative_id, from, to, limit, offset. */
static bool parse_filter(struct req *r, struct list_filter *f)
{
	memset(f, 0, sizeof(*f));
	req_paging(r, &f->limit, &f->offset);
	return query_id(r, "point_id", &f->point_id) & query_id(r, "household_id", &f->household_id) &
	       query_id(r, "cooperative_id", &f->cooperative_id) &
	       query_id(r, "product_id", &f->product_id) & query_code(r, "village", &f->village) &
	       query_code(r, "county", &f->county) & query_date(r, "from", &f->from) &
	       query_date(r, "to", &f->to);
}

/* Mask the personal fields of each row for roles that may not see them. */
static void mask_rows(struct req *r, json_t *items)
{
	static const char *const fields[] = {"phone", "bank_account", "id_number"};
	json_t *row;
	size_t i;
	if (user_sees_personal(r->user))
		return;
	json_array_foreach(items, i, row) {
		for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
			json_t *v = json_object_get(row, fields[k]);
			if (json_is_string(v))
				json_object_set_new(row, fields[k],
						    json_string(mask_id_number(r, json_string_value(v))));
		}
	}
}

/* ---- collections ---- */

static const char *const collection_fields[] = {
    "point_id", "household_id", "product_id", "grade_id", "gross_g", "tare_g", "price_unit",
    "price_entered_fen", "collected_on", "harvest_date", "note", NULL};
static const char *const units[] = {"kg", "jin", NULL};

static bool parse_collection(struct req *r, json_t *body, struct collection_in *in)
{
	const char *unit = "kg";
	memset(in, 0, sizeof(*in));
	bool ok = jcheck_fields(r, body, collection_fields) &
		  jget_int(r, body, "point_id", true, 1, INT64_MAX, &in->point_id) &
		  jget_int(r, body, "household_id", true, 1, INT64_MAX, &in->household_id) &
		  jget_int(r, body, "product_id", false, 1, INT64_MAX, &in->product_id) &
		  jget_int(r, body, "grade_id", true, 1, INT64_MAX, &in->grade_id) &
		  jget_int(r, body, "gross_g", true, 1, COLLECTION_MAX_GROSS_G, &in->gross_g) &
		  jget_int(r, body, "tare_g", false, 0, COLLECTION_MAX_GROSS_G, &in->tare_g) &
		  jget_enum(r, body, "price_unit", false, units, &unit) &
		  jget_date(r, body, "collected_on", false, &in->collected_on) &
		  jget_date(r, body, "harvest_date", false, &in->harvest_date) &
		  jget_str(r, body, "note", false, 500, &in->note);
	if (json_object_get(body, "price_entered_fen")) {
		in->has_price = true;
		ok &= jget_int(r, body, "price_entered_fen", true, 0, MAX_PRICE_FEN, &in->price_entered_fen);
	}
	if (ok && in->tare_g >= in->gross_g) {
		req_add_error(r, "tare_g", 0, "皮重必须小于毛重", "tare_g must be less than gross_g");
		ok = false;
	}
	in->unit = unit && !strcmp(unit, "jin") ? PRICE_PER_JIN : PRICE_PER_KG;
	return ok;
}

static json_t *collection_out_json(const struct collection_out *o)
{
	return json_pack("{s:I, s:s, s:I, s:s, s:I, s:I, s:I, s:I}", "id", (json_int_t)o->id, "code",
			 o->code, "lot_id", (json_int_t)o->lot_id, "lot_code", o->lot_code, "net_g",
			 (json_int_t)o->net_g, "price_fen_per_kg", (json_int_t)o->price_fen_per_kg,
			 "amount_fen", (json_int_t)o->amount_fen, "balance_fen",
			 (json_int_t)o->balance_fen);
}

static int handle_collection_create(struct req *r)
{
	json_t *body = req_body_object(r);
	struct collection_in in;
	struct collection_out out;
	struct app_err e;
	if (!body || !parse_collection(r, body, &in))
		return reply_invalid(r);
	if (!user_has_point(r->user, in.point_id))
		return reply_forbidden(r);
	in.at_ms = now_ms();
	in.collector_id = r->user->id;
	if (collection_create(r->db, &in, &out, &e))
		return reply_app_error(r, &e);
	int rc = audit(r, "collection.create", "collection", id_text(r, out.id),
		       arena_printf(r->arena,
				    "{\"code\":\"%s\",\"lot\":\"%s\",\"point_id\":%lld,"
				    "\"household_id\":%lld,\"net_g\":%lld,\"amount_fen\":%lld}",
				    out.code, out.lot_code, (long long)in.point_id,
				    (long long)in.household_id, (long long)out.net_g,
				    (long long)out.amount_fen));
	if (rc)
		return reply_store_error(r, rc);
	return reply_json(r, 201, collection_out_json(&out));
}

/* The collection in the path if the caller may see it (else a reply is made). */
static bool visible_collection(struct req *r, int64_t *id)
{
	int64_t point_id;
	struct app_err e;
	if (!parse_path_id(r, id)) {
		reply_not_found(r, "收购记录 collection");
		return false;
	}
	if (collection_point_of(r->db, *id, &point_id, &e)) {
		reply_app_error(r, &e);
		return false;
	}
	if (!user_has_point(r->user, point_id)) {
		reply_forbidden(r);
		return false;
	}
	return true;
}

static const char *const reverse_fields[] = {"reason", NULL};

static int handle_collection_reverse(struct req *r)
{
	json_t *body = req_body_object(r);
	const char *reason = NULL;
	int64_t id;
	struct collection_out out;
	struct app_err e;
	if (!visible_collection(r, &id))
		return 0;
	if (!body || !jcheck_fields(r, body, reverse_fields) ||
	    !jget_str(r, body, "reason", true, 500, &reason))
		return reply_invalid(r);
	if (collection_reverse(r->db, id, r->user->id, now_ms(), reason, &out, &e))
		return reply_app_error(r, &e);
	int rc = audit(r, "collection.reverse", "collection", id_text(r, out.id),
		       arena_printf(r->arena, "{\"code\":\"%s\",\"reverses_id\":%lld}", out.code,
				    (long long)id));
	if (rc)
		return reply_store_error(r, rc);
	json_t *o = collection_out_json(&out);
	json_object_set_new(o, "reverses_id", json_integer(id));
	return reply_json(r, 201, o);
}

/* Bytes of the first UTF-8 code point of s (0 for ""). */
static int first_char_len(const char *s)
{
	int n = *s ? 1 : 0;
	while (n && (s[n] & 0xC0) == 0x80)
		n++;
	return n;
}

/* Office sees household heads' names masked; admin and collectors in scope plainly. */
static void mask_head_names(struct req *r, json_t *items)
{
	json_t *row;
	size_t i;
	if (user_sees_personal(r->user))
		return;
	json_array_foreach(items, i, row) {
		json_t *v = json_object_get(row, "head_name");
		if (json_is_string(v))
			json_object_set_new(row, "head_name",
					    json_string(arena_printf(r->arena, "%.*s*",
								     first_char_len(json_string_value(v)),
								     json_string_value(v))));
	}
}

static int handle_collection_list(struct req *r)
{
	struct list_filter f;
	json_t *out;
	struct app_err e;
	if (!parse_filter(r, &f))
		return reply_invalid(r);
	if (f.point_id && !user_has_point(r->user, f.point_id))
		return reply_forbidden(r);
	if (collections_list(r->db, &f, points_of(r->user), &out, &e))
		return reply_app_error(r, &e);
	mask_head_names(r, json_object_get(out, "items"));
	return reply_json(r, 200, out);
}

static int handle_collection_get(struct req *r)
{
	int64_t id;
	json_t *out;
	struct app_err e;
	if (!visible_collection(r, &id))
		return 0;
	if (collection_get(r->db, id, &out, &e))
		return reply_app_error(r, &e);
	json_t *one = json_array();
	json_array_append(one, out);
	mask_head_names(r, one);
	json_decref(one);
	return reply_json(r, 200, out);
}

/* ---- payments ---- */

static const char *const payment_fields[] = {"household_id", "amount_fen", "method",
					     "reference", "paid_on", NULL};
static const char *const methods[] = {"cash", "bank", NULL};

static int handle_payment_create(struct req *r)
{
	json_t *body = req_body_object(r);
	struct payment_in in = {0};
	struct payment_out out;
	struct app_err e;
	if (!body)
		return reply_invalid(r);
	if (!jcheck_fields(r, body, payment_fields) |
	    !jget_int(r, body, "household_id", true, 1, INT64_MAX, &in.household_id) |
	    !jget_int(r, body, "amount_fen", true, 1, MAX_AMOUNT_FEN, &in.amount_fen) |
	    !jget_enum(r, body, "method", true, methods, &in.method) |
	    !jget_str(r, body, "reference", false, 128, &in.reference) |
	    !jget_date(r, body, "paid_on", false, &in.paid_on))
		return reply_invalid(r);
	if (!strcmp(in.method, "bank") && !in.reference) {
		req_add_error(r, "reference", 0, "银行转账需要转账流水号",
			      "a bank transfer needs its reference");
		return reply_invalid(r);
	}
	if (!household_in_scope(r->db, in.household_id, points_of(r->user))) {
		if (sees_all(r->user)) {
			req_add_error(r, "household_id", 0, "农户不存在", "no such household");
			return reply_invalid(r);
		}
		return reply_forbidden(r);
	}
	in.at_ms = now_ms();
	in.user_id = r->user->id;
	if (payment_create(r->db, &in, &out, &e))
		return reply_app_error(r, &e);
	int rc = audit(r, "payment.create", "payment", id_text(r, out.id),
		       arena_printf(r->arena,
				    "{\"code\":\"%s\",\"household_id\":%lld,\"amount_fen\":%lld,"
				    "\"method\":\"%s\"}",
				    out.code, (long long)in.household_id, (long long)out.amount_fen,
				    in.method));
	if (rc)
		return reply_store_error(r, rc);
	return reply_json(r, 201,
			  json_pack("{s:I, s:s, s:I, s:I, s:I}", "id", (json_int_t)out.id, "code",
				    out.code, "household_id", (json_int_t)in.household_id,
				    "amount_fen", (json_int_t)out.amount_fen, "balance_fen",
				    (json_int_t)out.balance_fen));
}

static int handle_payment_reverse(struct req *r)
{
	int64_t id, household_id;
	struct payment_out out;
	struct app_err e;
	json_t *body = req_body_object(r);
	const char *reason = NULL;
	if (!parse_path_id(r, &id))
		return reply_not_found(r, "付款 payment");
	if (payment_household_of(r->db, id, &household_id, &e))
		return reply_app_error(r, &e);
	if (!household_in_scope(r->db, household_id, points_of(r->user)))
		return reply_forbidden(r);
	if (!body || !jcheck_fields(r, body, reverse_fields) ||
	    !jget_str(r, body, "reason", true, 500, &reason))
		return reply_invalid(r);
	if (payment_reverse(r->db, id, reason, r->user->id, now_ms(), &out, &e))
		return reply_app_error(r, &e);
	int rc = audit(r, "payment.reverse", "payment", id_text(r, out.id),
		       arena_printf(r->arena, "{\"code\":\"%s\",\"reverses_id\":%lld}", out.code,
				    (long long)id));
	if (rc)
		return reply_store_error(r, rc);
	return reply_json(r, 201,
			  json_pack("{s:I, s:s, s:I, s:I, s:I, s:s}", "id", (json_int_t)out.id, "code",
				    out.code, "reverses_id", (json_int_t)id, "amount_fen",
				    (json_int_t)out.amount_fen, "balance_fen",
				    (json_int_t)out.balance_fen, "reason", reason));
}

static int handle_payment_list(struct req *r)
{
	struct list_filter f;
	json_t *out;
	struct app_err e;
	if (!parse_filter(r, &f))
		return reply_invalid(r);
	if (payments_list(r->db, &f, points_of(r->user), &out, &e))
		return reply_app_error(r, &e);
	mask_head_names(r, json_object_get(out, "items"));
	return reply_json(r, 200, out);
}

static int handle_payment_get(struct req *r)
{
	int64_t id, household_id;
	json_t *out;
	struct app_err e;
	if (!parse_path_id(r, &id))
		return reply_not_found(r, "付款 payment");
	if (payment_household_of(r->db, id, &household_id, &e))
		return reply_app_error(r, &e);
	if (!household_in_scope(r->db, household_id, points_of(r->user)))
		return reply_forbidden(r);
	if (payment_get(r->db, id, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

/* ---- payables ---- */

static const char *json_text(json_t *row, const char *key)
{
	json_t *v = json_object_get(row, key);
	return json_is_string(v) ? json_string_value(v) : "";
}

static const char *json_int_text(struct req *r, json_t *row, const char *key)
{
	json_t *v = json_object_get(row, key);
	return json_is_integer(v) ? arena_printf(r->arena, "%lld", (long long)json_integer_value(v))
				  : "";
}

static void add_cells(struct table *t, const char *const *cells, size_t n)
{
	struct io_error ioe;
	table_add_row(t, (long)t->nrows + 1, &ioe);
	for (size_t i = 0; i < n; i++)
		table_add_cstr(t, cells[i] ? cells[i] : "", &ioe);
}

/* The payables as one sheet: money as yuan numbers computed from fen. */
static int reply_payables_xlsx(struct req *r, json_t *out)
{
	static const char *const header[] = {"农户编号 household", "户主 head", "村 village",
					     "村代码 village code", "脱贫户 lifted",
					     "应付(元) owed (yuan)", "最近日期 last date"};
	static const enum xlsx_col_type types[] = {XLSX_TEXT, XLSX_TEXT, XLSX_TEXT, XLSX_TEXT,
						   XLSX_TEXT, XLSX_MONEY_FEN, XLSX_DATE};
	struct table t;
	json_t *row;
	size_t i;
	table_init(&t);
	add_cells(&t, header, 7);
	json_array_foreach(json_object_get(out, "items"), i, row) {
		const char *cells[7] = {json_text(row, "household_code"), json_text(row, "head_name"),
					json_text(row, "village_name"), json_text(row, "village_code"),
					json_is_true(json_object_get(row, "lifted_from_poverty")) ? "是 yes" : "",
					json_int_text(r, row, "balance_fen"), json_text(row, "last_on")};
		add_cells(&t, cells, 7);
	}
	struct xlsx_sheet sheet = {"payables", &t, types, 7};
	struct io_error ioe;
	char *data = NULL;
	size_t len = 0;
	int rc;
	if (xlsx_write_mem(&sheet, 1, &data, &len, &ioe))
		rc = reply_error(r, 500, "internal", NULL, "无法生成 Excel 文件", ioe.message);
	else {
		r->reply_disposition = "attachment; filename=\"payables.xlsx\"";
		rc = reply_raw(r, 200, XLSX_TYPE, data, len);
	}
	free(data);
	table_release(&t);
	json_decref(out);
	return rc;
}

static int handle_payables(struct req *r)
{
	struct list_filter f;
	json_t *out;
	struct app_err e;
	const char *format = req_query(r, "format");
	bool xlsx = format && !strcmp(format, "xlsx");
	if (format && !xlsx && strcmp(format, "json")) {
		req_add_error(r, "format", 0, "格式只能是 json 或 xlsx", "format must be json or xlsx");
		return reply_invalid(r);
	}
	if (!parse_filter(r, &f))
		return reply_invalid(r);
	if (f.point_id && !user_has_point(r->user, f.point_id))
		return reply_forbidden(r);
	if (xlsx && !req_query(r, "limit"))
		f.limit = 0; /* the whole list */
	if (payables_list(r->db, &f, points_of(r->user), &out, &e))
		return reply_app_error(r, &e);
	mask_rows(r, json_object_get(out, "items"));
	mask_head_names(r, json_object_get(out, "items"));
	if (xlsx)
		return reply_payables_xlsx(r, out);
	return reply_json(r, 200, out);
}

/* ---- receipt ---- */

static const char *jtext(struct req *r, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		return html_escape(r->arena, json_string_value(v));
	if (json_is_integer(v))
		return arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
	return "";
}

static int64_t jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* Grams as kg with 3 decimals, fen as yuan with 2. */
static const char *kg_text(struct req *r, int64_t g)
{
	char s[32];
	grams_format_kg(g, s, sizeof(s));
	return arena_strdup(r->arena, s);
}

static const char *yuan_text(struct req *r, int64_t fen)
{
	char s[32];
	fen_format(fen, s, sizeof(s));
	return arena_strdup(r->arena, s);
}

/* "YYYY-MM-DD HH:MM" in Asia/Shanghai from the ISO UTC text of *_at. */
static const char *shanghai_time(struct req *r, json_t *o, const char *key)
{
	const char *iso = json_string_value(json_object_get(o, key));
	int64_t s;
	char out[40];
	if (!iso || time_parse_iso(iso, strlen(iso), &s))
		return "";
	time_format_shanghai(s, out, sizeof(out));
	return html_escape(r->arena, arena_strdup(r->arena, out));
}

static void receipt_row(struct buf *b, const char *zh, const char *en, const char *value)
{
	buf_printf(b, "<tr><th>%s <small>%s</small></th><td>%s</td></tr>\n", zh, en, value);
}

static void receipt_body(struct req *r, struct buf *b, json_t *c, bool show_name)
{
	int64_t entered = jint(c, "price_entered_fen");
	bool jin = !strcmp(json_text(c, "price_unit"), "jin");
	buf_printf(b, "<main class=\"receipt\">\n<h1>山海协作 收购凭证 <small>Collection receipt</small></h1>\n");
	if (jint(c, "reverses_id"))
		buf_printf(b, "<p class=\"warn\">冲销凭证 Reversal of an earlier entry</p>\n");
	buf_printf(b, "<table>\n");
	receipt_row(b, "凭证号", "receipt", jtext(r, c, "code"));
	receipt_row(b, "批次码", "lot code", jtext(r, c, "lot_code"));
	receipt_row(b, "收购点", "point",
		    arena_printf(r->arena, "%s %s", jtext(r, c, "point_code"), jtext(r, c, "point_name")));
	receipt_row(b, "时间", "date/time (Asia/Shanghai)", shanghai_time(r, c, "collected_at"));
	receipt_row(b, "收购日期", "collection day", jtext(r, c, "collected_on"));
	receipt_row(b, "农户编号", "household", jtext(r, c, "household_code"));
	if (show_name)
		receipt_row(b, "户主", "head of household", jtext(r, c, "head_name"));
	receipt_row(b, "村", "village", jtext(r, c, "village_name"));
	receipt_row(b, "产品", "product",
		    arena_printf(r->arena, "%s（%s）", jtext(r, c, "product_name"), jtext(r, c, "grade_name")));
	receipt_row(b, "采收日期", "harvest date", jtext(r, c, "harvest_date"));
	receipt_row(b, "毛重（千克）", "gross kg", kg_text(r, jint(c, "gross_g")));
	receipt_row(b, "皮重（千克）", "tare kg", kg_text(r, jint(c, "tare_g")));
	receipt_row(b, "净重（千克）", "net kg", kg_text(r, jint(c, "net_g")));
	receipt_row(b, "单价（元/千克）", "price yuan/kg", yuan_text(r, jint(c, "price_fen_per_kg")));
	if (jin)
		receipt_row(b, "单价（元/斤）", "price yuan/jin", yuan_text(r, entered));
	receipt_row(b, "金额（元）", "amount yuan",
		    arena_printf(r->arena, "<strong>%s</strong>", yuan_text(r, jint(c, "amount_fen"))));
	buf_printf(b, "</table>\n<p class=\"sign\">农户签字 Household signature ________ "
		      "收购员 Collector ________</p>\n</main>\n");
}

static int handle_receipt(struct req *r)
{
	int64_t id, point_id;
	json_t *c;
	struct app_err e;
	if (collection_find_code(r->db, r->params[0], &id, &point_id, &e) ||
	    collection_get(r->db, id, &c, &e)) {
		if (e.status != 404)
			return reply_error(r, e.status, e.code, NULL, e.message_zh, e.message_en);
		return reply_raw(r, 404, "text/html; charset=utf-8", "<!doctype html><p>收据不存在 receipt not found</p>", 48);
	}
	bool show_name = r->user && user_has_point(r->user, point_id) && r->user->role != ROLE_OFFICE;
	struct buf b;
	buf_init(&b, 1 << 20);
	html_begin(&b, r->arena, arena_printf(r->arena, "收购凭证 %s", json_text(c, "code")));
	receipt_body(r, &b, c, show_name);
	html_end(&b);
	json_decref(c);
	int rc = reply_raw(r, 200, "text/html; charset=utf-8", b.p, b.n);
	buf_release(&b);
	return rc;
}

const struct route collection_routes[] = {
	{"POST", "/api/v1/collections", handle_collection_create, ROLE_ADMIN | ROLE_COLLECTOR, 0,
	 "record a delivery at a collection point"},
	{"GET", "/api/v1/collections", handle_collection_list, ROLE_ADMIN | ROLE_COLLECTOR | ROLE_OFFICE, 0,
	 "list collections"},
	{"GET", "/api/v1/collections/{id}", handle_collection_get,
	 ROLE_ADMIN | ROLE_COLLECTOR | ROLE_OFFICE, 0, "one collection"},
	{"POST", "/api/v1/collections/{id}/reverse", handle_collection_reverse,
	 ROLE_ADMIN | ROLE_COLLECTOR, 0, "reverse a collection"},
	{"POST", "/api/v1/payments", handle_payment_create, ROLE_ADMIN | ROLE_COLLECTOR, 0,
	 "pay a household"},
	{"GET", "/api/v1/payments", handle_payment_list, ROLE_ADMIN | ROLE_COLLECTOR | ROLE_OFFICE, 0,
	 "list payments"},
	{"GET", "/api/v1/payments/{id}", handle_payment_get, ROLE_ADMIN | ROLE_COLLECTOR | ROLE_OFFICE,
	 0, "one payment"},
	{"POST", "/api/v1/payments/{id}/reverse", handle_payment_reverse, ROLE_ADMIN | ROLE_COLLECTOR,
	 0, "reverse a payment"},
	{"GET", "/api/v1/payables", handle_payables, ROLE_ADMIN | ROLE_COLLECTOR | ROLE_OFFICE, 0,
	 "households owed money (JSON or xlsx)"},
	{"GET", "/print/receipt/{code}", handle_receipt, ROLE_PUBLIC, 0,
	 "printable receipt of a delivery (HTML)"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
