/*
 * Unit tests of the route-based decomposition (src/route/decompose.c): which
 * problems it applies to, and that re-solving the routes around one route of
 * a solution gives back every customer once, in routes within the capacity,
 * the routes it did not choose unchanged, a feasible whole that is cheaper
 * than before, and the same answer for the same seed. The solution it starts
 * from is a randomised savings solution of X-n101-k25 without local search,
 * so a sub-search of 100 iterations always finds cheaper routes for a part.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "route/route_int.h"

static struct vrp_instance *load_x101(void)
{
	struct vrp_instance *inst = NULL;
	char err[600];
	assert_int_equal(
	    vrp_instance_load("tests/data/route/X-n101-k25.vrp", &inst, err, sizeof(err)), 0);
	return inst;
}

static void test_decomposable(void **state)
{
	(void)state;
	struct vrp_instance *inst = load_x101();
	struct problem P;
	problem_init(&P, inst);
	assert_true(decomposable(&P));
	problem_release(&P);
	/* a limited fleet is not split: the parts would compete for vehicles */
	inst->types[0].count = 30;
	problem_init(&P, inst);
	assert_false(decomposable(&P));
	problem_release(&P);
	vrp_instance_free(inst);
}

/* A feasible savings solution of P, not locally searched. */
static struct indiv *savings_indiv(const struct problem *P, uint64_t seed)
{
	struct rng rng = {seed};
	int *ends = malloc((size_t)P->n * sizeof(int));
	assert_non_null(ends);
	struct indiv *x = indiv_new(P);
	int k = savings_tour(P, &rng, x->tour, ends);
	struct penalty pen = {1000, 1000};
	cut_tour(P, &pen, x, ends, k);
	assert_true(x->feasible);
	free(ends);
	return x;
}

/* How many of x's routes appear, customer for customer, in tour/ends. */
static int routes_kept(const struct problem *P, const struct indiv *x, const int *tour,
                       const int *ends, int k)
{
	int kept = 0, pos = 0;
	for (int s = 0; s < P->nslots; s++) {
		int len = x->rlen[s];
		if (!len)
			continue;
		int start = 0;
		for (int r = 0; r < k; r++) {
			if (ends[r] - start == len &&
			    !memcmp(tour + start, x->tour + pos, (size_t)len * sizeof(int))) {
				kept++;
				break;
			}
			start = ends[r];
		}
		pos += len;
	}
	return kept;
}

static void expect_permutation(const struct problem *P, const int *tour)
{
	bool *seen = calloc((size_t)P->n + 1, sizeof(bool));
	assert_non_null(seen);
	for (int i = 0; i < P->n; i++) {
		assert_true(tour[i] >= 1 && tour[i] <= P->n);
		assert_false(seen[tour[i]]);
		seen[tour[i]] = true;
	}
	free(seen);
}

static void test_decompose_improves(void **state)
{
	(void)state;
	struct vrp_instance *inst = load_x101();
	struct problem P;
	problem_init(&P, inst);
	int *tour = malloc((size_t)P.n * sizeof(int));
	int *ends = malloc((size_t)(P.n + 1) * sizeof(int));
	int *tour2 = malloc((size_t)P.n * sizeof(int));
	int *ends2 = malloc((size_t)(P.n + 1) * sizeof(int));
	assert_non_null(tour);
	assert_non_null(ends);
	assert_non_null(tour2);
	assert_non_null(ends2);
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct indiv *x = savings_indiv(&P, seed);
		int before = 0;
		for (int s = 0; s < P.nslots; s++)
			before += x->rlen[s] > 0;
		struct decomp_params dp = {30, 100, 0, false, seed * 7};
		int k = decompose_tour(&P, x, &dp, tour, ends);
		assert_true(k > 0);
		expect_permutation(&P, tour);
		assert_int_equal(ends[k - 1], P.n);
		int start = 0;
		for (int r = 0; r < k; r++) {
			assert_true(ends[r] > start);
			int64_t load = 0;
			for (int i = start; i < ends[r]; i++)
				load += inst->delivery[tour[i]];
			assert_true(load <= P.maxcap);
			start = ends[r];
		}
		/* about 30 customers of 100 re-solved: most routes kept as they were */
		int kept = routes_kept(&P, x, tour, ends, k);
		assert_true(kept >= before / 2);
		assert_true(kept < before);
		struct indiv *y = indiv_new(&P);
		memcpy(y->tour, tour, (size_t)P.n * sizeof(int));
		struct penalty pen = {1000, 1000};
		cut_tour(&P, &pen, y, ends, k);
		assert_true(y->feasible);
		assert_true(y->cost < x->cost - 0.5);
		/* same seed, same routes */
		assert_int_equal(decompose_tour(&P, x, &dp, tour2, ends2), k);
		assert_memory_equal(tour, tour2, (size_t)P.n * sizeof(int));
		assert_memory_equal(ends, ends2, (size_t)k * sizeof(int));
		indiv_free(y);
		indiv_free(x);
	}
	free(tour);
	free(ends);
	free(tour2);
	free(ends2);
	problem_release(&P);
	vrp_instance_free(inst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decomposable),
	    cmocka_unit_test(test_decompose_improves),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
