/*
 * The invariants behind "nothing lost, nothing doubled" (consistency.h), as
 * portable SQL: each query counts the rows that break one rule.
 */
#include "app/consistency.h"

#include <string.h>

struct invariant {
	const char *name;
	const char *sql; /* SELECT COUNT(*) of the rows breaking it */
};

static const struct invariant invariants[] = {
	{"household balances are never negative",
	 "SELECT COUNT(*) FROM (SELECT household_id FROM household_ledger"
	 " GROUP BY household_id HAVING SUM(amount_fen) < 0) t"},
	{"each collection has exactly one ledger entry of its amount",
	 "SELECT COUNT(*) FROM collections c WHERE (SELECT COUNT(*) FROM household_ledger l"
	 " WHERE l.kind = 'collection' AND l.ref_id = c.id AND l.amount_fen = c.amount_fen) <> 1"},
	{"each payment has exactly one ledger entry of its amount",
	 "SELECT COUNT(*) FROM payments p WHERE (SELECT COUNT(*) FROM household_ledger l"
	 " WHERE l.kind = 'payment' AND l.ref_id = p.id AND l.amount_fen = -p.amount_fen) <> 1"},
	{"no ledger entry without its collection or payment",
	 "SELECT COUNT(*) FROM household_ledger l WHERE"
	 " (l.kind = 'collection' AND NOT EXISTS (SELECT 1 FROM collections c WHERE c.id = l.ref_id))"
	 " OR (l.kind = 'payment' AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = l.ref_id))"},
	{"the stock journal adds up to the stock held",
	 "SELECT COUNT(*) FROM (SELECT j.lot_id, j.kind, j.loc, j.q, COALESCE(s.qty_g, 0) AS held"
	 " FROM (SELECT lot_id, kind, loc, SUM(q) AS q FROM ("
	 "  SELECT lot_id, to_kind AS kind, to_id AS loc, qty_g AS q FROM stock_moves"
	 "   WHERE to_kind IS NOT NULL"
	 "  UNION ALL SELECT lot_id, from_kind, from_id, -qty_g FROM stock_moves"
	 "   WHERE from_kind IS NOT NULL) m GROUP BY lot_id, kind, loc) j"
	 " LEFT JOIN stock s ON s.lot_id = j.lot_id AND s.loc_kind = j.kind AND s.loc_id = j.loc) x"
	 " WHERE x.q <> x.held"},
	{"no stock without journal entries",
	 "SELECT COUNT(*) FROM stock s WHERE s.qty_g > 0 AND NOT EXISTS (SELECT 1 FROM stock_moves m"
	 " WHERE m.lot_id = s.lot_id AND m.to_kind = s.loc_kind AND m.to_id = s.loc_id)"},
	{"every packed lot's trace shares add up to the lot",
	 "SELECT COUNT(*) FROM lots l WHERE l.kind = 'packed' AND l.initial_g <>"
	 " (SELECT COALESCE(SUM(share_g), 0) FROM lot_sources s WHERE s.lot_id = l.id)"},
	{"no collection is reversed twice",
	 "SELECT COUNT(*) FROM (SELECT reverses_id FROM collections WHERE reverses_id IS NOT NULL"
	 " GROUP BY reverses_id HAVING COUNT(*) > 1) t"},
};

int consistency_check(struct store *db, FILE *out)
{
	char integrity[256];
	int failed = 0;
	if (store_integrity_check(db, integrity, sizeof(integrity)))
		return -1;
	if (strcmp(integrity, "ok"))
		failed++;
	if (out)
		fprintf(out, "%-4s store integrity (%s): %s\n", strcmp(integrity, "ok") ? "FAIL" : "ok",
			store_kind(db), integrity);
	for (size_t i = 0; i < sizeof(invariants) / sizeof(invariants[0]); i++) {
		int64_t bad;
		if (store_query_int(db, invariants[i].sql, 0, &bad)) {
			if (out)
				fprintf(out, "FAIL %s: %s\n", invariants[i].name, store_errmsg(db));
			return -1;
		}
		if (bad)
			failed++;
		if (out) {
			if (bad)
				fprintf(out, "FAIL %s: %lld rows break it\n", invariants[i].name,
					(long long)bad);
			else
				fprintf(out, "ok   %s\n", invariants[i].name);
		}
	}
	return failed;
}
