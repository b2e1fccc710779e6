/* The whole screen drawn by ncurses into a file: customer text cannot
 * reach the terminal as control sequences, NO_COLOR means no colours,
 * keys move the cursor, the layout follows the width. */
#include <curses.h>
#include <jansson.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "ttydesk/clientid.h"
#include "compose.h"
#include "dialog.h"
#include "app.h"
#include "keymap.h"
#include "ui.h"
#include "ui_fixture.h"
#include "ui_term.h"
#include "threadview.h"

static int
start(struct app *app, struct ui_term *t, int cols, int rows)
{
	return ui_term_start(app, t, fx_model((long long)time(NULL)), cols,
	    rows);
}

static void
test_draw_is_safe(void)
{
	struct app app;
	struct ui_term t;
	char *out;
	size_t len = 0, i;

	CHECK_INT(start(&app, &t, 120, 40), 0);
	CHECK(ui_of(&app)->two_pane);
	/* Open the thread: the customer's text with escape sequences. */
	ui_key(&app, KM_ENTER);
	ui_draw(&app);
	CHECK(ui_of(&app)->focus == FOCUS_THREAD);
	out = ui_term_output(&t, 0, &len);
	CHECK(out != NULL);
	if (out != NULL) {
		CHECK(memmem(out, len, "order 1234", 10) != NULL);
		CHECK(memmem(out, len, "Mar\xc3\xad" "a", 6) != NULL);
		/* No window title, no OSC, no clear screen from the customer. */
		CHECK(memmem(out, len, "pwned", 5) == NULL);
		CHECK(memmem(out, len, "\x1b]", 2) == NULL);
		for (i = 0; i < len; i++)
			CHECK(out[i] != '\a');
	}
	free(out);
	ui_term_close(&app, &t);
}

static void
test_no_color(void)
{
	struct app app;
	struct ui_term t;
	char *out;
	size_t len = 0;

	setenv("NO_COLOR", "1", 1);
	CHECK_INT(start(&app, &t, 100, 30), 0);
	CHECK(!ui_of(&app)->colour);
	out = ui_term_output(&t, 0, &len);
	CHECK(out != NULL);
	if (out != NULL) {
		/* setaf/setab on xterm-256color: ESC [ 3x / 4x / 38;5 */
		CHECK(memmem(out, len, "\x1b[38;5;", 7) == NULL);
		CHECK(memmem(out, len, "\x1b[48;5;", 7) == NULL);
		CHECK(memmem(out, len, "\x1b[31m", 5) == NULL);
		CHECK(memmem(out, len, "\x1b[44m", 5) == NULL);
		/* Still readable: reverse video marks the bars. */
		CHECK(memmem(out, len, "\x1b[7m", 4) != NULL ||
		    memmem(out, len, ";7m", 3) != NULL);
	}
	free(out);
	ui_term_close(&app, &t);
	unsetenv("NO_COLOR");
}

static void
test_keys_and_layout(void)
{
	struct app app;
	struct ui_term t;
	size_t q;

	CHECK_INT(start(&app, &t, 80, 24), 0);
	CHECK(!ui_of(&app)->two_pane);
	CHECK_INT(ui_of(&app)->n_items, 1);
	CHECK_INT(ui_of(&app)->sel, 0);
	q = ui_of(&app)->cur_queue;
	ui_key(&app, ']');
	CHECK_INT(ui_of(&app)->cur_queue, (q + 1) % ui_of(&app)->n_queues);
	ui_key(&app, '[');
	CHECK_INT(ui_of(&app)->cur_queue, q);
	/* One pane: Enter shows the thread alone, Esc goes back. */
	ui_key(&app, KM_ENTER);
	CHECK(ui_of(&app)->focus == FOCUS_THREAD);
	CHECK(ui_of(&app)->thread.visible && !ui_of(&app)->list.visible);
	ui_draw(&app);
	/* Opening jumps to the first unread message. */
	CHECK(thread_selected(&app) != NULL &&
	    strcmp(thread_selected(&app)->m.id, "wamid.A") == 0);
	/* G: the last one; walk up to the reply and jump to the message it
	 * quotes. */
	ui_key(&app, 'G');
	CHECK(thread_selected(&app) != NULL &&
	    strcmp(thread_selected(&app)->m.id, "wamid.F") == 0);
	{
		int i;
		for (i = 0; i < 40 && thread_selected(&app) != NULL &&
		    strcmp(thread_selected(&app)->m.id, "wamid.B") != 0; i++) {
			ui_key(&app, 'k');
			ui_draw(&app);
		}
	}
	CHECK(thread_selected(&app) != NULL &&
	    strcmp(thread_selected(&app)->m.id, "wamid.B") == 0);
	ui_key(&app, 'f');
	CHECK(thread_selected(&app) != NULL &&
	    strcmp(thread_selected(&app)->m.id, "wamid.A") == 0);
	/* The image quotes a message nobody has: it says so. */
	ui_key(&app, 'G');
	for (int i = 0; i < 40 && thread_selected(&app) != NULL &&
	    strcmp(thread_selected(&app)->m.id, "wamid.D") != 0; i++)
		ui_key(&app, 'k');
	ui_key(&app, 'f');
	CHECK(strstr(app.msg, "quoted message not available") != NULL);
	/* Unread markers: all three inbound messages were unread when the
	 * thread opened; 'u' goes to the first. */
	ui_key(&app, 'u');
	CHECK(thread_selected(&app) != NULL &&
	    strcmp(thread_selected(&app)->m.id, "wamid.A") == 0);
	ui_key(&app, KM_ESC);
	CHECK(ui_of(&app)->focus == FOCUS_LIST);
	CHECK(ui_of(&app)->list.visible && !ui_of(&app)->thread.visible);
	/* Help from the live keymap; any other key closes it. */
	ui_key(&app, '?');
	CHECK(ui_of(&app)->help);
	ui_draw(&app);
	ui_key(&app, 'x');
	CHECK(!ui_of(&app)->help);
	/* r starts a reply (asking first when someone else has it); Esc
	 * leaves the compose area. */
	ui_key(&app, 'r');
	if (ui_of(&app)->dialog != NULL && dialog_on_status_line(&app))
		ui_key(&app, 'y');
	CHECK(compose_active(&app));
	ui_draw(&app);
	ui_key(&app, KM_ESC);
	CHECK(!compose_active(&app));
	ui_key(&app, KM_ESC);
	/* Wider: two panes. */
	resizeterm(40, 130);
	ui_layout(&app);
	ui_draw(&app);
	CHECK(ui_of(&app)->two_pane);
	CHECK_INT(ui_of(&app)->list.w + 1 + ui_of(&app)->thread.w, 130);
	/* Too small: says so instead of drawing garbage. */
	resizeterm(4, 20);
	ui_layout(&app);
	ui_draw(&app);
	CHECK(ui_of(&app)->too_small);
	ui_key(&app, 'q');
	CHECK(app.quit);
	ui_term_close(&app, &t);
}

/* A second /v1/me answer while a team queue is shown (the team strings
 * are replaced): the queue stays, nothing reads freed memory. */
static void
test_me_twice(void)
{
	struct app app;
	struct ui_term t;
	json_t *me;
	int i;

	CHECK_INT(start(&app, &t, 120, 30), 0);
	me = json_loads("{\"agent\":{\"id\":\"alice\",\"name\":\"Alice\","
	    "\"teams\":[\"tier1\",\"tier2\"]},\"teams\":[{\"id\":\"tier1\","
	    "\"name\":\"Tier One\"},{\"id\":\"tier2\",\"name\":\"Tier Two\"}]}",
	    0, NULL);
	CHECK(me != NULL);
	app_set_me(&app, me);
	CHECK_STR(app.self_name, "Alice");
	/* Mine has c1 (assigned to alice): ttydesk starts there. */
	CHECK_INT(ui_of(&app)->queues[ui_of(&app)->cur_queue].q.kind, TD_Q_MINE);
	for (i = 0; i < 10 && strcmp(ui_of(&app)->queues[ui_of(&app)->cur_queue].label,
	    "Tier One") != 0; i++)
		ui_key(&app, ']');
	CHECK_STR(ui_of(&app)->queues[ui_of(&app)->cur_queue].label, "Tier One");
	CHECK_INT(ui_of(&app)->n_items, 1); /* c1 is tier1's */
	app_set_me(&app, me);
	ui_draw(&app);
	CHECK_STR(ui_of(&app)->queues[ui_of(&app)->cur_queue].label, "Tier One");
	CHECK_INT(ui_of(&app)->n_items, 1);
	json_decref(me);
	ui_term_close(&app, &t);
}

static void
inbound(struct app *app, long seq, const char *id)
{
	char buf[512];
	json_t *e;

	snprintf(buf, sizeof buf, "{\"seq\":%ld,\"ts\":%lld,\"type\":\"message\","
	    "\"conversation\":\"c1\",\"message\":{\"id\":\"%s\",\"direction\":"
	    "\"in\",\"kind\":\"text\",\"from\":\"34600111222\",\"text\":"
	    "\"more\",\"status\":\"received\"}}", seq, (long long)time(NULL), id);
	e = json_loads(buf, 0, NULL);
	app_apply_json(app, e);
	json_decref(e);
	app_after_events(app, 0);
	ui_draw(app);
}

/* Reading further up: a new message says so; at the end it just shows. */
static void
test_new_below(void)
{
	struct app app;
	struct ui_term t;

	CHECK_INT(start(&app, &t, 80, 24), 0);
	ui_key(&app, KM_ENTER);
	ui_draw(&app);
	app.msg[0] = '\0';
	inbound(&app, 50, "wamid.N1");
	CHECK(strstr(app.msg, "new message below") != NULL);
	/* The thread stays read while open. */
	CHECK_INT(model_find(app.model, "c1")->unread, 0);
	ui_key(&app, 'G');
	ui_draw(&app);
	app.msg[0] = '\0';
	inbound(&app, 51, "wamid.N2");
	CHECK_STR(app.msg, "");
	CHECK(thread_selected(&app) != NULL &&
	    strcmp(thread_selected(&app)->m.id, "wamid.N2") == 0);
	ui_term_close(&app, &t);
}

static void
test_client_id(void)
{
	char a[CLIENT_ID_LEN], b[CLIENT_ID_LEN];
	size_t i;

	/* One generator for every request (the outbox's format). */
	client_id_new(a, sizeof a);
	client_id_new(b, sizeof b);
	CHECK_INT(strlen(a), CLIENT_ID_LEN - 1);
	CHECK(strcmp(a, b) != 0);
	CHECK(a[0] == 'c' && a[1] == '-');
	for (i = 2; i < CLIENT_ID_LEN - 1; i++)
		CHECK((a[i] >= '0' && a[i] <= '9') ||
		    (a[i] >= 'a' && a[i] <= 'f'));
}

int
main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	RUN(test_draw_is_safe);
	RUN(test_no_color);
	RUN(test_keys_and_layout);
	RUN(test_me_twice);
	RUN(test_client_id);
	RUN(test_new_below);
	return check_done();
}
