/* The interactive composer (see intercomp.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "app.h"
#include "compose.h"
#include "dialog.h"
#include "inter.h"
#include "intercomp.h"
#include "keymap.h"
#include "outbox.h"

#define INTERCOMP_PREVIEW_LINES 16

struct intercomp {
	char *conv;
	int list;        /* 0: buttons, 1: list */
	char *body;
	char *button;    /* list: the text that opens it */
	json_t *obj;
};

static void
ic_free(struct intercomp *ic)
{
	if (ic == NULL)
		return;
	free(ic->conv);
	free(ic->body);
	free(ic->button);
	json_decref(ic->obj);
	free(ic);
}

static void
ic_confirmed(struct app *app, void *ud, int index)
{
	struct intercomp *ic = ud;
	char *preview;
	json_t *body;

	if (index != 0) {
		app_message(app, "interactive message not sent");
		ic_free(ic);
		return;
	}
	preview = inter_preview(ic->obj);
	body = json_pack("{s:O}", "interactive", ic->obj);
	if (body != NULL)
		outbox_add(app, ic->conv, "interactive", "/messages",
		    preview != NULL ? preview : ic->body, body);
	json_decref(body);
	free(preview);
	ic_free(ic);
}

static void
ic_preview(struct app *app, struct intercomp *ic)
{
	const char *items[INTERCOMP_PREVIEW_LINES + 2];
	char *text = inter_preview(ic->obj), *line, *save = NULL;
	size_t n = 0;

	items[n++] = "Send";
	items[n++] = "Cancel";
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line != NULL &&
	    n < INTERCOMP_PREVIEW_LINES + 2; line = strtok_r(NULL, "\n", &save))
		items[n++] = line;
	if (dialog_choose(app, ic->list ? "Send this list?" :
	    "Send these buttons?", items, n, ic_confirmed, ic) != 0)
		ic_free(ic);
	free(text);
}

static void ic_ask_titles(struct app *app, struct intercomp *ic,
    const char *initial, const char *note);

static void
ic_titles(struct app *app, void *ud, const char *text)
{
	struct intercomp *ic = ud;
	char why[256];

	if (text == NULL) {
		ic_free(ic);
		return;
	}
	ic->obj = ic->list ? inter_list(ic->body, ic->button, text, why,
	    sizeof why) : inter_buttons(ic->body, text, why, sizeof why);
	if (ic->obj == NULL) {
		/* The relay's own reason; ask again with the text kept. */
		ic_ask_titles(app, ic, text, why);
		return;
	}
	ic_preview(app, ic);
}

static void
ic_ask_titles(struct app *app, struct intercomp *ic, const char *initial,
    const char *note)
{
	if (dialog_prompt(app, ic->list ? "Rows (| between, up to 10): " :
	    "Buttons (| between, up to 3): ", initial, NULL, ic_titles, ic)
	    != 0) {
		ic_free(ic);
		return;
	}
	if (note != NULL)
		dialog_note(app, note);
}

static void
ic_button(struct app *app, void *ud, const char *text)
{
	struct intercomp *ic = ud;

	if (text == NULL || (ic->button = strdup(text)) == NULL) {
		ic_free(ic);
		return;
	}
	ic_ask_titles(app, ic, "", NULL);
}

static void
ic_body(struct app *app, void *ud, const char *text)
{
	struct intercomp *ic = ud;

	if (text == NULL || (ic->body = strdup(text)) == NULL) {
		ic_free(ic);
		return;
	}
	if (!ic->list) {
		ic_ask_titles(app, ic, "", NULL);
		return;
	}
	if (dialog_prompt(app, "List button text: ", "Choose", NULL, ic_button,
	    ic) != 0)
		ic_free(ic);
}

static void
ic_kind(struct app *app, void *ud, int index)
{
	struct intercomp *ic = ud;

	if (index < 0) {
		ic_free(ic);
		return;
	}
	ic->list = index == 1;
	if (dialog_prompt(app, "Message text: ", "", NULL, ic_body, ic) != 0)
		ic_free(ic);
}

int
intercomp_start(struct app *app)
{
	static const char *const kinds[] = { "Reply buttons (up to 3)",
	    "List (up to 10 rows)" };
	struct td_conversation *c = app_open_conv(app);
	struct intercomp *ic;
	char why[256];

	if (c == NULL) {
		app_message(app, "open a conversation first");
		return UI_HANDLED;
	}
	if (!compose_window_ok(c, app->now, why, sizeof why)) {
		app_error(app, "%s", why);
		return UI_HANDLED;
	}
	if ((ic = calloc(1, sizeof *ic)) == NULL ||
	    (ic->conv = strdup(c->id)) == NULL) {
		ic_free(ic);
		return UI_HANDLED;
	}
	if (dialog_choose(app, "Interactive message", kinds, 2, ic_kind, ic)
	    != 0)
		ic_free(ic);
	return UI_HANDLED;
}
