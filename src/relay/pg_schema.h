/*
 * PostgreSQL connections and schema for the relay: URI checks, connect,
 * versioned schema migration.  Used by store_pg.c, pg_listen.c and the
 * migrate/import commands.
 */
#ifndef RELAY_PG_SCHEMA_H
#define RELAY_PG_SCHEMA_H

#include <stddef.h>

#include <libpq-fe.h>

#define PG_CHANNEL_EVENTS "ttydesk_events"
#define PG_CHANNEL_OUTBOUND "ttydesk_outbound"

/* The schema version this relay writes. */
#define PG_SCHEMA_VERSION 5

/* Refuses a URI libpq cannot parse or one carrying a password (it
 * belongs in ~/.pgpass or PGPASSFILE, not in a config file).  The error
 * never repeats the URI. */
int pg_uri_check(const char *uri, char *err, size_t errlen);
/* Opens a connection (*conn owned by the caller: PQfinish). */
int pg_connect(const char *uri, PGconn **conn, char *err, size_t errlen);
/* Creates or upgrades the schema under a lock, so relays starting
 * together do it once.  *version (may be NULL) gets the version before. */
int pg_schema_ensure(PGconn *conn, int *before, char *err, size_t errlen);

#endif
