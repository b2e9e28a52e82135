/*
 * Village collection runs (乡村集货) over HTTP: the origin warehouse's
 * vehicles (list, create, replace), the expected load at each point on a
 * date (the forecast rule, and the planner's override), and the day's plan:
 * POST /collection-plans plans and stores it (the search runs first on a
 * read connection, outside the writer, ROUTE_PREPARE; it stops after a
 * fixed number of iterations, capped by time_limit seconds, at most 30;
 * only storing the plan holds the writer), GET returns plans with runs, stops,
 * loads, times, km, cost and the points' approximate coordinates. Thin:
 * src/app/collect_runs.c and collect_read.c do the work.
 *
 * Scope. Admin: everything. Office: reads everything, writes nothing. A
 * warehouse operator: its own warehouses only (another's is 403). A
 * collector: reads the forecasts of its own points, and plans only through
 * the runs that visit its points (the other runs and other points left out
 * are not shown; a plan visiting none of its points is 403); it writes
 * nothing. Channels and machine tokens: 403 everywhere.
 */
#include <stdio.h>
#include <string.h>

#include "app/collect_runs.h"
#include "http/routes.h"
#include "http/server_int.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#define MAX_FEN 1000000000LL

static const int64_t no_ids[1] = {0};

static bool sees_all(const struct user *u)
{
	return u->role == ROLE_ADMIN || u->role == ROLE_OFFICE;
}

static bool at_warehouse(const struct user *u, int64_t warehouse_id)
{
	return sees_all(u) || (u->role == ROLE_WAREHOUSE && user_has_warehouse(u, warehouse_id));
}

static struct wh_scope warehouses_of(const struct user *u)
{
	if (u->role == ROLE_WAREHOUSE)
		return (struct wh_scope){u->warehouses ? u->warehouses : no_ids, u->nwarehouses};
	return (struct wh_scope){NULL, 0};
}

static struct point_scope points_of(const struct user *u)
{
	if (u->role == ROLE_COLLECTOR)
		return (struct point_scope){u->points ? u->points : no_ids, u->npoints};
	return (struct point_scope){NULL, 0};
}

static const char *id_text(struct req *r, int64_t id)
{
	return arena_printf(r->arena, "%lld", (long long)id);
}

/* ?name= as a positive id (0 if absent); false after recording an error. */
static bool query_id(struct req *r, const char *name, bool required, int64_t *out)
{
	const char *s = req_query(r, name);
	*out = 0;
	if (!s && !required)
		return true;
	if (!s || parse_int64(str_from(s), out) || *out <= 0) {
		req_add_error(r, name, 0, "须为正整数编号",
		              arena_printf(r->arena, "%s must be a positive id", name));
		return false;
	}
	return true;
}

static bool query_date(struct req *r, bool required, const char **out)
{
	int64_t day;
	*out = req_query(r, "date");
	if (!*out && !required)
		return true;
	if (!*out || date_parse(*out, strlen(*out), &day)) {
		req_add_error(r, "date", 0, "日期须为 YYYY-MM-DD", "date must be YYYY-MM-DD");
		return false;
	}
	return true;
}

static bool path_id(struct req *r, int64_t *id)
{
	return parse_int64(str_from(r->params[0]), id) == 0 && *id > 0;
}

/* ---- vehicles ---- */

static bool parse_vehicle(struct req *r, json_t *body, bool create, struct vehicle_in *in)
{
	static const char *const fields[] = {
	    "warehouse_id", "code",         "name",      "capacity_kg", "refrigerated", "fixed_fen",
	    "fen_per_km",   "fen_per_hour", "available", "max_minutes", "active",       NULL};
	int64_t kg = 0;
	in->max_minutes = 720;
	in->active = true;
	bool ok = jcheck_fields(r, body, fields) &
	          jget_int(r, body, "warehouse_id", create, 1, INT64_MAX, &in->warehouse_id) &
	          jget_str(r, body, "code", true, 32, &in->code) &
	          jget_str(r, body, "name", true, 40, &in->name) &
	          jget_int(r, body, "capacity_kg", true, 1, 100000, &kg) &
	          jget_bool(r, body, "refrigerated", false, &in->refrigerated) &
	          jget_int(r, body, "fixed_fen", true, 0, MAX_FEN, &in->fixed_fen) &
	          jget_int(r, body, "fen_per_km", true, 0, MAX_FEN, &in->fen_per_km) &
	          jget_int(r, body, "fen_per_hour", true, 0, MAX_FEN, &in->fen_per_hour) &
	          jget_int(r, body, "available", true, 0, 100, &in->available) &
	          jget_int(r, body, "max_minutes", false, 30, 1440, &in->max_minutes) &
	          jget_bool(r, body, "active", false, &in->active);
	in->capacity_g = kg * 1000;
	return ok;
}

static int reply_vehicle(struct req *r, int status, int64_t id)
{
	struct app_err e;
	json_t *out;
	if (vehicle_get(r->db, id, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, status, out);
}

static int handle_vehicles_list(struct req *r)
{
	int64_t wh;
	struct app_err e;
	json_t *out;
	if (!query_id(r, "warehouse_id", false, &wh))
		return reply_invalid(r);
	if (wh && !at_warehouse(r->user, wh))
		return reply_forbidden(r);
	if (vehicles_list(r->db, wh, warehouses_of(r->user), &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

static int handle_vehicle_create(struct req *r)
{
	json_t *body = req_body_object(r);
	struct vehicle_in in = {0};
	struct app_err e;
	int64_t id;
	if (!body || !parse_vehicle(r, body, true, &in))
		return reply_invalid(r);
	if (!at_warehouse(r->user, in.warehouse_id))
		return reply_forbidden(r);
	if (vehicle_create(r->db, &in, &id, &e))
		return reply_app_error(r, &e);
	int rc =
	    audit(r, "vehicle.create", "vehicle", id_text(r, id),
	          arena_printf(r->arena, "{\"warehouse_id\":%lld}", (long long)in.warehouse_id));
	return rc ? reply_store_error(r, rc) : reply_vehicle(r, 201, id);
}

static int handle_vehicle_update(struct req *r)
{
	json_t *body = req_body_object(r);
	struct vehicle_in in = {0};
	struct app_err e;
	int64_t id, wh;
	if (!path_id(r, &id) || !(wh = vehicle_warehouse(r->db, id)))
		return reply_not_found(r, "车辆 vehicle");
	if (!at_warehouse(r->user, wh))
		return reply_forbidden(r);
	if (!body || !parse_vehicle(r, body, false, &in))
		return reply_invalid(r);
	if (in.warehouse_id && in.warehouse_id != wh) {
		req_add_error(r, "warehouse_id", 0, "车辆不能换仓库",
		              "a vehicle cannot move to another warehouse");
		return reply_invalid(r);
	}
	if (vehicle_update(r->db, id, &in, &e))
		return reply_app_error(r, &e);
	int rc = audit(r, "vehicle.update", "vehicle", id_text(r, id), NULL);
	return rc ? reply_store_error(r, rc) : reply_vehicle(r, 200, id);
}

/* ---- forecasts ---- */

static int handle_forecasts(struct req *r)
{
	int64_t wh;
	const char *date;
	struct app_err e;
	json_t *out;
	if (!(query_id(r, "warehouse_id", true, &wh) & query_date(r, true, &date)))
		return reply_invalid(r);
	if (r->user->role != ROLE_COLLECTOR && !at_warehouse(r->user, wh))
		return reply_forbidden(r);
	if (collect_forecasts_list(r->db, wh, date, points_of(r->user), &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

static int64_t point_warehouse(struct store *db, int64_t point_id)
{
	int64_t wh = 0;
	if (store_query_int(db,
	                    "SELECT COALESCE(warehouse_id, 0) FROM collection_points WHERE id = ?",
	                    point_id, &wh))
		return 0;
	return wh;
}

static int handle_forecast_override(struct req *r)
{
	static const char *const fields[] = {"point_id", "date", "expected_kg", "note", NULL};
	json_t *body = req_body_object(r);
	int64_t point = 0, kg = 0;
	const char *date = NULL, *note = NULL;
	struct app_err e;
	if (!body || !(jcheck_fields(r, body, fields) &
	               jget_int(r, body, "point_id", true, 1, INT64_MAX, &point) &
	               jget_date(r, body, "date", true, &date) &
	               jget_int(r, body, "expected_kg", true, 0, 100000, &kg) &
	               jget_str(r, body, "note", false, 200, &note)))
		return reply_invalid(r);
	int64_t wh = point_warehouse(r->db, point);
	if (!wh) {
		req_add_error(r, "point_id", 0, "收购点不存在或不属于产地仓",
		              "the point does not exist or feeds no origin warehouse");
		return reply_invalid(r);
	}
	if (!at_warehouse(r->user, wh))
		return reply_forbidden(r);
	if (collect_forecast_override(r->db, point, date, kg * 1000, note, r->user->id, now_ms(),
	                              &e))
		return reply_app_error(r, &e);
	int rc = audit(
	    r, "collection_forecast.override", "collection_point", id_text(r, point),
	    arena_printf(r->arena, "{\"date\":\"%s\",\"expected_kg\":%lld}", date, (long long)kg));
	if (rc)
		return reply_store_error(r, rc);
	json_t *out;
	if (collect_forecasts_list(r->db, wh, date, (struct point_scope){&point, 1}, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

/* ---- plans ---- */

static int reply_plan(struct req *r, int status, int64_t id)
{
	struct app_err e;
	json_t *out;
	if (collect_plan_get(r->db, id, points_of(r->user), &out, &e))
		return reply_app_error(r, &e);
	if (r->user->role == ROLE_COLLECTOR && json_array_size(json_object_get(out, "runs")) == 0 &&
	    json_array_size(json_object_get(out, "unserved")) == 0) {
		json_decref(out);
		return reply_forbidden(r);
	}
	return reply_json(r, status, out);
}

static void prepared_free(void *pp)
{
	collect_prepared_free(pp);
}

static long searches; /* plan searches started: the test builds' counters */

long collection_plan_searches(void)
{
	return __atomic_load_n(&searches, __ATOMIC_RELAXED);
}

/* First call (r->preparing, read connection): validate, check the scope,
 * read the inputs and search; the plan waits in r->prepared. */
static int prepare_plan(struct req *r)
{
	static const char *const fields[] = {"date", "warehouse_id", "time_limit", "seed", NULL};
	json_t *body = req_body_object(r);
	struct collect_run_opts o = {.seed = 1};
	struct collect_prepared *pp;
	int64_t wh = 0, limit = 10, seed = 1;
	const char *date = NULL;
	struct app_err e;
	if (!body || !(jcheck_fields(r, body, fields) & jget_date(r, body, "date", true, &date) &
	               jget_int(r, body, "warehouse_id", true, 1, INT64_MAX, &wh) &
	               jget_int(r, body, "time_limit", false, 1, 30, &limit) &
	               jget_int(r, body, "seed", false, 0, 1000000000, &seed)))
		return reply_invalid(r);
	if (!at_warehouse(r->user, wh))
		return reply_forbidden(r);
	collect_config_default(&o.cfg);
	o.seed = (uint64_t)seed;
	o.time_limit = (double)limit;
	if (collect_warehouse_resolve(r->db, id_text(r, wh), &wh, &e))
		return reply_app_error(r, &e);
	__atomic_add_fetch(&searches, 1, __ATOMIC_RELAXED);
	if (collect_plan_prepare(r->db, wh, date, &o, &pp, &e))
		return reply_app_error(r, &e);
	r->prepared = pp;
	r->prepared_free = prepared_free;
	return 0;
}

/* POST /collection-plans (ROUTE_PREPARE): the search ran in prepare_plan;
 * on the writer only the plan is stored and audited. */
static int handle_plan_create(struct req *r)
{
	struct app_err e;
	int64_t id;
	if (r->preparing)
		return prepare_plan(r);
	int64_t wh = collect_prepared_warehouse(r->prepared);
	const char *date = collect_prepared_date(r->prepared);
	if (collect_plan_store(r->db, r->prepared, r->user->id, now_ms(), &id, &e))
		return reply_app_error(r, &e);
	int rc = audit(
	    r, "collection_plan.create", "collection_plan", id_text(r, id),
	    arena_printf(r->arena, "{\"warehouse_id\":%lld,\"date\":\"%s\"}", (long long)wh, date));
	return rc ? reply_store_error(r, rc) : reply_plan(r, 201, id);
}

static int handle_plans_list(struct req *r)
{
	int64_t wh, limit, offset;
	const char *date;
	struct app_err e;
	json_t *out;
	if (!(query_id(r, "warehouse_id", false, &wh) & query_date(r, false, &date)))
		return reply_invalid(r);
	if (wh && r->user->role != ROLE_COLLECTOR && !at_warehouse(r->user, wh))
		return reply_forbidden(r);
	req_paging(r, &limit, &offset);
	if (collect_plans_list(r->db, date, wh, warehouses_of(r->user), points_of(r->user), limit,
	                       offset, &out, &e))
		return reply_app_error(r, &e);
	return reply_json(r, 200, out);
}

static int handle_plan_get(struct req *r)
{
	int64_t id, wh;
	if (!path_id(r, &id) || !(wh = collect_plan_warehouse(r->db, id)))
		return reply_not_found(r, "集货计划 collection plan");
	if (r->user->role != ROLE_COLLECTOR && !at_warehouse(r->user, wh))
		return reply_forbidden(r);
	return reply_plan(r, 200, id);
}

#define READERS (ROLE_ADMIN | ROLE_OFFICE | ROLE_WAREHOUSE)
#define WRITERS (ROLE_ADMIN | ROLE_WAREHOUSE)

const struct route collection_runs_routes[] = {
    {"GET", "/api/v1/vehicles", handle_vehicles_list, READERS, 0,
     "list the origin warehouses' vehicles for collection runs"},
    {"POST", "/api/v1/vehicles", handle_vehicle_create, WRITERS, 0,
     "add a vehicle type to an origin warehouse"},
    {"PUT", "/api/v1/vehicles/{id}", handle_vehicle_update, WRITERS, 0,
     "replace a vehicle type's fields"},
    {"GET", "/api/v1/collection-forecasts", handle_forecasts, READERS | ROLE_COLLECTOR, 0,
     "expected load at each collection point of a warehouse on a date"},
    {"PUT", "/api/v1/collection-forecasts", handle_forecast_override, WRITERS, 0,
     "set the planner's override of a point's expected load on a date"},
    {"GET", "/api/v1/collection-plans", handle_plans_list, READERS | ROLE_COLLECTOR, 0,
     "list stored collection plans"},
    {"POST", "/api/v1/collection-plans", handle_plan_create, WRITERS, ROUTE_PREPARE,
     "plan and store a day's village collection runs"},
    {"GET", "/api/v1/collection-plans/{id}", handle_plan_get, READERS | ROLE_COLLECTOR, 0,
     "one collection plan with runs, stops, loads, times, km, cost"},
    {NULL, NULL, NULL, 0, 0, NULL},
};
