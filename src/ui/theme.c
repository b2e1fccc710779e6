/* Theme files: parse, find, and fall back gracefully. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ttydesk/buf.h"
#include "ttydesk/ini.h"
#include "theme.h"

static const char *const theme_names[TH__COUNT] = {
	"normal", "selected", "tabs", "tab_active", "status", "status_error",
	"online", "offline", "unread", "name", "preview", "age", "marker",
	"urgent", "high", "window_closed", "inbound", "outbound", "note",
	"system", "quote", "day", "tick", "tick_read", "failed", "media",
	"reaction", "search", "help_key", "border", "dialog", "sla_warn",
	"sla_breached", "chart", "chart_alt", "cursor",
};

const char *
theme_el_name(enum theme_el e)
{
	return e < TH__COUNT ? theme_names[e] : "?";
}

static void
theme_set(struct theme *t, enum theme_el e, short fg, short bg, unsigned a)
{
	t->el[e].fg = fg;
	t->el[e].bg = bg;
	t->el[e].attrs = a;
}

/* The builtin theme: attributes only, the terminal's own colours. */
static const struct {
	enum theme_el el;
	unsigned attr;
} theme_builtin[] = {
	{ TH_SELECTED, THA_REVERSE },
	{ TH_TABS, THA_REVERSE },
	{ TH_TAB_ACTIVE, THA_BOLD },
	{ TH_STATUS, THA_REVERSE },
	{ TH_STATUS_ERROR, THA_REVERSE | THA_BOLD },
	{ TH_UNREAD, THA_BOLD },
	{ TH_NAME, THA_BOLD },
	{ TH_URGENT, THA_BOLD },
	{ TH_QUOTE, THA_DIM },
	{ TH_DAY, THA_BOLD },
	{ TH_NOTE, THA_UNDERLINE },
	{ TH_SYSTEM, THA_DIM },
	{ TH_TICK_READ, THA_BOLD },
	{ TH_FAILED, THA_BOLD },
	{ TH_SEARCH, THA_UNDERLINE | THA_BOLD },
	{ TH_HELP_KEY, THA_BOLD },
	{ TH_DIALOG, THA_REVERSE },
	{ TH_SLA_WARN, THA_BOLD },
	{ TH_SLA_BREACHED, THA_REVERSE | THA_BOLD },
	{ TH_CHART_ALT, THA_BOLD },
	{ TH_CURSOR, THA_REVERSE },
};

void
theme_default(struct theme *t)
{
	size_t i;

	memset(t, 0, sizeof *t);
	snprintf(t->name, sizeof t->name, "builtin");
	for (i = 0; i < TH__COUNT; i++)
		theme_set(t, (enum theme_el)i, -1, -1, 0);
	for (i = 0; i < sizeof theme_builtin / sizeof theme_builtin[0]; i++)
		theme_set(t, theme_builtin[i].el, -1, -1, theme_builtin[i].attr);
}

static const char *const colour_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

/* Returns 0 and the colour in *out, or -1. */
static int
theme_parse_colour(const char *s, short *out)
{
	char *end;
	long n;
	int i;

	if (strcasecmp(s, "default") == 0) {
		*out = -1;
		return 0;
	}
	for (i = 0; i < 8; i++) {
		if (strcasecmp(s, colour_names[i]) == 0) {
			*out = (short)i;
			return 0;
		}
		if (strncasecmp(s, "bright", 6) == 0 &&
		    strcasecmp(s + 6, colour_names[i]) == 0) {
			*out = (short)(i + 8);
			return 0;
		}
	}
	if (strncasecmp(s, "color", 5) == 0 || strncasecmp(s, "colour", 6) == 0) {
		s += (s[5] == 'u' || s[5] == 'U') ? 6 : 5;
		errno = 0;
		n = strtol(s, &end, 10);
		if (errno == 0 && end != s && *end == '\0' && n >= 0 && n <= 255) {
			*out = (short)n;
			return 0;
		}
	}
	return -1;
}

static int
theme_parse_attr(const char *s, unsigned *out)
{
	static const struct { const char *name; unsigned a; } attrs[] = {
		{"bold", THA_BOLD}, {"dim", THA_DIM}, {"underline", THA_UNDERLINE},
		{"reverse", THA_REVERSE}, {"italic", THA_ITALIC},
		{"standout", THA_STANDOUT}, {"none", 0},
	};
	size_t i;

	for (i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
		if (strcasecmp(s, attrs[i].name) == 0) {
			*out |= attrs[i].a;
			return 0;
		}
	}
	return -1;
}

static int
theme_parse_value(struct theme_style *st, const char *value, char *bad,
    size_t badlen)
{
	char buf[256], *tok, *save = NULL;
	int n = 0;
	struct theme_style s = { -1, -1, 0 };

	snprintf(buf, sizeof buf, "%s", value);
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save), n++) {
		if (n == 0 && theme_parse_colour(tok, &s.fg) == 0)
			continue;
		if (n == 1 && theme_parse_colour(tok, &s.bg) == 0)
			continue;
		if (theme_parse_attr(tok, &s.attrs) == 0)
			continue;
		snprintf(bad, badlen, "%s", tok);
		return -1;
	}
	*st = s;
	return 0;
}

int
theme_parse(struct theme *t, const char *text, size_t len, const char *name,
    char *err, size_t errlen)
{
	struct ini ini;
	char bad[64];
	size_t i;
	int e;
	bool cursor_set = false, selected_set = false;

	if (ini_parse(text, len, name, &ini, err, errlen) != 0)
		return -1;
	for (i = 0; i < ini.n; i++) {
		const struct ini_entry *en = &ini.entries[i];
		if (strcmp(en->section, "colors") != 0 &&
		    strcmp(en->section, "colours") != 0)
			continue;
		for (e = 0; e < TH__COUNT; e++) {
			if (strcmp(en->key, theme_names[e]) == 0)
				break;
		}
		if (e == TH__COUNT) {
			snprintf(err, errlen, "%s:%d: unknown theme element '%s'",
			    name, en->line, en->key);
			goto fail;
		}
		if (theme_parse_value(&t->el[e], en->value, bad, sizeof bad) != 0) {
			snprintf(err, errlen, "%s:%d: '%s' is not a colour or "
			    "attribute", name, en->line, bad);
			goto fail;
		}
		cursor_set |= e == TH_CURSOR;
		selected_set |= e == TH_SELECTED;
	}
	/* A theme written before the cursor had its own element keeps the
	 * look it had: the cursor in the selection's style. */
	if (selected_set && !cursor_set)
		t->el[TH_CURSOR] = t->el[TH_SELECTED];
	ini_free(&ini);
	return 0;
fail:
	ini_free(&ini);
	return -1;
}

static char *
theme_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b = { 0 };
	int rc;

	if (f == NULL)
		return NULL;
	rc = buf_read_file(&b, f, (1u << 20) - 4096);
	fclose(f);
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b, len);
}

int
theme_load(struct theme *t, const char *name, char *err, size_t errlen)
{
	const char *dirs[3];
	char path[4096];
	char *text = NULL;
	size_t len = 0, i;
	int rc;

	theme_default(t);
	if (strchr(name, '/') != NULL) {
		snprintf(path, sizeof path, "%s", name);
		text = theme_read(path, &len);
	} else {
		dirs[0] = getenv("TTYDESK_THEME_DIR");
		dirs[1] = TTYDESK_SOURCE_DIR "/themes";
		dirs[2] = TTYDESK_DATADIR "/themes";
		for (i = 0; i < 3 && text == NULL; i++) {
			if (dirs[i] == NULL || *dirs[i] == '\0')
				continue;
			snprintf(path, sizeof path, "%s/%s.theme", dirs[i], name);
			text = theme_read(path, &len);
		}
	}
	if (text == NULL) {
		snprintf(err, errlen, "theme '%s' not found (looked in "
		    "$TTYDESK_THEME_DIR, %s/themes, %s/themes)", name,
		    TTYDESK_SOURCE_DIR, TTYDESK_DATADIR);
		return -1;
	}
	rc = theme_parse(t, text, len, path, err, errlen);
	free(text);
	if (rc == 0)
		snprintf(t->name, sizeof t->name, "%s", name);
	return rc;
}

/* xterm's 16 basic colours as RGB, for the nearest-colour fallback. */
static const unsigned char basic_rgb[16][3] = {
	{0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0},
	{0, 0, 238}, {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
	{127, 127, 127}, {255, 0, 0}, {0, 255, 0}, {255, 255, 0},
	{92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
};

static void
colour_rgb(short c, int rgb[3])
{
	static const int steps[6] = {0, 95, 135, 175, 215, 255};
	int i;

	if (c < 16) {
		for (i = 0; i < 3; i++)
			rgb[i] = basic_rgb[c][i];
	} else if (c < 232) {
		c = (short)(c - 16);
		rgb[0] = steps[c / 36];
		rgb[1] = steps[(c / 6) % 6];
		rgb[2] = steps[c % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + (c - 232) * 10;
	}
}

short
theme_colour_fallback(short c, int n)
{
	int rgb[3], best = 0, i;
	long bestd = -1, d, dr, dg, db;

	if (c < 0 || c < n)
		return c;
	if (n <= 0)
		return -1;
	if (c < 16 && n >= 8)
		return (short)(c - 8);
	colour_rgb(c, rgb);
	for (i = 0; i < n && i < 16; i++) {
		dr = rgb[0] - basic_rgb[i][0];
		dg = rgb[1] - basic_rgb[i][1];
		db = rgb[2] - basic_rgb[i][2];
		d = dr * dr + dg * dg + db * db;
		if (bestd < 0 || d < bestd) {
			bestd = d;
			best = i;
		}
	}
	return (short)best;
}
