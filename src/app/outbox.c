/* The outbox (see outbox.h). */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/cache.h"
#include "ttydesk/clientid.h"
#include "ttydesk/clock.h"
#include "ttydesk/freeall.h"
#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "ttydesk/vec.h"
#include "ttydesk/wipe.h"
#include "app.h"
#include "obfile.h"
#include "outbox.h"
#include "net.h"

#define OB_BACKOFF_MAX_MS 30000
#define OB_DONE_KEEP_MS 60000 /* an event that never comes: stop waiting */

static void
ob_entry_free(struct ob_entry *e)
{
	if (e == NULL)
		return;
	FREE_ALL(e->conv, e->what, e->path);
	wipe_str_free(e->text);
	json_decref(e->body);
	obfile_release(e);
	free(e);
}

static struct ob_entry *
ob_push(struct outbox *ob, struct ob_entry *e)
{
	if (vec_grow(&ob->e, &ob->cap, ob->n + 1, sizeof *ob->e) != 0) {
		ob_entry_free(e);
		return NULL;
	}
	ob->e[ob->n++] = e;
	return e;
}

static const struct {
	const char *what;
	enum ob_kind kind;
	bool keeps_draft;
	bool waits_event;
} ob_kinds[] = {
	{ "reply", OBK_REPLY, true, true },
	{ "note", OBK_NOTE, true, true },
	{ "template", OBK_TEMPLATE, false, true },
	{ "interactive", OBK_TEMPLATE, false, true },
	{ "bulk", OBK_BULK, false, false },
	{ "attach", OBK_MEDIA, false, true },
	{ "upload", OBK_UPLOAD, false, false },
	{ NULL, OBK_ACTION, false, false },
};

static size_t
ob_kind_row(enum ob_kind k)
{
	size_t i;

	for (i = 0; ob_kinds[i].what != NULL && ob_kinds[i].kind != k; i++)
		;
	return i;
}

enum ob_kind
obx_kind(const char *what)
{
	size_t i, n;

	for (i = 0; ob_kinds[i].what != NULL; i++) {
		n = strlen(ob_kinds[i].what);
		/* "bulk resolve": a bulk action names its action after a space. */
		if (strncmp(what, ob_kinds[i].what, n) == 0 &&
		    (what[n] == '\0' || (ob_kinds[i].kind == OBK_BULK &&
		    what[n] == ' ')))
			return ob_kinds[i].kind;
	}
	return OBK_ACTION;
}

bool
obx_kind_keeps_draft(enum ob_kind k)
{
	return ob_kinds[ob_kind_row(k)].keeps_draft;
}

bool
obx_kind_waits_event(enum ob_kind k)
{
	return ob_kinds[ob_kind_row(k)].waits_event;
}

bool
obx_kind_has_file(enum ob_kind k)
{
	return k == OBK_MEDIA || k == OBK_UPLOAD;
}

struct ob_entry *
obx_add(struct outbox *ob, const char *client_id, const char *conv,
    const char *what, const char *path, const char *text, const json_t *body)
{
	struct ob_entry *e = calloc(1, sizeof *e);

	if (e == NULL)
		return NULL;
	snprintf(e->client_id, sizeof e->client_id, "%s", client_id);
	e->conv = strdup(conv);
	e->what = strdup(what);
	e->kind = obx_kind(what);
	e->path = strdup(path);
	e->text = text != NULL ? strdup(text) : NULL;
	e->body = json_deep_copy(body);
	if (e->conv == NULL || e->what == NULL || e->path == NULL ||
	    (text != NULL && e->text == NULL) || e->body == NULL ||
	    json_object_set_new(e->body, "client_id",
	    json_string(client_id)) != 0) {
		ob_entry_free(e);
		return NULL;
	}
	return ob_push(ob, e);
}

char *
obx_serialize(const struct ob_entry *e)
{
	json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:O}", "v", 1, "conv",
	    e->conv, "what", e->what, "path", e->path, "body", e->body);
	char *s;

	if (o == NULL)
		return NULL;
	if (e->text != NULL)
		json_object_set_new(o, "text", json_string(e->text));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

struct ob_entry *
obx_restore(struct outbox *ob, const char *client_id, const char *json,
    size_t len)
{
	json_t *o = json_loadb(json, len, 0, NULL);
	const char *conv, *what, *path, *text;
	json_t *body;
	struct ob_entry *e = NULL;

	if (o == NULL)
		return NULL;
	conv = json_string_value(json_object_get(o, "conv"));
	what = json_string_value(json_object_get(o, "what"));
	path = json_string_value(json_object_get(o, "path"));
	text = json_string_value(json_object_get(o, "text"));
	body = json_object_get(o, "body");
	/* Only relay paths: the cache is ours, but stay strict. */
	if (conv != NULL && what != NULL && path != NULL &&
	    strncmp(path, "/v1/", 4) == 0 && json_is_object(body) &&
	    obx_find(ob, client_id) == NULL)
		e = obx_add(ob, client_id, conv, what, path, text, body);
	json_decref(o);
	return e;
}

struct ob_entry *
obx_find(const struct outbox *ob, const char *client_id)
{
	size_t i;

	for (i = 0; i < ob->n; i++) {
		if (strcmp(ob->e[i]->client_id, client_id) == 0)
			return ob->e[i];
	}
	return NULL;
}

void
obx_remove(struct outbox *ob, struct ob_entry *e)
{
	size_t i;

	for (i = 0; i < ob->n; i++) {
		if (ob->e[i] == e) {
			memmove(&ob->e[i], &ob->e[i + 1], (ob->n - i - 1) *
			    sizeof *ob->e);
			ob->n--;
			ob_entry_free(e);
			return;
		}
	}
}

void
obx_free(struct outbox *ob)
{
	size_t i;

	for (i = 0; i < ob->n; i++)
		ob_entry_free(ob->e[i]);
	free(ob->e);
	memset(ob, 0, sizeof *ob);
}

struct ob_entry *
obx_next(const struct outbox *ob, int64_t now_ms)
{
	size_t i;

	for (i = 0; i < ob->n; i++) {
		struct ob_entry *e = ob->e[i];
		if (e->state == OB_DONE)
			continue;
		/* In order: nothing overtakes an entry still on its way. */
		if (e->state == OB_QUEUED && e->next_ms <= now_ms)
			return e;
		return NULL;
	}
	return NULL;
}

enum ob_verdict
obx_verdict(long status)
{
	if (status >= 200 && status < 300)
		return OBV_DONE;
	if (status == 0 || status >= 500 || status == 408 || status == 429 ||
	    status == 401)
		return OBV_RETRY;
	return OBV_REFUSED;
}

enum ob_verdict
obx_answer(struct ob_entry *e, long status, int64_t now_ms, const char *why)
{
	enum ob_verdict v = obx_verdict(status);

	e->status = status;
	snprintf(e->error, sizeof e->error, "%s", v == OBV_DONE ? "" :
	    why != NULL ? why : "");
	switch (v) {
	case OBV_DONE:
		e->state = OB_DONE;
		e->done_ms = now_ms;
		break;
	case OBV_RETRY:
		e->state = OB_QUEUED;
		e->next_ms = now_ms + clock_backoff(1000, e->attempts,
		    OB_BACKOFF_MAX_MS);
		e->attempts++;
		break;
	case OBV_REFUSED:
		e->state = OB_QUEUED; /* the caller drops it */
		break;
	}
	return v;
}

size_t
obx_unsent(const struct outbox *ob)
{
	size_t i, n = 0;

	for (i = 0; i < ob->n; i++) {
		if (ob->e[i]->state != OB_DONE)
			n++;
	}
	return n;
}

/* The text of each state; a queued entry that was tried says why it waits. */
static const char *const ob_state_names[] = {
	[OB_QUEUED] = "queued",
	[OB_SENDING] = "sending",
	[OB_DONE] = "at the relay",
};

void
obx_state_text(const struct ob_entry *e, char *buf, size_t len)
{
	if (e->state == OB_QUEUED && e->attempts > 0)
		snprintf(buf, len, "queued, not sent yet (%s, try %d)",
		    e->status == 0 || !e->error[0] ? "relay unreachable" :
		    e->error, e->attempts + 1);
	else
		snprintf(buf, len, "%s", ob_state_names[e->state]);
}

void
obx_error_text(char *buf, size_t len, long status, const char *body,
    const char *err)
{
	json_t *o;
	const char *m = NULL;

	if (status == 0) {
		snprintf(buf, len, "%s", err != NULL && *err ? err :
		    "relay unreachable");
		return;
	}
	if (body != NULL && (o = json_loads(body, 0, NULL)) != NULL) {
		m = json_string_value(json_object_get(json_object_get(o, "error"),
		    "message"));
		/* Also the flat form {"error": "forbidden", "message": ..}. */
		if (m == NULL && json_is_string(json_object_get(o, "error")))
			m = json_string_value(json_object_get(o, "message"));
		if (m != NULL)
			snprintf(buf, len, "%s", m);
		json_decref(o);
	}
	if (m == NULL)
		snprintf(buf, len, "relay answered HTTP %ld", status);
}

/* --- in the app ----------------------------------------------------------- */

static struct outbox *
ob_of(struct app *app)
{
	if (app->outbox == NULL)
		app->outbox = calloc(1, sizeof *app->outbox);
	return app->outbox;
}

static void
ob_redraw(struct app *app, const char *conv)
{
	if (app->view_ops != NULL && app->view_ops->conv_changed != NULL)
		app->view_ops->conv_changed(app, conv);
	app_redraw(app, APP_REDRAW_THREAD | APP_REDRAW_STATUS);
}

/* A refused reply or note goes back to the compose draft. */
static void
ob_keep_for_edit(struct app *app, const struct ob_entry *e)
{
	if (e->text == NULL || !obx_kind_keeps_draft(e->kind))
		return;
	if (app->view_ops != NULL && app->view_ops->put_draft != NULL)
		app->view_ops->put_draft(app, e->conv, e->text, strlen(e->text), true);
}

/* "3 done, 1 refused: no team x" from a /v1/bulk answer into buf. */
void
outbox_bulk_summary(const char *body, char *buf, size_t len)
{
	json_t *o = json_loads(body ? body : "", 0, NULL), *r;
	size_t i, ok = 0, bad = 0;
	const char *first = NULL;

	json_array_foreach(json_object_get(o, "results"), i, r) {
		if (json_is_true(json_object_get(r, "ok")))
			ok++;
		else {
			bad++;
			if (first == NULL)
				first = json_string_value(json_object_get(
				    json_object_get(r, "error"), "message"));
			if (first == NULL)
				first = json_string_value(json_object_get(r,
				    "error"));
		}
	}
	snprintf(buf, len, "%zu done%s%zu%s%s%s", ok, bad ? ", " : "", bad,
	    bad ? " refused" : "", first ? ": " : "", first ? first : "");
	if (bad == 0)
		snprintf(buf, len, "%zu done", ok);
	json_decref(o);
}

static void
ob_done(struct app *app, void *ud, long status, const char *body, size_t len,
    const char *err)
{
	struct outbox *ob = app->outbox;
	struct ob_entry *e = ud;
	char why[256], cerr[256];
	enum ob_verdict v;

	(void)len;
	obx_error_text(why, sizeof why, status, body, err);
	v = obx_answer(e, status, clock_ms(), why);
	obfile_sent(app, e);
	ob_redraw(app, e->conv);
	if (v == OBV_RETRY) {
		app_error(app, "%s queued: %s; retrying", e->what, why);
		outbox_run(app);
		return;
	}
	if (app->cache != NULL && cache_outbox_ack(app->cache, e->client_id,
	    cerr, sizeof cerr) != 0)
		app_error(app, "cache: %s", cerr);
	obfile_forget(app, e);
	if (v == OBV_DONE && e->kind == OBK_BULK) {
		outbox_bulk_summary(body, why, sizeof why);
		app_message(app, "%s: %s", e->what, why);
		obx_remove(ob, e);
	} else if (v == OBV_DONE) {
		app_message(app, "%s: done", e->what);
		/* Actions have no event of their own to wait for. */
		if (!obx_kind_waits_event(e->kind))
			obx_remove(ob, e);
	} else {
		ob_keep_for_edit(app, e);
		app_error(app, "%s refused: %s%s", e->what, why,
		    e->text && obx_kind_keeps_draft(e->kind) ?
		    " (kept as draft)" : "");
		obx_remove(ob, e);
	}
	outbox_run(app);
}

int
outbox_add(struct app *app, const char *conv, const char *what,
    const char *suffix, const char *text, const json_t *body)
{
	char path[1024];

	if (net_conv_path(path, sizeof path, conv, suffix) == NULL) {
		app_error(app, "%s: conversation id too long", what);
		return -1;
	}
	return outbox_add_path(app, conv, what, path, text, body);
}

/* The entry, with its file's bytes (a copy) when bytes is not NULL. */
static int
ob_add(struct app *app, const char *conv, const char *what, const char *path,
    const char *text, const json_t *body, const void *bytes, size_t len)
{
	struct outbox *ob = ob_of(app);
	struct ob_entry *e;
	char id[40], err[256], *json;

	if (ob == NULL) {
		app_error(app, "%s: cannot queue (out of memory)", what);
		return -1;
	}
	client_id_new(id, sizeof id);
	if ((e = obx_add(ob, id, conv, what, path, text, body)) == NULL) {
		app_error(app, "%s: out of memory", what);
		return -1;
	}
	if (bytes != NULL && obfile_keep(app, e, bytes, len, err,
	    sizeof err) != 0) {
		app_error(app, "%s not queued: %s", what, err);
		obx_remove(ob, e);
		return -1;
	}
	/* Durable before anything else sees it. */
	if (app->cache != NULL) {
		if ((json = obx_serialize(e)) == NULL ||
		    cache_outbox_put(app->cache, id, json, strlen(json), err,
		    sizeof err) != 0) {
			app_error(app, "%s not queued: %s", what, json ? err :
			    "out of memory");
			wipe_str_free(json);
			obfile_forget(app, e);
			obx_remove(ob, e);
			return -1;
		}
		wipe_str_free(json);
	}
	app_message(app, "%s queued", what);
	ob_redraw(app, conv);
	outbox_run(app);
	return 0;
}

int
outbox_add_path(struct app *app, const char *conv, const char *what,
    const char *path, const char *text, const json_t *body)
{
	return ob_add(app, conv, what, path, text, body, NULL, 0);
}

int
outbox_add_file(struct app *app, const char *conv, const char *what,
    const char *text, const void *bytes, size_t len, const json_t *upload)
{
	json_t *body = json_pack("{s:O}", "upload", upload);
	char path[1024];
	int rc = -1;

	if (net_conv_path(path, sizeof path, conv, "/media") == NULL)
		app_error(app, "%s: conversation id too long", what);
	else if (body == NULL)
		app_error(app, "%s: out of memory", what);
	else
		rc = ob_add(app, conv, what, path, text, body, bytes, len);
	json_decref(body);
	return rc;
}

void
outbox_restore(struct app *app, const char *client_id, const char *json,
    size_t len)
{
	struct outbox *ob = ob_of(app);

	if (ob != NULL)
		obx_restore(ob, client_id, json, len);
}

int
outbox_run(struct app *app)
{
	struct outbox *ob = app->outbox;
	struct ob_entry *e;
	int64_t now = clock_ms(), wait = -1;
	char err[256];
	size_t i;
	int rc;

	if (ob == NULL || app->net == NULL)
		return -1;
	while ((e = obx_next(ob, now)) != NULL) {
		e->state = OB_SENDING;
		rc = obx_kind_has_file(e->kind) ? obfile_post(app, e, ob_done,
		    err, sizeof err) : app_post(app, e->path, e->body, ob_done, e,
		    err, sizeof err);
		if (rc == 0)
			break;
		if (rc == OBFILE_LOST) {
			/* Its bytes are gone from the cache: say so, drop it. */
			app_error(app, "%s dropped: %s", e->what, err);
			if (app->cache != NULL)
				cache_outbox_ack(app->cache, e->client_id, err,
				    sizeof err);
			ob_redraw(app, e->conv);
			obx_remove(ob, e);
			continue;
		}
		obx_answer(e, 0, now, err);
	}
	for (i = 0; i < ob->n; i++) {
		e = ob->e[i];
		if (e->state == OB_QUEUED) {
			wait = e->next_ms > now ? e->next_ms - now : 0;
			break;
		}
		if (e->state == OB_SENDING)
			break;
		if (e->state == OB_DONE && now - e->done_ms > OB_DONE_KEEP_MS) {
			ob_redraw(app, e->conv);
			obx_remove(ob, e);
			i--;
		}
	}
	return wait > INT32_MAX ? INT32_MAX : (int)wait;
}

void
outbox_online(struct app *app)
{
	struct outbox *ob = app->outbox;
	size_t i;

	if (ob == NULL)
		return;
	for (i = 0; i < ob->n; i++) {
		if (ob->e[i]->state == OB_QUEUED)
			ob->e[i]->next_ms = 0;
	}
	outbox_run(app);
}

bool
outbox_pending_in(const struct td_conversation *c, const struct ob_entry *e)
{
	return strcmp(e->conv, c->id) == 0 && (e->state != OB_DONE ||
	    !outbox_event_arrived(c, e->client_id));
}

bool
outbox_event_arrived(const struct td_conversation *c, const char *client_id)
{
	size_t i;

	for (i = c->n_messages; i > 0; i--) {
		const char *id = c->messages[i - 1]->m.client_id;
		if (id != NULL && strcmp(id, client_id) == 0)
			return true;
	}
	return false;
}

void
outbox_after_events(struct app *app)
{
	struct outbox *ob = app->outbox;
	struct td_conversation *c;
	size_t i;

	for (i = 0; ob != NULL && i < ob->n; i++) {
		struct ob_entry *e = ob->e[i];
		if (e->state != OB_DONE)
			continue;
		if ((c = model_find(app->model, e->conv)) != NULL &&
		    outbox_event_arrived(c, e->client_id)) {
			ob_redraw(app, e->conv);
			obx_remove(ob, e);
			i--;
		}
	}
}

size_t
outbox_unsent(const struct app *app)
{
	return app->outbox != NULL ? obx_unsent(app->outbox) : 0;
}

void
outbox_free(struct app *app)
{
	if (app->outbox != NULL) {
		obx_free(app->outbox);
		free(app->outbox);
		app->outbox = NULL;
	}
}
