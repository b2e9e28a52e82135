/*
 * Catalogue rules: price in force on a day, code and storage-range checks.
 * See catalogue.h.
 */
#include "core/catalogue.h"

#include <string.h>

int price_in_force(const struct dated_price *prices, size_t n, const char *day)
{
	int best = -1;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(prices[i].valid_from, day) > 0)
			continue;
		if (best < 0 || strcmp(prices[i].valid_from, prices[best].valid_from) > 0)
			best = (int)i;
	}
	return best;
}

static bool code_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '-';
}

bool catalogue_code_valid(const char *code)
{
	size_t n = code ? strlen(code) : 0;
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!code_char(code[i]))
			return false;
	return true;
}

bool storage_range_valid(bool has_min, int64_t min_c, bool has_max, int64_t max_c)
{
	if (has_min && (min_c < -60 || min_c > 60))
		return false;
	if (has_max && (max_c < -60 || max_c > 60))
		return false;
	return !(has_min && has_max && min_c > max_c);
}
