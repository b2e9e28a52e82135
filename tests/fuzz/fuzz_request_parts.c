/*
 * libFuzzer target for the pieces of a request Shanhai reads itself, each
 * against an independent reference: the input is split at newlines into a
 * URL path, a ?limit= and an ?offset= value and an Idempotency-Key.
 * - Path segments: route_find() over the real routes table. A match must
 *   rebuild the path exactly from its pattern and captured parameters, each
 *   parameter one non-empty segment (no '/'), and the same path must always
 *   find the same route.
 * - Paging: paging_parse() must accept exactly the texts of an optional sign
 *   and decimal digits whose value is in range (limit 1..1000, offset
 *   0..1000000000), give that value, and name the first bad field otherwise.
 * - Idempotency-Key: accepted iff 1..128 visible ASCII characters.
 * No server or database: dispatch.c's static helpers are included directly.
 */
// fuzz-sources: src/http/api_*.c src/http/auth.c src/http/auth_cache.c src/http/html.c src/http/pool.c
// fuzz-sources: src/http/patch_http.c src/http/qr.c src/http/reply.c src/http/routes.c src/http/server.c src/http/slow.c
// fuzz-sources: src/http/writer.c src/http/order_json.c src/app/*.c src/core/*.c src/io/*.c src/store/*.c
// fuzz-sources: src/route/*.c src/plan/*.c
// fuzz-embedded
#include "../../src/http/dispatch.c"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Reference: sign? digits+ within [min, max], no overflow. */
static bool ref_number(const char *s, int64_t min, int64_t max, int64_t *v)
{
	size_t i = (s[0] == '+' || s[0] == '-') ? 1 : 0;
	bool neg = s[0] == '-';
	unsigned __int128 x = 0;
	if (!s[i])
		return false;
	for (; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (unsigned)(s[i] - '0');
		if (x > (unsigned __int128)INT64_MAX)
			return false;
	}
	*v = neg ? -(int64_t)x : (int64_t)x;
	return *v >= min && *v <= max;
}

static void check_paging(const char *limit, const char *offset)
{
	int64_t l, o, rl = PAGE_DEFAULT, ro = 0;
	const char *bad = paging_parse(limit, offset, &l, &o);
	bool lok = !limit || ref_number(limit, 1, PAGE_MAX, &rl);
	bool ook = !offset || ref_number(offset, 0, OFFSET_MAX, &ro);
	const char *want = !lok ? "limit" : !ook ? "offset" : NULL;
	if ((bad == NULL) != (want == NULL) || (bad && strcmp(bad, want)))
		abort();
	if (!bad && (l != rl || o != ro))
		abort();
}

static void check_idem_key(const char *k)
{
	size_t n = strlen(k);
	bool want = n >= 1 && n <= 128;
	for (size_t i = 0; i < n; i++)
		want = want && k[i] >= 0x21 && k[i] <= 0x7e;
	if ((n >= 1 && n <= 128 && utf8_valid_key(k, n)) != want)
		abort();
}

/* The pattern with {name} segments replaced by the captured parameters. */
static bool rebuilds(const char *pat, const struct req *r, const char *path)
{
	char out[8192];
	size_t n = 0;
	int k = 0;
	while (*pat) {
		const char *add = pat, *end;
		size_t len = 1;
		if (*pat == '{') {
			end = strchr(pat, '}');
			if (!end || k >= r->nparams)
				return false;
			add = r->params[k++];
			len = strlen(add);
			if (len == 0 || strchr(add, '/'))
				return false;
			pat = end;
		}
		if (n + len >= sizeof(out))
			return false;
		memcpy(out + n, add, len);
		n += len;
		pat++;
	}
	out[n] = '\0';
	return k == r->nparams && !strcmp(out, path);
}

static void check_route(char *path, const char *method)
{
	struct arena a;
	bool known, again;
	arena_init(&a);
	struct req r = {.arena = &a, .method = method, .path = path};
	const struct route *rt = route_find(&r, &known);
	if (rt && (!rebuilds(rt->pattern, &r, path) || strcmp(rt->method, method)))
		abort();
	if (!rt && r.nparams != 0)
		abort();
	struct req r2 = {.arena = &a, .method = method, .path = path};
	if (route_find(&r2, &again) != rt || again != known)
		abort();
	arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), *part[4] = {NULL, NULL, NULL, NULL};
	memcpy(text, data, size);
	text[size] = '\0';
	if (strlen(text) != size) { /* NUL bytes never reach these parsers */
		free(text);
		return 0;
	}
	char *p = text;
	for (int i = 0; i < 4 && p; i++) {
		part[i] = p;
		p = strchr(p, '\n');
		if (p)
			*p++ = '\0';
	}
	check_route(part[0], "GET");
	check_route(part[0], "POST");
	check_paging(part[1], part[2]);
	if (part[3])
		check_idem_key(part[3]);
	free(text);
	return 0;
}
