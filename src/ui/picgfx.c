/* Inline pictures in kitty graphics or sixel (see picgfx.h). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ttydesk/buf.h"
#include "app.h"
#include "appconfig.h"
#include "picgfx.h"
#include "picture.h"
#include "ui.h"

static const char *
picgfx_env(const char *name)
{
	return getenv(name);
}

enum picmode
picgfx_mode(const struct app *app)
{
	enum picmode m = app->cfg != NULL ? (enum picmode)app->cfg->image_mode :
	    PICMODE_AUTO;

	return m == PICMODE_AUTO ? picmode_detect(picgfx_env) : m;
}

/* Something over the thread: a dialog, help, a panel, or no thread. */
static bool
picgfx_covered(const struct ui *ui)
{
	return ui->dialog != NULL || ui->help || ui->panel_on ||
	    !ui->thread.visible || ui->thread.win == NULL;
}

bool
picgfx_takes(const struct app *app, const struct picture *pic)
{
	const struct ui *ui = ui_of(app);
	enum picmode m = picgfx_mode(app);

	return ui->gfx.fd >= 0 && pic->gfx != NULL && !picgfx_covered(ui) &&
	    (m == PICMODE_KITTY || m == PICMODE_SIXEL);
}

void
picgfx_cell(const struct app *app, int *w, int *h)
{
	const struct ui *ui = ui_of(app);
	struct winsize ws;

	/* Unknown: the smallest common cell, so a sixel never runs past
	 * the rows the thread left for it (smaller, at worst). */
	*w = 8;
	*h = 16;
	if (ui->gfx.fd >= 0 && ioctl(ui->gfx.fd, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col > 0 && ws.ws_row > 0 && ws.ws_xpixel >= ws.ws_col &&
	    ws.ws_ypixel >= ws.ws_row) {
		*w = ws.ws_xpixel / ws.ws_col;
		*h = ws.ws_ypixel / ws.ws_row;
	}
}

void
picgfx_begin(struct app *app)
{
	struct picgfx *g = &ui_of(app)->gfx;

	g->n_want = 0;
	g->drawn = true;
}

void
picgfx_want(struct app *app, const struct picture *pic, int y, int x)
{
	struct picgfx *g = &ui_of(app)->gfx;

	if (g->n_want < PICGFX_MAX) {
		g->want[g->n_want].id = pic->id;
		g->want[g->n_want].y = y;
		g->want[g->n_want].x = x;
		g->want[g->n_want++].pic = pic;
	}
}

/* Is a (id, y, x) in list? */
static bool
picgfx_in(const struct picgfx_at *a, const struct picgfx_at *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i].id == a->id && list[i].y == a->y &&
		    list[i].x == a->x)
			return true;
	return false;
}

/* The terminal's own string capability, or fallback. */
static const char *
picgfx_cap(const char *name, const char *fallback)
{
	char *s = tigetstr(name);

	return s != NULL && s != (char *)-1 ? s : fallback;
}

/* pic at its cell: cursor saved, moved, the picture, cursor restored. */
static void
picgfx_put(struct buf *b, const struct picgfx_at *a, enum picmode m)
{
	const struct picture *p = a->pic;
	const char *cup = picgfx_cap("cup", NULL);

	if (cup == NULL)
		return;
	buf_adds(b, picgfx_cap("sc", "\0337"));
	buf_adds(b, tiparm(cup, a->y, a->x));
	/* chafa's first kitty command gets the id; q=2: no answers on
	 * stdin, C=1: the cursor stays (restored anyway). */
	if (m == PICMODE_KITTY && p->gfx_len > 3 &&
	    memcmp(p->gfx, "\033_G", 3) == 0) {
		buf_printf(b, "\033_Gi=%u,q=2,C=1,", (unsigned)a->id);
		buf_add(b, p->gfx + 3, p->gfx_len - 3);
	} else {
		buf_add(b, p->gfx, p->gfx_len);
	}
	buf_adds(b, picgfx_cap("rc", "\0338"));
}

static void
picgfx_write(int fd, const struct buf *b)
{
	const char *s = b->s;
	size_t len = b->failed ? 0 : b->len;
	ssize_t n;

	while (len > 0 && (n = write(fd, s, len)) > 0) {
		s += n;
		len -= (size_t)n;
	}
}

static void
picgfx_kitty(struct picgfx *g, struct buf *b)
{
	size_t i;

	for (i = 0; i < g->n_shown; i++)
		if (g->reset || !picgfx_in(&g->shown[i], g->want, g->n_want))
			buf_printf(b, "\033_Ga=d,d=I,i=%u,q=2\033\\",
			    (unsigned)g->shown[i].id);
	for (i = 0; i < g->n_want; i++)
		if (g->reset || !picgfx_in(&g->want[i], g->shown, g->n_shown))
			picgfx_put(b, &g->want[i], PICMODE_KITTY);
}

static void
picgfx_sixel(struct picgfx *g, struct buf *b)
{
	bool gone = false, again = g->drawn;
	size_t i;

	for (i = 0; i < g->n_shown; i++)
		gone |= !picgfx_in(&g->shown[i], g->want, g->n_want);
	for (i = 0; i < g->n_want; i++)
		again |= !picgfx_in(&g->want[i], g->shown, g->n_shown);
	/* Pixels curses does not know about: a full repaint wipes them
	 * (curses believes the cells blank and would never rewrite them). */
	if (gone)
		wrefresh(curscr);
	for (i = 0; (gone || again) && i < g->n_want; i++)
		picgfx_put(b, &g->want[i], PICMODE_SIXEL);
}

void
picgfx_flush(struct app *app)
{
	struct ui *ui = ui_of(app);
	struct picgfx *g = &ui->gfx;
	enum picmode m = picgfx_mode(app);
	struct buf b = { 0 };
	size_t i;

	if (g->fd < 0)
		return;
	if (picgfx_covered(ui))
		g->n_want = 0;
	if (m == PICMODE_KITTY)
		picgfx_kitty(g, &b);
	else if (m == PICMODE_SIXEL)
		picgfx_sixel(g, &b);
	picgfx_write(g->fd, &b);
	buf_free(&b);
	for (i = 0; i < g->n_want; i++) {
		g->shown[i] = g->want[i];
		g->shown[i].pic = NULL;
	}
	g->n_shown = g->n_want;
	g->drawn = g->reset = false;
}

void
picgfx_clear(struct app *app)
{
	struct picgfx *g = &ui_of(app)->gfx;

	g->n_want = 0;
	g->drawn = false;
	if (picgfx_mode(app) == PICMODE_KITTY)
		picgfx_flush(app);
	g->n_shown = 0;
}
