/* The relay's templates: pick, fill, preview, send (see rtpick.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "app.h"
#include "attach.h"
#include "compose.h"
#include "dialog.h"
#include "keymap.h"
#include "numbers.h"
#include "outbox.h"
#include "picker.h"
#include "rtmpl.h"
#include "rtpick.h"

#define RTPICK_PREVIEW_LINES 24

struct rtpick {
	char *conv;
	char *why;
	struct rtmpl_list list;
	const struct rtmpl *t;  /* the one picked */
	char **values;          /* t->n_fields */
	size_t i;               /* the field being asked */
	size_t send_item;       /* in the preview list: Send */
	struct attach_file file; /* a media header from the agent's file */
	char *file_line;        /* what the preview shows for it */
};

static void
rtpick_free(struct rtpick *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; p->values != NULL && p->t != NULL && i < p->t->n_fields;
	    i++)
		free(p->values[i]);
	free(p->values);
	attach_file_free(&p->file);
	free(p->file_line);
	rtmpl_list_free(&p->list);
	free(p->conv);
	free(p->why);
	free(p);
}

static void rtpick_ask(struct app *app, struct rtpick *p, const char *note);

/* The preview, with the agent's file named rather than its id. */
static char *
rtpick_preview_text(const struct rtpick *p)
{
	const char **shown = calloc(p->t->n_fields + 1, sizeof *shown);
	char *text;
	size_t i;

	if (shown == NULL)
		return NULL;
	for (i = 0; i < p->t->n_fields; i++)
		shown[i] = p->t->fields[i].kind == RTF_HEADER_MEDIA &&
		    p->file_line != NULL ? p->file_line : p->values[i];
	text = rtmpl_preview(p->t, shown);
	free(shown);
	return text;
}

static void
rtpick_send(struct app *app, struct rtpick *p)
{
	json_t *comps = rtmpl_components(p->t, (const char *const *)p->values);
	json_t *body;
	char *preview;

	/* The header's file first: the outbox sends in order, and the
	 * relay refuses the template while it does not hold the file. */
	if (p->file.bytes != NULL && attach_keep(app, p->conv, &p->file) != 0) {
		json_decref(comps);
		return;
	}
	body = comps == NULL ? NULL : json_pack("{s:{s:s, s:s, s:o}}",
	    "template", "name", p->t->name, "language", p->t->language,
	    "components", comps);
	preview = rtpick_preview_text(p);
	if (body != NULL)
		outbox_add(app, p->conv, "template", "/messages",
		    preview != NULL ? preview : p->t->name, body);
	else
		app_error(app, "out of memory");
	json_decref(body);
	free(preview);
}

static void
rtpick_confirmed(struct app *app, void *ud, int index)
{
	struct rtpick *p = ud;

	if (index >= 0 && (size_t)index == p->send_item)
		rtpick_send(app, p);
	else
		app_message(app, "template not sent");
	rtpick_free(p);
}

/* The preview, one item a line, then Send and Cancel. */
static void
rtpick_preview(struct app *app, struct rtpick *p)
{
	struct td_conversation *c = app->model ? model_find(app->model,
	    p->conv) : NULL;
	const char *items[RTPICK_PREVIEW_LINES + 2];
	char title[256], send[160], why[8], *text, *line, *save = NULL;
	size_t n = 0;

	text = rtpick_preview_text(p);
	/* The cost where the choice is: the title is cut to the box. */
	snprintf(send, sizeof send, "Send (%s)", rtmpl_cost(p->t, c != NULL &&
	    compose_window_ok(c, app->now, why, sizeof why)));
	items[n++] = send;
	items[n++] = "Cancel";
	p->send_item = 0;
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line != NULL &&
	    n < RTPICK_PREVIEW_LINES + 2; line = strtok_r(NULL, "\n", &save))
		items[n++] = line;
	snprintf(title, sizeof title, "Send %s (%s)?", p->t->name,
	    p->t->language);
	if (dialog_choose(app, title, items, n, rtpick_confirmed, p) != 0)
		rtpick_free(p);
	free(text);
}

/* A media header: an https link as it is, else the agent's file, read
 * and checked now (Meta's type and size, the header's kind); the value
 * becomes the id the relay will give it. */
static int
rtpick_media(struct rtpick *p, const char *text, char *why, size_t whylen)
{
	const struct rtmpl_field *f = &p->t->fields[p->i];
	char id[80], line[300];

	/* Asked again (the relay's check refused another field): the file
	 * already read stays. */
	if (p->file.bytes != NULL) {
		attach_local_id(&p->file, id, sizeof id);
		if (strcmp(text, id) == 0)
			return 0;
	}
	attach_file_free(&p->file);
	free(p->file_line);
	p->file_line = NULL;
	if (strncmp(text, "https://", 8) == 0)
		return 0;
	if (attach_load(text, &p->file, why, whylen) != 0)
		return -1;
	if (rtmpl_media_ok(f, p->file.name, p->file.kind, p->file.mime, why,
	    whylen) != 0) {
		attach_file_free(&p->file);
		return -1;
	}
	attach_local_id(&p->file, id, sizeof id);
	snprintf(line, sizeof line, "%s (%s, %.0f KB)", p->file.name,
	    p->file.mime, (double)p->file.len / 1024.0);
	free(p->values[p->i]);
	p->values[p->i] = strdup(id);
	p->file_line = strdup(line);
	if (p->values[p->i] == NULL || p->file_line == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	return 0;
}

static void
rtpick_value(struct app *app, void *ud, const char *text)
{
	struct rtpick *p = ud;
	char why[512];

	if (text == NULL) {
		app_message(app, "template cancelled");
		rtpick_free(p);
		return;
	}
	free(p->values[p->i]);
	if ((p->values[p->i] = strdup(text)) == NULL) {
		rtpick_free(p);
		return;
	}
	if (*text == '\0' && !rtmpl_field_optional(&p->t->fields[p->i])) {
		snprintf(why, sizeof why, "%s cannot be empty",
		    p->t->fields[p->i].label);
		rtpick_ask(app, p, why);
		return;
	}
	if (p->t->fields[p->i].kind == RTF_HEADER_MEDIA &&
	    rtpick_media(p, text, why, sizeof why) != 0) {
		/* Asked afresh: the reason needs the line's room. */
		free(p->values[p->i]);
		p->values[p->i] = NULL;
		rtpick_ask(app, p, why);
		return;
	}
	if (rtmpl_check_field(p->t, p->i, p->values[p->i], why,
	    sizeof why) != 0) {
		rtpick_ask(app, p, why);
		return;
	}
	p->i++;
	/* Every field given: the relay's own check, before the preview;
	 * then the fields again, as given, with its reason beside. */
	if (p->i == p->t->n_fields && rtmpl_check(p->t,
	    (const char *const *)p->values, why, sizeof why) != 0) {
		p->i = 0;
		rtpick_ask(app, p, why);
		return;
	}
	rtpick_ask(app, p, NULL);
}

/* The next field's prompt; note: why the last answer was refused. */
static void
rtpick_ask(struct app *app, struct rtpick *p, const char *note)
{
	char label[256];

	if (p->i >= p->t->n_fields) {
		rtpick_preview(app, p);
		return;
	}
	snprintf(label, sizeof label, "%s %s (%zu of %zu): ", p->t->name,
	    p->t->fields[p->i].label, p->i + 1, p->t->n_fields);
	if (dialog_prompt(app, label, p->values[p->i] ? p->values[p->i] : "",
	    NULL, rtpick_value, p) != 0) {
		rtpick_free(p);
		return;
	}
	if (note != NULL)
		dialog_note(app, note);
}

static void
rtpick_chosen(struct app *app, void *ud, int index)
{
	struct rtpick *p = ud;

	if (index < 0 || (size_t)index >= p->list.n) {
		rtpick_free(p);
		return;
	}
	p->t = &p->list.t[index];
	if ((p->values = calloc(p->t->n_fields + 1, sizeof *p->values))
	    == NULL) {
		rtpick_free(p);
		return;
	}
	rtpick_ask(app, p, NULL);
}

static void
rtpick_row(const void *ctx, size_t i, char *buf, size_t len)
{
	const struct rtmpl_list *l = ctx;

	snprintf(buf, len, "%s (%s) %s", l->t[i].name, l->t[i].language,
	    l->t[i].category);
}

static void
rtpick_listed(struct app *app, void *ud, long status, const char *body,
    size_t len, const char *err)
{
	struct rtpick *p = ud;
	struct td_conversation *c;
	const struct app_number *n;
	char why[256];

	(void)err;
	if (app->view == NULL) { /* shutting down: requests are cancelled */
		rtpick_free(p);
		return;
	}
	c = model_find(app->model, p->conv);
	n = c != NULL ? numbers_find(app, c->state.number) : NULL;
	if (status != 200 || rtmpl_parse(body, len, n ? n->waba : NULL,
	    &p->list, why, sizeof why) != 0 || p->list.n == 0) {
		/* A relay without templates: the config's. */
		if (c != NULL)
			picker_config_template(app, c, p->why);
		rtpick_free(p);
		return;
	}
	if (dialog_choose_rows(app, p->why ? p->why : "Template", p->list.n,
	    rtpick_row, &p->list, rtpick_chosen, p) != 0)
		rtpick_free(p);
}

int
rtpick_start(struct app *app, struct td_conversation *c, const char *why)
{
	struct rtpick *p;
	char err[256];

	if (c == NULL) {
		app_message(app, "open a conversation first");
		return UI_HANDLED;
	}
	if ((p = calloc(1, sizeof *p)) == NULL ||
	    (p->conv = strdup(c->id)) == NULL ||
	    (why != NULL && (p->why = strdup(why)) == NULL)) {
		rtpick_free(p);
		return UI_HANDLED;
	}
	if (app_get(app, "/v1/templates", rtpick_listed, p, err,
	    sizeof err) != 0) {
		rtpick_free(p);
		return picker_config_template(app, c, why);
	}
	app_message(app, "%s%slisting templates ...", why ? why : "",
	    why ? "; " : "");
	return UI_HANDLED;
}
