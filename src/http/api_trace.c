/*
 * Traceability over HTTP (issue item 7), over src/app/trace.c:
 *
 *   GET /api/v1/trace/{code}            staff trace of a lot or parcel code
 *   GET /api/v1/households/{id}/trace   where a household's produce went
 *   GET /t/{code}                       the public page behind a label's QR code
 *   GET /t/{code}/qr.svg                that QR code
 *
 * Who sees what (docs/openapi/trace.yaml says the same): admin and office see
 * every trace; a collector, warehouse or channel user sees a code only if it
 * touches one of their points, warehouses or channels (trace_scope_of: the
 * points its produce came through and the warehouse that packed it; for a
 * lot also the warehouses that held, carried or allocated it and the
 * channels that sold it; for a parcel its shipping warehouse and its order's
 * channel); anything else is 404, so codes outside one's scope cannot be
 * probed. Household heads' names appear only for admin.
 * A household's forward trace is for admin, office and the collectors of the
 * points where it delivered.
 *
 * The public page is server-rendered HTML for a phone: Chinese first with an
 * English line, inline CSS (the server's CSP allows inline styles, not
 * scripts, and the page has none), every value through html_escape. It shows
 * only what trace_public reads: product, places (names without the NBS
 * suffix), cooperative and dates; no person's name, phone or ID ever.
 */
#include "app/trace.h"
#include "http/html.h"
#include "http/qr.h"
#include "http/routes.h"
#include "lib/buf.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#include <stdlib.h>
#include <string.h>

#define CODE_MAX 64

static int reply_app(struct req *r, const struct app_err *e)
{
	return reply_error(r, e->status, e->code, e->field[0] ? e->field : NULL, e->message_zh,
			   e->message_en);
}

/* Codes are short ASCII words; anything else cannot name a lot or parcel. */
static bool code_plausible(const char *code)
{
	size_t n = strlen(code);
	if (n == 0 || n > CODE_MAX)
		return false;
	for (const char *p = code; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			return false;
	return true;
}

static bool any_in(const int64_t *have, size_t n, bool (*has)(const struct user *, int64_t),
		   const struct user *u)
{
	for (size_t i = 0; i < n; i++)
		if (has(u, have[i]))
			return true;
	return false;
}

/* Admin and office: everything; others: the code must touch their scope. */
static bool scope_allows(const struct user *u, const struct trace_scope *s)
{
	switch (u->role) {
	case ROLE_ADMIN:
	case ROLE_OFFICE:
		return true;
	case ROLE_COLLECTOR:
		return any_in(s->points, s->npoints, user_has_point, u);
	case ROLE_WAREHOUSE:
		return any_in(s->warehouses, s->nwarehouses, user_has_warehouse, u);
	case ROLE_CHANNEL:
		return any_in(s->channels, s->nchannels, user_has_channel, u);
	default:
		return false;
	}
}

static int handle_trace(struct req *r)
{
	const char *code = r->params[0];
	struct trace_scope s;
	struct app_err e;
	json_t *out = NULL;
	if (!code_plausible(code))
		return reply_not_found(r, "追溯码 code");
	if (trace_scope_of(r->db, code, &s, &e))
		return reply_app(r, &e);
	bool found = s.found, allowed = found && scope_allows(r->user, &s);
	trace_scope_release(&s);
	if (!allowed)
		return reply_not_found(r, "追溯码 code");
	bool personal = r->user->role == ROLE_ADMIN;
	int rc = trace_lot(r->db, code, personal, &out, &e);
	if (rc && e.status == 404)
		rc = trace_parcel(r->db, code, personal, &out, &e);
	if (rc)
		return reply_app(r, &e);
	json_object_set_new(out, "kind", json_string(json_object_get(out, "lot") ? "lot" : "parcel"));
	return reply_json(r, 200, out);
}

static int handle_household_trace(struct req *r)
{
	int64_t id;
	struct trace_scope s;
	struct app_err e;
	json_t *out = NULL;
	if (parse_int64(str_from(r->params[0]), &id) || id <= 0)
		return reply_not_found(r, "农户 household");
	if (trace_household_scope(r->db, id, &s, &e))
		return reply_app(r, &e);
	bool allowed = s.found && scope_allows(r->user, &s);
	trace_scope_release(&s);
	if (!allowed)
		return reply_not_found(r, "农户 household");
	if (trace_household(r->db, id, r->user->role == ROLE_ADMIN, &out, &e))
		return reply_app(r, &e);
	return reply_json(r, 200, out);
}

/* ---- the public page ---- */

static const char public_css[] =
	"<style>.hd{background:#2e7d32;color:#fff;margin:-16px -16px 12px;padding:14px 16px}"
	".hd h1{margin:0}.hd .en{color:#e0f2e0}dl{margin:0}dt{color:#667;font-size:.85em;"
	"margin-top:8px}dd{margin:0;font-size:1.05em}.qr{width:160px;height:160px;display:block;"
	"margin:12px auto}.code{font-family:monospace;text-align:center;letter-spacing:1px}"
	"</style>";

/* A term and its value, Chinese label first with the English under it. */
static void row(struct buf *b, struct arena *a, const char *zh, const char *en, const char *v)
{
	if (!v || !*v)
		return;
	buf_printf(b, "<dt>%s <span class=\"en\">%s</span></dt><dd>%s</dd>", zh, en,
		   html_escape(a, v));
}

static const char *jtext(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* "YYYY-MM-DD" (Asia/Shanghai) of an ISO-8601 UTC instant, or NULL. */
static const char *shanghai_date(struct arena *a, const char *iso)
{
	int64_t s;
	char out[16];
	if (!iso || time_parse_iso(iso, strlen(iso), &s))
		return NULL;
	date_format(shanghai_day_of(s), out, sizeof(out));
	return arena_strdup(a, out);
}

static void places_html(struct buf *b, struct arena *a, json_t *places)
{
	size_t i;
	json_t *p;
	json_array_foreach(places, i, p) {
		const char *parts[] = {jtext(p, "county"), jtext(p, "township"), jtext(p, "village")};
		struct buf line;
		buf_init(&line, 4096);
		for (size_t k = 0; k < 3; k++)
			if (parts[k])
				buf_printf(&line, "%s%s", line.n ? " · " : "", parts[k]);
		if (line.n)
			row(b, a, "产地", "Origin", line.p);
		buf_release(&line);
	}
}

static void item_html(struct buf *b, struct arena *a, json_t *it)
{
	const char *en = jtext(it, "product_en");
	buf_printf(b, "<div class=\"box\"><h2>%s</h2>", html_escape(a, jtext(it, "product")));
	if (en && *en)
		buf_printf(b, "<div class=\"en\">%s</div>", html_escape(a, en));
	buf_adds(b, "<dl>");
	row(b, a, "规格", "Pack", jtext(it, "sku"));
	row(b, a, "等级", "Grade", jtext(it, "grade"));
	places_html(b, a, json_object_get(it, "places"));
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(it, "cooperatives"), i, c)
		row(b, a, "合作社", "Cooperative", json_string_value(c));
	row(b, a, "采收日期", "Harvested", jtext(it, "harvest_date"));
	row(b, a, "包装日期", "Packed", jtext(it, "packed_on"));
	row(b, a, "保质期至", "Best before", jtext(it, "expires_on"));
	row(b, a, "批次号", "Lot", jtext(it, "lot_code"));
	buf_adds(b, "</dl></div>");
}

static int reply_page(struct req *r, int status, struct buf *b)
{
	html_end(b);
	int rc = reply_raw(r, status, "text/html; charset=utf-8", b->p ? b->p : "", b->n);
	buf_release(b);
	return rc;
}

/* A page with just a message box (zh title, zh text, en text). */
static int public_message(struct req *r, int status, const char *title, const char *zh,
			  const char *en)
{
	struct buf b;
	buf_init(&b, 1 << 16);
	html_begin(&b, r->arena, title);
	buf_adds(&b, public_css);
	buf_printf(&b, "<div class=\"hd\"><h1>山海 · 产品追溯</h1><div class=\"en\">Shanhai "
		       "product trace</div></div><div class=\"box\"><h2>%s</h2><p>%s</p>"
		       "<p class=\"en\">%s</p></div>",
		   title, zh, en);
	return reply_page(r, status, &b);
}

static int public_not_found(struct req *r)
{
	return public_message(r, 404, "未找到该追溯码", "请核对包装上的追溯码，或直接扫描二维码。",
			      "No product was found for this code. Please check the code on the "
			      "label or scan its QR code again.");
}

/* A store failure: a page, not JSON, for someone who scanned a label. */
static int public_unavailable(struct req *r, const struct app_err *e)
{
	return public_message(r, e->status >= 500 ? e->status : 503, "暂时无法查询",
			      "系统繁忙，请稍后再试。",
			      "The trace is unavailable just now. Please try again in a moment.");
}

static int handle_public(struct req *r)
{
	const char *code = r->params[0];
	struct app_err e;
	json_t *t = NULL;
	if (!code_plausible(code))
		return public_not_found(r);
	if (trace_public(r->db, code, &t, &e))
		return e.status == 404 ? public_not_found(r) : public_unavailable(r, &e);
	struct buf b;
	buf_init(&b, 1 << 20);
	html_begin(&b, r->arena, "产品追溯 Product trace");
	buf_adds(&b, public_css);
	buf_adds(&b, "<div class=\"hd\"><h1>山海 · 产品追溯</h1><div class=\"en\">Shanhai product "
		     "trace</div></div>");
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(t, "items"), i, it)
		item_html(&b, r->arena, it);
	if (!strcmp(jtext(t, "kind"), "parcel")) {
		buf_adds(&b, "<div class=\"box\"><dl>");
		row(&b, r->arena, "发货日期", "Shipped",
		    shanghai_date(r->arena, jtext(t, "shipped_at")));
		row(&b, r->arena, "签收日期", "Delivered",
		    shanghai_date(r->arena, jtext(t, "delivered_at")));
		buf_adds(&b, "</dl></div>");
	}
	const char *esc = html_escape(r->arena, code);
	buf_printf(&b, "<img class=\"qr\" src=\"/t/%s/qr.svg\" alt=\"二维码 QR code\">"
		       "<p class=\"code\">%s</p><p class=\"muted\">扫码可查看本页 · "
		       "<span class=\"en\">Scan to open this page</span></p>",
		   esc, esc);
	json_decref(t);
	return reply_page(r, 200, &b);
}

/* The page's absolute URL: SHANHAI_PUBLIC_URL if set, else from Host. */
static const char *public_url(struct req *r, const char *code)
{
	const char *base = getenv("SHANHAI_PUBLIC_URL");
	if (base && *base)
		return arena_printf(r->arena, "%s/t/%s", base, code);
	const char *host = req_header(r, "Host");
	return arena_printf(r->arena, "http://%s/t/%s", host ? host : "localhost", code);
}

static int handle_qr(struct req *r)
{
	const char *code = r->params[0], *kind = NULL;
	struct app_err e;
	if (!code_plausible(code))
		return public_not_found(r);
	if (trace_code_kind(r->db, code, &kind, &e))
		return reply_app(r, &e);
	if (!kind)
		return public_not_found(r);
	const char *svg = qr_svg(r->arena, public_url(r, code));
	if (!svg)
		return reply_error(r, 500, "internal", NULL, "无法生成二维码", "cannot make the QR code");
	return reply_raw(r, 200, "image/svg+xml", svg, strlen(svg));
}

const struct route trace_routes[] = {
	{"GET", "/api/v1/trace/{code}", handle_trace, ROLES_STAFF, 0,
	 "trace a lot or parcel back to households, villages and collection dates"},
	{"GET", "/api/v1/households/{id}/trace", handle_household_trace,
	 ROLE_ADMIN | ROLE_OFFICE | ROLE_COLLECTOR, 0, "where a household's produce went"},
	{"GET", "/t/{code}", handle_public, ROLE_PUBLIC, 0, "public trace page (HTML)"},
	{"GET", "/t/{code}/qr.svg", handle_qr, ROLE_PUBLIC, 0, "QR code of the public trace page"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
