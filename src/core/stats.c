/*
 * Percentiles by linear interpolation between closest ranks (see stats.h).
 * The rank is computed in integers ((n-1)*p = 100*lo + rem) so the choice of
 * the two neighbours is exact; only the final interpolation is a double.
 */
#include "core/stats.h"

#include <stdlib.h>

static int cmp_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

void stats_sort(int64_t *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_int64);
}

int stats_percentile(const int64_t *sorted, size_t n, int p, double *out)
{
	if (n == 0 || p < 0 || p > 100)
		return -1;
	size_t scaled = (n - 1) * (size_t)p;
	size_t lo = scaled / 100, rem = scaled % 100;
	if (rem == 0 || lo + 1 >= n) {
		*out = (double)sorted[lo];
		return 0;
	}
	double step = (double)(sorted[lo + 1] - sorted[lo]);
	*out = (double)sorted[lo] + step * (double)rem / 100.0;
	return 0;
}

int stats_median(const int64_t *sorted, size_t n, double *out)
{
	return stats_percentile(sorted, n, 50, out);
}

size_t stats_count_at_most(const int64_t *sorted, size_t n, int64_t limit)
{
	size_t lo = 0, hi = n; /* first index with value > limit */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sorted[mid] <= limit)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
