/*
 * The working set: snapshot pages applied to the model and the cache with
 * their resume position (a restart resumes at the stored page, the last
 * page sets the cursor and clears it); eviction keeps open, recent,
 * opened and drafted conversations and the read positions, and its
 * compaction leaves the others' events out of the cache; history pages
 * merge without duplicates; the parsers of snapshot, history and search
 * answers refuse what does not fit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "app_testutil.h"
#include "ttydesk/model.h"
#include "app.h"
#include "history.h"
#include "net.h"
#include "net_snapshot.h"
#include "rsearch.h"
#include "window.h"

#define DAY 86400

static struct tu_cache_fixture fx;
static struct appconfig cfg;

static void
app_up(struct app *app, bool windowed)
{
	CHECK_INT(tu_app_load(app, fx.dir, fx.key, windowed ? &cfg : NULL,
	    NULL), CACHE_OK);
}

static json_t *
msg(int seq, long long ts, const char *conv, const char *id)
{
	return json_pack("{s:i, s:I, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, "
	    "s:s}}", "seq", seq, "ts", (json_int_t)ts, "type", "message",
	    "conversation", conv, "message", "id", id, "direction", "in", "kind",
	    "text", "from", "1555", "text", "hi", "status", "received");
}

static json_t *
state(int seq, long long ts, const char *conv, const char *status)
{
	return json_pack("{s:i, s:I, s:s, s:s, s:{s:s, s:n, s:n, s:s, s:i, "
	    "s:[]}}", "seq", seq, "ts", (json_int_t)ts, "type", "conversation",
	    "conversation", conv, "state", "status", status, "assignee", "team",
	    "priority", "normal", "last_inbound_ts", 0, "labels");
}

static void
page(struct app *app, json_t *events, int64_t through, const char *cursor,
    bool more)
{
	struct net_snap_page pg;

	memset(&pg, 0, sizeof pg);
	pg.events = events;
	pg.through = through;
	snprintf(pg.cursor, sizeof pg.cursor, "%s", cursor);
	pg.more = more;
	pg.total = pg.conversations = -1;
	pg.outside = 40;
	pg.outside_resolved = 39;
	CHECK_INT(window_on_snapshot(app, &pg), 0);
	json_decref(events);
}

static void
test_snapshot_resume(void)
{
	struct app app;
	struct net_options o;
	long long now;
	char buf[64];

	app_up(&app, true);
	now = app.now;
	memset(&o, 0, sizeof o);
	window_net_options(&app, &o);
	CHECK(o.snap_since >= now - 30 * DAY - 1 && o.snap_since <= now - 30 * DAY + 1);
	CHECK_INT(o.snap_through, 0);
	CHECK(o.snap_cursor == NULL);
	page(&app, json_pack("[o, o]", msg(3, now, "c1", "m1"),
	    msg(7, now, "c2", "m2")), 10, "c2", true);
	CHECK(model_find(app.model, "c1") != NULL);
	CHECK(model_find(app.model, "c2") != NULL);
	CHECK_INT(cache_cursor(app.cache), 0);
	CHECK(window_progress(&app, buf, sizeof buf) != NULL);
	CHECK_STR(buf, "loading 2 conversations");
	app_free(&app);

	/* Killed here: the next start resumes after c2, with the same since. */
	app_up(&app, true);
	CHECK(model_find(app.model, "c2") != NULL);
	memset(&o, 0, sizeof o);
	window_net_options(&app, &o);
	CHECK_INT(o.snap_through, 10);
	CHECK_STR(o.snap_cursor, "c2");
	CHECK(o.snap_since >= now - 30 * DAY - 1 && o.snap_since <= now - 30 * DAY + 1);
	page(&app, json_pack("[o]", msg(9, now, "c3", "m3")), 10, "c3", false);
	CHECK_INT(cache_cursor(app.cache), 10);
	CHECK(cache_meta_get(app.cache, "snapshot") == NULL);
	CHECK(window_progress(&app, buf, sizeof buf) == NULL);
	CHECK_INT(window_outside(&app, true), 39);
	app_free(&app);

	/* Done: no snapshot again, the cursor follows. */
	app_up(&app, true);
	CHECK_INT(model_count(app.model), 3);
	memset(&o, 0, sizeof o);
	o.cursor = cache_cursor(app.cache);
	window_net_options(&app, &o);
	CHECK_INT(o.snap_since, 0);
	CHECK_INT(window_outside(&app, true), 39);
	app_free(&app);
	tu_rmrf(fx.dir);
}

static void
test_evict(void)
{
	struct app app;
	long long now, old;
	json_t *ev;
	char err[256];
	int64_t seq;

	app_up(&app, true);
	now = app.now;
	old = now - 200 * DAY;
	ev = json_pack("[o,o, o,o, o,o, o,o, o,o, o,o]",
	    msg(1, old, "open", "a1"), state(2, old, "open", "open"),
	    msg(3, old, "gone", "b1"), state(4, now, "gone", "resolved"),
	    msg(5, old, "draft", "d1"), state(6, old, "draft", "resolved"),
	    msg(7, old, "read", "r1"), state(8, old, "read", "resolved"),
	    msg(9, old, "opened", "o1"), state(10, old, "opened", "resolved"),
	    msg(11, now - DAY, "recent", "n1"),
	    state(12, now, "recent", "resolved"));
	CHECK_INT(app_store_events(&app, ev, 12), 0);
	json_decref(ev);
	CHECK_INT(cache_draft_set(app.cache, "draft", "keep me", err,
	    sizeof err), 0);
	CHECK_INT(cache_read_set(app.cache, "read", 7, err, sizeof err), 0);
	window_opened(&app, "opened");
	CHECK_INT(window_evict(&app), 2);
	CHECK(model_find(app.model, "open") != NULL);
	CHECK(model_find(app.model, "draft") != NULL);
	CHECK(model_find(app.model, "opened") != NULL);
	CHECK(model_find(app.model, "recent") != NULL);
	CHECK(model_find(app.model, "gone") == NULL);
	CHECK(model_find(app.model, "read") == NULL);
	/* Idle: the cache drops their events. */
	app.last_key = app.now - 60;
	window_idle(&app);
	app_free(&app);

	app_up(&app, false); /* no window: whatever the cache holds */
	CHECK_INT(model_count(app.model), 4);
	CHECK(model_find(app.model, "gone") == NULL);
	CHECK(cache_read_get(app.cache, "read", &seq) && seq == 7);
	CHECK(cache_has_draft(app.cache, "draft"));
	CHECK(cache_meta_get(app.cache, "opened/opened") != NULL);
	app_free(&app);
	tu_rmrf(fx.dir);
}

static void
test_history_merge(void)
{
	struct app app;
	json_t *events = NULL;
	bool more = false;
	int64_t before = 0;
	char err[256];
	const char *p1 = "{\"events\": [{\"seq\": 5, \"ts\": 100, \"type\": "
	    "\"message\", \"conversation\": \"h\", \"message\": {\"id\": \"x5\", "
	    "\"direction\": \"in\", \"kind\": \"text\", \"from\": \"1\", "
	    "\"text\": \"five\", \"status\": \"received\"}}, {\"seq\": 6, \"ts\": "
	    "101, \"type\": \"message\", \"conversation\": \"h\", \"message\": "
	    "{\"id\": \"x6\", \"direction\": \"in\", \"kind\": \"text\", "
	    "\"from\": \"1\", \"text\": \"six\", \"status\": \"received\"}}], "
	    "\"more\": true, \"before\": 5}";
	const char *p2 = "{\"events\": [{\"seq\": 4, \"ts\": 99, \"type\": "
	    "\"message\", \"conversation\": \"h\", \"message\": {\"id\": \"x4\", "
	    "\"direction\": \"in\", \"kind\": \"text\", \"from\": \"1\", "
	    "\"text\": \"four\", \"status\": \"received\"}}, {\"seq\": 5, \"ts\": "
	    "100, \"type\": \"message\", \"conversation\": \"h\", \"message\": "
	    "{\"id\": \"x5\", \"direction\": \"in\", \"kind\": \"text\", "
	    "\"from\": \"1\", \"text\": \"five\", \"status\": \"received\"}}], "
	    "\"more\": false}";

	app_up(&app, false);
	CHECK_INT(history_parse(p1, strlen(p1), "h", &events, &more, &before,
	    err, sizeof err), 0);
	CHECK(more);
	CHECK_INT(before, 5);
	CHECK_INT(app_store_events(&app, events, 0), 0);
	json_decref(events);
	/* The older page overlaps (x5 again): merged, not doubled. */
	CHECK_INT(history_parse(p2, strlen(p2), "h", &events, &more, &before,
	    err, sizeof err), 0);
	CHECK(!more);
	CHECK_INT(app_store_events(&app, events, 0), 0);
	json_decref(events);
	CHECK_INT(model_find(app.model, "h")->n_messages, 3);
	CHECK_STR(model_find(app.model, "h")->messages[0]->m.text, "four");
	/* Another conversation's events, or more without before: refused. */
	CHECK_INT(history_parse(p1, strlen(p1), "other", &events, &more,
	    &before, err, sizeof err), -1);
	CHECK_INT(history_parse("{\"events\": [], \"more\": true}", 28, "h",
	    &events, &more, &before, err, sizeof err), -1);
	app_free(&app);
	tu_rmrf(fx.dir);
}

static void
test_parsers(void)
{
	struct net_snap_page pg;
	struct rsearch_hit *hits;
	size_t n;
	char err[256], *s;
	const char *ok = "{\"through\": 9, \"events\": [{\"seq\": 9}], "
	    "\"cursor\": \"c4\", \"more\": true, \"outside\": "
	    "{\"conversations\": 7, \"resolved\": 6}}";
	const char *ahead = "{\"through\": 9, \"events\": [{\"seq\": 10}], "
	    "\"cursor\": \"c4\", \"more\": false}";
	const char *nocur = "{\"through\": 9, \"events\": [], \"more\": true}";
	const char *res = "{\"results\": [{\"conversation\": \"c1\", \"seq\": 3, "
	    "\"ts\": 5, \"kind\": \"message\", \"snippet\": "
	    "\"the \\u0002zeppelin\\u0003 \\u001b[31mlanded\"}], \"more\": false}";

	CHECK_INT(net_snap_parse(ok, strlen(ok), 0, &pg, err, sizeof err), 0);
	CHECK_INT(pg.through, 9);
	CHECK_STR(pg.cursor, "c4");
	CHECK(pg.more);
	CHECK_INT(pg.outside, 7);
	CHECK_INT(pg.outside_resolved, 6);
	json_decref(pg.events);
	/* A later page must keep the first page's through. */
	CHECK_INT(net_snap_parse(ok, strlen(ok), 8, &pg, err, sizeof err), -1);
	CHECK_INT(net_snap_parse(ahead, strlen(ahead), 0, &pg, err,
	    sizeof err), -1);
	CHECK_INT(net_snap_parse(nocur, strlen(nocur), 0, &pg, err,
	    sizeof err), -1);
	CHECK_INT(net_snap_parse("[", 1, 0, &pg, err, sizeof err), -1);

	CHECK_INT(rsearch_parse(res, strlen(res), &hits, &n, err, sizeof err),
	    0);
	CHECK_INT(n, 1);
	CHECK_STR(hits[0].conv, "c1");
	/* Marks kept, the escape sequence gone. */
	CHECK(strstr(hits[0].snippet, "\x02zeppelin\x03") != NULL);
	CHECK(strchr(hits[0].snippet, '\x1b') == NULL);
	rsearch_hits_free(hits, n);
	s = rsearch_snippet("a\x02open\x03\x03 b\x02tail",
	    strlen("a\x02open\x03\x03 b\x02tail"));
	CHECK_STR(s, "a\x02open\x03 b\x02tail\x03");
	free(s);
	CHECK_INT(rsearch_parse("{\"results\": [{}]}", 17, &hits, &n, err,
	    sizeof err), -1);
}

int
main(void)
{
	tu_cache_fixture_init(&fx);
	cfg.path = "test";
	cfg.window_s = 30 * DAY;
	RUN(test_snapshot_resume);
	RUN(test_evict);
	RUN(test_history_merge);
	RUN(test_parsers);
	tu_cache_fixture_free(&fx);
	return check_done();
}
