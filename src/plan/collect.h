/*
 * Village collection runs (乡村集货): the day's trucks from an origin
 * warehouse out to its collection points and back, planned with the routing
 * engine (src/route). Pure C over plain structs: src/app/collect_runs.c reads
 * the points, their forecast loads and the warehouse's vehicles from the
 * store, calls collect_plan_solve() and stores the result.
 *
 * The model. The warehouse is the depot; each point with an expected load is
 * a pickup brought back to the depot, with a time window from its opening
 * hours: loading must start after it opens and end before it closes. A stop
 * takes stop_base_min plus stop_min_per_tonne per tonne loaded. Travel is
 * the great-circle distance times the mountain detour factor, driven at the
 * average speed (both in struct collect_config, defaults in
 * collect_config_default()). Each vehicle drives at most one run a day,
 * leaves no earlier than the warehouse opens, is back before it closes and
 * drives at most its max_minutes. Costs are integer fen: fixed per run, per
 * km and per hour of the run.
 *
 * What cannot be met is said plainly, naming the point: a load larger than
 * every truck, a window no truck can reach (or reach and still get back),
 * a round trip longer than any driver's day, and not enough trucks (the
 * farthest points are left out until the rest fits). Those points are listed
 * as unserved with the reason; the rest is planned. Every plan is verified
 * by the independent checker (vrp_check) before it is returned. Same inputs
 * and seed give the same plan (the search stops after a fixed number of
 * iterations; the time limit is only a safety cap, and a search it stops
 * may differ from run to run: bench/README.md, "Collection runs").
 *
 * Not modelled: a vehicle's refrigeration is carried and shown but is not a
 * constraint (no point's produce is marked as needing it, and the engine has
 * no vehicle-to-customer compatibility); one run per vehicle a day; the
 * same detour factor and speed on every road.
 */
#ifndef SHANHAI_PLAN_COLLECT_H
#define SHANHAI_PLAN_COLLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct collect_point {
	int64_t id;
	char code[32];
	char name[128];
	double lon, lat;           /* WGS-84 degrees */
	int opens_min, closes_min; /* minutes after midnight, Asia/Shanghai */
	int64_t load_g;            /* expected load; <= 0 is not visited */
};

struct collect_vehicle {
	int64_t id;
	char name[64];
	int64_t capacity_g;
	bool refrigerated;
	int64_t fixed_fen, fen_per_km, fen_per_hour;
	int available;   /* how many of this type; each drives one run a day */
	int max_minutes; /* longest run (the driver's day) */
};

struct collect_config {
	double detour;          /* road km per great-circle km */
	double speed_kmh;       /* average truck speed on those roads */
	int depot_opens_min;    /* trucks leave no earlier */
	int depot_closes_min;   /* and are back no later */
	int stop_base_min;      /* minutes at every stop */
	int stop_min_per_tonne; /* plus loading time per tonne */
};

struct collect_input {
	double depot_lon, depot_lat;
	const struct collect_point *points;
	int npoints;
	const struct collect_vehicle *vehicles;
	int nvehicles;
	struct collect_config cfg;
	uint64_t seed;
	long iters;        /* genetic iterations per solve (<= 0: 2000) */
	double time_limit; /* seconds, safety cap per solve (<= 0: 10) */
};

struct collect_stop {
	int point; /* index into input points */
	int arrive_min, start_min, depart_min;
	int64_t load_g;    /* loaded here */
	int64_t onboard_g; /* on board when leaving */
};

struct collect_run {
	int vehicle; /* index into input vehicles */
	int nstops;
	struct collect_stop *stops;
	int depart_min, return_min; /* leaves and is back at the depot */
	int64_t load_g, distance_m, cost_fen;
};

enum collect_reason {
	COLLECT_OVER_CAPACITY, /* load exceeds every available truck */
	COLLECT_WINDOW,        /* opening hours cannot be reached in the day */
	COLLECT_DURATION,      /* round trip longer than any driver's day */
	COLLECT_FLEET,         /* not enough trucks for everything */
};

struct collect_unserved {
	int point;
	enum collect_reason reason;
	char message_zh[256];
	char message_en[256];
};

struct collect_plan {
	int nruns;
	struct collect_run *runs;
	int nunserved;
	struct collect_unserved *unserved;
	int64_t load_g, distance_m, cost_fen;
	long iters; /* genetic iterations run, all solves */
};

/* Defaults: detour 1.8 (Liangshan's switchbacks), 30 km/h, warehouse open
 * 05:00-22:00, 15 minutes a stop plus 20 minutes a tonne. */
void collect_config_default(struct collect_config *cfg);
/* The stable word for a reason: "over_capacity", "window", "duration",
 * "not_enough_trucks". */
const char *collect_reason_code(enum collect_reason r);
/* "HH:MM" of minutes after midnight (values past 24:00 are shown as such). */
void collect_clock(int minutes, char out[8]);

/* Plan the day. 0 with *out filled (possibly with no runs, when nothing
 * can be collected); -1 with err on bad input (no vehicle, a window with
 * closes <= opens, bad configuration) or if the checker rejects a plan (a
 * bug). out is always safe to release. */
int collect_plan_solve(const struct collect_input *in, struct collect_plan *out, char *err,
                       size_t errlen);
void collect_plan_release(struct collect_plan *plan);

struct vrp_instance;
/* The routing problem for the points idx[0..n-1] (node k+1 is point idx[k]):
 * pickups with service times and windows, one vehicle type per vehicle row
 * with available > 0. Exposed for the unit tests. */
struct vrp_instance *collect_build_instance(const struct collect_input *in, const int *idx, int n);

#endif
