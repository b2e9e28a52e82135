/*
 * Inside the storage seam (after SQLite's btreeInt.h): the table of functions
 * a driver implements, and the generic objects store.c wraps around it. Only
 * store.c and the drivers (store_sqlite.c, later store_pg.c) include this.
 */
#ifndef SHANHAI_STORE_INT_H
#define SHANHAI_STORE_INT_H

#include "store/store.h"

struct store_ops {
	const char *name;
	int (*prepare)(struct store *db, const char *sql, void **impl, bool *writes);
	int (*bind_int)(void *impl, int idx, int64_t v);
	int (*bind_text)(void *impl, int idx, const char *s, size_t n);
	int (*bind_null)(void *impl, int idx);
	int (*step)(struct store *db, void *impl);
	int64_t (*col_int)(void *impl, int idx);
	const char *(*col_text)(void *impl, int idx);
	enum col_type (*col_type)(void *impl, int idx);
	int (*col_count)(void *impl);
	const char *(*col_name)(void *impl, int idx);
	int (*reset)(void *impl);
	int (*reset_keep)(void *impl); /* stmt_reset_rebind (NULL: reset) */
	/* stmt_bind_text_ref (NULL: bind_text, which copies) */
	int (*bind_text_ref)(void *impl, int idx, const char *s, size_t n);
	void (*finalize)(struct store *db, void *impl);
	int (*exec)(struct store *db, const char *sql); /* may hold several statements */
	int64_t (*changes)(struct store *db);
	const char *(*errmsg)(struct store *db);
	const char *begin_sql; /* "BEGIN IMMEDIATE" / "BEGIN" */
	const char *id_column; /* replacement for {{ID}} in migrations */
	void (*close)(struct store *db);
	int (*backup)(struct store *db, const char *path, void (*progress)(int, int), char *err,
	              size_t errsz);
	const char *integrity_sql;
	/* The tables in creation order (one text column), internal ones left out. */
	const char *tables_sql;
	/* After rows were copied in with their ids: make the next generated id of
	 * table follow the largest one (NULL when the store needs nothing). */
	int (*sync_ids)(struct store *db, const char *table);
	/* The id the connection's last INSERT generated, for store_prepare_insert
	 * (NULL: the store runs RETURNING id as written). */
	int64_t (*last_insert_id)(struct store *db);
	/* store_next_ids: n fresh ids of table (a name checked by store.c). */
	int (*next_ids)(struct store *db, const char *table, int64_t *ids, size_t n);
	/* store_ids_unused (NULL: ids are never handed out again) */
	void (*ids_unused)(struct store *db, const char *table, int64_t first);
	int (*max_params)(struct store *db); /* the most parameters one statement may bind */
};

struct store {
	const struct store_ops *ops;
	void *conn;    /* the driver's connection */
	char err[256]; /* last error set by the generic layer */
	bool in_tx;
	/* fault injection */
	long fault_after; /* < 0: off */
	int fault_rc;
	bool fault_sticky, fault_fired;
	/* store_cache_* */
	const void *cache_tag;
	void *cache;
	void (*cache_release)(void *);
	int (*cache_job_end)(void *, bool undone);
	int (*cache_flush)(void *);
	bool cache_kept;
};

struct stmt {
	struct store *db;
	void *impl;
	bool writes;
	bool last_id; /* store_prepare_insert without RETURNING: read last_insert_id */
};

/* Drivers. */
struct store *store_sqlite_open(const char *path, char *err, size_t errsz);
struct store *store_pg_open(const char *url, char *err, size_t errsz);
/* The name of the power-loss VFS when a test build is asked for it
 * (SHANHAI_TEST_VFS=powerloss, vfs_powerloss.c), else NULL: the default VFS. */
const char *store_test_vfs(void);

#endif
