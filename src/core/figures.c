/*
 * Figures arithmetic (see figures.h): metric names, cost per kg, tonnes and
 * the delivery-time summary over src/core/stats.c.
 */
#include "core/figures.h"

#include <stdio.h>
#include <string.h>

#include "core/stats.h"
#include "lib/money.h"

static const char *const metric_names[FIG_NMETRICS] = {
	"sales", "sold", "payments", "purchases", "logistics", "delivery", "unfilled",
};

const char *fig_metric_name(enum fig_metric m)
{
	return (unsigned)m < FIG_NMETRICS ? metric_names[m] : "";
}

int fig_metric_parse(const char *name, enum fig_metric *out)
{
	for (int m = 0; m < FIG_NMETRICS; m++)
		if (!strcmp(name, metric_names[m])) {
			*out = (enum fig_metric)m;
			return 0;
		}
	return -1;
}

int fig_cost_per_kg(int64_t cost_fen, int64_t grams, int64_t *fen_per_kg)
{
	if (grams <= 0)
		return -1;
	return muldiv_round(cost_fen, GRAMS_PER_KG, grams, fen_per_kg);
}

void fig_format_tonnes(int64_t grams, char *out, size_t outsz)
{
	int64_t kg = 0;
	if (muldiv_round(grams, 1, GRAMS_PER_KG, &kg))
		kg = 0;
	const char *sign = kg < 0 ? "-" : "";
	if (kg < 0)
		kg = -kg;
	snprintf(out, outsz, "%s%lld.%03lld", sign, (long long)(kg / 1000), (long long)(kg % 1000));
}

void fig_delivery_summary(int64_t *days, size_t n, struct fig_delivery *out)
{
	memset(out, 0, sizeof(*out));
	out->n = n;
	if (n == 0)
		return;
	stats_sort(days, n);
	if (stats_median(days, n, &out->median_days))
		out->median_days = 0;
	if (stats_percentile(days, n, 95, &out->p95_days))
		out->p95_days = 0;
	out->within_3_days = stats_count_at_most(days, n, 3);
	if (muldiv_round((int64_t)out->within_3_days, 1000, (int64_t)n,
			 &out->within_3_days_permille))
		out->within_3_days_permille = 0;
}
