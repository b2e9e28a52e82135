/*
 * The solver's precomputed view of an instance (struct problem): which
 * constraints matter, one-node route summaries, the vehicle slots the search
 * may fill, the granular neighbour lists (closest customers, with a time
 * window term for VRPTW as in HGS-TW/PyVRP) and polar angles for SWAP*.
 * Also individuals (a giant tour cut into slot routes) and Prins's split,
 * which turns a giant tour into routes optimally for the penalised cost.
 */
#include "route/route_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/alloc.h"

#define NB_GRANULAR 20

double route_clock(bool thread_cpu)
{
	struct timespec ts;
	if (clock_gettime(thread_cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &ts))
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static bool needs_time(const struct vrp_instance *I)
{
	for (int k = 0; k < I->ntypes; k++)
		if (I->types[k].max_duration > 0 || I->types[k].cost_per_time != 0)
			return true;
	for (int i = 0; i <= I->n; i++)
		if (I->service[i] != 0 || I->ready[i] != 0 || isfinite(I->due[i]))
			return true;
	return false;
}

static bool symmetric(const struct problem *P)
{
	for (int i = 0; i < P->m; i++)
		for (int j = i + 1; j < P->m; j++)
			if (P->d[(size_t)i * (size_t)P->m + (size_t)j] !=
			    P->d[(size_t)j * (size_t)P->m + (size_t)i])
				return false;
	return true;
}

static void init_singles(struct problem *P)
{
	const struct vrp_instance *I = P->inst;
	P->single = xcalloc((size_t)P->m, sizeof(struct seg));
	for (int i = 0; i < P->m; i++) {
		struct seg *s = &P->single[i];
		s->first = s->last = i;
		s->cnt = i ? 1 : 0;
		s->dur = i ? I->service[i] : 0; /* the checker ignores depot service too */
		s->early = I->ready[i];
		s->late = I->due[i];
		s->deliv = I->delivery[i];
		s->pick = I->pickup[i];
		s->load = s->deliv > s->pick ? s->deliv : s->pick;
	}
	P->depot_end = P->single[0];
}

/* Vehicles the search may use: the available count of each type, or for
 * unlimited types enough for the load (HGS: 1.3 x total / capacity + 3), or
 * every customer alone when time limits routes. */
static void init_slots(struct problem *P)
{
	const struct vrp_instance *I = P->inst;
	int64_t total_d = 0, total_p = 0;
	for (int i = 1; i <= P->n; i++) {
		total_d += I->delivery[i];
		total_p += I->pickup[i];
	}
	int64_t total = total_d > total_p ? total_d : total_p;
	int *count = xcalloc((size_t)I->ntypes, sizeof(int));
	P->nslots = 0;
	P->maxcap = 0;
	for (int k = 0; k < I->ntypes; k++) {
		const struct vrp_vehicle_type *vt = &I->types[k];
		int c = vt->count;
		if (c < 0) {
			double est = ceil(1.3 * (double)total / (double)vt->capacity) + 3;
			c = P->has_time || est > P->n ? P->n : (int)est;
		}
		if (c > P->n)
			c = P->n;
		count[k] = c;
		P->nslots += c;
		if (c && vt->capacity > P->maxcap)
			P->maxcap = vt->capacity;
	}
	P->slot_type = xmalloc((size_t)(P->nslots ? P->nslots : 1) * sizeof(int));
	P->kinds = xmalloc((size_t)I->ntypes * sizeof(int));
	P->type_first = xmalloc((size_t)I->ntypes * sizeof(int));
	P->type_slots = count;
	int s = 0;
	for (int k = 0; k < I->ntypes; k++) {
		P->type_first[k] = s;
		if (count[k])
			P->kinds[P->nkinds++] = k;
		for (int c = 0; c < count[k]; c++)
			P->slot_type[s++] = k;
	}
}

struct cand {
	double key;
	int node;
};

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->node - y->node;
}

/* How badly j follows i: distance plus the waiting and lateness the pair
 * forces (PyVRP's proximity with weights 0.2 and 1). */
static double proximity(const struct problem *P, int i, int j)
{
	const struct vrp_instance *I = P->inst;
	double d = P->d[(size_t)i * (size_t)P->m + (size_t)j];
	if (!P->has_time)
		return d;
	double t = P->t[(size_t)i * (size_t)P->m + (size_t)j];
	double wait = I->ready[j] - t - I->service[i] - I->due[i];
	double late = I->ready[i] + I->service[i] + t - I->due[j];
	return d + 0.2 * (wait > 0 ? wait : 0) + (late > 0 ? late : 0);
}

static void add_neigh(struct problem *P, int i, int j, int cap)
{
	for (int k = 0; k < P->nneigh[i]; k++)
		if (P->neigh[i][k] == j)
			return;
	if (P->nneigh[i] < cap)
		P->neigh[i][P->nneigh[i]++] = j;
}

static void init_neighbours(struct problem *P)
{
	int want = P->n - 1 < NB_GRANULAR ? P->n - 1 : NB_GRANULAR;
	int cap = 2 * want + 1;
	struct cand *c = xmalloc((size_t)P->m * sizeof(*c));
	P->neigh = xcalloc((size_t)P->m, sizeof(int *));
	P->nneigh = xcalloc((size_t)P->m, sizeof(int));
	for (int i = 1; i <= P->n; i++)
		P->neigh[i] = xmalloc((size_t)(cap > 0 ? cap : 1) * sizeof(int));
	for (int i = 1; i <= P->n; i++) {
		int k = 0;
		for (int j = 1; j <= P->n; j++) {
			if (j == i)
				continue;
			double a = proximity(P, i, j), b = proximity(P, j, i);
			c[k++] = (struct cand){a < b ? a : b, j};
		}
		qsort(c, (size_t)k, sizeof(*c), cmp_cand);
		for (int t = 0; t < want; t++)
			add_neigh(P, i, c[t].node, cap);
	}
	/* symmetric: if j is close to i, i is a neighbour of j too (HGS) */
	for (int i = 1; i <= P->n; i++)
		for (int t = 0; t < want && t < P->nneigh[i]; t++)
			add_neigh(P, P->neigh[i][t], i, cap);
	free(c);
}

/* P->df if every distance is an integer float holds exactly. */
static void init_float_dist(struct problem *P)
{
	size_t cells = (size_t)P->m * (size_t)P->m;
	for (size_t k = 0; k < cells; k++)
		if (P->d[k] != floor(P->d[k]) || fabs(P->d[k]) >= 16777216.0)
			return;
	P->df = xmalloc(cells * sizeof(float));
	for (size_t k = 0; k < cells; k++)
		P->df[k] = (float)P->d[k];
}

static void init_angles(struct problem *P)
{
	const struct vrp_instance *I = P->inst;
	if (!I->has_coords)
		return;
	P->angle = xcalloc((size_t)P->m, sizeof(int));
	for (int i = 1; i <= P->n; i++) {
		double a = atan2(I->y[i] - I->y[0], I->x[i] - I->x[0]);
		int v = (int)(32768.0 * a / M_PI);
		P->angle[i] = ((v % 65536) + 65536) % 65536;
	}
}

void problem_init(struct problem *P, const struct vrp_instance *inst)
{
	memset(P, 0, sizeof(*P));
	P->inst = inst;
	P->n = inst->n;
	P->m = inst->n + 1;
	P->d = inst->dist;
	P->t = inst->time;
	P->has_time = needs_time(inst);
	bool pickups = false;
	for (int i = 1; i <= P->n; i++)
		pickups = pickups || inst->pickup[i] != 0;
	P->cheap = !P->has_time && !pickups && symmetric(P);
	if (P->cheap)
		init_float_dist(P);
	init_singles(P);
	init_slots(P);
	init_neighbours(P);
	init_angles(P);
	size_t cells = (size_t)P->m * (size_t)P->m;
	for (size_t k = 0; k < cells; k++)
		if (P->d[k] > P->max_dist)
			P->max_dist = P->d[k];
}

void problem_release(struct problem *P)
{
	for (int i = 0; i < P->m; i++)
		free(P->neigh[i]);
	free(P->neigh);
	free(P->nneigh);
	free(P->single);
	free(P->slot_type);
	free(P->kinds);
	free(P->type_first);
	free(P->type_slots);
	free(P->angle);
	free(P->df);
}

struct indiv *indiv_new(const struct problem *P)
{
	struct indiv *x = xcalloc(1, sizeof(*x));
	x->tour = xcalloc((size_t)P->n + 1, sizeof(int));
	x->rlen = xcalloc((size_t)P->nslots + 1, sizeof(int));
	x->succ = xcalloc((size_t)P->m, sizeof(int));
	x->pred = xcalloc((size_t)P->m, sizeof(int));
	return x;
}

void indiv_free(struct indiv *x)
{
	if (!x)
		return;
	free(x->tour);
	free(x->rlen);
	free(x->succ);
	free(x->pred);
	free(x->prox);
	free(x);
}

void indiv_copy_routes(const struct problem *P, struct indiv *dst, const struct indiv *src)
{
	memcpy(dst->tour, src->tour, (size_t)P->n * sizeof(int));
	memcpy(dst->rlen, src->rlen, (size_t)P->nslots * sizeof(int));
	memcpy(dst->succ, src->succ, (size_t)P->m * sizeof(int));
	memcpy(dst->pred, src->pred, (size_t)P->m * sizeof(int));
	dst->cost = src->cost;
	dst->excess_load = src->excess_load;
	dst->excess_time = src->excess_time;
	dst->pcost = src->pcost;
	dst->feasible = src->feasible;
}

void indiv_evaluate(const struct problem *P, const struct penalty *pen, struct indiv *x)
{
	int pos = 0;
	x->cost = x->excess_load = x->excess_time = 0;
	for (int s = 0; s < P->nslots; s++) {
		struct seg acc = P->single[0];
		int prev = 0;
		for (int i = 0; i < x->rlen[s]; i++) {
			int c = x->tour[pos + i];
			seg_join(P, &acc, &acc, &P->single[c]);
			x->pred[c] = prev;
			if (prev)
				x->succ[prev] = c;
			prev = c;
		}
		if (prev)
			x->succ[prev] = 0;
		seg_join(P, &acc, &acc, &P->depot_end);
		struct route_eval ev;
		route_evaluate(P, P->slot_type[s], &acc, &ev);
		x->cost += ev.cost;
		x->excess_load += ev.excess_load;
		x->excess_time += ev.excess_time;
		pos += x->rlen[s];
	}
	x->pcost = x->cost + pen->load * x->excess_load + pen->time * x->excess_time;
	x->feasible = x->excess_load < 1e-9 && x->excess_time < 1e-6;
}

/* ---- split ---- */

/* Cheapest penalised cost of a complete route over the types with slots. */
static double best_type_cost(const struct problem *P, const struct penalty *pen,
                             const struct seg *s)
{
	double best = INFINITY;
	for (int q = 0; q < P->nkinds; q++) {
		double c = route_pcost(P, pen, P->kinds[q], s);
		if (c < best)
			best = c;
	}
	return best;
}

static struct seg range_seg(const struct problem *P, const int *tour, int a, int b)
{
	struct seg s = P->single[0];
	for (int i = a; i < b; i++)
		seg_join(P, &s, &s, &P->single[tour[i]]);
	seg_join(P, &s, &s, &P->depot_end);
	return s;
}

/* Route boundaries by Bellman on the auxiliary graph; returns the count. */
static int bellman(const struct problem *P, const struct penalty *pen, const int *tour, int *cut)
{
	int n = P->n;
	double *pot = xmalloc((size_t)(n + 1) * sizeof(double));
	int *pred = xmalloc((size_t)(n + 1) * sizeof(int));
	int64_t limit = P->maxcap + P->maxcap / 2;
	for (int i = 0; i <= n; i++)
		pot[i] = INFINITY;
	pot[0] = 0;
	for (int i = 0; i < n; i++) {
		if (!isfinite(pot[i]))
			continue;
		struct seg s = P->single[0], full;
		for (int j = i; j < n; j++) {
			seg_join(P, &s, &s, &P->single[tour[j]]);
			seg_join(P, &full, &s, &P->depot_end);
			double c = pot[i] + best_type_cost(P, pen, &full);
			if (c < pot[j + 1]) {
				pot[j + 1] = c;
				pred[j + 1] = i;
			}
			if (s.load > limit)
				break;
		}
	}
	int k = 0;
	for (int j = n; j > 0; j = pred[j])
		cut[k++] = j;
	free(pot);
	free(pred);
	/* cut[] holds route ends from the last; reverse into starts order */
	for (int a = 0, b = k - 1; a < b; a++, b--) {
		int t = cut[a];
		cut[a] = cut[b];
		cut[b] = t;
	}
	return k;
}

/* Too many routes for the slots: merge the adjacent pair with least load. */
static int merge_routes(const struct problem *P, const int *tour, int *ends, int k)
{
	while (k > P->nslots && k > 1) {
		int best = 0;
		int64_t best_load = INT64_MAX;
		for (int r = 0; r + 1 < k; r++) {
			int a = r ? ends[r - 1] : 0;
			struct seg s = range_seg(P, tour, a, ends[r + 1]);
			if (s.load < best_load) {
				best_load = s.load;
				best = r;
			}
		}
		memmove(&ends[best], &ends[best + 1], (size_t)(k - best - 1) * sizeof(int));
		k--;
	}
	return k;
}

struct rinfo {
	int start, end;
	int64_t load;
};

static int cmp_load_desc(const void *a, const void *b)
{
	const struct rinfo *x = a, *y = b;
	if (x->load != y->load)
		return x->load > y->load ? -1 : 1;
	return x->start - y->start;
}

/* Give each route a slot: heaviest first, to the free type costing least. */
static void assign_slots(const struct problem *P, const struct penalty *pen, struct indiv *x,
                         const int *ends, int k)
{
	struct rinfo *ri = xmalloc((size_t)k * sizeof(*ri));
	int *slot_of = xmalloc((size_t)k * sizeof(int));
	int *used = xcalloc((size_t)P->inst->ntypes, sizeof(int));
	int *tmp = xmalloc((size_t)P->n * sizeof(int));
	for (int r = 0; r < k; r++) {
		ri[r].start = r ? ends[r - 1] : 0;
		ri[r].end = ends[r];
		ri[r].load = range_seg(P, x->tour, ri[r].start, ri[r].end).load;
	}
	if (P->inst->ntypes > 1)
		qsort(ri, (size_t)k, sizeof(*ri), cmp_load_desc);
	for (int r = 0; r < k; r++) {
		struct seg s = range_seg(P, x->tour, ri[r].start, ri[r].end);
		int best = -1;
		double best_c = INFINITY;
		for (int q = 0; q < P->nkinds; q++) {
			int t = P->kinds[q];
			if (used[t] == P->type_slots[t])
				continue;
			double c = route_pcost(P, pen, t, &s);
			if (best < 0 || c < best_c) {
				best_c = c;
				best = t;
			}
		}
		slot_of[r] = P->type_first[best] + used[best]++;
	}
	memset(x->rlen, 0, (size_t)P->nslots * sizeof(int));
	for (int r = 0; r < k; r++)
		x->rlen[slot_of[r]] = ri[r].end - ri[r].start;
	/* lay the tour out in slot order */
	int *route_at = xmalloc((size_t)P->nslots * sizeof(int));
	for (int q = 0; q < P->nslots; q++)
		route_at[q] = -1;
	for (int r = 0; r < k; r++)
		route_at[slot_of[r]] = r;
	int pos = 0;
	for (int q = 0; q < P->nslots; q++) {
		int r = route_at[q];
		if (r < 0)
			continue;
		for (int i = ri[r].start; i < ri[r].end; i++)
			tmp[pos++] = x->tour[i];
	}
	memcpy(x->tour, tmp, (size_t)P->n * sizeof(int));
	free(route_at);
	free(tmp);
	free(used);
	free(slot_of);
	free(ri);
}

void split_tour(const struct problem *P, const struct penalty *pen, struct indiv *x)
{
	int *ends = xmalloc((size_t)(P->n + 1) * sizeof(int));
	int k = bellman(P, pen, x->tour, ends);
	cut_tour(P, pen, x, ends, k);
	free(ends);
}

void cut_tour(const struct problem *P, const struct penalty *pen, struct indiv *x, int *ends, int k)
{
	k = merge_routes(P, x->tour, ends, k);
	assign_slots(P, pen, x, ends, k);
	indiv_evaluate(P, pen, x);
}
