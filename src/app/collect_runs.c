/*
 * Village collection runs over the store (see collect_runs.h): the forecast
 * rule and its overrides, gathering a warehouse's points, loads and vehicles
 * into a struct collect_input, storing the planner's result (plan, runs,
 * stops with UTC instants, points left out) and reading plans back as JSON
 * with Asia/Shanghai clock times and the points' approximate coordinates.
 */
#include "app/collect_runs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/str.h"
#include "lib/timeutil.h"

#define SHANGHAI_OFFSET_MIN (8 * 60)

/* The acting user, or NULL for the system (0). */
static void bind_user(struct stmt *st, int idx, int64_t user_id)
{
	if (user_id)
		stmt_bind_int(st, idx, user_id);
	else
		stmt_bind_null(st, idx);
}

/* ---- the forecast ---- */

static int override_of(struct store *db, int64_t point_id, const char *date, int64_t *g)
{
	struct stmt *st;
	int rc = store_prepare(db,
	                       "SELECT expected_g FROM collection_forecast_overrides "
	                       "WHERE point_id = ? AND on_date = ?",
	                       &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, point_id);
	stmt_bind_text(st, 2, date);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*g = stmt_int(st, 0);
	stmt_finalize(st);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : rc;
}

/* Mean net grams of the same-weekday collection days before `day`. */
static int rule_of(struct store *db, int64_t point_id, int64_t day, int64_t *g, int *days)
{
	struct stmt *st;
	char from[16], to[16];
	date_format(day - 7 * COLLECT_FORECAST_WEEKS, from, sizeof(from));
	date_format(day, to, sizeof(to));
	int rc =
	    store_prepare(db,
	                  "SELECT collected_on, SUM(net_g) FROM collections WHERE point_id = ? "
	                  "AND collected_on >= ? AND collected_on < ? GROUP BY collected_on "
	                  "ORDER BY collected_on DESC",
	                  &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, point_id);
	stmt_bind_text(st, 2, from);
	stmt_bind_text(st, 3, to);
	int64_t sum = 0;
	*days = 0;
	while (*days < COLLECT_FORECAST_DAYS && (rc = stmt_step(st)) == STORE_ROW) {
		const char *on = stmt_text(st, 0);
		int64_t d, net = stmt_int(st, 1);
		if (date_parse(on, strlen(on), &d) || (day - d) % 7 != 0 || net <= 0)
			continue;
		sum += net;
		(*days)++;
	}
	stmt_finalize(st);
	if (rc < 0)
		return rc;
	*g = *days ? (sum + *days / 2) / *days : 0;
	return 0;
}

int collect_forecast(struct store *db, int64_t point_id, const char *date, int64_t *expected_g,
                     const char **source, int *days, struct app_err *err)
{
	int64_t day;
	if (!date || date_parse(date, strlen(date), &day))
		return app_fail(err, 422, "invalid", "date", "日期须为 YYYY-MM-DD",
		                "date must be YYYY-MM-DD");
	*days = 0;
	int rc = override_of(db, point_id, date, expected_g);
	if (rc < 0)
		return app_store_fail(err, db, rc);
	if (rc == 1) {
		*source = "override";
		return 0;
	}
	*source = "rule";
	rc = rule_of(db, point_id, day, expected_g, days);
	return rc ? app_store_fail(err, db, rc) : 0;
}

int collect_forecast_override(struct store *db, int64_t point_id, const char *date,
                              int64_t expected_g, const char *note, int64_t user_id, int64_t now_ms,
                              struct app_err *err)
{
	int64_t day, n = 0;
	struct stmt *st;
	if (!date || date_parse(date, strlen(date), &day))
		return app_fail(err, 422, "invalid", "date", "日期须为 YYYY-MM-DD",
		                "date must be YYYY-MM-DD");
	int rc = store_query_int(db, "SELECT COUNT(*) FROM collection_points WHERE id = ?",
	                         point_id, &n);
	if (rc)
		return app_store_fail(err, db, rc);
	if (!n)
		return app_fail(err, 422, "invalid", "point_id", "收购点不存在",
		                "collection point %lld does not exist", (long long)point_id);
	rc = store_prepare(
	    db,
	    "INSERT INTO collection_forecast_overrides (point_id, on_date, expected_g, "
	    "note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?) "
	    "ON CONFLICT (point_id, on_date) DO UPDATE SET expected_g = "
	    "excluded.expected_g, note = excluded.note, created_by = "
	    "excluded.created_by, created_at = excluded.created_at",
	    &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, point_id);
	stmt_bind_text(st, 2, date);
	stmt_bind_int(st, 3, expected_g);
	stmt_bind_text(st, 4, note ? note : "");
	bind_user(st, 5, user_id);
	stmt_bind_int(st, 6, now_ms);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

/* ---- the warehouse's points and vehicles ---- */

int collect_warehouse_resolve(struct store *db, const char *code_or_id, int64_t *id,
                              struct app_err *err)
{
	struct stmt *st;
	int64_t num = 0;
	bool numeric = parse_int64(str_from(code_or_id), &num) == 0;
	int rc = store_prepare(db,
	                       numeric ? "SELECT id, kind FROM warehouses WHERE id = ?"
	                               : "SELECT id, kind FROM warehouses WHERE code = ?",
	                       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	if (numeric)
		stmt_bind_int(st, 1, num);
	else
		stmt_bind_text(st, 1, code_or_id);
	rc = stmt_step(st);
	bool origin = rc == STORE_ROW && strcmp(stmt_text(st, 1), "origin") == 0;
	*id = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_finalize(st);
	if (rc < 0)
		return app_store_fail(err, db, rc);
	if (!*id)
		return app_fail(err, 404, "not_found", "warehouse_id", "仓库不存在",
		                "warehouse '%s' not found", code_or_id);
	if (!origin)
		return app_fail(err, 422, "invalid", "warehouse_id", "集货线路只属于产地仓",
		                "warehouse '%s' is not an origin warehouse", code_or_id);
	return 0;
}

/* Everything planning needs, with what the plan does not carry itself. */
struct gathered {
	struct collect_input in;
	struct collect_point *points;
	const char **source; /* per point: "rule" | "override" */
	bool *no_coords;
	struct collect_vehicle *vehicles;
	int cap_points, cap_vehicles;
};

static void gathered_release(struct gathered *g)
{
	free(g->points);
	free(g->source);
	free(g->no_coords);
	free(g->vehicles);
}

static int clock_minutes(const char *s)
{
	if (!s || strlen(s) != 5 || s[2] != ':')
		return -1;
	return ((s[0] - '0') * 10 + (s[1] - '0')) * 60 + (s[3] - '0') * 10 + (s[4] - '0');
}

static int depot_of(struct store *db, int64_t warehouse_id, struct gathered *g)
{
	struct stmt *st;
	int rc = store_prepare(db,
	                       "SELECT COALESCE(w.lon_e6, d.lon_e6), COALESCE(w.lat_e6, d.lat_e6) "
	                       "FROM warehouses w JOIN divisions d ON d.code = w.division_code "
	                       "WHERE w.id = ?",
	                       &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, warehouse_id);
	rc = stmt_step(st);
	bool have = rc == STORE_ROW && stmt_type(st, 0) != COL_NULL;
	if (have) {
		g->in.depot_lon = (double)stmt_int(st, 0) / 1e6;
		g->in.depot_lat = (double)stmt_int(st, 1) / 1e6;
	}
	stmt_finalize(st);
	return rc < 0 ? rc : have ? 0 : 1;
}

static void add_point(struct gathered *g, struct stmt *st)
{
	if (g->in.npoints == g->cap_points) {
		g->cap_points = g->cap_points ? 2 * g->cap_points : 16;
		g->points = xrealloc(g->points, (size_t)g->cap_points * sizeof(*g->points));
		g->source = xrealloc(g->source, (size_t)g->cap_points * sizeof(*g->source));
		g->no_coords = xrealloc(g->no_coords, (size_t)g->cap_points * sizeof(bool));
	}
	int i = g->in.npoints++;
	struct collect_point *p = &g->points[i];
	memset(p, 0, sizeof(*p));
	p->id = stmt_int(st, 0);
	snprintf(p->code, sizeof(p->code), "%s", stmt_text(st, 1));
	snprintf(p->name, sizeof(p->name), "%s", stmt_text(st, 2));
	g->no_coords[i] = stmt_type(st, 3) == COL_NULL || stmt_type(st, 4) == COL_NULL;
	p->lon = (double)stmt_int(st, 3) / 1e6;
	p->lat = (double)stmt_int(st, 4) / 1e6;
	p->opens_min = clock_minutes(stmt_text(st, 5));
	p->closes_min = clock_minutes(stmt_text(st, 6));
}

/* Run sql (one parameter: the warehouse) and hand each row to add. */
static int each_row(struct store *db, const char *sql, int64_t warehouse_id, struct gathered *g,
                    void (*add)(struct gathered *g, struct stmt *st))
{
	struct stmt *st;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, warehouse_id);
	while ((rc = stmt_step(st)) == STORE_ROW)
		add(g, st);
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : rc;
}

static int points_of(struct store *db, int64_t warehouse_id, struct gathered *g)
{
	return each_row(db,
	                "SELECT id, code, name, lon_e6, lat_e6, opens, closes FROM "
	                "collection_points WHERE warehouse_id = ? AND active = 1 ORDER BY id",
	                warehouse_id, g, add_point);
}

static void add_vehicle(struct gathered *g, struct stmt *st)
{
	if (g->in.nvehicles == g->cap_vehicles) {
		g->cap_vehicles = g->cap_vehicles ? 2 * g->cap_vehicles : 8;
		g->vehicles = xrealloc(g->vehicles, (size_t)g->cap_vehicles * sizeof(*g->vehicles));
	}
	struct collect_vehicle *v = &g->vehicles[g->in.nvehicles++];
	memset(v, 0, sizeof(*v));
	v->id = stmt_int(st, 0);
	snprintf(v->name, sizeof(v->name), "%s", stmt_text(st, 1));
	v->capacity_g = stmt_int(st, 2);
	v->refrigerated = stmt_int(st, 3) != 0;
	v->fixed_fen = stmt_int(st, 4);
	v->fen_per_km = stmt_int(st, 5);
	v->fen_per_hour = stmt_int(st, 6);
	v->available = (int)stmt_int(st, 7);
	v->max_minutes = (int)stmt_int(st, 8);
}

static int vehicles_of(struct store *db, int64_t warehouse_id, struct gathered *g)
{
	return each_row(db,
	                "SELECT id, name, capacity_g, refrigerated, fixed_fen, fen_per_km, "
	                "fen_per_hour, available, max_minutes FROM vehicles WHERE "
	                "warehouse_id = ? AND active = 1 AND available > 0 ORDER BY id",
	                warehouse_id, g, add_vehicle);
}

static int loads_of(struct store *db, const char *date, struct gathered *g, struct app_err *err)
{
	for (int i = 0; i < g->in.npoints; i++) {
		int days;
		if (collect_forecast(db, g->points[i].id, date, &g->points[i].load_g, &g->source[i],
		                     &days, err))
			return -1;
	}
	return 0;
}

static int gather(struct store *db, int64_t warehouse_id, const char *date, struct gathered *g,
                  struct app_err *err)
{
	int rc = depot_of(db, warehouse_id, g);
	if (rc < 0)
		return app_store_fail(err, db, rc);
	if (rc > 0)
		return app_fail(err, 422, "invalid", "warehouse_id", "产地仓没有坐标",
		                "the warehouse has no coordinates (nor has its division)");
	if ((rc = points_of(db, warehouse_id, g)) || (rc = vehicles_of(db, warehouse_id, g)))
		return app_store_fail(err, db, rc);
	if (g->in.nvehicles == 0)
		return app_fail(err, 422, "no_vehicles", "warehouse_id", "该产地仓没有可用车辆",
		                "the warehouse has no vehicle available: add vehicles first");
	g->in.points = g->points;
	g->in.vehicles = g->vehicles;
	return loads_of(db, date, g, err);
}

/* ---- storing the plan ---- */

/* UTC milliseconds of minutes after midnight Asia/Shanghai on day. */
static int64_t instant_ms(int64_t day, int minutes)
{
	return (day * 1440 + minutes - SHANGHAI_OFFSET_MIN) * 60000;
}

static const char *plan_status(const struct collect_plan *p, const struct gathered *g,
                               const struct gathered *left_out)
{
	int loaded = left_out->in.npoints;
	for (int i = 0; i < g->in.npoints; i++)
		loaded += g->points[i].load_g > 0;
	if (loaded == 0)
		return "empty";
	return p->nunserved || left_out->in.npoints ? "partial" : "complete";
}

static int insert_plan(struct store *db, const struct collect_plan *p, const struct gathered *g,
                       const char *status, int64_t warehouse_id, const char *date,
                       const struct collect_run_opts *o, int64_t user_id, int64_t now, int64_t *id)
{
	struct stmt *st;
	char code[32];
	app_new_code("CR", code, sizeof(code));
	int rc =
	    store_prepare(db,
	                  "INSERT INTO collection_plans (code, warehouse_id, plan_date, status, "
	                  "seed, iterations, detour_milli, speed_kmh, load_g, distance_m, "
	                  "cost_fen, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
	                  "?, ?, ?, ?) RETURNING id",
	                  &st);
	if (rc)
		return rc;
	stmt_bind_text(st, 1, code);
	stmt_bind_int(st, 2, warehouse_id);
	stmt_bind_text(st, 3, date);
	stmt_bind_text(st, 4, status);
	stmt_bind_int(st, 5, (int64_t)o->seed);
	stmt_bind_int(st, 6, p->iters);
	stmt_bind_int(st, 7, (int64_t)(g->in.cfg.detour * 1000 + 0.5));
	stmt_bind_int(st, 8, (int64_t)(g->in.cfg.speed_kmh + 0.5));
	stmt_bind_int(st, 9, p->load_g);
	stmt_bind_int(st, 10, p->distance_m);
	stmt_bind_int(st, 11, p->cost_fen);
	bind_user(st, 12, user_id);
	stmt_bind_int(st, 13, now);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*id = stmt_int(st, 0);
	stmt_finalize(st);
	return rc == STORE_ROW ? 0 : rc < 0 ? rc : STORE_EMISUSE;
}

static int insert_stops(struct store *db, int64_t run_id, const struct collect_run *run,
                        const struct gathered *g, int64_t day)
{
	struct stmt *st;
	int rc =
	    store_prepare(db,
	                  "INSERT INTO collection_plan_stops (run_id, seq, point_id, arrive_at, "
	                  "start_at, depart_at, load_g, onboard_g, forecast_source) VALUES (?, "
	                  "?, ?, ?, ?, ?, ?, ?, ?)",
	                  &st);
	if (rc)
		return rc;
	for (int s = 0; s < run->nstops && rc == 0; s++) {
		const struct collect_stop *x = &run->stops[s];
		stmt_bind_int(st, 1, run_id);
		stmt_bind_int(st, 2, s + 1);
		stmt_bind_int(st, 3, g->points[x->point].id);
		stmt_bind_int(st, 4, instant_ms(day, x->arrive_min));
		stmt_bind_int(st, 5, instant_ms(day, x->start_min));
		stmt_bind_int(st, 6, instant_ms(day, x->depart_min));
		stmt_bind_int(st, 7, x->load_g);
		stmt_bind_int(st, 8, x->onboard_g);
		stmt_bind_text(st, 9, g->source[x->point]);
		int step = stmt_step(st);
		stmt_reset(st);
		rc = step == STORE_DONE ? 0 : step;
	}
	stmt_finalize(st);
	return rc;
}

static int insert_run(struct store *db, int64_t plan_id, int seq, const struct collect_run *run,
                      const struct gathered *g, int64_t day)
{
	struct stmt *st;
	int64_t run_id = 0;
	int rc =
	    store_prepare(db,
	                  "INSERT INTO collection_plan_runs (plan_id, seq, vehicle_id, "
	                  "depart_at, return_at, load_g, distance_m, cost_fen) VALUES (?, ?, ?, "
	                  "?, ?, ?, ?, ?) RETURNING id",
	                  &st);
	if (rc)
		return rc;
	stmt_bind_int(st, 1, plan_id);
	stmt_bind_int(st, 2, seq);
	stmt_bind_int(st, 3, g->vehicles[run->vehicle].id);
	stmt_bind_int(st, 4, instant_ms(day, run->depart_min));
	stmt_bind_int(st, 5, instant_ms(day, run->return_min));
	stmt_bind_int(st, 6, run->load_g);
	stmt_bind_int(st, 7, run->distance_m);
	stmt_bind_int(st, 8, run->cost_fen);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		run_id = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc != STORE_ROW)
		return rc < 0 ? rc : STORE_EMISUSE;
	return insert_stops(db, run_id, run, g, day);
}

static int insert_unserved_row(struct stmt *st, int64_t plan_id, const struct collect_point *p,
                               const char *reason, const char *zh, const char *en)
{
	stmt_bind_int(st, 1, plan_id);
	stmt_bind_int(st, 2, p->id);
	stmt_bind_int(st, 3, p->load_g);
	stmt_bind_text(st, 4, reason);
	stmt_bind_text(st, 5, zh);
	stmt_bind_text(st, 6, en);
	int rc = stmt_step(st);
	stmt_reset(st);
	return rc == STORE_DONE ? 0 : rc;
}

static int insert_unserved(struct store *db, int64_t plan_id, const struct collect_plan *p,
                           const struct gathered *g, const struct gathered *left_out)
{
	struct stmt *st;
	int rc =
	    store_prepare(db,
	                  "INSERT INTO collection_plan_unserved (plan_id, point_id, expected_g, "
	                  "reason, message_zh, message_en) VALUES (?, ?, ?, ?, ?, ?)",
	                  &st);
	if (rc)
		return rc;
	for (int i = 0; i < p->nunserved && rc == 0; i++) {
		const struct collect_unserved *u = &p->unserved[i];
		rc = insert_unserved_row(st, plan_id, &g->points[u->point],
		                         collect_reason_code(u->reason), u->message_zh,
		                         u->message_en);
	}
	for (int i = 0; i < left_out->in.npoints && rc == 0; i++) {
		const struct collect_point *x = &left_out->points[i];
		char zh[256], en[256];
		snprintf(zh, sizeof(zh), "收购点 '%s'：没有坐标，无法规划", x->code);
		snprintf(en, sizeof(en), "point '%s': has no coordinates to plan with", x->code);
		rc = insert_unserved_row(st, plan_id, x, "no_coordinates", zh, en);
	}
	stmt_finalize(st);
	return rc;
}

/* Points without coordinates move from g to left_out (their loads kept). */
static void split_no_coords(struct gathered *g, struct gathered *left_out)
{
	int k = 0;
	for (int i = 0; i < g->in.npoints; i++) {
		if (g->no_coords[i] && g->points[i].load_g > 0) {
			left_out->points =
			    xrealloc(left_out->points, (size_t)(left_out->in.npoints + 1) *
			                                   sizeof(*left_out->points));
			left_out->points[left_out->in.npoints++] = g->points[i];
			continue;
		}
		g->points[k] = g->points[i];
		g->source[k] = g->source[i];
		g->no_coords[k++] = false;
	}
	g->in.npoints = k;
}

static int store_plan(struct store *db, const struct collect_plan *p, const struct gathered *g,
                      const struct gathered *left_out, int64_t warehouse_id, const char *date,
                      const struct collect_run_opts *o, int64_t user_id, int64_t now, int64_t *id)
{
	int64_t day;
	date_parse(date, strlen(date), &day);
	int rc = insert_plan(db, p, g, plan_status(p, g, left_out), warehouse_id, date, o, user_id,
	                     now, id);
	for (int r = 0; r < p->nruns && rc == 0; r++)
		rc = insert_run(db, *id, r + 1, &p->runs[r], g, day);
	if (rc == 0)
		rc = insert_unserved(db, *id, p, g, left_out);
	return rc;
}

/* A planned day not yet stored: the inputs, the plan and what the plan
 * left out, owned by this struct (collect_prepared_free). */
struct collect_prepared {
	struct gathered g, left_out;
	struct collect_plan plan;
	int64_t warehouse_id;
	char date[11];
	struct collect_run_opts opts;
};

void collect_prepared_free(struct collect_prepared *pp)
{
	if (!pp)
		return;
	collect_plan_release(&pp->plan);
	gathered_release(&pp->g);
	gathered_release(&pp->left_out);
	free(pp);
}

int64_t collect_prepared_warehouse(const struct collect_prepared *pp)
{
	return pp->warehouse_id;
}

const char *collect_prepared_date(const struct collect_prepared *pp)
{
	return pp->date;
}

int collect_plan_prepare(struct store *db, int64_t warehouse_id, const char *date,
                         const struct collect_run_opts *opts, struct collect_prepared **out,
                         struct app_err *err)
{
	struct collect_prepared *pp;
	char why[600];
	int64_t day;
	*out = NULL;
	if (!date || strlen(date) != 10 || date_parse(date, strlen(date), &day))
		return app_fail(err, 422, "invalid", "date", "日期须为 YYYY-MM-DD",
		                "date must be YYYY-MM-DD");
	pp = xcalloc(1, sizeof(*pp));
	pp->warehouse_id = warehouse_id;
	memcpy(pp->date, date, sizeof(pp->date));
	pp->opts = *opts;
	pp->g.in.cfg = opts->cfg;
	pp->g.in.seed = opts->seed;
	pp->g.in.iters = opts->iters;
	pp->g.in.time_limit = opts->time_limit;
	if (gather(db, warehouse_id, date, &pp->g, err))
		goto fail;
	split_no_coords(&pp->g, &pp->left_out);
	if (collect_plan_solve(&pp->g.in, &pp->plan, why, sizeof(why))) {
		app_fail(err, 422, "cannot_plan", "", "无法规划集货线路", "%s", why);
		goto fail;
	}
	*out = pp;
	return 0;
fail:
	collect_prepared_free(pp);
	return -1;
}

int collect_plan_store(struct store *db, const struct collect_prepared *pp, int64_t user_id,
                       int64_t now_ms, int64_t *plan_id, struct app_err *err)
{
	int rc = store_plan(db, &pp->plan, &pp->g, &pp->left_out, pp->warehouse_id, pp->date,
	                    &pp->opts, user_id, now_ms, plan_id);
	return rc ? app_store_fail(err, db, rc) : 0;
}

int collect_plan_make(struct store *db, int64_t warehouse_id, const char *date,
                      const struct collect_run_opts *opts, int64_t user_id, int64_t now_ms,
                      int64_t *plan_id, struct app_err *err)
{
	struct collect_prepared *pp;
	if (collect_plan_prepare(db, warehouse_id, date, opts, &pp, err))
		return -1;
	int ret = collect_plan_store(db, pp, user_id, now_ms, plan_id, err);
	collect_prepared_free(pp);
	return ret;
}
