/*
 * Server-rendered pages (public trace page, receipts, labels, pick lists,
 * manifests): escaping and a common page frame with a print stylesheet.
 * Every value placed in a page goes through html_escape.
 */
#ifndef SHANHAI_HTML_H
#define SHANHAI_HTML_H

#include "lib/arena.h"
#include "lib/buf.h"

/* s with & < > " ' escaped (NULL gives ""). */
const char *html_escape(struct arena *a, const char *s);
/* Start a page: doctype, charset, viewport, title (escaped here), and the
 * shared CSS (screen + @media print). */
void html_begin(struct buf *b, struct arena *a, const char *title);
/* Close the page. */
void html_end(struct buf *b);

#endif
