/*
 * The contact panel (C): identity, the team's note and attributes,
 * earlier conversations.
 */
#ifndef TTYDESK_CONTACTPANEL_H
#define TTYDESK_CONTACTPANEL_H

#include "contact.h"

struct app;

/* The contact panel of the selected (or open) conversation's customer:
 * identity, the team's note and attributes, earlier conversations (GET
 * /v1/contacts/{id}[/conversations]); edits the note through the outbox. */
int contact_panel(struct app *app);

#endif
