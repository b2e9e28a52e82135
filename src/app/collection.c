/*
 * Village collection over the store (see collection.h): validate a delivery
 * against the point, household, grade and price in force; create its source
 * lot, stock and ledger row; reverse it later if the lot has not moved.
 */
#include "app/collection.h"
#include "app/payments.h"
#include "app/catalogue.h"
#include "app/stock.h"
#include "lib/money.h"
#include "lib/timeutil.h"

#include <stdio.h>
#include <string.h>

/* Facts about the point, household and grade a delivery refers to. */
struct coll_refs {
	char point_village[16];
	char household_village[16];
	char household_code[40];
	int64_t cooperative_id;
	int64_t product_id;
	int64_t shelf_life_days;
};

static int fail_rule(struct app_err *err, int status, const char *field, enum coll_rule r)
{
	return app_fail(err, status, status == 409 ? "conflict" : "invalid", field,
			coll_rule_zh(r), "%s", coll_rule_en(r));
}

static int load_point(struct store *db, int64_t point_id, struct coll_refs *refs,
		      struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "SELECT village_code FROM collection_points WHERE id = ? AND active = 1",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, point_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		snprintf(refs->point_village, sizeof(refs->point_village), "%s", stmt_text(st, 0));
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 422, "invalid", "point_id", "收购点不存在或已停用",
				"collection point %lld does not exist or is inactive",
				(long long)point_id);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

static int load_household(struct store *db, int64_t household_id, struct coll_refs *refs,
			  struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "SELECT village_code, code, cooperative_id FROM households WHERE id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, household_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		snprintf(refs->household_village, sizeof(refs->household_village), "%s",
			 stmt_text(st, 0));
		snprintf(refs->household_code, sizeof(refs->household_code), "%s", stmt_text(st, 1));
		refs->cooperative_id = stmt_int(st, 2);
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 422, "invalid", "household_id", "农户不存在",
				"household %lld does not exist", (long long)household_id);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

static int load_grade(struct store *db, int64_t grade_id, struct coll_refs *refs,
		      struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "SELECT g.product_id, p.shelf_life_days FROM grades g "
			       "JOIN products p ON p.id = g.product_id WHERE g.id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, grade_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		refs->product_id = stmt_int(st, 0);
		refs->shelf_life_days = stmt_int(st, 1);
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 422, "invalid", "grade_id", "等级不存在",
				"grade %lld does not exist", (long long)grade_id);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

static int load_refs(struct store *db, const struct collection_in *in, struct coll_refs *refs,
		     struct app_err *err)
{
	if (load_point(db, in->point_id, refs, err) ||
	    load_household(db, in->household_id, refs, err) ||
	    load_grade(db, in->grade_id, refs, err))
		return -1;
	if (strcmp(refs->point_village, refs->household_village) != 0)
		return app_fail(err, 422, "invalid", "household_id", "该农户不属于收购点所在村",
				"household '%s' does not live in the village of collection point "
				"%lld",
				refs->household_code, (long long)in->point_id);
	if (in->product_id && in->product_id != refs->product_id)
		return app_fail(err, 422, "invalid", "grade_id", "等级不属于该产品",
				"grade %lld is not a grade of product %lld",
				(long long)in->grade_id, (long long)in->product_id);
	return 0;
}

/* The collection day and harvest date, checked; days as numbers too. */
struct coll_days {
	char collected_on[11], harvest_date[11], expires_on[11];
};

static int resolve_days(const struct collection_in *in, int64_t shelf_life_days,
			struct coll_days *d, struct app_err *err)
{
	int64_t today = shanghai_day_of(in->at_ms / 1000), day, harvest;
	if (in->collected_on) {
		if (date_parse(in->collected_on, strlen(in->collected_on), &day))
			return app_fail(err, 422, "invalid", "collected_on", "日期格式须为 YYYY-MM-DD",
					"collected_on '%s' must be YYYY-MM-DD", in->collected_on);
		if (day > today)
			return app_fail(err, 422, "invalid", "collected_on", "收购日期不能晚于今天",
					"collected_on '%s' is in the future", in->collected_on);
	} else {
		day = today;
	}
	harvest = day;
	if (in->harvest_date &&
	    date_parse(in->harvest_date, strlen(in->harvest_date), &harvest))
		return app_fail(err, 422, "invalid", "harvest_date", "日期格式须为 YYYY-MM-DD",
				"harvest_date '%s' must be YYYY-MM-DD", in->harvest_date);
	if (harvest > day)
		return fail_rule(err, 422, "harvest_date", COLL_HARVEST_AFTER);
	if (harvest + shelf_life_days <= day)
		return app_fail(err, 422, "invalid", "harvest_date", "采收日期过早，已超过保质期",
				"harvest_date '%s' is past the product's shelf life on the "
				"collection day",
				in->harvest_date);
	date_format(day, d->collected_on, sizeof(d->collected_on));
	date_format(harvest, d->harvest_date, sizeof(d->harvest_date));
	date_format(harvest + shelf_life_days, d->expires_on, sizeof(d->expires_on));
	return 0;
}

/* The price in force, checked against a typed one; the entered figure to store. */
static int resolve_price(struct store *db, const struct collection_in *in, const char *day,
			 int64_t *per_kg, enum price_unit *unit, int64_t *entered,
			 struct app_err *err)
{
	if (purchase_price_in_force(db, in->grade_id, day, per_kg, NULL, err)) {
		if (strcmp(err->code, "no_price") == 0)
			app_fail(err, 422, "no_price", "grade_id", "该等级当日没有收购价",
				 "no purchase price in force for grade %lld on %s",
				 (long long)in->grade_id, day);
		return -1;
	}
	*unit = in->unit;
	if (in->has_price) {
		enum coll_rule r = price_check_entered(in->unit, in->price_entered_fen, *per_kg);
		if (r == COLL_PRICE_DIFFERS) {
			char typed[32], force[32];
			fen_format(in->price_entered_fen, typed, sizeof(typed));
			fen_format(*per_kg, force, sizeof(force));
			return app_fail(err, 422, "price_mismatch", "price_entered_fen",
					coll_rule_zh(r),
					"entered price %s yuan/%s is not the purchase price in force "
					"(%s yuan/kg); collectors cannot set prices",
					typed, price_unit_name(in->unit), force);
		}
		if (r)
			return fail_rule(err, 422, "price_entered_fen", r);
		*entered = in->price_entered_fen;
		return 0;
	}
	/* nothing typed: store the price in force in the collector's unit, or per
	 * kg when an odd per-kg price has no whole-fen per-jin equivalent */
	if (price_from_per_kg(in->unit, *per_kg, entered) != COLL_OK) {
		*unit = PRICE_PER_KG;
		*entered = *per_kg;
	}
	return 0;
}

static int insert_lot(struct store *db, const struct collection_in *in, const struct coll_refs *refs,
		      const struct coll_days *d, int64_t net_g, struct collection_out *out,
		      struct app_err *err)
{
	struct stmt *st;
	app_new_code("S", out->lot_code, sizeof(out->lot_code));
	int rc = store_prepare(db,
			       "INSERT INTO lots (code, kind, product_id, grade_id, household_id, "
			       "point_id, cooperative_id, harvest_date, expires_on, initial_g, "
			       "created_at) VALUES (?, 'source', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, out->lot_code);
	stmt_bind_int(st, 2, refs->product_id);
	stmt_bind_int(st, 3, in->grade_id);
	stmt_bind_int(st, 4, in->household_id);
	stmt_bind_int(st, 5, in->point_id);
	if (refs->cooperative_id)
		stmt_bind_int(st, 6, refs->cooperative_id);
	else
		stmt_bind_null(st, 6);
	stmt_bind_text(st, 7, d->harvest_date);
	stmt_bind_text(st, 8, d->expires_on);
	stmt_bind_int(st, 9, net_g);
	stmt_bind_int(st, 10, in->at_ms);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		out->lot_id = stmt_int(st, 0);
	stmt_finalize(st);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

/* The fields of a collections row (a delivery or its reversal). */
struct coll_row {
	int64_t point_id, household_id, product_id, grade_id;
	const char *harvest_date, *collected_on;
	int64_t collected_at, gross_g, tare_g, net_g;
	const char *price_unit;
	int64_t price_entered_fen, price_fen_per_kg, amount_fen, lot_id, reverses_id,
		collector_id;
	const char *note;
};

static int insert_collection(struct store *db, const struct coll_row *c, struct collection_out *out,
			     struct app_err *err)
{
	struct stmt *st;
	app_new_code("R", out->code, sizeof(out->code));
	int rc = store_prepare(db,
			       "INSERT INTO collections (code, point_id, household_id, product_id, "
			       "grade_id, harvest_date, collected_on, collected_at, gross_g, tare_g, "
			       "net_g, price_unit, price_entered_fen, price_fen_per_kg, amount_fen, "
			       "lot_id, reverses_id, collector_id, note) VALUES (?, ?, ?, ?, ?, ?, ?, "
			       "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, out->code);
	stmt_bind_int(st, 2, c->point_id);
	stmt_bind_int(st, 3, c->household_id);
	stmt_bind_int(st, 4, c->product_id);
	stmt_bind_int(st, 5, c->grade_id);
	stmt_bind_text(st, 6, c->harvest_date);
	stmt_bind_text(st, 7, c->collected_on);
	stmt_bind_int(st, 8, c->collected_at);
	stmt_bind_int(st, 9, c->gross_g);
	stmt_bind_int(st, 10, c->tare_g);
	stmt_bind_int(st, 11, c->net_g);
	stmt_bind_text(st, 12, c->price_unit);
	stmt_bind_int(st, 13, c->price_entered_fen);
	stmt_bind_int(st, 14, c->price_fen_per_kg);
	stmt_bind_int(st, 15, c->amount_fen);
	stmt_bind_int(st, 16, c->lot_id);
	if (c->reverses_id)
		stmt_bind_int(st, 17, c->reverses_id);
	else
		stmt_bind_null(st, 17);
	if (c->collector_id)
		stmt_bind_int(st, 18, c->collector_id);
	else
		stmt_bind_null(st, 18);
	stmt_bind_text(st, 19, c->note ? c->note : "");
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		out->id = stmt_int(st, 0);
	stmt_finalize(st);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

int collection_create(struct store *db, const struct collection_in *in, struct collection_out *result,
		      struct app_err *err)
{
	struct coll_refs refs = {0};
	struct coll_days days;
	struct coll_amounts amt;
	enum price_unit unit;
	int64_t per_kg, entered;
	struct collection_out res = {0}, *out = &res;
	if (load_refs(db, in, &refs, err) || resolve_days(in, refs.shelf_life_days, &days, err))
		return -1;
	/* weights first: a bad weight is the collector's most common slip */
	enum coll_rule r = collection_compute(in->gross_g, in->tare_g, 0, &amt);
	if (r)
		return fail_rule(err, 422, r == COLL_GROSS_RANGE ? "gross_g" : "tare_g", r);
	if (resolve_price(db, in, days.collected_on, &per_kg, &unit, &entered, err))
		return -1;
	if ((r = collection_compute(in->gross_g, in->tare_g, per_kg, &amt)))
		return fail_rule(err, 422, "price_entered_fen", r);
	if (insert_lot(db, in, &refs, &days, amt.net_g, out, err))
		return -1;
	struct coll_row row = {
		.point_id = in->point_id,
		.household_id = in->household_id,
		.product_id = refs.product_id,
		.grade_id = in->grade_id,
		.harvest_date = days.harvest_date,
		.collected_on = days.collected_on,
		.collected_at = in->at_ms,
		.gross_g = in->gross_g,
		.tare_g = in->tare_g,
		.net_g = amt.net_g,
		.price_unit = price_unit_name(unit),
		.price_entered_fen = entered,
		.price_fen_per_kg = per_kg,
		.amount_fen = amt.amount_fen,
		.lot_id = out->lot_id,
		.collector_id = in->collector_id,
		.note = in->note,
	};
	if (insert_collection(db, &row, out, err))
		return -1;
	struct stock_loc at_point = {LOC_POINT, in->point_id};
	if (stock_add(db, out->lot_id, at_point, amt.net_g, "collect", "collection", out->id,
		      in->collector_id, err))
		return -1;
	if (ledger_add(db, in->household_id, in->at_ms, days.collected_on, "collection", out->id,
		       amt.amount_fen, err))
		return -1;
	out->net_g = amt.net_g;
	out->price_fen_per_kg = per_kg;
	out->amount_fen = amt.amount_fen;
	if (household_balance(db, in->household_id, &out->balance_fen, err))
		return -1;
	*result = res;
	return 0;
}

/* Load a collections row for reversal. */
static int load_row(struct store *db, int64_t id, struct coll_row *c, char *text, size_t textsz,
		    bool *reversed, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "SELECT point_id, household_id, product_id, grade_id, harvest_date, "
			       "collected_on, gross_g, tare_g, net_g, price_unit, price_entered_fen, "
			       "price_fen_per_kg, amount_fen, lot_id, reverses_id, reversed "
			       "FROM collections WHERE id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		/* the three texts are copied into `text`: harvest\0collected\0unit\0 */
		snprintf(text, textsz, "%s", stmt_text(st, 4));
		snprintf(text + 11, textsz - 11, "%s", stmt_text(st, 5));
		snprintf(text + 22, textsz - 22, "%s", stmt_text(st, 9));
		c->point_id = stmt_int(st, 0);
		c->household_id = stmt_int(st, 1);
		c->product_id = stmt_int(st, 2);
		c->grade_id = stmt_int(st, 3);
		c->harvest_date = text;
		c->collected_on = text + 11;
		c->gross_g = stmt_int(st, 6);
		c->tare_g = stmt_int(st, 7);
		c->net_g = stmt_int(st, 8);
		c->price_unit = text + 22;
		c->price_entered_fen = stmt_int(st, 10);
		c->price_fen_per_kg = stmt_int(st, 11);
		c->amount_fen = stmt_int(st, 12);
		c->lot_id = stmt_int(st, 13);
		c->reverses_id = stmt_int(st, 14);
		*reversed = stmt_int(st, 15) != 0;
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", "", "收购记录不存在",
				"collection %lld not found", (long long)id);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

static int reversal_state_of(struct store *db, const struct coll_row *c, bool reversed,
			     struct reversal_state *s, struct app_err *err)
{
	struct stmt *st;
	s->is_reversal = c->reverses_id != 0;
	s->already_reversed = reversed;
	s->lot_initial_g = c->net_g;
	struct stock_loc at_point = {LOC_POINT, c->point_id};
	stock_available(db, c->lot_id, at_point, &s->lot_at_point_g);
	int rc = store_prepare(db,
			       "SELECT COUNT(*) FROM stock_moves WHERE lot_id = ? AND reason <> "
			       "'collect'",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, c->lot_id);
	rc = stmt_step(st);
	s->lot_other_moves = rc == STORE_ROW ? stmt_int(st, 0) : 0;
	stmt_finalize(st);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

/* Mark the original reversed and its lot void (guarded against a race). */
static int mark_reversed(struct store *db, int64_t id, int64_t lot_id, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, "UPDATE collections SET reversed = 1 WHERE id = ? AND reversed = 0",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	if (store_changes(db) != 1)
		return fail_rule(err, 409, "", COLL_ALREADY_REVERSED);
	if ((rc = store_prepare(db, "UPDATE lots SET status = 'void' WHERE id = ?", &st)))
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, lot_id);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

int collection_reverse(struct store *db, int64_t id, int64_t user_id, int64_t at_ms,
		       const char *note, struct collection_out *result, struct app_err *err)
{
	struct coll_row c = {0};
	struct reversal_state s;
	char text[40];
	bool reversed = false;
	struct collection_out res = {0}, *out = &res;
	if (load_row(db, id, &c, text, sizeof(text), &reversed, err) ||
	    reversal_state_of(db, &c, reversed, &s, err))
		return -1;
	enum coll_rule r = collection_may_reverse(&s);
	if (r)
		return fail_rule(err, 409, "", r);
	/* the reversal negates every weighed and owed figure of the original; it
	 * keeps the original's collection day so daily totals are corrected */
	struct coll_row rev = c;
	rev.collected_at = at_ms;
	rev.gross_g = -c.gross_g;
	rev.tare_g = -c.tare_g;
	rev.net_g = -c.net_g;
	rev.amount_fen = -c.amount_fen;
	rev.reverses_id = id;
	rev.collector_id = user_id;
	rev.note = note;
	if (insert_collection(db, &rev, out, err) || mark_reversed(db, id, c.lot_id, err))
		return -1;
	struct stock_loc at_point = {LOC_POINT, c.point_id};
	if (stock_remove(db, c.lot_id, at_point, c.net_g, "reverse", "collection", out->id,
			 user_id, err))
		return -1;
	char today[11];
	date_format(shanghai_day_of(at_ms / 1000), today, sizeof(today));
	if (ledger_add(db, c.household_id, at_ms, today, "collection", out->id, rev.amount_fen,
		       err))
		return -1;
	out->lot_id = c.lot_id;
	out->net_g = rev.net_g;
	out->price_fen_per_kg = c.price_fen_per_kg;
	out->amount_fen = rev.amount_fen;
	if (household_balance(db, c.household_id, &out->balance_fen, err))
		return -1;
	*result = res;
	return 0;
}

int collection_point_of(struct store *db, int64_t id, int64_t *point_id, struct app_err *err)
{
	int64_t p = 0;
	int rc = store_query_int(db, "SELECT point_id FROM collections WHERE id = ?", id, &p);
	if (rc)
		return app_store_fail(err, db, rc);
	if (!p)
		return app_fail(err, 404, "not_found", "", "收购记录不存在",
				"collection %lld not found", (long long)id);
	*point_id = p;
	return 0;
}

int collection_find_code(struct store *db, const char *code, int64_t *id, int64_t *point_id,
			 struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, "SELECT id, point_id FROM collections WHERE code = ?", &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*id = stmt_int(st, 0);
		*point_id = stmt_int(st, 1);
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", "", "收据不存在", "receipt '%s' not found",
				code);
	return rc == STORE_ROW ? 0 : app_store_fail(err, db, rc);
}

#define COLLECTION_SELECT                                                                      \
	"SELECT c.id, c.code, c.point_id, cp.code AS point_code, cp.name AS point_name, "      \
	"c.household_id, h.code AS household_code, h.head_name, h.village_code, "              \
	"d.name AS village_name, c.product_id, p.code AS product_code, p.name AS product_name, " \
	"c.grade_id, g.code AS grade_code, g.name AS grade_name, c.harvest_date, "             \
	"c.collected_on, c.collected_at, c.gross_g, c.tare_g, c.net_g, c.price_unit, "         \
	"c.price_entered_fen, c.price_fen_per_kg, c.amount_fen, c.lot_id, l.code AS lot_code, " \
	"c.reverses_id, c.reversed, c.collector_id, u.display_name AS collector_name, c.note "  \
	"FROM collections c JOIN collection_points cp ON cp.id = c.point_id "                  \
	"JOIN households h ON h.id = c.household_id "                                          \
	"LEFT JOIN divisions d ON d.code = h.village_code "                                    \
	"JOIN products p ON p.id = c.product_id JOIN grades g ON g.id = c.grade_id "           \
	"LEFT JOIN lots l ON l.id = c.lot_id LEFT JOIN users u ON u.id = c.collector_id"

int collections_list(struct store *db, const struct list_filter *f, struct point_scope scope,
		     json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, COLLECTION_SELECT);
	if (scope.ids)
		query_and_in(&q, "c.point_id", scope.ids, scope.n);
	if (f->point_id)
		query_and_int(&q, "c.point_id = ?", f->point_id);
	if (f->household_id)
		query_and_int(&q, "c.household_id = ?", f->household_id);
	if (f->product_id)
		query_and_int(&q, "c.product_id = ?", f->product_id);
	if (f->village)
		query_and_text(&q, "h.village_code = ?", f->village);
	if (f->county)
		query_and_text(&q, "substr(h.village_code, 1, 6) = ?", f->county);
	if (f->from)
		query_and_text(&q, "c.collected_on >= ?", f->from);
	if (f->to)
		query_and_text(&q, "c.collected_on <= ?", f->to);
	query_add(&q, "ORDER BY c.id DESC");
	int rc = query_list(db, &q, f->limit > 0 ? f->limit : 100, f->offset, out, err);
	query_release(&q);
	return rc;
}

int collection_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, COLLECTION_SELECT);
	query_and_int(&q, "c.id = ?", id);
	int rc = query_one(db, &q, "collection", out, err);
	query_release(&q);
	return rc;
}
