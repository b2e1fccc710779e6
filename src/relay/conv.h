/*
 * Conversation state changes shared by the intake and the agent routes
 * (writer thread).  The state is the spec's JSON object, stored whole.
 */
#ifndef RELAY_CONV_H
#define RELAY_CONV_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "relay.h"
#include "visible.h" /* relay_agent_sees() */

/* A customer wrote at ts: window, reopen, SLA due times.  A reply to
 * the CSAT question (reply_id "csat:N") on a resolved conversation
 * records the score instead of reopening it. */
void conv_on_inbound(struct relay *r, json_t *state, int64_t ts,
    const char *reply_id);
/* An agent replied: SLA due times cleared. */
void conv_on_reply(json_t *state);
/* Open when the last inbound message is under 24 h old at now. */
bool conv_window_open(const json_t *state, int64_t now);
const char *conv_status(const json_t *state);

/* The number a conversation belongs to (its state's "number"); NULL when
 * that number is no longer configured.  Everything sent for the
 * conversation goes through this number. */
const struct relay_number *relay_conversation_number(struct relay *r,
    const json_t *state);
/* The same by conversation id, read through st: 1 with *out (NULL when
 * unconfigured), 0 when there is no such conversation, -1 on error. */
int relay_conversation_number_of(struct relay *r, struct relay_store *st,
    const char *conv, const struct relay_number **out);
int conv_priority_index(const json_t *state);
/* The business hours of the conversation's team; NULL: always open. */
struct hours;
const struct hours *conv_team_hours(struct relay *r, const json_t *state);

#endif
