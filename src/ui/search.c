/*
 * Incremental search over the conversations of the current queue (names,
 * numbers, usernames, BSUIDs, message text: conversation_matches()).
 * Typing moves the cursor to the first match from where the search
 * started; n/N go to the next/previous match, wrapping around.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "dialog.h"
#include "numbers.h"
#include "ui.h"
#include "queues.h"
#include "rsearch.h"
#include "search.h"
#include "threadview.h"

static int
search_find(struct app *app, size_t from, int dir, bool include_from)
{
	struct ui *ui = ui_of(app);
	size_t n = ui->n_items, k, i;

	if (n == 0 || ui->search[0] == '\0')
		return -1;
	for (k = include_from ? 0 : 1; k <= n; k++) {
		i = dir > 0 ? (from + k) % n : (from + n - k % n) % n;
		if (conversation_matches(ui->items[i], ui->search) ||
		    numbers_match(app, ui->items[i], ui->search)) {
			queues_select(app, i);
			return 0;
		}
	}
	return -1;
}

static void
search_change(struct app *app, void *ud, const char *text)
{
	struct ui *ui = ui_of(app);

	snprintf(ui->search, sizeof ui->search, "%s", text);
	if (text[0] == '\0') {
		dialog_note(app, NULL);
		queues_select(app, ui_of(app)->search_origin);
		return;
	}
	dialog_note(app, search_find(app, ui_of(app)->search_origin, 1, true) != 0 ?
	    "no match" : NULL);
}

/* The conversations of the relay's hits, in the order of the box. */
struct relay_pick {
	char **conv;
	size_t n;
};

static void
relay_pick_free(struct relay_pick *p)
{
	vec_free(&p->conv, &p->n, sizeof *p->conv, vec_clear_str);
	free(p);
}

static void
relay_picked(struct app *app, void *ud, int index)
{
	struct relay_pick *p = ud;

	if (index >= 0 && (size_t)index < p->n)
		thread_open_any(app, p->conv[index]);
	relay_pick_free(p);
}

/* One row: the hit's day, then its snippet (sanitized, marks kept). */
static char *
relay_row(const struct rsearch_hit *h)
{
	return dialog_day_row(h->ts, "", " ", h->kind, ": ", h->snippet);
}

/* The relay's hits outside the working set (the list already shows the
 * others): a box to open one of them. */
static void
search_relay_done(struct app *app, void *ud, long status,
    const struct rsearch_hit *hits, size_t n, const char *err)
{
	struct relay_pick *p;
	char **rows = NULL, title[300];
	size_t *pick = NULL, m = 0, i, k;

	if (status != 200) {
		if (status != 0 || strcmp(err, "cancelled") != 0)
			app_error(app, "relay search unavailable (%s): local "
			    "matches only", err);
		return;
	}
	if ((p = calloc(1, sizeof *p)) == NULL ||
	    (p->conv = calloc(n + 1, sizeof *p->conv)) == NULL ||
	    (rows = calloc(n + 1, sizeof *rows)) == NULL ||
	    (pick = calloc(n + 1, sizeof *pick)) == NULL)
		goto oom;
	m = rsearch_unseen(app, hits, n, pick);
	for (i = 0; i < m; i++) {
		if ((p->conv[p->n] = strdup(hits[pick[i]].conv)) == NULL ||
		    (rows[p->n] = relay_row(&hits[pick[i]])) == NULL) {
			p->n++;
			goto oom;
		}
		p->n++;
	}
	free(pick);
	pick = NULL;
	if (p->n == 0) {
		if (n == 0 && ui_of(app)->search[0] != '\0' &&
		    search_find(app, ui_of(app)->sel, 1, true) != 0)
			app_message(app, "no match, here or on the relay");
		relay_pick_free(p);
		free(rows);
		return;
	}
	snprintf(title, sizeof title, "older conversations on the relay: %s",
	    ui_of(app)->search);
	/* Not over another dialog the agent has opened since. */
	if (ui_of(app)->dialog != NULL || dialog_choose_marked(app, title,
	    (const char *const *)rows, p->n, relay_picked, p) != 0)
		relay_pick_free(p);
	for (k = 0; k < n; k++)
		free(rows[k]);
	free(rows);
	return;
oom:
	app_error(app, "out of memory");
	if (p != NULL)
		relay_pick_free(p);
	free(rows);
	free(pick);
}

/* Beside the local matches, the whole history on the relay. */
static void
search_relay(struct app *app, const char *text)
{
	char err[256];

	if (rsearch_query(app, text, search_relay_done, NULL, err,
	    sizeof err) != 0)
		app_message(app, "relay search unavailable (%s): local matches "
		    "only", err);
}

static void
search_done(struct app *app, void *ud, const char *text)
{
	struct ui *ui = ui_of(app);

	if (text == NULL) {
		/* Cancelled: back where we were. */
		ui->search[0] = '\0';
		queues_select(app, ui_of(app)->search_origin);
		return;
	}
	snprintf(ui->search, sizeof ui->search, "%s", text);
	ui->search_active = text[0] != '\0';
	if (ui->search_active)
		search_relay(app, text);
}

void
search_start(struct app *app)
{
	ui_of(app)->search_origin = ui_of(app)->sel;
	ui_of(app)->search[0] = '\0';
	dialog_prompt(app, "Search: ", NULL, search_change, search_done, NULL);
}

int
search_next(struct app *app, int dir)
{
	struct ui *ui = ui_of(app);

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
