/*
 * The HTTP server (libmicrohttpd): `shanhai serve` starts one, tests start
 * one on a free loopback port. It serves the JSON API under /api/v1/, the
 * public trace pages under /t/, printable pages under /print/, and the
 * embedded web console at /.
 */
#ifndef SHANHAI_SERVER_H
#define SHANHAI_SERVER_H

#include <stddef.h>

struct server;

struct server_options {
	const char *db_url;     /* database path or URL */
	const char *bind;       /* address, default "127.0.0.1" */
	int port;               /* 0 = any free port */
	int threads;            /* read connections in the pool */
	const char *static_dir; /* serve the console from this folder (development) */
};

/* Start serving; NULL and a message in err on failure. */
struct server *server_start(const struct server_options *opt, char *err, size_t errsz);
/* The port actually bound. */
int server_port(struct server *s);
/* Stop accepting, finish requests in flight, free everything. */
void server_stop(struct server *s);

#endif
