/*
 * Sized strings and strict number parsing; see str.h.
 */
#include "lib/str.h"

#include <string.h>

const char *int64_text(int64_t v, char t[24])
{
	size_t n = 23;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	t[n] = '\0';
	do {
		t[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		t[--n] = '-';
	return t + n;
}

struct str str_from(const char *s)
{
	return (struct str){s ? s : "", s ? strlen(s) : 0};
}

bool str_eq(struct str a, struct str b)
{
	return a.n == b.n && (a.n == 0 || !memcmp(a.p, b.p, a.n));
}

bool str_eq_cstr(struct str a, const char *b)
{
	return str_eq(a, str_from(b));
}

bool str_starts_with(struct str s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s.n >= n && !memcmp(s.p, prefix, n);
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct str str_trim(struct str s)
{
	while (s.n && blank(s.p[0])) {
		s.p++;
		s.n--;
	}
	while (s.n && blank(s.p[s.n - 1]))
		s.n--;
	return s;
}

int parse_decimal(struct str s, int scale, int64_t *out)
{
	size_t i = 0;
	bool neg = false, any = false;
	int frac = -1;
	int64_t v = 0;

	if (scale < 0 || scale > 9)
		return -1;
	if (i < s.n && (s.p[i] == '-' || s.p[i] == '+'))
		neg = s.p[i++] == '-';
	for (; i < s.n; i++) {
		char c = s.p[i];
		if (c == '.' && frac < 0) {
			frac = 0;
			continue;
		}
		if (c < '0' || c > '9')
			return -1;
		if (frac >= 0 && ++frac > scale)
			return -1;
		if (v > (INT64_MAX - (c - '0')) / 10)
			return -1;
		v = v * 10 + (c - '0');
		any = true;
	}
	if (!any || frac == 0)
		return -1;
	for (int k = frac < 0 ? 0 : frac; k < scale; k++) {
		if (v > INT64_MAX / 10)
			return -1;
		v *= 10;
	}
	*out = neg ? -v : v;
	return 0;
}

int parse_int64(struct str s, int64_t *out)
{
	return parse_decimal(s, 0, out);
}

/* The length of the valid UTF-8 sequence at p[i] (not NUL, not overlong, no
 * surrogate, at most U+10FFFF), or 0 if none starts there. */
static size_t utf8_sequence(const unsigned char *p, size_t n, size_t i)
{
	unsigned c = p[i], cp;
	size_t len;
	if (c == 0)
		return 0;
	if (c < 0x80)
		return 1;
	if ((c & 0xE0) == 0xC0) {
		len = 2;
		cp = c & 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3;
		cp = c & 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (i + len > n)
		return 0;
	for (size_t k = 1; k < len; k++) {
		if ((p[i + k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i + k] & 0x3F);
	}
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0, len; i < n; i += len)
		if (!(len = utf8_sequence(p, n, i)))
			return false;
	return true;
}

size_t utf8_scrub(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t n = strlen(s), fixed = 0;
	for (size_t i = 0, len; i < n; i += len)
		if (!(len = utf8_sequence(p, n, i))) {
			p[i] = '?';
			len = 1;
			fixed++;
		}
	return fixed;
}

size_t utf8_length(const char *s, size_t n)
{
	size_t count = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}
