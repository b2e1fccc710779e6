/*
 * The ttydesk application: one struct owning the config, model, cache and
 * relay client, and the glue between them.  No screen: src/ui registers a
 * struct app_view_ops and is told through it what changed (as tmux's
 * server state knows nothing of the window modes drawing it).
 *
 * Actions reach the relay through the outbox (outbox.h) or app_post()
 * (a JSON POST with a callback); src/ui draws what this state says.
 *
 * Ownership: app_free() releases everything app_init() made, and the
 * view's state through view_ops->free.
 */
#ifndef TTYDESK_APP_H
#define TTYDESK_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "appconfig.h"

struct td_model;
struct td_conversation;
struct td_cache;
struct net;
struct outbox;
struct receipts;
struct presence;
struct typing;
struct pictures;
struct app_req;
struct window;
struct history;
struct roster;
struct app_number;
struct app;
typedef struct json_t json_t;

/* What to repaint (app_view_ops.redraw). */
enum {
	APP_REDRAW_STATUS = 1 << 0,
	APP_REDRAW_LIST = 1 << 1,
	APP_REDRAW_THREAD = 1 << 2,
	APP_REDRAW_TABS = 1 << 3,
	APP_REDRAW_ALL = 1 << 4,
};

/*
 * How the application tells the screen what happened.  Every hook may be
 * NULL, and view_ops itself is NULL without a screen (tests, benchmarks):
 * the application works the same.
 */
struct app_view_ops {
	/* The model changed (TD_CHANGED_* bits): rebuild queues and list. */
	void (*changed)(struct app *app, unsigned changed);
	/* Unread counts changed (a conversation was marked read). */
	void (*recount)(struct app *app);
	/* Who we are changed (app_set_me): queues, "you" in threads. */
	void (*me_changed)(struct app *app);
	/* The first sync caught up. */
	void (*synced)(struct app *app);
	/* app->model was replaced by an empty one (the relay's log was
	 * replaced): every conversation's lines are stale. */
	void (*reset)(struct app *app);
	/* The conversation's thread lines are stale. */
	void (*conv_changed)(struct app *app, const char *conv_id);
	/* A state change worth a line in the thread ("assigned to bob"). */
	void (*sys_line)(struct app *app, const char *conv_id, int64_t ts,
	    int64_t seq, const char *line);
	/* A new inbound message in the conversation (bell, "new below"). */
	void (*new_inbound)(struct app *app, const struct td_conversation *c);
	/* A draft for conv: from the cache (load) or refused by the relay
	 * (back to the compose area). */
	void (*put_draft)(struct app *app, const char *conv_id, const char *text,
	    size_t len, bool refused);
	void (*redraw)(struct app *app, unsigned what);
	/* The conversation in the thread pane (id), or NULL; does the thread
	 * have the focus; is the agent in the compose area. */
	const char *(*open_id)(const struct app *app);
	bool (*thread_focused)(const struct app *app);
	bool (*composing)(const struct app *app);
	/* The conversation under the list cursor, or NULL. */
	struct td_conversation *(*selected)(const struct app *app);
	/* A message the agent must acknowledge. */
	void (*notice)(struct app *app, const char *title, const char *detail);
	/* Is the screen up?  Loading the cache: draw what is there and
	 * answer keys. */
	bool (*started)(const struct app *app);
	void (*frame)(struct app *app);
	/* Restore the terminal (fatal errors). */
	void (*stop)(struct app *app);
	/* app_free: save, close and free the view's state. */
	void (*free)(struct app *app);
};

struct app_team {
	char *id;
	char *name;
};

struct app {
	struct appconfig *cfg;   /* borrowed from main */
	struct td_model *model;
	struct td_cache *cache;  /* NULL: no cache (benchmarks) */
	struct net *net;         /* NULL: no relay (benchmarks, tests) */
	/* The screen (src/ui): its hooks and its state, which the
	 * application never looks into.  NULL without a screen. */
	const struct app_view_ops *view_ops;
	void *view;
	char *self_id;           /* agent id from /v1/me, NULL until known */
	char *self_name;
	char self_role[16];      /* "agent", "supervisor", "admin" ("" unknown) */
	struct app_team *teams;  /* every team of the business */
	size_t n_teams;
	char **my_teams;         /* ids of the agent's teams */
	size_t n_my_teams;
	bool loading;            /* replaying the cache: no bell, no redraw */
	bool cache_unsynced;     /* appended since the last cache_sync */
	unsigned changes;        /* TD_CHANGED_* since app_after_events */
	int64_t last_key;        /* when the agent last pressed a key */
	/* Asks a yes/no question before curses starts (the terminal by
	 * default; tests answer themselves). */
	bool (*ask_yes)(const char *question);
	bool quit;
	bool first_sync_done;
	/* Status bar text (app_message / app_error), sanitized. */
	char msg[256];
	bool msg_error;
	int64_t msg_at;
	int64_t msg_hold;        /* until then only errors replace msg */
	int64_t now;             /* wall clock, seconds, set each loop turn */
	char *token;             /* secfile memory until app_start_net */
	size_t token_len;
	/* Outbox, read receipts, presence (outbox.h, receipt.h,
	 * presence.h); NULL until first used. */
	struct outbox *outbox;
	struct receipts *receipts;
	struct presence *presence;
	struct typing *typing;    /* the customer's indicator (typing.h) */
	struct pictures *pictures; /* image messages drawn (pictures.h) */
	struct app_req *reqs;    /* requests in flight (freed if never done) */
	struct window *window;   /* the working set (window.h), NULL until used */
	struct history *history; /* history on demand (history.h), likewise */
	struct roster *roster;   /* the last GET /v1/team (roster.h), or NULL */
	/* Business numbers and the list's number filter (numbers.h). */
	struct app_number *numbers;
	size_t n_numbers;
	char *number_filter;     /* a number id, NULL: all numbers */
	bool number_filter_set;  /* [ui] number was applied */
};

/* Set up an app around a model (no cache, no relay yet); the model is
 * owned by the app from here on.  Returns 0 or -1 with err. */
int app_init(struct app *app, struct appconfig *cfg, struct td_model *model,
    char *err, size_t errlen);
void app_free(struct app *app);

/*
 * Apply one relay event (JSON object) to the model and the UI state.
 * Used by the cache replay and by sync.  Bad events are skipped.
 */
void app_apply_json(struct app *app, const json_t *ev);
/* Store events (a JSON array) in the cache with cursor, then apply them;
 * app_after_events() is the caller's.  0, or -1 when the cache refused
 * them (the status bar says why). */
int app_store_events(struct app *app, const json_t *events, int64_t cursor);
/* Once the first sync has caught up: pick the start queue. */
void app_first_sync_done(struct app *app);
/* Who we are, from a /v1/me answer: agent, teams, queues. */
void app_set_me(struct app *app, const json_t *me);
/* After a batch of events: refresh queues/list/thread as needed. */
void app_after_events(struct app *app, unsigned changed);
/* After app->model was replaced by a new one: the screen forgets what it
 * built from the old. */
void app_model_replaced(struct app *app);

/* Replay the open cache into the model.  With the screen up it draws what
 * is loaded so far and answers keys every 100 ms.  Returns a CACHE_* status. */
int app_load_cache(struct app *app, char *err, size_t errlen);
/* Once a second from the loop: fsync appended events, compact the cache
 * when the agent is idle and the log has grown. */
void app_cache_idle(struct app *app);
/* Create the relay client from the config and start syncing. */
int app_start_net(struct app *app, char *err, size_t errlen);
/* The relay client without the sync loop (one-shot requests from the
 * shell: ttydesk report), and a wait for *done (set by a request's
 * callback) that runs the client; -1 when timeout_ms passed first. */
int app_connect(struct app *app, char *err, size_t errlen);
int app_wait(struct app *app, const bool *done, int timeout_ms);
/* Read the bearer token now (before curses, so a refused token file is
 * reported on a normal terminal); app_start_net uses and wipes it. */
int app_read_token(struct app *app, char *err, size_t errlen);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t app_ms(void);


/*
 * The door to the relay: POST body to path ("/v1/conversations/...")
 * and call done when it finishes (see net.h for the arguments).  Returns
 * 0, or -1 with err (no relay, out of memory).
 */
typedef void (*app_done_fn)(struct app *app, void *ud, long status,
    const char *body, size_t len, const char *err);
int app_post(struct app *app, const char *path, const json_t *body,
    app_done_fn done, void *ud, char *err, size_t errlen);
/* GET path; done gets the answer. */
/* Connected to the relay now (a query that needs an answer can go). */
bool app_online(const struct app *app);
int app_get(struct app *app, const char *path, app_done_fn done, void *ud,
    char *err, size_t errlen);
/* POST raw bytes (kept valid by the caller until done) with progress. */
typedef void (*app_progress_fn)(struct app *app, void *ud, int64_t sent,
    int64_t total);
int app_post_bytes(struct app *app, const char *path, const void *bytes,
    size_t len, const char *ctype, app_progress_fn progress,
    app_done_fn done, void *ud, char *err, size_t errlen);
/* GET path; done gets a copy of the size bytes at ctx as its ud (a
 * module's own callback and its ud, say), freed after done returns or
 * when the request is dropped. */
int app_get_ctx(struct app *app, const char *path, app_done_fn done,
    const void *ctx, size_t size, char *err, size_t errlen);
/* GET path into file (0600, never overwrites). */
int app_get_file(struct app *app, const char *path, const char *file,
    app_done_fn done, void *ud, char *err, size_t errlen);

/* Tell the screen to repaint (APP_REDRAW_* bits). */
void app_redraw(struct app *app, unsigned what);

/* Status-bar message (not an error / an error). */
void app_message(struct app *app, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void app_error(struct app *app, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The conversation under the cursor in the list, or NULL. */
struct td_conversation *app_selected_conv(const struct app *app);
/* The conversation shown in the thread pane, or NULL. */
struct td_conversation *app_open_conv(const struct app *app);
/* The id of the conversation in the thread pane, or NULL. */
const char *app_open_id(const struct app *app);
/* The open conversation while the thread has the focus, or NULL. */
struct td_conversation *app_reading_conv(const struct app *app);
/* The id of the conversation the agent looks at (thread focused or
 * composing), or NULL. */
const char *app_viewing_id(const struct app *app);
/* Is c in one of my queues (Mine, Unassigned, my teams)? */
bool app_conv_is_mine(const struct app *app, const struct td_conversation *c);

/* Fatal: restore the terminal, print, exit(1). */
void app_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));

#endif
