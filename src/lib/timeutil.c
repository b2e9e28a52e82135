/*
 * UTC instants and Asia/Shanghai calendar dates; see timeutil.h. The civil
 * date conversions are Howard Hinnant's days_from_civil algorithms.
 */
#include "lib/timeutil.h"

#include <stdio.h>
#include <time.h>

int64_t time_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const unsigned yoe = (unsigned)(y - era * 400);
	const unsigned doy = (153 * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
	const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const unsigned doe = (unsigned)(z - era * 146097);
	const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)((int64_t)yoe + era * 400 + (*m <= 2));
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int date_parse(const char *s, size_t n, int64_t *days)
{
	int y, m, d, yy, mm, dd;
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (digits(s, 4, &y) || digits(s + 5, 2, &m) || digits(s + 8, 2, &d))
		return -1;
	if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	int64_t z = days_from_civil(y, m, d);
	civil_from_days(z, &yy, &mm, &dd);
	if (yy != y || mm != m || dd != d)
		return -1; /* e.g. 2023-02-30 */
	*days = z;
	return 0;
}

/* v (0..99) as two digits at p. */
static void put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* "YYYY-MM-DD" at p (no NUL) for a year of four digits: what "%04d-%02d-%02d"
 * writes, without snprintf (dates are formatted on every order). */
static void put_date(char *p, int y, int m, int d)
{
	put2(p, y / 100);
	put2(p + 2, y % 100);
	p[4] = '-';
	put2(p + 5, m);
	p[7] = '-';
	put2(p + 8, d);
}

void date_format(int64_t days, char *out, size_t outsz)
{
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999 || outsz < 11) {
		snprintf(out, outsz, "%04d-%02d-%02d", y, m, d);
		return;
	}
	put_date(out, y, m, d);
	out[10] = '\0';
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

int64_t shanghai_day_of(int64_t unix_s)
{
	return floor_div(unix_s + SHANGHAI_OFFSET_S, 86400);
}

static void format_clock(int64_t unix_s, char *out, size_t outsz, const char *fmt)
{
	int64_t day = floor_div(unix_s, 86400), secs = unix_s - day * 86400;
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(out, outsz, fmt, y, m, d, (int)(secs / 3600), (int)(secs / 60 % 60),
		 (int)(secs % 60));
}

void time_format_utc(int64_t unix_s, char *out, size_t outsz)
{
	int64_t day = floor_div(unix_s, 86400), secs = unix_s - day * 86400;
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999 || outsz < 21) {
		format_clock(unix_s, out, outsz, "%04d-%02d-%02dT%02d:%02d:%02dZ");
		return;
	}
	put_date(out, y, m, d);
	out[10] = 'T';
	put2(out + 11, (int)(secs / 3600));
	out[13] = ':';
	put2(out + 14, (int)(secs / 60 % 60));
	out[16] = ':';
	put2(out + 17, (int)(secs % 60));
	out[19] = 'Z';
	out[20] = '\0';
}

void time_format_shanghai(int64_t unix_s, char *out, size_t outsz)
{
	char tmp[32];
	format_clock(unix_s + SHANGHAI_OFFSET_S, tmp, sizeof(tmp), "%04d-%02d-%02d %02d:%02d:%02d");
	snprintf(out, outsz, "%.16s", tmp);
}

int time_parse_iso(const char *s, size_t n, int64_t *unix_s)
{
	int64_t day;
	int hh, mi, ss, oh = 0, om = 0, sign = 1;
	if (n < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return -1;
	if (date_parse(s, 10, &day) || digits(s + 11, 2, &hh) || digits(s + 14, 2, &mi) ||
	    digits(s + 17, 2, &ss) || hh > 23 || mi > 59 || ss > 60)
		return -1;
	if (n == 20 && s[19] == 'Z') {
		/* UTC */
	} else if (n == 25 && (s[19] == '+' || s[19] == '-') && s[22] == ':') {
		sign = s[19] == '-' ? -1 : 1;
		if (digits(s + 20, 2, &oh) || digits(s + 23, 2, &om) || oh > 14 || om > 59)
			return -1;
	} else {
		return -1;
	}
	*unix_s = day * 86400 + hh * 3600 + mi * 60 + ss - sign * (oh * 3600 + om * 60);
	return 0;
}
