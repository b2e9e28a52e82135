/*
 * The default allocation policy and the hook to replace it (see allocate.h).
 * The reason written for each choice names the warehouse and the numbers that
 * decided it, in Chinese and English, because order_lines.alloc_reason is
 * what an office worker reads when a customer asks why a parcel came from
 * the mountains and not from Ningbo.
 */
#include "core/allocate.h"

#include <stdio.h>
#include <string.h>

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
	if (s < 0) {
		snprintf(zh, zhsz, "收货地区 %s 不在任何销地仓服务范围内", line->division_code);
		snprintf(en, ensz, "no sales warehouse serves division %s", line->division_code);
		return;
	}
	if (c[s].transit_units > 0) {
		snprintf(zh, zhsz, "销地仓 %s 可用 %lld 件，不足 %lld 件（在途 %lld 件不承诺）",
			 c[s].code, (long long)c[s].available_units, (long long)line->units,
			 (long long)c[s].transit_units);
		snprintf(en, ensz,
			 "sales warehouse %s holds %lld of %lld units (%lld in transit, not promised)",
			 c[s].code, (long long)c[s].available_units, (long long)line->units,
			 (long long)c[s].transit_units);
	} else {
		snprintf(zh, zhsz, "销地仓 %s 可用 %lld 件，不足 %lld 件", c[s].code,
			 (long long)c[s].available_units, (long long)line->units);
		snprintf(en, ensz, "sales warehouse %s holds %lld of %lld units", c[s].code,
			 (long long)c[s].available_units, (long long)line->units);
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
		snprintf(out->reason_zh, sizeof(out->reason_zh),
			 "销地仓 %s 覆盖收货地区 %s 且有货（可用 %lld 件），就近发货", c[i].code,
			 line->division_code, (long long)c[i].available_units);
		snprintf(out->reason_en, sizeof(out->reason_en),
			 "sales warehouse %s serves %s and holds %lld units: local delivery",
			 c[i].code, line->division_code, (long long)c[i].available_units);
		return 0;
	}
	char zh[160], en[160];
	why_not_local(line, c, n, zh, sizeof(zh), en, sizeof(en));
	i = best_of_kind(line, c, n, WH_ORIGIN);
	if (i >= 0) {
		out->index = i;
		out->route = ROUTE_ORIGIN_PARCEL;
		snprintf(out->reason_zh, sizeof(out->reason_zh), "%s，由产地仓 %s 直发包裹", zh,
			 c[i].code);
		snprintf(out->reason_en, sizeof(out->reason_en),
			 "%s: direct parcel from origin warehouse %s", en, c[i].code);
		return 0;
	}
	int64_t transit = transit_total(c, n);
	snprintf(out->reason_zh, sizeof(out->reason_zh),
		 "缺货：没有仓库有 %lld 件 %s 的可用库存%s", (long long)line->units,
		 line->sku_code ? line->sku_code : "", transit > 0 ? "（在途库存不承诺）" : "");
	snprintf(out->reason_en, sizeof(out->reason_en),
		 "backorder: no warehouse holds %lld unreserved unexpired units of %s%s",
		 (long long)line->units, line->sku_code ? line->sku_code : "",
		 transit > 0 ? " (stock in transit is not promised)" : "");
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
