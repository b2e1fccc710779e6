/*
 * What a cursor move costs on the wire (agents work over SSH).  Budgets
 * are several times what ttydesk writes today on xterm-256color, so they
 * only catch a move that repaints what it need not: a whole row for the
 * cursor, the whole list for a one-row scroll, a thread passed over.
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
#include "convui.h"
#include "keymap.h"
#include "ui.h"
#include "ui_fixture.h"
#include "ui_term.h"

#define N_CONV 200

static struct ui_term term;

static struct td_model *
many_conversations(long long now)
{
	struct td_model *m = model_new("alice");
	char buf[1024];
	int i;

	for (i = 0; i < N_CONV; i++) {
		snprintf(buf, sizeof buf, "{\"seq\":%d,\"ts\":%lld,\"type\":"
		    "\"contact\",\"conversation\":\"c%d\",\"contact\":{\"wa_id\":"
		    "\"346%08d\",\"name\":\"Customer %d\"}}", 10 * i + 1,
		    now - 9000 + i, i, i, i);
		fx_apply(m, buf);
		snprintf(buf, sizeof buf, "{\"seq\":%d,\"ts\":%lld,\"type\":"
		    "\"message\",\"conversation\":\"c%d\",\"message\":{\"id\":"
		    "\"wamid.%d\",\"direction\":\"in\",\"kind\":\"text\",\"from\":"
		    "\"346%08d\",\"text\":\"where is my parcel number %d, it "
		    "was due on Monday\",\"status\":\"received\"}}", 10 * i + 2,
		    now - 8000 + i, i, i, i, i);
		fx_apply(m, buf);
	}
	return m;
}

static int
start(struct app *app, int cols, int rows)
{
	return ui_term_start(app, &term, many_conversations((long long)time(
	    NULL)), cols, rows);
}

static void
stop(struct app *app)
{
	ui_term_close(app, &term);
}

/* Bytes for n presses of key, each drawn. */
static long
press(struct app *app, int key, int n)
{
	long b = ui_term_size(&term);
	int i;

	for (i = 0; i < n; i++) {
		ui_key(app, key);
		ui_draw(app);
	}
	return ui_term_size(&term) - b;
}

static void
test_one_pane(void)
{
	struct app app;
	size_t h, top;
	long b;

	CHECK_INT(start(&app, 80, 24), 0);
	CHECK(!ui_of(&app)->two_pane);
	CHECK_INT(ui_of(&app)->n_items, N_CONV);
	h = (size_t)ui_of(&app)->list.h;
	/* Within the page: the cursor's two rows, a few cells each. */
	b = press(&app, 'j', 5);
	CHECK(b / 5 < 200);
	press(&app, 'j', (int)h - 6);
	top = ui_of(&app)->top;
	/* Past the bottom: the full-width list scrolls by one row (the
	 * terminal moves the others) and only the new row is written. */
	b = press(&app, 'j', 10);
	CHECK_INT(ui_of(&app)->top, top + 10);
	CHECK(b / 10 < 400);
	stop(&app);
}

static void
test_two_panes(void)
{
	struct app app;
	size_t h, top;
	long b;

	CHECK_INT(start(&app, 120, 30), 0);
	CHECK(ui_of(&app)->two_pane);
	h = (size_t)ui_of(&app)->list.h;
	press(&app, 'j', (int)h - 1);
	CHECK_INT(ui_of(&app)->top, 0);
	/* Beside the thread the list cannot use the terminal's scrolling:
	 * it jumps half a page, then moves within the page again. */
	press(&app, 'j', 1);
	CHECK_INT(ui_of(&app)->top, h / 2);
	CHECK_INT(ui_of(&app)->sel - ui_of(&app)->top, h - h / 2);
	top = ui_of(&app)->top;
	press(&app, 'j', (int)(h / 2) - 1);
	CHECK_INT(ui_of(&app)->top, top);
	/* Holding j over a whole screen and more: the list is rewritten
	 * once per half page, and no thread passed over is sent. */
	b = press(&app, 'j', (int)h * 3);
	CHECK(b / ((long)h * 3) < 400);
	/* Up past the top jumps the same way; the end stops at the end. */
	press(&app, 'G', 1);
	CHECK_INT(ui_of(&app)->sel, N_CONV - 1);
	CHECK_INT(ui_of(&app)->top, N_CONV - h);
	press(&app, 'g', 1);
	CHECK_INT(ui_of(&app)->top, 0);
	stop(&app);
}

/* One conversation of 300 short messages. */
static struct td_model *
long_thread(long long now)
{
	struct td_model *m = model_new("alice");
	char buf[1024];
	int i;

	snprintf(buf, sizeof buf, "{\"seq\":1,\"ts\":%lld,\"type\":\"contact\","
	    "\"conversation\":\"big\",\"contact\":{\"wa_id\":\"34600000001\","
	    "\"name\":\"Long Thread\"}}", now - 9000);
	fx_apply(m, buf);
	for (i = 0; i < 300; i++) {
		snprintf(buf, sizeof buf, "{\"seq\":%d,\"ts\":%lld,\"type\":"
		    "\"message\",\"conversation\":\"big\",\"message\":{\"id\":"
		    "\"wamid.%d\",\"direction\":\"%s\",\"kind\":\"text\","
		    "\"from\":\"34600000001\",\"text\":\"message number %d\","
		    "\"status\":\"received\"}}", i + 2, now - 8000 + i, i,
		    i % 2 ? "out" : "in", i);
		fx_apply(m, buf);
	}
	return m;
}

/* Up through a long thread: beside the list the view jumps half a page
 * when the selection leaves it (each scroll there rewrites the pane);
 * full width it scrolls just enough (the terminal moves the rest). */
static void
thread_walk(int cols, bool jumps)
{
	struct convui *cu;
	struct app app;
	size_t h, top, moved = 0, scrolls = 0;
	int i;

	CHECK_INT(ui_term_start(&app, &term, long_thread((long long)time(NULL)),
	    cols, 30), 0);
	ui_key(&app, KM_ENTER);
	ui_draw(&app);
	cu = convmap_find(ui_of(&app)->convs, "big");
	CHECK(cu != NULL);
	if (cu == NULL) {
		stop(&app);
		return;
	}
	ui_key(&app, 'G');
	ui_draw(&app);
	h = (size_t)ui_of(&app)->thread.h - 1; /* the title row */
	for (i = 0; i < 60; i++) {
		top = cu->top;
		ui_key(&app, 'k');
		ui_draw(&app);
		/* The selected message is always in view. */
		CHECK((size_t)cu->first_line[cu->sel] >= cu->top &&
		    (size_t)cu->last_line[cu->sel] < cu->top + h);
		if (cu->top != top) {
			scrolls++;
			moved += top - cu->top;
		}
	}
	CHECK(scrolls > 0);
	if (jumps)
		CHECK(moved / scrolls >= h / 2);
	else
		CHECK(moved / scrolls <= 3);
	stop(&app);
}

static void
test_thread_scroll(void)
{
	thread_walk(120, true);
	thread_walk(80, false);
}

int
main(void)
{
	ui_term_env();
	RUN(test_one_pane);
	RUN(test_two_panes);
	RUN(test_thread_scroll);
	return check_done();
}
