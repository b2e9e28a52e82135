/*
 * libFuzzer target for the Solomon reader (src/route/solomon.c) and, through
 * it, the solver. Beyond "no crash": every refusal names its line; every
 * accepted instance has finite, non-negative matrices and sane fleets; and a
 * small one is solved with a two-iteration search whose answer must agree
 * with the independent checker (feasible and same cost, or refused with a
 * reason).
 */
// fuzz-sources: src/route/*.c
#include "route/route.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_instance(const struct vrp_instance *inst)
{
	size_t m = (size_t)inst->n + 1;
	if (inst->n < 1 || inst->ntypes < 1)
		abort();
	for (size_t k = 0; k < m * m; k++)
		if (!isfinite(inst->dist[k]) || inst->dist[k] < 0 || !isfinite(inst->time[k]) ||
		    inst->time[k] < 0)
			abort();
	for (int k = 0; k < inst->ntypes; k++)
		if (inst->types[k].capacity < 1)
			abort();
}

static void solve_small(const struct vrp_instance *inst)
{
	struct vrp_params p;
	struct vrp_solution sol;
	struct vrp_check_report rep;
	char err[600] = "";
	if (inst->n > 12)
		return;
	vrp_params_default(&p);
	p.iters = 2;
	int rc = vrp_solve(inst, &p, &sol, NULL, err, sizeof(err));
	if (rc == 0) {
		if (!vrp_check(inst, &sol, &rep))
			abort();
		if (fabs(rep.cost - sol.cost) > 1e-6 * (1 + fabs(rep.cost)))
			abort();
	} else if (!err[0]) {
		abort();
	}
	vrp_solution_release(&sol);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vrp_instance *inst = NULL;
	char err[400] = "";
	if (solomon_parse((const char *)data, size, &inst, err, sizeof(err)) == 0) {
		check_instance(inst);
		solve_small(inst);
		vrp_instance_free(inst);
	} else if (strncmp(err, "line ", 5) != 0 || inst) {
		abort(); /* every refusal names the line */
	}
	return 0;
}
