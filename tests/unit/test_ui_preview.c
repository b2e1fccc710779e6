/*
 * Two panes: the thread pane follows the list cursor once the cursor
 * rests.  While j is held, no thread passed over reaches the terminal;
 * any key other than a motion, the timer, or Enter bring the preview to
 * the cursor's conversation first, so nothing ever acts on a stale one.
 */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "app.h"
#include "keymap.h"
#include "ui.h"
#include "ui_fixture.h"
#include "ui_term.h"
#include "queues.h"

static struct ui_term term;

/* Conversations c0..c4, newest first in the list: c4 at the top. */
static struct td_model *
five_conversations(long long now)
{
	static const char *const words[] = { "amber", "basil", "cedar",
	    "dune", "ember" };
	struct td_model *m = model_new("alice");
	char buf[1024];
	int i;

	for (i = 0; i < 5; i++) {
		snprintf(buf, sizeof buf, "{\"seq\":%d,\"ts\":%lld,\"type\":"
		    "\"contact\",\"conversation\":\"c%d\",\"contact\":{\"wa_id\":"
		    "\"3460000000%d\",\"name\":\"Customer %d\"}}", 10 * i + 1,
		    now - 900 + i, i, i, i);
		fx_apply(m, buf);
		snprintf(buf, sizeof buf, "{\"seq\":%d,\"ts\":%lld,\"type\":"
		    "\"message\",\"conversation\":\"c%d\",\"message\":{\"id\":"
		    "\"wamid.%d\",\"direction\":\"in\",\"kind\":\"text\",\"from\":"
		    "\"3460000000%d\",\"text\":\"%s %s %s\",\"status\":"
		    "\"received\"}}", 10 * i + 2, now - 800 + i, i, i, i,
		    words[i], words[i], words[i]);
		fx_apply(m, buf);
	}
	return m;
}

static int
start(struct app *app, int delay_ms)
{
	if (ui_term_start(app, &term, five_conversations((long long)time(NULL)),
	    120, 30) != 0)
		return -1;
	/* The delay applies from the next move on. */
	ui_of(app)->preview_delay_ms = delay_ms;
	return 0;
}

static void
stop(struct app *app)
{
	ui_term_close(app, &term);
}

static long
out_size(void)
{
	return ui_term_size(&term);
}

static char *
out_since(long from, size_t *len)
{
	return ui_term_output(&term, from, len);
}

static const char *
sel_id(const struct app *app)
{
	return ui_of(app)->n_items ? ui_of(app)->items[ui_of(app)->sel]->id : "";
}

static void
test_follows_when_resting(void)
{
	struct app app;
	int wait;

	CHECK_INT(start(&app, 120), 0);
	CHECK(ui_of(&app)->two_pane);
	CHECK_INT(ui_of(&app)->n_items, 5);
	/* The first frame shows the cursor's thread at once. */
	CHECK_STR(ui_of(&app)->open_id, sel_id(&app));
	CHECK(!ui_of(&app)->preview_pending);
	ui_key(&app, 'j');
	ui_draw(&app);
	CHECK(ui_of(&app)->preview_pending);
	CHECK(strcmp(ui_of(&app)->open_id, sel_id(&app)) != 0);
	wait = queues_preview_tick(&app, app_ms());
	CHECK(wait > 0 && wait <= 120);
	/* Due: the preview catches up and the timer stops. */
	CHECK_INT(queues_preview_tick(&app, ui_of(&app)->preview_due_ms), -1);
	CHECK(!ui_of(&app)->preview_pending);
	CHECK_STR(ui_of(&app)->open_id, sel_id(&app));
	CHECK(ui_of(&app)->thread.dirty);
	stop(&app);
}

/* Holding j: the passed-over threads never reach the terminal; the one
 * the cursor rests on does, once. */
static void
test_held_key_sends_no_thread(void)
{
	struct app app;
	long from;
	size_t len;
	char *s;
	int i;

	CHECK_INT(start(&app, 120), 0);
	from = out_size();
	for (i = 0; i < 3; i++) {
		ui_key(&app, 'j');
		ui_draw(&app);
	}
	s = out_since(from, &len);
	CHECK(s != NULL && len > 0);
	/* c3, c2 passed over (their words are in the list already). */
	CHECK(s != NULL && strstr(s, "dune dune") == NULL);
	CHECK(s != NULL && strstr(s, "cedar cedar") == NULL);
	free(s);
	CHECK_STR(sel_id(&app), "c1");
	from = out_size();
	queues_preview_tick(&app, ui_of(&app)->preview_due_ms);
	ui_draw(&app);
	s = out_since(from, &len);
	CHECK(s != NULL && strstr(s, "basil basil basil") != NULL);
	CHECK(s != NULL && strstr(s, "cedar cedar") == NULL);
	free(s);
	stop(&app);
}

/* Any other key acts on what the agent sees: the preview first. */
static void
test_other_keys_catch_up(void)
{
	struct app app;

	CHECK_INT(start(&app, 120), 0);
	ui_key(&app, 'j');
	ui_key(&app, 'j');
	CHECK(ui_of(&app)->preview_pending);
	ui_key(&app, '?');
	CHECK(!ui_of(&app)->preview_pending);
	CHECK_STR(ui_of(&app)->open_id, "c2");
	ui_key(&app, 'x'); /* closes help */
	/* Enter opens the cursor's conversation, not the stale preview. */
	ui_key(&app, 'k');
	CHECK(ui_of(&app)->preview_pending);
	ui_key(&app, KM_ENTER);
	CHECK(!ui_of(&app)->preview_pending);
	CHECK(ui_of(&app)->focus == FOCUS_THREAD);
	CHECK_STR(ui_of(&app)->open_id, "c3");
	/* A status arriving while pending: the list rebuild settles it. */
	ui_key(&app, KM_ESC);
	ui_key(&app, 'j');
	CHECK(ui_of(&app)->preview_pending);
	queues_list_rebuild(&app);
	CHECK(!ui_of(&app)->preview_pending);
	CHECK_STR(ui_of(&app)->open_id, sel_id(&app));
	stop(&app);
}

static void
test_no_delay_follows_at_once(void)
{
	struct app app;

	CHECK_INT(start(&app, 0), 0);
	ui_key(&app, 'j');
	CHECK(!ui_of(&app)->preview_pending);
	CHECK_STR(ui_of(&app)->open_id, sel_id(&app));
	CHECK_STR(ui_of(&app)->open_id, "c3");
	stop(&app);
}

int
main(void)
{
	ui_term_env();
	RUN(test_follows_when_resting);
	RUN(test_held_key_sends_no_thread);
	RUN(test_other_keys_catch_up);
	RUN(test_no_delay_follows_at_once);
	return check_done();
}
