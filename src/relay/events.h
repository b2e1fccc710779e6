/*
 * Building relay events (spec/relay-api.md, "Events") as jansson objects,
 * and the conversation/contact bookkeeping every writer job shares.  All
 * of it runs in the writer thread inside a transaction.
 *
 * Ownership: functions returning json_t * return a new reference.
 */
#ifndef RELAY_EVENTS_H
#define RELAY_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "ttydesk/event.h"
#include "ttydesk/wa.h"

#include "relay.h"

json_t *ev_new(int64_t ts, const char *type, const char *conversation);
/* A message event carrying m (core's encoder); NULL when out of memory. */
json_t *ev_message_new(int64_t ts, const char *conversation,
    const struct td_message *m);
json_t *ev_contact_json(const struct relay_contact *c);
/* Removes the relay's private keys (those starting with '_'). */
void conv_state_strip(json_t *state);

/* Append events (set failed on the job when they return -1). */
int relay_emit_contact(struct relay *r, const struct relay_contact *c,
    int64_t ts);
/* The event appended is returned through *out when out != NULL. */
int relay_emit_conversation(struct relay *r, const char *id, json_t *state,
    int64_t ts, json_t **out);

/* Records status of message and appends its event, unless it was seen
 * already or a later state is known (read beats everything, failed beats
 * sent/delivered, delivered beats sent): a state never goes back.
 * extra (may be NULL) is merged into the status object. */
int relay_emit_status(struct relay *r, const char *conversation,
    const char *message, enum td_msg_status status, json_t *extra,
    int64_t ts);
/* The same; *fresh says whether this state of the message was new (not
 * a redelivery), whether or not a later state keeps it from the log. */
int relay_emit_status_fresh(struct relay *r, const char *conversation,
    const char *message, enum td_msg_status status, json_t *extra,
    int64_t ts, bool *fresh);
/* A send's outcome is recorded: statuses held for the conversation are
 * emitted, under local_id when their wamid is this send's (local_id and
 * wamid may be NULL), else under their wamid once no send is in flight.
 * With conversation NULL, everything held is emitted (at start). */
int relay_release_statuses(struct relay *r, const char *conversation,
    const char *local_id, const char *wamid);

/* Finds or creates the customer (BSUID first, then phone), linking the
 * two identifiers when a webhook carries both, and makes sure the
 * customer has a conversation on number n (c->conversation is that
 * one: one customer has one conversation per number).  Emits contact/conversation events for
 * whatever is new or changed.  past: for an imported past chat, so a
 * conversation made for it starts resolved (nothing waits for an answer;
 * the customer's next message reopens it).  Returns 0 with *c filled
 * (caller frees with relay_contact_free), -1 on a store error. */
int relay_identify(struct relay *r, const struct wa_customer *cust,
    const struct relay_number *n, int64_t ts, bool past,
    struct relay_contact *c);

/* A new conversation's state on number n (its default team). */
json_t *conv_state_for(const struct relay_number *n);

/* Webhook intake: stores every item of w (skipping other phone numbers).
 * Returns 0, or -1 on a store error (the caller rolls back). */
int relay_intake(struct relay *r, const struct wa_webhook *w);

#endif
