/*
 * The ttydesk application: one struct owning the config, model, cache,
 * relay client and screen, and the poll loop that drives them.
 *
 * Actions reach the relay through the outbox (outbox.h) or app_post()
 * (a JSON POST with a callback); src/ui draws what this state says.
 *
 * Ownership: app_free() releases everything app_open()/app_init() made.
 */
#ifndef TTYDESK_APP_H
#define TTYDESK_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "appconfig.h"
#include "keymap.h"
#include "theme.h"
#include "ui.h"

struct td_model;
struct td_cache;
struct net;
struct convmap;
struct outbox;
struct compose;
struct receipts;
struct presence;
struct bulk;
struct app_req;
struct window;
struct history;
typedef struct json_t json_t;

struct app_team {
	char *id;
	char *name;
};

struct app {
	struct appconfig *cfg;   /* borrowed from main */
	struct td_model *model;
	struct td_cache *cache;  /* NULL: no cache (benchmarks) */
	struct net *net;         /* NULL: no relay (benchmarks, tests) */
	struct convmap *convs;   /* per-conversation UI state */
	struct keymap keymap;
	struct theme theme;
	struct ui ui;
	char *self_id;           /* agent id from /v1/me, NULL until known */
	char *self_name;
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
	int64_t now;             /* wall clock, seconds, set each loop turn */
	char *token;             /* secfile memory until app_start_net */
	size_t token_len;
	/* Outbox, compose, read receipts, presence, marks (outbox.h,
	 * compose.h, receipt.h, presence.h, bulk.h); NULL until first used. */
	struct outbox *outbox;
	struct compose *compose;
	struct receipts *receipts;
	struct presence *presence;
	struct bulk *bulk;
	struct app_req *reqs;    /* requests in flight (freed if never done) */
	struct window *window;   /* the working set (window.h), NULL until used */
	struct history *history; /* history on demand (history.h), likewise */
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

/* Open the cache (asks for a passphrase on the terminal when needed,
 * offers to rebuild a corrupt cache).  Before curses starts. */
int app_open_cache(struct app *app, char *err, size_t errlen);
/* The cache's repack callback (cache_set_repack, ud the app): packs the
 * JSON events of older builds, drops those of forgotten conversations. */
int app_cache_repack(void *ud, const char *ev, size_t len, char **out,
    size_t *outlen);
/* Replay the open cache into the model.  With the screen up it draws what
 * is loaded so far and answers keys every 100 ms.  Returns a CACHE_* status. */
int app_load_cache(struct app *app, char *err, size_t errlen);
/* Once a second from the loop: fsync appended events, compact the cache
 * when the agent is idle and the log has grown. */
void app_cache_idle(struct app *app);
/* Create the relay client from the config and start syncing. */
int app_start_net(struct app *app, char *err, size_t errlen);
/* Read the bearer token now (before curses, so a refused token file is
 * reported on a normal terminal); app_start_net uses and wipes it. */
int app_read_token(struct app *app, char *err, size_t errlen);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t app_ms(void);

/* Run the poll loop until quit.  Curses must be up (ui_start). */
int app_run(struct app *app);

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
int app_get(struct app *app, const char *path, app_done_fn done, void *ud,
    char *err, size_t errlen);
/* GET path into file (0600, never overwrites). */
int app_get_file(struct app *app, const char *path, const char *file,
    app_done_fn done, void *ud, char *err, size_t errlen);

/* Status-bar message (not an error / an error). */
void app_message(struct app *app, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void app_error(struct app *app, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The conversation under the cursor in the list, or NULL. */
struct td_conversation *app_selected_conv(const struct app *app);
/* The conversation shown in the thread pane, or NULL. */
struct td_conversation *app_open_conv(const struct app *app);
/* Is c in one of my queues (Mine, Unassigned, my teams)? */
bool app_conv_is_mine(const struct app *app, const struct td_conversation *c);

/* Fatal: restore the terminal, print, exit(1). */
void app_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2),
    noreturn));

#endif
