/*
 * Placeholder until the demo data set lands: it refuses, loudly, rather than
 * pretend to load anything.
 */
#include "app/demo.h"

int demo_load(struct store *db, FILE *progress, struct app_err *err)
{
	(void)db;
	(void)progress;
	return app_fail(err, 501, "not_available", NULL, "演示数据尚不可用",
			"the demo data set is not available in this build yet");
}

void demo_print_logins(FILE *out)
{
	fprintf(out, "(no demo logins: the demo data set is not available yet)\n");
}
