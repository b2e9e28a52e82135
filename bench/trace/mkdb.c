/*
 * mkdb: fill a Shanhai database (made by `shanhai init`, so the real
 * divisions are there) with a season big enough to benchmark the public
 * trace page: NLOTS lots, four in five of them source lots (one household's
 * delivery at a collection point, in a real Liangshan village) and every
 * fifth a packed lot made from the four source lots before it (lot_sources
 * with their shares), plus the households, points, cooperatives and the
 * product behind them. One transaction, prepared statements reused through
 * the store seam (src/store/store.h), so a million lots take seconds.
 *
 *   mkdb DB NLOTS        (bench/trace/run.sh builds and runs it)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codes.h"
#include "lib/str.h"
#include "store/store.h"

#define NHOUSEHOLDS 20000
#define NPOINTS 60
#define NCOOPS 40
#define MAX_VILLAGES 8192

struct world {
	struct store *db;
	char (*villages)[16];
	int nvillages;
};

static int exec_or_say(struct store *db, const char *sql)
{
	int rc = store_exec(db, sql);
	if (rc)
		fprintf(stderr, "mkdb: %s: %s\n", store_errmsg(db), sql);
	return rc;
}

/* Liangshan (5134) villages from the divisions table. */
static int load_villages(struct world *w)
{
	struct stmt *st;
	int rc = store_prepare(w->db, "SELECT code FROM divisions WHERE level = 5 AND code LIKE '5134%' "
				      "ORDER BY code", &st);
	if (rc)
		return rc;
	w->villages = calloc(MAX_VILLAGES, sizeof(*w->villages));
	if (!w->villages)
		abort();
	while (w->nvillages < MAX_VILLAGES && (rc = stmt_step(st)) == STORE_ROW)
		snprintf(w->villages[w->nvillages++], 16, "%s", stmt_text(st, 0));
	stmt_finalize(st);
	if (w->nvillages == 0) {
		fprintf(stderr, "mkdb: no Liangshan villages: run 'shanhai init' on the database first\n");
		return -1;
	}
	return 0;
}

static const char *village(const struct world *w, uint64_t i)
{
	return w->villages[bench_mix(i ^ 0x5eed) % (uint64_t)w->nvillages];
}

static int step_once(struct store *db, struct stmt *st)
{
	int rc = stmt_step(st);
	if (rc < 0)
		fprintf(stderr, "mkdb: %s\n", store_errmsg(db));
	stmt_reset(st);
	return rc < 0 ? rc : 0;
}

static int add_parties(struct world *w)
{
	struct stmt *st;
	char code[32], name[64];
	int rc = exec_or_say(w->db,
			     "INSERT INTO warehouses (code, name, kind, division_code) VALUES "
			     "('BX-O', '西昌产地仓', 'origin', '513401');"
			     "INSERT INTO products (code, name, name_en, shelf_life_days, origin_code) VALUES "
			     "('BX-APL', '盐源苹果', 'Yanyuan apple', 60, '513423');"
			     "INSERT INTO grades (product_id, code, name) VALUES (1, '80', '一级 80mm');"
			     "INSERT INTO skus (code, product_id, grade_id, name, net_g, gross_g) VALUES "
			     "('BX-APL-80-5', 1, 1, '盐源苹果 5kg', 5000, 5500)");
	if (rc)
		return rc;
	if ((rc = store_prepare(w->db, "INSERT INTO cooperatives (code, name, division_code) VALUES (?, ?, ?)", &st)))
		return rc;
	for (int i = 0; i < NCOOPS && !rc; i++) {
		snprintf(code, sizeof(code), "BC%03d", i);
		snprintf(name, sizeof(name), "凉山第%d果蔬专业合作社", i + 1);
		stmt_bind_text(st, 1, code);
		stmt_bind_text(st, 2, name);
		stmt_bind_text(st, 3, village(w, (uint64_t)i + 1000000));
		rc = step_once(w->db, st);
	}
	stmt_finalize(st);
	if (rc || (rc = store_prepare(w->db, "INSERT INTO collection_points (code, name, village_code, "
					     "warehouse_id) VALUES (?, ?, ?, 1)", &st)))
		return rc;
	for (int i = 0; i < NPOINTS && !rc; i++) {
		snprintf(code, sizeof(code), "BP%03d", i);
		snprintf(name, sizeof(name), "收购点%d", i + 1);
		stmt_bind_text(st, 1, code);
		stmt_bind_text(st, 2, name);
		stmt_bind_text(st, 3, village(w, (uint64_t)i + 2000000));
		rc = step_once(w->db, st);
	}
	stmt_finalize(st);
	if (rc || (rc = store_prepare(w->db, "INSERT INTO households (code, head_name, phone, village_code, "
					     "cooperative_id, lifted_from_poverty, created_at) "
					     "VALUES (?, ?, ?, ?, ?, ?, 0)", &st)))
		return rc;
	for (int i = 0; i < NHOUSEHOLDS && !rc; i++) {
		char phone[16];
		snprintf(code, sizeof(code), "BH%05d", i);
		snprintf(name, sizeof(name), "户主%05d", i);
		snprintf(phone, sizeof(phone), "139%08d", i);
		stmt_bind_text(st, 1, code);
		stmt_bind_text(st, 2, name);
		stmt_bind_text(st, 3, phone);
		stmt_bind_text(st, 4, village(w, (uint64_t)i));
		stmt_bind_int(st, 5, 1 + i % NCOOPS);
		stmt_bind_int(st, 6, i % 3 == 0);
		rc = step_once(w->db, st);
	}
	stmt_finalize(st);
	return rc;
}

static void harvest_date(uint64_t i, char out[16])
{
	snprintf(out, 16, "2026-%02d-%02d", 9 + (int)(i % 2), 1 + (int)(bench_mix(i) % 28));
}

static int add_lots(struct world *w, long nlots)
{
	struct stmt *src, *packed, *share;
	char code[12], day[16];
	int rc = store_prepare(w->db, "INSERT INTO lots (code, kind, product_id, grade_id, household_id, "
				      "point_id, cooperative_id, harvest_date, expires_on, initial_g, created_at) "
				      "VALUES (?, 'source', 1, 1, ?, ?, ?, ?, '2026-12-31', ?, 0)", &src);
	if (rc)
		return rc;
	if ((rc = store_prepare(w->db, "INSERT INTO lots (code, kind, product_id, grade_id, sku_id, "
				       "cooperative_id, harvest_date, packed_on, expires_on, initial_g, "
				       "created_at) VALUES (?, 'packed', 1, 1, 1, ?, ?, '2026-10-20', "
				       "'2026-12-31', ?, 0)", &packed)))
		goto out_src;
	if ((rc = store_prepare(w->db, "INSERT INTO lot_sources (lot_id, source_lot_id, share_g) "
				       "VALUES (?, ?, ?)", &share)))
		goto out_packed;
	for (long i = 0; i < nlots && !rc; i++) {
		int64_t id = i + 1; /* lots.id of lot i in a fresh database */
		bench_code((uint64_t)i, code);
		harvest_date((uint64_t)i, day);
		if (i % 5 != 4) {
			int64_t h = (int64_t)(bench_mix((uint64_t)i * 7) % NHOUSEHOLDS);
			stmt_bind_text(src, 1, code);
			stmt_bind_int(src, 2, h + 1);
			stmt_bind_int(src, 3, 1 + h % NPOINTS);
			stmt_bind_int(src, 4, 1 + h % NCOOPS);
			stmt_bind_text(src, 5, day);
			stmt_bind_int(src, 6, 10000 + (int64_t)(i % 7) * 1000);
			rc = step_once(w->db, src);
			continue;
		}
		stmt_bind_text(packed, 1, code);
		stmt_bind_int(packed, 2, 1 + i % NCOOPS);
		stmt_bind_text(packed, 3, day);
		stmt_bind_int(packed, 4, 40000);
		if ((rc = step_once(w->db, packed)))
			break;
		for (int k = 1; k <= 4 && !rc; k++) {
			stmt_bind_int(share, 1, id);
			stmt_bind_int(share, 2, id - k);
			stmt_bind_int(share, 3, 10000);
			rc = step_once(w->db, share);
		}
		if (i % 200000 == 199999)
			fprintf(stderr, "mkdb: %ld lots\n", i + 1);
	}
	stmt_finalize(share);
out_packed:
	stmt_finalize(packed);
out_src:
	stmt_finalize(src);
	return rc;
}

int main(int argc, char **argv)
{
	struct world w = {0};
	char err[256];
	int64_t nlots = 0;
	if (argc != 3 || parse_int64(str_from(argv[2]), &nlots) || nlots < 5 || nlots > 100000000) {
		fprintf(stderr, "usage: mkdb DB NLOTS (NLOTS >= 5)\n");
		return 2;
	}
	w.db = store_open(argv[1], err, sizeof(err));
	if (!w.db) {
		fprintf(stderr, "mkdb: %s\n", err);
		return 1;
	}
	int rc = exec_or_say(w.db, "PRAGMA synchronous = OFF");
	if (!rc)
		rc = load_villages(&w);
	if (!rc && !(rc = store_begin(w.db))) {
		rc = add_parties(&w);
		if (!rc)
			rc = add_lots(&w, (long)nlots);
		rc = rc ? store_rollback(w.db), rc : store_commit(w.db);
	}
	if (!rc)
		rc = exec_or_say(w.db, "ANALYZE");
	free(w.villages);
	store_close(w.db);
	if (rc) {
		fprintf(stderr, "mkdb: failed\n");
		return 1;
	}
	fprintf(stderr, "mkdb: %lld lots in %s\n", (long long)nlots, argv[1]);
	return 0;
}
