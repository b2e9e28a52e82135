/*
 * Shanhai's consolidation planner and the tariff arithmetic it rests on.
 *
 * plan_dispatch() decides the line-haul: it keeps the sales warehouse's stock
 * of each product between a target and a maximum cover (days of forecast
 * demand), the maximum shortened so nothing sits there past its shelf life;
 * it only sends a truck when it is well filled or when some product would run
 * out before a truck sent tomorrow could arrive (订单统筹: the day's order pool
 * drives the forecast), and it picks the truck type with the lowest cost per
 * kg actually carried (环节优化). plan_choose_source() picks where one order
 * is served from. Both are pure: no I/O, no globals, plain structs in and out.
 */
#include "plan/plan.h"

#include <math.h>
#include <string.h>

#include "lib/money.h"

int64_t plan_road_km(const struct scenario *sc, const struct plan_place *a,
		     const struct plan_place *b)
{
	const double r = 6371.0088, rad = M_PI / 180.0;
	double dlat = (b->lat - a->lat) * rad, dlon = (b->lon - a->lon) * rad;
	double h = sin(dlat / 2) * sin(dlat / 2) +
		   cos(a->lat * rad) * cos(b->lat * rad) * sin(dlon / 2) * sin(dlon / 2);
	double km = 2 * r * asin(sqrt(h)) * sc->road_factor;
	return (int64_t)llround(km);
}

int64_t plan_parcel_fen(const struct scenario *sc, int64_t road_km, int64_t grams, bool chilled)
{
	for (size_t i = 0; i < sc->nzones; i++) {
		const struct plan_zone *z = &sc->zones[i];
		if (road_km > z->max_km)
			continue;
		int64_t kg = (grams + GRAMS_PER_KG - 1) / GRAMS_PER_KG;
		if (kg < 1)
			kg = 1;
		int64_t fen = z->first_kg_fen + (kg - 1) * z->extra_kg_fen;
		if (chilled && muldiv_round(fen, sc->chilled_parcel_permille, 1000, &fen))
			return -1;
		return fen;
	}
	return -1;
}

int plan_parcel_days(const struct scenario *sc, int64_t road_km)
{
	return sc->parcel_pickup_days +
	       (int)((road_km + sc->parcel_km_per_day - 1) / sc->parcel_km_per_day);
}

int plan_truck_days(const struct scenario *sc)
{
	int64_t km = plan_road_km(sc, &sc->origin, &sc->sales);
	int days = (int)((km + sc->truck_km_per_day - 1) / sc->truck_km_per_day);
	return days < 1 ? 1 : days;
}

int64_t plan_trip_fen(const struct scenario *sc, size_t t)
{
	int64_t km = plan_road_km(sc, &sc->origin, &sc->sales);
	return sc->trucks[t].fen_per_trip + km * sc->trucks[t].fen_per_km;
}

/* Per product, what the sales warehouse should receive: `need` to reach the
 * target cover, `room` up to the maximum cover, both within origin stock. */
struct want {
	int64_t need, room, position, forecast;
	bool urgent;
};

static int cover_limit(const struct plan_params *pp, const struct plan_product_view *v)
{
	int by_shelf = v->shelf_life_days - pp->truck_days - 1;
	int c = pp->max_cover_days < by_shelf ? pp->max_cover_days : by_shelf;
	return c < 0 ? 0 : c;
}

static void compute_want(const struct plan_params *pp, const struct plan_product_view *v,
			 int64_t loaded, int64_t origin_left, struct want *w)
{
	int max_cover = cover_limit(pp, v);
	int target = pp->target_cover_days < max_cover ? pp->target_cover_days : max_cover;
	w->forecast = v->forecast_g > 0 ? v->forecast_g : 0;
	w->position = v->sales_g + v->transit_g - v->waiting_g + loaded;
	int64_t want_need = w->forecast * (pp->truck_days + target);
	int64_t want_room = w->forecast * (pp->truck_days + max_cover);
	w->need = want_need > w->position ? want_need - w->position : 0;
	w->room = want_room > w->position ? want_room - w->position : 0;
	if (w->room < w->need)
		w->room = w->need;
	if (w->need > origin_left)
		w->need = origin_left;
	if (w->room > origin_left)
		w->room = origin_left;
	w->urgent = w->need > 0 && w->position < w->forecast * (pp->truck_days + 1);
}

static bool eligible(const struct plan_truck *t, const struct plan_product_view *v)
{
	return t->refrigerated || !v->chilled;
}

/* The truck type to send now, or -1. Among the types that would go well
 * filled or carry a product about to run out, the lowest trip cost per gram
 * carried wins; but a well-filled truck that is not urgent waits if another
 * type would carry today's load cheaper per kg once it fills up. */
static int choose_truck(const struct plan_params *pp, const struct plan_truck *trucks,
			const int64_t *trip_fen, size_t ntrucks, const struct plan_product_view *v,
			const struct want *w, size_t np, int64_t *load_out)
{
	int best = -1, cheapest = -1;
	int64_t best_load = 0, cheapest_load = 0;
	bool best_urgent = false;
	for (size_t t = 0; t < ntrucks; t++) {
		int64_t room = 0;
		bool urgent = false;
		for (size_t p = 0; p < np; p++) {
			if (!eligible(&trucks[t], &v[p]))
				continue;
			room += w[p].room;
			urgent = urgent || w[p].urgent;
		}
		int64_t load = room < trucks[t].capacity_g ? room : trucks[t].capacity_g;
		if (load <= 0)
			continue;
		/* (trip + handling) per kg must beat what parcels would cost more */
		__int128 fen_x1000 = (__int128)trip_fen[t] * 1000 + (__int128)pp->handling_fen_per_kg * load;
		if (pp->max_fen_per_kg > 0 && fen_x1000 > (__int128)pp->max_fen_per_kg * load)
			continue;
		/* trip_fen[t] / load < trip_fen[x] / x_load */
		if (cheapest < 0 ||
		    (__int128)trip_fen[t] * cheapest_load < (__int128)trip_fen[cheapest] * load) {
			cheapest = (int)t;
			cheapest_load = load;
		}
		bool full = (__int128)load * 100 >= (__int128)trucks[t].capacity_g * pp->min_fill_percent;
		if (!full && !urgent)
			continue;
		if (best < 0 || (__int128)trip_fen[t] * best_load < (__int128)trip_fen[best] * load) {
			best = (int)t;
			best_load = load;
			best_urgent = urgent;
		}
	}
	if (best >= 0 && !best_urgent && cheapest != best)
		best = -1;
	*load_out = best_load;
	return best;
}

/* Product indices by cover (position / forecast), lowest first. */
static void order_by_cover(const struct want *w, size_t np, size_t *idx)
{
	for (size_t i = 0; i < np; i++)
		idx[i] = i;
	for (size_t i = 1; i < np; i++) {
		size_t k = idx[i], j = i;
		while (j > 0) {
			const struct want *a = &w[idx[j - 1]], *b = &w[k];
			/* a.position/a.forecast > b.position/b.forecast ? (no forecast = infinite) */
			__int128 lhs = (__int128)a->position * (b->forecast ? b->forecast : 1);
			__int128 rhs = (__int128)b->position * (a->forecast ? a->forecast : 1);
			bool a_after = (a->forecast == 0 && b->forecast > 0) ||
				       (a->forecast > 0 && b->forecast > 0 && lhs > rhs);
			if (!a_after)
				break;
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = k;
	}
}

static void fill_truck(const struct plan_truck *truck, const struct plan_product_view *v,
		       const struct want *w, size_t np, int64_t *load)
{
	size_t idx[PLAN_MAX_PRODUCTS];
	int64_t left = truck->capacity_g;
	order_by_cover(w, np, idx);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < np && left > 0; i++) {
			size_t p = idx[i];
			if (!eligible(truck, &v[p]))
				continue;
			int64_t want = (pass == 0 ? w[p].need : w[p].room) - load[p];
			if (want <= 0)
				continue;
			int64_t take = want < left ? want : left;
			load[p] += take;
			left -= take;
		}
	}
}

size_t plan_dispatch(const struct plan_params *pp, const struct plan_truck *trucks,
		     const int64_t *trip_fen, size_t ntrucks, const struct plan_product_view *v,
		     size_t nproducts, struct plan_dispatch *out)
{
	int64_t loaded[PLAN_MAX_PRODUCTS] = {0};
	struct want w[PLAN_MAX_PRODUCTS];
	size_t np = nproducts < PLAN_MAX_PRODUCTS ? nproducts : PLAN_MAX_PRODUCTS;
	memset(out, 0, sizeof(*out));
	while (out->ntrucks < PLAN_MAX_TRUCKS_PER_DAY) {
		for (size_t p = 0; p < np; p++) {
			int64_t origin_left = v[p].origin_g - loaded[p];
			compute_want(pp, &v[p], loaded[p], origin_left > 0 ? origin_left : 0, &w[p]);
		}
		int64_t load_g;
		int t = choose_truck(pp, trucks, trip_fen, ntrucks, v, w, np, &load_g);
		if (t < 0)
			break;
		int64_t *load = out->load_g[out->ntrucks];
		fill_truck(&trucks[t], v, w, np, load);
		int64_t total = 0;
		for (size_t p = 0; p < np; p++) {
			loaded[p] += load[p];
			total += load[p];
		}
		if (total == 0)
			break;
		out->truck[out->ntrucks++] = t;
	}
	return out->ntrucks;
}

enum plan_source plan_choose_source(const struct plan_option opts[SOURCE_COUNT], int order_day,
				    int promise_days)
{
	enum plan_source best = SOURCE_NONE;
	bool best_on_time = false;
	for (int s = SOURCE_SALES; s < SOURCE_COUNT; s++) {
		const struct plan_option *o = &opts[s];
		if (!o->available)
			continue;
		bool on_time = o->delivery_day - order_day <= promise_days;
		if (best == SOURCE_NONE) {
			best = (enum plan_source)s;
			best_on_time = on_time;
			continue;
		}
		const struct plan_option *b = &opts[best];
		bool better;
		if (on_time != best_on_time)
			better = on_time;
		else if (on_time)
			better = o->cost_fen < b->cost_fen;
		else
			better = o->delivery_day < b->delivery_day ||
				 (o->delivery_day == b->delivery_day && o->cost_fen < b->cost_fen);
		if (better) {
			best = (enum plan_source)s;
			best_on_time = on_time;
		}
	}
	return best;
}
