/*
 * Places and parties over the store: administrative divisions (loaded from
 * data/divisions.csv with real NBS codes), east–west pairings, warehouses and
 * the service areas of sales warehouses, collection points, channels,
 * cooperatives, enterprises and households (脱贫户 flagged). HTTP handlers
 * (src/http/api_places.c), `shanhai init`/`demo` and the other services call
 * these; each runs in the caller's transaction (except places_load_divisions,
 * which is a bulk load with its own).
 *
 * Reads return JSON (jansson) built from the rows by column name, so a
 * handler only adds masking of personal data and replies; the small query
 * builder and row converter at the end are shared by catalogue.c,
 * collection.c and payments.c.
 */
#ifndef SHANHAI_APP_PLACES_H
#define SHANHAI_APP_PLACES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "lib/buf.h"
#include "store/store.h"

/* Load divisions from a CSV "code,name,level,parent_code" (data/divisions.csv)
 * in one transaction with one reused prepared statement; rows already there
 * are kept. If county_centroids_datav.csv sits in the same folder, counties
 * (and prefectures/provinces it lists) get their WGS-84 seat coordinates and
 * townships and villages approximate ones near their county (approx = 1).
 * Must not be called inside another transaction. */
int places_load_divisions(struct store *db, const char *csv_path, struct app_err *err);

/* Deterministic approximate coordinates for a township or village: within
 * about 15 km (each axis) of its county's (lon, lat), from a hash of code. */
void places_approx_coords(const char *code, int64_t county_lon_e6, int64_t county_lat_e6,
			  int64_t *lon_e6, int64_t *lat_e6);

/* The level (1..5) of division `code`, or 0 if there is no such division. */
int division_level(struct store *db, const char *code);
/* 0 if `code` is a division of level min_level..max_level, else 422 naming
 * field (unknown code, or the wrong level). */
int division_check(struct store *db, const char *field, const char *code, int min_level,
		   int max_level, struct app_err *err);
/* True for a clock time "HH:MM" (00:00..23:59). */
bool clock_text_valid(const char *s);

struct pairing_in {
	const char *code, *name, *kind; /* kind: east_west | mountain_sea */
	const char *east_code, *west_code;
};
struct warehouse_in {
	const char *code, *name, *kind; /* origin | sales */
	const char *division_code;
	int64_t pairing_id;             /* 0: none */
	bool has_coords;
	int64_t lon_e6, lat_e6;
	const char *const *areas;       /* sales only: division prefixes */
	int nareas;
};
struct point_in {
	const char *code, *name, *village_code;
	int64_t warehouse_id; /* origin warehouse it feeds, 0: none */
	bool has_coords;
	int64_t lon_e6, lat_e6;
	const char *opens, *closes; /* "HH:MM" or NULL for 08:00/18:00 */
};
struct channel_in {
	const char *code, *name, *kind;
	int64_t pairing_id;
};
/* A cooperative or an enterprise. */
struct party_in {
	const char *code, *name, *division_code;
};
struct household_in {
	const char *code; /* NULL: generated "H..." */
	const char *head_name, *id_number, *phone, *bank_account;
	const char *village_code;
	int64_t cooperative_id; /* 0: none */
	bool lifted_from_poverty;
	int64_t members;
};

/* Create rows; each validates its references (a field error names the input
 * field) and returns the new id in *id. Codes must be unique (409). */
int pairing_create(struct store *db, const struct pairing_in *in, int64_t *id, struct app_err *err);
int warehouse_create(struct store *db, const struct warehouse_in *in, int64_t *id,
		     struct app_err *err);
/* Replace a sales warehouse's service areas. */
int warehouse_set_areas(struct store *db, int64_t warehouse_id, const char *const *areas,
			int nareas, struct app_err *err);
int point_create(struct store *db, const struct point_in *in, int64_t *id, struct app_err *err);
int channel_create(struct store *db, const struct channel_in *in, int64_t *id, struct app_err *err);
int cooperative_create(struct store *db, const struct party_in *in, int64_t *id,
		       struct app_err *err);
int enterprise_create(struct store *db, const struct party_in *in, int64_t *id,
		      struct app_err *err);
int household_create(struct store *db, const struct household_in *in, int64_t now_ms,
		     int64_t *id, struct app_err *err);

/* A caller's collection-point scope: NULL ids means every point. */
struct point_scope {
	const int64_t *ids;
	int n;
};

/* Filters of listings (NULL / 0 = any). */
struct list_filter {
	const char *parent, *village, *county, *kind;
	const char *search; /* divisions: digits = code prefix, else part of the name */
	int64_t level, point_id, cooperative_id, warehouse_id, household_id, product_id, grade_id,
		sku_id;
	const char *from, *to; /* dates, inclusive */
	int64_t limit, offset;
};

/* Listings: *out = {"items":[...], "total":N}. */
int divisions_list(struct store *db, const struct list_filter *f, json_t **out, struct app_err *err);
int pairings_list(struct store *db, const struct list_filter *f, json_t **out, struct app_err *err);
int warehouses_list(struct store *db, const struct list_filter *f, json_t **out,
		    struct app_err *err);
int points_list(struct store *db, const struct list_filter *f, struct point_scope scope,
		json_t **out, struct app_err *err);
int channels_list(struct store *db, const struct list_filter *f, json_t **out, struct app_err *err);
int cooperatives_list(struct store *db, const struct list_filter *f, json_t **out,
		      struct app_err *err);
int enterprises_list(struct store *db, const struct list_filter *f, json_t **out,
		     struct app_err *err);
/* Households, with their balance_fen; a collector's scope limits them to the
 * villages of its points. */
int households_list(struct store *db, const struct list_filter *f, struct point_scope scope,
		    json_t **out, struct app_err *err);

/* One object by id as JSON (404 not_found if none). */
int pairing_get(struct store *db, int64_t id, json_t **out, struct app_err *err);
int warehouse_get(struct store *db, int64_t id, json_t **out, struct app_err *err);
int point_get(struct store *db, int64_t id, json_t **out, struct app_err *err);
int channel_get(struct store *db, int64_t id, json_t **out, struct app_err *err);
int cooperative_get(struct store *db, int64_t id, json_t **out, struct app_err *err);
int enterprise_get(struct store *db, int64_t id, json_t **out, struct app_err *err);
int household_get(struct store *db, int64_t id, json_t **out, struct app_err *err);
/* True if household id lives in the village of one of the scope's points
 * (always true for an unlimited scope); false also when it does not exist. */
bool household_in_scope(struct store *db, int64_t household_id, struct point_scope scope);
/* The household's ledger: {"items":[...], "total":N, "balance_fen":B}. */
int household_ledger_list(struct store *db, int64_t household_id, const struct list_filter *f,
			  json_t **out, struct app_err *err);

/* ---- shared by the listing functions of src/app/{places,catalogue,
 * collection,payments}.c ---- */

#define QUERY_MAX_BINDS 32

/* SQL assembled from fixed fragments, with every value bound (never spliced). */
struct query {
	struct buf sql;
	bool has_where;
	int nbind;
	struct {
		bool is_text;
		int64_t i;
		const char *s;
	} bind[QUERY_MAX_BINDS];
};

/* Start a query with its SELECT ... FROM ... (no WHERE). */
void query_init(struct query *q, const char *select_from);
void query_release(struct query *q);
/* Append " AND <cond>" (or " WHERE <cond>" the first time) binding one value
 * for the cond's single `?`. */
void query_and_int(struct query *q, const char *cond, int64_t v);
void query_and_text(struct query *q, const char *cond, const char *v);
/* Append " AND <col> IN (?,?,..)" over ids (n >= 1). */
void query_and_in(struct query *q, const char *col, const int64_t *ids, int n);
/* Append raw SQL without values (GROUP BY, HAVING, ORDER BY). */
void query_add(struct query *q, const char *sql);
/* Bind a value for a `?` written by query_add. */
void query_bind_int(struct query *q, int64_t v);
/* Run the query: {"items": rows, "total": count} with LIMIT/OFFSET from f
 * (limit 0 = all rows). */
int query_list(struct store *db, struct query *q, int64_t limit, int64_t offset, json_t **out,
	       struct app_err *err);
/* SUM(column) over every row of the query (call before query_list). */
int query_sum(struct store *db, struct query *q, const char *column, int64_t *out,
	      struct app_err *err);
/* Limit households (alias h) to the villages of the scope's points. */
void query_and_household_scope(struct query *q, struct point_scope scope);
/* Run the query and return its first row as an object (404 `what` if none). */
int query_one(struct store *db, struct query *q, const char *what, json_t **out,
	      struct app_err *err);

/* The current row of st as a JSON object keyed by column name: integers,
 * text, null; columns ending in "_at" (Unix ms) become ISO-8601 UTC text, and
 * flag columns (active, approx, lifted_from_poverty, reversed, balanced)
 * become true/false. */
json_t *row_json(struct stmt *st);

#endif
