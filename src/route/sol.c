/*
 * Solutions: the CVRPLIB ".sol" format (as in the BKS files of
 * ../shared/bench/cvrp-x/): one "Route #k: c1 c2 ..." line per route,
 * customers numbered 1..n with the depot implicit, then "Cost N". Also the
 * reader for it (to check published solutions with our checker) and the
 * ownership helpers of struct vrp_solution.
 */
#include "route/route_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

void vrp_solution_release(struct vrp_solution *sol)
{
	for (int r = 0; r < sol->nroutes; r++)
		free(sol->routes[r].stops);
	free(sol->routes);
	sol->routes = NULL;
	sol->nroutes = 0;
	sol->cost = 0;
}

void vrp_solution_copy(struct vrp_solution *dst, const struct vrp_solution *src)
{
	dst->nroutes = src->nroutes;
	dst->cost = src->cost;
	dst->routes = xcalloc((size_t)(src->nroutes ? src->nroutes : 1), sizeof(*dst->routes));
	for (int r = 0; r < src->nroutes; r++) {
		dst->routes[r] = src->routes[r];
		dst->routes[r].stops = xmalloc((size_t)(src->routes[r].n + 1) * sizeof(int));
		memcpy(dst->routes[r].stops, src->routes[r].stops,
		       (size_t)src->routes[r].n * sizeof(int));
	}
}

int vrp_sol_write(FILE *f, const struct vrp_solution *sol)
{
	int k = 0;
	for (int r = 0; r < sol->nroutes; r++) {
		if (!sol->routes[r].n)
			continue;
		if (fprintf(f, "Route #%d:", ++k) < 0)
			return -1;
		for (int i = 0; i < sol->routes[r].n; i++)
			if (fprintf(f, " %d", sol->routes[r].stops[i]) < 0)
				return -1;
		if (fputc('\n', f) == EOF)
			return -1;
	}
	double c = sol->cost;
	int rc = fabs(c - floor(c + 0.5)) < 1e-6 ? fprintf(f, "Cost %.0f\n", c)
						 : fprintf(f, "Cost %.2f\n", c);
	return rc < 0 ? -1 : 0;
}

static int fail(char *err, size_t errlen, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int line, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "line %d: %s", line, msg);
	return -1;
}

static int route_line(struct str rest, int n, int line, struct vrp_route *r, char *err,
		      size_t errlen)
{
	int cap = 8;
	r->stops = xmalloc((size_t)cap * sizeof(int));
	r->n = 0;
	r->type = 0;
	for (;;) {
		struct str t = text_token(&rest, false);
		int64_t v;
		if (!t.n)
			break;
		if (text_int(t, &v) || v < 1 || v > n)
			return fail(err, errlen, line, "customer '%.*s' is not a number from 1 to %d",
				    (int)(t.n < 40 ? t.n : 40), t.p, n);
		if (r->n == cap) {
			cap *= 2;
			r->stops = xrealloc(r->stops, (size_t)cap * sizeof(int));
		}
		r->stops[r->n++] = (int)v;
	}
	return 0;
}

int vrp_sol_parse(const char *text, size_t len, int n, struct vrp_solution *out, char *err,
		  size_t errlen)
{
	struct text_reader tr;
	int cap = 16;
	out->routes = xcalloc((size_t)cap, sizeof(*out->routes));
	out->nroutes = 0;
	out->cost = 0;
	text_init(&tr, text, len);
	while (text_next_line(&tr)) {
		struct str line = str_trim(tr.line);
		if (!line.n)
			continue;
		if (str_starts_with(line, "Cost")) {
			struct str rest = {line.p + 4, line.n - 4};
			if (text_double(str_trim(rest), &out->cost)) {
				fail(err, errlen, tr.lineno, "cost is not a number");
				goto out_release;
			}
			continue;
		}
		const char *colon = memchr(line.p, ':', line.n);
		if (!str_starts_with(line, "Route") || !colon) {
			fail(err, errlen, tr.lineno, "'Route #k:' or 'Cost N' expected");
			goto out_release;
		}
		if (out->nroutes == cap) {
			cap *= 2;
			out->routes = xrealloc(out->routes, (size_t)cap * sizeof(*out->routes));
		}
		struct str rest = {colon + 1, line.n - (size_t)(colon + 1 - line.p)};
		out->nroutes++;
		if (route_line(rest, n, tr.lineno, &out->routes[out->nroutes - 1], err, errlen))
			goto out_release;
	}
	return 0;
out_release:
	vrp_solution_release(out);
	return -1;
}
