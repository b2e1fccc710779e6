/*
 * Which conversations an agent may see.  Every endpoint that serves
 * conversations or their events asks here, and only here, so that rules
 * on teams or business numbers change one function.
 */
#ifndef RELAY_VISIBILITY_H
#define RELAY_VISIBILITY_H

#include <stdbool.h>

#include <jansson.h>

#include "config.h"
#include "relay.h"

/* state: the conversation's stored state object.  Today every agent sees
 * every conversation. */
bool relay_agent_sees(const struct relay *r, const struct relay_agent *agent,
    const json_t *state);

#endif
