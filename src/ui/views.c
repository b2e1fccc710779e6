/* The small views: queue tabs, pane separator, status bar, help screen. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "app.h"
#include "dialog.h"
#include "keymap.h"
#include "../net/net.h" /* td_ui sees only its own folder */
#include "theme.h"
#include "ui.h"

static void
tabs_draw(struct app *app, struct view *v)
{
	struct ui *ui = &app->ui;
	struct aline l;
	size_t i, start = 0, w = 0;

	if (!v->dirty)
		return;
	aline_init(&l);
	/* Scroll the tabs so the current one is always shown. */
	for (;;) {
		aline_clear(&l);
		for (i = start; i < ui->n_queues; i++) {
			const struct ui_queue *q = &ui->queues[i];
			int st = i == ui->cur_queue ? TH_TAB_ACTIVE : TH_TABS;
			aline_printf(&l, st, " %s %zu", q->label, q->count);
			if (q->unread > 0)
				aline_printf(&l, st, " (%zu)", q->unread);
			aline_adds(&l, st, " ");
			aline_adds(&l, TH_TABS, ui->utf8 ? "│" : "|");
			if (i == ui->cur_queue)
				w = l.width;
		}
		if (w <= (size_t)v->w || start >= ui->cur_queue)
			break;
		start++;
	}
	ui_draw_aline(app, v->win, 0, 0, &l, (size_t)v->w, TH_TABS);
	aline_free(&l);
	v->dirty = false;
}

static void
sep_draw(struct app *app, struct view *v)
{
	int y;

	if (!v->dirty)
		return;
	wattr_set(v->win, (attr_t)app->ui.attr[TH_BORDER],
	    app->ui.pair[TH_BORDER], NULL);
	/* A UTF-8 line, not ACS: some terminals (and tmux captures) show
	 * ACS as letters when the locale is UTF-8. */
	for (y = 0; y < v->h; y++)
		mvwaddstr(v->win, y, 0, app->ui.utf8 ? "│" : "|");
	v->dirty = false;
}

static void
status_window(struct app *app, struct aline *l)
{
	const struct td_conversation *c = app_open_conv(app);
	int64_t left = 0;

	if (c == NULL)
		c = app_selected_conv(app);
	if (c == NULL)
		return;
	if (conversation_window_open(c, app->now, &left))
		aline_printf(l, left < 7200 ? TH_HIGH : TH_STATUS,
		    " window %" PRId64 "h%02" PRId64 "m ", left / 3600,
		    (left % 3600) / 60);
	else
		aline_adds(l, TH_WINDOW_CLOSED, " window closed: template only ");
}

static void
status_draw(struct app *app, struct view *v)
{
	struct ui *ui = &app->ui;
	struct aline l;
	char net[300];
	int st = TH_STATUS;

	if (dialog_on_status_line(app) || !v->dirty)
		return;
	aline_init(&l);
	if (ui->too_small) {
		aline_adds(&l, TH_STATUS, "terminal too small");
		goto draw;
	}
	if (ui->n_queues > 0)
		aline_printf(&l, TH_STATUS, " %s %zu/%zu ",
		    ui->queues[ui->cur_queue].label,
		    ui->n_items ? ui->sel + 1 : 0, ui->n_items);
	if (app->net != NULL) {
		net_state_short(app->net, net, sizeof net);
		switch (net_state(app->net)) {
		case NET_ONLINE: st = TH_ONLINE; break;
		case NET_CONNECTING: st = TH_STATUS; break;
		default: st = TH_OFFLINE; break;
		}
	} else {
		snprintf(net, sizeof net, "offline (no relay)");
		st = TH_OFFLINE;
	}
	aline_adds(&l, TH_STATUS, ui->utf8 ? "│ " : "| ");
	aline_printf(&l, st, "%s%s ", ui->utf8 ? "● " : "", net);
	aline_adds(&l, TH_STATUS, ui->utf8 ? "│" : "|");
	status_window(app, &l);
	aline_adds(&l, TH_STATUS, ui->utf8 ? "│ " : "| ");
	aline_printf(&l, TH_STATUS, "%s ", app->self_name ? app->self_name :
	    app->self_id ? app->self_id : "?");
	/* Last, as it is the longest: a message, else why we are offline. */
	if (ui->msg[0] != '\0') {
		aline_adds(&l, TH_STATUS, ui->utf8 ? "│ " : "| ");
		aline_adds(&l, ui->msg_error ? TH_STATUS_ERROR : TH_STATUS, ui->msg);
	} else if (app->net != NULL && (net_state(app->net) == NET_OFFLINE ||
	    net_state(app->net) == NET_AUTH_ERROR)) {
		aline_adds(&l, TH_STATUS, ui->utf8 ? "│ " : "| ");
		aline_adds(&l, TH_OFFLINE, net_state_detail(app->net));
	}
draw:
	ui_draw_aline(app, v->win, 0, 0, &l, (size_t)v->w, TH_STATUS);
	aline_free(&l);
	v->dirty = false;
}

static void
help_draw(struct app *app, struct view *v)
{
	struct ui *ui = &app->ui;
	const struct keymap *km = &app->keymap;
	struct aline l;
	char keys[128];
	size_t i, row;
	int y = 0;

	if (!v->dirty)
		return;
	werase(v->win);
	aline_init(&l);
	aline_adds(&l, TH_DAY, "ttydesk keys (from the live keymap; rebind in "
	    "[keys]).  Any other key closes this.");
	ui_draw_aline(app, v->win, y++, 0, &l, (size_t)v->w, TH_NORMAL);
	if (ui->help_top + (size_t)v->h > km->n_actions + 2)
		ui->help_top = km->n_actions + 2 > (size_t)v->h ?
		    km->n_actions + 2 - (size_t)v->h : 0;
	for (row = 0, i = ui->help_top; i < km->n_actions && y < v->h; i++, row++) {
		const struct action_def *a = &km->table[i];
		aline_clear(&l);
		keymap_keys_of(km, (int)i, keys, sizeof keys);
		aline_printf(&l, TH_HELP_KEY, " %-20.20s ", *keys ? keys : "-");
		aline_printf(&l, TH_NORMAL, "%-13s ", a->name);
		aline_adds(&l, a->fn ? TH_NORMAL : TH_SYSTEM, a->help);
		if (a->fn == NULL)
			aline_adds(&l, TH_SYSTEM, " (not available yet)");
		ui_draw_aline(app, v->win, y++, 0, &l, (size_t)v->w, TH_NORMAL);
	}
	aline_free(&l);
	v->dirty = false;
}

const struct view tabs_view = { .name = "tabs", .draw = tabs_draw };
const struct view sep_view = { .name = "sep", .draw = sep_draw };
const struct view status_view = { .name = "status", .draw = status_draw };
const struct view help_view = { .name = "help", .draw = help_draw };
