/*
 * Exact money arithmetic; see money.h for the rounding rule.
 */
#include "lib/money.h"
#include "lib/alloc.h"

#include <stdio.h>
#include <stdlib.h>

int muldiv_round(int64_t a, int64_t b, int64_t c, int64_t *out)
{
	if (c <= 0)
		return -1;
	__int128 p = (__int128)a * b;
	int neg = p < 0;
	if (neg)
		p = -p;
	__int128 q = (p + c / 2) / c; /* half up on the magnitude = half away from zero */
	if (q > INT64_MAX)
		return -1;
	*out = neg ? -(int64_t)q : (int64_t)q;
	return 0;
}

int amount_for_weight(int64_t net_g, int64_t price_fen_per_kg, int64_t *fen)
{
	return muldiv_round(net_g, price_fen_per_kg, GRAMS_PER_KG, fen);
}

int split_largest_remainder(int64_t total, const int64_t *weights, size_t n, int64_t *out)
{
	__int128 sum = 0;
	int64_t given = 0;

	if (total < 0 || n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (weights[i] < 0)
			return -1;
		sum += weights[i];
	}
	if (sum == 0)
		return -1;
	__int128 *rem = xmalloc(n * sizeof(*rem));
	for (size_t i = 0; i < n; i++) {
		__int128 exact = (__int128)total * weights[i];
		out[i] = (int64_t)(exact / sum);
		rem[i] = exact % sum;
		given += out[i];
	}
	for (int64_t left = total - given; left > 0; left--) {
		size_t best = 0;
		for (size_t i = 1; i < n; i++)
			if (rem[i] > rem[best])
				best = i;
		out[best]++;
		rem[best] = -1; /* each part gets at most one extra fen */
	}
	free(rem);
	return 0;
}

/* "1234.50" for the magnitude of fen; sign says whether it was negative. */
static void magnitude_text(int64_t fen, char *out, size_t outsz, const char **sign)
{
	uint64_t mag = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;
	*sign = fen < 0 ? "-" : "";
	snprintf(out, outsz, "%llu.%02llu", (unsigned long long)(mag / 100),
		 (unsigned long long)(mag % 100));
}

void fen_format(int64_t fen, char *out, size_t outsz)
{
	char digits[32];
	const char *sign;
	magnitude_text(fen, digits, sizeof(digits), &sign);
	snprintf(out, outsz, "%s%s", sign, digits);
}

void yuan_format(int64_t fen, char *out, size_t outsz)
{
	char digits[32];
	const char *sign;
	magnitude_text(fen, digits, sizeof(digits), &sign);
	snprintf(out, outsz, "%s¥%s", sign, digits);
}
