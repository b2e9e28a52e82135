/*
 * traceload: the load generator of the trace benchmark. C threads, one
 * HTTP/1.1 keep-alive connection each, a closed loop: GET /t/{code} for a
 * random lot (codes.h, the same codes mkdb made), read the whole answer,
 * record its latency, repeat. Prints one line of key=value figures:
 * requests, errors (status other than 200), seconds, rps, p50_ms, p99_ms,
 * max_ms, and the mean page size. -P PATH asks for that fixed path instead
 * (e.g. /api/v1/noop: what the same machine gives for a request that does
 * nothing, the baseline the trace numbers are read against).
 *
 *   traceload -p PORT -c CONNS -n REQUESTS -N NLOTS [-w WARMUP] [-P PATH]
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "codes.h"

struct worker {
	pthread_t thread;
	int port;
	long n, warmup;
	uint64_t nlots, seed;
	int64_t *lat_ns;
	long done, errors;
	int64_t bytes;
	const char *fixed; /* a fixed path instead of random codes, or NULL */
};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int connect_to(int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = send(fd, p, n, 0);
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Read one response: its status, and its total size in *bytes. */
static int read_response(int fd, char *buf, size_t cap, int *status, int64_t *bytes)
{
	size_t have = 0;
	char *end = NULL;
	while (!end) {
		if (have + 1 >= cap)
			return -1;
		ssize_t k = recv(fd, buf + have, cap - 1 - have, 0);
		if (k <= 0)
			return -1;
		have += (size_t)k;
		buf[have] = '\0';
		end = strstr(buf, "\r\n\r\n");
	}
	size_t head = (size_t)(end + 4 - buf);
	const char *cl = strcasestr(buf, "\r\nContent-Length:");
	long len = cl && cl < end ? strtol(cl + 17, NULL, 10) : 0;
	if (sscanf(buf, "HTTP/1.%*d %d", status) != 1 || len < 0)
		return -1;
	size_t body = have - head;
	while (body < (size_t)len) {
		ssize_t k = recv(fd, buf, cap - 1 < (size_t)len - body ? cap - 1 : (size_t)len - body, 0);
		if (k <= 0)
			return -1;
		body += (size_t)k;
	}
	*bytes = (int64_t)(head + (size_t)len);
	return 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	static __thread char buf[1 << 16];
	char req[256], code[12];
	uint64_t x = w->seed;
	int fd = connect_to(w->port);
	for (long i = 0; fd >= 0 && i < w->warmup + w->n; i++) {
		x = bench_mix(x);
		bench_code(x % w->nlots, code);
		int n = w->fixed ? snprintf(req, sizeof(req), "GET %.160s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
					    w->fixed)
				 : snprintf(req, sizeof(req), "GET /t/%s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
					    code);
		int status = 0;
		int64_t bytes = 0, t0 = now_ns();
		if (send_all(fd, req, (size_t)n) || read_response(fd, buf, sizeof(buf), &status, &bytes)) {
			w->errors++;
			close(fd);
			fd = connect_to(w->port);
			continue;
		}
		if (i < w->warmup)
			continue;
		w->lat_ns[w->done++] = now_ns() - t0;
		w->bytes += bytes;
		if (status != 200)
			w->errors++;
	}
	if (fd >= 0)
		close(fd);
	return NULL;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int port = 0, conns = 1, opt;
	long n = 10000, warmup = 1000;
	uint64_t nlots = 0;
	const char *fixed = NULL;
	while ((opt = getopt(argc, argv, "p:c:n:N:w:P:")) != -1) {
		switch (opt) {
		case 'p': port = (int)strtol(optarg, NULL, 10); break;
		case 'c': conns = (int)strtol(optarg, NULL, 10); break;
		case 'n': n = strtol(optarg, NULL, 10); break;
		case 'N': nlots = strtoull(optarg, NULL, 10); break;
		case 'w': warmup = strtol(optarg, NULL, 10); break;
		case 'P': fixed = optarg; break;
		default: goto usage;
		}
	}
	if (port <= 0 || conns <= 0 || conns > 256 || n <= 0 || nlots == 0 || warmup < 0)
		goto usage;
	struct worker *ws = calloc((size_t)conns, sizeof(*ws));
	int64_t *all = calloc((size_t)n + 1, sizeof(*all));
	if (!ws || !all)
		return 1;
	int64_t t0 = now_ns();
	for (int i = 0; i < conns; i++) {
		ws[i] = (struct worker){.port = port, .n = n / conns + (i < n % conns), .nlots = nlots,
					.warmup = warmup / conns, .seed = 0x7ace + (uint64_t)i * 1000003,
					.fixed = fixed};
		ws[i].lat_ns = calloc((size_t)ws[i].n + 1, sizeof(int64_t));
		pthread_create(&ws[i].thread, NULL, work, &ws[i]);
	}
	long done = 0, errors = 0;
	int64_t bytes = 0;
	for (int i = 0; i < conns; i++) {
		pthread_join(ws[i].thread, NULL);
		memcpy(all + done, ws[i].lat_ns, (size_t)ws[i].done * sizeof(int64_t));
		done += ws[i].done;
		errors += ws[i].errors;
		bytes += ws[i].bytes;
		free(ws[i].lat_ns);
	}
	double secs = (double)(now_ns() - t0) / 1e9;
	qsort(all, (size_t)done, sizeof(*all), cmp64);
	if (done == 0) {
		fprintf(stderr, "traceload: no request succeeded (is the server on port %d?)\n", port);
		return 1;
	}
	printf("requests=%ld errors=%ld conns=%d seconds=%.2f rps=%.0f p50_ms=%.3f p99_ms=%.3f "
	       "max_ms=%.3f mean_bytes=%lld\n",
	       done, errors, conns, secs, (double)done / secs, (double)all[done / 2] / 1e6,
	       (double)all[(size_t)((double)done * 0.99)] / 1e6, (double)all[done - 1] / 1e6,
	       (long long)(bytes / done));
	free(all);
	free(ws);
	return errors ? 3 : 0;
usage:
	fprintf(stderr, "usage: traceload -p PORT -c CONNS -n REQUESTS -N NLOTS [-w WARMUP] [-P PATH]\n");
	return 2;
}
