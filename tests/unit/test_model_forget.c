/* Forgetting conversations outside the working set: gone from the list,
 * the index and the queues, the others untouched and in order, and back
 * like new when their events arrive again. */
#include <jansson.h>

#include "check.h"
#include "ttydesk/model.h"

static int
apply(struct td_model *m, const char *text)
{
	char err[256];
	struct td_event ev;
	int rc;

	if (event_parse_text(text, strlen(text), &ev, err, sizeof err) != 0) {
		fprintf(stderr, "bad test event: %s\n%s\n", err, text);
		return -100;
	}
	rc = model_apply(m, &ev);
	event_free(&ev);
	return rc;
}

static void
msg(struct td_model *m, int seq, const char *conv, const char *id)
{
	char buf[512];

	snprintf(buf, sizeof buf, "{\"seq\": %d, \"ts\": %d, \"type\": "
	    "\"message\", \"conversation\": \"%s\", \"message\": {\"id\": "
	    "\"%s\", \"direction\": \"in\", \"kind\": \"text\", \"from\": "
	    "\"1555\", \"text\": \"hi\", \"status\": \"received\"}}", seq,
	    seq * 10, conv, id);
	CHECK(apply(m, buf) >= 0);
}

static void
resolve(struct td_model *m, int seq, const char *conv)
{
	char buf[512];

	snprintf(buf, sizeof buf, "{\"seq\": %d, \"ts\": %d, \"type\": "
	    "\"conversation\", \"conversation\": \"%s\", \"state\": "
	    "{\"status\": \"resolved\", \"assignee\": null, \"team\": null, "
	    "\"priority\": \"normal\", \"last_inbound_ts\": 0, \"labels\": []}}",
	    seq, seq * 10, conv);
	CHECK(apply(m, buf) >= 0);
}

static bool
forget_resolved(void *ud, const struct td_conversation *c)
{
	(*(int *)ud)++;
	return c->state.status == TD_CS_RESOLVED;
}

static void
test_forget_resolved(void)
{
	struct td_model *m = model_new("alice");
	struct td_queue all = { TD_Q_ALL, NULL, NULL };
	struct td_queue res = { TD_Q_RESOLVED, NULL, NULL };
	int offered = 0;

	msg(m, 1, "c1", "m1");
	msg(m, 2, "c2", "m2");
	msg(m, 3, "c3", "m3");
	msg(m, 4, "c4", "m4");
	resolve(m, 5, "c2");
	resolve(m, 6, "c4");
	/* A status for a conversation never listed is not offered. */
	CHECK(apply(m, "{\"seq\": 7, \"ts\": 70, \"type\": \"status\", "
	    "\"conversation\": \"c9\", \"status\": {\"message\": \"x\", "
	    "\"status\": \"read\"}}") >= 0);
	CHECK_INT(model_queue_count(m, &res), 2);
	CHECK_INT(model_forget(m, forget_resolved, &offered), 2);
	CHECK_INT(offered, 4);
	CHECK_INT(model_count(m), 2);
	CHECK_STR(model_get(m, 0)->id, "c1");
	CHECK_STR(model_get(m, 1)->id, "c3");
	CHECK(model_find(m, "c2") == NULL);
	CHECK(model_find(m, "c4") == NULL);
	CHECK_INT(model_queue_count(m, &res), 0);
	CHECK_INT(model_queue_count(m, &all), 2);
	CHECK_INT(model_find(m, "c3")->n_messages, 1);
	/* Seen again: back like a new conversation, no trace of before. */
	msg(m, 8, "c2", "m8");
	CHECK(model_find(m, "c2") != NULL);
	CHECK_INT(model_find(m, "c2")->n_messages, 1);
	CHECK_INT(model_find(m, "c2")->state.status, TD_CS_OPEN);
	CHECK_INT(model_count(m), 3);
	model_free(m);
}

static void
test_forget_one(void)
{
	struct td_model *m = model_new("alice");

	msg(m, 1, "c1", "m1");
	msg(m, 2, "c2", "m2");
	msg(m, 3, "c2", "m3");
	CHECK(!model_forget_conversation(m, "nope"));
	CHECK(model_forget_conversation(m, "c2"));
	CHECK(!model_forget_conversation(m, "c2"));
	CHECK_INT(model_count(m), 1);
	/* The same message ids are new again (the index went with it). */
	msg(m, 3, "c2", "m3");
	CHECK_INT(model_find(m, "c2")->n_messages, 1);
	CHECK_INT(model_find(m, "c2")->unread, 1);
	CHECK_INT(model_last_seq(m), 3);
	model_free(m);
}

int
main(void)
{
	RUN(test_forget_resolved);
	RUN(test_forget_one);
	return check_done();
}
