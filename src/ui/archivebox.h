/*
 * The archive box: resolved conversations the relay keeps outside the
 * working set, newest first, fifty at a time; its last row fetches the
 * next page, Enter on a conversation opens it (its messages come from
 * the relay, then from the cache).
 */
#ifndef TTYDESK_UI_ARCHIVEBOX_H
#define TTYDESK_UI_ARCHIVEBOX_H

struct app;

/* Action: open the box on the newest page. */
int archivebox_action(struct app *app);

#endif
