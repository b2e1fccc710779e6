/*
 * Messages of a conversation: thread order, idempotent inserts, statuses
 * that only move forward.  Statuses may arrive before the message they
 * are about; they wait in the conversation's priv and are merged in when
 * the message comes.  Reactions are in model_react.c.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/vec.h"
#include "model_int.h"

/* Precedence of statuses: the order of event.h, except that READ beats
 * FAILED (a message the customer read was delivered, whatever a stray
 * error says) and FAILED beats everything else.  Merging by precedence
 * gives the same result in whatever order statuses arrive. */
static int
status_rank(enum td_msg_status s)
{
	switch (s) {
	case TD_MS_READ:
		return 6;
	case TD_MS_FAILED:
		return 5;
	default:
		return (int)s;
	}
}

/* Where a failure's seq ranks: lowest first, and an event without a seq
 * (0: applied locally, e.g. from the outbox, before the relay numbered
 * it) after every numbered one, so the relay's own error wins over a
 * local guess in whatever order they arrive. */
static uint64_t
fail_key(int64_t seq)
{
	return seq > 0 ? (uint64_t)seq : UINT64_MAX;
}

/* NULL after any string, so that an error that says something beats one
 * that does not. */
static int
fail_strcmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == NULL) - (b == NULL);
	return strcmp(a, b);
}

/* A total order on failures: by seq (fail_key), then, for equal keys
 * (two seq-less failures, or a relay that reused a seq), by content:
 * code (0 = none last), title, details.  The smallest is kept, which
 * does not depend on the order failures arrive in. */
static bool
fail_before(const struct td_error *a, int64_t a_seq,
    const struct td_error *b, int64_t b_seq)
{
	uint64_t ka = fail_key(a_seq), kb = fail_key(b_seq);
	int c;

	if (ka != kb)
		return ka < kb;
	if (a->code != b->code) {
		if (a->code == 0 || b->code == 0)
			return b->code == 0;
		return a->code < b->code;
	}
	if ((c = fail_strcmp(a->title, b->title)) != 0)
		return c < 0;
	return fail_strcmp(a->details, b->details) < 0;
}

/* Merge a status that came with the event numbered seq into a message
 * whose error (when FAILED) came with *error_seq.  Returns 1 when it
 * changed, 0 when not, -1 when out of memory.  The status only moves up
 * by precedence; a FAILED message keeps the error of the failure that
 * ranks first (fail_before) until it is READ. */
static int
status_merge(struct td_message *m, int64_t *error_seq, enum td_msg_status st,
    const struct td_error *err, int64_t seq)
{
	struct td_error e = { 0, NULL, NULL };

	if (status_rank(st) < status_rank(m->status))
		return 0;
	if (st == m->status && (st != TD_MS_FAILED ||
	    !fail_before(err, seq, &m->error, *error_seq)))
		return 0;
	if (st == TD_MS_FAILED && event_error_copy(&e, err) != 0)
		return -1;
	event_error_free(&m->error);
	m->error = e;
	m->status = st;
	*error_seq = st == TD_MS_FAILED ? seq : 0;
	return 1;
}

static void
pend_free(struct pend_status *ps)
{
	free(ps->id);
	free(ps->wamid);
	event_error_free(&ps->error);
	free(ps);
}

static void
msg_free(struct td_msg *msg)
{
	message_free(&msg->m);
	free(msg->reactions);
	free(MSG_REC(msg));
}

void
model_free_messages(struct td_conversation *c)
{
	struct conv_priv *p = CONV_PRIV(c);
	struct pend_status *ps;
	size_t i, pos;
	void *v;

	for (i = 0; i < c->n_messages; i++)
		msg_free(c->messages[i]);
	free(c->messages);
	c->messages = NULL;
	c->n_messages = 0;
	strmap_free(&p->msgs);
	for (pos = 0; strmap_next(&p->pending, &pos, NULL, &v);) {
		ps = v;
		pend_free(ps);
	}
	strmap_free(&p->pending);
	for (pos = 0; strmap_next(&p->rx, &pos, NULL, &v);)
		model_free_rx_list(v);
	strmap_free(&p->rx);
	for (pos = 0; strmap_next(&p->rx_ids, &pos, NULL, &v);)
		free(v);
	strmap_free(&p->rx_ids);
}

static int
key_cmp(int64_t a_ts, int64_t a_seq, int64_t ts, int64_t seq)
{
	if (a_ts != ts)
		return a_ts < ts ? -1 : 1;
	if (a_seq != seq)
		return a_seq < seq ? -1 : 1;
	return 0;
}

static int
msg_cmp(const struct td_msg *a, int64_t ts, int64_t seq)
{
	return key_cmp(a->ts, a->seq, ts, seq);
}

/* Keep conv_priv's copy of the newest message's key in step. */
static void
thread_tail_update(struct td_conversation *c)
{
	struct conv_priv *p = CONV_PRIV(c);

	if (c->n_messages == 0)
		return;
	p->tail_ts = c->messages[c->n_messages - 1]->ts;
	p->tail_seq = c->messages[c->n_messages - 1]->seq;
}

/* In-order arrival appends; a late message is placed by binary search. */
static int
thread_insert(struct td_conversation *c, struct td_msg *msg)
{
	struct conv_priv *p = CONV_PRIV(c);
	size_t lo = 0, hi = c->n_messages, mid;

	if (vec_grow(&c->messages, &p->msgs_cap, c->n_messages + 1,
	    sizeof *c->messages) != 0)
		return -1;
	if (hi > 0 && key_cmp(p->tail_ts, p->tail_seq, msg->ts, msg->seq) > 0) {
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (msg_cmp(c->messages[mid], msg->ts, msg->seq) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		memmove(&c->messages[lo + 1], &c->messages[lo],
		    (c->n_messages - lo) * sizeof *c->messages);
	} else {
		lo = c->n_messages;
		p->tail_ts = msg->ts;
		p->tail_seq = msg->seq;
	}
	c->messages[lo] = msg;
	c->n_messages++;
	return 0;
}

static void
thread_remove(struct td_conversation *c, struct td_msg *msg)
{
	size_t i;

	for (i = c->n_messages; i > 0; i--) {
		if (c->messages[i - 1] == msg) {
			memmove(&c->messages[i - 1], &c->messages[i],
			    (c->n_messages - i) * sizeof *c->messages);
			c->n_messages--;
			thread_tail_update(c);
			return;
		}
	}
}

static int
index_message(struct td_conversation *c, struct td_msg *msg, uint64_t h)
{
	struct conv_priv *p = CONV_PRIV(c);

	if (strmap_put_h(&p->msgs, msg->m.id, msg, h) != 0)
		return -1;
	if (msg->m.wamid != NULL && strcmp(msg->m.wamid, msg->m.id) != 0 &&
	    strmap_get(&p->msgs, msg->m.wamid) == NULL &&
	    strmap_put(&p->msgs, msg->m.wamid, msg) != 0) {
		strmap_del(&p->msgs, msg->m.id);
		return -1;
	}
	return 0;
}

static int message_learn_wamid(struct td_conversation *, struct td_msg *,
    const char *);

/* Statuses that came before the message. */
static int
pending_take(struct td_conversation *c, struct td_msg *msg, const char *id)
{
	struct pend_status *ps;
	int rc;

	if (id == NULL || (ps = strmap_del(&CONV_PRIV(c)->pending, id)) == NULL)
		return 0;
	rc = status_merge(&msg->m, &MSG_REC(msg)->error_seq, ps->status,
	    &ps->error, ps->error_seq);
	if (rc >= 0 && ps->wamid != NULL && msg->m.wamid == NULL)
		rc = message_learn_wamid(c, msg, ps->wamid);
	pend_free(ps);
	return rc < 0 ? -1 : 0;
}

/* A status told us the wamid of a message we know by its local id: index
 * it, so that a customer's reaction or quote (which use the wamid) finds
 * the message.  Returns 1, or -1 when out of memory. */
static int
message_learn_wamid(struct td_conversation *c, struct td_msg *msg,
    const char *wamid)
{
	struct conv_priv *p = CONV_PRIV(c);

	if ((msg->m.wamid = strdup(wamid)) == NULL)
		return -1;
	if (strmap_get(&p->msgs, wamid) == NULL &&
	    strmap_put(&p->msgs, msg->m.wamid, msg) != 0)
		return -1;
	if (pending_take(c, msg, msg->m.wamid) != 0)
		return -1;
	if (p->rx.count > 0 && model_rebuild_reactions(c, msg) != 0)
		return -1;
	return 1;
}

/* give (see model_apply_take) is moved in rather than copied, and moved
 * back when the message cannot be added. */
static int
message_add(struct td_model *m, struct td_conversation *c,
    const struct td_event *ev, uint64_t h, struct td_message *give)
{
	struct conv_priv *p = CONV_PRIV(c);
	struct msg_rec *rec = calloc(1, sizeof *rec);
	struct td_msg *msg = &rec->pub;
	int flags = CH_LIST | CH_THREAD;

	if (rec == NULL)
		return -1;
	if (give != NULL) {
		msg->m = *give;
		memset(give, 0, sizeof *give);
	} else if (message_copy(&msg->m, &ev->u.message) != 0) {
		free(rec);
		return -1;
	}
	msg->ts = ev->ts;
	msg->seq = ev->seq;
	/* A failed message that says so itself: its error ranks by its seq. */
	if (msg->m.status == TD_MS_FAILED)
		rec->error_seq = ev->seq;
	else
		/* event.h: a message's error means something only while it
		 * is FAILED; a stray one on another status would otherwise
		 * stay or not depending on which copy came first. */
		event_error_free(&msg->m.error);
	if (model_list_conversation(m, c) != 0 || thread_insert(c, msg) != 0)
		goto fail;
	if (index_message(c, msg, h) != 0) {
		thread_remove(c, msg);
		goto fail;
	}
	/* From here on the message is in; what follows only decorates it,
	 * and a failure leaves it consistent (the waiting data stays). */
	if (p->pending.count > 0 && (pending_take(c, msg, msg->m.id) != 0 ||
	    pending_take(c, msg, msg->m.wamid) != 0))
		return -1;
	if (p->rx.count > 0 && model_rebuild_reactions(c, msg) != 0)
		return -1;
	if (ev->ts > c->last_activity)
		c->last_activity = ev->ts;
	/* A notice is not the customer writing: it opens no window. */
	if (msg->m.direction == TD_DIR_IN && !message_is_system(&msg->m) &&
	    ev->ts > p->newest_in_ts)
		p->newest_in_ts = ev->ts;
	if (message_counts_unread(&msg->m) && ev->seq > c->read_seq) {
		c->unread++;
		flags |= CH_NEW_INBOUND;
	}
	return flags;
fail:
	if (give != NULL) {
		*give = msg->m;
		memset(&msg->m, 0, sizeof msg->m);
	}
	msg_free(msg);
	return -1;
}

#define KEEP_OLD(field) do { \
	if (upd.field == NULL) { \
		upd.field = old->field; \
		old->field = NULL; \
	} \
} while (0)

/* The same message again under a newer seq (the relay re-emitted it, e.g.
 * with its wamid once sent, maybe even under the wamid as id): newer
 * fields win, absent ones are kept, the status still only moves forward,
 * the id and thread position stay. */
static int
message_update(struct td_conversation *c, struct td_msg *msg,
    const struct td_event *ev)
{
	struct conv_priv *p = CONV_PRIV(c);
	struct td_message upd, *old = &msg->m;
	enum td_msg_status st;
	struct td_error err;
	int rc = CH_THREAD;

	if (message_copy(&upd, &ev->u.message) != 0)
		return -1;
	st = upd.status;
	err = upd.error;
	memset(&upd.error, 0, sizeof upd.error);
	KEEP_OLD(from);
	KEEP_OLD(text);
	KEEP_OLD(caption);
	KEEP_OLD(annotation);
	KEEP_OLD(media);
	KEEP_OLD(location);
	KEEP_OLD(reply_to);
	KEEP_OLD(agent);
	KEEP_OLD(client_id);
	KEEP_OLD(wamid);
	upd.status = old->status;
	upd.error = old->error;
	memset(&old->error, 0, sizeof old->error);
	upd.direction = old->direction;
	/* The id stays the first one (the event may have found the message
	 * by its wamid alias); index keys point into the message, so an old
	 * wamid leaves the index before its string is freed. */
	free(upd.id);
	upd.id = old->id;
	old->id = NULL;
	if (old->wamid != NULL && strmap_get(&p->msgs, old->wamid) == msg)
		strmap_del(&p->msgs, old->wamid);
	message_free(old);
	msg->m = upd;
	msg->seq = ev->seq;
	thread_tail_update(c);
	if (msg->m.wamid != NULL &&
	    strmap_get(&p->msgs, msg->m.wamid) == NULL &&
	    (index_message(c, msg, strmap_hash(msg->m.id)) != 0 ||
	    pending_take(c, msg, msg->m.wamid) != 0))
		rc = -1;
	if (rc >= 0 && status_merge(&msg->m, &MSG_REC(msg)->error_seq, st,
	    &err, ev->seq) < 0)
		rc = -1;
	if (rc >= 0 && model_rebuild_reactions(c, msg) != 0)
		rc = -1;
	free(err.title);
	free(err.details);
	return rc;
}

/* model_apply() flags for status_merge()'s answer rc about msg. */
static int
status_changed(const struct td_conversation *c, const struct td_msg *msg,
    int rc)
{
	if (rc <= 0)
		return rc;
	/* The list may show the newest message's ticks. */
	return c->messages[c->n_messages - 1] == msg ?
	    CH_THREAD | CH_LIST : CH_THREAD;
}

int
model_apply_message(struct td_model *m, struct td_conversation *c,
    const struct td_event *ev, struct td_message *give)
{
	struct td_msg *msg;
	uint64_t h;

	if (ev->u.message.id == NULL)
		return CH_NONE;
	if (ev->u.message.kind == TD_KIND_REACTION)
		return model_apply_reaction(c, ev);
	h = strmap_hash(ev->u.message.id);
	msg = strmap_get_h(&CONV_PRIV(c)->msgs, ev->u.message.id, h);
	if (msg == NULL)
		return message_add(m, c, ev, h, give);
	if (ev->seq > msg->seq)
		return message_update(c, msg, ev);
	if (ev->seq == msg->seq)
		return CH_NONE;
	/* An older copy: its fields lost to the newer one, but its status
	 * still counts, as a status event's would. */
	return status_changed(c, msg, status_merge(&msg->m,
	    &MSG_REC(msg)->error_seq, ev->u.message.status,
	    &ev->u.message.error, ev->seq));
}

int
model_apply_status(struct td_model *m, struct td_conversation *c,
    const struct td_event *ev)
{
	const struct td_status_update *su = &ev->u.status;
	struct conv_priv *p = CONV_PRIV(c);
	struct pend_status *ps;
	struct td_msg *msg;
	struct td_message hold;
	int rc;

	(void)m;
	if (su->message == NULL)
		return CH_NONE;
	msg = strmap_get(&p->msgs, su->message);
	if (msg != NULL) {
		rc = status_merge(&msg->m, &MSG_REC(msg)->error_seq,
		    su->status, &su->error, ev->seq);
		if (rc >= 0 && su->wamid != NULL && msg->m.wamid == NULL)
			rc = message_learn_wamid(c, msg, su->wamid);
		return status_changed(c, msg, rc);
	}
	if ((ps = strmap_get(&p->pending, su->message)) == NULL) {
		if ((ps = calloc(1, sizeof *ps)) == NULL)
			return -1;
		if ((ps->id = strdup(su->message)) == NULL ||
		    strmap_put(&p->pending, ps->id, ps) != 0) {
			free(ps->id);
			free(ps);
			return -1;
		}
	}
	memset(&hold, 0, sizeof hold);
	hold.status = ps->status;
	hold.error = ps->error;
	rc = status_merge(&hold, &ps->error_seq, su->status, &su->error,
	    ev->seq);
	ps->status = hold.status;
	ps->error = hold.error;
	if (rc >= 0 && su->wamid != NULL && ps->wamid == NULL &&
	    (ps->wamid = strdup(su->wamid)) == NULL)
		rc = -1;
	return rc < 0 ? -1 : CH_NONE;
}

struct td_msg *
conversation_find_message(const struct td_conversation *c, const char *id)
{
	if (c == NULL || id == NULL)
		return NULL;
	return strmap_get(&CONV_PRIV(c)->msgs, id);
}
