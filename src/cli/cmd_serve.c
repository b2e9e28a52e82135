/*
 * `shanhai serve`: placeholder while the command is being written; it refuses
 * to run rather than pretend to work.
 */
#include "cli/cli.h"

#include <stdio.h>

int cmd_serve(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "shanhai: 'serve' is not available yet\n");
	return 1;
}
