/* Restore detection: the log_id/head parse of a sync answer, the
 * decision to start over from 0, and the reset itself (the cached events
 * and cursor go, the outbox, drafts and read positions stay). */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "app_testutil.h"
#include "ttydesk/model.h"
#include "app.h"
#include "net.h"
#include "net_sync.h"
#include "outbox.h"
#include "relaylog.h"

static struct tu_cache_fixture fx;

static void
test_parse(void)
{
	char id[64];
	int64_t head;

	/* An old relay: no log_id, no head. */
	net_sync_log("{\"events\":[],\"next\":4}", 22, id, sizeof id, &head);
	CHECK_STR(id, "");
	CHECK_INT(head, -1);
	net_sync_log("{\"events\":[],\"next\":9,\"log_id\":\"a1b2\",\"head\":3}",
	    47, id, sizeof id, &head);
	CHECK_STR(id, "a1b2");
	CHECK_INT(head, 3);
	/* Garbage ids are treated as absent, never copied or overflowed. */
	net_sync_log("{\"log_id\":\"a b\"}", 16, id, sizeof id, &head);
	CHECK_STR(id, "");
	net_sync_log("{\"log_id\":7,\"head\":-2}", 22, id, sizeof id, &head);
	CHECK_STR(id, "");
	CHECK_INT(head, -1);
	net_sync_log("{\"log_id\":\"0123456789\"}", 23, id, 8, &head);
	CHECK_STR(id, "");
	net_sync_log("not json", 8, id, sizeof id, &head);
	CHECK_STR(id, "");
	CHECK_INT(head, -1);
}

static void
test_decide(void)
{
	/* Old relay without log_id: no reset. */
	CHECK(!relaylog_restored("abc", "", -1, 50));
	/* Old cache adopts the first id seen. */
	CHECK(!relaylog_restored("", "abc", -1, 50));
	/* Same id: no reset. */
	CHECK(!relaylog_restored("abc", "abc", -1, 50));
	CHECK(!relaylog_restored("abc", "abc", 50, 50));
	/* Another id: reset. */
	CHECK(relaylog_restored("abc", "abd", -1, 50));
	/* head behind the cursor sent: reset, even from an old cache. */
	CHECK(relaylog_restored("abc", "abc", 49, 50));
	CHECK(relaylog_restored("", "", 0, 1));
}

static void
app_up(struct app *app)
{
	CHECK_INT(tu_app_load(app, fx.dir, fx.key, NULL, NULL), CACHE_OK);
}

static json_t *
msg(int seq, const char *conv, const char *id)
{
	return json_pack("{s:i, s:i, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, "
	    "s:s}}", "seq", seq, "ts", 1700000000 + seq, "type", "message",
	    "conversation", conv, "message", "id", id, "direction", "in", "kind",
	    "text", "from", "1555", "text", "hi", "status", "received");
}

static void
test_adopt(void)
{
	struct app app;

	app_up(&app);
	/* A cache without a log_id adopts the first one it sees. */
	CHECK(cache_meta_get(app.cache, RELAYLOG_META) == NULL);
	CHECK_INT(relaylog_on_sync(&app, "L1", -1, 0), 0);
	CHECK_STR(cache_meta_get(app.cache, RELAYLOG_META), "L1");
	/* An old relay says nothing: nothing changes. */
	CHECK_INT(relaylog_on_sync(&app, "", -1, 0), 0);
	CHECK_STR(cache_meta_get(app.cache, RELAYLOG_META), "L1");
	app_free(&app);
	/* Kept across starts. */
	app_up(&app);
	CHECK_STR(cache_meta_get(app.cache, RELAYLOG_META), "L1");
	app_free(&app);
}

static void
test_reset(void)
{
	struct app app;
	struct coll col;
	json_t *ev, *body;
	char err[256];
	int64_t seq;
	uint64_t n;

	app_up(&app);
	ev = json_pack("[o, o, o]", msg(3, "c1", "m1"), msg(8, "c1", "m2"),
	    msg(9, "c2", "m3"));
	CHECK_INT(app_store_events(&app, ev, 10), 0);
	json_decref(ev);
	CHECK(model_find(app.model, "c1") != NULL);
	body = json_pack("{s:s}", "text", "kept reply");
	CHECK_INT(outbox_add(&app, "c1", "reply", "/messages", "kept reply",
	    body), 0);
	json_decref(body);
	CHECK_INT(cache_draft_set(app.cache, "c2", "kept draft", err,
	    sizeof err), 0);
	CHECK_INT(cache_read_set(app.cache, "c1", 8, err, sizeof err), 0);
	CHECK_INT(cache_read_set(app.cache, "c2", 4, err, sizeof err), 0);
	CHECK_INT(cache_cursor(app.cache), 10);

	/* Same log, cursor within it: nothing happens. */
	CHECK_INT(relaylog_on_sync(&app, "L1", -1, 10), 0);
	CHECK_INT(cache_cursor(app.cache), 10);
	/* Another log_id, head 5 behind our 10: start over. */
	CHECK_INT(relaylog_on_sync(&app, "L2", 5, 10), 1);
	CHECK_INT(cache_cursor(app.cache), 0);
	CHECK_INT(model_count(app.model), 0);
	CHECK_STR(cache_meta_get(app.cache, RELAYLOG_META), "L2");
	CHECK(strstr(app.msg, "restored from a backup") != NULL);
	CHECK_INT(outbox_unsent(&app), 1);
	CHECK(cache_has_draft(app.cache, "c2"));
	/* Positions past the new head come down to it; the others stay. */
	CHECK(cache_read_get(app.cache, "c1", &seq));
	CHECK_INT(seq, 5);
	CHECK(cache_read_get(app.cache, "c2", &seq));
	CHECK_INT(seq, 4);
	/* The new log's answer is taken as it is. */
	CHECK_INT(relaylog_on_sync(&app, "L2", -1, 0), 0);
	app_free(&app);

	/* On disk too: no event, cursor 0, the outbox entry and the draft. */
	memset(&col, 0, sizeof col);
	{
		struct td_cache *c;
		struct cache_visitor v = { &col, coll_event, coll_outbox,
		    coll_draft };

		CHECK_INT(cache_open(fx.dir, fx.key, &c, err, sizeof err), CACHE_OK);
		CHECK_INT(cache_load(c, &v, err, sizeof err), CACHE_OK);
		CHECK_INT(cache_cursor(c), 0);
		cache_event_counts(c, &n, NULL);
		CHECK_INT(n, 0);
		CHECK_INT(col.nev, 0);
		CHECK_INT(col.nob, 1);
		CHECK(col.nob == 1 && strstr(col.ob_json[0], "kept reply") != NULL);
		CHECK_INT(col.ndr, 1);
		CHECK(col.ndr == 1 && strcmp(col.dr_text[0], "kept draft") == 0);
		CHECK_STR(cache_meta_get(c, RELAYLOG_META), "L2");
		cache_close(c);
	}
	coll_free(&col);
}

int
main(void)
{
	tu_cache_fixture_init(&fx);
	RUN(test_parse);
	RUN(test_decide);
	RUN(test_adopt);
	tu_rmrf(fx.dir);
	RUN(test_reset);
	tu_cache_fixture_free(&fx);
	return check_done();
}
