/*
 * The consolidation planner and the logistics simulation (统仓共配, 订单统筹).
 *
 * A scenario describes one two-warehouse line: an origin warehouse (产地仓) in
 * a mountain county, a sales warehouse (销地仓) in an eastern city, the truck
 * types for the line-haul between them, parcel tariffs by distance zone, city
 * delivery, handling and storage costs, products with shelf lives and
 * seasonal supply/demand, and the consumers' places. Scenarios are JSON files
 * (scenarios/README.md documents every field) read by scenario_load().
 *
 * sim_run() plays a horizon day by day on one seeded demand and one policy:
 * every order a direct parcel from the origin (the situation before the two
 * warehouses), fixed weekly trucks (one departure a week), or Shanhai's planner. It measures each
 * order's cost and delivery days, so the totals, cost per kg, the share within
 * the delivery promise, median/p95 days and spoiled kg are measurements of
 * simulated orders, not formulas.
 *
 * The planner itself is plan_dispatch() (which trucks to send today and what
 * goes on them) and plan_choose_source() (where an order is served from): pure
 * functions over plain structs, so the store layer can later call them with
 * real stock and orders. Money is integer fen, weights integer grams.
 */
#ifndef SHANHAI_PLAN_H
#define SHANHAI_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PLAN_MAX_TRUCK_TYPES    8
#define PLAN_MAX_PRODUCTS       32
#define PLAN_MAX_TRUCKS_PER_DAY 4

struct plan_place {
	char code[16];
	char name[64];
	double lon, lat; /* WGS-84 degrees */
};

struct plan_truck {
	char name[32];
	int64_t capacity_g;
	int64_t fen_per_km;
	int64_t fen_per_trip;
	bool refrigerated;
};

/* A parcel tariff band: shipments whose road distance is at most max_km. */
struct plan_zone {
	int64_t max_km;
	int64_t first_kg_fen;
	int64_t extra_kg_fen;
};

struct plan_product {
	char code[32];
	char name[64];
	int shelf_life_days; /* days from harvest/production after which it is spoiled */
	bool chilled;        /* needs a refrigerated truck and the chilled parcel rate */
	int64_t supply_g_year;
	int64_t demand_g_year;
	int supply_by_month[12]; /* relative weights, January first */
	int demand_by_month[12];
	int64_t initial_origin_g;
};

struct plan_order_size {
	int64_t grams;
	int64_t share;
};

struct plan_dest {
	struct plan_place place;
	int64_t weight; /* relative share of demand (e.g. population) */
};

/* An order given in the scenario instead of random demand (tests, real data). */
struct plan_fixed_order {
	int day;
	int product;
	int dest;
	int64_t grams;
};

struct scenario {
	char name[128];
	int64_t start_day; /* days since 1970-01-01 of the first simulated day */
	int horizon_days;
	int promise_days;
	int cancel_after_days;
	double road_factor; /* road km per great-circle km */
	struct plan_place origin;
	struct plan_place sales;
	int64_t service_radius_km; /* the sales warehouse's own area (weekly policy) */
	int target_cover_days;
	int max_cover_days;
	int64_t storage_fen_per_tonne_day;
	int64_t origin_pack_fen_per_order;
	int64_t sales_pack_fen_per_order;
	int64_t truck_handling_fen_per_kg;
	int truck_km_per_day;
	struct plan_truck trucks[PLAN_MAX_TRUCK_TYPES];
	size_t ntrucks;
	int parcel_pickup_days;
	int parcel_km_per_day;
	int64_t chilled_parcel_permille;
	struct plan_zone *zones;
	size_t nzones;
	int64_t city_radius_km;
	int64_t city_fen_per_order;
	int64_t city_fen_per_kg;
	int city_days;
	struct plan_product products[PLAN_MAX_PRODUCTS];
	size_t nproducts;
	struct plan_order_size *sizes;
	size_t nsizes;
	struct plan_dest *dests;
	size_t ndests;
	struct plan_fixed_order *fixed;
	size_t nfixed;
	bool has_fixed;
	int spikes_per_year; /* live-stream spikes starting a year, on average */
	int spike_percent;   /* demand multiplier during a spike, in % */
	int spike_days;
	int spike_announced_days; /* a spike is known this many days before it starts (0: not) */
	int weekly_truck;         /* index into trucks */
	int weekly_weekday;       /* 0 = Monday */
	int min_fill_percent;
	int64_t subsidy_linehaul_permille;
	int64_t subsidy_parcel_fen_per_order;
};

/* Read and check a scenario file. 0, or -1 with a message naming the field
 * (e.g. "products[2].shelf_life_days: expected an integer >= 1") in err. */
int scenario_load(const char *path, struct scenario *sc, char *err, size_t errsz);
/* The same from JSON text in memory (len bytes). */
int scenario_parse(const char *text, size_t len, struct scenario *sc, char *err, size_t errsz);
/* Free what scenario_load allocated; the struct may be loaded again. */
void scenario_release(struct scenario *sc);

/* Road distance in whole km between two places (great circle x road factor). */
int64_t plan_road_km(const struct scenario *sc, const struct plan_place *a,
                     const struct plan_place *b);
/* Parcel price in fen for grams over road_km (first kg + each further started
 * kg, chilled surcharge). -1 if no zone covers the distance. */
int64_t plan_parcel_fen(const struct scenario *sc, int64_t road_km, int64_t grams, bool chilled);
/* Days in transit for a parcel over road_km. */
int plan_parcel_days(const struct scenario *sc, int64_t road_km);
/* Days for the line-haul truck from origin to sales warehouse. */
int plan_truck_days(const struct scenario *sc);
/* Cost in fen of one line-haul trip of truck type t. */
int64_t plan_trip_fen(const struct scenario *sc, size_t t);

/* ---- the planner ---- */

/* What the planner sees of one product when deciding today's trucks. */
struct plan_product_view {
	int64_t sales_g;           /* usable stock at the sales warehouse */
	int64_t transit_g;         /* on trucks towards it */
	int64_t waiting_g;         /* orders waiting at the sales warehouse for stock */
	int64_t origin_g;          /* at the origin, fresh enough to be sent */
	int64_t forecast_g;        /* expected grams a day ordered for the sales warehouse */
	int64_t saving_fen_per_kg; /* parcel cost a kg served from the sales warehouse saves */
	int64_t season_g; /* expected grams ordered for the sales warehouse from tomorrow over
	                     the line-haul, the maximum cover and a margin, from the seasonal
	                     profile: room is capped by it (0: not known, no cap) */
	int shelf_life_days;
	bool chilled;
};

struct plan_params {
	int truck_days;
	int max_cover_days; /* the sales warehouse holds at most this many days of a product */
	int min_fill_percent;
	int64_t handling_fen_per_kg; /* loading and unloading, per kg carried */
	int64_t max_fen_per_kg;      /* parcel saving per kg for products that give none */
	int slack_days; /* days an order may wait at the sales warehouse for a truck and
	                   still arrive within the promise (promise - longest last mile) */
};

struct plan_dispatch {
	size_t ntrucks;
	int truck[PLAN_MAX_TRUCKS_PER_DAY];                         /* truck type of each */
	int64_t load_g[PLAN_MAX_TRUCKS_PER_DAY][PLAN_MAX_PRODUCTS]; /* per product */
};

/* Decide which trucks leave the origin today and what each carries. A
 * product is urgent when its position (sales + transit - waiting) would not
 * last until a truck sent today arrives, less pp->slack_days; then the truck type that carries it
 * at the lowest cost per kg goes, filled with every product's room up to its
 * maximum cover (plan_cover_limit), and at a season's end no more than the
 * season profile expects to sell (season_g). Otherwise only a well-filled truck
 * (min_fill_percent) of the type cheapest per kg goes, and no dry truck while
 * a chilled product will need a refrigerated one within a few days. A trip
 * whose cost (trip + handling) exceeds the parcel money its load saves
 * (saving_fen_per_kg per product, else pp->max_fen_per_kg a kg) is never
 * sent. Never loads more than origin_g of a product nor more than a truck's
 * capacity, nor chilled goods on an ordinary truck. Returns the number of
 * trucks. */
size_t plan_dispatch(const struct plan_params *pp, const struct plan_truck *trucks,
                     const int64_t *trip_fen, size_t ntrucks, const struct plan_product_view *v,
                     size_t nproducts, struct plan_dispatch *out);

/* The most days of forecast demand the planner keeps at the sales warehouse
 * for a product: half the life a lot harvested on the day of loading still has
 * after the line-haul and a day of last mile (so that lots a few days old
 * still qualify for a truck), at most max_cover_days, at least 1. */
int plan_cover_limit(int max_cover_days, int truck_days, int shelf_life_days);

enum plan_source {
	SOURCE_NONE = 0,   /* nothing can serve it today: it waits */
	SOURCE_SALES,      /* picked at the sales warehouse today */
	SOURCE_ORIGIN,     /* direct parcel from the origin today */
	SOURCE_WAIT_TRUCK, /* reserved on a truck, picked at the sales warehouse on arrival */
	SOURCE_NEXT_TRUCK, /* waits for a truck not yet sent (the planner counts it as demand) */
	SOURCE_COUNT
};

/* One way of serving an order, as the simulation or the store offers it. */
struct plan_option {
	bool available;
	int delivery_day; /* absolute day the consumer receives it */
	int64_t cost_fen; /* expected cost of serving it this way */
};

/* Choose among the options (indexed by enum plan_source): the cheapest that
 * meets the promise (order_day + promise_days), else the earliest delivery
 * (then the cheapest). SOURCE_NONE if none is available. */
enum plan_source plan_choose_source(const struct plan_option opts[SOURCE_COUNT], int order_day,
                                    int promise_days);

/* ---- the simulation ---- */

enum sim_policy { POLICY_DIRECT = 0, POLICY_WEEKLY, POLICY_PLANNER, POLICY_COUNT };

/* Short English name of a policy ("direct", "weekly", "planner"). */
const char *sim_policy_name(enum sim_policy p);

#define SIM_MAX_DAYS_HIST 64

struct sim_result {
	enum sim_policy policy;
	int days;
	int64_t orders, delivered, cancelled, within_promise;
	int64_t ordered_g, delivered_g;
	int64_t spoiled_origin_g, spoiled_sales_g;
	int64_t served_sales, served_origin, served_waited;
	int64_t parcels;
	int64_t trips[PLAN_MAX_TRUCK_TYPES];
	int64_t trucked_g;
	/* the parts of the cost, fen */
	int64_t linehaul_fen, truck_handling_fen, parcel_fen, city_fen, pack_fen, storage_fen;
	int64_t total_fen;
	/* where the line-haul and handling money went */
	int64_t freight_orders_fen, freight_spoiled_fen, freight_left_fen;
	/* sum over delivered orders of everything charged to them */
	int64_t order_costs_fen;
	int64_t subsidy_fen;
	int64_t
	    days_hist[SIM_MAX_DAYS_HIST]; /* delivered orders by whole days taken; last = more */
	int median_days, p95_days;
};

/* Run the scenario for `days` days (<= 0: the scenario's horizon) with demand
 * drawn from seed, under one policy. 0, or -1 with a message in err. */
int sim_run(const struct scenario *sc, enum sim_policy policy, uint64_t seed, int days,
            struct sim_result *out, char *err, size_t errsz);

/* Cost per kg delivered in fen (rounded), of total_fen - subtract_fen. */
int64_t sim_fen_per_kg(const struct sim_result *r, int64_t subtract_fen);

#endif
