/*
 * The team view (supervisors): GET /v1/team drawn as one row per agent
 * (online state, open conversations against capacity, oldest waiting) and
 * one per team (open or closed hours, mode, unassigned, oldest waiting),
 * fetched again every TEAMVIEW_REFRESH seconds while it is shown.  Enter
 * on an agent opens that agent's oldest waiting conversation when this
 * ttydesk holds it.
 */
#ifndef TTYDESK_TEAMVIEW_H
#define TTYDESK_TEAMVIEW_H

#include <stddef.h>
#include <stdint.h>

#define TEAMVIEW_REFRESH 15

struct app;
struct aline;
struct roster;
struct view;

int teamview_toggle(struct app *app);
/* Once a second from the loop: refresh while shown. */
void teamview_tick(struct app *app);
void teamview_free(struct app *app);

extern const struct view team_view;

/* The view's lines (pure): agents first (line i is agent i when
 * *first_agent is the line of agent 0), then the teams.  now: for ages.
 * Returns the count (malloc'd in *lines, the caller frees each). */
size_t teamview_lines(const struct roster *ro, int64_t now, size_t width,
    int utf8, size_t *first_agent, struct aline **lines);

#endif
