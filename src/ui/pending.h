/*
 * Pending outbox entries drawn as lines of their thread (pending.c).
 */
#ifndef TTYDESK_PENDING_H
#define TTYDESK_PENDING_H

#include <stddef.h>

struct app;
struct convui;
struct td_conversation;

/* Append the pending lines of conversation c to its thread lines
 * (owned by cu->extras). */
void pending_lines(struct app *app, struct convui *cu,
    const struct td_conversation *c, size_t width);

#endif
