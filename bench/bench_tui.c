/*
 * The TUI against a big inbox: 100,000 messages in 5,000 conversations
 * (one conversation holds 5,000 of them), ncurses writing to a file
 * (newterm) so every byte it emits is counted.  Prints:
 *   - time to the first full frame (queues, list, thread, one doupdate);
 *   - key-to-screen latency (p50/p99) for list moves and thread scrolling:
 *     ui_key() + ui_draw() including doupdate's output;
 *   - bytes written per list cursor move: one pane; two panes with keys
 *     coming faster than [ui] preview_delay (held j: the thread pane waits)
 *     and with the cursor resting after every move (each move brings the
 *     next thread);
 *   - resident memory.
 * Starting from the encrypted cache is bench_tui_cache's.  Figures only,
 * never pass/fail.
 */
#include <curses.h>
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_clock.h"
#include "ttydesk/cache.h"
#include "ttydesk/model.h"
#include "app.h"
#include "convui.h"
#include "keymap.h"
#include "ui.h"
#include "bench_inbox.h"
#include "queues.h"

#define ROUNDS 2000

static void
apply(struct td_model *m, struct td_event *e)
{
	if (model_apply(m, e) < 0) {
		fprintf(stderr, "model_apply failed\n");
		exit(1);
	}
	event_free(e);
	memset(e, 0, sizeof *e);
}

static struct td_model *
build_model(long long t0)
{
	struct td_model *m = model_new("alice");
	struct td_event e;
	long i;

	for (i = 0; i < N_EVENTS; i++) {
		inbox_event(i, t0, &e);
		apply(m, &e);
	}
	return m;
}

static int fd_out;

static int
setlocale_utf8(void)
{
	if (setlocale(LC_ALL, "C.UTF-8") != NULL ||
	    setlocale(LC_ALL, "en_US.UTF-8") != NULL)
		return 0;
	setlocale(LC_ALL, "");
	return -1;
}

static long
out_bytes(void)
{
	struct stat st;

	fflush(NULL);
	return fstat(fd_out, &st) == 0 ? (long)st.st_size : -1;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Press key `rounds` times (alternating with back when given), timing
 * ui_key + ui_draw; prints p50/p99 and bytes per press. */
static int period = 50;

/* CPU time of this thread: the machine is shared, and the wall clock
 * also counts other processes' turns. */
static void
keys(struct app *app, const char *what, int key, int back, int rounds)
{
	double *t = malloc((size_t)rounds * sizeof *t), t0, c0;
	double *ct = malloc((size_t)rounds * sizeof *ct);
	long b0 = out_bytes(), b1;
	int i;

	for (i = 0; i < rounds; i++) {
		int k = back && (i / period) % 2 ? back : key;
		t0 = bench_now();
		c0 = bench_clock(CLOCK_THREAD_CPUTIME_ID);
		ui_key(app, k);
		ui_draw(app);
		t[i] = (bench_now() - t0) * 1e3;
		ct[i] = (bench_clock(CLOCK_THREAD_CPUTIME_ID) - c0) * 1e3;
	}
	b1 = out_bytes();
	qsort(t, (size_t)rounds, sizeof *t, cmp_double);
	printf("%s p50: %.3f ms\n", what, t[rounds / 2]);
	printf("%s p99: %.3f ms\n", what, t[rounds * 99 / 100]);
	qsort(ct, (size_t)rounds, sizeof *ct, cmp_double);
	printf("%s p99 cpu: %.3f ms\n", what, ct[rounds * 99 / 100]);
	printf("%s bytes per key: %.0f bytes\n", what,
	    (double)(b1 - b0) / rounds);
	free(t);
	free(ct);
}

static long
rss_kb(const char *field)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long v = -1;

	while (f != NULL && fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, field, strlen(field)) == 0)
			v = atol(line + strlen(field) + 1);
	}
	if (f != NULL)
		fclose(f);
	return v;
}

static SCREEN *
screen_on_file(const char *path, int cols, int rows, FILE **out, FILE **in)
{
	char c[16], r[16];

	snprintf(c, sizeof c, "%d", cols);
	snprintf(r, sizeof r, "%d", rows);
	setenv("COLUMNS", c, 1);
	setenv("LINES", r, 1);
	*out = fopen(path, "w+");
	*in = fopen("/dev/null", "r");
	if (*out == NULL || *in == NULL)
		return NULL;
	fd_out = fileno(*out);
	return newterm("xterm-256color", *out, *in);
}

int
main(void)
{
	long long t0 = (long long)time(NULL) - 3 * 86400;
	char path[] = "/tmp/ttydesk-bench-tui-XXXXXX", err[256];
	struct app app;
	struct td_model *m;
	SCREEN *scr;
	FILE *out, *in;
	double t;
	long b0;
	int fd;

	setenv("TERM", "xterm-256color", 1);
	if (setlocale_utf8() != 0)
		fprintf(stderr, "note: no UTF-8 locale, ASCII marks\n");
	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);
	t = bench_now();
	m = build_model(t0);
	printf("model build (%d messages, %d conversations): %.0f ms\n", N_MSG,
	    N_CONV, (bench_now() - t) * 1e3);
	if ((scr = screen_on_file(path, 120, 40, &out, &in)) == NULL) {
		fprintf(stderr, "newterm failed\n");
		return 1;
	}
	/* From a loaded model to the first frame: app (keymap, theme,
	 * queues, list), curses, one doupdate. */
	t = bench_now();
	b0 = out_bytes();
	if (app_init(&app, NULL, m, err, sizeof err) != 0 ||
	    ui_init(&app, err, sizeof err) != 0) {
		fprintf(stderr, "app_init: %s\n", err);
		return 1;
	}
	ui_start_term(&app, scr);
	app.now = (int64_t)time(NULL);
	queues_build(&app);
	queues_list_rebuild(&app);
	ui_draw(&app);
	printf("first full frame (120x40, two panes): %.1f ms\n",
	    (bench_now() - t) * 1e3);
	printf("first full frame bytes: %ld bytes\n", out_bytes() - b0);

	/* Two panes: the thread pane follows the list cursor once it rests
	 * (preview_delay); keys pressed here come faster than that. */
	keys(&app, "list move, two panes, keys faster than preview_delay", 'j',
	    'k', ROUNDS);
	{
		long b = out_bytes();
		int r;

		for (r = 0; r < ROUNDS / 10; r++) {
			ui_key(&app, r / period % 2 ? 'k' : 'j');
			ui_draw(&app);
			queues_preview_tick(&app, ui_of(&app)->preview_due_ms);
			ui_draw(&app);
		}
		printf("list move, two panes, cursor resting after each move "
		    "(move + preview of the next thread): %.0f bytes\n",
		    (double)(out_bytes() - b) / (ROUNDS / 10.0));
	}
	/* The big conversation: 5,000 messages. */
	queues_select(&app, 0);
	{
		size_t i;
		for (i = 0; i < ui_of(&app)->n_items; i++) {
			if (strcmp(ui_of(&app)->items[i]->id, "conv-0") == 0)
				queues_select(&app, i);
		}
	}
	t = bench_now();
	ui_key(&app, KM_ENTER);
	ui_draw(&app);
	printf("open 5000-message thread (wrap + first frame): %.1f ms\n",
	    (bench_now() - t) * 1e3);
	keys(&app, "thread scroll by line", 'k', 'j', ROUNDS);
	/* A status arrives for a message of the open big thread: only that
	 * message is wrapped again. */
	{
		struct td_event e;
		double sum = 0;
		int r;
		for (r = 0; r < 20; r++) {
			char id[64];
			memset(&e, 0, sizeof e);
			e.seq = 10000000 + r;
			e.ts = t0 + 200000;
			e.type = TD_EV_STATUS;
			e.type_name = sdup("status");
			e.conversation = sdup("conv-0");
			snprintf(id, sizeof id, "wamid.%08d", 2 + 3 * r);
			e.u.status.message = sdup(id);
			e.u.status.status = TD_MS_READ;
			t = bench_now();
			apply(app.model, &e);
			app_after_events(&app, TD_CHANGED_THREAD | TD_CHANGED_LIST);
			{
				struct convui *cu = convmap_find(ui_of(&app)->convs, "conv-0");
				if (cu != NULL)
					convui_invalidate(cu);
			}
			ui_draw(&app);
			sum += bench_now() - t;
		}
		printf("status update on the open 5000-message thread (apply + "
		    "rewrap + frame): %.1f ms\n", sum / 20 * 1e3);
	}
	keys(&app, "thread scroll by page", KM_KEY(KEY_PPAGE), KM_KEY(KEY_NPAGE),
	    ROUNDS / 4);
	ui_key(&app, KM_ESC);
	ui_draw(&app);

	/* One pane at 80x24: what a cursor move costs on the wire. */
	endwin();
	delscreen(scr);
	fclose(out);
	fclose(in);
	if ((scr = screen_on_file(path, 80, 24, &out, &in)) == NULL)
		return 1;
	ui_start_term(&app, scr);
	ui_layout(&app);
	ui_draw(&app);
	keys(&app, "list move with scrolling, one pane 80x24", 'j', 'k', ROUNDS);
	/* Only moves that scroll: from the bottom row on down. */
	{
		long b;
		int r;

		queues_select(&app, (size_t)ui_of(&app)->list.h - 1);
		ui_draw(&app);
		b = out_bytes();
		for (r = 0; r < ROUNDS / 10; r++) {
			ui_key(&app, 'j');
			ui_draw(&app);
		}
		printf("list move that scrolls the list, one pane 80x24: %.0f "
		    "bytes\n", (double)(out_bytes() - b) / (ROUNDS / 10.0));
	}
	/* Within one page: the two-row repaint alone. */
	queues_select(&app, 0);
	ui_draw(&app);
	period = 10;
	keys(&app, "list move within the page, one pane 80x24", 'j', 'k', ROUNDS);

	printf("resident memory (VmRSS): %.1f MB\n", (double)rss_kb("VmRSS") / 1024);
	printf("peak resident memory (VmHWM): %.1f MB\n",
	    (double)rss_kb("VmHWM") / 1024);
	ui_of(&app)->started = true;
	app_free(&app);
	delscreen(scr);
	fclose(out);
	fclose(in);
	unlink(path);
	return 0;
}
