/*
 * Importing orders from a channel's CSV or Excel file (docs/IMPORT.md): one
 * row per order line, rows with the same order number form one order. The
 * whole file is checked first and every bad row and field is listed; a file
 * with any bad row is refused whole, and the orders of a good file are
 * submitted through order_submit (so resent orders are "unchanged" and a
 * different order under an existing number refuses the file too). Used by
 * POST /api/v1/imports/orders and `shanhai import`; runs in the caller's
 * transaction, which the caller rolls back when the import is refused.
 *
 * Also the carrier's delivery confirmations (POST /imports/deliveries):
 * carrier, tracking number, delivered_at.
 */
#ifndef SHANHAI_APP_ORDER_IMPORT_H
#define SHANHAI_APP_ORDER_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "io/table.h"

/* One thing wrong with the file: where (file line, column header) and what. */
struct import_problem {
	long line;       /* 1-based line or xlsx row; 0 for the file itself */
	char column[48]; /* the column's header as written in the file, or "" */
	char message_zh[200];
	char message_en[240];
};

struct import_report {
	struct import_problem *problems;
	size_t nproblems, capproblems;
	size_t rows;   /* data rows read (blank rows skipped) */
	size_t orders; /* distinct orders in the file */
	size_t created, unchanged;
	size_t lines;      /* order lines created */
	int64_t import_id; /* the imports row, when the import went through */
};

/* Called now and then while submitting: done of total orders. */
typedef void (*import_progress_fn)(void *ud, size_t done, size_t total);

/* The order columns: each has an English and a Chinese header. */
struct import_column {
	const char *en, *zh;
	bool required;
};
extern const struct import_column order_import_columns[];
extern const size_t order_import_ncolumns;

/* Import the orders of t (row 0 is the header) for channel_id. Returns 0
 * when everything was imported; -1 when refused (rep->problems lists every
 * problem, err is a 422 summary) or on a storage error (err, 503/500). The
 * caller must roll back its transaction on -1. today is Asia/Shanghai. */
int order_import_table(struct store *db, int64_t channel_id, const struct table *t,
                       const char *filename, int64_t user_id, const char *today,
                       import_progress_fn progress, void *ud, struct import_report *rep,
                       struct app_err *err);

/* Apply the delivery confirmations of t (carrier, tracking_no, delivered_at);
 * every bad row is listed; -1 when refused or on a storage error.
 * *confirmed counts the parcels newly marked delivered. If warehouses is not
 * NULL, parcels of other warehouses are refused (nwarehouses ids). */
int delivery_import_table(struct store *db, const struct table *t, const int64_t *warehouses,
                          int nwarehouses, size_t *confirmed, struct import_report *rep,
                          struct app_err *err);

/* Parse a time as a channel writes it: ISO-8601 with Z or an offset,
 * "YYYY-MM-DD HH:MM[:SS]" or "YYYY-MM-DD" (Asia/Shanghai wall time), or the
 * same with '/' between date parts. 0 with *ms, or -1. */
int import_parse_time(const char *s, int64_t *ms);

void import_report_init(struct import_report *rep);
void import_report_release(struct import_report *rep);

#endif
