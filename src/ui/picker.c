/* Canned replies, templates and the agent picker (see picker.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "app.h"
#include "bulk.h"
#include "compose.h"
#include "dialog.h"
#include "keymap.h"
#include "outbox.h"
#include "picker.h"
#include "rtpick.h"
#include "tmpl.h"
#include "ui.h"

/* --- canned replies ------------------------------------------------------- */

struct canned_pick {
	char *conv;
	const char **keys;
	const char **values;
	size_t n;
	size_t *match;   /* indexes of the filtered items */
	size_t n_match;
};

static void
canned_free(struct canned_pick *p)
{
	free(p->conv);
	free(p->keys);
	free(p->values);
	free(p->match);
	free(p);
}

static bool
canned_matches(const struct canned_pick *p, size_t i, const char *f)
{
	char *hay, *needle;
	size_t k, n;
	bool hit = false;

	if (f == NULL || *f == '\0')
		return true;
	n = strlen(p->keys[i]) + strlen(p->values[i]) + 2;
	if ((hay = malloc(n)) == NULL)
		return false;
	snprintf(hay, n, "%s %s", p->keys[i], p->values[i]);
	for (k = 0; hay[k] != '\0'; k++)
		if (hay[k] >= 'A' && hay[k] <= 'Z')
			hay[k] = (char)(hay[k] - 'A' + 'a');
	if ((needle = strdup(f)) != NULL) {
		for (k = 0; needle[k] != '\0'; k++)
			if (needle[k] >= 'A' && needle[k] <= 'Z')
				needle[k] = (char)(needle[k] - 'A' + 'a');
		hit = strstr(hay, needle) != NULL;
		free(needle);
	}
	free(hay);
	return hit;
}

static void
canned_filter(struct canned_pick *p, const char *f)
{
	size_t i;

	p->n_match = 0;
	for (i = 0; i < p->n; i++) {
		if (canned_matches(p, i, f))
			p->match[p->n_match++] = i;
	}
}

static void
canned_use(struct app *app, struct canned_pick *p, size_t i)
{
	struct td_conversation *c = model_find(app->model, p->conv);
	char *text;

	if (c == NULL)
		return;
	if (!compose_active(app) && compose_open(app, c, CM_REPLY, NULL) != 0)
		return;
	text = canned_fill(p->values[i], conversation_display_name(c));
	if (text == NULL) {
		app_error(app, "out of memory");
		return;
	}
	compose_insert(app, text);
	free(text);
	app_message(app, "canned reply %s inserted: C-s sends", p->keys[i]);
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
		    p->keys[p->match[0]], p->n_match > 1 ? ", ..." : "");
		dialog_note(app, note);
	}
}

static void
canned_done(struct app *app, void *ud, const char *text)
{
	struct canned_pick *p = ud;
	const char **items;
	char *lines;
	size_t i, w = 0;

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
	items = calloc(p->n_match, sizeof *items);
	lines = calloc(p->n_match, 200);
	if (items == NULL || lines == NULL) {
		free(items);
		free(lines);
		goto out;
	}
	for (i = 0; i < p->n_match; i++) {
		snprintf(lines + w, 200, "%s: %s", p->keys[p->match[i]],
		    p->values[p->match[i]]);
		items[i] = lines + w;
		w += 200;
	}
	if (dialog_choose(app, "Canned reply", items, p->n_match, canned_chosen,
	    p) == 0)
		p = NULL;
	free(items);
	free(lines);
out:
	if (p != NULL)
		canned_free(p);
}

int
picker_canned(struct app *app)
{
	struct td_conversation *c = app_open_conv(app);
	struct canned_pick *p;

	if (c == NULL) {
		app_message(app, "open a conversation first");
		return UI_HANDLED;
	}
	if ((p = calloc(1, sizeof *p)) == NULL || (p->conv = strdup(c->id))
	    == NULL) {
		free(p);
		return UI_HANDLED;
	}
	p->n = tmpl_section(app->cfg ? &app->cfg->ini : NULL, "canned",
	    &p->keys, &p->values);
	if (p->n == 0 || (p->match = calloc(p->n, sizeof *p->match)) == NULL) {
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

struct tpl_pick {
	char *conv;
	const char **keys;
	const char **values;
	size_t n;
};

static void
tpl_pick_free(struct tpl_pick *p)
{
	free(p->conv);
	free(p->keys);
	free(p->values);
	free(p);
}

static void
tpl_chosen(struct app *app, void *ud, int index)
{
	struct tpl_pick *p = ud;
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

int
picker_config_template(struct app *app, struct td_conversation *c,
    const char *why)
{
	struct tpl_pick *p;
	const char **items;
	char *lines, title[256];
	size_t i;

	if (c == NULL) {
		app_message(app, "open a conversation first");
		return UI_HANDLED;
	}
	if ((p = calloc(1, sizeof *p)) == NULL || (p->conv = strdup(c->id))
	    == NULL) {
		free(p);
		return UI_HANDLED;
	}
	p->n = tmpl_section(app->cfg ? &app->cfg->ini : NULL, "templates",
	    &p->keys, &p->values);
	if (p->n == 0) {
		app_error(app, "%s%sno templates: add them under [templates] in "
		    "the config (name = en_US: text with {1})", why ? why : "",
		    why ? "; " : "");
		tpl_pick_free(p);
		return UI_HANDLED;
	}
	items = calloc(p->n, sizeof *items);
	lines = calloc(p->n, 200);
	if (items == NULL || lines == NULL) {
		free(items);
		free(lines);
		tpl_pick_free(p);
		return UI_HANDLED;
	}
	for (i = 0; i < p->n; i++) {
		snprintf(lines + i * 200, 200, "%s (%s", p->keys[i], p->values[i]);
		/* "name (lang): text" */
		{
			char *colon = strchr(lines + i * 200, ':');
			if (colon != NULL && (size_t)(colon - (lines + i * 200)) < 190) {
				memmove(colon + 1, colon, strlen(colon) + 1);
				*colon = ')';
			}
		}
		items[i] = lines + i * 200;
	}
	snprintf(title, sizeof title, "%s", why ? why : "Template");
	if (why != NULL)
		app_message(app, "%s", why);
	if (dialog_choose(app, title, items, p->n, tpl_chosen, p) != 0)
		tpl_pick_free(p);
	free(items);
	free(lines);
	return UI_HANDLED;
}

/* --- agents --------------------------------------------------------------- */

static int
agents_add(const char **a, size_t *n, size_t cap, const char *id)
{
	size_t i;

	if (id == NULL || *id == '\0')
		return 0;
	for (i = 0; i < *n; i++) {
		if (strcmp(a[i], id) == 0)
			return 0;
	}
	if (*n >= cap)
		return -1;
	a[(*n)++] = id;
	return 0;
}

static int
agents_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

size_t
picker_agents(const struct app *app, const char ***out)
{
	size_t cap = 256, n = 0, i, j, mine = 0;
	const char **a = calloc(cap, sizeof *a);

	*out = a;
	if (a == NULL)
		return 0;
	if (app->self_id != NULL)
		agents_add(a, &n, cap, app->self_id);
	mine = n;
	for (i = 0; i < model_count(app->model); i++) {
		const struct td_conversation *c = model_get(app->model, i);
		agents_add(a, &n, cap, c->state.assignee);
		if (c->state.has_escalation)
			agents_add(a, &n, cap, c->state.escalation.by);
		for (j = 0; j < c->n_presence; j++)
			agents_add(a, &n, cap, c->presence[j].agent);
		for (j = 0; j < c->n_messages; j++) {
			if (c->messages[j]->m.direction != TD_DIR_IN)
				agents_add(a, &n, cap, c->messages[j]->m.agent);
		}
	}
	qsort(a + mine, n - mine, sizeof *a, agents_cmp);
	return n;
}

struct assign_pick {
	char *conv;
	char **ids;
	size_t n;
};

static void
assign_free(struct assign_pick *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->ids[i]);
	free(p->ids);
	free(p->conv);
	free(p);
}

static void
assign_chosen(struct app *app, void *ud, int index)
{
	struct assign_pick *p = ud;
	json_t *body;

	if (index >= 0 && (size_t)index < p->n && p->conv == NULL) {
		bulk_run(app, "assign", json_string(p->ids[index]));
	} else if (index >= 0 && (size_t)index < p->n) {
		body = json_pack("{s:s}", "agent", p->ids[index]);
		if (body != NULL)
			outbox_add(app, p->conv, "assign", "/assign", NULL, body);
		json_decref(body);
	}
	assign_free(p);
}

int
picker_assign(struct app *app, struct td_conversation *c)
{
	struct assign_pick *p;
	const char **agents, **items;
	char *lines;
	size_t n, i;

	if (c == NULL && bulk_count(app) == 0) {
		app_message(app, "no conversation here");
		return UI_HANDLED;
	}
	n = picker_agents(app, &agents);
	if (n == 0) {
		free(agents);
		app_error(app, "no agents known yet");
		return UI_HANDLED;
	}
	p = calloc(1, sizeof *p);
	items = calloc(n, sizeof *items);
	lines = calloc(n, 160);
	if (p == NULL || items == NULL || lines == NULL ||
	    (c != NULL && (p->conv = strdup(c->id)) == NULL) ||
	    (p->ids = calloc(n, sizeof *p->ids)) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((p->ids[i] = strdup(agents[i])) == NULL)
			goto fail;
		p->n++;
		snprintf(lines + i * 160, 160, "%s%s%s", agents[i],
		    app->self_id && strcmp(agents[i], app->self_id) == 0 ?
		    " (me)" : "", c && c->state.assignee && strcmp(agents[i],
		    c->state.assignee) == 0 ? " (assigned now)" : "");
		items[i] = lines + i * 160;
	}
	if (dialog_choose(app, "Assign to", items, n, assign_chosen, p) == 0)
		p = NULL;
fail:
	if (p != NULL)
		assign_free(p);
	free(items);
	free(lines);
	free(agents);
	return UI_HANDLED;
}

int
picker_template(struct app *app, struct td_conversation *c, const char *why)
{
	return rtpick_start(app, c, why);
}
