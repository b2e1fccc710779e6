/*
 * The two halves behind store.h.  store.c holds struct relay_store (one
 * of the two backends) and forwards each relay_store_* call; the SQLite
 * half is store_sqlite.c (its names come from store_rename_sqlite.h), the
 * PostgreSQL half is store_pg.c.  Same meanings, same ownership as in
 * store.h.
 */
#ifndef RELAY_STORE_BACKEND_H
#define RELAY_STORE_BACKEND_H

#include "store.h"

struct sqlite_store;
struct pg_store;

int sqlite_store_open(const char *path, enum relay_store_mode mode,
    struct sqlite_store **out, char *err, size_t errlen);
void sqlite_store_close(struct sqlite_store *st);
const char *sqlite_store_error(struct sqlite_store *st);

int pg_store_open(const char *uri, enum relay_store_mode mode,
    struct pg_store **out, char *err, size_t errlen);
void pg_store_close(struct pg_store *st);
const char *pg_store_error(struct pg_store *st);
/* Claims last this long (seconds) before another relay may take over. */
void pg_store_set_lease(struct pg_store *st, int seconds);
int pg_store_outbound_abandoned(struct pg_store *st, int64_t now,
    char ***ids, size_t *n);

/* sqlite */
int sqlite_store_search(struct sqlite_store *st, const struct search_query *q,
    int64_t before, int limit, struct relay_search_hit **hits, size_t *n);
int sqlite_store_search_backfill(struct sqlite_store *st, int max,
    int64_t *left);
int sqlite_store_begin(struct sqlite_store *st);
int sqlite_store_commit(struct sqlite_store *st);
void sqlite_store_rollback(struct sqlite_store *st);
int sqlite_store_savepoint(struct sqlite_store *st);
int sqlite_store_release(struct sqlite_store *st);
void sqlite_store_rollback_savepoint(struct sqlite_store *st);
int64_t sqlite_store_last_seq(struct sqlite_store *st);
int sqlite_store_append(struct sqlite_store *st, int64_t seq, json_t *ev);
int sqlite_store_read_after(struct sqlite_store *st, int64_t after, int limit,
    char **buf, size_t *len, int *count, int64_t *last, bool *more);
json_t *sqlite_store_conversation_messages(struct sqlite_store *st,
    const char *conversation, int n);
int sqlite_store_contact_by(struct sqlite_store *st, const char *by,
    const char *value, struct relay_contact *out);
int sqlite_store_contact_by_id(struct sqlite_store *st, int64_t id,
    struct relay_contact *out);
int sqlite_store_contact_put(struct sqlite_store *st, struct relay_contact *c);
int sqlite_store_conversation_create(struct sqlite_store *st, int64_t contact,
    int64_t ts, const json_t *state, char **id);
int sqlite_store_conversation_get(struct sqlite_store *st, const char *id,
    json_t **state, int64_t *contact, int64_t *first_ts, int64_t *last_ts);
int sqlite_store_conversation_put(struct sqlite_store *st, const char *id,
    const json_t *state, int64_t last_ts);
int sqlite_store_conversations_due(struct sqlite_store *st, int64_t now,
    char ***ids, size_t *n);
json_t *sqlite_store_contact_conversations(struct sqlite_store *st,
    int64_t contact);
int sqlite_store_msg_seen(struct sqlite_store *st, const char *wamid,
    const char *fingerprint);
int sqlite_store_msg_by_id(struct sqlite_store *st, const char *id,
    struct relay_msgkey *out);
int sqlite_store_msg_by_wamid(struct sqlite_store *st, const char *wamid,
    struct relay_msgkey *out);
int sqlite_store_msg_put(struct sqlite_store *st, const char *id,
    const char *wamid, const char *fingerprint, const char *conversation,
    int direction, int64_t ts);
int sqlite_store_msg_set_wamid(struct sqlite_store *st, const char *id,
    const char *wamid);
int sqlite_store_status_once(struct sqlite_store *st, const char *message,
    const char *status);
int sqlite_store_status_mask(struct sqlite_store *st, const char *message,
    const char *const *names, int n_names, unsigned *mask);
int sqlite_store_deferred_put(struct sqlite_store *st, const char *wamid,
    const char *conversation, const char *status, int64_t ts,
    const char *extra);
int sqlite_store_deferred_take(struct sqlite_store *st,
    const char *conversation, struct relay_deferred **out, size_t *n);
int sqlite_store_outbound_busy(struct sqlite_store *st,
    const char *conversation);
int sqlite_store_outbound_put(struct sqlite_store *st, const char *id,
    const char *client_id, const char *conversation, const char *body,
    int64_t now);
int sqlite_store_outbound_claim(struct sqlite_store *st, int64_t now,
    struct relay_outbound *out, int max, int *n);
int64_t sqlite_store_outbound_next(struct sqlite_store *st);
int sqlite_store_outbound_set(struct sqlite_store *st, const char *id,
    enum relay_out_state state, int64_t next_try, const char *wamid);
int sqlite_store_outbound_inflight(struct sqlite_store *st, char ***ids,
    size_t *n);
int sqlite_store_idem_get(struct sqlite_store *st, const char *route,
    const char *client_id, int *status, char **response);
int sqlite_store_idem_put(struct sqlite_store *st, const char *route,
    const char *client_id, int status, const char *response);
int sqlite_store_meta_get(struct sqlite_store *st, const char *key,
    char **value);
int sqlite_store_meta_put(struct sqlite_store *st, const char *key,
    const char *value);

/* pg */
int pg_store_search(struct pg_store *st, const struct search_query *q,
    int64_t before, int limit, struct relay_search_hit **hits, size_t *n);
int pg_store_search_backfill(struct pg_store *st, int max, int64_t *left);
int pg_store_begin(struct pg_store *st);
int pg_store_commit(struct pg_store *st);
void pg_store_rollback(struct pg_store *st);
int pg_store_savepoint(struct pg_store *st);
int pg_store_release(struct pg_store *st);
void pg_store_rollback_savepoint(struct pg_store *st);
int64_t pg_store_last_seq(struct pg_store *st);
int pg_store_append(struct pg_store *st, int64_t seq, json_t *ev);
int pg_store_read_after(struct pg_store *st, int64_t after, int limit,
    char **buf, size_t *len, int *count, int64_t *last, bool *more);
json_t *pg_store_conversation_messages(struct pg_store *st,
    const char *conversation, int n);
int pg_store_contact_by(struct pg_store *st, const char *by, const char *value,
    struct relay_contact *out);
int pg_store_contact_by_id(struct pg_store *st, int64_t id,
    struct relay_contact *out);
int pg_store_contact_put(struct pg_store *st, struct relay_contact *c);
int pg_store_conversation_create(struct pg_store *st, int64_t contact,
    int64_t ts, const json_t *state, char **id);
int pg_store_conversation_get(struct pg_store *st, const char *id,
    json_t **state, int64_t *contact, int64_t *first_ts, int64_t *last_ts);
int pg_store_conversation_put(struct pg_store *st, const char *id,
    const json_t *state, int64_t last_ts);
int pg_store_conversations_due(struct pg_store *st, int64_t now, char ***ids,
    size_t *n);
json_t *pg_store_contact_conversations(struct pg_store *st, int64_t contact);
int pg_store_msg_seen(struct pg_store *st, const char *wamid,
    const char *fingerprint);
int pg_store_msg_by_id(struct pg_store *st, const char *id,
    struct relay_msgkey *out);
int pg_store_msg_by_wamid(struct pg_store *st, const char *wamid,
    struct relay_msgkey *out);
int pg_store_msg_put(struct pg_store *st, const char *id, const char *wamid,
    const char *fingerprint, const char *conversation, int direction,
    int64_t ts);
int pg_store_msg_set_wamid(struct pg_store *st, const char *id,
    const char *wamid);
int pg_store_status_once(struct pg_store *st, const char *message,
    const char *status);
int pg_store_status_mask(struct pg_store *st, const char *message,
    const char *const *names, int n_names, unsigned *mask);
int pg_store_deferred_put(struct pg_store *st, const char *wamid,
    const char *conversation, const char *status, int64_t ts,
    const char *extra);
int pg_store_deferred_take(struct pg_store *st, const char *conversation,
    struct relay_deferred **out, size_t *n);
int pg_store_outbound_busy(struct pg_store *st, const char *conversation);
int pg_store_outbound_put(struct pg_store *st, const char *id,
    const char *client_id, const char *conversation, const char *body,
    int64_t now);
int pg_store_outbound_claim(struct pg_store *st, int64_t now,
    struct relay_outbound *out, int max, int *n);
int64_t pg_store_outbound_next(struct pg_store *st);
int pg_store_outbound_set(struct pg_store *st, const char *id,
    enum relay_out_state state, int64_t next_try, const char *wamid);
int pg_store_outbound_inflight(struct pg_store *st, char ***ids, size_t *n);
int pg_store_idem_get(struct pg_store *st, const char *route,
    const char *client_id, int *status, char **response);
int pg_store_idem_put(struct pg_store *st, const char *route,
    const char *client_id, int status, const char *response);
int pg_store_meta_get(struct pg_store *st, const char *key, char **value);
int pg_store_meta_put(struct pg_store *st, const char *key, const char *value);
#endif

