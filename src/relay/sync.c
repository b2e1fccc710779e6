/*
 * GET /v1/sync and its long-poll.  A request that finds nothing new is
 * suspended (no thread held) on a list; the writer resumes the whole list
 * after each commit, a timer thread resumes the ones whose wait ran out.
 * A resumed request simply reads again.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "http.h"
#include "online.h"
#include "ops.h"
#include "search.h"
#include "sender.h"
#include "store_window.h"
#include "thread.h"

#define SYNC_LIMIT_DEFAULT 500
#define SYNC_LIMIT_MAX 5000
#define SYNC_WAIT_MAX 60
#define SYNC_HOLD_MS 1000

/*
 * When one event wakes hundreds of agents they all ask for the same
 * (after, limit): the answer is read once and copied.  Only valid while
 * nothing newer was committed.  Shared by microhttpd's threads.
 */
static struct {
	pthread_mutex_t lock;
	int64_t after;
	int limit;
	int64_t seq;
	char *buf;
	size_t len;
} sync_cache = { PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, NULL, 0 };

static bool
sync_cached(struct req *q)
{
	struct relay *r = q->r;
	char *copy = NULL;
	size_t len = 0;

	pthread_mutex_lock(&sync_cache.lock);
	if (sync_cache.buf != NULL && sync_cache.after == q->after &&
	    sync_cache.limit == q->limit &&
	    sync_cache.seq == atomic_load(&r->committed_seq) &&
	    (copy = malloc(sync_cache.len + 1)) != NULL) {
		memcpy(copy, sync_cache.buf, sync_cache.len + 1);
		len = sync_cache.len;
	}
	pthread_mutex_unlock(&sync_cache.lock);
	if (copy == NULL)
		return false;
	req_reply_raw(q, 200, copy, len);
	return true;
}

static void
sync_remember(struct req *q, int64_t seq, const char *buf, size_t len)
{
	char *copy = malloc(len + 1);

	if (copy == NULL)
		return;
	memcpy(copy, buf, len + 1);
	pthread_mutex_lock(&sync_cache.lock);
	free(sync_cache.buf);
	sync_cache.buf = copy;
	sync_cache.len = len;
	sync_cache.after = q->after;
	sync_cache.limit = q->limit;
	sync_cache.seq = seq;
	pthread_mutex_unlock(&sync_cache.lock);
}

void
sync_cache_free(void)
{
	pthread_mutex_lock(&sync_cache.lock);
	free(sync_cache.buf);
	sync_cache.buf = NULL;
	sync_cache.len = 0;
	pthread_mutex_unlock(&sync_cache.lock);
}

/* Whether the agent sees conversation conv; memo (conversation id to
 * true/false) saves asking twice in one answer.  Reader lock held. */
static bool
sync_sees_conv(struct req *q, const char *conv, json_t *memo)
{
	json_t *known = json_object_get(memo, conv), *state = NULL;
	bool sees = false;

	if (known != NULL)
		return json_is_true(known);
	if (relay_store_conversation_get(q->r->reader, conv, &state, NULL,
	    NULL, NULL) > 0)
		sees = relay_agent_sees(q->r, q->agent, state);
	json_decref(state);
	json_object_set_new(memo, conv, json_boolean(sees));
	return sees;
}

/* A contact event is shown when any conversation of the contact is; it
 * then names a conversation the agent sees. */
static bool
sync_sees_contact(struct req *q, json_t *ev, json_t *memo)
{
	const json_t *ct = json_object_get(ev, "contact");
	const char *wa = json_string_value(json_object_get(ct, "wa_id"));
	const char *user = json_string_value(json_object_get(ct, "user_id"));
	struct relay_contact c;
	json_t *list = NULL, *e;
	bool sees = false;
	size_t i;
	int rc = 0;

	if (wa != NULL)
		rc = relay_store_contact_by(q->r->reader, "wa_id", wa, &c);
	if (rc == 0 && user != NULL)
		rc = relay_store_contact_by(q->r->reader, "user_id", user, &c);
	if (rc <= 0)
		return false;
	list = relay_store_contact_conversations(q->r->reader, c.id);
	json_array_foreach(list, i, e) {
		const char *id = json_string_value(json_object_get(e, "id"));

		if (id != NULL && !sees && relay_agent_sees(q->r, q->agent,
		    json_object_get(e, "state"))) {
			sees = true;
			json_object_set_new(ev, "conversation", json_string(id));
		}
	}
	json_decref(list);
	relay_contact_free(&c);
	return sees;
}

/* Whether the agent saw conversation conv just before event seq: the
 * state of its previous conversation event.  prev (conversation id to
 * true/false) carries that along one answer.  Reader lock held. */
static bool
sync_saw_before(struct req *q, const char *conv, int64_t seq, json_t *prev)
{
	struct relay_evrows rows = { NULL, 0, 0 };
	json_t *known = json_object_get(prev, conv), *ev;
	bool saw = false;

	if (known != NULL)
		return json_is_true(known);
	if (relay_store_conv_events(q->r->reader, conv, "conversation", 0, seq,
	    1, true, &rows) == 0 && rows.n == 1 &&
	    (ev = json_loadb(rows.v[0].json, rows.v[0].len, 0, NULL)) != NULL) {
		saw = relay_agent_sees(q->r, q->agent,
		    json_object_get(ev, "state"));
		json_decref(ev);
	}
	relay_evrows_free(&rows);
	return saw;
}

/* A conversation event is judged by its own state: shown when the agent
 * sees that state; when it does not but saw the one before, the event is
 * the conversation leaving its view and is shown once, as {"hidden":
 * true} without the state.  1 keep, 0 drop. */
static int
sync_conv_event(struct req *q, json_t *ev, const char *conv, json_t *prev)
{
	int64_t seq = json_integer_value(json_object_get(ev, "seq"));
	bool sees = relay_agent_sees(q->r, q->agent,
	    json_object_get(ev, "state"));
	bool saw = !sees && sync_saw_before(q, conv, seq, prev);

	json_object_set_new(prev, conv, json_boolean(sees));
	if (sees)
		return 1;
	if (!saw)
		return 0;
	json_object_del(ev, "state");
	json_object_set_new(ev, "hidden", json_true());
	return 1;
}

/* For an agent that sees less than everything (numbers, teams): the
 * answer without the events of the conversations it may not see now,
 * and the conversation events that hid one.  0, or -1 (unchanged). */
static int
sync_filter(struct req *q, char **buf, size_t *len)
{
	json_t *root = json_loadb(*buf, *len, 0, NULL), *evs, *ev;
	json_t *memo = json_object(), *prev = json_object();
	const char *conv, *type;
	char *out;
	size_t i = 0;
	int keep;

	evs = json_object_get(root, "events");
	if (!json_is_array(evs) || memo == NULL || prev == NULL) {
		json_decref(root);
		json_decref(memo);
		json_decref(prev);
		return -1;
	}
	pthread_mutex_lock(&q->r->reader_lock);
	while ((ev = json_array_get(evs, i)) != NULL) {
		conv = json_string_value(json_object_get(ev, "conversation"));
		type = json_string_value(json_object_get(ev, "type"));
		if (type != NULL && strcmp(type, "contact") == 0)
			keep = sync_sees_contact(q, ev, memo);
		else if (conv == NULL || *conv == '\0')
			keep = 1;
		else if (type != NULL && strcmp(type, "conversation") == 0)
			keep = sync_conv_event(q, ev, conv, prev);
		else
			keep = sync_sees_conv(q, conv, memo);
		if (keep)
			i++;
		else
			json_array_remove(evs, i);
	}
	pthread_mutex_unlock(&q->r->reader_lock);
	out = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	json_decref(memo);
	json_decref(prev);
	if (out == NULL)
		return -1;
	free(*buf);
	*buf = out;
	*len = strlen(out);
	return 0;
}

static void
sync_answer(struct req *q)
{
	struct relay *r = q->r;
	char *buf = NULL, tail[96 + LOGID_LEN];
	size_t len = 0;
	int count = 0, rc;
	int64_t last, seq;
	bool more, limited = relay_agent_limited(q->agent);

	if (q->agent != NULL)
		online_touch(r, q->agent->id);
	/* The cache holds every event: for everyone but limited agents. */
	if (!limited && sync_cached(q))
		return;
	if ((buf = strdup("{\"events\":[")) == NULL)
		goto nomem;
	len = strlen(buf);
	/* Read before reading: an event committed meanwhile only makes the
	 * cached answer look older than it is, never newer. */
	seq = atomic_load(&r->committed_seq);
	pthread_mutex_lock(&r->reader_lock);
	rc = relay_store_read_after(r->reader, q->after, q->limit, &buf, &len,
	    &count, &last, &more);
	pthread_mutex_unlock(&r->reader_lock);
	if (rc != 0) {
		free(buf);
		req_error(q, 500, "store_error", "cannot read the event log");
		return;
	}
	/* An after past the head (a restored log): next stays after, as the
	 * contract says, and "head" tells the client its cursor is ahead. */
	if (count == 0 && q->head >= 0 && q->head < q->after)
		snprintf(tail, sizeof tail, "],\"next\":%lld,\"more\":false,"
		    "\"head\":%lld,\"log_id\":\"%s\"}", (long long)last,
		    (long long)q->head, r->log_id);
	else
		snprintf(tail, sizeof tail, "],\"next\":%lld,\"more\":%s,"
		    "\"log_id\":\"%s\"}", (long long)last,
		    more ? "true" : "false", r->log_id);
	{
		size_t tn = strlen(tail);
		char *nb = realloc(buf, len + tn + 1);

		if (nb == NULL)
			goto nomem;
		buf = nb;
		memcpy(buf + len, tail, tn + 1);
		len += tn;
	}
	if (limited && sync_filter(q, &buf, &len) != 0)
		goto nomem;
	if (count > 0 && !limited)
		sync_remember(q, seq, buf, len);
	req_reply_raw(q, 200, buf, len);
	return;
nomem:
	free(buf);
	req_error(q, 500, "internal", "out of memory");
}

/* The two lists of suspended requests, r->waiters (long-polls) and
 * r->held (webhook answers), under r->wait_lock. */
static void
sync_link(struct req **head, struct req *q)
{
	q->wnext = *head;
	q->wprev = NULL;
	if (q->wnext != NULL)
		q->wnext->wprev = q;
	*head = q;
}

static void
sync_unlink(struct req **head, struct req *q)
{
	if (q->wprev != NULL)
		q->wprev->wnext = q->wnext;
	else
		*head = q->wnext;
	if (q->wnext != NULL)
		q->wnext->wprev = q->wprev;
	q->wnext = q->wprev = NULL;
	if (q->waiting && q->agent != NULL)
		online_waiting(q->r, q->agent->id, -1);
	q->waiting = false;
}

/* Resumes the requests of a list: all of them, or those past their
 * deadline. */
static void
sync_resume(struct relay *r, struct req **head, bool all)
{
	struct req *q, *next;
	int64_t now = http_now_ms();

	pthread_mutex_lock(&r->wait_lock);
	for (q = *head; q != NULL; q = next) {
		next = q->wnext;
		if (all || q->deadline_ms <= now) {
			sync_unlink(head, q);
			req_resume(q);
		}
	}
	pthread_mutex_unlock(&r->wait_lock);
}

/* Is after beyond the log's head?  Asked of the store, not of
 * committed_seq: on PostgreSQL another relay may be ahead of ours. */
static bool
sync_past_head(struct req *q)
{
	struct relay *r = q->r;
	int64_t head;

	pthread_mutex_lock(&r->reader_lock);
	head = relay_store_last_seq(r->reader);
	pthread_mutex_unlock(&r->reader_lock);
	if (head < 0 || head >= q->after)
		return false;
	q->head = head;
	return true;
}

void
sync_handle(struct req *q)
{
	struct relay *r = q->r;
	long long after, limit, wait;

	if (q->deadline_ms != 0) {
		/* Resumed: by an event or by the clock. */
		sync_answer(q);
		return;
	}
	if (req_int_arg(q, "after", 0, INT64_MAX, 0, &after) != 0 ||
	    req_int_arg(q, "limit", 1, SYNC_LIMIT_MAX, SYNC_LIMIT_DEFAULT,
	    &limit) != 0 ||
	    req_int_arg(q, "wait", 0, SYNC_WAIT_MAX, 0, &wait) != 0)
		return;
	q->after = after;
	q->limit = (int)limit;
	q->head = -1;
	if (atomic_load(&r->committed_seq) < q->after &&
	    sync_past_head(q)) {
		sync_answer(q); /* at once: the client must notice */
		return;
	}
	if (wait == 0 || atomic_load(&r->committed_seq) > q->after ||
	    r->stopping_http) {
		sync_answer(q);
		return;
	}
	q->deadline_ms = http_now_ms() + wait * 1000;
	pthread_mutex_lock(&r->wait_lock);
	/* Checked again under the lock: the writer sets committed_seq
	 * before it takes the lock to wake, so no event slips between. */
	if (atomic_load(&r->committed_seq) > q->after) {
		pthread_mutex_unlock(&r->wait_lock);
		sync_answer(q);
		return;
	}
	sync_link(&r->waiters, q);
	q->waiting = true;
	if (q->agent != NULL)
		online_waiting(r, q->agent->id, 1);
	req_suspend(q);
	pthread_mutex_unlock(&r->wait_lock);
}

void
sync_forget(struct req *q)
{
	pthread_mutex_lock(&q->r->wait_lock);
	if (q->waiting)
		sync_unlink(&q->r->waiters, q);
	pthread_mutex_unlock(&q->r->wait_lock);
}

void
sync_hold(struct req *q)
{
	struct relay *r = q->r;
	bool now;

	pthread_mutex_lock(&r->wait_lock);
	/* An outcome recorded since the intake ran already released them. */
	now = atomic_load(&r->sends_recorded) != q->hold_mark ||
	    r->stopping_http;
	if (!now) {
		/* Short: Meta may deliver webhooks in order and wait for
		 * this answer before answering the send itself. */
		q->deadline_ms = http_now_ms() + SYNC_HOLD_MS;
		sync_link(&r->held, q);
	}
	pthread_mutex_unlock(&r->wait_lock);
	if (now)
		req_resume(q);
}

void
sync_release_held(struct relay *r, bool all)
{
	sync_resume(r, &r->held, all);
}

void
sync_wake(struct relay *r)
{
	sync_resume(r, &r->waiters, true);
}

void
sync_wake_all(struct relay *r)
{
	sync_resume(r, &r->waiters, true);
}

static void
sync_hk_run(struct relay *r, struct relay_job *j)
{
	if (ops_housekeeping(r) != 0 || search_backfill(r) != 0)
		j->failed = 1;
}

static void
sync_hk_done(struct relay *r, struct relay_job *j)
{
	if (r->hk_queued && !j->failed)
		sender_kick(r->sender);
	r->hk_queued = false;
	atomic_store(&r->hk_busy, false);
}

/* Once a second: snoozes that end, SLA due times that pass, a batch of
 * the search index for events older than it. */
static void
sync_housekeeping(struct relay *r)
{
	int64_t now = http_now_ms();

	if (now - r->hk_last_ms < 1000 || atomic_load(&r->hk_busy) ||
	    !r->writer_running)
		return;
	r->hk_last_ms = now;
	atomic_store(&r->hk_busy, true);
	r->hk_job.run = sync_hk_run;
	r->hk_job.done = sync_hk_done;
	relay_submit(r, &r->hk_job);
}

static void *
sync_timer_main(void *arg)
{
	struct relay *r = arg;

	pthread_setname_np(pthread_self(), "relay-timer");
	pthread_mutex_lock(&r->jobs_lock);
	while (r->timer_running) {
		relay_thread_wait_ms(&r->timer_cond, &r->jobs_lock, 100);
		if (!r->timer_running)
			break;
		pthread_mutex_unlock(&r->jobs_lock);
		sync_resume(r, &r->waiters, false);
		sync_release_held(r, false);
		sync_housekeeping(r);
		pthread_mutex_lock(&r->jobs_lock);
	}
	pthread_mutex_unlock(&r->jobs_lock);
	return NULL;
}

int
sync_start_timer(struct relay *r)
{
	r->timer_running = true;
	if (pthread_create(&r->timer_thread, NULL, sync_timer_main, r) != 0) {
		r->timer_running = false;
		return -1;
	}
	return 0;
}

void
sync_stop_timer(struct relay *r)
{
	if (!r->timer_running)
		return;
	relay_thread_stop(r->timer_thread, &r->jobs_lock, &r->timer_cond,
	    &r->timer_running, false);
}
