/*
 * The element scanner of json_elems.h: a few bytes of look-ahead over the raw
 * body, no allocation. Depth counts brackets of either kind (a mismatch is
 * left to jansson, which refuses the element); a string runs from a quote
 * to the next quote not escaped by a backslash.
 */
#include "io/json_elems.h"

#include <stdbool.h>
#include <string.h>

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void skip_ws(struct json_elems *s)
{
	while (s->pos < s->n && is_ws(s->p[s->pos]))
		s->pos++;
}

/* Take the byte c after optional whitespace. */
static bool take(struct json_elems *s, char c)
{
	skip_ws(s);
	if (s->pos >= s->n || s->p[s->pos] != c)
		return false;
	s->pos++;
	return true;
}

static enum json_elems_step give_up(struct json_elems *s)
{
	s->pos = s->n + 1; /* every later call gives up too */
	return JSON_ELEMS_GAVE_UP;
}

int json_elems_open(struct json_elems *s, const char *p, size_t n, const char *key)
{
	size_t k = strlen(key);
	memset(s, 0, sizeof(*s));
	s->p = p;
	s->n = n;
	if (!take(s, '{') || !take(s, '"'))
		return give_up(s), -1;
	if (n - s->pos < k + 1 || memcmp(p + s->pos, key, k) || p[s->pos + k] != '"')
		return give_up(s), -1;
	s->pos += k + 1;
	if (!take(s, ':') || !take(s, '['))
		return give_up(s), -1;
	return 0;
}

/* The end of the string whose opening quote is at i: the index after its
 * closing quote, or 0 if the body ends first. */
static size_t string_end(const struct json_elems *s, size_t i)
{
	for (i++; i < s->n; i++) {
		if (s->p[i] == '\\')
			i++;
		else if (s->p[i] == '"')
			return i + 1;
	}
	return 0;
}

/* The end of the element starting at s->pos: the index of the ',' or ']' at
 * depth 0 after it, or 0 to give up. */
static size_t element_end(const struct json_elems *s)
{
	int depth = 0;
	size_t i = s->pos;
	while (i < s->n) {
		char c = s->p[i];
		if (c == '"') {
			if ((i = string_end(s, i)) == 0)
				return 0;
			continue;
		}
		if (c == '[' || c == '{') {
			if (++depth > JSON_ELEMS_MAX_DEPTH)
				return 0;
		} else if (c == ']' || c == '}') {
			if (depth == 0)
				return i;
			depth--;
		} else if (c == ',' && depth == 0) {
			return i;
		}
		i++;
	}
	return 0;
}

/* After the array's ']': only whitespace, '}', whitespace. */
static enum json_elems_step body_end(struct json_elems *s)
{
	if (!take(s, '}'))
		return give_up(s);
	skip_ws(s);
	if (s->pos != s->n)
		return give_up(s);
	s->pos = s->n + 1;
	return JSON_ELEMS_END;
}

enum json_elems_step json_elems_next(struct json_elems *s, const char **start, size_t *len)
{
	if (s->pos > s->n)
		return JSON_ELEMS_GAVE_UP;
	skip_ws(s);
	if (s->pos < s->n && s->p[s->pos] == ']') {
		s->pos++;
		return body_end(s);
	}
	if (s->count > 0 && !take(s, ','))
		return give_up(s);
	skip_ws(s);
	size_t end = element_end(s);
	if (end == 0 || end == s->pos || s->p[end] == '}')
		return give_up(s);
	size_t last = end;
	while (last > s->pos && is_ws(s->p[last - 1]))
		last--;
	*start = s->p + s->pos;
	*len = last - s->pos;
	s->pos = end;
	s->count++;
	return JSON_ELEMS_ELEMENT;
}
