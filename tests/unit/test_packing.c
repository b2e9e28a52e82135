/*
 * Unit tests of packing runs (src/app/packing.c) and adjustments
 * (src/app/adjustments.c) on a real SQLite store: a balanced run's
 * totals, output lots, expiry and largest-remainder trace shares; a run whose
 * grams do not agree recorded but flagged (never balanced by a computed
 * loss); a refused run rolled back by the caller's transaction leaving
 * nothing; adjustments by kind, never driving stock negative.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/adjustments.h"
#include "app/packing.h"
#include "test_stock_fixture.h"

static const struct stock_loc WH = {LOC_WAREHOUSE, FX_ORIGIN};

/* A source lot with grams at the origin warehouse. */
static int64_t source_at_warehouse(struct store *db, const char *code, int64_t hh,
				   const char *harvest, int64_t grams)
{
	struct app_err err;
	int64_t lot = fx_lot(db, code, "source", hh, 0, harvest, "2026-12-31", grams);
	assert_true(lot > 0);
	assert_int_equal(stock_add(db, lot, WH, grams, "collect", "", 0, 0, &err), 0);
	return lot;
}

static int64_t share_of(struct store *db, int64_t lot, int64_t source)
{
	struct stmt *st;
	int64_t v = -1;
	assert_int_equal(store_prepare(db, "SELECT share_g FROM lot_sources WHERE lot_id = ? AND source_lot_id = ?", &st), 0);
	stmt_bind_int(st, 1, lot);
	stmt_bind_int(st, 2, source);
	if (stmt_step(st) == STORE_ROW)
		v = stmt_int(st, 0);
	stmt_finalize(st);
	return v;
}

static void test_balanced_run(void **state)
{
	struct store *db = *state;
	struct app_err err;
	struct packing_result res;
	int64_t s1 = source_at_warehouse(db, "S1", FX_HH1, "2026-11-03", 6000);
	int64_t s2 = source_at_warehouse(db, "S2", FX_HH2, "2026-11-01", 4001);
	struct pack_input in[] = {{s1, 6000}, {s2, 4001}};
	struct pack_output out[] = {{FX_SKU, 1}, {FX_SKU_SMALL, 1}};
	struct pack_loss loss[] = {{"gradeout", 2000, "小果"}, {"loss", 501, "失水"}};
	struct packing_in p = {FX_ORIGIN, "2026-11-05", in, 2, out, 2, loss, 2, NULL};
	assert_int_equal(packing_create(db, &p, 0, &res, &err), 0);
	assert_true(res.balanced);
	assert_int_equal(res.difference_g, 0);
	assert_int_equal(res.nlots, 2);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM packings WHERE id = ? AND balanced = 1 AND input_g = 10001"
				      " AND output_g = 7500 AND gradeout_g = 2000 AND loss_g = 501", res.id), 1);
	/* 5000 g over 6000:4001 = 2999.70 : 2000.30 -> 3000 : 2000 */
	assert_int_equal(share_of(db, res.lot_ids[0], s1), 3000);
	assert_int_equal(share_of(db, res.lot_ids[0], s2), 2000);
	/* 2500 g -> 1499.85 : 1000.15 -> 1500 : 1000 */
	assert_int_equal(share_of(db, res.lot_ids[1], s1), 1500);
	assert_int_equal(share_of(db, res.lot_ids[1], s2), 1000);
	/* expiry from the earliest harvest (S2, 2026-11-01) + 30 days; flag ok */
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM lots WHERE id = ? AND expires_on = '2026-12-01'"
				      " AND harvest_date = '2026-11-01' AND mass_flag = 'ok' AND kind = 'packed'",
				  res.lot_ids[0]), 1);
	assert_int_equal(fx_stock(db, res.lot_ids[0], LOC_WAREHOUSE, FX_ORIGIN, 0), 5000);
	assert_int_equal(fx_stock(db, res.lot_ids[1], LOC_WAREHOUSE, FX_ORIGIN, 0), 2500);
	/* inputs emptied and consumed, each with a pack_in journal row */
	assert_int_equal(fx_stock(db, s1, LOC_WAREHOUSE, FX_ORIGIN, 0), 0);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM lots WHERE status = 'consumed' AND id <= ?", s2), 2);
	assert_int_equal(fx_count(db, "SELECT SUM(qty_g) FROM stock_moves WHERE reason = 'pack_in' AND ref_id = ?", res.id), 10001);
}

static void test_flagged_run(void **state)
{
	struct store *db = *state;
	struct app_err err;
	struct packing_result res;
	int64_t s1 = source_at_warehouse(db, "S1", FX_HH1, "2026-11-03", 10000);
	struct pack_input in[] = {{s1, 10000}};
	struct pack_output out[] = {{FX_SKU, 1}};
	struct pack_loss loss[] = {{"gradeout", 1000, "次果"}};
	struct packing_in p = {FX_ORIGIN, "2026-11-05", in, 1, out, 1, loss, 1, NULL};
	assert_int_equal(packing_create(db, &p, 0, &res, &err), 0);
	assert_false(res.balanced);
	assert_int_equal(res.difference_g, 4000);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM packings WHERE id = ? AND balanced = 0 AND loss_g = 0", res.id), 1);
	/* the gap is not filled by a computed loss row */
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM packing_losses WHERE packing_id = ?", res.id), 1);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM lots WHERE id = ? AND mass_flag = 'mismatch'", res.lot_ids[0]), 1);
	json_t *list;
	assert_int_equal(packings_list(db, 0, 0, (struct wh_scope){NULL, 0}, 10, 0, &list, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 1);
	json_decref(list);
	assert_int_equal(packings_list(db, 0, 1, (struct wh_scope){NULL, 0}, 10, 0, &list, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 0);
	json_decref(list);
}

static void test_refused_run_leaves_nothing(void **state)
{
	struct store *db = *state;
	struct app_err err;
	struct packing_result res;
	int64_t s1 = source_at_warehouse(db, "S1", FX_HH1, "2026-11-03", 3000);
	int64_t s2 = source_at_warehouse(db, "S2", FX_HH2, "2026-11-03", 3000);
	/* the second input asks for more than there is: fails after the run row was written */
	struct pack_input in[] = {{s1, 3000}, {s2, 3001}};
	struct pack_output out[] = {{FX_SKU, 1}};
	struct packing_in p = {FX_ORIGIN, "2026-11-05", in, 2, out, 1, NULL, 0, NULL};
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(packing_create(db, &p, 0, &res, &err), -1);
	assert_int_equal(store_rollback(db), 0);
	assert_int_equal(err.status, 409);
	assert_string_equal(err.code, "insufficient_stock");
	assert_string_equal(err.field, "inputs.used_g");
	assert_int_equal(err.row, 2);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM packings WHERE id > ?", 0), 0);
	assert_int_equal(fx_stock(db, s1, LOC_WAREHOUSE, FX_ORIGIN, 0), 3000);
	/* validation failures name the field and row before anything is written */
	struct pack_input neg[] = {{s1, -1}};
	p.inputs = neg;
	p.ninputs = 1;
	assert_int_equal(packing_create(db, &p, 0, &res, &err), -1);
	assert_int_equal(err.status, 422);
	assert_string_equal(err.field, "inputs.used_g");
	struct pack_input ok[] = {{s1, 1000}};
	struct pack_loss noreason[] = {{"loss", 5, ""}};
	p.inputs = ok;
	p.losses = noreason;
	p.nlosses = 1;
	assert_int_equal(packing_create(db, &p, 0, &res, &err), -1);
	assert_string_equal(err.field, "losses.reason");
	p.losses = NULL;
	p.nlosses = 0;
	p.warehouse_id = FX_SALES;
	assert_int_equal(packing_create(db, &p, 0, &res, &err), -1);
	assert_string_equal(err.field, "warehouse_id");
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM packings WHERE id > ?", 0), 0);
}

static void test_adjustments(void **state)
{
	struct store *db = *state;
	struct app_err err;
	struct adjustment_result res;
	int64_t pa = fx_lot(db, "PA", "packed", 0, FX_SKU, "2026-11-01", "2026-11-20", 10000);
	assert_int_equal(stock_add(db, pa, WH, 10000, "pack_out", "", 0, 0, &err), 0);
	struct adjustment_in in = {pa, FX_ORIGIN, "stocktake", 9200, 0, "月末盘点", "2026-11-10"};
	assert_int_equal(adjustment_create(db, &in, 0, &res, &err), 0);
	assert_int_equal(res.system_g, 10000);
	assert_int_equal(res.delta_g, -800);
	assert_int_equal(fx_stock(db, pa, LOC_WAREHOUSE, FX_ORIGIN, 0), 9200);
	/* expiry write-off before the lot expires: refused; after: allowed */
	struct adjustment_in exp = {pa, FX_ORIGIN, "expiry", 0, 200, "过期", "2026-11-20"};
	assert_int_equal(adjustment_create(db, &exp, 0, &res, &err), -1);
	assert_int_equal(err.status, 422);
	exp.today = "2026-11-21";
	assert_int_equal(adjustment_create(db, &exp, 0, &res, &err), 0);
	assert_int_equal(fx_stock(db, pa, LOC_WAREHOUSE, FX_ORIGIN, 0), 9000);
	/* reserved grams are never written off; more than there is: insufficient_stock */
	assert_int_equal(stock_reserve(db, pa, WH, 5000, &err), 0);
	struct adjustment_in sp = {pa, FX_ORIGIN, "spoilage", 0, 4001, "腐烂", "2026-11-10"};
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(adjustment_create(db, &sp, 0, &res, &err), -1);
	assert_int_equal(store_rollback(db), 0);
	assert_string_equal(err.code, "insufficient_stock");
	assert_int_equal(fx_stock(db, pa, LOC_WAREHOUSE, FX_ORIGIN, 0), 9000);
	struct adjustment_in take = {pa, FX_ORIGIN, "stocktake", 4999, 0, "盘点", "2026-11-10"};
	assert_int_equal(store_begin(db), 0);
	assert_int_equal(adjustment_create(db, &take, 0, &res, &err), -1);
	assert_int_equal(store_rollback(db), 0);
	assert_string_equal(err.code, "insufficient_stock");
	/* no reason: refused */
	struct adjustment_in bare = {pa, FX_ORIGIN, "found", 0, 100, "", "2026-11-10"};
	assert_int_equal(adjustment_create(db, &bare, 0, &res, &err), -1);
	assert_string_equal(err.field, "reason");
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM adjustments WHERE lot_id = ?", pa), 2);
	assert_int_equal(fx_count(db, "SELECT COUNT(*) FROM stock WHERE (qty_g < 0 OR reserved_g > qty_g) AND lot_id = ?", pa), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_balanced_run, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_flagged_run, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_refused_run_leaves_nothing, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_adjustments, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
