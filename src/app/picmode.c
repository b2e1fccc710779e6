/* How pictures reach the terminal (see picmode.h). */
#include <stddef.h>
#include <string.h>

#include "picmode.h"

static const char *const picmode_names[] = {
	[PICMODE_OFF] = "off", [PICMODE_SYMBOLS] = "symbols",
	[PICMODE_KITTY] = "kitty", [PICMODE_SIXEL] = "sixel",
	[PICMODE_AUTO] = "auto",
};

int
picmode_parse(const char *v, enum picmode *out)
{
	size_t i;

	for (i = 0; v != NULL && i < sizeof picmode_names /
	    sizeof picmode_names[0]; i++) {
		if (strcmp(v, picmode_names[i]) == 0) {
			*out = (enum picmode)i;
			return 0;
		}
	}
	return -1;
}

const char *
picmode_name(enum picmode m)
{
	return (size_t)m < sizeof picmode_names / sizeof picmode_names[0] ?
	    picmode_names[m] : "?";
}

static int
has(const char *(*get)(const char *), const char *name, const char *part)
{
	const char *v = get(name);

	return v != NULL && *v != '\0' && (part == NULL ||
	    strstr(v, part) != NULL);
}

enum picmode
picmode_detect(const char *(*get)(const char *name))
{
	/* A multiplexer in between eats the sequences (tmux passes them only
	 * when told to, screen never): symbols are what arrives. */
	if (has(get, "TMUX", NULL) || has(get, "STY", NULL) ||
	    has(get, "TERM", "screen") || has(get, "TERM", "tmux"))
		return PICMODE_SYMBOLS;
	if (has(get, "KITTY_WINDOW_ID", NULL) || has(get, "TERM", "kitty") ||
	    has(get, "TERM_PROGRAM", "WezTerm") ||
	    has(get, "TERM_PROGRAM", "ghostty") || has(get, "TERM", "ghostty"))
		return PICMODE_KITTY;
	if (has(get, "TERM", "foot") || has(get, "TERM", "mlterm") ||
	    has(get, "TERM", "contour") || has(get, "WT_SESSION", NULL) ||
	    has(get, "XTERM_SIXEL", NULL))
		return PICMODE_SIXEL;
	return PICMODE_SYMBOLS;
}
