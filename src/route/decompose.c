/*
 * Route-based decomposition for large pure CVRP instances (after Vidal et al.
 * 2013 and Santini, Schneider, Vidal and Vigo 2023, "Decomposition strategies
 * for vehicle routing heuristics"): take a feasible solution, pick one of its
 * routes at random and the routes whose barycentres lie at the nearest polar
 * angles around the depot until they hold about `size` customers, and solve
 * those customers as a CVRP of their own with a short genetic search
 * (hgs_run on a sub-instance). If the sub-search finds cheaper routes for
 * them, the whole solution, with those routes replaced, is handed back as a
 * giant tour with its route ends; hgs.c then educates it and adds it to the
 * population. On a thousand customers one genetic iteration of the full
 * problem costs about as much as fifty of a 150-customer sub-problem, so the
 * sub-searches polish regions that the full search reaches too rarely.
 * Deterministic for a given seed and iteration limit.
 */
#include "route/route_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

bool decomposable(const struct problem *P)
{
	const struct vrp_instance *I = P->inst;
	return P->cheap && I->has_coords && I->ntypes == 1 && I->types[0].count < 0;
}

struct route_ref {
	int start, len; /* position in the tour and customer count */
	double angle;   /* of the barycentre, radians */
	double key;     /* angular distance to the chosen route */
};

/* Non-empty routes of x with the polar angle of their barycentres. */
static int list_routes(const struct problem *P, const struct indiv *x, struct route_ref *out)
{
	const struct vrp_instance *I = P->inst;
	int nr = 0, pos = 0;
	for (int s = 0; s < P->nslots; s++) {
		int len = x->rlen[s];
		if (len) {
			double sx = 0, sy = 0;
			for (int i = pos; i < pos + len; i++) {
				sx += I->x[x->tour[i]] - I->x[0];
				sy += I->y[x->tour[i]] - I->y[0];
			}
			out[nr++] = (struct route_ref){pos, len, atan2(sy, sx), 0};
		}
		pos += len;
	}
	return nr;
}

static int cmp_key(const void *a, const void *b)
{
	const struct route_ref *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->start - y->start;
}

/* Sort the routes by the angular distance of their barycentres to route r0's;
 * returns how many of the first ones hold at least `size` customers. */
static int choose_routes(struct route_ref *r, int nr, int r0, int size)
{
	double a0 = r[r0].angle;
	for (int i = 0; i < nr; i++) {
		double d = fabs(r[i].angle - a0);
		r[i].key = d > M_PI ? 2 * M_PI - d : d;
	}
	r[r0].key = -1; /* first, whatever the ties */
	qsort(r, (size_t)nr, sizeof(*r), cmp_key);
	int k = 0, cust = 0;
	while (k < nr && (cust < size || k < 2))
		cust += r[k++].len;
	return k;
}

static double route_cost(const struct problem *P, const int *stops, int len)
{
	const struct vrp_vehicle_type *vt = &P->inst->types[0];
	double d = 0;
	int prev = 0;
	for (int i = 0; i < len; i++) {
		d += P->d[(size_t)prev * (size_t)P->m + (size_t)stops[i]];
		prev = stops[i];
	}
	d += P->d[(size_t)prev * (size_t)P->m];
	return vt->fixed_cost + vt->cost_per_dist * d;
}

/* The sub-instance of the customers map[1..k] (map[0] = 0, the depot). */
static struct vrp_instance *sub_instance(const struct problem *P, const int *map, int k)
{
	const struct vrp_instance *I = P->inst;
	struct vrp_instance *S = vrp_instance_new(k, I->types[0].capacity);
	snprintf(S->name, sizeof(S->name), "part of %.48s", I->name);
	S->dist_kind = VRP_DIST_EXPLICIT;
	S->has_coords = true;
	S->types[0] = I->types[0];
	size_t m = (size_t)k + 1;
	S->dist = xmalloc(m * m * sizeof(double));
	S->time = S->dist;
	for (size_t i = 0; i < m; i++) {
		int a = map[i];
		S->x[i] = I->x[a];
		S->y[i] = I->y[a];
		S->delivery[i] = I->delivery[a];
		for (size_t j = 0; j < m; j++)
			S->dist[i * m + j] = P->d[(size_t)a * (size_t)P->m + (size_t)map[j]];
	}
	return S;
}

/* Solve the sub-instance; its best routes (customers of P) go to tour/ends
 * after the `pos`/`nends` already there. Returns their cost, or INFINITY
 * when the sub-search found nothing feasible. */
static double solve_part(const struct problem *P, const int *map, int k,
                         const struct decomp_params *dp, uint64_t seed, int *tour, int pos,
                         int *ends,
                         int nends, int *nout)
{
	struct vrp_instance *S = sub_instance(P, map, k);
	struct problem SP;
	problem_init(&SP, S);
	struct vrp_params sp;
	vrp_params_default(&sp);
	sp.iters = dp->iters;
	sp.time_limit = dp->time_limit;
	sp.cpu_time = dp->cpu_time;
	struct hgs_result res;
	hgs_run(&SP, &sp, seed, false, &res);
	double cost = INFINITY;
	*nout = nends;
	if (res.best->feasible) {
		cost = res.best->cost;
		int at = 0;
		for (int s = 0; s < SP.nslots; s++) {
			int len = res.best->rlen[s];
			if (!len)
				continue;
			for (int i = 0; i < len; i++)
				tour[pos++] = map[res.best->tour[at + i]];
			at += len;
			ends[(*nout)++] = pos;
		}
	}
	indiv_free(res.best);
	problem_release(&SP);
	vrp_instance_free(S);
	return cost;
}

int decompose_tour(const struct problem *P, const struct indiv *x, const struct decomp_params *dp,
                   int *tour, int *ends)
{
	struct route_ref *r = xmalloc((size_t)P->nslots * sizeof(*r));
	int *map = xmalloc((size_t)P->m * sizeof(int));
	int result = 0;
	int nr = list_routes(P, x, r);
	if (nr < 3)
		goto out_free;
	struct rng rng = {dp->seed};
	int chosen = choose_routes(r, nr, rng_below(&rng, nr), dp->size);
	if (chosen >= nr)
		goto out_free;
	/* the other routes first, unchanged */
	int pos = 0, nends = 0, k = 0;
	double old_cost = 0;
	map[0] = 0;
	for (int q = 0; q < nr; q++) {
		const int *stops = x->tour + r[q].start;
		if (q < chosen) {
			memcpy(map + 1 + k, stops, (size_t)r[q].len * sizeof(int));
			k += r[q].len;
			old_cost += route_cost(P, stops, r[q].len);
		} else {
			memcpy(tour + pos, stops, (size_t)r[q].len * sizeof(int));
			pos += r[q].len;
			ends[nends++] = pos;
		}
	}
	int nout;
	double cost = solve_part(P, map, k, dp, rng_next(&rng), tour, pos, ends, nends, &nout);
	if (cost < old_cost - 1e-6)
		result = nout;
out_free:
	free(map);
	free(r);
	return result;
}
