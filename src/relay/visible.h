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
 * state: only those of its numbers.  /v1/sync, every agent request on
 * a conversation and the windowed reads ask this. */
bool relay_agent_sees(const struct relay *r, const struct relay_agent *a,
    const json_t *state);

#endif
