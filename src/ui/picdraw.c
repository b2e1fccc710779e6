/* Pictures of image messages on the screen (see picdraw.h). */
#include <curses.h>
#include <stdint.h>
#include <string.h>

#include "aline.h"
#include "app.h"
#include "picdraw.h"
#include "picgfx.h"
#include "pictures.h"
#include "theme.h"
#include "ui.h"

/* Small enough to read as a thumbnail beside the text, big enough to
 * recognise: about a third of a wide pane. */
#define PICDRAW_MAX_COLS 40
#define PICDRAW_MAX_ROWS 14

const struct picture *
picdraw_for(void *ud, const char *conv, const struct td_message *m,
    size_t cols)
{
	struct app *app = ud;
	struct ui *ui = ui_of(app);
	struct picture_spec sp;
	enum picmode mode;

	if (app->cfg == NULL || !app->cfg->images || ui == NULL ||
	    !ui->utf8 || !ui->colour || COLORS < 8)
		return NULL;
	sp.pal = COLORS >= 256 ? PICTURE_PALETTE_240 : COLORS >= 16 ?
	    PICTURE_PALETTE_16 : PICTURE_PALETTE_8;
	sp.max_cols = cols > PICDRAW_MAX_COLS ? PICDRAW_MAX_COLS : (int)cols;
	sp.max_rows = PICDRAW_MAX_ROWS;
	/* Graphics too when the terminal takes them (and there is one). */
	mode = ui->gfx.fd >= 0 ? picgfx_mode(app) : PICMODE_SYMBOLS;
	sp.how = mode == PICMODE_KITTY ? PICTURE_OUT_KITTY :
	    mode == PICMODE_SIXEL ? PICTURE_OUT_SIXEL : PICTURE_OUT_SYMBOLS;
	picgfx_cell(app, &sp.cell_w, &sp.cell_h);
	return pictures_get(app, conv, m->media, &sp);
}

/* One code point as UTF-8 into out (5 bytes); its length. */
static size_t
picdraw_utf8(uint32_t c, char *out)
{
	size_t n;

	if (c < 0x80) {
		out[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		out[0] = (char)(0xf0 | (c >> 18));
		out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[3] = (char)(0x80 | (c & 0x3f));
		n = 4;
	}
	out[n] = '\0';
	return n;
}

size_t
picdraw_indent(const struct aline *l)
{
	const struct picture_row *r = l->tag;

	return r != NULL && r->pic != NULL && l->width > (size_t)r->pic->cols ?
	    l->width - (size_t)r->pic->cols : 0;
}

void
picdraw_row(struct app *app, WINDOW *w, int y, int x, const struct aline *l,
    size_t width, bool blank)
{
	const struct picture_row *r = l->tag;
	const struct picture *p = r != NULL ? r->pic : NULL;
	struct ui *ui = ui_of(app);
	size_t indent, i;
	char ch[5];
	int pair, cx;

	wmove(w, y, x);
	wattr_set(w, (attr_t)ui->attr[TH_NORMAL], ui->pair[TH_NORMAL], NULL);
	if (p == NULL || r->y < 0 || r->y >= p->rows || blank) {
		wclrtoeol(w);
		return;
	}
	indent = picdraw_indent(l);
	for (i = 0; i < indent && i < width; i++)
		waddch(w, ' ');
	for (cx = 0; cx < p->cols && indent + (size_t)cx < width; cx++) {
		const struct picture_cell *c = &p->cells[r->y * p->cols + cx];
		/* ncurses' own pair cache; an exhausted table reuses the
		 * oldest of these, never the theme's pairs. */
		pair = alloc_pair(c->fg, c->bg);
		if (pair < 0)
			pair = 0;
		wattr_set(w, A_NORMAL, (short)(pair > 0x7fff ? 0 : pair), &pair);
		picdraw_utf8(c->ch, ch);
		waddstr(w, ch);
	}
	wattr_set(w, (attr_t)ui->attr[TH_NORMAL], ui->pair[TH_NORMAL], NULL);
	if (indent + (size_t)p->cols < width)
		wclrtoeol(w);
}
