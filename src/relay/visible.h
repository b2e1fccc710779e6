/*
 * Who sees which conversation: the one check every windowed read
 * (window.c) applies, so that narrowing visibility (teams, numbers) is
 * done here once.
 */
#ifndef RELAY_VISIBLE_H
#define RELAY_VISIBLE_H

#include <stdbool.h>

#include <jansson.h>

#include "config.h"
#include "relay.h"

/* Whether agent a may see the conversation whose state (as stored) is
 * state: only those of its numbers, and with visibility = teams (role
 * agent) only those of its teams, assigned to it, or in no team and
 * unassigned.  /v1/sync, every agent request on a conversation, search,
 * contacts and the windowed reads ask this. */
bool relay_agent_sees(const struct relay *r, const struct relay_agent *a,
    const json_t *state);

/* Whether visibility = teams applies to a (not to supervisors). */
bool relay_agent_narrowed(const struct relay_agent *a);
/* Whether a sees less than everything (numbers or teams): its sync
 * answers are filtered, never shared. */
bool relay_agent_limited(const struct relay_agent *a);

#endif
