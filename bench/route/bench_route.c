/*
 * Benchmark driver for the routing engine: solves one instance with a time
 * or iteration limit and prints one CSV line
 *   name,n,cost,bks,gap_percent,seconds_to_within_1pct,seconds,iterations,
 *   feasible,vehicles,distance
 * The BKS is passed on the command line (run.sh reads it from bks.csv). The
 * time to reach 1% of the BKS comes from the solver's improvement callback.
 * Time limits and times are CPU seconds of the search thread (the machine is
 * shared; set BENCH_WALL_CLOCK=1 for wall-clock seconds).
 * FIXED (optional) is a cost added per vehicle used: with a large one the
 * search minimises vehicles first, then distance (the hierarchical objective
 * of the Solomon literature); then the gap is computed on the distance.
 * Links only src/lib and src/route (see run.sh), so it builds even when the
 * rest of the tree is mid-change.
 * BENCH_SOLUTION=PATH also writes the solution there, one "Route #k: c1 c2 ..."
 * line per route (customers numbered as in the instance file), the format
 * that verify_solomon.py reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"

struct track {
	double bks;
	double fixed; /* per vehicle, subtracted before comparing with the BKS */
	double t1;    /* first time within 1% of the BKS, -1 if never */
};

static void improved(void *ctx, double cost, double elapsed)
{
	struct track *t = ctx;
	/* with a fixed cost the callback has no vehicle count: track only
	 * distance-only runs */
	if (t->fixed == 0 && t->t1 < 0 && t->bks > 0 && cost <= t->bks * 1.01 + 1e-9)
		t->t1 = elapsed;
}

/* Write the routes of `sol` to `path` in the "Route #k:" format; returns
 * false (with a message on stderr) if the file cannot be written. */
static bool write_solution(const char *path, const struct vrp_solution *sol)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		perror(path);
		return false;
	}
	bool ok = true;
	for (int r = 0; r < sol->nroutes && ok; r++) {
		ok = fprintf(f, "Route #%d:", r + 1) > 0;
		for (int i = 0; i < sol->routes[r].n && ok; i++)
			ok = fprintf(f, " %d", sol->routes[r].stops[i]) > 0;
		ok = ok && fputc('\n', f) != EOF;
	}
	if (fclose(f) != 0)
		ok = false;
	if (!ok)
		fprintf(stderr, "%s: write failed\n", path);
	return ok;
}

static double total_distance(const struct vrp_instance *inst, const struct vrp_solution *sol)
{
	double d = 0;
	for (int r = 0; r < sol->nroutes; r++) {
		int prev = 0;
		for (int i = 0; i < sol->routes[r].n; i++) {
			d += vrp_dist(inst, prev, sol->routes[r].stops[i]);
			prev = sol->routes[r].stops[i];
		}
		d += vrp_dist(inst, prev, 0);
	}
	return d;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr,
			"usage: bench_route FILE BKS TIME_LIMIT SEED [ITERS] [THREADS] [FIXED]\n");
		return 2;
	}
	struct vrp_instance *inst;
	char err[1024];
	if (vrp_instance_load(argv[1], &inst, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct track tr = {strtod(argv[2], NULL), argc > 7 ? strtod(argv[7], NULL) : 0, -1};
	for (int k = 0; k < inst->ntypes; k++)
		inst->types[k].fixed_cost += tr.fixed;
	struct vrp_params p;
	vrp_params_default(&p);
	p.time_limit = strtod(argv[3], NULL);
	p.seed = strtoull(argv[4], NULL, 10);
	p.iters = argc > 5 ? strtol(argv[5], NULL, 10) : 0;
	p.threads = argc > 6 ? (int)strtol(argv[6], NULL, 10) : 1;
	p.cpu_time = getenv("BENCH_WALL_CLOCK") == NULL;
	p.improved = improved;
	p.improved_ctx = &tr;
	struct vrp_solution sol;
	struct vrp_stats st = {0};
	int rc = vrp_solve(inst, &p, &sol, &st, err, sizeof(err));
	if (rc)
		fprintf(stderr, "%s: %s\n", argv[1], err);
	struct vrp_check_report rep;
	bool ok = sol.nroutes && vrp_check(inst, &sol, &rep);
	double dist = total_distance(inst, &sol);
	double cost = tr.fixed > 0 ? dist : ok ? rep.cost : sol.cost;
	double gap = tr.bks > 0 ? 100.0 * (cost - tr.bks) / tr.bks : 0;
	printf("%s,%d,%.2f,%.2f,%.3f,%.1f,%.1f,%ld,%s,%d,%.2f\n", inst->name, inst->n, cost,
	       tr.bks, gap, tr.t1, st.elapsed, st.iters, ok ? "yes" : "NO", sol.nroutes, dist);
	const char *solpath = getenv("BENCH_SOLUTION");
	if (solpath && !write_solution(solpath, &sol))
		ok = false;
	vrp_solution_release(&sol);
	vrp_instance_free(inst);
	return ok ? 0 : 1;
}
