/*
 * Presence: tell the team which conversation this agent is viewing or
 * typing in (POST /v1/conversations/{id}/presence, refreshed before the
 * relay's 30 s expiry, "left" when the agent moves on), and show the
 * others' presence ("bob is typing…") in the thread title and the list.
 *
 * Ownership: app->presence (presence_free).
 */
#ifndef TTYDESK_PRESENCE_H
#define TTYDESK_PRESENCE_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct td_conversation;

/* Each loop turn: send what changed, expire old presences.  Returns the
 * ms until it needs to run again (-1: nothing to do). */
int presence_tick(struct app *app);
/* A key typed in the compose area. */
void presence_typing(struct app *app);
/* "bob is typing…, carol is viewing" (others only) into buf; "" when
 * nobody ("..." instead of "…" without utf8).  Returns true when someone
 * other than me is typing. */
bool presence_text(const struct app *app, const struct td_conversation *c,
    bool utf8, char *buf, size_t len);
void presence_free(struct app *app);

#endif
