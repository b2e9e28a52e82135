/*
 * Line-per-event logging to stderr; see log.h.
 */
#include "lib/log.h"
#include "lib/timeutil.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

static enum log_level min_level = LOG_INFO;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

void log_set_level(enum log_level level)
{
	min_level = level;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	char stamp[32];
	va_list ap;

	if (level < min_level)
		return;
	time_format_utc(time_now_ms() / 1000, stamp, sizeof(stamp));
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "%s %s ", stamp, names[level]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&log_lock);
}
