/*
 * The search index of the PostgreSQL store (search.h): search_docs(seq,
 * doc tsvector) with a GIN index, the 'simple' configuration so that
 * names and numbers match as typed.  Only the tsvector is kept; snippets
 * are made from the event.  store_pg.c calls these on its connection.
 */
#ifndef RELAY_STORE_PG_SEARCH_H
#define RELAY_STORE_PG_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "store.h"

/* Indexes the event ev stored under seq (nothing when it has no text). */
int pg_search_add(PGconn *c, int64_t seq, const json_t *ev, char *err,
    size_t errlen);
int pg_search_find(PGconn *c, const struct search_query *q, int64_t before,
    int limit, struct relay_search_hit **hits, size_t *n, char *err,
    size_t errlen);
int pg_search_backfill(PGconn *c, int max, int64_t *left, char *err,
    size_t errlen);

#endif
