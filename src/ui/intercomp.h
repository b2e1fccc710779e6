/*
 * The interactive composer: reply buttons (up to 3) or a list, from a
 * body and titles separated by '|', checked with the relay's own rules
 * (inter.h), previewed as the customer will see it, then sent through
 * the outbox.  Only inside the customer-service window, as Meta allows.
 */
#ifndef TTYDESK_INTERCOMP_H
#define TTYDESK_INTERCOMP_H

struct app;

/* The "interactive" action; UI_* flags. */
int intercomp_start(struct app *app);

#endif
