/*
 * Money and weights. Money is integer fen (int64_t, 1 yuan = 100 fen), weights
 * integer grams, never floating point.
 *
 * Rounding rule (documented in docs/ARCHITECTURE.md): an amount computed from a
 * weight and a unit price is rounded once, half away from zero, to the fen.
 * A whole split into parts (dividends, mass shares, cost allocation) uses the
 * largest-remainder method: each part gets the floor of its exact share, and
 * the fen left over go one each to the parts with the largest remainders (ties:
 * the earlier part), so the parts always add up to the whole.
 */
#ifndef SHANHAI_MONEY_H
#define SHANHAI_MONEY_H

#include <stddef.h>
#include <stdint.h>

#define GRAMS_PER_JIN 500
#define GRAMS_PER_KG 1000

/* round(a * b / c), half away from zero, with 128-bit intermediates; c > 0.
 * Returns 0, or -1 if the result does not fit in int64. */
int muldiv_round(int64_t a, int64_t b, int64_t c, int64_t *out);
/* Amount in fen for net_g grams at price_fen per kg (rounded once). 0 or -1. */
int amount_for_weight(int64_t net_g, int64_t price_fen_per_kg, int64_t *fen);
/* Split total (>= 0) among n parts in proportion to weights (>= 0, not all 0)
 * by largest remainder; out[i] sums to total. 0, or -1 on bad input. */
int split_largest_remainder(int64_t total, const int64_t *weights, size_t n, int64_t *out);
/* "1234.50" for 123450 fen (out needs 32 bytes). */
void fen_format(int64_t fen, char *out, size_t outsz);
/* "¥1234.50", and "-¥21.00" for a negative amount (the sign before the
 * currency, as the console's yuanText writes it); out needs 40 bytes. */
void yuan_format(int64_t fen, char *out, size_t outsz);

#endif
