/*
 * The working set ([cache] window): what ttydesk keeps locally is the open
 * work and the recent window, not the history.
 *
 * * A first start (no cursor) loads the working set from /v1/snapshot page
 *   by page; each page's events go to the cache and the model, then its
 *   progress (META key "snapshot"), so a start cut short resumes at the
 *   next page.
 * * Conversations outside the set (resolved, newest message older than the
 *   window, not opened within it, no draft, nothing in the outbox) are
 *   forgotten by the model and left out of the cache at the next
 *   compaction; drafts, outbox entries and read positions stay.
 * * The relay's count of conversations outside the set is kept for the
 *   screen (Resolved tab).
 *
 * Ownership: app->window, made on first use, freed by window_free().
 */
#ifndef TTYDESK_WINDOW_H
#define TTYDESK_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct app;
struct net_options;
struct net_snap_page;
struct td_conversation;

/* Snapshot settings for the relay client (resume point from the cache). */
void window_net_options(struct app *app, struct net_options *o);
/* net callback: store and apply one snapshot page. */
int window_on_snapshot(void *ud, const struct net_snap_page *page);
/* After a /v1/sync answer was stored. */
void window_synced(struct app *app);
/* An event for conv arrives: it is no longer to be dropped. */
void window_seen(struct app *app, const char *conv);
/* The agent opened conv: it stays for the window. */
void window_opened(struct app *app, const char *conv);
/* Is c in the working set at time now? */
bool window_keeps(struct app *app, const struct td_conversation *c);
/* Forget what is outside; returns how many conversations went. */
size_t window_evict(struct app *app);
/* The relay hid conv from this agent: forget it now, drop its events from
 * the cache at the next compaction.  True when the model had it. */
bool window_hide(struct app *app, const char *conv);
/* Compaction filter: true when the cached event belongs to a forgotten
 * conversation. */
bool window_drops(struct app *app, const char *ev, size_t len);
/* From the idle tick: evict now and then, compact what went. */
void window_idle(struct app *app);
/* "loading 3,200/7,500 conversations" while the snapshot runs, else NULL. */
const char *window_progress(struct app *app, char *buf, size_t len);
/* Conversations the relay holds outside the working set (-1 unknown). */
int64_t window_outside(const struct app *app, bool resolved_only);
/* Sync starts over from 0 (the relay's log was replaced): forget the
 * snapshot progress; returns the since for net_restart (0: no window). */
int64_t window_restart(struct app *app);
void window_free(struct app *app);

#endif
