/*
 * The `shanhai` program: global options, then one subcommand from the table
 * below (after git's run_builtin()). run_command() does what every command
 * shares: help, and checking that standard output was really written.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help_zh;
	const char *help_en;
};

static const struct command commands[] = {
	{"init", cmd_init, "创建或升级数据库", "create or upgrade a database"},
	{"serve", cmd_serve, "启动 HTTP API 与网页控制台", "run the HTTP API and web console"},
	{"demo", cmd_demo, "载入演示数据（真实行政区划）", "load the demo data set"},
	{"import", cmd_import, "从 CSV/Excel 导入订单", "import orders from CSV or Excel"},
	{"user", cmd_user, "用户管理", "manage users"},
	{"backup", cmd_backup, "在线备份数据库", "online backup of the database"},
	{"check", cmd_check, "检查数据库的完整性与一致性", "check integrity and consistency"},
	{"restore", cmd_restore, "从备份恢复数据库", "restore the database from a backup"},
	{"copy", cmd_copy, "复制整个数据库（SQLite ↔ PostgreSQL）", "copy the database (SQLite <-> PostgreSQL)"},
	{"route", cmd_route, "路径规划与物流仿真", "vehicle routing and logistics simulation"},
	{"routes", cmd_routes, "列出 HTTP 接口及其角色", "list the HTTP endpoints and their roles"},
};

static const char *db_path;

const char *cli_db_path(void)
{
	if (db_path)
		return db_path;
	const char *env = getenv("SHANHAI_DB");
	return env && *env ? env : "./shanhai.db";
}

const char *cli_db_label(void)
{
	static char label[512];
	const char *url = cli_db_path();
	const char *scheme = strstr(url, "://"), *at = strrchr(url, '@');
	const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
	if (!scheme || !at || !colon || colon > at)
		return url;
	snprintf(label, sizeof(label), "%.*s:***%s", (int)(colon - url), url, at);
	return label;
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return true;
	return false;
}

static void usage(FILE *out)
{
	fprintf(out, "用法 usage: shanhai [--db PATH] <command> [options]\n\n"
		     "山海：东西部协作与山海协作的两地仓供应链系统\n"
		     "Shanhai: two-warehouse supply chain for East-West cooperation\n\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s / %s\n", commands[i].name, commands[i].help_zh,
			commands[i].help_en);
	fprintf(out, "\n  --db PATH  数据库文件 database file (default ./shanhai.db, or $SHANHAI_DB)\n"
		     "\n'shanhai <command> --help' 查看子命令帮助 for a command's options.\n");
}

static int run_command(const struct command *cmd, int argc, char **argv)
{
	int status = cmd->fn(argc, argv);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "shanhai: failed to write standard output: %s\n", strerror(errno));
		return 1;
	}
	return status;
}

int main(int argc, char **argv)
{
	int i = 1;
	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			db_path = argv[i + 1];
			i += 2;
		} else if (!strncmp(argv[i], "--db=", 5)) {
			db_path = argv[i] + 5;
			i++;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "shanhai: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (i >= argc) {
		usage(stderr);
		return 2;
	}
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (!strcmp(argv[i], commands[k].name))
			return run_command(&commands[k], argc - i, argv + i);
	fprintf(stderr, "shanhai: unknown command '%s' (see 'shanhai --help')\n", argv[i]);
	return 2;
}
