/*
 * HTML escaping and the page frame for printable and public pages; see html.h.
 */
#include "http/html.h"

#include <string.h>

const char *html_escape(struct arena *a, const char *s)
{
	size_t extra = 0;
	if (!s)
		return "";
	for (const char *p = s; *p; p++)
		extra += strchr("&<>\"'", *p) ? 5 : 0;
	if (!extra)
		return s;
	char *out = arena_alloc(a, strlen(s) + extra + 1), *o = out;
	for (const char *p = s; *p; p++) {
		const char *rep = NULL;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		}
		if (rep) {
			size_t n = strlen(rep);
			memcpy(o, rep, n);
			o += n;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

static const char page_css[] =
	"body{font-family:'WenQuanYi Micro Hei','Noto Sans CJK SC','PingFang SC',"
	"'Microsoft YaHei',sans-serif;margin:0 auto;max-width:760px;padding:16px;color:#1f2d3d;"
	"line-height:1.5}h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.1em;margin:1em 0 .3em}"
	".en{color:#667;font-size:.85em}table{border-collapse:collapse;width:100%}"
	"th,td{border:1px solid #ccd;padding:4px 6px;text-align:left;font-size:.95em}"
	"th{background:#f0f3f8}.num{text-align:right;font-variant-numeric:tabular-nums}"
	".muted{color:#778}.box{border:1px solid #ccd;border-radius:8px;padding:12px;margin:8px 0}"
	".noprint{margin:12px 0}"
	"@media print{body{max-width:none;padding:0;font-size:11pt}.noprint{display:none}"
	"a{color:inherit;text-decoration:none}@page{margin:12mm}}";

void html_begin(struct buf *b, struct arena *a, const char *title)
{
	buf_adds(b, "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
		    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
		    "<title>");
	buf_adds(b, html_escape(a, title));
	buf_adds(b, "</title><style>");
	buf_adds(b, page_css);
	buf_adds(b, "</style></head><body>");
}

void html_end(struct buf *b)
{
	buf_adds(b, "</body></html>");
}
