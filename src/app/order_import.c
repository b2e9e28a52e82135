/*
 * Order and delivery imports (see order_import.h). Three passes over the
 * table: read and check every row's cells (numbers, times, text), group the
 * rows by order number (a hash of the numbers, so a million-row file is
 * grouped in one pass) and check that the rows of one order agree on the
 * customer and that no row repeats another exactly, then check each order as order_submit would
 * (known SKUs, formats). Only when nothing is wrong are the orders submitted; a failure there (an
 * existing order with a different body) is listed like the others and the
 * caller rolls everything back.
 *
 * The body hashes of the orders are computed by a second thread while the
 * orders are checked and submitted (hashing was a fourteenth of an import).
 *
 * Cell text is taken as written: a cell that looks like a formula ("=1+1")
 * is stored as that text, never evaluated.
 */
#include "app/order_import.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/fulfil.h"
#include "app/orders.h"
#include "lib/alloc.h"
#include "lib/str.h"
#include "lib/timeutil.h"

enum col {
	C_ORDER_NO,
	C_SKU,
	C_UNITS,
	C_PRICE,
	C_NAME,
	C_PHONE,
	C_ADDRESS,
	C_DIVISION,
	C_ORDERED_AT,
	C_N
};

const struct import_column order_import_columns[] = {
    [C_ORDER_NO] = {"order_no", "订单号", true},
    [C_SKU] = {"sku", "商品编码", true},
    [C_UNITS] = {"units", "数量", true},
    [C_PRICE] = {"unit_price", "单价", true},
    [C_NAME] = {"name", "收货人", true},
    [C_PHONE] = {"phone", "电话", false},
    [C_ADDRESS] = {"address", "地址", true},
    [C_DIVISION] = {"division_code", "区划代码", true},
    [C_ORDERED_AT] = {"ordered_at", "下单时间", false},
};
const size_t order_import_ncolumns = C_N;

void import_report_init(struct import_report *rep)
{
	memset(rep, 0, sizeof(*rep));
}

void import_report_release(struct import_report *rep)
{
	free(rep->problems);
	import_report_init(rep);
}

#define MAX_LISTED 1000 /* problems kept; the count goes on */

static void problem(struct import_report *rep, long line, const char *column, const char *zh,
                    const char *en)
{
	if (rep->nproblems >= MAX_LISTED) {
		rep->nproblems++;
		return;
	}
	if (rep->nproblems == rep->capproblems) {
		rep->capproblems = rep->capproblems ? rep->capproblems * 2 : 16;
		rep->problems = xrealloc(rep->problems, rep->capproblems * sizeof(*rep->problems));
	}
	struct import_problem *p = &rep->problems[rep->nproblems++];
	p->line = line;
	snprintf(p->column, sizeof(p->column), "%s", column ? column : "");
	snprintf(p->message_zh, sizeof(p->message_zh), "%s", zh);
	snprintf(p->message_en, sizeof(p->message_en), "%s", en);
	/* the buffers and the callers' "%.40s" cut by bytes: never half a character */
	utf8_scrub(p->column);
	utf8_scrub(p->message_zh);
	utf8_scrub(p->message_en);
}

/* ---- times ---- */

static int parse_2(const char *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

int import_parse_time(const char *s, int64_t *ms)
{
	char d[11];
	int64_t day, unix_s;
	size_t n = strlen(s);
	if (n >= 20 && (s[n - 1] == 'Z' || s[n - 6] == '+' || s[n - 6] == '-') && s[10] == 'T') {
		if (time_parse_iso(s, n, &unix_s))
			return -1;
		*ms = unix_s * 1000;
		return 0;
	}
	if (n < 10)
		return -1;
	memcpy(d, s, 10);
	d[10] = '\0';
	if (d[4] == '/' && d[7] == '/')
		d[4] = d[7] = '-';
	if (date_parse(d, 10, &day))
		return -1;
	int hh = 0, mm = 0, ss = 0;
	if (n > 10) {
		if ((s[10] != ' ' && s[10] != 'T') || n < 16 || s[13] != ':' ||
		    parse_2(s + 11, &hh) || parse_2(s + 14, &mm))
			return -1;
		if (n == 19 && (s[16] != ':' || parse_2(s + 17, &ss)))
			return -1;
		if ((n != 16 && n != 19) || hh > 23 || mm > 59 || ss > 59)
			return -1;
	}
	*ms = ((day * 86400 + hh * 3600 + mm * 60 + ss) - SHANGHAI_OFFSET_S) * 1000;
	return 0;
}

/* ---- rows ---- */

struct row {
	const char *cell[C_N];
	int64_t units, price_fen, ordered_at_ms;
	long line;
	bool ok;
};

static const char *trimmed(const struct table *t, size_t r, int col, char **owned)
{
	if (col < 0)
		return "";
	const char *c = table_cell(t, r, (size_t)col);
	struct str s = str_trim(str_from(c));
	if (s.n == strlen(c))
		return c;
	*owned = xstrndup(s.p, s.n);
	return *owned;
}

struct reader {
	const struct table *t;
	int idx[C_N];
	const char *header[C_N]; /* as written in the file */
	char **owned;            /* trimmed copies, freed at the end */
	size_t nowned, capowned;
	struct import_report *rep;
};

static const char *cell(struct reader *rd, size_t r, int col)
{
	char *copy = NULL;
	const char *s = trimmed(rd->t, r, rd->idx[col], &copy);
	if (copy) {
		if (rd->nowned == rd->capowned) {
			rd->capowned = rd->capowned ? rd->capowned * 2 : 64;
			rd->owned = xrealloc(rd->owned, rd->capowned * sizeof(char *));
		}
		rd->owned[rd->nowned++] = copy;
	}
	return s;
}

static void bad_cell(struct reader *rd, long line, int col, const char *zh, const char *en_fmt,
                     const char *value)
{
	char en[240];
	snprintf(en, sizeof(en), en_fmt, value);
	problem(rd->rep, line, rd->header[col], zh, en);
}

static void read_numbers(struct reader *rd, struct row *w)
{
	const char *u = w->cell[C_UNITS], *p = w->cell[C_PRICE], *at = w->cell[C_ORDERED_AT];
	if (parse_int64(str_from(u), &w->units) || w->units < 1 || w->units > 100000) {
		bad_cell(rd, w->line, C_UNITS, "数量须为 1 到 100000 的整数",
		         "units must be a whole number from 1 to 100000, got '%.40s'", u);
		w->ok = false;
	}
	if (parse_decimal(str_from(p), 2, &w->price_fen) || w->price_fen < 0 ||
	    w->price_fen > 1000000000LL) {
		bad_cell(rd, w->line, C_PRICE, "单价须为元，最多两位小数（如 59.90）",
		         "unit_price must be yuan with at most 2 decimals (59.90), got '%.40s'", p);
		w->ok = false;
	}
	w->ordered_at_ms = 0;
	if (*at && import_parse_time(at, &w->ordered_at_ms)) {
		bad_cell(rd, w->line, C_ORDERED_AT, "下单时间格式应为 2024-10-01 14:30 或 ISO-8601",
		         "ordered_at must be like 2024-10-01 14:30 or ISO-8601, got '%.40s'", at);
		w->ok = false;
	}
}

static void read_row(struct reader *rd, size_t r, struct row *w)
{
	w->line = rd->t->rows[r].line;
	w->ok = true;
	for (int c = 0; c < C_N; c++)
		w->cell[c] = cell(rd, r, c);
	if (!*w->cell[C_ORDER_NO]) {
		problem(rd->rep, w->line, rd->header[C_ORDER_NO], "订单号为空",
		        "order_no is empty");
		w->ok = false;
	}
	read_numbers(rd, w);
}

/* Find the columns; every missing required one is a problem. */
static int find_columns(struct reader *rd)
{
	int missing = 0;
	for (int c = 0; c < C_N; c++) {
		const struct import_column *col = &order_import_columns[c];
		int i = table_column(rd->t, col->en);
		if (i < 0)
			i = table_column(rd->t, col->zh);
		rd->idx[c] = i;
		rd->header[c] = i >= 0 ? table_cell(rd->t, 0, (size_t)i) : col->en;
		if (i < 0 && col->required) {
			char zh[200], en[240];
			snprintf(zh, sizeof(zh), "缺少列：%s（%s）", col->zh, col->en);
			snprintf(en, sizeof(en), "missing column '%s' (%s)", col->en, col->zh);
			problem(rd->rep, 1, col->en, zh, en);
			missing++;
		}
	}
	return missing;
}

/* ---- grouping rows into orders ---- */

struct groups {
	size_t *slot; /* hash slot -> group + 1, 0 empty */
	size_t cap;
	size_t *first; /* group -> its first row */
	size_t *count; /* group -> rows */
	size_t n;
};

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The group of order number no (a new one if unseen). */
static size_t group_of(struct groups *g, const struct row *rows, size_t r)
{
	const char *no = rows[r].cell[C_ORDER_NO];
	size_t i = (size_t)fnv(no) & (g->cap - 1);
	while (g->slot[i]) {
		size_t k = g->slot[i] - 1;
		if (strcmp(rows[g->first[k]].cell[C_ORDER_NO], no) == 0)
			return k;
		i = (i + 1) & (g->cap - 1);
	}
	g->slot[i] = g->n + 1;
	g->first[g->n] = r;
	g->count[g->n] = 0;
	return g->n++;
}

static void groups_init(struct groups *g, size_t nrows)
{
	g->cap = 16;
	while (g->cap < nrows * 2)
		g->cap *= 2;
	g->slot = xcalloc(g->cap, sizeof(size_t));
	g->first = xcalloc(nrows + 1, sizeof(size_t));
	g->count = xcalloc(nrows + 1, sizeof(size_t));
	g->n = 0;
}

static void groups_release(struct groups *g)
{
	free(g->slot);
	free(g->first);
	free(g->count);
}

static bool same_text(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* Rows of one order must agree on the customer and the time. */
static void check_agrees(struct reader *rd, const struct row *first, struct row *w)
{
	static const int cols[] = {C_NAME, C_PHONE, C_ADDRESS, C_DIVISION, C_ORDERED_AT};
	for (size_t i = 0; i < sizeof(cols) / sizeof(cols[0]); i++) {
		int c = cols[i];
		if (same_text(first->cell[c], w->cell[c]))
			continue;
		char zh[200], en[240];
		snprintf(zh, sizeof(zh), "同一订单 %.60s 的各行%s不一致（见第 %ld 行）",
		         w->cell[C_ORDER_NO], order_import_columns[c].zh, first->line);
		snprintf(en, sizeof(en), "%s differs from line %ld of the same order '%.60s'",
		         order_import_columns[c].en, first->line, w->cell[C_ORDER_NO]);
		problem(rd->rep, w->line, rd->header[c], zh, en);
		w->ok = false;
	}
}

/* ---- checking and submitting orders ---- */

struct order_build {
	struct order_in in;
	struct order_line_in *lines;
	const struct row **rows; /* rows[i] is the row of line i */
};

static void build_order(struct order_build *b, const struct row *const *rows, size_t n)
{
	const struct row *h = rows[0];
	b->in = (struct order_in){
	    .order_no = h->cell[C_ORDER_NO],
	    .name = h->cell[C_NAME],
	    .phone = h->cell[C_PHONE],
	    .address = h->cell[C_ADDRESS],
	    .division_code = h->cell[C_DIVISION],
	    .ordered_at_ms = h->ordered_at_ms,
	    .lines = b->lines,
	    .nlines = n,
	};
	for (size_t i = 0; i < n; i++) {
		b->lines[i] = (struct order_line_in){rows[i]->cell[C_SKU], rows[i]->units,
		                                     rows[i]->price_fen};
		b->rows[i] = rows[i];
	}
}

struct problem_ctx {
	struct reader *rd;
	const struct order_build *b;
};

static int column_of_field(const char *field)
{
	static const struct {
		const char *field;
		int col;
	} map[] = {{"order_no", C_ORDER_NO},
	           {"sku", C_SKU},
	           {"units", C_UNITS},
	           {"unit_price_fen", C_PRICE},
	           {"name", C_NAME},
	           {"phone", C_PHONE},
	           {"address", C_ADDRESS},
	           {"division_code", C_DIVISION},
	           {"ordered_at", C_ORDERED_AT}};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].field, field) == 0)
			return map[i].col;
	return -1;
}

static bool already_listed(const struct import_report *rep, long line, const char *column)
{
	size_t n = rep->nproblems < rep->capproblems ? rep->nproblems : rep->capproblems;
	for (size_t i = n; i-- > 0;)
		if (rep->problems[i].line == line && strcmp(rep->problems[i].column, column) == 0)
			return true;
	return false;
}

/* A problem order_check found; a cell already reported while reading the
 * rows (a bad number) is not listed twice. */
static void order_problem(void *ud, int line, const char *field, const char *zh, const char *en)
{
	struct problem_ctx *pc = ud;
	long fl = pc->b->rows[line >= 0 ? line : 0]->line;
	int col = column_of_field(field);
	const char *column = col >= 0 ? pc->rd->header[col] : field;
	if (!already_listed(pc->rd->rep, fl, column))
		problem(pc->rd->rep, fl, column, zh, en);
}

/* Rows by group: order[k] lists group k's rows, in file order. */
static const struct row **rows_by_group(const struct groups *g, const struct row *rows,
                                        const size_t *row_group, size_t nrows, size_t **start)
{
	const struct row **order = xcalloc(nrows + 1, sizeof(*order));
	size_t *pos = xcalloc(g->n + 1, sizeof(size_t));
	*start = xcalloc(g->n + 1, sizeof(size_t));
	size_t at = 0;
	for (size_t k = 0; k < g->n; k++) {
		(*start)[k] = at;
		pos[k] = at;
		at += g->count[k];
	}
	(*start)[g->n] = at; /* rows without an order number are in no group */
	for (size_t r = 0; r < nrows; r++)
		if (row_group[r] != SIZE_MAX)
			order[pos[row_group[r]]++] = &rows[r];
	free(pos);
	return order;
}

static int insert_import(struct store *db, const char *filename, int64_t channel_id, size_t rows,
                         int64_t user_id, int64_t *id, struct app_err *err)
{
	struct stmt *st;
	int rc =
	    store_prepare(db,
	                  "INSERT INTO imports (filename, channel_id, rows_total, orders_created,"
	                  " orders_unchanged, created_by, created_at)"
	                  " VALUES (?, ?, ?, 0, 0, NULLIF(?, 0), ?) RETURNING id",
	                  &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, filename && *filename ? filename : "upload");
	stmt_bind_int(st, 2, channel_id);
	stmt_bind_int(st, 3, (int64_t)rows);
	stmt_bind_int(st, 4, user_id);
	stmt_bind_int(st, 5, time_now_ms());
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*id = stmt_int(st, 0);
		rc = stmt_step(st);
	}
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

static int finish_import(struct store *db, const struct import_report *rep, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(
	    db, "UPDATE imports SET orders_created = ?, orders_unchanged = ? WHERE id = ?", &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, (int64_t)rep->created);
	stmt_bind_int(st, 2, (int64_t)rep->unchanged);
	stmt_bind_int(st, 3, rep->import_id);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

/* The hashes of the orders, made ahead by another thread. */
struct hashes {
	char (*hex)[65];   /* hex[k]: order k's body hash, once k < done */
	atomic_size_t done;
	atomic_bool stop;
	pthread_t thread;
	bool running;
};

struct importer {
	struct store *db;
	struct reader rd;
	struct row *rows;
	size_t nrows;
	size_t *row_group;
	struct groups g;
	const struct row **by_group;
	size_t *start;
	struct order_ctx *ctx;
	struct order_build b;
	struct hashes h;
};

/* A row that repeats an earlier row of its order exactly (same SKU, units and
 * price) is almost always a line pasted twice; it is refused rather than
 * silently doubling the quantity. */
static void check_repeats(struct reader *rd, const struct row *const *rows, size_t n)
{
	for (size_t j = 1; j < n; j++)
		for (size_t i = 0; i < j; i++) {
			const struct row *a = rows[i], *b = rows[j];
			if (strcmp(a->cell[C_SKU], b->cell[C_SKU]) ||
			    strcmp(a->cell[C_UNITS], b->cell[C_UNITS]) ||
			    strcmp(a->cell[C_PRICE], b->cell[C_PRICE]))
				continue;
			char zh[200], en[240];
			snprintf(zh, sizeof(zh),
			         "与同一订单 %.60s 的第 %ld 行重复（商品、数量、单价都相同）",
			         b->cell[C_ORDER_NO], a->line);
			snprintf(en, sizeof(en),
			         "repeats line %ld of order '%.60s' (same sku, units and price): a "
			         "duplicated row?",
			         a->line, b->cell[C_ORDER_NO]);
			problem(rd->rep, b->line, rd->header[C_ORDER_NO], zh, en);
			break;
		}
}

static int check_orders(struct importer *im, struct app_err *err)
{
	for (size_t k = 0; k < im->g.n; k++) {
		size_t n = im->start[k + 1] - im->start[k];
		const struct row *const *rows = im->by_group + im->start[k];
		if (n > ORDER_MAX_LINES) {
			problem(im->rd.rep, rows[ORDER_MAX_LINES]->line, im->rd.header[C_ORDER_NO],
			        "一个订单最多 200 行", "an order has at most 200 lines");
			continue;
		}
		check_repeats(&im->rd, rows, n);
		build_order(&im->b, rows, n);
		struct problem_ctx pc = {&im->rd, &im->b};
		if (order_check(im->ctx, &im->b.in, order_problem, &pc, err) < 0)
			return -1;
	}
	return 0;
}

/* The hash thread: every order's body hash, in order; the rows are only read. */
static void *hash_orders(void *p)
{
	struct importer *im = p;
	struct order_build b = {.lines = xcalloc(ORDER_MAX_LINES + 1, sizeof(*b.lines)),
	                        .rows = xcalloc(ORDER_MAX_LINES + 1, sizeof(*b.rows))};
	for (size_t k = 0; k < im->g.n && !atomic_load(&im->h.stop); k++) {
		size_t n = im->start[k + 1] - im->start[k];
		if (n <= ORDER_MAX_LINES) { /* a longer order is refused before any submit */
			build_order(&b, im->by_group + im->start[k], n);
			order_body_hash(&b.in, im->h.hex[k]);
		}
		atomic_store_explicit(&im->h.done, k + 1, memory_order_release);
	}
	free(b.lines);
	free(b.rows);
	return NULL;
}

static void hashes_start(struct importer *im)
{
	im->h.hex = xcalloc(im->g.n + 1, sizeof(*im->h.hex));
	atomic_init(&im->h.done, 0);
	atomic_init(&im->h.stop, false);
	im->h.running = pthread_create(&im->h.thread, NULL, hash_orders, im) == 0;
}

/* Order k's hash, waiting for the thread if it is behind; NULL (order_submit
 * computes it) without the thread. */
static const char *hash_of(struct importer *im, size_t k)
{
	if (!im->h.running)
		return NULL;
	while (atomic_load_explicit(&im->h.done, memory_order_acquire) <= k)
		sched_yield();
	return im->h.hex[k];
}

static void hashes_stop(struct importer *im)
{
	if (im->h.running) {
		atomic_store(&im->h.stop, true);
		pthread_join(im->h.thread, NULL);
		im->h.running = false;
	}
	free(im->h.hex);
	im->h.hex = NULL;
}

static int submit_orders(struct importer *im, int64_t channel_id, int64_t user_id,
                         import_progress_fn progress, void *ud, struct app_err *err)
{
	struct import_report *rep = im->rd.rep;
	for (size_t k = 0; k < im->g.n; k++) {
		size_t n = im->start[k + 1] - im->start[k];
		struct order_result res;
		struct app_err e;
		build_order(&im->b, im->by_group + im->start[k], n);
		im->b.in.hash = hash_of(im, k);
		if (order_submit(im->ctx, channel_id, &im->b.in, rep->import_id, user_id, &res,
		                 &e)) {
			if (e.status >= 500) {
				*err = e;
				return -1;
			}
			int col = column_of_field(e.field);
			problem(rep, im->b.rows[e.row > 0 ? e.row - 1 : 0]->line,
			        col >= 0 ? im->rd.header[col] : e.field, e.message_zh,
			        e.message_en);
			continue;
		}
		if (res.outcome == ORDER_CREATED) {
			rep->created++;
			rep->lines += n;
		} else {
			rep->unchanged++;
		}
		if (progress && (k % 1000 == 999 || k + 1 == im->g.n))
			progress(ud, k + 1, im->g.n);
	}
	return 0;
}

static void read_rows(struct importer *im)
{
	const struct table *t = im->rd.t;
	im->rows = xcalloc(t->nrows + 1, sizeof(*im->rows));
	im->row_group = xcalloc(t->nrows + 1, sizeof(size_t));
	groups_init(&im->g, t->nrows);
	for (size_t r = 1; r < t->nrows; r++) {
		if (table_row_is_blank(t, r))
			continue;
		struct row *w = &im->rows[im->nrows];
		read_row(&im->rd, r, w);
		im->row_group[im->nrows] = SIZE_MAX;
		if (*w->cell[C_ORDER_NO]) {
			size_t k = group_of(&im->g, im->rows, im->nrows);
			if (im->g.count[k] > 0)
				check_agrees(&im->rd, &im->rows[im->g.first[k]], w);
			im->g.count[k]++;
			im->row_group[im->nrows] = k;
		}
		im->nrows++;
	}
}

static void importer_release(struct importer *im)
{
	hashes_stop(im);
	order_ctx_free(im->ctx);
	for (size_t i = 0; i < im->rd.nowned; i++)
		free(im->rd.owned[i]);
	free(im->rd.owned);
	free(im->rows);
	free(im->row_group);
	groups_release(&im->g);
	free(im->by_group);
	free(im->start);
	free(im->b.lines);
	free(im->b.rows);
}

/* Problems in file order (stable: a row's problems keep their column order);
 * at most MAX_LISTED of them, so insertion sort is cheap enough. */
static void sort_problems(struct import_report *rep)
{
	size_t n = rep->nproblems < rep->capproblems ? rep->nproblems : rep->capproblems;
	for (size_t i = 1; i < n; i++) {
		struct import_problem p = rep->problems[i];
		size_t j = i;
		for (; j > 0 && rep->problems[j - 1].line > p.line; j--)
			rep->problems[j] = rep->problems[j - 1];
		rep->problems[j] = p;
	}
}

static int refused(struct import_report *rep, struct app_err *err)
{
	sort_problems(rep);
	app_fail(err, 422, "invalid", rep->problems[0].column, "文件有错误，整个文件未导入",
	         "the file has %zu problem(s); nothing was imported", rep->nproblems);
	err->row = rep->problems[0].line;
	return -1;
}

int order_import_table(struct store *db, int64_t channel_id, const struct table *t,
                       const char *filename, int64_t user_id, const char *today,
                       import_progress_fn progress, void *ud, struct import_report *rep,
                       struct app_err *err)
{
	struct importer im;
	int ret = -1;
	memset(&im, 0, sizeof(im));
	im.db = db;
	im.rd.t = t;
	im.rd.rep = rep;
	if (t->nrows == 0) {
		problem(rep, 0, "", "文件是空的", "the file is empty");
		return refused(rep, err);
	}
	if (find_columns(&im.rd))
		return refused(rep, err);
	read_rows(&im);
	rep->rows = im.nrows;
	rep->orders = im.g.n;
	if (im.nrows == 0)
		problem(rep, 0, "", "文件没有数据行", "the file has no data rows");
	im.by_group = rows_by_group(&im.g, im.rows, im.row_group, im.nrows, &im.start);
	im.b.lines = xcalloc(ORDER_MAX_LINES + 1, sizeof(*im.b.lines));
	im.b.rows = xcalloc(ORDER_MAX_LINES + 1, sizeof(*im.b.rows));
	im.ctx = order_ctx_new(db, today);
	order_ctx_batch(im.ctx);
	hashes_start(&im);
	if (check_orders(&im, err))
		goto out_release;
	if (rep->nproblems) {
		ret = refused(rep, err);
		goto out_release;
	}
	order_ctx_prechecked(im.ctx); /* check_orders found no problem in any order */
	if (insert_import(db, filename, channel_id, im.nrows, user_id, &rep->import_id, err) ||
	    submit_orders(&im, channel_id, user_id, progress, ud, err))
		goto out_release;
	if (rep->nproblems) {
		ret = refused(rep, err);
		goto out_release;
	}
	if (order_ctx_flush(im.ctx, err))
		goto out_release;
	ret = finish_import(db, rep, err);
out_release:
	importer_release(&im);
	return ret;
}

/* ---- deliveries ---- */

enum dcol { D_CARRIER, D_TRACKING, D_AT, D_N };
static const struct import_column delivery_columns[D_N] = {
    {"carrier", "承运商", true},
    {"tracking_no", "运单号", true},
    {"delivered_at", "签收时间", true},
};

static bool id_listed(const int64_t *ids, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static void delivery_row(struct store *db, const struct table *t, size_t r, const int *idx,
                         const int64_t *warehouses, int nwh, size_t *confirmed,
                         struct import_report *rep, struct app_err *err)
{
	long line = t->rows[r].line;
	const char *v[D_N];
	for (int c = 0; c < D_N; c++)
		v[c] = table_cell(t, r, (size_t)idx[c]);
	int64_t ms;
	bool changed;
	int64_t wh;
	struct app_err e;
	if (!*v[D_CARRIER] || !*v[D_TRACKING]) {
		problem(rep, line, !*v[D_CARRIER] ? "carrier" : "tracking_no", "承运商和运单号必填",
		        "carrier and tracking_no are required");
		return;
	}
	if (import_parse_time(v[D_AT], &ms)) {
		problem(rep, line, "delivered_at", "签收时间格式不对",
		        "delivered_at must be ISO-8601 or 'YYYY-MM-DD HH:MM'");
		return;
	}
	if (delivery_confirm(db, v[D_CARRIER], v[D_TRACKING], ms, &changed, &wh, &e)) {
		if (e.status >= 500)
			*err = e;
		problem(rep, line, e.field, e.message_zh, e.message_en);
		return;
	}
	if (warehouses && !id_listed(warehouses, nwh, wh)) {
		problem(rep, line, "tracking_no", "该包裹不属于您的仓库",
		        "the parcel belongs to another warehouse");
		return;
	}
	*confirmed += changed;
}

int delivery_import_table(struct store *db, const struct table *t, const int64_t *warehouses,
                          int nwarehouses, size_t *confirmed, struct import_report *rep,
                          struct app_err *err)
{
	int idx[D_N];
	*confirmed = 0;
	memset(err, 0, sizeof(*err));
	for (int c = 0; c < D_N; c++) {
		idx[c] = table_column(t, delivery_columns[c].en);
		if (idx[c] < 0)
			idx[c] = table_column(t, delivery_columns[c].zh);
		if (idx[c] < 0) {
			char en[240];
			snprintf(en, sizeof(en), "missing column '%s'", delivery_columns[c].en);
			problem(rep, 1, delivery_columns[c].en, "缺少列", en);
		}
	}
	if (t->nrows == 0)
		problem(rep, 0, "", "文件是空的", "the file is empty");
	if (rep->nproblems)
		return refused(rep, err);
	for (size_t r = 1; r < t->nrows && !err->status; r++) {
		if (table_row_is_blank(t, r))
			continue;
		rep->rows++;
		delivery_row(db, t, r, idx, warehouses, nwarehouses, confirmed, rep, err);
	}
	if (err->status >= 500)
		return -1;
	return rep->nproblems ? refused(rep, err) : 0;
}
