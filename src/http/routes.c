/*
 * The routes table (after netdata's: each row carries its access rule): every
 * endpoint Shanhai serves, by resource. Each row says method, path, handler
 * and which roles may call it (src/http/http.h). tests/api checks every route
 * against every role from this same table, and docs/openapi.yaml against it.
 */
#include "http/routes.h"

const struct route *const route_tables[] = {
	health_routes,
	auth_routes,
	users_routes,
	audit_routes,
	places_routes,
	catalogue_routes,
	collection_routes,
	collection_runs_routes,
	warehouse_routes,
	linehaul_routes,
	reallocate_routes,
	orders_routes,
	fulfil_routes,
	trace_routes,
	figures_routes,
	customers_routes,
	testing_routes,
	NULL,
};
