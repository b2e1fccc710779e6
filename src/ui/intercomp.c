/* The interactive composer (see intercomp.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/freeall.h"
#include "app.h"
#include "compose.h"
#include "dialog.h"
#include "inter.h"
#include "intercomp.h"
#include "keymap.h"
#include "outbox.h"
#include "tmpl.h"

#define INTERCOMP_PREVIEW_LINES 24
#define INTERCOMP_SAVED_MAX 32

enum ic_kind {
	IC_BUTTONS = 0,
	IC_LIST,
	IC_CTA,
	IC_LOCATION,
	IC_N_KINDS,       /* then the config's saved ones */
};

struct intercomp {
	char *conv;
	enum ic_kind kind;
	char *body;
	char *button;    /* list: the text that opens it; cta: its text */
	json_t *obj;
	const char **keys, **values; /* [interactive] of the config */
	size_t n_saved;
};

static void
ic_free(struct intercomp *ic)
{
	if (ic == NULL)
		return;
	FREE_ALL(ic->conv, ic->body, ic->button, ic->keys, ic->values);
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
		    preview != NULL ? preview : "interactive", body);
	json_decref(body);
	free(preview);
	ic_free(ic);
}

static void
ic_preview(struct app *app, struct intercomp *ic)
{
	static const char *const titles[] = { "Send these buttons?",
	    "Send this list?", "Send this link?", "Ask for the location?" };
	const char *items[INTERCOMP_PREVIEW_LINES + 2];
	char *text = inter_preview(ic->obj), *line, *save = NULL;
	size_t n = 0;

	items[n++] = "Send";
	items[n++] = "Cancel";
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line != NULL &&
	    n < INTERCOMP_PREVIEW_LINES + 2; line = strtok_r(NULL, "\n", &save))
		items[n++] = line;
	if (dialog_choose(app, ic->kind < IC_N_KINDS ? titles[ic->kind] :
	    "Send this?", items, n, ic_confirmed, ic) != 0)
		ic_free(ic);
	free(text);
}

static void ic_ask_last(struct app *app, struct intercomp *ic,
    const char *initial, const char *note);

/* The last answer: titles, rows or the link; the object is built and
 * checked with the relay's rules, or asked again with the reason. */
static void
ic_last(struct app *app, void *ud, const char *text)
{
	struct intercomp *ic = ud;
	char why[256];

	if (text == NULL) {
		ic_free(ic);
		return;
	}
	switch (ic->kind) {
	case IC_LIST:
		ic->obj = inter_list(ic->body, ic->button, text, why, sizeof why);
		break;
	case IC_CTA:
		ic->obj = inter_cta(ic->body, ic->button, text, why, sizeof why);
		break;
	case IC_BUTTONS:
	default:
		ic->obj = inter_buttons(ic->body, text, why, sizeof why);
		break;
	}
	if (ic->obj == NULL) {
		/* The relay's own reason; ask again with the text kept. */
		ic_ask_last(app, ic, text, why);
		return;
	}
	ic_preview(app, ic);
}

static void
ic_ask_last(struct app *app, struct intercomp *ic, const char *initial,
    const char *note)
{
	static const char *const prompts[] = {
	    "Buttons (| between, up to 3): ",
	    "Rows (| between, #Name starts a section, up to 10): ",
	    "Link (https://...): ", "" };

	if (dialog_prompt(app, prompts[ic->kind], initial, NULL, ic_last, ic)
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
	ic_ask_last(app, ic, "", NULL);
}

static void
ic_body(struct app *app, void *ud, const char *text)
{
	struct intercomp *ic = ud;
	char why[256];

	if (text == NULL || (ic->body = strdup(text)) == NULL) {
		ic_free(ic);
		return;
	}
	switch (ic->kind) {
	case IC_LOCATION:
		if ((ic->obj = inter_location(ic->body, why, sizeof why)) ==
		    NULL) {
			app_error(app, "%s", why);
			ic_free(ic);
			return;
		}
		ic_preview(app, ic);
		return;
	case IC_LIST:
	case IC_CTA:
		if (dialog_prompt(app, ic->kind == IC_LIST ? "List button "
		    "text: " : "Button text: ", ic->kind == IC_LIST ? "Choose" :
		    "", NULL, ic_button, ic) != 0)
			ic_free(ic);
		return;
	case IC_BUTTONS:
	default:
		ic_ask_last(app, ic, "", NULL);
		return;
	}
}

static void
ic_kind(struct app *app, void *ud, int index)
{
	struct intercomp *ic = ud;
	char why[256];

	if (index < 0) {
		ic_free(ic);
		return;
	}
	if ((size_t)index >= IC_N_KINDS) {
		/* A saved one from the config: checked like the others. */
		ic->kind = IC_N_KINDS;
		if ((ic->obj = inter_from_spec(ic->values[index - IC_N_KINDS],
		    why, sizeof why)) == NULL) {
			app_error(app, "[interactive] %s: %s", ic->keys[index -
			    IC_N_KINDS], why);
			ic_free(ic);
			return;
		}
		ic_preview(app, ic);
		return;
	}
	ic->kind = (enum ic_kind)index;
	if (dialog_prompt(app, "Message text: ", "", NULL, ic_body, ic) != 0)
		ic_free(ic);
}

int
intercomp_start(struct app *app)
{
	static const char *const kinds[] = { "Reply buttons (up to 3)",
	    "List (up to 10 rows)", "Link button (URL)", "Location request" };
	const char *items[IC_N_KINDS + INTERCOMP_SAVED_MAX];
	char lines[INTERCOMP_SAVED_MAX][96];
	struct intercomp *ic;
	size_t i, n = 0;

	if ((ic = calloc(1, sizeof *ic)) == NULL ||
	    (ic->conv = compose_open_id(app)) == NULL) {
		ic_free(ic);
		return UI_HANDLED;
	}
	ic->n_saved = tmpl_section(app->cfg ? &app->cfg->ini : NULL,
	    "interactive", &ic->keys, &ic->values);
	for (i = 0; i < IC_N_KINDS; i++)
		items[n++] = kinds[i];
	for (i = 0; i < ic->n_saved && i < INTERCOMP_SAVED_MAX; i++) {
		snprintf(lines[i], sizeof lines[i], "%s: %.60s", ic->keys[i],
		    ic->values[i]);
		items[n++] = lines[i];
	}
	if (dialog_choose(app, "Interactive message", items, n, ic_kind, ic)
	    != 0)
		ic_free(ic);
	return UI_HANDLED;
}
