/*
 * Private parts of the model shared by model*.c.
 *
 * A conversation's priv holds its indexes and what is waiting for a
 * message that has not arrived yet.  Conversations first met through a
 * status or reaction (their messages not seen yet) exist in the index but
 * are not "listed": model_count()/model_get()/model_find() do not show
 * them until a message, state or contact event arrives.
 */
#ifndef TTYDESK_MODEL_INT_H
#define TTYDESK_MODEL_INT_H

#include "ttydesk/model.h"
#include "strmap.h"

/* The latest reaction of one sender to one target; emoji NULL = removed
 * (kept so an older reaction arriving late cannot come back). */
struct rx_rec {
	char *from;
	char *emoji;
	int64_t seq;
};

struct rx_list {
	char *target; /* key in conv_priv.rx */
	struct rx_rec *v;
	size_t n, cap;
};

/* A message as the model keeps it.  The public part comes first, so the
 * struct td_msg * handed out converts back (MSG_REC). */
struct msg_rec {
	struct td_msg pub;
	/* The seq of the event that carried m.error while m.status is
	 * FAILED (see status_merge() in model_msg.c): of several failures
	 * the error of the lowest seq is kept, whatever their order. */
	int64_t error_seq;
};

#define MSG_REC(g) ((struct msg_rec *)(void *)(g))

/* Statuses for a message not seen yet, merged as they arrive. */
struct pend_status {
	char *id; /* key in conv_priv.pending */
	enum td_msg_status status;
	struct td_error error;
	int64_t error_seq; /* as in struct msg_rec */
	char *wamid; /* learnt from a status event, NULL when none */
};

#define CONTACT_FIELDS 6 /* wa_id user_id username name note attributes */

struct conv_priv {
	bool listed;
	size_t msgs_cap;
	struct strmap msgs;    /* message id and wamid -> struct td_msg * */
	struct strmap pending; /* message id -> struct pend_status * */
	struct strmap rx;      /* target id -> struct rx_list * */
	struct strmap rx_ids;  /* reaction message ids seen -> owned copy */
	int64_t *presence_seq; /* parallel to conversation.presence */
	int64_t newest_in_ts;  /* ts of the newest inbound message */
	/* ts and seq of messages[n_messages - 1], for thread_insert: reading
	 * them from that message cost a cache miss per event on a replay. */
	int64_t tail_ts, tail_seq;
	int64_t contact_field_seq[CONTACT_FIELDS]; /* see apply_contact() */
	bool has_state, has_contact;
};

struct td_model {
	char *self;
	struct td_conversation **convs; /* listed, in order of appearance */
	size_t n, cap;
	struct strmap index;            /* id -> conversation (listed or not) */
	int64_t last_seq;
};

/* model_apply() returns int; the public flags are unsigned. */
#define CH_NONE 0
#define CH_LIST ((int)TD_CHANGED_LIST)
#define CH_THREAD ((int)TD_CHANGED_THREAD)
#define CH_NEW_INBOUND ((int)TD_CHANGED_NEW_INBOUND)

#define CONV_PRIV(c) ((struct conv_priv *)(c)->priv)

int model_list_conversation(struct td_model *m, struct td_conversation *c);
/* give: NULL, or ev's own message, which a new message may be moved out
 * of instead of copied (model_apply_take). */
int model_apply_message(struct td_model *m, struct td_conversation *c,
    const struct td_event *ev, struct td_message *give);
int model_apply_status(struct td_model *m, struct td_conversation *c,
    const struct td_event *ev);
void model_free_messages(struct td_conversation *c);
int model_apply_reaction(struct td_conversation *c, const struct td_event *ev);
int model_rebuild_reactions(struct td_conversation *c, struct td_msg *msg);
void model_free_rx_list(struct rx_list *l);

#endif
