/*
 * Catalogue rules, pure C (no SQL): which price is in force on a day, and the
 * checks a product, grade or price must pass before it is stored. Prices (a
 * purchase price per product grade, a sale price per SKU) are never edited:
 * a new price applies from its `valid_from` date (Asia/Shanghai), and the
 * price in force on day D is the one with the greatest valid_from <= D.
 * src/app/catalogue.c runs the same rule in SQL (ORDER BY valid_from DESC
 * LIMIT 1); this module is the reference the unit tests hold it to.
 */
#ifndef SHANHAI_CORE_CATALOGUE_H
#define SHANHAI_CORE_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One dated price: valid_from is "YYYY-MM-DD". */
struct dated_price {
	const char *valid_from;
	int64_t price_fen;
};

/* Index of the price in force on `day` ("YYYY-MM-DD") among n prices in any
 * order: the greatest valid_from <= day. -1 if none applies yet. */
int price_in_force(const struct dated_price *prices, size_t n, const char *day);

/* True for a code of 1..32 characters from [A-Za-z0-9_.-] (product, SKU,
 * grade and party codes: printed on labels, typed in imports). */
bool catalogue_code_valid(const char *code);

/* True if a storage temperature range is sensible: each bound in -60..60 C
 * and min <= max when both are given. */
bool storage_range_valid(bool has_min, int64_t min_c, bool has_max, int64_t max_c);

#endif
