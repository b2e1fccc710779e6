/* Conversation actions (see convact.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/freeall.h"
#include "ttydesk/ini.h"
#include "ttydesk/model.h"
#include "actions.h"
#include "app.h"
#include "assignees.h"
#include "bulk.h"
#include "compose.h"
#include "convact.h"
#include "editor.h"
#include "dialog.h"
#include "keymap.h"
#include "convreq.h"
#include "labels.h"
#include "outbox.h"
#include "picker.h"
#include "presence.h"
#include "ui.h"
#include "escalate.h"
#include "threadview.h"

bool
convact_confirm_on(const struct app *app)
{
	const char *v = app->cfg ? ini_get(&app->cfg->ini, "ui", "confirm") :
	    NULL;

	return v == NULL || ini_parse_bool(v) != 0;
}

/* Compose needs the thread: open it when the action came from the list. */
static struct td_conversation *
target_open(struct app *app)
{
	struct td_conversation *c = action_target(app);

	if (c != NULL && (ui_of(app)->open_id == NULL || strcmp(ui_of(app)->open_id,
	    c->id) != 0 || ui_of(app)->focus != FOCUS_THREAD)) {
		thread_open(app, c->id);
		c = app_open_conv(app);
	}
	return c;
}

/* --- compose -------------------------------------------------------------- */

struct reply_ask {
	char *conv;
	char *quote;  /* message id, NULL none */
	enum compose_mode mode;
	bool editor;
};

static void
reply_go(struct app *app, struct reply_ask *r)
{
	struct td_conversation *c = model_find(app->model, r->conv);
	const struct td_msg *q = r->quote ? conversation_find_message(c,
	    r->quote) : NULL;

	if (c != NULL && compose_open(app, c, r->mode, q) == 0 && r->editor)
		compose_editor(app);
}

static void
reply_ask_free(struct reply_ask *r)
{
	FREE_ALL(r->conv, r->quote, r);
}

static void
reply_confirmed(struct app *app, void *ud, int yes)
{
	struct reply_ask *r = ud;

	if (yes == 1)
		reply_go(app, r);
	reply_ask_free(r);
}

static int
reply_start(struct app *app, const struct td_msg *quote, enum compose_mode mode,
    bool editor)
{
	struct td_conversation *c = target_open(app);
	struct reply_ask *r;
	char why[256], q[512], who[256];

	if (c == NULL)
		return UI_HANDLED;
	if (mode == CM_REPLY && !compose_window_ok(c, app->now, why, sizeof why))
		return picker_template(app, c, why);
	if ((r = calloc(1, sizeof *r)) == NULL || (r->conv = strdup(c->id)) ==
	    NULL) {
		free(r);
		return UI_HANDLED;
	}
	r->mode = mode;
	r->editor = editor;
	if (quote != NULL && quote->m.id != NULL)
		r->quote = strdup(quote->m.id);
	/* Replying in someone else's conversation is a surprise for them. */
	if (mode == CM_REPLY && !compose_active(app) && convact_confirm_on(app) &&
	    assignees_other(app, c) != NULL) {
		snprintf(q, sizeof q, "%s is assigned to %s: reply anyway?",
		    conversation_display_name(c), c->state.assignee);
		if (dialog_confirm(app, q, reply_confirmed, r) != 0)
			reply_ask_free(r);
		return UI_HANDLED;
	}
	/* So is answering while a colleague is typing an answer. */
	if (mode == CM_REPLY && !compose_active(app) && convact_confirm_on(app) &&
	    presence_text(app, c, ui_of(app)->utf8, who, sizeof who)) {
		snprintf(q, sizeof q, "%s: reply anyway?", who);
		if (dialog_confirm(app, q, reply_confirmed, r) != 0)
			reply_ask_free(r);
		return UI_HANDLED;
	}
	reply_go(app, r);
	reply_ask_free(r);
	return UI_HANDLED;
}

int
convact_reply(struct app *app)
{
	return reply_start(app, NULL, CM_REPLY, false);
}

int
convact_reply_to(struct app *app)
{
	const struct td_msg *m;

	if (ui_of(app)->open_id == NULL || ui_of(app)->focus != FOCUS_THREAD ||
	    (m = thread_selected(app)) == NULL) {
		app_message(app, "open a conversation and select the message "
		    "to quote");
		return UI_HANDLED;
	}
	return reply_start(app, m, CM_REPLY, false);
}

int
convact_send(struct app *app)
{
	if (!compose_active(app))
		app_message(app, "nothing composed (r starts a reply)");
	else
		compose_send(app);
	return UI_HANDLED;
}

int
convact_editor(struct app *app)
{
	if (compose_active(app)) {
		compose_editor(app);
		return UI_HANDLED;
	}
	return reply_start(app, NULL, CM_REPLY, true);
}

int
convact_note(struct app *app)
{
	return reply_start(app, NULL, CM_NOTE, false);
}

int
convact_template(struct app *app)
{
	struct td_conversation *c = target_open(app);

	return c != NULL ? picker_template(app, c, NULL) : UI_HANDLED;
}

int
convact_canned(struct app *app)
{
	if (target_open(app) == NULL)
		return UI_HANDLED;
	return picker_canned(app);
}

/* --- assignment and status ------------------------------------------------ */

int
convact_claim(struct app *app)
{
	struct td_conversation *c;

	if (app->self_id == NULL) {
		app_error(app, "not connected yet: who am I?");
		return UI_HANDLED;
	}
	if (action_bulk(app)) {
		bulk_run(app, "assign", json_string(app->self_id));
		return UI_HANDLED;
	}
	c = action_target(app);
	if (c->state.assignee != NULL && strcmp(c->state.assignee,
	    app->self_id) == 0) {
		app_message(app, "already assigned to you");
		return UI_HANDLED;
	}
	convreq_assign(app, c->id, "claim", app->self_id);
	return UI_HANDLED;
}

int
convact_assign(struct app *app)
{
	if (action_bulk(app))
		return picker_assign(app, NULL);
	return picker_assign(app, action_target(app));
}

int
convact_unassign(struct app *app)
{
	if (action_bulk(app))
		bulk_run(app, "assign", json_null());
	else
		convreq_assign(app, action_target(app)->id, "unassign", NULL);
	return UI_HANDLED;
}

static int
set_status(struct app *app, struct td_conversation *c, const char *what,
    const char *status)
{
	if (c == NULL)
		bulk_run(app, "status", json_string(status));
	else
		convreq_status(app, c->id, what, status);
	return UI_HANDLED;
}

int
convact_pending(struct app *app)
{
	return set_status(app, action_bulk(app) ? NULL : action_target(app),
	    "pending", "pending");
}

static void
resolve_confirmed(struct app *app, void *ud, int yes)
{
	char *conv = ud;
	struct td_conversation *c = conv ? model_find(app->model, conv) : NULL;

	if (yes == 1 && (c != NULL || conv == NULL))
		set_status(app, c, "resolve", "resolved");
	free(conv);
}

int
convact_resolve(struct app *app)
{
	struct td_conversation *c;
	const char *d;
	char *conv, q[128];

	if (action_bulk(app)) {
		if (!convact_confirm_on(app))
			return set_status(app, NULL, "resolve", "resolved");
		snprintf(q, sizeof q, "Resolve the %zu marked conversations?",
		    bulk_count(app));
		dialog_confirm(app, q, resolve_confirmed, NULL);
		return UI_HANDLED;
	}
	c = action_target(app);
	d = compose_draft(app, c->id);
	if (convact_confirm_on(app) && ((d != NULL && *d != '\0') ||
	    (compose_active(app) && strcmp(ui_of(app)->composer->conv, c->id) == 0 &&
	    !cbuf_blank(&ui_of(app)->composer->buf)))) {
		if ((conv = strdup(c->id)) == NULL)
			return UI_HANDLED;
		if (dialog_confirm(app, "There is an unsent draft here: resolve "
		    "anyway?", resolve_confirmed, conv) != 0)
			free(conv);
		return UI_HANDLED;
	}
	return set_status(app, c, "resolve", "resolved");
}

int
convact_reopen(struct app *app)
{
	return set_status(app, action_bulk(app) ? NULL : action_target(app),
	    "reopen", "open");
}

int
convact_escalate(struct app *app)
{
	return escalate_open(app, action_target(app));
}

/* --- labels and snooze ---------------------------------------------------- */

struct label_ask {
	char *conv;  /* NULL: the bulk selection */
	const char **known;
	size_t n_known;
};

static void
label_ask_free(struct label_ask *a)
{
	FREE_ALL(a->conv, a->known, a);
}

static void
labels_change(struct app *app, void *ud, const char *text)
{
	struct label_ask *a = ud;
	char buf[256];
	size_t n = labels_complete(text, a->known, a->n_known, buf, sizeof buf);

	dialog_note(app, n == 0 ? (a->n_known ? "new label" : NULL) : buf);
}

static void
labels_done(struct app *app, void *ud, const char *text)
{
	struct label_ask *a = ud;
	struct label_edit e;
	char err[256];

	if (text != NULL && labels_parse(text, a->known, a->n_known, &e, err,
	    sizeof err) != 0)
		app_error(app, "%s", err);
	else if (text != NULL) {
		if (a->conv != NULL)
			convreq_labels(app, a->conv, &e);
		else
			bulk_run(app, "labels", labels_body(&e));
		labels_edit_free(&e);
	}
	label_ask_free(a);
}

int
convact_labels(struct app *app)
{
	struct td_conversation *c = NULL;
	struct label_ask *a;
	char label[512] = "Labels (word adds, -word removes): ";
	size_t i, used;

	/* Marked conversations, when the list has the focus (as the other
	 * bulk actions). */
	if (!action_bulk(app))
		c = action_target(app);
	if ((a = calloc(1, sizeof *a)) == NULL)
		return UI_HANDLED;
	if (c != NULL && (a->conv = strdup(c->id)) == NULL) {
		label_ask_free(a);
		return UI_HANDLED;
	}
	a->n_known = labels_known(app, &a->known);
	if (c != NULL && c->state.n_labels > 0) {
		used = (size_t)snprintf(label, sizeof label, "Labels [");
		for (i = 0; i < c->state.n_labels && used < 200; i++)
			used += (size_t)snprintf(label + used, sizeof label - used,
			    "%s%s", i ? " " : "", c->state.labels[i]);
		snprintf(label + used, sizeof label - used, "] add, -remove: ");
	} else if (c == NULL)
		snprintf(label, sizeof label, "Labels for %zu marked (word adds, "
		    "-word removes): ", bulk_count(app));
	if (dialog_prompt(app, label, "", labels_change, labels_done, a) != 0)
		label_ask_free(a);
	return UI_HANDLED;
}

static void
snooze_done(struct app *app, void *ud, const char *text)
{
	char *conv = ud, err[256], when[64];
	int64_t until;
	time_t t;
	struct tm tm;

	if (text != NULL && snooze_parse(text, app->now, &until, err,
	    sizeof err) != 0)
		app_error(app, "%s", err);
	else if (text != NULL && convreq_snooze(app, conv, until) == 0) {
		t = (time_t)until;
		localtime_r(&t, &tm);
		strftime(when, sizeof when, "%a %d %b %H:%M", &tm);
		app_message(app, "snoozed until %s", when);
	}
	free(conv);
}

int
convact_snooze(struct app *app)
{
	char *conv;

	if ((conv = strdup(action_target(app)->id)) == NULL)
		return UI_HANDLED;
	if (dialog_prompt(app, "Snooze until (2h, tomorrow 9:00, mon): ", "",
	    NULL, snooze_done, conv) != 0)
		free(conv);
	return UI_HANDLED;
}

/* --- failed messages ------------------------------------------------------ */

static const struct td_msg *
failed_selected(struct app *app)
{
	const struct td_msg *m = NULL;

	if (ui_of(app)->open_id != NULL && ui_of(app)->focus == FOCUS_THREAD)
		m = thread_selected(app);
	if (m == NULL || m->m.direction != TD_DIR_OUT ||
	    m->m.status != TD_MS_FAILED) {
		app_message(app, "select a failed message (✗) in the thread first");
		return NULL;
	}
	if (m->m.kind != TD_KIND_TEXT || m->m.text == NULL) {
		app_message(app, "only text can be re-sent; t sends a template");
		return NULL;
	}
	return m;
}

int
convact_retry(struct app *app)
{
	struct td_conversation *c = app_open_conv(app);
	const struct td_msg *m = failed_selected(app);
	char why[256];
	json_t *body;

	if (m == NULL || c == NULL)
		return UI_HANDLED;
	if (!compose_window_ok(c, app->now, why, sizeof why))
		return picker_template(app, c, why);
	/* A new message (new client_id): the failed one stays failed. */
	body = m->m.reply_to ? json_pack("{s:s, s:s}", "text", m->m.text,
	    "reply_to", m->m.reply_to) : json_pack("{s:s}", "text", m->m.text);
	if (body != NULL)
		outbox_add(app, c->id, "reply", "/messages", m->m.text, body);
	json_decref(body);
	return UI_HANDLED;
}

int
convact_edit(struct app *app)
{
	struct td_conversation *c = app_open_conv(app);
	const struct td_msg *m = failed_selected(app);
	char *text;

	if (m == NULL || c == NULL || (text = strdup(m->m.text)) == NULL)
		return UI_HANDLED;
	if (compose_open(app, c, CM_REPLY, NULL) == 0) {
		cbuf_set(&ui_of(app)->composer->buf, text);
		ui_of(app)->compose.dirty = true;
		app_message(app, "edit and C-s to send again");
	}
	free(text);
	return UI_HANDLED;
}

/* --- quit ----------------------------------------------------------------- */

static void
quit_confirmed(struct app *app, void *ud, int yes)
{
	(void)ud;
	if (yes == 1)
		app->quit = true;
}

int
convact_quit(struct app *app)
{
	size_t n = outbox_unsent(app);
	char q[256];

	if (n == 0 || !convact_confirm_on(app))
		return UI_HANDLED | UI_QUIT;
	snprintf(q, sizeof q, "%zu action%s not at the relay yet (kept, sent "
	    "at the next start): quit?", n, n == 1 ? "" : "s");
	dialog_confirm(app, q, quit_confirmed, NULL);
	return UI_HANDLED;
}
