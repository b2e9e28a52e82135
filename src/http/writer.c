/*
 * Group commit. All writes go through one writer thread with its own store
 * connection. It takes every job waiting in the queue, opens one transaction,
 * runs each job inside a SAVEPOINT (released if the job succeeded, rolled back
 * to if it was refused, so one bad request never spoils its neighbours), and
 * commits once: with synchronous=FULL that is one fsync for the whole batch,
 * so durability costs little per request. Only after the commit returns are
 * the waiting requests answered; if the commit fails, every job of the batch
 * is answered 503 and nothing of it remains.
 *
 * Serialising writes in one thread also means two requests can never both
 * take the last units of a lot: the second sees the first's reservation.
 *
 * A job queued with writer_submit has a completion, called by the writer
 * once its batch is over (the connection thread that queued it has gone on
 * serving its other connections). A job queued with writer_run has a
 * semaphore of its own instead, posted when its batch is over: the writer
 * wakes exactly the requests it finished, without the lock (a broadcast woke
 * every waiter, and each retook the writer's mutex only to go back to sleep).
 *
 * Consecutive order jobs of one batch share the order context (warehouses,
 * SKUs, stock read once: store_cache_*): after every job the cache is
 * dropped unless that job kept it and its savepoint was released, so a job
 * of any other kind, or an undone one, makes the next order read afresh.
 * The shared context also queues the jobs' rows and writes them together
 * (multi-row INSERTs): the writer has it write them outside every job's
 * savepoint, before a job of another kind (job->grouped false) and before
 * the commit. If that write fails, or a job's rollback took queued rows of
 * earlier jobs with it, the whole batch is rolled back and answered 503.
 */
#include "http/server_int.h"
#include "lib/alloc.h"
#include "lib/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BATCH 512

struct writer {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t queued;
	struct write_job *head, *tail;
	bool stopping;
	struct store *db;
	long batches, jobs;
};

static struct write_job *take_batch(struct writer *w)
{
	struct write_job *batch = w->head, *last = batch;
	int n = 1;
	if (batch->alone) {
		w->head = batch->next;
	} else {
		while (last->next && !last->next->alone && n < MAX_BATCH) {
			last = last->next;
			n++;
		}
		w->head = last->next;
	}
	if (!w->head)
		w->tail = NULL;
	(batch->alone ? batch : last)->next = NULL;
	return batch;
}

/* Run one job in its savepoint: 0, or a store error after which the batch
 * cannot stand (queued rows of earlier jobs were lost or not written). */
static int run_job(struct store *db, struct write_job *job)
{
	if (store_exec(db, "SAVEPOINT job")) {
		job->status = 503;
		return store_cache_settle(db, true);
	}
	job->keep = false;
	job->status = job->fn(job->arg, db, &job->keep);
	bool undone = false;
	if (job->status < 400 || job->keep) {
		if (store_exec(db, "RELEASE SAVEPOINT job"))
			job->status = 503;
	} else {
		store_exec(db, "ROLLBACK TO SAVEPOINT job");
		store_exec(db, "RELEASE SAVEPOINT job");
		undone = true;
	}
	return store_cache_settle(db, undone || job->status >= 500);
}

/* A fault armed by a test request for the next batch. Only the writer thread
 * reads or writes these (the arming handler runs on it). */
static struct {
	bool armed;
	bool this_batch; /* a one-shot fault lives for one batch only */
	long after;
	int rc;
	bool sticky;
} testing_fault;

void writer_testing_arm_fault(long after, int rc, bool sticky)
{
	testing_fault.armed = true;
	testing_fault.after = after;
	testing_fault.rc = rc;
	testing_fault.sticky = sticky;
}

void writer_testing_clear_fault(struct store *db)
{
	testing_fault.armed = false;
	store_fault_clear(db); /* at once: the clearing request's own commit must pass */
}

static void apply_testing_fault(struct store *db)
{
	if (testing_fault.armed)
		store_fault_inject(db, testing_fault.after, testing_fault.rc, testing_fault.sticky);
	testing_fault.this_batch = testing_fault.armed && !testing_fault.sticky;
	testing_fault.armed = false;
}

static void end_testing_fault(struct store *db)
{
	if (testing_fault.this_batch)
		store_fault_clear(db);
	testing_fault.this_batch = false;
}

static void run_batch(struct writer *w, struct write_job *batch)
{
	apply_testing_fault(w->db);
	int rc = store_begin(w->db);
	long n = 0;
	for (struct write_job *j = batch; j; j = j->next, n++) {
		if (rc) {
			j->status = 503;
			continue;
		}
		if (!j->grouped)
			rc = store_cache_flush(w->db);
		if (!rc)
			rc = run_job(w->db, j);
		if (rc)
			log_error("writer: queued rows of the batch not written: %s",
			          store_errmsg(w->db));
	}
	if (!rc && (rc = store_cache_flush(w->db)) != 0)
		log_error("writer: queued rows of the batch not written: %s", store_errmsg(w->db));
	if (rc)
		store_rollback(w->db);
	else if ((rc = store_commit(w->db)) != 0) {
		log_error("writer: commit of %ld jobs failed: %s", n, store_errmsg(w->db));
		store_rollback(w->db);
	}
	if (rc)
		for (struct write_job *j = batch; j; j = j->next)
			j->status = 503;
	end_testing_fault(w->db);
	w->batches++;
	w->jobs += n;
}

/* A semaphore call that cannot fail unless the program is broken. */
static void sem_checked(int rc, const char *what)
{
	if (rc) {
		log_error("writer: %s failed: %s", what, strerror(errno));
		abort();
	}
}

/* Answer every job of the batch. A job lives on its waiter's stack (or in
 * a request that is sent and freed once completed) and may be gone once
 * answered, so its successor is read first. */
static void wake_finished(struct write_job *batch)
{
	for (struct write_job *j = batch, *next; j; j = next) {
		next = j->next;
		if (j->done)
			j->done(j);
		else
			sem_checked(sem_post(&j->finished), "sem_post");
	}
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->queued, &w->lock);
		if (!w->head && w->stopping)
			break;
		struct write_job *batch = take_batch(w);
		pthread_mutex_unlock(&w->lock);
		run_batch(w, batch);
		wake_finished(batch);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

struct writer *writer_start(const char *url, char *err, size_t errsz)
{
	struct writer *w = xcalloc(1, sizeof(*w));
	w->db = store_open(url, err, errsz);
	if (!w->db) {
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->queued, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w)) {
		store_close(w->db);
		free(w);
		return NULL;
	}
	return w;
}

void writer_stop(struct writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_signal(&w->queued);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	if (w->jobs)
		log_info("writer: %ld writes in %ld group commits", w->jobs, w->batches);
	store_close(w->db);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->queued);
	free(w);
}

static void enqueue(struct writer *w, struct write_job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&w->lock);
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	pthread_cond_signal(&w->queued);
	pthread_mutex_unlock(&w->lock);
}

void writer_submit(struct writer *w, struct write_job *job)
{
	enqueue(w, job);
}

void writer_run(struct writer *w, struct write_job *job)
{
	job->done = NULL;
	sem_checked(sem_init(&job->finished, 0, 0), "sem_init");
	enqueue(w, job);
	int rc;
	while ((rc = sem_wait(&job->finished)) != 0 && errno == EINTR)
		;
	sem_checked(rc, "sem_wait");
	sem_checked(sem_destroy(&job->finished), "sem_destroy");
}

void writer_stats(struct writer *w, long *batches, long *jobs)
{
	pthread_mutex_lock(&w->lock);
	*batches = w->batches;
	*jobs = w->jobs;
	pthread_mutex_unlock(&w->lock);
}
