/*
 * The hybrid genetic search (after Vidal 2022, "Hybrid genetic search for the
 * CVRP: open-source implementation and SWAP* neighborhood"; written anew):
 * two subpopulations (feasible, infeasible) ranked by a biased fitness that
 * mixes cost rank and diversity rank (broken-pairs distance to the closest
 * individuals); parents by binary tournament, order crossover on giant tours,
 * split, local search, half of the infeasible offspring repaired with ten
 * times the penalties (a hundred if that is not enough); penalties for load
 * and time, in cost units, adapted every 100
 * offspring towards 20% feasible; survivors selected when a subpopulation
 * reaches mu + lambda; a restart after 20000 offspring without improvement.
 * The first population is 4 mu educated individuals - random giant tours,
 * and for pure CVRP every other one from randomised savings (savings.c) -
 * but stops after 15 % of a time limit so that short limits still leave
 * time for the genetic search. For pure CVRP with n >= 550, every 50
 * iterations a part of the best solution (the routes around a random one,
 * about 150 customers) is re-solved as a CVRP of its own (decompose.c) and,
 * if cheaper, the whole goes into the population.
 * Deterministic for a given seed and iteration limit (time only stops it).
 */
#include "route/route_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

#define MU              25
#define LAMBDA          40
#define NB_ELITE        4
#define NB_CLOSE        5
#define TARGET_FEASIBLE 0.2
#define ITERS_RESTART   20000
#define PENALTY_PERIOD  100
#define INIT_SHARE      0.15
#define INIT_MIN        4
/* Route-based decomposition (decompose.c), for n >= DECOMP_MIN_N only: every
 * DECOMP_PERIOD iterations the best solution's routes around a random one,
 * about DECOMP_SIZE customers, are re-solved with DECOMP_ITERS iterations. */
#define DECOMP_MIN_N    550
#define DECOMP_PERIOD   50
#define DECOMP_SIZE     150
#define DECOMP_ITERS    1000

struct subpop {
	struct indiv **v;
	int n;
};

struct hgs {
	const struct problem *P;
	const struct vrp_params *params;
	struct rng rng;
	struct penalty pen;
	struct penalty pen_min, pen_max; /* bounds of the adaptation */
	struct ls *L;
	struct subpop feas, infeas;
	struct indiv *best; /* best feasible so far (or least penalised) */
	bool best_feasible;
	int *tmp; /* n + 1 ints */
	bool *used;
	int hist_load, hist_time, hist_n;
	long iter;
	double t0, next_report;
	bool report;
	bool stop;
	bool decomp; /* use decompose_step */
};

static double elapsed(const struct hgs *H)
{
	return route_clock(H->params->cpu_time) - H->t0;
}

static bool out_of_time(struct hgs *H)
{
	if (H->params->time_limit > 0 && elapsed(H) >= H->params->time_limit)
		H->stop = true;
	return H->stop;
}

/* ---- diversity ---- */

static double broken_pairs(const struct problem *P, const struct indiv *a, const struct indiv *b)
{
	int diff = 0;
	for (int j = 1; j <= P->n; j++) {
		if (a->succ[j] != b->succ[j] && a->succ[j] != b->pred[j])
			diff++;
		if (a->pred[j] == 0 && b->pred[j] != 0 && b->succ[j] != 0)
			diff++;
	}
	return (double)diff / (double)P->n;
}

static void prox_insert(struct indiv *x, struct indiv *o, double d)
{
	x->prox = xrealloc(x->prox, (size_t)(x->nprox + 1) * sizeof(*x->prox));
	int k = x->nprox;
	while (k > 0 && x->prox[k - 1].d > d) {
		x->prox[k] = x->prox[k - 1];
		k--;
	}
	x->prox[k] = (struct prox){d, o};
	x->nprox++;
}

static void prox_remove(struct indiv *x, const struct indiv *o)
{
	for (int k = 0; k < x->nprox; k++)
		if (x->prox[k].o == o) {
			memmove(&x->prox[k], &x->prox[k + 1],
			        (size_t)(x->nprox - k - 1) * sizeof(*x->prox));
			x->nprox--;
			return;
		}
}

static double avg_close(const struct indiv *x)
{
	int k = x->nprox < NB_CLOSE ? x->nprox : NB_CLOSE;
	double s = 0;
	for (int i = 0; i < k; i++)
		s += x->prox[i].d;
	return k ? s / k : 0;
}

struct rank {
	double key;
	int idx;
};

static int cmp_rank_desc(const void *a, const void *b)
{
	const struct rank *x = a, *y = b;
	if (x->key != y->key)
		return x->key > y->key ? -1 : 1;
	return x->idx - y->idx;
}

/* Subpopulations are kept sorted by penalised cost. */
static void update_fitness(struct subpop *sp)
{
	if (sp->n == 1) {
		sp->v[0]->fitness = 0;
		return;
	}
	struct rank *r = xmalloc((size_t)sp->n * sizeof(*r));
	for (int i = 0; i < sp->n; i++)
		r[i] = (struct rank){avg_close(sp->v[i]), i};
	qsort(r, (size_t)sp->n, sizeof(*r), cmp_rank_desc);
	double elite = sp->n > NB_ELITE ? 1.0 - (double)NB_ELITE / sp->n : 0;
	for (int k = 0; k < sp->n; k++) {
		double div_rank = (double)k / (sp->n - 1);
		double cost_rank = (double)r[k].idx / (sp->n - 1);
		sp->v[r[k].idx]->fitness = cost_rank + elite * div_rank;
	}
	free(r);
}

static void remove_at(struct subpop *sp, int k)
{
	struct indiv *x = sp->v[k];
	memmove(&sp->v[k], &sp->v[k + 1], (size_t)(sp->n - k - 1) * sizeof(*sp->v));
	sp->n--;
	for (int i = 0; i < sp->n; i++)
		prox_remove(sp->v[i], x);
	indiv_free(x);
}

static void remove_worst(struct subpop *sp)
{
	update_fitness(sp);
	int worst = 1;
	bool worst_clone = false;
	double worst_fit = -1;
	for (int i = 1; i < sp->n; i++) {
		bool clone = sp->v[i]->nprox && sp->v[i]->prox[0].d < 1e-9;
		double f = sp->v[i]->fitness;
		if ((clone && !worst_clone) || (clone == worst_clone && f > worst_fit)) {
			worst = i;
			worst_clone = clone;
			worst_fit = f;
		}
	}
	remove_at(sp, worst);
}

static void sort_by_pcost(struct subpop *sp)
{
	for (int i = 1; i < sp->n; i++) {
		struct indiv *x = sp->v[i];
		int k = i;
		while (k > 0 && sp->v[k - 1]->pcost > x->pcost) {
			sp->v[k] = sp->v[k - 1];
			k--;
		}
		sp->v[k] = x;
	}
}

static void add_to(struct hgs *H, struct subpop *sp, const struct indiv *src)
{
	const struct problem *P = H->P;
	struct indiv *x = indiv_new(P);
	indiv_copy_routes(P, x, src);
	sp->v = xrealloc(sp->v, (size_t)(sp->n + 1) * sizeof(*sp->v));
	for (int i = 0; i < sp->n; i++) {
		double d = broken_pairs(P, x, sp->v[i]);
		prox_insert(sp->v[i], x, d);
		prox_insert(x, sp->v[i], d);
	}
	int k = sp->n;
	while (k > 0 && sp->v[k - 1]->pcost > x->pcost) {
		sp->v[k] = sp->v[k - 1];
		k--;
	}
	sp->v[k] = x;
	sp->n++;
	if (sp->n >= MU + LAMBDA)
		while (sp->n > MU)
			remove_worst(sp);
}

static void note_best(struct hgs *H, const struct indiv *x, long *no_improve)
{
	bool better;
	if (x->feasible)
		better = !H->best_feasible || x->cost < H->best->cost - 1e-9;
	else
		better = !H->best_feasible && x->pcost < H->best->pcost - 1e-9;
	if (!better)
		return;
	if (x->feasible && no_improve)
		*no_improve = 0;
	indiv_copy_routes(H->P, H->best, x);
	H->best_feasible = x->feasible;
	if (x->feasible && H->params->improved)
		H->params->improved(H->params->improved_ctx, x->cost, elapsed(H));
}

/* Local search, add to the population, maybe repair. */
static void educate_and_add(struct hgs *H, struct indiv *x, long *no_improve)
{
	const struct problem *P = H->P;
	ls_run(H->L, &H->pen, x, &H->pen);
	H->hist_load += x->excess_load < 1e-9;
	H->hist_time += x->excess_time < 1e-6;
	H->hist_n++;
	add_to(H, x->feasible ? &H->feas : &H->infeas, x);
	note_best(H, x, no_improve);
	if (!x->feasible && rng_below(&H->rng, 2) == 0) {
		struct penalty strong = {H->pen.load * 10, H->pen.time * 10};
		ls_run(H->L, &strong, x, &H->pen);
		if (!x->feasible) {
			strong = (struct penalty){H->pen.load * 100, H->pen.time * 100};
			ls_run(H->L, &strong, x, &H->pen);
		}
		if (x->feasible) {
			add_to(H, &H->feas, x);
			note_best(H, x, no_improve);
		}
	}
	(void)P;
}

static void random_tour(struct hgs *H, struct indiv *x)
{
	int n = H->P->n;
	for (int i = 0; i < n; i++)
		x->tour[i] = i + 1;
	for (int i = n - 1; i > 0; i--) {
		int j = rng_below(&H->rng, i + 1);
		int t = x->tour[i];
		x->tour[i] = x->tour[j];
		x->tour[j] = t;
	}
}

static void manage_penalties(struct hgs *H);

/* Build up to 4 mu local-searched individuals (random giant tours; for pure
 * CVRP every other one from savings routes). With a time limit the
 * first population stops once INIT_SHARE of the limit is spent (keeping at
 * least INIT_MIN): at short limits the genetic search, not the education of
 * random tours, is what improves the solution. */
static void initial_population(struct hgs *H, struct indiv *x, bool first)
{
	double budget =
	    H->params->time_limit > 0 && first ? INIT_SHARE * H->params->time_limit : INFINITY;
	for (int k = 0; k < 4 * MU && !out_of_time(H); k++) {
		if (k >= INIT_MIN && elapsed(H) >= budget)
			break;
		if (H->P->cheap && k % 2 == 0) {
			int nr = savings_tour(H->P, &H->rng, x->tour, H->tmp);
			cut_tour(H->P, &H->pen, x, H->tmp, nr);
		} else {
			random_tour(H, x);
			split_tour(H->P, &H->pen, x);
		}
		educate_and_add(H, x, NULL);
		if (k % 20 == 19)
			manage_penalties(H);
	}
}

/* Re-solve a part of the best solution (decompose.c); a cheaper whole goes
 * through the local search into the population like any offspring. */
static void decompose_step(struct hgs *H, struct indiv *child, long *no_improve)
{
	struct decomp_params dp = {DECOMP_SIZE, DECOMP_ITERS, 0, H->params->cpu_time,
	                           rng_next(&H->rng)};
	if (H->params->time_limit > 0) {
		dp.time_limit = H->params->time_limit - elapsed(H);
		if (dp.time_limit <= 0)
			return;
	}
	int k = decompose_tour(H->P, H->best, &dp, child->tour, H->tmp);
	if (!k)
		return;
	cut_tour(H->P, &H->pen, child, H->tmp, k);
	educate_and_add(H, child, no_improve);
}

static struct indiv *pick(struct hgs *H)
{
	int total = H->feas.n + H->infeas.n;
	int a = rng_below(&H->rng, total), b = rng_below(&H->rng, total);
	struct indiv *x = a < H->feas.n ? H->feas.v[a] : H->infeas.v[a - H->feas.n];
	struct indiv *y = b < H->feas.n ? H->feas.v[b] : H->infeas.v[b - H->feas.n];
	return x->fitness < y->fitness ? x : y;
}

/* Order crossover (OX) of two giant tours. */
static void crossover(struct hgs *H, const struct indiv *a, const struct indiv *b,
                      struct indiv *child)
{
	int n = H->P->n;
	int start = rng_below(&H->rng, n), end = rng_below(&H->rng, n);
	while (n > 1 && end == start)
		end = rng_below(&H->rng, n);
	memset(H->used, 0, (size_t)(n + 1) * sizeof(bool));
	int j = start;
	for (;;) {
		child->tour[j] = a->tour[j];
		H->used[a->tour[j]] = true;
		if (j == end)
			break;
		j = (j + 1) % n;
	}
	int pos = (end + 1) % n;
	for (int i = 1; i <= n; i++) {
		int c = b->tour[(end + i) % n];
		if (H->used[c])
			continue;
		child->tour[pos] = c;
		pos = (pos + 1) % n;
	}
}

/* HGS's rule (x1.2 below the target, x0.85 above), doubled while no
 * offspring at all is feasible so that a penalty far too small for the
 * costs (large fixed costs per vehicle) catches up in a few periods. */
static double adapt(double pen, double frac, double lo, double hi)
{
	if (frac < TARGET_FEASIBLE - 0.05)
		pen *= frac == 0 ? 2.0 : 1.2;
	else if (frac > TARGET_FEASIBLE + 0.05)
		pen *= 0.85;
	return pen < lo ? lo : pen > hi ? hi : pen;
}

static void manage_penalties(struct hgs *H)
{
	if (!H->hist_n)
		return;
	H->pen.load =
	    adapt(H->pen.load, (double)H->hist_load / H->hist_n, H->pen_min.load, H->pen_max.load);
	if (H->P->has_time)
		H->pen.time = adapt(H->pen.time, (double)H->hist_time / H->hist_n, H->pen_min.time,
		                    H->pen_max.time);
	H->hist_load = H->hist_time = H->hist_n = 0;
	for (int i = 0; i < H->infeas.n; i++) {
		struct indiv *x = H->infeas.v[i];
		x->pcost = x->cost + H->pen.load * x->excess_load + H->pen.time * x->excess_time;
	}
	sort_by_pcost(&H->infeas);
}

static void clear_population(struct hgs *H)
{
	while (H->feas.n)
		remove_at(&H->feas, H->feas.n - 1);
	while (H->infeas.n)
		remove_at(&H->infeas, H->infeas.n - 1);
}

static void maybe_report(struct hgs *H)
{
	if (!H->report || !H->params->progress)
		return;
	double t = elapsed(H);
	if (t < H->next_report)
		return;
	H->next_report = t + 1.0;
	struct vrp_progress p = {H->iter, t, H->best->cost, H->best_feasible};
	H->params->progress(H->params->progress_ctx, &p);
}

/* The largest cost one route can have on the scale of one long edge: the
 * fixed cost plus the longest edge driven, for the costliest vehicle type. */
static double cost_scale(const struct problem *P, double max_time)
{
	double scale = 0;
	for (int q = 0; q < P->nkinds; q++) {
		const struct vrp_vehicle_type *vt = &P->inst->types[P->kinds[q]];
		double c = vt->fixed_cost + vt->cost_per_dist * P->max_dist +
		           (P->has_time ? vt->cost_per_time * max_time : 0);
		if (c > scale)
			scale = c;
	}
	return scale > 0 ? scale : 1;
}

/* Initial penalties in cost units (HGS: longest edge over largest demand
 * for load, 1 per unit of time warp when time is distance), so that fixed
 * costs in fen and loads in grams start from sensible values. */
static void init_penalties(struct hgs *H)
{
	const struct problem *P = H->P;
	int64_t maxd = 0;
	double max_time = 0;
	for (int i = 1; i <= P->n; i++) {
		int64_t d = P->inst->delivery[i] > P->inst->pickup[i] ? P->inst->delivery[i]
		                                                      : P->inst->pickup[i];
		if (d > maxd)
			maxd = d;
	}
	size_t cells = (size_t)P->m * (size_t)P->m;
	for (size_t k = 0; k < cells; k++)
		if (P->t[k] > max_time)
			max_time = P->t[k];
	double scale = cost_scale(P, max_time);
	H->pen.load = maxd > 0 ? scale / (double)maxd : 1;
	H->pen.time = max_time > 0 ? scale / max_time : 1;
	H->pen_min = (struct penalty){H->pen.load * 1e-3, H->pen.time * 1e-3};
	H->pen_max = (struct penalty){H->pen.load * 1e5, H->pen.time * 1e5};
}

void hgs_run(const struct problem *P, const struct vrp_params *params, uint64_t seed, bool report,
             struct hgs_result *res)
{
	struct hgs H = {.P = P, .params = params, .rng = {seed}, .report = report};
	H.t0 = route_clock(params->cpu_time);
	H.L = ls_new(P, &H.rng);
	H.tmp = xmalloc((size_t)(P->n + 1) * sizeof(int));
	H.used = xmalloc((size_t)(P->n + 1) * sizeof(bool));
	H.best = indiv_new(P);
	H.best->pcost = H.best->cost = INFINITY;
	init_penalties(&H);
	H.decomp = P->n >= DECOMP_MIN_N && decomposable(P);
	struct indiv *child = indiv_new(P);
	long no_improve = 0;
	initial_population(&H, child, true);
	while (!out_of_time(&H) && (params->iters <= 0 || H.iter < params->iters)) {
		if (H.feas.n + H.infeas.n == 0)
			break;
		if (H.feas.n)
			update_fitness(&H.feas);
		if (H.infeas.n)
			update_fitness(&H.infeas);
		const struct indiv *a = pick(&H), *b = pick(&H);
		crossover(&H, a, b, child);
		split_tour(P, &H.pen, child);
		educate_and_add(&H, child, &no_improve);
		H.iter++;
		no_improve++;
		if (H.iter % PENALTY_PERIOD == 0)
			manage_penalties(&H);
		if (H.decomp && H.best_feasible && H.iter % DECOMP_PERIOD == 0)
			decompose_step(&H, child, &no_improve);
		if (no_improve >= ITERS_RESTART) {
			clear_population(&H);
			initial_population(&H, child, false);
			no_improve = 0;
		}
		maybe_report(&H);
	}
	clear_population(&H);
	free(H.feas.v);
	free(H.infeas.v);
	indiv_free(child);
	free(H.tmp);
	free(H.used);
	ls_free(H.L);
	res->best = H.best;
	res->iters = H.iter;
	res->elapsed = elapsed(&H);
}
