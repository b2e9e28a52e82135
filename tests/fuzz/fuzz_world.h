/*
 * The database the store-backed fuzz targets share (fuzz_order_import,
 * fuzz_http_request): a SQLite file in a fresh temporary folder with the
 * schema migrations, the base data and the order tests' world
 * (tests/data/orders/world.sql: warehouses, channels LIVE1/SHOP2, SKUs,
 * stock). Header-only, static: each target includes it once. Run from the
 * repository root (tests/fuzz/run.sh does).
 */
#ifndef SHANHAI_FUZZ_WORLD_H
#define SHANHAI_FUZZ_WORLD_H

#include "app/seed.h"
#include "lib/buf.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char world_dir[] = "/tmp/fuzz-world.XXXXXX";
static char world_path[64];

static void world_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz: %s: %.2000s\n", what, detail);
	abort();
}

static void world_sql(struct store *db, const char *sql)
{
	if (store_exec(db, sql))
		world_fail(sql, store_errmsg(db));
}

static void world_sql_file(struct store *db, const char *file)
{
	FILE *f = fopen(file, "rb");
	struct buf b;
	char chunk[4096];
	size_t n;
	if (!f)
		world_fail("cannot open (run from the repository root)", file);
	buf_init(&b, 1u << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	world_sql(db, b.p);
	buf_release(&b);
}

/* Create the database; the open connection is returned, world_path names it. */
static struct store *world_create(void)
{
	char err[256];
	if (!mkdtemp(world_dir))
		world_fail("mkdtemp", world_dir);
	snprintf(world_path, sizeof(world_path), "%s/world.db", world_dir);
	struct store *db = store_open(world_path, err, sizeof(err));
	if (!db)
		world_fail("store_open", err);
	if (store_migrate(db))
		world_fail("migrate", store_errmsg(db));
	if (seed_base_data(db, err, sizeof(err)))
		world_fail("base data", err);
	world_sql_file(db, "tests/data/orders/world.sql");
	return db;
}

/* Remove the database files and their folder (the connections closed). */
static void world_remove(void)
{
	char f[80];
	for (const char *const *x = (const char *const[]){"", "-wal", "-shm", NULL}; *x; x++) {
		snprintf(f, sizeof(f), "%s%s", world_path, *x);
		unlink(f);
	}
	rmdir(world_dir);
}

#endif
