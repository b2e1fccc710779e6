/*
 * What both store backends (store_sqlite.c, store_pg.c) do the same way,
 * apart from SQL: kept here once so the two cannot drift.
 */
#ifndef RELAY_STORE_COMMON_H
#define RELAY_STORE_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ttydesk/buf.h"

#include "store.h"

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

/* One entry of a contact's history, {"id", "state", "first_ts",
 * "last_ts"}, from a stored state text; keys starting with '_' (the
 * relay's own bookkeeping) never reach clients. */
json_t *store_history_entry(int64_t rowid, const char *state_text,
    int64_t first_ts, int64_t last_ts, const char *number);

/* The number a conversation row belongs to, from its state ("main"
 * when it names none: rows from before numbers existed). */
const char *store_state_number(const json_t *state);

/* The parameters of one statement, in order, for either backend: text
 * (NULL for SQL NULL) or a number.  At most STORE_ARGS_MAX. */
#define STORE_ARGS_MAX 8
struct store_args {
	const char *text[STORE_ARGS_MAX];
	int64_t num[STORE_ARGS_MAX];
	bool is_num[STORE_ARGS_MAX];
	int n;
};
void store_arg_text(struct store_args *a, const char *s);
void store_arg_int(struct store_args *a, int64_t v);

/* relay_store_status_mask()'s bits for one stored status v: 1u << i
 * for each names[i] equal to it. */
unsigned store_status_bits(const char *v, const char *const *names, int n);

/* The parameters of the statements both backends run with the same
 * values in the same order (their SQL differs): one place that says
 * which value goes where.  Those returning a string return the malloc'd
 * JSON text the parameters point into (NULL when out of memory; for
 * contact_args, also when there is no extra), freed by the caller once
 * the statement ran.  store_append_args() sets "seq" in ev too. */
char *store_append_args(struct store_args *a, int64_t seq, json_t *ev);
char *store_contact_args(struct store_args *a, const struct relay_contact *c);
/* A new conversation row: contact, state text, first/last ts, number. */
char *store_conv_create_args(struct store_args *a, int64_t contact,
    int64_t ts, const json_t *state);
void store_outbound_put_args(struct store_args *a, const char *id,
    const char *client_id, const char *conversation, const char *body,
    int64_t now);
/* a sets the state, b the wamid. */
void store_outbound_set_args(struct store_args *a, struct store_args *b,
    const char *id, enum relay_out_state state, int64_t next_try,
    const char *wamid);

/* A conversation's state as stored: compact JSON in key order. */
char *store_state_text(const json_t *state);

/* A conversation row as a backend read it, handed to the out-parameters
 * of relay_store_conversation_get() (any may be NULL): 1, or -1 with err
 * set when the stored state is not JSON. */
struct store_conv_row {
	const char *state;
	int64_t contact, first_ts, last_ts;
	const char *number; /* the row's number column */
};
int store_conv_row_out(const struct store_conv_row *row, const char *id,
    json_t **state, int64_t *contact, int64_t *first_ts, int64_t *last_ts,
    char *err, size_t errlen);

/* Appends a stored event's JSON text to arr (skipped when unreadable). */
void store_json_append(json_t *arr, const char *text);

/* relay_store_read_after()'s page: store_page_start() sets the
 * out-parameters for an empty page; store_page_add() adds the event of
 * each row read (limit + 1 asked for): 0, 1 when the page was full
 * already (*more set, this row left), -1 when out of memory. */
struct store_page {
	char **buf;
	size_t *len;
	struct buf out; /* grows *buf; written back after each add */
	int *count, limit;
	int64_t *last;
	bool *more;
};
void store_page_start(struct store_page *p, int64_t after, int limit,
    char **buf, size_t *len, int *count, int64_t *last, bool *more);
int store_page_add(struct store_page *p, int64_t seq, const char *json,
    size_t n);

#endif
