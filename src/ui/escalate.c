/*
 * The escalation dialog: team (from /v1/me), priority, then a reason
 * (required), then one outbox entry.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/freeall.h"
#include "ttydesk/model.h"
#include "app.h"
#include "convreq.h"
#include "ui.h"
#include "dialog.h"
#include "keymap.h"
#include "outbox.h"
#include "picker.h"
#include "escalate.h"
#include "teams.h"

static const char *const esc_prio[] = { "normal", "high", "urgent" };

struct esc_form {
	char *conv;
	char *team;
	int prio;
};

static void
esc_free(struct esc_form *f)
{
	FREE_ALL(f->conv, f->team, f);
}

static void esc_ask_reason(struct app *app, struct esc_form *f);

static void
esc_reason(struct app *app, void *ud, const char *text)
{
	struct esc_form *f = ud;
	const char *p = text;

	if (text == NULL) {
		app_message(app, "escalation cancelled");
		esc_free(f);
		return;
	}
	while (*p == ' ')
		p++;
	if (*p == '\0') {
		esc_ask_reason(app, f);
		dialog_note(app, "a reason is required");
		return;
	}
	convreq_escalate(app, f->conv, f->team, esc_prio[f->prio], p);
	esc_free(f);
}

static void
esc_ask_reason(struct app *app, struct esc_form *f)
{
	char label[300];

	snprintf(label, sizeof label, "Escalate to %s (%s), reason: ", f->team,
	    esc_prio[f->prio]);
	if (dialog_prompt(app, label, "", NULL, esc_reason, f) != 0)
		esc_free(f);
}

static void
esc_priority(struct app *app, void *ud, int index)
{
	struct esc_form *f = ud;

	if (index < 0 || index > 2) {
		esc_free(f);
		return;
	}
	f->prio = index;
	esc_ask_reason(app, f);
}

static void
esc_team(struct app *app, void *ud, int index)
{
	struct esc_form *f = ud;

	if (index < 0 || (size_t)index >= app->n_teams ||
	    (f->team = strdup(app->teams[index].id)) == NULL) {
		esc_free(f);
		return;
	}
	if (dialog_choose(app, "Priority", esc_prio, 3, esc_priority, f) != 0)
		esc_free(f);
}

static void
esc_team_row(const void *ctx, size_t i, char *buf, size_t len)
{
	teams_label(ctx, i, buf, len);
}

int
escalate_open(struct app *app, struct td_conversation *c)
{
	struct esc_form *f;

	if (app->n_teams == 0) {
		app_error(app, "no teams known yet (waiting for the relay)");
		return UI_HANDLED;
	}
	f = calloc(1, sizeof *f);
	if (f != NULL && ((f->conv = strdup(c->id)) == NULL ||
	    dialog_choose_rows(app, "Escalate to team", app->n_teams,
	    esc_team_row, app, esc_team, f) != 0))
		esc_free(f);
	return UI_HANDLED;
}
