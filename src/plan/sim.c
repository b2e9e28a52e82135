/*
 * The day-by-day logistics simulation behind `shanhai route simulate`.
 *
 * One seeded demand (orders by day, product, destination and weight: seasonal
 * monthly profiles, Poisson counts, random live-stream spikes) is generated
 * per run, or taken from the scenario's fixed_orders. Each day: trucks arrive,
 * the origin receives its harvest, stock past its shelf life is written off,
 * the sales warehouse pays storage, orders waiting for a truck that has come
 * are picked, then the open orders are served under the policy (first those
 * that can still arrive within the promise), and the policy decides today's
 * trucks, which carry only lots fresh enough to be sold in time.
 *
 * Stock is kept in lots (harvest day, grams, line-haul money carried). A
 * truck's trip and handling cost is split over the lots it carries by the
 * largest-remainder rule; an order taking grams from a lot takes the matching
 * share of that money, so every fen of line-haul ends up with a delivered
 * order, a spoiled lot, or stock left at the end: the cost accounting adds up.
 */
#include "plan/plan.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/money.h"
#include "lib/timeutil.h"

struct lot {
	int made;   /* day harvested or produced */
	int arrive; /* day it reaches the sales warehouse (in transit only) */
	int64_t g;
	int64_t freight_fen;
};

/* FIFO of lots: appended at the end, taken from the front. */
struct lotq {
	struct lot *v;
	size_t head, n, cap;
};

struct order {
	int day;
	int product;
	int dest;
	int64_t g;
};

struct dest_info {
	int64_t km_origin, km_sales;
	int days_origin, days_sales;
	bool in_city, in_service, prefer_sales;
};

/* Integer list used as a queue of order indices. */
struct idlist {
	size_t *v;
	size_t n, cap;
};

struct sim {
	const struct scenario *sc;
	enum sim_policy policy;
	int days;
	struct order *orders;
	size_t norders;
	unsigned char *spike; /* per day: 1 if a live-stream spike raises demand */
	double base_mult;     /* demand multiplier of a day without a spike */
	struct dest_info *dinfo;
	struct lotq origin[PLAN_MAX_PRODUCTS], sales[PLAN_MAX_PRODUCTS], transit[PLAN_MAX_PRODUCTS];
	int64_t reserved[PLAN_MAX_PRODUCTS]; /* transit grams promised to waiting orders */
	int min_life[PLAN_MAX_PRODUCTS]; /* days of shelf life a lot must have left on arrival */
	double ewma[PLAN_MAX_PRODUCTS];  /* observed grams a day for the sales warehouse */
	double prefer_sales_share;       /* share of demand weight best served from sales */
	struct idlist backlog, waiting;
	int truck_days;
	int64_t trip_fen[PLAN_MAX_TRUCK_TYPES];
	int64_t est_freight_fen_per_kg;
	int64_t breakeven_fen_per_kg; /* parcel cost saved per kg by serving from sales */
	int64_t saving_fen_per_kg[PLAN_MAX_PRODUCTS]; /* the same, per product */
	int slack_days; /* promise less the longest last mile from the sales warehouse */
	struct sim_result *r;
};

/* ---- random numbers (splitmix64: small, fast, the same everywhere) ---- */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) * 0x1.0p-53;
}

static int64_t rng_poisson(uint64_t *s, double lambda)
{
	if (lambda <= 0)
		return 0;
	if (lambda < 30) {
		double limit = exp(-lambda), p = 1.0;
		int64_t k = 0;
		do {
			k++;
			p *= rng_unit(s);
		} while (p > limit);
		return k - 1;
	}
	double u1 = rng_unit(s), u2 = rng_unit(s);
	if (u1 < 1e-300)
		u1 = 1e-300;
	double z = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
	int64_t n = (int64_t)llround(lambda + sqrt(lambda) * z);
	return n < 0 ? 0 : n;
}

/* Index drawn with probability weight[i] / sum(weight). */
static size_t rng_pick(uint64_t *s, const int64_t *cum, size_t n)
{
	uint64_t x = rng_next(s) % (uint64_t)cum[n - 1];
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if ((int64_t)x < cum[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* ---- calendar and expected quantities ---- */

static int month_of(const struct scenario *sc, int day, int *days_in_month)
{
	int y, m, d;
	civil_from_days(sc->start_day + day, &y, &m, &d);
	int64_t first = days_from_civil(y, m, 1);
	int64_t next = m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1);
	*days_in_month = (int)(next - first);
	return m - 1;
}

static int month_sum(const int *w)
{
	int s = 0;
	for (int i = 0; i < 12; i++)
		s += w[i];
	return s;
}

/* Grams a day of per_year spread by the monthly weights. */
static int64_t per_day_g(const struct scenario *sc, int64_t per_year, const int *w, int day)
{
	int dim, m = month_of(sc, day, &dim);
	int64_t g = 0;
	if (muldiv_round(per_year, w[m], (int64_t)month_sum(w) * dim, &g))
		return 0;
	return g;
}

static int weekday_of(const struct scenario *sc, int day)
{
	int64_t d = sc->start_day + day; /* 1970-01-01 was a Thursday (weekday 3) */
	return (int)(((d % 7) + 7 + 3) % 7);
}

/* ---- lots ---- */

static void lotq_push(struct lotq *q, struct lot l)
{
	if (q->head > 0 && q->head * 2 >= q->n) {
		memmove(q->v, q->v + q->head, (q->n - q->head) * sizeof(*q->v));
		q->n -= q->head;
		q->head = 0;
	}
	if (q->n == q->cap) {
		q->cap = q->cap ? q->cap * 2 : 16;
		q->v = xrealloc(q->v, q->cap * sizeof(*q->v));
	}
	q->v[q->n++] = l;
}

static void lotq_drop_empty_front(struct lotq *q)
{
	while (q->head < q->n && q->v[q->head].g == 0)
		q->head++;
}

static bool lot_fresh(const struct lot *l, int day, int shelf)
{
	return day - l->made <= shelf;
}

/* Grams still within shelf life on `day`. */
static int64_t lotq_usable(const struct lotq *q, int day, int shelf)
{
	int64_t g = 0;
	for (size_t i = q->head; i < q->n; i++)
		if (lot_fresh(&q->v[i], day, shelf))
			g += q->v[i].g;
	return g;
}

/* Take g grams that are still fresh on `day`, oldest first, with their share
 * of the carried freight. Caller checked lotq_usable() >= g. */
static int64_t lotq_take(struct lotq *q, int64_t g, int day, int shelf)
{
	int64_t freight = 0;
	for (size_t i = q->head; i < q->n && g > 0; i++) {
		struct lot *l = &q->v[i];
		if (l->g == 0 || !lot_fresh(l, day, shelf))
			continue;
		int64_t take = g < l->g ? g : l->g, share = l->freight_fen;
		if (take < l->g && muldiv_round(l->freight_fen, take, l->g, &share))
			share = 0;
		l->freight_fen -= share;
		l->g -= take;
		g -= take;
		freight += share;
	}
	lotq_drop_empty_front(q);
	return freight;
}

/* Remove lots past shelf life on `day`; add their grams and freight. */
static void lotq_spoil(struct lotq *q, int day, int shelf, int64_t *g, int64_t *freight)
{
	for (size_t i = q->head; i < q->n; i++) {
		struct lot *l = &q->v[i];
		if (l->g > 0 && !lot_fresh(l, day, shelf)) {
			*g += l->g;
			*freight += l->freight_fen;
			l->g = 0;
			l->freight_fen = 0;
		}
	}
	lotq_drop_empty_front(q);
}

static int64_t lotq_total(const struct lotq *q, int64_t *freight)
{
	int64_t g = 0;
	for (size_t i = q->head; i < q->n; i++) {
		g += q->v[i].g;
		if (freight)
			*freight += q->v[i].freight_fen;
	}
	return g;
}

static void idlist_push(struct idlist *l, size_t id)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = id;
}

/* ---- demand ---- */

static int64_t mean_order_g(const struct scenario *sc)
{
	int64_t num = 0, den = 0;
	for (size_t i = 0; i < sc->nsizes; i++) {
		num += sc->sizes[i].grams * sc->sizes[i].share;
		den += sc->sizes[i].share;
	}
	return den ? num / den : 1;
}

static void push_order(struct order **v, size_t *n, size_t *cap, struct order o)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[(*n)++] = o;
}

static int by_day(const void *a, const void *b)
{
	const struct order *x = a, *y = b;
	return (x->day > y->day) - (x->day < y->day);
}

static void generate_orders(struct sim *s, uint64_t seed)
{
	const struct scenario *sc = s->sc;
	size_t cap = 0;
	if (sc->has_fixed) {
		for (size_t i = 0; i < sc->nfixed; i++)
			if (sc->fixed[i].day < s->days)
				push_order(&s->orders, &s->norders, &cap,
				           (struct order){sc->fixed[i].day, sc->fixed[i].product,
				                          sc->fixed[i].dest, sc->fixed[i].grams});
		if (s->norders) /* qsort(NULL, 0) is undefined */
			qsort(s->orders, s->norders, sizeof(*s->orders), by_day);
		return;
	}
	int64_t *dcum = xcalloc(sc->ndests, sizeof(*dcum));
	int64_t *scum = xcalloc(sc->nsizes, sizeof(*scum));
	for (size_t i = 0; i < sc->ndests; i++)
		dcum[i] = (i ? dcum[i - 1] : 0) + sc->dests[i].weight;
	for (size_t i = 0; i < sc->nsizes; i++)
		scum[i] = (i ? scum[i - 1] : 0) + sc->sizes[i].share;
	uint64_t rng = seed ^ 0x5348414e484149ULL; /* "SHANHAI" */
	double mean_g = (double)mean_order_g(sc);
	/* spikes add demand on top of the base; scale the base so that a year's
	 * expected demand is still demand_kg_year */
	double base = 365.0 / (365.0 + sc->spikes_per_year * sc->spike_days *
	                                   (sc->spike_percent - 100) / 100.0);
	int spike_left = 0;
	s->base_mult = base;
	for (int day = 0; day < s->days; day++) {
		if (spike_left == 0 && rng_unit(&rng) * 365.0 < sc->spikes_per_year)
			spike_left = sc->spike_days;
		double mult = base * (spike_left > 0 ? sc->spike_percent / 100.0 : 1.0);
		s->spike[day] = spike_left > 0;
		if (spike_left > 0)
			spike_left--;
		for (size_t p = 0; p < sc->nproducts; p++) {
			const struct plan_product *pr = &sc->products[p];
			double lambda =
			    (double)per_day_g(sc, pr->demand_g_year, pr->demand_by_month, day) /
			    mean_g * mult;
			int64_t k = dcum[sc->ndests - 1] > 0 ? rng_poisson(&rng, lambda) : 0;
			for (int64_t i = 0; i < k; i++) {
				size_t d = rng_pick(&rng, dcum, sc->ndests);
				size_t z = rng_pick(&rng, scum, sc->nsizes);
				push_order(&s->orders, &s->norders, &cap,
				           (struct order){day, (int)p, (int)d, sc->sizes[z].grams});
			}
		}
	}
	free(scum);
	free(dcum);
}

/* ---- costs of serving one order ---- */

static int64_t last_mile_fen(const struct sim *s, const struct order *o)
{
	const struct scenario *sc = s->sc;
	const struct dest_info *di = &s->dinfo[o->dest];
	if (di->in_city) {
		int64_t per_kg = 0;
		if (amount_for_weight(o->g, sc->city_fen_per_kg, &per_kg))
			per_kg = 0;
		return sc->city_fen_per_order + per_kg;
	}
	return plan_parcel_fen(sc, di->km_sales, o->g, sc->products[o->product].chilled);
}

static int last_mile_days(const struct sim *s, const struct order *o)
{
	const struct dest_info *di = &s->dinfo[o->dest];
	return di->in_city ? s->sc->city_days : di->days_sales;
}

static int64_t origin_parcel_fen(const struct sim *s, const struct order *o)
{
	return plan_parcel_fen(s->sc, s->dinfo[o->dest].km_origin, o->g,
	                       s->sc->products[o->product].chilled);
}

static int64_t est_freight(const struct sim *s, int64_t g)
{
	int64_t f = 0;
	if (amount_for_weight(g, s->est_freight_fen_per_kg, &f))
		return 0;
	return f;
}

static void record_delivery(struct sim *s, const struct order *o, int delivered_day,
                            int64_t cost_fen)
{
	struct sim_result *r = s->r;
	int took = delivered_day - o->day;
	r->delivered++;
	r->delivered_g += o->g;
	r->order_costs_fen += cost_fen;
	if (took <= s->sc->promise_days)
		r->within_promise++;
	r->days_hist[took < SIM_MAX_DAYS_HIST - 1 ? took : SIM_MAX_DAYS_HIST - 1]++;
}

static void serve_from_sales(struct sim *s, const struct order *o, int day)
{
	const struct scenario *sc = s->sc;
	int deliver = day + last_mile_days(s, o);
	int64_t freight = lotq_take(&s->sales[o->product], o->g, deliver,
	                            sc->products[o->product].shelf_life_days);
	int64_t lm = last_mile_fen(s, o);
	if (s->dinfo[o->dest].in_city)
		s->r->city_fen += lm;
	else
		s->r->parcel_fen += lm;
	s->r->pack_fen += sc->sales_pack_fen_per_order;
	s->r->freight_orders_fen += freight;
	s->r->served_sales++;
	record_delivery(s, o, deliver, freight + lm + sc->sales_pack_fen_per_order);
}

static void serve_from_origin(struct sim *s, const struct order *o, int day)
{
	const struct scenario *sc = s->sc;
	int deliver = day + s->dinfo[o->dest].days_origin;
	(void)lotq_take(&s->origin[o->product], o->g, deliver,
	                sc->products[o->product].shelf_life_days);
	int64_t fen = origin_parcel_fen(s, o);
	s->r->parcel_fen += fen;
	s->r->pack_fen += sc->origin_pack_fen_per_order;
	s->r->parcels++;
	s->r->served_origin++;
	record_delivery(s, o, deliver, fen + sc->origin_pack_fen_per_order);
}

static bool sales_can_serve(const struct sim *s, const struct order *o, int day)
{
	int shelf = s->sc->products[o->product].shelf_life_days;
	return lotq_usable(&s->sales[o->product], day + last_mile_days(s, o), shelf) >= o->g;
}

static bool origin_can_serve(const struct sim *s, const struct order *o, int day)
{
	int shelf = s->sc->products[o->product].shelf_life_days;
	return origin_parcel_fen(s, o) >= 0 &&
	       lotq_usable(&s->origin[o->product], day + s->dinfo[o->dest].days_origin, shelf) >=
	           o->g;
}

/* The earliest arrival day of transit stock not yet promised that covers
 * the order, or -1. */
static int transit_arrival(const struct sim *s, const struct order *o)
{
	const struct lotq *q = &s->transit[o->product];
	int64_t cum = -s->reserved[o->product];
	for (size_t i = q->head; i < q->n; i++) {
		cum += q->v[i].g;
		if (cum >= o->g)
			return q->v[i].arrive;
	}
	return -1;
}

/* Planner: weigh sales stock, a direct parcel and waiting for a truck. */
static enum plan_source planner_source(struct sim *s, const struct order *o, int day, int *arrive)
{
	const struct scenario *sc = s->sc;
	struct plan_option opts[SOURCE_COUNT] = {{0}};
	int64_t lm = last_mile_fen(s, o), sales_cost = -1;
	if (lm >= 0)
		sales_cost = lm + sc->sales_pack_fen_per_order + est_freight(s, o->g);
	if (sales_cost >= 0 && sales_can_serve(s, o, day))
		opts[SOURCE_SALES] =
		    (struct plan_option){true, day + last_mile_days(s, o), sales_cost};
	if (origin_can_serve(s, o, day))
		opts[SOURCE_ORIGIN] =
		    (struct plan_option){true, day + s->dinfo[o->dest].days_origin,
		                         origin_parcel_fen(s, o) + sc->origin_pack_fen_per_order};
	*arrive = sales_cost >= 0 ? transit_arrival(s, o) : -1;
	if (*arrive >= 0)
		opts[SOURCE_WAIT_TRUCK] =
		    (struct plan_option){true, *arrive + last_mile_days(s, o), sales_cost};
	else if (s->dinfo[o->dest].prefer_sales &&
	         lotq_usable(&s->origin[o->product], day + s->truck_days + s->min_life[o->product],
	                     sc->products[o->product].shelf_life_days) >= o->g)
		opts[SOURCE_NEXT_TRUCK] = (struct plan_option){
		    true, day + s->truck_days + last_mile_days(s, o), sales_cost};
	return plan_choose_source(opts, o->day, sc->promise_days);
}

/* Serve order id today if the policy can; false if it must keep waiting. */
static bool try_serve(struct sim *s, size_t id, int day)
{
	const struct order *o = &s->orders[id];
	switch (s->policy) {
	case POLICY_DIRECT:
		break;
	case POLICY_WEEKLY:
		if (s->dinfo[o->dest].in_service && last_mile_fen(s, o) >= 0 &&
		    sales_can_serve(s, o, day)) {
			serve_from_sales(s, o, day);
			return true;
		}
		break;
	case POLICY_PLANNER: {
		int arrive;
		switch (planner_source(s, o, day, &arrive)) {
		case SOURCE_SALES:
			serve_from_sales(s, o, day);
			return true;
		case SOURCE_ORIGIN:
			serve_from_origin(s, o, day);
			return true;
		case SOURCE_WAIT_TRUCK:
			/* a late order does not claim stock on its way that could
			 * keep a later order on time; it takes what is left */
			if (arrive + last_mile_days(s, o) - o->day > s->sc->promise_days)
				return false;
			s->reserved[o->product] += o->g;
			idlist_push(&s->waiting, id);
			s->r->served_waited++;
			return true;
		case SOURCE_NEXT_TRUCK:
		case SOURCE_NONE:
		default:
			return false;
		}
		return false;
	}
	default:
		return false;
	}
	if (origin_can_serve(s, o, day)) {
		serve_from_origin(s, o, day);
		return true;
	}
	return false;
}

/* Orders reserved on trucks: picked as soon as their stock has arrived. */
static void serve_waiting(struct sim *s, int day)
{
	size_t keep = 0;
	for (size_t i = 0; i < s->waiting.n; i++) {
		size_t id = s->waiting.v[i];
		const struct order *o = &s->orders[id];
		if (sales_can_serve(s, o, day)) {
			s->reserved[o->product] -= o->g;
			serve_from_sales(s, o, day);
		} else if (day - o->day >= s->sc->cancel_after_days) {
			s->reserved[o->product] -= o->g;
			s->r->cancelled++;
		} else {
			s->waiting.v[keep++] = id;
		}
	}
	s->waiting.n = keep;
	for (size_t p = 0; p < s->sc->nproducts; p++)
		if (s->reserved[p] < 0)
			s->reserved[p] = 0;
}

/* Whether an order served today by its fastest way would still arrive within
 * the promise. */
static bool still_on_time(const struct sim *s, const struct order *o, int day)
{
	const struct dest_info *di = &s->dinfo[o->dest];
	int fastest = di->days_origin;
	if (s->policy != POLICY_DIRECT && last_mile_fen(s, o) >= 0 &&
	    last_mile_days(s, o) < fastest)
		fastest = last_mile_days(s, o);
	return day + fastest - o->day <= s->sc->promise_days;
}

/* Serve the open orders, oldest first, in two passes: first those that can
 * still arrive within the promise, then those that cannot any more (they take
 * what is left). Serving hopeless orders first when stock is short would make
 * the orders behind them late too (the rule that minimises the number of late
 * orders, Moore-Hodgson). Orders open too long are cancelled. */
static void serve_backlog(struct sim *s, int day)
{
	for (int pass = 0; pass < 2; pass++) {
		size_t keep = 0;
		for (size_t i = 0; i < s->backlog.n; i++) {
			size_t id = s->backlog.v[i];
			const struct order *o = &s->orders[id];
			if (still_on_time(s, o, day) == (pass == 0) && try_serve(s, id, day))
				continue;
			if (pass == 1 && day - o->day >= s->sc->cancel_after_days)
				s->r->cancelled++;
			else
				s->backlog.v[keep++] = id;
		}
		s->backlog.n = keep;
	}
}

/* ---- stock movements ---- */

static void arrive_trucks(struct sim *s, int day)
{
	for (size_t p = 0; p < s->sc->nproducts; p++) {
		struct lotq *t = &s->transit[p];
		while (t->head < t->n && t->v[t->head].arrive <= day) {
			lotq_push(&s->sales[p], t->v[t->head]);
			t->head++;
		}
	}
}

static void harvest(struct sim *s, int day)
{
	for (size_t p = 0; p < s->sc->nproducts; p++) {
		const struct plan_product *pr = &s->sc->products[p];
		int64_t g = per_day_g(s->sc, pr->supply_g_year, pr->supply_by_month, day);
		if (day == 0)
			g += pr->initial_origin_g;
		if (g > 0)
			lotq_push(&s->origin[p], (struct lot){day, 0, g, 0});
	}
}

static void spoil_and_store(struct sim *s, int day)
{
	int64_t held = 0;
	for (size_t p = 0; p < s->sc->nproducts; p++) {
		int shelf = s->sc->products[p].shelf_life_days;
		int64_t none = 0;
		lotq_spoil(&s->origin[p], day, shelf, &s->r->spoiled_origin_g, &none);
		lotq_spoil(&s->sales[p], day, shelf, &s->r->spoiled_sales_g,
		           &s->r->freight_spoiled_fen);

		held += lotq_total(&s->sales[p], NULL);
	}
	int64_t fen = 0;
	if (!muldiv_round(held, s->sc->storage_fen_per_tonne_day, 1000000, &fen))
		s->r->storage_fen += fen;
}

/* Load load_g[p] grams of each product from the origin (oldest fresh lots
 * first) on one truck of type t, and split its cost over what it carries. */
static void send_truck(struct sim *s, int day, int t, const int64_t *load_g)
{
	const struct scenario *sc = s->sc;
	struct lot segs[PLAN_MAX_PRODUCTS * 64];
	int prod[PLAN_MAX_PRODUCTS * 64];
	int64_t weights[PLAN_MAX_PRODUCTS * 64], shares[PLAN_MAX_PRODUCTS * 64];
	size_t n = 0;
	int arrive = day + s->truck_days;
	int64_t total = 0;
	for (size_t p = 0; p < sc->nproducts; p++) {
		struct lotq *q = &s->origin[p];
		int64_t want = load_g[p];
		for (size_t i = q->head; i < q->n && want > 0; i++) {
			struct lot *l = &q->v[i];
			if (l->g == 0 ||
			    !lot_fresh(l, arrive + s->min_life[p], sc->products[p].shelf_life_days))
				continue;
			if (n == sizeof(segs) / sizeof(segs[0]))
				break;
			int64_t take = want < l->g ? want : l->g;
			l->g -= take;
			want -= take;
			segs[n] = (struct lot){l->made, arrive, take, 0};
			prod[n] = (int)p;
			weights[n] = take;
			total += take;
			n++;
		}
		lotq_drop_empty_front(q);
	}
	if (total == 0)
		return;
	int64_t handling = 0;
	if (amount_for_weight(total, sc->truck_handling_fen_per_kg, &handling))
		handling = 0;
	int64_t cost = s->trip_fen[t] + handling;
	if (split_largest_remainder(cost, weights, n, shares))
		memset(shares, 0, n * sizeof(*shares));
	for (size_t i = 0; i < n; i++) {
		segs[i].freight_fen = shares[i];
		lotq_push(&s->transit[prod[i]], segs[i]);
	}
	s->r->linehaul_fen += s->trip_fen[t];
	s->r->truck_handling_fen += handling;
	s->r->trips[t]++;
	s->r->trucked_g += total;
}

/* Expected grams a day of product p for the sales warehouse, averaged over
 * the next `span` days of the scenario's demand profile. Through day `known`
 * the spike calendar is known (announced live-streams): those days carry the
 * spike multiplier or the base one instead of the average. */
static int64_t prior_g(const struct sim *s, size_t p, int day, int span, int known)
{
	const struct plan_product *pr = &s->sc->products[p];
	double sum = 0;
	for (int d = day; d < day + span; d++) {
		double g = (double)per_day_g(s->sc, pr->demand_g_year, pr->demand_by_month, d);
		if (d <= known && d < s->days)
			g *= s->base_mult * (s->spike[d] ? s->sc->spike_percent / 100.0 : 1.0);
		sum += g;
	}
	return (int64_t)llround(sum / span * s->prefer_sales_share);
}

/* The last day whose spikes the planner knows on `day`, or -1. */
static int known_until(const struct sim *s, int day)
{
	if (s->sc->has_fixed || s->sc->spike_announced_days <= 0)
		return -1;
	return day + s->sc->spike_announced_days;
}

/* Days beyond the line-haul and the maximum cover over which the planner
 * counts on its seasonal profile to sell what it sends. */
#define SEASON_MARGIN_DAYS 7

/* Grams of product p the demand profile expects to be ordered for the sales
 * warehouse from tomorrow through the line-haul, the maximum cover and a
 * week: at a season's end the planner sends no more than that (at least 1 g,
 * since 0 means "not known"). */
static int64_t season_g(const struct sim *s, size_t p, int day)
{
	int cover = plan_cover_limit(s->sc->max_cover_days, s->truck_days,
	                             s->sc->products[p].shelf_life_days);
	int days = s->truck_days + cover + SEASON_MARGIN_DAYS;
	int64_t g = prior_g(s, p, day + 1, days, known_until(s, day)) * days;
	return g > 0 ? g : 1;
}

static void fill_views(struct sim *s, int day, bool use_orders, struct plan_product_view *v)
{
	const struct scenario *sc = s->sc;
	int span = s->truck_days + sc->target_cover_days + 1;
	int64_t backlog_g[PLAN_MAX_PRODUCTS] = {0};
	for (size_t i = 0; i < s->backlog.n; i++) {
		const struct order *o = &s->orders[s->backlog.v[i]];
		if (s->dinfo[o->dest].prefer_sales)
			backlog_g[o->product] += o->g;
	}
	for (size_t p = 0; p < sc->nproducts; p++) {
		int shelf = sc->products[p].shelf_life_days;
		int64_t prior = prior_g(s, p, day, span, use_orders ? known_until(s, day) : -1);
		v[p] = (struct plan_product_view){
		    .sales_g = lotq_usable(&s->sales[p], day + 1, shelf),
		    .transit_g = lotq_total(&s->transit[p], NULL),
		    .waiting_g = s->reserved[p] + backlog_g[p],
		    .origin_g =
		        lotq_usable(&s->origin[p], day + s->truck_days + s->min_life[p], shelf),
		    .forecast_g =
		        use_orders ? (int64_t)llround((s->ewma[p] + (double)prior) / 2) : prior,
		    .shelf_life_days = shelf,
		    .chilled = sc->products[p].chilled,
		    .saving_fen_per_kg = s->saving_fen_per_kg[p],
		};
		if (use_orders)
			v[p].season_g = season_g(s, p, day);
	}
}

static void plan_trucks(struct sim *s, int day)
{
	const struct scenario *sc = s->sc;
	struct plan_product_view v[PLAN_MAX_PRODUCTS];
	struct plan_dispatch d;
	struct plan_params pp = {s->truck_days,           sc->max_cover_days,
	                         sc->min_fill_percent,    sc->truck_handling_fen_per_kg,
	                         s->breakeven_fen_per_kg, s->slack_days};
	fill_views(s, day, true, v);
	plan_dispatch(&pp, sc->trucks, s->trip_fen, sc->ntrucks, v, sc->nproducts, &d);
	for (size_t i = 0; i < d.ntrucks; i++)
		send_truck(s, day, d.truck[i], d.load_g[i]);
}

/* Grams of each product the weekly departure wants: the week, the
 * line-haul and target_cover_days of expected demand (no order pool), less
 * what is in Ningbo or on the way, within what the origin can send. */
static void weekly_wants(struct sim *s, int day, int64_t *want)
{
	const struct scenario *sc = s->sc;
	const struct plan_truck *t = &sc->trucks[sc->weekly_truck];
	struct plan_product_view v[PLAN_MAX_PRODUCTS];
	fill_views(s, day, false, v);
	for (size_t p = 0; p < sc->nproducts; p++) {
		want[p] = 0;
		if (v[p].chilled && !t->refrigerated)
			continue;
		int cover = 7 + s->truck_days + sc->target_cover_days;
		int shelf_cover = v[p].shelf_life_days - s->truck_days - 1;
		if (cover > shelf_cover)
			cover = shelf_cover > 0 ? shelf_cover : 0;
		int64_t g = v[p].forecast_g * cover - v[p].sales_g - v[p].transit_g;
		want[p] = g < v[p].origin_g ? (g > 0 ? g : 0) : v[p].origin_g;
	}
}

/* The fixed weekly departure: on the same weekday every week, trucks of the
 * given type loaded to the expected demand, as many as that needs (up to
 * PLAN_MAX_TRUCKS_PER_DAY; after the first, only well-filled ones), so that a
 * week of harvest-season volume is not squeezed into one truck. */
static void weekly_truck(struct sim *s, int day)
{
	const struct scenario *sc = s->sc;
	if (weekday_of(sc, day) != sc->weekly_weekday)
		return;
	int64_t want[PLAN_MAX_PRODUCTS];
	const struct plan_truck *t = &sc->trucks[sc->weekly_truck];
	weekly_wants(s, day, want);
	for (int n = 0; n < PLAN_MAX_TRUCKS_PER_DAY; n++) {
		int64_t load[PLAN_MAX_PRODUCTS] = {0}, left = t->capacity_g;
		for (size_t p = 0; p < sc->nproducts && left > 0; p++) {
			load[p] = want[p] < left ? want[p] : left;
			left -= load[p];
			want[p] -= load[p];
		}
		int64_t total = t->capacity_g - left;
		if (total == 0 ||
		    (n > 0 && total * 100 < t->capacity_g * (int64_t)sc->min_fill_percent))
			break;
		send_truck(s, day, sc->weekly_truck, load);
	}
}

static void observe_demand(struct sim *s, size_t first, size_t end)
{
	int64_t g[PLAN_MAX_PRODUCTS] = {0};
	for (size_t i = first; i < end; i++)
		if (s->dinfo[s->orders[i].dest].prefer_sales)
			g[s->orders[i].product] += s->orders[i].g;
	for (size_t p = 0; p < s->sc->nproducts; p++)
		s->ewma[p] = 0.7 * s->ewma[p] + 0.3 * (double)g[p];
}

/* ---- set-up and the day loop ---- */

/* Days a lot must still keep on arrival to go on a truck: the longest the
 * policy means to hold it at the sales warehouse plus the last mile, but at
 * most what a lot harvested on the day of loading has left. Sending the
 * oldest lots instead (plain FIFO) ships goods that spoil in Ningbo once the
 * origin holds a surplus. */
static void init_min_life(struct sim *s)
{
	const struct scenario *sc = s->sc;
	for (size_t p = 0; p < sc->nproducts; p++) {
		int shelf = sc->products[p].shelf_life_days;
		int hold = s->policy == POLICY_WEEKLY
		               ? 7 + s->truck_days + sc->target_cover_days
		               : plan_cover_limit(sc->max_cover_days, s->truck_days, shelf);
		int most = shelf - s->truck_days;
		int need = hold + 2;
		s->min_life[p] = need < most ? need : (most > 0 ? most : 0);
	}
}

/* Per product, the parcel money a kg saves when it is served from the sales
 * warehouse instead of by direct parcel (a typical order, destinations best
 * served from there, weighted by their share of demand). */
static void init_savings(struct sim *s)
{
	const struct scenario *sc = s->sc;
	int64_t mean_g = mean_order_g(sc);
	for (size_t p = 0; p < sc->nproducts; p++) {
		__int128 saved = 0;
		int64_t w = 0;
		for (size_t i = 0; i < sc->ndests; i++) {
			if (!s->dinfo[i].prefer_sales)
				continue;
			struct order typical = {0, (int)p, (int)i, mean_g};
			saved += (__int128)sc->dests[i].weight *
			         (origin_parcel_fen(s, &typical) + sc->origin_pack_fen_per_order -
			          last_mile_fen(s, &typical) - sc->sales_pack_fen_per_order);
			w += sc->dests[i].weight;
		}
		s->saving_fen_per_kg[p] =
		    w ? (int64_t)(saved * GRAMS_PER_KG / ((__int128)w * mean_g)) : 0;
	}
}

/* Days an order served from the sales warehouse may wait there for a truck
 * and still arrive within the promise, for the slowest destination it serves. */
static void init_slack(struct sim *s)
{
	int longest = 0;
	for (size_t i = 0; i < s->sc->ndests; i++) {
		const struct dest_info *di = &s->dinfo[i];
		int d = di->in_city ? s->sc->city_days : di->days_sales;
		if (di->prefer_sales && d > longest)
			longest = d;
	}
	s->slack_days = s->sc->promise_days > longest ? s->sc->promise_days - longest : 0;
}

static void init_places(struct sim *s)
{
	const struct scenario *sc = s->sc;
	int64_t mean_g = mean_order_g(sc), total_w = 0, sales_w = 0;
	__int128 saved = 0;
	int64_t best_trip = -1, best_cap = 1;
	for (size_t t = 0; t < sc->ntrucks; t++) {
		s->trip_fen[t] = plan_trip_fen(sc, t);
		if (best_trip < 0 || (__int128)s->trip_fen[t] * best_cap <
		                         (__int128)best_trip * sc->trucks[t].capacity_g) {
			best_trip = s->trip_fen[t];
			best_cap = sc->trucks[t].capacity_g;
		}
	}
	/* a well-filled truck of the cheapest type per kg, plus its handling */
	s->est_freight_fen_per_kg = best_trip * 1000 * 100 / (best_cap * sc->min_fill_percent) +
	                            sc->truck_handling_fen_per_kg;
	s->truck_days = plan_truck_days(sc);
	s->dinfo = xcalloc(sc->ndests, sizeof(*s->dinfo));
	for (size_t i = 0; i < sc->ndests; i++) {
		struct dest_info *di = &s->dinfo[i];
		di->km_origin = plan_road_km(sc, &sc->origin, &sc->dests[i].place);
		di->km_sales = plan_road_km(sc, &sc->sales, &sc->dests[i].place);
		di->days_origin = plan_parcel_days(sc, di->km_origin);
		di->days_sales = plan_parcel_days(sc, di->km_sales);
		di->in_city = di->km_sales <= sc->city_radius_km;
		di->in_service = di->km_sales <= sc->service_radius_km;
		struct order typical = {0, 0, (int)i, mean_g};
		int64_t via_sales = last_mile_fen(s, &typical);
		int64_t direct = origin_parcel_fen(s, &typical);
		di->prefer_sales =
		    via_sales >= 0 && (direct < 0 || via_sales + sc->sales_pack_fen_per_order +
		                                             est_freight(s, mean_g) <
		                                         direct + sc->origin_pack_fen_per_order);
		total_w += sc->dests[i].weight;
		if (di->prefer_sales) {
			sales_w += sc->dests[i].weight;
			saved += (__int128)sc->dests[i].weight *
			         (direct + sc->origin_pack_fen_per_order - via_sales -
			          sc->sales_pack_fen_per_order);
		}
	}
	s->prefer_sales_share = total_w ? (double)sales_w / (double)total_w : 0;
	init_min_life(s);
	init_savings(s);
	init_slack(s);
	s->breakeven_fen_per_kg =
	    sales_w ? (int64_t)(saved * GRAMS_PER_KG / ((__int128)sales_w * mean_g)) : 0;
}

static void summarise(struct sim *s)
{
	struct sim_result *r = s->r;
	const struct scenario *sc = s->sc;
	for (size_t p = 0; p < sc->nproducts; p++) {
		lotq_total(&s->sales[p], &r->freight_left_fen);
		lotq_total(&s->transit[p], &r->freight_left_fen);
	}
	r->total_fen = r->linehaul_fen + r->truck_handling_fen + r->parcel_fen + r->city_fen +
	               r->pack_fen + r->storage_fen;
	int64_t sub = 0;
	if (muldiv_round(r->linehaul_fen, sc->subsidy_linehaul_permille, 1000, &sub))
		sub = 0;
	r->subsidy_fen = sub + r->parcels * sc->subsidy_parcel_fen_per_order;
	int64_t seen = 0, half = (r->delivered + 1) / 2, p95 = (r->delivered * 95 + 99) / 100;
	r->median_days = r->p95_days = -1;
	for (int d = 0; d < SIM_MAX_DAYS_HIST && r->delivered > 0; d++) {
		seen += r->days_hist[d];
		if (r->median_days < 0 && seen >= half)
			r->median_days = d;
		if (r->p95_days < 0 && seen >= p95)
			r->p95_days = d;
	}
}

static void release(struct sim *s)
{
	for (size_t p = 0; p < PLAN_MAX_PRODUCTS; p++) {
		free(s->origin[p].v);
		free(s->sales[p].v);
		free(s->transit[p].v);
	}
	free(s->backlog.v);
	free(s->waiting.v);
	free(s->dinfo);
	free(s->orders);
	free(s->spike);
}

const char *sim_policy_name(enum sim_policy p)
{
	switch (p) {
	case POLICY_DIRECT:
		return "direct";
	case POLICY_WEEKLY:
		return "weekly";
	case POLICY_PLANNER:
		return "planner";
	default:
		return "?";
	}
}

int sim_run(const struct scenario *sc, enum sim_policy policy, uint64_t seed, int days,
            struct sim_result *out, char *err, size_t errsz)
{
	if ((int)policy < 0 || (int)policy >= (int)POLICY_COUNT) {
		snprintf(err, errsz, "unknown policy %d", (int)policy);
		return -1;
	}
	struct sim s = {
	    .sc = sc, .policy = policy, .days = days > 0 ? days : sc->horizon_days, .r = out};
	memset(out, 0, sizeof(*out));
	out->policy = policy;
	out->days = s.days;
	init_places(&s);
	s.spike = xcalloc((size_t)s.days, 1);
	generate_orders(&s, seed);
	for (size_t p = 0; p < sc->nproducts; p++)
		s.ewma[p] = (double)prior_g(&s, p, 0, 1, -1);
	size_t next = 0;
	for (int day = 0; day < s.days; day++) {
		arrive_trucks(&s, day);
		harvest(&s, day);
		spoil_and_store(&s, day);
		serve_waiting(&s, day);
		size_t first = next;
		for (; next < s.norders && s.orders[next].day == day; next++) {
			out->orders++;
			out->ordered_g += s.orders[next].g;
			idlist_push(&s.backlog, next);
		}
		serve_backlog(&s, day);
		observe_demand(&s, first, next);
		if (policy == POLICY_PLANNER)
			plan_trucks(&s, day);
		else if (policy == POLICY_WEEKLY)
			weekly_truck(&s, day);
	}
	summarise(&s);
	release(&s);
	return 0;
}

int64_t sim_fen_per_kg(const struct sim_result *r, int64_t subtract_fen)
{
	int64_t v = 0;
	if (r->delivered_g <= 0 ||
	    muldiv_round(r->total_fen - subtract_fen, GRAMS_PER_KG, r->delivered_g, &v))
		return -1;
	return v;
}
