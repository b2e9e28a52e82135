/*
 * Shanhai's consolidation planner and the tariff arithmetic it rests on.
 *
 * plan_dispatch() decides the line-haul: it keeps the sales warehouse's stock
 * of each product up to a maximum cover (days of forecast demand) that it
 * derives from the shelf life; it sends a truck when some product would run
 * out before it could arrive, or when a truck is well filled (订单统筹: the
 * day's order pool drives the forecast), dry goods waiting for a refrigerated
 * truck that is due anyway, and it picks the truck type with the lowest cost
 * per kg actually carried (环节优化) among those that cost less than the
 * parcels their load replaces. plan_choose_source() picks where one order
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

/* Per product, what the sales warehouse should receive: `need` to last one
 * day longer than lead_days(), `room` up to the maximum cover (and no more
 * than the season still sells), both within origin stock; `urgent` when the
 * position does not last lead_days(), i.e. a truck must leave today. */
struct want {
	int64_t need, room, position, forecast;
	bool urgent;
};

int plan_cover_limit(int max_cover_days, int truck_days, int shelf_life_days)
{
	/* half of the life a lot harvested today still has after the line-haul
	 * and a day of last mile, so that lots a few days old still qualify */
	int by_shelf = (shelf_life_days - truck_days - 1) / 2;
	int c = max_cover_days < by_shelf ? max_cover_days : by_shelf;
	return c < 1 ? 1 : c;
}

static int cover_limit(const struct plan_params *pp, const struct plan_product_view *v)
{
	return plan_cover_limit(pp->max_cover_days, pp->truck_days, v->shelf_life_days);
}

/* Days of demand the position must cover for a truck sent today to come in
 * time: the line-haul, less the days an order can wait at the sales warehouse
 * for the truck and still arrive within the promise. */
static int lead_days(const struct plan_params *pp)
{
	int d = pp->truck_days - (pp->slack_days > 0 ? pp->slack_days : 0);
	return d > 0 ? d : 0;
}

static int64_t clamp_g(int64_t want, int64_t position, int64_t origin_left)
{
	int64_t g = want > position ? want - position : 0;
	return g < origin_left ? g : origin_left;
}

static void compute_want(const struct plan_params *pp, const struct plan_product_view *v,
                         int64_t loaded, int64_t origin_left, struct want *w)
{
	w->forecast = v->forecast_g > 0 ? v->forecast_g : 0;
	w->position = v->sales_g + v->transit_g - v->waiting_g + loaded;
	/* what the position must cover for a truck sent today to come in time */
	int64_t reorder = w->forecast * lead_days(pp);
	w->need = clamp_g(reorder + w->forecast, w->position, origin_left);
	int64_t top = w->forecast * (pp->truck_days + cover_limit(pp, v));
	if (v->season_g > 0 && v->season_g < top)
		top = v->season_g; /* the season ends before that cover would be sold */
	w->room = clamp_g(top, w->position, origin_left);
	if (w->room < w->need)
		w->room = w->need;
	w->urgent = w->need > 0 && w->position < reorder;
}

static bool eligible(const struct plan_truck *t, const struct plan_product_view *v)
{
	return t->refrigerated || !v->chilled;
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
			/* a.position/a.forecast > b.position/b.forecast ? (no forecast = infinite)
			 */
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

/* Load a truck: every product's need first (lowest cover first), then its
 * room up to the maximum cover. */
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

/* One candidate truck of a type: what it would carry and what that costs. */
struct trial {
	int64_t load[PLAN_MAX_PRODUCTS];
	int64_t total, cost_fen;
	bool worth, full, urgent;
};

/* Parcel money a load saves: the products' own savings per kg, or the flat
 * pp->max_fen_per_kg for products that give none; -1: no limit at all. */
static int64_t load_value_fen(const struct plan_params *pp, const struct plan_product_view *v,
                              const int64_t *load, size_t np)
{
	__int128 fen_x1000 = 0;
	bool limited = false;
	for (size_t p = 0; p < np; p++) {
		int64_t per_kg =
		    v[p].saving_fen_per_kg > 0 ? v[p].saving_fen_per_kg : pp->max_fen_per_kg;
		if (per_kg > 0 && load[p] > 0)
			limited = true;
		fen_x1000 += (__int128)load[p] * (per_kg > 0 ? per_kg : 0);
	}
	return limited ? (int64_t)(fen_x1000 / 1000) : -1;
}

static void try_truck(const struct plan_params *pp, const struct plan_truck *truck,
                      int64_t trip_fen, const struct plan_product_view *v, const struct want *w,
                      size_t np, struct trial *tr)
{
	memset(tr, 0, sizeof(*tr));
	fill_truck(truck, v, w, np, tr->load);
	for (size_t p = 0; p < np; p++) {
		tr->total += tr->load[p];
		tr->urgent = tr->urgent || (w[p].urgent && tr->load[p] > 0);
	}
	if (tr->total <= 0)
		return;
	tr->cost_fen = trip_fen + (int64_t)((__int128)pp->handling_fen_per_kg * tr->total / 1000);
	int64_t value = load_value_fen(pp, v, tr->load, np);
	/* a trip that costs more than the parcels it replaces is never worth it */
	tr->worth = value < 0 || value > tr->cost_fen;
	tr->full = (__int128)tr->total * 100 >= (__int128)truck->capacity_g * pp->min_fill_percent;
}

/* a costs less per kg carried than b */
static bool cheaper(const struct trial *a, const struct trial *b)
{
	return (__int128)a->cost_fen * b->total < (__int128)b->cost_fen * a->total;
}

/* Days ahead the planner looks for a refrigerated truck it will have to send. */
#define REEFER_AHEAD_DAYS 4

/* A chilled product will need a refrigerated truck within a few days: dry
 * goods wait to ride on it instead of filling a truck of their own. */
static bool reefer_due(const struct plan_params *pp, const struct plan_product_view *v,
                       const struct want *w, size_t np)
{
	for (size_t p = 0; p < np; p++) {
		if (!v[p].chilled || w[p].forecast <= 0 || v[p].origin_g <= 0)
			continue;
		int64_t reorder = w[p].forecast * (pp->truck_days + REEFER_AHEAD_DAYS);
		if (w[p].position < reorder)
			return true;
	}
	return false;
}

/* The truck type to send now, or -1. If a product is about to run out, the
 * type that carries it at the lowest cost per kg goes, filled up with the
 * other products' room. Otherwise only a well-filled truck goes, and only of
 * the type that is cheapest per kg for today's room: a dearer type waits until
 * the cheapest one fills up. Never a trip that costs more than its parcels. */
static int choose_truck(const struct plan_params *pp, const struct plan_truck *trucks,
                        const int64_t *trip_fen, size_t ntrucks, const struct plan_product_view *v,
                        const struct want *w, size_t np, int64_t *load_out)
{
	int urgent = -1, cheapest = -1;
	struct trial tr, urgent_tr = {0}, cheapest_tr = {0};
	for (size_t t = 0; t < ntrucks; t++) {
		try_truck(pp, &trucks[t], trip_fen[t], v, w, np, &tr);
		if (tr.total <= 0 || !tr.worth)
			continue;
		if (cheapest < 0 || cheaper(&tr, &cheapest_tr)) {
			cheapest = (int)t;
			cheapest_tr = tr;
		}
		if (tr.urgent && (urgent < 0 || cheaper(&tr, &urgent_tr))) {
			urgent = (int)t;
			urgent_tr = tr;
		}
	}
	if (urgent >= 0) {
		memcpy(load_out, urgent_tr.load, sizeof(urgent_tr.load));
		return urgent;
	}
	if (cheapest < 0 || !cheapest_tr.full ||
	    (!trucks[cheapest].refrigerated && reefer_due(pp, v, w, np)))
		return -1;
	memcpy(load_out, cheapest_tr.load, sizeof(cheapest_tr.load));
	return cheapest;
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
			compute_want(pp, &v[p], loaded[p], origin_left > 0 ? origin_left : 0,
			             &w[p]);
		}
		int64_t load[PLAN_MAX_PRODUCTS];
		int t = choose_truck(pp, trucks, trip_fen, ntrucks, v, w, np, load);
		if (t < 0)
			break;
		for (size_t p = 0; p < np; p++) {
			out->load_g[out->ntrucks][p] = load[p];
			loaded[p] += load[p];
		}
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
