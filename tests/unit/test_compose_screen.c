/* The compose area under ncurses: keys reach the buffer, the counter and
 * quote show, Esc keeps a draft that r restores, C-s queues a pending
 * line, quitting with it queued asks first. */
#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "ttydesk/ini.h"
#include "app.h"
#include "bulk.h"
#include "compose.h"
#include "convui.h"
#include "dialog.h"
#include "keymap.h"
#include "outbox.h"
#include "presence.h"
#include "ui.h"
#include "ui_fixture.h"
#include "threadview.h"

static char path[] = "/tmp/ttydesk-compose-XXXXXX";

static int
has_line(const struct convui *cu, const char *needle)
{
	size_t i;

	for (i = 0; cu != NULL && i < cu->n_lines; i++) {
		if (cu->lines[i].text != NULL &&
		    strstr(cu->lines[i].text, needle) != NULL)
			return 1;
	}
	return 0;
}

static void
keys(struct app *app, const int *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ui_key(app, k[i]);
}

static void
test_compose_screen(void)
{
	long long now = (long long)time(NULL);
	struct app app;
	char err[256], *out;
	size_t len;
	FILE *fo, *fi;
	SCREEN *scr;
	const int typed[] = { 'H', 0xe9, 0x4e16, ' ', 'w', 'o', 'r', 'd', 23 };

	setenv("COLUMNS", "120", 1);
	setenv("LINES", "40", 1);
	fo = fopen(path, "w+");
	fi = fopen("/dev/null", "r");
	CHECK(fo != NULL && fi != NULL);
	if (fo == NULL || fi == NULL)
		return;
	scr = newterm("xterm-256color", fo, fi);
	CHECK(scr != NULL);
	CHECK_INT(app_init(&app, NULL, fx_model(now), err, sizeof err), 0);
	CHECK_INT(ui_init(&app, err, sizeof err), 0);
	app.now = now;
	app.self_id = strdup("alice");
	ui_start_term(&app, scr);
	thread_open(&app, "c1");
	ui_draw(&app);
	/* r opens the compose area under the thread; keys are text. */
	ui_key(&app, 'r');
	CHECK(compose_active(&app));
	CHECK(ui_of(&app)->compose.visible);
	CHECK_INT(ui_of(&app)->thread.h + ui_of(&app)->compose.h, LINES - 2);
	keys(&app, typed, sizeof typed / sizeof typed[0]);
	CHECK_STR(ui_of(&app)->composer->buf.s, "Hé世 ");
	ui_key(&app, 'q'); /* a letter, not quit */
	CHECK(!app.quit);
	ui_key(&app, 127);
	ui_draw(&app);
	out = check_read_file(path, &len);
	CHECK(out != NULL && strstr(out, "4/4096") != NULL);
	free(out);
	/* Esc keeps the draft; r brings it back. */
	ui_key(&app, KM_ESC);
	CHECK(!compose_active(&app));
	CHECK(!ui_of(&app)->compose.visible);
	CHECK_STR(compose_draft(&app, "c1"), "Hé世 ");
	ui_key(&app, 'r');
	CHECK_STR(ui_of(&app)->composer->buf.s, "Hé世 ");
	/* C-s queues it: a pending line at once, the draft is gone. */
	ui_key(&app, 19);
	CHECK(!compose_active(&app));
	CHECK(compose_draft(&app, "c1") == NULL);
	CHECK_INT(outbox_unsent(&app), 1);
	ui_draw(&app);
	CHECK(has_line(convmap_find(ui_of(&app)->convs, "c1"), "reply · queued"));
	CHECK(has_line(convmap_find(ui_of(&app)->convs, "c1"), "Hé世"));
	/* R quotes the selected message. */
	ui_key(&app, 'R');
	CHECK(compose_active(&app));
	CHECK(ui_of(&app)->composer->reply_to != NULL &&
	    strcmp(ui_of(&app)->composer->reply_to, thread_selected(&app)->m.id) == 0);
	CHECK(ui_of(&app)->composer->quote != NULL);
	ui_key(&app, 19); /* nothing typed: refused */
	CHECK(compose_active(&app));
	CHECK(strstr(app.msg, "nothing to send") != NULL);
	ui_key(&app, KM_ESC);
	/* A private note is its own mode. */
	ui_key(&app, 'i');
	CHECK(compose_active(&app) && ui_of(&app)->composer->mode == CM_NOTE);
	ui_key(&app, KM_ESC);
	/* Quitting with an action queued asks; n stays, y quits. */
	ui_key(&app, 'q');
	CHECK(!app.quit);
	CHECK(dialog_on_status_line(&app));
	ui_key(&app, 'n');
	CHECK(!app.quit);
	ui_key(&app, 'q');
	ui_key(&app, 'y');
	CHECK(app.quit);
	app_free(&app);
	delscreen(scr);
	fclose(fo);
	fclose(fi);
}

/* A rebound send sends from the compose area; [compose_keys] moves the
 * editing keys. */
static void
test_compose_rebound(void)
{
	static const char text[] = "[keys]\nsend = C-k\n"
	    "[compose_keys]\nkill_to_end = C-y\n";
	long long now = (long long)time(NULL);
	struct appconfig cfg;
	struct app app;
	char err[256];
	FILE *fo, *fi;
	SCREEN *scr;
	const int typed[] = { 'a', 'b', 'c', 1 /* C-a */, 25 /* C-y */, 'h',
	    'i' };

	memset(&cfg, 0, sizeof cfg);
	cfg.path = "test";
	CHECK_INT(ini_parse(text, strlen(text), "test", &cfg.ini, err,
	    sizeof err), 0);
	fo = fopen(path, "w+");
	fi = fopen("/dev/null", "r");
	CHECK(fo != NULL && fi != NULL);
	if (fo == NULL || fi == NULL)
		return;
	scr = newterm("xterm-256color", fo, fi);
	CHECK_INT(app_init(&app, &cfg, fx_model(now), err, sizeof err), 0);
	CHECK_INT(ui_init(&app, err, sizeof err), 0);
	app.now = now;
	app.self_id = strdup("alice");
	ui_start_term(&app, scr);
	thread_open(&app, "c1");
	ui_key(&app, 'r');
	CHECK(compose_active(&app));
	keys(&app, typed, sizeof typed / sizeof typed[0]);
	CHECK_STR(ui_of(&app)->composer->buf.s, "hi");
	ui_key(&app, 11); /* C-k: send now */
	CHECK(!compose_active(&app));
	CHECK_INT(outbox_unsent(&app), 1);
	app_free(&app);
	ini_free(&cfg.ini);
	delscreen(scr);
	fclose(fo);
	fclose(fi);
}

static void
test_window_bulk_presence(void)
{
	long long now = (long long)time(NULL);
	struct td_model *m = fx_model(now);
	struct td_conversation *c;
	struct app app;
	char buf[256], ev[512];

	memset(&app, 0, sizeof app);
	app.model = m;
	app.now = now;
	app.self_id = "alice";
	c = model_find(m, "c1");
	CHECK(c != NULL);
	if (c == NULL)
		goto out;
	CHECK(compose_window_ok(c, now, buf, sizeof buf));
	CHECK(!compose_window_ok(c, now + 4 * 86400, buf, sizeof buf));
	CHECK_STR(buf, "24-hour window closed 3 d ago: only templates");
	CHECK(!compose_window_ok(c, now + 86400 + 3 * 3600, buf, sizeof buf));
	CHECK(strstr(buf, "closed 3 h ago") != NULL);
	/* Others' presence, never my own. */
	snprintf(ev, sizeof ev, "{\"seq\":20,\"ts\":%lld,\"type\":\"presence\","
	    "\"conversation\":\"c1\",\"presence\":{\"agent\":\"bob\","
	    "\"activity\":\"typing\",\"expires\":%lld}}", now, now + 30);
	fx_apply(m, ev);
	snprintf(ev, sizeof ev, "{\"seq\":21,\"ts\":%lld,\"type\":\"presence\","
	    "\"conversation\":\"c1\",\"presence\":{\"agent\":\"carol\","
	    "\"activity\":\"viewing\",\"expires\":%lld}}", now, now + 30);
	fx_apply(m, ev);
	c = model_find(m, "c1");
	CHECK(presence_text(&app, c, false, buf, sizeof buf));
	CHECK(strstr(buf, "bob is typing") != NULL);
	CHECK(strstr(buf, "carol is viewing") != NULL);
	app.now = now + 31; /* expired */
	CHECK(!presence_text(&app, c, false, buf, sizeof buf));
	CHECK_STR(buf, "");
	/* The /v1/bulk answer in one line. */
	outbox_bulk_summary("{\"results\":[{\"conversation\":\"a\",\"ok\":true},"
	    "{\"conversation\":\"b\",\"ok\":false,\"error\":{\"code\":"
	    "\"not_found\",\"message\":\"no conversation b\"}}]}", buf,
	    sizeof buf);
	CHECK_STR(buf, "1 done, 1 refused: no conversation b");
	outbox_bulk_summary("{\"results\":[{\"ok\":true},{\"ok\":true}]}", buf,
	    sizeof buf);
	CHECK_STR(buf, "2 done");
	outbox_bulk_summary("garbage", buf, sizeof buf);
	CHECK_STR(buf, "0 done");
out:
	model_free(m);
}

int
main(void)
{
	int fd;

	setlocale(LC_ALL, "C.UTF-8");
	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);
	RUN(test_compose_screen);
	RUN(test_compose_rebound);
	RUN(test_window_bulk_presence);
	unlink(path);
	return check_done();
}
