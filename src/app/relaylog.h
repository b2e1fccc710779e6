#ifndef TTYDESK_RELAYLOG_H
#define TTYDESK_RELAYLOG_H

#include <stdbool.h>
#include <stdint.h>

struct app;

/* The cache's named value holding the relay log_id it synced from. */
#define RELAYLOG_META "relay/log_id"

/*
 * Whether the relay's event log was replaced under us (a restored backup,
 * an import), so the cursor means nothing and sync must start over from 0.
 * known: the log_id the cache synced from ("" when unknown: an old cache
 * adopts the first one seen); seen: the answer's log_id ("" from an old
 * relay); head: the answer's head (-1 when absent); after: the cursor sent.
 */
bool relaylog_restored(const char *known, const char *seen, int64_t head,
    int64_t after);

/*
 * The net's log callback (struct net_callbacks, ud the app): adopts the
 * first log_id seen, and when relaylog_restored() says so resets and
 * restarts the sync (relaylog_reset) and tells the agent on the status
 * line.  Returns 0, 1 (restarted) or -1 (the cache could not be reset).
 */
int relaylog_on_sync(void *ud, const char *log_id, int64_t head,
    int64_t after);

/*
 * Forget what was synced from the old log: the cached events and cursor,
 * the model, the history pages; keep the outbox, drafts and read
 * positions (those above head, when head >= 0, come down to it: the new
 * log numbers its events from there).  Stores log_id as the log synced
 * from, and restarts the sync from 0 (app->net not NULL).  0, or -1 with
 * the status bar saying why.
 */
int relaylog_reset(struct app *app, const char *log_id, int64_t head);

#endif
