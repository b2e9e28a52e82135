/*
 * Orders (see orders.h): check, deduplicate by (channel, order number) with a
 * hash of the body, allocate each line whole through the allocation policy,
 * reserve its stock first-expiry-first-out (stock_reserve_fefo), then write
 * the customer, the order, its lines and allocations. Reservations happen
 * before any order row is written, so the order's status is known when it is
 * inserted; the caller's write transaction makes the check-then-reserve safe
 * against concurrent requests (SQLite takes the write lock at BEGIN).
 *
 * Speed (bench/README.md, "Order ingestion"): a context reads the promisable
 * lots of a SKU once (every warehouse, with the units in transit) and keeps
 * them in memory, choosing lots first-expiry-first-out with core/fefo.h and
 * writing each reservation at once with a guarded UPDATE (reserved may never
 * pass the quantity; a row that no longer matches the memory fails the
 * order rather than over-promise). This is sound because a context lives in
 * one write transaction, and nothing else changes stock while it runs: the
 * context the writer's single orders share (order_ctx_shared) is dropped
 * after any job that did not keep it, and it is kept only on SQLite.
 * In batch mode (bulk, import) the rows get their ids from the store in
 * blocks and wait in queues, written parents first by multi-row INSERTs of
 * up to 512 rows; an order sent twice is looked up in the queue too.
 * The shared context of the writer's single orders is in batch mode too
 * (group mode, SQLite only): each job's rows stand once the job does
 * (store_cache_settle calls group_job_end), an undone job's are forgotten,
 * and the writer has them written before the commit or any other job
 * (group_flush). A resent order still in the queue is written first, inside
 * its job, so that it can be read back; the batch cannot stand if that job
 * is undone after all.
 *
 * Reading orders back (one order with everything about it, lists) is here
 * too; what happens after the order (parcels, cancel, refund, return) is in
 * fulfil.c.
 */
#include "app/orders.h"

#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/stock.h"
#include "core/allocate.h"
#include "core/fefo.h"
#include "lib/alloc.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#define MAX_PICKS     32
#define MAX_UNITS     100000
#define MAX_PRICE_FEN 1000000000LL /* 10 million yuan a unit: a typo, not a price */

enum q {
	Q_SKU,
	Q_EXISTING,
	Q_CUSTOMER,
	Q_ORDER,
	Q_LINE,
	Q_ALLOC,
	Q_LOTS,
	Q_TRANSIT,
	Q_RESERVE,
	Q_COUNT
};

static const char *const sql_of[Q_COUNT] = {
    [Q_SKU] = "SELECT id, net_g, name FROM skus WHERE code = ?",
    [Q_EXISTING] = "SELECT id, body_hash, status FROM orders"
                   " WHERE channel_id = ? AND channel_order_no = ?",
    [Q_CUSTOMER] = "INSERT INTO customers (name, phone, address, division_code, created_at)"
                   " VALUES (?, ?, ?, ?, ?) RETURNING id",
    [Q_ORDER] = "INSERT INTO orders (channel_id, channel_order_no, body_hash, customer_id,"
                " ordered_at, ordered_on, status, total_fen, import_id, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    [Q_LINE] = "INSERT INTO order_lines (order_id, line_no, sku_id, units, unit_price_fen,"
               " amount_fen, warehouse_id, route, alloc_reason, status)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    /* one order at a time the line's id is known (store_prepare_insert: no
     * RETURNING on SQLite); batch mode names the line by (order, line_no) */
    [Q_ALLOC] = "INSERT INTO allocations (order_line_id, lot_id, warehouse_id, qty_g, state)"
                " VALUES (?, ?, ?, ?, 'reserved') RETURNING id",
    /* promisable lots of a SKU at every warehouse (expiry is checked in memory) */
    [Q_LOTS] = "SELECT s.loc_id, l.id, l.expires_on, s.qty_g - s.reserved_g, l.code FROM stock s"
               " JOIN lots l ON l.id = s.lot_id WHERE l.sku_id = ? AND l.kind = 'packed'"
               " AND l.status = 'active' AND s.loc_kind = 'warehouse' AND s.qty_g > s.reserved_g"
               " ORDER BY s.loc_id, l.expires_on, l.id",
    [Q_TRANSIT] = "SELECT h.to_warehouse_id, SUM(s.qty_g / k.net_g) FROM stock s"
                  " JOIN lots l ON l.id = s.lot_id JOIN skus k ON k.id = l.sku_id"
                  " JOIN linehauls h ON h.id = s.loc_id"
                  " WHERE l.sku_id = ? AND s.loc_kind = 'transit' GROUP BY h.to_warehouse_id",
    [Q_RESERVE] = "UPDATE stock SET reserved_g = reserved_g + ? WHERE lot_id = ?"
                  " AND loc_kind = 'warehouse' AND loc_id = ? AND qty_g - reserved_g >= ?",
};

struct wh {
	int64_t id;
	char code[40];
	enum wh_kind kind;
	char **prefixes;
	size_t nprefixes;
};

/* The promisable lots of one SKU at one warehouse, kept in memory. */
struct wh_stock {
	struct fefo_lot *lots;
	char **codes; /* the lots' codes, for the reply */
	size_t n;
	int64_t transit_units; /* on their way to the warehouse: never promised */
};

struct sku_entry {
	char *code, *name;
	int64_t id, net_g;      /* id 0: no such SKU */
	struct wh_stock *stock; /* one per warehouse of the context, NULL until read */
};

/* Rows waiting to be written in batch mode (order_ctx_batch), with the ids
 * the context gave them (store_next_ids), so a line can name its order and
 * an allocation its line before either is written. An order's texts and its
 * customer's are copied into one block the order owns. */
struct pending_customer {
	int64_t id, at;
	const char *name, *phone, *address, *division;
};

struct pending_order {
	int64_t id, channel_id, customer_id, at, total_fen, import_id, user_id, now;
	const char *order_no, *status; /* order_no: in text; status: static text */
	char *text;                    /* owned: order_no and the customer's fields */
	char hash[65], day[11];
};

struct pending_line {
	int64_t id, order_id, line_no, sku_id, units, price_fen, warehouse_id; /* 0: backorder */
	const char *route; /* static text or NULL */
	char *reason;      /* owned */
};

struct pending_alloc {
	int64_t id, line_id, lot_id, warehouse_id, qty_g;
};

/* group mode: an order's audit row (order_ctx_queue_audit) */
struct pending_audit {
	int64_t at, user_id;
	const char *action, *object_type, *object_id, *detail; /* in text */
	char *text;                                            /* owned */
};

struct pending_reserve {
	int64_t lot_id, warehouse_id, qty_g;
};

/* Rows per multi-row INSERT: at most this many, and no more than the store
 * lets one statement bind (store_max_params). A remainder of up to
 * BATCH_EXACT rows (a group commit's single orders) is one statement of its
 * own size; a larger one is written in power-of-two pieces down to that, so
 * a table never needs more than a few statements. */
#define BATCH_MAX_ROWS 512
#define BATCH_EXACT    16 /* a remainder up to this many rows is one statement */
#define BATCH_SLOTS    (1 + BATCH_EXACT + 6) /* the full size, 1 ... 16, then 32 ... 1024 rows */

enum batch_table { B_CUSTOMERS, B_ORDERS, B_LINES, B_ALLOCS, B_AUDIT, B_TABLES };

/* ids handed out by the store for one table, used in order */
struct id_pool {
	int64_t ids[BATCH_MAX_ROWS];
	size_t n, used;
};

/* The queued orders by (channel, number), so an order sent twice in one
 * batch is found before it is written: open addressing, index + 1. */
struct queued_index {
	uint32_t *slot;
	size_t size; /* a power of two, at least twice the orders a batch holds */
};

struct batch {
	struct pending_customer *customers;
	struct pending_order *orders;
	struct pending_line *lines;
	struct pending_alloc *allocs;
	struct pending_audit *audits;
	size_t n[B_TABLES], cap[B_TABLES];
	size_t rows[B_TABLES]; /* rows per full statement */
	struct stmt *st[B_TABLES][BATCH_SLOTS];
	struct queued_index index;
	bool prechecked; /* the caller ran order_check on every order it submits */
	bool day_known;  /* day_text is the date of day_number (queued_day) */
	int64_t day_number;
	char day_text[11];
	/* last: batch_new zeroes what comes before (a pool's ids are read only
	 * below its n, so their 20 KiB need no zeroing per transaction) */
	struct id_pool pool[B_TABLES]; /* every row gets its id from the context */
};

struct line_alloc;

/* What the context remembers of the order it created last, so the reply can
 * be written from memory (order_created_text) instead of read back. */
struct last_order {
	const struct order_in *in; /* the caller's, valid until its next submit */
	struct line_alloc *allocs; /* owned */
	int64_t id, channel_id, import_id, at_ms, now_ms, total_fen;
	char status[16];
};

struct order_ctx {
	struct store *db;
	char today[11];
	struct stmt *st[Q_COUNT];
	struct wh *whs;
	size_t nwhs;
	bool whs_loaded;
	struct sku_entry *skus;
	size_t nskus, capskus;
	bool batch;
	struct batch *b; /* batch mode's queues (NULL outside batch mode) */
	struct pending_reserve *preserves;
	size_t npreserves, cappreserves;
	struct last_order last; /* the order just created (not in bulk batch mode) */
	bool shared;            /* owned by the store's cache (order_ctx_shared) */
	int64_t only_wh;        /* order_ctx_only_warehouse; 0: any */
	/* group mode: the queued rows up to the marks belong to jobs that stand */
	bool group;
	size_t mark[B_TABLES], pmark;
	bool flushed_in_job; /* the running job wrote earlier jobs' rows itself */
	struct {             /* channels found (channel_by_code), group mode only */
		char code[65];
		int64_t id;
	} chan[8];
	int nchan;
};

/* One line's allocation, decided before anything is written. */
struct line_alloc {
	int64_t sku_id;
	struct alloc_choice choice;
	int64_t warehouse_id;
	struct stock_pick picks[MAX_PICKS];
	int npicks;
	int64_t line_id, alloc_ids[MAX_PICKS]; /* once written, one order at a time */
};

struct order_ctx *order_ctx_new(struct store *db, const char *today)
{
	struct order_ctx *c = xcalloc(1, sizeof(*c));
	c->db = db;
	snprintf(c->today, sizeof(c->today), "%s", today);
	return c;
}

static void ctx_release(struct order_ctx *c);

void order_ctx_only_warehouse(struct order_ctx *c, int64_t warehouse_id)
{
	c->only_wh = warehouse_id;
}

static void free_stock(struct wh_stock *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		free(ws->codes[i]);
	free(ws->codes);
	free(ws->lots);
}

void order_ctx_free(struct order_ctx *c)
{
	if (!c || c->shared)
		return;
	ctx_release(c);
}

static const char shared_tag[] = "order_ctx";

static void release_shared(void *p)
{
	ctx_release(p);
}

static void group_start(struct order_ctx *c);

struct order_ctx *order_ctx_shared(struct store *db, const char *today)
{
	struct order_ctx *c = store_cache_get(db, shared_tag);
	if (c) { /* past midnight: the lots in memory are all lots, expired or not */
		if (strncmp(c->today, today, sizeof(c->today) - 1) != 0)
			snprintf(c->today, sizeof(c->today), "%s", today);
		return c;
	}
	c = order_ctx_new(db, today);
	c->shared = true;
	store_cache_set(db, shared_tag, c, release_shared);
	if (strcmp(store_kind(db), "sqlite") == 0)
		group_start(c);
	return c;
}

void order_ctx_keep(struct order_ctx *c)
{
	if (c->shared && strcmp(store_kind(c->db), "sqlite") == 0)
		store_cache_keep(c->db);
}

/* Free everything the context holds. */
static void batch_free(struct batch *b);

static void ctx_release(struct order_ctx *c)
{
	batch_free(c->b);
	free(c->preserves);
	for (int i = 0; i < Q_COUNT; i++)
		if (c->st[i])
			stmt_finalize(c->st[i]);
	for (size_t i = 0; i < c->nwhs; i++) {
		for (size_t j = 0; j < c->whs[i].nprefixes; j++)
			free(c->whs[i].prefixes[j]);
		free(c->whs[i].prefixes);
	}
	free(c->whs);
	free(c->last.allocs);
	for (size_t i = 0; i < c->nskus; i++) {
		free(c->skus[i].code);
		free(c->skus[i].name);
		for (size_t w = 0; c->skus[i].stock && w < c->nwhs; w++)
			free_stock(&c->skus[i].stock[w]);
		free(c->skus[i].stock);
	}
	free(c->skus);
	free(c);
}

/* The cached statement q, reset and ready to bind; NULL with err on failure. */
static struct stmt *stq(struct order_ctx *c, enum q q, struct app_err *err)
{
	if (!c->st[q]) {
		bool insert = q == Q_CUSTOMER || q == Q_ORDER || q == Q_LINE || q == Q_ALLOC;
		int rc = insert ? store_prepare_insert(c->db, sql_of[q], &c->st[q])
		                : store_prepare(c->db, sql_of[q], &c->st[q]);
		if (rc) {
			c->st[q] = NULL;
			app_store_fail(err, c->db, rc);
			return NULL;
		}
	} else {
		stmt_reset(c->st[q]);
	}
	return c->st[q];
}

/* Run an INSERT from store_prepare_insert; 0 with *id, or -1 with err. */
static int step_returning(struct order_ctx *c, struct stmt *st, int64_t *id, struct app_err *err)
{
	int rc = stmt_insert_id(st, id);
	return rc ? app_store_fail(err, c->db, rc) : 0;
}

static int step_done(struct order_ctx *c, struct stmt *st, struct app_err *err)
{
	int rc = stmt_step(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, c->db, rc);
}

/* ---- warehouses and SKUs, loaded once per context ---- */

/* Add an active warehouse (or find it: one row per service area). */
static struct wh *wh_add(struct order_ctx *c, int64_t id, const char *code, const char *kind)
{
	if (c->nwhs && c->whs[c->nwhs - 1].id == id)
		return &c->whs[c->nwhs - 1];
	c->whs = xrealloc(c->whs, (c->nwhs + 1) * sizeof(*c->whs));
	struct wh *w = &c->whs[c->nwhs++];
	memset(w, 0, sizeof(*w));
	w->id = id;
	snprintf(w->code, sizeof(w->code), "%s", code);
	w->kind = strcmp(kind, "sales") == 0 ? WH_SALES : WH_ORIGIN;
	return w;
}

/* The active warehouses with their service areas, in one query. */
static int load_warehouses(struct order_ctx *c, struct app_err *err)
{
	struct stmt *st;
	if (c->whs_loaded)
		return 0;
	int rc = store_prepare(c->db,
	                       "SELECT w.id, w.code, w.kind, a.division_prefix FROM warehouses w"
	                       " LEFT JOIN warehouse_service_areas a ON a.warehouse_id = w.id"
	                       " WHERE w.active = 1 ORDER BY w.id, a.division_prefix",
	                       &st);
	if (rc)
		return app_store_fail(err, c->db, rc);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		struct wh *w = wh_add(c, stmt_int(st, 0), stmt_text(st, 1), stmt_text(st, 2));
		if (stmt_type(st, 3) == COL_NULL)
			continue;
		w->prefixes = xrealloc(w->prefixes, (w->nprefixes + 1) * sizeof(char *));
		w->prefixes[w->nprefixes++] = xstrdup(stmt_text(st, 3));
	}
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, c->db, rc);
	c->whs_loaded = true;
	return 0;
}

/* The SKU with this code (id 0 if unknown), cached. NULL on a store error. */
static const struct sku_entry *sku_lookup(struct order_ctx *c, const char *code,
                                          struct app_err *err)
{
	for (size_t i = 0; i < c->nskus; i++)
		if (strcmp(c->skus[i].code, code) == 0)
			return &c->skus[i];
	struct stmt *st = stq(c, Q_SKU, err);
	if (!st)
		return NULL;
	stmt_bind_text(st, 1, code);
	int64_t id = 0, net_g = 0;
	char *name = NULL;
	int rc = stmt_step(st);
	if (rc == STORE_ROW) {
		id = stmt_int(st, 0);
		net_g = stmt_int(st, 1);
		name = xstrdup(stmt_text(st, 2));
	} else if (rc != STORE_DONE) {
		app_store_fail(err, c->db, rc);
		return NULL;
	}
	if (c->nskus == c->capskus) {
		c->capskus = c->capskus ? c->capskus * 2 : 16;
		c->skus = xrealloc(c->skus, c->capskus * sizeof(*c->skus));
	}
	struct sku_entry *e = &c->skus[c->nskus++];
	e->code = xstrdup(code);
	e->name = name;
	e->id = id;
	e->net_g = net_g;
	e->stock = NULL;
	return e;
}

/* ---- checking input ---- */

/* 1..maxchars characters of valid UTF-8 without control characters. */
static bool text_ok(const char *s, size_t maxchars)
{
	if (!s || !*s)
		return false;
	size_t n = 0, chars = 0; /* one pass: controls, length; UTF-8 only if not ASCII */
	unsigned char high = 0;
	for (unsigned char ch; (ch = (unsigned char)s[n]) != 0; n++) {
		if (ch < 0x20 || ch == 0x7f)
			return false;
		high |= ch;
		chars += (ch & 0xC0) != 0x80;
	}
	return chars <= maxchars && (high < 0x80 || utf8_valid(s, n));
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static bool division_ok(const char *s)
{
	if (!s)
		return false;
	size_t n = strlen(s);
	return (n == 6 || n == 9 || n == 12) && all_digits(s);
}

static bool phone_ok(const char *s)
{
	size_t n = strlen(s), digits = 0;
	if (n < 5 || n > 20)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (!strchr("+- ()", s[i]))
			return false;
	}
	return digits >= 5;
}

static int check_customer(const struct order_in *in, order_problem_fn fn, void *ud)
{
	int bad = 0;
	if (!text_ok(in->order_no, 64)) {
		fn(ud, -1, "order_no", "订单号必填，最多 64 个字符，不能含控制字符",
		   "order_no is required: 1 to 64 characters, no control characters");
		bad++;
	}
	if (!text_ok(in->name, 50)) {
		fn(ud, -1, "name", "收货人必填，最多 50 个字符",
		   "name is required: 1 to 50 characters");
		bad++;
	}
	if (in->phone && *in->phone && !phone_ok(in->phone)) {
		fn(ud, -1, "phone", "电话格式不对（5 到 20 位数字，可含 + - 空格 括号）",
		   "phone must be 5 to 20 characters of digits, + - space or parentheses");
		bad++;
	}
	if (!text_ok(in->address, 200)) {
		fn(ud, -1, "address", "地址必填，最多 200 个字符",
		   "address is required: 1 to 200 characters");
		bad++;
	}
	if (!division_ok(in->division_code)) {
		fn(ud, -1, "division_code", "区划代码应为 6、9 或 12 位数字（县级或更细）",
		   "division_code must be 6, 9 or 12 digits (county or finer)");
		bad++;
	}
	int64_t now = time_now_ms();
	if (in->ordered_at_ms &&
	    (in->ordered_at_ms < 946684800000LL || in->ordered_at_ms > now + 86400000LL)) {
		fn(ud, -1, "ordered_at", "下单时间不合理（早于 2000 年或晚于明天）",
		   "ordered_at is before 2000 or after tomorrow");
		bad++;
	}
	return bad;
}

static int check_line(struct order_ctx *c, const struct order_line_in *l, int i,
                      order_problem_fn fn, void *ud, int64_t *total, struct app_err *err)
{
	int bad = 0;
	char en[200];
	if (!text_ok(l->sku, 64)) {
		fn(ud, i, "sku", "商品编码必填", "sku is required");
		bad++;
	} else {
		const struct sku_entry *e = sku_lookup(c, l->sku, err);
		if (!e)
			return -1;
		if (!e->id) {
			snprintf(en, sizeof(en), "unknown sku '%.64s'", l->sku);
			fn(ud, i, "sku", "商品编码不存在", en);
			bad++;
		}
	}
	if (l->units < 1 || l->units > MAX_UNITS) {
		snprintf(en, sizeof(en), "units must be a whole number from 1 to %d", MAX_UNITS);
		fn(ud, i, "units", "数量必须是 1 到 100000 的整数", en);
		bad++;
	}
	if (l->unit_price_fen < 0 || l->unit_price_fen > MAX_PRICE_FEN) {
		fn(ud, i, "unit_price_fen", "单价必须在 0 到 1000 万元之间",
		   "unit price must be between 0 and 10,000,000 yuan");
		bad++;
	}
	if (!bad)
		*total += l->units * l->unit_price_fen; /* bounded: 1e5 * 1e9 * 200 lines */
	return bad;
}

int order_check(struct order_ctx *c, const struct order_in *in, order_problem_fn fn, void *ud,
                struct app_err *err)
{
	int bad = check_customer(in, fn, ud);
	if (in->nlines < 1 || in->nlines > ORDER_MAX_LINES) {
		fn(ud, -1, "lines", "订单须有 1 到 200 行", "an order has 1 to 200 lines");
		bad++;
	}
	int64_t total = 0;
	for (size_t i = 0; i < in->nlines && i < ORDER_MAX_LINES; i++) {
		int b = check_line(c, &in->lines[i], (int)i, fn, ud, &total, err);
		if (b < 0)
			return -1;
		bad += b;
	}
	return bad;
}

/* ---- the body hash: what makes a resent order "the same" ---- */

/* The body hash's input, gathered in a buffer and given to SHA-256 in big
 * pieces (one update per field cost more than the hashing itself). The
 * bytes are exactly those of one update per field, so stored hashes stay
 * valid. */
struct hasher {
	crypto_hash_sha256_state st;
	unsigned char buf[1024];
	size_t n;
};

static void hash_bytes(struct hasher *h, const char *p, size_t n)
{
	while (n) {
		if (h->n == sizeof(h->buf)) {
			crypto_hash_sha256_update(&h->st, h->buf, h->n);
			h->n = 0;
		}
		size_t k = sizeof(h->buf) - h->n < n ? sizeof(h->buf) - h->n : n;
		memcpy(h->buf + h->n, p, k);
		h->n += k;
		p += k;
		n -= k;
	}
}

static void hash_field(struct hasher *h, const char *s)
{
	if (s)
		hash_bytes(h, s, strlen(s));
	hash_bytes(h, "\x1f", 1);
}

/* v in decimal, as "%lld" writes it (without printf: three per order line). */
static void hash_int(struct hasher *h, int64_t v)
{
	char t[24], *p = t + sizeof(t);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	*--p = '\0';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	hash_field(h, p);
}

void order_body_hash(const struct order_in *in, char hex[65])
{
	struct hasher h;
	unsigned char out[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_init(&h.st);
	h.n = 0;
	hash_field(&h, "order-v1");
	hash_field(&h, in->order_no);
	hash_field(&h, in->name);
	hash_field(&h, in->phone ? in->phone : "");
	hash_field(&h, in->address);
	hash_field(&h, in->division_code);
	hash_int(&h, in->ordered_at_ms);
	for (size_t i = 0; i < in->nlines; i++) {
		hash_field(&h, in->lines[i].sku);
		hash_int(&h, in->lines[i].units);
		hash_int(&h, in->lines[i].unit_price_fen);
	}
	crypto_hash_sha256_update(&h.st, h.buf, h.n);
	crypto_hash_sha256_final(&h.st, out);
	sodium_bin2hex(hex, 65, out, sizeof(out));
}

/* ---- allocation ---- */

static size_t wh_index(const struct order_ctx *c, int64_t id)
{
	size_t i = 0;
	while (i < c->nwhs && c->whs[i].id != id)
		i++;
	return i; /* c->nwhs: not a warehouse of the context (inactive) */
}

static int read_lots(struct order_ctx *c, struct sku_entry *e, struct app_err *err)
{
	struct stmt *st = stq(c, Q_LOTS, err);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, e->id);
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		size_t w = wh_index(c, stmt_int(st, 0));
		if (w == c->nwhs)
			continue;
		struct wh_stock *ws = &e->stock[w];
		ws->lots = xrealloc(ws->lots, (ws->n + 1) * sizeof(*ws->lots));
		ws->codes = xrealloc(ws->codes, (ws->n + 1) * sizeof(*ws->codes));
		ws->codes[ws->n] = xstrdup(stmt_text(st, 4));
		struct fefo_lot *l = &ws->lots[ws->n++];
		memset(l, 0, sizeof(*l));
		l->lot_id = stmt_int(st, 1);
		snprintf(l->expires_on, sizeof(l->expires_on), "%s", stmt_text(st, 2));
		l->avail_g = stmt_int(st, 3);
	}
	return rc == STORE_DONE ? 0 : app_store_fail(err, c->db, rc);
}

static int read_transit(struct order_ctx *c, struct sku_entry *e, struct app_err *err)
{
	struct stmt *st = stq(c, Q_TRANSIT, err);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, e->id);
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		size_t w = wh_index(c, stmt_int(st, 0));
		if (w < c->nwhs)
			e->stock[w].transit_units += stmt_int(st, 1);
	}
	return rc == STORE_DONE ? 0 : app_store_fail(err, c->db, rc);
}

/* The SKU's stock at every warehouse, read once per context. */
static int sku_stock(struct order_ctx *c, struct sku_entry *e, struct app_err *err)
{
	if (e->stock)
		return 0;
	e->stock = xcalloc(c->nwhs + 1, sizeof(*e->stock));
	return read_lots(c, e, err) || read_transit(c, e, err) ? -1 : 0;
}

/* Whole units promisable now: unexpired lots, each counted in whole units
 * (a unit is never made of two lots' remainders). */
static int64_t promisable_units(const struct order_ctx *c, const struct wh_stock *ws, int64_t net_g)
{
	int64_t units = 0;
	for (size_t i = 0; i < ws->n; i++)
		if (!fefo_expired(ws->lots[i].expires_on, c->today))
			units += ws->lots[i].avail_g / net_g;
	return units;
}

static bool serves(const struct wh *w, const char *division)
{
	for (size_t i = 0; i < w->nprefixes; i++)
		if (alloc_area_matches(division, w->prefixes[i]))
			return true;
	return false;
}

static void build_candidates(const struct order_ctx *c, const struct sku_entry *e,
                             const char *division, struct alloc_candidate *cands)
{
	for (size_t i = 0; i < c->nwhs; i++) {
		const struct wh *w = &c->whs[i];
		cands[i] = (struct alloc_candidate){w->id,
		                                    w->code,
		                                    w->kind,
		                                    promisable_units(c, &e->stock[i], e->net_g),
		                                    e->stock[i].transit_units,
		                                    w->kind == WH_SALES && serves(w, division)};
	}
}

/* Write one reservation; the guard refuses to reserve what is not there. */
static int reserve_pick(struct order_ctx *c, int64_t warehouse_id, const struct fefo_take *t,
                        struct app_err *err)
{
	if (c->batch) {
		for (size_t i = c->pmark; i < c->npreserves; i++)
			if (c->preserves[i].lot_id == t->lot_id &&
			    c->preserves[i].warehouse_id == warehouse_id) {
				c->preserves[i].qty_g += t->qty_g;
				return 0;
			}
		if (c->npreserves == c->cappreserves) {
			c->cappreserves = c->cappreserves ? c->cappreserves * 2 : 16;
			c->preserves =
			    xrealloc(c->preserves, c->cappreserves * sizeof(*c->preserves));
		}
		c->preserves[c->npreserves++] =
		    (struct pending_reserve){t->lot_id, warehouse_id, t->qty_g};
		return 0;
	}
	struct stmt *st = stq(c, Q_RESERVE, err);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, t->qty_g);
	stmt_bind_int(st, 2, t->lot_id);
	stmt_bind_int(st, 3, warehouse_id);
	stmt_bind_int(st, 4, t->qty_g);
	if (step_done(c, st, err))
		return -1;
	if (store_changes(c->db) != 1)
		return app_fail(err, 409, "insufficient_stock", NULL, "库存已变化，请重试",
		                "stock of lot %lld changed while the order was taken; retry",
		                (long long)t->lot_id);
	return 0;
}

/* Take units first-expiry-first-out from the warehouse's lots in memory and
 * reserve them: 0, 1 if the warehouse cannot serve the line after all, or
 * -1 with err. */
static int take_fefo(struct order_ctx *c, struct wh_stock *ws, int64_t warehouse_id, int64_t net_g,
                     int64_t units, struct line_alloc *out, struct app_err *err)
{
	struct fefo_take takes[MAX_PICKS];
	size_t nt;
	if (fefo_choose(ws->lots, ws->n, net_g, units, 0, c->today, takes, MAX_PICKS, &nt) !=
	    FEFO_OK)
		return 1;
	for (size_t i = 0; i < nt; i++) {
		if (reserve_pick(c, warehouse_id, &takes[i], err))
			return -1;
		for (size_t k = 0; k < ws->n; k++)
			if (ws->lots[k].lot_id == takes[i].lot_id)
				ws->lots[k].avail_g -= takes[i].qty_g;
		out->picks[i] = (struct stock_pick){takes[i].lot_id, takes[i].qty_g};
	}
	out->npicks = (int)nt;
	return 0;
}

/* Choose and reserve for one line. A warehouse whose lots cannot make up the
 * units after all (FEFO and the policy's count disagree) is dropped and the
 * policy asked again, so the line never ends up half-reserved. */
static int allocate_line(struct order_ctx *c, const struct order_line_in *l, const char *division,
                         struct line_alloc *out, struct app_err *err)
{
	struct sku_entry *e = (struct sku_entry *)sku_lookup(c, l->sku, err);
	if (!e || sku_stock(c, e, err))
		return -1;
	struct alloc_candidate *cands = xcalloc(c->nwhs + 1, sizeof(*cands));
	const struct alloc_policy *p = alloc_policy_current();
	struct alloc_line line = {l->sku, l->units, division};
	int ret = -1;
	build_candidates(c, e, division, cands);
	for (size_t tries = 0; tries <= c->nwhs; tries++) {
		if (p->choose(p->ctx, &line, cands, c->nwhs, &out->choice)) {
			app_fail(err, 500, "internal", NULL, "分配策略出错",
			         "allocation policy '%s' failed", p->name);
			goto out_free;
		}
		int k = out->choice.index;
		if (k < 0 || (size_t)k >= c->nwhs || (c->only_wh && cands[k].warehouse_id != c->only_wh)) {
			out->choice.index = -1;
			ret = 0;
			goto out_free;
		}
		out->warehouse_id = cands[k].warehouse_id;
		int rc =
		    take_fefo(c, &e->stock[k], out->warehouse_id, e->net_g, l->units, out, err);
		if (rc <= 0) {
			ret = rc;
			goto out_free;
		}
		cands[k].available_units = 0;
	}
	app_fail(err, 500, "internal", NULL, "分配策略出错", "allocation did not settle");
out_free:
	free(cands);
	return ret;
}

/* Whole units of the SKU promisable at every warehouse of the context. */
static int64_t units_left(const struct order_ctx *c, const struct sku_entry *e)
{
	int64_t n = 0;
	for (size_t w = 0; w < c->nwhs; w++)
		n += promisable_units(c, &e->stock[w], e->net_g);
	return n;
}

_Static_assert(sizeof(((struct order_line_alloc *)0)->picks) ==
                   sizeof(((struct line_alloc *)0)->picks),
               "order_line_alloc holds every pick of a line");

int order_line_allocate(struct order_ctx *c, const char *sku, int64_t units, const char *division,
                        struct order_line_alloc *out, struct app_err *err)
{
	struct line_alloc a = {0};
	struct order_line_in l = {sku, units, 0};
	memset(out, 0, sizeof(*out));
	if (load_warehouses(c, err) || allocate_line(c, &l, division, &a, err))
		return -1;
	const struct sku_entry *e = sku_lookup(c, sku, err);
	if (!e)
		return -1;
	out->units_left = units_left(c, e);
	if (a.choice.index < 0)
		return 0;
	out->warehouse_id = a.warehouse_id;
	out->route = alloc_route_name(a.choice.route);
	memcpy(out->reason_zh, a.choice.reason_zh, sizeof(out->reason_zh));
	memcpy(out->reason_en, a.choice.reason_en, sizeof(out->reason_en));
	memcpy(out->picks, a.picks, sizeof(out->picks));
	out->npicks = a.npicks;
	return 0;
}

static const char *status_from_allocs(const struct line_alloc *a, size_t n)
{
	size_t back = 0;
	for (size_t i = 0; i < n; i++)
		back += a[i].choice.index < 0;
	return back == 0 ? "allocated" : back == n ? "backorder" : "partial";
}

/* ---- writing ---- */

static int insert_customer(struct order_ctx *c, const struct order_in *in, int64_t now, int64_t *id,
                           struct app_err *err)
{
	struct stmt *st = stq(c, Q_CUSTOMER, err);
	if (!st)
		return -1;
	stmt_bind_text(st, 1, in->name);
	stmt_bind_text(st, 2, in->phone && *in->phone ? in->phone : NULL);
	stmt_bind_text(st, 3, in->address);
	stmt_bind_text(st, 4, in->division_code);
	stmt_bind_int(st, 5, now);
	return step_returning(c, st, id, err);
}

static int insert_order(struct order_ctx *c, int64_t channel_id, const struct order_in *in,
                        const char *hash, int64_t customer_id, const char *status,
                        int64_t import_id, int64_t user_id, int64_t now, int64_t *id,
                        struct app_err *err)
{
	int64_t at = in->ordered_at_ms ? in->ordered_at_ms : now, total = 0;
	char day[11];
	date_format(shanghai_day_of(at / 1000), day, sizeof(day));
	for (size_t i = 0; i < in->nlines; i++)
		total += in->lines[i].units * in->lines[i].unit_price_fen;
	struct stmt *st = stq(c, Q_ORDER, err);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, channel_id);
	stmt_bind_text(st, 2, in->order_no);
	stmt_bind_text(st, 3, hash);
	stmt_bind_int(st, 4, customer_id);
	stmt_bind_int(st, 5, at);
	stmt_bind_text(st, 6, day);
	stmt_bind_text(st, 7, status);
	stmt_bind_int(st, 8, total);
	if (import_id)
		stmt_bind_int(st, 9, import_id);
	else
		stmt_bind_null(st, 9);
	if (user_id)
		stmt_bind_int(st, 10, user_id);
	else
		stmt_bind_null(st, 10);
	stmt_bind_int(st, 11, now);
	return step_returning(c, st, id, err);
}

/* The allocation reason stored with a line: "中文 / English". */
static const char *line_reason(const struct line_alloc *a, char out[480])
{
	size_t zh = strnlen(a->choice.reason_zh, sizeof(a->choice.reason_zh) - 1);
	size_t en = strnlen(a->choice.reason_en, sizeof(a->choice.reason_en) - 1);
	memcpy(out, a->choice.reason_zh, zh); /* 199 + 3 + 239 + 1 bytes fit in 480 */
	memcpy(out + zh, " / ", 3);
	memcpy(out + zh + 3, a->choice.reason_en, en);
	out[zh + 3 + en] = '\0';
	return out;
}

/* One order at a time: the line, then its allocations, which name it by id. */
static int insert_line(struct order_ctx *c, int64_t order_id, int line_no,
                       const struct order_line_in *l, struct line_alloc *a, struct app_err *err)
{
	char reason[480];
	line_reason(a, reason);
	struct stmt *st = stq(c, Q_LINE, err);
	if (!st)
		return -1;
	bool ok = a->choice.index >= 0;
	stmt_bind_int(st, 1, order_id);
	stmt_bind_int(st, 2, line_no);
	stmt_bind_int(st, 3, a->sku_id);
	stmt_bind_int(st, 4, l->units);
	stmt_bind_int(st, 5, l->unit_price_fen);
	stmt_bind_int(st, 6, l->units * l->unit_price_fen);
	if (ok)
		stmt_bind_int(st, 7, a->warehouse_id);
	else
		stmt_bind_null(st, 7);
	stmt_bind_text(st, 8, alloc_route_name(a->choice.route));
	stmt_bind_text(st, 9, reason);
	stmt_bind_text(st, 10, ok ? "allocated" : "backorder");
	if (step_returning(c, st, &a->line_id, err))
		return -1;
	for (int i = 0; i < a->npicks; i++) {
		st = stq(c, Q_ALLOC, err);
		if (!st)
			return -1;
		stmt_bind_int(st, 1, a->line_id);
		stmt_bind_int(st, 2, a->picks[i].lot_id);
		stmt_bind_int(st, 3, a->warehouse_id);
		stmt_bind_int(st, 4, a->picks[i].qty_g);
		if (step_returning(c, st, &a->alloc_ids[i], err))
			return -1;
	}
	return 0;
}

/* ---- batch mode: ids in memory, multi-row INSERTs ---- */

/* "INSERT ... VALUES (row),(row)..." for n rows into out (freed by caller). */
static char *multi_row_sql(const char *head, const char *row, size_t n)
{
	size_t hl = strlen(head), rl = strlen(row), len = hl + n * (rl + 1) + 1;
	char *sql = xmalloc(len), *p = sql;
	memcpy(p, head, hl);
	p += hl;
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		memcpy(p, row, rl);
		p += rl;
	}
	*p = '\0';
	return sql;
}

/* How each queued table is written: the INSERT's head, one row's
 * placeholders, and how a row binds from column k + 1 on. */
struct table_spec {
	const char *table; /* for store_next_ids (NULL: the table picks ids) */
	const char *head, *row;
	int ncols;
	void (*bind)(struct stmt *st, const struct batch *b, size_t i, int k);
};

static void bind_customer(struct stmt *st, const struct batch *b, size_t i, int k)
{
	const struct pending_customer *r = &b->customers[i];
	stmt_bind_int(st, k + 1, r->id);
	stmt_bind_text_ref(st, k + 2, r->name);
	stmt_bind_text_ref(st, k + 3, r->phone && *r->phone ? r->phone : NULL);
	stmt_bind_text_ref(st, k + 4, r->address);
	stmt_bind_text_ref(st, k + 5, r->division);
	stmt_bind_int(st, k + 6, r->at);
}

static void bind_or_null(struct stmt *st, int idx, int64_t v)
{
	if (v)
		stmt_bind_int(st, idx, v);
	else
		stmt_bind_null(st, idx);
}

static void bind_order(struct stmt *st, const struct batch *b, size_t i, int k)
{
	const struct pending_order *r = &b->orders[i];
	stmt_bind_int(st, k + 1, r->id);
	stmt_bind_int(st, k + 2, r->channel_id);
	stmt_bind_text_ref(st, k + 3, r->order_no);
	stmt_bind_text_ref(st, k + 4, r->hash);
	stmt_bind_int(st, k + 5, r->customer_id);
	stmt_bind_int(st, k + 6, r->at);
	stmt_bind_text_ref(st, k + 7, r->day);
	stmt_bind_text_ref(st, k + 8, r->status);
	stmt_bind_int(st, k + 9, r->total_fen);
	bind_or_null(st, k + 10, r->import_id);
	bind_or_null(st, k + 11, r->user_id);
	stmt_bind_int(st, k + 12, r->now);
}

static void bind_line(struct stmt *st, const struct batch *b, size_t i, int k)
{
	const struct pending_line *r = &b->lines[i];
	stmt_bind_int(st, k + 1, r->id);
	stmt_bind_int(st, k + 2, r->order_id);
	stmt_bind_int(st, k + 3, r->line_no);
	stmt_bind_int(st, k + 4, r->sku_id);
	stmt_bind_int(st, k + 5, r->units);
	stmt_bind_int(st, k + 6, r->price_fen);
	stmt_bind_int(st, k + 7, r->units * r->price_fen);
	bind_or_null(st, k + 8, r->warehouse_id);
	stmt_bind_text_ref(st, k + 9, r->route);
	stmt_bind_text_ref(st, k + 10, r->reason);
	stmt_bind_text_ref(st, k + 11, r->warehouse_id ? "allocated" : "backorder");
}

static void bind_alloc(struct stmt *st, const struct batch *b, size_t i, int k)
{
	const struct pending_alloc *r = &b->allocs[i];
	stmt_bind_int(st, k + 1, r->id);
	stmt_bind_int(st, k + 2, r->line_id);
	stmt_bind_int(st, k + 3, r->lot_id);
	stmt_bind_int(st, k + 4, r->warehouse_id);
	stmt_bind_int(st, k + 5, r->qty_g);
}

static void bind_audit(struct stmt *st, const struct batch *b, size_t i, int k)
{
	const struct pending_audit *r = &b->audits[i];
	stmt_bind_int(st, k + 1, r->at);
	bind_or_null(st, k + 2, r->user_id);
	stmt_bind_text_ref(st, k + 3, r->action);
	stmt_bind_text_ref(st, k + 4, r->object_type);
	stmt_bind_text_ref(st, k + 5, r->object_id);
	stmt_bind_text_ref(st, k + 6, r->detail);
}

/* In the order the foreign keys need them written. */
static const struct table_spec specs[B_TABLES] = {
    [B_CUSTOMERS] = {"customers",
                     "INSERT INTO customers (id, name, phone, address, division_code, created_at)"
                     " VALUES ",
                     "(?, ?, ?, ?, ?, ?)", 6, bind_customer},
    [B_ORDERS] = {"orders",
                  "INSERT INTO orders (id, channel_id, channel_order_no, body_hash, customer_id,"
                  " ordered_at, ordered_on, status, total_fen, import_id, created_by, created_at)"
                  " VALUES ",
                  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 12, bind_order},
    [B_LINES] = {"order_lines",
                 "INSERT INTO order_lines (id, order_id, line_no, sku_id, units, unit_price_fen,"
                 " amount_fen, warehouse_id, route, alloc_reason, status) VALUES ",
                 "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 11, bind_line},
    [B_ALLOCS] = {"allocations",
                  "INSERT INTO allocations (id, order_line_id, lot_id, warehouse_id, qty_g,"
                  " state) VALUES ",
                  "(?, ?, ?, ?, ?, 'reserved')", 5, bind_alloc},
    [B_AUDIT] = {NULL,
                 "INSERT INTO audit_log (at, user_id, action, object_type, object_id, detail)"
                 " VALUES ",
                 "(?, ?, ?, ?, ?, ?)", 6, bind_audit},
};

static size_t pow2_floor(size_t n)
{
	size_t p = 1;
	while (p * 2 <= n)
		p *= 2;
	return p;
}

static uint32_t order_key_hash(int64_t channel_id, const char *order_no);
static void index_add(struct batch *b, size_t order_index);

/* Take the queued orders from index `from` on out of the index, last first:
 * each is then found where index_add put it (the entries its probe passed
 * are earlier ones, still there), so a few orders clear a few slots instead
 * of the whole table. */
static void index_remove_from(struct batch *b, size_t from)
{
	struct queued_index *x = &b->index;
	size_t n = b->n[B_ORDERS];
	if ((n - from) * 8 > x->size) {
		memset(x->slot, 0, x->size * sizeof(*x->slot));
		for (size_t i = 0; i < from; i++)
			index_add(b, i);
		return;
	}
	size_t mask = x->size - 1;
	for (size_t k = n; k-- > from;) {
		const struct pending_order *o = &b->orders[k];
		size_t i = order_key_hash(o->channel_id, o->order_no) & mask;
		while (x->slot[i] != (uint32_t)k + 1)
			i = (i + 1) & mask;
		x->slot[i] = 0;
	}
}

static struct batch *batch_new(struct store *db)
{
	struct batch *b = xmalloc(sizeof(*b));
	memset(b, 0, offsetof(struct batch, pool));
	for (int t = 0; t < B_TABLES; t++)
		b->pool[t].n = b->pool[t].used = 0;
	size_t params = (size_t)store_max_params(db);
	for (int t = 0; t < B_TABLES; t++) {
		size_t r = params / (size_t)specs[t].ncols;
		b->rows[t] = r < BATCH_MAX_ROWS ? r : BATCH_MAX_ROWS;
		if (b->rows[t] == 0)
			b->rows[t] = 1;
	}
	b->index.size = pow2_floor(b->rows[B_ORDERS]) * 4;
	b->index.slot = xcalloc(b->index.size, sizeof(*b->index.slot));
	return b;
}

static void drop_queued(struct batch *b)
{
	index_remove_from(b, 0);
	for (size_t i = 0; i < b->n[B_ORDERS]; i++)
		free(b->orders[i].text);
	for (size_t i = 0; i < b->n[B_LINES]; i++)
		free(b->lines[i].reason);
	for (size_t i = 0; i < b->n[B_AUDIT]; i++)
		free(b->audits[i].text);
	for (int t = 0; t < B_TABLES; t++)
		b->n[t] = 0;
}

static void batch_free(struct batch *b)
{
	if (!b)
		return;
	drop_queued(b);
	for (int t = 0; t < B_TABLES; t++)
		for (int k = 0; k < BATCH_SLOTS; k++)
			if (b->st[t][k])
				stmt_finalize(b->st[t][k]);
	free(b->customers);
	free(b->orders);
	free(b->lines);
	free(b->allocs);
	free(b->audits);
	free(b->index.slot);
	free(b);
}

/* Room for one more row of table t in *rows (elements of size sz). */
static void *queue_slot(struct batch *b, int t, void **rows, size_t sz)
{
	if (b->n[t] == b->cap[t]) {
		b->cap[t] = b->cap[t] ? b->cap[t] * 2 : 64;
		*rows = xrealloc(*rows, b->cap[t] * sz);
	}
	return (char *)*rows + b->n[t]++ * sz;
}

/* ids a group commit's single orders take from the store at a time: a
 * batch holds a few orders, and the unused rest of a block of 512 was
 * written out only to be given back (group_write). */
#define GROUP_ID_BLOCK 32

/* The next id of table t from the pool, asking the store for more. */
static int take_id(struct order_ctx *c, int t, int64_t *id, struct app_err *err)
{
	struct id_pool *p = &c->b->pool[t];
	if (p->used == p->n) {
		size_t n = c->b->rows[t];
		if (c->group && n > GROUP_ID_BLOCK)
			n = GROUP_ID_BLOCK;
		int rc = store_next_ids(c->db, specs[t].table, p->ids, n);
		if (rc)
			return app_store_fail(err, c->db, rc);
		p->n = n;
		p->used = 0;
	}
	*id = p->ids[p->used++];
	return 0;
}

/* The statement for k rows of table t (k: the full size or a power of two),
 * kept for the context's life. */
static struct stmt *rows_stmt(struct order_ctx *c, int t, size_t k, struct app_err *err)
{
	struct batch *b = c->b;
	int slot = 0; /* the full size */
	if (k != b->rows[t] && k <= BATCH_EXACT)
		slot = (int)k;
	else if (k != b->rows[t])
		for (slot = BATCH_EXACT + 1; ((size_t)BATCH_EXACT << (slot - BATCH_EXACT)) < k; slot++)
			;
	struct stmt **st = &b->st[t][slot];
	if (*st) {
		stmt_reset_rebind(*st); /* write_table binds every parameter */
		return *st;
	}
	char *sql = multi_row_sql(specs[t].head, specs[t].row, k);
	int rc = store_prepare(c->db, sql, st);
	free(sql);
	if (rc) {
		*st = NULL;
		app_store_fail(err, c->db, rc);
		return NULL;
	}
	return *st;
}

/* Write the n queued rows of table t: full statements, then the rest in
 * power-of-two pieces. */
static int write_table(struct order_ctx *c, int t, struct app_err *err)
{
	struct batch *b = c->b;
	size_t n = b->n[t], full = b->rows[t];
	for (size_t at = 0; at < n;) {
		size_t left = n - at;
		size_t k = left >= full ? full : left <= BATCH_EXACT ? left : pow2_floor(left);
		struct stmt *st = rows_stmt(c, t, k, err);
		if (!st)
			return -1;
		for (size_t i = 0; i < k; i++)
			specs[t].bind(st, b, at + i, (int)i * specs[t].ncols);
		if (step_done(c, st, err))
			return -1;
		at += k;
	}
	return 0;
}

/* Write everything queued, parents before children. */
static int flush_queued(struct order_ctx *c, struct app_err *err)
{
	int ret = 0;
	for (int t = 0; t < B_TABLES && ret == 0; t++)
		ret = write_table(c, t, err);
	drop_queued(c->b);
	return ret;
}

static uint32_t order_key_hash(int64_t channel_id, const char *order_no)
{
	uint32_t h = 2166136261u ^ (uint32_t)channel_id;
	for (const unsigned char *p = (const unsigned char *)order_no; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

/* The queued order with this channel and number, or NULL. */
static const struct pending_order *find_queued(const struct batch *b, int64_t channel_id,
                                               const char *order_no)
{
	size_t mask = b->index.size - 1;
	for (size_t i = order_key_hash(channel_id, order_no) & mask; b->index.slot[i];
	     i = (i + 1) & mask) {
		const struct pending_order *o = &b->orders[b->index.slot[i] - 1];
		if (o->channel_id == channel_id && !strcmp(o->order_no, order_no))
			return o;
	}
	return NULL;
}

static void index_add(struct batch *b, size_t order_index)
{
	const struct pending_order *o = &b->orders[order_index];
	size_t mask = b->index.size - 1, i = order_key_hash(o->channel_id, o->order_no) & mask;
	while (b->index.slot[i])
		i = (i + 1) & mask;
	b->index.slot[i] = (uint32_t)order_index + 1;
}

/* Copies of the n texts src (NULL stays NULL) in one allocation, returned;
 * dst[i] points at each copy. */
static char *copy_texts(const char *const *src, const char **dst, int n)
{
	size_t len[5], total = 0;
	for (int i = 0; i < n; i++)
		total += len[i] = src[i] ? strlen(src[i]) + 1 : 0;
	char *block = xmalloc(total ? total : 1), *p = block;
	for (int i = 0; i < n; i++) {
		dst[i] = src[i] ? memcpy(p, src[i], len[i]) : NULL;
		p += len[i];
	}
	return block;
}

/* The Asia/Shanghai date of at_ms into day, formatted once per day number
 * (the orders of a bulk mostly share one: date_format is a snprintf). */
static void queued_day(struct batch *b, int64_t at_ms, char day[11])
{
	int64_t d = shanghai_day_of(at_ms / 1000);
	if (!b->day_known || d != b->day_number) {
		date_format(d, b->day_text, sizeof(b->day_text));
		b->day_number = d;
		b->day_known = true;
	}
	memcpy(day, b->day_text, 11);
}

/* Queue the customer and the order; their ids are known at once. */
static int queue_order(struct order_ctx *c, int64_t channel_id, const struct order_in *in,
                       const char *hash, const char *status, int64_t import_id, int64_t user_id,
                       int64_t now, int64_t *id, struct app_err *err)
{
	struct batch *b = c->b;
	int64_t customer_id;
	if (take_id(c, B_CUSTOMERS, &customer_id, err) || take_id(c, B_ORDERS, id, err))
		return -1;
	const char *src[5] = {in->order_no, in->name, in->phone, in->address, in->division_code};
	const char *t[5];
	char *text = copy_texts(src, t, 5);
	struct pending_customer *pc =
	    queue_slot(b, B_CUSTOMERS, (void **)&b->customers, sizeof(*b->customers));
	*pc = (struct pending_customer){customer_id, now, t[1], t[2], t[3], t[4]};
	struct pending_order *po = queue_slot(b, B_ORDERS, (void **)&b->orders, sizeof(*b->orders));
	*po = (struct pending_order){*id, channel_id, customer_id, 0,    0,  import_id, user_id,
	                             now, t[0],       status,      text, "", ""};
	po->at = in->ordered_at_ms ? in->ordered_at_ms : now;
	queued_day(b, po->at, po->day);
	for (size_t i = 0; i < in->nlines; i++)
		po->total_fen += in->lines[i].units * in->lines[i].unit_price_fen;
	memcpy(po->hash, hash, sizeof(po->hash));
	index_add(b, b->n[B_ORDERS] - 1);
	return 0;
}

/* Queue one line and its allocations; their ids go into a for the reply. */
static int queue_line(struct order_ctx *c, int64_t order_id, int line_no,
                      const struct order_line_in *l, struct line_alloc *a, struct app_err *err)
{
	struct batch *b = c->b;
	char reason[480];
	int64_t line_id;
	if (take_id(c, B_LINES, &line_id, err))
		return -1;
	a->line_id = line_id;
	for (int i = 0; i < a->npicks; i++)
		if (take_id(c, B_ALLOCS, &a->alloc_ids[i], err))
			return -1;
	bool ok = a->choice.index >= 0;
	struct pending_line *pl = queue_slot(b, B_LINES, (void **)&b->lines, sizeof(*b->lines));
	*pl = (struct pending_line){line_id,
	                            order_id,
	                            line_no,
	                            a->sku_id,
	                            l->units,
	                            l->unit_price_fen,
	                            ok ? a->warehouse_id : 0,
	                            alloc_route_name(a->choice.route),
	                            xstrdup(line_reason(a, reason))};
	for (int i = 0; i < a->npicks; i++) {
		struct pending_alloc *pa =
		    queue_slot(b, B_ALLOCS, (void **)&b->allocs, sizeof(*b->allocs));
		*pa = (struct pending_alloc){a->alloc_ids[i], line_id, a->picks[i].lot_id,
		                             a->warehouse_id, a->picks[i].qty_g};
	}
	return 0;
}

static int group_flush_in_job(struct order_ctx *c, struct app_err *err);

/* A queue is as long as one statement takes: write them all. */
static int flush_if_full(struct order_ctx *c, struct app_err *err)
{
	struct batch *b = c->b;
	for (int t = 0; t < B_TABLES; t++)
		if (b->n[t] >= b->rows[t])
			return group_flush_in_job(c, err);
	return 0;
}

/* Group mode merges a job's reservations of a lot only among its own (an
 * undone job's are cut off at the mark): here the jobs' are summed, so a
 * lot gets one guarded UPDATE. */
static void merge_reserves(struct order_ctx *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->npreserves; i++) {
		struct pending_reserve *r = &c->preserves[i];
		size_t k = 0;
		while (k < n && (c->preserves[k].lot_id != r->lot_id ||
		                 c->preserves[k].warehouse_id != r->warehouse_id))
			k++;
		if (k < n)
			c->preserves[k].qty_g += r->qty_g;
		else
			c->preserves[n++] = *r;
	}
	c->npreserves = n;
}

static int flush_reserves(struct order_ctx *c, struct app_err *err)
{
	bool batch = c->batch;
	int ret = 0;
	if (c->group)
		merge_reserves(c);
	c->batch = false; /* reserve_pick writes at once now */
	for (size_t i = 0; i < c->npreserves && ret == 0; i++) {
		struct fefo_take t = {c->preserves[i].lot_id, c->preserves[i].qty_g};
		ret = reserve_pick(c, c->preserves[i].warehouse_id, &t, err);
	}
	c->npreserves = 0;
	c->pmark = 0;
	c->batch = batch;
	return ret;
}

void order_ctx_batch(struct order_ctx *c)
{
	c->batch = true;
	if (!c->b)
		c->b = batch_new(c->db);
}

void order_ctx_prechecked(struct order_ctx *c)
{
	if (c->b)
		c->b->prechecked = true;
}

int order_ctx_flush(struct order_ctx *c, struct app_err *err)
{
	if (c->b && flush_queued(c, err))
		return -1;
	return flush_reserves(c, err);
}

/* ---- group mode: the writer's single orders queue their rows together ---- */

/* Write every queued row, and give the ids of the blocks that were not used
 * back to the store, so the next transaction's rows follow on. */
static int group_write(struct order_ctx *c, struct app_err *err)
{
	int ret = flush_queued(c, err);
	if (ret == 0)
		ret = flush_reserves(c, err);
	c->npreserves = 0;
	c->pmark = 0;
	memset(c->mark, 0, sizeof(c->mark));
	for (int t = 0; t < B_TABLES; t++) {
		struct id_pool *p = &c->b->pool[t];
		if (ret == 0 && p->used < p->n)
			store_ids_unused(c->db, specs[t].table, p->ids[p->used]);
		p->n = p->used = 0;
	}
	return ret;
}

/* A write the running job needs (a queue full, or a resent order to read
 * back): the job's savepoint now holds earlier jobs' rows too. */
static int group_flush_in_job(struct order_ctx *c, struct app_err *err)
{
	if (!c->group)
		return flush_queued(c, err);
	c->flushed_in_job = true;
	return group_write(c, err);
}

/* Forget the rows queued since the last job that stood. */
static void forget_since_mark(struct order_ctx *c)
{
	struct batch *b = c->b;
	index_remove_from(b, c->mark[B_ORDERS]);
	for (size_t i = c->mark[B_ORDERS]; i < b->n[B_ORDERS]; i++)
		free(b->orders[i].text);
	for (size_t i = c->mark[B_LINES]; i < b->n[B_LINES]; i++)
		free(b->lines[i].reason);
	for (size_t i = c->mark[B_AUDIT]; i < b->n[B_AUDIT]; i++)
		free(b->audits[i].text);
	for (int t = 0; t < B_TABLES; t++)
		b->n[t] = c->mark[t];
	c->npreserves = c->pmark;
}

/* store_cache_settle's job_end: the rows of a job that stands are kept for
 * the group's write, an undone job's forgotten; if the undone job had
 * written earlier jobs' rows inside its savepoint, they are gone with it. */
static int group_job_end(void *p, bool undone)
{
	struct order_ctx *c = p;
	bool lost = undone && c->flushed_in_job;
	c->flushed_in_job = false;
	if (lost)
		return STORE_EIO;
	if (undone) {
		forget_since_mark(c);
		return 0;
	}
	memcpy(c->mark, c->b->n, sizeof(c->mark));
	c->pmark = c->npreserves;
	return 0;
}

bool order_ctx_queue_audit(struct order_ctx *c, int64_t at, int64_t user_id, const char *action,
                           const char *object_type, const char *object_id, const char *detail)
{
	if (!c->group)
		return false;
	struct batch *b = c->b;
	struct pending_audit *a = queue_slot(b, B_AUDIT, (void **)&b->audits, sizeof(*b->audits));
	const char *src[4] = {action, object_type, object_id, detail ? detail : ""}, *t[4];
	a->text = copy_texts(src, t, 4);
	a->at = at;
	a->user_id = user_id;
	a->action = t[0];
	a->object_type = t[1];
	a->object_id = t[2];
	a->detail = t[3];
	return true;
}

/* store_cache_flush: between jobs, outside every savepoint. */
static int group_flush(void *p)
{
	struct app_err e;
	return group_write(p, &e) ? STORE_EIO : 0;
}

/* The shared context on SQLite, where it lives for the whole transaction. */
static void group_start(struct order_ctx *c)
{
	c->group = true;
	order_ctx_batch(c);
	store_cache_set_queue(c->db, group_job_end, group_flush);
}

static void first_problem(void *ud, int line, const char *field, const char *zh, const char *en)
{
	struct app_err *err = ud;
	if (err->status)
		return;
	app_fail(err, 422, "invalid", field, zh, "%s", en);
	err->row = line >= 0 ? line + 1 : 0;
}

/* The order already taken under this number: 1 if it has the same body
 * (res filled), else -1 with 409. */
static int same_order(const struct order_in *in, const char *hash, const char *stored_hash,
                      int64_t id, const char *status, struct order_result *res, struct app_err *err)
{
	if (strcmp(stored_hash, hash) != 0)
		return app_fail(err, 409, "conflict", "order_no",
		                "该渠道已有同一订单号但内容不同的订单",
		                "order '%.64s' already exists with a different body", in->order_no);
	res->id = id;
	res->outcome = ORDER_UNCHANGED;
	snprintf(res->status, sizeof(res->status), "%s", status);
	return 1;
}

/* 0: no such order; 1: identical (res filled); -1: error (409 if different).
 * In batch mode the orders queued and not yet written count too. */
static int find_existing(struct order_ctx *c, int64_t channel_id, const struct order_in *in,
                         const char *hash, struct order_result *res, struct app_err *err)
{
	const struct pending_order *q = c->b ? find_queued(c->b, channel_id, in->order_no) : NULL;
	if (q && c->group && strcmp(q->hash, hash) == 0) {
		if (group_flush_in_job(c, err)) /* the reply reads the order back */
			return -1;
	} else if (q) {
		return same_order(in, hash, q->hash, q->id, q->status, res, err);
	}
	struct stmt *st = stq(c, Q_EXISTING, err);
	if (!st)
		return -1;
	stmt_bind_int(st, 1, channel_id);
	stmt_bind_text(st, 2, in->order_no);
	int rc = stmt_step(st);
	if (rc == STORE_DONE)
		return 0;
	if (rc != STORE_ROW)
		return app_store_fail(err, c->db, rc);
	return same_order(in, hash, stmt_text(st, 1), stmt_int(st, 0), stmt_text(st, 2), res, err);
}

/* Keep what order_created_text needs; takes ownership of allocs. */
static void remember_order(struct order_ctx *c, const struct order_in *in,
                           struct line_alloc *allocs, const struct order_result *res,
                           int64_t channel_id, int64_t import_id, int64_t now)
{
	struct last_order *l = &c->last;
	free(l->allocs);
	*l = (struct last_order){in,         allocs,    res->id,
	                         channel_id, import_id, in->ordered_at_ms ? in->ordered_at_ms : now,
	                         now,        0,         ""};
	for (size_t i = 0; i < in->nlines; i++)
		l->total_fen += in->lines[i].units * in->lines[i].unit_price_fen;
	snprintf(l->status, sizeof(l->status), "%s", res->status);
}

/* One order at a time: the customer, the order, its lines, written now. */
static int insert_all(struct order_ctx *c, int64_t channel_id, const struct order_in *in,
                      const char *hash, const char *status, int64_t import_id, int64_t user_id,
                      int64_t now, struct line_alloc *allocs, int64_t *id, struct app_err *err)
{
	int64_t customer_id;
	if (insert_customer(c, in, now, &customer_id, err) ||
	    insert_order(c, channel_id, in, hash, customer_id, status, import_id, user_id, now, id,
	                 err))
		return -1;
	for (size_t i = 0; i < in->nlines; i++)
		if (insert_line(c, *id, (int)i + 1, &in->lines[i], &allocs[i], err))
			return -1;
	return 0;
}

/* Batch mode: the same rows queued, written when a queue is full. */
static int queue_all(struct order_ctx *c, int64_t channel_id, const struct order_in *in,
                     const char *hash, const char *status, int64_t import_id, int64_t user_id,
                     int64_t now, struct line_alloc *allocs, int64_t *id, struct app_err *err)
{
	if (queue_order(c, channel_id, in, hash, status, import_id, user_id, now, id, err))
		return -1;
	for (size_t i = 0; i < in->nlines; i++)
		if (queue_line(c, *id, (int)i + 1, &in->lines[i], &allocs[i], err))
			return -1;
	return flush_if_full(c, err);
}

int order_submit(struct order_ctx *c, int64_t channel_id, const struct order_in *in,
                 int64_t import_id, int64_t user_id, struct order_result *res, struct app_err *err)
{
	struct line_alloc *allocs = NULL;
	char hash[65];
	int ret = -1;
	memset(res, 0, sizeof(*res));
	memset(err, 0, sizeof(*err));
	free(c->last.allocs);
	memset(&c->last, 0, sizeof(c->last));
	if (!(c->b && c->b->prechecked) && order_check(c, in, first_problem, err, err) != 0)
		return -1;
	if (in->hash)
		memcpy(hash, in->hash, sizeof(hash));
	else
		order_body_hash(in, hash);
	int found = find_existing(c, channel_id, in, hash, res, err);
	if (found != 0)
		return found > 0 ? 0 : -1;
	if (load_warehouses(c, err))
		return -1;
	allocs = xcalloc(in->nlines, sizeof(*allocs));
	for (size_t i = 0; i < in->nlines; i++) {
		allocs[i].sku_id = sku_lookup(c, in->lines[i].sku, err)->id;
		if (allocate_line(c, &in->lines[i], in->division_code, &allocs[i], err))
			goto out_free;
	}
	const char *status = status_from_allocs(allocs, in->nlines);
	int64_t now = time_now_ms();
	if (c->batch ? queue_all(c, channel_id, in, hash, status, import_id, user_id, now, allocs,
	                         &res->id, err)
	             : insert_all(c, channel_id, in, hash, status, import_id, user_id, now, allocs,
	                          &res->id, err))
		goto out_free;
	res->outcome = ORDER_CREATED;
	snprintf(res->status, sizeof(res->status), "%s", status);
	if (!c->batch || c->group) {
		remember_order(c, in, allocs, res, channel_id, import_id, now);
		allocs = NULL;
	}
	ret = 0;
out_free:
	free(allocs);
	return ret;
}

/* The shared context in group mode remembers the channels found: it lives
 * inside one transaction and is dropped after any job of another kind, so
 * a channel stopped or renamed is seen by the next order. */
static struct order_ctx *channel_cache(struct store *db)
{
	struct order_ctx *c = store_cache_get(db, shared_tag);
	return c && c->group ? c : NULL;
}

static bool channel_cached(struct order_ctx *c, const char *code, int64_t *channel_id)
{
	for (int i = 0; c && code && i < c->nchan; i++)
		if (strcmp(c->chan[i].code, code) == 0) {
			*channel_id = c->chan[i].id;
			return true;
		}
	return false;
}

static void channel_remember(struct order_ctx *c, const char *code, int64_t channel_id)
{
	if (!c || !code || c->nchan == 8 || strlen(code) >= sizeof(c->chan[0].code))
		return;
	snprintf(c->chan[c->nchan].code, sizeof(c->chan[0].code), "%s", code);
	c->chan[c->nchan++].id = channel_id;
}

int channel_by_code(struct store *db, const char *code, int64_t *channel_id, struct app_err *err)
{
	struct stmt *st;
	struct order_ctx *cache = channel_cache(db);
	if (channel_cached(cache, code, channel_id))
		return 0;
	int rc = store_prepare(db, "SELECT id FROM channels WHERE code = ? AND active = 1", &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, code ? code : "");
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*channel_id = stmt_int(st, 0);
		channel_remember(cache, code, *channel_id);
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", "channel", "渠道不存在或已停用",
		                "unknown channel '%.64s'", code ? code : "");
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

/* ---- reading orders back ---- */

static json_t *iso_or_null(int64_t ms)
{
	if (!ms)
		return json_null();
	char t[32];
	time_format_utc(ms / 1000, t, sizeof(t));
	return json_string(t);
}

/* The first `keep` characters of UTF-8 text followed by "**", into out[64]. */
static const char *mask_keep_text(const char *s, size_t keep, char out[64])
{
	size_t i = 0, chars = 0;
	while (s[i] && chars < keep) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	snprintf(out, 64, "%.*s**", (int)(i < 40 ? i : 40), s);
	return out;
}

static json_t *mask_keep(const char *s, size_t keep)
{
	char out[64];
	return json_string(mask_keep_text(s, keep, out));
}

/* A phone shown as "138****5678" into out[32]; NULL if there is none. */
static const char *mask_phone(const char *p, char out[32])
{
	size_t n = strlen(p);
	if (!n)
		return NULL;
	if (n < 8)
		return "****";
	snprintf(out, 32, "%.3s****%.4s", p, p + n - 4);
	return out;
}

static json_t *mask_phone_text(const char *p)
{
	char out[32];
	const char *m = mask_phone(p, out);
	return m ? json_string(m) : json_null();
}

static json_t *customer_json(struct stmt *st, int col, bool personal)
{
	const char *name = stmt_text(st, col), *phone = stmt_text(st, col + 1),
	           *addr = stmt_text(st, col + 2);
	json_t *c = json_object();
	if (personal) {
		json_object_set_new(c, "name", json_string(name));
		json_object_set_new(c, "phone", *phone ? json_string(phone) : json_null());
		json_object_set_new(c, "address", json_string(addr));
	} else {
		json_object_set_new(c, "name", mask_keep(name, 1));
		json_object_set_new(c, "phone", mask_phone_text(phone));
		json_object_set_new(c, "address", mask_keep(addr, 6));
	}
	json_object_set_new(c, "division_code", json_string(stmt_text(st, col + 3)));
	return c;
}

static json_t *int_or_null(struct stmt *st, int col)
{
	return stmt_type(st, col) == COL_NULL ? json_null() : json_integer(stmt_int(st, col));
}

static json_t *text_or_null(struct stmt *st, int col)
{
	return stmt_type(st, col) == COL_NULL ? json_null() : json_string(stmt_text(st, col));
}

/* Run a query with one int parameter; call row() for each row. */
static int each_row(struct store *db, const char *sql, int64_t param,
                    void (*row)(struct stmt *st, json_t *into), json_t *into, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, param);
	while ((rc = stmt_step(st)) == STORE_ROW)
		row(st, into);
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

static void line_row(struct stmt *st, json_t *lines)
{
	json_t *l = json_object();
	json_object_set_new(l, "id", json_integer(stmt_int(st, 0)));
	json_object_set_new(l, "line_no", json_integer(stmt_int(st, 1)));
	json_object_set_new(l, "sku", json_string(stmt_text(st, 2)));
	json_object_set_new(l, "sku_name", json_string(stmt_text(st, 3)));
	json_object_set_new(l, "units", json_integer(stmt_int(st, 4)));
	json_object_set_new(l, "unit_price_fen", json_integer(stmt_int(st, 5)));
	json_object_set_new(l, "amount_fen", json_integer(stmt_int(st, 6)));
	json_object_set_new(l, "warehouse_id", int_or_null(st, 7));
	json_object_set_new(l, "warehouse", text_or_null(st, 8));
	json_object_set_new(l, "route", text_or_null(st, 9));
	json_object_set_new(l, "alloc_reason", json_string(stmt_text(st, 10)));
	json_object_set_new(l, "status", json_string(stmt_text(st, 11)));
	json_object_set_new(l, "returned_units", json_integer(stmt_int(st, 12)));
	json_object_set_new(l, "allocations", json_array());
	json_array_append_new(lines, l);
}

static void alloc_row(struct stmt *st, json_t *lines)
{
	int64_t line_id = stmt_int(st, 1);
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l)
	{
		if (json_integer_value(json_object_get(l, "id")) != line_id)
			continue;
		json_t *a = json_object();
		json_object_set_new(a, "id", json_integer(stmt_int(st, 0)));
		json_object_set_new(a, "lot", json_string(stmt_text(st, 2)));
		json_object_set_new(a, "qty_g", json_integer(stmt_int(st, 3)));
		json_object_set_new(a, "state", json_string(stmt_text(st, 4)));
		json_object_set_new(a, "warehouse_id", json_integer(stmt_int(st, 5)));
		json_array_append_new(json_object_get(l, "allocations"), a);
		return;
	}
}

static void refund_row(struct stmt *st, json_t *refunds)
{
	json_t *r = json_object();
	json_object_set_new(r, "code", json_string(stmt_text(st, 0)));
	json_object_set_new(r, "kind", json_string(stmt_text(st, 1)));
	json_object_set_new(r, "line_no", int_or_null(st, 2));
	json_object_set_new(r, "units", json_integer(stmt_int(st, 3)));
	json_object_set_new(r, "amount_fen", json_integer(stmt_int(st, 4)));
	json_object_set_new(r, "restocked_g", json_integer(stmt_int(st, 5)));
	json_object_set_new(r, "reason", json_string(stmt_text(st, 6)));
	json_object_set_new(r, "created_at", iso_or_null(stmt_int(st, 7)));
	json_array_append_new(refunds, r);
}

static void parcel_row(struct stmt *st, json_t *parcels)
{
	json_t *p = json_object();
	json_object_set_new(p, "id", json_integer(stmt_int(st, 0)));
	json_object_set_new(p, "code", json_string(stmt_text(st, 1)));
	json_object_set_new(p, "warehouse_id", json_integer(stmt_int(st, 2)));
	json_object_set_new(p, "route", json_string(stmt_text(st, 3)));
	json_object_set_new(p, "carrier", json_string(stmt_text(st, 4)));
	json_object_set_new(p, "tracking_no", text_or_null(st, 5));
	json_object_set_new(p, "weight_g", json_integer(stmt_int(st, 6)));
	json_object_set_new(p, "cost_fen", json_integer(stmt_int(st, 7)));
	json_object_set_new(p, "status", json_string(stmt_text(st, 8)));
	json_object_set_new(p, "shipped_at", iso_or_null(stmt_int(st, 9)));
	json_object_set_new(p, "delivered_at", iso_or_null(stmt_int(st, 10)));
	json_array_append_new(parcels, p);
}

static json_t *order_head(struct store *db, int64_t order_id, bool personal, int64_t *channel_id,
                          struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(
	    db,
	    "SELECT o.id, o.channel_id, ch.code, o.channel_order_no, o.status, o.total_fen,"
	    " o.ordered_at, o.ordered_on, o.created_at, o.import_id,"
	    " cu.name, cu.phone, cu.address, cu.division_code,"
	    " (SELECT COALESCE(SUM(amount_fen), 0) FROM refunds r WHERE r.order_id = o.id)"
	    " FROM orders o JOIN channels ch ON ch.id = o.channel_id"
	    " JOIN customers cu ON cu.id = o.customer_id WHERE o.id = ?",
	    &st);
	if (rc) {
		app_store_fail(err, db, rc);
		return NULL;
	}
	stmt_bind_int(st, 1, order_id);
	rc = stmt_step(st);
	if (rc != STORE_ROW) {
		stmt_finalize(st);
		if (rc == STORE_DONE)
			app_fail(err, 404, "not_found", "id", "订单不存在", "no order %lld",
			         (long long)order_id);
		else
			app_store_fail(err, db, rc);
		return NULL;
	}
	json_t *o = json_object();
	*channel_id = stmt_int(st, 1);
	int64_t total = stmt_int(st, 5), refunded = stmt_int(st, 14);
	json_object_set_new(o, "id", json_integer(stmt_int(st, 0)));
	json_object_set_new(o, "channel_id", json_integer(*channel_id));
	json_object_set_new(o, "channel", json_string(stmt_text(st, 2)));
	json_object_set_new(o, "order_no", json_string(stmt_text(st, 3)));
	json_object_set_new(o, "status", json_string(stmt_text(st, 4)));
	json_object_set_new(o, "total_fen", json_integer(total));
	json_object_set_new(o, "refunded_fen", json_integer(refunded));
	json_object_set_new(o, "net_fen", json_integer(total - refunded));
	json_object_set_new(o, "ordered_at", iso_or_null(stmt_int(st, 6)));
	json_object_set_new(o, "ordered_on", json_string(stmt_text(st, 7)));
	json_object_set_new(o, "created_at", iso_or_null(stmt_int(st, 8)));
	json_object_set_new(o, "import_id", int_or_null(st, 9));
	json_object_set_new(o, "customer", customer_json(st, 10, personal));
	stmt_finalize(st);
	return o;
}

#define SQL_LINES                                                                                  \
	"SELECT ol.id, ol.line_no, k.code, k.name, ol.units, ol.unit_price_fen,"                   \
	" ol.amount_fen, ol.warehouse_id, w.code, ol.route, ol.alloc_reason, ol.status,"           \
	" ol.returned_units FROM order_lines ol JOIN skus k ON k.id = ol.sku_id"                   \
	" LEFT JOIN warehouses w ON w.id = ol.warehouse_id"                                        \
	" WHERE ol.order_id = ? ORDER BY ol.line_no"
#define SQL_ALLOCS                                                                                 \
	"SELECT a.id, a.order_line_id, l.code, a.qty_g, a.state, a.warehouse_id"                   \
	" FROM allocations a JOIN lots l ON l.id = a.lot_id"                                       \
	" JOIN order_lines ol ON ol.id = a.order_line_id WHERE ol.order_id = ?"                    \
	" ORDER BY a.id"

json_t *order_new_json(struct store *db, int64_t order_id, bool personal, int64_t *channel_id,
                       struct app_err *err)
{
	json_t *o = order_head(db, order_id, personal, channel_id, err);
	if (!o)
		return NULL;
	json_t *lines = json_array();
	json_object_set_new(o, "lines", lines);
	json_object_set_new(o, "refunds", json_array());
	json_object_set_new(o, "parcels", json_array());
	if (each_row(db, SQL_LINES, order_id, line_row, lines, err) ||
	    each_row(db, SQL_ALLOCS, order_id, alloc_row, lines, err)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* ---- the reply of a new order, written from memory ---- */

/* A JSON string (or null): quotes, backslashes and control characters
 * escaped; the text is valid UTF-8, checked on input. */
#define BYTES(c) (0x0101010101010101ull * (c))

/* True if none of the 8 bytes at p needs escaping in a JSON string (a
 * control character, '"' or '\\'): the test of json_text eight at a time. */
static bool plain8(const char *p)
{
	uint64_t x, q, bs;
	memcpy(&x, p, 8);
	q = x ^ BYTES(0x22);
	bs = x ^ BYTES(0x5c);
	uint64_t low = (x - BYTES(0x20)) & ~x;  /* a byte below 0x20 */
	uint64_t quote = (q - BYTES(1)) & ~q;   /* a byte equal to '"' */
	uint64_t slash = (bs - BYTES(1)) & ~bs; /* a byte equal to '\\' */
	return ((low | quote | slash) & BYTES(0x80)) == 0;
}

static void json_text(struct buf *b, const char *s)
{
	if (!s) {
		buf_adds(b, "null");
		return;
	}
	const char *run = s, *end = s + strlen(s);
	buf_add(b, "\"", 1);
	while (s < end) {
		if (end - s >= 8 && plain8(s)) {
			s += 8;
			continue;
		}
		unsigned char ch = (unsigned char)*s++;
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		buf_add(b, run, (size_t)(s - 1 - run));
		if (ch == '"' || ch == '\\')
			buf_add(b, ch == '"' ? "\\\"" : "\\\\", 2);
		else
			buf_printf(b, "\\u%04x", ch);
		run = s;
	}
	buf_add(b, run, (size_t)(s - run));
	buf_add(b, "\"", 1);
}

/* key (the literal text before the number, e.g. ",\"units\":") then v in
 * decimal: the reply has a dozen numbers, printf twice for each was a third
 * of writing it. */
static void json_int(struct buf *b, const char *key, int64_t v)
{
	char t[24];
	const char *digits = int64_text(v, t);
	buf_adds(b, key);
	buf_add(b, digits, (size_t)(t + 23 - digits));
}

static void write_customer(struct buf *b, const struct order_in *in, bool personal)
{
	const char *phone = in->phone ? in->phone : "";
	char name[64], ph[32], addr[64];
	buf_adds(b, "{\"name\":");
	json_text(b, personal ? in->name : mask_keep_text(in->name, 1, name));
	buf_adds(b, ",\"phone\":");
	json_text(b, personal ? (*phone ? phone : NULL) : mask_phone(phone, ph));
	buf_adds(b, ",\"address\":");
	json_text(b, personal ? in->address : mask_keep_text(in->address, 6, addr));
	buf_adds(b, ",\"division_code\":");
	json_text(b, in->division_code);
	buf_add(b, "}", 1);
}

static void write_head(struct buf *b, const struct last_order *o, const char *channel,
                       bool personal)
{
	char day[11];
	date_format(shanghai_day_of(o->at_ms / 1000), day, sizeof(day));
	json_int(b, "{\"id\":", o->id);
	json_int(b, ",\"channel_id\":", o->channel_id);
	buf_adds(b, ",\"channel\":");
	json_text(b, channel);
	buf_adds(b, ",\"order_no\":");
	json_text(b, o->in->order_no);
	buf_adds(b, ",\"status\":");
	json_text(b, o->status);
	json_int(b, ",\"total_fen\":", o->total_fen);
	json_int(b, ",\"refunded_fen\":0,\"net_fen\":", o->total_fen);
	char at[32], now[32]; /* the same second unless the channel gave ordered_at */
	time_format_utc(o->at_ms / 1000, at, sizeof(at));
	if (o->now_ms / 1000 != o->at_ms / 1000)
		time_format_utc(o->now_ms / 1000, now, sizeof(now));
	else
		memcpy(now, at, sizeof(now));
	buf_adds(b, ",\"ordered_at\":");
	json_text(b, at);
	buf_adds(b, ",\"ordered_on\":");
	json_text(b, day);
	buf_adds(b, ",\"created_at\":");
	json_text(b, now);
	if (o->import_id)
		json_int(b, ",\"import_id\":", o->import_id);
	else
		buf_adds(b, ",\"import_id\":null");
	buf_adds(b, ",\"customer\":");
	write_customer(b, o->in, personal);
}

/* The code of a lot the context read for this SKU at warehouse index w. */
static const char *lot_code(const struct sku_entry *e, int w, int64_t lot_id)
{
	if (!e || !e->stock || w < 0)
		return "";
	const struct wh_stock *ws = &e->stock[w];
	for (size_t i = 0; i < ws->n; i++)
		if (ws->lots[i].lot_id == lot_id)
			return ws->codes[i];
	return "";
}

static void write_allocations(struct buf *b, const struct sku_entry *e, const struct line_alloc *a)
{
	buf_adds(b, ",\"allocations\":[");
	for (int i = 0; i < a->npicks; i++) {
		json_int(b, i ? ",{\"id\":" : "{\"id\":", a->alloc_ids[i]);
		buf_adds(b, ",\"lot\":");
		json_text(b, lot_code(e, a->choice.index, a->picks[i].lot_id));
		json_int(b, ",\"qty_g\":", a->picks[i].qty_g);
		json_int(b, ",\"state\":\"reserved\",\"warehouse_id\":", a->warehouse_id);
		buf_add(b, "}", 1);
	}
	buf_adds(b, "]}");
}

static void write_line(struct order_ctx *c, struct buf *b, size_t i, struct app_err *err)
{
	const struct order_line_in *l = &c->last.in->lines[i];
	const struct line_alloc *a = &c->last.allocs[i];
	const struct sku_entry *e = sku_lookup(c, l->sku, err); /* cached by the submit */
	bool ok = a->choice.index >= 0;
	char reason[480];
	json_int(b, i ? ",{\"id\":" : "{\"id\":", a->line_id);
	json_int(b, ",\"line_no\":", (int64_t)i + 1);
	buf_adds(b, ",\"sku\":");
	json_text(b, l->sku);
	buf_adds(b, ",\"sku_name\":");
	json_text(b, e ? e->name : NULL);
	json_int(b, ",\"units\":", l->units);
	json_int(b, ",\"unit_price_fen\":", l->unit_price_fen);
	json_int(b, ",\"amount_fen\":", l->units * l->unit_price_fen);
	if (ok)
		json_int(b, ",\"warehouse_id\":", a->warehouse_id);
	else
		buf_adds(b, ",\"warehouse_id\":null");
	buf_adds(b, ",\"warehouse\":");
	json_text(b, ok ? c->whs[a->choice.index].code : NULL);
	buf_adds(b, ",\"route\":");
	json_text(b, alloc_route_name(a->choice.route));
	buf_adds(b, ",\"alloc_reason\":");
	json_text(b, line_reason(a, reason));
	buf_adds(b, ok ? ",\"status\":\"allocated\",\"returned_units\":0"
	               : ",\"status\":\"backorder\",\"returned_units\":0");
	write_allocations(b, e, a);
}

int order_created_text(struct order_ctx *c, const char *channel_code, bool personal,
                       struct buf *out, struct app_err *err)
{
	const struct last_order *o = &c->last;
	if (!o->allocs)
		return app_fail(err, 500, "internal", NULL, "没有刚创建的订单",
		                "no order was just created");
	write_head(out, o, channel_code, personal);
	buf_adds(out, ",\"lines\":[");
	for (size_t i = 0; i < o->in->nlines; i++)
		write_line(c, out, i, err);
	buf_adds(out, "],\"refunds\":[],\"parcels\":[]}");
	return 0;
}

json_t *order_get_json(struct store *db, int64_t order_id, bool personal, int64_t *channel_id,
                       struct app_err *err)
{
	json_t *o = order_head(db, order_id, personal, channel_id, err);
	if (!o)
		return NULL;
	json_t *lines = json_array(), *refunds = json_array(), *parcels = json_array();
	json_object_set_new(o, "lines", lines);
	json_object_set_new(o, "refunds", refunds);
	json_object_set_new(o, "parcels", parcels);
	if (each_row(db, SQL_LINES, order_id, line_row, lines, err) ||
	    each_row(db, SQL_ALLOCS, order_id, alloc_row, lines, err) ||
	    each_row(db,
	             "SELECT r.code, r.kind, ol.line_no, r.units, r.amount_fen, r.restocked_g,"
	             " r.reason, r.created_at FROM refunds r"
	             " LEFT JOIN order_lines ol ON ol.id = r.order_line_id"
	             " WHERE r.order_id = ? ORDER BY r.id",
	             order_id, refund_row, refunds, err) ||
	    each_row(db,
	             "SELECT id, code, warehouse_id, route, carrier, tracking_no, weight_g,"
	             " cost_fen, status, COALESCE(shipped_at, 0), COALESCE(delivered_at, 0)"
	             " FROM parcels WHERE order_id = ? ORDER BY id",
	             order_id, parcel_row, parcels, err)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

int order_channel(struct store *db, int64_t order_id, int64_t *channel_id, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, "SELECT channel_id FROM orders WHERE id = ?", &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, order_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*channel_id = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", "id", "订单不存在", "no order %lld",
		                (long long)order_id);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

/* The WHERE clause of a list query: placeholders only, values bound later
 * by bind_filter in the same order. */
static void filter_sql(const struct order_filter *f, char *w, size_t wsz)
{
	size_t n = (size_t)snprintf(w, wsz, " WHERE 1 = 1");
	if (f->nchannels >= 0) {
		n += (size_t)snprintf(w + n, wsz - n, " AND o.channel_id IN (0");
		for (int i = 0; i < f->nchannels && n < wsz - 8; i++)
			n += (size_t)snprintf(w + n, wsz - n, ", ?");
		n += (size_t)snprintf(w + n, wsz - n, ")");
	}
	if (f->channel_id)
		n += (size_t)snprintf(w + n, wsz - n, " AND o.channel_id = ?");
	if (f->status)
		n += (size_t)snprintf(w + n, wsz - n, " AND o.status = ?");
	if (f->from)
		n += (size_t)snprintf(w + n, wsz - n, " AND o.ordered_on >= ?");
	if (f->to)
		n += (size_t)snprintf(w + n, wsz - n, " AND o.ordered_on <= ?");
	if (f->order_no)
		snprintf(w + n, wsz - n, " AND o.channel_order_no = ?");
}

static int bind_filter(struct stmt *st, const struct order_filter *f)
{
	int k = 1;
	for (int i = 0; i < f->nchannels; i++)
		stmt_bind_int(st, k++, f->channels[i]);
	if (f->channel_id)
		stmt_bind_int(st, k++, f->channel_id);
	if (f->status)
		stmt_bind_text(st, k++, f->status);
	if (f->from)
		stmt_bind_text(st, k++, f->from);
	if (f->to)
		stmt_bind_text(st, k++, f->to);
	if (f->order_no)
		stmt_bind_text(st, k++, f->order_no);
	return k;
}

static void list_row(struct stmt *st, json_t *items)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(stmt_int(st, 0)));
	json_object_set_new(o, "channel", json_string(stmt_text(st, 1)));
	json_object_set_new(o, "order_no", json_string(stmt_text(st, 2)));
	json_object_set_new(o, "status", json_string(stmt_text(st, 3)));
	json_object_set_new(o, "total_fen", json_integer(stmt_int(st, 4)));
	json_object_set_new(o, "ordered_at", iso_or_null(stmt_int(st, 5)));
	json_object_set_new(o, "ordered_on", json_string(stmt_text(st, 6)));
	json_object_set_new(o, "lines", json_integer(stmt_int(st, 7)));
	json_array_append_new(items, o);
}

json_t *order_list_json(struct store *db, const struct order_filter *f, struct app_err *err)
{
	char where[2048], sql[2600];
	struct stmt *st;
	int64_t total = 0;
	if (f->nchannels > 200)
		return app_fail(err, 422, "invalid", "channel", "渠道过多", "too many channels"),
		       NULL;
	filter_sql(f, where, sizeof(where));
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM orders o%s", where);
	int rc = store_prepare(db, sql, &st);
	if (rc)
		goto out_store;
	bind_filter(st, f);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		total = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc != STORE_ROW)
		goto out_store;
	snprintf(sql, sizeof(sql),
	         "SELECT o.id, ch.code, o.channel_order_no, o.status, o.total_fen, o.ordered_at,"
	         " o.ordered_on, (SELECT COUNT(*) FROM order_lines ol WHERE ol.order_id = o.id)"
	         " FROM orders o JOIN channels ch ON ch.id = o.channel_id%s"
	         " ORDER BY o.id DESC LIMIT ? OFFSET ?",
	         where);
	rc = store_prepare(db, sql, &st);
	if (rc)
		goto out_store;
	int k = bind_filter(st, f);
	stmt_bind_int(st, k, f->limit > 0 ? f->limit : 100);
	stmt_bind_int(st, k + 1, f->offset);
	json_t *items = json_array();
	while ((rc = stmt_step(st)) == STORE_ROW)
		list_row(st, items);
	stmt_finalize(st);
	if (rc != STORE_DONE) {
		json_decref(items);
		goto out_store;
	}
	return json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
out_store:
	app_store_fail(err, db, rc);
	return NULL;
}

/* ---- status from the lines ---- */

enum {
	LS_ALLOCATED,
	LS_BACKORDER,
	LS_PICKED,
	LS_SHIPPED,
	LS_DELIVERED,
	LS_CANCELLED,
	LS_RETURNED,
	LS_N
};

static int line_state(const char *s)
{
	static const char *const names[LS_N] = {"allocated", "backorder", "picked",  "shipped",
	                                        "delivered", "cancelled", "returned"};
	for (int i = 0; i < LS_N; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static const char *status_from_counts(const int64_t *n)
{
	int64_t total = 0;
	for (int i = 0; i < LS_N; i++)
		total += n[i];
	int64_t active = total - n[LS_CANCELLED];
	int64_t out = n[LS_SHIPPED] + n[LS_DELIVERED] + n[LS_RETURNED];
	if (active == 0)
		return "cancelled";
	if (n[LS_RETURNED] == active)
		return "returned";
	if (n[LS_DELIVERED] + n[LS_RETURNED] == active)
		return "delivered";
	if (out == active)
		return "shipped";
	if (out + n[LS_PICKED] > 0)
		return "picking";
	if (n[LS_BACKORDER] == active)
		return "backorder";
	return n[LS_BACKORDER] > 0 ? "partial" : "allocated";
}

int order_refresh_status(struct store *db, int64_t order_id, struct app_err *err)
{
	struct stmt *st;
	int64_t n[LS_N] = {0};
	int rc = store_prepare(
	    db, "SELECT status, COUNT(*) FROM order_lines WHERE order_id = ? GROUP BY status", &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, order_id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		int k = line_state(stmt_text(st, 0));
		if (k >= 0)
			n[k] += stmt_int(st, 1);
	}
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	rc = store_prepare(db, "UPDATE orders SET status = ? WHERE id = ?", &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, status_from_counts(n));
	stmt_bind_int(st, 2, order_id);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}
