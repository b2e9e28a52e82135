/*
 * Transfers of source lots from a collection point to its origin warehouse.
 * Sending moves each lot's grams point -> transit (loc_id = the transfer);
 * receiving moves what arrived transit -> warehouse and writes the rest off
 * as 'shortage', so nothing stays in transit once a transfer is received and
 * every gram sent is accounted for (received + shortage = sent).
 */
#ifndef SHANHAI_APP_TRANSFERS_H
#define SHANHAI_APP_TRANSFERS_H

#include <jansson.h>
#include <stdint.h>

#include "app/app.h"
#include "app/lots.h"

/* One lot to send and its grams. */
struct transfer_line_in {
	int64_t lot_id;
	int64_t qty_g;
};

/* One lot received and the grams that arrived (<= sent). */
struct transfer_recv_in {
	int64_t lot_id;
	int64_t received_g;
};

/* Facts about one transfer. */
struct transfer_info {
	int64_t id, point_id, warehouse_id;
	char code[32];
	char status[12];
};

/* Send lines from point to warehouse (an origin warehouse): status 'sent'.
 * Errors name the line (err->row, 1-based). *id and code (32 bytes) out. */
int transfer_send(struct store *db, int64_t point_id, int64_t warehouse_id,
		  const struct transfer_line_in *lines, int n, int64_t user_id, int64_t *id,
		  char *code, struct app_err *err);
/* The origin warehouse a collection point feeds
 * (collection_points.warehouse_id), 0 if none or no such point. */
int64_t transfer_default_warehouse(struct store *db, int64_t point_id);
/* Receive a sent transfer. Lines not listed arrived in full; each listed line
 * names a lot on the transfer at most once. */
int transfer_receive(struct store *db, int64_t transfer_id, const struct transfer_recv_in *lines,
		     int n, int64_t user_id, struct app_err *err);
/* Load a transfer's facts (404 if none). */
int transfer_info_load(struct store *db, int64_t id, struct transfer_info *out,
		       struct app_err *err);
/* One transfer with its lines as JSON. */
int transfer_get(struct store *db, int64_t id, json_t **out, struct app_err *err);
/* Transfers, newest first; filters 0 = any; scope limits by warehouse,
 * points (ids NULL = any) by collection point. */
int transfers_list(struct store *db, int64_t warehouse_id, int64_t point_id, const char *status,
		   struct wh_scope scope, struct wh_scope points, int64_t limit, int64_t offset,
		   json_t **out, struct app_err *err);

#endif
