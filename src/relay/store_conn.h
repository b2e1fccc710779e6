/*
 * The connection under a store, for reads kept in their own files
 * (store_window.h): store.c gives the backend, the backend its handle.
 */
#ifndef RELAY_STORE_CONN_H
#define RELAY_STORE_CONN_H

#include <libpq-fe.h>
#include <sqlite3.h>

struct relay_store;
struct sqlite_store;
struct pg_store;

/* The backend behind a store (NULL for the other one). */
struct sqlite_store *relay_store_sqlite(struct relay_store *st);
struct pg_store *relay_store_pg(struct relay_store *st);
/* The backend's connection (PostgreSQL: reconnected when it broke). */
sqlite3 *sqlite_store_db(struct sqlite_store *st);
PGconn *pg_store_conn(struct pg_store *st);

#endif
