/*
 * The archive box over app/archive.c: rows accumulate page by page; the
 * box is shown again with every page, ending in a row that asks for the
 * next one while the relay has more.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "ttydesk/strfields.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "archive.h"
#include "archivebox.h"
#include "dialog.h"
#include "threadview.h"
#include "ui.h"

/* A page that only repeats the working set is skipped; so many in a row
 * and the box shows what it has. */
#define ARCHIVE_SKIP_PAGES 20

struct archive_row {
	char *conv;
	char *text;
};

struct archivebox {
	struct archive_row *v;
	size_t n, cap;
	int64_t next;
	bool more;
	int skipped;
};

static const size_t archive_row_strs[] = {
	offsetof(struct archive_row, conv), offsetof(struct archive_row, text),
};

static void
archivebox_free(struct archivebox *b)
{
	strfields_vec_free(&b->v, &b->n, sizeof *b->v, archive_row_strs,
	    STRFIELDS_N(archive_row_strs));
	free(b);
}

static char *
archivebox_row(const struct archive_entry *e)
{
	return dialog_day_row(e->last_ts, "?", "  ", e->name, "  ", e->preview);
}

static int
archivebox_add(struct archivebox *b, const struct archive_entry *e)
{
	struct archive_row *r;

	if (vec_grow(&b->v, &b->cap, b->n + 1, sizeof *b->v) != 0)
		return -1;
	r = &b->v[b->n];
	r->conv = strdup(e->conv);
	r->text = archivebox_row(e);
	if (r->conv == NULL || r->text == NULL) {
		strfields_free(r, archive_row_strs,
		    STRFIELDS_N(archive_row_strs));
		return -1;
	}
	b->n++;
	return 0;
}

static int archivebox_fetch(struct app *app, struct archivebox *b);

static void
archivebox_picked(struct app *app, void *ud, int index)
{
	struct archivebox *b = ud;

	if (index >= 0 && (size_t)index < b->n) {
		thread_open_any(app, b->v[index].conv);
	} else if (index >= 0 && (size_t)index == b->n && b->more) {
		if (archivebox_fetch(app, b) == 0)
			return; /* b lives on with the request */
	}
	archivebox_free(b);
}

static void
archivebox_show(struct app *app, struct archivebox *b)
{
	const char **items;
	char title[96];
	size_t i, n = b->n + (b->more ? 1 : 0);

	if (n == 0) {
		app_message(app, "no resolved conversations on the relay "
		    "beyond these");
		archivebox_free(b);
		return;
	}
	if ((items = calloc(n, sizeof *items)) == NULL) {
		app_error(app, "out of memory");
		archivebox_free(b);
		return;
	}
	for (i = 0; i < b->n; i++)
		items[i] = b->v[i].text;
	if (b->more)
		items[b->n] = "... older resolved conversations";
	snprintf(title, sizeof title, "resolved on the relay: %zu%s", b->n,
	    b->more ? ", more below" : "");
	/* Not over a dialog the agent opened meanwhile. */
	if (ui_of(app)->dialog != NULL || dialog_choose(app, title, items, n,
	    archivebox_picked, b) != 0)
		archivebox_free(b);
	free(items);
}

static void
archivebox_page(struct app *app, void *ud, long status,
    const struct archive_entry *e, size_t n, bool more, int64_t next,
    const char *err)
{
	struct archivebox *b = ud;
	size_t i, before = b->n;

	if (status != 200) {
		if (status != 0 || strcmp(err, "cancelled") != 0)
			app_error(app, "the relay's resolved conversations: %s",
			    err);
		archivebox_free(b);
		return;
	}
	for (i = 0; i < n; i++) {
		/* The working set's own are in the Resolved queue already. */
		if (model_find(app->model, e[i].conv) != NULL)
			continue;
		if (archivebox_add(b, &e[i]) != 0) {
			app_error(app, "out of memory");
			archivebox_free(b);
			return;
		}
	}
	b->more = more;
	b->next = next;
	if (b->n == before && more && ++b->skipped < ARCHIVE_SKIP_PAGES &&
	    archivebox_fetch(app, b) == 0)
		return;
	b->skipped = 0;
	app->msg[0] = '\0';
	app_redraw(app, APP_REDRAW_STATUS);
	archivebox_show(app, b);
}

static int
archivebox_fetch(struct app *app, struct archivebox *b)
{
	char err[256];

	if (archive_query(app, b->next, archivebox_page, b, err,
	    sizeof err) != 0) {
		app_error(app, "the relay's resolved conversations: %s", err);
		return -1;
	}
	app_message(app, "loading resolved conversations from the relay ...");
	return 0;
}

int
archivebox_action(struct app *app)
{
	struct archivebox *b = calloc(1, sizeof *b);

	if (b == NULL) {
		app_error(app, "out of memory");
		return UI_HANDLED;
	}
	if (archivebox_fetch(app, b) != 0)
		archivebox_free(b);
	return UI_HANDLED;
}
