/* Presence (see presence.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "app.h"
#include "presence.h"
#include "net.h"

#define PRESENCE_REFRESH 20 /* s; the relay forgets after 30 */
#define TYPING_EVERY 5      /* s between "typing" posts */

struct presence {
	char *conv;          /* where the relay thinks I am, NULL nowhere */
	int64_t sent_at;
	int64_t typed_at;    /* last key in the compose area */
	bool typing_sent;
};

static struct presence *
presence_of(struct app *app)
{
	if (app->presence == NULL)
		app->presence = calloc(1, sizeof *app->presence);
	return app->presence;
}

static void
presence_post(struct app *app, const char *conv, const char *activity)
{
	char path[1024], err[256];
	json_t *body;

	if (app->net == NULL || net_conv_path(path, sizeof path, conv,
	    "/presence") == NULL)
		return;
	if ((body = json_pack("{s:s}", "activity", activity)) == NULL)
		return;
	/* Ephemeral: no outbox; a lost one is replaced within 20 s. */
	app_post(app, path, body, NULL, NULL, err, sizeof err);
	json_decref(body);
}

int
presence_tick(struct app *app)
{
	struct presence *p = presence_of(app);
	const char *cur = app_viewing_id(app);
	bool typing;

	if (app->model != NULL &&
	    model_expire_presence(app->model, app->now) != 0)
		app_redraw(app, APP_REDRAW_LIST | APP_REDRAW_THREAD);
	if (p == NULL || app->net == NULL)
		return -1;
	typing = app->view_ops != NULL && app->view_ops->composing != NULL &&
	    app->view_ops->composing(app) && app->now - p->typed_at < TYPING_EVERY * 2;
	if (p->conv != NULL && (cur == NULL || strcmp(cur, p->conv) != 0)) {
		presence_post(app, p->conv, "left");
		free(p->conv);
		p->conv = NULL;
	}
	if (cur != NULL && p->conv == NULL) {
		if ((p->conv = strdup(cur)) == NULL)
			return -1;
		presence_post(app, cur, typing ? "typing" : "viewing");
		p->sent_at = app->now;
		p->typing_sent = typing;
	} else if (cur != NULL && (app->now - p->sent_at >= PRESENCE_REFRESH ||
	    (typing && !p->typing_sent) || (!typing && p->typing_sent))) {
		presence_post(app, cur, typing ? "typing" : "viewing");
		p->sent_at = app->now;
		p->typing_sent = typing;
	}
	return cur != NULL ? 1000 : -1;
}

void
presence_typing(struct app *app)
{
	struct presence *p = presence_of(app);

	if (p == NULL)
		return;
	p->typed_at = app->now;
	if (!p->typing_sent || app->now - p->sent_at >= TYPING_EVERY)
		presence_tick(app);
}

bool
presence_text(const struct app *app, const struct td_conversation *c,
    bool utf8, char *buf, size_t len)
{
	size_t i, used = 0;
	bool typing = false;
	int w;

	buf[0] = '\0';
	for (i = 0; i < c->n_presence; i++) {
		const struct td_presence *pr = &c->presence[i];
		bool t;
		if (pr->agent == NULL || pr->activity == NULL ||
		    strcmp(pr->activity, "left") == 0 || pr->expires <= app->now ||
		    (app->self_id != NULL && strcmp(pr->agent, app->self_id) == 0))
			continue;
		t = strcmp(pr->activity, "typing") == 0;
		typing = typing || t;
		w = snprintf(buf + used, len - used, "%s%s is %s", used ? ", " : "",
		    pr->agent, t ? (utf8 ? "typing…" : "typing...") :
		    "viewing");
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	return typing;
}

void
presence_free(struct app *app)
{
	if (app->presence != NULL) {
		free(app->presence->conv);
		free(app->presence);
		app->presence = NULL;
	}
}
