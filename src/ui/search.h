/*
 * Incremental search in the list.
 */
#ifndef TTYDESK_SEARCH_H
#define TTYDESK_SEARCH_H

struct app;

void search_start(struct app *app);
int search_next(struct app *app, int dir);

#endif
