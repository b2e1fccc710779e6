/*
 * The two halves behind store_window.h, entries of the backends' tables
 * (store_backend.h): store_sqlite_window.c and store_pg_window.c, on the
 * connection of a store opened by store_sqlite.c or store_pg.c.  be is
 * that backend's state.  Same meanings as in store_window.h.
 */
#ifndef RELAY_STORE_WINDOW_BACKEND_H
#define RELAY_STORE_WINDOW_BACKEND_H

#include <libpq-fe.h>
#include <sqlite3.h>

#include "store_window.h"

/* The backend's connection (PostgreSQL: reconnected when it broke
 * outside a transaction). */
sqlite3 *sqlite_store_db(void *be);
PGconn *pg_store_conn(void *be);

int sqlite_window_read_begin(void *be);
void sqlite_window_read_end(void *be);
int64_t sqlite_window_head(void *be);
int sqlite_window_convs(void *be, int64_t since, int64_t after, int limit,
    struct relay_convrows *out);
int sqlite_window_outside(void *be, int64_t since, int64_t *outside,
    int64_t *resolved);
int sqlite_window_events(void *be, const int64_t *ids, size_t n,
    int64_t through, struct relay_evrows *out);
int sqlite_window_conv_events(void *be, const char *conv, const char *type,
    int64_t after, int64_t before, int limit, bool newest,
    struct relay_evrows *out);
int sqlite_window_conv_page(void *be, const char *status, int64_t before,
    int limit, struct relay_convrows *out);

int pg_window_read_begin(void *be);
void pg_window_read_end(void *be);
int64_t pg_window_head(void *be);
int pg_window_convs(void *be, int64_t since, int64_t after, int limit,
    struct relay_convrows *out);
int pg_window_outside(void *be, int64_t since, int64_t *outside,
    int64_t *resolved);
int pg_window_events(void *be, const int64_t *ids, size_t n,
    int64_t through, struct relay_evrows *out);
int pg_window_conv_events(void *be, const char *conv, const char *type,
    int64_t after, int64_t before, int limit, bool newest,
    struct relay_evrows *out);
int pg_window_conv_page(void *be, const char *status, int64_t before,
    int limit, struct relay_convrows *out);

int sqlite_window_scan(void *be, relay_scan_fn *fn, void *ctx);
int pg_window_scan(void *be, relay_scan_fn *fn, void *ctx);

#endif
