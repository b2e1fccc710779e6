/*
 * History on demand (history.h): one small record per conversation asked
 * for in this run, the page requests, and merging their events.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/cache.h"
#include "ttydesk/model.h"
#include "ttydesk/strfields.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "history.h"
#include "net.h"
#include "net_answer.h"
#include "outbox.h"
#include "readpos.h"

#define HISTORY_PAGE 50

enum hist_state {
	HIST_LOADING = 0,
	HIST_MORE,      /* older pages on the relay */
	HIST_DONE,      /* no older messages */
	HIST_FAILED,
};

struct hist {
	char *conv;
	enum hist_state state;
	int64_t before;        /* for the next older page */
	history_done_fn done;
};

struct history {
	struct hist *v;
	size_t n, cap;
};

struct hist_req {
	char *conv;
};

static struct hist *
hist_find(const struct app *app, const char *conv)
{
	const struct history *h = app->history;
	size_t i;

	for (i = 0; h != NULL && i < h->n; i++)
		if (strcmp(h->v[i].conv, conv) == 0)
			return &h->v[i];
	return NULL;
}

static struct hist *
hist_get(struct app *app, const char *conv)
{
	struct history *h = app->history;
	struct hist *e = hist_find(app, conv);

	if (e != NULL)
		return e;
	if (h == NULL && (h = app->history = calloc(1, sizeof *h)) == NULL)
		return NULL;
	if (vec_grow(&h->v, &h->cap, h->n + 1, sizeof *h->v) != 0)
		return NULL;
	e = &h->v[h->n];
	memset(e, 0, sizeof *e);
	if ((e->conv = strdup(conv)) == NULL)
		return NULL;
	e->state = HIST_FAILED;
	h->n++;
	return e;
}

static const size_t hist_strs[] = {
	offsetof(struct hist, conv),
};

void
history_free(struct app *app)
{
	struct history *h = app->history;

	if (h == NULL)
		return;
	strfields_vec_free(&h->v, &h->n, sizeof *h->v, hist_strs,
	    STRFIELDS_N(hist_strs));
	free(h);
	app->history = NULL;
}

int
history_parse(const char *body, size_t len, const char *conv,
    json_t **events, bool *more, int64_t *before, char *err, size_t errlen)
{
	struct net_page p;
	int rc = -1;

	*events = NULL;
	if (net_page_load(body, len, "history answer", "more", &p, err,
	    errlen) != 0)
		return -1;
	if (p.more && p.before <= 0)
		snprintf(err, errlen, "the relay's history answer has more but "
		    "no 'before'");
	else if (net_page_events(&p, 0, INT64_MAX, conv, events, err,
	    errlen) == 0) {
		*more = p.more;
		*before = p.before;
		rc = 0;
	}
	net_page_free(&p);
	return rc;
}

/* A resolved conversation's past was dealt with: its pages open at the
 * newest message, not at a first "unread" one that only looks unread
 * because this cache never held a read position for it. */
static void
history_read(struct app *app, const char *conv)
{
	struct td_conversation *c = model_find(app->model, conv);

	if (c != NULL && c->state.status == TD_CS_RESOLVED && c->unread > 0)
		readpos_mark(app, c);
}

static void
history_answer(struct app *app, void *ud, long status, const char *body,
    size_t len, const char *err)
{
	struct hist_req *r = ud;
	struct hist *e = hist_find(app, r->conv);
	json_t *events = NULL;
	int64_t before = 0;
	bool more = false, ok = false;
	char why[256];

	/* Shutting down (net_free cancels): nothing to show any more. */
	if (e == NULL || (status == 0 && strcmp(err, "cancelled") == 0))
		goto out;
	if (status != 200) {
		if (status == 404)
			app_error(app, "the relay does not know this conversation");
		else {
			/* A refusal (403) in the relay's own words. */
			obx_error_text(why, sizeof why, status, body, err);
			app_error(app, "history: %s", why);
		}
	} else if (history_parse(body, len, r->conv, &events, &more, &before,
	    why, sizeof why) != 0) {
		app_error(app, "history: %s", why);
	} else if (app_store_events(app, events, app->cache != NULL ?
	    cache_cursor(app->cache) : model_last_seq(app->model)) == 0) {
		ok = true;
	}
	json_decref(events);
	if (ok)
		history_read(app, r->conv);
	e->state = !ok ? HIST_FAILED : more ? HIST_MORE : HIST_DONE;
	if (ok && more)
		e->before = before;
	app_after_events(app, TD_CHANGED_LIST | TD_CHANGED_THREAD);
	app_redraw(app, APP_REDRAW_THREAD);
	if (e->done != NULL) {
		history_done_fn done = e->done;
		e->done = NULL;
		done(app, r->conv, ok);
	}
out:
	free(r->conv);
	free(r);
}

static int
history_get(struct app *app, struct hist *e, char *err, size_t errlen)
{
	char path[1400], suffix[64];
	struct hist_req *r;

	if (e->state == HIST_MORE)
		snprintf(suffix, sizeof suffix, "/messages?limit=%d&before=%"
		    PRId64, HISTORY_PAGE, e->before);
	else
		snprintf(suffix, sizeof suffix, "/messages?limit=%d",
		    HISTORY_PAGE);
	if (net_conv_path(path, sizeof path, e->conv, suffix) == NULL) {
		snprintf(err, errlen, "conversation id too long");
		return -1;
	}
	if ((r = calloc(1, sizeof *r)) == NULL ||
	    (r->conv = strdup(e->conv)) == NULL) {
		free(r);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (app_get(app, path, history_answer, r, err, errlen) != 0) {
		free(r->conv);
		free(r);
		return -1;
	}
	e->state = HIST_LOADING;
	app_redraw(app, APP_REDRAW_THREAD);
	return 0;
}

int
history_open(struct app *app, const char *conv, history_done_fn done,
    char *err, size_t errlen)
{
	struct hist *e = hist_get(app, conv);

	if (e == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (e->state != HIST_FAILED)
		return 1;
	e->done = done;
	if (app->net == NULL || net_state(app->net) == NET_OFFLINE ||
	    net_state(app->net) == NET_AUTH_ERROR) {
		snprintf(err, errlen, "offline");
		return -1;
	}
	return history_get(app, e, err, errlen);
}

int
history_older(struct app *app, const char *conv)
{
	struct hist *e = hist_find(app, conv);
	char err[256];

	if (e == NULL || e->state != HIST_MORE)
		return 1;
	if (history_get(app, e, err, sizeof err) != 0) {
		app_error(app, "history: %s", err);
		return -1;
	}
	return 0;
}

const char *
history_note(const struct app *app, const char *conv, bool utf8)
{
	const struct hist *e = conv != NULL ? hist_find(app, conv) : NULL;

	if (e == NULL)
		return NULL;
	switch (e->state) {
	case HIST_LOADING:
		return utf8 ? "loading older messages…" :
		    "loading older messages...";
	case HIST_DONE:
		return "no older messages";
	case HIST_MORE:
	case HIST_FAILED:
		break;
	}
	return NULL;
}
