/* The small views: queue tabs, pane separator, status bar, help screen. */
#include <curses.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "dialog.h"
#include "keymap.h"
#include "numbers.h"
#include "conn.h"
#include "theme.h"
#include "ui.h"
#include "views.h"
#include "window.h"

static void
tabs_draw(struct app *app, struct view *v)
{
	struct ui *ui = ui_of(app);
	struct aline l;
	size_t i, start = 0, w = 0;

	if (!v->dirty)
		return;
	aline_init(&l);
	/* Scroll the tabs so the current one is always shown. */
	for (;;) {
		aline_clear(&l);
		for (i = start; i < ui->n_queues; i++) {
			const struct inbox_queue *q = &ui->queues[i];
			int st = i == ui->cur_queue ? TH_TAB_ACTIVE : TH_TABS;
			aline_printf(&l, st, " %s %zu", q->label, q->count);
			/* What stays on the relay (outside the working set). */
			if (q->q.kind == TD_Q_RESOLVED &&
			    window_outside(app, true) > 0)
				aline_printf(&l, st, "+%" PRId64,
				    window_outside(app, true));
			if (q->unread > 0)
				aline_printf(&l, st, " (%zu)", q->unread);
			aline_adds(&l, st, " ");
			aline_adds(&l, TH_TABS, ui->utf8 ? "│" : "|");
			if (i == ui->cur_queue)
				w = l.width;
		}
		/* The number filter, with several numbers. */
		if (numbers_several(app))
			aline_printf(&l, numbers_filter_name(app) ? TH_HIGH :
			    TH_TABS, " number: %s ", numbers_filter_name(app) ?
			    numbers_filter_name(app) : "all");
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
	wattr_set(v->win, (attr_t)ui_of(app)->attr[TH_BORDER],
	    ui_of(app)->pair[TH_BORDER], NULL);
	/* A UTF-8 line, not ACS: some terminals (and tmux captures) show
	 * ACS as letters when the locale is UTF-8. */
	for (y = 0; y < v->h; y++)
		mvwaddstr(v->win, y, 0, ui_of(app)->utf8 ? "│" : "|");
	v->dirty = false;
}

static void
status_window(struct app *app, struct aline *l)
{
	/* The window of the conversation on screen: the open thread, or the
	 * preview beside the list.  The list alone has its window marks in
	 * the rows, and a cursor move then leaves the status line as it is. */
	const struct td_conversation *c = ui_of(app)->focus == FOCUS_THREAD ||
	    ui_of(app)->two_pane ? app_open_conv(app) : NULL;
	int64_t left = 0;

	if (c == NULL)
		return;
	aline_adds(l, TH_STATUS, ui_of(app)->utf8 ? "│" : "|");
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
	struct ui *ui = ui_of(app);
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
	/* The queue and its size, not the cursor's place in it: that would
	 * rewrite the status line on every move. */
	if (ui->n_queues > 0)
		aline_printf(&l, TH_STATUS, " %s %zu ",
		    ui->queues[ui->cur_queue].label, ui->n_items);
	conn_short(app, net, sizeof net);
	switch (conn_state(app)) {
	case CONN_ONLINE: st = TH_ONLINE; break;
	case CONN_CONNECTING: st = TH_STATUS; break;
	default: st = TH_OFFLINE; break;
	}
	aline_adds(&l, TH_STATUS, ui->utf8 ? "│ " : "| ");
	aline_printf(&l, st, "%s%s ", ui->utf8 ? "● " : "", net);
	if (window_progress(app, net, sizeof net) != NULL) {
		aline_adds(&l, TH_STATUS, ui->utf8 ? "│ " : "| ");
		aline_printf(&l, TH_HIGH, "%s ", net);
	}
	status_window(app, &l);
	aline_adds(&l, TH_STATUS, ui->utf8 ? "│ " : "| ");
	aline_printf(&l, TH_STATUS, "%s ", app->self_name ? app->self_name :
	    app->self_id ? app->self_id : "?");
	/* Last, as it is the longest: a message, else why we are offline. */
	if (app->msg[0] != '\0') {
		aline_adds(&l, TH_STATUS, ui->utf8 ? "│ " : "| ");
		aline_adds(&l, app->msg_error ? TH_STATUS_ERROR : TH_STATUS, app->msg);
	} else if (conn_state(app) == CONN_OFFLINE ||
	    conn_state(app) == CONN_AUTH_ERROR) {
		aline_adds(&l, TH_STATUS, ui->utf8 ? "│ " : "| ");
		aline_adds(&l, TH_OFFLINE, conn_detail(app));
	}
	/* An error too long for what precedes it (a refusal in the relay's
	 * words) takes the whole line rather than losing its end. */
	if (app->msg[0] != '\0' && app->msg_error && l.width > (size_t)v->w) {
		aline_clear(&l);
		aline_adds(&l, TH_STATUS_ERROR, " ");
		aline_adds(&l, TH_STATUS_ERROR, app->msg);
	}
draw:
	ui_draw_aline(app, v->win, 0, 0, &l, (size_t)v->w, TH_STATUS);
	aline_free(&l);
	v->dirty = false;
}

struct help_lines {
	struct aline_list ls;
	size_t indent;
	int style;
};

/* Continuation lines of a help text, under its column. */
static int
help_wrap_cb(void *ud, const char *s, size_t len)
{
	struct help_lines *h = ud;
	struct aline *l;

	if (h->ls.n > 0 && h->ls.v[h->ls.n - 1].width <= h->indent) {
		l = &h->ls.v[h->ls.n - 1]; /* the first piece goes on the key line */
	} else {
		if ((l = aline_list_add(&h->ls)) == NULL)
			return -1;
		aline_pad(l, TH_NORMAL, h->indent);
	}
	aline_add(l, h->style, s, len);
	return 0;
}

/* The help as lines for the pane width: keys, action, text (wrapped). */
static void
help_build(struct app *app, struct help_lines *h, size_t width)
{
	const struct keymap *km = &ui_of(app)->keymap;
	char keys[128], text[256];
	size_t i, kw = 22, nw = 14;
	struct aline *l;

	if ((l = aline_list_add(&h->ls)) != NULL)
		aline_adds(l, TH_DAY, "ttydesk keys, from the live keymap (rebind "
		    "in [keys]); j/k scroll, any other key closes");
	for (i = 0; i < km->n_actions; i++) {
		const struct action_def *a = &km->table[i];
		if ((l = aline_list_add(&h->ls)) == NULL)
			return;
		keymap_keys_of(km, (int)i, keys, sizeof keys);
		aline_adds(l, TH_NORMAL, " ");
		aline_add_fit(l, TH_HELP_KEY, *keys ? keys : "-", kw - 2);
		aline_pad(l, TH_NORMAL, kw - l->width);
		aline_add_fit(l, TH_NORMAL, a->name, nw - 1);
		aline_pad(l, TH_NORMAL, kw + nw - l->width);
		snprintf(text, sizeof text, "%s%s", a->help, a->fn ? "" :
		    " (not available yet)");
		h->indent = kw + nw;
		h->style = a->fn ? TH_NORMAL : TH_SYSTEM;
		text_wrap(text, strlen(text), width > h->indent + 10 ?
		    width - h->indent : 10, help_wrap_cb, h);
	}
}

static void
help_draw(struct app *app, struct view *v)
{
	struct ui *ui = ui_of(app);
	struct help_lines h = { { NULL, 0, 0 }, 0, TH_NORMAL };
	struct aline empty;
	size_t i, max;
	int y;

	if (!v->dirty)
		return;
	help_build(app, &h, (size_t)v->w);
	max = h.ls.n > (size_t)v->h ? h.ls.n - (size_t)v->h : 0;
	if (ui->help_top > max)
		ui->help_top = max;
	aline_init(&empty);
	for (y = 0; y < v->h; y++) {
		i = ui->help_top + (size_t)y;
		ui_draw_aline(app, v->win, y, 0, i < h.ls.n ? &h.ls.v[i] : &empty,
		    (size_t)v->w, TH_NORMAL);
	}
	aline_list_free(&h.ls);
	v->dirty = false;
}

const struct view tabs_view = { .name = "tabs", .draw = tabs_draw };
const struct view sep_view = { .name = "sep", .draw = sep_draw };
const struct view status_view = { .name = "status", .draw = status_draw };
/* The help screen takes every key: the actions that have an in_help
 * answer (scrolling, quit) run it, any other key closes the screen. */
static int
help_key(struct app *app, struct view *v, int key)
{
	int a = keymap_lookup(&ui_of(app)->keymap, key), flags;

	(void)v;
	if (a >= 0 && ui_of(app)->keymap.table[a].in_help != NULL) {
		flags = ui_of(app)->keymap.table[a].in_help(app);
		if (flags & UI_QUIT)
			app->quit = true;
		return flags;
	}
	ui_of(app)->help = false;
	ui_layout(app);
	return UI_HANDLED;
}

const struct view help_view = { .name = "help", .draw = help_draw,
	.handle_key = help_key };
