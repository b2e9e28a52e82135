/*
 * Helpers shared by the subcommands; see cli_util.h.
 */
#include "cli/cli_util.h"
#include "cli/cli.h"
#include "app/seed.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

struct store *cli_open_db(bool migrate)
{
	char err[256];
	struct store *db = store_open(cli_db_path(), err, sizeof(err));
	if (!db) {
		fprintf(stderr, "shanhai: %s\n", err);
		return NULL;
	}
	if (migrate && store_migrate(db)) {
		fprintf(stderr, "shanhai: cannot migrate '%s': %s\n", cli_db_label(), store_errmsg(db));
		store_close(db);
		return NULL;
	}
	if (migrate && seed_base_data(db, err, sizeof(err))) {
		fprintf(stderr, "shanhai: cannot load base data: %s\n", err);
		store_close(db);
		return NULL;
	}
	return db;
}

int cli_read_password(const char *prompt, char *buf, size_t bufsz)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		fprintf(stderr, "%s", prompt);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	char *got = fgets(buf, (int)bufsz, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stderr);
	}
	if (!got)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}
