/*
 * Allocation wrappers that abort on out-of-memory; see alloc.h.
 */
#include "lib/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long fail_countdown = -1;

static void *checked(void *p, size_t n)
{
	if (!p && n) {
		fprintf(stderr, "shanhai: out of memory allocating %zu bytes\n", n);
		abort();
	}
	return p;
}

static void tick(size_t n)
{
	if (fail_countdown < 0)
		return;
	if (fail_countdown-- == 0) {
		fprintf(stderr, "shanhai: injected allocation failure (%zu bytes)\n", n);
		abort();
	}
}

void alloc_fail_after(long n)
{
	fail_countdown = n;
}

void *xmalloc(size_t n)
{
	tick(n);
	return checked(malloc(n ? n : 1), n ? n : 1);
}

void *xcalloc(size_t count, size_t size)
{
	tick(count * size);
	if (count && size > (size_t)-1 / count) {
		fprintf(stderr, "shanhai: allocation size overflow\n");
		abort();
	}
	return checked(calloc(count ? count : 1, size ? size : 1), 1);
}

void *xrealloc(void *p, size_t n)
{
	tick(n);
	return checked(realloc(p, n ? n : 1), n ? n : 1);
}

char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}
