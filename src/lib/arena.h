/*
 * Region allocator: many small allocations freed at once. Each HTTP request
 * owns one arena created when the request starts and freed when it completes
 * (h2o's req->pool), so handlers allocate freely and never free.
 */
#ifndef SHANHAI_ARENA_H
#define SHANHAI_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
	size_t total; /* bytes handed out, for limits and tests */
};

/* An empty arena; it allocates its first block lazily. */
void arena_init(struct arena *a);
/* Free every block; the arena is empty again and may be reused. */
void arena_release(struct arena *a);
/* n bytes aligned for any type, zeroed. Never NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* NUL-terminated copies. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

#endif
