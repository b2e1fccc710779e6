/*
 * Background Graph API work on its own thread, away from the sender's
 * queue and from every agent request: downloading inbound media into the
 * media store (retried with backoff), its retention and size limit, and
 * listing the templates of each WhatsApp Business Account.
 */
#ifndef RELAY_FETCHER_H
#define RELAY_FETCHER_H

#include "relay.h"

/* Opens the media store and starts the thread (after the writer). */
int fetcher_start(struct relay *r, char *err, size_t errlen);
/* Stops the thread (an ongoing download is cut) and closes the store. */
void fetcher_stop(struct relay *r);
/* Look again now: new media to download. */
void fetcher_kick(struct relay *r);
/* List the templates again soon (a webhook named an unknown one). */
void fetcher_want_templates(struct relay *r);

#endif
