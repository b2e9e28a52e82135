/*
 * What households are owed and paid: the household ledger (every amount owed
 * by a collection, +, and every payment, -), payments in cash or by bank
 * transfer, their reversals, and the payables list (households owed more than
 * nothing). A balance is always one SUM over household_ledger, so it is exact
 * to the fen; a payment larger than the balance is refused. Like collections,
 * payments are never edited: a mistaken one is reversed by a new row.
 */
#ifndef SHANHAI_APP_PAYMENTS_H
#define SHANHAI_APP_PAYMENTS_H

#include <jansson.h>
#include <stdint.h>

#include "app/app.h"
#include "app/places.h"

/* Append a ledger row: kind "collection" or "payment", amount + owed / - paid. */
int ledger_add(struct store *db, int64_t household_id, int64_t at_ms, const char *on_date,
	       const char *kind, int64_t ref_id, int64_t amount_fen, struct app_err *err);
/* What the household is owed now, in fen (SUM of its ledger). */
int household_balance(struct store *db, int64_t household_id, int64_t *balance_fen,
		      struct app_err *err);

struct payment_in {
	int64_t household_id;
	int64_t amount_fen;
	const char *method;    /* "cash" | "bank" */
	const char *reference; /* bank transfer reference; NULL for cash */
	const char *paid_on;   /* NULL: the Asia/Shanghai day of at_ms; never later */
	int64_t at_ms, user_id;
};

/* What a payment or its reversal recorded. */
struct payment_out {
	int64_t id;
	char code[32];
	int64_t amount_fen;
	int64_t balance_fen; /* the household's balance afterwards */
};

/* Pay a household: refused (422) when the amount is not positive or is more
 * than the household is owed, or a bank payment has no reference. */
int payment_create(struct store *db, const struct payment_in *in, struct payment_out *out,
		   struct app_err *err);
/* Reverse payment id (the money did not arrive) for reason (required, stored
 * on the reversal): the household is owed it again. Refused (422) without a
 * reason, (409) for a reversal or a payment reversed before. */
int payment_reverse(struct store *db, int64_t id, const char *reason, int64_t user_id,
		    int64_t at_ms, struct payment_out *out, struct app_err *err);
/* The household a payment is for (scope checks); 404 if none. */
int payment_household_of(struct store *db, int64_t id, int64_t *household_id,
			 struct app_err *err);

/* Payments as JSON, newest first. Filters: household_id, village, county,
 * from/to (paid_on); scope limits a collector to households of its points'
 * villages. */
int payments_list(struct store *db, const struct list_filter *f, struct point_scope scope,
		  json_t **out, struct app_err *err);
int payment_get(struct store *db, int64_t id, json_t **out, struct app_err *err);

/* Households with a balance > 0, largest first, with "total_fen" of all of
 * them. Filters: point_id (households that delivered there), village,
 * county, cooperative_id; scope as for payments. */
int payables_list(struct store *db, const struct list_filter *f, struct point_scope scope,
		  json_t **out, struct app_err *err);

#endif
