/*
 * Reads behind the windowed API (window.c): the working set of
 * conversations, a conversation's events by type and seq range, and the
 * conversation list by last message.  Both backends implement them
 * (store_sqlite_window.c, store_pg_window.c) from indexed tables:
 * conversations by status and by msg_ts (the ts of the newest message
 * event, kept by the schema itself), events by (conversation, type, seq).
 *
 * Ownership: rows and their strings are malloc'd and belong to the caller
 * (relay_evrows_free, relay_convrows_free).
 */
#ifndef RELAY_STORE_WINDOW_H
#define RELAY_STORE_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* One stored event: its conversation's row number, seq, ts, type and the
 * JSON text /v1/sync gives. */
struct relay_evrow {
	int64_t conv;
	int64_t seq;
	int64_t ts;
	char *type;
	char *json;
	size_t len;
};

struct relay_evrows {
	struct relay_evrow *v;
	size_t n, cap;
};

/* One conversation row; last_ts is the ts of its newest message event
 * (0 when it has none). */
struct relay_convrow {
	int64_t id;
	int64_t contact;
	char *state;
	int64_t first_ts;
	int64_t last_ts;
};

struct relay_convrows {
	struct relay_convrow *v;
	size_t n, cap;
};

void relay_evrows_free(struct relay_evrows *r);
void relay_convrows_free(struct relay_convrows *r);
/* Appends a row (copies type and json).  0, or -1 when out of memory. */
int relay_evrows_add(struct relay_evrows *r, int64_t conv, int64_t seq,
    int64_t ts, const char *type, const char *json, size_t len);
int relay_convrows_add(struct relay_convrows *r, int64_t id, int64_t contact,
    const char *state, int64_t first_ts, int64_t last_ts);

/* A read transaction: every read until relay_store_read_end() sees the
 * same committed state. */
int relay_store_read_begin(struct relay_store *st);
void relay_store_read_end(struct relay_store *st);
/* The highest seq of the log (inside a read transaction: as of its
 * start), or -1 on error. */
int64_t relay_store_head(struct relay_store *st);

/* Conversations of the working set for since (status open, pending,
 * escalated or snoozed, or a message at or after since) with a row number
 * above after, in row order, at most limit. */
int relay_store_window_convs(struct relay_store *st, int64_t since,
    int64_t after, int limit, struct relay_convrows *out);
/* How many conversations are outside that working set, and how many of
 * those are resolved. */
int relay_store_window_outside(struct relay_store *st, int64_t since,
    int64_t *outside, int64_t *resolved);
/* The contact, conversation, message and status events with seq <=
 * through of the conversations ids[0..n), grouped by conversation in the
 * order of ids, by seq within one. */
int relay_store_window_events(struct relay_store *st, const int64_t *ids,
    size_t n, int64_t through, struct relay_evrows *out);
/* Events of one type of one conversation with after < seq < before, by
 * seq (newest first when newest is set), at most limit (0: all). */
int relay_store_conv_events(struct relay_store *st, const char *conv,
    const char *type, int64_t after, int64_t before, int limit, bool newest,
    struct relay_evrows *out);
/* Conversations whose last message is older than before, newest first
 * (ties: higher row number first), of one status or (NULL) any, at most
 * limit. */
int relay_store_conv_page(struct relay_store *st, const char *status,
    int64_t before, int limit, struct relay_convrows *out);

/* Every message and conversation event, by seq, to fn: its ts, type,
 * conversation and JSON text (valid during the call).  fn returns 0 to
 * go on.  Inside a read transaction: one snapshot.  0, or -1 (a store
 * error, or fn's non-zero). */
typedef int relay_scan_fn(void *ctx, int64_t ts, const char *type,
    const char *conv, const char *json, size_t len);
int relay_store_scan_events(struct relay_store *st, relay_scan_fn *fn,
    void *ctx);

#endif
