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
 * state.  Today every agent sees every conversation. */
bool relay_agent_sees(const struct relay *r, const struct relay_agent *a,
    const json_t *state);

#endif
