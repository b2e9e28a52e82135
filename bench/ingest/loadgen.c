/*
 * loadgen: a tiny HTTP/1.1 keep-alive load generator for the ingestion
 * benchmark (bench/ingest/run.sh). C threads, one persistent connection
 * each, a closed loop (send, wait for the whole answer, send again), so
 * the figures are requests per second at a given concurrency and the
 * latency of each request. Bounded by a request count and a time limit.
 *
 *   loadgen -p PORT -c CONNS -n REQUESTS -t SECONDS [-m POST] [-a TOKEN]
 *           [-b BODYFILE] [-e STATUS] PATH
 *
 * The body may contain "{n}", replaced by the request's sequence number
 * (so every order has its own order number). Answers with another status
 * than -e (default 200/201) are counted as errors. Prints one line of
 * key=value figures: requests, errors, seconds, rps, p50_ms, p99_ms, max_ms.
 */
#include <arpa/inet.h>
#include <errno.h>
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

struct opts {
	int port, conns, expect;
	long requests;
	double seconds;
	const char *method, *path, *token;
	char *body; /* template, or NULL */
};

static struct opts o = {0, 8, 0, 10000, 30.0, "GET", "/", NULL, NULL};
static atomic_long next_seq;
static atomic_long errors;
static double t_end;

struct worker {
	pthread_t th;
	double *lat; /* seconds, one per request done */
	long nlat, caplat;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int connect_local(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o.port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("loadgen: connect");
		exit(1);
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* The request for sequence number seq into out; its length. */
static size_t build_request(char *out, size_t cap, long seq)
{
	char body[1 << 16];
	size_t blen = 0;
	if (o.body) {
		const char *mark = strstr(o.body, "{n}");
		if (mark)
			blen = (size_t)snprintf(body, sizeof(body), "%.*s%ld%s",
			                        (int)(mark - o.body), o.body, seq, mark + 3);
		else
			blen = (size_t)snprintf(body, sizeof(body), "%s", o.body);
	}
	char auth[256] = "";
	if (o.token)
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", o.token);
	int n = snprintf(out, cap,
	                 "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: application/json\r\n"
	                 "Content-Length: %zu\r\n\r\n%.*s",
	                 o.method, o.path, auth, blen, (int)blen, body);
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

/* Read one response (headers + Content-Length body); its status or -1. */
static int read_response(int fd, char *buf, size_t cap)
{
	size_t have = 0;
	char *end = NULL;
	while (!end) {
		ssize_t r = recv(fd, buf + have, cap - have - 1, 0);
		if (r <= 0)
			return -1;
		have += (size_t)r;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	int status = (int)strtol(buf + 9, NULL, 10);
	char *cl = strcasestr(buf, "\r\nContent-Length:");
	size_t want = (size_t)(end + 4 - buf) + (cl ? strtoul(cl + 17, NULL, 10) : 0);
	while (have < want) {
		ssize_t r = recv(fd, buf + have,
		                 cap - have - 1 < want - have ? cap - have - 1 : want - have, 0);
		if (r <= 0)
			return -1;
		have += (size_t)r;
		if (have >= cap - 1) { /* large answer: keep reading, discard */
			want -= have;
			have = 0;
		}
	}
	return status;
}

static void *run(void *arg)
{
	struct worker *w = arg;
	size_t cap = 1 << 17;
	char *req = malloc(cap), *resp = malloc(1 << 20);
	int fd = connect_local();
	for (;;) {
		long seq = atomic_fetch_add(&next_seq, 1);
		if (seq >= o.requests || now_s() > t_end)
			break;
		size_t n = build_request(req, cap, seq);
		double t0 = now_s();
		int st = send_all(fd, req, n) ? -1 : read_response(fd, resp, 1 << 20);
		double dt = now_s() - t0;
		if (st < 0) {
			fprintf(stderr, "loadgen: connection lost\n");
			atomic_fetch_add(&errors, 1);
			close(fd);
			fd = connect_local();
			continue;
		}
		if (o.expect ? st != o.expect : (st != 200 && st != 201)) {
			if (atomic_fetch_add(&errors, 1) < 3)
				fprintf(stderr, "loadgen: status %d: %.300s\n", st, resp);
		}
		if (w->nlat == w->caplat) {
			w->caplat = w->caplat ? w->caplat * 2 : 4096;
			w->lat = realloc(w->lat, (size_t)w->caplat * sizeof(double));
		}
		w->lat[w->nlat++] = dt;
	}
	close(fd);
	free(req);
	free(resp);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(2);
	}
	char *p = malloc(1 << 16);
	size_t n = fread(p, 1, (1 << 16) - 1, f);
	fclose(f);
	p[n] = '\0';
	while (n && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		p[--n] = '\0';
	return p;
}

int main(int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "p:c:n:t:m:a:b:e:")) != -1) {
		switch (c) {
		case 'p':
			o.port = (int)strtol(optarg, NULL, 10);
			break;
		case 'c':
			o.conns = (int)strtol(optarg, NULL, 10);
			break;
		case 'n':
			o.requests = strtol(optarg, NULL, 10);
			break;
		case 't':
			o.seconds = atof(optarg);
			break;
		case 'm':
			o.method = optarg;
			break;
		case 'a':
			o.token = optarg;
			break;
		case 'b':
			o.body = slurp(optarg);
			break;
		case 'e':
			o.expect = (int)strtol(optarg, NULL, 10);
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc || !o.port || o.conns < 1) {
		fprintf(stderr, "usage: loadgen -p PORT [-c CONNS] [-n N] [-t S] [-m METHOD] "
		                "[-a TOKEN] [-b BODYFILE] [-e STATUS] PATH\n");
		return 2;
	}
	o.path = argv[optind];
	struct worker *w = calloc((size_t)o.conns, sizeof(*w));
	double t0 = now_s();
	t_end = t0 + o.seconds;
	for (int i = 0; i < o.conns; i++)
		pthread_create(&w[i].th, NULL, run, &w[i]);
	long total = 0;
	for (int i = 0; i < o.conns; i++) {
		pthread_join(w[i].th, NULL);
		total += w[i].nlat;
	}
	double secs = now_s() - t0;
	double *all = malloc((size_t)(total ? total : 1) * sizeof(double));
	long k = 0;
	for (int i = 0; i < o.conns; i++) {
		memcpy(all + k, w[i].lat, (size_t)w[i].nlat * sizeof(double));
		k += w[i].nlat;
		free(w[i].lat);
	}
	qsort(all, (size_t)total, sizeof(double), cmp_double);
	double p50 = total ? all[(total - 1) / 2] : 0,
	       p99 = total ? all[(long)((double)(total - 1) * 0.99)] : 0;
	printf(
	    "requests=%ld errors=%ld seconds=%.3f rps=%.0f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
	    total, (long)errors, secs, (double)total / secs, p50 * 1e3, p99 * 1e3,
	    total ? all[total - 1] * 1e3 : 0);
	free(all);
	free(w);
	return errors ? 1 : 0;
}
