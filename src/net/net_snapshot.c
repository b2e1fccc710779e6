/*
 * The windowed first sync: a client with no cursor loads the working set
 * (open work and the recent window) from GET /v1/snapshot page by page,
 * then follows /v1/sync from the snapshot's position.  The owner stores
 * each page and its progress, so a start cut short resumes at the next
 * page.  A relay without the endpoint answers 404: full sync from 0.
 */
#include <curl/curl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"
#include "net_answer.h"
#include "net_private.h"
#include "net_snapshot.h"
#include "net_sync.h"

static int64_t
snap_count(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_integer(v) && json_integer_value(v) >= 0 ?
	    (int64_t)json_integer_value(v) : -1;
}

int
net_snap_parse(const char *body, size_t len, int64_t after_through,
    struct net_snap_page *page, char *err, size_t errlen)
{
	struct net_page p;
	const json_t *out;
	int rc = -1;

	memset(page, 0, sizeof *page);
	if (net_page_load(body, len, "snapshot answer", "through/more", &p, err,
	    errlen) != 0)
		return -1;
	if (p.through < 0)
		snprintf(err, errlen, "the relay's snapshot answer has a bad "
		    "'through'");
	else if (after_through > 0 && p.through != after_through)
		snprintf(err, errlen, "the relay's snapshot moved from %" PRId64
		    " to %" PRId64, after_through, p.through);
	else if (p.more && (p.cursor == NULL || p.cursor[0] == '\0' ||
	    strlen(p.cursor) >= sizeof page->cursor))
		snprintf(err, errlen, "the relay's snapshot page has more but "
		    "no valid cursor");
	else if (net_page_events(&p, 0, p.through, NULL, &page->events, err,
	    errlen) == 0) {
		page->through = p.through;
		page->more = p.more;
		if (p.cursor != NULL && strlen(p.cursor) < sizeof page->cursor)
			snprintf(page->cursor, sizeof page->cursor, "%s",
			    p.cursor);
		out = json_object_get(p.root, "outside");
		page->total = snap_count(p.root, "total");
		page->conversations = snap_count(p.root, "conversations");
		page->outside = snap_count(out, "conversations");
		page->outside_resolved = snap_count(out, "resolved");
		rc = 0;
	}
	net_page_free(&p);
	return rc;
}

struct net_req *
net_snap_request(struct net *n, char *err, size_t errlen)
{
	char path[1400], *cur = NULL;
	int w;

	if (n->snap_cursor != NULL &&
	    (cur = curl_easy_escape(NULL, n->snap_cursor, 0)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (cur != NULL)
		w = snprintf(path, sizeof path, "/v1/snapshot?since=%" PRId64
		    "&limit=%d&through=%" PRId64 "&cursor=%s", n->snap_since,
		    n->snap_limit, n->snap_through, cur);
	else
		w = snprintf(path, sizeof path, "/v1/snapshot?since=%" PRId64
		    "&limit=%d", n->snap_since, n->snap_limit);
	curl_free(cur);
	if (w < 0 || (size_t)w >= sizeof path) {
		snprintf(err, errlen, "the snapshot cursor is too long");
		return NULL;
	}
	return net_req_new(n, NET_REQ_SNAP, path, 120, err, errlen);
}

static void
net_snap_stop(struct net *n)
{
	n->snap_active = false;
	free(n->snap_cursor);
	n->snap_cursor = NULL;
}

void
net_snap_finish(struct net *n, struct net_req *r, long status)
{
	struct net_snap_page page;
	char err[256], *cur;

	if (status == 404) {
		/* An older relay: the whole log, as before. */
		net_snap_stop(n);
		n->cursor = 0;
		net_sync_next(n);
		return;
	}
	if (status != 200) {
		snprintf(err, sizeof err, "the relay answered HTTP %ld", status);
		net_fail(n, err);
		return;
	}
	if (net_snap_parse(r->body ? r->body : "", r->len, n->snap_through,
	    &page, err, sizeof err) != 0) {
		net_fail(n, err);
		return;
	}
	if (n->cb.snapshot != NULL && n->cb.snapshot(n->cb.ud, &page) != 0) {
		json_decref(page.events);
		net_fail(n, "could not store the snapshot page");
		return;
	}
	json_decref(page.events);
	n->failures = 0;
	if (page.more) {
		if ((cur = strdup(page.cursor)) == NULL) {
			net_fail(n, "out of memory");
			return;
		}
		free(n->snap_cursor);
		n->snap_cursor = cur;
		n->snap_through = page.through;
	} else {
		net_snap_stop(n);
		n->cursor = page.through;
	}
	net_set_state(n, NET_ONLINE, "online");
	net_sync_next(n);
}

void
net_restart(struct net *n, int64_t snap_since)
{
	net_snap_stop(n);
	n->cursor = 0;
	n->snap_through = 0;
	if (snap_since > 0) {
		n->snap_active = true;
		n->snap_since = snap_since;
	}
}
