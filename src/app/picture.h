/*
 * Pictures in the terminal (pure, no curses): image bytes a customer sent
 * (PNG or JPEG, sniffed from the bytes, never trusted) -> a grid of
 * character cells with palette colours drawn by libchafa in symbols mode.
 * The screen draws the cells; this module never touches the terminal.
 *
 * Untrusted input: imgdecode.h bounds what is decoded; anything broken,
 * truncated or too large is an error with a message, never a crash.  Without libchafa at build time picture_render() always fails
 * ("built without libchafa") and the thread keeps its text line.
 *
 * Ownership: a struct picture owns its cells and gfx (picture_free).
 */
#ifndef TTYDESK_PICTURE_H
#define TTYDESK_PICTURE_H

#include <stddef.h>
#include <stdint.h>

/* Colours the terminal has: chafa picks from these palettes. */
enum picture_palette {
	PICTURE_PALETTE_240 = 0, /* xterm 256 without the 16 themed ones */
	PICTURE_PALETTE_16,
	PICTURE_PALETTE_8,
};

struct picture_cell {
	uint32_t ch;  /* a Unicode block or line symbol, or a space */
	int16_t fg;   /* palette index, -1: the terminal's default */
	int16_t bg;
};

struct picture;

/* What a thread line points at: one row of a picture. */
struct picture_row {
	const struct picture *pic;
	int y;
};

struct picture {
	int cols, rows;
	struct picture_cell *cells;  /* rows * cols, row by row */
	struct picture_row *row_refs; /* rows */
	/* The same picture in the terminal's graphics (kitty or sixel,
	 * picture_print at cols x rows), NULL for symbols only; id: the
	 * kitty image id it is shown under (never 0). */
	char *gfx;
	size_t gfx_len;
	uint32_t id;
};

/* Decode and render into at most max_cols x max_rows cells (the aspect
 * kept; a cell is taken as twice as tall as wide).  0, or -1 with err. */
int picture_render(const unsigned char *bytes, size_t len, int max_cols,
    int max_rows, enum picture_palette pal, struct picture *out, char *err,
    size_t errlen);
void picture_free(struct picture *p);

/* The full-screen view's output, written straight to the terminal. */
enum picture_output {
	PICTURE_OUT_SYMBOLS = 0, /* blocks with SGR colours of palette pal */
	PICTURE_OUT_KITTY,       /* the kitty graphics protocol */
	PICTURE_OUT_SIXEL,
};
/* bytes drawn into at most cols x rows cells (grown to fill them, the
 * aspect kept) as the terminal's own escape sequences: malloc'd, its
 * length in *outlen; NULL with err.  cell_w x cell_h: a cell's size in
 * pixels (sixel's pixels must fit the cells), 0: chafa's guess. */
char *picture_print(const unsigned char *bytes, size_t len, int cols,
    int rows, enum picture_output how, enum picture_palette pal,
    int cell_w, int cell_h, size_t *outlen, char *err, size_t errlen);

#endif
