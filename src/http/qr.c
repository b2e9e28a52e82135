/*
 * QR code rendering for labels and the public trace page: libqrencode builds
 * the module matrix, and this file writes it as one SVG path. Each horizontal
 * run of dark modules becomes one rectangle, which keeps the SVG small
 * (a label URL gives a 29x29 or 33x33 matrix, about 2-3 KB of SVG).
 */
#include "http/qr.h"

#include <qrencode.h>
#include <string.h>

#include "lib/buf.h"

#define QR_QUIET 4                 /* quiet zone, in modules (ISO/IEC 18004) */
#define QR_SVG_MAX (512 * 1024)    /* version 40 is 177x177: well under this */

/* Append "M x y h n v1 h -n z" for each run of dark modules in one row. */
static int add_row_runs(struct buf *b, const QRcode *q, int y)
{
	const unsigned char *row = q->data + (size_t)y * (size_t)q->width;
	int x = 0;
	while (x < q->width) {
		if (!(row[x] & 1)) {
			x++;
			continue;
		}
		int start = x;
		while (x < q->width && (row[x] & 1))
			x++;
		if (buf_printf(b, "M%d %dh%dv1h-%dz", start + QR_QUIET, y + QR_QUIET,
			       x - start, x - start) < 0)
			return -1;
	}
	return 0;
}

static int write_svg(struct buf *b, const QRcode *q)
{
	int size = q->width + 2 * QR_QUIET;
	if (buf_printf(b,
		       "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		       "shape-rendering=\"crispEdges\">"
		       "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		       size, size, size, size) < 0)
		return -1;
	for (int y = 0; y < q->width; y++)
		if (add_row_runs(b, q, y) < 0)
			return -1;
	return buf_adds(b, "\"/></svg>\n");
}

const char *qr_svg(struct arena *a, const char *text)
{
	if (!text || !*text)
		return NULL;
	QRcode *q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
	if (!q)
		return NULL;
	struct buf b;
	buf_init(&b, QR_SVG_MAX);
	const char *svg = NULL;
	if (write_svg(&b, q) == 0)
		svg = arena_strndup(a, b.p, b.n);
	buf_release(&b);
	QRcode_free(q);
	return svg;
}
