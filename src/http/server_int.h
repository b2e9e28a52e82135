/*
 * Inside the HTTP server (only the files of src/http include this): the server object,
 * the pool of read connections, the group-commit writer, and the dispatcher
 * that runs one request from route match to reply.
 */
#ifndef SHANHAI_SERVER_INT_H
#define SHANHAI_SERVER_INT_H

#include <pthread.h>
#include <semaphore.h>

#include "http/http.h"
#include "http/server.h"

/* A fixed set of store connections for reads, shared by the connection threads. */
struct db_pool {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct store **free;
	int nfree, size;
};

int db_pool_init(struct db_pool *p, const char *url, int size, char *err, size_t errsz);
void db_pool_release(struct db_pool *p);
struct store *db_pool_get(struct db_pool *p);
void db_pool_put(struct db_pool *p, struct store *db);

/* One queued write: the writer thread runs fn(arg, db) inside its batch
 * transaction within a savepoint and sets status; then, once the batch is
 * committed or rolled back, it calls done(job) (writer_submit) or posts
 * finished to the caller waiting in writer_run. */
struct write_job {
	int (*fn)(void *arg, struct store *db, bool *keep); /* returns the HTTP status it replied */
	void *arg;
	bool alone;     /* run in a batch of its own (bulk import) */
	bool grouped;   /* may leave rows queued in the store's cache (ROUTE_GROUPED) */
	int status;     /* after completion; 503 if the commit failed */
	bool keep;      /* commit its savepoint even if status >= 400 */
	void (*done)(struct write_job *job); /* writer_submit: called once status is final */
	sem_t finished; /* writer_run: posted by the writer once status is final */
	struct write_job *next;
};

struct writer;
struct writer *writer_start(const char *url, char *err, size_t errsz);
void writer_stop(struct writer *w);
/* Queue job and wait for it to be committed (or rolled back). */
void writer_run(struct writer *w, struct write_job *job);
/* Queue job (job->done set) and return; the writer thread calls done(job)
 * after its batch. Only before writer_stop. */
void writer_submit(struct writer *w, struct write_job *job);
/* How many transactions and jobs have been committed (for /health and the bench). */
void writer_stats(struct writer *w, long *batches, long *jobs);
/* Test builds (api_testing.c): arm a store fault on the writer's connection
 * from the start of the next batch (see store_fault_inject), or clear it at
 * once. Called on the writer thread only, from a write handler (db = r->db). */
void writer_testing_arm_fault(long after, int rc, bool sticky);
void writer_testing_clear_fault(struct store *db);
/* How many collection-plan searches this process has started (api_collection_runs.c). */
long collection_plan_searches(void);

/* A request too slow for a connection thread (slow.c): run(job) runs on a
 * worker of the slow pool. */
struct slow_job {
	void (*run)(struct slow_job *job);
	struct slow_job *next;
};

struct slow_pool;
/* NULL if no worker thread could be started. */
struct slow_pool *slow_pool_start(int nthreads);
/* Queue job; false once the pool is stopping (the caller then runs it). */
bool slow_pool_submit(struct slow_pool *p, struct slow_job *job);
/* Refuse new jobs, run what is queued, join the workers. The pool stays
 * valid (submit returns false) until slow_pool_free, after the daemon stops. */
void slow_pool_stop(struct slow_pool *p);
void slow_pool_free(struct slow_pool *p);

struct server {
	struct db_pool reads;
	struct slow_pool *slow;
	struct writer *writer;
	struct auth_cache *auth; /* API-token users (auth_cache.c) */
	const char *db_url;
	const char *static_dir; /* serve the console from disk instead of the embedded copy */
	void *daemon;
	int port;
	long requests;
	pthread_mutex_t later_lock; /* the writes queued by connection threads, not answered yet */
	pthread_cond_t later_gone;
	int later_count;
	bool later_closed; /* stopping: connection threads wait for the writer again */
};

/* A write whose reply comes later, so a connection thread need not wait for
 * the writer: dispatch calls away(wc) (suspend the connection) before it
 * queues the job, returns with pending set, and the writer thread, after the
 * batch, finishes the request and calls answered(wc) (resume the connection,
 * whose next callback sends the reply). The rest is dispatch's. */
struct write_call {
	void (*away)(struct write_call *wc);
	void (*answered)(struct write_call *wc);
	bool pending;
	struct write_job job;
	struct req *r;
	const struct route *rt;
	bool replayed;
};

/* Handle one complete request (body read): route, auth, run, fill r's reply.
 * With later (its away and answered set), a write is queued and dispatch
 * returns with later->pending set; without, it waits for the writer. */
void dispatch(struct server *s, struct req *r, struct write_call *later);
/* The route matching method+path (path params into r), or NULL; *path_known
 * says whether another method would have matched (405 vs 404). */
const struct route *route_find(struct req *r, bool *path_known);
/* route_find once per request: the first call looks up, later ones repeat
 * its answer (r->route, r->path_known). */
const struct route *route_of(struct req *r);

#endif
