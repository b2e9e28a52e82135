/*
 * Inside the routing engine (route.h is the interface; only src/route/
 * includes this). The solver works on a `struct problem`, a precomputed view
 * of an instance; routes are evaluated by concatenating `struct seg`
 * summaries of route pieces in O(1) (Vidal et al. 2013, "A hybrid genetic
 * algorithm with adaptive diversity management for a large class of vehicle
 * routing problems with time-windows"): distance, load profile with
 * deliveries and pickups, duration, time warp and the window of feasible
 * start times. The search (hgs.c) keeps a population of individuals, each a
 * giant tour cut into routes by split.c and improved by ls.c.
 */
#ifndef SHANHAI_ROUTE_INT_H
#define SHANHAI_ROUTE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/str.h"
#include "route/route.h"

/* ---- text reading (text.c) ---- */

/* Largest magnitude the readers accept for a coordinate, distance, time or
 * cost: keeps every sum over a 20000-node route finite and exact enough. */
#define VRP_MAX_VALUE 1e9

struct text_reader {
	const char *p, *end;
	int lineno;
	struct str line;
};

/* Start reading text. */
void text_init(struct text_reader *r, const char *text, size_t len);
/* Advance to the next line (without its newline); false at end of text. */
bool text_next_line(struct text_reader *r);
/* Next token of rest (blank-separated, and comma-separated if comma);
 * empty when there is none. rest advances past it. */
struct str text_token(struct str *rest, bool comma);
/* Number of tokens in s. */
int text_count_tokens(struct str s, bool comma);
/* Strict decimal number (no inf/nan/hex); 0 or -1. */
int text_double(struct str tok, double *out);
/* Strict integer; 0 or -1. */
int text_int(struct str tok, int64_t *out);
/* True if s has only blanks. */
bool text_is_blank(struct str s);

/* ---- random numbers: splitmix64, the same on every platform ---- */

struct rng {
	uint64_t s;
};

/* Next 64 random bits. */
static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A random integer in [0, n). */
static inline int rng_below(struct rng *r, int n)
{
	return (int)(rng_next(r) % (uint64_t)n);
}

/* ---- the solver's view of an instance (problem.c) ---- */

/* Summary of a sequence of nodes, concatenable in O(1). */
struct seg {
	int first, last; /* end nodes */
	int cnt;         /* customers in it */
	double dist;
	double dur, tw;    /* minimal duration, time warp */
	double early, late; /* window of start times at `first` */
	int64_t deliv, pick, load; /* totals, and the peak load given them */
};

struct problem {
	const struct vrp_instance *inst;
	int n, m; /* customers; m = n + 1 nodes */
	const double *d, *t;
	float *df; /* d in single precision when that is exact (integer
		    * distances below 2^24, as in CVRPLIB) and P->cheap: half the
		    * cache footprint for the move filter and SWAP*; else NULL */
	bool has_time; /* windows, service, durations or time costs matter */
	bool cheap;    /* no time, no pickups, symmetric: O(1) sub-ranges */
	struct seg *single; /* per node */
	struct seg depot_end;
	int nslots;     /* vehicles the search may use */
	int *slot_type; /* vehicle type of each slot */
	int nkinds;     /* types that have slots ... */
	int *kinds;     /* ... which they are */
	int *type_first, *type_slots; /* per type: first slot and slot count */
	int **neigh;    /* granular neighbours of each customer */
	int *nneigh;
	int *angle;     /* polar angle around the depot, 0..65535 (if coords) */
	int64_t maxcap;
	double max_dist; /* longest edge, for the initial penalty */
};

struct penalty {
	double load, time;
};

/* Build the solver's view; the instance must outlive it. */
void problem_init(struct problem *P, const struct vrp_instance *inst);
/* Free what problem_init allocated. */
void problem_release(struct problem *P);

/* out = a followed by b (out may alias a or b). */
static inline void seg_join(const struct problem *P, struct seg *out, const struct seg *a,
			    const struct seg *b)
{
	size_t e = (size_t)a->last * (size_t)P->m + (size_t)b->first;
	struct seg r;
	r.first = a->first;
	r.last = b->last;
	r.cnt = a->cnt + b->cnt;
	r.dist = a->dist + P->d[e] + b->dist;
	r.deliv = a->deliv + b->deliv;
	r.pick = a->pick + b->pick;
	int64_t l1 = a->load + b->deliv, l2 = b->load + a->pick;
	r.load = l1 > l2 ? l1 : l2;
	if (P->has_time) {
		double t = P->t[e];
		double delta = a->dur - a->tw + t;
		double wait = b->early - delta - a->late;
		double warp = a->early + delta - b->late;
		wait = wait > 0 ? wait : 0;
		warp = warp > 0 ? warp : 0;
		r.dur = a->dur + b->dur + t + wait;
		r.tw = a->tw + b->tw + warp;
		double e1 = b->early - delta;
		r.early = (e1 > a->early ? e1 : a->early) - wait;
		double l = b->late - delta;
		r.late = (l < a->late ? l : a->late) + warp;
	} else {
		r.dur = r.tw = r.early = r.late = 0;
	}
	*out = r;
}

/* The parts of a route's cost, for a whole route (depot to depot). */
struct route_eval {
	double cost;        /* fixed + distance + time costs */
	double excess_load; /* over capacity at the peak */
	double excess_time; /* time warp + duration over the limit */
};

/* Evaluate a complete depot-to-depot route driven by vehicle type k. */
static inline void route_evaluate(const struct problem *P, int k, const struct seg *s,
				  struct route_eval *ev)
{
	const struct vrp_vehicle_type *vt = &P->inst->types[k];
	if (s->cnt == 0) {
		ev->cost = ev->excess_load = ev->excess_time = 0;
		return;
	}
	ev->cost = vt->fixed_cost + vt->cost_per_dist * s->dist;
	ev->excess_load = s->load > vt->capacity ? (double)(s->load - vt->capacity) : 0;
	ev->excess_time = 0;
	if (P->has_time) {
		ev->cost += vt->cost_per_time * s->dur;
		ev->excess_time = s->tw;
		if (vt->max_duration > 0 && s->dur > vt->max_duration)
			ev->excess_time += s->dur - vt->max_duration;
	}
}

/* Penalised cost of a complete route. */
static inline double route_pcost(const struct problem *P, const struct penalty *pen, int k,
				 const struct seg *s)
{
	struct route_eval ev;
	route_evaluate(P, k, s, &ev);
	return ev.cost + pen->load * ev.excess_load + pen->time * ev.excess_time;
}

/* ---- individuals (hgs.c, split.c) ---- */

struct indiv {
	int *tour;      /* the n customers, route after route in slot order */
	int *rlen;      /* customers in each slot's route */
	int *succ, *pred; /* neighbours in the routes, 0 = depot */
	double cost, excess_load, excess_time;
	double pcost;
	bool feasible;
	double fitness;
	/* other individuals of the same subpopulation by broken-pairs distance */
	int nprox;
	struct prox {
		double d;
		struct indiv *o;
	} *prox;
};

/* Allocate / free an individual for problem P. */
struct indiv *indiv_new(const struct problem *P);
void indiv_free(struct indiv *x);
/* Recompute costs, successors and feasibility from tour + rlen. */
void indiv_evaluate(const struct problem *P, const struct penalty *pen, struct indiv *x);
/* Copy routes and costs (not the proximity list). */
void indiv_copy_routes(const struct problem *P, struct indiv *dst, const struct indiv *src);

/* Cut the giant tour x->tour into routes (Prins's split by Bellman over the
 * auxiliary graph, penalised costs) and assign them to vehicle slots; fills
 * x->tour (reordered) and x->rlen and evaluates x. */
void split_tour(const struct problem *P, const struct penalty *pen, struct indiv *x);
/* Cut x->tour into the k routes that end before ends[0..k-1] (ascending, the
 * last is n; changed when the routes must be merged to fit the slots),
 * assign them to slots and evaluate x. */
void cut_tour(const struct problem *P, const struct penalty *pen, struct indiv *x, int *ends,
	      int k);

/* Routes from randomised Clarke-Wright savings over the granular neighbour
 * pairs (savings.c; for P->cheap problems), laid out as a giant tour; ends
 * (n ints) gets the end of each route in it. Returns the route count. */
int savings_tour(const struct problem *P, struct rng *rng, int *tour, int *ends);

/* ---- local search (ls.c) ---- */

struct ls;
/* A local search workspace for P. */
struct ls *ls_new(const struct problem *P, struct rng *rng);
void ls_free(struct ls *L);
/* Improve x in place with the granular neighbourhoods and SWAP*, under the
 * given penalties, then re-evaluate it. */
void ls_run(struct ls *L, const struct penalty *pen, struct indiv *x,
	    const struct penalty *eval_pen);

/* ---- the genetic search (hgs.c) ---- */

struct hgs_result {
	struct indiv *best; /* owned by the caller after hgs_run */
	long iters;
	double elapsed;
};

/* Run the hybrid genetic search on P with the given limits and seed. */
void hgs_run(const struct problem *P, const struct vrp_params *params, uint64_t seed,
	     bool report, struct hgs_result *res);

/* ---- route-based decomposition (decompose.c) ---- */

struct decomp_params {
	int size;          /* customers wanted in a sub-problem */
	long iters;        /* genetic iterations of its search */
	double time_limit; /* seconds it may take at most; <= 0 no limit */
	bool cpu_time;     /* time_limit in CPU seconds of the thread */
	uint64_t seed;
};

/* True if P can be cut into sub-problems: pure CVRP (P->cheap) with
 * coordinates and one vehicle type of unlimited count. */
bool decomposable(const struct problem *P);
/* Re-solve the routes of the feasible individual x whose barycentres lie
 * nearest in polar angle to one random route, about dp->size customers, as a
 * CVRP of their own. If that finds cheaper routes, writes the whole solution
 * (the other routes unchanged, then the new ones) as a giant tour into tour
 * (n ints) with the end of each route in ends (ascending, the last n) and
 * returns the route count; else returns 0 and the arrays hold no meaning. */
int decompose_tour(const struct problem *P, const struct indiv *x, const struct decomp_params *dp,
		   int *tour, int *ends);

/* Seconds on a monotonic clock, or of CPU time used by the calling thread. */
double route_clock(bool thread_cpu);

#endif
