/*
 * Reactions.  The record of who reacted with what to which message lives
 * in the conversation (conv_priv.rx), keyed by target id, whether or not
 * the target has arrived; a removed reaction stays as a record without an
 * emoji, so an older reaction arriving late cannot bring it back.  Each
 * message's reactions array is rebuilt from the records whenever they
 * change or the message arrives.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/strfields.h"
#include "ttydesk/vec.h"
#include "model_int.h"

static const size_t rx_rec_strs[] = {
	offsetof(struct rx_rec, from), offsetof(struct rx_rec, emoji),
};

void
model_free_rx_list(struct rx_list *l)
{
	strfields_vec_free(&l->v, &l->n, sizeof *l->v, rx_rec_strs,
	    STRFIELDS_N(rx_rec_strs));
	free(l->target);
	free(l);
}

/* Rebuild msg->reactions from the records for its id and wamid.  The
 * strings are borrowed from the records, which outlive the array: every
 * change of a record rebuilds the array of its target. */
int
model_rebuild_reactions(struct td_conversation *c, struct td_msg *msg)
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
	if (cap > 0 && (v = calloc(cap, sizeof *v)) == NULL) {
		/* The old array may point at a record just freed: drop it. */
		free(msg->reactions);
		msg->reactions = NULL;
		msg->n_reactions = 0;
		return -1;
	}
	for (k = 0; v != NULL && k < 2; k++) {
		for (i = 0; lists[k] != NULL && i < lists[k]->n; i++) {
			struct rx_rec *r = &lists[k]->v[i];

			for (j = 0; j < n; j++) {
				if (strcmp(v[j].from, r->from) == 0)
					break;
			}
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

/* A new record of from on l, with no emoji yet; NULL when out of memory. */
static struct rx_rec *
rx_add(struct rx_list *l, const char *from)
{
	char *f;

	if (vec_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v) != 0 ||
	    (f = strdup(from)) == NULL)
		return NULL;
	l->v[l->n] = (struct rx_rec){ .from = f };
	return &l->v[l->n++];
}

/* Record (from, emoji) on target if newer than what we have.  Returns 1
 * when recorded, 0 when older, -1 out of memory. */
static int
rx_record(struct rx_list *l, const char *from, const char *emoji, int64_t seq)
{
	struct rx_rec *r = vec_find_str(l->v, l->n, sizeof *l->v,
	    offsetof(struct rx_rec, from), from);
	char *e = NULL;

	if (r != NULL && r->seq >= seq)
		return 0;
	if (emoji != NULL && *emoji != '\0' && (e = strdup(emoji)) == NULL)
		return -1;
	if (r == NULL && (r = rx_add(l, from)) == NULL)
		goto fail;
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
int
model_apply_reaction(struct td_conversation *c, const struct td_event *ev)
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
	return model_rebuild_reactions(c, target) != 0 ? -1 : CH_THREAD;
}

