/*
 * The subcommands of the `shanhai` program (git-style: `shanhai serve`,
 * `shanhai route solve`, ...). Each lives in src/cli/cmd_<name>.c and is
 * registered in the table in main.c. A command gets argv with argv[0] set to
 * its own name, after the global options (--db) have been taken out, and
 * returns the process exit status (0 ok, 1 failure, 2 usage error).
 */
#ifndef SHANHAI_CLI_H
#define SHANHAI_CLI_H

#include <stdbool.h>

/* The database chosen by --db, $SHANHAI_DB, or "./shanhai.db". */
const char *cli_db_path(void);
/* The database for messages: a postgres URL's password replaced by ***. */
const char *cli_db_label(void);
/* True if argv has -h or --help. */
bool cli_wants_help(int argc, char **argv);

int cmd_init(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_route(int argc, char **argv);
int cmd_routes(int argc, char **argv);

#endif
