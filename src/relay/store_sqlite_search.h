/*
 * The search index of the SQLite store (search.h): a contentless FTS5
 * table, search(doc), whose rowid is the event's seq.  Contentless: the
 * text lives once, in the event; snippets are made from the event.
 * store_sqlite.c owns one struct sqlite_search per connection.
 */
#ifndef RELAY_STORE_SQLITE_SEARCH_H
#define RELAY_STORE_SQLITE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <sqlite3.h>

#include "store.h"

enum { SS_ADD, SS_FIND, SS_OLDER, SS_COUNT };

struct sqlite_search {
	sqlite3 *db;
	sqlite3_stmt *q[SS_COUNT];
	char *err; /* the store's error buffer */
	size_t errlen;
};

/* Inside the schema transaction: creates the index when missing, and
 * marks the events already in the log as still to index. */
int sqlite_search_schema(sqlite3 *db, char **msg);
void sqlite_search_close(struct sqlite_search *s);
/* Indexes the event ev stored under seq (nothing when it has no text). */
int sqlite_search_add(struct sqlite_search *s, int64_t seq, const json_t *ev);
int sqlite_search_find(struct sqlite_search *s, const struct search_query *q,
    int64_t before, int limit, struct relay_search_hit **hits, size_t *n);
int sqlite_search_backfill(struct sqlite_search *s, int max, int64_t *left);

#endif
