/*
 * Read positions kept in the cache (the relay has none): marking a
 * conversation read stores how far, and the cache replay restores it, so
 * unread counts and the first-unread mark survive a restart.
 */
#ifndef TTYDESK_UI_READPOS_H
#define TTYDESK_UI_READPOS_H

struct app;
struct td_conversation;

/* model_mark_read(), and the position into the cache when it moved. */
void readpos_mark(struct app *app, struct td_conversation *c);
/* After the replay: every stored position back into the model (a
 * position the model is already past stays). */
void readpos_restore(struct app *app);

#endif
