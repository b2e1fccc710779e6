/*
 * GET /v1/conversations?status=resolved, parsed into what a box of rows
 * shows.  Names and previews are customer text: sanitized to one line.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/freeall.h"
#include "ttydesk/sanitize.h"
#include "app.h"
#include "archive.h"
#include "query.h"

void
archive_entries_free(struct archive_entry *e, size_t n)
{
	size_t i;

	for (i = 0; e != NULL && i < n; i++) {
		FREE_ALL(e[i].conv, e[i].name, e[i].preview);
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

/* One page of the archive: query's value. */
struct archive_page {
	struct archive_entry *e;
	size_t n;
	bool more;
	int64_t next;
};

static void
archive_page_clear(void *value)
{
	struct archive_page *p = value;

	archive_entries_free(p->e, p->n);
}

static int
archive_parse_root(const json_t *root, void *value, char *err,
    size_t errlen)
{
	struct archive_page *p = value;
	const json_t *convs = json_object_get(root, "conversations"), *o;
	struct archive_entry *e;
	const char *id, *preview;
	size_t i;

	if (!json_is_array(convs)) {
		snprintf(err, errlen, "no \"conversations\" array");
		return -1;
	}
	if ((p->e = calloc(json_array_size(convs) + 1, sizeof *p->e)) == NULL)
		goto nomem;
	json_array_foreach(convs, i, o) {
		id = json_string_value(json_object_get(o, "id"));
		if (id == NULL || id[0] == '\0')
			continue; /* nothing to open */
		e = &p->e[p->n++];
		preview = json_string_value(json_object_get(o, "preview"));
		e->last_ts = json_integer_value(json_object_get(o, "last_ts"));
		e->conv = strdup(id);
		e->name = archive_line(archive_who(json_object_get(o, "contact"),
		    id));
		e->preview = archive_line(preview != NULL ? preview : "");
		if (e->conv == NULL || e->name == NULL || e->preview == NULL)
			goto nomem;
	}
	p->more = json_is_true(json_object_get(root, "more")) && p->n > 0;
	p->next = p->n > 0 ? p->e[p->n - 1].last_ts : 0;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static void
archive_deliver(struct app *app, const struct query *q, long status,
    void *value, const char *why)
{
	struct archive_page *p = value;

	((archive_done_fn)q->done)(app, q->ud, status, p->e, p->n, p->more,
	    p->next, why);
}

static const struct query_kind archive_kind = { "archive answer",
    sizeof(struct archive_page), archive_parse_root, archive_page_clear,
    archive_deliver };

int
archive_parse(const char *body, size_t len, struct archive_entry **out,
    size_t *n, bool *more, int64_t *next, char *err, size_t errlen)
{
	struct archive_page p;
	int rc = query_parse(&archive_kind, body, len, &p, err, errlen);

	*out = p.e;
	*n = p.n;
	*more = p.more;
	*next = p.next;
	return rc;
}

int
archive_query(struct app *app, int64_t before, archive_done_fn done,
    void *ud, char *err, size_t errlen)
{
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
	return query_get(app, path, &archive_kind, (query_fn)done, ud, err,
	    errlen);
}
