/*
 * GET /v1/conversations?status=resolved, parsed into what a box of rows
 * shows.  Names and previews are customer text: sanitized to one line.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/sanitize.h"
#include "app.h"
#include "archive.h"
#include "net.h"
#include "outbox.h"

void
archive_entries_free(struct archive_entry *e, size_t n)
{
	size_t i;

	for (i = 0; e != NULL && i < n; i++) {
		free(e[i].conv);
		free(e[i].name);
		free(e[i].preview);
	}
	free(e);
}

static char *
archive_line(const char *s)
{
	return sanitize_text(s, strlen(s), SANITIZE_SINGLE_LINE);
}

/* The contact's name, else the first of number, username, user id, else
 * the conversation id. */
static const char *
archive_who(const json_t *contact, const char *conv)
{
	static const char *const keys[] = { "name", "wa_id", "username",
	    "user_id" };
	const char *v;
	size_t i;

	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		v = json_string_value(json_object_get(contact, keys[i]));
		if (v != NULL && v[0] != '\0')
			return v;
	}
	return conv;
}

int
archive_parse(const char *body, size_t len, struct archive_entry **out,
    size_t *n, bool *more, int64_t *next, char *err, size_t errlen)
{
	struct archive_entry *e = NULL;
	json_t *root, *convs, *o;
	const char *id, *preview;
	json_error_t je;
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if ((root = json_loadb(body, len, 0, &je)) == NULL) {
		snprintf(err, errlen, "not JSON: %s", je.text);
		return -1;
	}
	convs = json_object_get(root, "conversations");
	if (!json_is_array(convs)) {
		snprintf(err, errlen, "no \"conversations\" array");
		goto fail;
	}
	if (json_array_size(convs) > 0 &&
	    (e = calloc(json_array_size(convs), sizeof *e)) == NULL)
		goto nomem;
	json_array_foreach(convs, i, o) {
		id = json_string_value(json_object_get(o, "id"));
		if (id == NULL || id[0] == '\0')
			continue; /* nothing to open */
		preview = json_string_value(json_object_get(o, "preview"));
		e[k].last_ts = json_integer_value(json_object_get(o, "last_ts"));
		e[k].conv = strdup(id);
		e[k].name = archive_line(archive_who(json_object_get(o,
		    "contact"), id));
		e[k].preview = archive_line(preview != NULL ? preview : "");
		k++;
		if (e[k - 1].conv == NULL || e[k - 1].name == NULL ||
		    e[k - 1].preview == NULL)
			goto nomem;
	}
	*more = json_is_true(json_object_get(root, "more")) && k > 0;
	*next = k > 0 ? e[k - 1].last_ts : 0;
	json_decref(root);
	*out = e;
	*n = k;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	archive_entries_free(e, k);
	json_decref(root);
	return -1;
}

struct archive_req {
	archive_done_fn done;
	void *ud;
};

static void
archive_answer(struct app *app, void *ud, long status, const char *body,
    size_t len, const char *err)
{
	struct archive_req *r = ud;
	struct archive_entry *e = NULL;
	int64_t next = 0;
	bool more = false;
	size_t n = 0;
	char why[256] = "";

	if (status == 200 && archive_parse(body, len, &e, &n, &more, &next,
	    why, sizeof why) != 0)
		status = -1;
	else if (status != 200)
		obx_error_text(why, sizeof why, status, body, err);
	r->done(app, r->ud, status, e, n, more, next, why);
	archive_entries_free(e, n);
}

int
archive_query(struct app *app, int64_t before, archive_done_fn done,
    void *ud, char *err, size_t errlen)
{
	struct archive_req r = { done, ud };
	char path[160];

	if (!app_online(app)) {
		snprintf(err, errlen, "offline");
		return -1;
	}
	if (before > 0)
		snprintf(path, sizeof path, "/v1/conversations?status=resolved"
		    "&limit=%d&before=%" PRId64, ARCHIVE_PAGE, before);
	else
		snprintf(path, sizeof path, "/v1/conversations?status=resolved"
		    "&limit=%d", ARCHIVE_PAGE);
	return app_get_ctx(app, path, archive_answer, &r, sizeof r, err,
	    errlen);
}
