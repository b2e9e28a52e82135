/*
 * The figures over HTTP (issue item 8), over src/app/figures.c:
 *
 *   GET /api/v1/figures?from=&to=&pairing=&county=&channel=&product=
 *   GET /api/v1/figures/{metric}/records?...   the rows behind one metric
 *
 * both also as Excel with ?format=xlsx (money written from integer fen as
 * yuan with 2 decimals, grams as kg, text always as text, never a formula).
 * Filters are codes (pairing, channel, product; county is a 6-digit county
 * code); dates are Asia/Shanghai "YYYY-MM-DD", both ends included.
 *
 * Who: admin and office see every figure. A channel manager sees only their
 * channels' figures: sales, tonnes, logistics (parcels only) and delivery,
 * restricted to their channels (?channel= must be one of them); payments and
 * purchases belong to no channel and are left out (403 on their records).
 * With ?channel= they are left out for everyone (422 on their records).
 */
#include "app/figures.h"
#include "http/routes.h"
#include "io/xlsx_write.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

static int reply_app(struct req *r, const struct app_err *e)
{
	return reply_error(r, e->status, e->code, e->field[0] ? e->field : NULL, e->message_zh,
			   e->message_en);
}

/* ---- filters from the query string ---- */

static bool date_param(struct req *r, const char *name, const char **out)
{
	const char *v = req_query(r, name);
	int64_t days;
	*out = NULL;
	if (!v)
		return true;
	if (date_parse(v, strlen(v), &days)) {
		req_add_error(r, name, 0, "日期格式应为 YYYY-MM-DD",
			      arena_printf(r->arena, "invalid date '%.32s' (want YYYY-MM-DD)", v));
		return false;
	}
	*out = v;
	return true;
}

/* The text of column 0 of the row with this code, or NULL (and an error). */
static const char *lookup_code(struct req *r, const char *param, const char *sql,
			       const char *what_zh, int64_t *id)
{
	const char *code = req_query(r, param);
	struct stmt *st;
	const char *out = NULL;
	if (!code)
		return NULL;
	if (strlen(code) <= 64 && !store_prepare(r->db, sql, &st)) {
		stmt_bind_text(st, 1, code);
		if (stmt_step(st) == STORE_ROW) {
			out = arena_strdup(r->arena, stmt_text(st, 0));
			if (id)
				*id = stmt_int(st, 1);
		}
		stmt_finalize(st);
	}
	if (!out)
		req_add_error(r, param, 0, arena_printf(r->arena, "%s不存在", what_zh),
			      arena_printf(r->arena, "unknown %s '%.64s'", param, code));
	return out;
}

/* Fill f from the query; false after recording errors (422) or replying 403. */
static bool parse_filter(struct req *r, struct fig_filter *f, bool *replied)
{
	int64_t id = 0;
	bool ok = true;
	memset(f, 0, sizeof(*f));
	*replied = false;
	ok &= date_param(r, "from", &f->from);
	ok &= date_param(r, "to", &f->to);
	if (f->from && f->to && strcmp(f->from, f->to) > 0) {
		req_add_error(r, "to", 0, "结束日期早于开始日期", "'to' is before 'from'");
		ok = false;
	}
	if (req_query(r, "pairing") &&
	    !(f->origin = lookup_code(r, "pairing", "SELECT west_code, id FROM pairings WHERE code = ?",
				      "结对", NULL)))
		ok = false;
	if (req_query(r, "county") &&
	    !(f->origin2 = lookup_code(r, "county",
				       "SELECT code, 0 FROM divisions WHERE code = ? AND level = 3",
				       "县", NULL)))
		ok = false;
	if (req_query(r, "product") &&
	    !lookup_code(r, "product", "SELECT code, id FROM products WHERE code = ?", "产品",
			 &f->product_id))
		ok = false;
	const char *format = req_query(r, "format");
	if (format && strcmp(format, "json") && strcmp(format, "xlsx")) {
		req_add_error(r, "format", 0, "格式只能是 json 或 xlsx",
			      arena_printf(r->arena, "unknown format '%.16s' (json or xlsx)", format));
		ok = false;
	}
	if (req_query(r, "channel")) {
		if (!lookup_code(r, "channel", "SELECT code, id FROM channels WHERE code = ?", "渠道", &id))
			ok = false;
	}
	if (!ok)
		return false;
	if (id && !user_has_channel(r->user, id)) {
		reply_error(r, 403, "forbidden", "channel", "您无权查看该渠道的数字",
			    "you may not see this channel's figures");
		*replied = true;
		return false;
	}
	if (id) {
		int64_t *one = arena_alloc(r->arena, sizeof(*one));
		*one = id;
		f->by_channel = true;
		f->channels = one;
		f->nchannels = 1;
	} else if (r->user->role == ROLE_CHANNEL) {
		f->by_channel = true;
		f->channels = r->user->channels;
		f->nchannels = (size_t)r->user->nchannels;
	}
	return true;
}

#define HOUSEHOLD_METRICS ((1u << FIG_PAYMENTS) | (1u << FIG_PURCHASES))

/* The metrics the caller may see: channel managers only channel metrics. */
static unsigned visible_metrics(const struct user *u)
{
	unsigned all = (1u << FIG_NMETRICS) - 1;
	return u->role == ROLE_CHANNEL ? all & ~HOUSEHOLD_METRICS : all;
}

/* The metrics a filter can answer: household money belongs to no channel. */
static unsigned filter_metrics(const struct fig_filter *f)
{
	unsigned all = (1u << FIG_NMETRICS) - 1;
	return f->by_channel ? all & ~HOUSEHOLD_METRICS : all;
}

static json_t *filter_json(struct req *r, const struct fig_filter *f)
{
	static const char *const names[] = {"from", "to", "pairing", "county", "channel", "product"};
	json_t *o = json_object();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = req_query(r, names[i]);
		json_object_set_new(o, names[i], v ? json_string(v) : json_null());
	}
	json_object_set_new(o, "channels_only", json_boolean(f->by_channel));
	return o;
}

/* ---- Excel ---- */

static bool wants_xlsx(struct req *r)
{
	const char *f = req_query(r, "format");
	return f && !strcmp(f, "xlsx");
}

static int reply_sheets(struct req *r, const struct xlsx_sheet *sheets, size_t n,
			const char *filename)
{
	struct io_error ioe;
	char *data = NULL;
	size_t len = 0;
	if (xlsx_write_mem(sheets, n, &data, &len, &ioe))
		return reply_error(r, 500, "internal", NULL, "无法生成 Excel 文件", ioe.message);
	r->reply_disposition = arena_printf(r->arena, "attachment; filename=\"%s\"", filename);
	int rc = reply_raw(r, 200, XLSX_TYPE, data, len);
	free(data);
	return rc;
}

static void add_cells(struct table *t, const char *const *cells, size_t n)
{
	struct io_error ioe;
	table_add_row(t, (long)t->nrows + 1, &ioe);
	for (size_t i = 0; i < n; i++)
		table_add_cstr(t, cells[i] ? cells[i] : "", &ioe);
}

static const enum xlsx_col_type summary_types[] = {XLSX_TEXT, XLSX_MONEY_FEN, XLSX_GRAMS,
						   XLSX_INTEGER, XLSX_TEXT};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

static void summary_rows(struct req *r, struct table *t, const char *prefix, json_t *o);

/* A series ([{"month": "2026-10", "sales_fen": ...}, ...]): each element's
 * figures under prefix.<its first text member>. */
static void series_rows(struct req *r, struct table *t, const char *prefix, json_t *a)
{
	size_t i;
	json_t *e;
	json_array_foreach(a, i, e) {
		const char *name = NULL, *key;
		json_t *v, *rest = json_object();
		json_object_foreach(e, key, v) {
			if (!name && json_is_string(v))
				name = json_string_value(v);
			else
				json_object_set(rest, key, v);
		}
		summary_rows(r, t, arena_printf(r->arena, "%s.%s", prefix, name ? name : "?"), rest);
		json_decref(rest);
	}
}

/* One row per figure: item | yuan | kg | count | other value. */
static void summary_rows(struct req *r, struct table *t, const char *prefix, json_t *o)
{
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		const char *item = *prefix ? arena_printf(r->arena, "%s.%s", prefix, key) : key;
		const char *cells[5] = {item, "", "", "", ""};
		if (json_is_object(v)) {
			summary_rows(r, t, item, v);
			continue;
		}
		if (json_is_array(v)) {
			series_rows(r, t, item, v);
			continue;
		}
		if (json_is_integer(v)) {
			int col = ends_with(key, "_fen") ? 1 : ends_with(key, "_g") ? 2 : 3;
			cells[col] = arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
		} else if (json_is_real(v)) {
			cells[4] = arena_printf(r->arena, "%.2f", json_real_value(v));
		} else if (json_is_string(v)) {
			cells[4] = json_string_value(v);
		} else if (json_is_boolean(v)) {
			cells[4] = json_is_true(v) ? "true" : "false";
		}
		add_cells(t, cells, 5);
	}
}

static void summary_table(struct req *r, struct table *t, json_t *figures)
{
	static const char *const header[] = {"指标 figure", "金额(元) yuan", "重量(kg) kg",
					     "数量 count", "其他 value"};
	table_init(t);
	add_cells(t, header, 5);
	summary_rows(r, t, "", figures);
}

static enum xlsx_col_type xlsx_type_of(enum fig_col_type t)
{
	switch (t) {
	case FIGCOL_INT: return XLSX_INTEGER;
	case FIGCOL_FEN: return XLSX_MONEY_FEN;
	case FIGCOL_GRAMS: return XLSX_GRAMS;
	case FIGCOL_DATE: return XLSX_DATE;
	default: return XLSX_TEXT;
	}
}

static const char *cell_text(struct req *r, json_t *v)
{
	if (json_is_integer(v))
		return arena_printf(r->arena, "%lld", (long long)json_integer_value(v));
	return json_is_string(v) ? json_string_value(v) : "";
}

static void records_table(struct req *r, struct table *t, const struct fig_column *cols,
			  size_t ncols, json_t *rows)
{
	const char **cells = arena_alloc(r->arena, ncols * sizeof(*cells));
	table_init(t);
	for (size_t c = 0; c < ncols; c++)
		cells[c] = cols[c].label;
	add_cells(t, cells, ncols);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		for (size_t c = 0; c < ncols; c++)
			cells[c] = cell_text(r, json_object_get(row, cols[c].name));
		add_cells(t, cells, ncols);
	}
}

/* ---- handlers ---- */

static int handle_figures(struct req *r)
{
	struct fig_filter f;
	struct app_err e;
	bool replied;
	json_t *figs = NULL;
	if (!parse_filter(r, &f, &replied))
		return replied ? 0 : reply_invalid(r);
	if (figures_all(r->db, &f, visible_metrics(r->user) & filter_metrics(&f), &figs, &e))
		return reply_app(r, &e);
	if (wants_xlsx(r)) {
		struct table t;
		summary_table(r, &t, figs);
		struct xlsx_sheet sheet = {"figures", &t, summary_types, 5};
		int rc = reply_sheets(r, &sheet, 1, "figures.xlsx");
		table_release(&t);
		json_decref(figs);
		return rc;
	}
	return reply_json(r, 200, json_pack("{s:o, s:o}", "filters", filter_json(r, &f), "figures", figs));
}

static json_t *columns_json(const struct fig_column *cols, size_t n)
{
	static const char *const types[] = {"text", "integer", "fen", "grams", "date"};
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "name", cols[i].name, "label",
						   cols[i].label, "type", types[cols[i].type]));
	return a;
}

static int records_xlsx(struct req *r, enum fig_metric m, json_t *rows, json_t *figure)
{
	size_t ncols;
	const struct fig_column *cols = figures_columns(m, &ncols);
	enum xlsx_col_type *types = arena_alloc(r->arena, ncols * sizeof(*types));
	for (size_t c = 0; c < ncols; c++)
		types[c] = xlsx_type_of(cols[c].type);
	struct table recs, sum;
	records_table(r, &recs, cols, ncols, rows);
	json_t *wrapped = json_pack("{s:O}", fig_metric_name(m), figure);
	summary_table(r, &sum, wrapped);
	struct xlsx_sheet sheets[2] = {
		{fig_metric_name(m), &recs, types, ncols},
		{"figure", &sum, summary_types, 5},
	};
	int rc = reply_sheets(r, sheets, 2, arena_printf(r->arena, "%s.xlsx", fig_metric_name(m)));
	json_decref(wrapped);
	table_release(&recs);
	table_release(&sum);
	return rc;
}

static int handle_records(struct req *r)
{
	enum fig_metric m;
	struct fig_filter f;
	struct app_err e;
	bool replied;
	json_t *rows = NULL;
	if (fig_metric_parse(r->params[0], &m))
		return reply_not_found(r, "指标 metric");
	if (!(visible_metrics(r->user) & (1u << m)))
		return reply_forbidden(r);
	if (!parse_filter(r, &f, &replied))
		return replied ? 0 : reply_invalid(r);
	if (!(filter_metrics(&f) & (1u << m))) {
		req_add_error(r, "channel", 0, "渠道筛选不适用于农户付款与收购",
			      "the channel filter does not apply to payments and purchases");
		return reply_invalid(r);
	}
	if (figures_records(r->db, m, &f, &rows, &e))
		return reply_app(r, &e);
	json_t *figure = figures_summary(m, rows, &f);
	if (wants_xlsx(r)) {
		int rc = records_xlsx(r, m, rows, figure);
		json_decref(rows);
		json_decref(figure);
		return rc;
	}
	size_t ncols;
	const struct fig_column *cols = figures_columns(m, &ncols);
	size_t n = json_array_size(rows);
	return reply_json(r, 200, json_pack("{s:s, s:o, s:o, s:o, s:I, s:o}", "metric",
					    fig_metric_name(m), "filters", filter_json(r, &f),
					    "columns", columns_json(cols, ncols), "items", rows,
					    "total", (json_int_t)n, "figure", figure));
}

#define FIGURE_ROLES (ROLE_ADMIN | ROLE_OFFICE | ROLE_CHANNEL)

const struct route figures_routes[] = {
	{"GET", "/api/v1/figures", handle_figures, FIGURE_ROLES, 0,
	 "the briefing figures for a period and filters (?format=xlsx)"},
	{"GET", "/api/v1/figures/{metric}/records", handle_records, FIGURE_ROLES, 0,
	 "the records behind one figure (?format=xlsx)"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
