/*
 * Packing runs (see packing.h). Order of work inside the caller's
 * transaction: validate and load everything, insert the run, take the
 * inputs out of stock (pack_in), flatten the trace, create each output lot
 * with its stock (pack_out) and its source shares, record grade-outs and
 * losses, and mark emptied input lots consumed.
 */
#include "app/packing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/stock.h"
#include "core/fefo.h"
#include "core/lot.h"
#include "core/massbalance.h"
#include "lib/alloc.h"
#include "lib/timeutil.h"

/* What packing needs to know about each input and output. */
struct run {
	const struct packing_in *in;
	struct lot_info *lots;      /* per input */
	int64_t *net_g;             /* per output */
	int64_t *grade_id;          /* per output */
	int64_t product_id;
	int64_t shelf_life_days;
	char harvest[11];           /* earliest harvest date of the inputs */
	char expires[11];
	struct pack_totals totals;
	int64_t cooperative_id;     /* shared by every source lot, else 0 */
};

static int fail_at(struct app_err *err, const char *field, int row)
{
	snprintf(err->field, sizeof(err->field), "%s", field);
	err->row = row;
	return -1;
}

static int load_sku(struct store *db, int64_t sku_id, int64_t *product_id, int64_t *grade_id,
		    int64_t *net_g, struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, "SELECT product_id, COALESCE(grade_id, 0), net_g FROM skus WHERE id = ?",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_int(st, 1, sku_id);
	rc = stmt_step(st);
	if (rc == STORE_ROW) {
		*product_id = stmt_int(st, 0);
		*grade_id = stmt_int(st, 1);
		*net_g = stmt_int(st, 2);
	}
	stmt_finalize(st);
	if (rc == STORE_DONE)
		return app_fail(err, 422, "invalid", "sku_id", "商品规格不存在", "unknown sku %lld",
				(long long)sku_id);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	return 0;
}

static int check_counts(const struct packing_in *in, struct app_err *err)
{
	if (in->ninputs <= 0 || in->ninputs > PACK_MAX_LINES)
		return app_fail(err, 422, "invalid", "inputs", "投入批次需1至200行",
				"inputs: 1 to %d lots are needed", PACK_MAX_LINES);
	if (in->noutputs <= 0 || in->noutputs > PACK_MAX_LINES)
		return app_fail(err, 422, "invalid", "outputs", "产出需1至200行",
				"outputs: 1 to %d lines are needed", PACK_MAX_LINES);
	if (in->nlosses < 0 || in->nlosses > PACK_MAX_LINES)
		return app_fail(err, 422, "invalid", "losses", "损耗行过多",
				"losses: at most %d lines", PACK_MAX_LINES);
	return 0;
}

static int load_inputs(struct store *db, struct run *r, struct app_err *err)
{
	const struct packing_in *in = r->in;
	for (int i = 0; i < in->ninputs; i++) {
		struct lot_info *l = &r->lots[i];
		if (in->inputs[i].used_g <= 0 || in->inputs[i].used_g > 1000000000000) {
			app_fail(err, 422, "invalid", "used_g", "用量必须大于零",
				 "used_g must be between 1 and 10^12");
			return fail_at(err, "inputs.used_g", i + 1);
		}
		if (lot_info_load(db, in->inputs[i].lot_id, l, err)) {
			if (err->status == 404)
				err->status = 422, snprintf(err->code, sizeof(err->code), "invalid");
			return fail_at(err, "inputs.lot_id", i + 1);
		}
		for (int j = 0; j < i; j++)
			if (r->lots[j].id == l->id) {
				app_fail(err, 422, "invalid", "lot_id", "同一批次重复投入",
					 "lot '%s' is listed twice", l->code);
				return fail_at(err, "inputs.lot_id", i + 1);
			}
		if (i == 0)
			r->product_id = l->product_id;
		if (l->product_id != r->product_id) {
			app_fail(err, 422, "invalid", "lot_id", "投入批次必须是同一产品",
				 "lot '%s' is of another product than the first input", l->code);
			return fail_at(err, "inputs.lot_id", i + 1);
		}
		if (strcmp(l->status, "active")) {
			app_fail(err, 422, "invalid", "lot_id", "批次不可用",
				 "lot '%s' is %s", l->code, l->status);
			return fail_at(err, "inputs.lot_id", i + 1);
		}
		if (fefo_expired(l->expires_on, in->packed_on)) {
			app_fail(err, 422, "invalid", "lot_id", "批次已过期，不能包装",
				 "lot '%s' expired on %s", l->code, l->expires_on);
			return fail_at(err, "inputs.lot_id", i + 1);
		}
		if (i == 0 || strcmp(l->harvest_date, r->harvest) < 0)
			snprintf(r->harvest, sizeof(r->harvest), "%s", l->harvest_date);
		r->totals.input_g += in->inputs[i].used_g;
	}
	return 0;
}

static int load_outputs(struct store *db, struct run *r, struct app_err *err)
{
	const struct packing_in *in = r->in;
	for (int i = 0; i < in->noutputs; i++) {
		int64_t product = 0;
		if (in->outputs[i].units <= 0 || in->outputs[i].units > 10000000) {
			app_fail(err, 422, "invalid", "units", "件数必须在1到10000000之间",
				 "units must be between 1 and 10000000");
			return fail_at(err, "outputs.units", i + 1);
		}
		if (load_sku(db, in->outputs[i].sku_id, &product, &r->grade_id[i], &r->net_g[i], err))
			return fail_at(err, "outputs.sku_id", i + 1);
		if (product != r->product_id) {
			app_fail(err, 422, "invalid", "sku_id", "产出规格与投入产品不符",
				 "sku %lld is not of the product of the inputs",
				 (long long)in->outputs[i].sku_id);
			return fail_at(err, "outputs.sku_id", i + 1);
		}
		r->totals.output_g += in->outputs[i].units * r->net_g[i];
	}
	return 0;
}

static int load_losses(struct run *r, struct app_err *err)
{
	const struct packing_in *in = r->in;
	for (int i = 0; i < in->nlosses; i++) {
		const struct pack_loss *l = &in->losses[i];
		bool gradeout = l->kind && !strcmp(l->kind, "gradeout");
		if (!gradeout && !(l->kind && !strcmp(l->kind, "loss"))) {
			app_fail(err, 422, "invalid", "kind", "损耗类型必须是 gradeout 或 loss",
				 "kind must be 'gradeout' or 'loss'");
			return fail_at(err, "losses.kind", i + 1);
		}
		if (l->qty_g < 0 || l->qty_g > 1000000000000) {
			app_fail(err, 422, "invalid", "qty_g", "重量不能为负",
				 "qty_g must be between 0 and 10^12");
			return fail_at(err, "losses.qty_g", i + 1);
		}
		if (!l->reason || !*l->reason) {
			app_fail(err, 422, "invalid", "reason", "需要说明原因", "reason is required");
			return fail_at(err, "losses.reason", i + 1);
		}
		if (gradeout)
			r->totals.gradeout_g += l->qty_g;
		else
			r->totals.loss_g += l->qty_g;
	}
	return 0;
}

static int load_product(struct store *db, struct run *r, struct app_err *err)
{
	int rc = store_query_int(db, "SELECT shelf_life_days FROM products WHERE id = ?",
				 r->product_id, &r->shelf_life_days);
	if (rc)
		return app_store_fail(err, db, rc);
	if (lot_expiry(r->harvest, r->shelf_life_days, r->expires, sizeof(r->expires)))
		return app_fail(err, 422, "invalid", "inputs", "无法计算保质期",
				"cannot compute expiry from harvest date '%s'", r->harvest);
	return 0;
}

static int insert_packing(struct store *db, struct run *r, int64_t user_id,
			  struct packing_result *out, struct app_err *err)
{
	struct stmt *st;
	app_new_code("K", out->code, sizeof(out->code));
	int rc = store_prepare(db,
			       "INSERT INTO packings (code, warehouse_id, packed_on, input_g, output_g,"
			       " gradeout_g, loss_g, balanced, created_by, created_at, note)"
			       " VALUES (?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
			       &st);
	if (rc)
		return app_store_fail(err, db, rc);
	stmt_bind_text(st, 1, out->code);
	stmt_bind_int(st, 2, r->in->warehouse_id);
	stmt_bind_text(st, 3, r->in->packed_on);
	stmt_bind_int(st, 4, r->totals.input_g);
	stmt_bind_int(st, 5, r->totals.output_g);
	stmt_bind_int(st, 6, r->totals.gradeout_g);
	stmt_bind_int(st, 7, r->totals.loss_g);
	stmt_bind_int(st, 8, out->balanced ? 1 : 0);
	if (user_id)
		stmt_bind_int(st, 9, user_id);
	else
		stmt_bind_null(st, 9);
	stmt_bind_int(st, 10, time_now_ms());
	stmt_bind_text(st, 11, r->in->note ? r->in->note : "");
	rc = stmt_step(st);
	if (rc == STORE_ROW)
		out->id = stmt_int(st, 0);
	stmt_finalize(st);
	if (rc != STORE_ROW)
		return app_store_fail(err, db, rc);
	return 0;
}

/* Run an INSERT with n (3 or 4) int parameters. */
static int insert_ints(struct store *db, const char *sql, const int64_t *v, int n,
		       struct app_err *err)
{
	struct stmt *st;
	int rc = store_prepare(db, sql, &st);
	if (rc)
		return app_store_fail(err, db, rc);
	for (int i = 0; i < n; i++)
		stmt_bind_int(st, i + 1, v[i]);
	rc = stmt_step(st);
	stmt_finalize(st);
	if (rc != STORE_DONE)
		return app_store_fail(err, db, rc);
	return 0;
}

static int take_inputs(struct store *db, struct run *r, int64_t packing_id, int64_t user_id,
		       struct app_err *err)
{
	struct stock_loc wh = {LOC_WAREHOUSE, r->in->warehouse_id};
	for (int i = 0; i < r->in->ninputs; i++) {
		const struct pack_input *p = &r->in->inputs[i];
		int64_t v[3] = {packing_id, p->lot_id, p->used_g};
		if (insert_ints(db, "INSERT INTO packing_inputs (packing_id, lot_id, used_g) VALUES (?,?,?)",
				v, 3, err) ||
		    stock_remove(db, p->lot_id, wh, p->used_g, "pack_in", "packing", packing_id,
				 user_id, err))
			return fail_at(err, "inputs.used_g", i + 1);
	}
	return 0;
}

/* The source shares of a packed lot (xmalloc'd). */
static int load_sources(struct store *db, int64_t lot_id, struct lot_share **out, size_t *n,
			struct app_err *err)
{
	struct stmt *st;
	size_t cap = 8;
	*n = 0;
	*out = xmalloc(cap * sizeof(**out));
	int rc = store_prepare(db,
			       "SELECT source_lot_id, share_g FROM lot_sources WHERE lot_id = ?"
			       " ORDER BY source_lot_id",
			       &st);
	if (rc)
		goto out_fail;
	stmt_bind_int(st, 1, lot_id);
	while ((rc = stmt_step(st)) == STORE_ROW) {
		if (*n == cap) {
			cap *= 2;
			*out = xrealloc(*out, cap * sizeof(**out));
		}
		(*out)[*n].source_lot_id = stmt_int(st, 0);
		(*out)[*n].share_g = stmt_int(st, 1);
		(*n)++;
	}
	stmt_finalize(st);
	if (rc != STORE_DONE)
		goto out_fail;
	return 0;
out_fail:
	free(*out);
	*out = NULL;
	return app_store_fail(err, db, rc);
}

/* Flatten the run's inputs to source lots with their grams. */
static int flatten(struct store *db, struct run *r, struct lot_share **flat, size_t *nflat,
		   struct app_err *err)
{
	int n = r->in->ninputs, ret = -1;
	struct trace_input *ti = xcalloc((size_t)n, sizeof(*ti));
	struct lot_share **owned = xcalloc((size_t)n, sizeof(*owned));
	for (int i = 0; i < n; i++) {
		ti[i].lot_id = r->lots[i].id;
		ti[i].used_g = r->in->inputs[i].used_g;
		ti[i].is_source = !strcmp(r->lots[i].kind, "source");
		if (!ti[i].is_source &&
		    load_sources(db, ti[i].lot_id, &owned[i], &ti[i].nsources, err))
			goto out_free;
		ti[i].sources = owned[i];
	}
	if (trace_flatten(ti, (size_t)n, flat, nflat)) {
		app_fail(err, 422, "invalid", "inputs", "投入批次缺少溯源记录",
			 "a packed input lot has no source shares to trace");
		goto out_free;
	}
	ret = 0;
out_free:
	for (int i = 0; i < n; i++)
		free(owned[i]);
	free(owned);
	free(ti);
	return ret;
}

/* The cooperative of a source lot (its own, else its household's), or 0. */
static int64_t source_cooperative(struct store *db, int64_t lot_id)
{
	int64_t coop = 0;
	if (store_query_int(db,
			    "SELECT COALESCE(l.cooperative_id, h.cooperative_id, 0) FROM lots l"
			    " LEFT JOIN households h ON h.id = l.household_id WHERE l.id = ?",
			    lot_id, &coop))
		return 0;
	return coop;
}

/* The packed lots' cooperative: the one all their sources share, or none. */
static void common_cooperative(struct store *db, struct run *r, const struct lot_share *flat,
			       size_t nflat)
{
	r->cooperative_id = 0;
	for (size_t i = 0; i < nflat; i++) {
		int64_t c = source_cooperative(db, flat[i].source_lot_id);
		if (c == 0 || (i > 0 && c != r->cooperative_id)) {
			r->cooperative_id = 0;
			return;
		}
		r->cooperative_id = c;
	}
}

static int make_output(struct store *db, struct run *r, int i, int64_t packing_id,
		       const struct lot_share *flat, size_t nflat, int64_t user_id,
		       struct packing_result *out, struct app_err *err)
{
	const struct pack_output *o = &r->in->outputs[i];
	int64_t qty = o->units * r->net_g[i];
	struct packed_lot_in lot = {
		.product_id = r->product_id,
		.grade_id = r->grade_id[i],
		.sku_id = o->sku_id,
		.harvest_date = r->harvest,
		.packed_on = r->in->packed_on,
		.expires_on = r->expires,
		.initial_g = qty,
		.mass_flag = out->balanced ? "ok" : "mismatch",
		.cooperative_id = r->cooperative_id,
	};
	int64_t lot_id;
	struct stock_loc wh = {LOC_WAREHOUSE, r->in->warehouse_id};
	if (lot_create_packed(db, &lot, &lot_id, out->lot_codes[i], err) ||
	    stock_add(db, lot_id, wh, qty, "pack_out", "packing", packing_id, user_id, err))
		return -1;
	int64_t v[4] = {packing_id, lot_id, qty, o->units};
	if (insert_ints(db, "INSERT INTO packing_outputs (packing_id, lot_id, qty_g, units)"
			    " VALUES (?,?,?,?)", v, 4, err))
		return -1;
	out->lot_ids[i] = lot_id;
	out->nlots = i + 1;
	struct lot_share *shares = xmalloc(nflat * sizeof(*shares));
	int ret = -1;
	if (trace_split(qty, flat, nflat, shares)) {
		app_fail(err, 500, "internal", NULL, "内部错误", "cannot split trace shares");
		goto out_free;
	}
	for (size_t k = 0; k < nflat; k++) {
		int64_t s[3] = {lot_id, shares[k].source_lot_id, shares[k].share_g};
		if (s[2] > 0 &&
		    insert_ints(db, "INSERT INTO lot_sources (lot_id, source_lot_id, share_g)"
				    " VALUES (?,?,?)", s, 3, err))
			goto out_free;
	}
	ret = 0;
out_free:
	free(shares);
	return ret;
}

static int record_losses(struct store *db, struct run *r, int64_t packing_id,
			 struct app_err *err)
{
	for (int i = 0; i < r->in->nlosses; i++) {
		const struct pack_loss *l = &r->in->losses[i];
		struct stmt *st;
		int rc = store_prepare(db,
				       "INSERT INTO packing_losses (packing_id, kind, qty_g, reason)"
				       " VALUES (?,?,?,?)",
				       &st);
		if (rc)
			return app_store_fail(err, db, rc);
		stmt_bind_int(st, 1, packing_id);
		stmt_bind_text(st, 2, l->kind);
		stmt_bind_int(st, 3, l->qty_g);
		stmt_bind_text(st, 4, l->reason);
		rc = stmt_step(st);
		stmt_finalize(st);
		if (rc != STORE_DONE)
			return app_store_fail(err, db, rc);
	}
	return 0;
}

static int validate(struct store *db, struct run *r, struct app_err *err)
{
	char kind[16];
	int64_t day;
	const struct packing_in *in = r->in;
	if (!in->packed_on || date_parse(in->packed_on, strlen(in->packed_on), &day))
		return app_fail(err, 422, "invalid", "packed_on", "包装日期无效",
				"packed_on must be a date YYYY-MM-DD");
	if (check_counts(in, err) || warehouse_kind(db, in->warehouse_id, kind, sizeof(kind), err))
		return -1;
	if (strcmp(kind, "origin"))
		return app_fail(err, 422, "invalid", "warehouse_id", "包装只在产地仓进行",
				"warehouse %lld is not an origin warehouse",
				(long long)in->warehouse_id);
	if (load_inputs(db, r, err) || load_outputs(db, r, err) || load_losses(r, err) ||
	    load_product(db, r, err))
		return -1;
	return 0;
}

int packing_create(struct store *db, const struct packing_in *in, int64_t user_id,
		   struct packing_result *out, struct app_err *err)
{
	struct run r = {.in = in};
	struct lot_share *flat = NULL;
	size_t nflat = 0;
	int ret = -1;
	memset(out, 0, sizeof(*out));
	if (in->ninputs > 0 && in->ninputs <= PACK_MAX_LINES && in->noutputs > 0 &&
	    in->noutputs <= PACK_MAX_LINES) {
		r.lots = xcalloc((size_t)in->ninputs, sizeof(*r.lots));
		r.net_g = xcalloc((size_t)in->noutputs, sizeof(*r.net_g));
		r.grade_id = xcalloc((size_t)in->noutputs, sizeof(*r.grade_id));
	}
	if (validate(db, &r, err))
		goto out_free;
	out->balanced = pack_balanced(&r.totals);
	out->difference_g = pack_difference(&r.totals);
	if (insert_packing(db, &r, user_id, out, err) ||
	    take_inputs(db, &r, out->id, user_id, err) || flatten(db, &r, &flat, &nflat, err))
		goto out_free;
	common_cooperative(db, &r, flat, nflat);
	for (int i = 0; i < in->noutputs; i++)
		if (make_output(db, &r, i, out->id, flat, nflat, user_id, out, err)) {
			err->row = i + 1;
			goto out_free;
		}
	if (record_losses(db, &r, out->id, err))
		goto out_free;
	for (int i = 0; i < in->ninputs; i++)
		if (lot_mark_consumed_if_empty(db, r.lots[i].id, err))
			goto out_free;
	ret = 0;
out_free:
	free(flat);
	free(r.grade_id);
	free(r.net_g);
	free(r.lots);
	return ret;
}

int packing_warehouse(struct store *db, int64_t id, int64_t *warehouse_id, struct app_err *err)
{
	int rc = store_query_int(db, "SELECT warehouse_id FROM packings WHERE id = ?", id,
				 warehouse_id);
	if (rc)
		return app_store_fail(err, db, rc);
	if (*warehouse_id == 0)
		return app_fail(err, 404, "not_found", NULL, "包装记录不存在",
				"packing %lld not found", (long long)id);
	return 0;
}

static int attach_rows(struct store *db, json_t *obj, const char *key, const char *select,
		       const char *cond, int64_t id, struct app_err *err)
{
	struct wh_query q;
	json_t *list;
	wh_query_init(&q, select);
	wh_query_and_int(&q, cond, id);
	if (wh_query_list(db, &q, 0, 0, &list, err))
		return -1;
	json_object_set(obj, key, json_object_get(list, "items"));
	json_decref(list);
	return 0;
}

int packing_get(struct store *db, int64_t id, json_t **out, struct app_err *err)
{
	struct wh_query q;
	json_t *p;
	wh_query_init(&q,
		      "SELECT p.id, p.code, p.warehouse_id, p.packed_on, p.input_g, p.output_g,"
		      " p.gradeout_g, p.loss_g, p.input_g - p.output_g - p.gradeout_g - p.loss_g"
		      " AS difference_g, p.balanced, p.created_by, p.created_at, p.note"
		      " FROM packings p");
	wh_query_and_int(&q, "p.id = ?", id);
	if (wh_query_one(db, &q, "packing", &p, err))
		return -1;
	if (attach_rows(db, p, "inputs",
			"SELECT i.lot_id, l.code AS lot_code, l.kind, i.used_g FROM packing_inputs i"
			" JOIN lots l ON l.id = i.lot_id",
			"i.packing_id = ?", id, err) ||
	    attach_rows(db, p, "outputs",
			"SELECT o.lot_id, l.code AS lot_code, l.sku_id, k.code AS sku_code, o.units,"
			" o.qty_g, l.expires_on, l.mass_flag FROM packing_outputs o"
			" JOIN lots l ON l.id = o.lot_id JOIN skus k ON k.id = l.sku_id",
			"o.packing_id = ?", id, err) ||
	    attach_rows(db, p, "losses",
			"SELECT kind, qty_g, reason FROM packing_losses", "packing_id = ?", id, err)) {
		json_decref(p);
		return -1;
	}
	*out = p;
	return 0;
}

int packings_list(struct store *db, int64_t warehouse_id, int balanced, struct wh_scope scope,
		  int64_t limit, int64_t offset, json_t **out, struct app_err *err)
{
	struct wh_query q;
	wh_query_init(&q,
		      "SELECT p.id, p.code, p.warehouse_id, p.packed_on, p.input_g, p.output_g,"
		      " p.gradeout_g, p.loss_g, p.input_g - p.output_g - p.gradeout_g - p.loss_g"
		      " AS difference_g, p.balanced, p.created_at FROM packings p");
	if (warehouse_id)
		wh_query_and_int(&q, "p.warehouse_id = ?", warehouse_id);
	if (balanced >= 0)
		wh_query_and_int(&q, "p.balanced = ?", balanced);
	if (scope.ids)
		wh_query_and_in(&q, "p.warehouse_id", scope.ids, scope.n);
	wh_query_add(&q, " ORDER BY p.id DESC");
	return wh_query_list(db, &q, limit, offset, out, err);
}
