/*
 * GET /v1/team (supervisors and admins): each agent's online state, open
 * conversations against capacity and oldest waiting conversation, and
 * each team's assignment mode, hours and queue.
 */
#ifndef RELAY_TEAM_VIEW_H
#define RELAY_TEAM_VIEW_H

struct req;

void team_view_route(struct req *q);

#endif
