/*
 * The libmicrohttpd glue. A fixed pool of threads (twice the read
 * connections) serves every connection, so a long run with many short-lived
 * connections does not create a thread, and a glibc malloc arena, for each:
 * the first callback of a request creates its context (an arena owning
 * everything the request allocates, h2o-style), later callbacks append the
 * body up to the route's cap, the last one dispatches (dispatch.c) and queues
 * the response with the security headers; NOTIFY_COMPLETED frees the arena.
 * GET requests outside /api, /t and /print serve the embedded web console.
 */
#include "http/auth.h"
#include "http/server_int.h"
#include "lib/alloc.h"
#include "lib/buf.h"
#include "lib/embedded.h"
#include "lib/log.h"
#include "lib/timeutil.h"

#include <arpa/inet.h>
#include <malloc.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SMALL_BODY (1u << 20)
#define LARGE_BODY (64u << 20)
#define MALLOC_ARENAS  4
#define SLOW_WORKERS   4 /* searches and imports at once; more wait their turn */
#define MMAP_THRESHOLD (256u << 10)

enum ctx_state { CTX_READING, CTX_AWAY, CTX_ANSWERED };

struct conn_ctx {
	struct arena arena;
	struct req req;
	struct buf body;
	bool too_large;
	bool slow;             /* the route runs on the slow pool */
	int state;             /* enum ctx_state; CTX_ANSWERED is stored by the worker or writer */
	struct slow_job job;
	struct write_call wc;  /* a write queued by the connection thread */
	struct server *server;
	int64_t started;
};

static const char csp[] = "default-src 'self'; img-src 'self' data: blob:; "
			  "style-src 'self' 'unsafe-inline'; script-src 'self'; "
			  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
			  "form-action 'self'";

static void add_security_headers(struct MHD_Response *resp, bool api)
{
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	if (api)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
}

static const char *mime_of(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
		{".png", "image/png"},                 {".ico", "image/x-icon"},
		{".json", "application/json"},         {".woff2", "font/woff2"},
		{".woff", "font/woff"},                {".ttf", "font/ttf"},
		{".webmanifest", "application/manifest+json"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

static bool is_app_path(const char *path)
{
	return !strncmp(path, "/api/", 5) || !strncmp(path, "/t/", 3) ||
	       !strncmp(path, "/print/", 7) || !strcmp(path, "/healthz");
}

/* The console: embedded files (or --static DIR); unknown paths get index.html. */
static void serve_static(struct server *s, struct req *r)
{
	const char *path = r->path[1] ? r->path + 1 : "index.html";
	if (strstr(path, ".."))
		path = "index.html";
	if (s->static_dir) {
		char *file = arena_printf(r->arena, "%s/%s", s->static_dir, path);
		FILE *f = fopen(file, "rb");
		if (!f) {
			file = arena_printf(r->arena, "%s/index.html", s->static_dir);
			f = fopen(file, "rb");
			path = "index.html";
		}
		if (f) {
			struct buf b;
			char chunk[65536];
			size_t n;
			buf_init(&b, LARGE_BODY);
			while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
				if (buf_add(&b, chunk, n))
					break;
			fclose(f);
			reply_raw(r, 200, mime_of(path), b.p ? b.p : "", b.n);
			buf_release(&b);
			return;
		}
	}
	const struct embedded_file *f = embedded_find(assets, path);
	if (!f && strncmp(path, "assets/", 7))
		f = embedded_find(assets, path = "index.html");
	if (f) {
		r->status = 200;
		r->reply_type = mime_of(path);
		r->reply_body = (const char *)f->data; /* static: no copy */
		r->reply_len = f->size;
		return;
	}
	static const char missing[] =
		"<!doctype html><meta charset=utf-8><title>山海 Shanhai</title>"
		"<p>网页控制台尚未构建：请运行 <code>make web && make</code>。</p>"
		"<p>The web console has not been built: run <code>make web && make</code>. "
		"The API is at <a href=/api/v1/health>/api/v1/health</a>.</p>";
	reply_raw(r, strncmp(path, "assets/", 7) ? 200 : 404, "text/html; charset=utf-8", missing,
		  sizeof(missing) - 1);
}

static unsigned route_flags_of(struct req *r)
{
	const struct route *rt = route_of(r);
	return rt ? rt->flags : 0;
}

static size_t body_cap(unsigned flags)
{
	return flags & (ROUTE_LARGE_BODY | ROUTE_RAW_BODY) ? LARGE_BODY : SMALL_BODY;
}

/* Searches and whole-file imports take seconds: off the connection thread. */
static bool is_slow(unsigned flags)
{
	return flags & (ROUTE_PREPARE | ROUTE_LARGE_BODY | ROUTE_RAW_BODY);
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, struct req *r)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		r->reply_len, (void *)(r->reply_body ? r->reply_body : ""), MHD_RESPMEM_PERSISTENT);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type",
				r->reply_type ? r->reply_type : "text/plain; charset=utf-8");
	add_security_headers(resp, !strncmp(r->path, "/api/", 5));
	if (r->set_cookie)
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (r->location)
		MHD_add_response_header(resp, "Location", r->location);
	if (r->reply_disposition)
		MHD_add_response_header(resp, "Content-Disposition", r->reply_disposition);
	if (r->idem_replayed)
		MHD_add_response_header(resp, "Idempotent-Replay", "true");
	enum MHD_Result ok = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

/* A write may be answered later only while the server is not stopping: the
 * daemon must not stop with a connection suspended (server_stop). */
static bool later_begin(struct server *s)
{
	pthread_mutex_lock(&s->later_lock);
	bool open = !s->later_closed;
	if (open)
		s->later_count++;
	pthread_mutex_unlock(&s->later_lock);
	return open;
}

static void later_end(struct server *s)
{
	pthread_mutex_lock(&s->later_lock);
	if (--s->later_count == 0)
		pthread_cond_broadcast(&s->later_gone);
	pthread_mutex_unlock(&s->later_lock);
}

/* Refuse new later writes and wait until the queued ones are answered. */
static void later_close(struct server *s)
{
	pthread_mutex_lock(&s->later_lock);
	s->later_closed = true;
	while (s->later_count)
		pthread_cond_wait(&s->later_gone, &s->later_lock);
	pthread_mutex_unlock(&s->later_lock);
}

/* dispatch queues the write: the same suspension as send_away's. */
static void write_away(struct write_call *wc)
{
	struct conn_ctx *c = (struct conn_ctx *)((char *)wc - offsetof(struct conn_ctx, wc));
	__atomic_store_n(&c->state, CTX_AWAY, __ATOMIC_RELAXED);
	MHD_suspend_connection(c->req.conn);
}

/* On the writer thread: the reply is in c->req; c may be freed once resumed. */
static void write_answered(struct write_call *wc)
{
	struct conn_ctx *c = (struct conn_ctx *)((char *)wc - offsetof(struct conn_ctx, wc));
	struct server *s = c->server;
	__atomic_store_n(&c->state, CTX_ANSWERED, __ATOMIC_RELEASE);
	MHD_resume_connection(c->req.conn);
	later_end(s);
}

/* later: on a connection thread, a write is queued and answered by the
 * writer (c->wc.pending); on a slow-pool worker it waits for the writer. */
static void handle(struct server *s, struct conn_ctx *c, bool later)
{
	struct req *r = &c->req;
	if (c->too_large) {
		reply_error(r, 413, "too_large", NULL, "请求体过大", "request body too large");
		return;
	}
	r->body = c->body.p ? c->body.p : "";
	r->body_len = c->body.n;
	if (!is_app_path(r->path) && !strcmp(r->method, "GET")) {
		serve_static(s, r);
		return;
	}
	if (!later || !later_begin(s)) {
		dispatch(s, r, NULL);
		return;
	}
	c->server = s;
	c->wc.away = write_away;
	c->wc.answered = write_answered;
	dispatch(s, r, &c->wc);
	if (!c->wc.pending)
		later_end(s);
}

/* The peer's address as text, for the login throttle (never logged). */
static const char *client_addr(struct arena *a, struct MHD_Connection *conn)
{
	char text[INET6_ADDRSTRLEN] = "";
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, text, sizeof(text));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, text,
		          sizeof(text));
	return arena_strdup(a, text);
}

static enum MHD_Result answer(struct server *s, struct MHD_Connection *conn, struct conn_ctx *c)
{
	__atomic_add_fetch(&s->requests, 1, __ATOMIC_RELAXED);
	log_info("%s %s %d %lldms", c->req.method, c->req.path, c->req.status,
		 (long long)(time_mono_ms() - c->started));
	return send_reply(conn, &c->req);
}

/* On a slow-pool worker: the connection is suspended until the reply is ready. */
static void run_away(struct slow_job *job)
{
	struct conn_ctx *c = (struct conn_ctx *)((char *)job - offsetof(struct conn_ctx, job));
	handle(c->server, c, false);
	__atomic_store_n(&c->state, CTX_ANSWERED, __ATOMIC_RELEASE);
	MHD_resume_connection(c->req.conn);
}

/* Suspend first, then queue: the worker may resume before this returns. */
static void send_away(struct server *s, struct MHD_Connection *conn, struct conn_ctx *c)
{
	__atomic_store_n(&c->state, CTX_AWAY, __ATOMIC_RELAXED);
	c->server = s;
	c->job.run = run_away;
	MHD_suspend_connection(conn);
	if (!slow_pool_submit(s->slow, &c->job))
		run_away(&c->job); /* stopping: here, and resumed at once */
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_size, void **con_cls)
{
	struct server *s = cls;
	struct conn_ctx *c = *con_cls;
	(void)version;
	if (!c) {
		unsigned flags;
		c = xcalloc(1, sizeof(*c));
		arena_init(&c->arena);
		c->started = time_mono_ms();
		c->req.arena = &c->arena;
		c->req.method = arena_strdup(&c->arena, method);
		c->req.path = arena_strdup(&c->arena, url);
		c->req.conn = conn;
		c->req.client_addr = client_addr(&c->arena, conn);
		c->req.content_type =
			MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Type");
		flags = route_flags_of(&c->req);
		c->slow = is_slow(flags) && is_app_path(c->req.path);
		buf_init(&c->body, body_cap(flags));
		*con_cls = c;
		return MHD_YES;
	}
	switch (__atomic_load_n(&c->state, __ATOMIC_ACQUIRE)) {
	case CTX_ANSWERED:
		return answer(s, conn, c);
	case CTX_AWAY:
		return MHD_YES; /* not called while suspended; nothing to do if it is */
	default:
		break;
	}
	if (*upload_size) {
		if (!c->too_large && buf_add(&c->body, upload_data, *upload_size))
			c->too_large = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (c->slow && s->slow) {
		send_away(s, conn, c);
		return MHD_YES;
	}
	handle(s, c, true);
	if (c->wc.pending)
		return MHD_YES; /* suspended; the writer resumes it with the reply */
	return answer(s, conn, c);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct conn_ctx *c = *con_cls;
	(void)cls;
	(void)conn;
	(void)toe;
	if (!c)
		return;
	if (c->req.json)
		json_decref(c->req.json);
	buf_release(&c->body);
	arena_release(&c->arena);
	free(c);
	*con_cls = NULL;
}

/* glibc: a few malloc arenas shared by the pool threads (not 8 per core), and a
 * fixed mmap threshold so large transient answers are mapped and given back
 * on free instead of fragmenting the heaps (the threshold otherwise grows to
 * 32 MiB after the first large free). Process-wide, set once. */
static void tune_malloc(void)
{
	static bool done;
	if (__atomic_exchange_n(&done, true, __ATOMIC_SEQ_CST))
		return;
	mallopt(M_ARENA_MAX, MALLOC_ARENAS);
	mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
}

static struct MHD_Daemon *start_daemon(struct server *s, struct sockaddr_in *addr, int threads)
{
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
	                            MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
	                        on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)addr,
	                        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	                        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
	                        MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
	                        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
}

struct server *server_start(const struct server_options *opt, char *err, size_t errsz)
{
	struct server *s = xcalloc(1, sizeof(*s));
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt->port)};
	const char *bind = opt->bind ? opt->bind : "127.0.0.1";
	if (inet_pton(AF_INET, bind, &addr.sin_addr) != 1) {
		snprintf(err, errsz, "invalid bind address '%s'", bind);
		goto out_free;
	}
	int reads = opt->threads > 0 ? opt->threads : 8;
	tune_malloc();
	s->db_url = opt->db_url;
	s->static_dir = opt->static_dir;
	pthread_mutex_init(&s->later_lock, NULL);
	pthread_cond_init(&s->later_gone, NULL);
	if (db_pool_init(&s->reads, opt->db_url, reads, err, errsz))
		goto out_free;
	s->writer = writer_start(opt->db_url, err, errsz);
	if (!s->writer)
		goto out_pool;
	s->auth = auth_cache_new();
	s->slow = slow_pool_start(SLOW_WORKERS);
	if (!s->slow) {
		snprintf(err, errsz, "cannot start the slow-request workers");
		goto out_writer;
	}
	s->daemon = start_daemon(s, &addr, 2 * reads);
	if (!s->daemon) {
		snprintf(err, errsz, "cannot listen on %s:%d (port in use?)", bind, opt->port);
		goto out_slow;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : opt->port;
	return s;
out_slow:
	slow_pool_free(s->slow);
out_writer:
	auth_cache_free(s->auth);
	writer_stop(s->writer);
out_pool:
	db_pool_release(&s->reads);
out_free:
	pthread_cond_destroy(&s->later_gone);
	pthread_mutex_destroy(&s->later_lock);
	free(s);
	return NULL;
}

int server_port(struct server *s)
{
	return s->port;
}

void server_stop(struct server *s)
{
	if (!s)
		return;
	/* Queued slow requests run and resume their connections first, and so
	 * do the writes queued by connection threads (later ones wait for the
	 * writer): the daemon must not stop with a connection still suspended. */
	slow_pool_stop(s->slow);
	later_close(s);
	MHD_stop_daemon(s->daemon);
	slow_pool_free(s->slow);
	writer_stop(s->writer);
	auth_cache_free(s->auth);
	db_pool_release(&s->reads);
	pthread_cond_destroy(&s->later_gone);
	pthread_mutex_destroy(&s->later_lock);
	free(s);
}
