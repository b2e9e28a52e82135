/*
 * Packing runs at the origin warehouse (grade, sort, pack): many input lots
 * (source lots, or packed lots being repacked) in, one or more packed lots
 * out — each of one SKU, units x net_g grams — plus weighed grade-outs and
 * losses. Nothing is computed as a remainder: if inputs do not equal outputs
 * + grade-outs + losses to the gram, the run is still recorded but flagged
 * (packings.balanced = 0, output lots mass_flag 'mismatch'); see
 * core/massbalance.h. Each output lot traces back to every source lot with
 * its share of grams (core/lot.h), expires on the earliest harvest date of
 * its inputs plus the product's shelf life, and belongs to the cooperative
 * all its source lots share (none if they differ).
 */
#ifndef SHANHAI_APP_PACKING_H
#define SHANHAI_APP_PACKING_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/lots.h"

struct pack_input {
	int64_t lot_id;
	int64_t used_g;
};

struct pack_output {
	int64_t sku_id;
	int64_t units;
};

struct pack_loss {
	const char *kind; /* "gradeout" or "loss" */
	int64_t qty_g;
	const char *reason;
};

struct packing_in {
	int64_t warehouse_id;
	const char *packed_on; /* "YYYY-MM-DD" */
	const struct pack_input *inputs;
	int ninputs;
	const struct pack_output *outputs;
	int noutputs;
	const struct pack_loss *losses;
	int nlosses;
	const char *note;
};

#define PACK_MAX_LINES 200

/* What a run produced. */
struct packing_result {
	int64_t id;
	char code[32];
	bool balanced;
	int64_t difference_g; /* input - (output + gradeout + loss) */
	int64_t lot_ids[PACK_MAX_LINES];
	char lot_codes[PACK_MAX_LINES][32];
	int nlots;
};

/* Record a packing run. Errors name the field ("inputs", "outputs",
 * "losses") and the 1-based row. Insufficient stock of an input: 409. */
int packing_create(struct store *db, const struct packing_in *in, int64_t user_id,
		   struct packing_result *out, struct app_err *err);
/* One run with its inputs, outputs (lots) and losses. */
int packing_get(struct store *db, int64_t id, json_t **out, struct app_err *err);
/* The warehouse of a run (404 if none). */
int packing_warehouse(struct store *db, int64_t id, int64_t *warehouse_id, struct app_err *err);
/* Runs, newest first; balanced -1 any, 0 flagged only, 1 balanced only. */
int packings_list(struct store *db, int64_t warehouse_id, int balanced, struct wh_scope scope,
		  int64_t limit, int64_t offset, json_t **out, struct app_err *err);

#endif
