/*
 * The HTTP half of an update (PATCH) of a place or catalogue object: checks
 * the body's fields against the resource's spec (src/app/patch.h), applies
 * it, audits "<what>.update" with the before/after values (personal fields
 * named only) and answers 200 with the object as GET shows it. Used by the
 * update rows of api_places.c and api_catalogue.c.
 */
#ifndef SHANHAI_HTTP_PATCH_HTTP_H
#define SHANHAI_HTTP_PATCH_HTTP_H

#include "app/patch.h"
#include "http/http.h"

/* GET of one object by id (the reply of a successful update). */
typedef int (*patch_get_fn)(struct store *, int64_t, json_t **, struct app_err *);

/* Answer PATCH {id} of spec's resource; label names it in a 404
 * ("仓库 warehouse"). get may be NULL: the reply is then the updated row. */
int reply_patch(struct req *r, const struct patch_spec *spec, patch_get_fn get,
		const char *label);

#endif
