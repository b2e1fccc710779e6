/*
 * The Graph API client thread (curl multi): outbound messages from the
 * store's queue with retries, read receipts and media downloads for
 * suspended agent requests.  The only place the access token is used.
 */
#ifndef RELAY_SENDER_H
#define RELAY_SENDER_H

#include <stdbool.h>

#include "relay.h"

struct curl_slist;
struct req;

int sender_start(struct relay *r, char *err, size_t errlen);
/* Finishes in-flight transfers (up to the send timeout), then stops;
 * a second call does nothing. */
void sender_stop(struct relay *r);
/* After the writer stopped (its jobs may still point at the sender). */
void sender_free(struct relay *r);
/* The sender thread runs and turned its loop in the last seconds. */
bool sender_alive(struct relay *r);
/* Look at the outbound queue now (a send was just accepted). */
void sender_kick(struct sender *s);
/* Mark wamid read / fetch media id; the req is suspended and answered. */
void sender_mark_read(struct relay *r, struct req *q,
    const struct relay_number *n, const char *wamid);
void sender_media(struct relay *r, struct req *q,
    const struct relay_number *n, const char *media_id);
/* Sends the typing indicator for the customer's message wamid, from
 * number n; nobody waits for the answer. */
void sender_typing(struct relay *r, const struct relay_number *n,
    const char *wamid);

/* Sends that were in flight when the relay died end as "delivery
 * unknown" (never resent: the customer may already have them).  Runs at
 * start before the sender. */
int sender_recover(struct relay *r, char *err, size_t errlen);

/* cfg's Graph API base URL joined with tail (malloc'd; NULL when out
 * of memory).  Also used by fetcher.c. */
char *sender_url(const struct relay_config *cfg, const char *tail);
/* hdrs with the Authorization header for number's token appended; the
 * token is wiped from the stack, and the list's copy goes with
 * net_hdrs_free() (net_hdrs.h).  Also used by fetcher.c. */
struct curl_slist *sender_auth_header(struct curl_slist *hdrs,
    const struct relay_config *cfg, const char *number);

/* Escalation hook (hook.c): runs cfg->escalation_command with payload on
 * stdin in the background; takes ownership of payload. */
void hook_run(struct relay *r, char *payload);

#endif
