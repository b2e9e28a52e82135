/*
 * The household ledger, payments and payables over the store (see
 * payments.h). Every balance is a SUM over household_ledger; the checks that
 * keep it honest (pay no more than owed, reverse once) are in
 * src/core/collection.c.
 */
#include "app/payments.h"
#include "core/collection.h"
#include "lib/money.h"
#include "lib/timeutil.h"

#include <stdio.h>
#include <string.h>

int ledger_add(struct store *db, int64_t household_id, int64_t at_ms, const char *on_date,
	       const char *kind, int64_t ref_id, int64_t amount_fen, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db,
			       "INSERT INTO household_ledger (household_id, at, on_date, kind, "
			       "ref_id, amount_fen) VALUES (?, ?, ?, ?, ?, ?)",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, household_id);
	stmt_bind_int(st, 2, at_ms);
	stmt_bind_text(st, 3, on_date);
	stmt_bind_text(st, 4, kind);
	stmt_bind_int(st, 5, ref_id);
	stmt_bind_int(st, 6, amount_fen);
	rc = stmt_step(st);
	stmt_finalize(st);
	return rc == STORE_DONE ? 0 : app_store_fail(err, db, rc);
}

int household_balance(struct store *db, int64_t household_id, int64_t *balance_fen,
		      struct app_err *err)
{
	int rc = store_query_int(db,
				 "SELECT COALESCE(SUM(amount_fen), 0) FROM household_ledger "
				 "WHERE household_id = ?",
				 household_id, balance_fen);
	return rc ? app_store_fail(err, db, rc) : 0;
}

static int fail_rule(struct app_err *err, int status, const char *field, enum coll_rule r)
{
	return app_fail(err, status, status == 409 ? "conflict" : "invalid", field,
			coll_rule_zh(r), "%s", coll_rule_en(r));
}

/* What one payments row records besides its household and amount. */
struct payment_row {
	const char *method, *reference, *paid_on, *reason;
	int64_t reverses_id, user_id, at_ms;
};

static int insert_payment(struct store *db, int64_t household_id, int64_t amount_fen,
			  const struct payment_row *p, struct payment_out *out,
			  struct app_err *err)
{
	struct stmt *st;
	app_new_code("P", out->code, sizeof(out->code));
	int rc = store_prepare(db,
			       "INSERT INTO payments (code, household_id, amount_fen, method, "
			       "reference, paid_on, reverses_id, created_by, created_at, reason) "
			       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, out->code);
	stmt_bind_int(st, 2, household_id);
	stmt_bind_int(st, 3, amount_fen);
	stmt_bind_text(st, 4, p->method);
	stmt_bind_text(st, 5, p->reference ? p->reference : "");
	stmt_bind_text(st, 6, p->paid_on);
	if (p->reverses_id)
		stmt_bind_int(st, 7, p->reverses_id);
	else
		stmt_bind_null(st, 7);
	if (p->user_id)
		stmt_bind_int(st, 8, p->user_id);
	else
		stmt_bind_null(st, 8);
	stmt_bind_int(st, 9, p->at_ms);
	stmt_bind_text(st, 10, p->reason ? p->reason : "");
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		out->id = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	out->amount_fen = amount_fen;
	/* a payment is money out of what the household is owed: the ledger row is
	 * the payment negated */
	if (ledger_add(db, household_id, p->at_ms, p->paid_on, "payment", out->id, -amount_fen,
		       err))
		return -1;
	return household_balance(db, household_id, &out->balance_fen, err);
}

int payment_create(struct store *db, const struct payment_in *in, struct payment_out *result,
		   struct app_err *err)
{
	int64_t n = 0, balance = 0, today = shanghai_day_of(in->at_ms / 1000), day = today;
	char paid_on[11];
	bool bank = in->method && strcmp(in->method, "bank") == 0;
	struct payment_out res = {0}, *out = &res;
	if (!bank && !(in->method && strcmp(in->method, "cash") == 0))
		return app_fail(err, 422, "invalid", "method", "付款方式须为 cash 或 bank",
				"method must be 'cash' or 'bank'");
	int rc = store_query_int(db, "SELECT COUNT(*) FROM households WHERE id = ?",
				 in->household_id, &n);
	if (rc)
		return app_store_fail(err, db, rc);
	if (!n)
		return app_fail(err, 422, "invalid", "household_id", "农户不存在",
				"household %lld does not exist", (long long)in->household_id);
	if (in->paid_on && (date_parse(in->paid_on, strlen(in->paid_on), &day) || day > today))
		return app_fail(err, 422, "invalid", "paid_on", "付款日期无效或晚于今天",
				"paid_on '%s' must be a date not after today", in->paid_on);
	date_format(day, paid_on, sizeof(paid_on));
	if (household_balance(db, in->household_id, &balance, err))
		return -1;
	enum coll_rule r = payment_check(in->amount_fen, balance, bank,
					 in->reference && in->reference[0]);
	if (r == PAY_EXCEEDS_BALANCE) {
		char amt[32], bal[32];
		fen_format(in->amount_fen, amt, sizeof(amt));
		fen_format(balance, bal, sizeof(bal));
		return app_fail(err, 422, "exceeds_balance", "amount_fen", coll_rule_zh(r),
				"payment of %s yuan is more than the %s yuan the household is owed",
				amt, bal);
	}
	if (r)
		return fail_rule(err, 422, r == PAY_REFERENCE_MISSING ? "reference" : "amount_fen",
				 r);
	struct payment_row row = {.method = in->method,
				  .reference = bank ? in->reference : "",
				  .paid_on = paid_on,
				  .user_id = in->user_id,
				  .at_ms = in->at_ms};
	if (insert_payment(db, in->household_id, in->amount_fen, &row, out, err))
		return -1;
	*result = res;
	return 0;
}

int payment_reverse(struct store *db, int64_t id, const char *reason, int64_t user_id,
		    int64_t at_ms, struct payment_out *result, struct app_err *err)
{
	struct stmt *st;
	int64_t household_id = 0, amount = 0, reverses = 0, reversed = 0;
	char method[8] = "", reference[200] = "";
	struct payment_out res = {0}, *out = &res;
	if (!reason || !reason[strspn(reason, " \t")])
		return app_fail(err, 422, "invalid", "reason", "冲销须注明原因",
				"a reversal needs a reason");
	int rc = store_prepare(db,
			       "SELECT household_id, amount_fen, method, reference, reverses_id, "
			       "reversed FROM payments WHERE id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		household_id = stmt_int(st, 0);
		amount = stmt_int(st, 1);
		snprintf(method, sizeof(method), "%s", stmt_text(st, 2));
		snprintf(reference, sizeof(reference), "%s", stmt_text(st, 3));
		reverses = stmt_int(st, 4);
		reversed = stmt_int(st, 5);
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 404, "not_found", "", "付款记录不存在", "payment %lld not found",
				(long long)id);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	if (reverses)
		return fail_rule(err, 409, "", COLL_IS_REVERSAL);
	if (reversed)
		return fail_rule(err, 409, "", COLL_ALREADY_REVERSED);
	if ((rc = store_prepare(db, "UPDATE payments SET reversed = 1 WHERE id = ? AND reversed = 0",
				&st)))
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	if (store_changes(db) != 1)
		return fail_rule(err, 409, "", COLL_ALREADY_REVERSED);
	char today[11];
	date_format(shanghai_day_of(at_ms / 1000), today, sizeof(today));
	struct payment_row row = {.method = method,
				  .reference = reference,
				  .paid_on = today,
				  .reason = reason,
				  .reverses_id = id,
				  .user_id = user_id,
				  .at_ms = at_ms};
	if (insert_payment(db, household_id, -amount, &row, out, err))
		return -1;
	*result = res;
	return 0;
}

int payment_household_of(struct store *db, int64_t id, int64_t *household_id,
			 struct app_err *err)
{
	int64_t h = 0;
	int rc = store_query_int(db, "SELECT household_id FROM payments WHERE id = ?", id, &h);
	if (rc)
		return app_store_fail(err, db, rc);
	if (!h)
		return app_fail(err, 404, "not_found", "", "付款记录不存在", "payment %lld not found",
				(long long)id);
	*household_id = h;
	return 0;
}

#define PAYMENT_SELECT                                                                         \
	"SELECT pm.id, pm.code, pm.household_id, h.code AS household_code, h.head_name, "      \
	"h.village_code, pm.amount_fen, pm.method, pm.reference, pm.paid_on, pm.reverses_id, " \
	"pm.reversed, pm.reason, pm.created_by, pm.created_at FROM payments pm "               \
	"JOIN households h ON h.id = pm.household_id"

int payments_list(struct store *db, const struct list_filter *f, struct point_scope scope,
		  json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, PAYMENT_SELECT);
	query_and_household_scope(&q, scope);
	if (f->household_id)
		query_and_int(&q, "pm.household_id = ?", f->household_id);
	if (f->village)
		query_and_text(&q, "h.village_code = ?", f->village);
	if (f->county)
		query_and_text(&q, "substr(h.village_code, 1, 6) = ?", f->county);
	if (f->from)
		query_and_text(&q, "pm.paid_on >= ?", f->from);
	if (f->to)
		query_and_text(&q, "pm.paid_on <= ?", f->to);
	query_add(&q, "ORDER BY pm.id DESC");
	int rc = query_list(db, &q, f->limit > 0 ? f->limit : 100, f->offset, out, err);
	query_release(&q);
	return rc;
}

int payment_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct query q;
	query_init(&q, PAYMENT_SELECT);
	query_and_int(&q, "pm.id = ?", id);
	int rc = query_one(db, &q, "payment", out, err);
	query_release(&q);
	return rc;
}

int payables_list(struct store *db, const struct list_filter *f, struct point_scope scope,
		  json_t **out, struct app_err *err)
{
	struct query q;
	int64_t total_fen = 0;
	query_init(&q, "SELECT h.id AS household_id, h.code AS household_code, h.head_name, "
		       "h.phone, h.bank_account, h.village_code, d.name AS village_name, "
		       "h.cooperative_id, h.lifted_from_poverty, b.balance_fen, b.last_on "
		       "FROM households h JOIN (SELECT household_id, SUM(amount_fen) AS "
		       "balance_fen, MAX(on_date) AS last_on FROM household_ledger GROUP BY "
		       "household_id) b ON b.household_id = h.id "
		       "LEFT JOIN divisions d ON d.code = h.village_code");
	query_and_int(&q, "b.balance_fen > ?", 0);
	query_and_household_scope(&q, scope);
	if (f->point_id)
		query_and_int(&q,
			      "EXISTS (SELECT 1 FROM collections c WHERE c.household_id = h.id "
			      "AND c.point_id = ?)",
			      f->point_id);
	if (f->village)
		query_and_text(&q, "h.village_code = ?", f->village);
	if (f->county)
		query_and_text(&q, "substr(h.village_code, 1, 6) = ?", f->county);
	if (f->cooperative_id)
		query_and_int(&q, "h.cooperative_id = ?", f->cooperative_id);
	query_add(&q, "ORDER BY b.balance_fen DESC, h.id");
	int rc = query_sum(db, &q, "balance_fen", &total_fen, err);
	if (!rc)
		rc = query_list(db, &q, f->limit, f->offset, out, err);
	query_release(&q);
	if (rc)
		return -1;
	json_object_set_new(*out, "total_fen", json_integer(total_fen));
	return 0;
}
