/*
 * Chooses the store backend from the database setting and sends every
 * relay_store_* call through its table (store_backend.h); the plain
 * writes get their parameters here, once for both.  Nothing here knows
 * SQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_backend.h"

struct relay_store {
	const struct relay_store_ops *ops;
	void *be;
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

	*out = NULL;
	if ((st = calloc(1, sizeof *st)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	st->ops = relay_store_is_pg(path) ? &relay_store_pg_ops :
	    &relay_store_sqlite_ops;
	if (st->ops->open(path, mode, &st->be, err, errlen) != 0) {
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
	st->ops->close(st->be);
	free(st);
}

const char *
relay_store_error(struct relay_store *st)
{
	return st->ops->error(st->be);
}

void
relay_store_set_lease(struct relay_store *st, int seconds)
{
	if (st->ops->set_lease != NULL)
		st->ops->set_lease(st->be, seconds);
}

int
relay_store_outbound_abandoned(struct relay_store *st, int64_t now,
    char ***ids, size_t *n)
{
	*ids = NULL;
	*n = 0;
	/* One SQLite relay: what it left is found once, at start. */
	if (st->ops->outbound_abandoned == NULL)
		return 0;
	return st->ops->outbound_abandoned(st->be, now, ids, n);
}

/* A plain write (store_backend.h): 0, or -1. */
static int
store_write(struct relay_store *st, enum store_write w,
    const struct store_args *a)
{
	return st->ops->write(st->be, w, a) < 0 ? -1 : 0;
}

/* A look-up (store_backend.h): what the backend's read returns. */
static int
store_read(struct relay_store *st, enum store_read r,
    const struct store_args *a, store_row_fn each, void *ud)
{
	return st->ops->read(st->be, r, a, each, ud);
}

/* A column as a number, 0 for NULL (the backends' integer columns). */
static int64_t
store_col_int(const char *v)
{
	return v == NULL ? 0 : strtoll(v, NULL, 10);
}

static char *
store_col_dup(const char *v)
{
	return v == NULL ? NULL : strdup(v);
}

/* Stops at the first row: store_read() says whether there is one. */
static int
store_row_any(void *ud, const char *const *col, int n)
{
	(void)ud;
	(void)col;
	(void)n;
	return 1;
}

int
relay_store_begin(struct relay_store *st)
{
	return st->ops->begin(st->be);
}

int
relay_store_commit(struct relay_store *st)
{
	return st->ops->commit(st->be);
}

void
relay_store_rollback(struct relay_store *st)
{
	st->ops->rollback(st->be);
}

int
relay_store_savepoint(struct relay_store *st)
{
	return st->ops->savepoint(st->be);
}

int
relay_store_release(struct relay_store *st)
{
	return st->ops->release(st->be);
}

void
relay_store_rollback_savepoint(struct relay_store *st)
{
	st->ops->rollback_savepoint(st->be);
}

int64_t
relay_store_last_seq(struct relay_store *st)
{
	return st->ops->last_seq(st->be);
}

int
relay_store_append(struct relay_store *st, int64_t seq, json_t *ev)
{
	return st->ops->append(st->be, seq, ev);
}

int
relay_store_read_after(struct relay_store *st, int64_t after, int limit, char
    **buf, size_t *len, int *count, int64_t *last, bool *more)
{
	return st->ops->read_after(st->be, after, limit, buf, len, count, last,
	    more);
}

json_t *
relay_store_conversation_messages(struct relay_store *st, const char
    *conversation, int n)
{
	return st->ops->conversation_messages(st->be, conversation, n);
}

/* Columns: id, wa_id, user_id, username, name, conversation, extra. */
static int
store_contact_row(void *ud, const char *const *col, int n)
{
	struct relay_contact *c = ud;

	(void)n;
	c->id = store_col_int(col[0]);
	c->wa_id = store_col_dup(col[1]);
	c->user_id = store_col_dup(col[2]);
	c->username = store_col_dup(col[3]);
	c->name = store_col_dup(col[4]);
	c->conversation = store_col_dup(col[5]);
	if (col[6] != NULL)
		c->extra = json_loads(col[6], 0, NULL);
	return 1;
}

int
relay_store_contact_by(struct relay_store *st, const char *by, const char
    *value, struct relay_contact *out)
{
	struct store_args a = { .n = 0 };

	memset(out, 0, sizeof *out);
	store_arg_text(&a, value);
	return store_read(st, strcmp(by, "wa_id") == 0 ? STORE_R_CONTACT_BY_WA :
	    STORE_R_CONTACT_BY_USER, &a, store_contact_row, out);
}

int
relay_store_contact_by_id(struct relay_store *st, int64_t id, struct
    relay_contact *out)
{
	struct store_args a = { .n = 0 };

	memset(out, 0, sizeof *out);
	store_arg_int(&a, id);
	return store_read(st, STORE_R_CONTACT_BY_ID, &a, store_contact_row,
	    out);
}

int
relay_store_contact_put(struct relay_store *st, struct relay_contact *c)
{
	return st->ops->contact_put(st->be, c);
}

int
relay_store_contact_alias_put(struct relay_store *st, const char *by,
    const char *value, int64_t contact)
{
	struct store_args a = { .n = 0 };

	store_arg_text(&a, by);
	store_arg_text(&a, value);
	store_arg_int(&a, contact);
	return store_write(st, STORE_W_CONTACT_ALIAS, &a);
}

int
relay_store_conversation_create(struct relay_store *st, int64_t contact, int64_t
    ts, const json_t *state, char **id)
{
	return st->ops->conversation_create(st->be, contact, ts, state, id);
}

/* A row number as a conversation id into *(char **)ud. */
static int
store_conv_id_row(void *ud, const char *const *col, int n)
{
	char **id = ud;

	(void)n;
	*id = store_conv_id(store_col_int(col[0]));
	return *id == NULL ? -1 : 1;
}

int
relay_store_conversation_of(struct relay_store *st, int64_t contact,
    const char *number, char **id)
{
	struct store_args a = { .n = 0 };

	*id = NULL;
	store_arg_int(&a, contact);
	store_arg_text(&a, number);
	return store_read(st, STORE_R_CONV_OF, &a, store_conv_id_row, id);
}

int
relay_store_conversation_get(struct relay_store *st, const char *id, json_t
    **state, int64_t *contact, int64_t *first_ts, int64_t *last_ts)
{
	return st->ops->conversation_get(st->be, id, state, contact, first_ts,
	    last_ts);
}

int
relay_store_conversation_put(struct relay_store *st, const char *id,
    const json_t *state, int64_t last_ts)
{
	struct store_args a = { .n = 0 };
	char *text = store_state_text(state);
	int rc;

	if (text == NULL)
		return -1;
	store_arg_text(&a, text);
	store_arg_int(&a, last_ts);
	store_arg_int(&a, store_wake_at(state));
	store_arg_int(&a, store_conv_rowid(id));
	rc = store_write(st, STORE_W_CONV_PUT, &a);
	free(text);
	return rc;
}

int
relay_store_conversation_times(struct relay_store *st, const char *id,
    int64_t ts)
{
	struct store_args a = { .n = 0 };

	store_arg_int(&a, ts);
	store_arg_int(&a, store_conv_rowid(id));
	return store_write(st, STORE_W_CONV_TIMES, &a) < 0 ? -1 : 0;
}

struct store_ids {
	char **v;
	size_t n;
};

/* Each row number as a conversation id, added to a struct store_ids. */
static int
store_ids_row(void *ud, const char *const *col, int n)
{
	struct store_ids *ids = ud;
	char **nv;

	(void)n;
	if ((nv = realloc(ids->v, (ids->n + 1) * sizeof *nv)) == NULL)
		return -1;
	ids->v = nv;
	return store_conv_id_row(&ids->v[ids->n++], col, n) < 0 ? -1 : 0;
}

int
relay_store_conversations_due(struct relay_store *st, int64_t now, char ***ids,
    size_t *n)
{
	struct store_args a = { .n = 0 };
	struct store_ids got = { NULL, 0 };
	int rc;

	store_arg_int(&a, now);
	rc = store_read(st, STORE_R_CONV_DUE, &a, store_ids_row, &got);
	if (rc < 0) {
		while (got.n > 0)
			free(got.v[--got.n]);
		free(got.v);
		got.v = NULL;
	}
	*ids = got.v;
	*n = got.n;
	return rc < 0 ? -1 : 0;
}

/* Columns: row number, state, first_ts, last_ts, number; into a JSON
 * array of the entries of relay_store_contact_conversations(). */
static int
store_history_row(void *ud, const char *const *col, int n)
{
	(void)n;
	json_array_append_new(ud, store_history_entry(store_col_int(col[0]),
	    col[1], store_col_int(col[2]), store_col_int(col[3]), col[4]));
	return 0;
}

json_t *
relay_store_contact_conversations(struct relay_store *st, int64_t contact)
{
	struct store_args a = { .n = 0 };
	json_t *arr = json_array();

	store_arg_int(&a, contact);
	if (arr == NULL || store_read(st, STORE_R_CONV_OF_CONTACT, &a,
	    store_history_row, arr) < 0) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

int
relay_store_msg_seen(struct relay_store *st, const char *wamid, const char
    *fingerprint)
{
	struct store_args a = { .n = 0 };

	store_arg_text(&a, wamid);
	store_arg_text(&a, fingerprint);
	return store_read(st, STORE_R_MSG_SEEN, &a, store_row_any, NULL);
}

/* Columns: id, wamid, conversation, direction. */
static int
store_msgkey_row(void *ud, const char *const *col, int n)
{
	struct relay_msgkey *k = ud;

	(void)n;
	k->id = store_col_dup(col[0]);
	k->wamid = store_col_dup(col[1]);
	k->conversation = store_col_dup(col[2]);
	k->direction = (int)store_col_int(col[3]);
	return 1;
}

static int
store_msgkey(struct relay_store *st, enum store_read r, const char *key,
    struct relay_msgkey *out)
{
	struct store_args a = { .n = 0 };

	memset(out, 0, sizeof *out);
	store_arg_text(&a, key);
	return store_read(st, r, &a, store_msgkey_row, out);
}

int
relay_store_msg_by_id(struct relay_store *st, const char *id, struct
    relay_msgkey *out)
{
	return store_msgkey(st, STORE_R_MSG_BY_ID, id, out);
}

int
relay_store_msg_by_wamid(struct relay_store *st, const char *wamid, struct
    relay_msgkey *out)
{
	return store_msgkey(st, STORE_R_MSG_BY_WAMID, wamid, out);
}

int
relay_store_msg_put(struct relay_store *st, const char *id, const char *wamid,
    const char *fingerprint, const char *conversation, int direction,
    int64_t ts)
{
	struct store_args a = { .n = 0 };

	store_arg_text(&a, id);
	store_arg_text(&a, wamid);
	store_arg_text(&a, fingerprint);
	store_arg_text(&a, conversation);
	store_arg_int(&a, direction);
	store_arg_int(&a, ts);
	return store_write(st, STORE_W_MSG_PUT, &a);
}

int
relay_store_msg_set_wamid(struct relay_store *st, const char *id,
    const char *wamid)
{
	struct store_args a = { .n = 0 };

	store_arg_text(&a, wamid);
	store_arg_text(&a, id);
	return store_write(st, STORE_W_MSG_SET_WAMID, &a);
}

int
relay_store_status_once(struct relay_store *st, const char *message,
    const char *status)
{
	struct store_args a = { .n = 0 };
	int rc;

	store_arg_text(&a, message);
	store_arg_text(&a, status);
	rc = st->ops->write(st->be, STORE_W_STATUS_ONCE, &a);
	return rc < 0 ? -1 : rc > 0;
}

struct store_mask {
	const char *const *names;
	int n_names;
	unsigned *mask;
};

static int
store_mask_row(void *ud, const char *const *col, int n)
{
	struct store_mask *m = ud;

	(void)n;
	*m->mask |= store_status_bits(col[0], m->names, m->n_names);
	return 0;
}

int
relay_store_status_mask(struct relay_store *st, const char *message, const char
    *const *names, int n_names, unsigned *mask)
{
	struct store_args a = { .n = 0 };
	struct store_mask m = { names, n_names, mask };

	*mask = 0;
	store_arg_text(&a, message);
	return store_read(st, STORE_R_STATUS_LIST, &a, store_mask_row, &m) < 0 ?
	    -1 : 0;
}

int
relay_store_deferred_put(struct relay_store *st, const char *wamid,
    const char *conversation, const char *status, int64_t ts,
    const char *extra)
{
	struct store_args a = { .n = 0 };

	store_arg_text(&a, wamid);
	store_arg_text(&a, conversation);
	store_arg_text(&a, status);
	store_arg_int(&a, ts);
	store_arg_text(&a, extra);
	return store_write(st, STORE_W_DEFERRED_PUT, &a);
}

int
relay_store_deferred_take(struct relay_store *st, const char *conversation,
    struct relay_deferred **out, size_t *n)
{
	return st->ops->deferred_take(st->be, conversation, out, n);
}

int
relay_store_outbound_busy(struct relay_store *st, const char *conversation)
{
	struct store_args a = { .n = 0 };

	store_arg_text(&a, conversation);
	return store_read(st, STORE_R_OUT_BUSY, &a, store_row_any, NULL);
}

int
relay_store_outbound_put(struct relay_store *st, const char *id, const char
    *client_id, const char *conversation, const char *body, int64_t now)
{
	return st->ops->outbound_put(st->be, id, client_id, conversation, body,
	    now);
}

int
relay_store_outbound_claim(struct relay_store *st, int64_t now, struct
    relay_outbound *out, int max, int *n)
{
	return st->ops->outbound_claim(st->be, now, out, max, n);
}

int64_t
relay_store_outbound_next(struct relay_store *st)
{
	return st->ops->outbound_next(st->be);
}

int
relay_store_outbound_set(struct relay_store *st, const char *id, enum
    relay_out_state state, int64_t next_try, const char *wamid)
{
	return st->ops->outbound_set(st->be, id, state, next_try, wamid);
}

int
relay_store_outbound_inflight(struct relay_store *st, char ***ids, size_t *n)
{
	return st->ops->outbound_inflight(st->be, ids, n);
}

struct store_idem {
	int *status;
	char **response;
};

/* Columns: status, response. */
static int
store_idem_row(void *ud, const char *const *col, int n)
{
	struct store_idem *i = ud;

	(void)n;
	*i->status = (int)store_col_int(col[0]);
	*i->response = store_col_dup(col[1]);
	return 1;
}

int
relay_store_idem_get(struct relay_store *st, const char *route, const char
    *client_id, int *status, char **response)
{
	struct store_args a = { .n = 0 };
	struct store_idem i = { status, response };

	*response = NULL;
	store_arg_text(&a, route);
	store_arg_text(&a, client_id);
	return store_read(st, STORE_R_IDEM_GET, &a, store_idem_row, &i);
}

int
relay_store_idem_put(struct relay_store *st, const char *route,
    const char *client_id, int status, const char *response)
{
	struct store_args a = { .n = 0 };

	store_arg_text(&a, route);
	store_arg_text(&a, client_id);
	store_arg_int(&a, status);
	store_arg_text(&a, response);
	return store_write(st, STORE_W_IDEM_PUT, &a);
}

/* Column: the value, into *(char **)ud. */
static int
store_text_row(void *ud, const char *const *col, int n)
{
	(void)n;
	*(char **)ud = store_col_dup(col[0]);
	return 1;
}

int
relay_store_meta_get(struct relay_store *st, const char *key, char **value)
{
	struct store_args a = { .n = 0 };

	*value = NULL;
	store_arg_text(&a, key);
	return store_read(st, STORE_R_META_GET, &a, store_text_row, value);
}

int
relay_store_meta_put(struct relay_store *st, const char *key, const char *value)
{
	struct store_args a = { .n = 0 };

	store_arg_text(&a, key);
	store_arg_text(&a, value);
	return store_write(st, STORE_W_META_PUT, &a);
}

int
relay_store_read_begin(struct relay_store *st)
{
	return st->ops->window->read_begin(st->be);
}

void
relay_store_read_end(struct relay_store *st)
{
	st->ops->window->read_end(st->be);
}

int64_t
relay_store_head(struct relay_store *st)
{
	return st->ops->window->head(st->be);
}

int
relay_store_window_convs(struct relay_store *st, int64_t since,
    int64_t after, int limit, struct relay_convrows *out)
{
	return st->ops->window->convs(st->be, since, after, limit, out);
}

int
relay_store_window_outside(struct relay_store *st, int64_t since,
    int64_t *outside, int64_t *resolved)
{
	return st->ops->window->outside(st->be, since, outside, resolved);
}

int
relay_store_window_events(struct relay_store *st, const int64_t *ids,
    size_t n, int64_t through, struct relay_evrows *out)
{
	return st->ops->window->events(st->be, ids, n, through, out);
}

int
relay_store_conv_events(struct relay_store *st, const char *conv,
    const char *type, int64_t after, int64_t before, int limit, bool newest,
    struct relay_evrows *out)
{
	return st->ops->window->conv_events(st->be, conv, type, after, before,
	    limit, newest, out);
}

int
relay_store_conv_page(struct relay_store *st, const char *status,
    int64_t before, int limit, struct relay_convrows *out)
{
	return st->ops->window->conv_page(st->be, status, before, limit, out);
}

int
relay_store_search(struct relay_store *st, const struct search_query *q,
    int64_t before, int limit, struct relay_search_hit **hits, size_t *n)
{
	return st->ops->search(st->be, q, before, limit, hits, n);
}

int
relay_store_search_backfill(struct relay_store *st, int max, int64_t *left)
{
	return st->ops->search_backfill(st->be, max, left);
}

int
relay_store_scan_events(struct relay_store *st, relay_scan_fn *fn, void *ctx)
{
	return st->ops->window->scan(st->be, fn, ctx);
}
