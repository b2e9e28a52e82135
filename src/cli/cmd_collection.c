/*
 * `shanhai route collection`: plan a day's village collection runs (乡村集货)
 * of an origin warehouse from its points' forecast loads, opening hours and
 * coordinates and its vehicles (src/app/collect_runs.c over
 * src/plan/collect.c), store the plan, and print the runs with their stops,
 * loads, times in Asia/Shanghai, kilometres and cost, then the points that
 * could not be served and why.
 */
#include "cli/cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/collect_runs.h"
#include "cli/cli_util.h"
#include "lib/money.h"
#include "lib/timeutil.h"

/* Defined here, called by cmd_route.c. */
int cmd_route_collection(int argc, char **argv);

static void usage(FILE *out)
{
	struct collect_config c;
	collect_config_default(&c);
	fprintf(out,
	        "用法 usage: shanhai [--db PATH] route collection --date YYYY-MM-DD\n"
	        "                 --warehouse CODE|ID [options]\n"
	        "\n"
	        "乡村集货线路规划：为产地仓规划当天去各收购点的集货车次并保存。\n"
	        "Plans the day's village collection runs of an origin warehouse and stores\n"
	        "the plan: each point's expected load (the mean of its last %d same-weekday\n"
	        "collection days within %d weeks, or the planner's override), its opening\n"
	        "hours and approximate coordinates, the warehouse's vehicles. Prints the\n"
	        "runs (stops in order with times in Asia/Shanghai, kg, km, cost) and the\n"
	        "points that cannot be served, each with the reason.\n"
	        "\n"
	        "Options:\n"
	        "  --date YYYY-MM-DD    the day of the runs\n"
	        "  --warehouse CODE|ID  the origin warehouse\n"
	        "  --db PATH            database (also before 'route'; default ./shanhai.db)\n"
	        "  --time S             safety cap on the search, wall-clock seconds\n"
	        "                       (default 10); a search it stops may differ\n"
	        "                       from run to run\n"
	        "  --iters N            genetic iterations (default 2000): same inputs and\n"
	        "                       seed give the same plan\n"
	        "  --seed N             random seed (default 1)\n"
	        "  --detour F           road km per straight-line km (default %.1f)\n"
	        "  --speed KMH          average truck speed (default %.0f km/h)\n"
	        "\n"
	        "Exit status: 0 plan stored (points that cannot be served are listed),\n"
	        "1 error, 2 usage.\n",
	        COLLECT_FORECAST_DAYS, COLLECT_FORECAST_WEEKS, c.detour, c.speed_kmh);
}

struct collection_args {
	const char *date, *warehouse, *db;
	struct collect_run_opts opts;
};

static int number(const char *name, const char *v, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double x = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(x) || x < min || x > max) {
		fprintf(stderr,
		        "shanhai route collection: %s '%s' must be a number from %g to %g\n", name,
		        v, min, max);
		return -1;
	}
	*out = x;
	return 0;
}

static int numeric_option(struct collection_args *a, const char *opt, const char *v)
{
	double x;
	struct collect_config *c = &a->opts.cfg;
	if (!strcmp(opt, "--time"))
		return number(opt, v, 0.01, 3600, &a->opts.time_limit);
	if (!strcmp(opt, "--detour"))
		return number(opt, v, 1, 5, &c->detour);
	if (!strcmp(opt, "--speed"))
		return number(opt, v, 5, 120, &c->speed_kmh);
	if (!strcmp(opt, "--iters")) {
		if (number(opt, v, 1, 1e9, &x))
			return -1;
		a->opts.iters = (long)x;
		return 0;
	}
	if (!strcmp(opt, "--seed")) {
		if (number(opt, v, 0, 1e15, &x))
			return -1;
		a->opts.seed = (uint64_t)x;
		return 0;
	}
	fprintf(stderr, "shanhai route collection: unknown option '%s'\n", opt);
	return -1;
}

static int parse_args(int argc, char **argv, struct collection_args *a)
{
	collect_config_default(&a->opts.cfg);
	a->opts.seed = 1;
	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i];
		if (i + 1 >= argc) {
			fprintf(stderr, "shanhai route collection: '%s' needs a value\n", opt);
			return -1;
		}
		const char *v = argv[++i];
		if (!strcmp(opt, "--date"))
			a->date = v;
		else if (!strcmp(opt, "--warehouse"))
			a->warehouse = v;
		else if (!strcmp(opt, "--db"))
			a->db = v;
		else if (numeric_option(a, opt, v))
			return -1;
	}
	int64_t day;
	if (!a->date || date_parse(a->date, strlen(a->date), &day)) {
		fprintf(stderr, "shanhai route collection: --date YYYY-MM-DD is required\n");
		return -1;
	}
	if (!a->warehouse) {
		fprintf(stderr, "shanhai route collection: --warehouse CODE|ID is required\n");
		return -1;
	}
	return 0;
}

static const char *jtext(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static int64_t jint(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void kg(int64_t g, char out[32])
{
	snprintf(out, 32, "%lld.%lld", (long long)(g / 1000), (long long)(g % 1000 / 100));
}

static void print_run(json_t *run)
{
	char load[32], cost[40], on[32];
	size_t i;
	json_t *s;
	kg(jint(run, "load_g"), load);
	yuan_format(jint(run, "cost_fen"), cost, sizeof(cost));
	printf("车次 run %lld  %s (%s)%s  出发 leaves %s  回仓 back %s  %s kg  %.1f km  %s\n",
	       (long long)jint(run, "seq"), jtext(run, "vehicle_name"), jtext(run, "vehicle_code"),
	       json_is_true(json_object_get(run, "refrigerated")) ? " 冷藏 refrigerated" : "",
	       jtext(run, "depart_local"), jtext(run, "return_local"), load,
	       json_real_value(json_object_get(run, "km")), cost);
	json_array_foreach(json_object_get(run, "stops"), i, s)
	{
		kg(jint(s, "load_g"), load);
		kg(jint(s, "onboard_g"), on);
		printf("   %zu. 到 %s 装 %s–%s  %s %s%s  +%s kg (车上 on board %s kg)%s\n", i + 1,
		       jtext(s, "arrive_local"), jtext(s, "start_local"), jtext(s, "depart_local"),
		       jtext(s, "point_code"), jtext(s, "point_name"),
		       json_is_true(json_object_get(s, "approximate")) ? " ≈" : "", load, on,
		       strcmp(jtext(s, "forecast_source"), "override") ? ""
		                                                       : " [人工预测 override]");
	}
}

static void print_plan(json_t *p)
{
	char load[32], cost[40];
	size_t i;
	json_t *x;
	printf("集货计划 collection plan %s  %s  %s %s  %s\n", jtext(p, "code"), jtext(p, "date"),
	       jtext(p, "warehouse_code"), jtext(p, "warehouse_name"), jtext(p, "status"));
	json_array_foreach(json_object_get(p, "runs"), i, x)
	{
		print_run(x);
	}
	if (json_array_size(json_object_get(p, "unserved")))
		printf("未安排 not served:\n");
	json_array_foreach(json_object_get(p, "unserved"), i, x)
	{
		kg(jint(x, "expected_g"), load);
		printf("   %s (%s kg): %s\n      %s\n", jtext(x, "point_code"), load,
		       jtext(x, "message"), jtext(x, "message_en"));
	}
	kg(jint(p, "load_g"), load);
	yuan_format(jint(p, "cost_fen"), cost, sizeof(cost));
	printf("合计 total: %zu runs, %s kg, %.1f km, %s (≈ approximate coordinates)\n",
	       json_array_size(json_object_get(p, "runs")), load,
	       json_real_value(json_object_get(p, "km")), cost);
}

static struct store *open_store(const char *path)
{
	char err[256];
	if (!path)
		return cli_open_db(true);
	struct store *db = store_open(path, err, sizeof(err));
	if (!db)
		fprintf(stderr, "shanhai route collection: %s\n", err);
	else if (store_migrate(db)) {
		fprintf(stderr, "shanhai route collection: %s\n", store_errmsg(db));
		store_close(db);
		db = NULL;
	}
	return db;
}

/* Plan and store in one transaction; 0 with *plan_id, or 1. */
static int plan_in_tx(struct store *db, const struct collection_args *a, int64_t *plan_id)
{
	struct app_err e;
	int64_t wh;
	if (store_begin(db)) {
		fprintf(stderr, "shanhai route collection: %s\n", store_errmsg(db));
		return 1;
	}
	if (collect_warehouse_resolve(db, a->warehouse, &wh, &e) ||
	    collect_plan_make(db, wh, a->date, &a->opts, 0, time_now_ms(), plan_id, &e)) {
		fprintf(stderr, "shanhai route collection: %s\n", e.message_en);
		store_rollback(db);
		return 1;
	}
	if (store_commit(db)) {
		fprintf(stderr, "shanhai route collection: cannot commit: %s\n", store_errmsg(db));
		store_rollback(db);
		return 1;
	}
	return 0;
}

int cmd_route_collection(int argc, char **argv)
{
	struct collection_args a = {0};
	struct app_err e;
	json_t *plan;
	int64_t id;
	if (cli_wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if (parse_args(argc, argv, &a)) {
		usage(stderr);
		return 2;
	}
	struct store *db = open_store(a.db);
	if (!db)
		return 1;
	int status = plan_in_tx(db, &a, &id);
	if (status == 0 && collect_plan_get(db, id, (struct point_scope){NULL, 0}, &plan, &e)) {
		fprintf(stderr, "shanhai route collection: %s\n", e.message_en);
		status = 1;
	}
	if (status == 0) {
		print_plan(plan);
		json_decref(plan);
	}
	store_close(db);
	return status;
}
