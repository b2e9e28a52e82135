/*
 * First-expiry-first-out picking, as a pure rule (no SQL): given the lots of
 * one SKU held at a warehouse with their expiry dates and unreserved grams,
 * choose which lots give `units` whole units of net_g grams each. The store
 * side (src/app/stock.c) loads the candidates and applies the picks.
 *
 * Rules: a lot whose expires_on is before today is expired and never picked
 * (a lot is still sellable on its expiry date itself); lots are taken in
 * order of expiry date, then lot id (older lot first on a tie); only whole
 * units are taken from a lot; if the user names a lot, only that lot is used.
 * Either the whole request is satisfied or nothing is picked.
 */
#ifndef SHANHAI_FEFO_H
#define SHANHAI_FEFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One lot that could be picked. */
struct fefo_lot {
	int64_t lot_id;
	char expires_on[11]; /* "YYYY-MM-DD" */
	int64_t avail_g;     /* unreserved grams at the warehouse */
};

/* One chosen lot and the grams to take from it (a multiple of net_g). */
struct fefo_take {
	int64_t lot_id;
	int64_t qty_g;
};

enum fefo_rc {
	FEFO_OK = 0,
	FEFO_SHORT = -1,    /* not enough unexpired stock: nothing picked */
	FEFO_TOO_MANY = -2, /* the picks would not fit in maxtakes */
	FEFO_BAD = -3,      /* units <= 0 or net_g <= 0 */
};

/* True if a lot expiring on expires_on may not be sold on today (both
 * "YYYY-MM-DD"; text order is date order). */
bool fefo_expired(const char *expires_on, const char *today);
/* Sort lots into picking order (expiry, then lot id). */
void fefo_sort(struct fefo_lot *lots, size_t n);
/* Choose lots for units of net_g grams, skipping expired lots; pick_lot, if
 * non-zero, restricts the choice to that lot. Sorts lots in place. Fills
 * takes and *ntakes on FEFO_OK; *ntakes is 0 on any failure. */
enum fefo_rc fefo_choose(struct fefo_lot *lots, size_t n, int64_t net_g, int64_t units,
			 int64_t pick_lot, const char *today, struct fefo_take *takes,
			 size_t maxtakes, size_t *ntakes);

#endif
