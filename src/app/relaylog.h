#ifndef TTYDESK_RELAYLOG_H
#define TTYDESK_RELAYLOG_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Whether the relay's event log was replaced under us (a restored backup,
 * an import), so the cursor means nothing and sync must start over from 0.
 * known: the log_id the cache synced from ("" when unknown: an old cache
 * adopts the first one seen); seen: the answer's log_id ("" from an old
 * relay); head: the answer's head (-1 when absent); after: the cursor sent.
 */
bool relaylog_restored(const char *known, const char *seen, int64_t head,
    int64_t after);

#endif
