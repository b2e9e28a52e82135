/*
 * Trace and figures on a season made by the services themselves (the
 * collection fixture, test_collection_fixture.h, then collection_create,
 * transfer_send/receive, packing_create, payment_create) rather than by hand
 * written rows: proves the trace queries read what the real write paths
 * write — receipts linked to their source lots, packed lots with their
 * shares, places named without NBS suffixes, an order allocated, packed,
 * shipped and delivered (order_submit, parcel_create, parcel_ship,
 * delivery_confirm) — and that the figures equal the amounts the services
 * computed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "app/figures.h"
#include "app/fulfil.h"
#include "app/orders.h"
#include "app/packing.h"
#include "app/trace.h"
#include "app/transfers.h"
#include "test_collection_fixture.h"

struct flow {
	struct collection_out c[3];
	struct packing_result pack;
};

/* Three deliveries (two points), both points' lots sent to the warehouse and
 * received, all three packed into 5 kg boxes. */
static void make_season(struct cfx *fx, struct flow *f)
{
	struct app_err err;
	int64_t hh[3] = {fx->hh1, fx->hh2, fx->hh_b};
	int64_t pt[3] = {fx->point_a, fx->point_a, fx->point_b};
	int64_t gross[3] = {21000, 11000, 10500}, tare[3] = {1000, 1000, 500};
	for (int i = 0; i < 3; i++) {
		struct collection_in in = cfx_delivery(fx, pt[i], hh[i], fx->g80, gross[i], tare[i],
						       cfx_at(2026, 11, 3 + i));
		if (collection_create(fx->db, &in, &f->c[i], &err))
			cfx_die("collection", &err);
	}
	for (int p = 0; p < 2; p++) {
		struct transfer_line_in lines[2];
		int n = 0;
		for (int i = 0; i < 3; i++)
			if (pt[i] == (p ? fx->point_b : fx->point_a))
				lines[n++] = (struct transfer_line_in){f->c[i].lot_id, f->c[i].net_g};
		int64_t id;
		char code[32];
		if (transfer_send(fx->db, p ? fx->point_b : fx->point_a, fx->wh, lines, n, 0, &id, code,
				  &err) ||
		    transfer_receive(fx->db, id, NULL, 0, 0, &err))
			cfx_die("transfer", &err);
	}
	struct sku_in sku = {.code = "YY-APL-80-5", .name = "盐源苹果 5kg", .product_id = fx->product,
			     .grade_id = fx->g80, .net_g = 5000, .gross_g = 5500};
	int64_t sku_id;
	if (sku_create(fx->db, &sku, &sku_id, &err))
		cfx_die("sku", &err);
	/* 20000 + 10000 + 10000 g in: 7 boxes (35000 g), 4000 g graded out, 1000 g lost */
	struct pack_input in[3] = {{f->c[0].lot_id, 20000}, {f->c[1].lot_id, 10000},
				   {f->c[2].lot_id, 10000}};
	struct pack_output out = {sku_id, 7};
	struct pack_loss loss[2] = {{"gradeout", 4000, "小果"}, {"loss", 1000, "损耗"}};
	struct packing_in p = {.warehouse_id = fx->wh, .packed_on = "2026-11-08", .inputs = in,
			       .ninputs = 3, .outputs = &out, .noutputs = 1, .losses = loss,
			       .nlosses = 2};
	if (packing_create(fx->db, &p, 0, &f->pack, &err))
		cfx_die("packing", &err);
}

static void test_packed_lot_from_services(void **state)
{
	struct cfx *fx = *state;
	struct flow f;
	struct app_err err;
	json_t *o = NULL;
	make_season(fx, &f);
	assert_int_equal(f.pack.nlots, 1);
	assert_int_equal(trace_lot(fx->db, f.pack.lot_codes[0], false, &o, &err), 0);
	json_t *src = json_object_get(o, "sources");
	assert_int_equal(json_array_size(src), 3);
	/* the shares add up to the packed lot */
	assert_int_equal(json_integer_value(json_object_get(o, "sources_total_g")),
			 json_integer_value(json_object_get(json_object_get(o, "lot"), "initial_g")));
	size_t i;
	json_t *s;
	int seen = 0;
	json_array_foreach(src, i, s) {
		json_t *c = json_array_get(json_object_get(s, "collections"), 0);
		for (int k = 0; k < 3; k++)
			if (!strcmp(json_string_value(json_object_get(c, "code")), f.c[k].code))
				seen |= 1 << k;
		json_t *place = json_object_get(s, "place");
		const char *v = json_string_value(json_object_get(place, "village"));
		assert_true(!strcmp(v, "甲村") || !strcmp(v, "乙村"));
		assert_string_equal(json_string_value(json_object_get(place, "township")), "盐井镇");
		assert_null(json_object_get(json_object_get(s, "household"), "head_name"));
	}
	assert_int_equal(seen, 7); /* every receipt found behind its source lot */
	json_decref(o);

	assert_int_equal(trace_public(fx->db, f.pack.lot_codes[0], &o, &err), 0);
	char *text = json_dumps(o, 0);
	assert_non_null(strstr(text, "甲村"));
	assert_non_null(strstr(text, "乙村"));
	assert_null(strstr(text, "吉克阿依"));
	assert_null(strstr(text, "13812345678"));
	assert_null(strstr(text, "村民委员会"));
	free(text);
	json_decref(o);
}

static void test_figures_from_services(void **state)
{
	struct cfx *fx = *state;
	struct flow f;
	struct app_err err;
	make_season(fx, &f);
	struct payment_in pay = {.household_id = fx->hh1, .amount_fen = 5000, .method = "cash",
				 .at_ms = cfx_at(2026, 11, 9)};
	struct payment_out po;
	assert_int_equal(payment_create(fx->db, &pay, &po, &err), 0);
	struct fig_filter nov = {.from = "2026-11-01", .to = "2026-11-30"};
	json_t *rows = NULL;
	assert_int_equal(figures_records(fx->db, FIG_PURCHASES, &nov, &rows, &err), 0);
	json_t *s = figures_summary(FIG_PURCHASES, rows, &nov);
	int64_t bought = f.c[0].amount_fen + f.c[1].amount_fen + f.c[2].amount_fen;
	assert_int_equal(json_integer_value(json_object_get(s, "purchases_fen")), bought);
	assert_int_equal(json_integer_value(json_object_get(s, "purchases_g")), 20000 + 10000 + 10000);
	/* owed: every household's balance, hh1 less the payment (all positive here) */
	assert_int_equal(json_integer_value(json_object_get(s, "owed_fen")), bought - 5000);
	assert_int_equal(json_integer_value(json_object_get(s, "owed_fen")),
			 cfx_balance(fx->db, fx->hh1) + cfx_balance(fx->db, fx->hh2) +
				 cfx_balance(fx->db, fx->hh_b));
	json_decref(s);
	json_decref(rows);
	assert_int_equal(figures_records(fx->db, FIG_PAYMENTS, &nov, &rows, &err), 0);
	s = figures_summary(FIG_PAYMENTS, rows, &nov);
	assert_int_equal(json_integer_value(json_object_get(s, "paid_fen")), 5000);
	assert_int_equal(json_integer_value(json_object_get(s, "lifted_households_paid")), 1);
	json_decref(s);
	json_decref(rows);
}

/* Order 2 boxes on 10 Nov (a customer in the origin county: direct parcel from
 * the origin warehouse), pack, ship for 9.00 yuan, delivered on 12 Nov. */
static void order_and_deliver(struct cfx *fx, char parcel_code[32])
{
	struct app_err err;
	struct channel_in ch = {.code = "LIVE", .name = "直播", .kind = "livestream"};
	int64_t channel, parcel;
	if (channel_create(fx->db, &ch, &channel, &err))
		cfx_die("channel", &err);
	struct order_line_in line = {"YY-APL-80-5", 2, 6800};
	struct order_in in = {.order_no = "L-1", .name = "顾客乙", .phone = "13700001234",
			      .address = "盐源县某街 1 号", .division_code = "513423",
			      .ordered_at_ms = cfx_at(2026, 11, 10), .lines = &line, .nlines = 1};
	struct order_result res;
	struct order_ctx *ctx = order_ctx_new(fx->db, "2026-11-10");
	if (order_submit(ctx, channel, &in, 0, 0, &res, &err))
		cfx_die("order", &err);
	order_ctx_free(ctx);
	bool changed;
	int64_t wh;
	if (parcel_create(fx->db, res.id, fx->wh, NULL, 0, &parcel, parcel_code, &err) ||
	    parcel_ship(fx->db, parcel, "SF", "SF100", 900, 0, 0, &err))
		cfx_die("fulfil", &err);
	/* parcel_ship stamps the wall clock; the season is in November 2026 */
	char sql[96];
	snprintf(sql, sizeof(sql), "UPDATE parcels SET shipped_at = %lld WHERE id = ?",
		 (long long)cfx_at(2026, 11, 11));
	int64_t unused;
	if (store_query_int(fx->db, sql, parcel, &unused) ||
	    delivery_confirm(fx->db, "SF", "SF100", cfx_at(2026, 11, 12), &changed, &wh, &err))
		cfx_die("delivery", &err);
}

static json_int_t figure_int(struct store *db, enum fig_metric m, const char *k1, const char *k2)
{
	struct fig_filter nov = {.from = "2026-11-01", .to = "2026-11-30"};
	struct app_err err;
	json_t *rows = NULL;
	assert_int_equal(figures_records(db, m, &nov, &rows, &err), 0);
	json_t *s = figures_summary(m, rows, &nov);
	json_t *v = k2 ? json_object_get(json_object_get(s, k1), k2) : json_object_get(s, k1);
	assert_true(json_is_integer(v));
	json_int_t out = json_integer_value(v);
	json_decref(s);
	json_decref(rows);
	return out;
}

static void test_parcel_from_services(void **state)
{
	struct cfx *fx = *state;
	struct flow f;
	struct app_err err;
	char parcel[32];
	json_t *o = NULL;
	make_season(fx, &f);
	order_and_deliver(fx, parcel);
	assert_int_equal(trace_parcel(fx->db, parcel, false, &o, &err), 0);
	json_t *hh = json_object_get(o, "households");
	int64_t grams = 0;
	size_t i;
	json_t *h;
	json_array_foreach(hh, i, h) grams += json_integer_value(json_object_get(h, "grams"));
	assert_int_equal(json_array_size(hh), 3);
	assert_int_equal(grams, 10000); /* 2 boxes of 5 kg, split among the three households */
	json_decref(o);
	assert_int_equal(trace_public(fx->db, parcel, &o, &err), 0);
	assert_string_equal(json_string_value(json_object_get(o, "kind")), "parcel");
	char *text = json_dumps(o, 0);
	assert_null(strstr(text, "顾客乙"));
	assert_null(strstr(text, "13700001234"));
	free(text);
	json_decref(o);

	assert_int_equal(figure_int(fx->db, FIG_SALES, "sales_fen", NULL), 13600);
	assert_int_equal(figure_int(fx->db, FIG_SOLD, "sold_g", NULL), 10000);
	assert_int_equal(figure_int(fx->db, FIG_LOGISTICS, "direct", "cost_fen"), 900);
	assert_int_equal(figure_int(fx->db, FIG_LOGISTICS, "direct", "delivered_g"), 10000);
	assert_int_equal(figure_int(fx->db, FIG_LOGISTICS, "direct", "fen_per_kg"), 90);
	assert_int_equal(figure_int(fx->db, FIG_DELIVERY, "orders", NULL), 1);
	assert_int_equal(figure_int(fx->db, FIG_DELIVERY, "within_3_days", NULL), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_packed_lot_from_services, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(test_figures_from_services, cfx_setup, cfx_teardown),
		cmocka_unit_test_setup_teardown(test_parcel_from_services, cfx_setup, cfx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
