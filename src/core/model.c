/*
 * The inbox model: conversations by id, their state, contact and presence.
 * Messages, statuses and reactions are in model_msg.c, queues and search in
 * model_query.c.
 */
#include <stdlib.h>
#include <string.h>

#include "ttydesk/sanitize.h"
#include "ttydesk/vec.h"
#include "model_int.h"

struct td_model *
model_new(const char *self)
{
	struct td_model *m = calloc(1, sizeof *m);

	if (m == NULL)
		return NULL;
	strmap_init(&m->index);
	if (self != NULL && (m->self = strdup(self)) == NULL) {
		free(m);
		return NULL;
	}
	return m;
}

void
model_set_self(struct td_model *m, const char *self)
{
	char *copy = self != NULL ? strdup(self) : NULL;

	/* Out of memory keeps the old value rather than none. */
	if (self != NULL && copy == NULL)
		return;
	free(m->self);
	m->self = copy;
}

static void
conversation_free(struct td_conversation *c)
{
	struct conv_priv *p = CONV_PRIV(c);

	model_free_messages(c);
	vec_free(&c->presence, &c->n_presence, sizeof *c->presence,
	    presence_clear);
	free(p->presence_seq);
	free(p);
	contact_free(&c->contact);
	conv_state_free(&c->state);
	free(c->id);
	free(c);
}

void
model_free(struct td_model *m)
{
	size_t pos = 0;
	void *v;

	if (m == NULL)
		return;
	while (strmap_next(&m->index, &pos, NULL, &v))
		conversation_free(v);
	strmap_free(&m->index);
	free(m->convs);
	free(m->self);
	free(m);
}

static struct td_conversation *
conversation_new(struct td_model *m, const char *id)
{
	struct td_conversation *c = calloc(1, sizeof *c);
	struct conv_priv *p = calloc(1, sizeof *p);

	if (c == NULL || p == NULL || (c->id = strdup(id)) == NULL)
		goto fail;
	c->priv = p;
	strmap_init(&p->msgs);
	strmap_init(&p->pending);
	strmap_init(&p->rx);
	strmap_init(&p->rx_ids);
	if (strmap_put(&m->index, c->id, c) != 0)
		goto fail;
	return c;
fail:
	if (c != NULL)
		free(c->id);
	free(c);
	free(p);
	return NULL;
}

int
model_list_conversation(struct td_model *m, struct td_conversation *c)
{
	if (CONV_PRIV(c)->listed)
		return 0;
	if (vec_grow(&m->convs, &m->cap, m->n + 1, sizeof *m->convs) != 0)
		return -1;
	m->convs[m->n++] = c;
	CONV_PRIV(c)->listed = true;
	return 0;
}

/* One string of a state in place: NULL stays NULL.  0 or -1 (memory). */
static int
clean_str(char **s)
{
	char *t;

	if (*s == NULL)
		return 0;
	if ((t = sanitize_text(*s, strlen(*s), SANITIZE_SINGLE_LINE)) == NULL)
		return -1;
	free(*s);
	*s = t;
	return 0;
}

/*
 * Labels, team and agent ids come from the relay and are drawn in the
 * list, the tabs and the thread: no terminal control may reach it
 * through them (the same rule as customer text).  Ids that are already
 * plain text come out the same, so queues still match.
 */
static int
clean_state(struct td_conv_state *st)
{
	size_t i;

	if (clean_str(&st->assignee) != 0 || clean_str(&st->team) != 0 ||
	    clean_str(&st->escalation.team) != 0 ||
	    clean_str(&st->escalation.reason) != 0 ||
	    clean_str(&st->escalation.by) != 0)
		return -1;
	for (i = 0; i < st->n_labels; i++)
		if (clean_str(&st->labels[i]) != 0)
			return -1;
	return 0;
}

static int
apply_state(struct td_model *m, struct td_conversation *c,
    const struct td_event *ev)
{
	struct conv_priv *p = CONV_PRIV(c);
	struct td_conv_state st;
	int flags = CH_NONE;

	/* Activity counts even from a stale state, so that last_activity is
	 * the same whatever order events arrived in. */
	if (ev->ts > c->last_activity && p->listed) {
		c->last_activity = ev->ts;
		flags = CH_LIST;
	}
	if (p->has_state && ev->seq <= c->state_seq)
		return flags;
	if (model_list_conversation(m, c) != 0 ||
	    conv_state_copy(&st, &ev->u.state) != 0)
		return -1;
	if (clean_state(&st) != 0) {
		conv_state_free(&st);
		return -1;
	}
	conv_state_free(&c->state);
	c->state = st;
	c->state_seq = ev->seq;
	p->has_state = true;
	if (ev->ts > c->last_activity)
		c->last_activity = ev->ts;
	return CH_LIST | CH_THREAD;
}

/*
 * A contact event may carry only some fields (a note, a username the
 * customer just adopted).  Each field keeps the value of the newest event
 * that carried it, so the result is the same in any arrival order and the
 * phone or BSUID, once known, is never dropped.
 */
static int
apply_contact(struct td_model *m, struct td_conversation *c,
    const struct td_event *ev)
{
	const struct td_contact *in = &ev->u.contact;
	struct conv_priv *p = CONV_PRIV(c);
	char **dst[CONTACT_FIELDS - 1] = { &c->contact.wa_id,
	    &c->contact.user_id, &c->contact.username, &c->contact.name,
	    &c->contact.note };
	const char *src[CONTACT_FIELDS - 1] = { in->wa_id, in->user_id,
	    in->username, in->name, in->note };
	char *val[CONTACT_FIELDS - 1] = { NULL };
	struct td_contact only, attrs;
	bool take_attrs, changed = !p->listed;
	size_t i;

	if (model_list_conversation(m, c) != 0)
		return -1;
	/* Copy first, then commit: out of memory changes nothing. */
	for (i = 0; i < CONTACT_FIELDS - 1; i++) {
		if (src[i] != NULL && ev->seq > p->contact_field_seq[i] &&
		    (val[i] = strdup(src[i])) == NULL)
			goto fail;
	}
	memset(&only, 0, sizeof only);
	memset(&attrs, 0, sizeof attrs);
	take_attrs = in->attributes != NULL &&
	    ev->seq > p->contact_field_seq[CONTACT_FIELDS - 1];
	if (take_attrs) {
		only.attributes = in->attributes;
		only.n_attributes = in->n_attributes;
		if (contact_copy(&attrs, &only) != 0)
			goto fail;
	}
	for (i = 0; i < CONTACT_FIELDS - 1; i++) {
		if (val[i] == NULL)
			continue;
		free(*dst[i]);
		*dst[i] = val[i];
		p->contact_field_seq[i] = ev->seq;
		changed = true;
	}
	if (take_attrs) {
		only = c->contact;
		only.wa_id = only.user_id = only.username = only.name = NULL;
		only.note = NULL;
		contact_free(&only);
		c->contact.attributes = attrs.attributes;
		c->contact.n_attributes = attrs.n_attributes;
		p->contact_field_seq[CONTACT_FIELDS - 1] = ev->seq;
		changed = true;
	}
	if (!p->has_contact || ev->seq > c->contact_seq)
		c->contact_seq = ev->seq;
	p->has_contact = true;
	return changed ? CH_LIST | CH_THREAD : CH_NONE;
fail:
	for (i = 0; i < CONTACT_FIELDS - 1; i++)
		free(val[i]);
	return -1;
}

static void
presence_remove(struct td_conversation *c, size_t i)
{
	struct conv_priv *p = CONV_PRIV(c);

	presence_clear(&c->presence[i]);
	c->n_presence--;
	memmove(&c->presence[i], &c->presence[i + 1],
	    (c->n_presence - i) * sizeof *c->presence);
	memmove(&p->presence_seq[i], &p->presence_seq[i + 1],
	    (c->n_presence - i) * sizeof *p->presence_seq);
}

static int
presence_append(struct td_conversation *c, const struct td_presence *pr,
    int64_t seq)
{
	struct conv_priv *p = CONV_PRIV(c);
	struct td_presence *v;
	int64_t *s;
	size_t n = c->n_presence + 1;

	if ((v = realloc(c->presence, n * sizeof *v)) == NULL)
		return -1;
	c->presence = v;
	if ((s = realloc(p->presence_seq, n * sizeof *s)) == NULL)
		return -1;
	p->presence_seq = s;
	s[n - 1] = seq;
	if (presence_copy(&v[n - 1], pr) != 0)
		return -1;
	c->n_presence = n;
	return 0;
}

static int
apply_presence(struct td_model *m, struct td_conversation *c,
    const struct td_event *ev)
{
	const struct td_presence *pr = &ev->u.presence;
	struct conv_priv *p = CONV_PRIV(c);
	size_t i;

	if (!p->listed || pr->agent == NULL || pr->activity == NULL ||
	    (m->self != NULL && strcmp(pr->agent, m->self) == 0))
		return CH_NONE;
	for (i = 0; i < c->n_presence; i++) {
		if (strcmp(c->presence[i].agent, pr->agent) == 0)
			break;
	}
	if (i < c->n_presence) {
		if (ev->seq <= p->presence_seq[i])
			return CH_NONE;
		presence_remove(c, i);
	}
	if (strcmp(pr->activity, "left") != 0 &&
	    presence_append(c, pr, ev->seq) != 0)
		return -1;
	return CH_LIST | CH_THREAD;
}

int
model_expire_presence(struct td_model *m, int64_t now)
{
	struct td_conversation *c;
	size_t i, j;
	int changed = CH_NONE;

	for (i = 0; i < m->n; i++) {
		c = m->convs[i];
		for (j = 0; j < c->n_presence;) {
			if (c->presence[j].expires != 0 &&
			    c->presence[j].expires <= now) {
				presence_remove(c, j);
				changed = CH_LIST | CH_THREAD;
			} else
				j++;
		}
	}
	return changed;
}

static int
model_apply_ev(struct td_model *m, const struct td_event *ev,
    struct td_event *give)
{
	struct td_conversation *c;

	if (ev->seq > m->last_seq)
		m->last_seq = ev->seq;
	if (ev->type == TD_EV_UNKNOWN || ev->conversation == NULL)
		return CH_NONE;
	c = strmap_get(&m->index, ev->conversation);
	if (c == NULL) {
		if (ev->type == TD_EV_PRESENCE)
			return CH_NONE;
		if ((c = conversation_new(m, ev->conversation)) == NULL)
			return -1;
	}
	switch (ev->type) {
	case TD_EV_MESSAGE:
		return model_apply_message(m, c, ev, give != NULL ?
		    &give->u.message : NULL);
	case TD_EV_STATUS:
		return model_apply_status(m, c, ev);
	case TD_EV_CONVERSATION:
		return apply_state(m, c, ev);
	case TD_EV_CONTACT:
		return apply_contact(m, c, ev);
	case TD_EV_PRESENCE:
		return apply_presence(m, c, ev);
	case TD_EV_UNKNOWN:
		break;
	}
	return CH_NONE;
}

int
model_apply(struct td_model *m, const struct td_event *ev)
{
	return model_apply_ev(m, ev, NULL);
}

int
model_apply_take(struct td_model *m, struct td_event *ev)
{
	return model_apply_ev(m, ev, ev);
}

int64_t
model_last_seq(const struct td_model *m)
{
	return m->last_seq;
}

size_t
model_count(const struct td_model *m)
{
	return m->n;
}

struct td_conversation *
model_get(const struct td_model *m, size_t i)
{
	return i < m->n ? m->convs[i] : NULL;
}

struct td_conversation *
model_find(const struct td_model *m, const char *id)
{
	struct td_conversation *c;

	if (id == NULL)
		return NULL;
	c = strmap_get(&m->index, id);
	return c != NULL && CONV_PRIV(c)->listed ? c : NULL;
}

void
model_mark_read(struct td_model *m, struct td_conversation *c)
{
	/* Every message in the model has a seq <= last_seq. */
	if (m->last_seq > c->read_seq)
		c->read_seq = m->last_seq;
	c->unread = 0;
}

void
model_set_read_seq(struct td_model *m, struct td_conversation *c,
    int64_t seq)
{
	const struct td_msg *msg;
	size_t i;

	c->read_seq = seq;
	c->unread = 0;
	for (i = 0; i < c->n_messages; i++) {
		msg = c->messages[i];
		if (message_counts_unread(&msg->m) && msg->seq > seq)
			c->unread++;
	}
}

size_t
model_forget(struct td_model *m, model_forget_fn forget, void *ud)
{
	struct td_conversation *c;
	size_t i, kept = 0, gone;

	for (i = 0; i < m->n; i++) {
		c = m->convs[i];
		if (!forget(ud, c)) {
			m->convs[kept++] = c;
			continue;
		}
		strmap_del(&m->index, c->id);
		conversation_free(c);
	}
	gone = m->n - kept;
	m->n = kept;
	return gone;
}

static bool
forget_id(void *ud, const struct td_conversation *c)
{
	return strcmp(c->id, ud) == 0;
}

bool
model_forget_conversation(struct td_model *m, const char *id)
{
	if (model_find(m, id) == NULL)
		return false;
	return model_forget(m, forget_id, (void *)(uintptr_t)id) == 1;
}
