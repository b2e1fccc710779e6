/* The modal prompt / confirm / choose primitive. */
#include <curses.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/sanitize.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "ui.h"
#include "dialog.h"
#include "rsearch.h"
#include "keymap.h"
#include "theme.h"

enum dialog_kind { DLG_PROMPT, DLG_CONFIRM, DLG_CHOOSE, DLG_NOTICE };

struct dialog {
	enum dialog_kind kind;
	char *label;
	char text[1024];
	size_t len;
	char **items;
	size_t n_items;
	size_t sel;
	size_t top;
	char note[128];     /* prompt: shown after the text, e.g. "no match" */
	dialog_text_fn change;
	dialog_text_fn done_text;
	dialog_pick_fn done_pick;
	void *ud;
	WINDOW *win;
	bool marked;        /* choose: items hold \x02...\x03 highlights */
};

static void
dialog_free(struct dialog *d)
{
	if (d == NULL)
		return;
	if (d->win != NULL)
		delwin(d->win);
	vec_free(&d->items, &d->n_items, sizeof *d->items, vec_clear_str);
	free(d->label);
	free(d);
}

static struct dialog *
dialog_new(struct app *app, enum dialog_kind kind, const char *label)
{
	struct dialog *d;

	if (ui_of(app)->dialog != NULL) {
		app_error(app, "another dialog is open");
		return NULL;
	}
	if ((d = calloc(1, sizeof *d)) == NULL ||
	    (d->label = sanitize_text(label, strlen(label),
	    SANITIZE_SINGLE_LINE)) == NULL) {
		free(d);
		app_error(app, "out of memory");
		return NULL;
	}
	d->kind = kind;
	ui_of(app)->dialog = d;
	ui_dirty_all(app);
	return d;
}

int
dialog_prompt(struct app *app, const char *label, const char *initial,
    dialog_text_fn change, dialog_text_fn done, void *ud)
{
	struct dialog *d = dialog_new(app, DLG_PROMPT, label);

	if (d == NULL)
		return -1;
	d->change = change;
	d->done_text = done;
	d->ud = ud;
	if (initial != NULL) {
		d->len = strlen(initial);
		if (d->len > sizeof d->text - 1)
			d->len = sizeof d->text - 1;
		memcpy(d->text, initial, d->len);
		d->text[d->len] = '\0';
	}
	return 0;
}

int
dialog_notice(struct app *app, const char *title, const char *text)
{
	struct dialog *d = dialog_new(app, DLG_NOTICE, title);

	if (d == NULL)
		return -1;
	if ((d->items = calloc(1, sizeof *d->items)) == NULL ||
	    (d->items[0] = sanitize_text(text, strlen(text), 0)) == NULL) {
		ui_of(app)->dialog = NULL;
		dialog_free(d);
		return -1;
	}
	d->n_items = 1;
	return 0;
}

int
dialog_confirm(struct app *app, const char *question, dialog_pick_fn done,
    void *ud)
{
	struct dialog *d = dialog_new(app, DLG_CONFIRM, question);

	if (d == NULL)
		return -1;
	d->done_pick = done;
	d->ud = ud;
	return 0;
}

/* A choice box of n items, each made safe to draw by clean (which
 * returns NULL when out of memory); marked: clean keeps the \x02...\x03
 * marks. */
static int
dialog_choose_with(struct app *app, const char *title,
    const char *const *items, size_t n, bool marked,
    char *(*clean)(const char *s, size_t len), dialog_pick_fn done, void *ud)
{
	struct dialog *d = dialog_new(app, DLG_CHOOSE, title);
	size_t i;

	if (d == NULL)
		return -1;
	d->done_pick = done;
	d->ud = ud;
	d->marked = marked;
	if ((d->items = calloc(n ? n : 1, sizeof *d->items)) == NULL)
		goto oom;
	for (i = 0; i < n; i++) {
		if ((d->items[i] = clean(items[i], strlen(items[i]))) == NULL)
			goto oom;
		d->n_items++;
	}
	return 0;
oom:
	ui_of(app)->dialog = NULL;
	dialog_free(d);
	app_error(app, "out of memory");
	return -1;
}

static char *
dialog_clean_line(const char *s, size_t len)
{
	return sanitize_text(s, len, SANITIZE_SINGLE_LINE);
}

int
dialog_choose(struct app *app, const char *title, const char *const *items,
    size_t n, dialog_pick_fn done, void *ud)
{
	return dialog_choose_with(app, title, items, n, false,
	    dialog_clean_line, done, ud);
}

int
dialog_choose_rows(struct app *app, const char *title, size_t n,
    dialog_row_fn row, const void *ctx, dialog_pick_fn done, void *ud)
{
	const char **items = calloc(n ? n : 1, sizeof *items);
	char *lines = calloc(n ? n : 1, DIALOG_ROW_MAX);
	size_t i;
	int rc = -1;

	if (items == NULL || lines == NULL) {
		app_error(app, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		items[i] = lines + i * DIALOG_ROW_MAX;
		row(ctx, i, lines + i * DIALOG_ROW_MAX, DIALOG_ROW_MAX);
	}
	rc = dialog_choose(app, title, items, n, done, ud);
out:
	free(items);
	free(lines);
	return rc;
}

int
dialog_choose_marked(struct app *app, const char *title,
    const char *const *items, size_t n, dialog_pick_fn done, void *ud)
{
	return dialog_choose_with(app, title, items, n, true, rsearch_snippet,
	    done, ud);
}

/* An item, its marked parts highlighted. */
static void
dialog_add_item(struct aline *l, const struct dialog *d, const char *s)
{
	int st = TH_NORMAL;
	size_t n;

	if (!d->marked) {
		aline_adds(l, TH_NORMAL, s);
		return;
	}
	while (*s != '\0') {
		n = strcspn(s, "\x02\x03");
		aline_add(l, st, s, n);
		s += n;
		if (*s == '\0')
			break;
		st = *s == RSEARCH_MARK_ON ? TH_HIGH : TH_NORMAL;
		s++;
	}
}

void
dialog_discard(struct app *app)
{
	struct dialog *d = ui_of(app)->dialog;

	/* Callbacks get their cancel value so they free what ud holds; one
	 * that opens another dialog here gets it closed too. */
	ui_of(app)->dialog = NULL;
	if (d != NULL && d->done_text != NULL)
		d->done_text(app, d->ud, NULL);
	if (d != NULL && d->done_pick != NULL)
		d->done_pick(app, d->ud, -1);
	dialog_free(d);
	if (ui_of(app)->dialog != NULL) {
		dialog_free(ui_of(app)->dialog);
		ui_of(app)->dialog = NULL;
	}
	ui_dirty_all(app);
}

/* Close, then call back (the callback may open a new dialog). */
static void
dialog_finish(struct app *app, const char *text, int pick)
{
	struct dialog *d = ui_of(app)->dialog;
	char copy[sizeof d->text];

	ui_of(app)->dialog = NULL;
	snprintf(copy, sizeof copy, "%s", text ? text : "");
	if (d->done_text != NULL)
		d->done_text(app, d->ud, text ? copy : NULL);
	if (d->done_pick != NULL)
		d->done_pick(app, d->ud, pick);
	dialog_free(d);
	ui_dirty_all(app);
}

static void
dialog_backspace(struct dialog *d, int word)
{
	while (d->len > 0 && word && d->text[d->len - 1] == ' ')
		d->len--;
	while (d->len > 0) {
		d->len--;
		if (((unsigned char)d->text[d->len] & 0xc0) != 0x80) {
			if (!word || d->len == 0 || d->text[d->len - 1] == ' ')
				break;
		}
	}
	d->text[d->len] = '\0';
}

static void
dialog_insert(struct dialog *d, int key)
{
	char u[4];
	size_t n = utf8_encode((uint32_t)key, u);

	if (d->len + n >= sizeof d->text)
		return;
	memcpy(d->text + d->len, u, n);
	d->len += n;
	d->text[d->len] = '\0';
}

void
dialog_note(struct app *app, const char *note)
{
	struct dialog *d = ui_of(app)->dialog;

	if (d == NULL)
		return;
	snprintf(d->note, sizeof d->note, "%s", note ? note : "");
	ui_of(app)->status.dirty = true;
}

bool
dialog_on_status_line(const struct app *app)
{
	const struct dialog *d = ui_of(app)->dialog;

	return d != NULL && (d->kind == DLG_PROMPT || d->kind == DLG_CONFIRM);
}

/* box() draws ACS characters, which some terminals show as letters in a
 * UTF-8 locale; draw the frame with text instead. */
static void
dialog_frame(struct app *app, WINDOW *w)
{
	int h, wd, i;
	bool u = ui_of(app)->utf8;

	getmaxyx(w, h, wd);
	for (i = 1; i < wd - 1; i++) {
		mvwaddstr(w, 0, i, u ? "─" : "-");
		mvwaddstr(w, h - 1, i, u ? "─" : "-");
	}
	for (i = 1; i < h - 1; i++) {
		mvwaddstr(w, i, 0, u ? "│" : "|");
		mvwaddstr(w, i, wd - 1, u ? "│" : "|");
	}
	mvwaddstr(w, 0, 0, u ? "┌" : "+");
	mvwaddstr(w, 0, wd - 1, u ? "┐" : "+");
	mvwaddstr(w, h - 1, 0, u ? "└" : "+");
	mvwaddstr(w, h - 1, wd - 1, u ? "┘" : "+");
}

static int
dialog_prompt_key(struct app *app, struct dialog *d, int key)
{
	if (key == KM_ESC || key == 7 /* C-g */) {
		dialog_finish(app, NULL, -1);
		return UI_HANDLED | UI_REDRAW;
	}
	if (key == KM_ENTER || key == '\n' || key == KM_KEY(KEY_ENTER)) {
		dialog_finish(app, d->text, 0);
		return UI_HANDLED | UI_REDRAW;
	}
	if (key == KM_KEY(KEY_BACKSPACE) || key == 127 || key == 8)
		dialog_backspace(d, 0);
	else if (key == 23) /* C-w */
		dialog_backspace(d, 1);
	else if (key == 21) { /* C-u */
		d->len = 0;
		d->text[0] = '\0';
	} else if (!KM_IS_KEY(key) && !KM_IS_META(key) && key >= 0x20 &&
	    key != 0x7f)
		dialog_insert(d, key);
	else
		return UI_HANDLED;
	if (d->change != NULL)
		d->change(app, d->ud, d->text);
	ui_of(app)->status.dirty = true;
	return UI_HANDLED | UI_REDRAW;
}

/* The rows a chooser box shows at most (dialog_draw_box). */
static size_t
dialog_page(const struct app *app)
{
	int rows = ui_of(app)->rows - 6;

	return rows > 1 ? (size_t)rows : 1;
}

static int
dialog_choose_key(struct app *app, struct dialog *d, int key)
{
	int a = keymap_lookup(&ui_of(app)->keymap, key);
	const char *name = a >= 0 ? ui_of(app)->keymap.table[a].name : "";
	size_t last = d->n_items > 0 ? d->n_items - 1 : 0;

	if (key == KM_ESC || key == 7 || strcmp(name, "back") == 0) {
		dialog_finish(app, NULL, -1);
	} else if (key == KM_ENTER || key == '\n' || strcmp(name, "open") == 0) {
		dialog_finish(app, NULL, d->n_items ? (int)d->sel : -1);
	} else if (strcmp(name, "down") == 0) {
		if (d->sel + 1 < d->n_items)
			d->sel++;
	} else if (strcmp(name, "up") == 0) {
		if (d->sel > 0)
			d->sel--;
	} else if (strcmp(name, "page_down") == 0) {
		d->sel = d->sel + dialog_page(app) < d->n_items ?
		    d->sel + dialog_page(app) : last;
	} else if (strcmp(name, "bottom") == 0) {
		d->sel = last;
	} else if (strcmp(name, "page_up") == 0) {
		d->sel = d->sel > dialog_page(app) ? d->sel - dialog_page(app) : 0;
	} else if (strcmp(name, "top") == 0) {
		d->sel = 0;
	} else if (key >= '1' && key <= '9' && (size_t)(key - '1') < d->n_items) {
		dialog_finish(app, NULL, key - '1');
	}
	return UI_HANDLED | UI_REDRAW;
}

int
dialog_key(struct app *app, int key)
{
	struct dialog *d = ui_of(app)->dialog;

	if (d == NULL)
		return 0;
	switch (d->kind) {
	case DLG_PROMPT:
		return dialog_prompt_key(app, d, key);
	case DLG_CONFIRM:
		if (key == 'y' || key == 'Y')
			dialog_finish(app, NULL, 1);
		else if (key == 'n' || key == 'N')
			dialog_finish(app, NULL, 0);
		else if (key == KM_ESC || key == 7)
			dialog_finish(app, NULL, -1);
		return UI_HANDLED | UI_REDRAW;
	case DLG_CHOOSE:
		return dialog_choose_key(app, d, key);
	case DLG_NOTICE:
		dialog_finish(app, NULL, 0);
		return UI_HANDLED | UI_REDRAW;
	}
	return 0;
}

void
dialog_resize(struct app *app)
{
	struct dialog *d = ui_of(app)->dialog;

	if (d != NULL && d->win != NULL) {
		delwin(d->win);
		d->win = NULL;
	}
}

/* Prompt and confirm live on the status line; choose is a box. */
static void
dialog_draw_line(struct app *app, struct dialog *d)
{
	struct view *v = &ui_of(app)->status;
	struct aline l;
	size_t w = (size_t)v->w, cursor;

	aline_init(&l);
	aline_adds(&l, TH_DIALOG, d->label);
	if (d->kind == DLG_CONFIRM) {
		aline_adds(&l, TH_DIALOG, " [y/n] ");
	} else {
		/* Show the end of a long text. */
		const char *t = d->text;
		size_t tw = text_width(t, d->len), room = w > l.width + 2 ?
		    w - l.width - 2 : 1;
		while (tw > room && *t != '\0') {
			uint32_t cp;
			size_t n = utf8_decode(t, strlen(t), &cp);
			tw -= (size_t)(cp_width(cp) > 0 ? cp_width(cp) : 0);
			t += n;
		}
		aline_adds(&l, TH_DIALOG, t);
	}
	cursor = l.width;
	if (d->note[0] != '\0')
		aline_printf(&l, TH_STATUS_ERROR, "  [%s]", d->note);
	ui_draw_aline(app, v->win, 0, 0, &l, w, TH_DIALOG);
	wmove(v->win, 0, (int)(cursor < w ? cursor : w - 1));
	leaveok(v->win, FALSE);
	curs_set(1);
	aline_free(&l);
	wnoutrefresh(v->win);
}

static void
dialog_draw_box(struct app *app, struct dialog *d)
{
	int h, w, y, x, rows = ui_of(app)->rows, cols = ui_of(app)->cols, i;
	size_t maxw = text_width(d->label, strlen(d->label)) + 4, k;
	struct aline l;

	for (k = 0; k < d->n_items; k++) {
		size_t iw = text_width(d->items[k], strlen(d->items[k])) + 8;
		if (iw > maxw)
			maxw = iw;
	}
	w = (int)maxw < cols - 4 ? (int)maxw : cols - 4;
	h = (int)d->n_items + 2 < rows - 4 ? (int)d->n_items + 2 : rows - 4;
	if (w < 10 || h < 3)
		return;
	y = (rows - h) / 2;
	x = (cols - w) / 2;
	if (d->win == NULL && (d->win = newwin(h, w, y, x)) == NULL)
		return;
	if (d->sel < d->top)
		d->top = d->sel;
	if (d->sel >= d->top + (size_t)(h - 2))
		d->top = d->sel - (size_t)(h - 2) + 1;
	wattr_set(d->win, (attr_t)ui_of(app)->attr[TH_DIALOG], ui_of(app)->pair[TH_DIALOG], NULL);
	werase(d->win);
	dialog_frame(app, d->win);
	aline_init(&l);
	aline_printf(&l, TH_DIALOG, " %s ", d->label);
	ui_draw_aline(app, d->win, 0, 2, &l, (size_t)w - 4, TH_DIALOG);
	for (i = 0; i < h - 2 && d->top + (size_t)i < d->n_items; i++) {
		size_t k2 = d->top + (size_t)i;
		aline_clear(&l);
		if (k2 < 9)
			aline_printf(&l, TH_HELP_KEY, "%zu ", k2 + 1);
		else
			aline_adds(&l, TH_NORMAL, "  ");
		dialog_add_item(&l, d, d->items[k2]);
		ui_draw_aline(app, d->win, i + 1, 1, &l, (size_t)w - 2,
		    k2 == d->sel ? TH_SELECTED : TH_DIALOG);
	}
	aline_free(&l);
	curs_set(0);
	wnoutrefresh(d->win);
}

struct notice_ctx {
	struct app *app;
	WINDOW *win;
	int y, h;
	size_t w;
};

static int
notice_line(void *ud, const char *s, size_t len)
{
	struct notice_ctx *n = ud;
	struct aline l;

	if (n->y >= n->h - 2)
		return 0;
	aline_init(&l);
	aline_add(&l, TH_DIALOG, s, len);
	ui_draw_aline(n->app, n->win, n->y++, 2, &l, n->w, TH_DIALOG);
	aline_free(&l);
	return 0;
}

static int
notice_count(void *ud, const char *s, size_t len)
{
	(*(int *)ud)++;
	return 0;
}

static void
dialog_draw_notice(struct app *app, struct dialog *d)
{
	int w = ui_of(app)->cols - 4 < 76 ? ui_of(app)->cols - 4 : 76, h = 0;
	struct notice_ctx n;
	struct aline l;

	if (w < 20)
		return;
	text_wrap(d->items[0], strlen(d->items[0]), (size_t)w - 4, notice_count, &h);
	h += 4;
	if (h > ui_of(app)->rows - 2)
		h = ui_of(app)->rows - 2;
	if (d->win == NULL && (d->win = newwin(h, w, (ui_of(app)->rows - h) / 2,
	    (ui_of(app)->cols - w) / 2)) == NULL)
		return;
	wattr_set(d->win, (attr_t)ui_of(app)->attr[TH_DIALOG], ui_of(app)->pair[TH_DIALOG],
	    NULL);
	werase(d->win);
	dialog_frame(app, d->win);
	aline_init(&l);
	aline_printf(&l, TH_DIALOG, " %s ", d->label);
	ui_draw_aline(app, d->win, 0, 2, &l, (size_t)w - 4, TH_DIALOG);
	aline_clear(&l);
	aline_adds(&l, TH_DIALOG, " any key closes ");
	ui_draw_aline(app, d->win, h - 1, w - 18 > 2 ? w - 18 : 2, &l, 16,
	    TH_DIALOG);
	aline_free(&l);
	n.app = app;
	n.win = d->win;
	n.y = 1;
	n.h = h + 1;
	n.w = (size_t)w - 4;
	text_wrap(d->items[0], strlen(d->items[0]), n.w, notice_line, &n);
	curs_set(0);
	wnoutrefresh(d->win);
}

void
dialog_draw(struct app *app)
{
	struct dialog *d = ui_of(app)->dialog;

	if (d == NULL)
		return;
	if (d->kind == DLG_NOTICE)
		dialog_draw_notice(app, d);
	else if (d->kind == DLG_CHOOSE)
		dialog_draw_box(app, d);
	else
		dialog_draw_line(app, d);
}

char *
dialog_day_row(int64_t ts, const char *nodate, const char *sep1,
    const char *a, const char *sep2, const char *b)
{
	char day[16];
	time_t t = (time_t)ts;
	struct tm tm;
	char *row;
	size_t len;

	if (ts <= 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(day, sizeof day, "%Y-%m-%d", &tm) == 0)
		snprintf(day, sizeof day, "%s", nodate);
	len = strlen(day) + strlen(sep1) + strlen(a) + strlen(sep2) +
	    strlen(b) + 1;
	if ((row = malloc(len)) != NULL)
		snprintf(row, len, "%s%s%s%s%s", day, sep1, a, sep2, b);
	return row;
}
