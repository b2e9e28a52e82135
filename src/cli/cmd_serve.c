/*
 * `shanhai serve`: run the HTTP API and the web console until SIGINT/SIGTERM.
 * With --demo, a database without data first gets the demo data set and the
 * demo logins are printed, so one command shows a working Shanhai.
 */
#include "cli/cli.h"
#include "cli/cli_util.h"
#include "app/demo.h"
#include "http/server.h"
#include "lib/str.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* SIGINT and SIGTERM blocked in every thread (the server's threads inherit
 * the mask) and taken by sigwait in the main thread: with a handler and
 * pause(), a signal delivered to a pool thread left main asleep for good. */
static bool block_stop_signals(sigset_t *set)
{
	return sigemptyset(set) == 0 && sigaddset(set, SIGINT) == 0 &&
	       sigaddset(set, SIGTERM) == 0 && pthread_sigmask(SIG_BLOCK, set, NULL) == 0;
}

static void wait_stop_signal(const sigset_t *set)
{
	int sig;
	while (sigwait(set, &sig) != 0)
		;
}

static void usage(FILE *out)
{
	fprintf(out, "用法 usage: shanhai [--db PATH] serve [--port N] [--bind ADDR] [--demo]\n"
		     "                     [--static DIR] [--threads N]\n\n"
		     "  --port N     端口 port (default 8080; 0 = any free port)\n"
		     "  --bind ADDR  监听地址 address to listen on (default 127.0.0.1)\n"
		     "  --demo       若数据库为空则载入演示数据并打印演示账号\n"
		     "               load the demo data into an empty database and print the logins\n"
		     "  --static DIR 从目录提供控制台（开发用）serve the console from DIR (development)\n"
		     "  --threads N  读连接数 read connections (default 8)\n");
}

static int int_arg(const char *name, const char *v, int min, int max, int *out)
{
	int64_t x;
	if (!v || parse_int64(str_from(v), &x) || x < min || x > max) {
		fprintf(stderr, "shanhai serve: %s must be a number from %d to %d\n", name, min, max);
		return -1;
	}
	*out = (int)x;
	return 0;
}

static int load_demo_if_empty(struct store *db)
{
	int64_t n = 0;
	struct app_err err;
	if (store_query_int(db, "SELECT COUNT(*) FROM households", 0, &n))
		return -1;
	if (n == 0) {
		printf("正在载入演示数据 loading the demo data…\n");
		if (demo_load(db, isatty(STDERR_FILENO) ? stderr : NULL, &err)) {
			fprintf(stderr, "shanhai serve: demo data failed: %s\n", err.message_en);
			return -1;
		}
	}
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	struct server_options opt = {.db_url = cli_db_path(), .port = 8080, .threads = 8};
	bool demo = false;
	char err[256];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(a, "--port")) {
			if (int_arg("--port", v, 0, 65535, &opt.port))
				return 2;
			i++;
		} else if (!strcmp(a, "--threads")) {
			if (int_arg("--threads", v, 1, 256, &opt.threads))
				return 2;
			i++;
		} else if (!strcmp(a, "--bind") && v) {
			opt.bind = v;
			i++;
		} else if (!strcmp(a, "--static") && v) {
			opt.static_dir = v;
			i++;
		} else if (!strcmp(a, "--demo")) {
			demo = true;
		} else {
			fprintf(stderr, "shanhai serve: unknown option '%s'\n", a);
			usage(stderr);
			return 2;
		}
	}
	struct store *db = cli_open_db(true);
	if (!db)
		return 1;
	if (demo && load_demo_if_empty(db)) {
		store_close(db);
		return 1;
	}
	store_close(db);
	sigset_t stop;
	if (!block_stop_signals(&stop)) {
		fprintf(stderr, "shanhai serve: cannot block SIGINT/SIGTERM\n");
		return 1;
	}
	struct server *s = server_start(&opt, err, sizeof(err));
	if (!s) {
		fprintf(stderr, "shanhai serve: %s\n", err);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	printf("山海 Shanhai 已启动 is running: http://%s:%d/\n", opt.bind ? opt.bind : "127.0.0.1",
	       server_port(s));
	printf("数据库 database: %s\n", opt.db_url);
	if (demo)
		demo_print_logins(stdout);
	printf("按 Ctrl-C 停止 press Ctrl-C to stop\n");
	fflush(stdout);
	wait_stop_signal(&stop);
	printf("正在停止 stopping…\n");
	server_stop(s);
	return 0;
}
