/*
 * The teams the agent knows of (app->teams: /v1/me, else the ones seen on
 * conversations): their names for the queue tabs and the escalation list.
 */
#ifndef TTYDESK_TEAMS_H
#define TTYDESK_TEAMS_H

#include <stddef.h>

struct app;

/* The name of team id, else id itself. */
const char *teams_name(const struct app *app, const char *id);
/* Adds to app->teams the teams seen on conversations (while /v1/me has
 * not answered). */
void teams_learn(struct app *app);
/* "Name (id)", or the id of a team without a name, into buf. */
void teams_label(const struct app *app, size_t i, char *buf, size_t len);

#endif
