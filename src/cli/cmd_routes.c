/*
 * `shanhai routes [--json]`: print the routes table (method, path, roles,
 * summary). The OpenAPI check (scripts/openapi.mjs) and the permission tests
 * (tests/api) read it, so both follow the table the server enforces.
 */
#include "cli/cli.h"
#include "http/auth.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *roles_json(unsigned roles)
{
	static const enum role all[] = {ROLE_ADMIN, ROLE_COLLECTOR, ROLE_WAREHOUSE,
					ROLE_CHANNEL, ROLE_OFFICE, ROLE_MACHINE};
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (roles & all[i])
			json_array_append_new(a, json_string(role_name(all[i])));
	return a;
}

int cmd_routes(int argc, char **argv)
{
	bool as_json = argc > 1 && !strcmp(argv[1], "--json");
	if (cli_wants_help(argc, argv)) {
		printf("用法 usage: shanhai routes [--json]\n列出所有 HTTP 接口及可调用的角色。\n"
		       "List every HTTP endpoint and the roles that may call it.\n");
		return 0;
	}
	json_t *list = json_array();
	for (const struct route *const *t = route_tables; *t; t++)
		for (const struct route *r = *t; r->method; r++) {
			json_t *row = json_pack("{s:s, s:s, s:o, s:b, s:s}", "method", r->method,
						"path", r->pattern, "roles", roles_json(r->roles),
						"public", r->roles == ROLE_PUBLIC, "summary",
						r->summary ? r->summary : "");
			json_array_append_new(list, row);
			if (!as_json) {
				char *roles = json_dumps(json_object_get(row, "roles"), JSON_COMPACT);
				printf("%-6s %-48s %s\n", r->method, r->pattern,
				       r->roles == ROLE_PUBLIC ? "public" : roles);
				free(roles);
			}
		}
	if (as_json) {
		char *text = json_dumps(list, JSON_INDENT(1));
		printf("%s\n", text);
		free(text);
	}
	json_decref(list);
	return 0;
}
