/*
 * Village collection rules (乡村集货), pure C: weighing, pricing and what a
 * household is owed for one delivery, when a delivery may be reversed, and
 * when a payment may be made. src/app/collection.c and src/app/payments.c
 * apply these rules over the store; nothing here touches SQL or JSON.
 *
 * The money rule for a collection (docs/openapi/collection.yaml repeats it):
 *   net_g      = gross_g - tare_g                       (grams, exact)
 *   price      = the purchase price in force that day, per kg in fen; a price
 *                per 斤 (500 g) converts exactly: per kg = 2 x per jin
 *   amount_fen = amount_for_weight(net_g, price)  — net_g x price / 1000,
 *                rounded ONCE per entry, half away from zero (src/lib/money.h)
 * So 12.345 kg at 3.50 yuan/kg is 43.2075 -> 4321 fen, and the same weight
 * at 1.75 yuan/jin gives the same 4321 fen. A reversal owes exactly the
 * negated amount of the entry it reverses (never recomputed), so reversing
 * brings a balance back to the same fen.
 *
 * Collectors do not set prices: a price the collector types must equal the
 * price in force (in the unit typed), otherwise the entry is refused.
 */
#ifndef SHANHAI_CORE_COLLECTION_H
#define SHANHAI_CORE_COLLECTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest gross weight one entry may record: 5 tonnes. */
#define COLLECTION_MAX_GROSS_G 5000000

enum price_unit { PRICE_PER_KG = 0, PRICE_PER_JIN = 1 };

/* Why a rule refused; COLL_OK (0) when it passed. */
enum coll_rule {
	COLL_OK = 0,
	COLL_GROSS_RANGE,      /* gross not in 1..COLLECTION_MAX_GROSS_G */
	COLL_TARE_RANGE,       /* tare < 0 */
	COLL_NET_NOT_POSITIVE, /* tare >= gross */
	COLL_PRICE_RANGE,      /* price negative or too large */
	COLL_PRICE_DIFFERS,    /* entered price is not the price in force */
	COLL_PRICE_NOT_PER_JIN, /* price in force per kg is odd fen: no exact per-jin price */
	COLL_HARVEST_AFTER,    /* harvest date after the collection day */
	COLL_IS_REVERSAL,      /* a reversal cannot itself be reversed */
	COLL_ALREADY_REVERSED, /* reversed before */
	COLL_LOT_MOVED,        /* the source lot has left the point (transfer, packing) */
	PAY_AMOUNT_RANGE,      /* payment not > 0 */
	PAY_EXCEEDS_BALANCE,   /* payment larger than the household is owed */
	PAY_REFERENCE_MISSING, /* a bank payment needs its transfer reference */
};

/* The word stored in collections.price_unit ("kg" / "jin") and back. */
const char *price_unit_name(enum price_unit u);
/* 0 and *out set, or -1 for an unknown word. */
int price_unit_parse(const char *s, enum price_unit *out);

/* Convert a price entered in unit u to fen per kg, exactly. 0 or -1 (overflow,
 * negative). */
int price_to_per_kg(enum price_unit u, int64_t entered_fen, int64_t *per_kg);
/* The price in force (per kg) expressed in unit u, exactly: COLL_OK, or
 * COLL_PRICE_NOT_PER_JIN when an odd per-kg price has no whole-fen per-jin
 * equivalent. */
enum coll_rule price_from_per_kg(enum price_unit u, int64_t per_kg, int64_t *entered_fen);
/* COLL_OK if a price the collector typed (in unit u) is the price in force. */
enum coll_rule price_check_entered(enum price_unit u, int64_t entered_fen, int64_t in_force_per_kg);

/* The weighed and priced facts of one delivery. */
struct coll_amounts {
	int64_t net_g;
	int64_t amount_fen;
};

/* Check weights and price and compute net and amount by the rule above. */
enum coll_rule collection_compute(int64_t gross_g, int64_t tare_g, int64_t price_fen_per_kg,
				  struct coll_amounts *out);

/* What is known about an entry someone wants to reverse. */
struct reversal_state {
	bool is_reversal;      /* the entry itself reverses another */
	bool already_reversed; /* a reversal of it exists */
	int64_t lot_initial_g; /* the source lot's initial grams */
	int64_t lot_at_point_g; /* grams of the lot still at the point, unreserved */
	int64_t lot_other_moves; /* stock moves of the lot besides its collection */
};

/* COLL_OK if the entry may be reversed: not a reversal, not reversed before,
 * and its whole source lot still at the point, never moved. */
enum coll_rule collection_may_reverse(const struct reversal_state *s);

/* COLL_OK if a payment of amount_fen may be made against balance_fen (what
 * the household is owed): 0 < amount <= balance; a bank payment needs a
 * reference. */
enum coll_rule payment_check(int64_t amount_fen, int64_t balance_fen, bool bank,
			     bool has_reference);

/* English and Chinese explanations of a rule's refusal. */
const char *coll_rule_en(enum coll_rule r);
const char *coll_rule_zh(enum coll_rule r);

/* Grams as kilograms with 3 decimals: 12345 -> "12.345", -500 -> "-0.500"
 * (out needs 32 bytes). */
void grams_format_kg(int64_t grams, char *out, size_t outsz);

#endif
