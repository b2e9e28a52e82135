/*
 * The local search of the genetic algorithm (after HGS-CVRP's LocalSearch,
 * written anew): for every customer u and each of its granular neighbours v,
 * try relocating u (or u and its successor, straight or reversed) after v,
 * swapping them (1-1, 2-1, 2-2), 2-opt inside a route and both 2-opt*
 * between routes, taking the first improvement; then SWAP* between routes
 * whose polar sectors overlap (Vidal 2022). A move is described by the
 * pieces of old routes that make each new route, so one evaluator handles
 * every move: pieces are summarised by struct seg (prefix/suffix arrays are
 * kept per route) and joined in O(1), which takes care of loads with
 * pickups, time windows, durations and per-type costs alike. For pure CVRP
 * (P->cheap) an exact distance-only filter computes each move's change from
 * a few distances first, and only improving moves reach that evaluator.
 * Routes are arrays; an applied move rebuilds the routes it touched.
 */
#include "route/route_int.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

#define EPS 1e-6
/* A move must gain more than EPS plus REL_EPS of the cost it changes: with
 * large penalised costs (3e8 on an over-full collection day) a gain of 1e-6
 * is rounding, and two "improving" moves can undo each other for ever. */
#define REL_EPS 1e-12
#define LS_MAX_LOOPS 100

struct lroute {
	int *nodes; /* nodes[0] = nodes[len+1] = depot */
	int len, cap;
	struct seg *fwd, *bwd; /* fwd[i]: nodes 0..i; bwd[i]: nodes i..len+1 */
	/* prefix sums for the O(1) lower bound of a move (move_lower_bound;
	 * not kept for cheap problems, where the filter replaces it):
	 * distance and travel time driven backwards (nodes[k+1] to nodes[k]),
	 * travel time forwards, service time (fwd[i].dist is the forward
	 * distance) */
	double *rdist, *ftime, *rtime, *serv;
	/* compact copies of fwd[i].dist and fwd[i].deliv, for the distance-only
	 * move filter (cheap_inter, cheap_intra) */
	double *cd;
	int64_t *cl;
	int type;
	double fixed, per_dist; /* of the vehicle type, for cheap_cost */
	int64_t capacity;
	double pcost;
	long modified;
	long star_tested;
	int sec_start, sec_end; /* polar sector of the customers */
};

struct best3 {
	double cost[3];
	int after[3]; /* insert after this position */
};

struct ls {
	const struct problem *P;
	struct rng *rng;
	struct penalty pen;
	int nr;
	struct lroute *r;
	int *route_of, *pos_of;
	long nmoves;
	long *tested;
	int *order;
	int **neigh;
	int *buf_a, *buf_b;
	struct best3 *ins;
};

struct piece {
	int r, i, j;
	bool rev;
};

static void route_reserve(struct lroute *R, int len)
{
	if (len + 2 <= R->cap)
		return;
	int cap = R->cap ? R->cap : 8;
	while (cap < len + 2)
		cap *= 2;
	R->nodes = xrealloc(R->nodes, (size_t)cap * sizeof(int));
	R->fwd = xrealloc(R->fwd, (size_t)cap * sizeof(struct seg));
	R->bwd = xrealloc(R->bwd, (size_t)cap * sizeof(struct seg));
	R->rdist = xrealloc(R->rdist, (size_t)cap * sizeof(double));
	R->ftime = xrealloc(R->ftime, (size_t)cap * sizeof(double));
	R->rtime = xrealloc(R->rtime, (size_t)cap * sizeof(double));
	R->serv = xrealloc(R->serv, (size_t)cap * sizeof(double));
	R->cd = xrealloc(R->cd, (size_t)cap * sizeof(double));
	R->cl = xrealloc(R->cl, (size_t)cap * sizeof(int64_t));
	R->cap = cap;
}

static int mod65536(int a)
{
	return ((a % 65536) + 65536) % 65536;
}

static void sector_extend(struct lroute *R, int a)
{
	if (mod65536(a - R->sec_start) <= mod65536(R->sec_end - R->sec_start))
		return;
	if (mod65536(a - R->sec_end) <= mod65536(R->sec_start - a))
		R->sec_end = a;
	else
		R->sec_start = a;
}

static bool sectors_overlap(const struct lroute *A, const struct lroute *B)
{
	return mod65536(B->sec_start - A->sec_start) <= mod65536(A->sec_end - A->sec_start) ||
	       mod65536(A->sec_start - B->sec_start) <= mod65536(B->sec_end - B->sec_start);
}

static void route_rebuild(struct ls *L, int ri)
{
	const struct problem *P = L->P;
	struct lroute *R = &L->r[ri];
	int end = R->len + 1;
	R->nodes[0] = 0;
	R->nodes[end] = 0;
	R->fwd[0] = P->single[0];
	for (int i = 1; i <= end; i++) {
		seg_join(P, &R->fwd[i], &R->fwd[i - 1], &P->single[R->nodes[i]]);
		if (i < end) {
			L->route_of[R->nodes[i]] = ri;
			L->pos_of[R->nodes[i]] = i;
		}
	}
	R->bwd[end] = P->depot_end;
	for (int i = end - 1; i >= 0; i--)
		seg_join(P, &R->bwd[i], &P->single[R->nodes[i]], &R->bwd[i + 1]);
	R->rdist[0] = R->ftime[0] = R->rtime[0] = R->serv[0] = 0;
	for (int i = 1; i <= end && !P->cheap; i++) {
		size_t a = (size_t)R->nodes[i - 1], b = (size_t)R->nodes[i], m = (size_t)P->m;
		R->rdist[i] = R->rdist[i - 1] + P->d[b * m + a];
		R->ftime[i] = R->ftime[i - 1] + P->t[a * m + b];
		R->rtime[i] = R->rtime[i - 1] + P->t[b * m + a];
		R->serv[i] = R->serv[i - 1] + P->single[b].dur;
	}
	for (int i = 0; i <= end; i++) {
		R->cd[i] = R->fwd[i].dist;
		R->cl[i] = R->fwd[i].deliv;
	}
	R->pcost = route_pcost(P, &L->pen, R->type, &R->fwd[end]);
	R->modified = L->nmoves;
	if (P->angle && R->len) {
		R->sec_start = R->sec_end = P->angle[R->nodes[1]];
		for (int i = 2; i <= R->len; i++)
			sector_extend(R, P->angle[R->nodes[i]]);
	}
}

static void route_set(struct ls *L, int ri, const int *cust, int cnt)
{
	struct lroute *R = &L->r[ri];
	route_reserve(R, cnt);
	memcpy(R->nodes + 1, cust, (size_t)cnt * sizeof(int));
	R->len = cnt;
	route_rebuild(L, ri);
}

/* Summary of positions i..j of a route (reversed if rev), i <= j. */
static void piece_seg(const struct ls *L, const struct piece *pc, struct seg *out)
{
	const struct problem *P = L->P;
	const struct lroute *R = &L->r[pc->r];
	int end = R->len + 1;
	if (pc->i == pc->j) {
		*out = P->single[R->nodes[pc->i]];
		return;
	}
	if (!pc->rev && pc->i == 0) {
		*out = R->fwd[pc->j];
		return;
	}
	if (!pc->rev && pc->j == end) {
		*out = R->bwd[pc->i];
		return;
	}
	if (P->cheap) {
		*out = R->fwd[pc->j];
		out->dist -= R->fwd[pc->i].dist;
		out->deliv -= R->fwd[pc->i - 1].deliv;
		out->load = out->deliv;
		out->cnt = pc->j - pc->i + 1;
		out->first = R->nodes[pc->rev ? pc->j : pc->i];
		out->last = R->nodes[pc->rev ? pc->i : pc->j];
		return;
	}
	if (!pc->rev) {
		*out = P->single[R->nodes[pc->i]];
		for (int k = pc->i + 1; k <= pc->j; k++)
			seg_join(P, out, out, &P->single[R->nodes[k]]);
	} else {
		*out = P->single[R->nodes[pc->j]];
		for (int k = pc->j - 1; k >= pc->i; k--)
			seg_join(P, out, out, &P->single[R->nodes[k]]);
	}
}

static double eval_pieces(const struct ls *L, int type, const struct piece *pc, int k)
{
	struct seg acc = L->P->single[0], s;
	bool started = false;
	for (int q = 0; q < k; q++) {
		if (pc[q].i > pc[q].j)
			continue;
		piece_seg(L, &pc[q], &s);
		if (started) {
			seg_join(L->P, &acc, &acc, &s);
		} else {
			acc = s;
			started = true;
		}
	}
	return route_pcost(L->P, &L->pen, type, &acc);
}

/* A lower bound of the penalised cost of the route the pieces make, in
 * O(pieces): distance and load are exact, the duration is bounded by travel
 * plus service time (waiting and time warp left out). Most moves lengthen the
 * routes, and this rejects them without walking the time windows. */
static double move_lower_bound(const struct ls *L, int type, const struct piece *pc, int k)
{
	const struct problem *P = L->P;
	const struct vrp_vehicle_type *vt = &P->inst->types[type];
	double dist = 0, travel = 0, serv = 0;
	int64_t deliv = 0, pick = 0;
	int cnt = 0, last = -1;
	size_t m = (size_t)P->m;
	for (int q = 0; q < k; q++) {
		const struct piece *p = &pc[q];
		if (p->i > p->j)
			continue;
		const struct lroute *R = &L->r[p->r];
		int first = R->nodes[p->rev ? p->j : p->i];
		if (last >= 0)
			dist += P->d[(size_t)last * m + (size_t)first];
		if (last >= 0 && P->has_time)
			travel += P->t[(size_t)last * m + (size_t)first];
		last = R->nodes[p->rev ? p->i : p->j];
		dist += p->rev ? R->rdist[p->j] - R->rdist[p->i]
		               : R->fwd[p->j].dist - R->fwd[p->i].dist;
		if (P->has_time) {
			travel += p->rev ? R->rtime[p->j] - R->rtime[p->i]
			                 : R->ftime[p->j] - R->ftime[p->i];
			serv += R->serv[p->j] - (p->i ? R->serv[p->i - 1] : 0);
		}
		deliv += R->fwd[p->j].deliv - (p->i ? R->fwd[p->i - 1].deliv : 0);
		pick += R->fwd[p->j].pick - (p->i ? R->fwd[p->i - 1].pick : 0);
		cnt +=
		    p->j - p->i + 1 - (R->nodes[p->i] == 0) - (p->j > p->i && R->nodes[p->j] == 0);
	}
	if (cnt == 0)
		return 0;
	double lb = vt->fixed_cost + vt->cost_per_dist * dist;
	int64_t load = deliv > pick ? deliv : pick;
	if (load > vt->capacity)
		lb += L->pen.load * (double)(load - vt->capacity);
	if (P->has_time) {
		double dur = travel + serv;
		lb += vt->cost_per_time * dur;
		if (vt->max_duration > 0 && dur > vt->max_duration)
			lb += L->pen.time * (dur - vt->max_duration);
	}
	return lb;
}

static int write_pieces(const struct ls *L, const struct piece *pc, int k, int *out)
{
	int cnt = 0;
	for (int q = 0; q < k; q++) {
		if (pc[q].i > pc[q].j)
			continue;
		const int *nodes = L->r[pc[q].r].nodes;
		for (int t = 0; t <= pc[q].j - pc[q].i; t++) {
			int node = nodes[pc[q].rev ? pc[q].j - t : pc[q].i + t];
			if (node)
				out[cnt++] = node;
		}
	}
	return cnt;
}

/* Apply the move if it improves the penalised cost. ru == rv for a move
 * inside one route (then pv/kv are unused). */
static bool try_move(struct ls *L, int ru, const struct piece *pu, int ku, int rv,
                     const struct piece *pv, int kv)
{
	struct lroute *U = &L->r[ru], *V = &L->r[rv];
	bool bound = !L->P->cheap; /* cheap: the filter was exact already */
	double delta;
	if (ru == rv) {
		double tol = EPS + REL_EPS * fabs(U->pcost);
		if (bound && move_lower_bound(L, U->type, pu, ku) - U->pcost > -tol)
			return false;
		delta = eval_pieces(L, U->type, pu, ku) - U->pcost;
		if (delta > -tol)
			return false;
	} else {
		double tol = EPS + REL_EPS * (fabs(U->pcost) + fabs(V->pcost));
		double lb = bound ? move_lower_bound(L, V->type, pv, kv) +
		                        move_lower_bound(L, U->type, pu, ku)
		                  : -INFINITY;
		if (lb - V->pcost - U->pcost > -tol)
			return false;
		double nv = eval_pieces(L, V->type, pv, kv);
		if (nv - V->pcost - U->pcost > -tol)
			return false;
		delta = nv + eval_pieces(L, U->type, pu, ku) - U->pcost - V->pcost;
		if (delta > -tol)
			return false;
	}
	int ca = write_pieces(L, pu, ku, L->buf_a);
	int cb = ru == rv ? 0 : write_pieces(L, pv, kv, L->buf_b);
	L->nmoves++;
	route_set(L, ru, L->buf_a, ca);
	if (ru != rv)
		route_set(L, rv, L->buf_b, cb);
	return true;
}

#define PC(r, i, j) ((struct piece){(r), (i), (j), false})
#define PR(r, i, j) ((struct piece){(r), (i), (j), true})
#define L_(...)                                                                                    \
	{                                                                                          \
		__VA_ARGS__                                                                        \
	}

/* ---- the distance-only move filter (P->cheap) ----
 *
 * Without time, pickups or asymmetry a move's new routes are known from a
 * few edges and the routes' cumulative distance and load (cd, cl), so the
 * exact change of the penalised cost is computed here for every move of
 * inter_moves and intra_moves, from about a dozen distance look-ups per
 * pair (u, v) instead of a lower bound per move. Only a move this finds
 * improving is handed to try_move, which evaluates it again from the route
 * pieces and decides: the filter saves time and never changes what is
 * applied. (LS_CHECK_FILTER compares the two on every move.) */

#define FILTER (-EPS / 2)

static double dd(const struct problem *P, int a, int b)
{
	size_t k = (size_t)a * (size_t)P->m + (size_t)b;
	return P->df ? P->df[k] : P->d[k];
}

/* route_pcost of a route of R's vehicle without time: cnt customers, dist,
 * load. */
static inline double cheap_cost(const struct ls *L, const struct lroute *R, int cnt, double dist,
                                int64_t load)
{
	if (cnt == 0)
		return 0;
	double c = R->fixed + R->per_dist * dist;
	return load > R->capacity ? c + L->pen.load * (double)(load - R->capacity) : c;
}

/* Change of penalised cost when routes U and V become (cu, du, lu) and
 * (cv, dv, lv): customers, distance, load. */
static inline double delta2(const struct ls *L, const struct lroute *U, int cu, double du,
                            int64_t lu, const struct lroute *V, int cv, double dv, int64_t lv)
{
	return cheap_cost(L, U, cu, du, lu) + cheap_cost(L, V, cv, dv, lv) - U->pcost - V->pcost;
}

/* Length of the edge from position i to i + 1 of R. */
static double edge(const struct lroute *R, int i)
{
	return R->cd[i + 1] - R->cd[i];
}

enum { M_REL1, M_REL2, M_REL2R, M_SW11, M_SW21, M_SW22, M_OPT, M_OPTR, M_INTER };

/* Exact deltas of the inter_moves moves (INFINITY where a move is absent). */
static void cheap_inter(const struct ls *L, int ru, int pu, int rv, int pv, double *f)
{
	const struct problem *P = L->P;
	const struct lroute *U = &L->r[ru], *V = &L->r[rv];
	const int64_t *dem = P->inst->delivery;
	int nu = U->len, nv = V->len;
	int p = U->nodes[pu - 1], u = U->nodes[pu], x = U->nodes[pu + 1];
	int v = V->nodes[pv], y = V->nodes[pv + 1];
	double DU = U->cd[nu + 1], DV = V->cd[nv + 1];
	int64_t LU = U->cl[nu + 1], LV = V->cl[nv + 1];
	double pu_u = edge(U, pu - 1), u_x = edge(U, pu), v_y = edge(V, pv);
	double vu = dd(P, v, u), uy = dd(P, u, y), vx = dd(P, v, x);
	for (int k = 0; k < M_INTER; k++)
		f[k] = INFINITY;
	f[M_REL1] = delta2(L, U, nu - 1, DU - pu_u - u_x + dd(P, p, x), LU - dem[u], V, nv + 1,
	                   DV - v_y + vu + uy, LV + dem[u]);
	int xx = x ? U->nodes[pu + 2] : 0;
	double x_xx = x ? edge(U, pu + 1) : 0;
	int64_t lux = dem[u] + dem[x];
	if (x) {
		double du2 = DU - pu_u - u_x - x_xx + dd(P, p, xx);
		f[M_REL2] = delta2(L, U, nu - 2, du2, LU - lux, V, nv + 2,
		                   DV - v_y + vu + u_x + dd(P, x, y), LV + lux);
		f[M_REL2R] = delta2(L, U, nu - 2, du2, LU - lux, V, nv + 2,
		                    DV - v_y + vx + u_x + uy, LV + lux);
	}
	if (v) {
		int q = V->nodes[pv - 1];
		double q_v = edge(V, pv - 1), pv_ = dd(P, p, v), qu = dd(P, q, u);
		f[M_SW11] = delta2(L, U, nu, DU - pu_u - u_x + pv_ + vx, LU - dem[u] + dem[v], V,
		                   nv, DV - q_v - v_y + qu + uy, LV - dem[v] + dem[u]);
		if (x)
			f[M_SW21] =
			    delta2(L, U, nu - 1, DU - pu_u - u_x - x_xx + pv_ + dd(P, v, xx),
			           LU - lux + dem[v], V, nv + 1,
			           DV - q_v - v_y + qu + u_x + dd(P, x, y), LV - dem[v] + lux);
		if (x && y) {
			int yy = V->nodes[pv + 2];
			int64_t lvy = dem[v] + dem[y];
			f[M_SW22] =
			    delta2(L, U, nu, DU - pu_u - u_x - x_xx + pv_ + v_y + dd(P, y, xx),
			           LU - lux + lvy, V, nv,
			           DV - q_v - v_y - edge(V, pv + 1) + qu + u_x + dd(P, x, yy),
			           LV - lvy + lux);
		}
	}
	f[M_OPT] = delta2(L, U, pu + nv - pv, U->cd[pu] + uy + DV - V->cd[pv + 1],
	                  U->cl[pu] + LV - V->cl[pv], V, pv + nu - pu,
	                  V->cd[pv] + vx + DU - U->cd[pu + 1], V->cl[pv] + LU - U->cl[pu]);
	f[M_OPTR] = delta2(L, U, pu + pv, U->cd[pu] + vu + V->cd[pv], U->cl[pu] + V->cl[pv], V,
	                   nu - pu + nv - pv, DU - U->cd[pu + 1] + dd(P, x, y) + DV - V->cd[pv + 1],
	                   LU - U->cl[pu] + LV - V->cl[pv]);
}

enum { I_REL1, I_REL2, I_REL2R, I_SW11, I_SW21, I_SW22, I_OPT, I_INTRA };

/* Distance change of swapping the pieces s1..e1 and s2..e2 of R (e1 < s2). */
static double swap_pieces(const struct problem *P, const struct lroute *R, int s1, int e1, int s2,
                          int e2)
{
	const int *n = R->nodes;
	double old = edge(R, s1 - 1) + edge(R, e2);
	double add = dd(P, n[s1 - 1], n[s2]) + dd(P, n[e1], n[e2 + 1]);
	if (e1 + 1 == s2)
		return add + dd(P, n[e2], n[s1]) - old - edge(R, e1);
	return add + dd(P, n[e2], n[e1 + 1]) + dd(P, n[s2 - 1], n[s1]) - old - edge(R, e1) -
	       edge(R, s2 - 1);
}

/* Exact deltas of the intra_moves moves, as intra_moves orders them. */
static void cheap_intra(const struct ls *L, int r, int a, int b, double *f)
{
	const struct problem *P = L->P;
	const struct lroute *R = &L->r[r];
	const int *n = R->nodes;
	double cpd = R->per_dist;
	int p = n[a - 1], u = n[a], x = n[a + 1], v = n[b], y = n[b + 1];
	for (int k = 0; k < I_INTRA; k++)
		f[k] = INFINITY;
	double v_y = edge(R, b), vu = dd(P, v, u), uy = dd(P, u, y);
	if (b != a - 1)
		f[I_REL1] = cpd * (dd(P, p, x) - edge(R, a - 1) - edge(R, a) + vu + uy - v_y);
	if (x && b != a - 1 && b != a + 1) {
		double rem = dd(P, n[a + 2], p) - edge(R, a - 1) - edge(R, a + 1) - v_y;
		f[I_REL2] = cpd * (rem + vu + dd(P, x, y));
		f[I_REL2R] = cpd * (rem + dd(P, v, x) + uy);
	}
	if (v) {
		int s = a < b ? a : b, t = a < b ? b : a;
		f[I_SW11] = cpd * swap_pieces(P, R, s, s, t, t);
		if (x && b > a + 1)
			f[I_SW21] = cpd * swap_pieces(P, R, a, a + 1, b, b);
		if (x && b < a)
			f[I_SW21] = cpd * swap_pieces(P, R, b, b, a, a + 1);
		if (x && y && b >= a + 2)
			f[I_SW22] = cpd * swap_pieces(P, R, a, a + 1, b, b + 1);
		if (x && y && b <= a - 2)
			f[I_SW22] = cpd * swap_pieces(P, R, b, b + 1, a, a + 1);
	}
	if (a + 1 < b || b + 1 < a)
		f[I_OPT] = cpd * (vu + dd(P, x, y) - edge(R, a) - v_y);
}

static void no_filter(double *f, int k)
{
	for (int i = 0; i < k; i++)
		f[i] = -INFINITY;
}

#ifdef LS_CHECK_FILTER
#include <stdio.h>
static double pieces_delta(const struct ls *L, int ru, const struct piece *pu, int ku, int rv,
                           const struct piece *pv, int kv)
{
	const struct lroute *U = &L->r[ru], *V = &L->r[rv];
	if (ru == rv)
		return eval_pieces(L, U->type, pu, ku) - U->pcost;
	return eval_pieces(L, U->type, pu, ku) + eval_pieces(L, V->type, pv, kv) - U->pcost -
	       V->pcost;
}
#define CHECK(f_, ru_, u_, rv_, v_)                                                                \
	do {                                                                                       \
		double e_ = pieces_delta(L, ru_, u_, (int)(sizeof(u_) / sizeof(u_[0])), rv_, v_,   \
		                         (int)(sizeof(v_) / sizeof(v_[0])));                       \
		if (L->P->cheap && fabs(e_ - (f_)) > 1e-6 * (1 + fabs(e_))) {                      \
			fprintf(stderr, "filter %s:%d: %g vs %g\n", __FILE__, __LINE__, (f_), e_); \
			abort();                                                                   \
		}                                                                                  \
	} while (0)
#else
#define CHECK(f_, ru_, u_, rv_, v_) ((void)0)
#endif

/* Try the move of pieces U_ (route ru) and V_ (route rv) if the filter value
 * f_ says it improves. */
#define TRY2(f_, U_, V_)                                                                           \
	do {                                                                                       \
		const struct piece u_[] = U_;                                                      \
		const struct piece v_[] = V_;                                                      \
		CHECK(f_, ru, u_, rv, v_);                                                         \
		if ((f_) < FILTER && try_move(L, ru, u_, (int)(sizeof(u_) / sizeof(u_[0])), rv,    \
		                              v_, (int)(sizeof(v_) / sizeof(v_[0]))))              \
			return true;                                                               \
	} while (0)
#define TRY1(f_, ...)                                                                              \
	do {                                                                                       \
		const struct piece p_[] = {__VA_ARGS__};                                           \
		CHECK(f_, a_r, p_, a_r, p_);                                                       \
		if ((f_) < FILTER &&                                                               \
		    try_move(L, a_r, p_, (int)(sizeof(p_) / sizeof(p_[0])), a_r, NULL, 0))         \
			return true;                                                               \
	} while (0)

/* Moves between two routes: u at pu in ru, v at pv in rv (pv = 0: depot). */
static bool inter_moves(struct ls *L, int ru, int pu, int rv, int pv)
{
	const struct lroute *U = &L->r[ru], *V = &L->r[rv];
	int eu = U->len + 1, ev = V->len + 1;
	int x = U->nodes[pu + 1], v = V->nodes[pv], y = V->nodes[pv + 1];
	double f[M_INTER];
	if (L->P->cheap)
		cheap_inter(L, ru, pu, rv, pv, f);
	else
		no_filter(f, M_INTER);
	TRY2(f[M_REL1], L_(PC(ru, 0, pu - 1), PC(ru, pu + 1, eu)),
	     L_(PC(rv, 0, pv), PC(ru, pu, pu), PC(rv, pv + 1, ev)));
	if (x) {
		TRY2(f[M_REL2], L_(PC(ru, 0, pu - 1), PC(ru, pu + 2, eu)),
		     L_(PC(rv, 0, pv), PC(ru, pu, pu + 1), PC(rv, pv + 1, ev)));
		TRY2(f[M_REL2R], L_(PC(ru, 0, pu - 1), PC(ru, pu + 2, eu)),
		     L_(PC(rv, 0, pv), PR(ru, pu, pu + 1), PC(rv, pv + 1, ev)));
	}
	if (v) {
		TRY2(f[M_SW11], L_(PC(ru, 0, pu - 1), PC(rv, pv, pv), PC(ru, pu + 1, eu)),
		     L_(PC(rv, 0, pv - 1), PC(ru, pu, pu), PC(rv, pv + 1, ev)));
		if (x)
			TRY2(f[M_SW21], L_(PC(ru, 0, pu - 1), PC(rv, pv, pv), PC(ru, pu + 2, eu)),
			     L_(PC(rv, 0, pv - 1), PC(ru, pu, pu + 1), PC(rv, pv + 1, ev)));
		if (x && y)
			TRY2(f[M_SW22],
			     L_(PC(ru, 0, pu - 1), PC(rv, pv, pv + 1), PC(ru, pu + 2, eu)),
			     L_(PC(rv, 0, pv - 1), PC(ru, pu, pu + 1), PC(rv, pv + 2, ev)));
	}
	TRY2(f[M_OPT], L_(PC(ru, 0, pu), PC(rv, pv + 1, ev)),
	     L_(PC(rv, 0, pv), PC(ru, pu + 1, eu)));
	TRY2(f[M_OPTR], L_(PC(ru, 0, pu), PR(rv, 1, pv), PC(rv, ev, ev)),
	     L_(PC(rv, 0, 0), PR(ru, pu + 1, eu - 1), PC(rv, pv + 1, ev)));
	return false;
}

/* Moves inside one route: u at a, v at b (b = 0: the depot). */
static bool intra_moves(struct ls *L, int a_r, int a, int b)
{
	const struct lroute *R = &L->r[a_r];
	int e = R->len + 1;
	int x = R->nodes[a + 1], v = R->nodes[b], y = R->nodes[b + 1];
	double f[I_INTRA];
	if (L->P->cheap)
		cheap_intra(L, a_r, a, b, f);
	else
		no_filter(f, I_INTRA);
	if (b != a - 1) {
		if (a < b)
			TRY1(f[I_REL1], PC(a_r, 0, a - 1), PC(a_r, a + 1, b), PC(a_r, a, a),
			     PC(a_r, b + 1, e));
		else
			TRY1(f[I_REL1], PC(a_r, 0, b), PC(a_r, a, a), PC(a_r, b + 1, a - 1),
			     PC(a_r, a + 1, e));
	}
	if (x && b != a - 1 && b != a + 1) {
		if (b > a + 1) {
			TRY1(f[I_REL2], PC(a_r, 0, a - 1), PC(a_r, a + 2, b), PC(a_r, a, a + 1),
			     PC(a_r, b + 1, e));
			TRY1(f[I_REL2R], PC(a_r, 0, a - 1), PC(a_r, a + 2, b), PR(a_r, a, a + 1),
			     PC(a_r, b + 1, e));
		} else {
			TRY1(f[I_REL2], PC(a_r, 0, b), PC(a_r, a, a + 1), PC(a_r, b + 1, a - 1),
			     PC(a_r, a + 2, e));
			TRY1(f[I_REL2R], PC(a_r, 0, b), PR(a_r, a, a + 1), PC(a_r, b + 1, a - 1),
			     PC(a_r, a + 2, e));
		}
	}
	if (v) {
		int s = a < b ? a : b, t = a < b ? b : a;
		TRY1(f[I_SW11], PC(a_r, 0, s - 1), PC(a_r, t, t), PC(a_r, s + 1, t - 1),
		     PC(a_r, s, s), PC(a_r, t + 1, e));
		if (x && b > a + 1)
			TRY1(f[I_SW21], PC(a_r, 0, a - 1), PC(a_r, b, b), PC(a_r, a + 2, b - 1),
			     PC(a_r, a, a + 1), PC(a_r, b + 1, e));
		if (x && b < a)
			TRY1(f[I_SW21], PC(a_r, 0, b - 1), PC(a_r, a, a + 1), PC(a_r, b + 1, a - 1),
			     PC(a_r, b, b), PC(a_r, a + 2, e));
		if (x && y && b >= a + 2)
			TRY1(f[I_SW22], PC(a_r, 0, a - 1), PC(a_r, b, b + 1), PC(a_r, a + 2, b - 1),
			     PC(a_r, a, a + 1), PC(a_r, b + 2, e));
		if (x && y && b <= a - 2)
			TRY1(f[I_SW22], PC(a_r, 0, b - 1), PC(a_r, a, a + 1), PC(a_r, b + 2, a - 1),
			     PC(a_r, b, b + 1), PC(a_r, a + 2, e));
	}
	if (a + 1 < b)
		TRY1(f[I_OPT], PC(a_r, 0, a), PR(a_r, a + 1, b), PC(a_r, b + 1, e));
	if (b + 1 < a)
		TRY1(f[I_OPT], PC(a_r, 0, b), PR(a_r, b + 1, a), PC(a_r, a + 1, e));
	return false;
}

static bool moves_uv(struct ls *L, int u, int v)
{
	int ru = L->route_of[u], pu = L->pos_of[u];
	int rv = L->route_of[v], pv = L->pos_of[v];
	if (ru == rv ? intra_moves(L, ru, pu, pv) : inter_moves(L, ru, pu, rv, pv))
		return true;
	/* v first in its route: also try u at the head of that route */
	if (pv == 1) {
		pu = L->pos_of[u];
		if (ru == rv ? intra_moves(L, ru, pu, 0) : inter_moves(L, ru, pu, rv, 0))
			return true;
	}
	return false;
}

/* Relocate u into an empty route of each vehicle type. */
static bool to_empty(struct ls *L, int u)
{
	const struct problem *P = L->P;
	for (int q = 0; q < P->nkinds; q++) {
		int t = P->kinds[q], re = -1;
		for (int s = P->type_first[t]; s < P->type_first[t] + P->type_slots[t]; s++)
			if (!L->r[s].len) {
				re = s;
				break;
			}
		int ru = L->route_of[u], pu = L->pos_of[u];
		if (re < 0 || (L->r[ru].len == 1 && L->r[ru].type == t))
			continue;
		int eu = L->r[ru].len + 1;
		const struct piece pu_[] = {PC(ru, 0, pu - 1), PC(ru, pu + 1, eu)};
		const struct piece pv_[] = {PC(re, 0, 0), PC(ru, pu, pu), PC(re, 1, 1)};
		if (try_move(L, ru, pu_, 2, re, pv_, 3))
			return true;
	}
	return false;
}

/* ---- SWAP* (distance-only problems: P->cheap) ---- */

/* Three cheapest places to insert each customer of route a into route b. */
static void top3_insertions(struct ls *L, int ra, int rb)
{
	const struct problem *P = L->P;
	const struct lroute *A = &L->r[ra], *B = &L->r[rb];
	for (int i = 1; i <= A->len; i++) {
		int u = A->nodes[i];
		struct best3 *b3 = &L->ins[u];
		for (int t = 0; t < 3; t++) {
			b3->cost[t] = INFINITY;
			b3->after[t] = -1;
		}
		for (int p = 0; p <= B->len; p++) {
			int w = B->nodes[p], z = B->nodes[p + 1];
			double c = dd(P, w, u) + dd(P, u, z) - dd(P, w, z);
			if (c >= b3->cost[2])
				continue;
			int t = 2;
			while (t > 0 && c < b3->cost[t - 1]) {
				b3->cost[t] = b3->cost[t - 1];
				b3->after[t] = b3->after[t - 1];
				t--;
			}
			b3->cost[t] = c;
			b3->after[t] = p;
		}
	}
}

/* Cheapest insertion of v into route R once the customer at position a is
 * removed; *after = -1 means in a's place. */
static double insert_without(const struct ls *L, const struct lroute *R, int v, int a, int *after)
{
	const struct problem *P = L->P;
	int p = R->nodes[a - 1], nx = R->nodes[a + 1];
	double best = dd(P, p, v) + dd(P, v, nx) - dd(P, p, nx);
	*after = -1;
	const struct best3 *b3 = &L->ins[v];
	for (int t = 0; t < 3; t++) {
		if (b3->after[t] < 0 || b3->after[t] == a || b3->after[t] == a - 1)
			continue;
		if (b3->cost[t] < best) {
			best = b3->cost[t];
			*after = b3->after[t];
		}
		break;
	}
	return best;
}

static double load_pen(const struct ls *L, const struct lroute *R, int64_t load)
{
	int64_t cap = L->P->inst->types[R->type].capacity;
	return load > cap ? L->pen.load * (double)(load - cap) : 0;
}

/* New customer list of R: drop position a, put v after position `after`
 * (-1: in a's place). */
static int rewrite(const struct lroute *R, int a, int v, int after, int *out)
{
	int k = 0;
	if (after == 0)
		out[k++] = v;
	for (int i = 1; i <= R->len; i++) {
		if (i == a) {
			if (after == -1)
				out[k++] = v;
		} else {
			out[k++] = R->nodes[i];
		}
		if (i == after)
			out[k++] = v;
	}
	return k;
}

static bool swap_star(struct ls *L, int r1, int r2)
{
	const struct problem *P = L->P;
	const struct lroute *A = &L->r[r1], *B = &L->r[r2];
	const struct vrp_vehicle_type *ta = &P->inst->types[A->type],
	                              *tb = &P->inst->types[B->type];
	int64_t la = A->fwd[A->len + 1].load, lb = B->fwd[B->len + 1].load;
	top3_insertions(L, r1, r2);
	top3_insertions(L, r2, r1);
	double best = -EPS;
	int ba = 0, bb = 0, aft_a = 0, aft_b = 0;
	for (int i = 1; i <= A->len; i++) {
		int u = A->nodes[i];
		double rem_u = dd(P, A->nodes[i - 1], A->nodes[i + 1]) - dd(P, A->nodes[i - 1], u) -
		               dd(P, u, A->nodes[i + 1]);
		for (int j = 1; j <= B->len; j++) {
			int v = B->nodes[j];
			double rem_v = dd(P, B->nodes[j - 1], B->nodes[j + 1]) -
			               dd(P, B->nodes[j - 1], v) - dd(P, v, B->nodes[j + 1]);
			int64_t du = P->inst->delivery[u], dv = P->inst->delivery[v];
			double pen = load_pen(L, A, la - du + dv) - load_pen(L, A, la) +
			             load_pen(L, B, lb - dv + du) - load_pen(L, B, lb);
			if (pen + ta->cost_per_dist * rem_u + tb->cost_per_dist * rem_v >= best)
				continue;
			int af_a, af_b;
			double ins_v = insert_without(L, A, v, i, &af_a);
			double ins_u = insert_without(L, B, u, j, &af_b);
			double delta = pen + ta->cost_per_dist * (rem_u + ins_v) +
			               tb->cost_per_dist * (rem_v + ins_u);
			if (delta < best) {
				best = delta;
				ba = i;
				bb = j;
				aft_a = af_a;
				aft_b = af_b;
			}
		}
	}
	if (best >= -EPS)
		return false;
	int u = A->nodes[ba], v = B->nodes[bb];
	int ca = rewrite(A, ba, v, aft_a, L->buf_a);
	int cb = rewrite(B, bb, u, aft_b, L->buf_b);
	L->nmoves++;
	route_set(L, r1, L->buf_a, ca);
	route_set(L, r2, L->buf_b, cb);
	return true;
}

static bool swap_star_pass(struct ls *L, int loop)
{
	bool improved = false;
	for (int r1 = 0; r1 < L->nr; r1++) {
		if (!L->r[r1].len)
			continue;
		long last = L->r[r1].star_tested;
		L->r[r1].star_tested = L->nmoves;
		for (int r2 = r1 + 1; r2 < L->nr; r2++) {
			if (!L->r[r2].len || !L->r[r1].len)
				continue;
			long mod = L->r[r1].modified > L->r[r2].modified ? L->r[r1].modified
			                                                 : L->r[r2].modified;
			if (loop > 0 && mod <= last)
				continue;
			if (L->P->angle && !sectors_overlap(&L->r[r1], &L->r[r2]))
				continue;
			if (swap_star(L, r1, r2))
				improved = true;
		}
	}
	return improved;
}

/* ---- driver ---- */

struct ls *ls_new(const struct problem *P, struct rng *rng)
{
	struct ls *L = xcalloc(1, sizeof(*L));
	L->P = P;
	L->rng = rng;
	L->nr = P->nslots;
	L->r = xcalloc((size_t)(L->nr ? L->nr : 1), sizeof(struct lroute));
	for (int s = 0; s < L->nr; s++) {
		const struct vrp_vehicle_type *vt = &P->inst->types[P->slot_type[s]];
		L->r[s].type = P->slot_type[s];
		L->r[s].fixed = vt->fixed_cost;
		L->r[s].per_dist = vt->cost_per_dist;
		L->r[s].capacity = vt->capacity;
		route_reserve(&L->r[s], 8);
	}
	L->route_of = xcalloc((size_t)P->m, sizeof(int));
	L->pos_of = xcalloc((size_t)P->m, sizeof(int));
	L->tested = xcalloc((size_t)P->m, sizeof(long));
	L->order = xmalloc((size_t)P->n * sizeof(int));
	for (int i = 0; i < P->n; i++)
		L->order[i] = i + 1;
	L->neigh = xcalloc((size_t)P->m, sizeof(int *));
	for (int i = 1; i <= P->n; i++) {
		L->neigh[i] = xmalloc((size_t)(P->nneigh[i] + 1) * sizeof(int));
		memcpy(L->neigh[i], P->neigh[i], (size_t)P->nneigh[i] * sizeof(int));
	}
	L->buf_a = xmalloc((size_t)(P->n + 2) * sizeof(int));
	L->buf_b = xmalloc((size_t)(P->n + 2) * sizeof(int));
	L->ins = xcalloc((size_t)P->m, sizeof(struct best3));
	return L;
}

void ls_free(struct ls *L)
{
	if (!L)
		return;
	for (int s = 0; s < L->nr; s++) {
		free(L->r[s].nodes);
		free(L->r[s].fwd);
		free(L->r[s].bwd);
		free(L->r[s].rdist);
		free(L->r[s].ftime);
		free(L->r[s].rtime);
		free(L->r[s].serv);
		free(L->r[s].cd);
		free(L->r[s].cl);
	}
	free(L->r);
	for (int i = 1; i <= L->P->n; i++)
		free(L->neigh[i]);
	free(L->neigh);
	free(L->route_of);
	free(L->pos_of);
	free(L->tested);
	free(L->order);
	free(L->buf_a);
	free(L->buf_b);
	free(L->ins);
	free(L);
}

static void shuffle(struct rng *rng, int *a, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = rng_below(rng, i + 1);
		int t = a[i];
		a[i] = a[j];
		a[j] = t;
	}
}

static void load_indiv(struct ls *L, const struct indiv *x)
{
	int pos = 0;
	L->nmoves = 0;
	for (int s = 0; s < L->nr; s++) {
		route_set(L, s, x->tour + pos, x->rlen[s]);
		L->r[s].star_tested = -1;
		pos += x->rlen[s];
	}
	for (int i = 1; i <= L->P->n; i++)
		L->tested[i] = -1;
}

static void export_indiv(const struct ls *L, struct indiv *x)
{
	int pos = 0;
	for (int s = 0; s < L->nr; s++) {
		x->rlen[s] = L->r[s].len;
		memcpy(x->tour + pos, L->r[s].nodes + 1, (size_t)L->r[s].len * sizeof(int));
		pos += L->r[s].len;
	}
}

static bool node_pass(struct ls *L, int loop)
{
	bool improved = false;
	for (int k = 0; k < L->P->n; k++) {
		int u = L->order[k];
		long last = L->tested[u];
		L->tested[u] = L->nmoves;
		for (int t = 0; t < L->P->nneigh[u]; t++) {
			int v = L->neigh[u][t];
			long mu = L->r[L->route_of[u]].modified, mv = L->r[L->route_of[v]].modified;
			if (loop > 0 && (mu > mv ? mu : mv) <= last)
				continue;
			if (moves_uv(L, u, v))
				improved = true;
		}
		if (loop > 0 && to_empty(L, u))
			improved = true;
	}
	return improved;
}

void ls_run(struct ls *L, const struct penalty *pen, struct indiv *x,
            const struct penalty *eval_pen)
{
	const struct problem *P = L->P;
	L->pen = *pen;
	shuffle(L->rng, L->order, P->n);
	for (int i = 1; i <= P->n; i++)
		if (P->nneigh[i] > 1 && rng_below(L->rng, 20) == 0)
			shuffle(L->rng, L->neigh[i], P->nneigh[i]);
	load_indiv(L, x);
	/* With time windows and penalties a billion times the travel cost (an
	 * over-full collection day) the descent can go on for hours in steps
	 * of a millionth; past LS_MAX_LOOPS passes (plus one per customer) it
	 * stops where it is. Pure CVRP converges in a few passes: no cap. */
	int max_loops = P->cheap ? INT_MAX : LS_MAX_LOOPS + P->n;
	for (int loop = 0; loop < max_loops; loop++) {
		bool improved = node_pass(L, loop);
		if (P->cheap && swap_star_pass(L, loop))
			improved = true;
		if (!improved && loop > 0)
			break;
	}
	export_indiv(L, x);
	indiv_evaluate(P, eval_pen, x);
}
