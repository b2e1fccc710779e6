/* The outbox state machine: order, verdicts, backoff, persistence. */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ttydesk/clientid.h"
#include "outbox.h"

static struct ob_entry *
add(struct outbox *ob, const char *what, const char *text)
{
	char id[40];
	json_t *body = json_pack("{s:s}", "text", text ? text : "x");
	struct ob_entry *e;

	client_id_new(id, sizeof id);
	e = obx_add(ob, id, "conv/1", what, "/v1/conversations/conv%2F1/messages",
	    text, body);
	json_decref(body);
	return e;
}

static void
test_client_ids(void)
{
	char a[40], b[40];

	client_id_new(a, sizeof a);
	client_id_new(b, sizeof b);
	CHECK_INT(strlen(a), 34);
	CHECK(strncmp(a, "c-", 2) == 0);
	CHECK(strcmp(a, b) != 0);
}

static void
test_order_and_verdicts(void)
{
	struct outbox ob;
	struct ob_entry *e1, *e2;

	memset(&ob, 0, sizeof ob);
	e1 = add(&ob, "reply", "first");
	e2 = add(&ob, "resolve", NULL);
	CHECK(e1 != NULL && e2 != NULL);
	CHECK_STR(json_string_value(json_object_get(e1->body, "client_id")),
	    e1->client_id);
	CHECK_INT(obx_unsent(&ob), 2);
	CHECK(obx_next(&ob, 0) == e1);
	e1->state = OB_SENDING;
	CHECK(obx_next(&ob, 0) == NULL); /* nothing overtakes it */
	/* Relay down: retry later with backoff. */
	CHECK_INT(obx_answer(e1, 0, 1000, "connection refused"), OBV_RETRY);
	CHECK_INT(e1->state, OB_QUEUED);
	CHECK_INT(e1->next_ms, 2000);
	CHECK_STR(e1->error, "connection refused");
	CHECK(obx_next(&ob, 1500) == NULL);
	CHECK(obx_next(&ob, 2000) == e1);
	CHECK_INT(obx_answer(e1, 503, 2000, "x"), OBV_RETRY);
	CHECK_INT(e1->next_ms, 4000);
	for (int i = 0; i < 10; i++)
		obx_answer(e1, 502, 0, "x");
	CHECK_INT(e1->next_ms, 30000); /* capped */
	/* Accepted: done, and the next one may go. */
	CHECK_INT(obx_answer(e1, 202, 5000, NULL), OBV_DONE);
	CHECK_INT(e1->state, OB_DONE);
	CHECK_INT(obx_unsent(&ob), 1);
	CHECK(obx_next(&ob, 5000) == e2);
	obx_free(&ob);
}

static void
test_verdict_table(void)
{
	CHECK_INT(obx_verdict(200), OBV_DONE);
	CHECK_INT(obx_verdict(201), OBV_DONE);
	CHECK_INT(obx_verdict(204), OBV_DONE);
	CHECK_INT(obx_verdict(0), OBV_RETRY);
	CHECK_INT(obx_verdict(500), OBV_RETRY);
	CHECK_INT(obx_verdict(429), OBV_RETRY);
	CHECK_INT(obx_verdict(401), OBV_RETRY);
	CHECK_INT(obx_verdict(400), OBV_REFUSED);
	CHECK_INT(obx_verdict(404), OBV_REFUSED);
	CHECK_INT(obx_verdict(409), OBV_REFUSED);
	/* Forbidden (roles): dropped with the relay's reason, never retried. */
	CHECK_INT(obx_verdict(403), OBV_REFUSED);
}

static void
test_error_text(void)
{
	char buf[256];

	obx_error_text(buf, sizeof buf, 409, "{\"error\": {\"code\": "
	    "\"window_closed\", \"message\": \"send a template\"}}", NULL);
	CHECK_STR(buf, "send a template");
	obx_error_text(buf, sizeof buf, 403, "{\"error\": {\"code\": "
	    "\"forbidden\", \"message\": \"only supervisors may assign "
	    "to others\"}}", NULL);
	CHECK_STR(buf, "only supervisors may assign to others");
	obx_error_text(buf, sizeof buf, 403, "{\"error\": \"forbidden\", "
	    "\"message\": \"reports are for supervisors\"}", NULL);
	CHECK_STR(buf, "reports are for supervisors");
	obx_error_text(buf, sizeof buf, 502, "<html>", NULL);
	CHECK_STR(buf, "relay answered HTTP 502");
	obx_error_text(buf, sizeof buf, 0, NULL, "Connection refused");
	CHECK_STR(buf, "Connection refused");
}

static void
test_persist_restore(void)
{
	struct outbox a, b;
	struct ob_entry *e, *r;
	char *json;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	e = add(&a, "reply", "héllo {name}");
	json = obx_serialize(e);
	CHECK(json != NULL);
	r = obx_restore(&b, e->client_id, json, strlen(json));
	CHECK(r != NULL);
	if (r != NULL) {
		CHECK_STR(r->client_id, e->client_id);
		CHECK_STR(r->conv, "conv/1");
		CHECK_STR(r->what, "reply");
		CHECK_STR(r->text, "héllo {name}");
		CHECK(json_equal(r->body, e->body));
		CHECK_INT(r->state, OB_QUEUED);
	}
	/* The same client_id twice is one entry. */
	CHECK(obx_restore(&b, e->client_id, json, strlen(json)) == NULL);
	CHECK_INT(b.n, 1);
	free(json);
	/* Garbage and foreign paths are refused. */
	CHECK(obx_restore(&b, "c-x", "not json", 8) == NULL);
	json = "{\"conv\":\"c\",\"what\":\"reply\",\"path\":\"http://evil/\","
	    "\"body\":{}}";
	CHECK(obx_restore(&b, "c-y", json, strlen(json)) == NULL);
	CHECK_INT(b.n, 1);
	obx_remove(&b, obx_find(&b, e->client_id));
	CHECK_INT(b.n, 0);
	obx_free(&a);
	obx_free(&b);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_client_ids);
	RUN(test_order_and_verdicts);
	RUN(test_verdict_table);
	RUN(test_error_text);
	RUN(test_persist_restore);
	return check_done();
}
