/*
 * Traceability (数据互通) over the store: from a packed lot or a parcel back
 * to the source lots, households, villages and collection dates behind it;
 * from a household forward to where its produce went (its source lots ->
 * packed lots -> line-hauls -> orders and parcels), with the grams of the
 * household's produce in each step. The tables are lots, lot_sources (mass
 * shares of each source lot in a packed lot), collections, linehaul_lines,
 * allocations, parcel_lines and parcels.
 *
 * Mass shares: a packed lot P of initial_g grams holds share_g of source lot
 * S. Of g grams of P sent somewhere, the household of S contributed
 * g * share_g / initial_g; over a parcel the grams of each lot are split among
 * its sources by largest remainder (src/lib/money.h), so they add up exactly.
 *
 * The staff traces return JSON for the console and include the household
 * head's name only when asked (personal = true); the public trace (the page
 * behind the QR code on a label) never reads names, phones, ID numbers or
 * bank accounts at all: its queries do not select those columns.
 */
#ifndef SHANHAI_APP_TRACE_H
#define SHANHAI_APP_TRACE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "store/store.h"

/* The chain behind a lot (by code): the lot, the packing run that made it,
 * its sources with household, village/township/county, collection point and
 * collection receipts, then where it went (line-hauls, orders, parcels).
 * 404 "not_found" if there is no such lot. */
int trace_lot(struct store *db, const char *code, bool personal, json_t **out,
	      struct app_err *err);
/* The chain behind a parcel (by code): its order, the lots in it, and for
 * each lot the households whose produce it holds with their grams (adding up
 * to the lot's grams in the parcel), plus the same totalled per household. */
int trace_parcel(struct store *db, const char *code, bool personal, json_t **out,
		 struct app_err *err);
/* Where a household's produce went: each of its source lots, the packed lots
 * it went into (share_g), and for each packed lot the line-hauls that carried
 * it and the orders/parcels it was sold in, with the household's grams. */
int trace_household(struct store *db, int64_t household_id, bool personal, json_t **out,
		    struct app_err *err);

/* The public facts for a lot or parcel code, for GET /t/{code}:
 * {"kind":"lot"|"parcel","code":..,"items":[{"product","product_en","grade",
 * "sku","harvest_date","packed_on","expires_on","cooperatives":[..],
 * "places":[{"village","township","county"}]}], "shipped_at"?, "delivered_at"?}.
 * 404 if the code is neither a lot nor a parcel. */
int trace_public(struct store *db, const char *code, json_t **out, struct app_err *err);

/* What a code touches, for scope checks of the staff trace: the collection
 * points its source lots came through and the warehouses that packed it;
 * for a lot also the warehouses that held, carried or allocated it and the
 * channels that sold it; for a parcel its shipping warehouse and its order's
 * channel. Arrays owned by the struct. */
struct trace_scope {
	int64_t *points, *warehouses, *channels;
	size_t npoints, nwarehouses, nchannels;
	bool found; /* the code is a lot or a parcel */
};
/* Fill *s for a lot or parcel code (s->found false if it is neither). On
 * failure *s is left empty (nothing to release). */
int trace_scope_of(struct store *db, const char *code, struct trace_scope *s,
		   struct app_err *err);
/* The collection points where household_id delivered produce (into *s). */
int trace_household_scope(struct store *db, int64_t household_id, struct trace_scope *s,
			  struct app_err *err);
/* Whether code names a lot or a parcel: *kind "lot", "parcel" or NULL. */
int trace_code_kind(struct store *db, const char *code, const char **kind, struct app_err *err);
/* Free the arrays of *s. */
void trace_scope_release(struct trace_scope *s);

/* The length in bytes of a division name without its NBS suffix
 * ("卡哈洛村村民委员会" -> "卡哈洛村", "太平街社区居民委员会" -> "太平街社区",
 * "桥社区居委会" -> "桥社区", "新田村委会" -> "新田村"); other names whole. */
size_t division_short_len(const char *name);

#endif
