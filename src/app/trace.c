/*
 * Traceability queries (see trace.h). Each trace is a handful of prepared
 * statements, reused for every row of the trace through struct tctx, over
 * the indexes of migration 0400: a lot or parcel by its unique code, then its
 * sources, collections, line-hauls and sales by id. The JSON is built here
 * from plain columns; handlers only decide whether names may be shown.
 */
#include "app/trace.h"

#include <stdlib.h>
#include <string.h>

#include "app/query.h"
#include "lib/alloc.h"
#include "lib/money.h"
#include "lib/timeutil.h"

/* Statements shared by one trace, prepared on first use. */
struct tctx {
	struct store *db;
	bool personal;
	struct app_err *err;
	struct stmt *place, *sources, *colls, *linehauls, *sales, *packing;
};

static void tctx_release(struct tctx *t)
{
	struct stmt **all[] = {&t->place, &t->sources, &t->colls, &t->linehauls, &t->sales,
			       &t->packing};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (*all[i]) {
			stmt_finalize(*all[i]);
			*all[i] = NULL;
		}
}

/* Prepare *st once (kept in the context) or reset it for new bindings. */
static int ready(struct tctx *t, struct stmt **st, const char *sql)
{
	int rc = *st ? stmt_reset(*st) : store_prepare(t->db, sql, st);
	if (rc != STORE_OK)
		return app_store_fail(t->err, t->db, rc);
	return 0;
}

static void set_text(json_t *o, const char *key, struct stmt *st, int col)
{
	if (stmt_type(st, col) == COL_NULL)
		json_object_set_new(o, key, json_null());
	else
		json_object_set_new(o, key, json_string(stmt_text(st, col)));
}

static void set_int(json_t *o, const char *key, struct stmt *st, int col)
{
	if (stmt_type(st, col) == COL_NULL)
		json_object_set_new(o, key, json_null());
	else
		json_object_set_new(o, key, json_integer(stmt_int(st, col)));
}

/* An instant column (Unix ms) as ISO-8601 UTC text, or null. */
static void set_instant(json_t *o, const char *key, struct stmt *st, int col)
{
	char buf[32];
	if (stmt_type(st, col) == COL_NULL) {
		json_object_set_new(o, key, json_null());
		return;
	}
	time_format_utc(stmt_int(st, col) / 1000, buf, sizeof(buf));
	json_object_set_new(o, key, json_string(buf));
}

/* ---- division names ---- */

struct suffix_rule {
	const char *suffix; /* what the NBS name ends with */
	const char *keep;   /* the tail of the suffix that stays */
};

/* Longest first; "keep" is put back so 村/社区 stay in the short name. */
static const struct suffix_rule suffix_rules[] = {
	{"社区居民委员会", "社区"},
	{"村村民委员会", "村"},
	{"社区居委会", "社区"},
	{"居民委员会", ""},
	{"村民委员会", "村"},
	{"村委会", "村"},
	{"居委会", ""},
};

size_t division_short_len(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof(suffix_rules) / sizeof(suffix_rules[0]); i++) {
		size_t sn = strlen(suffix_rules[i].suffix), kn = strlen(suffix_rules[i].keep);
		if (n > sn && !memcmp(name + n - sn, suffix_rules[i].suffix, sn))
			return n - sn + kn;
	}
	return n;
}

static json_t *short_name(const char *name)
{
	return json_stringn(name, division_short_len(name));
}

/* {"village_code", "village", "township", "county"} for a village (or any
 * division) code; names are short names, missing levels null. */
static int place_json(struct tctx *t, const char *code, json_t **out)
{
	char town[16] = "", county[16] = "";
	size_t n = strlen(code);
	if (n >= 9)
		snprintf(town, sizeof(town), "%.9s", code);
	if (n >= 6)
		snprintf(county, sizeof(county), "%.6s", code);
	if (ready(t, &t->place,
		  "SELECT code, name, level FROM divisions WHERE code IN (?, ?, ?)"))
		return -1;
	stmt_bind_text(t->place, 1, code);
	stmt_bind_text(t->place, 2, town);
	stmt_bind_text(t->place, 3, county);
	json_t *o = json_object();
	json_object_set_new(o, "village_code", json_string(code));
	json_object_set_new(o, "village", json_null());
	json_object_set_new(o, "township", json_null());
	json_object_set_new(o, "county", json_null());
	int rc;
	while ((rc = stmt_step(t->place)) == STORE_ROW) {
		const char *c = stmt_text(t->place, 0);
		const char *key = !strcmp(c, county) ? "county"
				  : !strcmp(c, town) ? "township"
						     : "village";
		json_object_set_new(o, key, short_name(stmt_text(t->place, 1)));
	}
	if (rc != STORE_DONE) {
		json_decref(o);
		return app_store_fail(t->err, t->db, rc);
	}
	*out = o;
	return 0;
}

/* ---- pieces shared by the traces ---- */

/* Collection receipts that created source lot lot_id. */
static int collections_json(struct tctx *t, int64_t lot_id, json_t **out)
{
	if (ready(t, &t->colls,
		  "SELECT code, collected_on, harvest_date, net_g, point_id, reverses_id "
		  "FROM collections WHERE lot_id = ? ORDER BY id"))
		return -1;
	stmt_bind_int(t->colls, 1, lot_id);
	return rows_array(t->db, t->colls, "code collected_on harvest_date net_g:i - reversal:n", out,
	                 t->err);
}

/* Line-hauls that carried lot_id. */
static int linehauls_json(struct tctx *t, int64_t lot_id, json_t **out)
{
	if (ready(t, &t->linehauls,
		  "SELECT l.code, l.status, fw.code, tw.code, ll.loaded_g, ll.received_g, "
		  "l.dispatched_at, l.received_at FROM linehaul_lines ll "
		  "JOIN linehauls l ON l.id = ll.linehaul_id "
		  "JOIN warehouses fw ON fw.id = l.from_warehouse_id "
		  "JOIN warehouses tw ON tw.id = l.to_warehouse_id "
		  "WHERE ll.lot_id = ? ORDER BY l.id"))
		return -1;
	stmt_bind_int(t->linehauls, 1, lot_id);
	return rows_array(t->db, t->linehauls,
	                 "code status from_warehouse to_warehouse loaded_g:i received_g:i "
	                 "dispatched_at:t received_at:t",
	                 out, t->err);
}

/* Where lot_id was sold: one item per allocation (released ones left out).
 * If share_g/initial_g are given (> 0), each item also carries
 * "household_g", the household's part of the allocated grams. */
static int sales_json(struct tctx *t, int64_t lot_id, int64_t share_g, int64_t initial_g,
		      json_t **out, int64_t *household_total)
{
	if (ready(t, &t->sales,
		  "SELECT a.id, a.qty_g, a.state, o.id, o.channel_order_no, o.ordered_on, "
		  "c.code, ol.line_no, p.code, p.status, p.delivered_at, w.code "
		  "FROM allocations a JOIN order_lines ol ON ol.id = a.order_line_id "
		  "JOIN orders o ON o.id = ol.order_id JOIN channels c ON c.id = o.channel_id "
		  "JOIN warehouses w ON w.id = a.warehouse_id "
		  "LEFT JOIN parcel_lines pl ON pl.allocation_id = a.id "
		  "LEFT JOIN parcels p ON p.id = pl.parcel_id "
		  "WHERE a.lot_id = ? AND a.state <> 'released' ORDER BY a.id"))
		return -1;
	stmt_bind_int(t->sales, 1, lot_id);
	json_t *arr = json_array();
	int rc;
	*household_total = 0;
	while ((rc = stmt_step(t->sales)) == STORE_ROW) {
		json_t *s = row_object(t->sales, "allocation_id:i qty_g:i state order_id:i "
		                               "channel_order_no ordered_on channel line_no:i "
		                               "parcel_code parcel_status delivered_at:t warehouse");
		if (share_g > 0 && initial_g > 0) {
			int64_t g = 0;
			if (muldiv_round(stmt_int(t->sales, 1), share_g, initial_g, &g))
				g = 0;
			json_object_set_new(s, "household_g", json_integer(g));
			*household_total += g;
		}
		json_array_append_new(arr, s);
	}
	if (rc != STORE_DONE) {
		json_decref(arr);
		return app_store_fail(t->err, t->db, rc);
	}
	*out = arr;
	return 0;
}

/* The household part of a source: id, code, 脱贫户 flag, and the name only
 * when personal data may be shown. */
static json_t *household_json(struct tctx *t, struct stmt *st, int col_id)
{
	if (stmt_type(st, col_id) == COL_NULL)
		return json_null();
	json_t *h = json_object();
	set_int(h, "id", st, col_id);
	set_text(h, "code", st, col_id + 1);
	json_object_set_new(h, "lifted_from_poverty", json_boolean(stmt_int(st, col_id + 2)));
	if (t->personal)
		set_text(h, "head_name", st, col_id + 3);
	return h;
}

/* The sources of packed lot lot_id (or the lot itself if it is a source
 * lot): [{lot_id, lot_code, share_g, harvest_date, household, place, point,
 * collections}]. Names are read but dropped unless t->personal. */
#define SOURCE_COLUMNS(share)                                                                 \
	"s.id, s.code, " share ", s.harvest_date, h.id, h.code, h.lifted_from_poverty, "     \
	"h.head_name, h.village_code, cp.code, cp.name, co.name "
#define SOURCE_JOINS                                                                          \
	"LEFT JOIN households h ON h.id = s.household_id "                                   \
	"LEFT JOIN collection_points cp ON cp.id = s.point_id "                              \
	"LEFT JOIN cooperatives co ON co.id = COALESCE(s.cooperative_id, h.cooperative_id) "

static int sources_json(struct tctx *t, int64_t lot_id, json_t **out)
{
	if (ready(t, &t->sources,
		  "SELECT " SOURCE_COLUMNS("ls.share_g") "FROM lot_sources ls "
		  "JOIN lots s ON s.id = ls.source_lot_id " SOURCE_JOINS "WHERE ls.lot_id = ? "
		  "UNION ALL SELECT " SOURCE_COLUMNS("s.initial_g") "FROM lots s " SOURCE_JOINS
		  "WHERE s.id = ? AND s.kind = 'source' ORDER BY 1"))
		return -1;
	stmt_bind_int(t->sources, 1, lot_id);
	stmt_bind_int(t->sources, 2, lot_id);
	json_t *arr = json_array();
	int rc;
	/* rows first (the statement is reused by nothing below), details after */
	while ((rc = stmt_step(t->sources)) == STORE_ROW) {
		json_t *s = json_object();
		set_int(s, "lot_id", t->sources, 0);
		set_text(s, "lot_code", t->sources, 1);
		set_int(s, "share_g", t->sources, 2);
		set_text(s, "harvest_date", t->sources, 3);
		json_object_set_new(s, "household", household_json(t, t->sources, 4));
		set_text(s, "village_code", t->sources, 8);
		if (stmt_type(t->sources, 9) != COL_NULL) {
			json_t *p = json_object();
			set_text(p, "code", t->sources, 9);
			set_text(p, "name", t->sources, 10);
			json_object_set_new(s, "point", p);
		} else {
			json_object_set_new(s, "point", json_null());
		}
		set_text(s, "cooperative", t->sources, 11);
		json_array_append_new(arr, s);
	}
	if (rc != STORE_DONE)
		goto out_store;
	size_t i;
	json_t *s;
	json_array_foreach(arr, i, s)
	{
		json_t *v = json_object_get(s, "village_code"), *place = NULL, *colls = NULL;
		if (json_is_string(v)) {
			if (place_json(t, json_string_value(v), &place))
				goto out_free;
			json_object_set_new(s, "place", place);
		} else {
			json_object_set_new(s, "place", json_null());
		}
		json_object_del(s, "village_code");
		if (collections_json(t, json_integer_value(json_object_get(s, "lot_id")), &colls))
			goto out_free;
		json_object_set_new(s, "collections", colls);
	}
	*out = arr;
	return 0;
out_store:
	app_store_fail(t->err, t->db, rc);
out_free:
	json_decref(arr);
	return -1;
}

/* Sum of "share_g" over a sources array. */
static int64_t sources_total(json_t *sources)
{
	int64_t total = 0;
	size_t i;
	json_t *s;
	json_array_foreach(sources, i, s)
	total += json_integer_value(json_object_get(s, "share_g"));
	return total;
}

/* ---- trace of a lot ---- */

#define LOT_COLUMNS                                                                           \
	"l.id, l.code, l.kind, p.code, p.name, p.name_en, g.code, g.name, k.code, k.name, "  \
	"l.harvest_date, l.packed_on, l.expires_on, l.initial_g, l.status, l.mass_flag, "    \
	"co.name "
#define LOT_JOINS                                                                             \
	"JOIN products p ON p.id = l.product_id LEFT JOIN grades g ON g.id = l.grade_id "    \
	"LEFT JOIN skus k ON k.id = l.sku_id LEFT JOIN cooperatives co ON co.id = l.cooperative_id "

static json_t *lot_row_json(struct stmt *st)
{
	json_t *l = row_object(st, "id:i code kind");
	json_object_set_new(l, "product", row_object_at(st, 3, "code name name_en"));
	json_object_update_new(l, row_object_at(st, 6, "grade_code grade sku_code sku harvest_date "
	                                             "packed_on expires_on initial_g:i status "
	                                             "mass_flag cooperative"));
	return l;
}

/* The lot row by code into *lot (404 if none). */
static int lot_by_code(struct tctx *t, const char *code, json_t **lot)
{
	struct stmt *st;
	int rc = store_prepare(t->db, "SELECT " LOT_COLUMNS "FROM lots l " LOT_JOINS "WHERE l.code = ?",
			       &st);
	if (rc != STORE_OK)
		return app_store_fail(t->err, t->db, rc);
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		*lot = lot_row_json(st);
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(t->err, 404, "not_found", "code", "批次不存在", "no lot '%.60s'", code);
	if (rc != STORE_ROW)
		return app_store_fail(t->err, t->db, rc);
	return 0;
}

/* The packing run that produced lot_id, or null. */
static int packing_json(struct tctx *t, int64_t lot_id, json_t **out)
{
	if (ready(t, &t->packing,
		  "SELECT pk.code, pk.packed_on, w.code, w.name, po.qty_g, po.units, pk.balanced "
		  "FROM packing_outputs po JOIN packings pk ON pk.id = po.packing_id "
		  "JOIN warehouses w ON w.id = pk.warehouse_id WHERE po.lot_id = ? ORDER BY pk.id"))
		return -1;
	stmt_bind_int(t->packing, 1, lot_id);
	int rc = stmt_step(t->packing);
	if (rc == STORE_DONE) {
		*out = json_null();
		return 0;
	}
	if (rc != STORE_ROW)
		return app_store_fail(t->err, t->db, rc);
	*out = row_object(t->packing, "code packed_on warehouse_code warehouse qty_g:i units:i balanced:b");
	return 0;
}

int trace_lot(struct store *db, const char *code, bool personal, json_t **out,
	      struct app_err *err)
{
	struct tctx t = {.db = db, .personal = personal, .err = err};
	json_t *lot = NULL, *sources = NULL, *packing = NULL, *lh = NULL, *sales = NULL;
	int64_t unused;
	if (lot_by_code(&t, code, &lot))
		goto out_fail;
	int64_t id = json_integer_value(json_object_get(lot, "id"));
	if (sources_json(&t, id, &sources) || packing_json(&t, id, &packing) ||
	    linehauls_json(&t, id, &lh) || sales_json(&t, id, 0, 0, &sales, &unused))
		goto out_fail;
	json_t *o = json_object();
	json_object_set_new(o, "sources_total_g", json_integer(sources_total(sources)));
	json_object_set_new(o, "lot", lot);
	json_object_set_new(o, "packing", packing);
	json_object_set_new(o, "sources", sources);
	json_object_set_new(o, "linehauls", lh);
	json_object_set_new(o, "sales", sales);
	tctx_release(&t);
	*out = o;
	return 0;
out_fail:
	json_decref(lot);
	json_decref(sources);
	json_decref(packing);
	json_decref(lh);
	json_decref(sales);
	tctx_release(&t);
	return -1;
}

/* ---- trace of a parcel ---- */

/* The parcel and its order into *out (404 if none); *parcel_id set. */
static int parcel_by_code(struct tctx *t, const char *code, json_t **out, int64_t *parcel_id)
{
	struct stmt *st;
	int rc = store_prepare(
		t->db,
		"SELECT p.id, p.code, p.route, p.carrier, p.tracking_no, p.status, p.weight_g, "
		"p.shipped_at, p.delivered_at, w.code, o.id, o.channel_order_no, o.ordered_at, "
		"o.ordered_on, o.status, c.code, c.name "
		"FROM parcels p JOIN warehouses w ON w.id = p.warehouse_id "
		"JOIN orders o ON o.id = p.order_id JOIN channels c ON c.id = o.channel_id "
		"WHERE p.code = ?",
		&st);
	if (rc != STORE_OK)
		return app_store_fail(t->err, t->db, rc);
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		json_t *p = row_object(st, "id:i code route carrier tracking_no status weight_g:i "
		                         "shipped_at:t delivered_at:t warehouse");
		json_t *o = row_object_at(st, 10, "id:i channel_order_no ordered_at:t ordered_on status "
		                                "channel channel_name");
		*parcel_id = stmt_int(st, 0);
		*out = json_pack("{s:o, s:o}", "parcel", p, "order", o);
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(t->err, 404, "not_found", "code", "包裹不存在", "no parcel '%.60s'",
				code);
	if (rc != STORE_ROW)
		return app_store_fail(t->err, t->db, rc);
	return 0;
}

/* The lots in parcel_id with their grams: [{lot row..., qty_g}]. */
static int parcel_lots(struct tctx *t, int64_t parcel_id, json_t **out)
{
	struct stmt *st;
	int rc = store_prepare(t->db,
			       "SELECT " LOT_COLUMNS ", SUM(a.qty_g) FROM parcel_lines pl "
			       "JOIN allocations a ON a.id = pl.allocation_id "
			       "JOIN lots l ON l.id = a.lot_id " LOT_JOINS
			       "WHERE pl.parcel_id = ? GROUP BY " LOT_COLUMNS "ORDER BY l.id",
			       &st);
	if (rc != STORE_OK)
		return app_store_fail(t->err, t->db, rc);
	stmt_bind_int(st, 1, parcel_id);
	json_t *arr = json_array();
	while ((rc = stmt_step(st)) == STORE_ROW) {
		json_t *l = lot_row_json(st);
		set_int(l, "qty_g", st, 17);
		json_array_append_new(arr, l);
	}
	stmt_finalize(st);
	if (rc != STORE_DONE) {
		json_decref(arr);
		return app_store_fail(t->err, t->db, rc);
	}
	*out = arr;
	return 0;
}

/* Split qty_g of a lot among its sources by share (largest remainder) and
 * write "grams" into each source; add them to the per-household totals. */
static void split_among_sources(json_t *sources, int64_t qty_g, json_t *by_household)
{
	size_t n = json_array_size(sources);
	if (n == 0)
		return;
	int64_t *w = xcalloc(n, sizeof(*w)), *g = xcalloc(n, sizeof(*g));
	size_t i;
	json_t *s;
	json_array_foreach(sources, i, s)
	w[i] = json_integer_value(json_object_get(s, "share_g"));
	if (split_largest_remainder(qty_g, w, n, g))
		memset(g, 0, n * sizeof(*g));
	json_array_foreach(sources, i, s)
	{
		json_object_set_new(s, "grams", json_integer(g[i]));
		json_t *h = json_object_get(s, "household");
		if (!json_is_object(h))
			continue;
		const char *hcode = json_string_value(json_object_get(h, "code"));
		json_t *tot = json_object_get(by_household, hcode);
		if (!tot) {
			tot = json_deep_copy(h);
			json_object_set(tot, "place", json_object_get(s, "place"));
			json_object_set_new(tot, "grams", json_integer(0));
			json_object_set_new(by_household, hcode, tot);
		}
		json_int_t sum = json_integer_value(json_object_get(tot, "grams")) + g[i];
		json_object_set_new(tot, "grams", json_integer(sum));
	}
	free(w);
	free(g);
}

int trace_parcel(struct store *db, const char *code, bool personal, json_t **out,
		 struct app_err *err)
{
	struct tctx t = {.db = db, .personal = personal, .err = err};
	json_t *o = NULL, *lots = NULL, *by_household = json_object();
	int64_t parcel_id = 0;
	if (parcel_by_code(&t, code, &o, &parcel_id) || parcel_lots(&t, parcel_id, &lots))
		goto out_fail;
	size_t i;
	json_t *l;
	json_array_foreach(lots, i, l)
	{
		int64_t lot_id = json_integer_value(json_object_get(l, "id"));
		json_t *sources = NULL, *lh = NULL;
		if (sources_json(&t, lot_id, &sources))
			goto out_fail;
		json_object_set_new(l, "sources", sources);
		split_among_sources(sources, json_integer_value(json_object_get(l, "qty_g")),
				    by_household);
		if (linehauls_json(&t, lot_id, &lh))
			goto out_fail;
		json_object_set_new(l, "linehauls", lh);
	}
	json_t *households = json_array();
	const char *key;
	json_t *h;
	json_object_foreach(by_household, key, h) json_array_append(households, h);
	json_object_set_new(o, "lots", lots);
	json_object_set_new(o, "households", households);
	json_decref(by_household);
	tctx_release(&t);
	*out = o;
	return 0;
out_fail:
	json_decref(o);
	json_decref(lots);
	json_decref(by_household);
	tctx_release(&t);
	return -1;
}

/* ---- forward trace of a household ---- */

static int household_head(struct tctx *t, int64_t id, json_t **out)
{
	struct stmt *st;
	int rc = store_prepare(t->db,
			       "SELECT h.id, h.code, h.lifted_from_poverty, h.head_name, "
			       "h.village_code, co.name, h.members FROM households h "
			       "LEFT JOIN cooperatives co ON co.id = h.cooperative_id WHERE h.id = ?",
			       &st);
	if (rc != STORE_OK)
		return app_store_fail(t->err, t->db, rc);
	stmt_bind_int(st, 1, id);
	rc = stmt_step(st);
	json_t *h = NULL;
	char village[32] = "";
	if (rc == STORE_ROW) {
		h = household_json(t, st, 0);
		set_text(h, "cooperative", st, 5);
		set_int(h, "members", st, 6);
		snprintf(village, sizeof(village), "%s", stmt_text(st, 4));
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(t->err, 404, "not_found", "id", "农户不存在",
				"no household %lld", (long long)id);
	if (rc != STORE_ROW)
		return app_store_fail(t->err, t->db, rc);
	json_t *place = NULL;
	if (place_json(t, village, &place)) {
		json_decref(h);
		return -1;
	}
	json_object_set_new(h, "place", place);
	*out = h;
	return 0;
}

/* The household's source lots: [{id, code, product, grade, harvest_date,
 * initial_g, status}]. */
static int household_lots(struct tctx *t, int64_t household_id, json_t **out)
{
	struct stmt *st;
	int rc = store_prepare(t->db,
			       "SELECT l.id, l.code, p.code, p.name, g.name, l.harvest_date, "
			       "l.initial_g, l.status FROM lots l JOIN products p ON p.id = l.product_id "
			       "LEFT JOIN grades g ON g.id = l.grade_id "
			       "WHERE l.household_id = ? AND l.kind = 'source' ORDER BY l.id",
			       &st);
	if (rc != STORE_OK)
		return app_store_fail(t->err, t->db, rc);
	stmt_bind_int(st, 1, household_id);
	rc = rows_array(t->db, st, "id:i code product_code product grade harvest_date initial_g:i status",
	               out, t->err);
	stmt_finalize(st);
	return rc;
}

/* The packed lots source lot_id went into: [{id, code, sku, share_g,
 * initial_g, packed_on}]. */
static int packed_into(struct tctx *t, int64_t lot_id, json_t **out)
{
	struct stmt *st;
	int rc = store_prepare(t->db,
			       "SELECT l.id, l.code, k.code, k.name, ls.share_g, l.initial_g, "
			       "l.packed_on, l.status FROM lot_sources ls JOIN lots l ON l.id = ls.lot_id "
			       "LEFT JOIN skus k ON k.id = l.sku_id WHERE ls.source_lot_id = ? "
			       "ORDER BY l.id",
			       &st);
	if (rc != STORE_OK)
		return app_store_fail(t->err, t->db, rc);
	stmt_bind_int(st, 1, lot_id);
	rc = rows_array(t->db, st, "id:i code sku_code sku share_g:i initial_g:i packed_on status", out,
	               t->err);
	stmt_finalize(st);
	return rc;
}

/* Fill one source lot of the forward trace; adds to the totals. */
static int forward_lot(struct tctx *t, json_t *src, int64_t *packed_g, int64_t *sold_g)
{
	int64_t src_id = json_integer_value(json_object_get(src, "id"));
	json_t *colls = NULL, *packed = NULL;
	if (collections_json(t, src_id, &colls))
		return -1;
	json_object_set_new(src, "collections", colls);
	if (packed_into(t, src_id, &packed))
		return -1;
	json_object_set_new(src, "packed_into", packed);
	size_t i;
	json_t *p;
	json_array_foreach(packed, i, p)
	{
		int64_t pid = json_integer_value(json_object_get(p, "id"));
		int64_t share = json_integer_value(json_object_get(p, "share_g"));
		int64_t initial = json_integer_value(json_object_get(p, "initial_g"));
		json_t *lh = NULL, *sales = NULL;
		int64_t sold = 0;
		if (linehauls_json(t, pid, &lh))
			return -1;
		json_object_set_new(p, "linehauls", lh);
		if (sales_json(t, pid, share, initial, &sales, &sold))
			return -1;
		json_object_set_new(p, "sales", sales);
		json_object_set_new(p, "household_sold_g", json_integer(sold));
		*packed_g += share;
		*sold_g += sold;
	}
	/* a source lot sold as it is (no packing) */
	json_t *direct = NULL;
	int64_t sold = 0, initial = json_integer_value(json_object_get(src, "initial_g"));
	if (sales_json(t, src_id, initial, initial, &direct, &sold))
		return -1;
	json_object_set_new(src, "sales", direct);
	*sold_g += sold;
	return 0;
}

int trace_household(struct store *db, int64_t household_id, bool personal, json_t **out,
		    struct app_err *err)
{
	struct tctx t = {.db = db, .personal = personal, .err = err};
	json_t *h = NULL, *lots = NULL;
	int64_t collected = 0, packed = 0, sold = 0;
	if (household_head(&t, household_id, &h) || household_lots(&t, household_id, &lots))
		goto out_fail;
	size_t i;
	json_t *l;
	json_array_foreach(lots, i, l)
	{
		collected += json_integer_value(json_object_get(l, "initial_g"));
		if (forward_lot(&t, l, &packed, &sold))
			goto out_fail;
	}
	*out = json_pack("{s:o, s:o, s:{s:I, s:I, s:I}}", "household", h, "source_lots", lots,
			 "totals", "collected_g", (json_int_t)collected, "packed_g",
			 (json_int_t)packed, "sold_g", (json_int_t)sold);
	tctx_release(&t);
	return 0;
out_fail:
	json_decref(h);
	json_decref(lots);
	tctx_release(&t);
	return -1;
}

/* ---- the public trace ---- */

/* Add name to the array unless it is already there. */
static void add_unique(json_t *arr, json_t *item)
{
	size_t i;
	json_t *x;
	json_array_foreach(arr, i, x) if (json_equal(x, item))
	{
		json_decref(item);
		return;
	}
	json_array_append_new(arr, item);
}

/* One row per lot and source: the lot's public columns, then the village,
 * township and county names and the cooperative of one of its sources (of
 * the lot itself for a source lot), so the public trace is a single query
 * (the page behind a QR code must answer in milliseconds with a million
 * lots). No column here is personal: names, phones and ID numbers are never
 * read. */
#define ORIGIN_CODE "COALESCE(h.village_code, cp.village_code)"
#define PUBLIC_COLUMNS                                                                        \
	"l.id, l.code, p.name, p.name_en, g.name, k.name, l.harvest_date, l.packed_on, "     \
	"l.expires_on, co.name, " ORIGIN_CODE ", sco.name, dv.name, dt.name, dc.name "
#define PUBLIC_JOINS                                                                          \
	"JOIN products p ON p.id = l.product_id LEFT JOIN grades g ON g.id = l.grade_id "    \
	"LEFT JOIN skus k ON k.id = l.sku_id "                                               \
	"LEFT JOIN cooperatives co ON co.id = l.cooperative_id "                             \
	"LEFT JOIN lot_sources ls ON ls.lot_id = l.id "                                      \
	"LEFT JOIN lots s ON s.id = COALESCE(ls.source_lot_id, l.id) "                       \
	"LEFT JOIN households h ON h.id = s.household_id "                                   \
	"LEFT JOIN collection_points cp ON cp.id = s.point_id "                              \
	"LEFT JOIN cooperatives sco ON sco.id = COALESCE(s.cooperative_id, h.cooperative_id) " \
	"LEFT JOIN divisions dv ON dv.code = " ORIGIN_CODE " "                               \
	"LEFT JOIN divisions dt ON dt.code = substr(" ORIGIN_CODE ", 1, 9) "                 \
	"LEFT JOIN divisions dc ON dc.code = substr(" ORIGIN_CODE ", 1, 6) "

static json_t *public_item(struct stmt *st)
{
	json_t *it = json_object();
	set_text(it, "lot_code", st, 1);
	set_text(it, "product", st, 2);
	set_text(it, "product_en", st, 3);
	set_text(it, "grade", st, 4);
	set_text(it, "sku", st, 5);
	set_text(it, "harvest_date", st, 6);
	set_text(it, "packed_on", st, 7);
	set_text(it, "expires_on", st, 8);
	json_t *coops = json_array();
	if (stmt_type(st, 9) != COL_NULL)
		json_array_append_new(coops, json_string(stmt_text(st, 9)));
	json_object_set_new(it, "cooperatives", coops);
	json_object_set_new(it, "places", json_array());
	return it;
}

/* A short division name from column col, if the origin code is longer than
 * min_len (so a township code is not also shown as its own village). */
static json_t *level_name(struct stmt *st, int col, size_t code_len, size_t min_len)
{
	if (code_len < min_len || stmt_type(st, col) == COL_NULL)
		return json_null();
	return short_name(stmt_text(st, col));
}

/* {"village", "township", "county"} of the row's origin, or NULL. */
static json_t *public_place(struct stmt *st)
{
	if (stmt_type(st, 10) == COL_NULL)
		return NULL;
	size_t n = strlen(stmt_text(st, 10));
	json_t *p = json_object();
	json_object_set_new(p, "village", level_name(st, 12, n, 10));
	json_object_set_new(p, "township", level_name(st, 13, n, 9));
	json_object_set_new(p, "county", level_name(st, 14, n, 6));
	return p;
}

/* One public item per lot of the query (bound to key), rows ordered by lot. */
static int public_items(struct tctx *t, const char *sql, const char *key, json_t *items)
{
	struct stmt *st;
	int64_t last = 0;
	json_t *it = NULL, *place;
	int rc = store_prepare(t->db, sql, &st);
	if (rc != STORE_OK)
		return app_store_fail(t->err, t->db, rc);
	stmt_bind_text(st, 1, key);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (!it || stmt_int(st, 0) != last) {
			last = stmt_int(st, 0);
			it = public_item(st);
			json_array_append_new(items, it);
		}
		if ((place = public_place(st)))
			add_unique(json_object_get(it, "places"), place);
		if (stmt_type(st, 11) != COL_NULL)
			add_unique(json_object_get(it, "cooperatives"), json_string(stmt_text(st, 11)));
	}
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(t->err, t->db, rc);
	return 0;
}

/* The parcel's shipping instants, if code is a parcel: 1 found, 0 not, -1 error. */
static int public_parcel(struct tctx *t, const char *code, json_t *o)
{
	struct stmt *st;
	int rc = store_prepare(t->db, "SELECT shipped_at, delivered_at FROM parcels WHERE code = ?",
			       &st);
	if (rc != STORE_OK)
		return app_store_fail(t->err, t->db, rc);
	stmt_bind_text(st, 1, code);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		set_instant(o, "shipped_at", st, 0);
		set_instant(o, "delivered_at", st, 1);
	}
	stmt_finalize(st);
	if (rc == STORE_ROW)
		return 1;
	if (rc == STORE_DONE)
		return 0;
	return app_store_fail(t->err, t->db, rc);
}

int trace_public(struct store *db, const char *code, json_t **out, struct app_err *err)
{
	struct tctx t = {.db = db, .err = err};
	json_t *o = json_object(), *items = json_array();
	json_object_set_new(o, "code", json_string(code));
	json_object_set_new(o, "items", items);
	if (public_items(&t,
			 "SELECT " PUBLIC_COLUMNS "FROM lots l " PUBLIC_JOINS
			 "WHERE l.code = ? ORDER BY l.id, ls.source_lot_id",
			 code, items))
		goto out_fail;
	if (json_array_size(items) > 0) {
		json_object_set_new(o, "kind", json_string("lot"));
		goto out_ok;
	}
	int found = public_parcel(&t, code, o);
	if (found < 0)
		goto out_fail;
	if (found == 0) {
		app_fail(err, 404, "not_found", "code", "未找到该追溯码", "no lot or parcel '%.60s'",
			 code);
		goto out_fail;
	}
	json_object_set_new(o, "kind", json_string("parcel"));
	if (public_items(&t,
			 "SELECT " PUBLIC_COLUMNS "FROM lots l " PUBLIC_JOINS
			 "WHERE l.id IN (SELECT a.lot_id FROM parcels pc "
			 "JOIN parcel_lines pl ON pl.parcel_id = pc.id "
			 "JOIN allocations a ON a.id = pl.allocation_id WHERE pc.code = ?) "
			 "ORDER BY l.id, ls.source_lot_id",
			 code, items))
		goto out_fail;
out_ok:
	tctx_release(&t);
	*out = o;
	return 0;
out_fail:
	tctx_release(&t);
	json_decref(o);
	return -1;
}

/* ---- scope of a code ---- */

static void scope_add(int64_t **arr, size_t *n, int64_t id)
{
	for (size_t i = 0; i < *n; i++)
		if ((*arr)[i] == id)
			return;
	*arr = xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = id;
}

/* The lots behind a code: the lot itself, or the lots in the parcel (for
 * where the produce came from and who packed it). */
#define SCOPE_LOTS                                                                            \
	"(SELECT id FROM lots WHERE code = ? UNION SELECT a.lot_id FROM parcels p "           \
	"JOIN parcel_lines pl ON pl.parcel_id = p.id "                                       \
	"JOIN allocations a ON a.id = pl.allocation_id WHERE p.code = ?)"

/* Only the lot itself: where a lot was held, carried and allocated says
 * nothing about a parcel holding part of it. */
#define SCOPE_LOT "(SELECT id FROM lots WHERE code = ?)"

static const char scope_sql[] =
	"SELECT 'p', s.point_id FROM lot_sources ls JOIN lots s ON s.id = ls.source_lot_id "
	"WHERE ls.lot_id IN " SCOPE_LOTS " AND s.point_id IS NOT NULL "
	"UNION SELECT 'p', point_id FROM lots WHERE id IN " SCOPE_LOTS
	" AND point_id IS NOT NULL "
	"UNION SELECT 'w', pk.warehouse_id FROM packing_outputs po "
	"JOIN packings pk ON pk.id = po.packing_id WHERE po.lot_id IN " SCOPE_LOTS
	" UNION SELECT 'w', loc_id FROM stock WHERE loc_kind = 'warehouse' AND lot_id IN " SCOPE_LOT
	" UNION SELECT 'w', a.warehouse_id FROM allocations a WHERE a.state <> 'released' "
	"AND a.lot_id IN " SCOPE_LOT
	" UNION SELECT 'w', l.from_warehouse_id FROM linehaul_lines ll "
	"JOIN linehauls l ON l.id = ll.linehaul_id WHERE ll.lot_id IN " SCOPE_LOT
	" UNION SELECT 'w', l.to_warehouse_id FROM linehaul_lines ll "
	"JOIN linehauls l ON l.id = ll.linehaul_id WHERE ll.lot_id IN " SCOPE_LOT
	" UNION SELECT 'w', warehouse_id FROM parcels WHERE code = ? "
	"UNION SELECT 'c', o.channel_id FROM parcels p JOIN orders o ON o.id = p.order_id "
	"WHERE p.code = ? "
	"UNION SELECT 'c', o.channel_id FROM allocations a "
	"JOIN order_lines ol ON ol.id = a.order_line_id JOIN orders o ON o.id = ol.order_id "
	"WHERE a.lot_id IN " SCOPE_LOT " AND a.state <> 'released' "
	"UNION SELECT 'f', 0 FROM lots WHERE code = ? UNION SELECT 'f', 0 FROM parcels WHERE code = ?";

static int scope_rows(struct store *db, struct stmt *st, struct trace_scope *s,
		      struct app_err *err)
{
	int rc;
	while ((rc = stmt_step(st)) == STORE_ROW) {
		const char *k = stmt_text(st, 0);
		int64_t id = stmt_int(st, 1);
		if (*k == 'p')
			scope_add(&s->points, &s->npoints, id);
		else if (*k == 'w')
			scope_add(&s->warehouses, &s->nwarehouses, id);
		else if (*k == 'c')
			scope_add(&s->channels, &s->nchannels, id);
		else
			s->found = true;
	}
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

int trace_scope_of(struct store *db, const char *code, struct trace_scope *s,
		   struct app_err *err)
{
	struct stmt *st;
	memset(s, 0, sizeof(*s));
	int rc = store_prepare(db, scope_sql, &st);
	if (rc != STORE_OK)
		return app_store_fail(err, db, rc);
	int nparams = 0;
	for (const char *p = scope_sql; *p; p++)
		nparams += *p == '?';
	for (int i = 1; i <= nparams; i++)
		stmt_bind_text(st, i, code);
	rc = scope_rows(db, st, s, err);
	stmt_finalize(st);
	if (rc)
		trace_scope_release(s);
	return rc;
}

int trace_household_scope(struct store *db, int64_t household_id, struct trace_scope *s,
			  struct app_err *err)
{
	struct stmt *st;
	memset(s, 0, sizeof(*s));
	int rc = store_prepare(db,
			       "SELECT 'p', point_id FROM collections WHERE household_id = ? "
			       "UNION SELECT 'p', point_id FROM lots WHERE household_id = ? "
			       "AND point_id IS NOT NULL "
			       "UNION SELECT 'f', 0 FROM households WHERE id = ?",
			       &st);
	if (rc != STORE_OK)
		return app_store_fail(err, db, rc);
	for (int i = 1; i <= 3; i++)
		stmt_bind_int(st, i, household_id);
	rc = scope_rows(db, st, s, err);
	stmt_finalize(st);
	if (rc)
		trace_scope_release(s);
	return rc;
}

int trace_code_kind(struct store *db, const char *code, const char **kind, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, "SELECT 'lot' FROM lots WHERE code = ? "
				   "UNION ALL SELECT 'parcel' FROM parcels WHERE code = ?", &st);
	if (rc != STORE_OK)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, code);
	stmt_bind_text(st, 2, code);
	rc = stmt_step(st);
	*kind = rc != STORE_ROW ? NULL : strcmp(stmt_text(st, 0), "lot") ? "parcel" : "lot";
	stmt_finalize(st);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

void trace_scope_release(struct trace_scope *s)
{
	free(s->points);
	free(s->warehouses);
	free(s->channels);
	memset(s, 0, sizeof(*s));
}
