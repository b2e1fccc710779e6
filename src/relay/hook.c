/*
 * The escalation hook: [escalation] command runs with the escalation as
 * JSON on stdin, on a detached thread so nothing waits for it.
 *
 * The command is a stranger to the relay's insides: it gets a clean
 * environment (PATH, LANG, HOME), stdin from a pipe, stdout to
 * /dev/null, the relay's stderr (the journal), and no other descriptor
 * (closefrom 3 in the child: curl's and microhttpd's sockets, the
 * database, would otherwise leak into it).  It runs in its own process
 * group and is killed, group and all, after [escalation] timeout
 * (default 30 s).  At most [escalation] max_running (default 4) run at
 * once; up to 256 more wait their turn, past that an escalation's hook is
 * skipped and logged.  Failures are logged (exit status only, never the
 * payload).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ttydesk/freeall.h"
#include "log.h"
#include "sender.h"

#define HOOK_WAITING_MAX 256

struct hook {
	char *command;
	char *payload;
	long timeout;
	unsigned max_running;
};

static pthread_mutex_t hook_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hook_cond = PTHREAD_COND_INITIALIZER;
static unsigned hook_running, hook_waiting;

static void
hook_free(struct hook *h)
{
	FREE_ALL(h->command, h->payload, h);
}

/* Non-blocking, up to the deadline: a command that never reads its
 * stdin must not hold this thread past its timeout. */
static void
hook_write_all(int fd, const char *p, size_t len, long timeout)
{
	struct timespec nap = { 0, 10 * 1000000L };
	long waited_ms = 0;
	size_t off = 0;
	ssize_t w;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (off < len && waited_ms < timeout * 1000) {
		w = write(fd, p + off, len - off);
		if (w > 0) {
			off += (size_t)w;
		} else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			nanosleep(&nap, NULL);
			waited_ms += 10;
		} else {
			return; /* the command need not read it all */
		}
	}
}

/* Waits for pid up to timeout seconds; then kills its process group. */
static int
hook_wait(pid_t pid, long timeout, bool *killed)
{
	struct timespec nap = { 0, 50 * 1000000L };
	long waited_ms = 0;
	int status = 0;
	pid_t w;

	*killed = false;
	for (;;) {
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			return status;
		if (w < 0 && errno != EINTR)
			return -1;
		if (!*killed && waited_ms >= timeout * 1000) {
			kill(-pid, SIGKILL);
			*killed = true;
		}
		nanosleep(&nap, NULL);
		waited_ms += 50;
	}
}

static int
hook_spawn(struct hook *h, int in, pid_t *pid)
{
	static char *const envp[] = {
		"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "HOME=/",
		NULL,
	};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	char *argv[2] = { h->command, NULL };
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&at);
	/* Its own group, so the timeout kills what it started too; default
	 * signal handling and mask (the relay blocks SIGTERM and SIGHUP). */
	{
		sigset_t none, all;

		sigemptyset(&none);
		sigfillset(&all);
		posix_spawnattr_setsigmask(&at, &none);
		posix_spawnattr_setsigdefault(&at, &all);
	}
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(pid, h->command, &fa, &at, argv, envp);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}

static void
hook_exec(struct hook *h)
{
	int fds[2], status, rc;
	bool killed;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		log_msg(LOG_ERR, "event=hook_failed message=\"pipe: %s\"",
		    strerror(errno));
		return;
	}
	rc = hook_spawn(h, fds[0], &pid);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		log_msg(LOG_ERR, "event=hook_failed command=%s message=\"%s\"",
		    h->command, strerror(rc));
		return;
	}
	hook_write_all(fds[1], h->payload, strlen(h->payload), h->timeout);
	close(fds[1]);
	status = hook_wait(pid, h->timeout, &killed);
	if (killed)
		log_msg(LOG_WARNING, "event=hook_failed command=%s "
		    "reason=timeout timeout_s=%ld", h->command, h->timeout);
	else if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		log_msg(LOG_WARNING, "event=hook_failed command=%s %s=%d",
		    h->command, status >= 0 && WIFEXITED(status) ? "exit" :
		    "signal", status < 0 ? -1 : WIFEXITED(status) ?
		    WEXITSTATUS(status) : WTERMSIG(status));
}

static void *
hook_main(void *arg)
{
	struct hook *h = arg;

	pthread_mutex_lock(&hook_lock);
	while (hook_running >= h->max_running)
		pthread_cond_wait(&hook_cond, &hook_lock);
	hook_waiting--;
	hook_running++;
	pthread_mutex_unlock(&hook_lock);
	hook_exec(h);
	pthread_mutex_lock(&hook_lock);
	hook_running--;
	pthread_cond_signal(&hook_cond);
	pthread_mutex_unlock(&hook_lock);
	hook_free(h);
	return NULL;
}

void
hook_run(struct relay *r, char *payload)
{
	struct hook *h;
	pthread_attr_t attr;
	pthread_t t;
	bool full;

	if (r->cfg->escalation_command == NULL || payload == NULL) {
		free(payload);
		return;
	}
	if ((h = calloc(1, sizeof *h)) == NULL) {
		free(payload);
		return;
	}
	h->payload = payload;
	h->timeout = r->cfg->escalation_timeout;
	h->max_running = r->cfg->escalation_max_running;
	if ((h->command = strdup(r->cfg->escalation_command)) == NULL) {
		hook_free(h);
		return;
	}
	pthread_mutex_lock(&hook_lock);
	if (!(full = hook_waiting >= HOOK_WAITING_MAX))
		hook_waiting++;
	pthread_mutex_unlock(&hook_lock);
	if (full) {
		log_msg(LOG_WARNING, "event=hook_skipped command=%s "
		    "reason=too_many_waiting", h->command);
		hook_free(h);
		return;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, hook_main, h) != 0) {
		log_msg(LOG_ERR, "event=hook_failed message=\"cannot start a "
		    "thread\"");
		pthread_mutex_lock(&hook_lock);
		hook_waiting--;
		pthread_mutex_unlock(&hook_lock);
		hook_free(h);
	}
	pthread_attr_destroy(&attr);
}
