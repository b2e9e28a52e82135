/*
 * Village collection runs: points and trucks -> a routing problem -> the
 * day's runs with times, loads, kilometres and cost (see collect.h for the
 * model). The steps: take the points with an expected load, set aside the
 * ones no truck can serve (each with its reason, naming the point), leave out
 * the farthest while the loads exceed what the fleet carries, solve with the
 * routing engine, and if the engine still finds no feasible plan leave out
 * the farthest remaining point and solve again. The plan that comes back is
 * verified by vrp_check() and then timed stop by stop the way the checker
 * times it: leave as late as still gives the shortest day.
 */
#include "plan/collect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/timeutil.h"
#include "route/route.h"

#define DEFAULT_ITERS      2000
#define DEFAULT_TIME_LIMIT 10.0

void collect_config_default(struct collect_config *cfg)
{
	cfg->detour = 1.8;
	cfg->speed_kmh = 30;
	cfg->depot_opens_min = 5 * 60;
	cfg->depot_closes_min = 22 * 60;
	cfg->stop_base_min = 15;
	cfg->stop_min_per_tonne = 20;
}

const char *collect_reason_code(enum collect_reason r)
{
	switch (r) {
	case COLLECT_OVER_CAPACITY:
		return "over_capacity";
	case COLLECT_WINDOW:
		return "window";
	case COLLECT_DURATION:
		return "duration";
	case COLLECT_FLEET:
		return "not_enough_trucks";
	}
	return "unknown";
}

void collect_clock(int minutes, char out[8])
{
	if (minutes < 0)
		minutes = 0;
	snprintf(out, 8, "%02d:%02d", (minutes / 60) % 100, minutes % 60);
}

/* Grams as "1234.5" kg (one decimal, the scale's resolution). */
static void kg_text(int64_t g, char out[32])
{
	snprintf(out, 32, "%lld.%lld", (long long)(g / 1000), (long long)(g % 1000 / 100));
}

static int64_t div_round(int64_t num, int64_t den)
{
	return (num + den / 2) / den;
}

static int service_min(const struct collect_config *cfg, int64_t load_g)
{
	int64_t per = (int64_t)cfg->stop_min_per_tonne;
	return cfg->stop_base_min + (int)((load_g * per + 999999) / 1000000);
}

static int available_types(const struct collect_input *in)
{
	int n = 0;
	for (int v = 0; v < in->nvehicles; v++)
		n += in->vehicles[v].available > 0;
	return n;
}

static void set_vehicle_types(struct vrp_instance *inst, const struct collect_input *in)
{
	free(inst->types);
	inst->ntypes = available_types(in);
	inst->types = xcalloc((size_t)(inst->ntypes ? inst->ntypes : 1), sizeof(*inst->types));
	int k = 0;
	for (int v = 0; v < in->nvehicles; v++) {
		const struct collect_vehicle *cv = &in->vehicles[v];
		if (cv->available <= 0)
			continue;
		struct vrp_vehicle_type *t = &inst->types[k++];
		snprintf(t->name, sizeof(t->name), "vehicle-%d", v);
		t->capacity = cv->capacity_g;
		t->fixed_cost = (double)cv->fixed_fen;
		t->cost_per_dist = (double)cv->fen_per_km;
		t->cost_per_time = (double)cv->fen_per_hour / 60.0;
		t->count = cv->available;
		t->max_duration = cv->max_minutes;
	}
}

struct vrp_instance *collect_build_instance(const struct collect_input *in, const int *idx, int n)
{
	const struct collect_config *cfg = &in->cfg;
	struct vrp_instance *inst = vrp_instance_new(n, 1);
	char err[200];
	snprintf(inst->name, sizeof(inst->name), "collection");
	inst->dist_kind = VRP_DIST_WGS84;
	inst->has_coords = true;
	for (int k = 0; k < VRP_TERRAIN_CLASSES; k++) {
		inst->geo.detour[k] = cfg->detour;
		inst->geo.speed_kmh[k] = cfg->speed_kmh;
	}
	inst->x[0] = in->depot_lon;
	inst->y[0] = in->depot_lat;
	inst->ready[0] = cfg->depot_opens_min;
	inst->due[0] = cfg->depot_closes_min;
	for (int k = 0; k < n; k++) {
		const struct collect_point *p = &in->points[idx[k]];
		int s = service_min(cfg, p->load_g);
		inst->x[k + 1] = p->lon;
		inst->y[k + 1] = p->lat;
		inst->pickup[k + 1] = p->load_g;
		inst->service[k + 1] = s;
		inst->ready[k + 1] = p->opens_min;
		inst->due[k + 1] = p->closes_min - s;
	}
	set_vehicle_types(inst, in);
	if (vrp_instance_build_matrices(inst, err, sizeof(err))) {
		vrp_instance_free(inst);
		return NULL;
	}
	return inst;
}

/* ---- what cannot be met ---- */

struct fleet {
	int64_t largest_g, total_g;
	int longest_min;
};

static struct fleet fleet_of(const struct collect_input *in)
{
	struct fleet f = {0, 0, 0};
	for (int v = 0; v < in->nvehicles; v++) {
		const struct collect_vehicle *cv = &in->vehicles[v];
		if (cv->available <= 0)
			continue;
		if (cv->capacity_g > f.largest_g)
			f.largest_g = cv->capacity_g;
		if (cv->max_minutes > f.longest_min)
			f.longest_min = cv->max_minutes;
		f.total_g += cv->capacity_g * cv->available;
	}
	return f;
}

static void unserve(struct collect_plan *plan, const struct collect_input *in, int point,
                    enum collect_reason reason, const char *zh, const char *en)
{
	struct collect_unserved *u = &plan->unserved[plan->nunserved++];
	const char *code = in->points[point].code;
	u->point = point;
	u->reason = reason;
	snprintf(u->message_zh, sizeof(u->message_zh), "收购点 '%s'：%s", code, zh);
	snprintf(u->message_en, sizeof(u->message_en), "point '%s': %s", code, en);
}

static void hours_text(int minutes, char out[24])
{
	snprintf(out, 24, "%d h %02d min", minutes / 60, minutes % 60);
}

/* Why node k (point idx) of inst cannot be served by any truck, or -1. */
static int point_problem(const struct vrp_instance *inst, int k, const struct fleet *f, char *zh,
                         char *en)
{
	char a[32], b[32], c[32];
	int64_t load = inst->pickup[k];
	if (load > f->largest_g) {
		kg_text(load, a);
		kg_text(f->largest_g, b);
		snprintf(zh, 200, "预计 %s kg，超过所有可用车辆的载重（最大 %s kg）", a, b);
		snprintf(en, 200,
		         "expected %s kg exceeds the capacity of every available truck "
		         "(largest %s kg)",
		         a, b);
		return COLLECT_OVER_CAPACITY;
	}
	double arrive = inst->ready[0] + vrp_time(inst, 0, k);
	if (arrive > inst->due[k] + 1e-9) {
		collect_clock((int)lround(arrive), a);
		collect_clock((int)lround(inst->due[k]), b);
		snprintf(zh, 200, "营业时间内到不了：最早 %s 到达，最晚 %s 须开始装货", a, b);
		snprintf(en, 200,
		         "its opening hours cannot be reached: the earliest arrival is %s, "
		         "loading must start by %s",
		         a, b);
		return COLLECT_WINDOW;
	}
	double start = arrive > inst->ready[k] ? arrive : inst->ready[k];
	double back = start + inst->service[k] + vrp_time(inst, k, 0);
	if (back > inst->due[0] + 1e-9) {
		collect_clock((int)lround(back), a);
		collect_clock((int)lround(inst->due[0]), b);
		snprintf(zh, 200, "装货后赶不回仓库：最早 %s 回到，仓库 %s 关门", a, b);
		snprintf(en, 200,
		         "a truck cannot load there and be back before the warehouse "
		         "closes at %s (earliest return %s)",
		         b, a);
		return COLLECT_WINDOW;
	}
	double trip = vrp_time(inst, 0, k) + inst->service[k] + vrp_time(inst, k, 0);
	if (trip > f->longest_min + 1e-9) {
		hours_text((int)lround(trip), a);
		hours_text(f->longest_min, c);
		snprintf(zh, 200, "往返需 %s，超过司机一天的最长出车时间 %s", a, c);
		snprintf(en, 200, "the round trip takes %s, longer than any driver's day (%s)", a,
		         c);
		return COLLECT_DURATION;
	}
	return -1;
}

/* The kept node (keep NULL: any node) farthest in time from the depot; ties
 * go to the later one. */
static int farthest(const struct vrp_instance *inst, const bool *keep, int n)
{
	int best = -1;
	for (int k = 1; k <= n; k++)
		if ((!keep || keep[k]) &&
		    (best < 0 || vrp_time(inst, 0, k) >= vrp_time(inst, 0, best)))
			best = k;
	return best;
}

static void drop_for_fleet(struct collect_plan *plan, const struct collect_input *in,
                           const struct vrp_instance *inst, const int *idx, bool *keep,
                           const struct fleet *f)
{
	int64_t total = 0;
	char a[32], b[32], zh[200], en[200];
	for (int k = 1; k <= inst->n; k++)
		total += keep[k] ? inst->pickup[k] : 0;
	kg_text(f->total_g, a);
	kg_text(total, b);
	while (total > f->total_g) {
		int k = farthest(inst, keep, inst->n);
		keep[k] = false;
		total -= inst->pickup[k];
		snprintf(zh, sizeof(zh),
		         "车辆不够：可用车辆共载 %s kg，当日预计 %s kg，最远的收购点留待改日", a,
		         b);
		snprintf(en, sizeof(en),
		         "not enough trucks: the available trucks carry %s kg in all, "
		         "the day's loads are %s kg; the farthest points wait",
		         a, b);
		unserve(plan, in, idx[k - 1], COLLECT_FLEET, zh, en);
	}
}

/* Points whose load or hours no truck can meet, then the fleet's capacity:
 * marks keep[1..n] for the nodes of inst that stay in the problem. */
static void screen_points(struct collect_plan *plan, const struct collect_input *in,
                          const struct vrp_instance *inst, const int *idx, bool *keep)
{
	struct fleet f = fleet_of(in);
	char zh[200], en[200];
	for (int k = 1; k <= inst->n; k++) {
		int why = point_problem(inst, k, &f, zh, en);
		keep[k] = why < 0;
		if (why >= 0)
			unserve(plan, in, idx[k - 1], (enum collect_reason)why, zh, en);
	}
	drop_for_fleet(plan, in, inst, idx, keep, &f);
}

/* ---- timing a run as the checker does ---- */

struct run_times {
	double depart, *arrive, *start, back;
};

static double forward(const struct vrp_instance *I, const struct vrp_route *r, double depart,
                      double *arrive, double *start)
{
	double t = depart;
	int prev = 0;
	for (int i = 0; i < r->n; i++) {
		int c = r->stops[i];
		double a = t + vrp_time(I, prev, c);
		double s = a > I->ready[c] ? a : I->ready[c];
		if (arrive)
			arrive[i] = a, start[i] = s;
		t = s + I->service[c];
		prev = c;
	}
	return t + vrp_time(I, prev, 0);
}

/* Latest departure that still gets back at `back` (the checker's rule). */
static double latest_departure(const struct vrp_instance *I, const struct vrp_route *r, double back)
{
	double latest = back;
	int next = 0;
	for (int i = r->n - 1; i >= 0; i--) {
		int c = r->stops[i];
		double l = latest - vrp_time(I, c, next) - I->service[c];
		latest = l < I->due[c] ? l : I->due[c];
		next = c;
	}
	double dep = latest - vrp_time(I, 0, next);
	return dep > I->ready[0] ? dep : I->ready[0];
}

static double route_km(const struct vrp_instance *I, const struct vrp_route *r)
{
	double km = 0;
	int prev = 0;
	for (int i = 0; i < r->n; i++) {
		km += vrp_dist(I, prev, r->stops[i]);
		prev = r->stops[i];
	}
	return km + vrp_dist(I, prev, 0);
}

static int vehicle_of_type(const struct collect_input *in, int type)
{
	for (int v = 0; v < in->nvehicles; v++)
		if (in->vehicles[v].available > 0 && type-- == 0)
			return v;
	return -1;
}

static void time_run(const struct collect_input *in, const struct vrp_instance *I,
                     const struct vrp_route *r, const int *idx, struct collect_run *run)
{
	double *arrive = xcalloc((size_t)r->n, sizeof(double));
	double *start = xcalloc((size_t)r->n, sizeof(double));
	double back = forward(I, r, I->ready[0], NULL, NULL);
	double dep = latest_departure(I, r, back);
	back = forward(I, r, dep, arrive, start);
	run->vehicle = vehicle_of_type(in, r->type);
	run->nstops = r->n;
	run->stops = xcalloc((size_t)r->n, sizeof(*run->stops));
	run->depart_min = (int)lround(dep);
	run->return_min = (int)lround(back);
	for (int i = 0; i < r->n; i++) {
		struct collect_stop *s = &run->stops[i];
		int c = r->stops[i];
		s->point = idx[c - 1];
		s->arrive_min = (int)lround(arrive[i]);
		s->start_min = (int)lround(start[i]);
		s->depart_min = (int)lround(start[i] + I->service[c]);
		s->load_g = I->pickup[c];
		run->load_g += s->load_g;
		s->onboard_g = run->load_g;
	}
	const struct collect_vehicle *v = &in->vehicles[run->vehicle];
	run->distance_m = (int64_t)llround(route_km(I, r) * 1000.0);
	run->cost_fen = v->fixed_fen + div_round(v->fen_per_km * run->distance_m, 1000) +
	                div_round(v->fen_per_hour * (run->return_min - run->depart_min), 60);
	free(arrive);
	free(start);
}

static int cmp_runs(const void *a, const void *b)
{
	const struct collect_run *x = a, *y = b;
	if (x->vehicle != y->vehicle)
		return x->vehicle < y->vehicle ? -1 : 1;
	if (x->depart_min != y->depart_min)
		return x->depart_min < y->depart_min ? -1 : 1;
	return x->stops[0].point < y->stops[0].point ? -1 : x->stops[0].point > y->stops[0].point;
}

static void fill_runs(struct collect_plan *plan, const struct collect_input *in,
                      const struct vrp_instance *I, const struct vrp_solution *sol, const int *idx)
{
	plan->runs = xcalloc((size_t)(sol->nroutes ? sol->nroutes : 1), sizeof(*plan->runs));
	for (int r = 0; r < sol->nroutes; r++) {
		if (sol->routes[r].n == 0)
			continue;
		struct collect_run *run = &plan->runs[plan->nruns++];
		time_run(in, I, &sol->routes[r], idx, run);
		plan->load_g += run->load_g;
		plan->distance_m += run->distance_m;
		plan->cost_fen += run->cost_fen;
	}
	qsort(plan->runs, (size_t)plan->nruns, sizeof(*plan->runs), cmp_runs);
}

/* ---- solving ---- */

static int check_input(const struct collect_input *in, char *err, size_t errlen)
{
	const struct collect_config *c = &in->cfg;
	if (!(c->detour >= 1 && c->detour <= 5) || !(c->speed_kmh >= 5 && c->speed_kmh <= 120)) {
		snprintf(err, errlen, "detour factor must be 1 to 5 and speed 5 to 120 km/h");
		return -1;
	}
	if (c->depot_opens_min < 0 || c->depot_closes_min <= c->depot_opens_min ||
	    c->depot_closes_min > 48 * 60 || c->stop_base_min < 0 || c->stop_min_per_tonne < 0) {
		snprintf(err, errlen, "warehouse hours or stop times are not valid");
		return -1;
	}
	if (available_types(in) == 0) {
		snprintf(err, errlen, "the warehouse has no vehicle available");
		return -1;
	}
	for (int i = 0; i < in->npoints; i++)
		if (in->points[i].closes_min <= in->points[i].opens_min) {
			snprintf(err, errlen, "point '%s': closes before it opens",
			         in->points[i].code);
			return -1;
		}
	return 0;
}

/* The kept nodes of inst as point indices, into sub; returns how many. */
static int kept_points(const struct vrp_instance *inst, const int *idx, const bool *keep, int *sub)
{
	int m = 0;
	for (int k = 1; k <= inst->n; k++)
		if (keep[k])
			sub[m++] = idx[k - 1];
	return m;
}

static int verified(const struct vrp_instance *inst, const struct vrp_solution *sol, char *err,
                    size_t errlen)
{
	struct vrp_check_report rep;
	if (vrp_check(inst, sol, &rep))
		return 0;
	snprintf(err, errlen, "the checker rejected the plan: %s", rep.msg);
	return -1;
}

/* Leave out the `count` points of sub[0..m-1] farthest in time from the
 * depot (marking them unserved); returns the number of points left. */
static int leave_out_farthest(struct collect_plan *plan, const struct collect_input *in,
                              const struct vrp_instance *inst, int *sub, int m, int count)
{
	bool *keep = xcalloc((size_t)m + 1, sizeof(bool));
	for (int k = 1; k <= m; k++)
		keep[k] = true;
	for (int j = 0; j < count && j < m; j++) {
		int far = farthest(inst, keep, m);
		keep[far] = false;
		unserve(plan, in, sub[far - 1], COLLECT_FLEET,
		        "车辆不够：在各点营业时间内跑不完全部收购点，最远的留待改日",
		        "not enough trucks to reach every point within its opening hours; the "
		        "farthest waits");
	}
	int left = 0;
	for (int k = 1; k <= m; k++)
		if (keep[k])
			sub[left++] = sub[k - 1];
	free(keep);
	return left;
}

/* Solve for the points sub[0..m-1]; on an engine failure leave out the
 * farthest point (marking it unserved) and try again. The time limit caps
 * all the tries together: each try gets what is left of it, and once less
 * than LATE_SHARE of it is left a try gets LATE_SHARE of the limit and
 * leaves out a quarter of the points when it fails, so that a day the fleet
 * cannot cover ends in about 1.4 times the limit at worst, not a limit per
 * point left out. */
#define LATE_SHARE 0.02
static int solve_points(struct collect_plan *plan, const struct collect_input *in, int *sub, int m,
                        char *err, size_t errlen)
{
	struct vrp_params params;
	vrp_params_default(&params);
	params.seed = in->seed;
	params.iters = in->iters > 0 ? in->iters : DEFAULT_ITERS;
	double cap = in->time_limit > 0 ? in->time_limit : DEFAULT_TIME_LIMIT;
	int64_t start = time_mono_ms();
	while (m > 0) {
		double left = cap - (double)(time_mono_ms() - start) / 1000.0;
		bool late = left < cap * LATE_SHARE;
		params.time_limit = late ? cap * LATE_SHARE : left;
		struct vrp_instance *inst = collect_build_instance(in, sub, m);
		if (!inst) {
			snprintf(err, errlen, "cannot compute the travel times");
			return -1;
		}
		struct vrp_solution sol = {0};
		struct vrp_stats st = {0};
		char why[512];
		int rc = vrp_solve(inst, &params, &sol, &st, why, sizeof(why));
		plan->iters += st.iters;
		if (rc == 0) {
			rc = verified(inst, &sol, err, errlen);
			if (rc == 0)
				fill_runs(plan, in, inst, &sol, sub);
			vrp_solution_release(&sol);
			vrp_instance_free(inst);
			return rc;
		}
		m = leave_out_farthest(plan, in, inst, sub, m, late && m >= 8 ? m / 4 : 1);
		vrp_solution_release(&sol);
		vrp_instance_free(inst);
	}
	plan->runs = xcalloc(1, sizeof(*plan->runs));
	return 0;
}

int collect_plan_solve(const struct collect_input *in, struct collect_plan *out, char *err,
                       size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (check_input(in, err, errlen))
		return -1;
	int n = 0, *idx = xcalloc((size_t)in->npoints + 1, sizeof(int));
	for (int i = 0; i < in->npoints; i++)
		if (in->points[i].load_g > 0)
			idx[n++] = i;
	out->unserved = xcalloc((size_t)n + 1, sizeof(*out->unserved));
	int rc = 0;
	if (n == 0) {
		out->runs = xcalloc(1, sizeof(*out->runs));
		goto out_free_idx;
	}
	struct vrp_instance *all = collect_build_instance(in, idx, n);
	bool *keep = xcalloc((size_t)n + 1, sizeof(bool));
	int *sub = xcalloc((size_t)n, sizeof(int));
	screen_points(out, in, all, idx, keep);
	int m = kept_points(all, idx, keep, sub);
	vrp_instance_free(all);
	rc = solve_points(out, in, sub, m, err, errlen);
	free(sub);
	free(keep);
out_free_idx:
	free(idx);
	return rc;
}

void collect_plan_release(struct collect_plan *plan)
{
	for (int r = 0; r < plan->nruns; r++)
		free(plan->runs[r].stops);
	free(plan->runs);
	free(plan->unserved);
	memset(plan, 0, sizeof(*plan));
}
