/*
 * The windowed first sync (net_snapshot.c): /v1/snapshot page by page,
 * then the sync loop from the snapshot's position.
 */
#ifndef TTYDESK_NET_SNAPSHOT_H
#define TTYDESK_NET_SNAPSHOT_H

#include <stdint.h>

#include "net.h"

struct net_req;

/* Parse a /v1/snapshot answer into *page (page->events a new reference
 * the caller drops).  after_through: the through of the earlier pages (0
 * for the first), which a later page must repeat. */
int net_snap_parse(const char *body, size_t len, int64_t after_through,
    struct net_snap_page *page, char *err, size_t errlen);

/* Inside the net module: the next snapshot page / its answer. */
struct net_req *net_snap_request(struct net *n, char *err, size_t errlen);
void net_snap_finish(struct net *n, struct net_req *r, long status);

#endif
