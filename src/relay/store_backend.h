/*
 * What a store backend provides: one table of functions, one for each
 * relay_store_* call of store.h with the same meanings and ownership,
 * but for the plain writes and look-ups, which store.c makes of one
 * write and one read function.
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
	STORE_W_CONTACT_ALIAS, /* kind, value, contact; ignored when there */
	STORE_W_CONV_TIMES,    /* ts, row number: first_ts and last_ts
	                        * widened to hold ts */
	STORE_W_COUNT
};

/* The look-ups both backends answer the same way: store.c gives the
 * parameters (before the arrow) and reads the columns (after it). */
enum store_read {
	STORE_R_CONTACT_BY_WA,   /* wa_id -> id, wa_id, user_id, username,
	                          * name, conversation, extra */
	STORE_R_CONTACT_BY_USER, /* user_id -> the same */
	STORE_R_CONTACT_BY_ID,   /* id -> the same */
	STORE_R_CONV_OF,         /* contact, number -> row number */
	STORE_R_CONV_DUE,        /* now -> row number of each */
	STORE_R_CONV_OF_CONTACT, /* contact -> row number, state, first_ts,
	                          * last_ts, number of each */
	STORE_R_MSG_SEEN,        /* wamid, fingerprint -> a row when seen */
	STORE_R_MSG_BY_ID,       /* id -> id, wamid, conversation,
	                          * direction */
	STORE_R_MSG_BY_WAMID,    /* wamid -> the same */
	STORE_R_STATUS_LIST,     /* message -> status of each */
	STORE_R_OUT_BUSY,        /* conversation -> a row when busy */
	STORE_R_IDEM_GET,        /* route, client_id -> status, response */
	STORE_R_META_GET,        /* key -> value */
	STORE_R_COUNT
};

/* The columns a read gives at most. */
#define STORE_ROW_MAX 8

/* One row of a read: its n columns as text (NULL for SQL NULL), valid
 * during the call.  0 goes on to the next row, 1 stops, -1 fails. */
typedef int (*store_row_fn)(void *ud, const char *const *col, int n);

/* The windowed reads of store_window.h, one table a backend
 * (store_sqlite_window.c, store_pg_window.c), with the same meanings. */
struct store_window_ops {
	int (*read_begin)(void *be);
	void (*read_end)(void *be);
	int64_t (*head)(void *be);
	int (*convs)(void *be, int64_t since, int64_t after, int limit,
	    struct relay_convrows *out);
	int (*outside)(void *be, int64_t since, int64_t *outside,
	    int64_t *resolved);
	int (*events)(void *be, const int64_t *ids, size_t n,
	    int64_t through, struct relay_evrows *out);
	int (*conv_events)(void *be, const char *conv, const char *type,
	    int64_t after, int64_t before, int limit, bool newest,
	    struct relay_evrows *out);
	int (*conv_page)(void *be, const char *status, int64_t before,
	    int limit, struct relay_convrows *out);
	int (*scan)(void *be, relay_scan_fn *fn, void *ctx);
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
	/* Runs one of enum store_read, calling each on its rows in order
	 * until each returns non-zero: the number of rows each saw, or -1
	 * (and the error) on a failure or when each returned -1. */
	int (*read)(void *be, enum store_read r, const struct store_args *a,
	    store_row_fn each, void *ud);

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

	int (*contact_put)(void *be, struct relay_contact *c);

	int (*conversation_create)(void *be, int64_t contact, int64_t ts,
	    const json_t *state, char **id);
	int (*conversation_get)(void *be, const char *id, json_t **state,
	    int64_t *contact, int64_t *first_ts, int64_t *last_ts);

	int (*deferred_take)(void *be, const char *conversation,
	    struct relay_deferred **out, size_t *n);

	int (*outbound_put)(void *be, const char *id, const char *client_id,
	    const char *conversation, const char *body, int64_t now);
	int (*outbound_claim)(void *be, int64_t now, struct relay_outbound *out,
	    int max, int *n);
	int64_t (*outbound_next)(void *be);
	int (*outbound_set)(void *be, const char *id,
	    enum relay_out_state state, int64_t next_try, const char *wamid);
	int (*outbound_inflight)(void *be, char ***ids, size_t *n);

	/* The windowed reads of store_window.h. */
	const struct store_window_ops *window;

	/* Search (store_*_search.c). */
	int (*search)(void *be, const struct search_query *q, int64_t before,
	    int limit, struct relay_search_hit **hits, size_t *n);
	int (*search_backfill)(void *be, int max, int64_t *left);
};

extern const struct relay_store_ops relay_store_sqlite_ops;
extern const struct relay_store_ops relay_store_pg_ops;
extern const struct store_window_ops store_sqlite_window_ops;
extern const struct store_window_ops store_pg_window_ops;

#endif
