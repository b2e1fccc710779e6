/*
 * The escalation hook: [escalation] command runs with the escalation as
 * JSON on stdin, on a detached thread so nothing waits for it.  Failures
 * are logged (exit status only, never the payload).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "sender.h"

extern char **environ;

struct hook {
	char *command;
	char *payload;
};

static void
hook_free(struct hook *h)
{
	free(h->command);
	free(h->payload);
	free(h);
}

static void *
hook_main(void *arg)
{
	struct hook *h = arg;
	posix_spawn_file_actions_t fa;
	char *argv[2] = { h->command, NULL };
	size_t off = 0, len = strlen(h->payload);
	int fds[2], status = 0, rc;
	pid_t pid;
	ssize_t w;

	if (pipe2(fds, O_CLOEXEC) != 0) {
		log_msg(LOG_ERR, "event=hook_failed message=\"pipe: %s\"",
		    strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
	rc = posix_spawn(&pid, h->command, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (rc != 0) {
		close(fds[1]);
		log_msg(LOG_ERR, "event=hook_failed command=%s message=\"%s\"",
		    h->command, strerror(rc));
		goto out;
	}
	while (off < len) {
		w = write(fds[1], h->payload + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* the command need not read it all */
		off += (size_t)w;
	}
	close(fds[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		log_msg(LOG_WARNING, "event=hook_failed command=%s %s=%d",
		    h->command, WIFEXITED(status) ? "exit" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
out:
	hook_free(h);
	return NULL;
}

void
hook_run(struct relay *r, char *payload)
{
	struct hook *h;
	pthread_attr_t attr;
	pthread_t t;

	if (r->cfg->escalation_command == NULL || payload == NULL) {
		free(payload);
		return;
	}
	if ((h = calloc(1, sizeof *h)) == NULL) {
		free(payload);
		return;
	}
	h->payload = payload;
	if ((h->command = strdup(r->cfg->escalation_command)) == NULL) {
		hook_free(h);
		return;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, hook_main, h) != 0) {
		log_msg(LOG_ERR, "event=hook_failed message=\"cannot start a "
		    "thread\"");
		hook_free(h);
	}
	pthread_attr_destroy(&attr);
}
