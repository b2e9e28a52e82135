/*
 * Reader for VRPLIB / CVRPLIB instances (the ".vrp" files of the X set and
 * its relatives): "KEY : value" lines, then sections of node data.
 *
 * Standard keys: NAME, COMMENT, TYPE, DIMENSION (nodes, depot included),
 * CAPACITY, VEHICLES, EDGE_WEIGHT_TYPE (EUC_2D, EXACT_2D, EXPLICIT, and our
 * WGS84), EDGE_WEIGHT_FORMAT (FULL_MATRIX, LOWER_ROW, UPPER_ROW,
 * LOWER_DIAG_ROW, UPPER_DIAG_ROW), DISTANCE (longest route), SERVICE_TIME
 * (the same for every customer), NODE_COORD_TYPE and DISPLAY_DATA_TYPE
 * (ignored), EOF. Sections: NODE_COORD_SECTION, DEMAND_SECTION,
 * DEPOT_SECTION (node 1 only, ended by -1), EDGE_WEIGHT_SECTION,
 * SERVICE_TIME_SECTION, TIME_WINDOW_SECTION.
 *
 * Shanhai extensions: PICKUP_SECTION (id amount: collected and brought back
 * to the depot), TERRAIN_SECTION (id class 0 plain, 1 hills, 2 mountains),
 * DETOUR_FACTORS and AVERAGE_SPEEDS (three numbers each, per terrain class;
 * with EDGE_WEIGHT_TYPE WGS84 the coordinates are "longitude latitude" in
 * degrees, distances km, times minutes), and a heterogeneous fleet:
 * VEHICLE_TYPES : k followed by VEHICLE_TYPE_SECTION with k lines
 * "name capacity fixed_cost cost_per_dist cost_per_time count max_duration"
 * (count -1 = as many as needed, max_duration 0 = no limit).
 *
 * Every error names the line and what is wrong.
 */
#include "route/route_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

#define MAX_NODES 20001

enum section {
	SEC_NONE,
	SEC_COORD,
	SEC_DEMAND,
	SEC_PICKUP,
	SEC_DEPOT,
	SEC_SERVICE,
	SEC_TW,
	SEC_TERRAIN,
	SEC_WEIGHTS,
	SEC_TYPES,
};

enum wformat { WF_FULL, WF_LOWER_ROW, WF_UPPER_ROW, WF_LOWER_DIAG, WF_UPPER_DIAG };

struct parser {
	struct text_reader tr;
	char *err;
	size_t errlen;
	struct vrp_instance *inst;
	int dim; /* nodes, 0 until DIMENSION */
	enum section sec;
	int64_t capacity;
	bool have_capacity;
	int vehicles;
	double max_route;
	double service_all;
	bool have_service_all;
	enum vrp_dist_kind kind;
	bool have_kind;
	enum wformat wformat;
	bool have_wformat;
	double detour[VRP_TERRAIN_CLASSES], speed[VRP_TERRAIN_CLASSES];
	bool have_detour, have_speed;
	char name[64];
	/* per node: which sections gave it */
	uint8_t *seen;
	int ncoord, ndemand;
	bool depot_done, depot_seen;
	/* EDGE_WEIGHT_SECTION progress */
	double *w;
	size_t wneed, wgot;
	/* VEHICLE_TYPE_SECTION */
	int ntypes;
	struct vrp_vehicle_type *types;
	int types_got;
};

enum seen_bits { SEEN_COORD = 1, SEEN_DEMAND = 2, SEEN_PICKUP = 4, SEEN_SERVICE = 8,
		 SEEN_TW = 16, SEEN_TERRAIN = 32 };

static int fail(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parser *ps, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "line %d: %s", ps->tr.lineno, msg);
	return -1;
}

/* A token quoted for an error message (at most 40 bytes). */
static const char *quote(struct str t, char *buf, size_t n)
{
	size_t k = t.n < 40 ? t.n : 40;
	if (k >= n)
		k = n - 1;
	for (size_t i = 0; i < k; i++) {
		unsigned char c = (unsigned char)t.p[i];
		buf[i] = c >= 32 && c < 127 ? (char)c : '?';
	}
	buf[k] = 0;
	return buf;
}

static int want_double(struct parser *ps, struct str *rest, const char *what, double *v)
{
	char q[48];
	struct str t = text_token(rest, false);
	if (!t.n)
		return fail(ps, "missing %s", what);
	if (text_double(t, v))
		return fail(ps, "%s '%s' is not a number", what, quote(t, q, sizeof(q)));
	if (fabs(*v) > VRP_MAX_VALUE)
		return fail(ps, "%s '%s' is out of range (at most %g in magnitude)", what,
			    quote(t, q, sizeof(q)), VRP_MAX_VALUE);
	return 0;
}

static int want_int(struct parser *ps, struct str *rest, const char *what, int64_t *v)
{
	char q[48];
	struct str t = text_token(rest, false);
	if (!t.n)
		return fail(ps, "missing %s", what);
	if (text_int(t, v))
		return fail(ps, "%s '%s' is not an integer", what, quote(t, q, sizeof(q)));
	return 0;
}

static int want_end(struct parser *ps, struct str rest)
{
	char q[48];
	struct str t = text_token(&rest, false);
	if (t.n)
		return fail(ps, "unexpected '%s' at the end of the line", quote(t, q, sizeof(q)));
	return 0;
}

static int set_dimension(struct parser *ps, struct str val)
{
	int64_t d;
	char q[48];
	if (ps->dim)
		return fail(ps, "DIMENSION given twice");
	if (text_int(str_trim(val), &d) || d < 2 || d > MAX_NODES)
		return fail(ps, "DIMENSION '%s' must be an integer from 2 to %d",
			    quote(str_trim(val), q, sizeof(q)), MAX_NODES);
	ps->dim = (int)d;
	ps->inst = vrp_instance_new(ps->dim - 1, 0);
	ps->seen = xcalloc((size_t)ps->dim, 1);
	return 0;
}

static int parse_kind(struct parser *ps, struct str v)
{
	char q[48];
	if (str_eq_cstr(v, "EUC_2D"))
		ps->kind = VRP_DIST_EUC_2D;
	else if (str_eq_cstr(v, "EXACT_2D") || str_eq_cstr(v, "FLOAT_2D"))
		ps->kind = VRP_DIST_EXACT_2D;
	else if (str_eq_cstr(v, "WGS84"))
		ps->kind = VRP_DIST_WGS84;
	else if (str_eq_cstr(v, "EXPLICIT"))
		ps->kind = VRP_DIST_EXPLICIT;
	else
		return fail(ps, "unsupported EDGE_WEIGHT_TYPE '%s' (EUC_2D, EXACT_2D, WGS84, EXPLICIT)",
			    quote(v, q, sizeof(q)));
	ps->have_kind = true;
	return 0;
}

static int parse_wformat(struct parser *ps, struct str v)
{
	static const struct { const char *s; enum wformat f; } tab[] = {
		{"FULL_MATRIX", WF_FULL},       {"LOWER_ROW", WF_LOWER_ROW},
		{"UPPER_ROW", WF_UPPER_ROW},    {"LOWER_DIAG_ROW", WF_LOWER_DIAG},
		{"UPPER_DIAG_ROW", WF_UPPER_DIAG},
	};
	char q[48];
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (str_eq_cstr(v, tab[i].s)) {
			ps->wformat = tab[i].f;
			ps->have_wformat = true;
			return 0;
		}
	return fail(ps, "unsupported EDGE_WEIGHT_FORMAT '%s'", quote(v, q, sizeof(q)));
}

static int parse_three(struct parser *ps, struct str v, const char *what, double *out,
		       double min)
{
	for (int k = 0; k < VRP_TERRAIN_CLASSES; k++) {
		if (want_double(ps, &v, what, &out[k]))
			return -1;
		if (!(out[k] >= min))
			return fail(ps, "%s must be at least %g", what, min);
	}
	return want_end(ps, v);
}

static int parse_positive_int(struct parser *ps, struct str v, const char *what, int64_t max,
			      int64_t *out)
{
	char q[48];
	if (text_int(v, out) || *out < 0 || *out > max)
		return fail(ps, "%s '%s' must be an integer from 0 to %lld", what,
			    quote(v, q, sizeof(q)), (long long)max);
	return 0;
}

static int parse_nonneg(struct parser *ps, struct str v, const char *what, double *out)
{
	char q[48];
	if (text_double(v, out) || *out < 0 || *out > VRP_MAX_VALUE)
		return fail(ps, "%s '%s' must be a number from 0 to %g", what,
			    quote(v, q, sizeof(q)), VRP_MAX_VALUE);
	return 0;
}

static int header(struct parser *ps, struct str key, struct str val)
{
	char q[48];
	int64_t v;
	if (str_eq_cstr(key, "NAME")) {
		size_t k = val.n < sizeof(ps->name) - 1 ? val.n : sizeof(ps->name) - 1;
		memcpy(ps->name, val.p, k);
		ps->name[k] = 0;
		return 0;
	}
	if (str_eq_cstr(key, "COMMENT") || str_eq_cstr(key, "NODE_COORD_TYPE") ||
	    str_eq_cstr(key, "DISPLAY_DATA_TYPE") || str_eq_cstr(key, "TYPE"))
		return 0;
	if (str_eq_cstr(key, "DIMENSION"))
		return set_dimension(ps, val);
	if (str_eq_cstr(key, "CAPACITY")) {
		if (parse_positive_int(ps, val, "CAPACITY", INT64_MAX / 4, &ps->capacity))
			return -1;
		if (ps->capacity < 1)
			return fail(ps, "CAPACITY must be at least 1");
		ps->have_capacity = true;
		return 0;
	}
	if (str_eq_cstr(key, "VEHICLES")) {
		if (parse_positive_int(ps, val, "VEHICLES", 100000, &v))
			return -1;
		ps->vehicles = (int)v;
		return 0;
	}
	if (str_eq_cstr(key, "EDGE_WEIGHT_TYPE"))
		return parse_kind(ps, val);
	if (str_eq_cstr(key, "EDGE_WEIGHT_FORMAT"))
		return parse_wformat(ps, val);
	if (str_eq_cstr(key, "DISTANCE"))
		return parse_nonneg(ps, val, "DISTANCE", &ps->max_route);
	if (str_eq_cstr(key, "SERVICE_TIME")) {
		ps->have_service_all = true;
		return parse_nonneg(ps, val, "SERVICE_TIME", &ps->service_all);
	}
	if (str_eq_cstr(key, "DETOUR_FACTORS")) {
		ps->have_detour = true;
		return parse_three(ps, val, "detour factor", ps->detour, 1);
	}
	if (str_eq_cstr(key, "AVERAGE_SPEEDS")) {
		ps->have_speed = true;
		if (parse_three(ps, val, "average speed", ps->speed, 0))
			return -1;
		for (int k = 0; k < VRP_TERRAIN_CLASSES; k++)
			if (ps->speed[k] <= 0)
				return fail(ps, "average speed must be above 0");
		return 0;
	}
	if (str_eq_cstr(key, "VEHICLE_TYPES")) {
		if (ps->ntypes)
			return fail(ps, "VEHICLE_TYPES given twice");
		if (parse_positive_int(ps, val, "VEHICLE_TYPES", 64, &v))
			return -1;
		if (v < 1)
			return fail(ps, "VEHICLE_TYPES must be at least 1");
		ps->ntypes = (int)v;
		ps->types = xcalloc((size_t)v, sizeof(*ps->types));
		return 0;
	}
	return fail(ps, "unknown keyword '%s'", quote(key, q, sizeof(q)));
}

static int start_weights(struct parser *ps)
{
	size_t m = (size_t)ps->dim;
	if (!ps->have_kind || ps->kind != VRP_DIST_EXPLICIT)
		return fail(ps, "EDGE_WEIGHT_SECTION needs EDGE_WEIGHT_TYPE : EXPLICIT before it");
	if (!ps->have_wformat)
		return fail(ps, "EDGE_WEIGHT_SECTION needs EDGE_WEIGHT_FORMAT before it");
	if (ps->w)
		return fail(ps, "EDGE_WEIGHT_SECTION given twice");
	switch (ps->wformat) {
	case WF_FULL: ps->wneed = m * m; break;
	case WF_LOWER_ROW:
	case WF_UPPER_ROW: ps->wneed = m * (m - 1) / 2; break;
	default: ps->wneed = m * (m + 1) / 2; break;
	}
	/* every number takes at least two bytes: refuse a matrix the rest of
	 * the file cannot hold before allocating it */
	if ((size_t)(ps->tr.end - ps->tr.p) / 2 + 1 < ps->wneed)
		return fail(ps, "the file is too short for the %zu weights of a %d-node matrix",
			    ps->wneed, ps->dim);
	ps->w = xmalloc(ps->wneed * sizeof(double));
	ps->wgot = 0;
	return 0;
}

static int weights_line(struct parser *ps, struct str rest)
{
	char q[48];
	for (;;) {
		struct str t = text_token(&rest, false);
		if (!t.n)
			return 0;
		if (ps->wgot == ps->wneed)
			return fail(ps, "more edge weights than the %zu expected", ps->wneed);
		double v;
		if (text_double(t, &v))
			return fail(ps, "edge weight '%s' is not a number", quote(t, q, sizeof(q)));
		if (v < 0)
			return fail(ps, "edge weight %g is negative", v);
		if (v > VRP_MAX_VALUE)
			return fail(ps, "edge weight %g is above %g", v, VRP_MAX_VALUE);
		ps->w[ps->wgot++] = v;
	}
}

static void fill_matrix(struct parser *ps)
{
	size_t m = (size_t)ps->dim, k = 0;
	double *d = xcalloc(m * m, sizeof(double));
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++) {
			bool take;
			switch (ps->wformat) {
			case WF_FULL: take = true; break;
			case WF_LOWER_ROW: take = j < i; break;
			case WF_UPPER_ROW: take = j > i; break;
			case WF_LOWER_DIAG: take = j <= i; break;
			default: take = j >= i; break;
			}
			if (!take)
				continue;
			d[i * m + j] = ps->w[k++];
			if (ps->wformat != WF_FULL)
				d[j * m + i] = d[i * m + j];
		}
	if (ps->wformat == WF_FULL)
		for (size_t i = 0; i < m; i++)
			d[i * m + i] = 0;
	ps->inst->dist = d;
	ps->inst->time = d;
}

static int type_line(struct parser *ps, struct str rest)
{
	char q[48];
	struct vrp_vehicle_type *vt = &ps->types[ps->types_got];
	struct str name = text_token(&rest, false);
	int64_t cap, count;
	if (name.n >= sizeof(vt->name))
		return fail(ps, "vehicle type name '%s' is longer than %zu bytes",
			    quote(name, q, sizeof(q)), sizeof(vt->name) - 1);
	memcpy(vt->name, name.p, name.n);
	vt->name[name.n] = 0;
	if (want_int(ps, &rest, "capacity", &cap) ||
	    want_double(ps, &rest, "fixed cost", &vt->fixed_cost) ||
	    want_double(ps, &rest, "cost per distance", &vt->cost_per_dist) ||
	    want_double(ps, &rest, "cost per time", &vt->cost_per_time) ||
	    want_int(ps, &rest, "count", &count) ||
	    want_double(ps, &rest, "max duration", &vt->max_duration) || want_end(ps, rest))
		return -1;
	if (cap < 1 || cap > INT64_MAX / 4)
		return fail(ps, "vehicle type '%s': capacity must be at least 1", vt->name);
	if (vt->fixed_cost < 0 || vt->cost_per_dist < 0 || vt->cost_per_time < 0 ||
	    vt->max_duration < 0)
		return fail(ps, "vehicle type '%s': costs and max duration must be >= 0", vt->name);
	if (count < -1 || count > 100000)
		return fail(ps, "vehicle type '%s': count must be -1 (unlimited) or 0 to 100000",
			    vt->name);
	if (vt->cost_per_dist == 0 && vt->cost_per_time == 0 && vt->fixed_cost == 0)
		return fail(ps, "vehicle type '%s': every cost is zero", vt->name);
	vt->capacity = cap;
	vt->count = (int)count;
	ps->types_got++;
	return 0;
}

/* The node id that opens a data line, checked against DIMENSION. */
static int node_id(struct parser *ps, struct str *rest, int *id)
{
	int64_t v;
	if (want_int(ps, rest, "node id", &v))
		return -1;
	if (v < 1 || v > ps->dim)
		return fail(ps, "node id %lld is out of range 1..%d", (long long)v, ps->dim);
	*id = (int)v - 1;
	return 0;
}

static int once(struct parser *ps, int id, uint8_t bit, const char *sec)
{
	if (ps->seen[id] & bit)
		return fail(ps, "node %d appears twice in %s", id + 1, sec);
	ps->seen[id] |= bit;
	return 0;
}

static int coord_line(struct parser *ps, struct str rest)
{
	int id;
	struct vrp_instance *I = ps->inst;
	if (node_id(ps, &rest, &id) || once(ps, id, SEEN_COORD, "NODE_COORD_SECTION") ||
	    want_double(ps, &rest, "x coordinate", &I->x[id]) ||
	    want_double(ps, &rest, "y coordinate", &I->y[id]) || want_end(ps, rest))
		return -1;
	ps->ncoord++;
	return 0;
}

static int amount_line(struct parser *ps, struct str rest, bool pickup)
{
	int id;
	int64_t v;
	const char *sec = pickup ? "PICKUP_SECTION" : "DEMAND_SECTION";
	if (node_id(ps, &rest, &id) || once(ps, id, pickup ? SEEN_PICKUP : SEEN_DEMAND, sec) ||
	    want_int(ps, &rest, pickup ? "pickup" : "demand", &v) || want_end(ps, rest))
		return -1;
	if (v < 0 || v > INT64_MAX / 4 / MAX_NODES)
		return fail(ps, "node %d: %s %lld is out of range", id + 1,
			    pickup ? "pickup" : "demand", (long long)v);
	if (id == 0 && v != 0)
		return fail(ps, "the depot (node 1) must have %s 0", pickup ? "pickup" : "demand");
	(pickup ? ps->inst->pickup : ps->inst->delivery)[id] = v;
	if (!pickup)
		ps->ndemand++;
	return 0;
}

static int service_line(struct parser *ps, struct str rest)
{
	int id;
	double v;
	if (node_id(ps, &rest, &id) || once(ps, id, SEEN_SERVICE, "SERVICE_TIME_SECTION") ||
	    want_double(ps, &rest, "service time", &v) || want_end(ps, rest))
		return -1;
	if (v < 0)
		return fail(ps, "node %d: service time %g is negative", id + 1, v);
	if (id == 0 && v != 0)
		return fail(ps, "the depot (node 1) must have service time 0");
	ps->inst->service[id] = v;
	return 0;
}

static int tw_line(struct parser *ps, struct str rest)
{
	int id;
	double a, b;
	if (node_id(ps, &rest, &id) || once(ps, id, SEEN_TW, "TIME_WINDOW_SECTION") ||
	    want_double(ps, &rest, "window start", &a) ||
	    want_double(ps, &rest, "window end", &b) || want_end(ps, rest))
		return -1;
	if (a < 0 || b < a)
		return fail(ps, "node %d: time window [%g, %g] is not a valid window", id + 1, a, b);
	ps->inst->ready[id] = a;
	ps->inst->due[id] = b;
	return 0;
}

static int terrain_line(struct parser *ps, struct str rest)
{
	int id;
	int64_t c;
	if (node_id(ps, &rest, &id) || once(ps, id, SEEN_TERRAIN, "TERRAIN_SECTION") ||
	    want_int(ps, &rest, "terrain class", &c) || want_end(ps, rest))
		return -1;
	if (c < 0 || c >= VRP_TERRAIN_CLASSES)
		return fail(ps, "node %d: terrain class %lld is not 0, 1 or 2", id + 1,
			    (long long)c);
	ps->inst->terrain[id] = (uint8_t)c;
	return 0;
}

static int depot_line(struct parser *ps, struct str rest)
{
	int64_t v;
	if (want_int(ps, &rest, "depot id", &v) || want_end(ps, rest))
		return -1;
	if (ps->depot_done)
		return fail(ps, "data after the -1 that ends DEPOT_SECTION");
	if (v == -1) {
		ps->depot_done = true;
		return 0;
	}
	if (ps->depot_seen)
		return fail(ps, "only one depot is supported");
	if (v != 1)
		return fail(ps, "the depot must be node 1, not %lld", (long long)v);
	ps->depot_seen = true;
	return 0;
}

static int data_line(struct parser *ps, struct str line)
{
	switch (ps->sec) {
	case SEC_COORD: return coord_line(ps, line);
	case SEC_DEMAND: return amount_line(ps, line, false);
	case SEC_PICKUP: return amount_line(ps, line, true);
	case SEC_SERVICE: return service_line(ps, line);
	case SEC_TW: return tw_line(ps, line);
	case SEC_TERRAIN: return terrain_line(ps, line);
	case SEC_DEPOT: return depot_line(ps, line);
	default: return fail(ps, "data outside any section");
	}
}

static int section(struct parser *ps, struct str word)
{
	static const struct { const char *s; enum section sec; } tab[] = {
		{"NODE_COORD_SECTION", SEC_COORD},   {"DEMAND_SECTION", SEC_DEMAND},
		{"PICKUP_SECTION", SEC_PICKUP},      {"DEPOT_SECTION", SEC_DEPOT},
		{"SERVICE_TIME_SECTION", SEC_SERVICE}, {"TIME_WINDOW_SECTION", SEC_TW},
		{"TERRAIN_SECTION", SEC_TERRAIN},    {"EDGE_WEIGHT_SECTION", SEC_WEIGHTS},
		{"VEHICLE_TYPE_SECTION", SEC_TYPES},
	};
	char q[48];
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (!str_eq_cstr(word, tab[i].s))
			continue;
		if (tab[i].sec == SEC_TYPES) {
			if (!ps->ntypes)
				return fail(ps, "VEHICLE_TYPE_SECTION needs VEHICLE_TYPES : k before it");
			if (ps->types_got)
				return fail(ps, "VEHICLE_TYPE_SECTION given twice");
		} else if (!ps->dim) {
			return fail(ps, "%s before DIMENSION", tab[i].s);
		}
		ps->sec = tab[i].sec;
		return ps->sec == SEC_WEIGHTS ? start_weights(ps) : 0;
	}
	return fail(ps, "unknown section or keyword '%s'", quote(word, q, sizeof(q)));
}

static bool starts_number(struct str t)
{
	return t.n && ((t.p[0] >= '0' && t.p[0] <= '9') || t.p[0] == '-' || t.p[0] == '+' ||
		       t.p[0] == '.');
}

static int one_line(struct parser *ps, struct str line)
{
	if (ps->sec == SEC_WEIGHTS && ps->wgot < ps->wneed)
		return weights_line(ps, line);
	if (ps->sec == SEC_TYPES && ps->types_got < ps->ntypes)
		return type_line(ps, line);
	struct str t = str_trim(line);
	if (starts_number(t))
		return data_line(ps, t);
	const char *colon = memchr(t.p, ':', t.n);
	if (!colon) {
		if (str_eq_cstr(t, "EOF"))
			return 1;
		return section(ps, t);
	}
	struct str key = str_trim((struct str){t.p, (size_t)(colon - t.p)});
	struct str val = str_trim((struct str){colon + 1, t.n - (size_t)(colon - t.p) - 1});
	ps->sec = SEC_NONE;
	/* some files write "NODE_COORD_SECTION :" */
	if (str_eq_cstr(key, "NODE_COORD_SECTION") || str_eq_cstr(key, "DEMAND_SECTION") ||
	    str_eq_cstr(key, "DEPOT_SECTION"))
		return val.n ? fail(ps, "data after the section name") : section(ps, key);
	if (str_eq_cstr(key, "VEHICLE_TYPES") || str_eq_cstr(key, "DIMENSION") || val.n)
		return header(ps, key, val);
	return fail(ps, "keyword '%.*s' has no value", (int)(key.n < 40 ? key.n : 40), key.p);
}

static void apply_fleet(struct parser *ps)
{
	struct vrp_instance *I = ps->inst;
	if (ps->ntypes) {
		free(I->types);
		I->types = ps->types;
		I->ntypes = ps->ntypes;
		ps->types = NULL;
	} else {
		I->types[0].capacity = ps->capacity;
		I->types[0].count = ps->vehicles > 0 ? ps->vehicles : -1;
		I->types[0].max_duration = ps->max_route;
	}
}

static int finish(struct parser *ps)
{
	struct vrp_instance *I = ps->inst;
	if (!ps->dim)
		return fail(ps, "end of file: DIMENSION missing");
	if (ps->sec == SEC_WEIGHTS && ps->wgot < ps->wneed)
		return fail(ps, "end of file: EDGE_WEIGHT_SECTION has %zu of %zu weights",
			    ps->wgot, ps->wneed);
	if (ps->ntypes && ps->types_got < ps->ntypes)
		return fail(ps, "end of file: VEHICLE_TYPE_SECTION has %d of %d types",
			    ps->types_got, ps->ntypes);
	if (!ps->ntypes && !ps->have_capacity)
		return fail(ps, "end of file: CAPACITY missing");
	if (!ps->have_kind)
		ps->kind = ps->ncoord ? VRP_DIST_EUC_2D : VRP_DIST_EXPLICIT;
	if (ps->kind == VRP_DIST_EXPLICIT && !ps->w)
		return fail(ps, "end of file: EDGE_WEIGHT_SECTION missing");
	if (ps->kind != VRP_DIST_EXPLICIT && ps->ncoord != ps->dim)
		return fail(ps, "end of file: NODE_COORD_SECTION has %d of %d nodes", ps->ncoord,
			    ps->dim);
	if (ps->ndemand && ps->ndemand != ps->dim)
		return fail(ps, "end of file: DEMAND_SECTION has %d of %d nodes", ps->ndemand,
			    ps->dim);
	if (ps->kind == VRP_DIST_WGS84)
		for (int i = 0; i < ps->dim; i++)
			if (fabs(I->x[i]) > 180 || fabs(I->y[i]) > 90)
				return fail(ps, "node %d: (%g, %g) is not a longitude and latitude",
					    i + 1, I->x[i], I->y[i]);
	snprintf(I->name, sizeof(I->name), "%s", ps->name);
	I->dist_kind = ps->kind;
	I->has_coords = ps->ncoord == ps->dim;
	if (ps->have_detour)
		memcpy(I->geo.detour, ps->detour, sizeof(ps->detour));
	if (ps->have_speed)
		memcpy(I->geo.speed_kmh, ps->speed, sizeof(ps->speed));
	if (ps->have_service_all)
		for (int i = 1; i < ps->dim; i++)
			if (!(ps->seen[i] & SEEN_SERVICE))
				I->service[i] = ps->service_all;
	if (ps->w)
		fill_matrix(ps);
	apply_fleet(ps);
	return 0;
}

int vrplib_parse(const char *text, size_t len, struct vrp_instance **out, char *err,
		 size_t errlen)
{
	struct parser ps = {.err = err, .errlen = errlen};
	int rc = 0;
	text_init(&ps.tr, text, len);
	while (text_next_line(&ps.tr)) {
		if (text_is_blank(ps.tr.line))
			continue;
		rc = one_line(&ps, ps.tr.line);
		if (rc)
			break;
	}
	if (rc < 0)
		goto out_free_parser;
	rc = finish(&ps);
	if (rc)
		goto out_free_parser;
	rc = vrp_instance_build_matrices(ps.inst, err, errlen);
	if (rc)
		goto out_free_parser;
	*out = ps.inst;
	ps.inst = NULL;
out_free_parser:
	vrp_instance_free(ps.inst);
	free(ps.seen);
	free(ps.w);
	free(ps.types);
	return rc < 0 ? -1 : 0;
}
