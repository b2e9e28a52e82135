/*
 * Filling backorders from the handlers of the writes that make stock
 * promisable (src/http/api_reallocate.c): after the write succeeded, the
 * waiting backordered lines in scope are allocated in the same transaction
 * and each allocation is audited.
 */
#ifndef SHANHAI_HTTP_REALLOCATE_H
#define SHANHAI_HTTP_REALLOCATE_H

#include "app/reallocate.h"
#include "http/http.h"

/* Run the pass for scope; trigger names the write ("linehaul.receive"...)
 * in the audit rows. 0, or -1 after an error reply was made (the request
 * then fails and its transaction's savepoint is rolled back). */
int reallocate_after(struct req *r, const struct realloc_scope *scope, const char *trigger);

#endif
