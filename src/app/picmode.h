/*
 * How pictures reach the terminal ([ui] images, pure, unit-tested):
 * Unicode block symbols in colour everywhere (inside tmux and over SSH
 * included), or the kitty graphics protocol or sixel where the terminal
 * speaks them.  "auto" asks the environment; the thread's inline
 * pictures (src/ui/picgfx.h) and the full-screen view (Enter on an
 * image) use the mode chosen.
 */
#ifndef TTYDESK_PICMODE_H
#define TTYDESK_PICMODE_H

enum picmode {
	PICMODE_OFF = 0,
	PICMODE_SYMBOLS,
	PICMODE_KITTY,
	PICMODE_SIXEL,
	PICMODE_AUTO,     /* only as a setting: detect */
};

/* "auto" | "symbols" | "kitty" | "sixel" | "off"; -1 for anything else. */
int picmode_parse(const char *v, enum picmode *out);
const char *picmode_name(enum picmode m);
/* What the terminal the environment describes takes: kitty (kitty,
 * WezTerm, Ghostty), sixel (foot, mlterm, contour, XTerm with
 * XTERM_SIXEL set, Windows Terminal), else symbols; inside tmux or
 * screen always symbols (neither passes graphics through by default).
 * get: getenv or a test's table. */
enum picmode picmode_detect(const char *(*get)(const char *name));

#endif
