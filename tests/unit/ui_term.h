/*
 * Shared by the UI unit tests: the whole UI drawn by ncurses into a file
 * (newterm on xterm-256color), so a test reads every byte a terminal
 * would get.  Include after check.h, app.h and ui.h.
 */
#ifndef TTYDESK_UI_TERM_H
#define TTYDESK_UI_TERM_H

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "queues.h"
#include "ui.h"

/* UTF-8, xterm-256color, colours on: the terminal every test assumes. */
static inline void
ui_term_env(void)
{
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		setlocale(LC_ALL, "");
	setenv("TERM", "xterm-256color", 1);
	unsetenv("NO_COLOR");
}

struct ui_term {
	SCREEN *scr;
	FILE *out;
	FILE *in;
	char path[64];
};

static inline int
ui_term_open(struct ui_term *t, int cols, int rows)
{
	char c[16], r[16];
	int fd;

	memset(t, 0, sizeof *t);
	snprintf(t->path, sizeof t->path, "/tmp/ttydesk-term-XXXXXX");
	if ((fd = mkstemp(t->path)) < 0)
		return -1;
	close(fd);
	snprintf(c, sizeof c, "%d", cols);
	snprintf(r, sizeof r, "%d", rows);
	setenv("COLUMNS", c, 1);
	setenv("LINES", r, 1);
	t->out = fopen(t->path, "w+");
	t->in = fopen("/dev/null", "r");
	if (t->out == NULL || t->in == NULL)
		return -1;
	t->scr = newterm("xterm-256color", t->out, t->in);
	return t->scr != NULL ? 0 : -1;
}

/* Terminal, app around model m (owned by the app from here on), queues,
 * list and the first frame. */
static inline int
ui_term_start(struct app *app, struct ui_term *t, struct td_model *m,
    int cols, int rows)
{
	char err[256];

	if (m == NULL || ui_term_open(t, cols, rows) != 0)
		return -1;
	if (app_init(app, NULL, m, err, sizeof err) != 0 ||
	    ui_init(app, err, sizeof err) != 0) {
		fprintf(stderr, "app_init: %s\n", err);
		return -1;
	}
	app->now = (int64_t)time(NULL);
	if (ui_start_term(app, t->scr) != 0)
		return -1;
	queues_build(app);
	queues_list_rebuild(app);
	ui_draw(app);
	return 0;
}

/* Bytes written so far. */
static inline long
ui_term_size(struct ui_term *t)
{
	fflush(NULL);
	return ftell(t->out);
}

/* What the terminal got from byte `from` on, NUL-terminated; *len
 * without the NUL.  Caller frees. */
static inline char *
ui_term_output(struct ui_term *t, long from, size_t *len)
{
	size_t n;
	char *all, *s;

	fflush(NULL);
	*len = 0;
	if ((all = check_read_file(t->path, &n)) == NULL || from < 0 ||
	    (size_t)from > n) {
		free(all);
		return NULL;
	}
	*len = n - (size_t)from;
	if ((s = malloc(*len + 1)) != NULL) {
		memcpy(s, all + from, *len);
		s[*len] = '\0';
	}
	free(all);
	return s;
}

static inline void
ui_term_close(struct app *app, struct ui_term *t)
{
	app_free(app);
	if (t->scr != NULL)
		delscreen(t->scr);
	if (t->out != NULL)
		fclose(t->out);
	if (t->in != NULL)
		fclose(t->in);
	unlink(t->path);
}

#endif
