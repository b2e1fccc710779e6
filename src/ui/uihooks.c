/*
 * What the application tells the screen (struct app_view_ops): the model
 * changed, a thread line to add, a draft back from the relay, the bell.
 * The application never looks into struct ui; it calls these.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/freeall.h"
#include "ttydesk/model.h"
#include "app.h"
#include "bulk.h"
#include "compose.h"
#include "composekeys.h"
#include "convui.h"
#include "dialog.h"
#include "keymap.h"
#include "queues.h"
#include "reportview.h"
#include "teamview.h"
#include "ui.h"

static void
hook_changed(struct app *app, unsigned changed)
{
	(void)changed;
	if (app->n_my_teams == 0)
		queues_build(app);
	else
		queues_count(app);
	queues_list_rebuild(app);
}

static void
hook_recount(struct app *app)
{
	queues_count(app);
	queues_list_rebuild(app);
}

/* Start in Mine when it has something (once we know who we are and have
 * caught up once), unless the agent already picked a queue. */
static void
hook_pick_queue(struct app *app)
{
	struct ui *ui = ui_of(app);

	if (ui->queue_chosen || app->self_id == NULL || ui->n_queues == 0)
		return;
	if (ui->queues[0].count > 0 && ui->cur_queue != 0) {
		ui->cur_queue = 0; /* Mine */
		queues_remember(app);
		ui->sel = ui->top = 0;
		free(ui->sel_id);
		ui->sel_id = NULL;
	}
}

static void
hook_me_changed(struct app *app)
{
	/* "you" vs agent names in thread lines depend on who we are. */
	convmap_invalidate_all(ui_of(app)->convs);
	queues_build(app);
	hook_pick_queue(app);
	queues_list_rebuild(app);
	ui_dirty_all(app);
}

static void
hook_synced(struct app *app)
{
	hook_pick_queue(app);
	queues_list_rebuild(app);
}

static void
hook_conv_changed(struct app *app, const char *conv_id)
{
	struct convui *cu = convmap_find(ui_of(app)->convs, conv_id);

	if (cu != NULL)
		convui_invalidate(cu);
}

static void
hook_sys_line(struct app *app, const char *conv_id, int64_t ts, int64_t seq,
    const char *line)
{
	struct convui *cu = convmap_get(ui_of(app)->convs, conv_id);

	if (cu != NULL)
		convui_add_sys(cu, ts, seq, line);
}

static void
hook_new_inbound(struct app *app, const struct td_conversation *c)
{
	struct ui *ui = ui_of(app);
	struct convui *cu;

	if (ui->open_id != NULL && strcmp(ui->open_id, c->id) == 0 &&
	    (cu = convmap_find(ui->convs, c->id)) != NULL && cu->opened &&
	    !cu->at_bottom)
		app_message(app, "new message below (G goes to the end)");
	if (app->cfg && app->cfg->bell && app_conv_is_mine(app, c) &&
	    ui->started)
		ui_bell(app);
}

static void
hook_draft(struct app *app, const char *conv_id, const char *text,
    size_t len, bool refused)
{
	if (refused)
		compose_keep_draft(app, conv_id, text);
	else
		compose_load_draft(app, conv_id, text, len);
}

static void
hook_redraw(struct app *app, unsigned what)
{
	struct ui *ui = ui_of(app);

	if (what & APP_REDRAW_ALL)
		ui_dirty_all(app);
	if (what & APP_REDRAW_STATUS)
		ui->status.dirty = true;
	if (what & APP_REDRAW_LIST)
		ui->list.dirty = true;
	if (what & APP_REDRAW_THREAD)
		ui->thread.dirty = true;
	if (what & APP_REDRAW_TABS)
		ui->tabs.dirty = true;
}

static const char *
hook_open_id(const struct app *app)
{
	return ui_of(app)->open_id;
}

static bool
hook_thread_focused(const struct app *app)
{
	return ui_of(app)->focus == FOCUS_THREAD;
}

static bool
hook_composing(const struct app *app)
{
	return compose_active(app);
}

static struct td_conversation *
hook_selected(const struct app *app)
{
	const struct ui *ui = ui_of(app);

	return ui->n_items > 0 && ui->sel < ui->n_items ? ui->items[ui->sel] : NULL;
}

static void
hook_notice(struct app *app, const char *title, const char *detail)
{
	if (ui_of(app)->dialog == NULL)
		dialog_notice(app, title, detail);
}

static bool
hook_started(const struct app *app)
{
	return ui_of(app)->started;
}

static void
hook_frame(struct app *app)
{
	int key;

	ui_draw(app);
	while (!app->quit && (key = ui_read_key(app)) >= 0)
		ui_key(app, key);
}

static void
hook_stop(struct app *app)
{
	ui_stop(app);
}

static void
hook_free(struct app *app)
{
	struct ui *ui = ui_of(app);

	if (ui == NULL)
		return;
	if (ui->dialog != NULL)
		dialog_discard(app);
	ui_stop(app);
	compose_save_open(app);
	compose_free(app);
	bulk_free(app);
	reportview_free(app);
	teamview_free(app);
	convmap_free(ui->convs);
	keymap_free(&ui->keymap);
	keymap_free(&ui->compose_keys);
	FREE_ALL(ui->queues, ui->items, ui->sel_id, ui->open_id);
	free(ui);
	app->view = NULL;
	app->view_ops = NULL;
}

static const struct app_view_ops ui_hooks = {
	.changed = hook_changed,
	.recount = hook_recount,
	.me_changed = hook_me_changed,
	.synced = hook_synced,
	/* An empty model: the same full refresh as a new identity. */
	.reset = hook_me_changed,
	.conv_changed = hook_conv_changed,
	.sys_line = hook_sys_line,
	.new_inbound = hook_new_inbound,
	.put_draft = hook_draft,
	.redraw = hook_redraw,
	.open_id = hook_open_id,
	.thread_focused = hook_thread_focused,
	.composing = hook_composing,
	.selected = hook_selected,
	.notice = hook_notice,
	.started = hook_started,
	.frame = hook_frame,
	.stop = hook_stop,
	.free = hook_free,
};

int
ui_init(struct app *app, char *err, size_t errlen)
{
	const struct appconfig *cfg = app->cfg;
	struct ui *ui;
	char why[512];

	if ((ui = calloc(1, sizeof *ui)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	/* From here app_free() frees it, whatever fails below. */
	app->view = ui;
	app->view_ops = &ui_hooks;
	ui->dirty_rows[0] = ui->dirty_rows[1] = -1;
	ui->preview_delay_ms = cfg != NULL ? cfg->preview_delay_ms :
	    APPCONFIG_PREVIEW_DELAY_MS;
	if ((ui->convs = convmap_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (keymap_build(&ui->keymap, action_table, action_count,
	    cfg ? &cfg->ini : NULL, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s: [keys] %s", cfg ? cfg->path : "config",
		    why);
		return -1;
	}
	if (composekeys_build(&ui->compose_keys, cfg ? &cfg->ini : NULL, why,
	    sizeof why) != 0) {
		snprintf(err, errlen, "%s: [compose_keys] %s", cfg ? cfg->path :
		    "config", why);
		return -1;
	}
	if (theme_load(&ui->theme, cfg && cfg->theme ? cfg->theme : "default",
	    why, sizeof why) != 0) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	if (queues_build(app) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}
