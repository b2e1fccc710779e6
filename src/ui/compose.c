/* The compose area and drafts (see compose.h). */
#include <curses.h>
#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/cache.h"
#include "ttydesk/freeall.h"
#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "ttydesk/vec.h"
#include "ttydesk/wipe.h"
#include "app.h"
#include "compose.h"
#include "convui.h"
#include "editor.h"
#include "keymap.h"
#include "numbers.h"
#include "outbox.h"
#include "picker.h"
#include "presence.h"
#include "typing.h"
#include "theme.h"
#include "ui.h"
#include "listrow.h"

static struct compose *
compose_of(struct app *app)
{
	if (ui_of(app)->composer == NULL &&
	    (ui_of(app)->composer = calloc(1, sizeof *ui_of(app)->composer)) != NULL)
		cbuf_init(&ui_of(app)->composer->buf);
	return ui_of(app)->composer;
}

bool
compose_active(const struct app *app)
{
	return ui_of(app)->composer != NULL && ui_of(app)->composer->open;
}

/* --- drafts --------------------------------------------------------------- */

static struct draft *
draft_find(const struct compose *k, const char *conv)
{
	if (k == NULL)
		return NULL;
	return vec_find_str(k->drafts, k->n_drafts, sizeof *k->drafts,
	    offsetof(struct draft, conv), conv);
}

static void
draft_put(struct compose *k, const char *conv, const char *text)
{
	struct draft *d = draft_find(k, conv), *n;

	if (text == NULL || *text == '\0') {
		if (d != NULL) {
			free(d->conv);
			wipe_str_free(d->text);
			*d = k->drafts[--k->n_drafts];
		}
		return;
	}
	if (d == NULL) {
		if ((n = realloc(k->drafts, (k->n_drafts + 1) * sizeof *n)) == NULL)
			return;
		k->drafts = n;
		d = &k->drafts[k->n_drafts];
		if ((d->conv = strdup(conv)) == NULL)
			return;
		d->text = NULL;
		k->n_drafts++;
	}
	wipe_str_free(d->text);
	d->text = strdup(text);
}

void
compose_load_draft(struct app *app, const char *conv, const char *text,
    size_t len)
{
	struct compose *k = compose_of(app);
	char *t;

	if (k == NULL || (t = strndup(text, len)) == NULL)
		return;
	draft_put(k, conv, t);
	wipe_str_free(t);
}

void
compose_keep_draft(struct app *app, const char *conv, const char *text)
{
	struct compose *k = compose_of(app);
	char err[256];

	if (k == NULL)
		return;
	draft_put(k, conv, text);
	if (app->cache != NULL && cache_draft_set(app->cache, conv, text, err,
	    sizeof err) != 0)
		app_error(app, "draft not saved: %s", err);
	/* The open compose area shows the same conversation: refresh it. */
	if (k->open && strcmp(k->conv, conv) == 0 && text != NULL &&
	    cbuf_blank(&k->buf)) {
		cbuf_set(&k->buf, text);
		ui_of(app)->compose.dirty = true;
	}
}

const char *
compose_draft(const struct app *app, const char *conv)
{
	const struct draft *d = draft_find(ui_of(app)->composer, conv);

	return d != NULL ? d->text : NULL;
}

/* --- open / close / send -------------------------------------------------- */

bool
compose_window_ok(const struct td_conversation *c, int64_t now, char *buf,
    size_t len)
{
	int64_t last = conversation_last_inbound(c), ago;

	if (conversation_window_open(c, now, NULL))
		return true;
	if (last <= 0) {
		snprintf(buf, len, "the customer has not written yet: only "
		    "templates");
		return false;
	}
	ago = now - last - TD_WINDOW_SECONDS;
	if (ago < 3600)
		snprintf(buf, len, "24-hour window closed %lld min ago: only "
		    "templates", (long long)(ago / 60));
	else if (ago < 86400)
		snprintf(buf, len, "24-hour window closed %lld h ago: only "
		    "templates", (long long)(ago / 3600));
	else
		snprintf(buf, len, "24-hour window closed %lld d ago: only "
		    "templates", (long long)(ago / 86400));
	return false;
}

char *
compose_open_id(struct app *app)
{
	const struct td_conversation *c = app_open_conv(app);
	char why[256];

	if (c == NULL)
		return NULL;
	if (!compose_window_ok(c, app->now, why, sizeof why)) {
		app_error(app, "%s", why);
		return NULL;
	}
	return strdup(c->id);
}

static char *
compose_quote_text(const struct app *app, const struct td_conversation *c,
    const struct td_msg *q)
{
	char buf[1024], *sum = ui_message_summary(&q->m), *s;
	const char *who;

	if (q->m.direction == TD_DIR_IN)
		who = conversation_display_name(c);
	else if (q->m.agent && app->self_id && strcmp(q->m.agent,
	    app->self_id) == 0)
		who = "you";
	else
		who = q->m.agent ? q->m.agent : "agent";
	snprintf(buf, sizeof buf, "%s: %s", who, sum ? sum : "");
	free(sum);
	s = sanitize_text(buf, strlen(buf), SANITIZE_SINGLE_LINE);
	return s;
}

static void
compose_layout_changed(struct app *app)
{
	ui_layout(app);
	ui_dirty_all(app);
}

int
compose_open(struct app *app, struct td_conversation *c,
    enum compose_mode mode, const struct td_msg *quote)
{
	struct compose *k = compose_of(app);
	const char *d;

	if (k == NULL) {
		app_error(app, "out of memory");
		return -1;
	}
	if (k->open && strcmp(k->conv, c->id) != 0)
		compose_cancel(app);
	if (!k->open) {
		free(k->conv);
		if ((k->conv = strdup(c->id)) == NULL)
			return -1;
		cbuf_clear(&k->buf);
		if ((d = compose_draft(app, c->id)) != NULL)
			cbuf_set(&k->buf, d);
		k->top = 0;
	}
	k->mode = mode;
	free(k->reply_to);
	free(k->quote);
	k->reply_to = k->quote = NULL;
	if (quote != NULL && quote->m.id != NULL && mode == CM_REPLY) {
		k->reply_to = strdup(quote->m.id);
		k->quote = compose_quote_text(app, c, quote);
	}
	k->open = true;
	ui_of(app)->focus = FOCUS_THREAD;
	compose_layout_changed(app);
	return 0;
}

static void
compose_close(struct app *app)
{
	struct compose *k = ui_of(app)->composer;

	k->open = false;
	cbuf_clear(&k->buf);
	free(k->reply_to);
	free(k->quote);
	k->reply_to = k->quote = NULL;
	compose_layout_changed(app);
}

void
compose_save_open(struct app *app)
{
	struct compose *k = ui_of(app)->composer;

	if (k == NULL || !k->open)
		return;
	compose_keep_draft(app, k->conv, cbuf_blank(&k->buf) ? NULL : k->buf.s);
}

void
compose_cancel(struct app *app)
{
	struct compose *k = ui_of(app)->composer;

	if (k == NULL || !k->open)
		return;
	compose_save_open(app);
	app_message(app, cbuf_blank(&k->buf) ? "compose cancelled" :
	    "draft kept (r continues it)");
	compose_close(app);
}

/* The text without trailing blanks; malloc'd. */
static char *
compose_text(const struct compose *k)
{
	size_t n = k->buf.len;

	while (n > 0 && (k->buf.s[n - 1] == ' ' || k->buf.s[n - 1] == '\n'))
		n--;
	return strndup(k->buf.s ? k->buf.s : "", n);
}

int
compose_send(struct app *app)
{
	struct compose *k = ui_of(app)->composer;
	struct td_conversation *c;
	char why[256], *text;
	json_t *body;
	size_t n;
	int rc;

	if (k == NULL || !k->open)
		return -1;
	if ((c = model_find(app->model, k->conv)) == NULL) {
		app_error(app, "this conversation is gone");
		return -1;
	}
	if (cbuf_blank(&k->buf)) {
		app_error(app, "nothing to send");
		return -1;
	}
	if ((n = cbuf_chars(&k->buf)) > COMPOSE_MAX_CHARS) {
		app_error(app, "%zu characters: WhatsApp takes at most %d", n,
		    COMPOSE_MAX_CHARS);
		return -1;
	}
	if (k->mode == CM_REPLY && !compose_window_ok(c, app->now, why,
	    sizeof why)) {
		app_error(app, "%s (t picks one; the text stays here)", why);
		return -1;
	}
	if ((text = compose_text(k)) == NULL)
		return -1;
	/* A note never quotes; a reply may. */
	if (k->mode != CM_NOTE && k->reply_to != NULL)
		body = json_pack("{s:s, s:s}", "text", text, "reply_to",
		    k->reply_to);
	else
		body = json_pack("{s:s}", "text", text);
	rc = body == NULL ? -1 : outbox_add(app, k->conv, k->mode == CM_NOTE ?
	    "note" : "reply", k->mode == CM_NOTE ? "/notes" : "/messages", text,
	    body);
	json_decref(body);
	wipe_str_free(text);
	if (rc != 0)
		return -1;
	compose_keep_draft(app, k->conv, NULL);
	compose_close(app);
	return 0;
}

void
compose_insert(struct app *app, const char *text)
{
	struct compose *k = ui_of(app)->composer;

	if (k == NULL || !k->open)
		return;
	cbuf_insert(&k->buf, text);
	ui_of(app)->compose.dirty = true;
}

void
compose_free(struct app *app)
{
	struct compose *k = ui_of(app)->composer;
	size_t i;

	if (k == NULL)
		return;
	cbuf_free(&k->buf);
	for (i = 0; i < k->n_drafts; i++) {
		free(k->drafts[i].conv);
		wipe_str_free(k->drafts[i].text);
	}
	FREE_ALL(k->drafts, k->conv, k->reply_to, k->quote);
	free(k);
	ui_of(app)->composer = NULL;
}

/* --- the view ------------------------------------------------------------- */

int
compose_height(const struct app *app, int body)
{
	int h;

	if (!compose_active(app))
		return 0;
	h = body >= 20 ? 9 : body / 2;
	return h >= 3 ? h : 0;
}

/* With several numbers, which one the reply goes from: the agent must
 * never have to guess. */
static void
compose_from(struct app *app, struct aline *l, const struct compose *k)
{
	const struct td_conversation *c = model_find(app->model, k->conv);
	const struct app_number *n;
	char buf[160], *s;

	if (c == NULL || numbers_conv_name(app, c) == NULL)
		return;
	n = numbers_find(app, c->state.number);
	snprintf(buf, sizeof buf, " from %.60s%s%.40s%s",
	    numbers_conv_name(app, c), n && n->display ? " (" : "",
	    n && n->display ? n->display : "", n && n->display ? ")" : "");
	if ((s = sanitize_text(buf, strlen(buf), SANITIZE_SINGLE_LINE)) ==
	    NULL)
		return;
	aline_adds(l, TH_HIGH, s);
	free(s);
}

static void
compose_header(struct app *app, struct view *v, struct compose *k)
{
	struct aline l;
	size_t n = cbuf_chars(&k->buf), right;
	char cnt[64];
	bool u = ui_of(app)->utf8;

	aline_init(&l);
	if (k->mode == CM_NOTE)
		aline_adds(&l, TH_NOTE, u ? " ✎ Private note (internal, never "
		    "sent to the customer)" : " # Private note (internal, never "
		    "sent to the customer)");
	else
		aline_adds(&l, TH_OUTBOUND, u ? " ▶ Reply" : " > Reply");
	if (k->mode != CM_NOTE)
		compose_from(app, &l, k);
	aline_adds(&l, TH_SYSTEM, "  C-s send · Esc keep draft · M-e editor");
	snprintf(cnt, sizeof cnt, " %zu/%d ", n, COMPOSE_MAX_CHARS);
	right = strlen(cnt);
	aline_truncate(&l, (size_t)v->w > right ? (size_t)v->w - right : 0);
	aline_pad(&l, TH_TABS, (size_t)v->w > right + l.width ?
	    (size_t)v->w - right - l.width : 0);
	aline_adds(&l, n > COMPOSE_MAX_CHARS ? TH_STATUS_ERROR :
	    n > COMPOSE_MAX_CHARS * 9 / 10 ? TH_HIGH : TH_AGE, cnt);
	ui_draw_aline(app, v->win, 0, 0, &l, (size_t)v->w, TH_TABS);
	aline_free(&l);
}

static void
compose_draw(struct app *app, struct view *v)
{
	struct compose *k = ui_of(app)->composer;
	struct crow *rows = NULL;
	size_t n = 0, row = 0, col = 0, width, i, h, first = 1;
	struct aline l;

	if (k == NULL || !k->open)
		return;
	width = v->w > 2 ? (size_t)v->w - 1 : 1;
	if (!v->dirty)
		goto cursor;
	v->dirty = false;
	compose_header(app, v, k);
	aline_init(&l);
	if (k->quote != NULL) {
		aline_adds(&l, TH_QUOTE, ui_of(app)->utf8 ? " ┃ " : " | ");
		aline_adds(&l, TH_QUOTE, k->quote);
		ui_draw_aline(app, v->win, 1, 0, &l, (size_t)v->w, TH_NORMAL);
		first = 2;
	}
	h = (size_t)v->h > first ? (size_t)v->h - first : 1;
	if (cbuf_layout(&k->buf, width, &rows, &n, &row, &col) != 0) {
		aline_free(&l);
		return;
	}
	if (row < k->top)
		k->top = row;
	if (row >= k->top + h)
		k->top = row - h + 1;
	for (i = 0; i < h; i++) {
		aline_clear(&l);
		aline_adds(&l, TH_NORMAL, " ");
		if (k->top + i < n)
			aline_add(&l, TH_NORMAL, k->buf.s + rows[k->top + i].off,
			    rows[k->top + i].len);
		ui_draw_aline(app, v->win, (int)(first + i), 0, &l,
		    (size_t)v->w, TH_NORMAL);
	}
	aline_free(&l);
	free(rows);
	wmove(v->win, (int)(first + row - k->top), (int)col + 1);
cursor:
	if (ui_of(app)->dialog == NULL) {
		leaveok(v->win, FALSE);
		curs_set(1);
	}
}

/* A key [keys] binds to an action that works here too (a rebound send
 * sends from the compose area): its result, 0 for any other key. */
static int
compose_action(struct app *app, int key)
{
	static const char *const here[] = { "send", "editor", "redraw",
	    "canned", "template", "help" };
	int a = keymap_lookup(&ui_of(app)->keymap, key);
	const char *name;
	size_t i;

	if (a < 0)
		return 0;
	name = ui_of(app)->keymap.table[a].name;
	if (strcmp(name, "send") == 0) {
		compose_send(app);
		return UI_HANDLED;
	}
	if (strcmp(name, "editor") == 0) {
		compose_editor(app);
		return UI_HANDLED;
	}
	for (i = 0; i < sizeof here / sizeof here[0]; i++)
		if (strcmp(name, here[i]) == 0)
			return ui_of(app)->keymap.table[a].fn(app);
	return 0;
}

static bool
compose_is_text(int key)
{
	return !KM_IS_KEY(key) && !KM_IS_META(key) && key >= 0x20 &&
	    key != 0x7f;
}

static int
compose_key(struct app *app, struct view *v, int key)
{
	struct compose *k = ui_of(app)->composer;
	const struct keymap *ck = &ui_of(app)->compose_keys;
	int a, rc;

	if (k == NULL || !k->open)
		return 0;
	v->dirty = true;
	k->wrap = v->w > 2 ? (size_t)v->w - 1 : 1;
	/* Most terminals send DEL for the Backspace key. */
	if (key == 0x7f)
		key = KM_KEY(KEY_BACKSPACE);
	if (compose_is_text(key)) {
		cbuf_insert_cp(&k->buf, (uint32_t)key);
		presence_typing(app);
		if (k->mode == CM_REPLY)
			typing_key(app, k->conv);
		return UI_HANDLED;
	}
	if ((rc = compose_action(app, key)) != 0)
		return rc;
	if ((a = keymap_lookup(ck, key)) >= 0)
		return ck->table[a].fn(app);
	app_message(app, "this key does nothing while composing");
	return UI_HANDLED;
}

const struct view compose_view = {
	.name = "compose", .draw = compose_draw, .handle_key = compose_key,
	.resize = ui_view_resized,
};
