/*
 * Colour themes as data files (themes/NAME.theme):
 *
 *     # comment
 *     [colors]
 *     selected = black cyan bold        # element = fg bg [attribute...]
 *
 * Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
 * bright<colour>, colorN (0-255).  Attributes: bold, dim, underline,
 * reverse, italic, standout.  On a terminal with fewer colours a colour is
 * mapped to the nearest one it has; with NO_COLOR or no colours at all
 * only the attributes are used (and "reverse" is added where the theme
 * needs a colour to tell things apart).
 *
 * Ownership: themes are loaded into a struct theme the caller owns.
 */
#ifndef TTYDESK_THEME_H
#define TTYDESK_THEME_H

#include <stddef.h>

enum theme_el {
	TH_NORMAL = 0,
	TH_SELECTED,
	TH_TABS,
	TH_TAB_ACTIVE,
	TH_STATUS,
	TH_STATUS_ERROR,
	TH_ONLINE,
	TH_OFFLINE,
	TH_UNREAD,
	TH_NAME,
	TH_PREVIEW,
	TH_AGE,
	TH_MARKER,
	TH_URGENT,
	TH_HIGH,
	TH_WINDOW_CLOSED,
	TH_INBOUND,
	TH_OUTBOUND,
	TH_NOTE,
	TH_SYSTEM,
	TH_QUOTE,
	TH_DAY,
	TH_TICK,
	TH_TICK_READ,
	TH_FAILED,
	TH_MEDIA,
	TH_REACTION,
	TH_SEARCH,
	TH_HELP_KEY,
	TH_BORDER,
	TH_DIALOG,
	TH_SLA_WARN,     /* SLA due soon (last 20 % of the target) */
	TH_SLA_BREACHED, /* SLA missed */
	TH_CHART,        /* bars and sparklines of the report view */
	TH_CHART_ALT,    /* the second figure (first-response time) */
	TH_CURSOR,       /* the cursor's mark (list row, thread message) */
	TH__COUNT
};

struct theme_style {
	short fg;      /* -1 default */
	short bg;
	unsigned attrs; /* THA_* */
};

#define THA_BOLD 0x1u
#define THA_DIM 0x2u
#define THA_UNDERLINE 0x4u
#define THA_REVERSE 0x8u
#define THA_ITALIC 0x10u
#define THA_STANDOUT 0x20u

struct theme {
	char name[64];
	struct theme_style el[TH__COUNT];
};

const char *theme_el_name(enum theme_el e);
/* Built-in default (used when no file is found, and as the base every
 * file overrides). */
void theme_default(struct theme *t);
/* Parse theme text.  Returns 0 or -1 with "NAME:LINE: what" in err. */
int theme_parse(struct theme *t, const char *text, size_t len,
    const char *name, char *err, size_t errlen);
/*
 * Find and load a theme: a path (contains '/'), else NAME.theme in
 * $TTYDESK_THEME_DIR, TTYDESK_SOURCE_DIR/themes, TTYDESK_DATADIR/themes.
 */
int theme_load(struct theme *t, const char *name_or_path, char *err,
    size_t errlen);

/* Map a 0-255 colour to one of n colours (8 or 16). */
short theme_colour_fallback(short c, int n);

#endif
