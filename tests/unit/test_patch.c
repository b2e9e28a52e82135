/*
 * Unit tests of updates of places and catalogue objects (src/app/patch.c)
 * over the collection fixture's in-memory store: a household's 脱贫户 flag
 * and phone change and the change description names the phone without its
 * value; a village code of the wrong level, a missing reference, opens after
 * closes, a SKU grade of another product, a used SKU's net weight and the
 * village of a household or point with deliveries are refused naming the
 * field, and leave the row as it was.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/patch.h"
#include "test_collection_fixture.h"

static json_t *body_of(const char *text)
{
	json_error_t je;
	json_t *b = json_loads(text, 0, &je);
	assert_non_null(b);
	return b;
}

/* patch_apply over a JSON text; the change description in *change. */
static int apply(struct cfx *fx, const struct patch_spec *spec, int64_t id, const char *text,
		 json_t **change, struct app_err *err)
{
	json_t *b = body_of(text);
	*change = NULL;
	int rc = patch_apply(fx->db, spec, id, b, change, err);
	json_decref(b);
	return rc;
}

static int64_t num(struct store *db, const char *sql, int64_t id)
{
	int64_t n = -1;
	assert_int_equal(store_query_int(db, sql, id, &n), 0);
	return n;
}

static void test_household(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	json_t *change;
	assert_int_equal(apply(fx, &patch_household, fx->hh1,
			       "{\"lifted_from_poverty\":false,\"phone\":\"13900000000\",\"members\":4}",
			       &change, &err),
			 0);
	assert_int_equal(num(fx->db, "SELECT lifted_from_poverty FROM households WHERE id = ?", fx->hh1),
			 0);
	/* members did not change (4 before and after), so only two fields are named */
	json_t *changed = json_object_get(change, "changed");
	assert_int_equal(json_array_size(changed), 2);
	assert_string_equal(json_string_value(json_array_get(changed, 0)), "phone");
	assert_string_equal(json_string_value(json_array_get(changed, 1)), "lifted_from_poverty");
	char *text = json_dumps(change, JSON_COMPACT);
	assert_null(strstr(text, "13900000000"));
	assert_null(strstr(text, "13812345678"));
	assert_true(json_is_true(json_object_get(json_object_get(change, "before"),
						 "lifted_from_poverty")));
	free(text);
	json_decref(change);
}

static void test_refusals_change_nothing(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	json_t *change;
	/* a county is not a village */
	assert_int_equal(apply(fx, &patch_household, fx->hh1, "{\"village_code\":\"513423\"}", &change,
			       &err),
			 -1);
	assert_int_equal(err.status, 422);
	assert_string_equal(err.field, "village_code");
	assert_int_equal(apply(fx, &patch_household, fx->hh1, "{\"cooperative_id\":999}", &change,
			       &err),
			 -1);
	assert_string_equal(err.field, "cooperative_id");
	assert_int_equal(apply(fx, &patch_household, 999, "{\"members\":2}", &change, &err), -1);
	assert_int_equal(err.status, 404);
	assert_int_equal(apply(fx, &patch_point, fx->point_a, "{\"opens\":\"18:30\"}", &change, &err),
			 -1);
	assert_string_equal(err.field, "closes");
	assert_int_equal(apply(fx, &patch_point, fx->point_a, "{\"opens\":\"24:00\"}", &change, &err),
			 -1);
	assert_string_equal(err.field, "opens");
	assert_int_equal(apply(fx, &patch_product, fx->product, "{\"storage_max_c\":-5}", &change,
			       &err),
			 -1);
	assert_string_equal(err.field, "storage_max_c");
	assert_int_equal(num(fx->db, "SELECT members FROM households WHERE id = ?", fx->hh1), 4);
	assert_int_equal(num(fx->db, "SELECT COUNT(*) FROM collection_points WHERE id = ? AND "
				     "opens = '08:00'",
			     fx->point_a),
			 1);
}

/* A village can be corrected until a delivery traces back to it. */
static void test_village_fixed_once_used(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	json_t *change;
	struct collection_out out;
	assert_int_equal(apply(fx, &patch_household, fx->hh1, "{\"village_code\":\"513423100202\"}",
			       &change, &err),
			 0);
	json_decref(change);
	struct collection_in in = cfx_delivery(fx, fx->point_b, fx->hh1, fx->g80, 10000, 0,
					       cfx_at(2026, 11, 10));
	assert_int_equal(collection_create(fx->db, &in, &out, &err), 0);
	assert_int_equal(apply(fx, &patch_household, fx->hh1, "{\"village_code\":\"513423100201\"}",
			       &change, &err),
			 -1);
	assert_int_equal(err.status, 409);
	assert_string_equal(err.field, "village_code");
	assert_int_equal(apply(fx, &patch_point, fx->point_b, "{\"village_code\":\"513423100201\"}",
			       &change, &err),
			 -1);
	assert_int_equal(err.status, 409);
	/* the point without deliveries may still move */
	assert_int_equal(apply(fx, &patch_point, fx->point_a, "{\"village_code\":\"513423100202\"}",
			       &change, &err),
			 0);
	json_decref(change);
}

static void test_sku(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	json_t *change;
	int64_t sku, pear, pear_grade;
	struct grade_in g = {"A", "一级", 1};
	struct product_in p = {.code = "PEAR", .name = "梨", .shelf_life_days = 30, .grades = &g,
			       .ngrades = 1};
	assert_int_equal(product_create(fx->db, &p, &pear, &err), 0);
	pear_grade = num(fx->db, "SELECT id FROM grades WHERE product_id = ?", pear);
	struct sku_in s = {.code = "APL-5", .name = "苹果 5kg", .product_id = fx->product,
			   .grade_id = fx->g80, .net_g = 5000, .gross_g = 5500};
	assert_int_equal(sku_create(fx->db, &s, &sku, &err), 0);
	char text[64];
	snprintf(text, sizeof(text), "{\"grade_id\":%lld}", (long long)pear_grade);
	assert_int_equal(apply(fx, &patch_sku, sku, text, &change, &err), -1);
	assert_string_equal(err.field, "grade_id");
	assert_int_equal(apply(fx, &patch_sku, sku, "{\"gross_g\":4000}", &change, &err), -1);
	assert_string_equal(err.field, "gross_g");
	assert_int_equal(apply(fx, &patch_sku, sku, "{\"net_g\":4800,\"unit_name\":\"盒\"}", &change,
			       &err),
			 0);
	json_decref(change);
	assert_int_equal(num(fx->db, "SELECT net_g FROM skus WHERE id = ?", sku), 4800);
	/* once a lot of this SKU exists its grams per unit are history */
	struct stmt *st;
	assert_int_equal(store_prepare(fx->db,
				       "INSERT INTO lots (code, kind, product_id, sku_id, harvest_date, "
				       "expires_on, initial_g, created_at) VALUES ('L-SKU', 'packed', "
				       "?, ?, '2026-11-01', '2026-12-31', 4800, 0)",
				       &st),
			 0);
	stmt_bind_int(st, 1, fx->product);
	stmt_bind_int(st, 2, sku);
	assert_int_equal(stmt_step(st), STORE_DONE);
	stmt_finalize(st);
	assert_int_equal(apply(fx, &patch_sku, sku, "{\"net_g\":4000}", &change, &err), -1);
	assert_int_equal(err.status, 409);
	assert_int_equal(apply(fx, &patch_sku, sku, "{\"net_g\":4800,\"name\":\"苹果\"}", &change,
			       &err),
			 0);
	json_decref(change);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_household, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(test_refusals_change_nothing, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(test_village_fixed_once_used, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(test_sku, cfx_setup, cfx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
