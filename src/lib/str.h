/*
 * Sized strings (h2o's iovec, nullprogram's s8) and strict number parsing.
 * Parsers take a struct str so they never depend on a NUL terminator; every
 * number read from outside goes through parse_int64/parse_decimal, which refuse
 * trailing junk, overflow and empty input instead of guessing like atoi.
 */
#ifndef SHANHAI_STR_H
#define SHANHAI_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct str {
	const char *p;
	size_t n;
};

#define STR_LIT(s) ((struct str){(s), sizeof(s) - 1})

/* A str over a NUL-terminated string (NULL gives the empty str). */
struct str str_from(const char *s);
bool str_eq(struct str a, struct str b);
bool str_eq_cstr(struct str a, const char *b);
bool str_starts_with(struct str s, const char *prefix);
/* s without leading and trailing ASCII blanks (space, tab, CR, LF). */
struct str str_trim(struct str s);

/* v in decimal, written at the end of t and returned (NUL-terminated): the
 * hot paths' number text without printf. */
const char *int64_text(int64_t v, char t[24]);

/* A whole base-10 integer with optional sign; 0 or -1 (empty, junk, overflow). */
int parse_int64(struct str s, int64_t *out);
/* A decimal like "3.5" or "-12.25" as an integer scaled by 10^scale, exactly:
 * parse_decimal("3.5", 2) = 350. More fractional digits than scale is an error
 * (no silent rounding). 0 or -1. */
int parse_decimal(struct str s, int scale, int64_t *out);
/* True if s is valid UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF)
 * and contains no NUL byte. */
bool utf8_valid(const char *s, size_t n);
/* Make the NUL-terminated s valid UTF-8 in place: every byte that does not
 * start a valid sequence (a character cut by a byte-length truncation such as
 * "%.40s" or a fixed buffer) becomes '?'. Returns how many bytes it replaced. */
size_t utf8_scrub(char *s);
/* Number of Unicode code points in valid UTF-8. */
size_t utf8_length(const char *s, size_t n);

#endif
