/*
 * Compose in the agent's editor: leave curses, write the text to a 0600
 * file in a private 0700 directory, run $VISUAL / $EDITOR (through sh, so
 * "emacs -nw" works) on it, read it back, overwrite and remove everything
 * in that directory (editors leave swap and backup files), take the screen
 * back.
 */
#include <curses.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ttydesk/wipe.h"
#include "app.h"
#include "compose.h"
#include "editor.h"
#include "picgfx.h"
#include "ui.h"

#define EDITOR_MAX (64 * 1024)

static void
editor_wipe_file(const char *path)
{
	char zero[4096];
	struct stat st;
	off_t left;
	int fd;

	memset(zero, 0, sizeof zero);
	if ((fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)) >= 0) {
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
			for (left = st.st_size; left > 0;) {
				size_t n = left > (off_t)sizeof zero ? sizeof zero :
				    (size_t)left;
				if (write(fd, zero, n) <= 0)
					break;
				left -= (off_t)n;
			}
			fsync(fd);
		}
		close(fd);
	}
	unlink(path);
}

static void
editor_wipe_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[4096 + 260];

	while (d != NULL && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		editor_wipe_file(path);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

static int
editor_write(const char *path, const char *text, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	size_t len = strlen(text), off = 0;
	ssize_t w;

	if (fd < 0) {
		snprintf(err, errlen, "editor file: %s", strerror(errno));
		return -1;
	}
	while (off < len) {
		if ((w = write(fd, text + off, len - off)) <= 0) {
			snprintf(err, errlen, "editor file: %s", strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	close(fd);
	return 0;
}

static char *
editor_read(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char *buf;
	size_t len = 0;
	ssize_t r;

	if (fd < 0) {
		snprintf(err, errlen, "the editor left no file: %s",
		    strerror(errno));
		return NULL;
	}
	if ((buf = malloc(EDITOR_MAX + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	while (len < EDITOR_MAX && (r = read(fd, buf + len, EDITOR_MAX - len)) > 0)
		len += (size_t)r;
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Run $TTYDESK_EDITOR_CMD "$1" with the terminal given back; returns the exit status. */
static int
editor_spawn(const char *file)
{
	struct sigaction ign, old_int, old_quit;
	pid_t pid;
	int st = -1;

	/* C-c in the editor reaches the whole process group: it is the
	 * editor's, not a reason to quit ttydesk (as system() does). */
	memset(&ign, 0, sizeof ign);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	if ((pid = fork()) < 0) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		return -1;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", "exec $TTYDESK_EDITOR_CMD \"$1\"",
		    "sh", file, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
compose_editor(struct app *app)
{
	struct compose *k = ui_of(app)->composer;
	const char *ed = getenv("VISUAL"), *tmp = getenv("TMPDIR");
	char dir[4096], file[4200], err[512] = "", *text = NULL;
	int st;

	if (k == NULL || !k->open)
		return -1;
	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	snprintf(dir, sizeof dir, "%s/ttydesk-edit-XXXXXX", tmp && *tmp == '/' ?
	    tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		app_error(app, "editor: cannot make a private folder: %s",
		    strerror(errno));
		return -1;
	}
	snprintf(file, sizeof file, "%s/message.txt", dir);
	if (editor_write(file, k->buf.s ? k->buf.s : "", err, sizeof err) != 0)
		goto out;
	setenv("TTYDESK_EDITOR_CMD", ed, 1);
	def_prog_mode();
	picgfx_clear(app);
	endwin();
	st = editor_spawn(file);
	unsetenv("TTYDESK_EDITOR_CMD");
	reset_prog_mode();
	ui_resize(app);
	ui_dirty_all(app);
	if (st != 0) {
		snprintf(err, sizeof err, "the editor (%s) exited with %d; the "
		    "text is unchanged", ed, st);
		goto out;
	}
	if ((text = editor_read(file, err, sizeof err)) == NULL)
		goto out;
	/* Editors end files with a newline; the message does not. */
	{
		size_t n = strlen(text);
		while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r'))
			text[--n] = '\0';
	}
	cbuf_set(&k->buf, text);
	app_message(app, "text from the editor: C-s sends");
out:
	wipe_str_free(text);
	editor_wipe_dir(dir);
	if (err[0] != '\0')
		app_error(app, "%s", err);
	ui_of(app)->compose.dirty = true;
	return err[0] != '\0' ? -1 : 0;
}
