/*
 * A SQLite VFS that simulates power loss, for the crash tests (test builds
 * only: SHANHAI_TESTING, enabled by SHANHAI_TEST_VFS=powerloss). In the
 * manner of SQLite's own crash tests, writes to the database, its WAL and its
 * journal are held in memory until the file is synced; only xSync puts them
 * into the real file (and fsyncs it). Killing the process with SIGKILL then
 * loses exactly what a power cut would lose — every write not yet synced —
 * whereas a plain SIGKILL keeps the operating system's cache and so could
 * never catch a missing fsync.
 *
 * Reads see the process's own unsynced writes (as they would through the
 * page cache). Truncation and a clean close write the held data through: a
 * clean close is not a crash. Shared memory (the WAL index) is passed
 * through: it is rebuilt from the WAL after a crash anyway.
 */
#include "store/store_int.h"

#ifdef SHANHAI_TESTING

#include "lib/alloc.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

struct held_write {
	sqlite3_int64 off;
	int len;
	unsigned char *data;
};

struct pl_file {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct in the same allocation */
	bool hold;          /* database, WAL or journal: writes wait for xSync */
	struct held_write *w;
	size_t nw, capw;
};

static sqlite3_vfs *real_vfs;

static struct pl_file *pf(sqlite3_file *f)
{
	return (struct pl_file *)f;
}

static void drop_held(struct pl_file *f)
{
	for (size_t i = 0; i < f->nw; i++)
		free(f->w[i].data);
	f->nw = 0;
}

/* Write everything held into the real file, in order. */
static int write_through(struct pl_file *f)
{
	int rc = SQLITE_OK;
	for (size_t i = 0; i < f->nw && rc == SQLITE_OK; i++)
		rc = f->real->pMethods->xWrite(f->real, f->w[i].data, f->w[i].len, f->w[i].off);
	drop_held(f);
	return rc;
}

static int pl_close(sqlite3_file *file)
{
	struct pl_file *f = pf(file);
	int rc = write_through(f);
	free(f->w);
	f->w = NULL;
	int rc2 = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
	return rc != SQLITE_OK ? rc : rc2;
}

static int pl_read(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off)
{
	struct pl_file *f = pf(file);
	sqlite3_int64 real_size = 0;
	int rc = f->real->pMethods->xRead(f->real, buf, amt, off);
	if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
		return rc;
	if (f->real->pMethods->xFileSize(f->real, &real_size) != SQLITE_OK)
		return SQLITE_IOERR_READ;
	sqlite3_int64 end = real_size;
	for (size_t i = 0; i < f->nw; i++) { /* later writes win: apply in order */
		struct held_write *w = &f->w[i];
		sqlite3_int64 lo = w->off > off ? w->off : off;
		sqlite3_int64 hi = w->off + w->len < off + amt ? w->off + w->len : off + amt;
		if (lo < hi)
			memcpy((unsigned char *)buf + (lo - off), w->data + (lo - w->off),
			       (size_t)(hi - lo));
		if (w->off + w->len > end)
			end = w->off + w->len;
	}
	return off + amt <= end ? SQLITE_OK : SQLITE_IOERR_SHORT_READ;
}

static int pl_write(sqlite3_file *file, const void *buf, int amt, sqlite3_int64 off)
{
	struct pl_file *f = pf(file);
	if (!f->hold)
		return f->real->pMethods->xWrite(f->real, buf, amt, off);
	if (f->nw == f->capw)
		f->w = xrealloc(f->w, (f->capw = f->capw ? f->capw * 2 : 64) * sizeof(*f->w));
	struct held_write *w = &f->w[f->nw++];
	w->off = off;
	w->len = amt;
	w->data = xmalloc((size_t)amt);
	memcpy(w->data, buf, (size_t)amt);
	return SQLITE_OK;
}

static int pl_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct pl_file *f = pf(file);
	int rc = write_through(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int pl_sync(sqlite3_file *file, int flags)
{
	struct pl_file *f = pf(file);
	int rc = write_through(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int pl_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct pl_file *f = pf(file);
	int rc = f->real->pMethods->xFileSize(f->real, size);
	for (size_t i = 0; rc == SQLITE_OK && i < f->nw; i++)
		if (f->w[i].off + f->w[i].len > *size)
			*size = f->w[i].off + f->w[i].len;
	return rc;
}

/* The rest is passed through to the real file. */
static int pl_lock(sqlite3_file *f, int l) { return pf(f)->real->pMethods->xLock(pf(f)->real, l); }
static int pl_unlock(sqlite3_file *f, int l) { return pf(f)->real->pMethods->xUnlock(pf(f)->real, l); }
static int pl_check_reserved(sqlite3_file *f, int *out)
{
	return pf(f)->real->pMethods->xCheckReservedLock(pf(f)->real, out);
}
static int pl_file_control(sqlite3_file *f, int op, void *arg)
{
	return pf(f)->real->pMethods->xFileControl(pf(f)->real, op, arg);
}
static int pl_sector_size(sqlite3_file *f) { return pf(f)->real->pMethods->xSectorSize(pf(f)->real); }
static int pl_device(sqlite3_file *f)
{
	return pf(f)->real->pMethods->xDeviceCharacteristics(pf(f)->real);
}
static int pl_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **p)
{
	return pf(f)->real->pMethods->xShmMap(pf(f)->real, pg, sz, extend, p);
}
static int pl_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return pf(f)->real->pMethods->xShmLock(pf(f)->real, off, n, flags);
}
static void pl_shm_barrier(sqlite3_file *f) { pf(f)->real->pMethods->xShmBarrier(pf(f)->real); }
static int pl_shm_unmap(sqlite3_file *f, int del)
{
	return pf(f)->real->pMethods->xShmUnmap(pf(f)->real, del);
}

static const sqlite3_io_methods pl_io = {
	.iVersion = 2, /* no memory-mapped reads: every read goes through pl_read */
	.xClose = pl_close,
	.xRead = pl_read,
	.xWrite = pl_write,
	.xTruncate = pl_truncate,
	.xSync = pl_sync,
	.xFileSize = pl_file_size,
	.xLock = pl_lock,
	.xUnlock = pl_unlock,
	.xCheckReservedLock = pl_check_reserved,
	.xFileControl = pl_file_control,
	.xSectorSize = pl_sector_size,
	.xDeviceCharacteristics = pl_device,
	.xShmMap = pl_shm_map,
	.xShmLock = pl_shm_lock,
	.xShmBarrier = pl_shm_barrier,
	.xShmUnmap = pl_shm_unmap,
};

static int pl_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags,
		   int *out_flags)
{
	(void)vfs;
	struct pl_file *f = pf(file);
	memset(f, 0, sizeof(*f));
	f->real = (sqlite3_file *)(f + 1);
	int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		f->base.pMethods = NULL;
		return rc;
	}
	f->hold = (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) != 0;
	f->base.pMethods = &pl_io;
	return SQLITE_OK;
}

static int pl_delete(sqlite3_vfs *v, const char *z, int sync)
{
	(void)v;
	return real_vfs->xDelete(real_vfs, z, sync);
}
static int pl_access(sqlite3_vfs *v, const char *z, int flags, int *out)
{
	(void)v;
	return real_vfs->xAccess(real_vfs, z, flags, out);
}
static int pl_full_pathname(sqlite3_vfs *v, const char *z, int n, char *out)
{
	(void)v;
	return real_vfs->xFullPathname(real_vfs, z, n, out);
}
static int pl_randomness(sqlite3_vfs *v, int n, char *out)
{
	(void)v;
	return real_vfs->xRandomness(real_vfs, n, out);
}
static int pl_sleep(sqlite3_vfs *v, int us)
{
	(void)v;
	return real_vfs->xSleep(real_vfs, us);
}
static int pl_current_time(sqlite3_vfs *v, double *t)
{
	(void)v;
	return real_vfs->xCurrentTime(real_vfs, t);
}
static int pl_last_error(sqlite3_vfs *v, int n, char *z)
{
	(void)v;
	return real_vfs->xGetLastError(real_vfs, n, z);
}
static int pl_current_time64(sqlite3_vfs *v, sqlite3_int64 *t)
{
	(void)v;
	return real_vfs->xCurrentTimeInt64(real_vfs, t);
}

static sqlite3_vfs pl_vfs = {
	.iVersion = 2,
	.zName = "shanhai-powerloss",
	.xOpen = pl_open,
	.xDelete = pl_delete,
	.xAccess = pl_access,
	.xFullPathname = pl_full_pathname,
	.xRandomness = pl_randomness,
	.xSleep = pl_sleep,
	.xCurrentTime = pl_current_time,
	.xGetLastError = pl_last_error,
	.xCurrentTimeInt64 = pl_current_time64,
};

static int register_rc = SQLITE_ERROR;

static void register_once(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	if (!real_vfs)
		return;
	pl_vfs.szOsFile = (int)sizeof(struct pl_file) + real_vfs->szOsFile;
	pl_vfs.mxPathname = real_vfs->mxPathname;
	register_rc = sqlite3_vfs_register(&pl_vfs, 0);
}

const char *store_test_vfs(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const char *want = getenv("SHANHAI_TEST_VFS");
	if (!want || strcmp(want, "powerloss"))
		return NULL;
	pthread_once(&once, register_once);
	return register_rc == SQLITE_OK ? pl_vfs.zName : NULL;
}

#else

const char *store_test_vfs(void)
{
	return NULL; /* release builds have no test VFS */
}

#endif
