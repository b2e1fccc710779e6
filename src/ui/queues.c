/* Queues (Mine, Unassigned, teams, Escalated, All, Resolved) and the list
 * of the current one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "app.h"
#include "inbox.h"
#include "sla.h"
#include "ui.h"
#include "queues.h"

void
queues_remember(struct app *app)
{
	struct ui *ui = ui_of(app);
	const char *t = ui->n_queues ? ui->queues[ui->cur_queue].q.team : NULL;

	snprintf(ui->cur_team, sizeof ui->cur_team, "%s", t ? t : "");
}

int
queues_build(struct app *app)
{
	struct ui *ui = ui_of(app);
	struct inbox_queue *q;
	size_t n;
	enum td_queue_kind cur = ui->n_queues ? ui->queues[ui->cur_queue].q.kind :
	    TD_Q_ALL;

	if (inbox_queues(app, &q, &n) != 0)
		return -1;
	free(ui->queues);
	ui->queues = q;
	ui->n_queues = n;
	/* ui->cur_team, not the old queue's pointer: the team strings may
	 * have been freed (a new /v1/me answer) by the time we get here. */
	ui->cur_queue = inbox_queue_find(q, n, cur, ui->cur_team);
	queues_remember(app);
	queues_count(app);
	return 0;
}

void
queues_count(struct app *app)
{
	struct ui *ui = ui_of(app);
	size_t k;

	for (k = 0; k < ui->n_queues; k++)
		inbox_count(app, &ui->queues[k].q, &ui->queues[k].count,
		    &ui->queues[k].unread);
	ui->tabs.dirty = true;
}

void
queues_list_rebuild(struct app *app)
{
	struct ui *ui = ui_of(app);
	struct td_conversation **items = NULL;
	size_t n = 0, i;

	if (ui->n_queues > 0)
		n = inbox_list(app, &ui->queues[ui->cur_queue].q, &items);
	if (ui->sla_sort)
		sla_sort(items, n, app->now);
	free(ui->items);
	ui->items = items;
	ui->n_items = n;
	/* Keep the cursor on the same conversation when it is still here. */
	if (ui->sel_id != NULL) {
		for (i = 0; i < n; i++) {
			if (strcmp(items[i]->id, ui->sel_id) == 0) {
				ui->sel = i;
				break;
			}
		}
	}
	if (ui->sel >= n)
		ui->sel = n ? n - 1 : 0;
	free(ui->sel_id);
	ui->sel_id = n ? strdup(items[ui->sel]->id) : NULL;
	ui->preview_pending = false; /* settled here, at once */
	if (ui->two_pane && ui->focus == FOCUS_LIST && n == 0 &&
	    ui->open_id != NULL) {
		/* The preview follows the cursor; no cursor, no preview. */
		free(ui->open_id);
		ui->open_id = NULL;
		ui->thread.dirty = true;
	}
	if (ui->focus == FOCUS_LIST && n > 0)
		queues_preview_commit(app);
	ui->list.dirty = true;
	ui->status.dirty = true;
}

/*
 * Rows to scroll by when the cursor leaves the list.  A full-width list
 * scrolls by one row: the terminal moves the others itself.  A pane beside
 * the thread cannot use the terminal's scrolling, so each step rewrites
 * all of it; it jumps by half a page instead (vim's 'scrolljump'), once
 * every h/2 moves rather than on every one.
 */
static size_t
list_jump(const struct ui *ui, size_t h)
{
	return ui->list.w < ui->cols && h >= 4 ? h / 2 : 1;
}

void
queues_select(struct app *app, size_t i)
{
	struct ui *ui = ui_of(app);
	size_t old = ui->sel, h = ui->list.h > 0 ? (size_t)ui->list.h : 1,
	    jump = list_jump(ui, h);

	if (ui->n_items == 0)
		return;
	if (i >= ui->n_items)
		i = ui->n_items - 1;
	ui->sel = i;
	if (i < ui->top) {
		ui->top = i >= jump - 1 ? i - (jump - 1) : 0;
		ui->list.dirty = true;
	} else if (i >= ui->top + h) {
		ui->top = i + jump - h;
		if (ui->n_items >= h && ui->top > ui->n_items - h)
			ui->top = ui->n_items - h;
		ui->list.dirty = true;
	} else if (old != i) {
		/* Only the two rows that changed. */
		ui->dirty_rows[0] = (long)old;
		ui->dirty_rows[1] = (long)i;
	}
	free(ui->sel_id);
	ui->sel_id = strdup(ui->items[i]->id);
	if (!ui->two_pane || (ui->open_id != NULL &&
	    strcmp(ui->open_id, ui->sel_id ? ui->sel_id : "") == 0)) {
		ui->preview_pending = false;
		return;
	}
	/* Before the first frame (and with no delay) there is nothing to
	 * save: follow at once. */
	if (ui->preview_delay_ms <= 0 || ui->frames == 0) {
		queues_preview_commit(app);
		return;
	}
	ui->preview_pending = true;
	ui->preview_due_ms = app_ms() + ui->preview_delay_ms;
}

void
queues_preview_commit(struct app *app)
{
	struct ui *ui = ui_of(app);

	ui->preview_pending = false;
	if (!ui->two_pane || ui->sel_id == NULL || (ui->open_id != NULL &&
	    strcmp(ui->open_id, ui->sel_id) == 0))
		return;
	free(ui->open_id);
	ui->open_id = strdup(ui->sel_id);
	ui->thread.dirty = ui->status.dirty = true; /* its window time */
}

int
queues_preview_tick(struct app *app, int64_t now_ms)
{
	struct ui *ui = ui_of(app);

	if (!ui->preview_pending)
		return -1;
	if (now_ms >= ui->preview_due_ms) {
		queues_preview_commit(app);
		return -1;
	}
	return (int)(ui->preview_due_ms - now_ms);
}

void
queues_move(struct app *app, long delta)
{
	struct ui *ui = ui_of(app);
	long i = (long)ui->sel + delta;

	if (ui->n_items == 0)
		return;
	if (i < 0)
		i = 0;
	if (i >= (long)ui->n_items)
		i = (long)ui->n_items - 1;
	queues_select(app, (size_t)i);
}
