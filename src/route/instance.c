/*
 * Routing instances: allocation, distance and time matrices from coordinates
 * (Euclidean for the standard benchmarks, great circle times a terrain detour
 * for real villages), the up-front check for constraints that no solution can
 * meet, and loading an instance file whatever its format.
 */
#include "route/route.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void vrp_geo_config_default(struct vrp_geo_config *geo)
{
	/* Road distance over straight line: plains ~1.25, hills ~1.45, the
	 * switchbacks of Liangshan ~1.8; average truck speeds to match. */
	geo->detour[0] = 1.25;
	geo->detour[1] = 1.45;
	geo->detour[2] = 1.8;
	geo->speed_kmh[0] = 60;
	geo->speed_kmh[1] = 40;
	geo->speed_kmh[2] = 25;
}

struct vrp_instance *vrp_instance_new(int n, int64_t capacity)
{
	struct vrp_instance *inst = xcalloc(1, sizeof(*inst));
	size_t m = (size_t)n + 1;
	inst->n = n;
	inst->dist_kind = VRP_DIST_EUC_2D;
	inst->x = xcalloc(m, sizeof(double));
	inst->y = xcalloc(m, sizeof(double));
	inst->terrain = xcalloc(m, 1);
	inst->delivery = xcalloc(m, sizeof(int64_t));
	inst->pickup = xcalloc(m, sizeof(int64_t));
	inst->service = xcalloc(m, sizeof(double));
	inst->ready = xcalloc(m, sizeof(double));
	inst->due = xcalloc(m, sizeof(double));
	for (size_t i = 0; i < m; i++)
		inst->due[i] = INFINITY;
	vrp_geo_config_default(&inst->geo);
	inst->ntypes = 1;
	inst->types = xcalloc(1, sizeof(*inst->types));
	snprintf(inst->types[0].name, sizeof(inst->types[0].name), "truck");
	inst->types[0].capacity = capacity;
	inst->types[0].cost_per_dist = 1;
	inst->types[0].count = -1;
	return inst;
}

void vrp_instance_free(struct vrp_instance *inst)
{
	if (!inst)
		return;
	if (inst->time != inst->dist)
		free(inst->time);
	free(inst->dist);
	free(inst->x);
	free(inst->y);
	free(inst->terrain);
	free(inst->delivery);
	free(inst->pickup);
	free(inst->service);
	free(inst->ready);
	free(inst->due);
	free(inst->types);
	free(inst);
}

double vrp_dist(const struct vrp_instance *inst, int i, int j)
{
	return inst->dist[(size_t)i * (size_t)(inst->n + 1) + (size_t)j];
}

double vrp_time(const struct vrp_instance *inst, int i, int j)
{
	return inst->time[(size_t)i * (size_t)(inst->n + 1) + (size_t)j];
}

static double great_circle_km(double lon1, double lat1, double lon2, double lat2)
{
	const double r = 6371.0088, rad = M_PI / 180.0;
	double dlat = (lat2 - lat1) * rad, dlon = (lon2 - lon1) * rad;
	double a = sin(dlat / 2) * sin(dlat / 2) +
		   cos(lat1 * rad) * cos(lat2 * rad) * sin(dlon / 2) * sin(dlon / 2);
	if (a > 1)
		a = 1;
	return 2 * r * asin(sqrt(a));
}

static void build_geo(struct vrp_instance *inst)
{
	size_t m = (size_t)inst->n + 1;
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++) {
			int cls = inst->terrain[i] > inst->terrain[j] ? inst->terrain[i]
								      : inst->terrain[j];
			double d = i == j ? 0
					  : great_circle_km(inst->x[i], inst->y[i], inst->x[j],
							    inst->y[j]) * inst->geo.detour[cls];
			inst->dist[i * m + j] = d;
			inst->time[i * m + j] = d / inst->geo.speed_kmh[cls] * 60.0;
		}
}

int vrp_instance_build_matrices(struct vrp_instance *inst, char *err, size_t errlen)
{
	size_t m = (size_t)inst->n + 1;
	if (inst->dist_kind == VRP_DIST_EXPLICIT) {
		if (!inst->dist) {
			set_err(err, errlen, "no distance matrix given");
			return -1;
		}
		if (!inst->time)
			inst->time = inst->dist;
		return 0;
	}
	if (!inst->has_coords) {
		set_err(err, errlen, "no coordinates to compute distances from");
		return -1;
	}
	if (inst->time != inst->dist)
		free(inst->time);
	free(inst->dist);
	inst->dist = xmalloc(m * m * sizeof(double));
	if (inst->dist_kind == VRP_DIST_WGS84) {
		for (int k = 0; k < VRP_TERRAIN_CLASSES; k++)
			if (!(inst->geo.detour[k] >= 1) || !(inst->geo.speed_kmh[k] > 0)) {
				set_err(err, errlen,
					"terrain class %d: detour factor must be >= 1 and speed > 0", k);
				inst->time = inst->dist;
				return -1;
			}
		inst->time = xmalloc(m * m * sizeof(double));
		build_geo(inst);
		return 0;
	}
	inst->time = inst->dist;
	for (size_t i = 0; i < m; i++)
		for (size_t j = 0; j < m; j++) {
			double d = hypot(inst->x[i] - inst->x[j], inst->y[i] - inst->y[j]);
			if (inst->dist_kind == VRP_DIST_EUC_2D)
				d = floor(d + 0.5);
			inst->dist[i * m + j] = d;
		}
	return 0;
}

static int64_t largest_capacity(const struct vrp_instance *inst)
{
	int64_t cap = 0;
	for (int k = 0; k < inst->ntypes; k++)
		if (inst->types[k].count != 0 && inst->types[k].capacity > cap)
			cap = inst->types[k].capacity;
	return cap;
}

/* Longest route any available vehicle may drive (INFINITY if unlimited). */
static double longest_duration(const struct vrp_instance *inst)
{
	double best = 0;
	for (int k = 0; k < inst->ntypes; k++) {
		if (inst->types[k].count == 0)
			continue;
		double d = inst->types[k].max_duration > 0 ? inst->types[k].max_duration : INFINITY;
		if (d > best)
			best = d;
	}
	return best;
}

static int check_customer(const struct vrp_instance *inst, int i, int64_t cap, double maxdur,
			  char *err, size_t errlen)
{
	int64_t load = inst->delivery[i] > inst->pickup[i] ? inst->delivery[i] : inst->pickup[i];
	if (load > cap) {
		set_err(err, errlen,
			"customer %d: load %lld exceeds the capacity of every vehicle (largest %lld)",
			i, (long long)load, (long long)cap);
		return -1;
	}
	if (inst->ready[i] > inst->due[i]) {
		set_err(err, errlen, "customer %d: time window [%g, %g] is empty", i,
			inst->ready[i], inst->due[i]);
		return -1;
	}
	double arrive = inst->ready[0] + vrp_time(inst, 0, i);
	if (arrive > inst->due[i] + 1e-9) {
		set_err(err, errlen,
			"customer %d: time window [%g, %g] cannot be reached: earliest arrival from the depot is %g",
			i, inst->ready[i], inst->due[i], arrive);
		return -1;
	}
	double start = arrive > inst->ready[i] ? arrive : inst->ready[i];
	double back = start + inst->service[i] + vrp_time(inst, i, 0);
	if (back > inst->due[0] + 1e-9) {
		set_err(err, errlen,
			"customer %d: cannot be served and return to the depot before it closes at %g (earliest return %g)",
			i, inst->due[0], back);
		return -1;
	}
	double shortest = vrp_time(inst, 0, i) + inst->service[i] + vrp_time(inst, i, 0);
	if (shortest > maxdur + 1e-9) {
		set_err(err, errlen,
			"customer %d: the round trip takes %g, more than the longest route allowed (%g)",
			i, shortest, maxdur);
		return -1;
	}
	return 0;
}

int vrp_instance_check(const struct vrp_instance *inst, char *err, size_t errlen)
{
	if (inst->n < 1) {
		set_err(err, errlen, "instance has no customers");
		return -1;
	}
	int64_t cap = largest_capacity(inst);
	double maxdur = longest_duration(inst);
	if (cap <= 0) {
		set_err(err, errlen, "no vehicle available");
		return -1;
	}
	int64_t total_del = 0, total_pick = 0;
	for (int i = 1; i <= inst->n; i++) {
		if (check_customer(inst, i, cap, maxdur, err, errlen))
			return -1;
		total_del += inst->delivery[i];
		total_pick += inst->pickup[i];
	}
	int64_t fleet = 0;
	for (int k = 0; k < inst->ntypes; k++) {
		if (inst->types[k].count < 0)
			return 0;
		int64_t count = inst->types[k].count, cap_k = inst->types[k].capacity;
		if (count && cap_k > (INT64_MAX - fleet) / count)
			return 0; /* carries more than any int64 load */
		fleet += count * cap_k;
	}
	int64_t need = total_del > total_pick ? total_del : total_pick;
	if (need > fleet) {
		set_err(err, errlen, "total load %lld exceeds what the whole fleet carries (%lld)",
			(long long)need, (long long)fleet);
		return -1;
	}
	return 0;
}

char *vrp_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		set_err(err, errlen, "cannot open '%s': %s", path, strerror(errno));
		return NULL;
	}
	size_t cap = 1 << 16, n = 0;
	char *p = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			p = xrealloc(p, cap);
		}
		size_t got = fread(p + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		set_err(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		fclose(f);
		free(p);
		return NULL;
	}
	fclose(f);
	p[n] = 0;
	*len = n;
	return p;
}

/* Solomon files have a "VEHICLE" line and a "CUSTOMER" line and no "KEY :". */
static bool looks_solomon(const char *text, size_t len)
{
	size_t limit = len < 4096 ? len : 4096;
	bool vehicle = false;
	for (size_t i = 0; i + 8 <= limit; i++) {
		if (!memcmp(text + i, "VEHICLE", 7))
			vehicle = true;
		if (vehicle && !memcmp(text + i, "CUSTOMER", 8))
			return true;
	}
	return false;
}

int vrp_instance_load(const char *path, struct vrp_instance **out, char *err, size_t errlen)
{
	size_t len;
	char *text = vrp_read_file(path, &len, err, errlen);
	if (!text)
		return -1;
	char msg[400];
	int rc = looks_solomon(text, len) ? solomon_parse(text, len, out, msg, sizeof(msg))
					  : vrplib_parse(text, len, out, msg, sizeof(msg));
	if (rc)
		set_err(err, errlen, "%s: %s", path, msg);
	free(text);
	return rc;
}
