/*
 * Chooses the store backend from the database setting and forwards every
 * relay_store_* call to it.  Nothing here knows SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_backend.h"

struct relay_store {
	struct sqlite_store *sq;
	struct pg_store *pg;
};

bool
relay_store_is_pg(const char *database)
{
	return strncmp(database, "postgresql://", 13) == 0 ||
	    strncmp(database, "postgres://", 11) == 0;
}

int
relay_store_open(const char *path, enum relay_store_mode mode,
    struct relay_store **out, char *err, size_t errlen)
{
	struct relay_store *st;
	int rc;

	*out = NULL;
	if ((st = calloc(1, sizeof *st)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (relay_store_is_pg(path))
		rc = pg_store_open(path, mode, &st->pg, err, errlen);
	else
		rc = sqlite_store_open(path, mode, &st->sq, err, errlen);
	if (rc != 0) {
		free(st);
		return -1;
	}
	*out = st;
	return 0;
}

void
relay_store_close(struct relay_store *st)
{
	if (st == NULL)
		return;
	if (st->pg != NULL)
		pg_store_close(st->pg);
	else
		sqlite_store_close(st->sq);
	free(st);
}

const char *
relay_store_error(struct relay_store *st)
{
	return st->pg != NULL ? pg_store_error(st->pg) :
	    sqlite_store_error(st->sq);
}

void
relay_store_set_lease(struct relay_store *st, int seconds)
{
	if (st->pg != NULL)
		pg_store_set_lease(st->pg, seconds);
}

int
relay_store_outbound_abandoned(struct relay_store *st, int64_t now,
    char ***ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	/* One SQLite relay: what it left is found once, at start. */
	return st->pg != NULL ? pg_store_outbound_abandoned(st->pg, now, ids,
	    n) : 0;
}

int
relay_store_begin(struct relay_store *st)
{
	return st->pg != NULL ? pg_store_begin(st->pg) :
	    sqlite_store_begin(st->sq);
}

int
relay_store_commit(struct relay_store *st)
{
	return st->pg != NULL ? pg_store_commit(st->pg) :
	    sqlite_store_commit(st->sq);
}

void
relay_store_rollback(struct relay_store *st)
{
	if (st->pg != NULL)
		pg_store_rollback(st->pg);
	else
		sqlite_store_rollback(st->sq);
}

int
relay_store_savepoint(struct relay_store *st)
{
	return st->pg != NULL ? pg_store_savepoint(st->pg) :
	    sqlite_store_savepoint(st->sq);
}

int
relay_store_release(struct relay_store *st)
{
	return st->pg != NULL ? pg_store_release(st->pg) :
	    sqlite_store_release(st->sq);
}

void
relay_store_rollback_savepoint(struct relay_store *st)
{
	if (st->pg != NULL)
		pg_store_rollback_savepoint(st->pg);
	else
		sqlite_store_rollback_savepoint(st->sq);
}

int64_t
relay_store_last_seq(struct relay_store *st)
{
	return st->pg != NULL ? pg_store_last_seq(st->pg) :
	    sqlite_store_last_seq(st->sq);
}

int
relay_store_append(struct relay_store *st, int64_t seq, json_t *ev)
{
	return st->pg != NULL ? pg_store_append(st->pg, seq, ev) :
	    sqlite_store_append(st->sq, seq, ev);
}

int
relay_store_read_after(struct relay_store *st, int64_t after, int limit,
    char **buf, size_t *len, int *count, int64_t *last, bool *more)
{
	return st->pg != NULL ? pg_store_read_after(st->pg, after, limit, buf,
	    len, count, last, more) :
	    sqlite_store_read_after(st->sq, after, limit, buf, len, count, last,
	    more);
}

json_t *
relay_store_conversation_messages(struct relay_store *st,
    const char *conversation, int n)
{
	return st->pg != NULL ? pg_store_conversation_messages(st->pg,
	    conversation, n) :
	    sqlite_store_conversation_messages(st->sq, conversation, n);
}

int
relay_store_contact_by(struct relay_store *st, const char *by,
    const char *value, struct relay_contact *out)
{
	return st->pg != NULL ? pg_store_contact_by(st->pg, by, value, out) :
	    sqlite_store_contact_by(st->sq, by, value, out);
}

int
relay_store_contact_by_id(struct relay_store *st, int64_t id,
    struct relay_contact *out)
{
	return st->pg != NULL ? pg_store_contact_by_id(st->pg, id, out) :
	    sqlite_store_contact_by_id(st->sq, id, out);
}

int
relay_store_contact_put(struct relay_store *st, struct relay_contact *c)
{
	return st->pg != NULL ? pg_store_contact_put(st->pg, c) :
	    sqlite_store_contact_put(st->sq, c);
}

int
relay_store_conversation_create(struct relay_store *st, int64_t contact,
    int64_t ts, const json_t *state, char **id)
{
	return st->pg != NULL ? pg_store_conversation_create(st->pg, contact,
	    ts, state, id) :
	    sqlite_store_conversation_create(st->sq, contact, ts, state, id);
}

int
relay_store_conversation_get(struct relay_store *st, const char *id,
    json_t **state, int64_t *contact, int64_t *first_ts, int64_t *last_ts)
{
	return st->pg != NULL ? pg_store_conversation_get(st->pg, id, state,
	    contact, first_ts, last_ts) :
	    sqlite_store_conversation_get(st->sq, id, state, contact, first_ts,
	    last_ts);
}

int
relay_store_conversation_put(struct relay_store *st, const char *id,
    const json_t *state, int64_t last_ts)
{
	return st->pg != NULL ? pg_store_conversation_put(st->pg, id, state,
	    last_ts) :
	    sqlite_store_conversation_put(st->sq, id, state, last_ts);
}

int
relay_store_conversations_due(struct relay_store *st, int64_t now, char ***ids,
    size_t *n)
{
	return st->pg != NULL ? pg_store_conversations_due(st->pg, now, ids,
	    n) :
	    sqlite_store_conversations_due(st->sq, now, ids, n);
}

json_t *
relay_store_contact_conversations(struct relay_store *st, int64_t contact)
{
	return st->pg != NULL ? pg_store_contact_conversations(st->pg,
	    contact) :
	    sqlite_store_contact_conversations(st->sq, contact);
}

int
relay_store_msg_seen(struct relay_store *st, const char *wamid,
    const char *fingerprint)
{
	return st->pg != NULL ? pg_store_msg_seen(st->pg, wamid, fingerprint) :
	    sqlite_store_msg_seen(st->sq, wamid, fingerprint);
}

int
relay_store_msg_by_id(struct relay_store *st, const char *id,
    struct relay_msgkey *out)
{
	return st->pg != NULL ? pg_store_msg_by_id(st->pg, id, out) :
	    sqlite_store_msg_by_id(st->sq, id, out);
}

int
relay_store_msg_by_wamid(struct relay_store *st, const char *wamid,
    struct relay_msgkey *out)
{
	return st->pg != NULL ? pg_store_msg_by_wamid(st->pg, wamid, out) :
	    sqlite_store_msg_by_wamid(st->sq, wamid, out);
}

int
relay_store_msg_put(struct relay_store *st, const char *id, const char *wamid,
    const char *fingerprint, const char *conversation, int direction,
    int64_t ts)
{
	return st->pg != NULL ? pg_store_msg_put(st->pg, id, wamid, fingerprint,
	    conversation, direction, ts) :
	    sqlite_store_msg_put(st->sq, id, wamid, fingerprint, conversation,
	    direction, ts);
}

int
relay_store_msg_set_wamid(struct relay_store *st, const char *id,
    const char *wamid)
{
	return st->pg != NULL ? pg_store_msg_set_wamid(st->pg, id, wamid) :
	    sqlite_store_msg_set_wamid(st->sq, id, wamid);
}

int
relay_store_status_once(struct relay_store *st, const char *message,
    const char *status)
{
	return st->pg != NULL ? pg_store_status_once(st->pg, message, status) :
	    sqlite_store_status_once(st->sq, message, status);
}

int
relay_store_status_mask(struct relay_store *st, const char *message,
    const char *const *names, int n_names, unsigned *mask)
{
	return st->pg != NULL ? pg_store_status_mask(st->pg, message, names,
	    n_names, mask) :
	    sqlite_store_status_mask(st->sq, message, names, n_names, mask);
}

int
relay_store_deferred_put(struct relay_store *st, const char *wamid,
    const char *conversation, const char *status, int64_t ts,
    const char *extra)
{
	return st->pg != NULL ? pg_store_deferred_put(st->pg, wamid,
	    conversation, status, ts, extra) :
	    sqlite_store_deferred_put(st->sq, wamid, conversation, status, ts,
	    extra);
}

int
relay_store_deferred_take(struct relay_store *st, const char *conversation,
    struct relay_deferred **out, size_t *n)
{
	return st->pg != NULL ? pg_store_deferred_take(st->pg, conversation,
	    out, n) :
	    sqlite_store_deferred_take(st->sq, conversation, out, n);
}

int
relay_store_outbound_busy(struct relay_store *st, const char *conversation)
{
	return st->pg != NULL ? pg_store_outbound_busy(st->pg, conversation) :
	    sqlite_store_outbound_busy(st->sq, conversation);
}

int
relay_store_outbound_put(struct relay_store *st, const char *id,
    const char *client_id, const char *conversation, const char *body,
    int64_t now)
{
	return st->pg != NULL ? pg_store_outbound_put(st->pg, id, client_id,
	    conversation, body, now) :
	    sqlite_store_outbound_put(st->sq, id, client_id, conversation, body,
	    now);
}

int
relay_store_outbound_claim(struct relay_store *st, int64_t now,
    struct relay_outbound *out, int max, int *n)
{
	return st->pg != NULL ? pg_store_outbound_claim(st->pg, now, out, max,
	    n) :
	    sqlite_store_outbound_claim(st->sq, now, out, max, n);
}

int64_t
relay_store_outbound_next(struct relay_store *st)
{
	return st->pg != NULL ? pg_store_outbound_next(st->pg) :
	    sqlite_store_outbound_next(st->sq);
}

int
relay_store_outbound_set(struct relay_store *st, const char *id,
    enum relay_out_state state, int64_t next_try, const char *wamid)
{
	return st->pg != NULL ? pg_store_outbound_set(st->pg, id, state,
	    next_try, wamid) :
	    sqlite_store_outbound_set(st->sq, id, state, next_try, wamid);
}

int
relay_store_outbound_inflight(struct relay_store *st, char ***ids, size_t *n)
{
	return st->pg != NULL ? pg_store_outbound_inflight(st->pg, ids, n) :
	    sqlite_store_outbound_inflight(st->sq, ids, n);
}

int
relay_store_idem_get(struct relay_store *st, const char *route,
    const char *client_id, int *status, char **response)
{
	return st->pg != NULL ? pg_store_idem_get(st->pg, route, client_id,
	    status, response) :
	    sqlite_store_idem_get(st->sq, route, client_id, status, response);
}

int
relay_store_idem_put(struct relay_store *st, const char *route,
    const char *client_id, int status, const char *response)
{
	return st->pg != NULL ? pg_store_idem_put(st->pg, route, client_id,
	    status, response) :
	    sqlite_store_idem_put(st->sq, route, client_id, status, response);
}

int
relay_store_meta_get(struct relay_store *st, const char *key, char **value)
{
	return st->pg != NULL ? pg_store_meta_get(st->pg, key, value) :
	    sqlite_store_meta_get(st->sq, key, value);
}

int
relay_store_meta_put(struct relay_store *st, const char *key, const char *value)
{
	return st->pg != NULL ? pg_store_meta_put(st->pg, key, value) :
	    sqlite_store_meta_put(st->sq, key, value);
}

int
relay_store_search(struct relay_store *st, const struct search_query *q,
    int64_t before, int limit, struct relay_search_hit **hits, size_t *n)
{
	return st->pg != NULL ? pg_store_search(st->pg, q, before, limit, hits,
	    n) : sqlite_store_search(st->sq, q, before, limit, hits, n);
}

int
relay_store_search_backfill(struct relay_store *st, int max, int64_t *left)
{
	return st->pg != NULL ? pg_store_search_backfill(st->pg, max, left) :
	    sqlite_store_search_backfill(st->sq, max, left);
}
