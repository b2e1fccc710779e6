/*
 * Away messages ([hours TEAM] away_message): when a customer writes to a
 * team while it is closed, the relay answers once per conversation per
 * closed period, only while the 24-hour window is open, through the
 * normal outbound path (a message event and a send by the sender).
 */
#ifndef RELAY_AWAY_H
#define RELAY_AWAY_H

#include <stdbool.h>
#include <stdint.h>

#include "relay.h"

struct assign_conv;

/* Writer thread: sends c's away message when due; *queued becomes true
 * when one was queued.  0, or -1 on a store error. */
int away_check(struct relay *r, struct assign_conv *c, int64_t now,
    bool *queued);

#endif
