/*
 * Unit tests of the routing solver. Tiny instances (8 customers) are solved
 * exhaustively here — every ordered route of every subset of customers is
 * walked stop by stop, then subsets are combined into partitions under the
 * fleet limits — and the solver must find that optimum: CVRP, VRPTW,
 * heterogeneous fleet, maximum duration, mixed deliveries and pickups. Every
 * solver output goes through the independent checker. Also: infeasible
 * instances are refused with the reason, and the same seed and iteration
 * limit give the same solution. Iteration limits only, never time limits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "route/route.h"

#define NC 8
#define FULL ((1 << NC) - 1)

static uint64_t lcg = 1;

static int rnd(int n)
{
	lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return (int)((lcg >> 33) % (uint64_t)n);
}

static struct vrp_instance *random_instance(uint64_t seed, int n, int64_t cap)
{
	lcg = seed;
	struct vrp_instance *inst = vrp_instance_new(n, cap);
	inst->dist_kind = VRP_DIST_EXACT_2D;
	inst->has_coords = true;
	inst->x[0] = inst->y[0] = 50;
	for (int i = 1; i <= n; i++) {
		inst->x[i] = rnd(101);
		inst->y[i] = rnd(101);
		inst->delivery[i] = 1 + rnd(9);
	}
	return inst;
}

static void finish(struct vrp_instance *inst)
{
	char err[200];
	assert_int_equal(vrp_instance_build_matrices(inst, err, sizeof(err)), 0);
}

/* ---- exhaustive reference ---- */

/* Cost of driving the route with vehicle type k, INFINITY if infeasible;
 * walked stop by stop like a driver. */
static double walk(const struct vrp_instance *I, const int *seq, int len, int k)
{
	const struct vrp_vehicle_type *vt = &I->types[k];
	int64_t load = 0, peak;
	for (int i = 0; i < len; i++)
		load += I->delivery[seq[i]];
	peak = load;
	double clock = I->ready[0], dist = 0;
	int prev = 0;
	double start[NC + 1];
	for (int i = 0; i < len; i++) {
		int c = seq[i];
		load += I->pickup[c] - I->delivery[c];
		peak = load > peak ? load : peak;
		dist += vrp_dist(I, prev, c);
		clock += vrp_time(I, prev, c);
		clock = clock < I->ready[c] ? I->ready[c] : clock;
		if (clock > I->due[c])
			return INFINITY;
		start[i] = clock;
		clock += I->service[c];
		prev = c;
	}
	if (peak > vt->capacity)
		return INFINITY;
	dist += vrp_dist(I, prev, 0);
	clock += vrp_time(I, prev, 0);
	if (clock > I->due[0])
		return INFINITY;
	/* Minimal duration: the duration falls while a later departure only eats
	 * waiting, so the best departure is where some wait vanishes or some
	 * window closes. Try them all and replay. */
	double best_dur = clock - I->ready[0];
	double off[NC + 1]; /* departure to start at stop j (return at len), no waiting */
	for (int i = 0; i <= len; i++) {
		int to = i < len ? seq[i] : 0;
		off[i] = i ? off[i - 1] + I->service[seq[i - 1]] + vrp_time(I, seq[i - 1], to)
			   : vrp_time(I, 0, to);
	}
	for (int j = 0; j <= len; j++) {
		for (int which = 0; which < 2; which++) {
			double depart = j == len ? I->due[0] - off[len]
					: which ? I->due[seq[j]] - off[j] : start[j] - off[j];
			if (!isfinite(depart) || depart <= I->ready[0])
				continue;
			double c2 = depart;
			int p2 = 0;
			bool ok = true;
			for (int i = 0; i < len && ok; i++) {
				c2 += vrp_time(I, p2, seq[i]);
				c2 = c2 < I->ready[seq[i]] ? I->ready[seq[i]] : c2;
				ok = c2 <= I->due[seq[i]] + 1e-9;
				c2 += I->service[seq[i]];
				p2 = seq[i];
			}
			c2 += vrp_time(I, p2, 0);
			if (ok && c2 <= I->due[0] + 1e-9 && c2 - depart < best_dur)
				best_dur = c2 - depart;
		}
	}
	if (vt->max_duration > 0 && best_dur > vt->max_duration + 1e-9)
		return INFINITY;
	return vt->fixed_cost + vt->cost_per_dist * dist + vt->cost_per_time * best_dur;
}

struct exhaustive {
	const struct vrp_instance *I;
	double best[1 << NC][4]; /* best route over each subset, per type */
	int seq[NC];
};

static void dfs(struct exhaustive *E, int len, int mask)
{
	for (int k = 0; len && k < E->I->ntypes; k++) {
		double c = walk(E->I, E->seq, len, k);
		if (c < E->best[mask][k])
			E->best[mask][k] = c;
	}
	for (int c = 1; c <= E->I->n; c++) {
		if (mask & (1 << (c - 1)))
			continue;
		E->seq[len] = c;
		dfs(E, len + 1, mask | (1 << (c - 1)));
	}
}

/* Optimal cost for up to 2 vehicle types with counts (-1 = unlimited). */
static double optimum(const struct vrp_instance *I)
{
	static struct exhaustive E;
	static double f[1 << NC][NC + 1][NC + 1];
	int full = (1 << I->n) - 1;
	E.I = I;
	for (int m = 0; m <= full; m++)
		for (int k = 0; k < 4; k++)
			E.best[m][k] = INFINITY;
	dfs(&E, 0, 0);
	int lim[2];
	for (int k = 0; k < 2; k++)
		lim[k] = k < I->ntypes ? (I->types[k].count < 0 ? I->n : I->types[k].count) : 0;
	for (int m = 0; m <= full; m++)
		for (int a = 0; a <= NC; a++)
			for (int b = 0; b <= NC; b++)
				f[m][a][b] = m ? INFINITY : 0;
	for (int m = 1; m <= full; m++) {
		int low = m & -m;
		for (int s = m; s; s = (s - 1) & m) {
			if (!(s & low))
				continue;
			for (int a = 0; a <= lim[0]; a++)
				for (int b = 0; b <= lim[1]; b++) {
					double v = INFINITY;
					if (a > 0 && isfinite(E.best[s][0]))
						v = E.best[s][0] + f[m ^ s][a - 1][b];
					if (b > 0 && I->ntypes > 1 && isfinite(E.best[s][1])) {
						double w = E.best[s][1] + f[m ^ s][a][b - 1];
						v = w < v ? w : v;
					}
					if (v < f[m][a][b])
						f[m][a][b] = v;
				}
		}
		/* allow unused vehicles: f[m][a][b] is at most f with fewer */
		for (int a = 0; a <= lim[0]; a++)
			for (int b = 0; b <= lim[1]; b++) {
				if (a && f[m][a - 1][b] < f[m][a][b])
					f[m][a][b] = f[m][a - 1][b];
				if (b && f[m][a][b - 1] < f[m][a][b])
					f[m][a][b] = f[m][a][b - 1];
			}
	}
	return f[full][lim[0]][lim[1]];
}

/* ---- solver harness ---- */

static int solve(const struct vrp_instance *inst, uint64_t seed, long iters,
		 struct vrp_solution *sol, char *err, size_t errlen)
{
	struct vrp_params p;
	vrp_params_default(&p);
	p.seed = seed;
	p.iters = iters;
	struct vrp_stats st;
	return vrp_solve(inst, &p, sol, &st, err, errlen);
}

static void expect_optimum(struct vrp_instance *inst)
{
	double opt = optimum(inst);
	struct vrp_solution sol;
	char err[600];
	assert_true(isfinite(opt));
	int rc = solve(inst, 1, 300, &sol, err, sizeof(err));
	if (rc)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(rc, 0);
	struct vrp_check_report rep;
	assert_true(vrp_check(inst, &sol, &rep));
	assert_true(fabs(rep.cost - sol.cost) < 1e-6);
	if (fabs(sol.cost - opt) > 1e-6)
		fprintf(stderr, "solver %.6f, optimum %.6f\n", sol.cost, opt);
	assert_true(fabs(sol.cost - opt) < 1e-6);
	vrp_solution_release(&sol);
}

static void test_cvrp_optimum(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 4; seed++) {
		struct vrp_instance *inst = random_instance(seed, NC, 15);
		finish(inst);
		expect_optimum(inst);
		vrp_instance_free(inst);
	}
}

static void test_vrptw_optimum(void **state)
{
	(void)state;
	int solved = 0;
	for (uint64_t seed = 10; seed < 16; seed++) {
		struct vrp_instance *inst = random_instance(seed, NC, 20);
		inst->due[0] = 400;
		for (int i = 1; i <= NC; i++) {
			inst->ready[i] = rnd(200);
			inst->due[i] = inst->ready[i] + 30 + rnd(80);
			inst->service[i] = 10;
		}
		finish(inst);
		char err[200];
		if (vrp_instance_check(inst, err, sizeof(err)) == 0 && isfinite(optimum(inst))) {
			expect_optimum(inst);
			solved++;
		}
		vrp_instance_free(inst);
	}
	assert_true(solved >= 3);
}

static void test_heterogeneous_optimum(void **state)
{
	(void)state;
	for (uint64_t seed = 20; seed < 23; seed++) {
		struct vrp_instance *inst = random_instance(seed, NC, 12);
		free(inst->types);
		inst->ntypes = 2;
		inst->types = calloc(2, sizeof(*inst->types));
		inst->types[0] = (struct vrp_vehicle_type){"van", 12, 30, 1.0, 0, 2, 0};
		inst->types[1] = (struct vrp_vehicle_type){"truck", 30, 80, 1.3, 0, 1, 0};
		finish(inst);
		expect_optimum(inst);
		vrp_instance_free(inst);
	}
}

/* Shanhai's own units: loads in grams, costs in fen with a large fixed cost
 * per truck and a cost per minute, windows and a duration limit. The search
 * must not be thrown by penalties on the wrong scale. */
static void test_fen_and_grams_optimum(void **state)
{
	(void)state;
	for (uint64_t seed = 40; seed < 43; seed++) {
		struct vrp_instance *inst = random_instance(seed, NC, 0);
		for (int i = 1; i <= NC; i++) {
			inst->delivery[i] *= 125000; /* 125 kg to 1.1 t */
			inst->service[i] = 10;
		}
		free(inst->types);
		inst->ntypes = 2;
		inst->types = calloc(2, sizeof(*inst->types));
		inst->types[0] = (struct vrp_vehicle_type){"van", 1500000, 30000, 250, 40, 3, 300};
		inst->types[1] = (struct vrp_vehicle_type){"truck", 4000000, 80000, 400, 60, 1, 0};
		finish(inst);
		expect_optimum(inst);
		vrp_instance_free(inst);
	}
}

static void test_duration_and_pickups_optimum(void **state)
{
	(void)state;
	struct vrp_instance *inst = random_instance(31, NC, 20);
	for (int i = 1; i <= NC; i++) {
		inst->service[i] = 15;
		if (i % 2 == 0) {
			inst->pickup[i] = inst->delivery[i] + 3; /* collection */
			inst->delivery[i] = i == 4 ? 2 : 0;
		}
	}
	inst->types[0].max_duration = 220;
	inst->types[0].cost_per_time = 0.5;
	finish(inst);
	expect_optimum(inst);
	vrp_instance_free(inst);
}

static void test_infeasible_is_explained(void **state)
{
	(void)state;
	struct vrp_instance *inst = random_instance(5, NC, 15);
	inst->delivery[3] = 16;
	finish(inst);
	struct vrp_solution sol;
	char err[600];
	assert_int_equal(solve(inst, 1, 10, &sol, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "customer 3: load 16 exceeds the capacity of every vehicle"));
	/* a fleet too small for the windows: found by search, reported plainly */
	inst->delivery[3] = 5;
	inst->types[0].count = 1;
	inst->types[0].capacity = 1000;
	inst->due[0] = 1000;
	for (int i = 1; i <= NC; i++) {
		inst->ready[i] = 100;
		inst->due[i] = 130;
		inst->service[i] = 20;
	}
	assert_int_equal(solve(inst, 1, 50, &sol, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no feasible solution found"));
	assert_non_null(strstr(err, "after its window closes"));
	vrp_solution_release(&sol);
	vrp_instance_free(inst);
}

static bool same_solution(const struct vrp_solution *a, const struct vrp_solution *b)
{
	if (a->nroutes != b->nroutes || a->cost != b->cost)
		return false;
	for (int r = 0; r < a->nroutes; r++) {
		if (a->routes[r].n != b->routes[r].n || a->routes[r].type != b->routes[r].type)
			return false;
		if (memcmp(a->routes[r].stops, b->routes[r].stops,
			   (size_t)a->routes[r].n * sizeof(int)))
			return false;
	}
	return true;
}

static void test_determinism(void **state)
{
	(void)state;
	struct vrp_instance *inst = random_instance(77, 40, 40);
	for (int i = 1; i <= 40; i += 3) {
		inst->ready[i] = rnd(300);
		inst->due[i] = inst->ready[i] + 150;
	}
	finish(inst);
	struct vrp_solution a, b;
	char err[600];
	assert_int_equal(solve(inst, 7, 80, &a, err, sizeof(err)), 0);
	assert_int_equal(solve(inst, 7, 80, &b, err, sizeof(err)), 0);
	assert_true(same_solution(&a, &b));
	struct vrp_check_report rep;
	assert_true(vrp_check(inst, &a, &rep));
	assert_true(fabs(rep.cost - a.cost) < 1e-6);
	/* two threads: still a function of seed and iterations */
	struct vrp_params p;
	vrp_params_default(&p);
	p.seed = 7;
	p.iters = 50;
	p.threads = 2;
	struct vrp_solution c, d;
	struct vrp_stats st;
	assert_int_equal(vrp_solve(inst, &p, &c, &st, err, sizeof(err)), 0);
	assert_int_equal(vrp_solve(inst, &p, &d, &st, err, sizeof(err)), 0);
	assert_true(same_solution(&c, &d));
	vrp_solution_release(&a);
	vrp_solution_release(&b);
	vrp_solution_release(&c);
	vrp_solution_release(&d);
	vrp_instance_free(inst);
}

static void test_x_instance_quality(void **state)
{
	(void)state;
	struct vrp_instance *inst = NULL;
	char err[600];
	assert_int_equal(vrp_instance_load("tests/data/route/X-n101-k25.vrp", &inst, err,
					   sizeof(err)), 0);
	struct vrp_solution sol;
	assert_int_equal(solve(inst, 1, 120, &sol, err, sizeof(err)), 0);
	struct vrp_check_report rep;
	assert_true(vrp_check(inst, &sol, &rep));
	assert_true(rep.cost == sol.cost);
	/* BKS 27591: a short run must already be within 3% */
	assert_true(sol.cost <= 27591 * 1.03);
	assert_true(sol.cost >= 27591);
	vrp_solution_release(&sol);
	vrp_instance_free(inst);
}

static void test_solomon_c101(void **state)
{
	(void)state;
	struct vrp_instance *inst = NULL;
	char err[600];
	assert_int_equal(vrp_instance_load("tests/data/route/C101.txt", &inst, err, sizeof(err)), 0);
	struct vrp_solution sol;
	assert_int_equal(solve(inst, 1, 60, &sol, err, sizeof(err)), 0);
	struct vrp_check_report rep;
	assert_true(vrp_check(inst, &sol, &rep));
	assert_true(fabs(rep.cost - sol.cost) < 1e-6);
	/* best known 828.94 with 10 vehicles */
	assert_true(sol.cost < 828.94 * 1.02);
	assert_true(sol.nroutes <= 25);
	vrp_solution_release(&sol);
	vrp_instance_free(inst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cvrp_optimum),
		cmocka_unit_test(test_vrptw_optimum),
		cmocka_unit_test(test_heterogeneous_optimum),
		cmocka_unit_test(test_fen_and_grams_optimum),
		cmocka_unit_test(test_duration_and_pickups_optimum),
		cmocka_unit_test(test_infeasible_is_explained),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_x_instance_quality),
		cmocka_unit_test(test_solomon_c101),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
