/* Saving and opening media through the relay's media endpoint. */
#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "ttydesk/wa_media.h"
#include "actions.h"
#include "app.h"
#include "attach.h"
#include "compose.h"
#include "dialog.h"
#include "media.h"
#include "conn.h"
#include "picgfx.h"
#include "ui.h"
#include "threadview.h"

/* "media-<id letters>.<ext of the MIME type>". */
static void
media_id_name(const struct td_message *m, char *buf, size_t len)
{
	const char *id = m->media != NULL && m->media->id != NULL ?
	    m->media->id : "";
	size_t i, k = 0;
	char clean[64];

	for (i = 0; id[i] != '\0' && k + 1 < sizeof clean; i++) {
		if ((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= 'A' &&
		    id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9'))
			clean[k++] = id[i];
	}
	clean[k] = '\0';
	snprintf(buf, len, "media-%s.%s", k ? clean : "file",
	    wa_media_ext(m->media != NULL ?
	    m->media->mime_type : NULL));
}

const char *
media_safe_name(const struct td_message *m, char *buf, size_t len)
{
	const char *src = m->media && m->media->filename ? m->media->filename : "";
	const char *slash = strrchr(src, '/');
	char *s, *p;
	size_t n = 0;

	if (slash != NULL)
		src = slash + 1;
	if ((slash = strrchr(src, '\\')) != NULL)
		src = slash + 1;
	s = sanitize_text(src, strlen(src), SANITIZE_SINGLE_LINE);
	buf[0] = '\0';
	if (s != NULL) {
		for (p = s; *p == '.' || *p == ' ' || *p == '-'; p++)
			;
		for (; *p != '\0' && n + 1 < len; p++)
			buf[n++] = (*p == '/' || *p == ':') ? '_' : *p;
		buf[n] = '\0';
		free(s);
	}
	if (n == 0)
		media_id_name(m, buf, len);
	return buf;
}

/* The selected message with media, or NULL (after saying why). */
static const struct td_msg *
media_selected(struct app *app)
{
	const struct td_msg *m = thread_selected(app);

	if (ui_of(app)->open_id == NULL || m == NULL) {
		app_message(app, "open a conversation and select a message first");
		return NULL;
	}
	if (m->m.media == NULL || m->m.media->id == NULL) {
		app_message(app, "the selected message has no media");
		return NULL;
	}
	return m;
}

static int
media_path(struct app *app, const struct td_msg *m, char *buf, size_t len)
{
	char mid[512];

	return conn_conv_path(mid, sizeof mid, ui_of(app)->open_id, "/media/") == NULL ||
	    snprintf(buf, len, "%s%s", mid, m->m.media->id) >= (int)len ? -1 : 0;
}

static void
media_saved(struct app *app, void *ud, long status, const char *body,
    size_t len, const char *err)
{
	char *file = ud;

	if (status >= 200 && status < 300)
		app_message(app, "saved %s", file);
	else if (status == 0)
		app_error(app, "saving %s failed: %s", file, err);
	else
		app_error(app, "saving %s failed: the relay answered HTTP %ld",
		    file, status);
	free(file);
}

static void
media_save_to(struct app *app, void *ud, const char *text)
{
	const struct td_msg *m = thread_selected(app);
	char path[1024], err[256], *file;

	if (text == NULL || *text == '\0' || m == NULL || m->m.media == NULL)
		return;
	if (media_path(app, m, path, sizeof path) != 0 ||
	    (file = appconfig_expand(NULL, text)) == NULL) {
		app_error(app, "cannot build the media request");
		return;
	}
	if (app_get_file(app, path, file, media_saved, file, err, sizeof err) != 0) {
		app_error(app, "%s", err);
		free(file);
		return;
	}
	app_message(app, "downloading to %s ...", file);
}

int
media_save(struct app *app)
{
	const struct td_msg *m = media_selected(app);
	char name[256], def[1024];
	const char *home = getenv("HOME");
	struct stat st;

	if (m == NULL)
		return UI_HANDLED;
	media_safe_name(&m->m, name, sizeof name);
	if (home != NULL && snprintf(def, sizeof def, "%s/Downloads", home) > 0 &&
	    stat(def, &st) == 0 && S_ISDIR(st.st_mode))
		snprintf(def, sizeof def, "~/Downloads/%s", name);
	else
		snprintf(def, sizeof def, "~/%s", name);
	dialog_prompt(app, "Save media to: ", def, NULL, media_save_to, NULL);
	return UI_HANDLED;
}

/* Run the open command with the terminal handed over, file as $1. */
static void
media_run(struct app *app, const char *file)
{
	char script[1200];
	pid_t pid;
	int status = 0;

	snprintf(script, sizeof script, "%s \"$1\"", app->cfg->open_command);
	def_prog_mode();
	picgfx_clear(app);
	endwin();
	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", script, "sh", file, (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	reset_prog_mode();
	clearok(curscr, TRUE);
	ui_dirty_all(app);
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		app_error(app, "open_command failed (exit %d)",
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

/* The decrypted copy lives only while the command runs: the file and
 * its private folder go when it ends (or the download fails). */
static void
media_fetched(struct app *app, void *ud, long status, const char *body,
    size_t len, const char *err)
{
	char *file = ud, *slash;

	if (status >= 200 && status < 300 && app->view != NULL)
		media_run(app, file);
	else if (status == 0)
		app_error(app, "download failed: %s", err);
	else
		app_error(app, "download failed: the relay answered HTTP %ld", status);
	unlink(file);
	if ((slash = strrchr(file, '/')) != NULL) {
		*slash = '\0';
		rmdir(file);
	}
	free(file);
}

int
media_open(struct app *app)
{
	const struct td_msg *m;
	const char *rt = getenv("XDG_RUNTIME_DIR");
	char dir[512], name[256], path[1024], err[256], *file;
	size_t n;

	if (app->cfg == NULL || app->cfg->open_command == NULL) {
		app_message(app, "set [ui] open_command in the config to open media");
		return UI_HANDLED;
	}
	if ((m = media_selected(app)) == NULL)
		return UI_HANDLED;
	snprintf(dir, sizeof dir, "%s/ttydesk-media-XXXXXX", rt && *rt ? rt : "/tmp");
	if (mkdtemp(dir) == NULL) {
		app_error(app, "cannot make a private temporary folder");
		return UI_HANDLED;
	}
	/* The extension from the MIME type, never from the customer's file
	 * name: the viewer picks a program by it. */
	media_id_name(&m->m, name, sizeof name);
	n = strlen(dir) + strlen(name) + 2;
	if ((file = malloc(n)) == NULL || media_path(app, m, path, sizeof path) != 0) {
		free(file);
		app_error(app, "cannot build the media request");
		return UI_HANDLED;
	}
	snprintf(file, n, "%s/%s", dir, name);
	if (app_get_file(app, path, file, media_fetched, file, err, sizeof err) != 0) {
		app_error(app, "%s", err);
		free(file);
		return UI_HANDLED;
	}
	app_message(app, "downloading %s ...", name);
	return UI_HANDLED;
}

/* --- attaching a file ------------------------------------------------------ */

struct attach_ask {
	char *conv;
	struct attach_file f;
};

static void
attach_ask_free(struct attach_ask *a)
{
	attach_file_free(&a->f);
	free(a->conv);
	free(a);
}

static void
attach_caption(struct app *app, void *ud, const char *text)
{
	struct attach_ask *a = ud;
	char err[256];

	if (text == NULL) {
		app_message(app, "not sent");
		attach_ask_free(a);
		return;
	}
	if (attach_send(app, a->conv, &a->f, text, err, sizeof err) != 0 &&
	    err[0] != '\0')
		app_error(app, "%s", err);
	attach_ask_free(a);
}

static void
attach_path(struct app *app, void *ud, const char *text)
{
	struct attach_ask *a = ud;
	char why[512], label[400];
	char *path;

	if (text == NULL || *text == '\0') {
		attach_ask_free(a);
		return;
	}
	if ((path = appconfig_expand(NULL, text)) == NULL) {
		attach_ask_free(a);
		return;
	}
	/* Type and size are checked here, before a byte leaves. */
	if (attach_load(path, &a->f, why, sizeof why) != 0) {
		free(path);
		if (dialog_prompt(app, "Attach file: ", text, NULL, attach_path,
		    a) != 0) {
			attach_ask_free(a);
			return;
		}
		dialog_note(app, why);
		return;
	}
	free(path);
	snprintf(label, sizeof label, "%s (%s, %s): caption, Enter for none: ",
	    a->f.name, a->f.kind, a->f.mime);
	if (strcmp(a->f.kind, "audio") == 0 || strcmp(a->f.kind, "sticker")
	    == 0) {
		attach_caption(app, a, ""); /* Meta shows no caption on these */
		return;
	}
	if (dialog_prompt(app, label, "", NULL, attach_caption, a) != 0)
		attach_ask_free(a);
}

int
media_attach(struct app *app)
{
	struct attach_ask *a;

	if ((a = calloc(1, sizeof *a)) == NULL ||
	    (a->conv = compose_open_id(app)) == NULL) {
		free(a);
		return UI_HANDLED;
	}
	if (dialog_prompt(app, "Attach file: ", "", NULL, attach_path, a) != 0)
		attach_ask_free(a);
	return UI_HANDLED;
}
