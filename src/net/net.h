/*
 * The relay client on curl's multi interface.  It never blocks: the UI's
 * poll loop asks for the sockets and timeout (net_pollfds), polls them
 * with the terminal, and hands back what happened (net_dispatch).
 *
 * It keeps one sync loop running: GET /v1/me, then long-polls
 * /v1/sync?after=<cursor>&wait=25 forever, reconnecting with exponential
 * backoff and jitter.  Any number of one-shot requests (POST JSON, media
 * download) run beside it.
 *
 * Ownership: struct net owns its curl handles and a guarded copy of the
 * token; net_free() wipes and frees everything and cancels requests,
 * calling their callbacks with status 0 and err "cancelled" (so owners can
 * free their ud); an unfinished download's file is removed.
 */
#ifndef TTYDESK_NET_H
#define TTYDESK_NET_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct json_t json_t;

enum net_state {
	NET_CONNECTING = 0,
	NET_ONLINE,
	NET_OFFLINE,     /* retrying at retry_at */
	NET_AUTH_ERROR,  /* 401: the token is wrong; no retry */
};

/* One /v1/snapshot answer (net_snap_parse). */
struct net_snap_page {
	json_t *events;       /* array, each object with seq in (0, through] */
	int64_t through;      /* the log position the working set is at */
	char cursor[1040];    /* where the next page starts ("" none) */
	bool more;
	int64_t total;        /* working-set conversations, -1 unknown */
	int64_t conversations; /* of them in this page, -1 unknown */
	int64_t outside;      /* conversations not in the working set, -1 */
	int64_t outside_resolved;
};

struct net_callbacks {
	void *ud;
	/* /v1/me answered (the object as sent). */
	void (*me)(void *ud, const json_t *me);
	/*
	 * One sync answer: events is the JSON array, next the cursor that
	 * covers it.  Return 0 when stored (the cursor then advances), -1 to
	 * retry the same batch later (e.g. the cache could not write).
	 */
	int (*events)(void *ud, const json_t *events, int64_t next);
	/* The connection state changed (detail: why, for the status bar). */
	void (*state)(void *ud, enum net_state st, const char *detail);
	/*
	 * One page of a windowed first sync (GET /v1/snapshot, NULL: none).
	 * Return 0 when stored (the next page follows, or after the last
	 * one the sync loop from page->through), -1 to fetch it again later.
	 */
	int (*snapshot)(void *ud, const struct net_snap_page *page);
	/*
	 * Before the events of each sync answer: the relay's log_id ("" from
	 * an old relay), its head (-1 when absent) and the cursor asked
	 * from.  Return 0 to take the events, 1 when the owner called
	 * net_restart (the answer is dropped and sync starts over), -1 to
	 * ask again later.  NULL: nothing is checked.
	 */
	int (*log)(void *ud, const char *log_id, int64_t head, int64_t after);
};

struct net_options {
	const char *url;      /* base, without trailing slash */
	const char *token;    /* copied into guarded memory */
	size_t token_len;
	const char *ca_file;  /* NULL: system CAs; TLS verification stays on */
	const char *token_file; /* named in the 401 message */
	int64_t cursor;       /* sync from here */
	int wait;             /* long-poll seconds, default 25 */
	int backoff_min_ms;   /* default 1000 */
	int backoff_max_ms;   /* default 60000 */
	/* Windowed first sync: with cursor 0 and snap_since > 0 the client
	 * loads the working set since snap_since (Unix seconds) page by
	 * page, resuming at snap_through/snap_cursor when a start was cut
	 * short (snap_through 0: from the first page).  A relay without
	 * /v1/snapshot (404) gets the full sync from 0. */
	int64_t snap_since;
	int64_t snap_through;
	const char *snap_cursor;
	int snap_limit;       /* conversations per page, default 200 */
};

struct net;

struct net *net_new(const struct net_options *opt,
    const struct net_callbacks *cb, char *err, size_t errlen);
void net_free(struct net *n);
/* Start the sync loop (GET /v1/me first). */
void net_start(struct net *n);

/* Fill up to max pollfds with the sockets curl wants; returns how many.
 * *timeout_ms is lowered to when net next needs to run (-1: never). */
int net_pollfds(struct net *n, struct pollfd *fds, int max, int *timeout_ms);
/* After poll(): fds/nfds as filled by net_pollfds with revents set. */
void net_dispatch(struct net *n, const struct pollfd *fds, int nfds);

enum net_state net_state(const struct net *n);
/* Human status: "online", "connecting", "offline, retry in 8s (why)",
 * "auth error: ..." into buf. */
const char *net_state_text(const struct net *n, char *buf, size_t len);
/* The same without the reason ("offline, retry in 8s", "auth error"), and
 * the reason alone. */
const char *net_state_short(const struct net *n, char *buf, size_t len);
const char *net_state_detail(const struct net *n);
int64_t net_cursor(const struct net *n);
/* Sync again from 0: the relay's log was replaced.  snap_since > 0 loads
 * the working set from /v1/snapshot first, as a first start does.  Only
 * from the log callback (no sync request is running then). */
void net_restart(struct net *n, int64_t snap_since);

/*
 * Request completion: status is the HTTP status (0 when the request did
 * not complete: err says why); body is the answer (NUL-terminated,
 * valid only during the call).
 */
typedef void (*net_done_fn)(void *ud, long status, const char *body,
    size_t len, const char *err);

/* POST body (a JSON value, not consumed) to path ("/v1/..."). */
int net_post_json(struct net *n, const char *path, const json_t *body,
    net_done_fn done, void *ud, char *err, size_t errlen);
/* GET path; done gets the answer's body. */
int net_get(struct net *n, const char *path, net_done_fn done, void *ud,
    char *err, size_t errlen);
/* Upload progress: bytes sent of total (ud: the request's). */
typedef void (*net_progress_fn)(void *ud, int64_t sent, int64_t total);
/* POST len bytes of type ctype to path; the bytes must stay valid until
 * done runs.  progress (may be NULL) follows the upload; 10 minutes at
 * most. */
int net_post_bytes(struct net *n, const char *path, const void *bytes,
    size_t len, const char *ctype, net_progress_fn progress,
    net_done_fn done, void *ud, char *err, size_t errlen);
/* GET path into a new file (mode 0600, never overwrites).  The file is
 * removed again when the download fails. */
int net_get_file(struct net *n, const char *path, const char *file,
    net_done_fn done, void *ud, char *err, size_t errlen);

/* "/v1/conversations/<escaped id><suffix>" into buf (NULL if too long). */
const char *net_conv_path(char *buf, size_t len, const char *conv,
    const char *suffix);

/* True while the windowed first sync runs. */
bool net_in_snapshot(const struct net *n);

/* Backoff delay for the nth consecutive failure (0-based), with jitter:
 * a uniform value in [d/2, d] where d doubles from min up to max. */
int net_backoff_ms(int attempt, int min_ms, int max_ms);

#endif
