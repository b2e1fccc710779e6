/*
 * The writer thread: group commit.  Jobs queue up while a batch commits;
 * the next batch runs them all in one transaction (one fsync), each in its
 * own savepoint so one bad job cannot undo the others.  Only after COMMIT
 * returns does any job's done() run: nothing is acknowledged before it is
 * on disk.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "metrics.h"
#include "online.h"
#include "relay.h"
#include "thread.h"

#define WRITER_BATCH_MAX 512

#ifdef TTYDESK_TEST_CLOCK
/* Test builds only: TTYDESK_RELAY_CLOCK_FILE names a file holding the
 * relay's "now" in Unix seconds, so the integration tests can move time
 * (business hours, reassignment) without waiting.  Unreadable: real time. */
static int64_t
relay_test_clock(void)
{
	const char *path = getenv("TTYDESK_RELAY_CLOCK_FILE");
	char text[32];
	FILE *f;
	long long v = 0;

	if (path == NULL || *path == '\0' || (f = fopen(path, "r")) == NULL)
		return 0;
	if (fgets(text, sizeof text, f) != NULL)
		v = strtoll(text, NULL, 10);
	fclose(f);
	return v > 0 ? (int64_t)v : 0;
}
#endif

static int64_t
relay_clock(void)
{
#ifdef TTYDESK_TEST_CLOCK
	int64_t t = relay_test_clock();

	if (t > 0)
		return t;
#endif
	return (int64_t)time(NULL);
}

int64_t
relay_now(struct relay *r)
{
	return r->now != NULL ? r->now() : relay_clock();
}

int
relay_init(struct relay *r, struct relay_config *cfg, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	r->cfg = cfg;
	pthread_mutex_init(&r->reader_lock, NULL);
	pthread_mutex_init(&r->jobs_lock, NULL);
	pthread_cond_init(&r->jobs_cond, NULL);
	pthread_mutex_init(&r->wait_lock, NULL);
	pthread_cond_init(&r->timer_cond, NULL);
	if ((r->online = online_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (relay_store_open(cfg->database, RELAY_STORE_WRITER, &r->writer, err,
	    errlen) != 0)
		return -1;
	if (relay_store_open(cfg->database, RELAY_STORE_READER, &r->reader, err,
	    errlen) != 0)
		return -1;
	if ((r->last_seq = relay_store_last_seq(r->writer)) < 0) {
		snprintf(err, errlen, "%s: %s", cfg->database,
		    relay_store_error(r->writer));
		return -1;
	}
	atomic_store(&r->committed_seq, r->last_seq);
	return 0;
}

int
relay_append(struct relay *r, json_t *ev)
{
	/* ev is NULL when building it ran out of memory. */
	if (ev == NULL || relay_store_append(r->writer, r->last_seq + 1, ev) != 0)
		return -1;
	r->last_seq++;
	return 0;
}

void
relay_committed(struct relay *r, int64_t seq)
{
	int64_t cur = atomic_load(&r->committed_seq);

	while (seq > cur) {
		if (atomic_compare_exchange_weak(&r->committed_seq, &cur, seq)) {
			sync_wake(r);
			return;
		}
	}
}

static void
writer_run_job(struct relay *r, struct relay_job *j)
{
	int64_t seq = r->last_seq;

	j->failed = 0;
	if (relay_store_savepoint(r->writer) != 0) {
		j->failed = 1;
		return;
	}
	j->run(r, j);
	if (j->failed) {
		relay_store_rollback_savepoint(r->writer);
		r->last_seq = seq;
		return;
	}
	if (relay_store_release(r->writer) != 0) {
		j->failed = 1;
		r->last_seq = seq;
	}
}

/* Runs a batch; returns 0 when committed. */
static int
writer_batch(struct relay *r, struct relay_job *head)
{
	struct relay_job *j;
	int64_t seq = r->last_seq;

	if (relay_store_begin(r->writer) != 0)
		goto fail;
	/* Under the write lock: another relay on a shared database may
	 * have appended since our last batch. */
	if ((r->last_seq = relay_store_last_seq(r->writer)) < 0) {
		r->last_seq = seq;
		goto fail;
	}
	seq = r->last_seq;
	for (j = head; j != NULL; j = j->next)
		writer_run_job(r, j);
	if (relay_store_commit(r->writer) != 0)
		goto fail;
	if (r->last_seq != seq) {
		metrics_events_appended((uint64_t)(r->last_seq - seq));
		relay_committed(r, r->last_seq);
	}
	return 0;
fail:
	log_msg(LOG_ERR, "event=store_error message=\"%s\"",
	    relay_store_error(r->writer));
	relay_store_rollback(r->writer);
	r->last_seq = seq;
	for (j = head; j != NULL; j = j->next)
		j->failed = 1;
	return -1;
}

static void
writer_finish(struct relay *r, struct relay_job *head)
{
	struct relay_job *j, *next;

	for (j = head; j != NULL; j = next) {
		next = j->next; /* done() may free the job */
		j->next = NULL;
		if (j->done != NULL)
			j->done(r, j);
	}
}

static void *
writer_main(void *arg)
{
	struct relay *r = arg;
	struct relay_job *head, *tail, *rest;
	int n;

	pthread_setname_np(pthread_self(), "relay-writer");
	for (;;) {
		pthread_mutex_lock(&r->jobs_lock);
		while (r->jobs_head == NULL && !r->stopping)
			pthread_cond_wait(&r->jobs_cond, &r->jobs_lock);
		if (r->jobs_head == NULL && r->stopping) {
			pthread_mutex_unlock(&r->jobs_lock);
			break;
		}
		head = tail = r->jobs_head;
		for (n = 1; n < WRITER_BATCH_MAX && tail->next != NULL; n++)
			tail = tail->next;
		rest = tail->next;
		tail->next = NULL;
		r->jobs_head = rest;
		if (rest == NULL)
			r->jobs_tail = NULL;
		pthread_mutex_unlock(&r->jobs_lock);
		writer_batch(r, head);
		writer_finish(r, head);
	}
	return NULL;
}

int
relay_start_writer(struct relay *r, char *err, size_t errlen)
{
	if (pthread_create(&r->writer_thread, NULL, writer_main, r) != 0) {
		snprintf(err, errlen, "cannot start the writer thread");
		return -1;
	}
	r->writer_running = true;
	return 0;
}

void
relay_submit(struct relay *r, struct relay_job *j)
{
	j->next = NULL;
	j->failed = 0;
	pthread_mutex_lock(&r->jobs_lock);
	if (r->jobs_tail != NULL)
		r->jobs_tail->next = j;
	else
		r->jobs_head = j;
	r->jobs_tail = j;
	pthread_cond_signal(&r->jobs_cond);
	pthread_mutex_unlock(&r->jobs_lock);
}

int
relay_run_now(struct relay *r, struct relay_job *j)
{
	int rc;

	j->next = NULL;
	rc = writer_batch(r, j);
	if (j->failed)
		rc = -1;
	writer_finish(r, j); /* may free j */
	return rc;
}

void
relay_stop(struct relay *r)
{
	if (r->writer_running) {
		relay_thread_stop(r->writer_thread, &r->jobs_lock,
		    &r->jobs_cond, &r->stopping, true);
		r->writer_running = false;
	}
	relay_store_close(r->reader);
	relay_store_close(r->writer);
	r->reader = r->writer = NULL;
	online_free(r->online);
	r->online = NULL;
	pthread_mutex_destroy(&r->reader_lock);
	pthread_mutex_destroy(&r->jobs_lock);
	pthread_cond_destroy(&r->jobs_cond);
	pthread_mutex_destroy(&r->wait_lock);
	pthread_cond_destroy(&r->timer_cond);
}
