/*
 * The contact panel (C): identity, the team's note and attributes,
 * earlier conversations.
 */
#ifndef TTYDESK_CONTACTPANEL_H
#define TTYDESK_CONTACTPANEL_H

#include <stddef.h>

struct app;

/* The contact panel of the selected (or open) conversation's customer:
 * identity, the team's note and attributes, earlier conversations (GET
 * /v1/contacts/{id}[/conversations]); edits the note through the outbox. */
int contact_panel(struct app *app);
/* The path id of a contact: its phone (wa_id), else its BSUID, escaped
 * for a URL path into buf ("/v1/contacts/<id><suffix>").  NULL when the
 * contact has neither or buf is too short. */
const char *contact_path(char *buf, size_t len, const char *wa_id,
    const char *user_id, const char *suffix);

#endif
