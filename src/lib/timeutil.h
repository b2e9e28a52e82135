/*
 * Time and calendar dates. Instants are stored as UTC (Unix seconds or an
 * ISO-8601 "YYYY-MM-DDTHH:MM:SSZ" text); business dates (price in force,
 * collection day, period filters) are calendar dates in Asia/Shanghai, stored
 * as "YYYY-MM-DD" text or as a day number (days since 1970-01-01). China has
 * used UTC+8 all year since 1991, so the conversion is a fixed offset and
 * needs no tz database.
 */
#ifndef SHANHAI_TIMEUTIL_H
#define SHANHAI_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#define SHANGHAI_OFFSET_S (8 * 3600)

/* Wall-clock time in milliseconds since the epoch (UTC). */
int64_t time_now_ms(void);
/* Monotonic milliseconds, for durations. */
int64_t time_mono_ms(void);
/* Day number (days since 1970-01-01) of a civil date, and back. */
int64_t days_from_civil(int y, int m, int d);
void civil_from_days(int64_t days, int *y, int *m, int *d);
/* Parse "YYYY-MM-DD" (a real date, 1900..2999) into a day number: 0 or -1. */
int date_parse(const char *s, size_t n, int64_t *days);
/* Format a day number as "YYYY-MM-DD" (out needs 11 bytes). */
void date_format(int64_t days, char *out, size_t outsz);
/* The Asia/Shanghai calendar day of a UTC instant (Unix seconds). */
int64_t shanghai_day_of(int64_t unix_s);
/* "YYYY-MM-DDTHH:MM:SSZ" for a UTC instant (out needs 21 bytes). */
void time_format_utc(int64_t unix_s, char *out, size_t outsz);
/* "YYYY-MM-DD HH:MM" in Asia/Shanghai, for display (out needs 17 bytes). */
void time_format_shanghai(int64_t unix_s, char *out, size_t outsz);
/* Parse "YYYY-MM-DDTHH:MM:SSZ" or with "+08:00"-style offset; 0 or -1. */
int time_parse_iso(const char *s, size_t n, int64_t *unix_s);

#endif
