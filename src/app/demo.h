/*
 * The demo data set (`shanhai demo`, `shanhai serve --demo`): a realistic
 * season on the real place codes of Liangshan and Ningbo, created through the
 * same service functions the API uses.
 */
#ifndef SHANHAI_DEMO_H
#define SHANHAI_DEMO_H

#include <stdio.h>

#include "app/app.h"

/* Load the demo into an empty, migrated database. progress (may be NULL) gets
 * a line per stage. 0 or -1 with err filled in. */
int demo_load(struct store *db, FILE *progress, struct app_err *err);
/* Print the demo logins (usernames, roles and passwords). */
void demo_print_logins(FILE *out);

#endif
