/*
 * The application side of the conversation actions, without a screen:
 * convreq_* queue the right request (name, path, body) in the outbox; the
 * canned filter, the pending line's state text, team labels and the
 * relay hits outside the working set choose what the views show.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "app_testutil.h"
#include "ui_fixture.h"
#include "ttydesk/model.h"
#include "app.h"
#include "assignees.h"
#include "canned.h"
#include "convreq.h"
#include "labels.h"
#include "outbox.h"
#include "rsearch.h"
#include "teams.h"

static struct tu_cache_fixture fx;

/* The newest outbox entry: its name and path, and its body without the
 * client_id as compact JSON into body. */
static const struct ob_entry *
last(struct app *app, char *body, size_t len)
{
	const struct ob_entry *e;
	json_t *b;
	char *s;

	CHECK(app->outbox != NULL && app->outbox->n > 0);
	if (app->outbox == NULL || app->outbox->n == 0)
		return NULL;
	e = app->outbox->e[app->outbox->n - 1];
	b = json_deep_copy(e->body);
	json_object_del(b, "client_id");
	s = json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(body, len, "%s", s != NULL ? s : "");
	free(s);
	json_decref(b);
	return e;
}

static void
test_requests(void)
{
	struct app app;
	struct label_edit le;
	const struct ob_entry *e;
	const char *ids[] = { "c1", "c2" };
	char body[512], err[256];

	CHECK_INT(tu_app_load(&app, fx.dir, fx.key, NULL, NULL), CACHE_OK);
	CHECK_INT(convreq_assign(&app, "c1", "claim", "alice"), 0);
	e = last(&app, body, sizeof body);
	CHECK(e != NULL && strcmp(e->what, "claim") == 0 &&
	    strcmp(e->path, "/v1/conversations/c1/assign") == 0);
	CHECK_STR(body, "{\"agent\":\"alice\"}");
	CHECK_INT(convreq_assign(&app, "c1", "unassign", NULL), 0);
	last(&app, body, sizeof body);
	CHECK_STR(body, "{\"agent\":null}");
	CHECK_INT(convreq_status(&app, "c1", "resolve", "resolved"), 0);
	e = last(&app, body, sizeof body);
	CHECK(e != NULL && strcmp(e->path, "/v1/conversations/c1/status") == 0);
	CHECK_STR(body, "{\"status\":\"resolved\"}");
	CHECK_INT(convreq_snooze(&app, "c1", 1750000000), 0);
	last(&app, body, sizeof body);
	CHECK_STR(body, "{\"status\":\"snoozed\",\"until\":1750000000}");
	CHECK_INT(labels_parse("vip -spam", NULL, 0, &le, err, sizeof err), 0);
	CHECK_INT(convreq_labels(&app, "c1", &le), 0);
	labels_edit_free(&le);
	e = last(&app, body, sizeof body);
	CHECK(e != NULL && strcmp(e->path, "/v1/conversations/c1/labels") == 0);
	CHECK_STR(body, "{\"add\":[\"vip\"],\"remove\":[\"spam\"]}");
	CHECK_INT(convreq_escalate(&app, "c1", "tier2", "urgent", "refund"), 0);
	last(&app, body, sizeof body);
	CHECK_STR(body, "{\"priority\":\"urgent\",\"reason\":\"refund\","
	    "\"team\":\"tier2\"}");
	CHECK_INT(convreq_bulk(&app, ids, 2, "status", json_string("open")), 0);
	e = last(&app, body, sizeof body);
	CHECK(e != NULL && strcmp(e->what, "bulk status") == 0 &&
	    strcmp(e->path, "/v1/bulk") == 0 && e->kind == OBK_BULK);
	CHECK_STR(body, "{\"action\":{\"status\":\"open\"},"
	    "\"conversations\":[\"c1\",\"c2\"]}");
	CHECK_INT(app.outbox->n, 7);
	app_free(&app);
	tu_rmrf(fx.dir);
}

static void
test_choices(void)
{
	const char *keys[] = { "thanks", "later", "Refund" };
	const char *values[] = { "Thank you!", "We will get back", "Money back" };
	struct ob_entry e;
	struct app app;
	struct app_team teams[] = { { "t1", "Billing" }, { "t2", NULL } };
	struct rsearch_hit hits[4];
	size_t m[4];
	char buf[128];
	struct td_conversation *c;

	CHECK_INT(canned_select(keys, values, 3, "BACK", m), 2);
	CHECK(m[0] == 1 && m[1] == 2);
	CHECK_INT(canned_select(keys, values, 3, "", m), 3);
	CHECK_INT(canned_select(keys, values, 3, "nothing", m), 0);

	memset(&e, 0, sizeof e);
	e.state = OB_QUEUED;
	obx_state_text(&e, buf, sizeof buf);
	CHECK_STR(buf, "queued");
	e.attempts = 1;
	obx_state_text(&e, buf, sizeof buf);
	CHECK_STR(buf, "queued, not sent yet (relay unreachable, try 2)");
	e.state = OB_DONE;
	obx_state_text(&e, buf, sizeof buf);
	CHECK_STR(buf, "at the relay");

	memset(&app, 0, sizeof app);
	app.teams = teams;
	app.n_teams = 2;
	CHECK_STR(teams_name(&app, "t1"), "Billing");
	CHECK_STR(teams_name(&app, "t2"), "t2");
	teams_label(&app, 0, buf, sizeof buf);
	CHECK_STR(buf, "Billing (t1)");
	teams_label(&app, 1, buf, sizeof buf);
	CHECK_STR(buf, "t2");

	/* Hits of conversations outside the model, each once. */
	app.model = fx_model(1750000000);
	memset(hits, 0, sizeof hits);
	hits[0].conv = "old1";
	hits[1].conv = "old2";
	hits[2].conv = "old1";
	hits[3].conv = "c1"; /* in the model */
	CHECK_INT(rsearch_unseen(&app, hits, 4, m), 2);
	CHECK(m[0] == 0 && m[1] == 1);

	/* Someone else's conversation (a reply asks first), or mine. */
	c = model_find(app.model, "c1");
	CHECK(c != NULL);
	if (c != NULL) {
		app.self_id = "bob";
		CHECK_STR(assignees_other(&app, c), "alice");
		app.self_id = "alice";
		CHECK(assignees_other(&app, c) == NULL);
	}
	model_free(app.model);
}

int
main(void)
{
	tu_cache_fixture_init(&fx);
	RUN(test_requests);
	RUN(test_choices);
	tu_cache_fixture_free(&fx);
	return check_done();
}
