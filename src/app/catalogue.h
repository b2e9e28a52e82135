/*
 * The catalogue over the store: products with their grades (e.g. apple size
 * grades 70/75/80/85 mm), shelf life and storage temperature; SKUs (what a
 * consumer orders: a 5 kg box of grade-80 apples); purchase prices per grade
 * and sale prices per SKU, each in force from a date (Asia/Shanghai) until the
 * next one (rule in src/core/catalogue.h). Prices are never edited: a new row
 * with a later valid_from replaces one, and a price that would change what an
 * already recorded collection was paid is refused.
 */
#ifndef SHANHAI_APP_CATALOGUE_H
#define SHANHAI_APP_CATALOGUE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/places.h"

struct grade_in {
	const char *code, *name;
	int64_t sort;
};

struct product_in {
	const char *code, *name, *name_en, *category, *note;
	int64_t shelf_life_days;
	bool has_min_c, has_max_c;
	int64_t storage_min_c, storage_max_c;
	const char *origin_code; /* a division, or NULL */
	const struct grade_in *grades;
	int ngrades;
};

struct sku_in {
	const char *code, *name, *unit_name; /* unit_name NULL: 箱 */
	int64_t product_id, grade_id;        /* grade 0: none */
	int64_t net_g, gross_g;
};

/* Create a product and its grades; *id is the product. */
int product_create(struct store *db, const struct product_in *in, int64_t *id, struct app_err *err);
/* Add a grade to a product. */
int grade_create(struct store *db, int64_t product_id, const struct grade_in *in, int64_t *id,
		 struct app_err *err);
int sku_create(struct store *db, const struct sku_in *in, int64_t *id, struct app_err *err);

/* A purchase price for a grade from valid_from on (fen per kg). Refused (409)
 * when the same grade already has a price from that date, or when a
 * collection of that grade on or after valid_from exists. */
int purchase_price_set(struct store *db, int64_t grade_id, const char *valid_from,
		       int64_t price_fen_per_kg, int64_t now_ms, int64_t *id, struct app_err *err);
/* A sale price for one unit of a SKU from valid_from on. */
int sku_price_set(struct store *db, int64_t sku_id, const char *valid_from, int64_t price_fen,
		  int64_t now_ms, int64_t *id, struct app_err *err);

/* The purchase price in force for a grade on day: fen per kg and the date it
 * applies from (valid_from needs 11 bytes, may be NULL). 422 "no_price" if
 * none applies yet. */
int purchase_price_in_force(struct store *db, int64_t grade_id, const char *day,
			    int64_t *price_fen_per_kg, char *valid_from, struct app_err *err);
/* The sale price in force for a SKU on day. 422 "no_price" if none. */
int sku_price_in_force(struct store *db, int64_t sku_id, const char *day, int64_t *price_fen,
		       struct app_err *err);

/* Listings and single objects as JSON ({"items":[...],"total":N}); products
 * carry their "grades". Filters: product_id, grade_id, sku_id. */
int products_list(struct store *db, const struct list_filter *f, json_t **out, struct app_err *err);
int product_get(struct store *db, int64_t id, json_t **out, struct app_err *err);
int skus_list(struct store *db, const struct list_filter *f, json_t **out, struct app_err *err);
int sku_get(struct store *db, int64_t id, json_t **out, struct app_err *err);
int purchase_prices_list(struct store *db, const struct list_filter *f, json_t **out,
			 struct app_err *err);
int sku_prices_list(struct store *db, const struct list_filter *f, json_t **out,
		    struct app_err *err);

#endif
