/*
 * What a queue holds for this agent: the model's queue (model_queue)
 * through the business-number filter (numbers.h), as the list and the
 * queue tabs show it.
 */
#ifndef TTYDESK_INBOX_H
#define TTYDESK_INBOX_H

#include <stddef.h>

struct app;
struct td_conversation;
struct td_queue;

/* The conversations of queue q that pass the number filter, in the
 * queue's order: *items malloc'd (NULL when empty; the pointers are the
 * model's), their count.  Out of memory: 0, said on the status bar. */
size_t inbox_list(struct app *app, const struct td_queue *q,
    struct td_conversation ***items);
/* How many conversations queue q holds after the number filter, and how
 * many of them have unread messages. */
void inbox_count(const struct app *app, const struct td_queue *q,
    size_t *count, size_t *unread);

#endif
