/*
 * `shanhai route`: the routing engine on the command line.
 *   route solve FILE   solve a VRPLIB (.vrp) or Solomon (.txt) instance
 *   route check FILE SOL   verify a CVRPLIB .sol with the independent checker
 *   route simulate ... logistics simulation (cmd_simulate.c, another part)
 * Results go to stdout; progress goes to stderr, and only when it is a
 * terminal, so scripts and benchmarks get clean output.
 */
#include "cli/cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/str.h"
#include "route/route.h"

/* Defined in src/cli/cmd_simulate.c (declared in src/plan/plan.h). */
int cmd_route_simulate(int argc, char **argv);
/* Defined in src/cli/cmd_collection.c. */
int cmd_route_collection(int argc, char **argv);

static void usage(FILE *out)
{
	fprintf(out,
		"用法 usage: shanhai route <subcommand> [options]\n"
		"\n"
		"路径规划引擎 vehicle routing engine (CVRP, VRPTW, heterogeneous fleet,\n"
		"maximum route duration, pickups brought back to the depot).\n"
		"\n"
		"Subcommands:\n"
		"  solve FILE [options]   solve an instance, print cost, routes and time\n"
		"  check FILE SOL         verify a CVRPLIB .sol against an instance\n"
		"  simulate ...           logistics simulation ('shanhai route simulate --help')\n"
		"  collection ...         plan and store a day's village collection runs\n"
		"                         ('shanhai route collection --help')\n"
		"\n"
		"FILE is VRPLIB/CVRPLIB (.vrp: EUC_2D, EXACT_2D, EXPLICIT matrices, and\n"
		"WGS84 longitude/latitude with terrain classes) or Solomon VRPTW (.txt);\n"
		"the format is recognised from the contents. See src/route/vrplib.c for\n"
		"the sections, including VEHICLE_TYPE_SECTION for a mixed fleet.\n"
		"\n"
		"Options of solve:\n"
		"  --time S          stop after S seconds (default 30 unless --iters given)\n"
		"  --iters N         stop after N genetic iterations; with --seed the\n"
		"                    result is then reproducible exactly\n"
		"  --seed N          random seed (default 1)\n"
		"  --threads N       1 (default) or 2: two independent searches on two\n"
		"                    cores, the better kept\n"
		"  --out FILE.sol    also write the solution in CVRPLIB .sol format\n"
		"  --matrix D.csv    road distances (km), (n+1) x (n+1), depot first\n"
		"  --time-matrix T.csv  travel times (minutes), same shape\n"
		"  --quiet           no progress on the terminal\n"
		"\n"
		"Exit status: 0 solved, 1 no feasible solution or bad input, 2 usage.\n");
}

struct solve_opts {
	const char *file, *out, *matrix, *time_matrix;
	struct vrp_params params;
	bool quiet;
};

static int parse_num(const char *s, double min, double max, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !isfinite(v) || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int opt_value(int argc, char **argv, int *i, const char **val)
{
	if (*i + 1 >= argc) {
		fprintf(stderr, "shanhai route: option '%s' needs a value\n", argv[*i]);
		return -1;
	}
	*val = argv[++*i];
	return 0;
}

static int numeric_opt(const char *name, const char *val, double min, double max, double *out)
{
	if (parse_num(val, min, max, out)) {
		fprintf(stderr, "shanhai route: %s '%s' must be a number from %g to %g\n", name,
			val, min, max);
		return -1;
	}
	return 0;
}

static int parse_solve_opts(int argc, char **argv, struct solve_opts *o)
{
	vrp_params_default(&o->params);
	bool have_time = false;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		double x;
		if (!strcmp(a, "--quiet")) {
			o->quiet = true;
			continue;
		}
		if (a[0] != '-') {
			if (o->file) {
				fprintf(stderr, "shanhai route solve: one instance file only ('%s')\n", a);
				return -1;
			}
			o->file = a;
			continue;
		}
		if (opt_value(argc, argv, &i, &v))
			return -1;
		if (!strcmp(a, "--time")) {
			if (numeric_opt("--time", v, 0.001, 1e7, &o->params.time_limit))
				return -1;
			have_time = true;
		} else if (!strcmp(a, "--iters")) {
			if (numeric_opt("--iters", v, 1, 1e12, &x))
				return -1;
			o->params.iters = (long)x;
		} else if (!strcmp(a, "--seed")) {
			if (numeric_opt("--seed", v, 0, 1e18, &x))
				return -1;
			o->params.seed = (uint64_t)x;
		} else if (!strcmp(a, "--threads")) {
			if (numeric_opt("--threads", v, 1, 2, &x))
				return -1;
			o->params.threads = (int)x;
		} else if (!strcmp(a, "--out")) {
			o->out = v;
		} else if (!strcmp(a, "--matrix")) {
			o->matrix = v;
		} else if (!strcmp(a, "--time-matrix")) {
			o->time_matrix = v;
		} else {
			fprintf(stderr, "shanhai route solve: unknown option '%s'\n", a);
			return -1;
		}
	}
	if (!o->file) {
		fprintf(stderr, "shanhai route solve: instance file missing\n");
		return -1;
	}
	if (o->time_matrix && !o->matrix) {
		fprintf(stderr, "shanhai route solve: --time-matrix needs --matrix\n");
		return -1;
	}
	if (!have_time && o->params.iters <= 0)
		o->params.time_limit = 30;
	return 0;
}

static void show_progress(void *ctx, const struct vrp_progress *p)
{
	(void)ctx;
	if (p->best_feasible)
		fprintf(stderr, "\r  %6.1fs  iteration %-8ld best %.2f   ", p->elapsed, p->iter,
			p->best_cost);
	else
		fprintf(stderr, "\r  %6.1fs  iteration %-8ld no feasible solution yet", p->elapsed,
			p->iter);
}

static int load_matrices(struct vrp_instance *inst, const struct solve_opts *o)
{
	char err[400];
	size_t dl = 0, tl = 0;
	char *dt = vrp_read_file(o->matrix, &dl, err, sizeof(err)), *tt = NULL;
	int rc = -1;
	if (!dt)
		goto out_report;
	if (o->time_matrix && !(tt = vrp_read_file(o->time_matrix, &tl, err, sizeof(err))))
		goto out_free_texts;
	rc = vrp_matrix_csv_parse(inst, dt, dl, tt, tl, err, sizeof(err));
out_free_texts:
	free(dt);
	free(tt);
out_report:
	if (rc)
		fprintf(stderr, "shanhai route: %s\n", err);
	return rc;
}

static void print_solution(const struct vrp_instance *inst, const struct vrp_solution *sol,
			   const struct vrp_stats *st)
{
	printf("instance %s\ncustomers %d\ncost %.2f\nroutes %d\ntime %.2f s\niterations %ld\n",
	       inst->name[0] ? inst->name : "-", inst->n, sol->cost, sol->nroutes, st->elapsed,
	       st->iters);
	for (int r = 0; r < sol->nroutes; r++) {
		printf("Route #%d:", r + 1);
		for (int i = 0; i < sol->routes[r].n; i++)
			printf(" %d", sol->routes[r].stops[i]);
		if (inst->ntypes > 1)
			printf("  [%s]", inst->types[sol->routes[r].type].name);
		putchar('\n');
	}
}

static int write_sol(const char *path, const struct vrp_solution *sol)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "shanhai route: cannot create '%s': %s\n", path, strerror(errno));
		return -1;
	}
	int rc = vrp_sol_write(f, sol);
	if (fclose(f) || rc) {
		fprintf(stderr, "shanhai route: cannot write '%s'\n", path);
		return -1;
	}
	return 0;
}

static int route_solve(int argc, char **argv)
{
	struct solve_opts o = {0};
	struct vrp_instance *inst = NULL;
	struct vrp_solution sol = {0};
	struct vrp_stats st = {0};
	char err[1024];
	int status = 1;
	if (parse_solve_opts(argc, argv, &o))
		return 2;
	if (vrp_instance_load(o.file, &inst, err, sizeof(err))) {
		fprintf(stderr, "shanhai route: %s\n", err);
		return 1;
	}
	if (o.matrix && load_matrices(inst, &o))
		goto out_free_instance;
	if (!o.quiet && isatty(STDERR_FILENO))
		o.params.progress = show_progress;
	int rc = vrp_solve(inst, &o.params, &sol, &st, err, sizeof(err));
	if (o.params.progress)
		fputc('\n', stderr);
	if (rc && !sol.nroutes) {
		fprintf(stderr, "shanhai route: %s\n", err);
		goto out_free_instance;
	}
	print_solution(inst, &sol, &st);
	if (rc) {
		fprintf(stderr, "shanhai route: %s\n", err);
		goto out_free_solution;
	}
	if (o.out && write_sol(o.out, &sol))
		goto out_free_solution;
	status = 0;
out_free_solution:
	vrp_solution_release(&sol);
out_free_instance:
	vrp_instance_free(inst);
	return status;
}

static int route_check(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: shanhai route check FILE SOL\n");
		return 2;
	}
	struct vrp_instance *inst = NULL;
	struct vrp_solution sol = {0};
	char err[600];
	size_t len;
	int status = 1;
	if (vrp_instance_load(argv[1], &inst, err, sizeof(err))) {
		fprintf(stderr, "shanhai route: %s\n", err);
		return 1;
	}
	char *text = vrp_read_file(argv[2], &len, err, sizeof(err));
	if (!text || vrp_sol_parse(text, len, inst->n, &sol, err, sizeof(err))) {
		fprintf(stderr, "shanhai route: %s%s\n", text ? argv[2] : "", text ? ": " : "");
		fprintf(stderr, "shanhai route: %s\n", err);
		goto out_free;
	}
	struct vrp_check_report rep;
	bool ok = vrp_check(inst, &sol, &rep);
	printf("%s\ncost %.2f (file says %.2f)\n", ok ? "feasible" : "infeasible", rep.cost,
	       sol.cost);
	if (!ok)
		printf("%s", rep.msg);
	status = ok ? 0 : 1;
out_free:
	free(text);
	vrp_solution_release(&sol);
	vrp_instance_free(inst);
	return status;
}

int cmd_route(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "simulate"))
		return cmd_route_simulate(argc - 1, argv + 1);
	if (!strcmp(sub, "collection"))
		return cmd_route_collection(argc - 1, argv + 1);
	if (cli_wants_help(argc - 1, argv + 1)) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(sub, "solve"))
		return route_solve(argc - 1, argv + 1);
	if (!strcmp(sub, "check"))
		return route_check(argc - 1, argv + 1);
	fprintf(stderr, "shanhai route: unknown subcommand '%s' (see 'shanhai route --help')\n",
		sub);
	return 2;
}
