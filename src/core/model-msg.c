/*
 * Messages of a conversation: thread order, idempotent inserts, statuses
 * that only move forward, and reactions.  Statuses and reactions may
 * arrive before the message they are about; they wait in the
 * conversation's priv and are merged in when the message comes.
 */
#include <stdlib.h>
#include <string.h>

#include "model-int.h"

/* Merge a status into a message.  Returns 1 when it changed, 0 when not,
 * -1 when out of memory.  FAILED is terminal; it replaces anything but
 * READ (a read message was delivered, whatever a late error says). */
static int
status_merge(struct td_message *m, enum td_msg_status st,
    const struct td_error *err)
{
	struct td_error e = { 0, NULL, NULL };

	if (m->status == TD_MS_FAILED)
		return 0;
	if (st == TD_MS_FAILED) {
		if (m->status == TD_MS_READ)
			return 0;
		e.code = err->code;
		if ((err->title != NULL && (e.title = strdup(err->title)) == NULL) ||
		    (err->details != NULL &&
		    (e.details = strdup(err->details)) == NULL)) {
			free(e.title);
			return -1;
		}
		free(m->error.title);
		free(m->error.details);
		m->error = e;
		m->status = TD_MS_FAILED;
		return 1;
	}
	if (st <= m->status)
		return 0;
	m->status = st;
	return 1;
}

static void
msg_free(struct td_msg *msg)
{
	message_free(&msg->m);
	free(msg->reactions);
	free(msg);
}

static void
rx_list_free(struct rx_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].from);
		free(l->v[i].emoji);
	}
	free(l->v);
	free(l->target);
	free(l);
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
		free(ps->id);
		free(ps->error.title);
		free(ps->error.details);
		free(ps);
	}
	strmap_free(&p->pending);
	for (pos = 0; strmap_next(&p->rx, &pos, NULL, &v);)
		rx_list_free(v);
	strmap_free(&p->rx);
	for (pos = 0; strmap_next(&p->rx_ids, &pos, NULL, &v);)
		free(v);
	strmap_free(&p->rx_ids);
}

/* Rebuild msg->reactions from the records for its id and wamid.  The
 * strings are borrowed from the records, which outlive the array: every
 * change of a record rebuilds the array of its target. */
static int
reactions_rebuild(struct td_conversation *c, struct td_msg *msg)
{
	struct conv_priv *p = CONV_PRIV(c);
	struct rx_list *lists[2];
	struct td_reaction *v = NULL;
	size_t n = 0, cap = 0, i, j, k;

	lists[0] = strmap_get(&p->rx, msg->m.id);
	lists[1] = msg->m.wamid != NULL ? strmap_get(&p->rx, msg->m.wamid) :
	    NULL;
	if (lists[1] == lists[0])
		lists[1] = NULL;
	for (k = 0; k < 2; k++) {
		if (lists[k] != NULL)
			cap += lists[k]->n;
	}
	if (cap > 0 && (v = calloc(cap, sizeof *v)) == NULL)
		return -1;
	for (k = 0; k < 2; k++) {
		for (i = 0; lists[k] != NULL && i < lists[k]->n; i++) {
			struct rx_rec *r = &lists[k]->v[i];

			for (j = 0; j < n && strcmp(v[j].from, r->from) != 0; j++)
				;
			if (j < n || r->emoji == NULL)
				continue;
			v[n].from = r->from;
			v[n].emoji = r->emoji;
			n++;
		}
	}
	free(msg->reactions);
	msg->reactions = n > 0 ? v : NULL;
	msg->n_reactions = n;
	if (n == 0)
		free(v);
	return 0;
}

static int
msg_cmp(const struct td_msg *a, int64_t ts, int64_t seq)
{
	if (a->ts != ts)
		return a->ts < ts ? -1 : 1;
	if (a->seq != seq)
		return a->seq < seq ? -1 : 1;
	return 0;
}

/* In-order arrival appends; a late message is placed by binary search. */
static int
thread_insert(struct td_conversation *c, struct td_msg *msg)
{
	struct conv_priv *p = CONV_PRIV(c);
	struct td_msg **v;
	size_t lo = 0, hi = c->n_messages, mid, cap;

	if (c->n_messages == p->msgs_cap) {
		cap = p->msgs_cap == 0 ? 8 : p->msgs_cap * 2;
		if ((v = realloc(c->messages, cap * sizeof *v)) == NULL)
			return -1;
		c->messages = v;
		p->msgs_cap = cap;
	}
	if (hi > 0 && msg_cmp(c->messages[hi - 1], msg->ts, msg->seq) > 0) {
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (msg_cmp(c->messages[mid], msg->ts, msg->seq) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		memmove(&c->messages[lo + 1], &c->messages[lo],
		    (c->n_messages - lo) * sizeof *c->messages);
	} else
		lo = c->n_messages;
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
			return;
		}
	}
}

/* Statuses that came before the message. */
static int
pending_take(struct td_conversation *c, struct td_msg *msg, const char *id)
{
	struct pend_status *ps;
	int rc;

	if (id == NULL || (ps = strmap_del(&CONV_PRIV(c)->pending, id)) == NULL)
		return 0;
	rc = status_merge(&msg->m, ps->status, &ps->error);
	free(ps->id);
	free(ps->error.title);
	free(ps->error.details);
	free(ps);
	return rc < 0 ? -1 : 0;
}

static int
index_message(struct td_conversation *c, struct td_msg *msg)
{
	struct conv_priv *p = CONV_PRIV(c);

	if (strmap_put(&p->msgs, msg->m.id, msg) != 0)
		return -1;
	if (msg->m.wamid != NULL && strcmp(msg->m.wamid, msg->m.id) != 0 &&
	    strmap_get(&p->msgs, msg->m.wamid) == NULL &&
	    strmap_put(&p->msgs, msg->m.wamid, msg) != 0) {
		strmap_del(&p->msgs, msg->m.id);
		return -1;
	}
	return 0;
}

static int
message_add(struct td_model *m, struct td_conversation *c,
    const struct td_event *ev)
{
	struct conv_priv *p = CONV_PRIV(c);
	struct td_msg *msg = calloc(1, sizeof *msg);
	int flags = CH_LIST | CH_THREAD;

	if (msg == NULL)
		return -1;
	if (message_copy(&msg->m, &ev->u.message) != 0) {
		free(msg);
		return -1;
	}
	msg->ts = ev->ts;
	msg->seq = ev->seq;
	if (model_list_conversation(m, c) != 0 || thread_insert(c, msg) != 0)
		goto fail;
	if (index_message(c, msg) != 0) {
		thread_remove(c, msg);
		goto fail;
	}
	/* From here on the message is in; what follows only decorates it,
	 * and a failure leaves it consistent (the waiting data stays). */
	if (p->pending.count > 0 && (pending_take(c, msg, msg->m.id) != 0 ||
	    pending_take(c, msg, msg->m.wamid) != 0))
		return -1;
	if (p->rx.count > 0 && reactions_rebuild(c, msg) != 0)
		return -1;
	if (ev->ts > c->last_activity)
		c->last_activity = ev->ts;
	if (msg->m.direction == TD_DIR_IN) {
		if (ev->ts > p->newest_in_ts)
			p->newest_in_ts = ev->ts;
		if (ev->seq > c->read_seq) {
			c->unread++;
			flags |= CH_NEW_INBOUND;
		}
	}
	return flags;
fail:
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
 * with its wamid once sent): newer fields win, absent ones are kept, the
 * status still only moves forward, the thread position stays. */
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
	/* Index keys point into the message: re-point them at the new
	 * strings before the old ones are freed (a replace never allocates). */
	strmap_put(&p->msgs, upd.id, msg);
	if (old->wamid != NULL && strmap_get(&p->msgs, old->wamid) == msg)
		strmap_del(&p->msgs, old->wamid);
	message_free(old);
	msg->m = upd;
	msg->seq = ev->seq;
	if (msg->m.wamid != NULL && strmap_get(&p->msgs, msg->m.wamid) == NULL &&
	    (index_message(c, msg) != 0 || pending_take(c, msg, msg->m.wamid)))
		rc = -1;
	if (rc >= 0 && status_merge(&msg->m, st, &err) < 0)
		rc = -1;
	if (rc >= 0 && reactions_rebuild(c, msg) != 0)
		rc = -1;
	free(err.title);
	free(err.details);
	return rc;
}

static struct rx_list *
rx_list_get(struct conv_priv *p, const char *target)
{
	struct rx_list *l = strmap_get(&p->rx, target);

	if (l != NULL)
		return l;
	if ((l = calloc(1, sizeof *l)) == NULL)
		return NULL;
	if ((l->target = strdup(target)) == NULL ||
	    strmap_put(&p->rx, l->target, l) != 0) {
		free(l->target);
		free(l);
		return NULL;
	}
	return l;
}

/* Record (from, emoji) on target if newer than what we have.  Returns 1
 * when recorded, 0 when older, -1 out of memory. */
static int
rx_record(struct rx_list *l, const char *from, const char *emoji, int64_t seq)
{
	struct rx_rec *r = NULL, *v;
	char *e = NULL;
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->v[i].from, from) == 0) {
			r = &l->v[i];
			break;
		}
	}
	if (r != NULL && r->seq >= seq)
		return 0;
	if (emoji != NULL && *emoji != '\0' && (e = strdup(emoji)) == NULL)
		return -1;
	if (r == NULL) {
		if (l->n == l->cap) {
			size_t cap = l->cap == 0 ? 2 : l->cap * 2;

			if ((v = realloc(l->v, cap * sizeof *v)) == NULL)
				goto fail;
			l->v = v;
			l->cap = cap;
		}
		r = &l->v[l->n];
		if ((r->from = strdup(from)) == NULL)
			goto fail;
		r->emoji = NULL;
		l->n++;
	}
	free(r->emoji);
	r->emoji = e;
	r->seq = seq;
	return 1;
fail:
	free(e);
	return -1;
}

static int
reaction_seen(struct conv_priv *p, const char *id)
{
	char *copy;

	if (strmap_get(&p->rx_ids, id) != NULL)
		return 1;
	if ((copy = strdup(id)) == NULL)
		return -1;
	if (strmap_put(&p->rx_ids, copy, copy) != 0) {
		free(copy);
		return -1;
	}
	return 0;
}

/* A reaction is not a thread entry: it decorates its target.  A customer
 * reacts as "from", an agent as its agent id. */
static int
apply_reaction(struct td_conversation *c, const struct td_event *ev)
{
	const struct td_message *rm = &ev->u.message;
	struct conv_priv *p = CONV_PRIV(c);
	const char *from;
	struct rx_list *l;
	struct td_msg *target;
	int rc;

	if (rm->reaction_to == NULL || *rm->reaction_to == '\0')
		return CH_NONE;
	if ((rc = reaction_seen(p, rm->id)) != 0)
		return rc < 0 ? -1 : CH_NONE;
	from = rm->direction != TD_DIR_IN && rm->agent != NULL ? rm->agent :
	    rm->from != NULL ? rm->from : "";
	if ((l = rx_list_get(p, rm->reaction_to)) == NULL)
		return -1;
	if ((rc = rx_record(l, from, rm->reaction_emoji, ev->seq)) <= 0)
		return rc;
	target = strmap_get(&p->msgs, rm->reaction_to);
	if (target == NULL)
		return CH_NONE;
	return reactions_rebuild(c, target) != 0 ? -1 : CH_THREAD;
}

int
model_apply_message(struct td_model *m, struct td_conversation *c,
    const struct td_event *ev)
{
	struct td_msg *msg;

	if (ev->u.message.id == NULL)
		return CH_NONE;
	if (ev->u.message.kind == TD_KIND_REACTION)
		return apply_reaction(c, ev);
	msg = strmap_get(&CONV_PRIV(c)->msgs, ev->u.message.id);
	if (msg == NULL)
		return message_add(m, c, ev);
	if (ev->seq <= msg->seq)
		return CH_NONE;
	return message_update(c, msg, ev);
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
	msg = strmap_get(&p->msgs, su->message);
	if (msg != NULL) {
		rc = status_merge(&msg->m, su->status, &su->error);
		return rc < 0 ? -1 : rc > 0 ? CH_THREAD : CH_NONE;
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
	rc = status_merge(&hold, su->status, &su->error);
	ps->status = hold.status;
	ps->error = hold.error;
	return rc < 0 ? -1 : CH_NONE;
}

struct td_msg *
conversation_find_message(const struct td_conversation *c, const char *id)
{
	if (c == NULL || id == NULL)
		return NULL;
	return strmap_get(&CONV_PRIV(c)->msgs, id);
}
