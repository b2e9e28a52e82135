/*
 * libFuzzer target for whole HTTP requests on the wire: the input is sent as
 * raw bytes over a loopback TCP connection to a real `shanhai serve` running
 * in this process (server_start: libmicrohttpd, the dispatcher, the routes
 * table, authentication, the handlers, the group-commit writer) on a SQLite
 * database made once in a temporary folder (fuzz_world.h), with an admin
 * holding a known session cookie and CSRF token and a machine user with a
 * known API token (both in the dictionary). So query
 * strings, URL path segments, the Cookie header, Authorization: Bearer,
 * X-CSRF-Token, Idempotency-Key and Content-Type all reach the code that reads
 * them, with and without a valid login. The client half-closes after the
 * request and reads every answer until the server closes. A finding: a crash
 * or sanitizer report anywhere in the server, no answer within 8 s, an answer
 * 500 or 503 (an internal error or the store failing on a healthy database),
 * or a JSON answer without the security headers.
 */
// fuzz-sources: src/http/*.c src/app/*.c src/core/*.c src/io/*.c src/store/*.c
// fuzz-sources: src/route/*.c src/plan/*.c
// fuzz-embedded
#include "http/auth.h"
#include "http/server.h"
#include "lib/log.h"
#include "fuzz_world.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#define SESSION   "fuzz-session-0123456789abcdefghij"
#define CSRF      "fuzz-csrf-0123456789"
#define TOKEN     "fuzz-token-0123456789abcdefghij"
#define ANSWER_MS 8000

static struct server *srv;
static int port;

/* An admin (id 1) logged in with a known session and CSRF token, and a
 * machine user of channel 1 with a known API token; no password hashing. */
static void add_callers(struct store *db)
{
	struct arena a;
	char sql[1024];
	arena_init(&a);
	world_sql(db, "INSERT INTO users (id, username, display_name, password_hash, role, active,"
	              " created_at) VALUES (1, 'admin', 'admin', 'x', 'admin', 1, 0),"
	              " (2, 'feed', 'feed', 'x', 'machine', 1, 0);"
	              "INSERT INTO user_scopes (user_id, kind, ref_id) VALUES (2, 'channel', 1)");
	snprintf(sql, sizeof(sql),
	         "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)"
	         " VALUES ('%s', 1, '" CSRF "', 0, 4102444800000);"
	         "INSERT INTO api_tokens (token_hash, user_id, name, active, created_at)"
	         " VALUES ('%s', 2, 'fuzz', 1, 0)",
	         token_hash(&a, SESSION), token_hash(&a, TOKEN));
	world_sql(db, sql);
	arena_release(&a);
}

static void stop_server(void)
{
	server_stop(srv);
	world_remove();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	log_set_level(LOG_ERROR);
	struct store *db = world_create();
	add_callers(db);
	store_close(db);
	struct server_options opt = {.db_url = world_path, .port = 0, .threads = 2};
	srv = server_start(&opt, err, sizeof(err));
	if (!srv)
		world_fail("server_start", err);
	port = server_port(srv);
	atexit(stop_server);
	return 0;
}

/* connect(), also when libFuzzer's timer signal interrupts it (EINTR: the
 * connection goes on in the background; wait for it and ask how it went). */
static int connect_to(int fd, const struct sockaddr_in *addr)
{
	int err = 0;
	socklen_t len = sizeof(err);
	if (!connect(fd, (const struct sockaddr *)addr, sizeof(*addr)))
		return 0;
	if (errno != EINTR)
		return -1;
	struct pollfd p = {.fd = fd, .events = POLLOUT};
	while (poll(&p, 1, ANSWER_MS) < 0 && errno == EINTR) {
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err)
		return errno = err ? err : errno, -1;
	return 0;
}

static int connect_server(void)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* closed with a reset, not into TIME_WAIT: hundreds of connections a second
	 * would otherwise use up the ephemeral ports within minutes */
	struct linger reset = {.l_onoff = 1, .l_linger = 0};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset)) ||
	    connect_to(fd, &addr))
		world_fail("connect to the server on loopback", strerror(errno));
	return fd;
}

/* Everything the server sends until it closes; a finding if it takes too long. */
static void read_answer(int fd, struct buf *out)
{
	char chunk[65536];
	int waited = 0;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		int rc = poll(&p, 1, 100);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0) {
			if ((waited += 100) >= ANSWER_MS)
				world_fail("no answer", out->p ? out->p : "(nothing)");
			continue;
		}
		ssize_t n = recv(fd, chunk, sizeof(chunk), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf_add(out, chunk, (size_t)n);
	}
}

/* Each "HTTP/1.x NNN" answer: never 500/503; JSON ones carry the headers. */
static void check_answers(const char *text)
{
	for (const char *p = strstr(text, "HTTP/1."); p; p = strstr(p + 1, "HTTP/1.")) {
		if (p != text && p[-1] != '\n')
			continue; /* inside a body */
		const char *d = p + 9;
		int status = d[0] >= '0' && d[0] <= '9' && d[1] >= '0' && d[1] <= '9' &&
		                     d[2] >= '0' && d[2] <= '9'
		                 ? (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0')
		                 : 0;
		const char *end = strstr(p, "\r\n\r\n");
		size_t hlen = end ? (size_t)(end - p) : strlen(p);
		char *head = strndup(p, hlen);
		if (status == 500 || status == 503)
			world_fail("server error", p);
		if (strstr(head, "Content-Type: application/json") &&
		    (!strstr(head, "X-Content-Type-Options: nosniff") ||
		     !strstr(head, "X-Frame-Options: DENY") ||
		     !strstr(head, "Content-Security-Policy: ")))
			world_fail("JSON answer without the security headers", head);
		free(head);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf answer;
	int fd = connect_server();
	size_t sent = 0;
	while (sent < size) {
		ssize_t n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the server closed early: fine, read what it said */
		sent += (size_t)n;
	}
	shutdown(fd, SHUT_WR);
	buf_init(&answer, 64u << 20);
	read_answer(fd, &answer);
	close(fd);
	if (answer.p)
		check_answers(answer.p);
	buf_release(&answer);
	return 0;
}
