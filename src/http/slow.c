/*
 * The slow-request pool. libmicrohttpd's thread pool serves many connections
 * from each thread, so a handler that runs for seconds (a collection-run
 * search, a large import) would stall every other connection that thread
 * owns: a keep-alive connection of the same browser, say, whose quick write
 * then waits for the whole search. Such requests are suspended by their
 * connection thread and handed to these workers, which run them and resume
 * the connection (server.c). Once the pool is stopping, submit refuses and
 * the caller runs the job itself.
 */
#include "http/server_int.h"
#include "lib/alloc.h"

#include <stdlib.h>

struct slow_pool {
	pthread_mutex_t lock;
	pthread_cond_t queued;
	struct slow_job *head, *tail;
	bool stopping;
	int nthreads;
	pthread_t *threads;
};

static struct slow_job *take_job(struct slow_pool *p)
{
	struct slow_job *j = p->head;
	p->head = j->next;
	if (!p->head)
		p->tail = NULL;
	j->next = NULL;
	return j;
}

/* Each worker runs jobs until the pool stops and the queue is empty: a job
 * queued before the stop still runs, so no suspended connection is left. */
static void *slow_main(void *arg)
{
	struct slow_pool *p = arg;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->queued, &p->lock);
		if (!p->head)
			break;
		struct slow_job *j = take_job(p);
		pthread_mutex_unlock(&p->lock);
		j->run(j);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct slow_pool *slow_pool_start(int nthreads)
{
	struct slow_pool *p = xcalloc(1, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->queued, NULL);
	p->threads = xcalloc((size_t)nthreads, sizeof(*p->threads));
	for (int i = 0; i < nthreads; i++) {
		if (pthread_create(&p->threads[i], NULL, slow_main, p))
			break;
		p->nthreads++;
	}
	if (p->nthreads == 0) {
		slow_pool_free(p);
		return NULL;
	}
	return p;
}

bool slow_pool_submit(struct slow_pool *p, struct slow_job *j)
{
	bool taken;
	j->next = NULL;
	pthread_mutex_lock(&p->lock);
	taken = !p->stopping;
	if (taken) {
		if (p->tail)
			p->tail->next = j;
		else
			p->head = j;
		p->tail = j;
		pthread_cond_signal(&p->queued);
	}
	pthread_mutex_unlock(&p->lock);
	return taken;
}

void slow_pool_stop(struct slow_pool *p)
{
	pthread_mutex_lock(&p->lock);
	bool joined = p->stopping;
	p->stopping = true;
	pthread_cond_broadcast(&p->queued);
	pthread_mutex_unlock(&p->lock);
	for (int i = 0; !joined && i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
}

void slow_pool_free(struct slow_pool *p)
{
	if (!p)
		return;
	slow_pool_stop(p);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->queued);
	free(p->threads);
	free(p);
}
