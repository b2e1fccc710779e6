/*
 * Bounds on what unauthenticated clients can hold (spec/relay-api.md,
 * "Operating the relay"): request bodies in memory across all connections
 * ([relay] max_body_total, with a reserve for bodies under 64 KiB),
 * connections per address ([relay] max_conns_per_address, trusted
 * proxies exempt), and a deadline for receiving a whole request
 * ([relay] request_timeout; microhttpd's own timeout is idle-only).
 *
 * One struct connguard per relay, made by connguard_new() and freed by
 * connguard_free() after the HTTP daemons stopped.  Connections are
 * tracked from microhttpd's connection notifications; the reaper thread
 * shuts down the socket of a request still arriving past its deadline,
 * which makes microhttpd close it.
 */
#ifndef RELAY_CONNGUARD_H
#define RELAY_CONNGUARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proxyaddr.h"

/* Bodies under this size may use the reserve. */
#define CONNGUARD_SMALL_BODY (64 * 1024)
/* The reserve: 64 small bodies at once. */
#define CONNGUARD_RESERVE (64 * CONNGUARD_SMALL_BODY)

struct connguard;
struct conn;

/* What one request holds of the body budget. */
struct body_charge {
	size_t main;
	size_t reserve;
};

struct connguard *connguard_new(size_t max_body_total, unsigned per_address,
    long request_timeout, const struct proxy_list *trusted);
void connguard_free(struct connguard *g);

/* Grow a request's charge to total bytes.  0, or -1 when the budget
 * cannot hold it (the charge is unchanged).  small: the client announced
 * a body under CONNGUARD_SMALL_BODY (Content-Length), which may use the
 * reserve; a chunked body of unknown size never does, or slow chunked
 * senders could hold the reserve too. */
int connguard_charge(struct connguard *g, struct body_charge *c, size_t total,
    bool small);
void connguard_release(struct connguard *g, struct body_charge *c);
/* Bytes charged now, both pools (tests, /metrics). */
size_t connguard_held(struct connguard *g);

/* microhttpd connection started: returns the tracking record (NULL when
 * out of memory) and sets *refuse when the address is over its limit. */
struct conn *connguard_open(struct connguard *g, int fd, const char *addr,
    bool *refuse);
void connguard_close(struct connguard *g, struct conn *c);
/* The request on c is complete (the handler runs): no deadline now. */
void connguard_received(struct connguard *g, struct conn *c);
/* The answer went out: the next request on c starts its deadline. */
void connguard_next(struct connguard *g, struct conn *c);

/* Starts and stops the reaper thread (no thread without a timeout). */
int connguard_start(struct connguard *g);
void connguard_stop(struct connguard *g);

#endif
