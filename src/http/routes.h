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

#endif
