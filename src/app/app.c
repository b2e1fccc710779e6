/*
 * The application object: model + cache + relay client, and the glue that
 * turns relay events into model changes and tells the screen (view_ops)
 * about system lines, redraws and the bell.
 */
#include <errno.h>
#include <jansson.h>
#include <poll.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/clock.h"
#include "ttydesk/cache.h"
#include "ttydesk/event.h"
#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "ttydesk/secfile.h"
#include "ttydesk/strfields.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "outbox.h"
#include "roster.h"
#include "presence.h"
#include "typing.h"
#include "pictures.h"
#include "readpos.h"
#include "relaylog.h"
#include "receipt.h"
#include "net.h"
#include "history.h"
#include "numbers.h"
#include "window.h"

/* Call the screen's hook when there is one. */
#define VIEW(app, hook, ...) do {					\
	if ((app)->view_ops != NULL && (app)->view_ops->hook != NULL)	\
		(app)->view_ops->hook((app), __VA_ARGS__);		\
} while (0)
#define VIEW0(app, hook) do {						\
	if ((app)->view_ops != NULL && (app)->view_ops->hook != NULL)	\
		(app)->view_ops->hook(app);				\
} while (0)

static struct app *fatal_app;

static bool
app_view_says(const struct app *app, bool (*hook)(const struct app *))
{
	return hook != NULL && hook(app);
}

void
app_fatal(const char *fmt, ...)
{
	va_list ap;

	if (fatal_app != NULL)
		VIEW0(fatal_app, stop);
	fprintf(stderr, "ttydesk: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

int
app_init(struct app *app, struct appconfig *cfg, struct td_model *model,
    char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	memset(app, 0, sizeof *app);
	app->cfg = cfg;
	app->model = model;
	app->now = (int64_t)time(NULL);
	fatal_app = app;
	return 0;
}

static const size_t app_team_strs[] = {
	offsetof(struct app_team, id), offsetof(struct app_team, name),
};

static void
app_free_teams(struct app *app)
{
	strfields_vec_free(&app->teams, &app->n_teams, sizeof *app->teams,
	    app_team_strs, STRFIELDS_N(app_team_strs));
	vec_free(&app->my_teams, &app->n_my_teams, sizeof *app->my_teams,
	    vec_clear_str);
}

static void app_reqs_free(struct app *app);

void
app_free(struct app *app)
{
	/* The view saves the open draft into the cache: before it closes. */
	VIEW0(app, free);
	if (fatal_app == app)
		fatal_app = NULL;
	if (app->token != NULL)
		secfile_wipe(app->token, app->token_len);
	net_free(app->net);
	app_reqs_free(app);
	numbers_free(app);
	history_free(app);
	roster_forget(app);
	outbox_free(app);
	receipt_free(app);
	presence_free(app);
	typing_free(app);
	pictures_free(app);
	window_free(app);
	if (app->cache != NULL)
		cache_close(app->cache);
	model_free(app->model);
	app_free_teams(app);
	free(app->self_id);
	free(app->self_name);
	memset(app, 0, sizeof *app);
}

/* What the model keeps of a conversation's state, before an event. */
struct state_snap {
	bool had;
	int64_t seq;
	enum td_conv_status status;
	enum td_priority prio;
	char assignee[128];
	char team[128];
};

static void
snap_take(struct state_snap *s, const struct td_conversation *c)
{
	memset(s, 0, sizeof *s);
	if (c == NULL || c->state_seq <= 0)
		return;
	s->had = true;
	s->seq = c->state_seq;
	s->status = c->state.status;
	s->prio = c->state.priority;
	snprintf(s->assignee, sizeof s->assignee, "%s",
	    c->state.assignee ? c->state.assignee : "");
	snprintf(s->team, sizeof s->team, "%s", c->state.team ? c->state.team : "");
}

/* "assigned to Bob (auto)", "assigned to Bob by Alice", "unassigned (was
 * Bob)": names where the agent knows them. */
static void
app_assign_line(const struct app *app, char *line, size_t len,
    const struct td_conv_state *st, const char *was)
{
	const char *by = st->assigned_by;
	char who[200];

	if (st->assignee == NULL || *st->assignee == '\0') {
		snprintf(line, len, "unassigned (was %s)", roster_name(app, was));
		return;
	}
	snprintf(who, sizeof who, "%s", roster_name(app, st->assignee));
	if (by != NULL && strcmp(by, "auto") == 0)
		snprintf(line, len, "assigned to %s (auto)", who);
	else if (by != NULL && *by != '\0' && strcmp(by, st->assignee) != 0)
		snprintf(line, len, "assigned to %s by %s", who,
		    roster_name(app, by));
	else
		snprintf(line, len, "assigned to %s", who);
}

/* System lines for what a conversation event changed. */
static void
app_state_lines(struct app *app, const struct td_event *ev,
    const struct state_snap *old, const struct td_conversation *c)
{
	const struct td_conv_state *st = &c->state;
	char line[600];
	const char *as = st->assignee ? st->assignee : "";
	const char *tm = st->team ? st->team : "";

	if (c->state_seq != ev->seq)
		return;
	if (st->status == TD_CS_ESCALATED && (!old->had ||
	    old->status != TD_CS_ESCALATED)) {
		const struct td_escalation *e = &st->escalation;
		snprintf(line, sizeof line, "escalated to %s (%s)%s%s%s%s",
		    e->team ? e->team : tm, event_priority_name(st->priority),
		    e->by ? " by " : "", e->by ? e->by : "",
		    e->reason ? ": " : "", e->reason ? e->reason : "");
		VIEW(app, sys_line, c->id, ev->ts, ev->seq, line);
		return;
	}
	if (old->had && old->status != st->status) {
		snprintf(line, sizeof line, "%s", st->status == TD_CS_OPEN &&
		    old->status == TD_CS_RESOLVED ? "reopened" : "");
		if (line[0] == '\0')
			snprintf(line, sizeof line, "status: %s",
			    event_conv_status_name(st->status));
		VIEW(app, sys_line, c->id, ev->ts, ev->seq, line);
	}
	if (strcmp(old->assignee, as) != 0 && (old->had || *as != '\0')) {
		app_assign_line(app, line, sizeof line, st, old->assignee);
		VIEW(app, sys_line, c->id, ev->ts, ev->seq, line);
	}
	if (old->had && strcmp(old->team, tm) != 0 && *tm != '\0') {
		snprintf(line, sizeof line, "moved to team %s", tm);
		VIEW(app, sys_line, c->id, ev->ts, ev->seq, line);
	}
	if (old->had && old->prio != st->priority) {
		snprintf(line, sizeof line, "priority: %s", event_priority_name(st->priority));
		VIEW(app, sys_line, c->id, ev->ts, ev->seq, line);
	}
}

static void
app_apply_event(struct app *app, struct td_event *ev)
{
	struct state_snap old = { .had = false };
	struct td_conversation *c;
	int rc;

	if (ev->type == TD_EV_UNKNOWN)
		return;
	if (ev->type == TD_EV_CONVERSATION && ev->u.state.hidden) {
		/* Out of this agent's view: gone from the list and, at the
		 * next compaction, from the cache. */
		if (window_hide(app, ev->conversation))
			app->changes |= TD_CHANGED_LIST;
		return;
	}
	if (ev->type == TD_EV_CONVERSATION)
		snap_take(&old, model_find(app->model, ev->conversation));
	/* Every caller frees ev next: the model may keep its strings. */
	rc = model_apply_take(app->model, ev);
	if (rc < 0)
		app_fatal("out of memory");
	app->changes |= (unsigned)rc;
	c = model_find(app->model, ev->conversation);
	if (c == NULL)
		return;
	if (ev->type == TD_EV_CONVERSATION)
		app_state_lines(app, ev, &old, c);
	if ((unsigned)rc & TD_CHANGED_THREAD)
		VIEW(app, conv_changed, c->id);
	if (((unsigned)rc & TD_CHANGED_NEW_INBOUND) && !app->loading)
		VIEW(app, new_inbound, c);
}

void
app_apply_json(struct app *app, const json_t *obj)
{
	struct td_event ev;
	char err[256];

	memset(&ev, 0, sizeof ev);
	if (event_parse(obj, &ev, err, sizeof err) == 0)
		app_apply_event(app, &ev);
	event_free(&ev);
}

/* A cached event: packed, or JSON text in caches of older builds. */
static void
app_apply_text(struct app *app, const char *text, size_t len)
{
	struct td_event ev;
	char err[256];

	memset(&ev, 0, sizeof ev);
	if (event_decode_any(text, len, &ev, err, sizeof err) == 0)
		app_apply_event(app, &ev);
	event_free(&ev);
}

void
app_after_events(struct app *app, unsigned changed)
{
	struct td_conversation *open;

	changed |= app->changes;
	app->changes = 0;
	if (changed == 0)
		return;
	/* Model pointers may have moved: rebuild the list every time. */
	VIEW(app, changed, changed);
	/* The open thread is being read: keep it read. */
	if ((open = app_reading_conv(app)) != NULL && open->unread > 0) {
		if (!app->loading)
			receipt_mark(app, open);
		readpos_mark(app, open);
		VIEW0(app, recount);
	}
	outbox_after_events(app);
	app_redraw(app, APP_REDRAW_THREAD | APP_REDRAW_TABS | APP_REDRAW_STATUS);
}

void
app_model_replaced(struct app *app)
{
	VIEW0(app, reset);
	app_after_events(app, TD_CHANGED_LIST | TD_CHANGED_THREAD);
}

/* --- relay ---------------------------------------------------------------- */

/* A string of /v1/me, sanitized: names and ids are drawn on the screen
 * (tabs, pickers, thread lines), like the model's labels and teams. */
static char *
json_str_clean(const json_t *v)
{
	const char *s = json_string_value(v);

	return s != NULL ? sanitize_text(s, json_string_length(v),
	    SANITIZE_SINGLE_LINE) : NULL;
}

static char *
json_str_dup(const json_t *o, const char *key)
{
	return json_str_clean(json_object_get(o, key));
}

static void
app_on_me(void *ud, const json_t *me)
{
	app_set_me(ud, me);
}

void
app_set_me(struct app *app, const json_t *me)
{
	const json_t *agent = json_object_get(me, "agent"), *v, *teams;
	size_t i, n;
	struct app_team *t;

	app_free_teams(app);
	free(app->self_id);
	free(app->self_name);
	app->self_id = json_str_dup(agent, "id");
	app->self_name = json_str_dup(agent, "name");
	v = json_object_get(me, "role");
	if (!json_is_string(v))
		v = json_object_get(agent, "role");
	snprintf(app->self_role, sizeof app->self_role, "%s",
	    json_is_string(v) && json_string_length(v) < sizeof app->self_role ?
	    json_string_value(v) : "");
	teams = json_object_get(me, "teams");
	n = json_array_size(teams);
	if (n > 0 && (t = calloc(n, sizeof *t)) != NULL) {
		app->teams = t;
		json_array_foreach(teams, i, v) {
			if ((t[app->n_teams].id = json_str_dup(v, "id")) == NULL)
				continue;
			t[app->n_teams].name = json_str_dup(v, "name");
			app->n_teams++;
		}
	}
	teams = json_object_get(agent, "teams");
	n = json_array_size(teams);
	if (n > 0 && (app->my_teams = calloc(n, sizeof *app->my_teams)) != NULL) {
		json_array_foreach(teams, i, v) {
			char *id = json_str_clean(json_is_string(v) ? v :
			    json_object_get(v, "id"));
			if (id != NULL)
				app->my_teams[app->n_my_teams++] = id;
		}
	}
	numbers_set(app, me);
	if (app->self_id != NULL)
		model_set_self(app->model, app->self_id);
	VIEW0(app, me_changed);
}

/* The cache keeps events packed: parsing JSON again at every start cost
 * more than all the rest of loading.  An event this build cannot read (bad,
 * or of a type it does not know) keeps its JSON text, which a newer build
 * may understand. */
static int
app_pack_event(const json_t *e, char **out, size_t *len)
{
	struct td_event ev;
	unsigned char *pk;
	char err[256];
	int rc = -1;

	if (event_parse(e, &ev, err, sizeof err) == 0 &&
	    ev.type != TD_EV_UNKNOWN && event_pack(&ev, &pk, len) == 0) {
		*out = (char *)pk;
		rc = 0;
	}
	event_free(&ev);
	if (rc == 0)
		return 0;
	if ((*out = json_dumps(e, JSON_COMPACT)) == NULL)
		return -1;
	*len = strlen(*out);
	return 0;
}

int
app_store_events(struct app *app, const json_t *events, int64_t cursor)
{
	size_t n = json_array_size(events), i;
	char **texts = NULL, err[256];
	size_t *lens = NULL;
	const json_t *e;
	int rc = -1;

	if (app->cache != NULL) {
		texts = calloc(n + 1, sizeof *texts);
		lens = calloc(n + 1, sizeof *lens);
		if (texts == NULL || lens == NULL)
			goto out;
		json_array_foreach(events, i, e) {
			if (app_pack_event(e, &texts[i], &lens[i]) != 0)
				goto out;
		}
		/* Stored first: what the screen shows survives a crash. */
		if (cache_append_events(app->cache, (const char *const *)texts,
		    lens, n, cursor, err, sizeof err) != 0) {
			app_error(app, "cache: %s", err);
			goto out;
		}
		app->cache_unsynced = true;
	}
	json_array_foreach(events, i, e) {
		window_seen(app, json_string_value(json_object_get(e,
		    "conversation")));
		app_apply_json(app, e);
	}
	rc = 0;
out:
	for (i = 0; texts != NULL && i < n; i++)
		free(texts[i]);
	free(texts);
	free(lens);
	return rc;
}

void
app_first_sync_done(struct app *app)
{
	if (app->first_sync_done)
		return;
	app->first_sync_done = true;
	VIEW0(app, synced);
}

static int
app_on_events(void *ud, const json_t *events, int64_t next)
{
	struct app *app = ud;

	if (app_store_events(app, events, next) != 0)
		return -1;
	window_synced(app);
	app_after_events(app, 0);
	app_first_sync_done(app);
	return 0;
}

bool
app_online(const struct app *app)
{
	return app->net != NULL && net_state(app->net) == NET_ONLINE;
}

static void
app_on_state(void *ud, enum net_state st, const char *detail)
{
	struct app *app = ud;

	app_redraw(app, APP_REDRAW_STATUS);
	if (st == NET_ONLINE)
		outbox_online(app);
	if (st == NET_AUTH_ERROR) {
		app_error(app, "relay: authentication failed");
		VIEW(app, notice, "The relay refused the token", detail);
	}
}

int
app_read_token(struct app *app, char *err, size_t errlen)
{
	if (app->token != NULL)
		secfile_wipe(app->token, app->token_len);
	app->token = appconfig_read_token(app->cfg, &app->token_len, err, errlen);
	return app->token != NULL ? 0 : -1;
}

static int app_net_new(struct app *app, char *err, size_t errlen);

int
app_start_net(struct app *app, char *err, size_t errlen)
{
	if (app_net_new(app, err, errlen) != 0)
		return -1;
	net_start(app->net);
	return 0;
}

int
app_connect(struct app *app, char *err, size_t errlen)
{
	return app_net_new(app, err, errlen);
}

int
app_wait(struct app *app, const bool *done, int timeout_ms)
{
	struct pollfd fds[64];
	int64_t end = app_ms() + timeout_ms;
	int n, t;

	while (!*done) {
		t = (int)(end - app_ms());
		if (t <= 0)
			return -1;
		n = net_pollfds(app->net, fds, 64, &t);
		if (t < 0 || t > 200)
			t = 200;
		if (poll(fds, (nfds_t)n, t) < 0 && errno != EINTR)
			return -1;
		net_dispatch(app->net, fds, n);
	}
	return 0;
}

/* The relay client from the config (the token is wiped after). */
static int
app_net_new(struct app *app, char *err, size_t errlen)
{
	struct net_options o;
	struct net_callbacks cb = { app, app_on_me, app_on_events, app_on_state,
	    window_on_snapshot, relaylog_on_sync };
	size_t len;
	char *tok;

	if (app->token == NULL && app_read_token(app, err, errlen) != 0)
		return -1;
	tok = app->token;
	len = app->token_len;
	app->token = NULL;
	memset(&o, 0, sizeof o);
	o.url = app->cfg->relay_url;
	o.token = tok;
	o.token_len = len;
	o.ca_file = app->cfg->ca_file;
	o.token_file = app->cfg->token_file;
	o.cursor = app->cache != NULL ? cache_cursor(app->cache) :
	    model_last_seq(app->model);
	if (getenv("TTYDESK_SYNC_WAIT") != NULL)
		o.wait = atoi(getenv("TTYDESK_SYNC_WAIT"));
	if (getenv("TTYDESK_BACKOFF_MAX_MS") != NULL)
		o.backoff_max_ms = atoi(getenv("TTYDESK_BACKOFF_MAX_MS"));
	window_net_options(app, &o);
	app->net = net_new(&o, &cb, err, errlen);
	secfile_wipe(tok, len);
	return app->net == NULL ? -1 : 0;
}

struct app_req {
	struct app *app;
	app_done_fn done;
	app_progress_fn progress;
	void *ud;
	void *owned; /* ud, when the request holds a copy (app_get_ctx) */
	struct app_req *next;
};

static void
app_req_unlink(struct app *app, struct app_req *r)
{
	struct app_req **p;

	for (p = &app->reqs; *p != NULL; p = &(*p)->next) {
		if (*p == r) {
			*p = r->next;
			return;
		}
	}
}

/* net_free() cancels requests without calling back. */
static void
app_reqs_free(struct app *app)
{
	struct app_req *r, *next;

	for (r = app->reqs; r != NULL; r = next) {
		next = r->next;
		free(r->owned);
		free(r);
	}
	app->reqs = NULL;
}

static void
app_req_done(void *ud, long status, const char *body, size_t len,
    const char *err)
{
	struct app_req *r = ud;

	app_req_unlink(r->app, r);
	if (r->done != NULL)
		r->done(r->app, r->ud, status, body, len, err);
	free(r->owned);
	free(r);
}

static struct app_req *
app_req_new(struct app *app, app_done_fn done, void *ud, char *err,
    size_t errlen)
{
	struct app_req *r;

	if (app->net == NULL) {
		snprintf(err, errlen, "not connected to a relay");
		return NULL;
	}
	if ((r = malloc(sizeof *r)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->app = app;
	r->done = done;
	r->progress = NULL;
	r->ud = ud;
	r->owned = NULL;
	r->next = app->reqs;
	app->reqs = r;
	return r;
}

/* rc of the net call: a request that did not start is dropped. */
static int
app_req_started(struct app *app, struct app_req *r, int rc)
{
	if (rc == 0)
		return 0;
	app_req_unlink(app, r);
	free(r->owned);
	free(r);
	return -1;
}

int
app_post(struct app *app, const char *path, const json_t *body,
    app_done_fn done, void *ud, char *err, size_t errlen)
{
	struct app_req *r = app_req_new(app, done, ud, err, errlen);

	if (r == NULL)
		return -1;
	return app_req_started(app, r, net_post_json(app->net, path, body,
	    app_req_done, r, err, errlen));
}

static void
app_req_progress(void *ud, int64_t sent, int64_t total)
{
	struct app_req *r = ud;

	if (r->progress != NULL)
		r->progress(r->app, r->ud, sent, total);
}

int
app_post_bytes(struct app *app, const char *path, const void *bytes,
    size_t len, const char *ctype, app_progress_fn progress,
    app_done_fn done, void *ud, char *err, size_t errlen)
{
	struct app_req *r = app_req_new(app, done, ud, err, errlen);

	if (r == NULL)
		return -1;
	r->progress = progress;
	return app_req_started(app, r, net_post_bytes(app->net, path, bytes,
	    len, ctype, app_req_progress, app_req_done, r, err, errlen));
}

/* GET path; owned: ud is a copy the request frees (app_get_ctx). */
static int
app_get_with(struct app *app, const char *path, app_done_fn done, void *ud,
    bool owned, char *err, size_t errlen)
{
	struct app_req *r = app_req_new(app, done, ud, err, errlen);

	if (r == NULL) {
		if (owned)
			free(ud);
		return -1;
	}
	r->owned = owned ? ud : NULL;
	return app_req_started(app, r, net_get(app->net, path, app_req_done,
	    r, err, errlen));
}

int
app_get(struct app *app, const char *path, app_done_fn done, void *ud,
    char *err, size_t errlen)
{
	return app_get_with(app, path, done, ud, false, err, errlen);
}

int
app_get_ctx(struct app *app, const char *path, app_done_fn done,
    const void *ctx, size_t size, char *err, size_t errlen)
{
	void *copy;

	if ((copy = malloc(size)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(copy, ctx, size);
	return app_get_with(app, path, done, copy, true, err, errlen);
}

int
app_get_file(struct app *app, const char *path, const char *file,
    app_done_fn done, void *ud, char *err, size_t errlen)
{
	struct app_req *r = app_req_new(app, done, ud, err, errlen);

	if (r == NULL)
		return -1;
	return app_req_started(app, r, net_get_file(app->net, path, file,
	    app_req_done, r, err, errlen));
}

/* --- status messages and helpers ------------------------------------------ */

static void
app_vmessage(struct app *app, bool error, const char *fmt, va_list ap)
{
	char buf[sizeof app->msg];

	/* A message that must be read ("restored from a backup") is not
	 * pushed away at once by routine ones ("reply: done"). */
	if (!error && app->now < app->msg_hold)
		return;
	vsnprintf(buf, sizeof buf, fmt, ap);
	/* Messages may quote customer text (file names): keep it inert. */
	{
		char *s = sanitize_text(buf, strlen(buf), SANITIZE_SINGLE_LINE);
		snprintf(app->msg, sizeof app->msg, "%s", s ? s : "");
		free(s);
	}
	app->msg_error = error;
	app->msg_at = app->now;
	app_redraw(app, APP_REDRAW_STATUS);
}

void
app_redraw(struct app *app, unsigned what)
{
	VIEW(app, redraw, what);
}

void
app_message(struct app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	app_vmessage(app, false, fmt, ap);
	va_end(ap);
}

void
app_error(struct app *app, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	app_vmessage(app, true, fmt, ap);
	va_end(ap);
}

struct td_conversation *
app_selected_conv(const struct app *app)
{
	return app->view_ops != NULL && app->view_ops->selected != NULL ?
	    app->view_ops->selected(app) : NULL;
}

const char *
app_open_id(const struct app *app)
{
	return app->view_ops != NULL && app->view_ops->open_id != NULL ?
	    app->view_ops->open_id(app) : NULL;
}

struct td_conversation *
app_open_conv(const struct app *app)
{
	const char *id = app_open_id(app);

	return id != NULL ? model_find(app->model, id) : NULL;
}

struct td_conversation *
app_reading_conv(const struct app *app)
{
	const char *id = app_open_id(app);

	if (id == NULL || !app_view_says(app, app->view_ops->thread_focused))
		return NULL;
	return model_find(app->model, id);
}

const char *
app_viewing_id(const struct app *app)
{
	const char *id = app_open_id(app);

	if (id == NULL || app->quit)
		return NULL;
	if (!app_view_says(app, app->view_ops->thread_focused) &&
	    !app_view_says(app, app->view_ops->composing))
		return NULL;
	return id;
}

bool
app_conv_is_mine(const struct app *app, const struct td_conversation *c)
{
	const struct td_conv_state *s = &c->state;
	size_t i;

	if (s->status == TD_CS_RESOLVED || s->status == TD_CS_SNOOZED)
		return false;
	if (s->assignee == NULL)
		return true; /* unassigned: everyone's queue */
	if (app->self_id != NULL && strcmp(s->assignee, app->self_id) == 0)
		return true;
	for (i = 0; s->team != NULL && i < app->n_my_teams; i++) {
		if (strcmp(s->team, app->my_teams[i]) == 0)
			return true;
	}
	return false;
}

/* --- cache ---------------------------------------------------------------- */

/* Replaying a big cache takes a while: show what is there so far and
 * answer keys after LOAD_FRAME_MS, so the screen is up at once.  Each
 * such frame sorts and draws all that is loaded, so the pause doubles
 * after each one: a few frames in all, not one cost of the whole list
 * every 100 ms. */
#define LOAD_FRAME_MS 100

int64_t
app_ms(void)
{
	return clock_ms();
}

struct load_state {
	struct app *app;
	size_t n;
	int64_t next_frame;
	int64_t pause; /* ms until the next frame, doubling */
};

static void
app_load_frame(struct load_state *ls)
{
	struct app *app = ls->app;

	app_after_events(app, TD_CHANGED_LIST);
	app_message(app, "loading the cache: %zu events ...", ls->n);
	/* Keys now, while every pointer the list holds is fresh. */
	VIEW0(app, frame);
	ls->pause *= 2;
	ls->next_frame = app_ms() + ls->pause;
}

static void
app_cache_event(void *ud, const char *json, size_t len)
{
	struct load_state *ls = ud;

	app_apply_text(ls->app, json, len);
	ls->n++;
	if (ls->app->view_ops != NULL &&
	    app_view_says(ls->app, ls->app->view_ops->started) &&
	    (ls->n & 1023) == 0 &&
	    app_ms() >= ls->next_frame)
		app_load_frame(ls);
}

static void
app_cache_outbox(void *ud, const char *client_id, const char *json,
    size_t len)
{
	struct load_state *ls = ud;

	outbox_restore(ls->app, client_id, json, len);
}

static void
app_cache_draft(void *ud, const char *conv, const char *text, size_t len)
{
	struct load_state *ls = ud;

	VIEW(ls->app, put_draft, conv, text, len, false);
}

void
app_cache_idle(struct app *app)
{
	char err[256];

	if (app->cache == NULL)
		return;
	if (app->cache_unsynced) {
		if (cache_sync(app->cache, err, sizeof err) != 0)
			app_error(app, "cache: %s", err);
		app->cache_unsynced = false;
	}
	window_idle(app);
	/* Compaction rewrites the snapshot: only while the agent is idle. */
	if (app->now - app->last_key >= 5 && cache_should_compact(app->cache) &&
	    cache_compact(app->cache, err, sizeof err) != 0)
		app_error(app, "cache: %s", err);
}

int
app_load_cache(struct app *app, char *err, size_t errlen)
{
	struct load_state ls = { app, 0, 0, LOAD_FRAME_MS };
	struct cache_visitor v = { &ls, app_cache_event, app_cache_outbox,
	    app_cache_draft };
	int rc;

	if (app->cache == NULL)
		return CACHE_OK;
	ls.next_frame = app_ms() + LOAD_FRAME_MS;
	app->loading = true;
	rc = cache_load(app->cache, &v, err, errlen);
	/* Positions after the events: unread counts start from them. */
	readpos_restore(app);
	app->loading = false;
	if (app->msg[0] != '\0' && strncmp(app->msg, "loading the cache",
	    17) == 0) {
		app->msg[0] = '\0';
		app_redraw(app, APP_REDRAW_STATUS);
	}
	app_after_events(app, TD_CHANGED_LIST);
	/* A cache from before the window, or one the window moved past. */
	window_evict(app);
	return rc;
}
