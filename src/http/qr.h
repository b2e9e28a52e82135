/*
 * QR codes as SVG text, for printed labels and the public trace page
 * (GET /t/{code}/qr.svg). A thin wrapper over libqrencode: the caller gives
 * the text (usually the trace URL) and gets a self-contained SVG document in
 * its arena, black modules on white with the standard 4-module quiet zone.
 */
#ifndef SHANHAI_QR_H
#define SHANHAI_QR_H

#include "lib/arena.h"

/* An SVG document (NUL-terminated, in a) encoding text as a QR code with
 * error correction level M, or NULL if text is NULL, empty or too long for
 * any QR version. The image scales: it has a viewBox in modules and no
 * fixed size, so the page sets its width. */
const char *qr_svg(struct arena *a, const char *text);

#endif
