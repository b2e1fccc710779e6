/*
 * The sync loop: /v1/me once, then /v1/sync long-polls from the cursor.
 * Any failure (network, 5xx, garbage) goes offline and retries with
 * backoff; a 401 stops and says which token to fix.
 */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "net_answer.h"
#include "net_private.h"
#include "net_snapshot.h"
#include "net_sync.h"

/* log_id and head of a parsed sync answer (net_sync_log). */
static void
net_sync_log_of(const json_t *root, char *id, size_t idlen, int64_t *head)
{
	const json_t *li = json_object_get(root, "log_id");
	const json_t *hd = json_object_get(root, "head");
	const char *s;
	size_t i, n;

	id[0] = '\0';
	*head = -1;
	if (json_is_string(li)) {
		s = json_string_value(li);
		n = json_string_length(li);
		for (i = 0; i < n && s[i] > ' ' && s[i] < 0x7f; i++)
			;
		if (i == n && n > 0 && n < idlen)
			memcpy(id, s, n + 1);
	}
	if (json_is_integer(hd) && json_integer_value(hd) >= 0)
		*head = json_integer_value(hd);
}

/* net_sync_parse, and with id not NULL the log's id and head too. */
static int
net_sync_parse_log(const char *body, size_t len, int64_t after,
    json_t **events, int64_t *next, bool *more, char *id, size_t idlen,
    int64_t *head, char *err, size_t errlen)
{
	struct net_page p;
	int rc = -1;

	*events = NULL;
	if (net_page_load(body, len, "sync answer", "next", &p, err,
	    errlen) != 0)
		return -1;
	if (p.next < after)
		snprintf(err, errlen, "the relay's cursor went backwards "
		    "(%" PRId64 " < %" PRId64 ")", p.next, after);
	else if (net_page_events(&p, after, p.next, NULL, events, err,
	    errlen) == 0) {
		*next = p.next;
		*more = p.more;
		if (id != NULL)
			net_sync_log_of(p.root, id, idlen, head);
		rc = 0;
	}
	net_page_free(&p);
	return rc;
}

int
net_sync_parse(const char *body, size_t len, int64_t after, json_t **events,
    int64_t *next, bool *more, char *err, size_t errlen)
{
	return net_sync_parse_log(body, len, after, events, next, more, NULL, 0,
	    NULL, err, errlen);
}

void
net_sync_log(const char *body, size_t len, char *id, size_t idlen,
    int64_t *head)
{
	json_t *root = json_loadb(body, len, 0, NULL);

	id[0] = '\0';
	*head = -1;
	if (root != NULL)
		net_sync_log_of(root, id, idlen, head);
	json_decref(root);
}

void
net_set_state(struct net *n, enum net_state st, const char *detail)
{
	int changed = n->state != st || strcmp(n->detail, detail) != 0;

	n->state = st;
	snprintf(n->detail, sizeof n->detail, "%s", detail);
	if (changed && n->cb.state != NULL)
		n->cb.state(n->cb.ud, st, n->detail);
}

void
net_fail(struct net *n, const char *why)
{
	int d = net_backoff_ms(n->failures, n->backoff_min, n->backoff_max);

	n->failures++;
	n->retry_at = net_clock_ms() + d;
	net_set_state(n, NET_OFFLINE, why);
}

void
net_sync_next(struct net *n)
{
	struct net_req *r;
	char path[128], err[256];
	int wait = n->state == NET_ONLINE ? n->wait : 0;

	if (n->sync != NULL || n->state == NET_AUTH_ERROR)
		return;
	if (!n->have_me) {
		r = net_req_new(n, NET_REQ_ME, "/v1/me", 30, err, sizeof err);
	} else if (n->snap_active) {
		r = net_snap_request(n, err, sizeof err);
	} else {
		/* The first poll after (re)connecting does not wait, so the
		 * state turns online as soon as the relay answers. */
		snprintf(path, sizeof path, "/v1/sync?after=%" PRId64
		    "&limit=1000&wait=%d", n->cursor, wait);
		r = net_req_new(n, NET_REQ_SYNC, path, wait + 20, err, sizeof err);
	}
	if (r == NULL) {
		net_fail(n, err);
		return;
	}
	if (net_req_start(n, r, err, sizeof err) != 0) {
		net_req_destroy(n, r, 0);
		net_fail(n, err);
		return;
	}
	n->sync = r;
}

static void
net_auth_error(struct net *n)
{
	char why[256];

	snprintf(why, sizeof why, "the relay refused the token in %s; put the "
	    "token printed by `ttydesk-relay add-agent` there", n->token_file);
	n->retry_at = -1;
	net_set_state(n, NET_AUTH_ERROR, why);
}

static void
net_handle_me(struct net *n, struct net_req *r)
{
	json_error_t je;
	json_t *root = json_loadb(r->body ? r->body : "", r->len, 0, &je);

	if (!json_is_object(root) || !json_is_object(json_object_get(root,
	    "agent"))) {
		json_decref(root);
		net_fail(n, "the relay's /v1/me answer is not valid");
		return;
	}
	n->have_me = 1;
	if (n->cb.me != NULL)
		n->cb.me(n->cb.ud, root);
	json_decref(root);
	net_set_state(n, NET_CONNECTING, "syncing");
	net_sync_next(n);
}

static void
net_handle_sync(struct net *n, struct net_req *r)
{
	json_t *events = NULL;
	int64_t next, head;
	bool more;
	char err[256], id[128];
	int rc;

	if (net_sync_parse_log(r->body ? r->body : "", r->len, n->cursor,
	    &events, &next, &more, id, sizeof id, &head, err,
	    sizeof err) != 0) {
		net_fail(n, err);
		return;
	}
	if (n->cb.log != NULL &&
	    (rc = n->cb.log(n->cb.ud, id, head, n->cursor)) != 0) {
		json_decref(events);
		if (rc < 0) {
			net_fail(n, "could not start over from the relay's "
			    "new log");
			return;
		}
		n->failures = 0;
		net_sync_next(n);
		return;
	}
	if (n->cb.events != NULL && (json_array_size(events) > 0 ||
	    next != n->cursor) && n->cb.events(n->cb.ud, events, next) != 0) {
		json_decref(events);
		net_fail(n, "could not store the new events");
		return;
	}
	json_decref(events);
	n->cursor = next;
	n->failures = 0;
	net_set_state(n, NET_ONLINE, "online");
	net_sync_next(n);
}

static void
net_finish_sync(struct net *n, struct net_req *r, long status)
{
	char why[300];

	n->sync = NULL;
	if (status == 401) {
		net_auth_error(n);
	} else if (status == 0) {
		snprintf(why, sizeof why, "%s", r->errbuf);
		net_fail(n, why);
	} else if (r->kind == NET_REQ_SNAP) {
		net_snap_finish(n, r, status);
	} else if (status != 200) {
		snprintf(why, sizeof why, "the relay answered HTTP %ld", status);
		net_fail(n, why);
	} else if (r->kind == NET_REQ_ME) {
		net_handle_me(n, r);
	} else {
		net_handle_sync(n, r);
	}
}

void
net_req_finish(struct net *n, struct net_req *r, long status)
{
	struct net_req **p;

	for (p = &n->reqs; *p != NULL; p = &(*p)->next) {
		if (*p == r) {
			*p = r->next;
			break;
		}
	}
	curl_multi_remove_handle(n->multi, r->easy);
	if (r->kind != NET_REQ_USER) {
		net_finish_sync(n, r, status);
	} else {
		if (r->out != NULL)
			status = net_req_close_file(r, status);
		if (status == 401)
			net_auth_error(n);
		if (r->done != NULL)
			r->done(r->ud, status, r->body ? r->body : "", r->len,
			    r->errbuf);
	}
	net_req_destroy(n, r, 0);
}
