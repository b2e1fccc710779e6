/*
 * The keymap table: every action ttydesk knows, its default keys, help
 * text and handler.  The help screen (?) and docs/keys.md are generated
 * from this table.  A NULL handler says "not available yet".
 *
 * To add an action: write `static int act_NAME(struct app *app)` that
 * returns UI_* flags, and add a row here (name as [keys] will spell it).
 * The row's flags say what it needs (ACT_CONV, ACT_OPEN): action_run()
 * checks them once, so the handler may count on them.
 * Regenerate docs/keys.md: TTYDESK_REGEN=1 build/dev/tests/test_keymap.
 */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "archivebox.h"
#include "actions.h"
#include "app.h"
#include "bulk.h"
#include "convact.h"
#include "convui.h"
#include "intercomp.h"
#include "keymap.h"
#include "media.h"
#include "numbers.h"
#include "picview.h"
#include "team.h"
#include "ui.h"
#include "contactpanel.h"
#include "queues.h"
#include "reportview.h"
#include "search.h"
#include "teamview.h"
#include "threadview.h"

struct td_conversation *
action_target(struct app *app)
{
	struct td_conversation *c = NULL;

	if (ui_of(app)->focus == FOCUS_THREAD)
		c = app_open_conv(app);
	return c != NULL ? c : app_selected_conv(app);
}

bool
action_bulk(struct app *app)
{
	return bulk_count(app) > 0 && ui_of(app)->focus == FOCUS_LIST;
}

int
action_run(struct app *app, const struct action_def *d)
{
	int flags;

	if (d->fn == NULL) {
		app_message(app, "%s: not available yet", d->name);
		return UI_HANDLED;
	}
	if ((d->flags & ACT_CONV) && !((d->flags & ACT_BULK) &&
	    action_bulk(app)) && action_target(app) == NULL) {
		app_message(app, "no conversation here");
		return UI_HANDLED;
	}
	if ((d->flags & ACT_OPEN) && app_open_conv(app) == NULL) {
		app_message(app, "open a conversation first");
		return UI_HANDLED;
	}
	flags = d->fn(app);
	if (flags & UI_QUIT)
		app->quit = true;
	return flags;
}

static bool
thread_focused(const struct app *app)
{
	return ui_of(app)->focus == FOCUS_THREAD && ui_of(app)->open_id != NULL;
}

static long
page(const struct app *app)
{
	int h = thread_focused(app) ? ui_of(app)->thread.h - 2 : ui_of(app)->list.h - 1;

	return h > 1 ? h : 1;
}

/* While the help screen is shown (help_view's keys, views.c): top is
 * the help's new first line. */
static int
help_scroll(struct app *app, size_t top)
{
	ui_of(app)->help_top = top;
	ui_of(app)->helpv.dirty = true;
	return UI_HANDLED;
}

static int
help_up(struct app *app)
{
	size_t top = ui_of(app)->help_top;

	return help_scroll(app, top > 0 ? top - 1 : 0);
}

static int
help_down(struct app *app)
{
	return help_scroll(app, ui_of(app)->help_top + 1);
}

static int
help_page_up(struct app *app)
{
	return help_scroll(app, 0);
}

static int
help_page_down(struct app *app)
{
	return help_scroll(app, ui_of(app)->help_top + (size_t)page(app));
}

/* A line (thread: a message) or a page (thread: scrolled) up or down. */
static int
motion(struct app *app, long delta, bool page_move)
{
	if (!thread_focused(app))
		queues_move(app, delta);
	else if (page_move)
		thread_scroll(app, delta);
	else
		thread_move(app, delta);
	return UI_HANDLED;
}

static int
act_up(struct app *app)
{
	return motion(app, -1, false);
}

static int
act_down(struct app *app)
{
	return motion(app, 1, false);
}

static int
act_page_up(struct app *app)
{
	return motion(app, -page(app), true);
}

static int
act_page_down(struct app *app)
{
	return motion(app, page(app), true);
}

static int
act_top(struct app *app)
{
	if (thread_focused(app))
		thread_edge(app, 0);
	else
		queues_select(app, 0);
	return UI_HANDLED;
}

static int
act_bottom(struct app *app)
{
	if (thread_focused(app))
		thread_edge(app, 1);
	else if (ui_of(app)->n_items > 0)
		queues_select(app, ui_of(app)->n_items - 1);
	return UI_HANDLED;
}

static int
act_open(struct app *app)
{
	/* In the thread: an image's full-screen view. */
	if (thread_focused(app))
		picview_open(app);
	else
		thread_open(app, action_target(app)->id);
	return UI_HANDLED;
}

static int
act_back(struct app *app)
{
	struct ui *ui = ui_of(app);

	if (ui->focus == FOCUS_THREAD) {
		ui->focus = FOCUS_LIST;
		ui_layout(app);
		ui_dirty_all(app);
	} else if (ui->search_active) {
		ui->search_active = false;
		ui->search[0] = '\0';
		app_message(app, "search cleared");
	}
	return UI_HANDLED;
}

static int
act_next_unread(struct app *app)
{
	struct ui *ui = ui_of(app);
	size_t k, i;

	for (k = 1; k <= ui->n_items; k++) {
		i = (ui->sel + k) % ui->n_items;
		if (ui->items[i]->unread > 0) {
			queues_select(app, i);
			if (ui->focus == FOCUS_THREAD)
				thread_open(app, ui->items[i]->id);
			return UI_HANDLED;
		}
	}
	app_message(app, "no unread conversations in %s",
	    ui->n_queues ? ui->queues[ui->cur_queue].label : "this queue");
	return UI_HANDLED;
}

static int
queue_switch(struct app *app, int dir)
{
	struct ui *ui = ui_of(app);

	if (ui->n_queues == 0)
		return UI_HANDLED;
	ui->cur_queue = (ui->cur_queue + ui->n_queues + (size_t)(long)dir) %
	    ui->n_queues;
	ui->queue_chosen = true;
	queues_remember(app);
	ui->sel = ui->top = 0;
	free(ui->sel_id);
	ui->sel_id = NULL;
	queues_list_rebuild(app);
	ui->tabs.dirty = true;
	return UI_HANDLED;
}

static int
act_queue_next(struct app *app)
{
	return queue_switch(app, 1);
}

static int
act_queue_prev(struct app *app)
{
	return queue_switch(app, -1);
}

/* All numbers -> each number -> all: the list and its counts follow. */
static int
act_number_filter(struct app *app)
{
	struct ui *ui = ui_of(app);

	if (!numbers_several(app)) {
		app_message(app, "one business number: nothing to filter");
		return UI_HANDLED;
	}
	numbers_cycle(app);
	app_message(app, "number: %s", numbers_filter_name(app) ?
	    numbers_filter_name(app) : "all");
	ui->sel = ui->top = 0;
	free(ui->sel_id);
	ui->sel_id = NULL;
	queues_count(app);
	queues_list_rebuild(app);
	return UI_HANDLED;
}

static int
act_search(struct app *app)
{
	if (ui_of(app)->focus == FOCUS_THREAD && !ui_of(app)->two_pane) {
		ui_of(app)->focus = FOCUS_LIST;
		ui_layout(app);
	}
	ui_of(app)->focus = FOCUS_LIST;
	search_start(app);
	return UI_HANDLED;
}

static int
act_search_next(struct app *app)
{
	search_next(app, 1);
	return UI_HANDLED;
}

static int
act_search_prev(struct app *app)
{
	search_next(app, -1);
	return UI_HANDLED;
}

static int
act_first_unread(struct app *app)
{
	thread_first_unread(app);
	return UI_HANDLED;
}

static int
act_goto_quote(struct app *app)
{
	thread_goto_quote(app);
	return UI_HANDLED;
}

static int
act_help(struct app *app)
{
	ui_of(app)->help = !ui_of(app)->help;
	ui_of(app)->help_top = 0;
	ui_layout(app);
	ui_dirty_all(app);
	return UI_HANDLED;
}

static int
act_quit(struct app *app)
{
	return convact_quit(app);
}

static int
act_redraw(struct app *app)
{
	clearok(curscr, TRUE);
	ui_dirty_all(app);
	return UI_HANDLED;
}

const struct action_def action_table[] = {
	{"up", "k, Up", "move up in the list / to the previous message",
	    act_up, ACT_MOTION, help_up},
	{"down", "j, Down", "move down in the list / to the next message",
	    act_down, ACT_MOTION, help_down},
	{"page_up", "PageUp, C-b", "one page up",
	    act_page_up, ACT_MOTION, help_page_up},
	{"page_down", "PageDown, C-f, Space", "one page down",
	    act_page_down, ACT_MOTION, help_page_down},
	{"top", "g, Home", "first conversation / first message",
	    act_top, ACT_MOTION, NULL},
	{"bottom", "G, End", "last conversation / last message",
	    act_bottom, ACT_MOTION, NULL},
	{"open", "Enter, l, Right", "open the selected conversation; in the "
	    "thread, the selected image full screen",
	    act_open, ACT_CONV, NULL},
	{"back", "Esc, h, Left", "back to the list / clear the search",
	    act_back, 0, NULL},
	{"next_unread", "Tab", "next conversation with unread messages",
	    act_next_unread, 0, NULL},
	{"first_unread", "u", "jump to the first unread message of the thread",
	    act_first_unread, ACT_OPEN, NULL},
	{"goto_quote", "f", "jump to the message the selected one quotes",
	    act_goto_quote, ACT_OPEN, NULL},
	{"queue_next", "], BTab", "next queue (Mine, Unassigned, teams, "
	    "Escalated, All, Resolved)", act_queue_next, 0, NULL},
	{"queue_prev", "[", "previous queue", act_queue_prev, 0, NULL},
	{"number_filter", "#", "list one business number, the next, or all "
	    "(with several numbers)", act_number_filter, 0, NULL},
	{"search", "/", "incremental search: names, numbers, usernames, "
	    "BSUIDs, message text", act_search, 0, NULL},
	{"archive", "O", "resolved conversations on the relay, older than the "
	    "working set, a page at a time", archivebox_action, 0, NULL},
	{"search_next", "n", "next search match", act_search_next, 0, NULL},
	{"search_prev", "N", "previous search match", act_search_prev, 0, NULL},
	{"reply", "r", "compose a reply", convact_reply, ACT_CONV, NULL},
	{"reply_to", "R", "compose a reply quoting the selected message",
	    convact_reply_to, 0, NULL},
	{"send", "C-s", "send the composed text", convact_send, 0, NULL},
	{"editor", "M-e", "compose in $VISUAL/$EDITOR",
	    convact_editor, ACT_CONV, NULL},
	{"note", "i", "add a private note (never sent to the customer)",
	    convact_note, ACT_CONV, NULL},
	{"template", "t", "pick a template (outside the 24-hour window)",
	    convact_template, ACT_CONV, NULL},
	{"interactive", "I", "compose reply buttons, a list, a link button or a "
	    "location request, or send a saved one ([interactive])",
	    intercomp_start, ACT_OPEN, NULL},
	{"canned", "T", "pick a canned reply (C-t while composing)",
	    convact_canned, ACT_CONV, NULL},
	{"claim", "c", "assign the conversation to me", convact_claim,
	    ACT_CONV | ACT_BULK, NULL},
	{"assign", "a", "assign the conversation to an agent",
	    convact_assign, ACT_CONV | ACT_BULK, NULL},
	{"unassign", "A", "remove the assignee", convact_unassign,
	    ACT_CONV | ACT_BULK, NULL},
	{"pending", "p", "mark pending (waiting for the customer)",
	    convact_pending, ACT_CONV | ACT_BULK, NULL},
	{"resolve", "x", "resolve the conversation", convact_resolve,
	    ACT_CONV | ACT_BULK, NULL},
	{"reopen", "o", "reopen a resolved conversation",
	    convact_reopen, ACT_CONV | ACT_BULK, NULL},
	{"escalate", "e", "escalate to a team with a priority and reason",
	    convact_escalate, ACT_CONV, NULL},
	{"save_media", "s", "save the selected message's media to a file",
	    media_save, 0, NULL},
	{"open_media", "v", "open the selected message's media with "
	    "[ui] open_command", media_open, 0, NULL},
	{"attach", "F", "send a file (image, video, audio, document) with a "
	    "caption", media_attach, ACT_OPEN, NULL},
	{"help", "?, F1", "this help", act_help, ACT_PANEL, NULL},
	{"quit", "q", "quit", act_quit, 0, act_quit},
	{"redraw", "C-l", "repaint the screen", act_redraw, ACT_PANEL, NULL},
	{"label", "L", "add/remove labels (completes known labels)",
	    convact_labels, ACT_CONV | ACT_BULK, NULL},
	{"snooze", "z", "snooze until 2h / tomorrow 9:00 / mon",
	    convact_snooze, ACT_CONV, NULL},
	{"mark", "m", "mark the conversation for a bulk action",
	    bulk_toggle, 0, NULL},
	{"unmark_all", "M", "clear the bulk marks", bulk_clear, 0, NULL},
	{"retry", "y", "send a failed message again (as a new message)",
	    convact_retry, 0, NULL},
	{"edit", "E", "edit a failed message in the compose area",
	    convact_edit, 0, NULL},
	{"sort_sla", "S", "sort the list by SLA (breached, then soonest due) "
	    "or back by activity", team_sla_sort, 0, NULL},
	{"contact", "C", "the customer's contact panel: note, attributes, "
	    "earlier conversations", contact_panel, 0, NULL},
	{"report", "D", "supervisors: the report view (table, bars per agent, "
	    "daily sparklines; 1/2 7/30 days, [ ] earlier/later, b bars)",
	    reportview_toggle, 0, NULL},
	{"team", "W", "supervisors: the team view (online, open/capacity, "
	    "oldest waiting, queues; Enter opens the oldest waiting)",
	    teamview_toggle, 0, NULL},
};

const size_t action_count = sizeof action_table / sizeof action_table[0];
