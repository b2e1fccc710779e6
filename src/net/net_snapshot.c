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
	json_t *root, *ev, *th, *cu, *mo, *out;
	int64_t through;

	memset(page, 0, sizeof *page);
	if ((root = net_answer_load(body, len, "snapshot answer", err,
	    errlen)) == NULL)
		return -1;
	ev = json_object_get(root, "events");
	th = json_object_get(root, "through");
	cu = json_object_get(root, "cursor");
	mo = json_object_get(root, "more");
	out = json_object_get(root, "outside");
	if (!json_is_object(root) || !json_is_array(ev) ||
	    !json_is_integer(th) || json_integer_value(th) < 0 ||
	    !json_is_boolean(mo) || (cu != NULL && !json_is_null(cu) &&
	    !json_is_string(cu))) {
		snprintf(err, errlen, "the relay's snapshot answer lacks "
		    "events/through/more");
		goto fail;
	}
	through = (int64_t)json_integer_value(th);
	if (after_through > 0 && through != after_through) {
		snprintf(err, errlen, "the relay's snapshot moved from %" PRId64
		    " to %" PRId64, after_through, through);
		goto fail;
	}
	if (json_is_true(mo) && (!json_is_string(cu) ||
	    json_string_length(cu) == 0 ||
	    json_string_length(cu) >= sizeof page->cursor)) {
		snprintf(err, errlen, "the relay's snapshot page has more but "
		    "no valid cursor");
		goto fail;
	}
	if (net_answer_events(ev, 0, through, NULL, "snapshot page", err,
	    errlen) != 0)
		goto fail;
	page->through = through;
	page->more = json_is_true(mo);
	if (json_is_string(cu) && json_string_length(cu) < sizeof page->cursor)
		snprintf(page->cursor, sizeof page->cursor, "%s",
		    json_string_value(cu));
	page->total = snap_count(root, "total");
	page->conversations = snap_count(root, "conversations");
	page->outside = snap_count(out, "conversations");
	page->outside_resolved = snap_count(out, "resolved");
	page->events = json_incref(ev);
	json_decref(root);
	return 0;
fail:
	json_decref(root);
	return -1;
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
