/*
 * The agents a conversation can be assigned to, as far as this client
 * knows them.
 */
#ifndef TTYDESK_ASSIGNEES_H
#define TTYDESK_ASSIGNEES_H

#include <stddef.h>

struct app;
struct td_conversation;

/* Me, then everyone seen in events (assignees, authors of replies and
 * notes, escalations, presence), sorted.  *out is malloc'd (free it; the
 * strings point into the model or app). */
size_t assignees_known(const struct app *app, const char ***out);

/* The agent c is assigned to when that is not me, else NULL. */
const char *assignees_other(const struct app *app,
    const struct td_conversation *c);

#endif
