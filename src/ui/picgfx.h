/*
 * Inline pictures in the terminal's own graphics (kitty or sixel, [ui]
 * images): curses draws the thread with blank cells where a picture
 * goes (the cells its symbols would take), and after the frame reached
 * the terminal (doupdate) picgfx_flush writes the picture there, the
 * cursor placed with the terminal's cup and restored after.
 *
 * kitty: every picture is shown under its own image id; one that moved,
 * went out of the pane, or whose thread closed is deleted (a=d), so
 * nothing stays behind.  sixel: pixels live in the cells and cannot be
 * clipped, so only a picture wholly inside the pane is drawn in sixel
 * (the thread draws symbols for the others); it is written again when
 * it moved or the thread was redrawn, and a moved or gone one makes the
 * screen repaint from scratch, which wipes its old pixels.  Nothing is
 * written while a dialog, help or a panel covers the thread.
 */
#ifndef TTYDESK_PICGFX_H
#define TTYDESK_PICGFX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "picmode.h"

#define PICGFX_MAX 16 /* pictures in one pane, far more than fit */

struct app;
struct picture;

struct picgfx_at {
	uint32_t id;
	int y, x;                    /* the screen cell of its top left */
	const struct picture *pic;   /* wanted: valid for this frame only */
};

struct picgfx {
	int fd;          /* the terminal; -1: none (symbols only) */
	struct picgfx_at want[PICGFX_MAX], shown[PICGFX_MAX];
	size_t n_want, n_shown;
	bool drawn;      /* the thread was drawn since the last flush */
	bool reset;      /* the screen was cleared: kitty's images too */
};

/* [ui] images as the terminal will get it: off, symbols, kitty or sixel
 * ("auto" detected from the environment). */
enum picmode picgfx_mode(const struct app *app);
/* Whether the thread should leave blanks for pic (drawn in graphics):
 * graphics mode, a terminal to write to, nothing covering the thread,
 * and the picture's graphics made. */
bool picgfx_takes(const struct app *app, const struct picture *pic);
/* A cell's size in pixels (8 x 16 when the terminal does not say). */
void picgfx_cell(const struct app *app, int *w, int *h);
/* The thread is drawn: forget what it wanted; then picgfx_want for
 * each picture left blank, its top left at screen cell y, x. */
void picgfx_begin(struct app *app);
void picgfx_want(struct app *app, const struct picture *pic, int y, int x);
/* After doupdate: write what changed. */
void picgfx_flush(struct app *app);
/* Before curses stops: delete every kitty image shown. */
void picgfx_clear(struct app *app);

#endif
