/*
 * Base data every database needs, loaded by `shanhai init` (and on start):
 * the administrative divisions and county coordinates shipped inside the
 * binary (the CSV files of data/, embedded at build time), so the program does not
 * depend on any file outside itself at run time.
 */
#ifndef SHANHAI_SEED_H
#define SHANHAI_SEED_H

#include <stddef.h>

#include "store/store.h"

/* Load the divisions if the table is empty; 0 or -1 with err filled in.
 * Must not be called inside a transaction. */
int seed_base_data(struct store *db, char *err, size_t errsz);

#endif
