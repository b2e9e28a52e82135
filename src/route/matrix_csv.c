/*
 * Import of road distances and travel times as CSV matrices, for users who
 * have real road data (a routing service's table, a survey of mountain
 * roads): (n+1) rows of (n+1) comma-separated numbers, node 0 (the depot)
 * first, in the instance's node order. Lines starting with '#' are comments.
 * Distances in km, times in minutes; without a time matrix the time is the
 * distance driven at the plain-terrain average speed.
 */
#include "route/route_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

static int fail(char *err, size_t errlen, const char *what, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail(char *err, size_t errlen, const char *what, int line, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s matrix: line %d: %s", what, line, msg);
	return -1;
}

static int parse_matrix(const char *text, size_t len, int m, const char *what, double *out,
			char *err, size_t errlen)
{
	struct text_reader tr;
	int row = 0;
	text_init(&tr, text, len);
	while (text_next_line(&tr)) {
		struct str line = str_trim(tr.line);
		if (!line.n || line.p[0] == '#')
			continue;
		if (row == m)
			return fail(err, errlen, what, tr.lineno, "more than %d rows", m);
		for (int j = 0; j < m; j++) {
			struct str t = str_trim(text_token(&line, true));
			double v;
			if (!t.n)
				return fail(err, errlen, what, tr.lineno,
					    "row has %d values, %d expected", j, m);
			if (text_double(t, &v))
				return fail(err, errlen, what, tr.lineno,
					    "column %d: '%.*s' is not a number", j + 1,
					    (int)(t.n < 40 ? t.n : 40), t.p);
			if (v < 0)
				return fail(err, errlen, what, tr.lineno,
					    "column %d: %g is negative", j + 1, v);
			if (v > VRP_MAX_VALUE)
				return fail(err, errlen, what, tr.lineno,
					    "column %d: %g is above %g", j + 1, v, VRP_MAX_VALUE);
			if (j == row && v != 0)
				return fail(err, errlen, what, tr.lineno,
					    "column %d: the diagonal must be 0, not %g", j + 1, v);
			out[(size_t)row * (size_t)m + (size_t)j] = v;
		}
		if (text_token(&line, true).n)
			return fail(err, errlen, what, tr.lineno, "row has more than %d values", m);
		row++;
	}
	if (row < m)
		return fail(err, errlen, what, tr.lineno, "end of file after %d rows, %d expected",
			    row, m);
	return 0;
}

int vrp_matrix_csv_parse(struct vrp_instance *inst, const char *dist_text, size_t dist_len,
			 const char *time_text, size_t time_len, char *err, size_t errlen)
{
	int m = inst->n + 1;
	size_t cells = (size_t)m * (size_t)m;
	double *d = xmalloc(cells * sizeof(double));
	double *t = NULL;
	if (parse_matrix(dist_text, dist_len, m, "distance", d, err, errlen))
		goto out_free_matrices;
	t = xmalloc(cells * sizeof(double));
	if (time_text) {
		if (parse_matrix(time_text, time_len, m, "time", t, err, errlen))
			goto out_free_matrices;
	} else {
		for (size_t k = 0; k < cells; k++)
			t[k] = d[k] / inst->geo.speed_kmh[0] * 60.0;
	}
	if (inst->time != inst->dist)
		free(inst->time);
	free(inst->dist);
	inst->dist = d;
	inst->time = t;
	inst->dist_kind = VRP_DIST_EXPLICIT;
	return 0;
out_free_matrices:
	free(d);
	free(t);
	return -1;
}
