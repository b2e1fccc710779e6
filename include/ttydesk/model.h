/*
 * The in-memory inbox, built only from relay events.
 *
 * model_apply() is idempotent and order-tolerant: the same event or the same
 * message id applied twice changes nothing; a status for a message not yet
 * seen waits for it; an older conversation/contact state (lower seq) never
 * replaces a newer one.  Quotes and reactions are resolved by id at read
 * time, so a quoted message that arrives later (or never) needs no fix-up.
 *
 * Any order of the same events gives the same inbox: statuses merge by
 * precedence (event.h), each contact field keeps the newest event that
 * carried it, reactions keep the newest per sender and target.  A FAILED
 * message shows the error of the failure with the lowest seq (a status
 * event, or a copy of the message that says "failed", older copies
 * included); an event with seq 0 (applied locally, e.g. from the outbox,
 * before the relay numbered it) ranks after every numbered one, and
 * failures of equal seq rank by error code (none last), then title, then
 * details (absent last).  A message that is not FAILED has no error.
 * A message has one wamid: the relay never gives it two, and if events do,
 * the first one learnt stays (the order then matters).  A
 * conversation seen only through statuses or reactions is not listed
 * (model_count/model_get/model_find) until a message, conversation or
 * contact event for it arrives.
 *
 * Ownership: the model owns every conversation and message; pointers it
 * hands out stay valid until the next model_apply() or model_free().
 */
#ifndef TTYDESK_MODEL_H
#define TTYDESK_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ttydesk/event.h"

#define TD_WINDOW_SECONDS (24 * 60 * 60)

struct td_reaction {
	char *from;  /* customer id or agent id */
	char *emoji; /* never empty: a removed reaction is not listed */
};

/* Reaction message events are not thread entries: they show up as
 * reactions on their target (one per sender, the newest wins). */
struct td_msg {
	struct td_message m; /* the message as last known (status merged in) */
	int64_t ts;
	int64_t seq;
	struct td_reaction *reactions;
	size_t n_reactions;
};

struct td_conversation {
	char *id;
	struct td_contact contact;
	int64_t contact_seq;
	struct td_conv_state state;
	int64_t state_seq;
	struct td_msg **messages; /* thread order: ts, then seq */
	size_t n_messages;
	unsigned unread;          /* inbound messages after read_seq
	                           * (reactions are not messages) */
	int64_t read_seq;         /* last seq the agent has seen */
	int64_t last_activity;    /* ts of the newest message or state change */
	struct td_presence *presence; /* other agents here, NULL-free array */
	size_t n_presence;
	void *priv;               /* model's own index, do not touch */
};

enum td_queue_kind {
	TD_Q_MINE = 0,    /* assigned to me, not resolved/snoozed */
	TD_Q_UNASSIGNED,  /* nobody assigned, open or pending */
	TD_Q_TEAM,        /* queue.team, not resolved/snoozed */
	TD_Q_ESCALATED,   /* status escalated */
	TD_Q_ALL,         /* everything but resolved and snoozed */
	TD_Q_RESOLVED,
	TD_Q_SNOOZED,
	TD_Q_LABEL,       /* queue.label, any status */
};

struct td_queue {
	enum td_queue_kind kind;
	const char *team;  /* TD_Q_TEAM */
	const char *label; /* TD_Q_LABEL */
};

/* Flags returned by model_apply(). */
#define TD_CHANGED_NONE 0u
#define TD_CHANGED_LIST 0x1u     /* list order/markers may have changed */
#define TD_CHANGED_THREAD 0x2u   /* messages of ev->conversation changed */
#define TD_CHANGED_NEW_INBOUND 0x4u /* a new inbound customer message */

struct td_model;

/* self: the agent id of the user (for "Mine"); copied. */
struct td_model *model_new(const char *self);
void model_free(struct td_model *m);
void model_set_self(struct td_model *m, const char *self);

/* Returns TD_CHANGED_* flags, or -1 when out of memory. */
int model_apply(struct td_model *m, const struct td_event *ev);
/* The same, for a caller that frees ev right after (the cache replay):
 * strings and arrays of ev may be moved into the model instead of copied
 * (they are then NULL in ev, which stays valid for event_free()).  Only
 * ev's body changes: seq, ts, type and conversation stay as they were. */
int model_apply_take(struct td_model *m, struct td_event *ev);
/* Highest seq applied so far. */
int64_t model_last_seq(const struct td_model *m);

/* Listed conversations, i in [0, model_count), in order of first listing. */
size_t model_count(const struct td_model *m);
struct td_conversation *model_get(const struct td_model *m, size_t i);
struct td_conversation *model_find(const struct td_model *m, const char *id);
struct td_msg *conversation_find_message(const struct td_conversation *c,
    const char *id);

/* Conversations of a queue, newest activity first (ties by id).  *out is
 * a malloc'd array the caller frees (pointers stay owned by the model).
 * Returns the count, or (size_t)-1 when out of memory. */
size_t model_queue(const struct td_model *m, const struct td_queue *q,
    struct td_conversation ***out);
size_t model_queue_count(const struct td_model *m, const struct td_queue *q);
bool conversation_in_queue(const struct td_model *m,
    const struct td_conversation *c, const struct td_queue *q);

/* Case-insensitive (ASCII and Latin letters) match of needle in the
 * contact's name, username, phone, BSUID and every message text/caption. */
bool conversation_matches(const struct td_conversation *c, const char *needle);

/* The 24-hour customer-service window at time now.  Returns true when open
 * and stores the seconds left in *left (may be NULL). */
bool conversation_window_open(const struct td_conversation *c, int64_t now,
    int64_t *left);

/* The agent has seen everything up to now: unread = 0. */
void model_mark_read(struct td_model *m, struct td_conversation *c);

/* Display name: profile name, else username, else phone, else BSUID
 * (empty strings count as absent); "" when none.  Never NULL. */
const char *contact_display_name(const struct td_contact *c);

/* Additions. */

/* contact_display_name(), else (no contact event yet) the "from" of the
 * newest inbound message, else the conversation id.  Never NULL. */
const char *conversation_display_name(const struct td_conversation *c);
/* The newer of state.last_inbound_ts and the newest inbound message's ts
 * (what the 24-hour window counts from); 0 when the customer never wrote. */
int64_t conversation_last_inbound(const struct td_conversation *c);
/* Restore a read position (e.g. from the local cache): unread becomes the
 * number of inbound messages with a higher seq. */
void model_set_read_seq(struct td_model *m, struct td_conversation *c,
    int64_t seq);
/*
 * Forget conversations (outside the working set): each one for which
 * forget(ud, c) returns true is removed from the model with its messages,
 * in one pass over the list; the others keep their order.  A forgotten
 * conversation comes back like a new one when events for it arrive again.
 * Conversations not listed yet (seen only through statuses or reactions)
 * are not offered.  Returns how many were forgotten; every model pointer
 * is invalid afterwards.
 */
typedef bool (*model_forget_fn)(void *ud, const struct td_conversation *c);
size_t model_forget(struct td_model *m, model_forget_fn forget, void *ud);
/* One conversation by id: true when it was there. */
bool model_forget_conversation(struct td_model *m, const char *id);
/* Drop presences whose "expires" is at or before now.  Returns
 * TD_CHANGED_* flags (NONE when nothing expired). */
int model_expire_presence(struct td_model *m, int64_t now);

#endif
