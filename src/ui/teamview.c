/*
 * The team view (teamview.h).
 */
#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "app.h"
#include "chart.h"
#include "keymap.h"
#include "roster.h"
#include "teamview.h"
#include "theme.h"
#include "threadview.h"
#include "ui.h"

#define NAME_MAX_W 18
#define TEAMS_MIN_W 8

struct teamui {
	size_t sel;          /* agent under the cursor */
	size_t top;
	int64_t asked;       /* when the last request went (app->now) */
	bool waiting;
	char err[300];
};

/* --- lines (pure) --------------------------------------------------------- */

static const char *
wait_text(char *buf, size_t len, const struct roster_wait *w, int64_t now)
{
	if (w->conversation == NULL)
		return snprintf(buf, len, "-"), buf;
	return chart_duration(buf, len, now > w->since ? now - w->since : 0);
}

static void
agent_line(struct aline *l, const struct roster_agent *a, int64_t now,
    size_t width, size_t nw, int utf8)
{
	char cell[64], age[32];
	size_t used;

	aline_pad(l, TH_NORMAL, 1);
	aline_cell(l, TH_NAME, a->name, nw, 0, utf8);
	aline_pad(l, TH_NORMAL, 1);
	if (a->online)
		snprintf(cell, sizeof cell, "%sonline", utf8 ? "\xe2\x97\x8f " :
		    "* ");
	else if (a->last_seen > 0)
		snprintf(cell, sizeof cell, "%saway %s", utf8 ? "\xe2\x97\x8b " :
		    "- ", chart_duration(age, sizeof age, now > a->last_seen ?
		    now - a->last_seen : 0));
	else
		snprintf(cell, sizeof cell, "%saway", utf8 ? "\xe2\x97\x8b " :
		    "- ");
	aline_cell(l, a->online ? TH_ONLINE : TH_AGE, cell, 16, 0, utf8);
	aline_pad(l, TH_NORMAL, 1);
	if (a->capacity >= 0)
		snprintf(cell, sizeof cell, "%lld/%lld", (long long)a->open,
		    (long long)a->capacity);
	else
		snprintf(cell, sizeof cell, "%lld", (long long)a->open);
	aline_cell(l, a->capacity >= 0 && a->open >= a->capacity ? TH_HIGH :
	    TH_NORMAL, cell, 7, 1, utf8);
	aline_pad(l, TH_NORMAL, 2);
	aline_cell(l, a->oldest.conversation != NULL ? TH_SLA_WARN : TH_AGE,
	    wait_text(cell, sizeof cell, &a->oldest, now), 9, 1, utf8);
	used = l->width;
	if (width > used + 2 + TEAMS_MIN_W) {
		aline_pad(l, TH_NORMAL, 2);
		aline_cell(l, TH_AGE, a->teams, width - used - 2, 0, utf8);
	}
}

static void
team_line(struct aline *l, const struct roster_team *t, int64_t now,
    size_t nw, int utf8)
{
	char cell[64];

	aline_pad(l, TH_NORMAL, 1);
	aline_cell(l, TH_NAME, t->id, nw, 0, utf8);
	aline_pad(l, TH_NORMAL, 1);
	aline_cell(l, t->open_now ? TH_ONLINE : TH_OFFLINE, t->open_now ?
	    "open" : "closed", 16, 0, utf8);
	aline_pad(l, TH_NORMAL, 1);
	snprintf(cell, sizeof cell, "%lld", (long long)t->unassigned);
	aline_cell(l, t->unassigned > 0 ? TH_HIGH : TH_NORMAL, cell, 7, 1,
	    utf8);
	aline_pad(l, TH_NORMAL, 2);
	aline_cell(l, t->oldest.conversation != NULL ? TH_SLA_WARN : TH_AGE,
	    wait_text(cell, sizeof cell, &t->oldest, now), 9, 1, utf8);
	aline_pad(l, TH_NORMAL, 2);
	aline_adds(l, TH_AGE, t->mode);
}

static void
header_line(struct aline *l, const char *first, const char *second,
    const char *third, const char *last, size_t nw, int utf8)
{
	aline_pad(l, TH_NORMAL, 1);
	aline_cell(l, TH_HELP_KEY, first, nw, 0, utf8);
	aline_pad(l, TH_NORMAL, 1);
	aline_cell(l, TH_HELP_KEY, second, 16, 0, utf8);
	aline_pad(l, TH_NORMAL, 1);
	aline_cell(l, TH_HELP_KEY, third, 7, 1, utf8);
	aline_pad(l, TH_NORMAL, 2);
	aline_cell(l, TH_HELP_KEY, "waiting", 9, 1, utf8);
	aline_pad(l, TH_NORMAL, 2);
	aline_adds(l, TH_HELP_KEY, last);
}

size_t
teamview_lines(const struct roster *ro, int64_t now, size_t width, int utf8,
    size_t *first_agent, struct aline **lines)
{
	struct aline_list ls = { NULL, 0, 0 };
	struct aline *l;
	size_t i, nw = 6, w;

	*lines = NULL;
	*first_agent = 0;
	for (i = 0; i < ro->n_agents; i++)
		if ((w = text_width(ro->agents[i].name,
		    strlen(ro->agents[i].name))) > nw)
			nw = w;
	for (i = 0; i < ro->n_teams; i++)
		if ((w = text_width(ro->teams[i].id,
		    strlen(ro->teams[i].id))) > nw)
			nw = w;
	nw = nw > NAME_MAX_W ? NAME_MAX_W : nw;
	if ((l = aline_list_add(&ls)) != NULL)
		header_line(l, "agent", "state", "open", "teams", nw, utf8);
	*first_agent = ls.n;
	for (i = 0; i < ro->n_agents; i++)
		if ((l = aline_list_add(&ls)) != NULL)
			agent_line(l, &ro->agents[i], now, width, nw, utf8);
	aline_list_add(&ls);
	if ((l = aline_list_add(&ls)) != NULL)
		header_line(l, "team", "hours", "queue", "mode", nw, utf8);
	for (i = 0; i < ro->n_teams; i++)
		if ((l = aline_list_add(&ls)) != NULL)
			team_line(l, &ro->teams[i], now, nw, utf8);
	*lines = ls.v;
	return ls.n;
}

/* --- the view ----------------------------------------------------------- */

static struct teamui *
tui(struct app *app)
{
	struct ui *ui = ui_of(app);

	if (ui->team == NULL && (ui->team = calloc(1, sizeof *ui->team)) ==
	    NULL)
		app_fatal("out of memory");
	return ui->team;
}

static void
team_got(struct app *app, void *ud, long status, const char *err)
{
	struct teamui *t;

	(void)ud;
	if (ui_of(app) == NULL || (t = ui_of(app)->team) == NULL)
		return;
	t->waiting = false;
	if (status == 403) {
		ui_panel_close(app);
		app_error(app, "%s", err);
		return;
	}
	if (status != 200)
		snprintf(t->err, sizeof t->err, "%s", err);
	else
		t->err[0] = '\0';
	ui_of(app)->panel.dirty = true;
}

static void
team_fetch(struct app *app)
{
	struct teamui *t = tui(app);
	char err[256];

	if (t->waiting)
		return;
	t->asked = app->now;
	if (roster_query(app, team_got, NULL, err, sizeof err) != 0)
		snprintf(t->err, sizeof t->err, "%s", err);
	else
		t->waiting = true;
	ui_of(app)->panel.dirty = true;
}

int
teamview_toggle(struct app *app)
{
	if (ui_panel_toggle(app, &team_view)) {
		tui(app)->err[0] = '\0';
		team_fetch(app);
	}
	return UI_HANDLED;
}

void
teamview_tick(struct app *app)
{
	struct teamui *t = ui_of(app)->team;

	if (t == NULL || !ui_panel_is(app, &team_view))
		return;
	/* Ages count up between answers. */
	ui_of(app)->panel.dirty = true;
	if (app->now - t->asked >= TEAMVIEW_REFRESH)
		team_fetch(app);
}

void
teamview_free(struct app *app)
{
	free(ui_of(app)->team);
	ui_of(app)->team = NULL;
}

static void
team_title(struct app *app, struct aline *l, const struct teamui *t)
{
	const struct roster *ro = app->roster;
	char at[16] = "";
	time_t when;
	struct tm tm;

	aline_adds(l, TH_DAY, " Team");
	if (ro != NULL && (when = (time_t)ro->at) > 0 &&
	    localtime_r(&when, &tm) != NULL)
		strftime(at, sizeof at, "%H:%M:%S", &tm);
	if (at[0] != '\0')
		aline_printf(l, TH_AGE, "  as of %s, every %ds", at,
		    TEAMVIEW_REFRESH);
	if (t->err[0] != '\0')
		aline_printf(l, TH_FAILED, "  %s", t->err);
	else if (ro == NULL)
		aline_adds(l, TH_AGE, "  loading...");
}

static void
team_draw(struct app *app, struct view *v)
{
	struct teamui *t = tui(app);
	struct aline *lines = NULL, head, foot;
	size_t n = 0, first = 0;
	long sel = -1;

	if (!v->dirty)
		return;
	if (app->roster != NULL)
		n = teamview_lines(app->roster, app->now, (size_t)v->w,
		    ui_of(app)->utf8, &first, &lines);
	if (app->roster != NULL && app->roster->n_agents > 0) {
		if (t->sel >= app->roster->n_agents)
			t->sel = app->roster->n_agents - 1;
		sel = (long)(first + t->sel);
	}
	aline_init(&head);
	aline_init(&foot);
	team_title(app, &head, t);
	aline_adds(&foot, TH_AGE, " j/k move  Enter open the oldest waiting  "
	    "r refresh  Esc close");
	ui_panel_page(app, v, &head, lines, n, &t->top, sel, &foot);
}

/* Enter: the agent's oldest waiting conversation, if this ttydesk has it. */
static void
team_open(struct app *app)
{
	const struct teamui *t = tui(app);
	const struct roster_agent *a;
	char *id;

	if (app->roster == NULL || t->sel >= app->roster->n_agents)
		return;
	a = &app->roster->agents[t->sel];
	if (a->oldest.conversation == NULL) {
		app_message(app, "nobody waits on %s", a->name);
		return;
	}
	if (model_find(app->model, a->oldest.conversation) == NULL) {
		app_message(app, "that conversation is not loaded here");
		return;
	}
	/* Closing the panel may not free the roster, but be safe. */
	if ((id = strdup(a->oldest.conversation)) == NULL)
		return;
	ui_panel_close(app);
	thread_open(app, id);
	free(id);
}

/* Up and down move the selected agent. */
static size_t *
team_cursor(struct app *app)
{
	return &tui(app)->sel;
}

static const struct panel_key team_keys[] = {
	{ KM_ENTER, NULL, team_open },
	{ 'r', NULL, team_fetch },
	{ 0, NULL, NULL },
};

const struct view team_view = { .name = "team", .draw = team_draw,
	.panel_keys = team_keys, .panel_cursor = team_cursor };
