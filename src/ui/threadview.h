/*
 * The thread view: opening, selection, scrolling, goto quote, first unread.
 */
#ifndef TTYDESK_THREADVIEW_H
#define TTYDESK_THREADVIEW_H

#include "ttydesk/model.h"

struct app;

extern const struct view thread_view;

/* Open the thread of conversation id in the thread pane (focus it). */
void thread_open(struct app *app, const char *id);
/* The same for a conversation the model may not hold (a relay search hit,
 * the relay's Resolved list): fetched first, then opened. */
void thread_open_any(struct app *app, const char *id);
void thread_scroll(struct app *app, long lines);
void thread_move(struct app *app, long delta);
void thread_edge(struct app *app, int bottom);
int thread_goto_quote(struct app *app);
int thread_first_unread(struct app *app);
/* The selected message of the open thread, or NULL. */
struct td_msg *thread_selected(const struct app *app);

#endif
