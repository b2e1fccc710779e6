/*
 * Team-inbox actions of the TUI: SLA sorting (sla.c shows the times).
 */
#ifndef TTYDESK_UI_TEAM_H
#define TTYDESK_UI_TEAM_H

struct app;

/* Toggle sorting the list breached/soonest-due first. */
int team_sla_sort(struct app *app);

#endif
