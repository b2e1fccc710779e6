/*
 * The one event loop: poll() over the terminal, a self-pipe that signal
 * handlers write to, and curl's sockets and timer.  Each turn: repaint
 * what is dirty (one doupdate), wait, then handle keys first, signals,
 * and the network last, so a key never waits for the relay.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "loop.h"
#include "outbox.h"
#include "picgfx.h"
#include "presence.h"
#include "conn.h"
#include "teamview.h"
#include "ui.h"
#include "queues.h"

#define LOOP_MAX_FDS 66

static int sig_pipe[2] = { -1, -1 };

static void
loop_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;

	(void)!write(sig_pipe[1], &c, 1);
	errno = saved;
}

/*
 * A crash must not leave the agent's terminal in raw mode with the
 * alternate screen: like htop, restore it and die of the same signal.
 * (Not with AddressSanitizer, whose own handler reports the crash.)
 */
#ifndef __SANITIZE_ADDRESS__
static void
loop_crash(int sig)
{
	endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}
#endif

static void
loop_crash_handlers(void)
{
#ifndef __SANITIZE_ADDRESS__
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = loop_crash;
	sa.sa_flags = (int)SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
#endif
}

static int
loop_signals(void)
{
	static const int sigs[] = { SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGTSTP,
	    SIGCONT };
	struct sigaction sa;
	size_t i;

	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_NONBLOCK | O_CLOEXEC) != 0)
		return -1;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = loop_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	loop_crash_handlers();
	return 0;
}

static void
loop_suspend(struct app *app)
{
	struct sigaction sa, old;

	picgfx_clear(app);
	endwin();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTSTP, &sa, &old);
	raise(SIGTSTP);
	/* Continued: take the terminal back. */
	sigaction(SIGTSTP, &old, NULL);
	ui_resize(app);
	ui_dirty_all(app);
}

static void
loop_handle_signals(struct app *app)
{
	unsigned char buf[64];
	ssize_t n, i;

	while ((n = read(sig_pipe[0], buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			switch (buf[i]) {
			case SIGWINCH:
				ui_resize(app);
				break;
			case SIGTERM:
			case SIGHUP:
			case SIGINT:
				app->quit = true;
				break;
			case SIGTSTP:
				loop_suspend(app);
				break;
			case SIGCONT:
				ui_resize(app);
				ui_dirty_all(app);
				break;
			}
		}
	}
}

/* Ages and the window countdown change with the clock. */
static int
loop_tick(struct app *app)
{
	struct ui *ui = ui_of(app);
	int64_t minute;
	int ob, pr, preview;

	app->now = (int64_t)time(NULL);
	preview = queues_preview_tick(app, app_ms());
	minute = app->now / 60;
	if (minute != ui->last_tick) {
		ui->last_tick = minute;
		ui->list.dirty = ui->status.dirty = true;
		/* The thread title counts the SLA time down too. */
		if (ui->open_id != NULL)
			ui->thread.dirty = true;
	}
	if (app->now != ui->last_second) {
		ui->last_second = app->now;
		app_cache_idle(app);
		teamview_tick(app);
	}
	if (app->msg[0] != '\0' && app->now - app->msg_at >= 10) {
		app->msg[0] = '\0';
		ui->status.dirty = true;
	}
	ob = outbox_run(app); /* queued actions due for a (re)try */
	pr = presence_tick(app);
	if (pr >= 0 && (ob < 0 || pr < ob))
		ob = pr;
	if (preview >= 0 && (ob < 0 || preview < ob))
		ob = preview;
	if (conn_state(app) == CONN_OFFLINE) {
		ui->status.dirty = true; /* "retry in Ns" counts down */
		return ob >= 0 && ob < 1000 ? ob : 1000;
	}
	if (app->cache_unsynced)
		return ob >= 0 && ob < 1000 ? ob : 1000;
	minute = (60 - app->now % 60) * 1000;
	return ob >= 0 && ob < minute ? ob : (int)minute;
}

int
loop_run(struct app *app)
{
	struct pollfd fds[LOOP_MAX_FDS];
	int nfds, nnet, timeout, key;

	if (loop_signals() != 0)
		return -1;
	/* The start counts as the agent's activity: idle work (compaction of
	 * what the window let go, rewriting the whole snapshot) waits until
	 * the agent has had the first frame and left the keys alone. */
	app->now = (int64_t)time(NULL);
	app->last_key = app->now;
	while (!app->quit) {
		timeout = loop_tick(app);
		ui_draw(app);
		fds[0].fd = STDIN_FILENO;
		fds[0].events = POLLIN;
		fds[1].fd = sig_pipe[0];
		fds[1].events = POLLIN;
		fds[0].revents = fds[1].revents = 0;
		nnet = conn_pollfds(app, fds + 2, LOOP_MAX_FDS - 2, &timeout);
		nfds = 2 + nnet;
		if (poll(fds, (nfds_t)nfds, timeout) < 0 && errno != EINTR)
			return -1;
		if (fds[1].revents & POLLIN)
			loop_handle_signals(app);
		if (fds[0].revents & (POLLHUP | POLLERR))
			app->quit = true; /* the terminal went away */
		if (fds[0].revents & POLLIN) {
			app->now = (int64_t)time(NULL);
			app->last_key = app->now;
			while (!app->quit && (key = ui_read_key(app)) >= 0)
				ui_key(app, key);
		}
		if (!app->quit)
			conn_dispatch(app, fds + 2, nnet);
	}
	return 0;
}
