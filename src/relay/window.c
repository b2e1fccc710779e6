/*
 * The windowed agent API (docs/api.md, "Windowed sync and history"):
 *
 *   GET /v1/snapshot                    the working set at one log position
 *   GET /v1/conversations               conversations by last message
 *   GET /v1/conversations/{id}/messages one conversation's history
 *
 * Handlers run on microhttpd's thread and read through the reader
 * connection, each page inside one read transaction.  Events are copied
 * as stored (the JSON /v1/sync gives); only superseded contact and
 * conversation events are left out, in a way that gives the TUI's model
 * (model.h) the same conversation as the whole log would.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "events.h"
#include "http.h"
#include "store_common.h"
#include "store_window.h"
#include "visible.h"

#define SNAP_LIMIT_DEFAULT 200
#define SNAP_LIMIT_MAX 1000
#define SNAP_EVENTS_SOFT 20000 /* a page ends after the conversation that
				* takes it past this many events */
#define LIST_LIMIT_DEFAULT 50
#define LIST_LIMIT_MAX 200
#define HIST_LIMIT_DEFAULT 50
#define HIST_LIMIT_MAX 500
#define PREVIEW_CHARS 200

/* Answers 200 with the answer written in b (handed to the req), or 500
 * when some of it did not fit in memory (b's failure sticks). */
static void
window_reply(struct req *q, struct buf *b)
{
	if (b->failed) {
		buf_free(b);
		req_error(q, 500, "internal", "out of memory");
	} else {
		req_reply_raw(q, 200, b->s, b->len);
	}
	b->s = NULL;
}

/* Appends one stored event to the events array being written. */
static void
window_event(struct buf *w, const struct relay_evrow *e, size_t *count)
{
	if (*count > 0)
		buf_add(w, ",", 1);
	buf_add(w, e->json, e->len);
	(*count)++;
}

static bool
is_type(const struct relay_evrow *e, const char *type)
{
	return strcmp(e->type, type) == 0;
}

/* The contact fields the model keeps one by one (model.c, apply_contact),
 * attributes last. */
static const char *const contact_fields[] = {
	"wa_id", "user_id", "username", "name", "note", "attributes",
};
#define N_CONTACT_FIELDS (sizeof contact_fields / sizeof contact_fields[0])

/*
 * Marks in keep[] the contact events among v[0..n) (seq ascending) that
 * still give some field its value: the newest one, and an older one only
 * for a field no newer kept event surely sets.  A field counts as set
 * only when it has a non-empty value; an event that cannot be parsed is
 * kept.
 */
static void
window_keep_contacts(const struct relay_evrow *v, size_t n, bool *keep)
{
	unsigned covered = 0, carries, sure;
	bool newest = true;
	json_t *ev, *c, *f;
	size_t i, k;

	for (i = n; i-- > 0;) {
		if (!is_type(&v[i], "contact"))
			continue;
		ev = json_loadb(v[i].json, v[i].len, 0, NULL);
		c = json_object_get(ev, "contact");
		carries = sure = 0;
		for (k = 0; k < N_CONTACT_FIELDS; k++) {
			f = json_object_get(c, contact_fields[k]);
			if (f != NULL && !json_is_null(f))
				carries |= 1u << k;
			if ((json_is_string(f) && json_string_length(f) > 0) ||
			    (json_is_object(f) && json_object_size(f) > 0))
				sure |= 1u << k;
		}
		keep[i] = newest || ev == NULL || (carries & ~covered) != 0;
		if (keep[i])
			covered |= sure;
		newest = false;
		json_decref(ev);
	}
}

/*
 * Marks in keep[] the conversation events among v[0..n) (seq ascending)
 * the model needs: the newest (its state), and the one with the highest
 * ts when that is another (its last activity counts every state's ts).
 */
static void
window_keep_states(const struct relay_evrow *v, size_t n, bool *keep)
{
	size_t i, last = n, top = n;

	for (i = 0; i < n; i++) {
		if (!is_type(&v[i], "conversation"))
			continue;
		last = i;
		/* Ties go to the newer: usually the newest has the top ts. */
		if (top == n || v[i].ts >= v[top].ts)
			top = i;
	}
	if (last < n)
		keep[last] = true;
	if (top < n)
		keep[top] = true;
}

/* Writes the events of one conversation, v[0..n) by seq, leaving out the
 * superseded contact and conversation events. */
static void
window_write_conv(struct buf *w, const struct relay_evrow *v, size_t n,
    size_t *count)
{
	bool *keep;
	size_t i;

	if (n == 0)
		return;
	if ((keep = calloc(n, sizeof *keep)) == NULL) {
		w->failed = 1;
		return;
	}
	for (i = 0; i < n; i++)
		keep[i] = is_type(&v[i], "message") || is_type(&v[i], "status");
	window_keep_contacts(v, n, keep);
	window_keep_states(v, n, keep);
	for (i = 0; i < n; i++) {
		if (keep[i])
			window_event(w, &v[i], count);
	}
	free(keep);
}

static int
evrow_cmp(const void *a, const void *b)
{
	const struct relay_evrow *x = a, *y = b;

	if (x->conv != y->conv)
		return x->conv < y->conv ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Whether the agent of q sees a conversation in this (stored) state. */
static bool
window_sees(struct req *q, const char *state_text)
{
	json_t *state = json_loads(state_text, 0, NULL);
	bool yes = state != NULL && relay_agent_sees(q->r, q->agent, state);

	json_decref(state);
	return yes;
}

/* ---- GET /v1/snapshot ---- */

struct snap_args {
	long long since, limit, through;
	int64_t after; /* row number of the cursor, 0 for the first page */
	const char *cursor;
	char cursor_buf[32];
};

static int
snap_args_parse(struct req *q, struct snap_args *a)
{
	char buf[8];

	if (req_arg(q, "since", buf, sizeof buf) == NULL) {
		req_error(q, 400, "bad_request", "since is required (a time)");
		return -1;
	}
	if (req_int_arg(q, "since", 0, INT64_MAX, 0, &a->since) != 0 ||
	    req_int_arg(q, "limit", 1, SNAP_LIMIT_MAX, SNAP_LIMIT_DEFAULT,
	    &a->limit) != 0 ||
	    req_int_arg(q, "through", 0, INT64_MAX, -1, &a->through) != 0)
		return -1;
	a->after = 0;
	a->cursor = req_arg(q, "cursor", a->cursor_buf, sizeof a->cursor_buf);
	if (a->cursor == NULL)
		return 0;
	if (a->through < 0) {
		req_error(q, 400, "bad_request", "cursor needs the through of "
		    "the first page");
		return -1;
	}
	if ((a->after = store_conv_rowid(a->cursor)) < 0) {
		req_error(q, 400, "bad_request", "cursor is not one this relay "
		    "gave");
		return -1;
	}
	return 0;
}

/* What one snapshot page read, inside one read transaction: the events
 * of convs.v[0..n_read). */
struct snap_page {
	int64_t through, outside, resolved;
	struct relay_convrows convs;
	struct relay_evrows evs;
	size_t n_read;
	bool more;
};

/* Events are read this many conversations at a time, until the page
 * holds enough of them: a page of long conversations stops early
 * instead of holding all of them in memory. */
#define SNAP_READ_CHUNK 50

/* The outside counts of pg's (since, through): one log position holds one
 * state, so a snapshot's later pages take its first page's counts. */
static int
snap_outside(struct relay *r, int64_t since, struct snap_page *pg)
{
	if (!r->snap_outside.valid || r->snap_outside.since != since ||
	    r->snap_outside.through != pg->through) {
		if (relay_store_window_outside(r->reader, since,
		    &r->snap_outside.outside, &r->snap_outside.resolved) != 0) {
			r->snap_outside.valid = false;
			return -1;
		}
		r->snap_outside.since = since;
		r->snap_outside.through = pg->through;
		r->snap_outside.valid = true;
	}
	pg->outside = r->snap_outside.outside;
	pg->resolved = r->snap_outside.resolved;
	return 0;
}

static int
snap_read(struct req *q, const struct snap_args *a, struct snap_page *pg)
{
	struct relay_store *st = q->r->reader;
	int64_t *ids = NULL;
	size_t i, n;
	int rc = -1;

	if (relay_store_read_begin(st) != 0)
		return -1;
	pg->through = a->through >= 0 ? a->through : relay_store_head(st);
	if (pg->through < 0 || relay_store_window_convs(st, a->since, a->after,
	    (int)a->limit + 1, &pg->convs) != 0 ||
	    snap_outside(q->r, a->since, pg) != 0)
		goto out;
	if ((pg->more = pg->convs.n > (size_t)a->limit)) {
		free(pg->convs.v[--pg->convs.n].state);
	}
	if ((ids = calloc(pg->convs.n + 1, sizeof *ids)) == NULL)
		goto out;
	for (i = 0; i < pg->convs.n; i++)
		ids[i] = pg->convs.v[i].id;
	rc = 0;
	while (rc == 0 && pg->n_read < pg->convs.n &&
	    pg->evs.n <= SNAP_EVENTS_SOFT) {
		n = pg->convs.n - pg->n_read;
		if (n > SNAP_READ_CHUNK)
			n = SNAP_READ_CHUNK;
		rc = relay_store_window_events(st, ids + pg->n_read, n,
		    pg->through, &pg->evs);
		pg->n_read += n;
	}
out:
	relay_store_read_end(st);
	free(ids);
	return rc;
}

void
window_snapshot(struct req *q)
{
	struct snap_args a;
	struct snap_page pg;
	struct buf w = { 0 };
	char num[160], *cur = NULL;
	size_t i, k = 0, j, count = 0;
	int64_t last = -1;
	int rc;

	if (snap_args_parse(q, &a) != 0)
		return;
	memset(&pg, 0, sizeof pg);
	pthread_mutex_lock(&q->r->reader_lock);
	rc = snap_read(q, &a, &pg);
	pthread_mutex_unlock(&q->r->reader_lock);
	if (rc != 0) {
		req_error(q, 500, "store_error", "cannot read the working set");
		goto out;
	}
	if (pg.evs.n > 1) /* qsort(NULL, 0) is undefined */
		qsort(pg.evs.v, pg.evs.n, sizeof *pg.evs.v, evrow_cmp);
	snprintf(num, sizeof num, "{\"through\":%lld,\"events\":[",
	    (long long)pg.through);
	buf_adds(&w, num);
	if (pg.n_read < pg.convs.n)
		pg.more = true;
	for (i = 0; i < pg.n_read; i++) {
		int64_t id = pg.convs.v[i].id;

		while (k < pg.evs.n && pg.evs.v[k].conv < id)
			k++;
		for (j = k; j < pg.evs.n && pg.evs.v[j].conv == id; j++)
			;
		if (window_sees(q, pg.convs.v[i].state))
			window_write_conv(&w, &pg.evs.v[k], j - k, &count);
		k = j;
		last = id;
		if (count > SNAP_EVENTS_SOFT && i + 1 < pg.n_read) {
			pg.more = true;
			break;
		}
	}
	buf_adds(&w, "],\"cursor\":");
	if (last >= 0)
		cur = store_conv_id(last);
	else if (a.cursor != NULL)
		cur = strdup(a.cursor);
	if (cur != NULL) {
		buf_adds(&w, "\"");
		buf_adds(&w, cur);
		buf_adds(&w, "\"");
	} else {
		buf_adds(&w, "null");
	}
	snprintf(num, sizeof num, ",\"more\":%s,\"outside\":{\"conversations\""
	    ":%lld,\"resolved\":%lld}}", pg.more ? "true" : "false",
	    (long long)pg.outside, (long long)pg.resolved);
	buf_adds(&w, num);
	free(cur);
	window_reply(q, &w);
out:
	relay_convrows_free(&pg.convs);
	relay_evrows_free(&pg.evs);
}

/* ---- GET /v1/conversations ---- */

static const char *const list_statuses[] = {
	"open", "pending", "escalated", "snoozed", "resolved",
};

/* At most PREVIEW_CHARS characters of the text of a message event. */
static json_t *
window_preview(const struct relay_evrow *e)
{
	json_t *ev = json_loadb(e->json, e->len, 0, NULL);
	json_t *m = json_object_get(ev, "message"), *out;
	const char *t = json_string_value(json_object_get(m, "text"));
	size_t n = 0, chars = 0;

	if (t == NULL)
		t = json_string_value(json_object_get(m, "caption"));
	if (t == NULL)
		t = "";
	while (t[n] != '\0') {
		/* Count UTF-8 lead bytes: the cut never splits a character. */
		if (((unsigned char)t[n] & 0xc0) != 0x80 &&
		    chars++ == PREVIEW_CHARS)
			break;
		n++;
	}
	out = json_stringn(t, n);
	json_decref(ev);
	return out != NULL ? out : json_string("");
}

/* One entry of the list: {"id", "state", "contact", "first_ts",
 * "last_ts", "preview"}.  NULL on a store error. */
static json_t *
list_entry(struct relay_store *st, const struct relay_convrow *row)
{
	struct relay_evrows last = { NULL, 0, 0 };
	struct relay_contact c;
	json_t *e;
	char *id = store_conv_id(row->id);

	if (id == NULL || relay_store_contact_by_id(st, row->contact, &c) < 0 ||
	    relay_store_conv_events(st, id, "message", 0, INT64_MAX, 1, true,
	    &last) != 0) {
		free(id);
		return NULL;
	}
	/* The state names its number ("main" when from before numbers). */
	e = store_history_entry(row->id, row->state, row->first_ts,
	    row->last_ts, NULL);
	json_object_set_new(e, "contact", ev_contact_json(&c));
	json_object_set_new(e, "preview", last.n > 0 ?
	    window_preview(&last.v[0]) : json_string(""));
	relay_contact_free(&c);
	relay_evrows_free(&last);
	free(id);
	return e;
}

/*
 * A page must not end inside a run of equal last_ts: the next page starts
 * below the last one shown and would skip the rest of the run.  With more
 * rows than limit, the page ends before such a run; 0 when the run fills
 * the whole page.
 */
static size_t
list_cut(const struct relay_convrows *rows, size_t limit)
{
	size_t k = limit;

	if (rows->n <= limit)
		return rows->n;
	while (k > 0 && rows->v[k - 1].last_ts == rows->v[limit].last_ts)
		k--;
	return k;
}

/* Reads a page of the list into rows; *n of them are shown.  When more
 * than limit conversations share the first last_ts, the page holds all of
 * them (longer than limit), for the same reason as in list_cut(). */
static int
list_read(struct relay_store *st, const char *status, int64_t before,
    size_t limit, struct relay_convrows *rows, size_t *n)
{
	size_t want = limit + 1, j;

	for (;;) {
		if (relay_store_conv_page(st, status, before, (int)want,
		    rows) != 0)
			return -1;
		if ((*n = list_cut(rows, limit)) > 0 || rows->n == 0)
			return 0;
		for (j = 1; j < rows->n && rows->v[j].last_ts ==
		    rows->v[0].last_ts; j++)
			;
		if (j < rows->n || rows->n < want || want > INT32_MAX / 2) {
			*n = j;
			return 0;
		}
		want *= 2;
		relay_convrows_free(rows);
	}
}

void
window_conversations(struct req *q)
{
	struct relay_store *st = q->r->reader;
	struct relay_convrows rows = { NULL, 0, 0 };
	json_t *list = json_array(), *e;
	const char *status;
	char sbuf[16];
	long long before, limit;
	size_t i, n, k;
	int rc;

	if ((status = req_arg(q, "status", sbuf, sizeof sbuf)) != NULL) {
		for (k = 0; k < sizeof list_statuses / sizeof list_statuses[0];
		    k++) {
			if (strcmp(status, list_statuses[k]) == 0)
				break;
		}
		if (k == sizeof list_statuses / sizeof list_statuses[0]) {
			req_error(q, 400, "bad_request", "status must be open, "
			    "pending, escalated, snoozed or resolved");
			goto out;
		}
	}
	if (req_int_arg(q, "before", 0, INT64_MAX, INT64_MAX, &before) != 0 ||
	    req_int_arg(q, "limit", 1, LIST_LIMIT_MAX, LIST_LIMIT_DEFAULT,
	    &limit) != 0)
		goto out;
	pthread_mutex_lock(&q->r->reader_lock);
	n = 0;
	if ((rc = relay_store_read_begin(st)) == 0)
		rc = list_read(st, status, before, (size_t)limit, &rows, &n);
	for (i = 0; i < n && rc == 0; i++) {
		if (!window_sees(q, rows.v[i].state))
			continue;
		if ((e = list_entry(st, &rows.v[i])) == NULL)
			rc = -1;
		json_array_append_new(list, e);
	}
	relay_store_read_end(st);
	pthread_mutex_unlock(&q->r->reader_lock);
	if (rc != 0) {
		req_error(q, 500, "store_error", "cannot read conversations");
		goto out;
	}
	req_reply(q, 200, json_pack("{s:O, s:b}", "conversations", list,
	    "more", rows.n > n));
out:
	json_decref(list);
	relay_convrows_free(&rows);
}

/* ---- GET /v1/conversations/{id}/messages ---- */

/* What one history page read, inside one read transaction. */
struct hist_page {
	struct relay_evrows contacts, state, msgs, statuses;
	bool found, more;
	int64_t oldest;
};

static void
hist_free(struct hist_page *h)
{
	relay_evrows_free(&h->contacts);
	relay_evrows_free(&h->state);
	relay_evrows_free(&h->msgs);
	relay_evrows_free(&h->statuses);
}

static int
hist_read(struct req *q, const char *conv, int64_t before, int limit,
    struct hist_page *h)
{
	struct relay_store *st = q->r->reader;
	json_t *state = NULL;
	int rc;

	if (relay_store_read_begin(st) != 0)
		return -1;
	rc = relay_store_conversation_get(st, conv, &state, NULL, NULL, NULL);
	h->found = rc > 0 && relay_agent_sees(q->r, q->agent, state);
	json_decref(state);
	if (rc < 0 || !h->found) {
		rc = rc < 0 ? -1 : 0;
		goto out;
	}
	rc = -1;
	if (relay_store_conv_events(st, conv, "contact", 0, INT64_MAX, 0,
	    false, &h->contacts) != 0 ||
	    relay_store_conv_events(st, conv, "conversation", 0, INT64_MAX, 1,
	    true, &h->state) != 0 ||
	    relay_store_conv_events(st, conv, "message", 0, before, limit + 1,
	    true, &h->msgs) != 0)
		goto out;
	if ((h->more = h->msgs.n > (size_t)limit)) {
		h->msgs.n--;
		free(h->msgs.v[h->msgs.n].type);
		free(h->msgs.v[h->msgs.n].json);
	}
	rc = 0;
	if (h->msgs.n == 0)
		goto out;
	/* Statuses up to before: one that came after a newer page's oldest
	 * message went out with that page. */
	h->oldest = h->msgs.v[h->msgs.n - 1].seq;
	rc = relay_store_conv_events(st, conv, "status", h->oldest, before, 0,
	    false, &h->statuses);
out:
	relay_store_read_end(st);
	return rc;
}

/* Messages (newest first) and statuses (oldest first), merged by seq. */
static void
hist_write_thread(struct buf *w, const struct hist_page *h, size_t *count)
{
	size_t m = h->msgs.n, s = 0;

	while (m > 0 || s < h->statuses.n) {
		if (s == h->statuses.n || (m > 0 &&
		    h->msgs.v[m - 1].seq < h->statuses.v[s].seq))
			window_event(w, &h->msgs.v[--m], count);
		else
			window_event(w, &h->statuses.v[s++], count);
	}
}

void
window_history(struct req *q)
{
	const char *conv = q->seg[2];
	struct hist_page h;
	struct buf w = { 0 };
	long long before, limit;
	char tail[96];
	size_t count = 0;
	int rc;

	if (req_int_arg(q, "before", 1, INT64_MAX, INT64_MAX, &before) != 0 ||
	    req_int_arg(q, "limit", 1, HIST_LIMIT_MAX, HIST_LIMIT_DEFAULT,
	    &limit) != 0)
		return;
	memset(&h, 0, sizeof h);
	pthread_mutex_lock(&q->r->reader_lock);
	rc = hist_read(q, conv, before, (int)limit, &h);
	pthread_mutex_unlock(&q->r->reader_lock);
	if (rc != 0) {
		req_error(q, 500, "store_error", "cannot read the conversation");
		goto out;
	}
	if (!h.found) {
		req_error(q, 404, "not_found", "no conversation %s", conv);
		goto out;
	}
	buf_adds(&w, "{\"events\":[");
	window_write_conv(&w, h.contacts.v, h.contacts.n, &count);
	window_write_conv(&w, h.state.v, h.state.n, &count);
	hist_write_thread(&w, &h, &count);
	snprintf(tail, sizeof tail, "],\"more\":%s,\"before\":%lld}",
	    h.more ? "true" : "false", (long long)(h.msgs.n > 0 ? h.oldest :
	    before == INT64_MAX ? 0 : before));
	buf_adds(&w, tail);
	window_reply(q, &w);
out:
	hist_free(&h);
}
