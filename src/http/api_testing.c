/*
 * Fault injection over HTTP, for the test suite only: compiled into test
 * builds (SHANHAI_TESTING, set by `make MODE=asan`), absent from release
 * builds, whose routes table has no such rows. An admin arms a store fault on
 * the writer's connection for the next write batch — a failing write (io), a
 * full disk (io as well: both surface as STORE_EIO), a busy database — once
 * or until cleared, so tests can prove a failed request leaves nothing behind
 * and the server serves again once the fault clears. It also reads out
 * counters of work done (searches started), so a test can tell a retry that
 * was answered from its record from one that did the work again.
 */
#include "http/routes.h"
#include "http/server_int.h"

#include <string.h>

#ifdef SHANHAI_TESTING
static int handle_fault(struct req *r)
{
	static const char *const fields[] = {"after", "error", "sticky", NULL};
	static const char *const errors[] = {"io", "busy", NULL};
	json_t *body = req_body_object(r);
	int64_t after = 0;
	const char *error = "io";
	bool sticky = false;
	if (!body || !jcheck_fields(r, body, fields) ||
	    !jget_int(r, body, "after", false, 0, 100000, &after) ||
	    !jget_enum(r, body, "error", false, errors, &error) ||
	    !jget_bool(r, body, "sticky", false, &sticky))
		return reply_invalid(r);
	bool busy = error && !strcmp(error, "busy"); /* missing: io */
	writer_testing_arm_fault(after, busy ? STORE_EBUSY : STORE_EIO, sticky);
	return reply_json(r, 200, json_pack("{s:b}", "armed", 1));
}

/* Counters a test reads to tell work done from work skipped. */
static int handle_counters(struct req *r)
{
	return reply_json(r, 200, json_pack("{s:I}", "collection_plan_searches",
	                                    (json_int_t)collection_plan_searches()));
}

static int handle_clear(struct req *r)
{
	writer_testing_clear_fault(r->db);
	return reply_json(r, 200, json_pack("{s:b}", "cleared", 1));
}
#endif

const struct route testing_routes[] = {
#ifdef SHANHAI_TESTING
	{"POST", "/api/v1/testing/fault", handle_fault, ROLE_ADMIN, 0,
	 "test builds: fail the next write batch's store steps"},
	{"POST", "/api/v1/testing/fault/clear", handle_clear, ROLE_ADMIN, 0,
	 "test builds: end an injected fault"},
	{"GET", "/api/v1/testing/counters", handle_counters, ROLE_ADMIN, 0,
	 "test builds: work counters (collection-plan searches started)"},
#endif
	{NULL, NULL, NULL, 0, 0, NULL},
};
