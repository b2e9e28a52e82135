/*
 * Line and token reading for the routing file readers (VRPLIB, Solomon, CSV
 * matrices, CVRPLIB solutions): one line at a time with its number, tokens
 * split on blanks (and commas for CSV), numbers parsed strictly so that
 * "12x", "nan" or an empty field is an error rather than a guess.
 */
#include "route/route_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void text_init(struct text_reader *r, const char *text, size_t len)
{
	r->p = text;
	r->end = text + len;
	r->lineno = 0;
	r->line = (struct str){text, 0};
}

bool text_next_line(struct text_reader *r)
{
	if (r->p >= r->end)
		return false;
	const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	const char *stop = nl ? nl : r->end;
	r->line = (struct str){r->p, (size_t)(stop - r->p)};
	r->p = nl ? nl + 1 : r->end;
	r->lineno++;
	return true;
}

static bool is_sep(char c, bool comma)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' ||
	       (comma && c == ',');
}

struct str text_token(struct str *rest, bool comma)
{
	size_t i = 0;
	while (i < rest->n && is_sep(rest->p[i], comma))
		i++;
	size_t start = i;
	while (i < rest->n && !is_sep(rest->p[i], comma))
		i++;
	struct str tok = {rest->p + start, i - start};
	rest->p += i;
	rest->n -= i;
	return tok;
}

int text_count_tokens(struct str s, bool comma)
{
	int k = 0;
	for (;;) {
		struct str t = text_token(&s, comma);
		if (!t.n)
			return k;
		k++;
	}
}

int text_double(struct str tok, double *out)
{
	char buf[64];
	if (tok.n == 0 || tok.n >= sizeof(buf))
		return -1;
	memcpy(buf, tok.p, tok.n);
	buf[tok.n] = 0;
	/* strtod would accept "inf", "nan" and hex floats: allow only decimals */
	for (size_t i = 0; i < tok.n; i++) {
		char c = buf[i];
		if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' ||
		      c == 'E'))
			return -1;
	}
	char *end;
	double v = strtod(buf, &end);
	if (end != buf + tok.n || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int text_int(struct str tok, int64_t *out)
{
	return parse_int64(tok, out);
}

bool text_is_blank(struct str s)
{
	return str_trim(s).n == 0;
}
