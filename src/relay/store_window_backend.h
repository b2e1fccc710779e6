/*
 * What the two halves behind store_window.h (store_sqlite_window.c and
 * store_pg_window.c, tables in store_backend.h) use of the store opened by
 * store_sqlite.c or store_pg.c: its connection.  be is that backend's
 * state.
 */
#ifndef RELAY_STORE_WINDOW_BACKEND_H
#define RELAY_STORE_WINDOW_BACKEND_H

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store_backend.h"

/* The backend's connection (PostgreSQL: reconnected when it broke
 * outside a transaction). */
sqlite3 *sqlite_store_db(void *be);
/* sqlite_log_is_v1() of the backend's connection: 1 while its log is
 * still schema 1's events table, 0 once it is event_log, -1 on error. */
int sqlite_store_log_v1(void *be);
PGconn *pg_store_conn(void *be);

#endif
