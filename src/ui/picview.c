/* The full-screen view of a picture (see picview.h). */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ttydesk/model.h"
#include "app.h"
#include "conn.h"
#include "picgfx.h"
#include "picmode.h"
#include "picture.h"
#include "pictures.h"
#include "picview.h"
#include "threadview.h"
#include "ui.h"

static void
picview_write(const char *s, size_t len)
{
	ssize_t n;

	while (len > 0 && (n = write(STDOUT_FILENO, s, len)) > 0) {
		s += n;
		len -= (size_t)n;
	}
}

/* One key, read with the terminal as the shell left it, then whatever
 * else the key sent (an arrow's sequence) dropped. */
static void
picview_wait_key(void)
{
	struct termios old, raw;
	char c;

	if (tcgetattr(STDIN_FILENO, &old) != 0)
		return;
	raw = old;
	raw.c_lflag &= (tcflag_t)~(ICANON | ECHO);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	while (read(STDIN_FILENO, &c, 1) < 0)
		;
	tcflush(STDIN_FILENO, TCIFLUSH);
	tcsetattr(STDIN_FILENO, TCSANOW, &old);
}

static void
picview_show(struct app *app, const unsigned char *bytes, size_t len)
{
	static const char *const hint = "\r\n  any key: back to the thread";
	enum picmode m = picgfx_mode(app);
	enum picture_output how = m == PICMODE_KITTY ? PICTURE_OUT_KITTY :
	    m == PICMODE_SIXEL ? PICTURE_OUT_SIXEL : PICTURE_OUT_SYMBOLS;
	enum picture_palette pal = COLORS >= 256 ? PICTURE_PALETTE_240 :
	    COLORS >= 16 ? PICTURE_PALETTE_16 : PICTURE_PALETTE_8;
	char err[256], *out;
	size_t n = 0;

	if ((out = picture_print(bytes, len, COLS, LINES > 2 ? LINES - 2 : 1,
	    how, pal, 0, 0, &n, err, sizeof err)) == NULL) {
		app_error(app, "cannot show the picture: %s", err);
		return;
	}
	def_prog_mode();
	picgfx_clear(app);
	endwin();
	picview_write("\033[H\033[2J", 7);
	picview_write(out, n);
	picview_write(hint, strlen(hint));
	free(out);
	picview_wait_key();
	/* A kitty image stays until deleted; the rest goes with the clear. */
	if (how == PICTURE_OUT_KITTY)
		picview_write("\033_Ga=d\033\\", 8);
	picview_write("\033[0m\033[H\033[2J", 11);
	reset_prog_mode();
	clearok(curscr, TRUE);
	ui_dirty_all(app);
	app_message(app, "picture shown (%s)", picmode_name(m));
}

static void
picview_fetched(struct app *app, void *ud, long status, const char *body,
    size_t len, const char *err)
{
	(void)ud;
	if (app->view == NULL)
		return;
	if (status == 200)
		picview_show(app, (const unsigned char *)body, len);
	else if (status == 0)
		app_error(app, "picture not fetched: %s", err);
	else
		app_error(app, "picture not fetched: the relay answered HTTP %ld",
		    status);
}

int
picview_open(struct app *app)
{
	const struct td_msg *m = thread_selected(app);
	struct td_conversation *c = app_open_conv(app);
	char base[900], path[1024], err[256];

	if (m == NULL || c == NULL || m->m.media == NULL ||
	    !pictures_wanted(m->m.media))
		return 0;
	if (app->cfg != NULL && !app->cfg->images) {
		app_message(app, "pictures are off ([ui] images)");
		return 1;
	}
	if (conn_conv_path(base, sizeof base, c->id, "/media/") == NULL ||
	    snprintf(path, sizeof path, "%s%s", base, m->m.media->id) >=
	    (int)sizeof path) {
		app_error(app, "cannot build the media request");
		return 1;
	}
	if (app_get(app, path, picview_fetched, NULL, err, sizeof err) != 0)
		app_error(app, "%s", err);
	else
		app_message(app, "fetching the picture ...");
	return 1;
}
