/*
 * Growable byte buffer with a size cap (after curl's dynbuf): used to build
 * responses, CSV/Excel output and SQL-free text. Appends past the cap fail
 * instead of growing without bound, so a hostile input cannot exhaust memory.
 */
#ifndef SHANHAI_BUF_H
#define SHANHAI_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *p;     /* NUL-terminated contents (NULL until the first append) */
	size_t n;    /* length */
	size_t cap;  /* allocated */
	size_t max;  /* largest allowed length */
};

/* An empty buffer that may grow to max bytes. */
void buf_init(struct buf *b, size_t max);
/* Free the contents; the buffer is empty again. */
void buf_release(struct buf *b);
/* Take ownership of the contents (caller frees); the buffer is emptied. */
char *buf_detach(struct buf *b, size_t *len);
/* Append bytes; 0 on success, -1 if the cap would be passed (nothing appended). */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Forget the contents but keep the allocation. */
void buf_reset(struct buf *b);

#endif
