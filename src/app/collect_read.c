/*
 * Reading village collection plans and forecasts back as JSON (see
 * collect_runs.h): a plan with its depot, runs, stops and the points left
 * out; the list of plans; the forecast of every point of a warehouse.
 * Coordinates leave as WGS-84 degrees with `approximate` (villages have no
 * public coordinates: theirs are derived near the county seat), instants as
 * UTC ISO-8601 with the Asia/Shanghai clock time beside them ("07:40").
 */
#include "app/collect_runs.h"

#include <stdio.h>
#include <string.h>

#define SHANGHAI_OFFSET_MIN (8 * 60)

/* lon_e6/lat_e6 -> lon/lat degrees; approx -> approximate. */
static void degrees(json_t *o)
{
	json_t *lon = json_object_get(o, "lon_e6"), *lat = json_object_get(o, "lat_e6");
	json_object_set_new(o, "lon",
	                    json_is_integer(lon) ? json_real((double)json_integer_value(lon) / 1e6)
	                                         : json_null());
	json_object_set_new(o, "lat",
	                    json_is_integer(lat) ? json_real((double)json_integer_value(lat) / 1e6)
	                                         : json_null());
	json_object_del(o, "lon_e6");
	json_object_del(o, "lat_e6");
	json_t *ap = json_object_get(o, "approx");
	if (ap) {
		json_object_set(o, "approximate", ap);
		json_object_del(o, "approx");
	}
}

/* "<key>_ms" (UTC ms) -> "<key>_local" ("HH:MM" in Asia/Shanghai). */
static void local_clock(json_t *o, const char *key)
{
	char ms_key[32], local_key[32], clock[8];
	snprintf(ms_key, sizeof(ms_key), "%s_ms", key);
	snprintf(local_key, sizeof(local_key), "%s_local", key);
	int64_t ms = json_integer_value(json_object_get(o, ms_key));
	int64_t min = ms / 60000 + SHANGHAI_OFFSET_MIN;
	collect_clock((int)(((min % 1440) + 1440) % 1440), clock);
	json_object_set_new(o, local_key, json_string(clock));
	json_object_del(o, ms_key);
}

static void km_of(json_t *o)
{
	int64_t m = json_integer_value(json_object_get(o, "distance_m"));
	json_object_set_new(o, "km", json_real((double)((m + 50) / 100) / 10.0));
}

int collect_list_shaped(struct store *db, struct query *q, int64_t limit, int64_t offset,
                        void (*shape)(json_t *row), json_t **out, struct app_err *err)
{
	int rc = query_list(db, q, limit, offset, out, err);
	query_release(q);
	if (rc)
		return rc;
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(*out, "items"), i, row)
	{
		shape(row);
	}
	return 0;
}

static bool in_scope(struct point_scope scope, int64_t point_id)
{
	if (!scope.ids)
		return true;
	for (int i = 0; i < scope.n; i++)
		if (scope.ids[i] == point_id)
			return true;
	return false;
}

static int list_all(struct store *db, const char *sql, int64_t plan_id, json_t **items,
                    struct app_err *err)
{
	struct query q;
	json_t *out;
	query_init(&q, sql);
	query_and_int(&q, "x.plan_id = ?", plan_id);
	query_add(&q, " ORDER BY 1, 2");
	int rc = query_list(db, &q, 0, 0, &out, err);
	query_release(&q);
	if (rc)
		return rc;
	*items = json_incref(json_object_get(out, "items"));
	json_decref(out);
	return 0;
}

#define RUNS_SQL                                                                                   \
	"SELECT x.seq, x.id, x.vehicle_id, v.code AS vehicle_code, v.name AS vehicle_name, "       \
	"v.capacity_g, v.refrigerated, x.depart_at, x.depart_at AS depart_ms, x.return_at, "       \
	"x.return_at AS return_ms, x.load_g, x.distance_m, x.cost_fen FROM collection_plan_runs "  \
	"x "                                                                                       \
	"JOIN vehicles v ON v.id = x.vehicle_id"

#define STOPS_SQL                                                                                  \
	"SELECT x.seq AS run_seq, s.seq, s.point_id, cp.code AS point_code, cp.name AS "           \
	"point_name, cp.lon_e6, cp.lat_e6, cp.approx, cp.opens, cp.closes, s.arrive_at, "          \
	"s.arrive_at AS arrive_ms, s.start_at AS start_ms, s.depart_at, s.depart_at AS "           \
	"depart_ms, s.load_g, s.onboard_g, s.forecast_source FROM collection_plan_stops s JOIN "   \
	"collection_plan_runs x ON x.id = s.run_id JOIN collection_points cp ON cp.id = "          \
	"s.point_id"

#define UNSERVED_SQL                                                                               \
	"SELECT x.point_id, cp.code AS point_code, cp.name AS point_name, cp.lon_e6, cp.lat_e6, "  \
	"cp.approx, cp.opens, cp.closes, x.expected_g, x.reason, x.message_zh AS message, "        \
	"x.message_en FROM collection_plan_unserved x JOIN collection_points cp ON cp.id = "       \
	"x.point_id"

static void shape_stop(json_t *s)
{
	degrees(s);
	local_clock(s, "arrive");
	local_clock(s, "start");
	local_clock(s, "depart");
}

/* Attach each stop to its run (both ordered by run seq). */
static void attach_stops(json_t *runs, json_t *stops)
{
	size_t i, j;
	json_t *run, *stop;
	json_array_foreach(runs, i, run)
	{
		json_t *mine = json_array();
		int64_t seq = json_integer_value(json_object_get(run, "seq"));
		json_array_foreach(stops, j, stop)
		{
			if (json_integer_value(json_object_get(stop, "run_seq")) != seq)
				continue;
			shape_stop(stop);
			json_array_append(mine, stop);
		}
		json_object_set_new(run, "stops", mine);
		json_object_set_new(
		    run, "refrigerated",
		    json_boolean(json_integer_value(json_object_get(run, "refrigerated")) != 0));
		local_clock(run, "depart");
		local_clock(run, "return");
		km_of(run);
	}
}

static bool run_visits(json_t *run, struct point_scope scope)
{
	size_t i;
	json_t *s;
	json_array_foreach(
	    json_object_get(run, "stops"), i,
	    s) if (in_scope(scope, json_integer_value(json_object_get(s, "point_id")))) return true;
	return false;
}

/* Keep the runs visiting the scope's points and its own points left out. */
static void limit_to_scope(json_t *runs, json_t *unserved, struct point_scope scope)
{
	for (size_t i = json_array_size(runs); i-- > 0;)
		if (!run_visits(json_array_get(runs, i), scope))
			json_array_remove(runs, i);
	for (size_t i = json_array_size(unserved); i-- > 0;) {
		json_t *u = json_array_get(unserved, i);
		if (!in_scope(scope, json_integer_value(json_object_get(u, "point_id"))))
			json_array_remove(unserved, i);
	}
}

static int plan_head(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, "SELECT p.id, p.code, p.plan_date AS date, p.status, p.warehouse_id, "
	               "w.code AS warehouse_code, w.name AS warehouse_name, "
	               "COALESCE(w.lon_e6, d.lon_e6) AS lon_e6, COALESCE(w.lat_e6, d.lat_e6) AS "
	               "lat_e6, CASE WHEN w.lon_e6 IS NULL THEN 1 ELSE 0 END AS approx, p.seed, "
	               "p.iterations, p.detour_milli, p.speed_kmh, p.load_g, p.distance_m, "
	               "p.cost_fen, p.created_by, p.created_at FROM collection_plans p JOIN "
	               "warehouses w ON w.id = p.warehouse_id JOIN divisions d ON d.code = "
	               "w.division_code");
	query_and_int(&q, "p.id = ?", id);
	int rc = query_one(db, &q, "collection plan", out, err);
	query_release(&q);
	if (rc)
		return rc;
	degrees(*out);
	km_of(*out);
	return 0;
}

int collect_plan_get(struct store *db, int64_t id, struct point_scope scope, json_t **out,
                     struct app_err *err)
{
	json_t *runs = NULL, *stops = NULL, *unserved = NULL;
	if (plan_head(db, id, out, err))
		return -1;
	if (list_all(db, RUNS_SQL, id, &runs, err) || list_all(db, STOPS_SQL, id, &stops, err) ||
	    list_all(db, UNSERVED_SQL, id, &unserved, err)) {
		json_decref(runs);
		json_decref(stops);
		json_decref(*out);
		return -1;
	}
	attach_stops(runs, stops);
	json_decref(stops);
	size_t i;
	json_t *u;
	json_array_foreach(unserved, i, u)
	{
		degrees(u);
	}
	if (scope.ids)
		limit_to_scope(runs, unserved, scope);
	json_object_set_new(*out, "runs", runs);
	json_object_set_new(*out, "unserved", unserved);
	return 0;
}

int64_t collect_plan_warehouse(struct store *db, int64_t id)
{
	int64_t wh = 0;
	if (store_query_int(db, "SELECT warehouse_id FROM collection_plans WHERE id = ?", id, &wh))
		return 0;
	return wh;
}

static void and_visits_points(struct query *q, struct point_scope pts)
{
	query_and_int(q, "1 = ?", 1);
	query_add(q, " AND p.id IN (SELECT r.plan_id FROM collection_plan_runs r JOIN "
	             "collection_plan_stops s ON s.run_id = r.id WHERE s.point_id IN (");
	int n = pts.n > 0 ? pts.n : 0;
	if (n > QUERY_MAX_BINDS - 8)
		n = QUERY_MAX_BINDS - 8;
	if (n == 0)
		query_add(q, "NULL");
	for (int i = 0; i < n; i++) {
		query_add(q, i ? ", ?" : "?");
		query_bind_int(q, pts.ids[i]);
	}
	query_add(q, "))");
}

int collect_plans_list(struct store *db, const char *date, int64_t warehouse_id,
                       struct wh_scope whs, struct point_scope pts, int64_t limit, int64_t offset,
                       json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, "SELECT p.id, p.code, p.plan_date AS date, p.status, p.warehouse_id, "
	               "w.code AS warehouse_code, p.load_g, p.distance_m, p.cost_fen, (SELECT "
	               "COUNT(*) FROM collection_plan_runs r WHERE r.plan_id = p.id) AS runs, "
	               "(SELECT COUNT(*) FROM collection_plan_unserved u WHERE u.plan_id = p.id) "
	               "AS unserved, p.created_at FROM collection_plans p JOIN warehouses w ON "
	               "w.id = p.warehouse_id");
	if (date)
		query_and_text(&q, "p.plan_date = ?", date);
	if (warehouse_id)
		query_and_int(&q, "p.warehouse_id = ?", warehouse_id);
	if (whs.ids)
		query_and_in(&q, "p.warehouse_id", whs.ids, whs.n);
	if (pts.ids)
		and_visits_points(&q, pts);
	query_add(&q, " ORDER BY p.id DESC");
	return collect_list_shaped(db, &q, limit, offset, km_of, out, err);
}

static int add_forecast(struct store *db, json_t *row, const char *date, struct app_err *err)
{
	int64_t g = 0;
	const char *source;
	int days;
	if (collect_forecast(db, json_integer_value(json_object_get(row, "point_id")), date, &g,
	                     &source, &days, err))
		return -1;
	json_object_set_new(row, "expected_g", json_integer(g));
	json_object_set_new(row, "source", json_string(source));
	json_object_set_new(row, "sample_days", json_integer(days));
	degrees(row);
	return 0;
}

int collect_forecasts_list(struct store *db, int64_t warehouse_id, const char *date,
                           struct point_scope scope, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, "SELECT cp.id AS point_id, cp.code, cp.name, cp.lon_e6, cp.lat_e6, "
	               "cp.approx, cp.opens, cp.closes FROM collection_points cp");
	query_and_int(&q, "cp.warehouse_id = ?", warehouse_id);
	query_and_int(&q, "cp.active = ?", 1);
	if (scope.ids)
		query_and_in(&q, "cp.id", scope.ids, scope.n);
	query_add(&q, " ORDER BY cp.id");
	int rc = query_list(db, &q, 0, 0, out, err);
	query_release(&q);
	if (rc)
		return rc;
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(*out, "items"), i,
	                   row) if (add_forecast(db, row, date, err))
	{
		json_decref(*out);
		return -1;
	}
	return 0;
}
