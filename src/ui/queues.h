/*
 * Queues (Mine, Unassigned, teams, Escalated, All, Resolved) and the list
 * of the current one: rebuilds keep the cursor on the same conversation;
 * the two-pane preview follows the cursor once it rests.
 */
#ifndef TTYDESK_QUEUES_H
#define TTYDESK_QUEUES_H

#include <stddef.h>
#include <stdint.h>

struct app;

int queues_build(struct app *app);
/* Note the current queue's team (call after changing cur_queue). */
void queues_remember(struct app *app);
void queues_count(struct app *app);
/* The current queue's list again, the cursor on the same conversation. */
void queues_list_rebuild(struct app *app);
/* The list's cursor to row i, or delta rows on. */
void queues_select(struct app *app, size_t i);
void queues_move(struct app *app, long delta);
/* Show the cursor's conversation in the thread pane now (two panes). */
void queues_preview_commit(struct app *app);
/* Commit the preview when it is due; ms until it is, -1 when none. */
int queues_preview_tick(struct app *app, int64_t now_ms);

#endif
