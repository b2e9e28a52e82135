/*
 * Unit tests of the pure-CVRP parts of the routing engine's inside
 * (route_int.h): the randomised savings routes of the first population must
 * be a permutation of the customers cut into routes that respect the
 * capacity, cut_tour must keep that cut, and solving a pure CVRP instance
 * (move filter, float distances, savings individuals) must give the same
 * solution for the same seed and iteration limit, checked by the
 * independent checker.
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

/* Each customer once; every route's load within the capacity; ends rise to n. */
static void expect_valid_routes(const struct problem *P, const int *tour, const int *ends, int k)
{
	int n = P->n;
	bool *seen = calloc((size_t)n + 1, sizeof(bool));
	assert_non_null(seen);
	for (int i = 0; i < n; i++) {
		assert_true(tour[i] >= 1 && tour[i] <= n);
		assert_false(seen[tour[i]]);
		seen[tour[i]] = true;
	}
	free(seen);
	assert_true(k >= 1);
	assert_int_equal(ends[k - 1], n);
	int start = 0;
	for (int r = 0; r < k; r++) {
		assert_true(ends[r] > start);
		int64_t load = 0;
		for (int i = start; i < ends[r]; i++)
			load += P->inst->delivery[tour[i]];
		assert_true(load <= P->maxcap);
		start = ends[r];
	}
}

static void test_savings_routes(void **state)
{
	(void)state;
	struct vrp_instance *inst = load_x101();
	struct problem P;
	problem_init(&P, inst);
	assert_true(P.cheap);
	assert_non_null(P.df); /* CVRPLIB distances are integers */
	int64_t total = 0;
	for (int i = 1; i <= P.n; i++)
		total += inst->delivery[i];
	int min_routes = (int)((total + P.maxcap - 1) / P.maxcap);
	struct rng rng = {42};
	int *tour = malloc((size_t)P.n * sizeof(int));
	int *ends = malloc((size_t)P.n * sizeof(int));
	assert_non_null(tour);
	assert_non_null(ends);
	for (int t = 0; t < 5; t++) {
		int k = savings_tour(&P, &rng, tour, ends);
		expect_valid_routes(&P, tour, ends, k);
		assert_true(k >= min_routes);
		/* merging leaves far fewer routes than customers */
		assert_true(k < P.n / 2);
		struct penalty pen = {1000, 1000};
		struct indiv *x = indiv_new(&P);
		memcpy(x->tour, tour, (size_t)P.n * sizeof(int));
		cut_tour(&P, &pen, x, ends, k);
		int used = 0;
		for (int s = 0; s < P.nslots; s++)
			used += x->rlen[s] > 0;
		assert_int_equal(used, k);
		assert_true(x->feasible);
		indiv_free(x);
	}
	free(tour);
	free(ends);
	problem_release(&P);
	vrp_instance_free(inst);
}

static bool same_solution(const struct vrp_solution *a, const struct vrp_solution *b)
{
	if (a->nroutes != b->nroutes || a->cost != b->cost)
		return false;
	for (int r = 0; r < a->nroutes; r++) {
		if (a->routes[r].n != b->routes[r].n)
			return false;
		if (memcmp(a->routes[r].stops, b->routes[r].stops,
		           (size_t)a->routes[r].n * sizeof(int)))
			return false;
	}
	return true;
}

static void solve_twice(const struct vrp_instance *inst, long iters)
{
	struct vrp_params p;
	vrp_params_default(&p);
	p.seed = 3;
	p.iters = iters;
	struct vrp_solution a, b;
	struct vrp_stats st;
	char err[600];
	assert_int_equal(vrp_solve(inst, &p, &a, &st, err, sizeof(err)), 0);
	assert_int_equal(vrp_solve(inst, &p, &b, &st, err, sizeof(err)), 0);
	assert_true(same_solution(&a, &b));
	struct vrp_check_report rep;
	assert_true(vrp_check(inst, &a, &rep));
	assert_true(fabs(rep.cost - a.cost) < 1e-6);
	vrp_solution_release(&a);
	vrp_solution_release(&b);
}

static void test_cvrp_determinism(void **state)
{
	(void)state;
	struct vrp_instance *inst = load_x101();
	solve_twice(inst, 30);
	/* unrounded distances: the filter reads the doubles */
	char err[600];
	inst->dist_kind = VRP_DIST_EXACT_2D;
	assert_int_equal(vrp_instance_build_matrices(inst, err, sizeof(err)), 0);
	struct problem P;
	problem_init(&P, inst);
	assert_true(P.cheap);
	assert_null(P.df);
	problem_release(&P);
	solve_twice(inst, 30);
	vrp_instance_free(inst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_savings_routes),
	    cmocka_unit_test(test_cvrp_determinism),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
