/*
 * Logging to stderr, one line per event with a UTC timestamp and a level.
 * Policy: never log personal data (names, ID numbers, phones), passwords,
 * tokens or request bodies; log ids and codes instead. tests/api reads the
 * server log to check this.
 */
#ifndef SHANHAI_LOG_H
#define SHANHAI_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Messages below `level` are dropped (default LOG_INFO). */
void log_set_level(enum log_level level);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
