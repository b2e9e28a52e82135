/*
 * The default allocation policy and the hook to replace it (see allocate.h).
 * The reason written for each choice names the warehouse and the numbers that
 * decided it, in Chinese and English, because order_lines.alloc_reason is
 * what an office worker reads when a customer asks why a parcel came from
 * the mountains and not from Ningbo.
 */
#include "core/allocate.h"

#include <string.h>

/* The reasons are built by appending pieces, not with snprintf (which was a
 * twentieth of a bulk request's writer): same text, same cut at the size. */
struct text {
	char *p;
	size_t cap, n; /* cap >= 1: p always ends in NUL */
};

static struct text text_at(char *p, size_t cap)
{
	p[0] = '\0';
	return (struct text){p, cap, 0};
}

static struct text *put(struct text *t, const char *s)
{
	if (!s)
		s = "";
	size_t k = strlen(s), room = t->cap - 1 - t->n;
	if (k > room)
		k = room;
	memcpy(t->p + t->n, s, k);
	t->n += k;
	t->p[t->n] = '\0';
	return t;
}

static struct text *put_int(struct text *t, int64_t v)
{
	char d[24], *q = d + sizeof(d);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	*--q = '\0';
	do
		*--q = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--q = '-';
	return put(t, q);
}

bool alloc_area_matches(const char *division_code, const char *prefix)
{
	if (!division_code || !prefix || !*prefix)
		return false;
	size_t n = strlen(prefix);
	return strlen(division_code) >= n && memcmp(division_code, prefix, n) == 0;
}

const char *alloc_route_name(enum alloc_route r)
{
	switch (r) {
	case ROUTE_SALES_WAREHOUSE:
		return "sales_warehouse";
	case ROUTE_ORIGIN_PARCEL:
		return "origin_parcel";
	default:
		return NULL;
	}
}

/* The candidate of the kind with the most available units that can serve
 * the whole line (sales warehouses must also cover the customer); -1 if none. */
static int best_of_kind(const struct alloc_line *line, const struct alloc_candidate *c, size_t n,
			enum wh_kind kind)
{
	int best = -1;
	for (size_t i = 0; i < n; i++) {
		if (c[i].kind != kind || c[i].available_units < line->units)
			continue;
		if (kind == WH_SALES && !c[i].serves_customer)
			continue;
		if (best < 0 || c[i].available_units > c[best].available_units)
			best = (int)i;
	}
	return best;
}

/* The sales warehouse covering the customer that holds the most, to explain
 * why it could not serve; -1 if no sales warehouse covers the customer. */
static int covering_sales(const struct alloc_candidate *c, size_t n)
{
	int best = -1;
	for (size_t i = 0; i < n; i++)
		if (c[i].kind == WH_SALES && c[i].serves_customer &&
		    (best < 0 || c[i].available_units > c[best].available_units))
			best = (int)i;
	return best;
}

static int64_t transit_total(const struct alloc_candidate *c, size_t n)
{
	int64_t t = 0;
	for (size_t i = 0; i < n; i++)
		t += c[i].transit_units;
	return t;
}

/* Why the local warehouse was passed over, as a clause of the reason. */
static void why_not_local(const struct alloc_line *line, const struct alloc_candidate *c, size_t n,
			  char *zh, size_t zhsz, char *en, size_t ensz)
{
	int s = covering_sales(c, n);
	struct text z = text_at(zh, zhsz), e = text_at(en, ensz);
	if (s < 0) {
		put(put(put(&z, "收货地区 "), line->division_code), " 不在任何销地仓服务范围内");
		put(put(&e, "no sales warehouse serves division "), line->division_code);
		return;
	}
	put(put_int(put(put(put(&z, "销地仓 "), c[s].code), " 可用 "), c[s].available_units),
	    " 件，不足 ");
	put(put_int(&z, line->units), " 件");
	put(put_int(put(put(put(&e, "sales warehouse "), c[s].code), " holds "),
	            c[s].available_units),
	    " of ");
	put(put_int(&e, line->units), " units");
	if (c[s].transit_units > 0) {
		put(put_int(put(&z, "（在途 "), c[s].transit_units), " 件不承诺）");
		put(put_int(put(&e, " ("), c[s].transit_units), " in transit, not promised)");
	}
}

static int default_choose(void *ctx, const struct alloc_line *line,
			  const struct alloc_candidate *c, size_t n, struct alloc_choice *out)
{
	(void)ctx;
	memset(out, 0, sizeof(*out));
	out->index = -1;
	out->route = ROUTE_NONE;
	if (!line || line->units <= 0 || (n > 0 && !c))
		return -1;
	int i = best_of_kind(line, c, n, WH_SALES);
	if (i >= 0) {
		out->index = i;
		out->route = ROUTE_SALES_WAREHOUSE;
		struct text z = text_at(out->reason_zh, sizeof(out->reason_zh));
		struct text e = text_at(out->reason_en, sizeof(out->reason_en));
		put(put(put(put(&z, "销地仓 "), c[i].code), " 覆盖收货地区 "), line->division_code);
		put(put_int(put(&z, " 且有货（可用 "), c[i].available_units), " 件），就近发货");
		put(put(put(put(&e, "sales warehouse "), c[i].code), " serves "), line->division_code);
		put(put_int(put(&e, " and holds "), c[i].available_units), " units: local delivery");
		return 0;
	}
	char zh[160], en[160];
	why_not_local(line, c, n, zh, sizeof(zh), en, sizeof(en));
	i = best_of_kind(line, c, n, WH_ORIGIN);
	if (i >= 0) {
		out->index = i;
		out->route = ROUTE_ORIGIN_PARCEL;
		struct text z = text_at(out->reason_zh, sizeof(out->reason_zh));
		struct text e = text_at(out->reason_en, sizeof(out->reason_en));
		put(put(put(put(&z, zh), "，由产地仓 "), c[i].code), " 直发包裹");
		put(put(put(&e, en), ": direct parcel from origin warehouse "), c[i].code);
		return 0;
	}
	int64_t transit = transit_total(c, n);
	const char *sku = line->sku_code ? line->sku_code : "";
	struct text z = text_at(out->reason_zh, sizeof(out->reason_zh));
	struct text e = text_at(out->reason_en, sizeof(out->reason_en));
	put(put(put(put_int(put(&z, "缺货：没有仓库有 "), line->units), " 件 "), sku), " 的可用库存");
	put(&z, transit > 0 ? "（在途库存不承诺）" : "");
	put(put(put_int(put(&e, "backorder: no warehouse holds "), line->units),
	        " unreserved unexpired units of "),
	    sku);
	put(&e, transit > 0 ? " (stock in transit is not promised)" : "");
	return 0;
}

static const struct alloc_policy default_policy = {"default", default_choose, NULL};
static const struct alloc_policy *installed;

const struct alloc_policy *alloc_default_policy(void)
{
	return &default_policy;
}

const struct alloc_policy *alloc_policy_current(void)
{
	return installed ? installed : &default_policy;
}

void alloc_policy_install(const struct alloc_policy *p)
{
	installed = p;
}
