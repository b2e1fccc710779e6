/*
 * The escalation dialog: team, then priority, then a required reason.
 */
#ifndef TTYDESK_ESCALATE_H
#define TTYDESK_ESCALATE_H

struct app;
struct td_conversation;

/* Returns UI_* flags like an action handler. */
int escalate_open(struct app *app, struct td_conversation *c);

#endif
