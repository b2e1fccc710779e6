/* Image bytes -> cells drawn by libchafa (see picture.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef TTYDESK_HAVE_CHAFA
#include <chafa.h>
#endif

#include "ttydesk/freeall.h"
#include "imgdecode.h"
#include "picture.h"

#ifdef TTYDESK_HAVE_CHAFA
static ChafaCanvasMode
picture_mode(enum picture_palette pal)
{
	switch (pal) {
	case PICTURE_PALETTE_16: return CHAFA_CANVAS_MODE_INDEXED_16;
	case PICTURE_PALETTE_8: return CHAFA_CANVAS_MODE_INDEXED_8;
	case PICTURE_PALETTE_240: break;
	}
	return CHAFA_CANVAS_MODE_INDEXED_240;
}

/* A canvas of cols x rows with block and line symbols (or pixels in
 * pixel mode pm), drawn from px. */
static ChafaCanvas *
picture_canvas_mode(const struct imgdecode_pixels *px, int cols, int rows,
    ChafaCanvasMode cm, ChafaPixelMode pm, const int *cell)
{
	ChafaSymbolMap *map = chafa_symbol_map_new();
	ChafaCanvasConfig *cfg = chafa_canvas_config_new();
	ChafaCanvas *canvas = NULL;

	if (map == NULL || cfg == NULL)
		goto out;
	/* Blocks and the half and quarter shapes every font has: no
	 * braille or ASCII art, which read badly in small sizes. */
	chafa_symbol_map_add_by_tags(map, (ChafaSymbolTags)(CHAFA_SYMBOL_TAG_BLOCK |
	    CHAFA_SYMBOL_TAG_HALF | CHAFA_SYMBOL_TAG_QUAD |
	    CHAFA_SYMBOL_TAG_SPACE));
	chafa_canvas_config_set_geometry(cfg, cols, rows);
	if (cell != NULL && cell[0] > 0 && cell[1] > 0 && cell[0] < 200 &&
	    cell[1] < 400)
		chafa_canvas_config_set_cell_geometry(cfg, cell[0], cell[1]);
	chafa_canvas_config_set_canvas_mode(cfg, cm);
	chafa_canvas_config_set_pixel_mode(cfg, pm);
	chafa_canvas_config_set_symbol_map(cfg, map);
	/* The same cells for the same bytes (tests compare a golden). */
	chafa_canvas_config_set_work_factor(cfg, 0.5f);
	chafa_canvas_config_set_dither_mode(cfg, CHAFA_DITHER_MODE_NONE);
	if ((canvas = chafa_canvas_new(cfg)) != NULL)
		chafa_canvas_draw_all_pixels(canvas,
		    CHAFA_PIXEL_RGBA8_UNASSOCIATED, px->rgba, px->width,
		    px->height, px->width * 4);
out:
	if (cfg != NULL)
		chafa_canvas_config_unref(cfg);
	if (map != NULL)
		chafa_symbol_map_unref(map);
	return canvas;
}

static ChafaCanvas *
picture_canvas(const struct imgdecode_pixels *px, int cols, int rows,
    enum picture_palette pal)
{
	return picture_canvas_mode(px, cols, rows, picture_mode(pal),
	    CHAFA_PIXEL_MODE_SYMBOLS, NULL);
}

static int16_t
picture_colour(gint c)
{
	return c >= 0 && c < 256 ? (int16_t)c : -1;
}
#endif

int
picture_render(const unsigned char *bytes, size_t len, int max_cols,
    int max_rows, enum picture_palette pal, struct picture *out, char *err,
    size_t errlen)
{
#ifdef TTYDESK_HAVE_CHAFA
	struct imgdecode_pixels px;
	ChafaCanvas *canvas;
	gint cols = max_cols, rows = max_rows, fg, bg;
	int x, y;

	memset(out, 0, sizeof *out);
	if (max_cols < 1 || max_rows < 1 || max_cols > 1000 ||
	    max_rows > 1000) {
		snprintf(err, errlen, "no room for a picture");
		return -1;
	}
	if (imgdecode_bytes(bytes, len, &px, err, errlen) != 0)
		return -1;
	/* Cells twice as tall as wide; never larger than the pixels. */
	chafa_calc_canvas_geometry(px.width, px.height, &cols, &rows, 0.5f,
	    FALSE, FALSE);
	if (cols < 1)
		cols = 1;
	if (rows < 1)
		rows = 1;
	out->cells = calloc((size_t)cols * (size_t)rows, sizeof *out->cells);
	out->row_refs = calloc((size_t)rows, sizeof *out->row_refs);
	if (out->cells == NULL || out->row_refs == NULL ||
	    (canvas = picture_canvas(&px, cols, rows, pal)) == NULL) {
		imgdecode_free(&px);
		picture_free(out);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	imgdecode_free(&px);
	out->cols = cols;
	out->rows = rows;
	for (y = 0; y < rows; y++) {
		out->row_refs[y].pic = out;
		out->row_refs[y].y = y;
		for (x = 0; x < cols; x++) {
			struct picture_cell *c = &out->cells[y * cols + x];
			c->ch = chafa_canvas_get_char_at(canvas, x, y);
			chafa_canvas_get_raw_colors_at(canvas, x, y, &fg, &bg);
			c->fg = picture_colour(fg);
			c->bg = picture_colour(bg);
			/* A wide or missing symbol would shift the row. */
			if (c->ch < 0x20 || c->ch == 0x7f)
				c->ch = ' ';
		}
	}
	chafa_canvas_unref(canvas);
	return 0;
#else
	(void)bytes;
	(void)len;
	(void)max_cols;
	(void)max_rows;
	(void)pal;
	memset(out, 0, sizeof *out);
	snprintf(err, errlen, "built without libchafa");
	return -1;
#endif
}

char *
picture_print(const unsigned char *bytes, size_t len, int cols, int rows,
    enum picture_output how, enum picture_palette pal, int cell_w,
    int cell_h, size_t *outlen, char *err, size_t errlen)
{
#ifdef TTYDESK_HAVE_CHAFA
	const int cell[2] = { cell_w, cell_h };
	struct imgdecode_pixels px;
	ChafaCanvas *canvas;
	ChafaTermInfo *ti;
	GString *gs;
	gint c = cols, r = rows;
	char *out = NULL;

	if (cols < 1 || rows < 1 || cols > 2000 || rows > 1000) {
		snprintf(err, errlen, "no room for a picture");
		return NULL;
	}
	if (imgdecode_bytes(bytes, len, &px, err, errlen) != 0)
		return NULL;
	/* The whole screen: small pictures grow to it. */
	chafa_calc_canvas_geometry(px.width, px.height, &c, &r, 0.5f, TRUE,
	    FALSE);
	canvas = picture_canvas_mode(&px, c < 1 ? 1 : c, r < 1 ? 1 : r,
	    how == PICTURE_OUT_SYMBOLS ? picture_mode(pal) :
	    CHAFA_CANVAS_MODE_TRUECOLOR, how == PICTURE_OUT_KITTY ?
	    CHAFA_PIXEL_MODE_KITTY : how == PICTURE_OUT_SIXEL ?
	    CHAFA_PIXEL_MODE_SIXELS : CHAFA_PIXEL_MODE_SYMBOLS, cell);
	imgdecode_free(&px);
	/* Every sequence chafa knows, whatever the terminal claims: the
	 * mode was chosen (detected or set) before. */
	if (canvas == NULL || (ti = chafa_term_db_get_fallback_info(
	    chafa_term_db_get_default())) == NULL) {
		if (canvas != NULL)
			chafa_canvas_unref(canvas);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	gs = chafa_canvas_print(canvas, ti);
	if (gs != NULL && (out = malloc(gs->len + 1)) != NULL) {
		memcpy(out, gs->str, gs->len + 1);
		*outlen = gs->len;
	}
	if (gs != NULL)
		g_string_free(gs, TRUE);
	chafa_term_info_unref(ti);
	chafa_canvas_unref(canvas);
	if (out == NULL)
		snprintf(err, errlen, "out of memory");
	return out;
#else
	(void)bytes;
	(void)len;
	(void)cols;
	(void)rows;
	(void)how;
	(void)pal;
	(void)cell_w;
	(void)cell_h;
	(void)outlen;
	snprintf(err, errlen, "built without libchafa");
	return NULL;
#endif
}

void
picture_free(struct picture *p)
{
	FREE_ALL(p->cells, p->row_refs, p->gfx);
	memset(p, 0, sizeof *p);
}
