/*
 * LISTEN/NOTIFY wake-up of long-polls and senders across relays sharing
 * one PostgreSQL database (pg_listen.c).  Nothing happens for SQLite.
 */
#ifndef RELAY_PG_LISTEN_H
#define RELAY_PG_LISTEN_H

#include <stddef.h>

#include "relay.h"

/* Starts the listener thread (after the sender: it kicks it). */
int pg_listen_start(struct relay *r, char *err, size_t errlen);
/* Stops it (before the sender stops). */
void pg_listen_stop(struct relay *r);

#endif
