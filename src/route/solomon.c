/*
 * Reader for Solomon's VRPTW instances (C101.txt, R101.txt ...): a name line,
 * "VEHICLE", "NUMBER CAPACITY", the fleet size and capacity, "CUSTOMER", a
 * column header, then one line per node "no x y demand ready due service",
 * node 0 the depot, numbered consecutively. Distances are Euclidean, not
 * rounded, and travel time equals distance (the usual convention of the
 * literature and of the BKS in ../shared/bench/vrptw-solomon/bks.csv).
 * Every error names the line and what is wrong.
 */
#include "route/route_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"

#define MAX_CUSTOMERS 20000

struct srow {
	double x, y, ready, due, service;
	int64_t demand;
};

struct sparser {
	struct text_reader tr;
	char *err;
	size_t errlen;
};

static int fail(struct sparser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct sparser *ps, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(ps->err, ps->errlen, "line %d: %s", ps->tr.lineno, msg);
	return -1;
}

/* The next line that is not blank; false at end of text. */
static bool next_nonblank(struct sparser *ps)
{
	while (text_next_line(&ps->tr))
		if (!text_is_blank(ps->tr.line))
			return true;
	return false;
}

static int expect_word(struct sparser *ps, const char *word)
{
	if (!next_nonblank(ps))
		return fail(ps, "end of file: '%s' expected", word);
	struct str rest = ps->tr.line;
	struct str t = text_token(&rest, false);
	if (!str_eq_cstr(t, word))
		return fail(ps, "'%s' expected", word);
	return 0;
}

static int read_fleet(struct sparser *ps, int64_t *count, int64_t *cap)
{
	if (!next_nonblank(ps))
		return fail(ps, "end of file: fleet size and capacity expected");
	struct str rest = ps->tr.line;
	struct str a = text_token(&rest, false), b = text_token(&rest, false);
	if (text_int(a, count) || *count < 1 || *count > 100000)
		return fail(ps, "number of vehicles must be an integer from 1 to 100000");
	if (text_int(b, cap) || *cap < 1 || *cap > INT64_MAX / 4)
		return fail(ps, "vehicle capacity must be a positive integer");
	if (text_token(&rest, false).n)
		return fail(ps, "unexpected text after the fleet size and capacity");
	return 0;
}

static int read_row(struct sparser *ps, int expect, struct srow *r)
{
	static const char *what[] = {"customer number", "x coordinate", "y coordinate",
				     "demand", "ready time", "due date", "service time"};
	double v[7];
	struct str rest = ps->tr.line;
	for (int k = 0; k < 7; k++) {
		struct str t = text_token(&rest, false);
		if (!t.n)
			return fail(ps, "missing %s (7 numbers expected)", what[k]);
		if (text_double(t, &v[k]))
			return fail(ps, "%s '%.*s' is not a number", what[k],
				    (int)(t.n < 40 ? t.n : 40), t.p);
		if (fabs(v[k]) > VRP_MAX_VALUE)
			return fail(ps, "%s '%.*s' is out of range (at most %g in magnitude)",
				    what[k], (int)(t.n < 40 ? t.n : 40), t.p, VRP_MAX_VALUE);
	}
	if (text_token(&rest, false).n)
		return fail(ps, "more than 7 numbers");
	if (v[0] != expect)
		return fail(ps, "customer number %g out of order (expected %d)", v[0], expect);
	if (v[3] < 0 || v[3] != (double)(int64_t)v[3])
		return fail(ps, "demand %g must be a whole number >= 0", v[3]);
	if (expect == 0 && (v[3] != 0 || v[6] != 0))
		return fail(ps, "the depot (customer 0) must have demand 0 and service time 0");
	if (v[4] < 0 || v[5] < v[4])
		return fail(ps, "time window [%g, %g] is not a valid window", v[4], v[5]);
	if (v[6] < 0)
		return fail(ps, "service time %g is negative", v[6]);
	*r = (struct srow){v[1], v[2], v[4], v[5], v[6], (int64_t)v[3]};
	return 0;
}

static int read_rows(struct sparser *ps, struct srow **rows, int *nrows)
{
	int cap = 128;
	*rows = xmalloc((size_t)cap * sizeof(**rows));
	*nrows = 0;
	while (next_nonblank(ps)) {
		if (*nrows > MAX_CUSTOMERS)
			return fail(ps, "more than %d customers", MAX_CUSTOMERS);
		if (*nrows == cap) {
			cap *= 2;
			*rows = xrealloc(*rows, (size_t)cap * sizeof(**rows));
		}
		if (read_row(ps, *nrows, &(*rows)[*nrows]))
			return -1;
		(*nrows)++;
	}
	if (*nrows < 2)
		return fail(ps, "end of file: the depot and at least one customer expected");
	return 0;
}

int solomon_parse(const char *text, size_t len, struct vrp_instance **out, char *err,
		  size_t errlen)
{
	struct sparser ps = {.err = err, .errlen = errlen};
	struct srow *rows = NULL;
	int nrows = 0, rc = -1;
	int64_t count, cap;
	char name[64] = "";
	text_init(&ps.tr, text, len);
	if (!next_nonblank(&ps)) {
		fail(&ps, "empty file");
		goto out_free_rows;
	}
	struct str nm = str_trim(ps.tr.line);
	snprintf(name, sizeof(name), "%.*s", (int)(nm.n < 63 ? nm.n : 63), nm.p);
	if (expect_word(&ps, "VEHICLE") || expect_word(&ps, "NUMBER") ||
	    read_fleet(&ps, &count, &cap) || expect_word(&ps, "CUSTOMER") ||
	    expect_word(&ps, "CUST") || read_rows(&ps, &rows, &nrows))
		goto out_free_rows;
	struct vrp_instance *I = vrp_instance_new(nrows - 1, cap);
	snprintf(I->name, sizeof(I->name), "%s", name);
	I->types[0].count = (int)count;
	I->dist_kind = VRP_DIST_EXACT_2D;
	I->has_coords = true;
	for (int i = 0; i < nrows; i++) {
		I->x[i] = rows[i].x;
		I->y[i] = rows[i].y;
		I->delivery[i] = rows[i].demand;
		I->ready[i] = rows[i].ready;
		I->due[i] = rows[i].due;
		I->service[i] = rows[i].service;
	}
	if (vrp_instance_build_matrices(I, err, errlen)) {
		vrp_instance_free(I);
		goto out_free_rows;
	}
	*out = I;
	rc = 0;
out_free_rows:
	free(rows);
	return rc;
}
