/*
 * Incremental search over the conversations of the current queue (names,
 * numbers, usernames, BSUIDs, message text: conversation_matches()).
 * Typing moves the cursor to the first match from where the search
 * started; n/N go to the next/previous match, wrapping around.
 */
#include <stdio.h>
#include <string.h>

#include "ttydesk/model.h"
#include "app.h"
#include "dialog.h"
#include "ui.h"
#include "queues.h"
#include "search.h"

static int
search_find(struct app *app, size_t from, int dir, bool include_from)
{
	struct ui *ui = &app->ui;
	size_t n = ui->n_items, k, i;

	if (n == 0 || ui->search[0] == '\0')
		return -1;
	for (k = include_from ? 0 : 1; k <= n; k++) {
		i = dir > 0 ? (from + k) % n : (from + n - k % n) % n;
		if (conversation_matches(ui->items[i], ui->search)) {
			list_select(app, i);
			return 0;
		}
	}
	return -1;
}

static void
search_change(struct app *app, void *ud, const char *text)
{
	struct ui *ui = &app->ui;

	snprintf(ui->search, sizeof ui->search, "%s", text);
	if (text[0] == '\0') {
		dialog_note(app, NULL);
		list_select(app, app->ui.search_origin);
		return;
	}
	dialog_note(app, search_find(app, app->ui.search_origin, 1, true) != 0 ?
	    "no match" : NULL);
}

static void
search_done(struct app *app, void *ud, const char *text)
{
	struct ui *ui = &app->ui;

	if (text == NULL) {
		/* Cancelled: back where we were. */
		ui->search[0] = '\0';
		list_select(app, app->ui.search_origin);
		return;
	}
	snprintf(ui->search, sizeof ui->search, "%s", text);
	ui->search_active = text[0] != '\0';
}

void
search_start(struct app *app)
{
	app->ui.search_origin = app->ui.sel;
	app->ui.search[0] = '\0';
	dialog_prompt(app, "Search: ", NULL, search_change, search_done, NULL);
}

int
search_next(struct app *app, int dir)
{
	struct ui *ui = &app->ui;

	if (ui->search[0] == '\0') {
		app_message(app, "no search yet (/ starts one)");
		return -1;
	}
	if (search_find(app, ui->sel, dir, false) != 0) {
		app_error(app, "no match for \"%s\"", ui->search);
		return -1;
	}
	return 0;
}
