/*
 * `shanhai backup`: placeholder while the command is being written; it refuses
 * to run rather than pretend to work.
 */
#include "cli/cli.h"

#include <stdio.h>

int cmd_backup(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "shanhai: 'backup' is not available yet\n");
	return 1;
}
