/*
 * Randomised Clarke-Wright savings for the initial population of pure CVRP
 * problems (P->cheap). A random giant tour cut by split has far more routes
 * than a good solution, and at short time limits the local search does not
 * get them down (X-n936-k151: 168 routes after 9 s); savings routes start
 * near the right count. Only the pairs of the granular neighbour lists are
 * merged (n x Gamma savings, not n^2), with the saving
 * d(0,i) + d(0,j) - lambda d(i,j) and lambda drawn per call (Yellow's
 * route shape parameter), so each call gives another solution. The routes
 * are laid out by polar angle into a giant tour and kept as they are (split
 * would cut them again with the penalised cost, which at the first penalty
 * lets routes run over capacity and loses the point).
 */
#include "route/route_int.h"

#include <stdlib.h>

#include "lib/alloc.h"

struct saving {
	double s;
	int i, j;
};

static int cmp_saving(const void *a, const void *b)
{
	const struct saving *x = a, *y = b;
	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	if (x->i != y->i)
		return x->i - y->i;
	return x->j - y->j;
}

struct cw {
	int *nxt, *prv; /* in the routes, 0 = depot */
	int *root;      /* union-find over customers */
	int64_t *load;  /* at the root */
};

static int find(struct cw *c, int i)
{
	while (c->root[i] != i) {
		c->root[i] = c->root[c->root[i]];
		i = c->root[i];
	}
	return i;
}

/* Reverse the route that has end node e (prv or nxt is 0 there). */
static void reverse_route(struct cw *c, int e)
{
	int start = e;
	while (c->prv[start])
		start = c->prv[start];
	for (int k = start; k;) {
		int nx = c->nxt[k];
		c->nxt[k] = c->prv[k];
		c->prv[k] = nx;
		k = nx;
	}
}

/* Merge the route ending at i with the route starting at j when both are
 * route ends and the load fits. */
static void try_merge(struct cw *c, int i, int j, int64_t cap)
{
	int ri = find(c, i), rj = find(c, j);
	if (ri == rj || c->load[ri] + c->load[rj] > cap)
		return;
	if ((c->prv[i] && c->nxt[i]) || (c->prv[j] && c->nxt[j]))
		return;
	if (c->nxt[i])
		reverse_route(c, i);
	if (c->prv[j])
		reverse_route(c, j);
	c->nxt[i] = j;
	c->prv[j] = i;
	c->root[rj] = ri;
	c->load[ri] += c->load[rj];
}

struct rstart {
	int angle, node;
};

static int cmp_rstart(const void *a, const void *b)
{
	const struct rstart *x = a, *y = b;
	if (x->angle != y->angle)
		return x->angle - y->angle;
	return x->node - y->node;
}

/* Lay the routes out by the polar angle of their first customer. */
static int write_tour(const struct problem *P, const struct cw *c, int *tour, int *ends)
{
	struct rstart *rs = xmalloc((size_t)P->n * sizeof(*rs));
	int k = 0;
	for (int i = 1; i <= P->n; i++)
		if (!c->prv[i])
			rs[k++] = (struct rstart){P->angle ? P->angle[i] : 0, i};
	qsort(rs, (size_t)k, sizeof(*rs), cmp_rstart);
	int pos = 0;
	for (int r = 0; r < k; r++) {
		for (int i = rs[r].node; i; i = c->nxt[i])
			tour[pos++] = i;
		ends[r] = pos;
	}
	free(rs);
	return k;
}

int savings_tour(const struct problem *P, struct rng *rng, int *tour, int *ends)
{
	int n = P->n, cnt = 0;
	double lambda = 0.6 + 0.8 * (double)(rng_next(rng) >> 11) * 0x1.0p-53;
	size_t total = 1, m = (size_t)P->m;
	for (int i = 1; i <= n; i++)
		total += (size_t)P->nneigh[i];
	struct saving *sv = xmalloc(total * sizeof(*sv));
	for (int i = 1; i <= n; i++)
		for (int t = 0; t < P->nneigh[i]; t++) {
			int j = P->neigh[i][t];
			if (j < i)
				continue;
			double s = P->d[i] + P->d[j] - lambda * P->d[(size_t)i * m + (size_t)j];
			sv[cnt++] = (struct saving){s, i, j};
		}
	qsort(sv, (size_t)cnt, sizeof(*sv), cmp_saving);
	struct cw c;
	c.nxt = xcalloc((size_t)P->m, sizeof(int));
	c.prv = xcalloc((size_t)P->m, sizeof(int));
	c.root = xmalloc((size_t)P->m * sizeof(int));
	c.load = xmalloc((size_t)P->m * sizeof(int64_t));
	for (int i = 0; i <= n; i++) {
		c.root[i] = i;
		c.load[i] = P->inst->delivery[i];
	}
	for (int k = 0; k < cnt; k++) {
		if (sv[k].s <= 0)
			break;
		try_merge(&c, sv[k].i, sv[k].j, P->maxcap);
	}
	int k = write_tour(P, &c, tour, ends);
	free(sv);
	free(c.nxt);
	free(c.prv);
	free(c.root);
	free(c.load);
	return k;
}
