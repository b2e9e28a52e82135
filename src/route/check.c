/*
 * The independent feasibility checker. It shares no code with the solver's
 * move evaluation (no struct seg, no concatenation): it walks each route
 * stop by stop as a driver would, carrying the load and the clock, then finds
 * the latest useful departure with a backward pass to get the route's
 * minimal duration, and adds up the cost from the vehicle types. Tests run it
 * on every solution the solver returns; the CLI runs it before printing.
 */
#include "route/route.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

#define TOL 1e-6

static void violation(struct vrp_check_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void violation(struct vrp_check_report *rep, const char *fmt, ...)
{
	rep->feasible = false;
	rep->violations++;
	size_t used = strlen(rep->msg);
	if (used + 2 >= sizeof(rep->msg))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rep->msg + used, sizeof(rep->msg) - used, fmt, ap);
	va_end(ap);
	used = strlen(rep->msg);
	if (used + 1 < sizeof(rep->msg)) {
		rep->msg[used] = '\n';
		rep->msg[used + 1] = 0;
	}
}

/* Loads: all deliveries leave the depot on board; pickups come on board. */
static void check_load(const struct vrp_instance *I, const struct vrp_route *r, int idx,
		       struct vrp_check_report *rep)
{
	int k = r->type;
	int64_t load = 0, peak;
	for (int i = 0; i < r->n; i++)
		load += I->delivery[r->stops[i]];
	peak = load;
	for (int i = 0; i < r->n; i++) {
		int c = r->stops[i];
		load = load - I->delivery[c] + I->pickup[c];
		if (load > peak)
			peak = load;
	}
	if (peak > I->types[k].capacity)
		violation(rep, "route %d: load %lld exceeds capacity %lld of vehicle type '%s'", idx,
			  (long long)peak, (long long)I->types[k].capacity, I->types[k].name);
}

/* Walk the route from the earliest departure; returns the earliest return
 * time and reports any service that starts after its window. */
static double forward_times(const struct vrp_instance *I, const struct vrp_route *r, int idx,
			    struct vrp_check_report *rep)
{
	double clock = I->ready[0];
	int prev = 0;
	for (int i = 0; i < r->n; i++) {
		int c = r->stops[i];
		clock += vrp_time(I, prev, c);
		if (clock < I->ready[c])
			clock = I->ready[c];
		if (clock > I->due[c] + TOL)
			violation(rep, "route %d: customer %d served at %g, after its window closes at %g",
				  idx, c, clock, I->due[c]);
		clock += I->service[c];
		prev = c;
	}
	clock += vrp_time(I, prev, 0);
	if (clock > I->due[0] + TOL)
		violation(rep, "route %d: returns to the depot at %g, after it closes at %g", idx,
			  clock, I->due[0]);
	return clock;
}

/* Latest departure from the depot that still returns at `end`. */
static double latest_departure(const struct vrp_instance *I, const struct vrp_route *r,
			       double end)
{
	double latest = end;
	int next = 0;
	for (int i = r->n - 1; i >= 0; i--) {
		int c = r->stops[i];
		latest = latest - vrp_time(I, c, next) - I->service[c];
		if (latest > I->due[c])
			latest = I->due[c];
		next = c;
	}
	latest -= vrp_time(I, 0, next);
	if (latest > I->due[0])
		latest = I->due[0];
	return latest < I->ready[0] ? I->ready[0] : latest;
}

static double route_cost(const struct vrp_instance *I, const struct vrp_route *r, int idx,
			 struct vrp_check_report *rep)
{
	const struct vrp_vehicle_type *vt = &I->types[r->type];
	double dist = 0;
	int prev = 0;
	for (int i = 0; i < r->n; i++) {
		dist += vrp_dist(I, prev, r->stops[i]);
		prev = r->stops[i];
	}
	dist += vrp_dist(I, prev, 0);
	double end = forward_times(I, r, idx, rep);
	double duration = end - latest_departure(I, r, end);
	if (vt->max_duration > 0 && duration > vt->max_duration + TOL)
		violation(rep, "route %d: lasts %g, longer than the %g allowed for '%s'", idx,
			  duration, vt->max_duration, vt->name);
	return vt->fixed_cost + vt->cost_per_dist * dist + vt->cost_per_time * duration;
}

static void check_visits(const struct vrp_instance *I, const struct vrp_solution *sol,
			 struct vrp_check_report *rep)
{
	int *seen = xcalloc((size_t)I->n + 1, sizeof(int));
	for (int r = 0; r < sol->nroutes; r++)
		for (int i = 0; i < sol->routes[r].n; i++) {
			int c = sol->routes[r].stops[i];
			if (c < 1 || c > I->n)
				violation(rep, "route %d: stop %d is not a customer", r, c);
			else if (seen[c]++)
				violation(rep, "customer %d is served more than once", c);
		}
	for (int c = 1; c <= I->n; c++)
		if (!seen[c])
			violation(rep, "customer %d is not served", c);
	free(seen);
}

static void check_fleet(const struct vrp_instance *I, const struct vrp_solution *sol,
			struct vrp_check_report *rep)
{
	int *used = xcalloc((size_t)I->ntypes, sizeof(int));
	for (int r = 0; r < sol->nroutes; r++)
		if (sol->routes[r].n && sol->routes[r].type >= 0 && sol->routes[r].type < I->ntypes)
			used[sol->routes[r].type]++;
	for (int k = 0; k < I->ntypes; k++)
		if (I->types[k].count >= 0 && used[k] > I->types[k].count)
			violation(rep, "%d vehicles of type '%s' used, only %d available", used[k],
				  I->types[k].name, I->types[k].count);
	free(used);
}

bool vrp_check(const struct vrp_instance *I, const struct vrp_solution *sol,
	       struct vrp_check_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->feasible = true;
	check_visits(I, sol, rep);
	for (int r = 0; r < sol->nroutes; r++) {
		const struct vrp_route *rt = &sol->routes[r];
		if (rt->type < 0 || rt->type >= I->ntypes) {
			violation(rep, "route %d: unknown vehicle type %d", r, rt->type);
			continue;
		}
		if (!rt->n)
			continue;
		bool ok = true;
		for (int i = 0; i < rt->n; i++)
			ok = ok && rt->stops[i] >= 1 && rt->stops[i] <= I->n;
		if (!ok)
			continue;
		check_load(I, rt, r, rep);
		rep->cost += route_cost(I, rt, r, rep);
	}
	check_fleet(I, sol, rep);
	return rep->feasible;
}
