/*
 * Unit tests of the routing engine's readers and writer: VRPLIB (CVRPLIB X
 * set, explicit matrices, the Shanhai extensions), Solomon, CSV matrices,
 * the CVRPLIB .sol writer and reader; every malformed-file case must give an
 * error that names the line and says what is wrong. Also the independent
 * checker against the published BKS of X-n101-k25 and hand-made violations.
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

static struct vrp_instance *parse_ok(const char *text)
{
	struct vrp_instance *inst = NULL;
	char err[400] = "";
	int rc = vrplib_parse(text, strlen(text), &inst, err, sizeof(err));
	if (rc)
		fprintf(stderr, "unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
	return inst;
}

static void expect_error(const char *text, const char *want)
{
	struct vrp_instance *inst = NULL;
	char err[400] = "";
	assert_int_equal(vrplib_parse(text, strlen(text), &inst, err, sizeof(err)), -1);
	assert_null(inst);
	if (!strstr(err, want))
		fprintf(stderr, "error '%s' lacks '%s'\n", err, want);
	assert_non_null(strstr(err, want));
}

static const char *small_vrp =
	"NAME : tiny\n"
	"TYPE : CVRP\n"
	"DIMENSION : 4\n"
	"EDGE_WEIGHT_TYPE : EUC_2D\n"
	"CAPACITY : 10\n"
	"NODE_COORD_SECTION\n"
	"1 0 0\n"
	"2 3 4\n"
	"3 6 8\n"
	"4 0 10\n"
	"DEMAND_SECTION\n"
	"1 0\n"
	"2 4\n"
	"3 5\n"
	"4 6\n"
	"DEPOT_SECTION\n"
	"1\n"
	"-1\n"
	"EOF\n";

static void test_vrplib_small(void **state)
{
	(void)state;
	struct vrp_instance *inst = parse_ok(small_vrp);
	assert_int_equal(inst->n, 3);
	assert_string_equal(inst->name, "tiny");
	assert_int_equal(inst->types[0].capacity, 10);
	assert_true(vrp_dist(inst, 0, 1) == 5);
	assert_true(vrp_dist(inst, 1, 2) == 5);
	assert_true(vrp_dist(inst, 0, 3) == 10);
	assert_int_equal(inst->delivery[3], 6);
	vrp_instance_free(inst);
}

static void test_vrplib_explicit_and_extensions(void **state)
{
	(void)state;
	const char *text = "NAME : ex\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\n"
			   "EDGE_WEIGHT_FORMAT : LOWER_ROW\n"
			   "VEHICLE_TYPES : 2\n"
			   "VEHICLE_TYPE_SECTION\n"
			   "small 5 10 1 0 2 0\n"
			   "big 20 30 2 0.5 -1 480\n"
			   "EDGE_WEIGHT_SECTION\n7\n8 9\n"
			   "DEMAND_SECTION\n1 0\n2 3\n3 4\n"
			   "PICKUP_SECTION\n2 1\n"
			   "TIME_WINDOW_SECTION\n1 0 600\n2 10 20\n3 0 600\n"
			   "SERVICE_TIME_SECTION\n2 5\n"
			   "EOF\n";
	struct vrp_instance *inst = parse_ok(text);
	assert_true(vrp_dist(inst, 1, 0) == 7 && vrp_dist(inst, 0, 1) == 7);
	assert_true(vrp_dist(inst, 2, 1) == 9 && vrp_dist(inst, 0, 2) == 8);
	assert_int_equal(inst->ntypes, 2);
	assert_string_equal(inst->types[1].name, "big");
	assert_int_equal(inst->types[0].count, 2);
	assert_int_equal(inst->types[1].count, -1);
	assert_true(inst->types[1].max_duration == 480);
	assert_int_equal(inst->pickup[1], 1);
	assert_true(inst->ready[1] == 10 && inst->due[1] == 20);
	assert_true(inst->service[1] == 5);
	vrp_instance_free(inst);
}

static void test_vrplib_wgs84(void **state)
{
	(void)state;
	/* Xichang and two villages; mountain class makes roads longer */
	const char *text = "NAME : liangshan\nDIMENSION : 3\nEDGE_WEIGHT_TYPE : WGS84\n"
			   "CAPACITY : 1000\nDETOUR_FACTORS : 1.2 1.5 2.0\n"
			   "AVERAGE_SPEEDS : 60 40 20\n"
			   "NODE_COORD_SECTION\n1 102.26 27.89\n2 102.30 27.89\n3 101.50 27.40\n"
			   "TERRAIN_SECTION\n3 2\n"
			   "DEMAND_SECTION\n1 0\n2 100\n3 200\nEOF\n";
	struct vrp_instance *inst = parse_ok(text);
	/* 0.04 degrees of longitude at 27.89N is about 3.93 km */
	double plain = vrp_dist(inst, 0, 1);
	assert_true(plain > 3.9 * 1.2 && plain < 4.0 * 1.2);
	assert_true(fabs(vrp_time(inst, 0, 1) - plain / 60 * 60) < 1e-9);
	double mountain = vrp_dist(inst, 0, 2);
	assert_true(fabs(vrp_time(inst, 0, 2) - mountain / 20 * 60) < 1e-9);
	vrp_instance_free(inst);
}

static void test_vrplib_errors(void **state)
{
	(void)state;
	expect_error("NAME : x\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n",
		     "line 3: NODE_COORD_SECTION before DIMENSION");
	expect_error("DIMENSION : 3\nCAPACITY : 1O\n", "line 2: CAPACITY '1O'");
	expect_error("DIMENSION : 3\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 1 x\n",
		     "line 5: y coordinate 'x' is not a number");
	expect_error("DIMENSION : 3\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n4 1 1\n",
		     "line 5: node id 4 is out of range 1..3");
	expect_error("DIMENSION : 3\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n1 1 1\n",
		     "line 5: node 1 appears twice");
	expect_error("DIMENSION : 3\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n",
		     "line 5: end of file: NODE_COORD_SECTION has 2 of 3 nodes");
	expect_error("DIMENSION : 3\nCAPACITY : 10\nFOO : 1\n", "line 3: unknown keyword 'FOO'");
	expect_error("DIMENSION : 3\nEDGE_WEIGHT_TYPE : GEOM\n",
		     "line 2: unsupported EDGE_WEIGHT_TYPE 'GEOM'");
	expect_error("DIMENSION : 3\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0 7\n",
		     "line 4: unexpected '7'");
	expect_error("DIMENSION : 2\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n"
		     "DEMAND_SECTION\n1 0\n2 -4\n",
		     "line 8: node 2: demand -4 is out of range");
	expect_error("DIMENSION : 2\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n"
		     "DEPOT_SECTION\n2\n-1\n",
		     "line 7: the depot must be node 1, not 2");
	expect_error("DIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : FULL_MATRIX\n"
		     "CAPACITY : 5\nEDGE_WEIGHT_SECTION\n0 1 2\n",
		     "too short for the 9 weights");
	expect_error("DIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : LOWER_ROW\n"
		     "CAPACITY : 5\nEDGE_WEIGHT_SECTION\n1\n2 z\n",
		     "line 7: edge weight 'z' is not a number");
	expect_error("DIMENSION : 2\nNODE_COORD_SECTION\n1 0 0\n2 1 1\nEOF\n",
		     "line 5: end of file: CAPACITY missing");
	expect_error("DIMENSION : 2\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 1 1\n"
		     "TIME_WINDOW_SECTION\n2 50 10\n",
		     "line 7: node 2: time window [50, 10] is not a valid window");
	expect_error("DIMENSION : 2\nVEHICLE_TYPES : 1\nVEHICLE_TYPE_SECTION\nvan 0 1 1 0 1 0\n",
		     "line 4: vehicle type 'van': capacity must be at least 1");
	expect_error("DIMENSION : 2\nVEHICLE_TYPE_SECTION\n", "line 2: VEHICLE_TYPE_SECTION needs");
	expect_error("DIMENSION : 2\nDIMENSION : 2\n", "line 2: DIMENSION given twice");
	expect_error("DIMENSION : 1\n", "line 1: DIMENSION '1' must be an integer from 2");
	expect_error("", "DIMENSION missing");
	/* found by fuzz_vrplib: an empty truck, depot service counted twice,
	 * coordinates whose distances overflow */
	expect_error("DIMENSION : 2\nCAPACITY : 0\n", "line 2: CAPACITY must be at least 1");
	expect_error("DIMENSION : 2\nCAPACITY : 10\nSERVICE_TIME_SECTION\n2 5\n1 5\n",
		     "line 5: the depot (node 1) must have service time 0");
	expect_error("DIMENSION : 2\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n2 1e300 1\n",
		     "line 5: x coordinate '1e300' is out of range");
	expect_error("DIMENSION : 3\nEDGE_WEIGHT_TYPE : EXPLICIT\nEDGE_WEIGHT_FORMAT : LOWER_ROW\n"
		     "CAPACITY : 5\nEDGE_WEIGHT_SECTION\n1\n2 5e9\n",
		     "line 7: edge weight 5e+09 is above 1e+09");
}

static void expect_solomon_error(const char *text, const char *want)
{
	struct vrp_instance *inst = NULL;
	char err[400] = "";
	assert_int_equal(solomon_parse(text, strlen(text), &inst, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fprintf(stderr, "error '%s' lacks '%s'\n", err, want);
	assert_non_null(strstr(err, want));
}

static const char *solomon_head = "T1\n\nVEHICLE\nNUMBER     CAPACITY\n  3   50\n\nCUSTOMER\n"
				  "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   "
				  "SERVICE   TIME\n\n";

static void test_solomon(void **state)
{
	(void)state;
	char text[1024];
	snprintf(text, sizeof(text), "%s    0  0 0 0 0 100 0\n    1  3 4 10 5 50 10\n", solomon_head);
	struct vrp_instance *inst = NULL;
	char err[400];
	assert_int_equal(solomon_parse(text, strlen(text), &inst, err, sizeof(err)), 0);
	assert_int_equal(inst->n, 1);
	assert_int_equal(inst->types[0].count, 3);
	assert_true(vrp_dist(inst, 0, 1) == 5);
	assert_true(inst->due[1] == 50 && inst->service[1] == 10);
	vrp_instance_free(inst);

	snprintf(text, sizeof(text), "%s    0  0 0 0 0 100 0\n    2  3 4 10 5 50 10\n", solomon_head);
	expect_solomon_error(text, "line 11: customer number 2 out of order (expected 1)");
	snprintf(text, sizeof(text), "%s    0  0 0 0 0 100 0\n    1  3 4 10 5 50\n", solomon_head);
	expect_solomon_error(text, "line 11: missing service time");
	snprintf(text, sizeof(text), "%s    0  0 0 0 0 100 0\n    1  3 4 1.5 5 50 1\n",
		 solomon_head);
	expect_solomon_error(text, "line 11: demand 1.5 must be a whole number");
	snprintf(text, sizeof(text), "%s    0  0 0 0 0 100 0\n    1  3 4 1 60 50 1\n", solomon_head);
	expect_solomon_error(text, "line 11: time window [60, 50]");
	expect_solomon_error("T1\nVEHICLE\nNUMBER CAPACITY\n0 50\n", "line 4: number of vehicles");
	expect_solomon_error("T1\nVEHICLES\n", "line 2: 'VEHICLE' expected");
	expect_solomon_error("", "empty file");
	snprintf(text, sizeof(text), "%s    0  0 0 0 0 100 5\n    1  3 4 1 6 50 1\n", solomon_head);
	expect_solomon_error(text, "line 10: the depot (customer 0) must have demand 0 and service time 0");
	snprintf(text, sizeof(text), "%s    0  0 0 0 0 100 0\n    1  3 4 1 6 5e9 1\n", solomon_head);
	expect_solomon_error(text, "line 11: due date '5e9' is out of range");
}

static void test_matrix_csv(void **state)
{
	(void)state;
	struct vrp_instance *inst = parse_ok(small_vrp);
	char err[400];
	const char *d = "# road km\n0,2,3,4\n2,0,1,2\n3,1,0,5\n4,2,5,0\n";
	const char *t = "0,10,20,30\n10,0,5,6\n20,5,0,7\n30,6,7,0\n";
	assert_int_equal(vrp_matrix_csv_parse(inst, d, strlen(d), t, strlen(t), err, sizeof(err)), 0);
	assert_true(vrp_dist(inst, 2, 3) == 5 && vrp_time(inst, 3, 2) == 7);
	const char *bad = "0,2,3,4\n2,0,1\n";
	assert_int_equal(vrp_matrix_csv_parse(inst, bad, strlen(bad), NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "distance matrix: line 2: row has 3 values, 4 expected"));
	const char *neg = "0,2,3,4\n2,0,1,-2\n";
	assert_int_equal(vrp_matrix_csv_parse(inst, neg, strlen(neg), NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 2: column 4: -2 is negative"));
	const char *diag = "1,2,3,4\n";
	assert_int_equal(vrp_matrix_csv_parse(inst, diag, strlen(diag), NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 1: column 1: the diagonal must be 0"));
	assert_int_equal(vrp_matrix_csv_parse(inst, d, strlen(d), bad, strlen(bad), err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "time matrix: line 2"));
	/* the good matrices are still in place after failed imports */
	assert_true(vrp_dist(inst, 2, 3) == 5);
	vrp_instance_free(inst);
}

static void test_bks_checks_out(void **state)
{
	(void)state;
	struct vrp_instance *inst = NULL;
	char err[400];
	assert_int_equal(vrp_instance_load("tests/data/route/X-n101-k25.vrp", &inst, err,
					   sizeof(err)), 0);
	assert_int_equal(inst->n, 100);
	size_t len;
	char *text = vrp_read_file("tests/data/route/X-n101-k25.sol", &len, err, sizeof(err));
	assert_non_null(text);
	struct vrp_solution sol;
	assert_int_equal(vrp_sol_parse(text, len, inst->n, &sol, err, sizeof(err)), 0);
	free(text);
	struct vrp_check_report rep;
	assert_true(vrp_check(inst, &sol, &rep));
	assert_true(rep.cost == 27591);
	assert_true(sol.cost == 27591);
	/* write it back and read again: same routes, same cost */
	char *buf = NULL;
	size_t blen = 0;
	FILE *f = open_memstream(&buf, &blen);
	assert_int_equal(vrp_sol_write(f, &sol), 0);
	fclose(f);
	assert_non_null(strstr(buf, "Route #1: "));
	assert_non_null(strstr(buf, "\nCost 27591\n"));
	struct vrp_solution again;
	assert_int_equal(vrp_sol_parse(buf, blen, inst->n, &again, err, sizeof(err)), 0);
	assert_int_equal(again.nroutes, sol.nroutes);
	assert_true(vrp_check(inst, &again, &rep) && rep.cost == 27591);
	free(buf);
	vrp_solution_release(&again);
	vrp_solution_release(&sol);
	vrp_instance_free(inst);
}

static void test_sol_errors(void **state)
{
	(void)state;
	struct vrp_solution sol;
	char err[400];
	const char *a = "Route #1: 1 2\nRoute #2: 3 x\n";
	assert_int_equal(vrp_sol_parse(a, strlen(a), 3, &sol, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 2: customer 'x' is not a number from 1 to 3"));
	const char *b = "Route #1: 1 2\nTotal 5\n";
	assert_int_equal(vrp_sol_parse(b, strlen(b), 3, &sol, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line 2: 'Route #k:' or 'Cost N' expected"));
}

static struct vrp_route mk_route(int type, int n, const int *stops)
{
	struct vrp_route r = {type, n, malloc((size_t)n * sizeof(int))};
	memcpy(r.stops, stops, (size_t)n * sizeof(int));
	return r;
}

static void test_checker_violations(void **state)
{
	(void)state;
	struct vrp_instance *inst = parse_ok(small_vrp); /* demands 4 5 6, capacity 10 */
	struct vrp_check_report rep;
	struct vrp_solution sol = {0};
	sol.routes = calloc(3, sizeof(*sol.routes));
	sol.nroutes = 2;
	sol.routes[0] = mk_route(0, 2, (int[]){1, 2});
	sol.routes[1] = mk_route(0, 1, (int[]){3});
	assert_true(vrp_check(inst, &sol, &rep));
	assert_true(rep.cost == 5 + 5 + 10 + 10 + 10);
	/* over capacity */
	sol.routes[1].stops[0] = 1;
	sol.routes[0].stops[0] = 3;
	assert_false(vrp_check(inst, &sol, &rep));
	assert_non_null(strstr(rep.msg, "route 0: load 11 exceeds capacity 10"));
	/* served twice and not served */
	sol.routes[1].stops[0] = 3;
	assert_false(vrp_check(inst, &sol, &rep));
	assert_non_null(strstr(rep.msg, "customer 3 is served more than once"));
	assert_non_null(strstr(rep.msg, "customer 1 is not served"));
	/* windows and fleet */
	sol.routes[0].stops[0] = 1;
	inst->due[3] = 5; /* the depot is 10 away from customer 3 */
	inst->types[0].count = 1;
	assert_false(vrp_check(inst, &sol, &rep));
	assert_non_null(strstr(rep.msg, "route 1: customer 3 served at 10, after its window closes at 5"));
	assert_non_null(strstr(rep.msg, "2 vehicles of type 'truck' used, only 1 available"));
	/* duration: waiting at the start is not counted, waiting in the middle is */
	inst->due[3] = INFINITY;
	inst->types[0].count = -1;
	inst->ready[2] = 40;
	inst->due[1] = 5; /* leave at once to reach 1 in time, then wait for 2 */
	inst->types[0].max_duration = 45;
	assert_false(vrp_check(inst, &sol, &rep));
	assert_non_null(strstr(rep.msg, "route 0: lasts 50, longer than the 45 allowed"));
	inst->types[0].max_duration = 50;
	assert_true(vrp_check(inst, &sol, &rep));
	vrp_solution_release(&sol);
	vrp_instance_free(inst);
}

static void test_instance_check(void **state)
{
	(void)state;
	struct vrp_instance *inst = parse_ok(small_vrp);
	char err[400];
	assert_int_equal(vrp_instance_check(inst, err, sizeof(err)), 0);
	inst->delivery[2] = 11;
	assert_int_equal(vrp_instance_check(inst, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "customer 2: load 11 exceeds the capacity of every vehicle (largest 10)"));
	inst->delivery[2] = 5;
	inst->due[3] = 9;
	assert_int_equal(vrp_instance_check(inst, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "customer 3: time window [0, 9] cannot be reached"));
	inst->due[3] = INFINITY;
	inst->types[0].max_duration = 19;
	assert_int_equal(vrp_instance_check(inst, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "customer 2: the round trip takes 20"));
	inst->types[0].max_duration = 0;
	inst->types[0].count = 1;
	assert_int_equal(vrp_instance_check(inst, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "total load 15 exceeds what the whole fleet carries (10)"));
	vrp_instance_free(inst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vrplib_small),
		cmocka_unit_test(test_vrplib_explicit_and_extensions),
		cmocka_unit_test(test_vrplib_wgs84),
		cmocka_unit_test(test_vrplib_errors),
		cmocka_unit_test(test_solomon),
		cmocka_unit_test(test_matrix_csv),
		cmocka_unit_test(test_bks_checks_out),
		cmocka_unit_test(test_sol_errors),
		cmocka_unit_test(test_checker_violations),
		cmocka_unit_test(test_instance_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
