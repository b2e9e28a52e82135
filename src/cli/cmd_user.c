/*
 * `shanhai user`: create the first admin and manage users from the shell
 * (the console does the same through the API): add, list, deactivate, passwd.
 * Passwords come from --password-stdin or a prompt, never from argv, so they
 * do not show in the process list or shell history.
 */
#include "cli/cli.h"
#include "cli/cli_util.h"
#include "http/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
	fprintf(out, "用法 usage:\n"
		     "  shanhai user add NAME --role ROLE [--display TEXT] [--password-stdin]\n"
		     "  shanhai user list\n"
		     "  shanhai user deactivate NAME\n"
		     "  shanhai user passwd NAME [--password-stdin]\n\n"
		     "角色 roles: admin collector warehouse channel office machine\n"
		     "密码从标准输入读取 the password is read from standard input (8..128 characters).\n");
}

static int run_sql(struct store *db, const char *sql, const char *a, const char *b)
{
	struct stmt *st;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return rc;
	stmt_bind_text(st, 1, a);
	if (b)
		stmt_bind_text(st, 2, b);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc < 0 ? rc : (store_changes(db) ? 0 : 1);
}

static int user_add(struct store *db, int argc, char **argv)
{
	const char *name = NULL, *role_s = NULL, *display = NULL;
	char pw[256], err[200];
	enum role role;
	int64_t id;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--role") && i + 1 < argc)
			role_s = argv[++i];
		else if (!strcmp(argv[i], "--display") && i + 1 < argc)
			display = argv[++i];
		else if (!strcmp(argv[i], "--password-stdin"))
			;
		else if (argv[i][0] != '-' && !name)
			name = argv[i];
		else {
			fprintf(stderr, "shanhai user add: unexpected argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!name || !role_s) {
		usage(stderr);
		return 2;
	}
	if (role_parse(role_s, &role)) {
		fprintf(stderr, "shanhai user add: unknown role '%s'\n", role_s);
		return 2;
	}
	if (cli_read_password("密码 password: ", pw, sizeof(pw))) {
		fprintf(stderr, "shanhai user add: no password given on standard input\n");
		return 2;
	}
	if (user_create(db, name, display ? display : name, pw, role, &id, err, sizeof(err))) {
		fprintf(stderr, "shanhai user add: %s\n", err);
		return 1;
	}
	printf("已创建用户 created user '%s' (id %lld, role %s)\n", name, (long long)id, role_s);
	return 0;
}

static int user_list(struct store *db)
{
	struct stmt *st;
	if (store_prepare(db, "SELECT id, username, role, active, display_name FROM users ORDER BY id", &st))
		return 1;
	printf("%-5s %-20s %-10s %-6s %s\n", "id", "username", "role", "active", "display");
	while (stmt_step(st) == STORE_ROW)
		printf("%-5lld %-20s %-10s %-6s %s\n", (long long)stmt_int(st, 0), stmt_text(st, 1),
		       stmt_text(st, 2), stmt_int(st, 3) ? "yes" : "no", stmt_text(st, 4));
	stmt_finalize(st);
	return 0;
}

static int user_passwd(struct store *db, const char *name)
{
	char pw[256];
	if (cli_read_password("新密码 new password: ", pw, sizeof(pw)) || !password_acceptable(pw)) {
		fprintf(stderr, "shanhai user passwd: the password must be 8 to 128 characters\n");
		return 2;
	}
	char *hash = password_hash(pw);
	int rc = hash ? run_sql(db, "UPDATE users SET password_hash = ?2 WHERE username = ?1", name, hash) : -1;
	free(hash);
	if (rc == 0)
		rc = run_sql(db, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = ?)", name, NULL) < 0;
	if (rc)
		fprintf(stderr, "shanhai user passwd: no user '%s'\n", name);
	return rc ? 1 : 0;
}

int cmd_user(int argc, char **argv)
{
	if (argc < 2 || cli_wants_help(argc, argv)) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	struct store *db = cli_open_db(true);
	int rc = 2;
	if (!db)
		return 1;
	if (!strcmp(argv[1], "add")) {
		rc = user_add(db, argc, argv);
	} else if (!strcmp(argv[1], "list")) {
		rc = user_list(db);
	} else if (!strcmp(argv[1], "deactivate") && argc == 3) {
		rc = run_sql(db, "UPDATE users SET active = 0 WHERE username = ?", argv[2], NULL);
		if (rc)
			fprintf(stderr, "shanhai user deactivate: no user '%s'\n", argv[2]);
		else
			printf("已停用 deactivated '%s'\n", argv[2]);
		rc = rc ? 1 : 0;
	} else if (!strcmp(argv[1], "passwd") && argc >= 3) {
		rc = user_passwd(db, argv[2]);
	} else {
		usage(stderr);
	}
	store_close(db);
	return rc;
}
