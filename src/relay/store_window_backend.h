/*
 * The two halves behind store_window.h: store_sqlite_window.c and
 * store_pg_window.c, on the connection of a store opened by
 * store_sqlite.c or store_pg.c.  Same meanings as in store_window.h.
 */
#ifndef RELAY_STORE_WINDOW_BACKEND_H
#define RELAY_STORE_WINDOW_BACKEND_H

#include "store_backend.h"
#include "store_conn.h"
#include "store_window.h"

int sqlite_window_read_begin(struct sqlite_store *st);
void sqlite_window_read_end(struct sqlite_store *st);
int64_t sqlite_window_head(struct sqlite_store *st);
int sqlite_window_convs(struct sqlite_store *st, int64_t since, int64_t after,
    int limit, struct relay_convrows *out);
int sqlite_window_outside(struct sqlite_store *st, int64_t since,
    int64_t *outside, int64_t *resolved);
int sqlite_window_events(struct sqlite_store *st, const int64_t *ids,
    size_t n, int64_t through, struct relay_evrows *out);
int sqlite_window_conv_events(struct sqlite_store *st, const char *conv,
    const char *type, int64_t after, int64_t before, int limit, bool newest,
    struct relay_evrows *out);
int sqlite_window_conv_page(struct sqlite_store *st, const char *status,
    int64_t before, int limit, struct relay_convrows *out);

int pg_window_read_begin(struct pg_store *st);
void pg_window_read_end(struct pg_store *st);
int64_t pg_window_head(struct pg_store *st);
int pg_window_convs(struct pg_store *st, int64_t since, int64_t after,
    int limit, struct relay_convrows *out);
int pg_window_outside(struct pg_store *st, int64_t since, int64_t *outside,
    int64_t *resolved);
int pg_window_events(struct pg_store *st, const int64_t *ids, size_t n,
    int64_t through, struct relay_evrows *out);
int pg_window_conv_events(struct pg_store *st, const char *conv,
    const char *type, int64_t after, int64_t before, int limit, bool newest,
    struct relay_evrows *out);
int pg_window_conv_page(struct pg_store *st, const char *status,
    int64_t before, int limit, struct relay_convrows *out);

#endif
