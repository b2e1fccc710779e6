/*
 * The SQLite event log (store_sqlite_log.c): table event_log with a
 * compact body, seen through the view events(seq, ts, type, conversation,
 * json) that gives every event's JSON back as it was appended.
 */
#ifndef RELAY_STORE_SQLITE_LOG_H
#define RELAY_STORE_SQLITE_LOG_H

#include <stdbool.h>
#include <stdint.h>

#include <sqlite3.h>

/* Inside the schema transaction: creates the log in a new database, or
 * rewrites a schema-1 events table into it (*rewrote: the caller may
 * VACUUM to give the freed pages back).  Nothing when it is there. */
int sqlite_log_ensure(sqlite3 *db, bool *rewrote, char **msg);
/* 1 when the database still has schema 1's events table, 0 when not,
 * -1 on error. */
int sqlite_log_is_v1(sqlite3 *db);

/* An event_log body as a JSON object of the event without its head
 * (seq, ts, type and conversation, which are columns), into b (emptied
 * first): what the view gives, minus the head, in one pass.  0, or -1. */
struct buf;
int sqlite_log_decode(const char *body, size_t len, struct buf *b);
/* The whole event JSON, byte for byte what the view events gives for the
 * row (seq, ts, type, conversation, body), into b (emptied first): the
 * view's decoding in SQL costs twenty times more.  0, or -1. */
int sqlite_log_json(int64_t seq, int64_t ts, const char *type,
    const char *conversation, const char *body, size_t len, struct buf *b);

/* The JSON of the event in the current row of s, whose columns are seq,
 * ts, type, conversation and then event_log's body (v1 false) or a
 * schema-1 events table's json (v1 true): a pointer into s or into b,
 * *len its length; NULL when out of memory or the body is damaged. */
const char *sqlite_log_row_json(sqlite3_stmt *s, bool v1, struct buf *b,
    size_t *len);

#endif
