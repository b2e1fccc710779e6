/*
 * What a queue holds for this agent: the model's queue (model_queue)
 * through the business-number filter (numbers.h), as the list and the
 * queue tabs show it.
 */
#ifndef TTYDESK_INBOX_H
#define TTYDESK_INBOX_H

#include <stddef.h>

#include "ttydesk/model.h"

struct app;

/* A queue as its tab shows it. */
struct inbox_queue {
	struct td_queue q;   /* a team's id points at an app-owned string,
	                      * stable until the teams change */
	char label[48];
	size_t count;
	size_t unread;       /* conversations with unread messages */
};

/* The conversations of queue q that pass the number filter, in the
 * queue's order: *items malloc'd (NULL when empty; the pointers are the
 * model's), their count.  Out of memory: 0, said on the status bar. */
size_t inbox_list(struct app *app, const struct td_queue *q,
    struct td_conversation ***items);
/* How many conversations queue q holds after the number filter, and how
 * many of them have unread messages. */
void inbox_count(const struct app *app, const struct td_queue *q,
    size_t *count, size_t *unread);

/* The agent's queues: Mine, Unassigned, one per team (the agent's own,
 * else every team the relay has), Escalated, All, Resolved, not yet
 * counted.  0 with the malloc'd array in *out and its length in *n, or -1
 * when out of memory. */
int inbox_queues(struct app *app, struct inbox_queue **out, size_t *n);
/* The index of the queue of kind (and, for a team's, of team) among the n
 * at q; 0 when none is. */
size_t inbox_queue_find(const struct inbox_queue *q, size_t n,
    enum td_queue_kind kind, const char *team);

#endif
