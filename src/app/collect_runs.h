/*
 * Village collection runs over the store: the origin warehouse's vehicles,
 * the expected load at each collection point on a date (the forecast rule
 * below, or a planner's override), planning the day with src/plan/collect.c
 * and storing the plan, and reading plans back as JSON. Called by
 * src/http/api_collection_runs.c and `shanhai route collection`
 * (src/cli/cmd_collection.c); each runs in the caller's transaction.
 *
 * The forecast rule: the expected load of a point on date D is the mean of
 * its net collected grams on the same weekday over the last
 * COLLECT_FORECAST_DAYS such days on which it collected anything, looking
 * back at most COLLECT_FORECAST_WEEKS weeks (reversals count, so a day that
 * was reversed in full is no collection day). No such day: 0, and the point
 * is not visited. An override for (point, D) replaces the rule, 0 included.
 */
#ifndef SHANHAI_APP_COLLECT_RUNS_H
#define SHANHAI_APP_COLLECT_RUNS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/lots.h"
#include "app/places.h"
#include "plan/collect.h"
#include "store/store.h"

#define COLLECT_FORECAST_DAYS  4
#define COLLECT_FORECAST_WEEKS 8

struct vehicle_in {
	int64_t warehouse_id;
	const char *code, *name;
	int64_t capacity_g;
	bool refrigerated;
	int64_t fixed_fen, fen_per_km, fen_per_hour;
	int64_t available, max_minutes;
	bool active;
};

/* Create a vehicle type of an origin warehouse (422 naming the field, 409 if
 * the code is taken at that warehouse). */
int vehicle_create(struct store *db, const struct vehicle_in *in, int64_t *id, struct app_err *err);
/* Replace every field of vehicle id except its warehouse (in->warehouse_id
 * is ignored). */
int vehicle_update(struct store *db, int64_t id, const struct vehicle_in *in, struct app_err *err);
/* The warehouse of vehicle id, 0 if there is no such vehicle. */
int64_t vehicle_warehouse(struct store *db, int64_t id);
/* {"items":[...], "total":N}; warehouse_id 0 = every warehouse in scope. */
int vehicles_list(struct store *db, int64_t warehouse_id, struct wh_scope scope, json_t **out,
                  struct app_err *err);
int vehicle_get(struct store *db, int64_t id, json_t **out, struct app_err *err);

/* The expected grams at a point on date (YYYY-MM-DD); *source is "rule" or
 * "override", *days the collection days the rule averaged. */
int collect_forecast(struct store *db, int64_t point_id, const char *date, int64_t *expected_g,
                     const char **source, int *days, struct app_err *err);
/* Set (or replace) the override of a point for a date. */
int collect_forecast_override(struct store *db, int64_t point_id, const char *date,
                              int64_t expected_g, const char *note, int64_t user_id, int64_t now_ms,
                              struct app_err *err);
/* Every active point of the warehouse with its forecast for date:
 * {"items":[{point_id, code, name, lon, lat, approximate, opens, closes,
 * expected_g, source, sample_days}], "total":N}; scope limits the points. */
int collect_forecasts_list(struct store *db, int64_t warehouse_id, const char *date,
                           struct point_scope scope, json_t **out, struct app_err *err);

/* "CODE" or numeric id of an origin warehouse -> id (404/422 otherwise). */
int collect_warehouse_resolve(struct store *db, const char *code_or_id, int64_t *id,
                              struct app_err *err);

struct collect_run_opts {
	uint64_t seed;
	long iters;        /* <= 0: the planner's default */
	double time_limit; /* seconds, <= 0: the planner's default */
	struct collect_config cfg;
};

/* Planning in two steps, so that the search (up to opts->time_limit
 * seconds) runs on a read connection and only the storing holds the
 * writer: collect_plan_prepare reads the inputs and solves (422 naming what
 * cannot be planned), collect_plan_store writes the result. The prepared
 * plan is the caller's, freed by collect_prepared_free (NULL is fine). */
struct collect_prepared;
int collect_plan_prepare(struct store *db, int64_t warehouse_id, const char *date,
                         const struct collect_run_opts *opts, struct collect_prepared **out,
                         struct app_err *err);
int collect_plan_store(struct store *db, const struct collect_prepared *pp, int64_t user_id,
                       int64_t now_ms, int64_t *plan_id, struct app_err *err);
void collect_prepared_free(struct collect_prepared *pp);
/* The warehouse and date (YYYY-MM-DD) a prepared plan is for. */
int64_t collect_prepared_warehouse(const struct collect_prepared *pp);
const char *collect_prepared_date(const struct collect_prepared *pp);
/* Both steps in the caller's transaction; *plan_id is the new plan. */
int collect_plan_make(struct store *db, int64_t warehouse_id, const char *date,
                      const struct collect_run_opts *opts, int64_t user_id, int64_t now_ms,
                      int64_t *plan_id, struct app_err *err);
/* A stored plan with its runs (vehicle, times as UTC instants and
 * Asia/Shanghai HH:MM, km, cost), stops (point, coordinates with
 * `approximate`, loads, times), the points left out and why, and the depot.
 * A limited point scope (a collector) keeps only the runs that visit its
 * points and its own points left out. */
int collect_plan_get(struct store *db, int64_t id, struct point_scope scope, json_t **out,
                     struct app_err *err);
/* The warehouse of plan id, 0 if there is no such plan. */
int64_t collect_plan_warehouse(struct store *db, int64_t id);
/* Plans, newest first; date NULL / warehouse_id 0 = any. A limited point
 * scope keeps the plans with a run visiting one of its points. */
int collect_plans_list(struct store *db, const char *date, int64_t warehouse_id,
                       struct wh_scope whs, struct point_scope pts, int64_t limit, int64_t offset,
                       json_t **out, struct app_err *err);

/* For the listings of collect_read.c and vehicles.c: run q (released here)
 * with query_list() and apply shape() to every item. */
int collect_list_shaped(struct store *db, struct query *q, int64_t limit, int64_t offset,
                        void (*shape)(json_t *row), json_t **out, struct app_err *err);

#endif
