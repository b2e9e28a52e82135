/*
 * The allocation policy of 云仓集单 (cloud order aggregation): which warehouse
 * should serve one order line, and why. Pure rules, no SQL: the service layer
 * (src/app/orders.c) gathers the candidate warehouses with the units each can
 * promise (packed, unreserved, unexpired stock on hand; stock in transit is
 * shown but never promised) and whether the customer lies in its service
 * area, then asks the policy.
 *
 * A policy is a small table of functions (after Redis's dictType), so the
 * logistics planner can swap in its own rule without touching the order code:
 *
 *   const struct alloc_policy *p = alloc_policy_current();
 *   struct alloc_choice c;
 *   p->choose(p->ctx, &line, cands, ncands, &c);
 *   if (c.index < 0) ... backorder, c.reason_zh / c.reason_en say why
 *
 * The default policy: a sales warehouse whose service area covers the
 * customer and that holds enough stock serves the line locally (route
 * "sales_warehouse"); otherwise an origin warehouse holding enough stock sends
 * a direct parcel ("origin_parcel"); otherwise the line is backordered. Lines
 * are allocated whole: a warehouse that holds part of the units is not chosen.
 */
#ifndef SHANHAI_CORE_ALLOCATE_H
#define SHANHAI_CORE_ALLOCATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum wh_kind { WH_ORIGIN, WH_SALES };
enum alloc_route { ROUTE_NONE, ROUTE_SALES_WAREHOUSE, ROUTE_ORIGIN_PARCEL };

/* One warehouse that might serve the line. */
struct alloc_candidate {
	int64_t warehouse_id;
	const char *code;        /* warehouse code, for the reason text */
	enum wh_kind kind;
	int64_t available_units; /* whole units promisable now (on hand, unreserved, unexpired) */
	int64_t transit_units;   /* units on their way to it: never promised */
	bool serves_customer;    /* a service-area prefix matches the customer's division */
};

/* The line to allocate. */
struct alloc_line {
	const char *sku_code;
	int64_t units;
	const char *division_code; /* the customer's division code */
};

/* The policy's answer: index into the candidates, or -1 for backorder. */
struct alloc_choice {
	int index;
	enum alloc_route route;
	char reason_zh[200];
	char reason_en[240];
};

struct alloc_policy {
	const char *name;
	/* Choose a warehouse for line among cands[0..n); fills out (always,
	 * also for a backorder) and returns 0, or -1 on bad input. */
	int (*choose)(void *ctx, const struct alloc_line *line, const struct alloc_candidate *cands,
		      size_t n, struct alloc_choice *out);
	void *ctx;
};

/* The built-in rule described above. */
const struct alloc_policy *alloc_default_policy(void);
/* The policy the order code uses: the default unless one was installed. */
const struct alloc_policy *alloc_policy_current(void);
/* Install a policy (NULL restores the default). Not thread-safe: call at start-up. */
void alloc_policy_install(const struct alloc_policy *p);

/* True if the division code starts with the prefix (prefixes of 2..12 digits:
 * '33' Zhejiang, '3302' Ningbo). An empty prefix matches nothing. */
bool alloc_area_matches(const char *division_code, const char *prefix);
/* "sales_warehouse" / "origin_parcel" / NULL for ROUTE_NONE. */
const char *alloc_route_name(enum alloc_route r);

#endif
