/*
 * What a store backend provides: one table of functions, one for each
 * relay_store_* call of store.h with the same meanings and ownership,
 * but for the plain writes, which store.c makes of one write function.
 * store.c picks the table (relay_store_sqlite_ops in store_sqlite.c,
 * relay_store_pg_ops in store_pg.c) and hands every call the backend's
 * own state, be, made by open.
 */
#ifndef RELAY_STORE_BACKEND_H
#define RELAY_STORE_BACKEND_H

#include "store.h"
#include "store_common.h"
#include "store_window.h"

/* The writes both backends run the same way, one statement each: store.c
 * gives the parameters, in the order its comment names, and
 * relay_store_ops.write runs the backend's statement. */
enum store_write {
	STORE_W_CONV_PUT,      /* state, last_ts, wake_at, row number */
	STORE_W_MSG_PUT,       /* id, wamid, fingerprint, conversation,
	                        * direction, ts */
	STORE_W_MSG_SET_WAMID, /* wamid, id */
	STORE_W_STATUS_ONCE,   /* message, status; ignored when there */
	STORE_W_DEFERRED_PUT,  /* wamid, conversation, status, ts, extra;
	                        * ignored when there */
	STORE_W_IDEM_PUT,      /* route, client_id, status, response;
	                        * ignored when there */
	STORE_W_META_PUT,      /* key, value; replaces */
	STORE_W_COUNT
};

struct relay_store_ops {
	int (*open)(const char *path, enum relay_store_mode mode, void **be,
	    char *err, size_t errlen);
	void (*close)(void *be);
	const char *(*error)(void *be);
	/* Both NULL where sends have no lease (SQLite: one relay). */
	void (*set_lease)(void *be, int seconds);
	int (*outbound_abandoned)(void *be, int64_t now, char ***ids,
	    size_t *n);

	/* Runs one of enum store_write: the number of rows it changed, or
	 * -1 (and the error). */
	int (*write)(void *be, enum store_write w, const struct store_args *a);

	int (*begin)(void *be);
	int (*commit)(void *be);
	void (*rollback)(void *be);
	int (*savepoint)(void *be);
	int (*release)(void *be);
	void (*rollback_savepoint)(void *be);

	int64_t (*last_seq)(void *be);
	int (*append)(void *be, int64_t seq, json_t *ev);
	int (*read_after)(void *be, int64_t after, int limit, char **buf,
	    size_t *len, int *count, int64_t *last, bool *more);
	json_t *(*conversation_messages)(void *be, const char *conversation,
	    int n);

	int (*contact_by)(void *be, const char *by, const char *value,
	    struct relay_contact *out);
	int (*contact_by_id)(void *be, int64_t id, struct relay_contact *out);
	int (*contact_put)(void *be, struct relay_contact *c);
	int (*contact_alias_put)(void *be, const char *by, const char *value,
	    int64_t contact);

	int (*conversation_create)(void *be, int64_t contact, int64_t ts,
	    const json_t *state, char **id);
	int (*conversation_get)(void *be, const char *id, json_t **state,
	    int64_t *contact, int64_t *first_ts, int64_t *last_ts);
	int (*conversation_of)(void *be, int64_t contact, const char *number,
	    char **id);
	int (*conversations_due)(void *be, int64_t now, char ***ids,
	    size_t *n);
	json_t *(*contact_conversations)(void *be, int64_t contact);

	int (*msg_seen)(void *be, const char *wamid, const char *fingerprint);
	int (*msg_by_id)(void *be, const char *id, struct relay_msgkey *out);
	int (*msg_by_wamid)(void *be, const char *wamid,
	    struct relay_msgkey *out);
	int (*status_mask)(void *be, const char *message,
	    const char *const *names, int n_names, unsigned *mask);

	int (*deferred_take)(void *be, const char *conversation,
	    struct relay_deferred **out, size_t *n);

	int (*outbound_busy)(void *be, const char *conversation);
	int (*outbound_put)(void *be, const char *id, const char *client_id,
	    const char *conversation, const char *body, int64_t now);
	int (*outbound_claim)(void *be, int64_t now, struct relay_outbound *out,
	    int max, int *n);
	int64_t (*outbound_next)(void *be);
	int (*outbound_set)(void *be, const char *id,
	    enum relay_out_state state, int64_t next_try, const char *wamid);
	int (*outbound_inflight)(void *be, char ***ids, size_t *n);

	int (*idem_get)(void *be, const char *route, const char *client_id,
	    int *status, char **response);
	int (*meta_get)(void *be, const char *key, char **value);

	/* The windowed reads of store_window.h. */
	int (*read_begin)(void *be);
	void (*read_end)(void *be);
	int64_t (*head)(void *be);
	int (*window_convs)(void *be, int64_t since, int64_t after, int limit,
	    struct relay_convrows *out);
	int (*window_outside)(void *be, int64_t since, int64_t *outside,
	    int64_t *resolved);
	int (*window_events)(void *be, const int64_t *ids, size_t n,
	    int64_t through, struct relay_evrows *out);
	int (*conv_events)(void *be, const char *conv, const char *type,
	    int64_t after, int64_t before, int limit, bool newest,
	    struct relay_evrows *out);
	int (*conv_page)(void *be, const char *status, int64_t before,
	    int limit, struct relay_convrows *out);
	int (*scan_events)(void *be, relay_scan_fn *fn, void *ctx);

	/* Search (store_*_search.c). */
	int (*search)(void *be, const struct search_query *q, int64_t before,
	    int limit, struct relay_search_hit **hits, size_t *n);
	int (*search_backfill)(void *be, int max, int64_t *left);
};

extern const struct relay_store_ops relay_store_sqlite_ops;
extern const struct relay_store_ops relay_store_pg_ops;

#endif
