/*
 * Anatomy of a request, after the body has been read (server.c): find the
 * route in the routes table, work out who is calling (API token or session
 * cookie), refuse roles the route does not name, check the CSRF token on
 * cookie-authenticated writes, parse the JSON body, then run the handler —
 * reads on a pooled connection, writes on the group-commit writer inside a
 * savepoint, with the Idempotency-Key look-up and record in the same
 * transaction so a retried request is applied exactly once. On a connection
 * thread a write is queued and answered later (struct write_call): the
 * writer finishes the request after its batch and resumes the connection.
 */
#include "http/auth.h"
#include "http/server_int.h"
#include "lib/alloc.h"
#include "lib/log.h"
#include "lib/str.h"

#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_write(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD");
}

/* Match "/api/v1/lots/{code}" against the path, capturing parameters. */
static bool pattern_match(const char *pat, const char *path, struct req *r)
{
	int np = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *end = strchr(path, '/');
			size_t n = end ? (size_t)(end - path) : strlen(path);
			if (n == 0 || np == 4)
				return false;
			r->params[np++] = arena_strndup(r->arena, path, n);
			path += n;
			pat = strchr(pat, '}');
			if (!pat)
				return false;
			pat++;
			continue;
		}
		if (*pat != *path)
			return false;
		pat++;
		path++;
	}
	if (*pat || *path)
		return false;
	r->nparams = np;
	return true;
}

/* ---- the routes index ----
 * A path and a pattern can only match if they agree up to their fourth '/'
 * ("/api/v1/orders" of "/api/v1/orders/{id}"), unless the pattern has a
 * parameter before it. Each route's prefix is measured once, so the look-up
 * compares lengths and bytes instead of walking every pattern. */

struct indexed_route {
	const struct route *rt;
	size_t prefix;  /* bytes before the fourth '/' (or the end) */
	bool wildcard;  /* a parameter before that: always matched in full */
};

static struct {
	pthread_once_t once;
	struct indexed_route *v;
	size_t n;
} routes_index = {PTHREAD_ONCE_INIT, NULL, 0};

/* Bytes of s before its fourth '/' or its end. */
static size_t prefix_len(const char *s)
{
	int slashes = 0;
	size_t i = 0;
	for (; s[i]; i++)
		if (s[i] == '/' && ++slashes == 4)
			break;
	return i;
}

static void build_routes_index(void)
{
	size_t n = 0, k = 0;
	for (const struct route *const *t = route_tables; *t; t++)
		for (const struct route *rt = *t; rt->method; rt++)
			n++;
	routes_index.v = xcalloc(n ? n : 1, sizeof(*routes_index.v));
	for (const struct route *const *t = route_tables; *t; t++)
		for (const struct route *rt = *t; rt->method; rt++) {
			size_t len = prefix_len(rt->pattern);
			routes_index.v[k++] = (struct indexed_route){
			    rt, len, memchr(rt->pattern, '{', len) != NULL};
		}
	routes_index.n = n;
}

const struct route *route_find(struct req *r, bool *path_known)
{
	*path_known = false;
	pthread_once(&routes_index.once, build_routes_index);
	size_t len = prefix_len(r->path);
	for (size_t i = 0; i < routes_index.n; i++) {
		const struct indexed_route *ix = &routes_index.v[i];
		const struct route *rt = ix->rt;
		if (!ix->wildcard && (ix->prefix != len || memcmp(rt->pattern, r->path, len)))
			continue;
		if (!pattern_match(rt->pattern, r->path, r))
			continue;
		if (!strcmp(rt->method, r->method) ||
		    (!strcmp(r->method, "HEAD") && !strcmp(rt->method, "GET")))
			return rt;
		*path_known = true;
	}
	r->nparams = 0;
	return NULL;
}

const struct route *route_of(struct req *r)
{
	if (!r->route_found) {
		r->route = route_find(r, &r->path_known);
		r->route_found = true;
	}
	return r->route;
}

/* The caller: Bearer token first (its user kept in s->auth), then the
 * session cookie. */
static const struct user *authenticate(struct server *s, struct req *r, struct store *db,
				       bool *bearer, const char **csrf)
{
	const char *auth = req_header(r, "Authorization");
	*bearer = false;
	*csrf = NULL;
	if (auth && !strncmp(auth, "Bearer ", 7)) {
		*bearer = true;
		return token_lookup_cached(s->auth, db, r->arena, auth + 7);
	}
	const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	if (cookie && *cookie)
		return session_lookup(db, r->arena, cookie, csrf);
	return NULL;
}

static bool csrf_ok(struct req *r, const char *expected)
{
	const char *got = req_header(r, "X-CSRF-Token");
	return expected && got && strlen(got) == strlen(expected) &&
	       sodium_memcmp(got, expected, strlen(got)) == 0;
}

static bool parse_body(struct req *r, const struct route *rt)
{
	json_error_t e;
	if (!is_write(r->method) || (rt->flags & ROUTE_RAW_BODY) || r->body_len == 0)
		return true;
	if (rt->flags & ROUTE_JSON_STREAM)
		return true; /* the handler parses the body itself, piece by piece */
	r->json = json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, &e);
	if (r->json)
		return true;
	reply_bad_json(r, &e);
	return false;
}

/* ---- idempotency ---- */

/* Printable ASCII only: keys travel in a header. */
static bool utf8_valid_key(const char *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)k[i] < 0x21 || (unsigned char)k[i] > 0x7e)
			return false;
	return true;
}

static const char *request_hash(struct req *r)
{
	crypto_hash_sha256_state h;
	unsigned char out[crypto_hash_sha256_BYTES];
	char *hex = arena_alloc(r->arena, sizeof(out) * 2 + 1);
	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)r->method, strlen(r->method) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)r->path, strlen(r->path) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)r->body, r->body_len);
	crypto_hash_sha256_final(&h, out);
	sodium_bin2hex(hex, sizeof(out) * 2 + 1, out, sizeof(out));
	return hex;
}

/* 1 if a stored response was replayed into r, 0 if the key is new, <0 error. */
static int idem_replay(struct req *r, const char *hash)
{
	struct stmt *st;
	int rc = store_prepare(r->db, "SELECT request_hash, status, response FROM idempotency_keys"
				      " WHERE user_id = ? AND idem_key = ?", &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, r->user ? r->user->id : 0);
	stmt_bind_text(st, 2, r->idem_key);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		if (strcmp(stmt_text(st, 0), hash))
			reply_error(r, 422, "idempotency_mismatch", "Idempotency-Key",
				    "该幂等键已用于另一个不同的请求",
				    "this Idempotency-Key was already used for a different request");
		else
			reply_raw(r, (int)stmt_int(st, 1), "application/json; charset=utf-8",
				  stmt_text(st, 2), strlen(stmt_text(st, 2)));
		rc = 1;
	}
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : rc;
}

static int idem_record(struct req *r, const char *hash)
{
	struct stmt *st;
	int rc = store_prepare(r->db, "INSERT INTO idempotency_keys (user_id, idem_key, method, path,"
				      " request_hash, status, response, created_at)"
				      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, r->user ? r->user->id : 0);
	stmt_bind_text(st, 2, r->idem_key);
	stmt_bind_text(st, 3, r->method);
	stmt_bind_text(st, 4, r->path);
	stmt_bind_text(st, 5, hash);
	stmt_bind_int(st, 6, r->status);
	stmt_bind_textn(st, 7, r->reply_body ? r->reply_body : "", r->reply_len);
	stmt_bind_int(st, 8, now_ms());
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc < 0 ? rc : 0;
}

/* Runs on the writer thread inside a savepoint. */
static int write_job(void *arg, struct store *db, bool *keep)
{
	struct write_call *w = arg;
	struct req *r = w->r;
	const char *hash = NULL;
	r->db = db;
	if (r->idem_key) {
		hash = request_hash(r);
		int rc = idem_replay(r, hash);
		if (rc < 0)
			return reply_store_error(r, rc), r->status;
		if (rc == 1) {
			w->replayed = true;
			r->idem_replayed = true;
			return r->status;
		}
	}
	w->rt->handler(r);
	*keep = r->commit_on_error;
	if (r->status == 0)
		reply_error(r, 500, "internal", NULL, "处理程序未返回结果", "handler gave no reply");
	if (r->idem_key && r->status < 400) {
		int rc = idem_record(r, hash);
		if (rc)
			reply_store_error(r, rc);
	}
	return r->status;
}

/* The request's Idempotency-Key into r->idem_key; false if it replied 400. */
static bool take_idem_key(struct req *r)
{
	const char *key = req_header(r, "Idempotency-Key");
	if (!key)
		return true;
	size_t n = strlen(key);
	if (n == 0 || n > 128 || !utf8_valid_key(key, n)) {
		reply_error(r, 400, "invalid", "Idempotency-Key", "幂等键须为 1..128 个可见字符",
			    "Idempotency-Key must be 1 to 128 visible characters");
		return false;
	}
	r->idem_key = key;
	return true;
}

/* ROUTE_PREPARE: a retry whose key is already recorded is answered from the
 * record on the read connection, without searching again. True if it
 * replied (the replay, a key mismatch or a store error). The writer checks
 * the key again, for two first tries racing each other. */
static bool replayed_early(struct req *r, struct store *db)
{
	if (!r->idem_key)
		return false;
	r->db = db;
	int rc = idem_replay(r, request_hash(r));
	r->db = NULL;
	if (rc < 0)
		reply_store_error(r, rc);
	else if (rc == 1 && r->status < 400)
		r->idem_replayed = true;
	return rc != 0;
}

static void free_prepared(struct req *r)
{
	if (r->prepared && r->prepared_free)
		r->prepared_free(r->prepared);
	r->prepared = NULL;
	r->prepared_free = NULL;
}

/* After the writer's batch: a failed commit is 503 whatever the handler said. */
static void finish_write(struct write_call *wc)
{
	struct req *r = wc->r;
	if (wc->job.status == 503 && r->status < 500)
		reply_error(r, 503, "unavailable", NULL, "存储暂时不可用，请稍后重试",
			    "storage unavailable, nothing was saved; retry");
	r->db = NULL;
	free_prepared(r);
}

/* On the writer thread, after the batch of a job queued by run_write_later. */
static void write_done(struct write_job *job)
{
	struct write_call *wc = (struct write_call *)((char *)job - offsetof(struct write_call, job));
	finish_write(wc);
	wc->answered(wc); /* the request may be sent and freed from here on */
}

static void init_job(struct write_call *wc, struct req *r, const struct route *rt)
{
	wc->r = r;
	wc->rt = rt;
	wc->replayed = false;
	wc->job = (struct write_job){.fn = write_job,
				     .arg = wc,
				     .alone = (rt->flags & ROUTE_NO_TX) != 0,
				     .grouped = (rt->flags & ROUTE_GROUPED) != 0};
}

/* Suspend first, then queue: the writer may answer before this returns. */
static void run_write_later(struct server *s, struct req *r, const struct route *rt,
			    struct write_call *later)
{
	init_job(later, r, rt);
	later->job.done = write_done;
	later->pending = true;
	later->away(later);
	writer_submit(s->writer, &later->job);
}

static void run_write(struct server *s, struct req *r, const struct route *rt)
{
	struct write_call wc;
	init_job(&wc, r, rt);
	writer_run(s->writer, &wc.job);
	finish_write(&wc);
}

/* ROUTE_PREPARE: the handler's first call, on the read connection, outside
 * the writer (a search that takes seconds must not hold every other write).
 * False if it replied, which ends the request with nothing written. */
static bool run_prepare(struct req *r, const struct route *rt, struct store *db)
{
	r->db = db;
	r->preparing = true;
	rt->handler(r);
	r->preparing = false;
	r->db = NULL;
	return r->status == 0;
}

void dispatch(struct server *s, struct req *r, struct write_call *later)
{
	bool bearer;
	const char *csrf, *bad = req_invalid_text(r);
	if (bad) {
		reply_error(r, 400, "bad_request", bad, "网址中含有无效的 UTF-8 字符",
			    "the URL's path or query is not valid UTF-8");
		return;
	}
	const struct route *rt = route_of(r);
	if (!rt) {
		if (r->path_known)
			reply_error(r, 405, "method_not_allowed", NULL, "不支持该请求方法",
				    "method not allowed");
		else
			reply_error(r, 404, "not_found", NULL, "没有这个接口", "no such endpoint");
		return;
	}
	struct store *db = db_pool_get(&s->reads);
	r->user = authenticate(s, r, db, &bearer, &csrf);
	if (rt->roles != ROLE_PUBLIC) {
		if (!r->user) {
			reply_error(r, 401, "unauthenticated", NULL, "请先登录", "log in first");
			goto out_put;
		}
		if (!(rt->roles & r->user->role)) {
			reply_error(r, 403, "forbidden", NULL, "您的角色无权执行此操作",
				    "your role may not do this");
			goto out_put;
		}
	}
	if (is_write(r->method) && r->user && !bearer && !(rt->flags & ROUTE_NO_CSRF) &&
	    !csrf_ok(r, csrf)) {
		reply_error(r, 403, "csrf", "X-CSRF-Token", "缺少或错误的 CSRF 令牌",
			    "missing or wrong X-CSRF-Token");
		goto out_put;
	}
	if (!req_paging_check(r) || !parse_body(r, rt))
		goto out_put;
	if (!is_write(r->method)) {
		r->db = db;
		rt->handler(r);
		if (r->status == 0)
			reply_error(r, 500, "internal", NULL, "处理程序未返回结果", "handler gave no reply");
		r->db = NULL;
		goto out_put;
	}
	if (!take_idem_key(r))
		goto out_put;
	if ((rt->flags & (ROUTE_PREPARE | ROUTE_PREPARE_QUICK)) &&
	    (replayed_early(r, db) || !run_prepare(r, rt, db)))
		goto out_put;
	db_pool_put(&s->reads, db);
	if (later)
		run_write_later(s, r, rt, later);
	else
		run_write(s, r, rt);
	return;
out_put:
	free_prepared(r);
	db_pool_put(&s->reads, db);
}
