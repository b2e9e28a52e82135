/*
 * `shanhai route simulate SCENARIO [--seed N] [--days N] [--json]`: runs the
 * logistics simulation (src/plan/) on a scenario file and compares shipping
 * policies. `shanhai route` dispatches its `simulate` subcommand here.
 *
 * This first version only checks its arguments: the planner is not written
 * yet, so it refuses to run rather than pretend to work.
 */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

int cmd_route_simulate(int argc, char **argv);

int cmd_route_simulate(int argc, char **argv)
{
	const char *scenario = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			continue;
		if ((!strcmp(argv[i], "--seed") || !strcmp(argv[i], "--days")) && i + 1 < argc) {
			i++;
			continue;
		}
		if (argv[i][0] == '-') {
			fprintf(stderr, "shanhai route simulate: unknown option '%s'\n", argv[i]);
			return 2;
		}
		scenario = argv[i];
	}
	if (!scenario) {
		fprintf(stderr, "usage: shanhai route simulate SCENARIO [--seed N] [--days N] [--json]\n");
		return 2;
	}
	fprintf(stderr, "shanhai route simulate: cannot run scenario '%s' yet: the planner is not built\n",
		scenario);
	return 1;
}
