/*
 * The thread view: a title line, then the conversation's lines.  j/k move
 * the selected message (scrolling line by line through a message taller
 * than the pane), page keys scroll by a page.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "app.h"
#include "convui.h"
#include "history.h"
#include "numbers.h"
#include "outbox.h"
#include "pending.h"
#include "picdraw.h"
#include "picgfx.h"
#include "picture.h"
#include "presence.h"
#include "readpos.h"
#include "receipt.h"
#include "sla.h"
#include "theme.h"
#include "ui.h"
#include "queues.h"
#include "thread.h"
#include "threadview.h"
#include "window.h"

static size_t
thread_height(const struct app *app)
{
	int h = ui_of(app)->thread.h - 1;

	return h > 0 ? (size_t)h : 1;
}

static size_t
thread_width(const struct app *app)
{
	int w = ui_of(app)->thread.w - 1;

	return w > 4 ? (size_t)w : 4;
}

/* The open conversation's UI state with lines built for the pane width. */
static struct convui *
thread_state(struct app *app, struct td_conversation **cp)
{
	struct td_conversation *c = app_open_conv(app);
	struct convui *cu;
	struct thread_ctx ctx;
	size_t h = thread_height(app);

	*cp = c;
	if (c == NULL || (cu = convmap_get(ui_of(app)->convs, c->id)) == NULL)
		return NULL;
	if (cu->built_width != thread_width(app) || cu->n_msgs != c->n_messages) {
		ctx.self = app->self_id;
		ctx.utf8 = ui_of(app)->utf8;
		ctx.read_seq = cu->opened ? cu->read_mark : c->read_seq;
		ctx.picture = picdraw_for;
		ctx.picture_ud = app;
		if (thread_build(cu, c, &ctx, thread_width(app)) != 0) {
			app_error(app, "out of memory");
			return NULL;
		}
		pending_lines(app, cu, c, thread_width(app));
		if (!cu->opened || cu->at_bottom) {
			cu->top = cu->n_lines > h ? cu->n_lines - h : 0;
			cu->at_bottom = true;
			if (c->n_messages > 0)
				cu->sel = (long)c->n_messages - 1;
			while (cu->sel >= 0 && cu->first_line[cu->sel] < 0)
				cu->sel--;
		}
	}
	if (cu->sel >= (long)cu->n_msgs)
		cu->sel = (long)cu->n_msgs - 1;
	/* Messages may have moved under the selection: keep it on one that
	 * has lines (reactions have none). */
	while (cu->sel >= 0 && cu->first_line[cu->sel] < 0)
		cu->sel--;
	if (cu->sel < 0) {
		long m;
		for (m = 0; m < (long)cu->n_msgs && cu->first_line[m] < 0; m++)
			;
		cu->sel = m < (long)cu->n_msgs ? m : -1;
	}
	return cu;
}

static void
thread_title(struct app *app, struct view *v, const struct td_conversation *c,
    bool top)
{
	struct aline l;
	const char *note;
	const char *dn = conversation_display_name(c);
	char buf[512], *s;
	const struct td_conv_state *st = &c->state;
	const char *dot = ui_of(app)->utf8 ? " · " : " - ";

	snprintf(buf, sizeof buf, "%s%s%s%s%s%s%s", dn,
	    c->contact.wa_id ? dot : "", c->contact.wa_id ? "+" : "",
	    c->contact.wa_id ? c->contact.wa_id : "",
	    c->contact.username ? dot : "", c->contact.username ? "@" : "",
	    c->contact.username ? c->contact.username : "");
	aline_init(&l);
	if ((s = sanitize_text(buf, strlen(buf), SANITIZE_SINGLE_LINE)) != NULL) {
		aline_adds(&l, TH_NAME, s);
		free(s);
	}
	snprintf(buf, sizeof buf, "  [%s%s%s%s%s%s%s]", event_conv_status_name(st->status),
	    st->priority != TD_PRIO_NORMAL ? " " : "",
	    st->priority != TD_PRIO_NORMAL ? event_priority_name(st->priority) : "",
	    st->assignee ? " @" : " unassigned", st->assignee ? st->assignee : "",
	    st->team ? " #" : "", st->team ? st->team : "");
	if ((s = sanitize_text(buf, strlen(buf), SANITIZE_SINGLE_LINE)) != NULL) {
		aline_adds(&l, TH_MARKER, s);
		free(s);
	}
	if (numbers_conv_name(app, c) != NULL && (s = sanitize_text(
	    numbers_conv_name(app, c), strlen(numbers_conv_name(app, c)),
	    SANITIZE_SINGLE_LINE)) != NULL) {
		aline_adds(&l, TH_HIGH, "  number: ");
		aline_adds(&l, TH_HIGH, s);
		free(s);
	}
	sla_title_add(&l, c, app->now, ui_of(app)->utf8);
	/* Who else is here (presence.h). */
	presence_text(app, c, ui_of(app)->utf8, buf, sizeof buf);
	if (buf[0] != '\0' && (s = sanitize_text(buf, strlen(buf),
	    SANITIZE_SINGLE_LINE)) != NULL) {
		aline_adds(&l, TH_HIGH, "  ");
		aline_adds(&l, TH_HIGH, s);
		free(s);
	}
	/* Last (after who is here): what the relay has before the top. */
	note = history_note(app, c->id, ui_of(app)->utf8);
	if (note != NULL && (top || strncmp(note, "loading", 7) == 0)) {
		aline_adds(&l, TH_SYSTEM, "  ");
		aline_adds(&l, TH_SYSTEM, note);
	}
	ui_draw_aline(app, v->win, 0, 0, &l, (size_t)v->w, TH_TABS);
	aline_free(&l);
}

/* A picture's row at window row y: in graphics (blanks here, the
 * picture after the frame) only when all of it is in the pane, since
 * sixel cannot be cut at its edge; else its symbols. */
static void
thread_picture_row(struct app *app, struct view *v, const struct convui *cu,
    size_t line, int y)
{
	const struct aline *l = &cu->lines[line];
	const struct picture_row *r = l->tag;
	size_t h = thread_height(app), first;
	bool blank = false;

	if (r != NULL && r->pic != NULL && r->y >= 0 && (size_t)r->y <= line) {
		first = line - (size_t)r->y;
		blank = first >= cu->top && first + (size_t)r->pic->rows <=
		    cu->top + h && picgfx_takes(app, r->pic);
		if (blank && r->y == 0)
			picgfx_want(app, r->pic, v->y + y,
			    v->x + 1 + (int)picdraw_indent(l));
	}
	picdraw_row(app, v->win, y, 1, l, (size_t)v->w - 1, blank);
}

static void
thread_draw(struct app *app, struct view *v)
{
	struct ui *ui = ui_of(app);
	struct td_conversation *c;
	struct convui *cu;
	size_t h, i, line;
	bool focus = ui->focus == FOCUS_THREAD;
	struct aline empty;

	if (!v->dirty)
		return;
	v->dirty = false;
	picgfx_begin(app);
	cu = thread_state(app, &c);
	aline_init(&empty);
	if (cu == NULL) {
		werase(v->win);
		aline_adds(&empty, TH_SYSTEM, ui->n_items ? "  Enter opens the "
		    "selected conversation" : "  no conversation selected");
		ui_draw_aline(app, v->win, 1, 0, &empty, (size_t)v->w, TH_NORMAL);
		aline_free(&empty);
		return;
	}
	h = thread_height(app);
	if (cu->top + h > cu->n_lines)
		cu->top = cu->n_lines > h ? cu->n_lines - h : 0;
	thread_title(app, v, c, cu->top == 0);
	for (i = 0; i < h; i++) {
		line = cu->top + i;
		wmove(v->win, (int)i + 1, 0);
		if (line >= cu->n_lines) {
			ui_draw_aline(app, v->win, (int)i + 1, 0, &empty,
			    (size_t)v->w, TH_NORMAL);
			continue;
		}
		if (cu->msg_of[line] >= 0 && cu->msg_of[line] == cu->sel && focus) {
			wattr_set(v->win, (attr_t)ui->attr[TH_CURSOR],
			    ui->pair[TH_CURSOR], NULL);
			waddstr(v->win, ui->utf8 ? "▌" : "|");
		} else {
			wattr_set(v->win, (attr_t)ui->attr[TH_NORMAL],
			    ui->pair[TH_NORMAL], NULL);
			waddch(v->win, ' ');
		}
		if (cu->lines[line].kind == TL_PICTURE)
			thread_picture_row(app, v, cu, line, (int)i + 1);
		else
			ui_draw_aline(app, v->win, (int)i + 1, 1,
			    &cu->lines[line], (size_t)v->w - 1, TH_NORMAL);
	}
	aline_free(&empty);
}

const struct view thread_view = {
	.name = "thread", .draw = thread_draw, .resize = ui_view_resized,
};

static void
thread_clamp(struct convui *cu, size_t h)
{
	size_t max = cu->n_lines > h ? cu->n_lines - h : 0;

	if (cu->top > max)
		cu->top = max;
	cu->at_bottom = cu->top >= max;
}

/*
 * Scroll so message m is in view: its end when it fits, else its start.
 * A pane beside the list cannot use the terminal's scrolling, so every
 * scroll rewrites all of it: there the view goes `extra` lines further
 * (half a page), and the next messages come into view without another
 * rewrite.
 */
static void
thread_show(struct convui *cu, long m, size_t h, size_t extra)
{
	size_t first = (size_t)cu->first_line[m], last = (size_t)cu->last_line[m];

	/* Include the day/blank line above when it is there. */
	if (first > 0 && cu->msg_of[first - 1] < 0)
		first--;
	if (first < cu->top) {
		cu->top = first > extra ? first - extra : 0;
		if (last >= cu->top + h) /* taller than the rest: its start */
			cu->top = first;
	} else if (last >= cu->top + h) {
		cu->top = last - first + 1 <= h ? last - h + 1 + extra : first;
		if (cu->top > first)
			cu->top = first;
	}
}

static size_t
thread_jump(const struct app *app, size_t h)
{
	return ui_of(app)->thread.w < ui_of(app)->cols && h >= 8 ? h / 2 : 0;
}

void
thread_open(struct app *app, const char *id)
{
	struct ui *ui = ui_of(app);
	struct td_conversation *c = model_find(app->model, id);
	struct convui *cu;
	char err[256];

	if (c == NULL || (cu = convmap_get(ui_of(app)->convs, id)) == NULL)
		return;
	free(ui->open_id);
	ui->open_id = strdup(id);
	ui->preview_pending = false;
	ui->focus = FOCUS_THREAD;
	if (!ui->two_pane)
		ui_layout(app);
	/* Unread markers stay while the thread is open. */
	cu->read_mark = c->read_seq;
	cu->opened = false;
	convui_invalidate(cu);
	thread_state(app, &c);
	cu->opened = true;
	if (c != NULL && c->unread > 0)
		thread_first_unread(app);
	receipt_mark(app, c); /* before: it looks at what was unread */
	readpos_mark(app, c);
	window_opened(app, id);
	/* A conversation may be known only in part: its newest page. */
	history_open(app, id, NULL, err, sizeof err);
	queues_count(app);
	ui->list.dirty = ui->thread.dirty = ui->status.dirty = true;
}

/* The agent reached the top: the next older page, if the relay has one. */
static void
thread_at_top(struct app *app, const struct convui *cu)
{
	if (cu->top == 0)
		history_older(app, cu->id);
}

static void
thread_open_loaded(struct app *app, const char *conv, bool ok)
{
	if (ok && model_find(app->model, conv) != NULL)
		thread_open(app, conv);
}

void
thread_open_any(struct app *app, const char *id)
{
	char err[256];

	if (model_find(app->model, id) != NULL) {
		thread_open(app, id);
		return;
	}
	if (history_open(app, id, thread_open_loaded, err, sizeof err) < 0)
		app_error(app, "cannot open the conversation: %s", err);
	else
		app_message(app, "loading the conversation ...");
}

void
thread_move(struct app *app, long delta)
{
	struct td_conversation *c;
	struct convui *cu = thread_state(app, &c);
	size_t h = thread_height(app);
	long m;

	if (cu == NULL || cu->sel < 0)
		return;
	if (delta > 0) {
		if ((size_t)cu->last_line[cu->sel] >= cu->top + h) {
			cu->top++; /* read on through a long message */
		} else {
			for (m = cu->sel + 1; m < (long)cu->n_msgs &&
			    cu->first_line[m] < 0; m++)
				;
			if (m < (long)cu->n_msgs) {
				cu->sel = m;
				thread_show(cu, m, h, thread_jump(app, h));
			} else {
				cu->top = cu->n_lines > h ? cu->n_lines - h : 0;
			}
		}
	} else {
		if ((size_t)cu->first_line[cu->sel] < cu->top) {
			cu->top--;
		} else {
			for (m = cu->sel - 1; m >= 0 && cu->first_line[m] < 0; m--)
				;
			if (m >= 0) {
				cu->sel = m;
				thread_show(cu, m, h, thread_jump(app, h));
			} else {
				cu->top = 0;
			}
		}
	}
	thread_clamp(cu, h);
	thread_at_top(app, cu);
	ui_of(app)->thread.dirty = true;
}

/* Keep the selection on a message that is (at least partly) visible. */
static void
thread_fix_sel(struct convui *cu, size_t h)
{
	size_t i;

	if (cu->sel >= 0 && (size_t)cu->last_line[cu->sel] >= cu->top &&
	    (size_t)cu->first_line[cu->sel] < cu->top + h)
		return;
	for (i = cu->top + h; i > cu->top; i--) {
		if (i - 1 < cu->n_lines && cu->msg_of[i - 1] >= 0) {
			cu->sel = cu->msg_of[i - 1];
			return;
		}
	}
}

/* The pane's top at top (kept in range), the selection kept in view. */
static void
thread_place(struct app *app, struct convui *cu, size_t top)
{
	size_t h = thread_height(app);

	cu->top = top;
	thread_clamp(cu, h);
	thread_fix_sel(cu, h);
	ui_of(app)->thread.dirty = true;
}

void
thread_scroll(struct app *app, long lines)
{
	struct td_conversation *c;
	struct convui *cu = thread_state(app, &c);

	if (cu == NULL)
		return;
	thread_place(app, cu, lines < 0 && (size_t)-lines > cu->top ? 0 :
	    (size_t)((long)cu->top + lines));
	thread_at_top(app, cu);
}

void
thread_edge(struct app *app, int bottom)
{
	struct td_conversation *c;
	struct convui *cu = thread_state(app, &c);
	size_t i;

	if (cu == NULL)
		return;
	cu->sel = -1;
	thread_place(app, cu, bottom ? cu->n_lines : 0);
	if (bottom)
		return;
	/* The first message, not the last visible one. */
	for (i = 0; i < cu->n_lines; i++) {
		if (cu->msg_of[i] >= 0) {
			cu->sel = cu->msg_of[i];
			break;
		}
	}
	thread_at_top(app, cu);
}

static int
thread_goto_msg(struct app *app, struct convui *cu, long m)
{
	size_t h = thread_height(app);

	if (m < 0 || m >= (long)cu->n_msgs || cu->first_line[m] < 0)
		return -1;
	cu->sel = m;
	cu->top = (size_t)cu->first_line[m];
	if (cu->top > 0 && cu->msg_of[cu->top - 1] < 0)
		cu->top--;
	thread_clamp(cu, h);
	ui_of(app)->thread.dirty = true;
	return 0;
}

int
thread_goto_quote(struct app *app)
{
	struct td_conversation *c;
	struct convui *cu = thread_state(app, &c);
	const struct td_msg *m;
	size_t i;

	if (cu == NULL || cu->sel < 0)
		return -1;
	m = c->messages[cu->sel];
	if (m->m.reply_to == NULL || *m->m.reply_to == '\0') {
		app_message(app, "this message quotes nothing");
		return -1;
	}
	for (i = 0; i < c->n_messages; i++) {
		if (c->messages[i]->m.id != NULL &&
		    strcmp(c->messages[i]->m.id, m->m.reply_to) == 0)
			return thread_goto_msg(app, cu, (long)i);
	}
	app_message(app, "quoted message not available");
	return -1;
}

int
thread_first_unread(struct app *app)
{
	struct td_conversation *c;
	struct convui *cu = thread_state(app, &c);
	size_t i;

	if (cu == NULL)
		return -1;
	for (i = 0; i < c->n_messages; i++) {
		const struct td_msg *m = c->messages[i];
		if (m->m.direction == TD_DIR_IN && m->seq > cu->read_mark &&
		    m->m.kind != TD_KIND_REACTION)
			return thread_goto_msg(app, cu, (long)i);
	}
	app_message(app, "no unread messages");
	return -1;
}

struct td_msg *
thread_selected(const struct app *app)
{
	struct td_conversation *c = app_open_conv(app);
	struct convui *cu;

	if (c == NULL || (cu = convmap_find(ui_of(app)->convs, c->id)) == NULL ||
	    cu->sel < 0 || (size_t)cu->sel >= c->n_messages)
		return NULL;
	return c->messages[cu->sel];
}
