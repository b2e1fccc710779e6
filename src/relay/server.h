/* Whole-relay start/stop (server.c). */
#ifndef RELAY_SERVER_H
#define RELAY_SERVER_H

#include <stddef.h>

#include "relay.h"

/* Opens the store, recovers sends, starts the writer, the sender, the
 * long-poll timer and the HTTP daemon.  On error call server_stop(). */
int server_start(struct relay *r, struct relay_config *cfg, char *err,
    size_t errlen);
/* The port the daemon listens on (useful with port 0). */
unsigned server_port(struct relay *r);
void server_stop(struct relay *r);

#endif
