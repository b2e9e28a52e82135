/*
 * Unit tests of the village collection run planner (src/plan/collect.c):
 * how points become pickups with service times and windows, that a plan
 * visits every servable point once within its hours and passes the
 * independent checker when rebuilt from the runs, that the same seed gives
 * the same plan, and that what cannot be met is named: a load larger than
 * every truck, hours no truck can reach, not enough trucks.
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

#include "plan/collect.h"
#include "route/route.h"

/* Xichang (the depot) and points in Zhaojue, Butuo and Yanyuan. */
#define DEPOT_LON 102.264
#define DEPOT_LAT 27.894

static struct collect_point pts[4] = {
    {1, "ZJ-1", "昭觉一点", 102.84, 28.01, 8 * 60, 18 * 60, 600000},
    {2, "BT-1", "布拖一点", 102.81, 27.71, 8 * 60, 18 * 60, 400000},
    {3, "YY-1", "盐源一点", 101.51, 27.42, 9 * 60, 17 * 60, 900000},
    {4, "ZJ-2", "昭觉二点", 102.90, 28.05, 8 * 60, 18 * 60, 0},
};

static struct collect_vehicle trucks[2] = {
    {10, "4.2米厢式货车", 2000000, false, 30000, 350, 4000, 2, 14 * 60},
    {11, "7.6米厢式货车", 8000000, false, 60000, 600, 5000, 1, 14 * 60},
};

static struct collect_input input(struct collect_point *p, int np, struct collect_vehicle *v,
                                  int nv)
{
	struct collect_input in = {.depot_lon = DEPOT_LON,
	                           .depot_lat = DEPOT_LAT,
	                           .points = p,
	                           .npoints = np,
	                           .vehicles = v,
	                           .nvehicles = nv};
	collect_config_default(&in.cfg);
	in.seed = 7;
	in.iters = 300;
	return in;
}

static void test_build_instance(void **state)
{
	(void)state;
	struct collect_input in = input(pts, 4, trucks, 2);
	int idx[3] = {0, 1, 2};
	struct vrp_instance *I = collect_build_instance(&in, idx, 3);
	assert_non_null(I);
	assert_int_equal(I->n, 3);
	assert_int_equal(I->ntypes, 2);
	assert_int_equal(I->types[1].capacity, 8000000);
	assert_int_equal(I->types[0].count, 2);
	assert_true(I->types[0].max_duration == 14 * 60);
	/* 600 kg: 15 minutes + 20 a tonne = 15 + 12 */
	assert_int_equal(I->pickup[1], 600000);
	assert_int_equal(I->delivery[1], 0);
	assert_true(I->service[1] == 27);
	assert_true(I->ready[1] == 8 * 60);
	assert_true(I->due[1] == 18 * 60 - 27); /* loading ends before closing */
	assert_true(I->ready[0] == 5 * 60 && I->due[0] == 22 * 60);
	/* road km = great circle x 1.8, at 30 km/h */
	double km = vrp_dist(I, 0, 1);
	assert_true(km > 1.8 * 55 && km < 1.8 * 65);
	assert_true(fabs(vrp_time(I, 0, 1) - km / 30 * 60) < 1e-9);
	vrp_instance_free(I);
}

/* The plan's runs as a vrp_solution of the instance over `idx`. */
static void as_solution(const struct collect_plan *plan, const int *idx, int n,
                        struct vrp_solution *sol)
{
	sol->nroutes = plan->nruns;
	sol->routes = calloc((size_t)plan->nruns, sizeof(*sol->routes));
	for (int r = 0; r < plan->nruns; r++) {
		sol->routes[r].type = plan->runs[r].vehicle; /* all vehicles available */
		sol->routes[r].n = plan->runs[r].nstops;
		sol->routes[r].stops = calloc((size_t)plan->runs[r].nstops, sizeof(int));
		for (int s = 0; s < plan->runs[r].nstops; s++)
			for (int k = 0; k < n; k++)
				if (idx[k] == plan->runs[r].stops[s].point)
					sol->routes[r].stops[s] = k + 1;
	}
}

static void test_plan_feasible(void **state)
{
	(void)state;
	struct collect_input in = input(pts, 4, trucks, 2);
	struct collect_plan plan;
	char err[300];
	assert_int_equal(collect_plan_solve(&in, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.nunserved, 0);
	int seen[4] = {0};
	int64_t load = 0;
	for (int r = 0; r < plan.nruns; r++) {
		const struct collect_run *run = &plan.runs[r];
		assert_true(run->load_g <= trucks[run->vehicle].capacity_g);
		assert_true(run->depart_min >= 5 * 60 && run->return_min <= 22 * 60);
		assert_true(run->return_min - run->depart_min <= 14 * 60);
		assert_true(run->distance_m > 0);
		assert_true(run->cost_fen > trucks[run->vehicle].fixed_fen);
		for (int s = 0; s < run->nstops; s++) {
			const struct collect_stop *st = &run->stops[s];
			seen[st->point]++;
			load += st->load_g;
			assert_true(st->start_min >= pts[st->point].opens_min);
			assert_true(st->depart_min <= pts[st->point].closes_min);
			assert_true(st->arrive_min <= st->start_min);
		}
		assert_int_equal(run->stops[run->nstops - 1].onboard_g, run->load_g);
	}
	/* every point with a load once; the empty one not at all */
	assert_int_equal(seen[0], 1);
	assert_int_equal(seen[1], 1);
	assert_int_equal(seen[2], 1);
	assert_int_equal(seen[3], 0);
	assert_int_equal(load, 1900000);
	assert_int_equal(plan.load_g, 1900000);
	/* rebuilt from the runs, the checker accepts it */
	int idx[3] = {0, 1, 2};
	struct vrp_instance *I = collect_build_instance(&in, idx, 3);
	struct vrp_solution sol = {0};
	struct vrp_check_report rep;
	as_solution(&plan, idx, 3, &sol);
	assert_true(vrp_check(I, &sol, &rep));
	vrp_solution_release(&sol);
	vrp_instance_free(I);
	collect_plan_release(&plan);
}

static void test_plan_deterministic(void **state)
{
	(void)state;
	struct collect_input in = input(pts, 4, trucks, 2);
	struct collect_plan a, b;
	char err[300];
	assert_int_equal(collect_plan_solve(&in, &a, err, sizeof(err)), 0);
	assert_int_equal(collect_plan_solve(&in, &b, err, sizeof(err)), 0);
	assert_int_equal(a.nruns, b.nruns);
	assert_int_equal(a.cost_fen, b.cost_fen);
	assert_int_equal(a.distance_m, b.distance_m);
	for (int r = 0; r < a.nruns; r++) {
		assert_int_equal(a.runs[r].vehicle, b.runs[r].vehicle);
		assert_int_equal(a.runs[r].nstops, b.runs[r].nstops);
		for (int s = 0; s < a.runs[r].nstops; s++) {
			assert_int_equal(a.runs[r].stops[s].point, b.runs[r].stops[s].point);
			assert_int_equal(a.runs[r].stops[s].arrive_min,
			                 b.runs[r].stops[s].arrive_min);
		}
	}
	collect_plan_release(&a);
	collect_plan_release(&b);
}

static const struct collect_unserved *unserved_of(const struct collect_plan *p, int point)
{
	for (int i = 0; i < p->nunserved; i++)
		if (p->unserved[i].point == point)
			return &p->unserved[i];
	return NULL;
}

static bool served(const struct collect_plan *p, int point)
{
	for (int r = 0; r < p->nruns; r++)
		for (int s = 0; s < p->runs[r].nstops; s++)
			if (p->runs[r].stops[s].point == point)
				return true;
	return false;
}

static void test_over_capacity_and_window(void **state)
{
	(void)state;
	struct collect_point p[3];
	memcpy(p, pts, sizeof(p));
	p[0].load_g = 9000000;   /* more than the 8 t truck */
	p[2].opens_min = 6 * 60; /* Yanyuan closes at 08:00: 3 h away, cannot be reached */
	p[2].closes_min = 8 * 60;
	struct collect_input in = input(p, 3, trucks, 2);
	struct collect_plan plan;
	char err[300];
	assert_int_equal(collect_plan_solve(&in, &plan, err, sizeof(err)), 0);
	assert_int_equal(plan.nunserved, 2);
	const struct collect_unserved *u = unserved_of(&plan, 0);
	assert_non_null(u);
	assert_int_equal(u->reason, COLLECT_OVER_CAPACITY);
	assert_string_equal(collect_reason_code(u->reason), "over_capacity");
	assert_non_null(strstr(u->message_en, "point 'ZJ-1'"));
	assert_non_null(strstr(u->message_en, "9000.0 kg"));
	assert_non_null(strstr(u->message_zh, "ZJ-1"));
	u = unserved_of(&plan, 2);
	assert_non_null(u);
	assert_int_equal(u->reason, COLLECT_WINDOW);
	assert_non_null(strstr(u->message_en, "point 'YY-1'"));
	assert_true(served(&plan, 1));
	assert_false(served(&plan, 0));
	assert_false(served(&plan, 2));
	collect_plan_release(&plan);
}

static void test_not_enough_trucks(void **state)
{
	(void)state;
	struct collect_vehicle one[1] = {trucks[0]};
	one[0].available = 1; /* 2 t for 1.9 t + 0.6 t */
	struct collect_point p[4];
	memcpy(p, pts, sizeof(p));
	p[3].load_g = 600000;
	struct collect_input in = input(p, 4, one, 1);
	struct collect_plan plan;
	char err[300];
	assert_int_equal(collect_plan_solve(&in, &plan, err, sizeof(err)), 0);
	/* Yanyuan is the farthest: left out, the rest fits in 2 t */
	const struct collect_unserved *u = unserved_of(&plan, 2);
	assert_non_null(u);
	assert_int_equal(u->reason, COLLECT_FLEET);
	assert_string_equal(collect_reason_code(u->reason), "not_enough_trucks");
	assert_non_null(strstr(u->message_en, "point 'YY-1': not enough trucks"));
	assert_int_equal(plan.nunserved, 1);
	assert_int_equal(plan.nruns, 1);
	assert_int_equal(plan.load_g, 1600000);
	collect_plan_release(&plan);
}

static void test_round_trip_too_long(void **state)
{
	(void)state;
	struct collect_vehicle short_day[1] = {trucks[1]};
	short_day[0].max_minutes = 4 * 60; /* Yanyuan is ~5 h each way */
	struct collect_input in = input(pts, 3, short_day, 1);
	struct collect_plan plan;
	char err[300];
	assert_int_equal(collect_plan_solve(&in, &plan, err, sizeof(err)), 0);
	const struct collect_unserved *u = unserved_of(&plan, 2);
	assert_non_null(u);
	assert_int_equal(u->reason, COLLECT_DURATION);
	assert_non_null(strstr(u->message_en, "longer than any driver's day (4 h 00 min)"));
	collect_plan_release(&plan);
}

static void test_bad_input(void **state)
{
	(void)state;
	struct collect_vehicle none[1] = {trucks[0]};
	none[0].available = 0;
	struct collect_input in = input(pts, 3, none, 1);
	struct collect_plan plan;
	char err[300];
	assert_int_equal(collect_plan_solve(&in, &plan, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no vehicle available"));
	collect_plan_release(&plan);
	in = input(pts, 3, trucks, 2);
	in.cfg.detour = 0.5;
	assert_int_equal(collect_plan_solve(&in, &plan, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "detour"));
	collect_plan_release(&plan);
	char clock[8];
	collect_clock(7 * 60 + 5, clock);
	assert_string_equal(clock, "07:05");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_build_instance),
	    cmocka_unit_test(test_plan_feasible),
	    cmocka_unit_test(test_plan_deterministic),
	    cmocka_unit_test(test_over_capacity_and_window),
	    cmocka_unit_test(test_not_enough_trucks),
	    cmocka_unit_test(test_round_trip_too_long),
	    cmocka_unit_test(test_bad_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
