/*
 * Unit tests of village collection: the pure rules in src/core/collection.c
 * (jin/kg prices, rounding once per entry, reversal and payment checks) and
 * the services in src/app/collection.c and payments.c over a real in-memory
 * SQLite store (price in force, source lot and stock, ledger, reversals,
 * payments never above the balance, balances exact over many random entries).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_collection_fixture.h"

#include "core/collection.h"
#include "lib/money.h"

/* ---- core rules ---- */

static void test_price_units(void **state)
{
	(void)state;
	int64_t v;
	enum price_unit u;
	assert_int_equal(price_to_per_kg(PRICE_PER_JIN, 175, &v), 0);
	assert_int_equal(v, 350);
	assert_int_equal(price_to_per_kg(PRICE_PER_KG, 175, &v), 0);
	assert_int_equal(v, 175);
	assert_int_equal(price_to_per_kg(PRICE_PER_KG, -1, &v), -1);
	assert_int_equal(price_from_per_kg(PRICE_PER_JIN, 350, &v), COLL_OK);
	assert_int_equal(v, 175);
	assert_int_equal(price_from_per_kg(PRICE_PER_JIN, 301, &v), COLL_PRICE_NOT_PER_JIN);
	assert_int_equal(price_check_entered(PRICE_PER_JIN, 175, 350), COLL_OK);
	assert_int_equal(price_check_entered(PRICE_PER_KG, 350, 350), COLL_OK);
	assert_int_equal(price_check_entered(PRICE_PER_KG, 351, 350), COLL_PRICE_DIFFERS);
	assert_int_equal(price_check_entered(PRICE_PER_JIN, 350, 350), COLL_PRICE_DIFFERS);
	assert_int_equal(price_unit_parse("jin", &u), 0);
	assert_int_equal(u, PRICE_PER_JIN);
	assert_int_equal(price_unit_parse("KG", &u), -1);
	assert_string_equal(price_unit_name(PRICE_PER_JIN), "jin");
}

static void test_amount_rounds_once(void **state)
{
	(void)state;
	struct coll_amounts a;
	/* 12.345 kg x 3.50 yuan/kg = 43.2075 yuan -> 4321 fen */
	assert_int_equal(collection_compute(13345, 1000, 350, &a), COLL_OK);
	assert_int_equal(a.net_g, 12345);
	assert_int_equal(a.amount_fen, 4321);
	/* the same at 1.75 yuan/jin: the per-jin price converts exactly */
	int64_t per_kg;
	assert_int_equal(price_to_per_kg(PRICE_PER_JIN, 175, &per_kg), 0);
	assert_int_equal(collection_compute(13345, 1000, per_kg, &a), COLL_OK);
	assert_int_equal(a.amount_fen, 4321);
	/* exactly half a fen rounds away from zero: 1 g at 5.00 yuan/kg = 0.5 fen */
	assert_int_equal(collection_compute(1, 0, 500, &a), COLL_OK);
	assert_int_equal(a.amount_fen, 1);
	/* 0.499 fen rounds down */
	assert_int_equal(collection_compute(1, 0, 499, &a), COLL_OK);
	assert_int_equal(a.amount_fen, 0);
	/* rounding once per entry, not per kg: 999 g at 1 fen/kg = 0.999 -> 1 */
	assert_int_equal(collection_compute(999, 0, 1, &a), COLL_OK);
	assert_int_equal(a.amount_fen, 1);
	/* large but legal: 5 tonnes at 100000 yuan/kg */
	assert_int_equal(collection_compute(COLLECTION_MAX_GROSS_G, 0, 10000000, &a), COLL_OK);
	assert_int_equal(a.amount_fen, 50000000000LL);
}

static void test_weight_rules(void **state)
{
	(void)state;
	struct coll_amounts a;
	assert_int_equal(collection_compute(0, 0, 350, &a), COLL_GROSS_RANGE);
	assert_int_equal(collection_compute(COLLECTION_MAX_GROSS_G + 1, 0, 350, &a),
			 COLL_GROSS_RANGE);
	assert_int_equal(collection_compute(1000, -1, 350, &a), COLL_TARE_RANGE);
	assert_int_equal(collection_compute(1000, 1000, 350, &a), COLL_NET_NOT_POSITIVE);
	assert_int_equal(collection_compute(1000, 0, -1, &a), COLL_PRICE_RANGE);
	char kg[32];
	grams_format_kg(12345, kg, sizeof(kg));
	assert_string_equal(kg, "12.345");
	grams_format_kg(-500, kg, sizeof(kg));
	assert_string_equal(kg, "-0.500");
	grams_format_kg(7, kg, sizeof(kg));
	assert_string_equal(kg, "0.007");
}

static void test_reverse_and_pay_rules(void **state)
{
	(void)state;
	struct reversal_state s = {.lot_initial_g = 1000, .lot_at_point_g = 1000};
	assert_int_equal(collection_may_reverse(&s), COLL_OK);
	s.lot_at_point_g = 999;
	assert_int_equal(collection_may_reverse(&s), COLL_LOT_MOVED);
	s.lot_at_point_g = 1000;
	s.lot_other_moves = 1;
	assert_int_equal(collection_may_reverse(&s), COLL_LOT_MOVED);
	s.lot_other_moves = 0;
	s.already_reversed = true;
	assert_int_equal(collection_may_reverse(&s), COLL_ALREADY_REVERSED);
	s.is_reversal = true;
	assert_int_equal(collection_may_reverse(&s), COLL_IS_REVERSAL);

	assert_int_equal(payment_check(100, 100, false, false), COLL_OK);
	assert_int_equal(payment_check(101, 100, false, false), PAY_EXCEEDS_BALANCE);
	assert_int_equal(payment_check(0, 100, false, false), PAY_AMOUNT_RANGE);
	assert_int_equal(payment_check(-5, 100, false, false), PAY_AMOUNT_RANGE);
	assert_int_equal(payment_check(50, 100, true, false), PAY_REFERENCE_MISSING);
	assert_int_equal(payment_check(50, 100, true, true), COLL_OK);
	assert_string_equal(coll_rule_en(COLL_ALREADY_REVERSED), "already reversed");
}

/* ---- services over the store ---- */

static int64_t count(struct store *db, const char *sql, int64_t param)
{
	int64_t n = -1;
	assert_int_equal(store_query_int(db, sql, param, &n), 0);
	return n;
}

static void test_create_collection(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	struct collection_out out;
	struct collection_in in = cfx_delivery(fx, fx->point_a, fx->hh1, fx->g80, 13345, 1000,
					       cfx_at(2026, 11, 10));
	assert_int_equal(collection_create(fx->db, &in, &out, &err), 0);
	assert_int_equal(out.net_g, 12345);
	assert_int_equal(out.price_fen_per_kg, 350);
	assert_int_equal(out.amount_fen, 4321);
	assert_int_equal(out.balance_fen, 4321);
	assert_true(out.code[0] == 'R' && strlen(out.code) == 11);
	assert_true(out.lot_code[0] == 'S');
	/* the source lot, its stock at the point and the ledger row */
	assert_int_equal(count(fx->db, "SELECT initial_g FROM lots WHERE id = ?", out.lot_id), 12345);
	int64_t at_point;
	struct stock_loc loc = {LOC_POINT, fx->point_a};
	assert_int_equal(stock_available(fx->db, out.lot_id, loc, &at_point), 0);
	assert_int_equal(at_point, 12345);
	assert_int_equal(count(fx->db, "SELECT amount_fen FROM household_ledger WHERE ref_id = ?",
			       out.id),
			 4321);
	json_t *c;
	assert_int_equal(collection_get(fx->db, out.id, &c, &err), 0);
	assert_string_equal(json_string_value(json_object_get(c, "collected_on")), "2026-11-10");
	assert_string_equal(json_string_value(json_object_get(c, "harvest_date")), "2026-11-10");
	assert_string_equal(json_string_value(json_object_get(c, "price_unit")), "kg");
	assert_string_equal(json_string_value(json_object_get(c, "lot_code")), out.lot_code);
	json_decref(c);
	/* the lot expires shelf life after harvest */
	struct stmt *st;
	assert_int_equal(store_prepare(fx->db, "SELECT expires_on FROM lots WHERE id = ?", &st), 0);
	stmt_bind_int(st, 1, out.lot_id);
	assert_int_equal(stmt_step(st), STORE_ROW);
	assert_string_equal(stmt_text(st, 0), "2027-01-09");
	stmt_finalize(st);
}

static void test_price_in_force_and_entered(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	struct collection_out out;
	/* before any price: refused with no_price */
	struct collection_in in = cfx_delivery(fx, fx->point_a, fx->hh1, fx->g80, 2000, 0,
					       cfx_at(2026, 10, 31));
	assert_int_equal(collection_create(fx->db, &in, &out, &err), -1);
	assert_string_equal(err.code, "no_price");
	/* on the day a new price starts, it applies */
	in.at_ms = cfx_at(2026, 11, 15);
	assert_int_equal(collection_create(fx->db, &in, &out, &err), 0);
	assert_int_equal(out.price_fen_per_kg, 360);
	in.at_ms = cfx_at(2026, 11, 14);
	assert_int_equal(collection_create(fx->db, &in, &out, &err), 0);
	assert_int_equal(out.price_fen_per_kg, 350);
	/* a typed per-jin price equal to the one in force is accepted */
	in.unit = PRICE_PER_JIN;
	in.has_price = true;
	in.price_entered_fen = 175;
	assert_int_equal(collection_create(fx->db, &in, &out, &err), 0);
	assert_int_equal(out.amount_fen, 700);
	/* a typed price that differs is refused: collectors do not set prices */
	int64_t before = count(fx->db, "SELECT COUNT(*) FROM collections", 0);
	in.price_entered_fen = 180;
	assert_int_equal(collection_create(fx->db, &in, &out, &err), -1);
	assert_int_equal(err.status, 422);
	assert_string_equal(err.code, "price_mismatch");
	assert_string_equal(err.field, "price_entered_fen");
	assert_int_equal(count(fx->db, "SELECT COUNT(*) FROM collections", 0), before);
	/* an odd per-kg price (3.01) has no per-jin form: stored per kg */
	in = cfx_delivery(fx, fx->point_a, fx->hh1, fx->g75, 1500, 0, cfx_at(2026, 11, 14));
	in.unit = PRICE_PER_JIN;
	assert_int_equal(collection_create(fx->db, &in, &out, &err), 0);
	assert_int_equal(out.amount_fen, 452); /* 1.5 kg x 3.01 = 4.515 -> 4.52 */
	assert_int_equal(count(fx->db,
			       "SELECT COUNT(*) FROM collections WHERE id = ? AND price_unit = 'kg'",
			       out.id),
			 1);
}

static void test_collection_refusals(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	struct collection_out out;
	struct collection_in in = cfx_delivery(fx, fx->point_a, fx->hh_b, fx->g80, 2000, 100,
					       cfx_at(2026, 11, 10));
	assert_int_equal(collection_create(fx->db, &in, &out, &err), -1); /* other village */
	assert_string_equal(err.field, "household_id");
	in.household_id = fx->hh1;
	in.tare_g = 2000;
	assert_int_equal(collection_create(fx->db, &in, &out, &err), -1);
	assert_string_equal(err.field, "tare_g");
	in.tare_g = 0;
	in.harvest_date = "2026-11-11";
	assert_int_equal(collection_create(fx->db, &in, &out, &err), -1);
	assert_string_equal(err.field, "harvest_date");
	in.harvest_date = "2026-08-01"; /* beyond the 60-day shelf life */
	assert_int_equal(collection_create(fx->db, &in, &out, &err), -1);
	assert_string_equal(err.field, "harvest_date");
	in.harvest_date = NULL;
	in.collected_on = "2026-11-11"; /* tomorrow */
	assert_int_equal(collection_create(fx->db, &in, &out, &err), -1);
	assert_string_equal(err.field, "collected_on");
	in.collected_on = NULL;
	in.product_id = fx->product + 100;
	assert_int_equal(collection_create(fx->db, &in, &out, &err), -1);
	assert_string_equal(err.field, "grade_id");
	assert_int_equal(count(fx->db, "SELECT COUNT(*) FROM collections", 0), 0);
	assert_int_equal(count(fx->db, "SELECT COUNT(*) FROM lots", 0), 0);
}

static void test_reversal(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	struct collection_out a, b, rev;
	struct collection_in in = cfx_delivery(fx, fx->point_a, fx->hh1, fx->g80, 10000, 500,
					       cfx_at(2026, 11, 10));
	assert_int_equal(collection_create(fx->db, &in, &a, &err), 0);
	in.gross_g = 7777;
	assert_int_equal(collection_create(fx->db, &in, &b, &err), 0);
	int64_t before = cfx_balance(fx->db, fx->hh1);
	assert_int_equal(before, a.amount_fen + b.amount_fen);
	assert_int_equal(collection_reverse(fx->db, b.id, 0, cfx_at(2026, 11, 12), "typo", &rev,
					    &err),
			 0);
	assert_int_equal(rev.amount_fen, -b.amount_fen);
	assert_int_equal(rev.net_g, -b.net_g);
	assert_int_equal(rev.balance_fen, a.amount_fen);
	assert_int_equal(cfx_balance(fx->db, fx->hh1), a.amount_fen);
	/* the lot is void and its stock gone from the point */
	int64_t left;
	struct stock_loc loc = {LOC_POINT, fx->point_a};
	stock_available(fx->db, b.lot_id, loc, &left);
	assert_int_equal(left, 0);
	assert_int_equal(count(fx->db, "SELECT COUNT(*) FROM lots WHERE id = ? AND status = 'void'",
			       b.lot_id),
			 1);
	/* reversing twice, or reversing the reversal, is refused and changes nothing */
	int64_t rows = count(fx->db, "SELECT COUNT(*) FROM household_ledger", 0);
	assert_int_equal(collection_reverse(fx->db, b.id, 0, cfx_at(2026, 11, 12), NULL, &rev, &err),
			 -1);
	assert_int_equal(err.status, 409);
	assert_string_equal(err.message_en, "already reversed");
	struct collection_out again;
	assert_int_equal(collection_reverse(fx->db, rev.id, 0, cfx_at(2026, 11, 12), NULL, &again,
					    &err),
			 -1);
	assert_int_equal(err.status, 409);
	assert_int_equal(count(fx->db, "SELECT COUNT(*) FROM household_ledger", 0), rows);
	assert_int_equal(collection_reverse(fx->db, 9999, 0, cfx_at(2026, 11, 12), NULL, &rev, &err),
			 -1);
	assert_int_equal(err.status, 404);
}

static void test_reversal_after_lot_moved(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	struct collection_out a, rev;
	struct collection_in in = cfx_delivery(fx, fx->point_a, fx->hh1, fx->g80, 10000, 0,
					       cfx_at(2026, 11, 10));
	assert_int_equal(collection_create(fx->db, &in, &a, &err), 0);
	struct stock_loc point = {LOC_POINT, fx->point_a}, wh = {LOC_WAREHOUSE, fx->wh};
	assert_int_equal(stock_move(fx->db, a.lot_id, point, wh, 4000, "transfer", "transfer", 1, 0,
				    &err),
			 0);
	assert_int_equal(collection_reverse(fx->db, a.id, 0, cfx_at(2026, 11, 11), NULL, &rev, &err),
			 -1);
	assert_int_equal(err.status, 409);
	assert_non_null(strstr(err.message_en, "left the collection point"));
	/* even when it has all come back, its history says it moved */
	assert_int_equal(stock_move(fx->db, a.lot_id, wh, point, 4000, "transfer", "transfer", 1, 0,
				    &err),
			 0);
	assert_int_equal(collection_reverse(fx->db, a.id, 0, cfx_at(2026, 11, 11), NULL, &rev, &err),
			 -1);
	assert_int_equal(cfx_balance(fx->db, fx->hh1), a.amount_fen);
}

static void test_payments(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	struct collection_out a;
	struct payment_out p, pr;
	struct collection_in in = cfx_delivery(fx, fx->point_a, fx->hh1, fx->g80, 10500, 500,
					       cfx_at(2026, 11, 10));
	assert_int_equal(collection_create(fx->db, &in, &a, &err), 0);
	assert_int_equal(a.amount_fen, 3500);
	struct payment_in pay = {.household_id = fx->hh1, .amount_fen = 3501, .method = "cash",
				 .at_ms = cfx_at(2026, 11, 11)};
	assert_int_equal(payment_create(fx->db, &pay, &p, &err), -1);
	assert_string_equal(err.code, "exceeds_balance");
	assert_int_equal(count(fx->db, "SELECT COUNT(*) FROM payments", 0), 0);
	pay.method = "bank";
	pay.amount_fen = 1000;
	assert_int_equal(payment_create(fx->db, &pay, &p, &err), -1);
	assert_string_equal(err.field, "reference");
	pay.reference = "ABC-123";
	assert_int_equal(payment_create(fx->db, &pay, &p, &err), 0);
	assert_int_equal(p.balance_fen, 2500);
	pay.method = "cash";
	pay.reference = NULL;
	pay.amount_fen = 2500;
	assert_int_equal(payment_create(fx->db, &pay, &p, &err), 0);
	assert_int_equal(p.balance_fen, 0);
	int64_t paid_id = p.id;
	pay.amount_fen = 1;
	assert_int_equal(payment_create(fx->db, &pay, &p, &err), -1);
	/* reversing a payment needs a reason; then owed again; once only */
	assert_int_equal(payment_reverse(fx->db, paid_id, " ", 0, cfx_at(2026, 11, 12), &pr, &err),
			 -1);
	assert_int_equal(err.status, 422);
	assert_string_equal(err.field, "reason");
	assert_int_equal(payment_reverse(fx->db, paid_id, "bank returned it", 0,
					 cfx_at(2026, 11, 12), &pr, &err),
			 0);
	assert_int_equal(pr.amount_fen, -2500);
	assert_int_equal(pr.balance_fen, 2500);
	char stored[40] = "";
	struct stmt *rs;
	assert_int_equal(store_prepare(fx->db, "SELECT reason FROM payments WHERE id = ?", &rs), 0);
	stmt_bind_int(rs, 1, pr.id);
	assert_int_equal(stmt_step(rs), STORE_ROW);
	snprintf(stored, sizeof(stored), "%s", stmt_text(rs, 0));
	stmt_finalize(rs);
	assert_string_equal(stored, "bank returned it");
	assert_int_equal(payment_reverse(fx->db, paid_id, "again", 0, cfx_at(2026, 11, 12), &pr,
					 &err),
			 -1);
	assert_int_equal(payment_reverse(fx->db, pr.id, "again", 0, cfx_at(2026, 11, 12), &pr, &err),
			 -1);
	assert_int_equal(err.status, 409);
	/* payables: hh1 is owed 25.00 yuan, nobody else anything */
	json_t *list;
	struct list_filter f = {0};
	struct point_scope all = {NULL, 0};
	assert_int_equal(payables_list(fx->db, &f, all, &list, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 1);
	assert_int_equal(json_integer_value(json_object_get(list, "total_fen")), 2500);
	json_decref(list);
	int64_t other = fx->point_b;
	struct point_scope scope_b = {&other, 1};
	assert_int_equal(payables_list(fx->db, &f, scope_b, &list, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 0);
	json_decref(list);
}

/* A small deterministic generator, so a failure can be replayed. */
static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void test_random_balances_exact(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	int64_t hh[2] = {fx->hh1, fx->hh2};
	int64_t expect[2] = {0, 0};
	int64_t ids[400], amounts[400], owners[400];
	int n = 0;
	for (int i = 0; i < 1000; i++) {
		int who = (int)(rng() % 2);
		int64_t at = cfx_at(2026, 11, 1 + (int)(i / 50));
		int op = (int)(rng() % 10);
		if (op < 5 && n < 400) {
			struct collection_in in = cfx_delivery(
				fx, fx->point_a, hh[who], rng() % 3 ? fx->g80 : fx->g75,
				1 + (int64_t)(rng() % 80000), 0, at);
			in.tare_g = (int64_t)(rng() % (uint64_t)in.gross_g);
			in.unit = rng() % 2 ? PRICE_PER_JIN : PRICE_PER_KG;
			struct collection_out out;
			assert_int_equal(collection_create(fx->db, &in, &out, &err), 0);
			/* the amount is the rule applied to the stored figures */
			int64_t want;
			assert_int_equal(amount_for_weight(in.gross_g - in.tare_g,
							   out.price_fen_per_kg, &want),
					 0);
			assert_int_equal(out.amount_fen, want);
			expect[who] += out.amount_fen;
			ids[n] = out.id;
			amounts[n] = out.amount_fen;
			owners[n++] = who;
		} else if (op < 7 && n > 0) {
			int k = (int)(rng() % (uint64_t)n);
			struct collection_out rev;
			int rc = collection_reverse(fx->db, ids[k], 0, at, NULL, &rev, &err);
			if (rc == 0)
				expect[owners[k]] -= amounts[k];
			else
				assert_int_equal(err.status, 409); /* reversed already */
		} else {
			struct payment_in pay = {.household_id = hh[who], .method = "cash",
						 .at_ms = at};
			pay.amount_fen = 1 + (int64_t)(rng() % 20000);
			struct payment_out p;
			int rc = payment_create(fx->db, &pay, &p, &err);
			if (pay.amount_fen <= expect[who]) {
				assert_int_equal(rc, 0);
				expect[who] -= pay.amount_fen;
			} else {
				assert_int_equal(rc, -1);
				assert_string_equal(err.code, "exceeds_balance");
			}
		}
		assert_int_equal(cfx_balance(fx->db, hh[who]), expect[who]);
	}
	/* the ledger agrees with the collections and payments tables */
	for (int w = 0; w < 2; w++) {
		int64_t owed = count(fx->db,
				     "SELECT COALESCE(SUM(amount_fen), 0) FROM collections WHERE "
				     "household_id = ?",
				     hh[w]);
		int64_t paid = count(fx->db,
				     "SELECT COALESCE(SUM(amount_fen), 0) FROM payments WHERE "
				     "household_id = ?",
				     hh[w]);
		assert_int_equal(owed - paid, expect[w]);
		assert_int_equal(cfx_balance(fx->db, hh[w]), expect[w]);
	}
}

static void test_scope_listing(void **state)
{
	struct cfx *fx = *state;
	struct app_err err;
	struct collection_out out;
	struct collection_in in = cfx_delivery(fx, fx->point_a, fx->hh1, fx->g80, 3000, 0,
					       cfx_at(2026, 11, 10));
	assert_int_equal(collection_create(fx->db, &in, &out, &err), 0);
	in = cfx_delivery(fx, fx->point_b, fx->hh_b, fx->g80, 3000, 0, cfx_at(2026, 11, 10));
	assert_int_equal(collection_create(fx->db, &in, &out, &err), 0);
	struct list_filter f = {0};
	int64_t only_b = fx->point_b;
	struct point_scope scope = {&only_b, 1}, all = {NULL, 0};
	json_t *list;
	assert_int_equal(collections_list(fx->db, &f, scope, &list, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 1);
	json_t *item = json_array_get(json_object_get(list, "items"), 0);
	assert_int_equal(json_integer_value(json_object_get(item, "point_id")), fx->point_b);
	json_decref(list);
	assert_int_equal(collections_list(fx->db, &f, all, &list, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 2);
	json_decref(list);
	assert_int_equal(households_list(fx->db, &f, scope, &list, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 1);
	json_decref(list);
	assert_true(household_in_scope(fx->db, fx->hh_b, scope));
	assert_false(household_in_scope(fx->db, fx->hh1, scope));
	assert_true(household_in_scope(fx->db, fx->hh1, all));
	f.from = "2026-11-11";
	assert_int_equal(collections_list(fx->db, &f, all, &list, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 0);
	json_decref(list);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_price_units),
		cmocka_unit_test(test_amount_rounds_once),
		cmocka_unit_test(test_weight_rules),
		cmocka_unit_test(test_reverse_and_pay_rules),
		cmocka_unit_test_setup_teardown(test_create_collection, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(test_price_in_force_and_entered, cfx_setup,
						cfx_teardown),
		cmocka_unit_test_setup_teardown(test_collection_refusals, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(test_reversal, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(test_reversal_after_lot_moved, cfx_setup,
						cfx_teardown),
		cmocka_unit_test_setup_teardown(test_payments, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(test_random_balances_exact, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(test_scope_listing, cfx_setup, cfx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
