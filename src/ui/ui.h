/*
 * The screen: windows, layout, views and dirty flags.
 *
 * Output works like tmux: handlers only set dirty flags; once per loop
 * turn ui_draw() repaints what is dirty into each window, wnoutrefresh()es
 * it, and calls doupdate() once.  clear() is never used in the normal path;
 * moving the list cursor repaints two rows.
 *
 * A view is a struct of function pointers (draw, handle_key, resize) over
 * one window; handle_key returns UI_* flags (keymap.h).
 */
#ifndef TTYDESK_UI_H
#define TTYDESK_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ttydesk/model.h"
#include "aline.h"
#include "app.h"
#include "inbox.h"
#include "keymap.h"
#include "picgfx.h"
#include "theme.h"

struct dialog;
struct convmap;
struct compose;
struct bulk;
struct reportui;
struct teamui;
typedef struct _win_st WINDOW;

/* A panel's own key: the key itself, or (key 0) whatever [keys] binds to
 * the action named action ("down"); fn does what it does there. */
struct panel_key {
	int key;
	const char *action;
	void (*fn)(struct app *app);
};

struct view {
	const char *name;
	void (*draw)(struct app *app, struct view *v);
	/* Keys the view wants before the keymap (text input); 0 when not
	 * handled, else UI_* flags. */
	int (*handle_key)(struct app *app, struct view *v, int key);
	void (*resize)(struct app *app, struct view *v);
	/* A full-screen panel's own keys (ui_panel_key), else NULL, and the
	 * number its up and down keys move (a selection or a scroll). */
	const struct panel_key *panel_keys;
	size_t *(*panel_cursor)(struct app *app);
	WINDOW *win;
	int y, x, h, w;
	bool visible;
	bool dirty;     /* repaint everything */
};

enum ui_focus { FOCUS_LIST = 0, FOCUS_THREAD };

struct ui {
	bool started;
	bool utf8;
	bool colour;
	int rows, cols;
	bool two_pane;
	bool too_small;
	enum ui_focus focus;
	bool help;          /* help screen shown */
	size_t help_top;

	struct view tabs, list, sep, thread, status, helpv;
	/* A full-screen panel over list and thread (the report or the team
	 * view: ui_panel_open), shown while panel_on. */
	struct view panel;
	bool panel_on;
	struct view compose; /* under the thread while composing (compose.c) */
	unsigned long attr[40]; /* curses attributes per theme element */
	short pair[40];

	/* Queues and the list of the current one. */
	struct inbox_queue *queues; /* the tabs (inbox_queues) */
	size_t n_queues;
	size_t cur_queue;
	bool queue_chosen;  /* the agent switched queues: keep it */
	bool sla_sort;      /* breached/soonest SLA first (sla.c) */
	char cur_team[128];  /* team id of the current queue, "" when none */
	struct td_conversation **items; /* model pointers, rebuilt on change */
	size_t n_items;
	size_t sel;
	size_t top;
	char *sel_id;       /* selection survives list rebuilds */
	long dirty_rows[2]; /* list rows to repaint, -1 none */

	/* Thread pane. */
	char *open_id;      /* conversation shown, NULL none */
	/* Two panes: the thread pane follows the list cursor once the cursor
	 * has rested preview_delay_ms, so holding j over a slow link does not
	 * send every thread passed over.  0 follows at once. */
	int preview_delay_ms;
	bool preview_pending;
	int64_t preview_due_ms;

	/* Search. */
	char search[256];
	bool search_active;
	size_t search_origin;  /* list position when the search started */

	/* Status bar. */
	char msg[256];
	bool msg_error;
	int64_t msg_at;

	struct dialog *dialog; /* modal, NULL when none */
	int64_t last_tick;     /* minute of the last clock redraw */
	int64_t last_second;   /* second of the last idle work */
	unsigned long frames;  /* doupdate()s so far */
	int64_t first_frame_ms; /* CLOCK_MONOTONIC ms of the first one */

	struct keymap keymap;
	struct keymap compose_keys; /* the compose area's (composekeys.h) */
	struct theme theme;
	struct convmap *convs;     /* per-conversation UI state (convui.h) */
	/* Compose area and marks (compose.h, bulk.h); NULL until used. */
	struct compose *composer;
	struct bulk *bulk;
	/* The report and team views' state (reportview.h, teamview.h);
	 * NULL until first opened. */
	struct reportui *report;
	struct teamui *team;
	/* The thread's pictures in kitty graphics or sixel (picgfx.h). */
	struct picgfx gfx;
};

/* The screen's state of an app (ui_init made it). */
static inline struct ui *
ui_of(const struct app *app)
{
	return app->view;
}

/* Make the screen's state (keymap, theme, queues) and register it with
 * the app; app_free() frees it.  Curses starts later (ui_start).
 * Returns 0 or -1 with err. */
int ui_init(struct app *app, char *err, size_t errlen);

/* Start/stop curses (setlocale must have run).  ui_start applies the
 * theme; safe to call ui_stop twice and from a fatal path. */
int ui_start(struct app *app, char *err, size_t errlen);
void ui_stop(struct app *app);
/* Curses on an existing terminal (benchmarks: newterm on a pty/file). */
int ui_start_term(struct app *app, void *screen);
void ui_apply_theme(struct app *app);
void ui_layout(struct app *app);
void ui_resize(struct app *app);
/* A view's resize that repaints it whole (list, thread, compose). */
void ui_view_resized(struct app *app, struct view *v);
void ui_draw(struct app *app);
void ui_dirty_all(struct app *app);
/* Show a full-screen panel drawn and keyed by proto's functions and
 * panel_keys (the report or team view), or close it. */
void ui_panel_open(struct app *app, const struct view *proto);
void ui_panel_close(struct app *app);
/* Is the panel of proto on screen? */
bool ui_panel_is(const struct app *app, const struct view *proto);
/* A panel's page: head on the first row, lines from *top (kept within
 * range, and so that line sel is shown; sel < 0: no selection) on the rows
 * between, foot on the last.  Frees lines (n of them), head and foot. */
void ui_panel_page(struct app *app, struct view *v, struct aline *head,
    struct aline *lines, size_t n, size_t *top, long sel, struct aline *foot);
/* Open the panel of proto, or close it when it is on screen: true when
 * it opened. */
bool ui_panel_toggle(struct app *app, const struct view *proto);
/* A key over the panel: its own literal keys (panel_keys, ended by a row
 * whose fn is NULL) first, then the keys every panel shares (help and
 * redraw as anywhere; Esc, q, back and the action named as the panel
 * close it), then its rows by action, then up and down on its
 * panel_cursor.  Returns UI_* flags. */
int ui_panel_key(struct app *app, int key);
/* The terminal bell (a new message in one of my queues). */
void ui_bell(struct app *app);
/* One key from the terminal; returns UI_* flags. */
int ui_key(struct app *app, int key);
/* Read a key without blocking: -1 when none. */
int ui_read_key(struct app *app);

/* Draw an attributed line at (y, x) cut/padded to width columns.
 * base_style is the row's: TH_SELECTED, TH_DIALOG and TH_STATUS give every
 * run the row's colours; TH_UNREAD makes every run bold; any other is the
 * style of the plain (TH_NORMAL) runs. */
void ui_draw_aline(struct app *app, WINDOW *w, int y, int x,
    const struct aline *l, size_t width, int base_style);

#endif
