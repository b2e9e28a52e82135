/*
 * Orders over HTTP (云仓集单): POST /orders (one order), POST /orders/bulk
 * (all or nothing, every bad order listed with its index), POST
 * /imports/orders?channel=CODE (a CSV or xlsx file as the raw body), the
 * order list and one order, and cancel / refund / return. Thin: the JSON is
 * validated here (unknown fields refused), the caller's channel scope is
 * checked, and src/app/orders.c, fulfil.c and order_import.c do the work.
 * A resent order answers 200 "unchanged" with the existing order; a different
 * body under the same order number answers 409.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/fulfil.h"
#include "app/order_import.h"
#include "app/orders.h"
#include "http/order_json.h"
#include "http/routes.h"
#include "http/reallocate.h"
#include "io/json_elems.h"
#include "io/table.h"
#include "lib/alloc.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#define BULK_MAX_ORDERS 50000

static const char *const order_fields[] = {"channel",    "order_no", "customer",
                                           "ordered_at", "lines",    NULL};
static const char *const customer_fields[] = {"name", "phone", "address", "division_code", NULL};
static const char *const line_fields[] = {"sku", "units", "unit_price_fen", NULL};

/* Errors added since `from` get `prefix` before their field and `row`. */
static void relabel(struct req *r, int from, const char *prefix, int64_t row)
{
	for (int i = from; i < r->nerrors; i++) {
		struct field_error *f = &r->errors[i];
		f->field = arena_printf(r->arena, "%s%s", prefix, f->field ? f->field : "");
		if (row)
			f->row = row;
	}
}

static bool parse_ordered_at(struct req *r, json_t *o, int64_t *ms)
{
	const char *s = NULL;
	int64_t unix_s;
	*ms = 0;
	if (!jget_str(r, o, "ordered_at", false, 40, &s))
		return false;
	if (!s)
		return true;
	if (time_parse_iso(s, strlen(s), &unix_s)) {
		req_add_error(r, "ordered_at", 0,
		              "下单时间须为 ISO-8601（如 2024-10-01T06:30:00Z）",
		              "ordered_at must be ISO-8601, e.g. 2024-10-01T06:30:00Z");
		return false;
	}
	*ms = unix_s * 1000;
	return true;
}

static bool parse_lines(struct req *r, json_t *o, struct order_in *in)
{
	json_t *lines, *l;
	size_t i;
	if (!jget_array(r, o, "lines", true, ORDER_MAX_LINES, &lines))
		return false;
	struct order_line_in *out = arena_alloc(r->arena, json_array_size(lines) * sizeof(*out));
	bool ok = true;
	json_array_foreach(lines, i, l)
	{
		int from = r->nerrors;
		bool good = jcheck_fields(r, l, line_fields) &&
		            jget_str(r, l, "sku", true, 64, &out[i].sku);
		good = jget_int(r, l, "units", true, 1, 100000, &out[i].units) && good;
		good =
		    jget_int(r, l, "unit_price_fen", true, 0, 1000000000, &out[i].unit_price_fen) &&
		    good;
		if (r->nerrors > from) /* the prefix is only written for errors */
			relabel(r, from, arena_printf(r->arena, "lines[%zu].", i), 0);
		ok = ok && good;
	}
	in->lines = out;
	in->nlines = json_array_size(lines);
	return ok;
}

/* Read one order object into in (and its channel code); false after adding errors. */
static bool parse_order(struct req *r, json_t *o, struct order_in *in, const char **channel)
{
	json_t *cust;
	memset(in, 0, sizeof(*in));
	if (!jcheck_fields(r, o, order_fields))
		return false;
	bool ok = jget_str(r, o, "channel", true, 64, channel);
	ok = jget_str(r, o, "order_no", true, 64, &in->order_no) && ok;
	ok = parse_ordered_at(r, o, &in->ordered_at_ms) && ok;
	cust = json_object_get(o, "customer");
	if (!cust) {
		req_add_error(r, "customer", 0, "缺少字段 customer", "missing field 'customer'");
		ok = false;
	} else {
		int from = r->nerrors;
		if (jcheck_fields(r, cust, customer_fields)) {
			ok = jget_str(r, cust, "name", true, 50, &in->name) && ok;
			ok = jget_str(r, cust, "phone", false, 20, &in->phone) && ok;
			ok = jget_str(r, cust, "address", true, 200, &in->address) && ok;
			ok = jget_str(r, cust, "division_code", true, 12, &in->division_code) && ok;
		} else {
			ok = false;
		}
		relabel(r, from, "customer.", 0);
	}
	return parse_lines(r, o, in) && ok;
}

struct problem_sink {
	struct req *r;
	const char *prefix; /* NULL: "orders[row - 1].", written when first needed */
	int64_t row;
};

/* "orders[i]." for the bulk entry of row i + 1, written only for an error. */
static const char *bulk_prefix(struct req *r, int64_t row)
{
	return arena_printf(r->arena, "orders[%lld].", (long long)row - 1);
}

static const char *customer_field(const char *f)
{
	static const char *const c[] = {"name", "phone", "address", "division_code", NULL};
	for (int i = 0; c[i]; i++)
		if (!strcmp(c[i], f))
			return "customer.";
	return "";
}

static void add_problem(void *ud, int line, const char *field, const char *zh, const char *en)
{
	struct problem_sink *s = ud;
	if (!s->prefix)
		s->prefix = bulk_prefix(s->r, s->row);
	const char *f =
	    line >= 0
	        ? arena_printf(s->r->arena, "%slines[%d].%s", s->prefix, line, field)
	        : arena_printf(s->r->arena, "%s%s%s", s->prefix, customer_field(field), field);
	req_add_error(s->r, f, s->row, zh, en);
}

static bool sees_customer(const struct user *u)
{
	return user_sees_personal(u) || u->role == ROLE_CHANNEL || u->role == ROLE_MACHINE;
}

/* The channel's id if it exists and the caller may use it; else a reply is made. */
static bool channel_for(struct req *r, const char *code, int64_t *id, int64_t row)
{
	struct app_err e;
	if (channel_by_code(r->db, code, id, &e)) {
		if (e.status == 404) {
			req_add_error(
			    r,
			    row ? arena_printf(r->arena, "orders[%lld].channel", (long long)row - 1)
			        : "channel",
			    row, e.message_zh, e.message_en);
			return false;
		}
		reply_app_error(r, &e);
		return false;
	}
	if (!user_has_channel(r->user, *id)) {
		reply_error(
		    r, 403, "forbidden", "channel", "您无权为该渠道下单",
		    arena_printf(r->arena, "you may not post orders for channel '%.64s'", code));
		return false;
	}
	return true;
}

#define ORDER_REPLY_MAX (16 << 20)

/* 201 with the order just created, written from the context's memory. */
static int reply_created(struct req *r, struct order_ctx *ctx, const char *channel)
{
	struct buf b;
	struct app_err e;
	buf_init(&b, ORDER_REPLY_MAX);
	buf_adds(&b, "{\"result\":\"created\",\"order\":");
	int rc = order_created_text(ctx, channel, sees_customer(r->user), &b, &e);
	if (rc == 0 && buf_adds(&b, "}") == 0)
		reply_raw(r, 201, "application/json; charset=utf-8", b.p, b.n);
	else if (rc)
		reply_app_error(r, &e);
	else
		reply_error(r, 500, "internal", NULL, "订单回复过大", "order reply too large");
	buf_release(&b);
	return 0;
}

/* 200 with the identical order sent before, read back. */
static int reply_unchanged(struct req *r, int64_t id)
{
	int64_t cid;
	struct app_err e;
	json_t *order = order_get_json(r->db, id, sees_customer(r->user), &cid, &e);
	if (!order)
		return reply_app_error(r, &e);
	return reply_json(r, 200, json_pack("{s:s, s:o}", "result", "unchanged", "order", order));
}

/* The audit row of a created order: queued with its rows in group mode. */
static int audit_created(struct req *r, struct order_ctx *ctx, const struct order_result *res,
                         int64_t channel_id)
{
	char idt[24], cht[24], detail[96]; /* copied by the queue or written at once */
	const char *id = int64_text(res->id, idt), *ch = int64_text(channel_id, cht);
	size_t nc = strlen(ch), ns = strnlen(res->status, sizeof(res->status));
	memcpy(detail, "{\"channel_id\":", 14);
	memcpy(detail + 14, ch, nc);
	memcpy(detail + 14 + nc, ",\"status\":\"", 11);
	memcpy(detail + 25 + nc, res->status, ns);
	memcpy(detail + 25 + nc + ns, "\"}", 3);
	if (order_ctx_queue_audit(ctx, now_ms(), r->user->id, "order.create", "order", id, detail))
		return 0;
	return audit(r, "order.create", "order", id, detail);
}

/* POST /orders before the writer (ROUTE_PREPARE_QUICK): the body read and
 * checked, and its hash, on the connection thread. */
struct order_prep {
	struct order_in in;
	const char *channel;
	char hash[65];
};

/* The order read from the body into r->prepared; false after adding errors. */
static bool prepare_create(struct req *r)
{
	struct order_prep *p = arena_alloc(r->arena, sizeof(*p));
	json_t *body = req_body_object(r);
	if (!body || !parse_order(r, body, &p->in, &p->channel))
		return false;
	order_body_hash(&p->in, p->hash);
	p->in.hash = p->hash;
	r->prepared = p; /* in the request's arena: nothing to free */
	return true;
}

static int handle_create(struct req *r)
{
	int64_t channel_id;
	struct app_err e;
	struct order_result res;
	if (r->preparing || !r->prepared) { /* the first call, or called without one */
		if (!prepare_create(r))
			return reply_invalid(r);
		if (r->preparing)
			return 0;
	}
	const struct order_prep *p = r->prepared;
	const struct order_in *in = &p->in;
	if (!channel_for(r, p->channel, &channel_id, 0))
		return r->status ? 0 : reply_invalid(r);
	struct order_ctx *ctx = order_ctx_shared(r->db, today_shanghai(r));
	struct problem_sink sink = {r, "", 0};
	int bad = order_check(ctx, in, add_problem, &sink, &e);
	order_ctx_prechecked(ctx); /* every order of the shared context is checked here first */
	int rc = bad == 0 ? order_submit(ctx, channel_id, in, 0, r->user->id, &res, &e) : -1;
	if (bad > 0)
		reply_invalid(r);
	else if (rc)
		reply_app_error(r, &e);
	else if (res.outcome == ORDER_UNCHANGED)
		reply_unchanged(r, res.id);
	else if (audit_created(r, ctx, &res, channel_id))
		reply_error(r, 503, "unavailable", NULL, "存储暂时不可用", "audit failed");
	else
		reply_created(r, ctx, p->channel);
	if (r->status < 400)
		order_ctx_keep(ctx); /* the next order of this group commit reuses it */
	return 0;
}

/* Channels already resolved in this bulk request. */
struct channel_cache {
	const char *code[16];
	int64_t id[16];
	int n;
};

static bool bulk_channel(struct req *r, struct channel_cache *cc, const char *code, size_t i,
                         int64_t *id)
{
	for (int k = 0; k < cc->n; k++)
		if (!strcmp(cc->code[k], code)) {
			*id = cc->id[k];
			return true;
		}
	if (!channel_for(r, code, id, (int64_t)i + 1))
		return false;
	if (cc->n < 16) {
		cc->code[cc->n] = code;
		cc->id[cc->n++] = *id;
	}
	return true;
}

/* ---- bulk: the body read on one thread while the writer submits ----
 *
 * POST /orders/bulk runs in two phases (ROUTE_PREPARE, ROUTE_JSON_STREAM).
 * Before the writer, prepare_bulk starts a thread that turns the raw body
 * into chunks of parsed orders (struct bulk_item: parse_order's fields and
 * errors, the body hash), finding the elements of "orders" with the scanner
 * of io/json_elems.h and reading each on its own: the plain layout with
 * order_json_fast (no jansson tree), anything else with jansson and
 * parse_order. On the writer
 * the handler takes the chunks as they come: channel, order_check, then
 * order_submit into the batch queues, so both cores work at once. Anything
 * the scanner does not expect makes the thread parse the whole body as the
 * dispatcher used to: a syntax error then gets the same 400 with line and
 * column, a body of another shape the same 422, and a valid body the rest
 * of its orders from the tree (the elements read so far are the tree's
 * first ones). All or nothing: after a bad order nothing more is submitted,
 * the rest are still checked so every bad order is listed, and the refused
 * job's savepoint is rolled back by the writer. */

#define BULK_CHUNK 128

static const char *const bulk_fields[] = {"orders", NULL};

struct bulk_item {
	struct order_in in;
	const char *channel; /* NULL if missing or not text */
	int64_t channel_id;
	bool ok;              /* parse_order found nothing wrong */
	int err_from, err_to; /* its errors in the chunk's scratch request */
	char hash[65];
};

/* Orders of the body in order, with what their parsing allocated. */
struct bulk_chunk {
	struct bulk_chunk *next;
	struct arena arena;
	struct req scratch; /* arena and errors only: parse_order's */
	size_t first, n;    /* items[0] is the bulk's order `first` */
	struct bulk_item items[BULK_CHUNK];
};

enum bulk_outcome {
	BULK_DONE,       /* every order read */
	BULK_BAD_JSON,   /* jerr: the body is not JSON */
	BULK_BODY_ERRORS /* scratch's errors: not {"orders": [1..50000 items]} */
};

struct bulk_stream {
	const char *body; /* the request's (alive until bulk_stream_free) */
	size_t len;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t ready;
	struct bulk_chunk *head, *tail; /* published, under lock */
	struct bulk_chunk *filling;     /* the reader's own, not yet published */
	size_t total;                   /* orders read */
	bool finished;                  /* under lock: outcome set, nothing more */
	atomic_bool cancel;             /* the writer will not take more */
	enum bulk_outcome outcome;
	json_error_t jerr;
	struct arena arena;
	struct req scratch;
};

static void publish(struct bulk_stream *s, struct bulk_chunk *c, bool finished,
                    enum bulk_outcome outcome)
{
	pthread_mutex_lock(&s->lock);
	if (c) {
		if (s->tail)
			s->tail->next = c;
		else
			s->head = c;
		s->tail = c;
	}
	if (finished) {
		s->outcome = outcome;
		s->finished = true;
	}
	pthread_cond_signal(&s->ready);
	pthread_mutex_unlock(&s->lock);
}

static struct bulk_chunk *chunk_new(size_t first)
{
	struct bulk_chunk *c = xcalloc(1, sizeof(*c));
	arena_init(&c->arena);
	c->scratch.arena = &c->arena;
	c->first = first;
	return c;
}

static void finish(struct bulk_stream *s, enum bulk_outcome outcome)
{
	struct bulk_chunk *c = s->filling;
	s->filling = NULL;
	publish(s, c, true, outcome);
}

/* The chunk being filled, with room for the bulk's order i (a full one is
 * published first). */
static struct bulk_chunk *room(struct bulk_stream *s, size_t i)
{
	if (s->filling && s->filling->n == BULK_CHUNK) {
		publish(s, s->filling, false, BULK_DONE);
		s->filling = NULL;
	}
	if (!s->filling)
		s->filling = chunk_new(i);
	return s->filling;
}

/* The slot for the bulk's order i in the chunk being filled. */
static struct bulk_item *next_slot(struct bulk_stream *s, size_t i)
{
	room(s, i);
	struct bulk_item *it = &s->filling->items[s->filling->n++];
	it->err_from = it->err_to = s->filling->scratch.nerrors;
	s->total = i + 1;
	return it;
}

static void hash_item(struct bulk_item *it)
{
	order_body_hash(&it->in, it->hash);
	it->in.hash = it->hash;
}

/* Parse order o, the bulk's order i, into the chunk being filled. */
static void read_item(struct bulk_stream *s, json_t *o, size_t i)
{
	struct bulk_item *it = next_slot(s, i);
	struct req *r = &s->filling->scratch;
	it->ok = parse_order(r, o, &it->in, &it->channel);
	if (r->nerrors > it->err_from)
		relabel(r, it->err_from, bulk_prefix(r, (int64_t)i + 1), (int64_t)i + 1);
	it->err_to = r->nerrors;
	if (it->ok)
		hash_item(it);
}

/* The bulk's order i from its bytes: the plain layout without a jansson
 * tree (order_json_fast), anything else through jansson; false if jansson
 * refuses the bytes (nothing added). */
static bool read_span(struct bulk_stream *s, const char *p, size_t n, size_t i)
{
	struct order_in in;
	const char *channel;
	if (order_json_fast(p, n, &room(s, i)->arena, &in, &channel)) {
		struct bulk_item *it = next_slot(s, i);
		it->in = in;
		it->channel = channel;
		it->ok = true;
		hash_item(it);
		return true;
	}
	json_error_t e;
	json_t *o = json_loadb(p, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &e);
	if (!o)
		return false;
	read_item(s, o, i);
	json_decref(o);
	return true;
}

/* The dispatcher's way: the whole body at once; the orders from `from` on. */
static void read_tree(struct bulk_stream *s, size_t from)
{
	json_t *body = NULL, *orders, *o;
	struct req *r = &s->scratch;
	if (s->len && !(body = json_loadb(s->body, s->len, JSON_REJECT_DUPLICATES, &s->jerr))) {
		finish(s, BULK_BAD_JSON);
		return;
	}
	r->json = body;
	if (!req_body_object(r) || !jcheck_fields(r, body, bulk_fields) ||
	    !jget_array(r, body, "orders", true, BULK_MAX_ORDERS, &orders)) {
		json_decref(body);
		finish(s, BULK_BODY_ERRORS);
		return;
	}
	for (size_t i = from; i < json_array_size(orders) && !atomic_load(&s->cancel); i++) {
		o = json_array_get(orders, i);
		read_item(s, o, i);
	}
	json_decref(body);
	finish(s, BULK_DONE);
}

/* The elements one by one; read_tree when anything is unexpected. */
static void read_body(struct bulk_stream *s)
{
	struct json_elems sc;
	const char *p;
	size_t n;
	if (json_elems_open(&sc, s->body, s->len, "orders")) {
		read_tree(s, 0);
		return;
	}
	for (;;) {
		enum json_elems_step step = json_elems_next(&sc, &p, &n);
		if (step == JSON_ELEMS_END && s->total > 0)
			break;
		if (step != JSON_ELEMS_ELEMENT || s->total == BULK_MAX_ORDERS) {
			read_tree(s, s->total);
			return;
		}
		if (!read_span(s, p, n, s->total)) {
			read_tree(s, s->total);
			return;
		}
		if (atomic_load(&s->cancel))
			break;
	}
	finish(s, BULK_DONE);
}

static void *bulk_reader_main(void *arg)
{
	read_body(arg);
	return NULL;
}

static void bulk_stream_free(void *p)
{
	struct bulk_stream *s = p;
	atomic_store(&s->cancel, true);
	pthread_join(s->thread, NULL);
	for (struct bulk_chunk *c = s->head, *next; c; c = next) {
		next = c->next;
		arena_release(&c->arena);
		free(c);
	}
	arena_release(&s->arena);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->ready);
	free(s);
}

/* ROUTE_PREPARE: start reading the body; 0 without a reply, or 503. */
static int prepare_bulk(struct req *r)
{
	struct bulk_stream *s = xcalloc(1, sizeof(*s));
	s->body = r->body;
	s->len = r->body_len;
	arena_init(&s->arena);
	s->scratch.arena = &s->arena;
	atomic_init(&s->cancel, false);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->ready, NULL);
	if (pthread_create(&s->thread, NULL, bulk_reader_main, s)) {
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->ready);
		free(s);
		return reply_error(r, 503, "unavailable", NULL, "服务器繁忙，请稍后重试",
		                   "server busy, nothing was saved; retry");
	}
	r->prepared = s;
	r->prepared_free = bulk_stream_free;
	return 0;
}

/* The chunk after prev (the first if prev is NULL), waiting for the reader;
 * NULL once it has finished and every chunk was taken. */
static struct bulk_chunk *next_chunk(struct bulk_stream *s, struct bulk_chunk *prev)
{
	struct bulk_chunk *c;
	pthread_mutex_lock(&s->lock);
	while (!(c = prev ? prev->next : s->head) && !s->finished)
		pthread_cond_wait(&s->ready, &s->lock);
	pthread_mutex_unlock(&s->lock);
	return c;
}

/* s as a JSON string: quotes, backslashes and control characters escaped
 * (the order numbers are checked UTF-8 text already). 0, or -1 past the cap. */
static int add_json_string(struct buf *b, const char *s)
{
	int rc = buf_add(b, "\"", 1);
	for (const char *p = s; *p && rc == 0;) {
		size_t plain = 0;
		while (p[plain] && p[plain] != '"' && p[plain] != '\\' &&
		       (unsigned char)p[plain] >= 0x20)
			plain++;
		rc = buf_add(b, p, plain); /* a run that needs no escape, in one piece */
		p += plain;
		if (!*p || rc)
			break;
		unsigned char ch = (unsigned char)*p++;
		if (ch == '"' || ch == '\\') {
			char esc[2] = {'\\', (char)ch};
			rc = buf_add(b, esc, 2);
		} else {
			rc = buf_printf(b, "\\u%04x", ch);
		}
	}
	return rc ? rc : buf_add(b, "\"", 1);
}

/* v in decimal (without printf: two numbers per order of a 50,000-order reply). */
static int add_int(struct buf *b, int64_t v)
{
	char t[24], *p = t + sizeof(t);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	return buf_add(b, p, (size_t)(t + sizeof(t) - p));
}

/* One entry of the reply's "orders" array; 0, or -1 past the cap. */
static int add_bulk_result(struct buf *b, size_t i, const struct order_result *res,
                           const char *order_no)
{
	bool created = res->outcome == ORDER_CREATED;
	return buf_adds(b, i ? ",{\"index\":" : "{\"index\":") || add_int(b, (int64_t)i) ||
	               buf_adds(b, ",\"id\":") || add_int(b, res->id) ||
	               buf_adds(b, ",\"order_no\":") || add_json_string(b, order_no) ||
	               buf_adds(b, created ? ",\"result\":\"created\",\"status\":\""
	                                   : ",\"result\":\"unchanged\",\"status\":\"") ||
	               buf_adds(b, res->status) || buf_adds(b, "\"}")
	           ? -1
	           : 0;
}

#define BULK_REPLY_MAX (256u << 20)

/* The reply, written as text: a 50,000-order reply built as a jansson tree
 * and dumped cost more than a tenth of the request. */
static int reply_bulk(struct req *r, size_t n, size_t created, struct buf *entries)
{
	struct buf b;
	buf_init(&b, BULK_REPLY_MAX);
	buf_printf(&b, "{\"created\":%zu,\"unchanged\":%zu,\"orders\":[", created, n - created);
	int rc = buf_add(&b, entries->p, entries->n) || buf_adds(&b, "]}");
	if (rc == 0)
		reply_raw(r, created ? 201 : 200, "application/json; charset=utf-8", b.p, b.n);
	else
		reply_error(r, 500, "internal", NULL, "回复过大", "bulk reply too large");
	buf_release(&b);
	return 0;
}

/* The writer's side of one bulk request. */
struct bulk_run {
	struct req *r;
	struct order_ctx *ctx;
	struct channel_cache cc;
	struct buf entries; /* the reply's "orders" entries */
	size_t created;
	bool bad;     /* some order was refused: submit no more */
	bool stopped; /* a 403 or 5xx reply is made: take no more */
};

/* Submit order i, adding its result to the reply or a 409 to the errors. */
static void submit_item(struct bulk_run *b, const struct bulk_item *it, size_t i)
{
	struct req *r = b->r;
	struct order_result res;
	struct app_err e;
	if (!order_submit(b->ctx, it->channel_id, &it->in, 0, r->user->id, &res, &e)) {
		b->created += res.outcome == ORDER_CREATED;
		if (add_bulk_result(&b->entries, i, &res, it->in.order_no)) {
			reply_error(r, 500, "internal", NULL, "回复过大", "bulk reply too large");
			b->stopped = true;
		}
	} else if (e.status >= 500) {
		reply_app_error(r, &e);
		b->stopped = true;
	} else { /* 409 ...: listed, and the others still go in so every clash is found */
		req_add_error(r, arena_printf(r->arena, "orders[%zu].%s", i, e.field),
		              (int64_t)i + 1, e.message_zh, e.message_en);
		b->bad = true;
	}
}

/* Check order i of the chunk (its parse errors, channel, order_check) and
 * submit it unless this bulk is refused already. */
static void take_item(struct bulk_run *b, const struct bulk_chunk *c, struct bulk_item *it,
                      size_t i)
{
	struct req *r = b->r;
	bool ok = it->ok;
	for (int k = it->err_from; k < it->err_to; k++) {
		const struct field_error *f = &c->scratch.errors[k];
		req_add_error(r, f->field, f->row, f->message_zh, f->message_en);
	}
	if (it->channel && !bulk_channel(r, &b->cc, it->channel, i, &it->channel_id)) {
		if (r->status) {
			b->stopped = true;
			return;
		}
		ok = false;
	}
	if (ok) {
		struct problem_sink sink = {r, NULL, (int64_t)i + 1};
		struct app_err e;
		int bad = order_check(b->ctx, &it->in, add_problem, &sink, &e);
		if (bad < 0) {
			reply_app_error(r, &e);
			b->stopped = true;
			return;
		}
		ok = bad == 0;
	}
	if (!ok)
		b->bad = true;
	else if (!b->bad)
		submit_item(b, it, i);
}

/* Take every chunk the reader makes; after a 403/5xx only wait for its end
 * (a body that turns out not to be JSON still answers 400). */
static void take_chunks(struct bulk_run *b, struct bulk_stream *s)
{
	for (struct bulk_chunk *c = next_chunk(s, NULL); c; c = next_chunk(s, c))
		for (size_t k = 0; k < c->n && !b->stopped; k++)
			take_item(b, c, &c->items[k], c->first + k);
}

/* The reply when the reader found the body malformed or of another shape. */
static int reply_body_problem(struct req *r, const struct bulk_stream *s)
{
	r->nerrors = 0;
	if (s->outcome == BULK_BAD_JSON)
		return reply_bad_json(r, &s->jerr);
	for (int k = 0; k < s->scratch.nerrors; k++) {
		const struct field_error *f = &s->scratch.errors[k];
		req_add_error(r, f->field, f->row, f->message_zh, f->message_en);
	}
	return reply_invalid(r);
}

/* Every order taken without a refusal: write the queues, audit, reply. */
static int bulk_finish(struct bulk_run *b, size_t n)
{
	struct req *r = b->r;
	struct app_err e;
	if (order_ctx_flush(b->ctx, &e))
		return reply_app_error(r, &e);
	if (audit(r, "order.bulk", "order", "bulk",
	          arena_printf(r->arena, "{\"orders\":%zu,\"created\":%zu}", n, b->created)))
		return reply_error(r, 503, "unavailable", NULL, "存储暂时不可用", "audit failed");
	return reply_bulk(r, n, b->created, &b->entries);
}

/* The writer connection's page cache from the first bulk request or file
 * import on: the pages a 64 MiB body dirties stay in memory until the commit. */
#define BULK_CACHE_KIB (128 * 1024)

static int handle_bulk(struct req *r)
{
	if (r->preparing)
		return prepare_bulk(r);
	struct bulk_stream *s = r->prepared;
	if (!s)
		return reply_error(r, 500, "internal", NULL, "批量订单未准备", "bulk not prepared");
	if (store_cache_kib(r->db, BULK_CACHE_KIB))
		return reply_error(r, 503, "unavailable", NULL, "存储暂时不可用",
		                   "cannot size the page cache");
	struct bulk_run b = {.r = r, .ctx = order_ctx_new(r->db, today_shanghai(r))};
	buf_init(&b.entries, BULK_REPLY_MAX);
	order_ctx_batch(b.ctx);      /* rows, ids and reservations written in multi-row batches */
	order_ctx_prechecked(b.ctx); /* take_item runs order_check before every submit */
	take_chunks(&b, s);
	if (s->outcome != BULK_DONE)
		reply_body_problem(r, s);
	else if (!r->status && (b.bad || r->nerrors))
		reply_invalid(r);
	else if (!r->status)
		bulk_finish(&b, s->total);
	order_ctx_free(b.ctx);
	buf_release(&b.entries);
	return 0;
}

/* ---- reading ---- */

static bool path_id(struct req *r, int64_t *id)
{
	return !parse_int64(str_from(r->params[0]), id) && *id > 0;
}

static int handle_get(struct req *r)
{
	int64_t id, channel_id;
	struct app_err e;
	if (!path_id(r, &id))
		return reply_not_found(r, "order");
	json_t *o = order_get_json(r->db, id, sees_customer(r->user), &channel_id, &e);
	if (!o)
		return reply_app_error(r, &e);
	if (!user_has_channel(r->user, channel_id)) {
		json_decref(o);
		return reply_forbidden(r);
	}
	return reply_json(r, 200, o);
}

static bool scoped_by_channel(const struct user *u)
{
	return u->role == ROLE_CHANNEL || u->role == ROLE_MACHINE;
}

static const char *const order_statuses[] = {"allocated", "backorder", "picking",
                                             "shipped",   "delivered", "cancelled",
                                             "returned",  "partial",   NULL};

static bool list_filter(struct req *r, struct order_filter *f)
{
	const char *s;
	int64_t day;
	memset(f, 0, sizeof(*f));
	f->nchannels = -1;
	if (scoped_by_channel(r->user)) {
		f->channels = r->user->channels;
		f->nchannels = r->user->nchannels;
	}
	req_paging(r, &f->limit, &f->offset);
	if ((s = req_query(r, "channel"))) {
		struct app_err e;
		if (channel_by_code(r->db, s, &f->channel_id, &e))
			req_add_error(r, "channel", 0, e.message_zh, e.message_en);
	}
	if ((s = req_query(r, "status"))) {
		const char *const *a = order_statuses;
		while (*a && strcmp(*a, s))
			a++;
		if (!*a)
			req_add_error(r, "status", 0, "订单状态无效", "unknown order status");
		f->status = s;
	}
	if ((f->from = req_query(r, "from")) && date_parse(f->from, strlen(f->from), &day))
		req_add_error(r, "from", 0, "日期格式应为 YYYY-MM-DD", "'from' must be YYYY-MM-DD");
	if ((f->to = req_query(r, "to")) && date_parse(f->to, strlen(f->to), &day))
		req_add_error(r, "to", 0, "日期格式应为 YYYY-MM-DD", "'to' must be YYYY-MM-DD");
	f->order_no = req_query(r, "order_no");
	return r->nerrors == 0;
}

static int handle_list(struct req *r)
{
	struct order_filter f;
	struct app_err e;
	if (!list_filter(r, &f))
		return reply_invalid(r);
	json_t *out = order_list_json(r->db, &f, &e);
	return out ? reply_json(r, 200, out) : reply_app_error(r, &e);
}

/* ---- after-sale ---- */

/* The order of the path, if the caller's channel scope allows it. */
static bool order_in_scope(struct req *r, int64_t *id)
{
	int64_t channel_id;
	struct app_err e;
	if (!path_id(r, id)) {
		reply_not_found(r, "order");
		return false;
	}
	if (order_channel(r->db, *id, &channel_id, &e)) {
		reply_app_error(r, &e);
		return false;
	}
	if (r->user->role != ROLE_WAREHOUSE && !user_has_channel(r->user, channel_id)) {
		reply_forbidden(r);
		return false;
	}
	return true;
}

static int reply_order(struct req *r, int status, int64_t id, const char *action, int64_t refund_id)
{
	int64_t cid;
	struct app_err e;
	json_t *o = order_get_json(r->db, id, sees_customer(r->user), &cid, &e);
	if (!o)
		return reply_app_error(r, &e);
	if (audit(r, action, "order", arena_printf(r->arena, "%lld", (long long)id),
	          arena_printf(r->arena, "{\"refund_id\":%lld}", (long long)refund_id))) {
		json_decref(o);
		return reply_error(r, 503, "unavailable", NULL, "存储暂时不可用", "audit failed");
	}
	return reply_json(r, status, o);
}

static const char *const cancel_fields[] = {"reason", NULL};

static int handle_cancel(struct req *r)
{
	int64_t id, refund_id;
	const char *reason = NULL;
	struct app_err e;
	json_t *body = r->json; /* optional: {"reason": "..."} */
	if (body && (!jcheck_fields(r, body, cancel_fields) ||
	             !jget_str(r, body, "reason", false, 200, &reason)))
		return reply_invalid(r);
	if (!order_in_scope(r, &id))
		return 0;
	if (order_cancel(r->db, id, reason ? reason : "取消 cancelled", r->user->id, &refund_id,
	                 &e))
		return reply_app_error(r, &e);
	struct realloc_scope filled = {.order_id = id};
	if (reallocate_after(r, &filled, "order.cancel"))
		return 0;
	return reply_order(r, 200, id, "order.cancel", refund_id);
}

static const char *const refund_fields[] = {"amount_fen", "line_no", "reason", NULL};

static int handle_refund(struct req *r)
{
	int64_t id, refund_id, amount = 0, line_no = 0;
	const char *reason = NULL;
	struct app_err e;
	json_t *body = req_body_object(r);
	if (!body || !jcheck_fields(r, body, refund_fields))
		return reply_invalid(r);
	bool ok = jget_int(r, body, "amount_fen", true, 1, INT64_MAX / 4, &amount);
	ok = jget_int(r, body, "line_no", false, 1, ORDER_MAX_LINES, &line_no) && ok;
	ok = jget_str(r, body, "reason", true, 200, &reason) && ok;
	if (!ok)
		return reply_invalid(r);
	if (!order_in_scope(r, &id))
		return 0;
	if (order_refund(r->db, id, line_no, amount, reason, r->user->id, &refund_id, &e))
		return reply_app_error(r, &e);
	return reply_order(r, 201, id, "order.refund", refund_id);
}

static const char *const return_fields[] = {
    "line_no", "units", "warehouse_id", "restockable", "reason", "refund_fen", NULL};

static int handle_return(struct req *r)
{
	int64_t id, refund_id, line_no = 0, units = 0, wh = 0, refund = -1;
	bool restockable = false;
	const char *reason = NULL;
	struct app_err e;
	json_t *body = req_body_object(r);
	if (!body || !jcheck_fields(r, body, return_fields))
		return reply_invalid(r);
	bool ok = jget_int(r, body, "line_no", true, 1, ORDER_MAX_LINES, &line_no);
	ok = jget_int(r, body, "units", true, 1, 100000, &units) && ok;
	ok = jget_int(r, body, "warehouse_id", true, 1, INT64_MAX, &wh) && ok;
	ok = jget_bool(r, body, "restockable", true, &restockable) && ok;
	ok = jget_str(r, body, "reason", true, 200, &reason) && ok;
	ok = jget_int(r, body, "refund_fen", false, 0, INT64_MAX / 4, &refund) && ok;
	if (!ok)
		return reply_invalid(r);
	if (!order_in_scope(r, &id))
		return 0;
	if (r->user->role == ROLE_WAREHOUSE && !user_has_warehouse(r->user, wh))
		return reply_forbidden(r);
	if (order_return(r->db, id, line_no, units, wh, restockable, reason, refund, r->user->id,
	                 &refund_id, &e))
		return reply_app_error(r, &e);
	struct realloc_scope filled = {.warehouse_id = wh};
	if (restockable && reallocate_after(r, &filled, "order.return"))
		return 0;
	return reply_order(r, 201, id, "order.return", refund_id);
}

/* ---- import ---- */

static int reply_problems(struct req *r, const struct import_report *rep)
{
	for (size_t i = 0; i < rep->nproblems && i < rep->capproblems; i++) {
		const struct import_problem *p = &rep->problems[i];
		req_add_error(r, p->column[0] ? p->column : NULL, p->line, p->message_zh,
		              p->message_en);
	}
	return reply_invalid(r);
}

static int handle_import(struct req *r)
{
	struct table t;
	struct io_error ioe;
	struct import_report rep;
	struct app_err e;
	int64_t channel_id;
	const char *code = req_query(r, "channel");
	if (!code || !*code) {
		req_add_error(r, "channel", 0, "缺少参数 channel",
		              "missing query parameter 'channel'");
		return reply_invalid(r);
	}
	if (!channel_for(r, code, &channel_id, 0))
		return r->status ? 0 : reply_invalid(r);
	if (store_cache_kib(r->db, BULK_CACHE_KIB))
		return reply_error(r, 503, "unavailable", NULL, "存储暂时不可用",
		                   "cannot size the page cache");
	table_init(&t);
	if (table_read_mem(r->body, r->body_len, &t, &ioe)) {
		table_release(&t);
		req_add_error(r, ioe.column[0] ? ioe.column : NULL, ioe.line, ioe.message_zh,
		              ioe.message);
		return reply_invalid(r);
	}
	import_report_init(&rep);
	const char *filename = req_query(r, "filename");
	int rc = order_import_table(r->db, channel_id, &t, filename, r->user->id, today_shanghai(r),
	                            NULL, NULL, &rep, &e);
	table_release(&t);
	if (rc) {
		rc = rep.nproblems ? reply_problems(r, &rep) : reply_app_error(r, &e);
		import_report_release(&rep);
		return rc;
	}
	json_t *out =
	    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "import_id", (json_int_t)rep.import_id,
	              "rows", (json_int_t)rep.rows, "orders", (json_int_t)rep.orders, "created",
	              (json_int_t)rep.created, "unchanged", (json_int_t)rep.unchanged, "lines",
	              (json_int_t)rep.lines);
	const char *detail = arena_printf(r->arena, "{\"channel_id\":%lld,\"orders\":%zu}",
	                                  (long long)channel_id, rep.orders);
	const char *oid = arena_printf(r->arena, "%lld", (long long)rep.import_id);
	import_report_release(&rep);
	if (audit(r, "order.import", "import", oid, detail)) {
		json_decref(out);
		return reply_error(r, 503, "unavailable", NULL, "存储暂时不可用", "audit failed");
	}
	return reply_json(r, 201, out);
}

#define ORDER_READERS (ROLE_ADMIN | ROLE_OFFICE | ROLE_CHANNEL | ROLE_MACHINE)
#define ORDER_WRITERS (ROLE_ADMIN | ROLE_CHANNEL | ROLE_MACHINE)

const struct route orders_routes[] = {
    {"POST", "/api/v1/orders", handle_create, ORDER_WRITERS, ROUTE_GROUPED | ROUTE_PREPARE_QUICK,
     "submit one order"},
    {"POST", "/api/v1/orders/bulk", handle_bulk, ORDER_WRITERS,
     ROUTE_LARGE_BODY | ROUTE_PREPARE | ROUTE_JSON_STREAM, "submit many orders, all or nothing"},
    {"GET", "/api/v1/orders", handle_list, ORDER_READERS, 0, "list orders"},
    {"GET", "/api/v1/orders/{id}", handle_get, ORDER_READERS, 0, "one order with its lines"},
    {"POST", "/api/v1/orders/{id}/cancel", handle_cancel, ORDER_WRITERS, 0,
     "cancel an order before shipping"},
    {"POST", "/api/v1/orders/{id}/refund", handle_refund, ROLE_ADMIN | ROLE_CHANNEL, 0,
     "refund money on an order"},
    {"POST", "/api/v1/orders/{id}/return", handle_return,
     ROLE_ADMIN | ROLE_CHANNEL | ROLE_WAREHOUSE, 0, "goods returned after delivery"},
    {"POST", "/api/v1/imports/orders", handle_import, ORDER_WRITERS,
     ROUTE_RAW_BODY | ROUTE_LARGE_BODY, "import orders from a CSV or xlsx file"},
    {NULL, NULL, NULL, 0, 0, NULL},
};
