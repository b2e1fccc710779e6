/*
 * The sync loop (net_sync.c): /v1/me once, then /v1/sync long-polls from
 * the cursor, and the dispatch of every finished transfer.
 */
#ifndef TTYDESK_NET_SYNC_H
#define TTYDESK_NET_SYNC_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "net.h"

struct net_req;

/*
 * Parse a /v1/sync answer.  On success *events is a new reference to the
 * events array (each element an object with an integer seq), *next the
 * cursor, *more the flag.  Garbage is an error with the reason in err.
 */
int net_sync_parse(const char *body, size_t len, int64_t after,
    json_t **events, int64_t *next, bool *more, char *err, size_t errlen);

/*
 * The relay's event log in a /v1/sync answer: log_id (a random id of the
 * log, new after an import or a restored backup) into id, "" from a relay
 * too old to send one; head (the log's last seq, sent only when the
 * cursor asked for is beyond it) into *head, -1 when absent.  A log_id
 * that is not a short printable string is treated as absent.
 */
void net_sync_log(const char *body, size_t len, char *id, size_t idlen,
    int64_t *head);

/* Inside the net module. */
/* A transfer ended (status 0: failed, r->errbuf says why). */
void net_req_finish(struct net *n, struct net_req *r, long status);
/* Issue the next me/sync request. */
void net_sync_next(struct net *n);
/* A failure of the sync loop: offline, retry with backoff. */
void net_fail(struct net *n, const char *why);
void net_set_state(struct net *n, enum net_state st, const char *detail);

#endif
