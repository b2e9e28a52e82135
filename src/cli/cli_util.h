/*
 * What several subcommands share: opening the database named by --db (and
 * migrating it), and reading a password without echo.
 */
#ifndef SHANHAI_CLI_UTIL_H
#define SHANHAI_CLI_UTIL_H

#include <stdbool.h>

#include "store/store.h"

/* Open cli_db_path(), applying migrations (and loading the divisions if the
 * table is empty) when migrate is true; prints the error and returns NULL. */
struct store *cli_open_db(bool migrate);
/* Read one line from stdin (no echo on a terminal) into buf. 0 or -1. */
int cli_read_password(const char *prompt, char *buf, size_t bufsz);

#endif
