/*
 * Unit tests of the catalogue: the price-in-force rule of src/core/catalogue.c
 * (greatest valid_from <= day, in any order) and the services of
 * src/app/catalogue.c over a real in-memory SQLite store (the SQL lookup agrees
 * with the rule, prices cannot rewrite what collections were paid, product,
 * grade and SKU validation).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_collection_fixture.h"

#include "core/catalogue.h"

static void test_price_in_force_rule(void **state)
{
	(void)state;
	const struct dated_price p[] = {
		{"2026-11-15", 360}, {"2026-11-01", 350}, {"2026-12-01", 400}, {"2026-11-08", 355},
	};
	assert_int_equal(price_in_force(p, 4, "2026-10-31"), -1);
	assert_int_equal(price_in_force(p, 4, "2026-11-01"), 1);
	assert_int_equal(price_in_force(p, 4, "2026-11-07"), 1);
	assert_int_equal(price_in_force(p, 4, "2026-11-08"), 3);
	assert_int_equal(price_in_force(p, 4, "2026-11-30"), 0);
	assert_int_equal(price_in_force(p, 4, "2027-01-01"), 2);
	assert_int_equal(price_in_force(p, 0, "2027-01-01"), -1);
	assert_true(catalogue_code_valid("YY-APL-80"));
	assert_false(catalogue_code_valid(""));
	assert_false(catalogue_code_valid("a b"));
	assert_false(catalogue_code_valid("苹果"));
	assert_false(catalogue_code_valid("0123456789012345678901234567890123"));
	assert_true(storage_range_valid(true, 0, true, 4));
	assert_false(storage_range_valid(true, 5, true, 4));
	assert_false(storage_range_valid(true, -61, false, 0));
	assert_true(storage_range_valid(false, 0, true, 8));
}

static void test_sql_lookup_agrees(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	const struct dated_price p[] = {{"2026-11-01", 350}, {"2026-11-15", 360}};
	char day[11], from[11];
	for (int64_t d = days_from_civil(2026, 10, 25); d < days_from_civil(2026, 11, 25); d++) {
		date_format(d, day, sizeof(day));
		int want = price_in_force(p, 2, day);
		int64_t got = -1;
		int rc = purchase_price_in_force(fx->db, fx->g80, day, &got, from, &err);
		if (want < 0) {
			assert_int_equal(rc, -1);
			assert_string_equal(err.code, "no_price");
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(got, p[want].price_fen);
			assert_string_equal(from, p[want].valid_from);
		}
	}
}

static void test_price_cannot_rewrite_history(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	struct collection_out out;
	int64_t id;
	struct collection_in in = cfx_delivery(fx, fx->point_a, fx->hh1, fx->g80, 2000, 0,
					       cfx_at(2026, 11, 20));
	assert_int_equal(collection_create(fx->db, &in, &out, &err), 0);
	assert_int_equal(out.price_fen_per_kg, 360);
	/* a new price from a day on or before that collection is refused */
	assert_int_equal(purchase_price_set(fx->db, fx->g80, "2026-11-20", 380, 0, &id, &err), -1);
	assert_int_equal(err.status, 409);
	assert_int_equal(purchase_price_set(fx->db, fx->g80, "2026-11-18", 380, 0, &id, &err), -1);
	/* from the next day on, fine; the same day twice is a conflict */
	assert_int_equal(purchase_price_set(fx->db, fx->g80, "2026-11-21", 380, 0, &id, &err), 0);
	assert_int_equal(purchase_price_set(fx->db, fx->g80, "2026-11-21", 390, 0, &id, &err), -1);
	assert_int_equal(err.status, 409);
	assert_int_equal(purchase_price_set(fx->db, fx->g80, "2026-02-30", 390, 0, &id, &err), -1);
	assert_string_equal(err.field, "valid_from");
	assert_int_equal(purchase_price_set(fx->db, 999, "2026-12-01", 390, 0, &id, &err), -1);
	assert_string_equal(err.field, "grade_id");
	/* the collection keeps what it was paid */
	json_t *c;
	assert_int_equal(collection_get(fx->db, out.id, &c, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(c, "price_fen_per_kg")), 360);
	json_decref(c);
}

static void test_products_and_skus(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	int64_t id, sku, price_id;
	struct product_in p = {.code = "YY-APL", .name = "dup", .shelf_life_days = 10};
	assert_int_equal(product_create(fx->db, &p, &id, &err), -1);
	assert_int_equal(err.status, 409);
	p.code = "bad code";
	assert_int_equal(product_create(fx->db, &p, &id, &err), -1);
	assert_string_equal(err.field, "code");
	p.code = "HJ";
	p.shelf_life_days = 0;
	assert_int_equal(product_create(fx->db, &p, &id, &err), -1);
	assert_string_equal(err.field, "shelf_life_days");
	p.shelf_life_days = 365;
	p.has_min_c = p.has_max_c = true;
	p.storage_min_c = 10;
	p.storage_max_c = 5;
	assert_int_equal(product_create(fx->db, &p, &id, &err), -1);
	p.storage_min_c = 0;
	struct grade_in gr[] = {{"A", "一级", 1}, {"A", "again", 2}};
	p.grades = gr;
	p.ngrades = 2;
	assert_int_equal(product_create(fx->db, &p, &id, &err), -1); /* duplicate grade */
	assert_int_equal(err.row, 2);
	p.ngrades = 1;
	p.code = "HJ2";
	assert_int_equal(product_create(fx->db, &p, &id, &err), 0);
	struct sku_in s = {.code = "YY-APL-80-5", .name = "5kg", .product_id = fx->product,
			   .grade_id = fx->g80, .net_g = 5000, .gross_g = 5400};
	assert_int_equal(sku_create(fx->db, &s, &sku, &err), 0);
	s.code = "X1";
	s.grade_id = 999;
	assert_int_equal(sku_create(fx->db, &s, &id, &err), -1);
	assert_string_equal(err.field, "grade_id");
	s.grade_id = 0;
	s.gross_g = 4000;
	assert_int_equal(sku_create(fx->db, &s, &id, &err), -1);
	assert_string_equal(err.field, "gross_g");
	assert_int_equal(sku_price_set(fx->db, sku, "2026-11-01", 5990, 0, &price_id, &err), 0);
	assert_int_equal(sku_price_set(fx->db, sku, "2026-11-11", 4990, 0, &price_id, &err), 0);
	int64_t price;
	assert_int_equal(sku_price_in_force(fx->db, sku, "2026-11-10", &price, &err), 0);
	assert_int_equal(price, 5990);
	assert_int_equal(sku_price_in_force(fx->db, sku, "2026-11-11", &price, &err), 0);
	assert_int_equal(price, 4990);
	assert_int_equal(sku_price_in_force(fx->db, sku, "2026-10-11", &price, &err), -1);
	json_t *list;
	struct list_filter f = {0};
	assert_int_equal(products_list(fx->db, &f, &list, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 2);
	json_t *first = json_array_get(json_object_get(list, "items"), 0);
	assert_int_equal(json_array_size(json_object_get(first, "grades")), 2);
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_price_in_force_rule),
		cmocka_unit_test_setup_teardown(test_sql_lookup_agrees, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(test_price_cannot_rewrite_history, cfx_setup,
						cfx_teardown),
		cmocka_unit_test_setup_teardown(test_products_and_skus, cfx_setup, cfx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
