/*
 * The customer's typing indicator: while the agent types a reply (not a
 * note), POST /v1/conversations/{id}/typing, at most once every
 * TYPING_CUSTOMER_EVERY seconds per conversation (Meta shows it for up to
 * 25 s, and it also marks the customer's last message read).
 *
 * Ownership: app->typing (typing_free).
 */
#ifndef TTYDESK_TYPING_H
#define TTYDESK_TYPING_H

#include <stdbool.h>
#include <stdint.h>

#define TYPING_CUSTOMER_EVERY 20 /* s, per conversation */
#define TYPING_SLOTS 32          /* conversations remembered */

struct app;

struct typing_slot {
	char conv[128];
	int64_t at;
};

struct typing {
	struct typing_slot slots[TYPING_SLOTS];
};

/* Pure: whether conv may be sent the indicator at now, recording it when
 * so.  The slot used longest ago makes room for a new conversation. */
bool typing_due(struct typing *t, const char *conv, int64_t now);
/* A key typed into a reply to conv: the indicator when due (failures are
 * ignored; the next key after 20 s tries again). */
void typing_key(struct app *app, const char *conv);
void typing_free(struct app *app);

#endif
