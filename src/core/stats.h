/*
 * Order statistics for the figures: median and percentiles of durations
 * (order-to-delivery time). Pure C over int64 samples, no I/O. The
 * percentile is the linear interpolation between closest ranks used by
 * Excel's PERCENTILE.INC and numpy's default ("type 7"), so a figure in the
 * dashboard equals what the office gets by recomputing it in a spreadsheet
 * from the exported records.
 */
#ifndef SHANHAI_STATS_H
#define SHANHAI_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Sort v ascending in place. */
void stats_sort(int64_t *v, size_t n);
/* The p-th percentile (0..100) of the ascending samples v[0..n-1]:
 * rank h = (n-1)*p/100, x[floor h] + (h - floor h)*(x[floor h + 1] - x[floor h]).
 * Returns 0, or -1 if n is 0 or p is out of range. */
int stats_percentile(const int64_t *sorted, size_t n, int p, double *out);
/* The median (the 50th percentile: the middle sample, or the mean of the
 * two middle ones). 0, or -1 if n is 0. */
int stats_median(const int64_t *sorted, size_t n, double *out);
/* How many of the ascending samples are <= limit. */
size_t stats_count_at_most(const int64_t *sorted, size_t n, int64_t limit);

#endif
