/* Labels, team and agent ids and names from the relay never bring a
 * terminal control to the screen: the model and /v1/me keep them
 * sanitized, and a list row built from them holds none. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "ttydesk/model.h"
#include "aline.h"
#include "app.h"
#include "listrow.h"
#include "ui_fixture.h"

/* No C0 control (ESC, BEL), no DEL, no C1 (0xc2 0x80..0x9f). */
static bool
inert(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 &&
		    p[1] <= 0x9f))
			return false;
	return true;
}

static void
test_state(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c;
	struct aline l;
	struct row_ctx ctx = { 1700000000, "alice", true, false };
	size_t i;

	CHECK(fx_apply(m, "{\"seq\":1,\"ts\":1700000000,\"type\":\"conversation\","
	    "\"conversation\":\"c9\",\"state\":{\"status\":\"escalated\","
	    "\"assignee\":\"bo\\u001b[2Jb\",\"team\":\"t\\u001b]0;pwned\\u0007x\","
	    "\"priority\":\"high\",\"last_inbound_ts\":0,\"labels\":["
	    "\"vip\\u001b[31m\",\"\\u009b2J\",\"ok\"],\"escalation\":{\"team\":"
	    "\"t\\u001b[5m\",\"reason\":\"why\\u0007\\nnot\",\"by\":\"x\\u001b\","
	    "\"at\":1}}}") >= 0);
	c = model_find(m, "c9");
	CHECK(c != NULL);
	if (c == NULL)
		goto out;
	CHECK(inert(c->state.assignee));
	CHECK(inert(c->state.team));
	CHECK_INT(c->state.n_labels, 3);
	for (i = 0; i < c->state.n_labels; i++)
		CHECK(inert(c->state.labels[i]));
	CHECK_STR(c->state.labels[2], "ok");
	CHECK(strstr(c->state.labels[0], "vip") != NULL);
	CHECK(inert(c->state.escalation.team));
	CHECK(inert(c->state.escalation.reason));
	CHECK(inert(c->state.escalation.by));
	memset(&l, 0, sizeof l);
	CHECK_INT(list_format_row(&l, c, &ctx, 120), 0);
	CHECK(l.text != NULL && memchr(l.text, 0x1b, l.len) == NULL &&
	    memchr(l.text, 0x07, l.len) == NULL);
	aline_free(&l);
out:
	model_free(m);
}

static void
test_me(void)
{
	struct app app;
	char err[256];
	json_t *me;

	CHECK_INT(app_init(&app, NULL, model_new(NULL), err, sizeof err), 0);
	me = json_loads("{\"agent\":{\"id\":\"alice\",\"name\":\"Al\\u001b[8mice\","
	    "\"teams\":[\"tier1\\u001b[0m\"]},\"teams\":[{\"id\":\"tier1\","
	    "\"name\":\"Tier \\u001b]52;c;aGk=\\u0007one\"}]}", 0, NULL);
	CHECK(me != NULL);
	app_set_me(&app, me);
	json_decref(me);
	CHECK_STR(app.self_id, "alice");
	CHECK(app.self_name != NULL && inert(app.self_name));
	CHECK_INT(app.n_teams, 1);
	CHECK(app.n_teams == 1 && inert(app.teams[0].name) &&
	    strstr(app.teams[0].name, "Tier") != NULL);
	CHECK_INT(app.n_my_teams, 1);
	CHECK(app.n_my_teams == 1 && inert(app.my_teams[0]));
	app_free(&app);
}

int
main(void)
{
	RUN(test_state);
	RUN(test_me);
	return check_done();
}
