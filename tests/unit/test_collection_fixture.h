/*
 * Shared fixture of the collection-side unit tests (test_collection.c,
 * test_catalogue.c, test_places.c): an in-memory SQLite store with the real
 * migrations and a small world built through the services themselves — a
 * county with two villages, a collection point in each, an origin
 * warehouse, two households in village A and one in village B, an apple
 * product with grades 80 and 75 and purchase prices. Header-only so each
 * test binary gets its own copy.
 */
#ifndef TEST_COLLECTION_FIXTURE_H
#define TEST_COLLECTION_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/catalogue.h"
#include "app/collection.h"
#include "app/payments.h"
#include "app/places.h"
#include "app/stock.h"
#include "lib/timeutil.h"
#include "store/store.h"

struct cfx {
	struct store *db;
	int64_t wh, point_a, point_b, hh1, hh2, hh_b, product, g80, g75;
};

static const char *const cfx_divisions[] = {
	"INSERT INTO divisions (code, name, level, parent_code) VALUES ('51', '四川省', 1, NULL)",
	"INSERT INTO divisions (code, name, level, parent_code) VALUES ('5134', '凉山州', 2, '51')",
	"INSERT INTO divisions (code, name, level, parent_code) VALUES ('513423', '盐源县', 3, '5134')",
	"INSERT INTO divisions (code, name, level, parent_code) VALUES ('513423100', '盐井镇', 4, "
	"'513423')",
	"INSERT INTO divisions (code, name, level, parent_code) VALUES ('513423100201', "
	"'甲村村民委员会', 5, '513423100')",
	"INSERT INTO divisions (code, name, level, parent_code) VALUES ('513423100202', "
	"'乙村村民委员会', 5, '513423100')",
	NULL,
};

/* 10:00 Asia/Shanghai on y-m-d, as Unix ms. */
static inline int64_t cfx_at(int y, int m, int d)
{
	return (days_from_civil(y, m, d) * 86400 + 2 * 3600) * 1000;
}

static inline void cfx_die(const char *what, const struct app_err *err)
{
	fprintf(stderr, "fixture: %s: %s\n", what, err->message_en);
	abort();
}

static inline int cfx_setup(void **state)
{
	char msg[256];
	struct app_err err;
	struct cfx *fx = calloc(1, sizeof(*fx));
	fx->db = store_open(":memory:", msg, sizeof(msg));
	if (!fx->db || store_migrate(fx->db))
		return -1;
	for (int i = 0; cfx_divisions[i]; i++)
		if (store_exec(fx->db, cfx_divisions[i]))
			return -1;
	struct warehouse_in w = {.code = "YY-O", .name = "盐源产地仓", .kind = "origin",
				 .division_code = "513423"};
	if (warehouse_create(fx->db, &w, &fx->wh, &err))
		cfx_die("warehouse", &err);
	struct point_in pa = {.code = "PA", .name = "甲村收购点", .village_code = "513423100201",
			      .warehouse_id = fx->wh};
	struct point_in pb = {.code = "PB", .name = "乙村收购点", .village_code = "513423100202",
			      .warehouse_id = fx->wh};
	if (point_create(fx->db, &pa, &fx->point_a, &err) ||
	    point_create(fx->db, &pb, &fx->point_b, &err))
		cfx_die("point", &err);
	struct household_in h = {.code = "H1", .head_name = "吉克阿依", .phone = "13812345678",
				 .village_code = "513423100201", .members = 4,
				 .lifted_from_poverty = true};
	if (household_create(fx->db, &h, 0, &fx->hh1, &err))
		cfx_die("household", &err);
	h.code = "H2";
	h.head_name = "阿说木呷";
	if (household_create(fx->db, &h, 0, &fx->hh2, &err))
		cfx_die("household", &err);
	h.code = "HB";
	h.village_code = "513423100202";
	if (household_create(fx->db, &h, 0, &fx->hh_b, &err))
		cfx_die("household", &err);
	struct grade_in grades[] = {{"80", "80mm", 1}, {"75", "75mm", 2}};
	struct product_in p = {.code = "YY-APL", .name = "盐源苹果", .shelf_life_days = 60,
			       .has_min_c = true, .storage_min_c = 0, .has_max_c = true,
			       .storage_max_c = 4, .grades = grades, .ngrades = 2};
	if (product_create(fx->db, &p, &fx->product, &err))
		cfx_die("product", &err);
	store_query_int(fx->db, "SELECT id FROM grades WHERE code = '80'", 0, &fx->g80);
	store_query_int(fx->db, "SELECT id FROM grades WHERE code = '75'", 0, &fx->g75);
	int64_t id;
	/* grade 80: 3.50 yuan/kg from Nov 1, 3.60 from Nov 15; grade 75: 3.01 (odd fen) */
	if (purchase_price_set(fx->db, fx->g80, "2026-11-01", 350, 0, &id, &err) ||
	    purchase_price_set(fx->db, fx->g80, "2026-11-15", 360, 0, &id, &err) ||
	    purchase_price_set(fx->db, fx->g75, "2026-11-01", 301, 0, &id, &err))
		cfx_die("price", &err);
	*state = fx;
	return 0;
}

static inline int cfx_teardown(void **state)
{
	struct cfx *fx = *state;
	store_close(fx->db);
	free(fx);
	return 0;
}

/* A delivery of gross/tare grams of grade at point by household on day. */
static inline struct collection_in cfx_delivery(const struct cfx *fx, int64_t point, int64_t hh,
						int64_t grade, int64_t gross, int64_t tare,
						int64_t at_ms)
{
	struct collection_in in = {.point_id = point, .household_id = hh, .grade_id = grade,
				   .gross_g = gross, .tare_g = tare, .unit = PRICE_PER_KG,
				   .at_ms = at_ms};
	(void)fx;
	return in;
}

static inline int64_t cfx_balance(struct store *db, int64_t hh)
{
	struct app_err err;
	int64_t b = -1;
	if (household_balance(db, hh, &b, &err))
		return -1;
	return b;
}

#endif
