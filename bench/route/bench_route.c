/*
 * Benchmark driver for the routing engine: solves one instance with a time
 * or iteration limit and prints one CSV line
 *   name,n,cost,bks,gap_percent,seconds_to_within_1pct,seconds,iterations,feasible
 * The BKS is passed on the command line (run.sh reads it from bks.csv). The
 * time to reach 1% of the BKS comes from the solver's improvement callback.
 * Links only src/lib and src/route (see run.sh), so it builds even when the
 * rest of the tree is mid-change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"

struct track {
	double bks;
	double t1; /* first time within 1% of the BKS, -1 if never */
};

static void improved(void *ctx, double cost, double elapsed)
{
	struct track *t = ctx;
	if (t->t1 < 0 && t->bks > 0 && cost <= t->bks * 1.01 + 1e-9)
		t->t1 = elapsed;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: bench_route FILE BKS TIME_LIMIT SEED [ITERS] [THREADS]\n");
		return 2;
	}
	struct vrp_instance *inst;
	char err[1024];
	if (vrp_instance_load(argv[1], &inst, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct track tr = {strtod(argv[2], NULL), -1};
	struct vrp_params p;
	vrp_params_default(&p);
	p.time_limit = strtod(argv[3], NULL);
	p.seed = strtoull(argv[4], NULL, 10);
	p.iters = argc > 5 ? strtol(argv[5], NULL, 10) : 0;
	p.threads = argc > 6 ? (int)strtol(argv[6], NULL, 10) : 1;
	p.improved = improved;
	p.improved_ctx = &tr;
	struct vrp_solution sol;
	struct vrp_stats st = {0};
	int rc = vrp_solve(inst, &p, &sol, &st, err, sizeof(err));
	if (rc)
		fprintf(stderr, "%s: %s\n", argv[1], err);
	struct vrp_check_report rep;
	bool ok = sol.nroutes && vrp_check(inst, &sol, &rep);
	double cost = ok ? rep.cost : sol.cost;
	double gap = tr.bks > 0 ? 100.0 * (cost - tr.bks) / tr.bks : 0;
	printf("%s,%d,%.2f,%.2f,%.3f,%.1f,%.1f,%ld,%s\n", inst->name, inst->n, cost, tr.bks, gap,
	       tr.t1, st.elapsed, st.iters, ok ? "yes" : "NO");
	vrp_solution_release(&sol);
	vrp_instance_free(inst);
	return ok ? 0 : 1;
}
