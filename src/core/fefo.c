/*
 * First-expiry-first-out picking (see fefo.h): sort the candidate lots by
 * expiry and take whole units from each until the request is met.
 */
#include "core/fefo.h"

#include <stdlib.h>
#include <string.h>

bool fefo_expired(const char *expires_on, const char *today)
{
	return strcmp(expires_on, today) < 0;
}

static int compare_lots(const void *a, const void *b)
{
	const struct fefo_lot *x = a, *y = b;
	int c = strcmp(x->expires_on, y->expires_on);
	if (c)
		return c;
	return (x->lot_id > y->lot_id) - (x->lot_id < y->lot_id);
}

void fefo_sort(struct fefo_lot *lots, size_t n)
{
	if (n > 1)
		qsort(lots, n, sizeof(*lots), compare_lots);
}

static bool usable(const struct fefo_lot *lot, int64_t pick_lot, const char *today)
{
	if (pick_lot && lot->lot_id != pick_lot)
		return false;
	return !fefo_expired(lot->expires_on, today) && lot->avail_g > 0;
}

enum fefo_rc fefo_choose(struct fefo_lot *lots, size_t n, int64_t net_g, int64_t units,
			 int64_t pick_lot, const char *today, struct fefo_take *takes,
			 size_t maxtakes, size_t *ntakes)
{
	*ntakes = 0;
	if (units <= 0 || net_g <= 0)
		return FEFO_BAD;
	fefo_sort(lots, n);
	int64_t left = units;
	size_t k = 0;
	for (size_t i = 0; i < n && left > 0; i++) {
		if (!usable(&lots[i], pick_lot, today))
			continue;
		int64_t have = lots[i].avail_g / net_g;
		if (have <= 0)
			continue;
		int64_t take = have < left ? have : left;
		if (k == maxtakes)
			return FEFO_TOO_MANY;
		takes[k].lot_id = lots[i].lot_id;
		takes[k].qty_g = take * net_g;
		k++;
		left -= take;
	}
	if (left > 0)
		return FEFO_SHORT;
	*ntakes = k;
	return FEFO_OK;
}
