/*
 * The pool of read connections: each HTTP connection thread borrows a store
 * connection for the length of one request and gives it back. SQLite in WAL
 * mode lets these readers run beside the one writer.
 */
#include "http/server_int.h"
#include "lib/alloc.h"

#include <stdlib.h>

int db_pool_init(struct db_pool *p, const char *url, int size, char *err, size_t errsz)
{
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->free = xcalloc((size_t)size, sizeof(*p->free));
	p->size = size;
	p->nfree = 0;
	for (int i = 0; i < size; i++) {
		struct store *db = store_open(url, err, errsz);
		if (!db) {
			db_pool_release(p);
			return -1;
		}
		p->free[p->nfree++] = db;
	}
	return 0;
}

void db_pool_release(struct db_pool *p)
{
	for (int i = 0; i < p->nfree; i++)
		store_close(p->free[i]);
	free(p->free);
	p->free = NULL;
	p->nfree = 0;
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
}

struct store *db_pool_get(struct db_pool *p)
{
	pthread_mutex_lock(&p->lock);
	while (p->nfree == 0)
		pthread_cond_wait(&p->freed, &p->lock);
	struct store *db = p->free[--p->nfree];
	pthread_mutex_unlock(&p->lock);
	return db;
}

void db_pool_put(struct db_pool *p, struct store *db)
{
	pthread_mutex_lock(&p->lock);
	p->free[p->nfree++] = db;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}
