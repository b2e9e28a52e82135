/*
 * Monitoring and the benchmark baseline: GET /healthz and /api/v1/health say
 * whether the store answers (and which one, and the schema version); GET and
 * POST /api/v1/noop do nothing, so the ingestion benchmark can measure the
 * HTTP ceiling of the same server in the same run.
 */
#include "http/routes.h"

static int handle_health(struct req *r)
{
	int64_t n = 0;
	int rc = store_query_int(r->db, "SELECT COUNT(*) FROM schema_migrations", 0, &n);
	if (rc)
		return reply_error(r, 503, "unavailable", NULL, "数据库不可用", "database unavailable");
	return reply_json(r, 200, json_pack("{s:s, s:s, s:I}", "status", "ok", "store",
					    store_kind(r->db), "migrations", (json_int_t)n));
}

static int handle_noop(struct req *r)
{
	return reply_raw(r, 200, "application/json", "{\"ok\":true}", 11);
}

const struct route health_routes[] = {
	{"GET", "/healthz", handle_health, ROLE_PUBLIC, 0, "liveness and store check"},
	{"GET", "/api/v1/health", handle_health, ROLE_PUBLIC, 0, "liveness and store check"},
	{"GET", "/api/v1/noop", handle_noop, ROLE_PUBLIC, 0, "does nothing (benchmark baseline)"},
	{"POST", "/api/v1/noop", handle_noop, ROLE_PUBLIC, 0, "does nothing (benchmark baseline)"},
	{NULL, NULL, NULL, 0, 0, NULL},
};
