/*
 * Reading a logistics scenario (scenarios/README.md documents every field)
 * into struct scenario, with jansson. Every value is checked for type and
 * range, and every error names the field at fault with its full path, e.g.
 * "linehaul.trucks[1].capacity_kg: expected an integer >= 1". Money fields
 * must be integers in fen; weights are given in kg or grams as the field name
 * says and stored in grams. Unknown fields are ignored so that a scenario can
 * carry its sources and notes next to the numbers.
 */
#include "plan/plan.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/timeutil.h"

#define MAX_SCENARIO_BYTES (16u << 20)

struct pctx {
	char *err;
	size_t errsz;
};

static int fail(struct pctx *c, const char *path, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct pctx *c, const char *path, const char *key, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errsz, "%s%s%s: %s", path, *path && key ? "." : "", key ? key : "",
	         what);
	return -1;
}

static void join(char *out, size_t outsz, const char *path, const char *key, long index)
{
	if (index >= 0)
		snprintf(out, outsz, "%s%s%s[%ld]", path, *path ? "." : "", key, index);
	else
		snprintf(out, outsz, "%s%s%s", path, *path ? "." : "", key);
}

static int get_object(struct pctx *c, json_t *parent, const char *path, const char *key,
                      json_t **out)
{
	json_t *v = json_object_get(parent, key);
	if (!v)
		return fail(c, path, key, "missing");
	if (!json_is_object(v))
		return fail(c, path, key, "expected an object");
	*out = v;
	return 0;
}

static int get_array(struct pctx *c, json_t *parent, const char *path, const char *key,
                     size_t min_len, json_t **out)
{
	json_t *v = json_object_get(parent, key);
	if (!v)
		return fail(c, path, key, "missing");
	if (!json_is_array(v))
		return fail(c, path, key, "expected an array");
	if (json_array_size(v) < min_len)
		return fail(c, path, key, "expected at least %zu entries", min_len);
	*out = v;
	return 0;
}

static int get_int(struct pctx *c, json_t *parent, const char *path, const char *key, int64_t min,
                   int64_t max, int64_t *out)
{
	json_t *v = json_object_get(parent, key);
	if (!v)
		return fail(c, path, key, "missing");
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return fail(c, path, key, "expected an integer from %lld to %lld", (long long)min,
		            (long long)max);
	*out = (int64_t)json_integer_value(v);
	return 0;
}

static int get_int_or(struct pctx *c, json_t *parent, const char *path, const char *key,
                      int64_t min, int64_t max, int64_t dflt, int64_t *out)
{
	if (!json_object_get(parent, key)) {
		*out = dflt;
		return 0;
	}
	return get_int(c, parent, path, key, min, max, out);
}

static int get_small(struct pctx *c, json_t *parent, const char *path, const char *key, int min,
                     int max, int *out)
{
	int64_t v;
	if (get_int(c, parent, path, key, min, max, &v))
		return -1;
	*out = (int)v;
	return 0;
}

static int get_real(struct pctx *c, json_t *parent, const char *path, const char *key, double min,
                    double max, double *out)
{
	json_t *v = json_object_get(parent, key);
	if (!v)
		return fail(c, path, key, "missing");
	if (!json_is_number(v) || json_number_value(v) < min || json_number_value(v) > max)
		return fail(c, path, key, "expected a number from %g to %g", min, max);
	*out = json_number_value(v);
	return 0;
}

static int get_string(struct pctx *c, json_t *parent, const char *path, const char *key, char *out,
                      size_t outsz)
{
	json_t *v = json_object_get(parent, key);
	if (!v)
		return fail(c, path, key, "missing");
	if (!json_is_string(v) || json_string_length(v) == 0)
		return fail(c, path, key, "expected a non-empty string");
	if (json_string_length(v) >= outsz)
		return fail(c, path, key, "longer than %zu bytes", outsz - 1);
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

static int get_bool_or(struct pctx *c, json_t *parent, const char *path, const char *key, bool *out)
{
	json_t *v = json_object_get(parent, key);
	if (!v) {
		*out = false;
		return 0;
	}
	if (!json_is_boolean(v))
		return fail(c, path, key, "expected true or false");
	*out = json_is_true(v);
	return 0;
}

static int get_place(struct pctx *c, json_t *o, const char *path, struct plan_place *p)
{
	if (get_string(c, o, path, "code", p->code, sizeof(p->code)) ||
	    get_string(c, o, path, "name", p->name, sizeof(p->name)) ||
	    get_real(c, o, path, "lon", -180, 180, &p->lon) ||
	    get_real(c, o, path, "lat", -90, 90, &p->lat))
		return -1;
	return 0;
}

static int get_months(struct pctx *c, json_t *o, const char *path, const char *key, int *out)
{
	json_t *a;
	if (get_array(c, o, path, key, 0, &a))
		return -1;
	if (json_array_size(a) != 12)
		return fail(c, path, key, "expected 12 monthly weights, January first");
	int sum = 0;
	for (size_t i = 0; i < 12; i++) {
		json_t *v = json_array_get(a, i);
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > 1000000) {
			char p[160];
			join(p, sizeof(p), path, key, (long)i);
			return fail(c, p, NULL, "expected an integer from 0 to 1000000");
		}
		out[i] = (int)json_integer_value(v);
		sum += out[i];
	}
	if (sum == 0)
		return fail(c, path, key, "all twelve weights are 0");
	return 0;
}

static int parse_top(struct pctx *c, json_t *root, struct scenario *sc)
{
	char date[16];
	int64_t v;
	if (get_string(c, root, "", "name", sc->name, sizeof(sc->name)) ||
	    get_string(c, root, "", "start_date", date, sizeof(date)))
		return -1;
	if (date_parse(date, strlen(date), &sc->start_day))
		return fail(c, "", "start_date", "expected a date YYYY-MM-DD, got '%s'", date);
	if (get_small(c, root, "", "horizon_days", 1, 3660, &sc->horizon_days) ||
	    get_small(c, root, "", "promise_days", 0, 60, &sc->promise_days) ||
	    get_small(c, root, "", "cancel_after_days", 1, 365, &sc->cancel_after_days) ||
	    get_real(c, root, "", "road_factor", 1.0, 3.0, &sc->road_factor))
		return -1;
	if (get_int_or(c, root, "", "min_fill_percent", 1, 100, 85, &v))
		return -1;
	sc->min_fill_percent = (int)v;
	return 0;
}

static int parse_warehouses(struct pctx *c, json_t *root, struct scenario *sc)
{
	json_t *o, *s;
	if (get_object(c, root, "", "origin", &o) || get_place(c, o, "origin", &sc->origin))
		return -1;
	if (get_object(c, root, "", "sales_warehouse", &s) ||
	    get_place(c, s, "sales_warehouse", &sc->sales) ||
	    get_int(c, s, "sales_warehouse", "service_radius_km", 0, 5000,
	            &sc->service_radius_km) ||
	    get_small(c, s, "sales_warehouse", "target_cover_days", 0, 365,
	              &sc->target_cover_days) ||
	    get_small(c, s, "sales_warehouse", "max_cover_days", 0, 365, &sc->max_cover_days) ||
	    get_int(c, s, "sales_warehouse", "storage_fen_per_tonne_day", 0, 10000000,
	            &sc->storage_fen_per_tonne_day))
		return -1;
	if (sc->max_cover_days < sc->target_cover_days)
		return fail(c, "sales_warehouse", "max_cover_days",
		            "less than target_cover_days (%d)", sc->target_cover_days);
	return 0;
}

static int parse_handling(struct pctx *c, json_t *root, struct scenario *sc)
{
	json_t *h;
	if (get_object(c, root, "", "handling", &h) ||
	    get_int(c, h, "handling", "origin_pack_fen_per_order", 0, 1000000,
	            &sc->origin_pack_fen_per_order) ||
	    get_int(c, h, "handling", "sales_pack_fen_per_order", 0, 1000000,
	            &sc->sales_pack_fen_per_order) ||
	    get_int(c, h, "handling", "truck_handling_fen_per_kg", 0, 100000,
	            &sc->truck_handling_fen_per_kg))
		return -1;
	return 0;
}

static int parse_truck(struct pctx *c, json_t *t, const char *path, struct plan_truck *out)
{
	int64_t kg;
	if (!json_is_object(t))
		return fail(c, path, NULL, "expected an object");
	if (get_string(c, t, path, "name", out->name, sizeof(out->name)) ||
	    get_int(c, t, path, "capacity_kg", 1, 100000, &kg) ||
	    get_int(c, t, path, "fen_per_km", 0, 1000000, &out->fen_per_km) ||
	    get_int_or(c, t, path, "fen_per_trip", 0, 100000000, 0, &out->fen_per_trip) ||
	    get_bool_or(c, t, path, "refrigerated", &out->refrigerated))
		return -1;
	out->capacity_g = kg * 1000;
	return 0;
}

static int parse_linehaul(struct pctx *c, json_t *root, struct scenario *sc)
{
	json_t *l, *a;
	if (get_object(c, root, "", "linehaul", &l) ||
	    get_small(c, l, "linehaul", "km_per_day", 50, 3000, &sc->truck_km_per_day) ||
	    get_array(c, l, "linehaul", "trucks", 1, &a))
		return -1;
	if (json_array_size(a) > PLAN_MAX_TRUCK_TYPES)
		return fail(c, "linehaul", "trucks", "more than %d truck types",
		            PLAN_MAX_TRUCK_TYPES);
	sc->ntrucks = json_array_size(a);
	for (size_t i = 0; i < sc->ntrucks; i++) {
		char p[64];
		join(p, sizeof(p), "linehaul", "trucks", (long)i);
		if (parse_truck(c, json_array_get(a, i), p, &sc->trucks[i]))
			return -1;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(sc->trucks[j].name, sc->trucks[i].name))
				return fail(c, p, "name", "duplicate truck name '%s'",
				            sc->trucks[i].name);
	}
	return 0;
}

static int parse_zones(struct pctx *c, json_t *p, struct scenario *sc)
{
	json_t *a;
	if (get_array(c, p, "parcel", "zones", 1, &a))
		return -1;
	sc->nzones = json_array_size(a);
	sc->zones = xcalloc(sc->nzones, sizeof(*sc->zones));
	for (size_t i = 0; i < sc->nzones; i++) {
		char path[64];
		json_t *z = json_array_get(a, i);
		struct plan_zone *zo = &sc->zones[i];
		join(path, sizeof(path), "parcel", "zones", (long)i);
		if (!json_is_object(z))
			return fail(c, path, NULL, "expected an object");
		if (get_int(c, z, path, "max_km", 1, 100000, &zo->max_km) ||
		    get_int(c, z, path, "first_kg_fen", 0, 1000000, &zo->first_kg_fen) ||
		    get_int(c, z, path, "extra_kg_fen", 0, 1000000, &zo->extra_kg_fen))
			return -1;
		if (i > 0 && zo->max_km <= sc->zones[i - 1].max_km)
			return fail(c, path, "max_km", "zones must be in increasing max_km");
	}
	return 0;
}

static int parse_parcel_and_city(struct pctx *c, json_t *root, struct scenario *sc)
{
	json_t *p, *cd;
	if (get_object(c, root, "", "parcel", &p) ||
	    get_small(c, p, "parcel", "pickup_days", 0, 30, &sc->parcel_pickup_days) ||
	    get_small(c, p, "parcel", "km_per_day", 50, 3000, &sc->parcel_km_per_day) ||
	    get_int(c, p, "parcel", "chilled_permille", 1000, 10000,
	            &sc->chilled_parcel_permille) ||
	    parse_zones(c, p, sc))
		return -1;
	if (get_object(c, root, "", "city_delivery", &cd) ||
	    get_int(c, cd, "city_delivery", "radius_km", 0, 1000, &sc->city_radius_km) ||
	    get_int(c, cd, "city_delivery", "fen_per_order", 0, 1000000, &sc->city_fen_per_order) ||
	    get_int(c, cd, "city_delivery", "fen_per_kg", 0, 1000000, &sc->city_fen_per_kg) ||
	    get_small(c, cd, "city_delivery", "days", 0, 30, &sc->city_days))
		return -1;
	return 0;
}

static int parse_product(struct pctx *c, json_t *o, const char *path, struct plan_product *pr)
{
	int64_t v;
	if (!json_is_object(o))
		return fail(c, path, NULL, "expected an object");
	if (get_string(c, o, path, "code", pr->code, sizeof(pr->code)) ||
	    get_string(c, o, path, "name", pr->name, sizeof(pr->name)) ||
	    get_small(c, o, path, "shelf_life_days", 1, 3650, &pr->shelf_life_days) ||
	    get_bool_or(c, o, path, "chilled", &pr->chilled))
		return -1;
	if (get_int(c, o, path, "supply_kg_year", 0, 1000000000, &v))
		return -1;
	pr->supply_g_year = v * 1000;
	if (get_int(c, o, path, "demand_kg_year", 0, 1000000000, &v))
		return -1;
	pr->demand_g_year = v * 1000;
	if (get_int_or(c, o, path, "initial_origin_kg", 0, 1000000000, 0, &v))
		return -1;
	pr->initial_origin_g = v * 1000;
	if (get_months(c, o, path, "supply_by_month", pr->supply_by_month) ||
	    get_months(c, o, path, "demand_by_month", pr->demand_by_month))
		return -1;
	return 0;
}

static int parse_products(struct pctx *c, json_t *root, struct scenario *sc)
{
	json_t *a;
	if (get_array(c, root, "", "products", 1, &a))
		return -1;
	if (json_array_size(a) > PLAN_MAX_PRODUCTS)
		return fail(c, "", "products", "more than %d products", PLAN_MAX_PRODUCTS);
	sc->nproducts = json_array_size(a);
	for (size_t i = 0; i < sc->nproducts; i++) {
		char p[64];
		join(p, sizeof(p), "", "products", (long)i);
		if (parse_product(c, json_array_get(a, i), p, &sc->products[i]))
			return -1;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(sc->products[j].code, sc->products[i].code))
				return fail(c, p, "code", "duplicate product code '%s'",
				            sc->products[i].code);
	}
	return 0;
}

static int parse_sizes(struct pctx *c, json_t *root, struct scenario *sc)
{
	json_t *a;
	if (get_array(c, root, "", "order_sizes", 1, &a))
		return -1;
	sc->nsizes = json_array_size(a);
	sc->sizes = xcalloc(sc->nsizes, sizeof(*sc->sizes));
	for (size_t i = 0; i < sc->nsizes; i++) {
		char p[64];
		json_t *o = json_array_get(a, i);
		join(p, sizeof(p), "", "order_sizes", (long)i);
		if (!json_is_object(o))
			return fail(c, p, NULL, "expected an object");
		if (get_int(c, o, p, "grams", 1, 100000000, &sc->sizes[i].grams) ||
		    get_int(c, o, p, "share", 1, 1000000, &sc->sizes[i].share))
			return -1;
	}
	return 0;
}

static int parse_dests(struct pctx *c, json_t *root, struct scenario *sc)
{
	json_t *a;
	if (get_array(c, root, "", "destinations", 1, &a))
		return -1;
	sc->ndests = json_array_size(a);
	sc->dests = xcalloc(sc->ndests, sizeof(*sc->dests));
	for (size_t i = 0; i < sc->ndests; i++) {
		char p[64];
		json_t *o = json_array_get(a, i);
		join(p, sizeof(p), "", "destinations", (long)i);
		if (!json_is_object(o))
			return fail(c, p, NULL, "expected an object");
		if (get_place(c, o, p, &sc->dests[i].place) ||
		    get_int(c, o, p, "weight", 0, 1000000000000, &sc->dests[i].weight))
			return -1;
	}
	return 0;
}

static int find_product(const struct scenario *sc, const char *code)
{
	for (size_t i = 0; i < sc->nproducts; i++)
		if (!strcmp(sc->products[i].code, code))
			return (int)i;
	return -1;
}

static int find_dest(const struct scenario *sc, const char *code)
{
	for (size_t i = 0; i < sc->ndests; i++)
		if (!strcmp(sc->dests[i].place.code, code))
			return (int)i;
	return -1;
}

static int parse_fixed_order(struct pctx *c, json_t *o, const char *p, struct scenario *sc,
                             struct plan_fixed_order *fo)
{
	char code[32];
	if (!json_is_object(o))
		return fail(c, p, NULL, "expected an object");
	if (get_small(c, o, p, "day", 0, sc->horizon_days - 1, &fo->day) ||
	    get_int(c, o, p, "grams", 1, 100000000, &fo->grams) ||
	    get_string(c, o, p, "product", code, sizeof(code)))
		return -1;
	if ((fo->product = find_product(sc, code)) < 0)
		return fail(c, p, "product", "unknown product code '%s'", code);
	if (get_string(c, o, p, "destination", code, sizeof(code)))
		return -1;
	if ((fo->dest = find_dest(sc, code)) < 0)
		return fail(c, p, "destination", "unknown destination code '%s'", code);
	return 0;
}

static int parse_fixed(struct pctx *c, json_t *root, struct scenario *sc)
{
	json_t *a = json_object_get(root, "fixed_orders");
	if (!a)
		return 0;
	if (!json_is_array(a))
		return fail(c, "", "fixed_orders", "expected an array");
	sc->has_fixed = true;
	sc->nfixed = json_array_size(a);
	sc->fixed = xcalloc(sc->nfixed ? sc->nfixed : 1, sizeof(*sc->fixed));
	for (size_t i = 0; i < sc->nfixed; i++) {
		char p[64];
		join(p, sizeof(p), "", "fixed_orders", (long)i);
		if (parse_fixed_order(c, json_array_get(a, i), p, sc, &sc->fixed[i]))
			return -1;
	}
	return 0;
}

static int find_truck(const struct scenario *sc, const char *name)
{
	for (size_t i = 0; i < sc->ntrucks; i++)
		if (!strcmp(sc->trucks[i].name, name))
			return (int)i;
	return -1;
}

static int parse_policies(struct pctx *c, json_t *root, struct scenario *sc)
{
	json_t *sp, *w, *sub;
	char name[32];
	int64_t announced;
	if (get_object(c, root, "", "spikes", &sp) ||
	    get_small(c, sp, "spikes", "per_year", 0, 365, &sc->spikes_per_year) ||
	    get_small(c, sp, "spikes", "multiplier_percent", 100, 10000, &sc->spike_percent) ||
	    get_small(c, sp, "spikes", "days", 1, 30, &sc->spike_days) ||
	    get_int_or(c, sp, "spikes", "announced_days", 0, 60, 0, &announced))
		return -1;
	sc->spike_announced_days = (int)announced;
	if (get_object(c, root, "", "weekly_truck", &w) ||
	    get_string(c, w, "weekly_truck", "truck", name, sizeof(name)) ||
	    get_small(c, w, "weekly_truck", "weekday", 0, 6, &sc->weekly_weekday))
		return -1;
	if ((sc->weekly_truck = find_truck(sc, name)) < 0)
		return fail(c, "weekly_truck", "truck", "unknown truck '%s'", name);
	if (get_object(c, root, "", "subsidy", &sub) ||
	    get_int(c, sub, "subsidy", "linehaul_permille", 0, 1000,
	            &sc->subsidy_linehaul_permille) ||
	    get_int(c, sub, "subsidy", "parcel_fen_per_order", 0, 1000000,
	            &sc->subsidy_parcel_fen_per_order))
		return -1;
	return 0;
}

int scenario_parse(const char *text, size_t len, struct scenario *sc, char *err, size_t errsz)
{
	struct pctx c = {err, errsz};
	json_error_t jerr;
	memset(sc, 0, sizeof(*sc));
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		snprintf(err, errsz, "line %d: invalid JSON: %s", jerr.line, jerr.text);
		return -1;
	}
	int rc = -1;
	if (!json_is_object(root)) {
		snprintf(err, errsz, "scenario: expected a JSON object at the top");
		goto out_free_root;
	}
	if (parse_top(&c, root, sc) || parse_warehouses(&c, root, sc) ||
	    parse_handling(&c, root, sc) || parse_linehaul(&c, root, sc) ||
	    parse_parcel_and_city(&c, root, sc) || parse_products(&c, root, sc) ||
	    parse_sizes(&c, root, sc) || parse_dests(&c, root, sc) || parse_fixed(&c, root, sc) ||
	    parse_policies(&c, root, sc))
		goto out_release;
	rc = 0;
	goto out_free_root;
out_release:
	scenario_release(sc);
out_free_root:
	json_decref(root);
	return rc;
}

int scenario_load(const char *path, struct scenario *sc, char *err, size_t errsz)
{
	memset(sc, 0, sizeof(*sc));
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errsz, "cannot open scenario '%s': %s", path, strerror(errno));
		return -1;
	}
	int rc = -1;
	size_t cap = 1 << 16, n = 0;
	char *text = xmalloc(cap);
	for (;;) {
		if (n == cap) {
			if (cap >= MAX_SCENARIO_BYTES) {
				snprintf(err, errsz, "scenario '%s' is larger than %u bytes", path,
				         MAX_SCENARIO_BYTES);
				goto out_free_text;
			}
			cap *= 2;
			text = xrealloc(text, cap);
		}
		size_t got = fread(text + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errsz, "cannot read scenario '%s'", path);
		goto out_free_text;
	}
	char inner[512];
	if (scenario_parse(text, n, sc, inner, sizeof(inner))) {
		snprintf(err, errsz, "%s: %s", path, inner);
		goto out_free_text;
	}
	rc = 0;
out_free_text:
	free(text);
	fclose(f);
	return rc;
}

void scenario_release(struct scenario *sc)
{
	free(sc->zones);
	free(sc->sizes);
	free(sc->dests);
	free(sc->fixed);
	sc->zones = NULL;
	sc->sizes = NULL;
	sc->dests = NULL;
	sc->fixed = NULL;
	sc->nzones = sc->nsizes = sc->ndests = sc->nfixed = 0;
}
