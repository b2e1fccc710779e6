/*
 * The relay's storage (DESIGN.md): an append-only event log with one
 * increasing seq, plus the look-up tables the relay needs to stay
 * idempotent (contacts, conversations, message and status keys, the
 * outbound queue, client_id answers).  SQLite is the first backend; a
 * PostgreSQL backend implements the same functions.
 *
 * One struct relay_store is one connection used by one thread at a time.
 * Writes happen between relay_store_begin() and relay_store_commit(); a
 * savepoint isolates one job of a group commit.
 *
 * Ownership: strings returned through out-parameters are malloc'd and
 * belong to the caller; struct relay_contact strings are freed with
 * relay_contact_free().
 */
#ifndef RELAY_STORE_H
#define RELAY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct relay_store;

enum relay_store_mode { RELAY_STORE_WRITER, RELAY_STORE_READER };

/* A writer creates the schema or upgrades an older one. */
int relay_store_open(const char *path, enum relay_store_mode mode,
    struct relay_store **out, char *err, size_t errlen);
void relay_store_close(struct relay_store *st);
const char *relay_store_error(struct relay_store *st);

int relay_store_begin(struct relay_store *st);
int relay_store_commit(struct relay_store *st);
void relay_store_rollback(struct relay_store *st);
int relay_store_savepoint(struct relay_store *st);
int relay_store_release(struct relay_store *st);
void relay_store_rollback_savepoint(struct relay_store *st);

/* Event log. */
int64_t relay_store_last_seq(struct relay_store *st);
/* Stores ev (an event object without seq) under seq, which must be higher
 * than every stored seq; sets "seq" in ev. */
int relay_store_append(struct relay_store *st, int64_t seq, json_t *ev);
/* Appends to *buf (malloc'd, grown) the JSON texts of events with
 * seq > after, at most limit, separated by commas.  Sets *count, *last
 * (seq of the last one) and *more. */
int relay_store_read_after(struct relay_store *st, int64_t after, int limit,
    char **buf, size_t *len, int *count, int64_t *last, bool *more);
/* The last n message events of a conversation, oldest first (array). */
json_t *relay_store_conversation_messages(struct relay_store *st,
    const char *conversation, int n);

/* Contacts. */
struct relay_contact {
	int64_t id;
	char *wa_id;
	char *user_id;
	char *username;
	char *name;
	char *conversation; /* current conversation id */
	json_t *extra;      /* note/attributes object, or NULL */
};
void relay_contact_free(struct relay_contact *c);
/* 1 found, 0 not found, -1 error.  by is "wa_id" or "user_id". */
int relay_store_contact_by(struct relay_store *st, const char *by,
    const char *value, struct relay_contact *out);
int relay_store_contact_by_id(struct relay_store *st, int64_t id,
    struct relay_contact *out);
/* Inserts (c->id == 0, sets it) or updates every field. */
int relay_store_contact_put(struct relay_store *st, struct relay_contact *c);
/* An identifier the customer had before ("wa_id" or "user_id"): it keeps
 * finding contact through relay_store_contact_by().  An alias already
 * recorded stays as it was. */
int relay_store_contact_alias_put(struct relay_store *st, const char *by,
    const char *value, int64_t contact);

/* Conversations.  Ids are "c" + a number, stable forever.  A
 * conversation belongs to the number its state names ("number", "main"
 * when none). */
int relay_store_conversation_create(struct relay_store *st, int64_t contact,
    int64_t ts, const json_t *state, char **id);
/* The contact's (latest) conversation on a number: 1 with *id malloc'd,
 * 0 when it has none there, -1 on error. */
int relay_store_conversation_of(struct relay_store *st, int64_t contact,
    const char *number, char **id);
/* 1 found, 0 not, -1 error.  *state is a new reference. */
int relay_store_conversation_get(struct relay_store *st, const char *id,
    json_t **state, int64_t *contact, int64_t *first_ts, int64_t *last_ts);
int relay_store_conversation_put(struct relay_store *st, const char *id,
    const json_t *state, int64_t last_ts);
/* A message at ts that changes no state (an imported past message, a
 * notice from WhatsApp) still widens first_ts..last_ts to its time. */
int relay_store_conversation_times(struct relay_store *st, const char *id,
    int64_t ts);
/* Conversations the relay must revisit by now (a snooze ending, an SLA
 * due time passing), at most 256; ids malloc'd. */
int relay_store_conversations_due(struct relay_store *st, int64_t now,
    char ***ids, size_t *n);
/* {"id","state","first_ts","last_ts"} of a contact, oldest first. */
json_t *relay_store_contact_conversations(struct relay_store *st,
    int64_t contact);

/* Message keys: every message event's id, its wamid and fingerprint. */
struct relay_msgkey {
	char *id;
	char *wamid;
	char *conversation;
	int direction; /* enum td_direction */
};
void relay_msgkey_free(struct relay_msgkey *k);
/* 1 when a message with this wamid and fingerprint exists. */
int relay_store_msg_seen(struct relay_store *st, const char *wamid,
    const char *fingerprint);
/* By local id, or by wamid (an outbound one first).  1/0/-1. */
int relay_store_msg_by_id(struct relay_store *st, const char *id,
    struct relay_msgkey *out);
int relay_store_msg_by_wamid(struct relay_store *st, const char *wamid,
    struct relay_msgkey *out);
int relay_store_msg_put(struct relay_store *st, const char *id,
    const char *wamid, const char *fingerprint, const char *conversation,
    int direction, int64_t ts);
int relay_store_msg_set_wamid(struct relay_store *st, const char *id,
    const char *wamid);
/* 1 when (message, status) is new (and records it), 0 when seen. */
int relay_store_status_once(struct relay_store *st, const char *message,
    const char *status);

/* Statuses recorded for a message, as a bit mask: bit 1 << n for each
 * name in names[0..n_names). */
int relay_store_status_mask(struct relay_store *st, const char *message,
    const char *const *names, int n_names, unsigned *mask);

/* Statuses for an unknown wamid that arrived while a send to the same
 * conversation was in flight: probably that send's, whose wamid the
 * relay does not know yet.  Held until the send's outcome is recorded. */
struct relay_deferred {
	char *wamid;
	char *conversation;
	char *status;
	char *extra; /* JSON object text or NULL */
	int64_t ts;
};
int relay_store_deferred_put(struct relay_store *st, const char *wamid,
    const char *conversation, const char *status, int64_t ts,
    const char *extra);
/* Takes (returns and deletes) the held statuses of a conversation, or of
 * every conversation when conversation is NULL; oldest state first. */
int relay_store_deferred_take(struct relay_store *st,
    const char *conversation, struct relay_deferred **out, size_t *n);
void relay_deferred_free(struct relay_deferred *d, size_t n);
/* 1 when a send to the conversation is in flight. */
int relay_store_outbound_busy(struct relay_store *st, const char *conversation);

/* Outbound queue. */
enum relay_out_state {
	RELAY_OUT_PENDING = 0,
	RELAY_OUT_INFLIGHT,
	RELAY_OUT_SENT,
	RELAY_OUT_FAILED,
};
struct relay_outbound {
	char *id;
	char *conversation;
	char *body; /* Graph request JSON */
	char *number; /* the conversation's number id: the sender fills it */
	int attempts;
	int64_t next_try;
};
void relay_outbound_free(struct relay_outbound *o);
int relay_store_outbound_put(struct relay_store *st, const char *id,
    const char *client_id, const char *conversation, const char *body,
    int64_t now);
/* Claims up to max due pending sends (they become in flight). */
int relay_store_outbound_claim(struct relay_store *st, int64_t now,
    struct relay_outbound *out, int max, int *n);
/* Earliest next_try of a pending send, or 0 when none. */
int64_t relay_store_outbound_next(struct relay_store *st);
int relay_store_outbound_set(struct relay_store *st, const char *id,
    enum relay_out_state state, int64_t next_try, const char *wamid);
/* Ids of sends in flight when the relay stopped (malloc'd array). */
int relay_store_outbound_inflight(struct relay_store *st, char ***ids,
    size_t *n);

/* Idempotency: the first answer to (route, client_id). 1/0/-1. */
int relay_store_idem_get(struct relay_store *st, const char *route,
    const char *client_id, int *status, char **response);
int relay_store_idem_put(struct relay_store *st, const char *route,
    const char *client_id, int status, const char *response);

/* Misc key/value (e.g. schema version). */
int relay_store_meta_get(struct relay_store *st, const char *key, char **value);
int relay_store_meta_put(struct relay_store *st, const char *key,
    const char *value);

/* Full-text search (search.h).  Events whose indexed text matches every
 * word of q, with seq < before, newest first, at most limit; hits are
 * freed with relay_search_hits_free(). */
struct search_query;
struct relay_search_hit {
	int64_t seq;
	char *json; /* the event, as /v1/sync serves it */
};
int relay_store_search(struct relay_store *st, const struct search_query *q,
    int64_t before, int limit, struct relay_search_hit **hits, size_t *n);
void relay_search_hits_free(struct relay_search_hit *h, size_t n);
/* Indexes up to max of the events older than the index, newest first
 * (a writer, inside a transaction); *left is then the highest seq still
 * to index, 0 when the index covers the whole log. */
int relay_store_search_backfill(struct relay_store *st, int max,
    int64_t *left);

/* Backends: a "postgresql://" or "postgres://" URI selects PostgreSQL
 * (store_pg.c, several relays on one database), anything else is an
 * SQLite file (store_sqlite.c). */
bool relay_store_is_pg(const char *database);
/* A claimed send stays this relay's for this long (seconds); after it,
 * another relay takes it over (PostgreSQL only). */
void relay_store_set_lease(struct relay_store *st, int seconds);
/* Ids of sends in flight past their lease: their relay died.  Always
 * none for SQLite, whose one relay finds its leftovers at start through
 * relay_store_outbound_inflight(). */
int relay_store_outbound_abandoned(struct relay_store *st, int64_t now,
    char ***ids, size_t *n);

#endif
