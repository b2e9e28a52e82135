/*
 * vrp_solve(): the engine's entry point. Refuses instances with a constraint
 * no solution can meet (saying which), builds the solver's view, runs the
 * genetic search — on two cores when asked, as two independent searches
 * with different seeds whose better result is kept (ties go to the first,
 * so the outcome is still a function of seed and iteration limit) — and
 * turns the best individual into a vrp_solution, checked by the independent
 * checker before it is returned.
 */
#include "route/route_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

void vrp_params_default(struct vrp_params *p)
{
	memset(p, 0, sizeof(*p));
	p->seed = 1;
	p->threads = 1;
}

struct job {
	const struct problem *P;
	const struct vrp_params *params;
	uint64_t seed;
	bool report;
	struct hgs_result res;
};

static void *run_job(void *arg)
{
	struct job *j = arg;
	hgs_run(j->P, j->params, j->seed, j->report, &j->res);
	return NULL;
}

static void to_solution(const struct problem *P, const struct indiv *x, struct vrp_solution *sol)
{
	int used = 0, pos = 0;
	for (int s = 0; s < P->nslots; s++)
		used += x->rlen[s] > 0;
	sol->nroutes = used;
	sol->routes = xcalloc((size_t)(used ? used : 1), sizeof(*sol->routes));
	sol->cost = x->cost;
	int r = 0;
	for (int s = 0; s < P->nslots; s++) {
		int len = x->rlen[s];
		if (len) {
			sol->routes[r].type = P->slot_type[s];
			sol->routes[r].n = len;
			sol->routes[r].stops = xmalloc((size_t)len * sizeof(int));
			memcpy(sol->routes[r].stops, x->tour + pos, (size_t)len * sizeof(int));
			r++;
		}
		pos += len;
	}
}

static bool better(const struct indiv *a, const struct indiv *b)
{
	if (a->feasible != b->feasible)
		return a->feasible;
	return a->feasible ? a->cost < b->cost : a->pcost < b->pcost;
}

int vrp_solve(const struct vrp_instance *inst, const struct vrp_params *params,
	      struct vrp_solution *sol, struct vrp_stats *stats, char *err, size_t errlen)
{
	memset(sol, 0, sizeof(*sol));
	if (vrp_instance_check(inst, err, errlen))
		return -1;
	if (params->time_limit <= 0 && params->iters <= 0) {
		snprintf(err, errlen, "a time limit or an iteration limit is needed");
		return -1;
	}
	struct problem P;
	problem_init(&P, inst);
	int nt = params->threads >= 2 ? 2 : 1;
	struct job jobs[2];
	for (int t = 0; t < nt; t++)
		jobs[t] = (struct job){&P, params, params->seed + (uint64_t)t * 1000003u, t == 0,
				       {0}};
	pthread_t th;
	bool threaded = nt == 2 && pthread_create(&th, NULL, run_job, &jobs[1]) == 0;
	run_job(&jobs[0]);
	if (threaded)
		pthread_join(th, NULL);
	else if (nt == 2)
		run_job(&jobs[1]);
	struct hgs_result *best = &jobs[0].res;
	if (nt == 2 && better(jobs[1].res.best, jobs[0].res.best))
		best = &jobs[1].res;
	to_solution(&P, best->best, sol);
	if (stats) {
		stats->iters = best->iters;
		stats->elapsed = best->elapsed;
		stats->feasible = best->best->feasible;
	}
	for (int t = 0; t < nt; t++)
		indiv_free(jobs[t].res.best);
	problem_release(&P);
	struct vrp_check_report rep;
	if (!vrp_check(inst, sol, &rep)) {
		size_t n = strlen(rep.msg);
		if (n && rep.msg[n - 1] == '\n')
			rep.msg[n - 1] = 0;
		snprintf(err, errlen, "no feasible solution found; the best one breaks:\n%s", rep.msg);
		return -1;
	}
	return 0;
}
