/*
 * `shanhai route`: placeholder while the command is being written; it refuses
 * to run rather than pretend to work.
 */
#include "cli/cli.h"

#include <stdio.h>

int cmd_route(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "shanhai: 'route' is not available yet\n");
	return 1;
}
