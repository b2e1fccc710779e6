/*
 * A customer's contact record at the relay: its path and the team's note.
 */
#ifndef TTYDESK_CONTACT_H
#define TTYDESK_CONTACT_H

#include <stddef.h>

struct app;

/* The path id of a contact: its phone (wa_id), else its BSUID, escaped
 * for a URL path into buf ("/v1/contacts/<id><suffix>").  NULL when the
 * contact has neither or buf is too short. */
const char *contact_path(char *buf, size_t len, const char *wa_id,
    const char *user_id, const char *suffix);
/* Queues the team's note on the contact (POST /v1/contacts/{id}).  0, or
 * -1 (no id, or said on the status bar). */
int contact_note(struct app *app, const char *wa_id, const char *user_id,
    const char *text);

#endif
