/*
 * The working set: windowed first sync, eviction and its compaction
 * (window.h).
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/cache.h"
#include "ttydesk/event.h"
#include "ttydesk/model.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "cacheopen.h"
#include "net.h"
#include "outbox.h"
#include "strmap.h"
#include "window.h"

#define WINDOW_META_SNAP "snapshot"
#define WINDOW_META_OPENED "opened/"
#define WINDOW_META_OUTSIDE "outside"
/* Evict at most this often (seconds) while running. */
#define WINDOW_EVICT_EVERY 3600

struct window {
	int64_t since;        /* the running snapshot's since */
	int64_t loaded;       /* conversations the snapshot brought */
	int64_t total;        /* of the working set, -1 unknown */
	int64_t outside;      /* on the relay outside the set, -1 unknown */
	int64_t outside_resolved;
	bool snapping;
	struct strmap gone;   /* forgotten ids (owned keys) until compacted */
	int64_t last_evict;
};

/* The decimal integer at the start of *s (after white space), *s moved
 * past it; false when there is none or it does not fit.  META values are
 * read back from a file, so a bad one is refused, never guessed. */
static bool
window_int(const char **s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(*s, &end, 10);
	if (end == *s || errno != 0)
		return false;
	*s = end;
	return true;
}

static struct window *
window_get(struct app *app)
{
	struct window *w = app->window;
	const char *v;
	long long a, b;

	if (w != NULL)
		return w;
	if ((w = calloc(1, sizeof *w)) == NULL)
		app_fatal("out of memory");
	w->total = w->outside = w->outside_resolved = -1;
	/* The relay's last count, until the next snapshot tells again. */
	if (app->cache != NULL && (v = cache_meta_get(app->cache,
	    WINDOW_META_OUTSIDE)) != NULL && window_int(&v, &a) &&
	    window_int(&v, &b)) {
		w->outside = a;
		w->outside_resolved = b;
	}
	strmap_init(&w->gone);
	w->last_evict = app->now;
	app->window = w;
	return w;
}

static void
window_gone_clear(struct window *w)
{
	size_t pos = 0;
	const char *k;

	while (strmap_next(&w->gone, &pos, &k, NULL))
		free((char *)(uintptr_t)k);
	strmap_free(&w->gone);
	strmap_init(&w->gone);
}

void
window_free(struct app *app)
{
	if (app->window == NULL)
		return;
	window_gone_clear(app->window);
	free(app->window);
	app->window = NULL;
}

static int64_t
window_since(const struct app *app)
{
	if (app->cfg == NULL || app->cfg->window_s <= 0)
		return 0;
	return app->now - (int64_t)app->cfg->window_s;
}

/* META "snapshot": "since through loaded cursor" (cursor last: opaque). */
static bool
window_resume(const char *v, int64_t *since, int64_t *through,
    int64_t *loaded, const char **cursor)
{
	long long s, t, l;

	if (v == NULL || !window_int(&v, &s) || !window_int(&v, &t) ||
	    !window_int(&v, &l) || s <= 0 || t <= 0 || l < 0)
		return false;
	while (isspace((unsigned char)*v))
		v++;
	if (*v == '\0')
		return false;
	*since = s;
	*through = t;
	*loaded = l;
	*cursor = v;
	return true;
}

void
window_net_options(struct app *app, struct net_options *o)
{
	struct window *w;
	const char *v, *cursor;
	int64_t since, through, loaded;
	long long limit;

	if ((since = window_since(app)) <= 0 || o->cursor != 0)
		return;
	w = window_get(app);
	o->snap_since = since;
	/* Tests page small snapshots; a bad value is ignored. */
	if ((v = getenv("TTYDESK_SNAPSHOT_LIMIT")) != NULL &&
	    window_int(&v, &limit) && limit > 0 && limit <= INT_MAX)
		o->snap_limit = (int)limit;
	v = app->cache != NULL ? cache_meta_get(app->cache, WINDOW_META_SNAP) :
	    NULL;
	/* The same since as the pages already stored: one working set. */
	if (window_resume(v, &since, &through, &loaded, &cursor)) {
		o->snap_since = since;
		o->snap_through = through;
		o->snap_cursor = cursor;
		w->loaded = loaded;
	}
	w->since = o->snap_since;
	w->snapping = true;
}

int64_t
window_restart(struct app *app)
{
	struct net_options o;
	char err[256];

	if (app->window != NULL) {
		window_gone_clear(app->window);
		app->window->loaded = 0;
		app->window->total = -1;
	}
	/* No resume: the pages stored so far came from the old log. */
	if (app->cache != NULL && cache_meta_set(app->cache, WINDOW_META_SNAP,
	    NULL, false, err, sizeof err) != 0)
		app_error(app, "cache: %s", err);
	memset(&o, 0, sizeof o);
	window_net_options(app, &o);
	return o.snap_since;
}

/* Conversations in a page: distinct ids, counted where they change (the
 * relay sends each conversation's events together). */
static int64_t
window_page_convs(const json_t *events)
{
	const char *prev = "", *id;
	const json_t *e;
	int64_t n = 0;
	size_t i;

	json_array_foreach(events, i, e) {
		id = json_string_value(json_object_get(e, "conversation"));
		if (id != NULL && strcmp(id, prev) != 0) {
			n++;
			prev = id;
		}
	}
	return n;
}

static void
window_snapshot_done(struct app *app, struct window *w)
{
	char v[64], err[256];

	w->snapping = false;
	if (app->cache == NULL || w->outside < 0)
		return;
	snprintf(v, sizeof v, "%" PRId64 " %" PRId64, w->outside,
	    w->outside_resolved);
	if (cache_meta_set(app->cache, WINDOW_META_OUTSIDE, v, false, err,
	    sizeof err) != 0)
		app_error(app, "cache: %s", err);
}

int
window_on_snapshot(void *ud, const struct net_snap_page *pg)
{
	struct app *app = ud;
	struct window *w = window_get(app);
	int64_t convs = pg->conversations >= 0 ? pg->conversations :
	    window_page_convs(pg->events);
	char *prog = NULL, err[256];
	int rc = 0;

	/* The cursor moves only with the last page: until then a restart
	 * finds no cursor and resumes from the progress below. */
	if (app_store_events(app, pg->events, pg->more ? 0 : pg->through) != 0)
		return -1;
	w->loaded += convs;
	if (pg->total >= 0)
		w->total = pg->total;
	if (pg->outside >= 0)
		w->outside = pg->outside;
	if (pg->outside_resolved >= 0)
		w->outside_resolved = pg->outside_resolved;
	if (app->cache != NULL && pg->more &&
	    asprintf(&prog, "%" PRId64 " %" PRId64 " %" PRId64 " %s", w->since,
	    pg->through, w->loaded, pg->cursor) < 0)
		app_fatal("out of memory");
	if (app->cache != NULL &&
	    cache_meta_set(app->cache, WINDOW_META_SNAP, prog, true, err,
	    sizeof err) != 0) {
		app_error(app, "cache: %s", err);
		rc = -1;
	}
	free(prog);
	if (!pg->more)
		window_snapshot_done(app, w);
	app_redraw(app, APP_REDRAW_STATUS | APP_REDRAW_TABS);
	app_after_events(app, TD_CHANGED_LIST);
	if (!pg->more)
		app_first_sync_done(app);
	return rc;
}

void
window_synced(struct app *app)
{
	char err[256];

	/* A relay without /v1/snapshot sent the whole log instead. */
	if (app->window != NULL)
		app->window->snapping = false;
	if (app->cache != NULL && cache_cursor(app->cache) > 0 &&
	    cache_meta_get(app->cache, WINDOW_META_SNAP) != NULL &&
	    cache_meta_set(app->cache, WINDOW_META_SNAP, NULL, false, err,
	    sizeof err) != 0)
		app_error(app, "cache: %s", err);
}

void
window_seen(struct app *app, const char *conv)
{
	char *k;

	if (app->window == NULL || app->window->gone.count == 0 || conv == NULL)
		return;
	if ((k = strmap_get(&app->window->gone, conv)) != NULL) {
		strmap_del(&app->window->gone, conv);
		free(k);
	}
}

void
window_opened(struct app *app, const char *conv)
{
	char key[1100], val[32], err[256];
	const char *old;

	if (app->cache == NULL || conv == NULL ||
	    (size_t)snprintf(key, sizeof key, WINDOW_META_OPENED "%s", conv) >=
	    sizeof key)
		return;
	old = cache_meta_get(app->cache, key);
	/* A day's precision is plenty for a window of days. */
	if (old != NULL && strtoll(old, NULL, 10) > app->now - 86400)
		return;
	snprintf(val, sizeof val, "%" PRId64, app->now);
	if (cache_meta_set(app->cache, key, val, false, err, sizeof err) != 0)
		app_error(app, "cache: %s", err);
}

static int64_t
window_newest_message(const struct td_conversation *c)
{
	/* Thread order is by ts: the last message is the newest. */
	return c->n_messages > 0 ? c->messages[c->n_messages - 1]->ts :
	    c->last_activity;
}

static bool
window_has_outbox(const struct app *app, const char *conv)
{
	size_t i;

	for (i = 0; app->outbox != NULL && i < app->outbox->n; i++)
		if (app->outbox->e[i]->conv != NULL &&
		    strcmp(app->outbox->e[i]->conv, conv) == 0)
			return true;
	return false;
}

bool
window_keeps(struct app *app, const struct td_conversation *c)
{
	int64_t since = window_since(app);
	char key[1100];
	const char *v, *open;

	if (since <= 0 || c->state.status != TD_CS_RESOLVED ||
	    window_newest_message(c) >= since)
		return true;
	if ((open = app_open_id(app)) != NULL && strcmp(open, c->id) == 0)
		return true;
	if ((app->cache != NULL && cache_has_draft(app->cache, c->id)) ||
	    window_has_outbox(app, c->id))
		return true;
	if (app->cache != NULL &&
	    (size_t)snprintf(key, sizeof key, WINDOW_META_OPENED "%s", c->id) <
	    sizeof key && (v = cache_meta_get(app->cache, key)) != NULL &&
	    strtoll(v, NULL, 10) >= since)
		return true;
	return false;
}

struct evict_ctx {
	struct app *app;
	struct window *w;
};

static bool
window_forget_fn(void *ud, const struct td_conversation *c)
{
	struct evict_ctx *x = ud;
	char *k;

	if (window_keeps(x->app, c))
		return false;
	/* The cache drops its events at the next compaction. */
	if (x->app->cache != NULL && strmap_get(&x->w->gone, c->id) == NULL &&
	    ((k = strdup(c->id)) == NULL || strmap_put(&x->w->gone, k, k) != 0))
		app_fatal("out of memory");
	return true;
}

struct opened_ctx {
	int64_t since;
	char **old;
	size_t n;
};

static void
window_old_opened(void *ud, const char *key, const char *value)
{
	struct opened_ctx *x = ud;

	if (strtoll(value, NULL, 10) < x->since &&
	    vec_add_strn(&x->old, &x->n, key, strlen(key)) != 0)
		app_fatal("out of memory");
}

/* Open times older than the window say nothing any more. */
static void
window_prune_opened(struct app *app)
{
	struct opened_ctx x = { window_since(app), NULL, 0 };
	char err[256];
	size_t i;

	if (app->cache == NULL)
		return;
	cache_metas(app->cache, WINDOW_META_OPENED, window_old_opened, &x);
	for (i = 0; i < x.n; i++) {
		if (cache_meta_set(app->cache, x.old[i], NULL, false, err,
		    sizeof err) != 0)
			app_error(app, "cache: %s", err);
		free(x.old[i]);
	}
	free(x.old);
}

size_t
window_evict(struct app *app)
{
	struct evict_ctx x = { app, NULL };
	size_t n;

	if (window_since(app) <= 0)
		return 0;
	x.w = window_get(app);
	x.w->last_evict = app->now;
	window_prune_opened(app);
	n = model_forget(app->model, window_forget_fn, &x);
	if (n > 0)
		app_after_events(app, TD_CHANGED_LIST);
	return n;
}

bool
window_hide(struct app *app, const char *conv)
{
	struct window *w;
	bool was;
	char *k;

	if (conv == NULL)
		return false;
	was = model_forget_conversation(app->model, conv);
	if (app->cache == NULL)
		return was;
	w = window_get(app);
	if (strmap_get(&w->gone, conv) == NULL &&
	    ((k = strdup(conv)) == NULL || strmap_put(&w->gone, k, k) != 0))
		app_fatal("out of memory");
	return was;
}

bool
window_drops(struct app *app, const char *ev, size_t len)
{
	struct td_event e;
	char err[256];
	bool drop = false;

	if (app == NULL || app->window == NULL || app->window->gone.count == 0)
		return false;
	memset(&e, 0, sizeof e);
	if (event_decode_any(ev, len, &e, err, sizeof err) == 0 &&
	    e.conversation != NULL)
		drop = strmap_get(&app->window->gone, e.conversation) != NULL;
	event_free(&e);
	return drop;
}

void
window_idle(struct app *app)
{
	char err[256];

	if (app->window != NULL && app->window->snapping)
		return;
	if (window_since(app) > 0 && (app->window == NULL ||
	    app->now - app->window->last_evict >= WINDOW_EVICT_EVERY))
		window_evict(app);
	/* Compaction rewrites the snapshot: only while the agent is idle. */
	if (app->cache == NULL || app->window == NULL ||
	    app->window->gone.count == 0 || app->now - app->last_key < 5)
		return;
	cache_set_repack(app->cache, app_cache_repack, app);
	if (cache_compact(app->cache, err, sizeof err) != 0) {
		app_error(app, "cache: %s", err);
		return;
	}
	window_gone_clear(app->window);
}

static const char *
window_num(char *buf, size_t len, int64_t v)
{
	char digits[32];
	size_t n, i, o = 0;

	n = (size_t)snprintf(digits, sizeof digits, "%" PRId64, v);
	for (i = 0; i < n && o + 2 < len; i++) {
		if (i > 0 && digits[0] != '-' && (n - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

const char *
window_progress(struct app *app, char *buf, size_t len)
{
	struct window *w = app->window;
	char a[32], b[32];

	if (w == NULL || !w->snapping)
		return NULL;
	if (w->total >= 0)
		snprintf(buf, len, "loading %s/%s conversations",
		    window_num(a, sizeof a, w->loaded),
		    window_num(b, sizeof b, w->total));
	else
		snprintf(buf, len, "loading %s conversations",
		    window_num(a, sizeof a, w->loaded));
	return buf;
}

int64_t
window_outside(const struct app *app, bool resolved_only)
{
	if (app->window == NULL)
		return -1;
	return resolved_only ? app->window->outside_resolved :
	    app->window->outside;
}
