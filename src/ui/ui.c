/*
 * Curses setup, layout and the once-per-turn repaint.  Windows: a queue
 * tab bar on top, the list and the thread (side by side from 100 columns,
 * else one at a time), a status line at the bottom.
 */
#include <curses.h>
#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "ttydesk/clock.h"
#include "ttydesk/sanitize.h"
#include "actions.h"
#include "app.h"
#include "compose.h"
#include "dialog.h"
#include "keymap.h"
#include "listview.h"
#include "theme.h"
#include "ui.h"
#include "queues.h"
#include "threadview.h"
#include "views.h"

#define UI_TWO_PANE_MIN 100

static attr_t
ui_attrs(unsigned a)
{
	static const struct {
		unsigned tha;
		attr_t attr;
	} map[] = {
		{ THA_BOLD, A_BOLD }, { THA_DIM, A_DIM },
		{ THA_UNDERLINE, A_UNDERLINE }, { THA_REVERSE, A_REVERSE },
		{ THA_ITALIC, A_ITALIC }, { THA_STANDOUT, A_STANDOUT },
	};
	attr_t r = A_NORMAL;
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (a & map[i].tha)
			r |= map[i].attr;
	}
	return r;
}

void
ui_apply_theme(struct app *app)
{
	struct ui *ui = ui_of(app);
	struct theme base;
	const char *nc = getenv("NO_COLOR");
	int i, ncol;
	short fg, bg;

	theme_default(&base);
	ui->colour = has_colors() && (nc == NULL || *nc == '\0') &&
	    strcmp(ui_of(app)->theme.name, "mono") != 0;
	if (ui->colour) {
		start_color();
		use_default_colors();
	}
	ncol = ui->colour ? COLORS : 0;
	if (ui->colour && COLOR_PAIRS < TH__COUNT + 1)
		ui->colour = false;
	for (i = 0; i < TH__COUNT; i++) {
		const struct theme_style *s = &ui_of(app)->theme.el[i];
		unsigned a = s->attrs;
		ui->pair[i] = 0;
		if (ui->colour && (s->fg >= 0 || s->bg >= 0)) {
			fg = theme_colour_fallback(s->fg, ncol > 256 ? 256 : ncol);
			bg = theme_colour_fallback(s->bg, ncol > 256 ? 256 : ncol);
			if (init_pair((short)(i + 1), fg, bg) == OK)
				ui->pair[i] = (short)(i + 1);
		}
		/* Without colour, a style that only had colours keeps the
		 * built-in attributes so things stay apart. */
		if (!ui->colour)
			a |= base.el[i].attrs;
		ui->attr[i] = ui_attrs(a);
	}
	ui_dirty_all(app);
}

static void
ui_view_init(struct view *v, const struct view *proto)
{
	*v = *proto;
	v->win = NULL;
	v->dirty = true;
}

static void
ui_setup_tty(void)
{
	struct termios t;

	/* Flow control would eat C-s and C-q; the keymap may want them. */
	if (tcgetattr(STDIN_FILENO, &t) == 0) {
		t.c_iflag &= (tcflag_t)~(IXON | IXOFF);
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
	}
}

static int
ui_common_start(struct app *app)
{
	struct ui *ui = ui_of(app);
	const char *cs = nl_langinfo(CODESET);

	ui->utf8 = cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);
	cbreak();
	noecho();
	nonl();
	/* After cbreak(), which re-applies ncurses' own copy of the modes;
	 * def_prog_mode() makes IXON-off part of that copy (endwin and back,
	 * e.g. around $EDITOR). */
	if (isatty(STDIN_FILENO)) {
		ui_setup_tty();
		def_prog_mode();
	}
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	ui->started = true;
	ui_view_init(&ui->tabs, &tabs_view);
	ui_view_init(&ui->list, &list_view);
	ui_view_init(&ui->sep, &sep_view);
	ui_view_init(&ui->thread, &thread_view);
	ui_view_init(&ui->status, &status_view);
	ui_view_init(&ui->helpv, &help_view);
	ui_view_init(&ui->compose, &compose_view);
	ui->panel.win = NULL;
	ui->gfx.fd = -1;
	ui->dirty_rows[0] = ui->dirty_rows[1] = -1;
	ui_apply_theme(app);
	/* stdscr is never drawn on; refresh it once so getch() has no
	 * reason to repaint it over the views. */
	wnoutrefresh(stdscr);
	ui_layout(app);
	return 0;
}

int
ui_start(struct app *app, char *err, size_t errlen)
{
	if (initscr() == NULL) {
		snprintf(err, errlen, "cannot start the terminal interface "
		    "(TERM=%s)", getenv("TERM") ? getenv("TERM") : "");
		return -1;
	}
	ui_common_start(app);
	/* Graphics go where curses writes, after its frame. */
	ui_of(app)->gfx.fd = STDOUT_FILENO;
	return 0;
}

int
ui_start_term(struct app *app, void *screen)
{
	set_term((SCREEN *)screen);
	return ui_common_start(app);
}

static void
ui_delwin(struct view *v)
{
	if (v->win != NULL) {
		delwin(v->win);
		v->win = NULL;
	}
}

void
ui_stop(struct app *app)
{
	struct ui *ui = ui_of(app);

	if (!ui->started)
		return;
	ui_delwin(&ui->tabs);
	ui_delwin(&ui->list);
	ui_delwin(&ui->sep);
	ui_delwin(&ui->thread);
	ui_delwin(&ui->status);
	ui_delwin(&ui->helpv);
	ui_delwin(&ui->compose);
	ui_delwin(&ui->panel);
	dialog_resize(app);
	picgfx_clear(app);
	curs_set(1);
	endwin();
	ui->started = false;
}

static void
ui_place(struct view *v, bool visible, int y, int x, int h, int w)
{
	v->visible = visible && h > 0 && w > 0;
	v->dirty = true;
	if (!v->visible)
		return;
	if (v->win != NULL && v->y == y && v->x == x && v->h == h && v->w == w)
		return;
	ui_delwin(v);
	v->y = y;
	v->x = x;
	v->h = h;
	v->w = w;
	v->win = newwin(h, w, y, x);
	if (v->win == NULL)
		v->visible = false;
	else
		idlok(v->win, TRUE); /* scrolling a full-width list may use the
				      * terminal's insert/delete line */
}

void
ui_layout(struct app *app)
{
	struct ui *ui = ui_of(app);
	int rows = LINES, cols = COLS, body, lw, ch;
	bool over;

	ui->rows = rows;
	ui->cols = cols;
	ui->too_small = rows < 6 || cols < 30;
	ui->two_pane = cols >= UI_TWO_PANE_MIN;
	body = rows - 2;
	if (ui->too_small) {
		ui_place(&ui->tabs, false, 0, 0, 0, 0);
		ui_place(&ui->list, false, 0, 0, 0, 0);
		ui_place(&ui->sep, false, 0, 0, 0, 0);
		ui_place(&ui->thread, false, 0, 0, 0, 0);
		ui_place(&ui->helpv, false, 0, 0, 0, 0);
		ui_place(&ui->compose, false, 0, 0, 0, 0);
		ui_place(&ui->panel, false, 0, 0, 0, 0);
		ui_place(&ui->status, true, 0, 0, rows > 0 ? 1 : 0, cols);
		return;
	}
	/* Help or a panel covers list and thread. */
	over = ui->help || ui->panel_on;
	ui_place(&ui->tabs, true, 0, 0, 1, cols);
	ui_place(&ui->status, true, rows - 1, 0, 1, cols);
	ui_place(&ui->helpv, ui->help, 1, 0, body, cols);
	ui_place(&ui->panel, ui->panel_on && !ui->help, 1, 0, body, cols);
	ch = compose_height(app, body);
	if (ui->two_pane) {
		lw = cols * 2 / 5;
		if (lw < 44)
			lw = 44;
		if (lw > 72)
			lw = 72;
		ui_place(&ui->list, !over, 1, 0, body, lw);
		ui_place(&ui->sep, !over, 1, lw, body, 1);
		ui_place(&ui->thread, !over, 1, lw + 1, body - ch, cols - lw - 1);
		ui_place(&ui->compose, !over && ch > 0, 1 + body - ch, lw + 1,
		    ch, cols - lw - 1);
	} else {
		ui_place(&ui->list, !over && ui->focus == FOCUS_LIST, 1, 0,
		    body, cols);
		ui_place(&ui->sep, false, 0, 0, 0, 0);
		ui_place(&ui->thread, !over && ui->focus == FOCUS_THREAD, 1,
		    0, body - ch, cols);
		ui_place(&ui->compose, !over && ch > 0 &&
		    ui->focus == FOCUS_THREAD, 1 + body - ch, 0, ch, cols);
	}
	if (ui->list.resize != NULL)
		ui->list.resize(app, &ui->list);
	if (ui->thread.resize != NULL)
		ui->thread.resize(app, &ui->thread);
	dialog_resize(app);
}

void
ui_view_resized(struct app *app, struct view *v)
{
	v->dirty = true;
}

void
ui_resize(struct app *app)
{
	struct winsize ws;

	if (!ui_of(app)->started)
		return;
	/* resizeterm() queues a KEY_RESIZE; only call it on a real change
	 * or the KEY_RESIZE handler would loop. */
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0 && (ws.ws_row != LINES || ws.ws_col != COLS))
		resizeterm(ws.ws_row, ws.ws_col);
	/* After a resize the terminal's contents are unknown. */
	clearok(curscr, TRUE);
	wnoutrefresh(stdscr);
	ui_layout(app);
}

void
ui_dirty_all(struct app *app)
{
	struct ui *ui = ui_of(app);

	ui->tabs.dirty = ui->list.dirty = ui->sep.dirty = true;
	ui->thread.dirty = ui->status.dirty = ui->helpv.dirty = true;
	ui->compose.dirty = ui->panel.dirty = true;
	/* A clear screen takes kitty's images with it. */
	ui->gfx.reset = true;
}

void
ui_panel_open(struct app *app, const struct view *proto)
{
	struct ui *ui = ui_of(app);

	/* The window is kept; the functions are the panel's. */
	ui->panel.name = proto->name;
	ui->panel.draw = proto->draw;
	ui->panel.resize = proto->resize;
	ui->panel.panel_keys = proto->panel_keys;
	ui->panel.panel_cursor = proto->panel_cursor;
	ui->panel_on = true;
	ui->help = false;
	ui_layout(app);
	ui_dirty_all(app);
}

void
ui_panel_close(struct app *app)
{
	struct ui *ui = ui_of(app);

	if (!ui->panel_on)
		return;
	ui->panel_on = false;
	ui_layout(app);
	ui_dirty_all(app);
}

void
ui_panel_page(struct app *app, struct view *v, struct aline *head,
    struct aline *lines, size_t n, size_t *top, long sel, struct aline *foot)
{
	size_t body = v->h > 2 ? (size_t)v->h - 2 : 0, max, i;
	struct aline empty;
	int y;

	if (sel >= 0 && (size_t)sel < *top)
		*top = (size_t)sel;
	if (sel >= 0 && body > 0 && (size_t)sel >= *top + body)
		*top = (size_t)sel - body + 1;
	max = n > body ? n - body : 0;
	*top = *top > max ? max : *top;
	aline_init(&empty);
	ui_draw_aline(app, v->win, 0, 0, head, (size_t)v->w, TH_NORMAL);
	for (y = 0; (size_t)y < body; y++) {
		i = *top + (size_t)y;
		ui_draw_aline(app, v->win, y + 1, 0, i < n ? &lines[i] : &empty,
		    (size_t)v->w, sel >= 0 && i == (size_t)sel ? TH_SELECTED :
		    TH_NORMAL);
	}
	if (v->h > 1)
		ui_draw_aline(app, v->win, v->h - 1, 0, foot, (size_t)v->w,
		    TH_NORMAL);
	for (i = 0; i < n; i++)
		aline_free(&lines[i]);
	free(lines);
	aline_free(head);
	aline_free(foot);
	v->dirty = false;
}

bool
ui_panel_toggle(struct app *app, const struct view *proto)
{
	if (ui_panel_is(app, proto)) {
		ui_panel_close(app);
		return false;
	}
	ui_panel_open(app, proto);
	return true;
}

/* The row of keys for key (action NULL) or for the action named action. */
static const struct panel_key *
ui_panel_row(const struct panel_key *keys, int key, const char *action)
{
	for (; keys != NULL && keys->fn != NULL; keys++)
		if (action != NULL ? keys->action != NULL &&
		    strcmp(keys->action, action) == 0 :
		    keys->key != 0 && keys->key == key)
			return keys;
	return NULL;
}

static void
ui_panel_down(struct app *app)
{
	(*ui_of(app)->panel.panel_cursor(app))++;
}

static void
ui_panel_up(struct app *app)
{
	size_t *cur = ui_of(app)->panel.panel_cursor(app);

	if (*cur > 0)
		(*cur)--;
}

/* The motion every panel has. */
static const struct panel_key ui_panel_motion[] = {
	{ 0, "down", ui_panel_down },
	{ 0, "up", ui_panel_up },
	{ 0, NULL, NULL },
};

int
ui_panel_key(struct app *app, int key)
{
	struct view *v = &ui_of(app)->panel;
	const struct keymap *km = &ui_of(app)->keymap;
	const struct panel_key *k;
	int a = keymap_lookup(km, key);
	const char *name = a >= 0 ? km->table[a].name : "";

	v->dirty = true;
	if ((k = ui_panel_row(v->panel_keys, key, NULL)) != NULL) {
		k->fn(app);
		return UI_HANDLED;
	}
	if (a >= 0 && (km->table[a].flags & ACT_PANEL))
		return km->table[a].fn(app);
	if (key == KM_ESC || key == 'q' || strcmp(name, "back") == 0 ||
	    strcmp(name, v->name) == 0) {
		ui_panel_close(app);
		return UI_HANDLED;
	}
	if ((k = ui_panel_row(v->panel_keys, 0, name)) != NULL ||
	    (k = ui_panel_row(ui_panel_motion, 0, name)) != NULL)
		k->fn(app);
	return UI_HANDLED;
}

bool
ui_panel_is(const struct app *app, const struct view *proto)
{
	const struct ui *ui = ui_of(app);

	return ui->panel_on && ui->panel.draw == proto->draw;
}

void
ui_bell(struct app *app)
{
	(void)app;
	beep();
}

/* Not a UTF-8 terminal: one '?' per column a character would take, so
 * columns still line up and no byte is taken for a control. */
static void
ui_add_ascii(WINDOW *w, const char *s, size_t len)
{
	uint32_t cp;
	size_t k;
	int cw;

	while (len > 0) {
		k = utf8_decode(s, len, &cp);
		if (k == 0)
			break;
		if (cp < 0x80) {
			waddch(w, (chtype)cp);
		} else {
			for (cw = cp_width(cp); cw > 0; cw--)
				waddch(w, '?');
		}
		s += k;
		len -= k;
	}
}

static void
ui_run_attr(const struct ui *ui, int st, int base, attr_t *a, short *pair)
{
	if (base == TH_SELECTED || base == TH_DIALOG || base == TH_STATUS) {
		/* Keep emphasis, take the row's colours. */
		*a = (attr_t)ui->attr[base] |
		    ((attr_t)ui->attr[st] & (A_BOLD | A_UNDERLINE));
		*pair = ui->pair[base];
	} else if (base == TH_UNREAD) {
		/* An unread row is bold throughout: one weight for the whole
		 * row spares the terminal a bold-off and -on around every
		 * field that has its own colour. */
		*a = (attr_t)ui->attr[st] | ((attr_t)ui->attr[TH_UNREAD] & A_BOLD);
		*pair = ui->pair[st];
	} else {
		*a = (attr_t)ui->attr[st == TH_NORMAL ? base : st];
		*pair = ui->pair[st == TH_NORMAL ? base : st];
	}
}

/* Padding between fields: up to 4 blanks of the plain style. */
static bool
ui_is_gap(const struct aline *l, const struct arun *r)
{
	size_t k;

	if (r->style != TH_NORMAL || r->len == 0 || r->len > 4)
		return false;
	for (k = 0; k < r->len; k++)
		if (l->text[r->off + k] != ' ')
			return false;
	return true;
}

/* Would a blank look the same drawn with (a, pa) as with (b, pb)?  Only
 * the background and the attributes that mark blanks count. */
static bool
ui_blank_same(attr_t a, short pa, attr_t b, short pb)
{
	const attr_t marks = A_REVERSE | A_STANDOUT | A_UNDERLINE | A_BLINK;
	short fa, ba, fb, bb;

	if ((a & marks) != (b & marks))
		return false;
	if (pa == pb)
		return true;
	if (pair_content(pa, &fa, &ba) == ERR || pair_content(pb, &fb, &bb) ==
	    ERR)
		return false;
	return ba == bb;
}

void
ui_draw_aline(struct app *app, WINDOW *w, int y, int x, const struct aline *l,
    size_t width, int base)
{
	struct ui *ui = ui_of(app);
	size_t i, used = 0, n, got;
	attr_t a, prev_a = 0, next_a;
	short pair, prev_pair = 0, next_pair;

	wmove(w, y, x);
	for (i = 0; i < l->n_runs && used < width; i++) {
		const struct arun *r = &l->runs[i];

		ui_run_attr(ui, r->style, base, &a, &pair);
		/* A few blanks between two fields look the same in either
		 * neighbour's attributes when the background is the same:
		 * taking them saves the terminal two attribute changes. */
		if (ui_is_gap(l, r)) {
			if (i > 0 && ui_blank_same(a, pair, prev_a, prev_pair)) {
				a = prev_a;
				pair = prev_pair;
			} else if (i + 1 < l->n_runs) {
				ui_run_attr(ui, l->runs[i + 1].style, base,
				    &next_a, &next_pair);
				if (ui_blank_same(a, pair, next_a, next_pair)) {
					a = next_a;
					pair = next_pair;
				}
			}
		}
		prev_a = a;
		prev_pair = pair;
		n = text_fit(l->text + r->off, r->len, width - used, &got);
		wattr_set(w, a, pair, NULL);
		if (ui->utf8)
			waddnstr(w, l->text + r->off, (int)n);
		else
			ui_add_ascii(w, l->text + r->off, n);
		used += got;
		if (n < r->len)
			break;
	}
	ui_run_attr(ui, TH_NORMAL, base, &a, &pair);
	wattr_set(w, a, pair, NULL);
	for (; used < width; used++)
		waddch(w, ' ');
}

void
ui_draw(struct app *app)
{
	struct ui *ui = ui_of(app);
	struct view *views[] = { &ui->tabs, &ui->list, &ui->sep, &ui->thread,
	    &ui->helpv, &ui->panel, &ui->status, &ui->compose };
	size_t i;

	if (!ui->started)
		return;
	curs_set(0);
	for (i = 0; i < sizeof views / sizeof views[0]; i++) {
		struct view *v = views[i];
		if (!v->visible || v->win == NULL)
			continue;
		/* The cursor is hidden unless a view with text input places
		 * it (and says so): no cursor motion at the end of a frame. */
		leaveok(v->win, TRUE);
		if (v->draw != NULL)
			v->draw(app, v);
		wnoutrefresh(v->win);
	}
	if (ui->dialog != NULL)
		dialog_draw(app);
	doupdate();
	picgfx_flush(app);
	if (ui->frames++ == 0)
		ui->first_frame_ms = clock_ms();
}

int
ui_read_key(struct app *app)
{
	wint_t wc;
	int rc, next;

	rc = get_wch(&wc);
	if (rc == ERR)
		return -1;
	if (rc == KEY_CODE_YES) {
		if (wc == KEY_ENTER)
			return KM_ENTER;
		return KM_KEY((int)wc);
	}
	if (wc == '\n')
		return KM_ENTER;
	if (wc == 27) {
		/* ESC followed at once by a key is Alt-key. */
		rc = get_wch(&wc);
		if (rc == ERR)
			return KM_ESC;
		if (rc == KEY_CODE_YES)
			return KM_KEY((int)wc);
		next = wc == '\n' ? KM_ENTER : (int)wc;
		return KM_META(next);
	}
	return (int)wc;
}

static bool
ui_is_motion(const struct app *app, int action)
{
	return action >= 0 && (ui_of(app)->keymap.table[action].flags & ACT_MOTION);
}

int
ui_key(struct app *app, int key)
{
	struct ui *ui = ui_of(app);
	struct view *fv;
	int a, flags;

	if (key == KM_KEY(KEY_RESIZE)) {
		ui_resize(app);
		return UI_HANDLED;
	}
	if (ui->dialog != NULL)
		return dialog_key(app, key);
	if (ui->help)
		return ui->helpv.handle_key(app, &ui->helpv, key);
	if (ui->panel_on)
		return ui_panel_key(app, key);
	/* Cursor motion may leave the preview behind for a moment; anything
	 * else acts on what the agent sees, so the preview catches up first. */
	a = keymap_lookup(&ui_of(app)->keymap, key);
	if (ui->preview_pending && !ui_is_motion(app, a))
		queues_preview_commit(app);
	/* The focused view sees keys first (text input, e.g. a compose area). */
	fv = ui->focus == FOCUS_THREAD ? &ui->thread : &ui->list;
	if (compose_active(app) && ui->compose.visible)
		fv = &ui->compose;
	if (fv->handle_key != NULL && (flags = fv->handle_key(app, fv, key)) != 0)
		return flags;
	if (a < 0) {
		char name[32];
		app_message(app, "%s is not bound (? shows the keys)",
		    keymap_key_name(key, name, sizeof name));
		return UI_HANDLED;
	}
	return action_run(app, &ui_of(app)->keymap.table[a]);
}
