/*
 * Lots as pure rules (no SQL): the expiry date of a packed lot and the trace
 * shares that tie a packed lot back to the households' source lots.
 *
 * Expiry: a packed lot expires on (earliest harvest date of its sources) +
 * (the product's shelf life in days); the lot is still sellable on that date
 * and expired from the next day (see fefo.h).
 *
 * Trace shares: a packing run uses grams of several input lots. Each input is
 * first flattened to source lots — a source lot counts its used grams; a
 * packed input spreads its used grams over its own source shares by largest
 * remainder — and then each output lot's grams are split over those source
 * lots in proportion to their flattened grams, by largest remainder, so the
 * shares of every output add up exactly to its grams.
 */
#ifndef SHANHAI_LOT_H
#define SHANHAI_LOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One source lot and the grams of it in something. */
struct lot_share {
	int64_t source_lot_id;
	int64_t share_g;
};

/* One input of a packing run: a source lot, or a packed lot with its own
 * shares (which add up to its initial grams). */
struct trace_input {
	int64_t lot_id;
	int64_t used_g;
	bool is_source;
	const struct lot_share *sources; /* packed inputs only */
	size_t nsources;
};

/* expires_on = harvest_date + shelf_life_days, into out (11 bytes).
 * 0, or -1 if the date is not a real "YYYY-MM-DD" or shelf life <= 0. */
int lot_expiry(const char *harvest_date, int64_t shelf_life_days, char *out, size_t outsz);

/* Flatten inputs to source lots: *out (xmalloc'd, caller frees) holds one
 * entry per distinct source lot, in order of first appearance, whose grams
 * add up to the sum of used_g. 0, or -1 on bad input (used_g <= 0, a packed
 * input without sources or whose shares are all zero). */
int trace_flatten(const struct trace_input *in, size_t n, struct lot_share **out, size_t *nout);

/* Split qty_g over the flattened sources in proportion to their grams by
 * largest remainder: out[i].source_lot_id = src[i].source_lot_id and the
 * out[i].share_g add up to qty_g. 0 or -1. */
int trace_split(int64_t qty_g, const struct lot_share *src, size_t n, struct lot_share *out);

#endif
