/*
 * What both store backends (store_sqlite.c, store_pg.c) do the same way,
 * apart from SQL: kept here once so the two cannot drift.
 */
#ifndef RELAY_STORE_COMMON_H
#define RELAY_STORE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Conversation ids are "c" + the row number, the same in every backend
 * so they survive export/import.  store_conv_id() returns it malloc'd
 * (NULL when out of memory); store_conv_rowid() gives -1 for anything
 * that is not such an id. */
char *store_conv_id(int64_t rowid);
int64_t store_conv_rowid(const char *id);

/* When the relay must look at a conversation again by itself: a snooze
 * that ends, an SLA due time not yet breached.  0 for never. */
int64_t store_wake_at(const json_t *state);

/* The schema version kept in the meta table: a decimal number, else -1
 * (a database this relay must not touch). */
int store_schema_parse(const char *s);

/* Appends n bytes of s to the malloc'd *buf (grown by doubling, kept
 * NUL-terminated).  0, or -1 when out of memory (*buf unchanged). */
int relay_buf_add(char **buf, size_t *len, size_t *cap, const char *s,
    size_t n);

/* One entry of a contact's history, {"id", "state", "first_ts",
 * "last_ts"}, from a stored state text; keys starting with '_' (the
 * relay's own bookkeeping) never reach clients. */
json_t *store_history_entry(int64_t rowid, const char *state_text,
    int64_t first_ts, int64_t last_ts);

#endif
