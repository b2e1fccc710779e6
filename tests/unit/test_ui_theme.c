/* Theme files: every shipped theme parses, errors name the line, colours
 * fall back to what the terminal has. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "theme.h"

static void
test_shipped(void)
{
	static const char *names[] = { "default", "dark", "light",
	    "high-contrast", "mono" };
	struct theme t;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		CHECK_INT(theme_load(&t, names[i], err, sizeof err), 0);
		CHECK_STR(t.name, names[i]);
	}
	CHECK_INT(theme_load(&t, "dark", err, sizeof err), 0);
	CHECK_INT(t.el[TH_SELECTED].bg, 110);
	CHECK(t.el[TH_UNREAD].attrs & THA_BOLD);
	/* The cursor's mark: the selection's colour on the row's background. */
	CHECK_INT(t.el[TH_CURSOR].fg, 110);
	CHECK_INT(t.el[TH_CURSOR].bg, -1);
	CHECK_INT(theme_load(&t, "mono", err, sizeof err), 0);
	CHECK_INT(t.el[TH_SELECTED].fg, -1);
	CHECK(t.el[TH_SELECTED].attrs & THA_REVERSE);
	CHECK_INT(theme_load(&t, "no-such-theme", err, sizeof err), -1);
	CHECK(strstr(err, "no-such-theme") != NULL);
	/* A path works too. */
	{
		char path[4096];
		snprintf(path, sizeof path, "%s/themes/light.theme",
		    check_env_dir("TTYDESK_SOURCE_DIR", TTYDESK_SOURCE_DIR));
		CHECK_INT(theme_load(&t, path, err, sizeof err), 0);
	}
}

static void
test_parse(void)
{
	struct theme t;
	char err[256];
	const char *ok = "# c\n[colors]\nurgent = brightred default bold "
	    "underline\nday = color200 color17\nquote = default default dim\n";

	theme_default(&t);
	CHECK_INT(theme_parse(&t, ok, strlen(ok), "x.theme", err, sizeof err), 0);
	CHECK_INT(t.el[TH_URGENT].fg, 9);
	CHECK_INT(t.el[TH_URGENT].bg, -1);
	CHECK_INT(t.el[TH_URGENT].attrs, THA_BOLD | THA_UNDERLINE);
	CHECK_INT(t.el[TH_DAY].fg, 200);
	CHECK_INT(t.el[TH_DAY].bg, 17);
	CHECK_INT(t.el[TH_QUOTE].attrs, THA_DIM);

	/* A theme from before the cursor had its own element: the cursor
	 * keeps the selection's look.  One that names it keeps its own. */
	{
		const char *old = "[colors]\nselected = white magenta bold\n";
		const char *own = "[colors]\nselected = white magenta\n"
		    "cursor = magenta default bold\n";

		theme_default(&t);
		CHECK_INT(theme_parse(&t, old, strlen(old), "old.theme", err,
		    sizeof err), 0);
		CHECK_INT(t.el[TH_CURSOR].fg, 7);
		CHECK_INT(t.el[TH_CURSOR].bg, 5);
		CHECK_INT(t.el[TH_CURSOR].attrs, THA_BOLD);
		theme_default(&t);
		CHECK_INT(theme_parse(&t, own, strlen(own), "own.theme", err,
		    sizeof err), 0);
		CHECK_INT(t.el[TH_CURSOR].fg, 5);
		CHECK_INT(t.el[TH_CURSOR].bg, -1);
		CHECK_STR(theme_el_name(TH_CURSOR), "cursor");
	}

	CHECK_INT(theme_parse(&t, "[colors]\nurgnt = red\n", 21, "x.theme", err,
	    sizeof err), -1);
	CHECK(strstr(err, "x.theme:2") != NULL);
	CHECK(strstr(err, "urgnt") != NULL);
	CHECK_INT(theme_parse(&t, "[colors]\nday = purple\n", 21, "x.theme", err,
	    sizeof err), -1);
	CHECK(strstr(err, "'purple'") != NULL);
	CHECK_INT(theme_parse(&t, "[colors]\nday = color256\n", 23, "x.theme",
	    err, sizeof err), -1);
}

static void
test_fallback(void)
{
	/* Enough colours: unchanged. */
	CHECK_INT(theme_colour_fallback(200, 256), 200);
	CHECK_INT(theme_colour_fallback(-1, 8), -1);
	/* Bright colours on an 8-colour terminal: their base colour. */
	CHECK_INT(theme_colour_fallback(9, 8), 1);
	/* 256-colour cube to the nearest basic colour. */
	CHECK_INT(theme_colour_fallback(196, 8), 1);   /* red */
	CHECK_INT(theme_colour_fallback(21, 8), 4);    /* blue */
	CHECK_INT(theme_colour_fallback(46, 16), 10);  /* bright green */
	CHECK_INT(theme_colour_fallback(232, 8), 0);   /* near black */
	CHECK_INT(theme_colour_fallback(255, 16), 7);  /* light grey */
	CHECK_INT(theme_colour_fallback(100, 0), -1);
}

int
main(void)
{
	RUN(test_shipped);
	RUN(test_parse);
	RUN(test_fallback);
	return check_done();
}
