/*
 * Filling backorders over HTTP: POST /api/v1/orders/reallocate with an
 * optional {"sku": CODE, "warehouse": CODE} allocates the waiting
 * backordered lines (of that SKU; of the SKUs with promisable stock at that
 * warehouse) by the order policy, oldest order first (src/app/reallocate.h),
 * and answers what it allocated. Admin: everything. A warehouse operator
 * names one of its own warehouses. A channel manager may start a pass (it
 * serves every channel's waiting lines in their order, never its own first)
 * but sees in the answer only the lines of its own channels, with the count
 * of all. Office (read-only), collectors and machine tokens are refused.
 *
 * reallocate_after() is the same pass started by the writes that make stock
 * promisable (line-haul receipt, packing, adjustments, restockable returns,
 * cancellations), inside their request's transaction. Every line allocated
 * gets an audit row "order.reallocate" on its order (ids only).
 */
#include "http/reallocate.h"

#include <string.h>

#include "app/reallocate.h"
#include "http/routes.h"

/* One audit row per line allocated: 0 or a store error code. */
static int audit_lines(struct req *r, json_t *lines, const char *trigger)
{
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l)
	{
		long long order_id = (long long)json_integer_value(json_object_get(l, "order_id"));
		const char *detail = arena_printf(
		    r->arena, "{\"line_no\":%lld,\"warehouse_id\":%lld,\"trigger\":\"%s\"}",
		    (long long)json_integer_value(json_object_get(l, "line_no")),
		    (long long)json_integer_value(json_object_get(l, "warehouse_id")), trigger);
		int rc = audit(r, "order.reallocate", "order",
		               arena_printf(r->arena, "%lld", order_id), detail);
		if (rc)
			return rc;
	}
	return 0;
}

int reallocate_after(struct req *r, const struct realloc_scope *scope, const char *trigger)
{
	struct app_err e;
	int64_t count;
	json_t *lines = json_array();
	if (backorders_fill(r->db, scope, today_shanghai(r), lines, &count, &e)) {
		json_decref(lines);
		reply_app_error(r, &e);
		return -1;
	}
	int rc = audit_lines(r, lines, trigger);
	json_decref(lines);
	if (rc) {
		reply_store_error(r, rc);
		return -1;
	}
	return 0;
}

/* The lines of the answer the caller may see (a channel manager: its own). */
static json_t *visible_lines(struct req *r, json_t *lines)
{
	if (r->user->role != ROLE_CHANNEL)
		return json_incref(lines);
	json_t *out = json_array(), *l;
	size_t i;
	json_array_foreach(lines, i, l)
	{
		json_int_t ch = json_integer_value(json_object_get(l, "channel_id"));
		if (user_has_channel(r->user, ch))
			json_array_append(out, l);
	}
	return out;
}

static const char *const reallocate_fields[] = {"sku", "warehouse", NULL};

/* The body's codes, checked against the caller's warehouses; false after a reply. */
static bool reallocate_scope(struct req *r, struct realloc_scope *scope)
{
	const char *sku = NULL, *wh = NULL;
	struct app_err e;
	json_t *body = r->json; /* optional */
	if (body && (!jcheck_fields(r, body, reallocate_fields) |
	             !jget_str(r, body, "sku", false, 64, &sku) |
	             !jget_str(r, body, "warehouse", false, 40, &wh))) {
		reply_invalid(r);
		return false;
	}
	if (r->user->role == ROLE_WAREHOUSE && !wh) {
		req_add_error(r, "warehouse", 0, "仓库操作员须指定自己的仓库 warehouse",
		              "a warehouse operator names one of its warehouses");
		reply_invalid(r);
		return false;
	}
	if (realloc_scope_from_codes(r->db, sku, wh, scope, &e)) {
		reply_app_error(r, &e);
		return false;
	}
	if (scope->warehouse_id && !user_has_warehouse(r->user, scope->warehouse_id)) {
		reply_forbidden(r);
		return false;
	}
	return true;
}

static int handle_reallocate(struct req *r)
{
	struct realloc_scope scope;
	struct app_err e;
	int64_t count;
	if (!reallocate_scope(r, &scope))
		return 0;
	json_t *lines = json_array();
	if (backorders_fill(r->db, &scope, today_shanghai(r), lines, &count, &e)) {
		json_decref(lines);
		return reply_app_error(r, &e);
	}
	int rc = audit_lines(r, lines, "request");
	if (rc) {
		json_decref(lines);
		return reply_store_error(r, rc);
	}
	json_t *out = json_pack("{s:I, s:o}", "allocated", (json_int_t)count, "lines",
	                        visible_lines(r, lines));
	json_decref(lines);
	return reply_json(r, 200, out);
}

const struct route reallocate_routes[] = {
    {"POST", "/api/v1/orders/reallocate", handle_reallocate,
     ROLE_ADMIN | ROLE_WAREHOUSE | ROLE_CHANNEL, 0,
     "allocate backordered lines now that stock is promisable"},
    {NULL, NULL, NULL, 0, 0, NULL},
};
