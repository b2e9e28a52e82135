/*
 * Whole-database consistency checks (`shanhai check`, the crash and restore
 * tests): the store's own integrity check, then Shanhai's invariants — every
 * household's ledger matches its collections and payments and never goes
 * below zero, the stock journal adds up to the stock held, every packed lot's
 * trace shares add up to the lot. Each check is one query counting the rows
 * that break it.
 */
#ifndef SHANHAI_CONSISTENCY_H
#define SHANHAI_CONSISTENCY_H

#include <stdint.h>
#include <stdio.h>

#include "store/store.h"

/* Run every check; print one line per check to out (may be NULL). Returns the
 * number of checks that failed (0: consistent), or -1 if the store could not
 * be read. */
int consistency_check(struct store *db, FILE *out);

#endif
