/*
 * The places endpoints (placeholder table: its owner is replacing this file
 * with the real handlers). Listed in routes.c.
 */
#include "http/routes.h"

const struct route places_routes[] = {
	{NULL, NULL, NULL, 0, 0, NULL},
};
