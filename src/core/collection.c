/*
 * Village collection rules: price units, the amount owed for a delivery,
 * reversal and payment checks. See collection.h for the money rule.
 */
#include "core/collection.h"
#include "lib/money.h"

#include <stdio.h>
#include <string.h>

/* Largest price per kg accepted: 100,000 yuan per kg. */
#define MAX_PRICE_FEN_PER_KG 10000000

const char *price_unit_name(enum price_unit u)
{
	return u == PRICE_PER_JIN ? "jin" : "kg";
}

int price_unit_parse(const char *s, enum price_unit *out)
{
	if (s && strcmp(s, "kg") == 0) {
		*out = PRICE_PER_KG;
		return 0;
	}
	if (s && strcmp(s, "jin") == 0) {
		*out = PRICE_PER_JIN;
		return 0;
	}
	return -1;
}

int price_to_per_kg(enum price_unit u, int64_t entered_fen, int64_t *per_kg)
{
	if (entered_fen < 0 || entered_fen > MAX_PRICE_FEN_PER_KG)
		return -1;
	*per_kg = u == PRICE_PER_JIN ? entered_fen * (GRAMS_PER_KG / GRAMS_PER_JIN) : entered_fen;
	return 0;
}

enum coll_rule price_from_per_kg(enum price_unit u, int64_t per_kg, int64_t *entered_fen)
{
	if (per_kg < 0 || per_kg > MAX_PRICE_FEN_PER_KG)
		return COLL_PRICE_RANGE;
	if (u == PRICE_PER_KG) {
		*entered_fen = per_kg;
		return COLL_OK;
	}
	if (per_kg % 2 != 0)
		return COLL_PRICE_NOT_PER_JIN;
	*entered_fen = per_kg / 2;
	return COLL_OK;
}

enum coll_rule price_check_entered(enum price_unit u, int64_t entered_fen, int64_t in_force_per_kg)
{
	int64_t per_kg;
	if (price_to_per_kg(u, entered_fen, &per_kg))
		return COLL_PRICE_RANGE;
	if (per_kg == in_force_per_kg)
		return COLL_OK;
	return COLL_PRICE_DIFFERS;
}

enum coll_rule collection_compute(int64_t gross_g, int64_t tare_g, int64_t price_fen_per_kg,
				  struct coll_amounts *out)
{
	if (gross_g <= 0 || gross_g > COLLECTION_MAX_GROSS_G)
		return COLL_GROSS_RANGE;
	if (tare_g < 0)
		return COLL_TARE_RANGE;
	if (tare_g >= gross_g)
		return COLL_NET_NOT_POSITIVE;
	if (price_fen_per_kg < 0 || price_fen_per_kg > MAX_PRICE_FEN_PER_KG)
		return COLL_PRICE_RANGE;
	out->net_g = gross_g - tare_g;
	/* cannot overflow: 5e6 g x 1e7 fen/kg / 1000 = 5e10 fen */
	if (amount_for_weight(out->net_g, price_fen_per_kg, &out->amount_fen))
		return COLL_PRICE_RANGE;
	return COLL_OK;
}

enum coll_rule collection_may_reverse(const struct reversal_state *s)
{
	if (s->is_reversal)
		return COLL_IS_REVERSAL;
	if (s->already_reversed)
		return COLL_ALREADY_REVERSED;
	if (s->lot_other_moves > 0 || s->lot_at_point_g != s->lot_initial_g)
		return COLL_LOT_MOVED;
	return COLL_OK;
}

enum coll_rule payment_check(int64_t amount_fen, int64_t balance_fen, bool bank,
			     bool has_reference)
{
	if (amount_fen <= 0)
		return PAY_AMOUNT_RANGE;
	if (amount_fen > balance_fen)
		return PAY_EXCEEDS_BALANCE;
	if (bank && !has_reference)
		return PAY_REFERENCE_MISSING;
	return COLL_OK;
}

struct rule_text {
	const char *en, *zh;
};

static const struct rule_text rule_texts[] = {
	[COLL_OK] = {"ok", "正常"},
	[COLL_GROSS_RANGE] = {"gross weight must be 1 to 5000000 grams", "毛重须在1至5000000克之间"},
	[COLL_TARE_RANGE] = {"tare weight must not be negative", "皮重不能为负"},
	[COLL_NET_NOT_POSITIVE] = {"tare weight must be less than gross weight",
				   "皮重必须小于毛重"},
	[COLL_PRICE_RANGE] = {"price out of range", "价格超出范围"},
	[COLL_PRICE_DIFFERS] = {"entered price is not the purchase price in force; collectors "
				"cannot set prices",
				"输入的价格与当日收购价不符，采集员不能改价"},
	[COLL_PRICE_NOT_PER_JIN] = {"the price in force has no exact price per jin; enter it per kg",
				    "当日收购价无法精确换算为每斤价格，请按公斤输入"},
	[COLL_HARVEST_AFTER] = {"harvest date is after the collection day",
				"采收日期晚于收购日期"},
	[COLL_IS_REVERSAL] = {"a reversal cannot be reversed", "冲销记录不能再冲销"},
	[COLL_ALREADY_REVERSED] = {"already reversed", "该记录已冲销"},
	[COLL_LOT_MOVED] = {"the source lot has already left the collection point (transferred or "
			    "packed)",
			    "该批次已离开收购点（已调拨或已加工），不能冲销"},
	[PAY_AMOUNT_RANGE] = {"payment amount must be positive", "付款金额必须大于零"},
	[PAY_EXCEEDS_BALANCE] = {"payment is more than the household is owed",
				 "付款金额超过应付农户余额"},
	[PAY_REFERENCE_MISSING] = {"a bank payment needs its transfer reference",
				   "银行转账须填写转账凭证号"},
};

const char *coll_rule_en(enum coll_rule r)
{
	if ((size_t)r >= sizeof(rule_texts) / sizeof(rule_texts[0]))
		return "unknown rule";
	return rule_texts[r].en;
}

const char *coll_rule_zh(enum coll_rule r)
{
	if ((size_t)r >= sizeof(rule_texts) / sizeof(rule_texts[0]))
		return "未知规则";
	return rule_texts[r].zh;
}

void grams_format_kg(int64_t grams, char *out, size_t outsz)
{
	const char *sign = grams < 0 ? "-" : "";
	uint64_t mag = grams < 0 ? (uint64_t)0 - (uint64_t)grams : (uint64_t)grams;
	snprintf(out, outsz, "%s%llu.%03llu", sign, (unsigned long long)(mag / 1000),
		 (unsigned long long)(mag % 1000));
}
