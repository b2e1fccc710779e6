/*
 * The running relay: configuration, the two store connections, the group
 * commit writer, the long-poll waiters, the Graph sender and the HTTP
 * daemon.  One struct relay per process (tests make their own).
 *
 * Threads: microhttpd's threads ([relay] threads) run the handlers and read through
 * `reader`; the writer thread owns `writer` and runs every mutation; the
 * sender thread owns the curl multi handle.
 */
#ifndef RELAY_RELAY_H
#define RELAY_RELAY_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "store.h"

struct relay;
struct relay_job;
struct req;
struct sender;
struct pg_listener;
struct MHD_Daemon;
struct authlimit;
struct connguard;
struct media_store;
struct fetcher;
struct templates;
struct online;

typedef void (*relay_job_fn)(struct relay *, struct relay_job *);

/* Work for the writer thread.  run() executes inside a savepoint of the
 * batch transaction (set failed on error: the savepoint is rolled back);
 * done() runs after the batch committed (or failed: then failed is set),
 * outside any transaction. */
struct relay_job {
	relay_job_fn run;
	relay_job_fn done;
	int failed;
	struct relay_job *next;
};

#define LOGID_LEN 32 /* hex digits */

struct relay {
	struct relay_config *cfg;
	char log_id[LOGID_LEN + 1]; /* the event log's id (logid.c) */
	struct relay_store *writer;
	struct relay_store *reader;
	pthread_mutex_t reader_lock;
	/* A snapshot's counts of what lies outside the working set, for its
	 * (since, through): one count per snapshot, not per page, as the
	 * count reads every conversation.  Under reader_lock. */
	struct {
		int64_t since, through, outside, resolved;
		bool valid;
	} snap_outside;

	/* writer thread */
	pthread_t writer_thread;
	pthread_mutex_t jobs_lock;
	pthread_cond_t jobs_cond;
	struct relay_job *jobs_head, *jobs_tail;
	bool stopping;
	bool writer_running;
	int64_t last_seq;   /* writer thread only */
	_Atomic int64_t committed_seq;

	/* long-poll */
	pthread_mutex_t wait_lock;
	struct req *waiters; /* long-polls, under wait_lock */
	struct req *held;    /* webhooks waiting for a send outcome, same lock */
	int intake_deferred; /* writer thread: statuses held by the last intake */
	_Atomic unsigned sends_recorded; /* send outcomes stored so far */
	pthread_t timer_thread;
	bool timer_running;
	pthread_cond_t timer_cond;

	/* housekeeping (snoozes, SLA), submitted by the timer each second */
	struct relay_job hk_job;
	_Atomic bool hk_busy;
	int64_t hk_last_ms;
	/* writer thread, assign.c: the last pass's log head, online agents,
	 * directory and next due time */
	int64_t online_exchanged_ms;
	int64_t assign_seq;
	uint64_t assign_sig;
	const void *assign_dir;
	int64_t assign_due;
	bool hk_queued; /* writer thread: housekeeping queued a send */

	struct sender *sender;
	struct pg_listener *listener; /* PostgreSQL: pg_listen.c */
	struct MHD_Daemon *daemon;
	struct MHD_Daemon *metrics_daemon; /* [relay] metrics_listen */
	_Atomic bool stopping_http;
	struct authlimit *authlimit; /* failed bearer tokens per address */
	struct connguard *guard; /* body budget, conns per address, deadline */
	struct media_store *media;   /* [media] store, media_store.c */
	struct fetcher *fetcher;     /* background Graph work, fetcher.c */
	struct templates *templates; /* Meta's templates, template.c */
	struct online *online;       /* agents online, online.c */
	bool quiet; /* no request log (tests, bench) */
	int64_t (*now)(void); /* clock, replaceable by tests */
};

int relay_init(struct relay *r, struct relay_config *cfg, char *err,
    size_t errlen);
/* Starts the writer (and, with sender, the Graph sender). */
int relay_start_writer(struct relay *r, char *err, size_t errlen);
void relay_stop(struct relay *r);
void relay_submit(struct relay *r, struct relay_job *j);
/* Runs one job synchronously in its own transaction (tests, startup). */
int relay_run_now(struct relay *r, struct relay_job *j);
/* Next seq for an event appended by the running job (writer thread). */
int relay_append(struct relay *r, json_t *ev);
/* Events up to seq are committed (by this relay or, on PostgreSQL,
 * another one): advances committed_seq, never back, and wakes the
 * long-polls when it moved. */
void relay_committed(struct relay *r, int64_t seq);

int64_t relay_now(struct relay *r);
void relay_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Long-poll (sync.c). */
void sync_wake(struct relay *r);
void sync_wake_all(struct relay *r);
/* Answer the webhooks held for a send outcome (all, or those held longer
 * than their deadline). */
void sync_release_held(struct relay *r, bool all);
int sync_start_timer(struct relay *r);
void sync_stop_timer(struct relay *r);

#endif
