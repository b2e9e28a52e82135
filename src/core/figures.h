/*
 * The briefing figures (汇报数字) as pure arithmetic: which metrics there are,
 * logistics cost per kg, tonnes from grams, and the order-to-delivery summary
 * (median, P95, share within 3 days). The records behind each figure are read
 * by src/app/figures.c; these functions turn their integer columns into the
 * figures, so the dashboard, the drill-down and the Excel export agree.
 * Money stays integer fen; only day statistics are floating point.
 */
#ifndef SHANHAI_CORE_FIGURES_H
#define SHANHAI_CORE_FIGURES_H

#include <stddef.h>
#include <stdint.h>

/* The metrics, each with its own drill-down records. */
enum fig_metric {
	FIG_SALES,     /* order lines minus refunds, fen */
	FIG_SOLD,      /* grams sold (tonnes) */
	FIG_PAYMENTS,  /* paid to households, of which 脱贫户 */
	FIG_PURCHASES, /* bought from households in the period; owed at its end */
	FIG_LOGISTICS, /* cost per kg, consolidated vs direct parcel */
	FIG_DELIVERY,  /* order-to-delivery days */
	FIG_UNFILLED,  /* unfilled demand: backordered order lines, fen */
	FIG_NMETRICS,
};

/* The metric's name in URLs ("sales", "sold", ...). */
const char *fig_metric_name(enum fig_metric m);
/* The metric named name: 0, or -1 if there is none. */
int fig_metric_parse(const char *name, enum fig_metric *out);

/* Cost in fen per kg for cost_fen over grams, rounded half away from zero:
 * 0, or -1 if grams <= 0 (no cost per kg without weight) or on overflow. */
int fig_cost_per_kg(int64_t cost_fen, int64_t grams, int64_t *fen_per_kg);
/* Grams as tonnes with 3 decimals ("0.030" for 30000 g, rounded half away
 * from zero to the kilogram). out needs 32 bytes. */
void fig_format_tonnes(int64_t grams, char *out, size_t outsz);

/* Order-to-delivery days of n orders. */
struct fig_delivery {
	size_t n;
	double median_days, p95_days;  /* 0 when n is 0 */
	size_t within_3_days;          /* orders delivered in at most 3 days */
	int64_t within_3_days_permille; /* share, rounded; 0 when n is 0 */
};
/* Sort days (in place) and summarise them into *out. */
void fig_delivery_summary(int64_t *days, size_t n, struct fig_delivery *out);

#endif
