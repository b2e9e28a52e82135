/*
 * Mass balance, as pure rules (no SQL). Nothing is ever balanced by a
 * computed remainder: every gram out of a packing run is weighed and
 * recorded as packed output, a grade-out or a loss, and a run whose weighed
 * outputs and losses do not add up to its inputs exactly (to the gram: there
 * is no tolerance) is flagged — packings.balanced = 0 and its output lots get
 * mass_flag 'mismatch' — so the difference stays visible instead of vanishing.
 *
 * A lot's own balance follows its stock journal: the grams it was created
 * with plus grams found later equal the grams that left it (packed, sold,
 * written off, short on arrival) plus what is still on hand anywhere.
 */
#ifndef SHANHAI_MASSBALANCE_H
#define SHANHAI_MASSBALANCE_H

#include <stdbool.h>
#include <stdint.h>

/* The weighed totals of one packing run. */
struct pack_totals {
	int64_t input_g;    /* grams of input lots used */
	int64_t output_g;   /* grams packed into output lots (units x net_g) */
	int64_t gradeout_g; /* weighed grade-outs */
	int64_t loss_g;     /* weighed losses (water, trimming, damage) */
};

/* input - (output + gradeout + loss): 0 when the run balances, > 0 when
 * grams are unaccounted for, < 0 when more was recorded than went in. */
int64_t pack_difference(const struct pack_totals *t);
/* True if the run balances exactly. */
bool pack_balanced(const struct pack_totals *t);

/* The flows of one lot, summed from its journal. */
struct lot_flow {
	int64_t created_g; /* stock created (collection, packing output) */
	int64_t found_g;   /* added later (stocktake surplus, found) */
	int64_t left_g;    /* removed (packed, sold, written off, shortage) */
	int64_t on_hand_g; /* still held at any location, including transit */
};

/* created + found - left - on_hand: 0 when the lot's balance closes. */
int64_t lot_flow_difference(const struct lot_flow *f);

#endif
