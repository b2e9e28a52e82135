/*
 * The routing engine's interface: vehicle routing problems (CVRP, VRPTW,
 * heterogeneous fleet, maximum route duration, pickups brought back to the
 * depot), their readers and writer, an independent feasibility checker and
 * the solver (a hybrid genetic search after Vidal's HGS-CVRP: giant-tour
 * split, granular local search with SWAP*, order crossover, penalties on
 * capacity and time). Pure C: no database, no I/O other than the file helpers
 * marked as such. Everything else in src/route/ is private (route_int.h).
 *
 * Model. Node 0 is the depot, nodes 1..n the customers. Each customer has a
 * delivery (loaded at the depot) and a pickup (brought back to the depot),
 * a service time and a time window [ready, due] on the start of service. The
 * depot window [ready, due] bounds leaving and returning. Distances and
 * travel times are (n+1)x(n+1) matrices, from coordinates or imported. A
 * route is driven by one vehicle of one type; its cost is fixed_cost +
 * cost_per_dist * distance + cost_per_time * duration (waiting included,
 * departure delayed as late as useful). A solution is feasible when every
 * customer is served exactly once, no route is over capacity at any point,
 * every service starts within its window, every route lasts at most its
 * type's max_duration and no type is used more often than it is available.
 */
#ifndef SHANHAI_ROUTE_H
#define SHANHAI_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum vrp_dist_kind {
	VRP_DIST_EUC_2D,   /* Euclidean rounded to nearest integer (CVRPLIB) */
	VRP_DIST_EXACT_2D, /* Euclidean, not rounded (Solomon); time = distance */
	VRP_DIST_WGS84,    /* great circle (km) x terrain detour; time in minutes */
	VRP_DIST_EXPLICIT, /* matrices given (VRPLIB EXPLICIT or CSV import) */
};

#define VRP_TERRAIN_CLASSES 3 /* 0 plain, 1 hills, 2 mountains */

/* How distances and times come from latitude/longitude (VRP_DIST_WGS84): the
 * great-circle distance is multiplied by the detour factor of the rougher of
 * the two ends' terrain classes and driven at that class's average speed. */
struct vrp_geo_config {
	double detour[VRP_TERRAIN_CLASSES];
	double speed_kmh[VRP_TERRAIN_CLASSES];
};

struct vrp_vehicle_type {
	char name[32];
	int64_t capacity;     /* same unit as demands (grams in Shanhai) */
	double fixed_cost;    /* per vehicle used */
	double cost_per_dist; /* per distance unit (km) */
	double cost_per_time; /* per time unit (minute) */
	int count;            /* how many are available; -1 = as many as needed */
	double max_duration;  /* longest route; <= 0 means no limit */
};

struct vrp_instance {
	char name[64];
	int n; /* customers; nodes are 0..n */
	enum vrp_dist_kind dist_kind;
	bool has_coords;
	double *x, *y;      /* coordinates (x = longitude, y = latitude for WGS84) */
	uint8_t *terrain;   /* terrain class per node (WGS84) */
	struct vrp_geo_config geo;
	int64_t *delivery;  /* per node; depot 0 */
	int64_t *pickup;
	double *service;
	double *ready, *due;
	double *dist;       /* (n+1)*(n+1), row-major */
	double *time;       /* may be the same array as dist */
	int ntypes;
	struct vrp_vehicle_type *types;
};

struct vrp_route {
	int type;   /* index into instance types */
	int n;      /* number of stops */
	int *stops; /* customers 1..n in visiting order */
};

struct vrp_solution {
	int nroutes;
	struct vrp_route *routes;
	double cost;
};

/* A new instance with n customers, every array allocated and zeroed, due
 * dates at +infinity, one vehicle type of capacity `capacity` (unlimited
 * count, cost 1 per distance), no matrices yet. */
struct vrp_instance *vrp_instance_new(int n, int64_t capacity);
/* Free an instance and everything it owns (NULL is fine). */
void vrp_instance_free(struct vrp_instance *inst);
/* Default detour factors and speeds for the terrain classes. */
void vrp_geo_config_default(struct vrp_geo_config *geo);
/* Compute the matrices from the coordinates (unless EXPLICIT, where they
 * must already be there). 0, or -1 with a message in err. */
int vrp_instance_build_matrices(struct vrp_instance *inst, char *err, size_t errlen);
/* Check the instance for constraints no solution can meet (a customer whose
 * load exceeds every vehicle, a window that cannot be reached, a route that
 * cannot fit the maximum duration, more load than the whole fleet carries).
 * 0 if none; -1 with the first such problem, plainly worded, in err. */
int vrp_instance_check(const struct vrp_instance *inst, char *err, size_t errlen);
/* Distance and travel time between two nodes. */
double vrp_dist(const struct vrp_instance *inst, int i, int j);
double vrp_time(const struct vrp_instance *inst, int i, int j);

/* Read a VRPLIB/CVRPLIB instance from text (see vrplib.c for the sections
 * and the Shanhai extensions). 0, or -1 with "line N: what is wrong". */
int vrplib_parse(const char *text, size_t len, struct vrp_instance **out, char *err,
		 size_t errlen);
/* Read a Solomon VRPTW instance from text. 0, or -1 with "line N: ...". */
int solomon_parse(const char *text, size_t len, struct vrp_instance **out, char *err,
		  size_t errlen);
/* Replace the instance's distances (and times, if time_text is not NULL,
 * else time = distance / the plain-terrain speed) with CSV matrices of
 * (n+1) rows of (n+1) numbers. 0, or -1 with "line N: ...". */
int vrp_matrix_csv_parse(struct vrp_instance *inst, const char *dist_text, size_t dist_len,
			 const char *time_text, size_t time_len, char *err, size_t errlen);
/* Read a whole file into memory (NUL-terminated); NULL with err on failure. */
char *vrp_read_file(const char *path, size_t *len, char *err, size_t errlen);
/* Read an instance file, Solomon or VRPLIB by its contents. */
int vrp_instance_load(const char *path, struct vrp_instance **out, char *err, size_t errlen);

/* Write a solution in the CVRPLIB .sol convention ("Route #k: ..." then
 * "Cost N"). 0, or -1 on a write error. */
int vrp_sol_write(FILE *f, const struct vrp_solution *sol);
/* Read a CVRPLIB .sol (every route gets vehicle type 0). 0 or -1 with err. */
int vrp_sol_parse(const char *text, size_t len, int n, struct vrp_solution *out, char *err,
		  size_t errlen);
/* Free the routes of a solution and empty it. */
void vrp_solution_release(struct vrp_solution *sol);
/* Deep copy. */
void vrp_solution_copy(struct vrp_solution *dst, const struct vrp_solution *src);

/* What the independent checker found. */
struct vrp_check_report {
	bool feasible;
	int violations;
	double cost; /* recomputed from the routes */
	char msg[512]; /* the first violations, one per line */
};
/* Verify a solution against the instance with code that shares nothing with
 * the solver: every customer once, loads along each route, windows, route
 * durations, fleet counts; recomputes the cost. Returns true if feasible. */
bool vrp_check(const struct vrp_instance *inst, const struct vrp_solution *sol,
	       struct vrp_check_report *rep);

/* Progress of a run, given to the callback about once a second. */
struct vrp_progress {
	long iter;
	double elapsed;
	double best_cost;
	bool best_feasible;
};

struct vrp_params {
	double time_limit; /* seconds; <= 0 no limit */
	long iters;        /* genetic iterations; <= 0 no limit (needs time_limit) */
	uint64_t seed;
	int threads;       /* 1 or 2: two independent searches, best kept */
	/* Count time_limit (and report elapsed) in CPU seconds of each search
	 * thread rather than wall-clock seconds: for benchmarks on a shared
	 * machine, where other processes would otherwise eat the budget. */
	bool cpu_time;
	void (*progress)(void *ctx, const struct vrp_progress *p);
	void *progress_ctx;
	/* Called whenever a new best feasible cost is found (for benchmarks). */
	void (*improved)(void *ctx, double cost, double elapsed);
	void *improved_ctx;
};

/* Defaults: no limits, seed 1, one thread. */
void vrp_params_default(struct vrp_params *p);

struct vrp_stats {
	long iters;
	double elapsed;
	bool feasible;
};

/* Solve. Fills sol with the best solution found. Returns 0 when it is
 * feasible, -1 with the reason in err when the instance cannot be solved
 * (vrp_instance_check) or no feasible solution was found (then err names the
 * constraints the best solution still breaks, and sol holds it). */
int vrp_solve(const struct vrp_instance *inst, const struct vrp_params *params,
	      struct vrp_solution *sol, struct vrp_stats *stats, char *err, size_t errlen);

#endif
