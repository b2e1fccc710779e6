/*
 * Conversation events of automatic assignment and visibility: the system
 * line says who assigned and how ("assigned to Bob (auto)", "assigned to
 * Bob by Alice", names where known), a cached assignment keeps its
 * assigned_by across a restart, and a "hidden" conversation leaves the
 * model at once and the cache at the next compaction, also after a
 * restart.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "app_testutil.h"
#include "ttydesk/model.h"
#include "app.h"
#include "roster.h"
#include "window.h"

static struct tu_cache_fixture fx;
static char lines[16][200];
static size_t n_lines;

static void
on_sys_line(struct app *app, const char *conv, int64_t ts, int64_t seq,
    const char *line)
{
	(void)app;
	(void)conv;
	(void)ts;
	(void)seq;
	if (n_lines < 16)
		snprintf(lines[n_lines++], sizeof lines[0], "%s", line);
}

static const struct app_view_ops ops = { .sys_line = on_sys_line };

static void
app_up(struct app *app)
{
	CHECK_INT(tu_app_load(app, fx.dir, fx.key, NULL, &ops), CACHE_OK);
}

static json_t *
msg(int seq, const char *conv, const char *id)
{
	return json_pack("{s:i, s:i, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, "
	    "s:s}}", "seq", seq, "ts", 1000 + seq, "type", "message",
	    "conversation", conv, "message", "id", id, "direction", "in", "kind",
	    "text", "from", "1555", "text", "hi", "status", "received");
}

static json_t *
assign(int seq, const char *conv, const char *who, const char *by)
{
	json_t *e = json_pack("{s:i, s:i, s:s, s:s, s:{s:s, s:s, s:s, s:s}}",
	    "seq", seq, "ts", 1000 + seq, "type", "conversation",
	    "conversation", conv, "state", "status", "open", "assignee", who,
	    "team", "tier1", "priority", "normal");

	if (by != NULL)
		json_object_set_new(json_object_get(e, "state"), "assigned_by",
		    json_string(by));
	return e;
}

static void
store(struct app *app, json_t *events, int64_t cursor)
{
	CHECK_INT(app_store_events(app, events, cursor), 0);
	json_decref(events);
	app_after_events(app, 0);
}

static bool
saw(const char *line)
{
	size_t i;

	for (i = 0; i < n_lines; i++)
		if (strcmp(lines[i], line) == 0)
			return true;
	return false;
}

static void
test_assign_lines(void)
{
	struct app app;
	struct roster ro;
	const char *team = "{\"agents\":[{\"id\":\"bob\",\"name\":\"Bob\"},"
	    "{\"id\":\"alice\",\"name\":\"Alice\"}]}";
	json_t *me;
	char err[256];

	n_lines = 0;
	app_up(&app);
	me = json_pack("{s:{s:s, s:s}, s:s}", "agent", "id", "alice", "name",
	    "Alice", "role", "supervisor");
	app_set_me(&app, me);
	json_decref(me);
	CHECK_STR(app.self_role, "supervisor");
	/* Without the team's names: ids. */
	store(&app, json_pack("[o,o]", msg(1, "c1", "m1"),
	    assign(2, "c1", "bob", "auto")), 2);
	CHECK(saw("assigned to bob (auto)"));
	CHECK_INT(roster_parse(team, strlen(team), &ro, err, sizeof err), 0);
	app.roster = malloc(sizeof *app.roster);
	CHECK(app.roster != NULL);
	if (app.roster == NULL)
		return;
	*app.roster = ro;
	store(&app, json_pack("[o,o]", assign(3, "c1", "alice", "auto"),
	    assign(4, "c1", "bob", "alice")), 4);
	CHECK(saw("assigned to Alice (auto)"));
	CHECK(saw("assigned to Bob by Alice"));
	/* Claimed by oneself, or an older relay that does not say: plain. */
	store(&app, json_pack("[o,o]", assign(5, "c1", "alice", "alice"),
	    assign(6, "c1", "bob", NULL)), 6);
	CHECK(saw("assigned to Alice"));
	CHECK(saw("assigned to Bob"));
	CHECK_INT(n_lines, 5);
	app_free(&app);

	/* The cache keeps assigned_by (packed format 2): the replay says
	 * (auto) again. */
	n_lines = 0;
	app_up(&app);
	CHECK(saw("assigned to bob (auto)"));
	CHECK_STR(model_find(app.model, "c1")->state.assignee, "bob");
	app_free(&app);
	tu_rmrf(fx.dir);
}

static void
count_event(void *ud, const char *ev, size_t len)
{
	(void)ev;
	(void)len;
	(*(size_t *)ud)++;
}

/* Events the cache in fx.dir holds. */
static size_t
cached_events(void)
{
	struct td_cache *c;
	size_t n = 0;
	struct cache_visitor v = { &n, count_event, NULL, NULL };
	char err[256];

	CHECK_INT(cache_open(fx.dir, fx.key, &c, err, sizeof err), CACHE_OK);
	CHECK_INT(cache_load(c, &v, err, sizeof err), CACHE_OK);
	cache_close(c);
	return n;
}

static void
test_hidden(void)
{
	struct app app;
	json_t *hide;

	n_lines = 0;
	app_up(&app);
	store(&app, json_pack("[o,o,o,o]", msg(1, "x", "m1"),
	    assign(2, "x", "bob", "auto"), msg(3, "y", "m2"),
	    assign(4, "y", "alice", NULL)), 4);
	CHECK(model_find(app.model, "x") != NULL);
	/* Top level, without a state. */
	hide = json_pack("{s:i, s:i, s:s, s:s, s:b}", "seq", 5, "ts", 1005,
	    "type", "conversation", "conversation", "x", "hidden", 1);
	store(&app, json_pack("[o]", hide), 5);
	CHECK(model_find(app.model, "x") == NULL);
	CHECK(model_find(app.model, "y") != NULL);
	CHECK_INT(model_count(app.model), 1);
	app_free(&app);

	CHECK_INT(cached_events(), 5);
	/* A restart before compaction replays the hidden event. */
	app_up(&app);
	CHECK(model_find(app.model, "x") == NULL);
	CHECK_INT(model_count(app.model), 1);
	/* Idle: compaction leaves x's events out of the cache. */
	app.last_key = app.now - 60;
	window_idle(&app);
	app_free(&app);
	CHECK_INT(cached_events(), 2);
	app_up(&app);
	CHECK(model_find(app.model, "x") == NULL);
	CHECK(model_find(app.model, "y") != NULL);
	/* Back in view later: like a new conversation. */
	store(&app, json_pack("[o]", msg(6, "x", "m3")), 6);
	CHECK(model_find(app.model, "x") != NULL);
	app_free(&app);
	tu_rmrf(fx.dir);
}

int
main(void)
{
	tu_cache_fixture_init(&fx);
	RUN(test_assign_lines);
	RUN(test_hidden);
	tu_cache_fixture_free(&fx);
	return check_done();
}
