/*
 * Lot rules (see lot.h): expiry from the earliest harvest date and the
 * product's shelf life, and trace shares by largest remainder.
 */
#include "core/lot.h"

#include <stdlib.h>
#include <string.h>

#include "lib/alloc.h"
#include "lib/money.h"
#include "lib/timeutil.h"

int lot_expiry(const char *harvest_date, int64_t shelf_life_days, char *out, size_t outsz)
{
	int64_t day;
	if (!harvest_date || shelf_life_days <= 0 || shelf_life_days > 100000 || outsz < 11)
		return -1;
	if (date_parse(harvest_date, strlen(harvest_date), &day))
		return -1;
	date_format(day + shelf_life_days, out, outsz);
	return 0;
}

/* Add grams of source lot id to the flattened list. */
static void add_share(struct lot_share **out, size_t *n, size_t *cap, int64_t id, int64_t g)
{
	for (size_t i = 0; i < *n; i++)
		if ((*out)[i].source_lot_id == id) {
			(*out)[i].share_g += g;
			return;
		}
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*out = xrealloc(*out, *cap * sizeof(**out));
	}
	(*out)[*n].source_lot_id = id;
	(*out)[*n].share_g = g;
	(*n)++;
}

/* Spread a packed input's used grams over its own source shares. */
static int flatten_packed(const struct trace_input *in, struct lot_share **out, size_t *n,
			  size_t *cap)
{
	if (in->nsources == 0)
		return -1;
	int64_t *w = xmalloc(in->nsources * sizeof(*w));
	int64_t *part = xmalloc(in->nsources * sizeof(*part));
	int rc = -1;
	for (size_t i = 0; i < in->nsources; i++)
		w[i] = in->sources[i].share_g;
	if (split_largest_remainder(in->used_g, w, in->nsources, part))
		goto out_free;
	for (size_t i = 0; i < in->nsources; i++)
		if (part[i] > 0)
			add_share(out, n, cap, in->sources[i].source_lot_id, part[i]);
	rc = 0;
out_free:
	free(part);
	free(w);
	return rc;
}

int trace_flatten(const struct trace_input *in, size_t n, struct lot_share **out, size_t *nout)
{
	size_t cap = 0;
	*out = NULL;
	*nout = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i].used_g <= 0)
			goto out_fail;
		if (in[i].is_source)
			add_share(out, nout, &cap, in[i].lot_id, in[i].used_g);
		else if (flatten_packed(&in[i], out, nout, &cap))
			goto out_fail;
	}
	return 0;
out_fail:
	free(*out);
	*out = NULL;
	*nout = 0;
	return -1;
}

int trace_split(int64_t qty_g, const struct lot_share *src, size_t n, struct lot_share *out)
{
	if (n == 0 || qty_g < 0)
		return -1;
	int64_t *w = xmalloc(n * sizeof(*w));
	int64_t *part = xmalloc(n * sizeof(*part));
	int rc = -1;
	for (size_t i = 0; i < n; i++)
		w[i] = src[i].share_g;
	if (split_largest_remainder(qty_g, w, n, part))
		goto out_free;
	for (size_t i = 0; i < n; i++) {
		out[i].source_lot_id = src[i].source_lot_id;
		out[i].share_g = part[i];
	}
	rc = 0;
out_free:
	free(part);
	free(w);
	return rc;
}
