/*
 * The fast path of order_json.h: a recursive-descent reader over the raw
 * bytes for exactly the plain order layout, with the limits of the
 * handler's validators (parse_order's jget_* calls): text of 1..max
 * characters of valid UTF-8 without control characters (phone may be
 * empty), units 1..100000, unit_price_fen 0..1e9, 1..ORDER_MAX_LINES lines.
 * Every surprise returns false at once.
 */
#include "http/order_json.h"

#include <stdint.h>
#include <string.h>

#include "lib/str.h"

struct rd {
	const char *p, *end;
	struct arena *a;
};

static void ws(struct rd *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool take(struct rd *r, char c)
{
	ws(r);
	if (r->p >= r->end || *r->p != c)
		return false;
	r->p++;
	return true;
}

/* A string without escapes or control bytes: its bytes in *s, *n. */
static bool raw_string(struct rd *r, const char **s, size_t *n)
{
	if (!take(r, '"'))
		return false;
	const char *q = r->p;
	while (q < r->end && *q != '"') {
		if (*q == '\\' || (unsigned char)*q < 0x20)
			return false;
		q++;
	}
	if (q >= r->end)
		return false;
	*s = r->p;
	*n = (size_t)(q - r->p);
	r->p = q + 1;
	return true;
}

/* A text value as jget_str accepts it: valid UTF-8, no DEL, min..max characters. */
static bool text(struct rd *r, size_t min, size_t max, const char **out)
{
	const char *s;
	size_t n;
	if (!take(r, ':') || !raw_string(r, &s, &n) || !utf8_valid(s, n) || memchr(s, 0x7f, n))
		return false;
	size_t chars = utf8_length(s, n);
	if (chars < min || chars > max)
		return false;
	*out = arena_strndup(r->a, s, n);
	return true;
}

/* A whole number in [min, max] written as plain digits (no sign, fraction,
 * exponent or leading zero). */
static bool whole(struct rd *r, int64_t min, int64_t max, int64_t *out)
{
	int64_t v = 0;
	int digits = 0;
	if (!take(r, ':'))
		return false;
	ws(r);
	if (r->p < r->end && *r->p == '0' && r->p + 1 < r->end && r->p[1] >= '0' && r->p[1] <= '9')
		return false;
	while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
		if (++digits > 12)
			return false;
		v = v * 10 + (*r->p++ - '0');
	}
	if (digits == 0 || (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E')))
		return false;
	*out = v;
	return v >= min && v <= max;
}

/* The index of key among names (NULL-terminated), or -1. */
static int key_of(struct rd *r, const char *const *names)
{
	const char *s;
	size_t n;
	if (!raw_string(r, &s, &n))
		return -1;
	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !memcmp(names[i], s, n))
			return i;
	return -1;
}

/* An object whose members are read by member(r, key index, ud); each key
 * at most once, the keys of mask `required` present. */
static bool object(struct rd *r, const char *const *names, unsigned required,
                   bool (*member)(struct rd *, int, void *), void *ud)
{
	unsigned seen = 0;
	if (!take(r, '{'))
		return false;
	do {
		int k = key_of(r, names);
		if (k < 0 || (seen & (1u << k)) || !member(r, k, ud))
			return false;
		seen |= 1u << k;
	} while (take(r, ','));
	return take(r, '}') && (seen & required) == required;
}

static const char *const line_keys[] = {"sku", "units", "unit_price_fen", NULL};

static bool line_member(struct rd *r, int k, void *ud)
{
	struct order_line_in *l = ud;
	if (k == 0)
		return text(r, 1, 64, &l->sku);
	if (k == 1)
		return whole(r, 1, 100000, &l->units);
	return whole(r, 0, 1000000000, &l->unit_price_fen);
}

static bool lines(struct rd *r, struct order_in *in)
{
	struct order_line_in tmp[ORDER_MAX_LINES];
	size_t n = 0;
	if (!take(r, ':') || !take(r, '['))
		return false;
	do {
		if (n == ORDER_MAX_LINES)
			return false;
		memset(&tmp[n], 0, sizeof(tmp[n]));
		if (!object(r, line_keys, 7, line_member, &tmp[n]))
			return false;
		n++;
	} while (take(r, ','));
	if (!take(r, ']'))
		return false;
	struct order_line_in *out = arena_alloc(r->a, n * sizeof(*out));
	memcpy(out, tmp, n * sizeof(*out));
	in->lines = out;
	in->nlines = n;
	return true;
}

static const char *const customer_keys[] = {"name", "phone", "address", "division_code", NULL};

static bool customer_member(struct rd *r, int k, void *ud)
{
	struct order_in *in = ud;
	if (k == 0)
		return text(r, 1, 50, &in->name);
	if (k == 1)
		return text(r, 0, 20, &in->phone);
	if (k == 2)
		return text(r, 1, 200, &in->address);
	return text(r, 1, 12, &in->division_code);
}

struct order_rd {
	struct order_in *in;
	const char **channel;
};

static const char *const order_keys[] = {"channel", "order_no", "customer", "lines", NULL};

static bool order_member(struct rd *r, int k, void *ud)
{
	struct order_rd *o = ud;
	if (k == 0)
		return text(r, 1, 64, o->channel);
	if (k == 1)
		return text(r, 1, 64, &o->in->order_no);
	if (k == 2)
		return take(r, ':') && object(r, customer_keys, 1 | 4 | 8, customer_member, o->in);
	return lines(r, o->in);
}

bool order_json_fast(const char *p, size_t n, struct arena *a, struct order_in *in,
                     const char **channel)
{
	struct rd r = {p, p + n, a};
	struct order_rd o = {in, channel};
	memset(in, 0, sizeof(*in));
	*channel = NULL;
	if (!object(&r, order_keys, 15, order_member, &o))
		return false;
	ws(&r);
	return r.p == r.end;
}
