/*
 * The one allocation wrapper (after Redis's zmalloc): every heap allocation in
 * Shanhai goes through these, which abort with a message on out-of-memory so
 * callers never handle NULL. Tests can make the Nth allocation fail
 * (alloc_fail_after) to exercise the abort path, in the manner of curl's torture mode.
 */
#ifndef SHANHAI_ALLOC_H
#define SHANHAI_ALLOC_H

#include <stddef.h>

/* malloc/calloc/realloc that never return NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* A NUL-terminated copy of s / of the first n bytes of s. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Test hook: after n more successful allocations, the next one fails (aborts).
 * n < 0 disables the hook (the default). */
void alloc_fail_after(long n);

#endif
