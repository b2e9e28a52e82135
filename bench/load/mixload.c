/*
 * mixload: the sustained mixed-load generator of bench/load/run.sh. Several
 * request kinds run at once for a fixed time, each on its own HTTP/1.1
 * keep-alive connections (C threads, closed loop with an optional pause
 * between requests, as a person or a feed would send them), and each kind
 * reports its own count, errors and p50/p99/max latency at the end.
 *
 *   mixload -p PORT -t SECONDS SPECFILE
 *
 * SPECFILE: one kind per line, fields separated by TABs:
 *   name  conns  pause_ms  method  path  expect  headers  bodyfile
 * - path: a literal path, or "@FILE" to pick a random line of FILE per request;
 *   "{n}" in a path or body is replaced by a run-wide sequence number (unique
 *   order numbers), "{r}" by a random number 0..999999.
 * - expect: the status that counts as success (e.g. 200 or 201); any other
 *   status, or a lost connection, is an error (the first few are printed).
 * - headers: extra header lines separated by "|" (e.g. a bearer token or a
 *   session cookie plus its CSRF token), or "-" for none.
 * - bodyfile: a file holding the request body template, or "-" for none.
 * Lines starting with '#' are comments. Prints one line per kind:
 *   kind=NAME requests= errors= rps= p50_ms= p99_ms= max_ms=
 * then a total line. Exit status 1 when any request failed.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXKINDS 32
#define RESP_CAP (1 << 20)

struct kind {
	char name[64], method[8], path[512], headers[2048];
	int conns, pause_ms, expect;
	char *body;     /* template or NULL */
	char **choices; /* lines of the @FILE path, or NULL */
	int nchoices;
	atomic_long errors;
};

struct worker {
	pthread_t th;
	struct kind *k;
	unsigned seed;
	double *lat;
	long nlat, caplat;
};

static struct kind kinds[MAXKINDS];
static int nkinds;
static int port;
static double t_end;
static atomic_long next_seq;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *xmalloc_or_die(size_t n)
{
	void *p = malloc(n);
	if (!p) {
		perror("mixload: malloc");
		exit(2);
	}
	return p;
}

static int connect_local(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("mixload: connect");
		exit(1);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* tmpl with "{n}" -> seq and "{r}" -> rnd, into out (cap bytes); its length. */
static size_t expand(char *out, size_t cap, const char *tmpl, long seq, long rnd)
{
	size_t n = 0;
	for (const char *p = tmpl; *p && n + 24 < cap;) {
		if (p[0] == '{' && (p[1] == 'n' || p[1] == 'r') && p[2] == '}') {
			n += (size_t)snprintf(out + n, cap - n, "%ld", p[1] == 'n' ? seq : rnd);
			p += 3;
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	return n;
}

static size_t build_request(struct worker *w, char *out, size_t cap)
{
	struct kind *k = w->k;
	long seq = atomic_fetch_add(&next_seq, 1);
	long rnd = (long)(rand_r(&w->seed) % 1000000);
	char path[1024], body[1 << 16];
	const char *ptmpl = k->choices ? k->choices[rand_r(&w->seed) % (unsigned)k->nchoices] : k->path;
	expand(path, sizeof(path), ptmpl, seq, rnd);
	size_t blen = k->body ? expand(body, sizeof(body), k->body, seq, rnd) : 0;
	int n = snprintf(out, cap,
	                 "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: application/json\r\n"
	                 "Content-Length: %zu\r\n\r\n%.*s",
	                 k->method, path, k->headers, blen, (int)blen, k->body ? body : "");
	return (size_t)n;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Read one response (headers + Content-Length or chunked body); status or -1. */
static int read_response(int fd, char *buf, size_t cap)
{
	size_t have = 0;
	char *end = NULL;
	while (!end) {
		if (have >= cap - 1)
			return -1;
		ssize_t r = recv(fd, buf + have, cap - have - 1, 0);
		if (r <= 0)
			return -1;
		have += (size_t)r;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	int status = (int)strtol(buf + 9, NULL, 10);
	char *cl = strcasestr(buf, "\r\nContent-Length:");
	if (!cl && strcasestr(buf, "\r\nTransfer-Encoding: chunked")) {
		/* chunked: read until the terminating 0-length chunk */
		while (!strstr(end, "\r\n0\r\n\r\n")) {
			if (have >= cap - 1)
				return -1;
			ssize_t r = recv(fd, buf + have, cap - have - 1, 0);
			if (r <= 0)
				return -1;
			have += (size_t)r;
			buf[have] = '\0';
		}
		return status;
	}
	size_t want = (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 17, NULL, 10) : 0);
	while (have < want) {
		if (have >= cap - 1) { /* large answer: keep reading, discard */
			want -= have;
			have = 0;
		}
		size_t room = cap - have - 1 < want - have ? cap - have - 1 : want - have;
		ssize_t r = recv(fd, buf + have, room, 0);
		if (r <= 0)
			return -1;
		have += (size_t)r;
	}
	buf[have < cap ? have : cap - 1] = '\0';
	return status;
}

static void record(struct worker *w, double dt)
{
	if (w->nlat == w->caplat) {
		w->caplat = w->caplat ? w->caplat * 2 : 4096;
		w->lat = realloc(w->lat, (size_t)w->caplat * sizeof(double));
		if (!w->lat) {
			perror("mixload: realloc");
			exit(2);
		}
	}
	w->lat[w->nlat++] = dt;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct kind *k = w->k;
	size_t cap = 1 << 17;
	char *req = xmalloc_or_die(cap), *resp = xmalloc_or_die(RESP_CAP);
	int fd = connect_local();
	while (now_s() < t_end) {
		size_t n = build_request(w, req, cap);
		double t0 = now_s();
		int st = send_all(fd, req, n) ? -1 : read_response(fd, resp, RESP_CAP);
		double dt = now_s() - t0;
		if (st < 0) {
			if (atomic_fetch_add(&k->errors, 1) < 3)
				fprintf(stderr, "mixload: %s: connection lost\n", k->name);
			close(fd);
			fd = connect_local();
			continue;
		}
		if (st != k->expect && atomic_fetch_add(&k->errors, 1) < 3)
			fprintf(stderr, "mixload: %s: status %d: %.300s\n", k->name, st, resp);
		record(w, dt);
		if (k->pause_ms > 0) {
			struct timespec ts = {k->pause_ms / 1000, (long)(k->pause_ms % 1000) * 1000000L};
			nanosleep(&ts, NULL);
		}
	}
	close(fd);
	free(req);
	free(resp);
	return NULL;
}

/* The whole of a small file, trailing newlines removed. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	char *p = xmalloc_or_die(1 << 16);
	size_t n = fread(p, 1, (1 << 16) - 1, f);
	fclose(f);
	p[n] = '\0';
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		p[--n] = '\0';
	return p;
}

static void load_choices(struct kind *k, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	char line[1024];
	int cap = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0])
			continue;
		if (k->nchoices == cap) {
			cap = cap ? cap * 2 : 64;
			k->choices = realloc(k->choices, (size_t)cap * sizeof(char *));
			if (!k->choices) {
				perror("mixload: realloc");
				exit(2);
			}
		}
		k->choices[k->nchoices++] = strdup(line);
	}
	fclose(f);
	if (!k->nchoices) {
		fprintf(stderr, "mixload: %s: no paths in '%s'\n", k->name, path);
		exit(2);
	}
}

/* One spec line into kinds[nkinds]; exits on a malformed line. */
static void parse_spec_line(char *line, int lineno)
{
	char *f[8];
	int nf = 0;
	for (char *save = NULL, *t = strtok_r(line, "\t", &save); t && nf < 8;
	     t = strtok_r(NULL, "\t", &save))
		f[nf++] = t;
	if (nf != 8 || nkinds == MAXKINDS) {
		fprintf(stderr, "mixload: spec line %d: expected 8 tab-separated fields\n", lineno);
		exit(2);
	}
	struct kind *k = &kinds[nkinds++];
	snprintf(k->name, sizeof(k->name), "%s", f[0]);
	k->conns = (int)strtol(f[1], NULL, 10);
	k->pause_ms = (int)strtol(f[2], NULL, 10);
	snprintf(k->method, sizeof(k->method), "%s", f[3]);
	if (f[4][0] == '@')
		load_choices(k, f[4] + 1);
	else
		snprintf(k->path, sizeof(k->path), "%s", f[4]);
	k->expect = (int)strtol(f[5], NULL, 10);
	size_t h = 0;
	if (strcmp(f[6], "-"))
		for (char *save = NULL, *t = strtok_r(f[6], "|", &save); t; t = strtok_r(NULL, "|", &save))
			h += (size_t)snprintf(k->headers + h, sizeof(k->headers) - h, "%s\r\n", t);
	k->body = strcmp(f[7], "-") ? slurp(f[7]) : NULL;
	if (k->conns < 1) {
		fprintf(stderr, "mixload: spec line %d: conns must be >= 1\n", lineno);
		exit(2);
	}
}

static void parse_spec(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		exit(2);
	}
	char line[4096];
	for (int no = 1; fgets(line, sizeof(line), f); no++) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] && line[0] != '#')
			parse_spec_line(line, no);
	}
	fclose(f);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Print one kind's figures from its workers; returns its request count. */
static long report_kind(struct kind *k, struct worker *w, int nw, double secs)
{
	long total = 0;
	for (int i = 0; i < nw; i++)
		if (w[i].k == k)
			total += w[i].nlat;
	double *all = xmalloc_or_die((size_t)(total ? total : 1) * sizeof(double));
	long n = 0;
	for (int i = 0; i < nw; i++)
		if (w[i].k == k) {
			memcpy(all + n, w[i].lat, (size_t)w[i].nlat * sizeof(double));
			n += w[i].nlat;
		}
	qsort(all, (size_t)total, sizeof(double), cmp_double);
	printf("kind=%-14s conns=%d requests=%ld errors=%ld rps=%.1f p50_ms=%.3f p99_ms=%.3f "
	       "max_ms=%.3f\n",
	       k->name, k->conns, total, (long)k->errors, (double)total / secs,
	       total ? all[(total - 1) / 2] * 1e3 : 0,
	       total ? all[(long)((double)(total - 1) * 0.99)] * 1e3 : 0,
	       total ? all[total - 1] * 1e3 : 0);
	free(all);
	return total;
}

int main(int argc, char **argv)
{
	double seconds = 60;
	int c;
	while ((c = getopt(argc, argv, "p:t:")) != -1) {
		if (c == 'p')
			port = (int)strtol(optarg, NULL, 10);
		else if (c == 't')
			seconds = strtod(optarg, NULL);
		else
			return 2;
	}
	if (optind >= argc || !port) {
		fprintf(stderr, "usage: mixload -p PORT -t SECONDS SPECFILE\n");
		return 2;
	}
	parse_spec(argv[optind]);
	int nw = 0;
	for (int i = 0; i < nkinds; i++)
		nw += kinds[i].conns;
	struct worker *w = calloc((size_t)nw, sizeof(*w));
	double t0 = now_s();
	t_end = t0 + seconds;
	for (int i = 0, j = 0; i < nkinds; i++)
		for (int m = 0; m < kinds[i].conns; m++, j++) {
			w[j].k = &kinds[i];
			w[j].seed = (unsigned)(j * 7919 + 17);
			pthread_create(&w[j].th, NULL, run, &w[j]);
		}
	for (int j = 0; j < nw; j++)
		pthread_join(w[j].th, NULL);
	double secs = now_s() - t0;
	long total = 0, errs = 0;
	for (int i = 0; i < nkinds; i++) {
		total += report_kind(&kinds[i], w, nw, secs);
		errs += kinds[i].errors;
	}
	printf("total requests=%ld errors=%ld seconds=%.1f rps=%.1f\n", total, errs, secs,
	       (double)total / secs);
	for (int j = 0; j < nw; j++)
		free(w[j].lat);
	free(w);
	return errs ? 1 : 0;
}
