/* Canned replies, templates and the agent picker (see picker.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/freeall.h"
#include "ttydesk/model.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "bulk.h"
#include "canned.h"
#include "convreq.h"
#include "compose.h"
#include "dialog.h"
#include "keymap.h"
#include "outbox.h"
#include "assignees.h"
#include "picker.h"
#include "rtpick.h"
#include "tmpl.h"
#include "ui.h"

/* --- the name = value lists of canned replies and templates -------------- */

/* The items of a config section, for one conversation. */
struct pick_items {
	char *conv;
	const char **keys;
	const char **values;
	size_t n;
};

/* Fills p from section for conversation c: 0, or -1 (with "open a
 * conversation first" when there is none). */
static int
pick_items_load(struct app *app, const struct td_conversation *c,
    const char *section, struct pick_items *p)
{
	if (c == NULL) {
		app_message(app, "open a conversation first");
		return -1;
	}
	if ((p->conv = strdup(c->id)) == NULL)
		return -1;
	p->n = tmpl_section(app->cfg ? &app->cfg->ini : NULL, section,
	    &p->keys, &p->values);
	return 0;
}

static void
pick_items_free(struct pick_items *p)
{
	FREE_ALL(p->conv, p->keys, p->values);
}

/* Writes the box line of one item. */
typedef void (*pick_line_fn)(char *line, size_t len, const char *key,
    const char *value);

#define PICK_LINE 200

/* A box of the n items idx[] of p (all of them when idx is NULL), each
 * line written by line: dialog_choose()'s answer, or -1. */
static int
pick_choose(struct app *app, const char *title, const struct pick_items *p,
    const size_t *idx, size_t n, pick_line_fn line, dialog_pick_fn done,
    void *ud)
{
	const char **items = calloc(n, sizeof *items);
	char *lines = calloc(n, PICK_LINE);
	size_t i, k;
	int rc = -1;

	if (items != NULL && lines != NULL) {
		for (i = 0; i < n; i++) {
			k = idx != NULL ? idx[i] : i;
			items[i] = lines + i * PICK_LINE;
			line(lines + i * PICK_LINE, PICK_LINE, p->keys[k],
			    p->values[k]);
		}
		rc = dialog_choose(app, title, items, n, done, ud);
	}
	free(items);
	free(lines);
	return rc;
}

/* --- canned replies ------------------------------------------------------- */

struct canned_pick {
	struct pick_items it;
	size_t *match;   /* indexes of the filtered items */
	size_t n_match;
};

static void
canned_free(struct canned_pick *p)
{
	pick_items_free(&p->it);
	free(p->match);
	free(p);
}

static void
canned_filter(struct canned_pick *p, const char *f)
{
	p->n_match = canned_select((const char *const *)p->it.keys,
	    (const char *const *)p->it.values, p->it.n, f, p->match);
}

static void
canned_use(struct app *app, struct canned_pick *p, size_t i)
{
	struct td_conversation *c = model_find(app->model, p->it.conv);
	char *text;

	if (c == NULL)
		return;
	if (!compose_active(app) && compose_open(app, c, CM_REPLY, NULL) != 0)
		return;
	text = canned_fill(p->it.values[i], conversation_display_name(c));
	if (text == NULL) {
		app_error(app, "out of memory");
		return;
	}
	compose_insert(app, text);
	free(text);
	app_message(app, "canned reply %s inserted: C-s sends", p->it.keys[i]);
}

static void
canned_chosen(struct app *app, void *ud, int index)
{
	struct canned_pick *p = ud;

	if (index >= 0 && (size_t)index < p->n_match)
		canned_use(app, p, p->match[index]);
	canned_free(p);
}

static void
canned_change(struct app *app, void *ud, const char *text)
{
	struct canned_pick *p = ud;
	char note[128];

	canned_filter(p, text);
	if (p->n_match == 0)
		dialog_note(app, "no match");
	else {
		snprintf(note, sizeof note, "%zu: %s%s", p->n_match,
		    p->it.keys[p->match[0]], p->n_match > 1 ? ", ..." : "");
		dialog_note(app, note);
	}
}

static void
canned_line(char *line, size_t len, const char *key, const char *value)
{
	snprintf(line, len, "%s: %s", key, value);
}

static void
canned_done(struct app *app, void *ud, const char *text)
{
	struct canned_pick *p = ud;

	if (text == NULL)
		goto out;
	canned_filter(p, text);
	if (p->n_match == 0) {
		app_error(app, "no canned reply matches '%s'", text);
		goto out;
	}
	if (p->n_match == 1) {
		canned_use(app, p, p->match[0]);
		goto out;
	}
	/* Several: pick one in a box. */
	if (pick_choose(app, "Canned reply", &p->it, p->match, p->n_match,
	    canned_line, canned_chosen, p) == 0)
		p = NULL;
out:
	if (p != NULL)
		canned_free(p);
}

int
picker_canned(struct app *app)
{
	struct canned_pick *p;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return UI_HANDLED;
	if (pick_items_load(app, app_open_conv(app), "canned", &p->it) != 0) {
		canned_free(p);
		return UI_HANDLED;
	}
	if (p->it.n == 0 || (p->match = calloc(p->it.n, sizeof *p->match)) ==
	    NULL) {
		app_error(app, "no canned replies: add them under [canned] in "
		    "the config (name = text, {name} is the customer)");
		canned_free(p);
		return UI_HANDLED;
	}
	canned_filter(p, "");
	if (dialog_prompt(app, "Canned reply (type to filter, Enter): ", "",
	    canned_change, canned_done, p) != 0) {
		canned_free(p);
		return UI_HANDLED;
	}
	canned_change(app, p, "");
	return UI_HANDLED;
}

/* --- templates ------------------------------------------------------------ */

struct tpl_form {
	char *conv;
	struct tmpl t;
	char **params;
	size_t i;
};

static void
tpl_form_free(struct tpl_form *f)
{
	size_t i;

	for (i = 0; f->params != NULL && i < f->t.n_params; i++)
		free(f->params[i]);
	free(f->params);
	tmpl_free(&f->t);
	free(f->conv);
	free(f);
}

static void
tpl_send(struct app *app, struct tpl_form *f)
{
	json_t *params = json_array(), *body;
	char *preview;
	size_t i;

	for (i = 0; i < f->t.n_params; i++)
		json_array_append_new(params, json_string(f->params[i]));
	body = json_pack("{s:{s:s, s:s, s:o}}", "template", "name", f->t.name,
	    "language", f->t.lang, "params", params);
	preview = tmpl_fill(f->t.text, (const char *const *)f->params,
	    f->t.n_params);
	if (body != NULL)
		outbox_add(app, f->conv, "template", "/messages", preview, body);
	json_decref(body);
	free(preview);
}

static void tpl_ask(struct app *app, struct tpl_form *f);

static void
tpl_confirmed(struct app *app, void *ud, int yes)
{
	struct tpl_form *f = ud;

	if (yes == 1)
		tpl_send(app, f);
	else
		app_message(app, "template not sent");
	tpl_form_free(f);
}

static void
tpl_param_done(struct app *app, void *ud, const char *text)
{
	struct tpl_form *f = ud;

	if (text == NULL) {
		app_message(app, "template cancelled");
		tpl_form_free(f);
		return;
	}
	if (*text == '\0') {
		app_error(app, "{%zu} cannot be empty", f->i + 1);
		tpl_ask(app, f);
		return;
	}
	if ((f->params[f->i] = strdup(text)) == NULL) {
		tpl_form_free(f);
		return;
	}
	f->i++;
	tpl_ask(app, f);
}

/* One prompt per parameter, then send. */
static void
tpl_ask(struct app *app, struct tpl_form *f)
{
	char label[256];

	if (f->i >= f->t.n_params) {
		/* The customer sees exactly this: show it filled in first. */
		char *text = tmpl_fill(f->t.text, (const char *const *)f->params,
		    f->t.n_params), q[600];
		snprintf(q, sizeof q, "Send \"%s\"?", text ? text : f->t.name);
		free(text);
		if (dialog_confirm(app, q, tpl_confirmed, f) != 0)
			tpl_form_free(f);
		return;
	}
	snprintf(label, sizeof label, "%s {%zu} of %zu: ", f->t.name, f->i + 1,
	    f->t.n_params);
	if (dialog_prompt(app, label, "", NULL, tpl_param_done, f) != 0)
		tpl_form_free(f);
}

static void
tpl_pick_free(struct pick_items *p)
{
	pick_items_free(p);
	free(p);
}

static void
tpl_chosen(struct app *app, void *ud, int index)
{
	struct pick_items *p = ud;
	struct tpl_form *f;
	char err[256];

	if (index < 0 || (size_t)index >= p->n)
		goto out;
	if ((f = calloc(1, sizeof *f)) == NULL)
		goto out;
	if (tmpl_parse(p->keys[index], p->values[index], &f->t, err,
	    sizeof err) != 0) {
		app_error(app, "%s", err);
		free(f);
		goto out;
	}
	f->conv = strdup(p->conv);
	f->params = calloc(f->t.n_params + 1, sizeof *f->params);
	if (f->conv == NULL || f->params == NULL) {
		tpl_form_free(f);
		goto out;
	}
	tpl_ask(app, f);
out:
	tpl_pick_free(p);
}

/* "name (lang): text" of a template "name = lang: text". */
static void
tpl_line(char *line, size_t len, const char *key, const char *value)
{
	char *colon;
	size_t n;

	snprintf(line, len, "%s (%s", key, value);
	colon = strchr(line, ':');
	if (colon == NULL || (size_t)(colon - line) + 10 >= len)
		return;
	n = strlen(colon);
	if ((size_t)(colon - line) + n + 2 > len)
		n--; /* a full line loses its last character */
	memmove(colon + 1, colon, n);
	colon[n + 1] = '\0';
	*colon = ')';
}

int
picker_config_template(struct app *app, struct td_conversation *c,
    const char *why)
{
	struct pick_items *p;

	if ((p = calloc(1, sizeof *p)) == NULL)
		return UI_HANDLED;
	if (pick_items_load(app, c, "templates", p) != 0) {
		tpl_pick_free(p);
		return UI_HANDLED;
	}
	if (p->n == 0) {
		app_error(app, "%s%sno templates: add them under [templates] in "
		    "the config (name = en_US: text with {1})", why ? why : "",
		    why ? "; " : "");
		tpl_pick_free(p);
		return UI_HANDLED;
	}
	if (why != NULL)
		app_message(app, "%s", why);
	if (pick_choose(app, why ? why : "Template", p, NULL, p->n, tpl_line,
	    tpl_chosen, p) != 0)
		tpl_pick_free(p);
	return UI_HANDLED;
}

struct assign_pick {
	char *conv;
	char **ids;
	size_t n;
};

static void
assign_free(struct assign_pick *p)
{
	vec_free(&p->ids, &p->n, sizeof *p->ids, vec_clear_str);
	free(p->conv);
	free(p);
}

static void
assign_chosen(struct app *app, void *ud, int index)
{
	struct assign_pick *p = ud;

	if (index >= 0 && (size_t)index < p->n && p->conv == NULL)
		bulk_run(app, "assign", json_string(p->ids[index]));
	else if (index >= 0 && (size_t)index < p->n)
		convreq_assign(app, p->conv, "assign", p->ids[index]);
	assign_free(p);
}

/* What an agent row of the assign box says about the agent. */
struct assign_rows {
	const struct app *app;
	const struct td_conversation *c;
	const char **agents;
};

static void
assign_row(const void *ctx, size_t i, char *buf, size_t len)
{
	const struct assign_rows *r = ctx;
	const char *who = r->agents[i], *now = r->c != NULL ?
	    r->c->state.assignee : NULL;

	snprintf(buf, len, "%s%s%s", who, r->app->self_id != NULL &&
	    strcmp(who, r->app->self_id) == 0 ? " (me)" : "", now != NULL &&
	    strcmp(who, now) == 0 ? " (assigned now)" : "");
}

int
picker_assign(struct app *app, struct td_conversation *c)
{
	struct assign_rows rows = { app, c, NULL };
	struct assign_pick *p;
	size_t n, i;

	n = assignees_known(app, &rows.agents);
	if (n == 0) {
		free(rows.agents);
		app_error(app, "no agents known yet");
		return UI_HANDLED;
	}
	p = calloc(1, sizeof *p);
	if (p == NULL || (c != NULL && (p->conv = strdup(c->id)) == NULL) ||
	    (p->ids = calloc(n, sizeof *p->ids)) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((p->ids[i] = strdup(rows.agents[i])) == NULL)
			goto fail;
		p->n++;
	}
	if (dialog_choose_rows(app, "Assign to", n, assign_row, &rows,
	    assign_chosen, p) == 0)
		p = NULL;
fail:
	if (p != NULL)
		assign_free(p);
	free(rows.agents);
	return UI_HANDLED;
}

int
picker_template(struct app *app, struct td_conversation *c, const char *why)
{
	return rtpick_start(app, c, why);
}
