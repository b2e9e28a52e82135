/*
 * Village collection over the store (乡村集货): a collector records one
 * household's delivery at a collection point. collection_create weighs and
 * prices it by the rules in src/core/collection.h (price in force that day,
 * amount rounded once), creates the source lot (kind 'source', its code is
 * printed on the receipt), puts the lot's stock at the point (src/app/stock.h)
 * and writes what the household is owed to household_ledger. Corrections are
 * reversals: a new collection row with negated weights and amount that points
 * at the old one; the lot's stock leaves the point again and the lot becomes
 * void. Nothing is edited away.
 */
#ifndef SHANHAI_APP_COLLECTION_H
#define SHANHAI_APP_COLLECTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/places.h"
#include "core/collection.h"

/* One delivery as entered. */
struct collection_in {
	int64_t point_id, household_id, grade_id;
	int64_t product_id; /* 0: the grade's product; else must match it */
	int64_t gross_g, tare_g;
	enum price_unit unit;      /* as the collector is used to */
	bool has_price;            /* the collector typed a price: it must be the price in force */
	int64_t price_entered_fen; /* per unit */
	const char *collected_on;  /* NULL: the Asia/Shanghai day of at_ms; never later */
	const char *harvest_date;  /* NULL: the collection day */
	const char *note;          /* NULL: "" */
	int64_t at_ms;             /* when it is recorded */
	int64_t collector_id;      /* the user, 0 for the system */
};

/* What was recorded. */
struct collection_out {
	int64_t id;
	char code[32]; /* receipt number */
	int64_t lot_id;
	char lot_code[32];
	int64_t net_g, price_fen_per_kg, amount_fen;
	int64_t balance_fen; /* the household's balance afterwards */
};

/* Record a delivery (see the file comment). 422 with the field at fault for
 * bad input, "no_price" when no purchase price is in force that day. */
int collection_create(struct store *db, const struct collection_in *in, struct collection_out *out,
		      struct app_err *err);

/* Reverse collection `id`: refused (409) if it is itself a reversal, was
 * reversed before, or its source lot has left the point (transferred,
 * packed, partly or wholly). out describes the new reversing row. */
int collection_reverse(struct store *db, int64_t id, int64_t user_id, int64_t at_ms,
		       const char *note, struct collection_out *out, struct app_err *err);

/* The collection point of collection id (for scope checks); 404 if none. */
int collection_point_of(struct store *db, int64_t id, int64_t *point_id, struct app_err *err);
/* The same for a receipt code; also returns the collection's id. */
int collection_find_code(struct store *db, const char *code, int64_t *id, int64_t *point_id,
			 struct app_err *err);

/* Collections as JSON, newest first. Filters: point_id, household_id,
 * village, county, product_id, from/to (collected_on). scope limits a
 * collector to its points. */
int collections_list(struct store *db, const struct list_filter *f, struct point_scope scope,
		     json_t **out, struct app_err *err);
/* One collection with its household, point, product, grade and lot. */
int collection_get(struct store *db, int64_t id, json_t **out, struct app_err *err);

#endif
