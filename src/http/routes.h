/*
 * The route tables of every api_<resource>.c. routes.c lists them in
 * route_tables[]; adding a resource = one extern here + one line there.
 */
#ifndef SHANHAI_ROUTES_H
#define SHANHAI_ROUTES_H

#include "http/http.h"

extern const struct route auth_routes[];
extern const struct route users_routes[];
extern const struct route audit_routes[];
extern const struct route health_routes[];
extern const struct route places_routes[];
extern const struct route catalogue_routes[];
extern const struct route collection_routes[];
extern const struct route collection_runs_routes[];
extern const struct route warehouse_routes[];
extern const struct route linehaul_routes[];
extern const struct route orders_routes[];
extern const struct route reallocate_routes[];
extern const struct route fulfil_routes[];
extern const struct route trace_routes[];
extern const struct route figures_routes[];
extern const struct route customers_routes[];
extern const struct route testing_routes[];

#endif
