/* The inbox model: idempotency, out-of-order arrival, statuses, reactions,
 * unread, queues, search, the 24-hour window, presence, display names. */
#include <stdarg.h>

#include <jansson.h>

#include "check.h"
#include "ttydesk/model.h"

static int apply(struct td_model *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Apply one event written as JSON; returns model_apply()'s flags, or -100
 * when the JSON does not parse (a bug in the test). */
static int
apply(struct td_model *m, const char *fmt, ...)
{
	char buf[4096], err[256];
	struct td_event ev;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (event_parse_text(buf, strlen(buf), &ev, err, sizeof err) != 0) {
		fprintf(stderr, "bad test event: %s\n%s\n", err, buf);
		return -100;
	}
	rc = model_apply(m, &ev);
	event_free(&ev);
	return rc;
}

static int
msg_in(struct td_model *m, int64_t seq, int64_t ts, const char *conv,
    const char *id, const char *text)
{
	return apply(m, "{\"seq\": %lld, \"ts\": %lld, \"type\": \"message\", "
	    "\"conversation\": \"%s\", \"message\": {\"id\": \"%s\", "
	    "\"direction\": \"in\", \"kind\": \"text\", \"from\": \"15550001\", "
	    "\"text\": \"%s\", \"status\": \"received\"}}", (long long)seq,
	    (long long)ts, conv, id, text);
}

static int
msg_out(struct td_model *m, int64_t seq, int64_t ts, const char *conv,
    const char *id, const char *status)
{
	return apply(m, "{\"seq\": %lld, \"ts\": %lld, \"type\": \"message\", "
	    "\"conversation\": \"%s\", \"message\": {\"id\": \"%s\", "
	    "\"direction\": \"out\", \"kind\": \"text\", \"from\": \"biz\", "
	    "\"agent\": \"alice\", \"text\": \"reply\", \"status\": \"%s\"}}",
	    (long long)seq, (long long)ts, conv, id, status);
}

static int
status_ev(struct td_model *m, int64_t seq, const char *conv, const char *id,
    const char *status)
{
	return apply(m, "{\"seq\": %lld, \"ts\": 1, \"type\": \"status\", "
	    "\"conversation\": \"%s\", \"status\": {\"message\": \"%s\", "
	    "\"status\": \"%s\"}}", (long long)seq, conv, id, status);
}

static int
react(struct td_model *m, int64_t seq, const char *conv, const char *id,
    const char *from, const char *to, const char *emoji)
{
	return apply(m, "{\"seq\": %lld, \"ts\": 1, \"type\": \"message\", "
	    "\"conversation\": \"%s\", \"message\": {\"id\": \"%s\", "
	    "\"direction\": \"in\", \"kind\": \"reaction\", \"from\": \"%s\", "
	    "\"reaction\": {\"to\": \"%s\", \"emoji\": \"%s\"}}}",
	    (long long)seq, conv, id, from, to, emoji);
}

static int
state_ev(struct td_model *m, int64_t seq, int64_t ts, const char *conv,
    const char *status, const char *assignee, const char *team,
    const char *labels)
{
	char a[64], t[64];

	snprintf(a, sizeof a, assignee ? "\"%s\"" : "null", assignee);
	snprintf(t, sizeof t, team ? "\"%s\"" : "null", team);
	return apply(m, "{\"seq\": %lld, \"ts\": %lld, \"type\": "
	    "\"conversation\", \"conversation\": \"%s\", \"state\": "
	    "{\"status\": \"%s\", \"assignee\": %s, \"team\": %s, \"priority\": "
	    "\"normal\", \"last_inbound_ts\": 0, \"labels\": [%s]}}",
	    (long long)seq, (long long)ts, conv, status, a, t,
	    labels ? labels : "");
}

static void
test_message_basic(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c;
	int rc;

	rc = msg_in(m, 1, 100, "c1", "w1", "hello");
	CHECK_INT(rc, (int)(TD_CHANGED_LIST | TD_CHANGED_THREAD |
	    TD_CHANGED_NEW_INBOUND));
	CHECK_INT(model_count(m), 1);
	c = model_find(m, "c1");
	CHECK(c != NULL && c == model_get(m, 0));
	CHECK(model_get(m, 1) == NULL);
	CHECK_INT(c->n_messages, 1);
	CHECK_STR(c->messages[0]->m.text, "hello");
	CHECK_INT(c->messages[0]->ts, 100);
	CHECK_INT(c->unread, 1);
	CHECK_INT(c->last_activity, 100);
	CHECK_INT(c->state.status, TD_CS_OPEN); /* created by the message */
	CHECK_INT(model_last_seq(m), 1);
	CHECK(conversation_find_message(c, "w1") == c->messages[0]);
	CHECK(conversation_find_message(c, "nope") == NULL);
	CHECK(model_find(m, "c2") == NULL);
	model_free(m);
}

static void
test_idempotent(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c;

	msg_in(m, 1, 100, "c1", "w1", "hello");
	/* Same event again. */
	CHECK_INT(msg_in(m, 1, 100, "c1", "w1", "hello"), 0);
	/* Same id, lower seq. */
	CHECK_INT(msg_in(m, 0, 100, "c1", "w1", "older"), 0);
	c = model_find(m, "c1");
	CHECK_INT(c->n_messages, 1);
	CHECK_INT(c->unread, 1);
	CHECK_STR(c->messages[0]->m.text, "hello");
	/* Same id, higher seq: updates, never duplicates or counts unread. */
	CHECK_INT(msg_in(m, 5, 100, "c1", "w1", "edited"),
	    (int)TD_CHANGED_THREAD);
	CHECK_INT(c->n_messages, 1);
	CHECK_INT(c->unread, 1);
	CHECK_STR(c->messages[0]->m.text, "edited");
	CHECK_INT(c->messages[0]->seq, 5);
	CHECK(conversation_find_message(c, "w1") == c->messages[0]);

	/* Outbound re-emitted with its wamid and a status: status merges. */
	msg_out(m, 6, 200, "c1", "loc-1", "pending");
	status_ev(m, 7, "c1", "loc-1", "delivered");
	CHECK_INT(apply(m, "{\"seq\": 8, \"ts\": 200, \"type\": \"message\", "
	    "\"conversation\": \"c1\", \"message\": {\"id\": \"loc-1\", "
	    "\"direction\": \"out\", \"kind\": \"text\", \"wamid\": "
	    "\"wamid.Z\", \"status\": \"sent\"}}"), (int)TD_CHANGED_THREAD);
	CHECK_INT(c->n_messages, 2);
	CHECK_INT(c->messages[1]->m.status, TD_MS_DELIVERED);
	CHECK_STR(c->messages[1]->m.text, "reply"); /* kept */
	CHECK_STR(c->messages[1]->m.wamid, "wamid.Z");
	CHECK(conversation_find_message(c, "wamid.Z") == c->messages[1]);
	/* A status by wamid also lands. */
	status_ev(m, 9, "c1", "wamid.Z", "read");
	CHECK_INT(c->messages[1]->m.status, TD_MS_READ);
	/* Status twice changes nothing. */
	CHECK_INT(status_ev(m, 9, "c1", "wamid.Z", "read"), 0);
	/* Re-emitted under its wamid as id: still one message, same id. */
	CHECK_INT(apply(m, "{\"seq\": 10, \"ts\": 200, \"type\": \"message\", "
	    "\"conversation\": \"c1\", \"message\": {\"id\": \"wamid.Z\", "
	    "\"direction\": \"out\", \"kind\": \"text\", \"text\": \"fixed\", "
	    "\"status\": \"sent\"}}"), (int)TD_CHANGED_THREAD);
	CHECK_INT(c->n_messages, 2);
	CHECK_STR(c->messages[1]->m.id, "loc-1");
	CHECK_STR(c->messages[1]->m.text, "fixed");
	CHECK_INT(c->messages[1]->m.status, TD_MS_READ);
	CHECK(conversation_find_message(c, "loc-1") == c->messages[1]);
	CHECK(conversation_find_message(c, "wamid.Z") == c->messages[1]);
	status_ev(m, 11, "c1", "loc-1", "failed");
	CHECK_INT(c->messages[1]->m.status, TD_MS_READ);
	model_free(m);
}

static void
test_out_of_order(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c;

	/* Status before its message; the conversation is not listed yet. */
	CHECK_INT(status_ev(m, 12, "c1", "o1", "delivered"), 0);
	CHECK_INT(status_ev(m, 13, "c1", "o1", "read"), 0);
	CHECK(model_find(m, "c1") == NULL);
	CHECK_INT(model_count(m), 0);
	msg_in(m, 5, 300, "c1", "w3", "third");
	msg_in(m, 3, 100, "c1", "w1", "first");
	msg_out(m, 10, 200, "c1", "o1", "pending");
	msg_in(m, 4, 200, "c1", "w2", "second");
	c = model_find(m, "c1");
	CHECK_INT(c->n_messages, 4);
	CHECK_STR(c->messages[0]->m.id, "w1");
	CHECK_STR(c->messages[1]->m.id, "w2"); /* ts 200, seq 4 */
	CHECK_STR(c->messages[2]->m.id, "o1"); /* ts 200, seq 10 */
	CHECK_STR(c->messages[3]->m.id, "w3");
	CHECK_INT(c->messages[2]->m.status, TD_MS_READ);
	CHECK_INT(c->last_activity, 300);
	CHECK_INT(c->unread, 3);
	CHECK_INT(model_last_seq(m), 13);

	/* Old conversation state after a newer one is ignored. */
	CHECK(state_ev(m, 20, 400, "c1", "resolved", "bob", NULL, NULL) > 0);
	CHECK_INT(state_ev(m, 15, 350, "c1", "open", NULL, NULL, NULL), 0);
	CHECK_INT(c->state.status, TD_CS_RESOLVED);
	CHECK_STR(c->state.assignee, "bob");
	CHECK_INT(c->state_seq, 20);
	CHECK_INT(c->last_activity, 400);
	CHECK_INT(state_ev(m, 20, 400, "c1", "open", NULL, NULL, NULL), 0);
	CHECK_INT(c->state.status, TD_CS_RESOLVED);

	/* Contact: older ignored, newer merges without losing the phone. */
	CHECK(apply(m, "{\"seq\": 30, \"type\": \"contact\", \"conversation\": "
	    "\"c1\", \"contact\": {\"wa_id\": \"1555\", \"name\": \"Ann\"}}") > 0);
	CHECK_INT(apply(m, "{\"seq\": 29, \"type\": \"contact\", "
	    "\"conversation\": \"c1\", \"contact\": {\"wa_id\": \"999\", "
	    "\"name\": \"Old\"}}"), 0);
	CHECK_STR(c->contact.name, "Ann");
	CHECK(apply(m, "{\"seq\": 31, \"type\": \"contact\", \"conversation\": "
	    "\"c1\", \"contact\": {\"user_id\": \"US.7\", \"note\": \"vip\", "
	    "\"attributes\": {\"plan\": \"gold\"}}}") > 0);
	CHECK_STR(c->contact.wa_id, "1555");
	CHECK_STR(c->contact.user_id, "US.7");
	CHECK_STR(c->contact.name, "Ann");
	CHECK_STR(c->contact.note, "vip");
	CHECK_INT(c->contact.n_attributes, 1);
	/* An empty attributes object clears them; absent keeps them. */
	apply(m, "{\"seq\": 32, \"type\": \"contact\", \"conversation\": "
	    "\"c1\", \"contact\": {\"name\": \"Ann B\"}}");
	CHECK_INT(c->contact.n_attributes, 1);
	apply(m, "{\"seq\": 33, \"type\": \"contact\", \"conversation\": "
	    "\"c1\", \"contact\": {\"attributes\": {}}}");
	CHECK_INT(c->contact.n_attributes, 0);
	CHECK_STR(c->contact.name, "Ann B");
	/* A late, older event still fills a field nobody set since. */
	CHECK(apply(m, "{\"seq\": 28, \"type\": \"contact\", "
	    "\"conversation\": \"c1\", \"contact\": {\"username\": \"ann_b\", "
	    "\"name\": \"Very Old\"}}") > 0);
	CHECK_STR(c->contact.username, "ann_b");
	CHECK_STR(c->contact.name, "Ann B");
	CHECK_INT(c->contact_seq, 33);
	model_free(m);
}

static void
test_status_monotonic(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c;
	struct td_msg *o;

	msg_out(m, 1, 100, "c1", "o1", "pending");
	c = model_find(m, "c1");
	o = conversation_find_message(c, "o1");
	/* The newest message's status may show in the list too. */
	CHECK_INT(status_ev(m, 2, "c1", "o1", "read"),
	    (int)(TD_CHANGED_THREAD | TD_CHANGED_LIST));
	CHECK_INT(status_ev(m, 3, "c1", "o1", "delivered"), 0);
	CHECK_INT(status_ev(m, 4, "c1", "o1", "sent"), 0);
	CHECK_INT(o->m.status, TD_MS_READ);
	/* Failed does not replace read. */
	CHECK_INT(status_ev(m, 5, "c1", "o1", "failed"), 0);
	CHECK_INT(o->m.status, TD_MS_READ);

	msg_out(m, 6, 110, "c1", "o2", "pending");
	o = conversation_find_message(c, "o2");
	status_ev(m, 7, "c1", "o2", "sent");
	apply(m, "{\"seq\": 8, \"type\": \"status\", \"conversation\": \"c1\", "
	    "\"status\": {\"message\": \"o2\", \"status\": \"failed\", "
	    "\"error\": {\"code\": 131047, \"title\": \"Re-engagement\", "
	    "\"details\": \"24h\"}}}");
	CHECK_INT(o->m.status, TD_MS_FAILED);
	/* An older message's status only touches the thread. */
	msg_in(m, 30, 115, "c1", "w-last", "newer");
	CHECK_INT(status_ev(m, 31, "c1", "o1", "failed"), 0);
	apply(m, "{\"seq\": 32, \"type\": \"status\", \"conversation\": "
	    "\"c1\", \"status\": {\"message\": \"o-new\", \"status\": "
	    "\"sent\"}}");
	msg_out(m, 33, 90, "c1", "o-new", "pending");
	CHECK_INT(status_ev(m, 34, "c1", "o-new", "delivered"),
	    (int)TD_CHANGED_THREAD);
	CHECK_INT(status_ev(m, 9, "c1", "o2", "delivered"), 0);
	CHECK_INT(status_ev(m, 10, "c1", "o2", "sent"), 0);
	CHECK_INT(o->m.status, TD_MS_FAILED);
	CHECK_INT(o->m.error.code, 131047);
	CHECK_STR(o->m.error.title, "Re-engagement");
	CHECK_STR(o->m.error.details, "24h");
	/* A second failure keeps the first error. */
	apply(m, "{\"seq\": 35, \"type\": \"status\", \"conversation\": "
	    "\"c1\", \"status\": {\"message\": \"o2\", \"status\": "
	    "\"failed\", \"error\": {\"code\": 1, \"title\": \"Other\"}}}");
	CHECK_INT(o->m.error.code, 131047);
	/* Read wins over failed in either order (see o1 above). */
	CHECK(status_ev(m, 36, "c1", "o2", "read") > 0);
	CHECK_INT(o->m.status, TD_MS_READ);
	CHECK_INT(o->m.error.code, 0);
	CHECK(o->m.error.title == NULL);

	/* Pending statuses merge with the same rules. */
	status_ev(m, 20, "c1", "o3", "read");
	status_ev(m, 21, "c1", "o3", "delivered");
	msg_out(m, 11, 120, "c1", "o3", "pending");
	CHECK_INT(conversation_find_message(c, "o3")->m.status, TD_MS_READ);
	apply(m, "{\"seq\": 22, \"type\": \"status\", \"conversation\": \"c1\", "
	    "\"status\": {\"message\": \"o4\", \"status\": \"failed\", "
	    "\"error\": {\"code\": 131026, \"title\": \"Undeliverable\"}}}");
	status_ev(m, 23, "c1", "o4", "delivered");
	msg_out(m, 12, 130, "c1", "o4", "pending");
	o = conversation_find_message(c, "o4");
	CHECK_INT(o->m.status, TD_MS_FAILED);
	CHECK_INT(o->m.error.code, 131026);
	CHECK_STR(o->m.error.title, "Undeliverable");
	model_free(m);
}

static void
test_reactions(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c;
	struct td_msg *t;

	/* Reaction before its target waits. */
	CHECK_INT(react(m, 5, "c1", "r1", "cust", "w1", "👍"), 0);
	msg_in(m, 1, 100, "c1", "w1", "hi");
	c = model_find(m, "c1");
	t = conversation_find_message(c, "w1");
	CHECK_INT(c->n_messages, 1); /* a reaction is not a thread entry */
	CHECK_INT(t->n_reactions, 1);
	CHECK_STR(t->reactions[0].from, "cust");
	CHECK_STR(t->reactions[0].emoji, "👍");
	CHECK_INT(c->unread, 1);
	/* New one from the same sender replaces. */
	CHECK_INT(react(m, 6, "c1", "r2", "cust", "w1", "❤️"),
	    (int)TD_CHANGED_THREAD);
	CHECK_INT(t->n_reactions, 1);
	CHECK_STR(t->reactions[0].emoji, "❤️");
	/* Replayed reaction id changes nothing; an older one neither. */
	CHECK_INT(react(m, 6, "c1", "r2", "cust", "w1", "❤️"), 0);
	CHECK_INT(react(m, 4, "c1", "r0", "cust", "w1", "😮"), 0);
	CHECK_STR(t->reactions[0].emoji, "❤️");
	/* Another sender adds. */
	react(m, 7, "c1", "r3", "other", "w1", "😂");
	CHECK_INT(t->n_reactions, 2);
	/* Empty emoji removes; a late older one does not bring it back. */
	CHECK_INT(react(m, 8, "c1", "r4", "cust", "w1", ""),
	    (int)TD_CHANGED_THREAD);
	CHECK_INT(t->n_reactions, 1);
	CHECK_STR(t->reactions[0].from, "other");
	react(m, 7, "c1", "r5", "cust", "w1", "👎");
	CHECK_INT(t->n_reactions, 1);
	/* Removed before the target arrives: nothing shows. */
	react(m, 10, "c1", "r6", "cust", "w9", "👍");
	react(m, 11, "c1", "r7", "cust", "w9", "");
	msg_in(m, 9, 50, "c1", "w9", "early");
	CHECK_INT(conversation_find_message(c, "w9")->n_reactions, 0);
	CHECK_STR(c->messages[0]->m.id, "w9");
	model_free(m);
}

static void
test_quoted_reply(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c;
	struct td_msg *r;

	apply(m, "{\"seq\": 5, \"ts\": 200, \"type\": \"message\", "
	    "\"conversation\": \"c1\", \"message\": {\"id\": \"w2\", "
	    "\"direction\": \"in\", \"kind\": \"text\", \"text\": \"this\", "
	    "\"reply_to\": \"w1\"}}");
	c = model_find(m, "c1");
	r = conversation_find_message(c, "w2");
	CHECK_STR(r->m.reply_to, "w1");
	CHECK(conversation_find_message(c, r->m.reply_to) == NULL);
	msg_in(m, 3, 100, "c1", "w1", "original");
	r = conversation_find_message(c, "w2");
	CHECK(conversation_find_message(c, r->m.reply_to) != NULL);
	CHECK_STR(conversation_find_message(c, r->m.reply_to)->m.text,
	    "original");
	CHECK_STR(c->messages[0]->m.id, "w1");
	model_free(m);
}

static void
test_unread(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c;

	msg_in(m, 1, 100, "c1", "w1", "a");
	msg_in(m, 2, 101, "c1", "w2", "b");
	msg_out(m, 3, 102, "c1", "o1", "pending");
	apply(m, "{\"seq\": 4, \"ts\": 103, \"type\": \"message\", "
	    "\"conversation\": \"c1\", \"message\": {\"id\": \"n1\", "
	    "\"direction\": \"note\", \"kind\": \"text\", \"text\": \"note\"}}");
	c = model_find(m, "c1");
	CHECK_INT(c->unread, 2);
	model_mark_read(m, c);
	CHECK_INT(c->unread, 0);
	CHECK_INT(c->read_seq, 4);
	CHECK_INT(msg_in(m, 5, 104, "c1", "w3", "c"), (int)(TD_CHANGED_LIST |
	    TD_CHANGED_THREAD | TD_CHANGED_NEW_INBOUND));
	CHECK_INT(c->unread, 1);
	/* A late message older than what was read is not unread. */
	msg_in(m, 0, 50, "c1", "w0", "late");
	CHECK_INT(c->unread, 1);
	model_set_read_seq(m, c, 1);
	CHECK_INT(c->unread, 2); /* w2 and w3 */
	model_set_read_seq(m, c, 0);
	CHECK_INT(c->unread, 3);
	model_free(m);
}

static void
setup_queues(struct td_model *m)
{
	/* id, status, assignee, team, labels, activity */
	state_ev(m, 1, 100, "a", "open", "alice", NULL, "\"vip\"");
	state_ev(m, 2, 500, "b", "open", NULL, NULL, NULL);
	state_ev(m, 3, 300, "c", "pending", NULL, "tier2", "\"vip\", \"refund\"");
	state_ev(m, 4, 400, "d", "escalated", NULL, "tier2", NULL);
	state_ev(m, 5, 200, "e", "resolved", "alice", "tier2", "\"vip\"");
	state_ev(m, 6, 600, "f", "snoozed", "alice", NULL, NULL);
	state_ev(m, 7, 250, "g", "pending", "alice", NULL, NULL);
	/* A message makes "a" the newest. */
	msg_in(m, 8, 700, "a", "w1", "hi");
}

static void
check_queue(struct td_model *m, enum td_queue_kind kind, const char *arg,
    const char *expect)
{
	struct td_queue q = { kind, arg, arg };
	struct td_conversation **v;
	char got[64] = "";
	size_t n, i;

	n = model_queue(m, &q, &v);
	for (i = 0; i < n && i < sizeof got - 1; i++) {
		got[i] = v[i]->id[0];
		CHECK(conversation_in_queue(m, v[i], &q));
	}
	got[i] = '\0';
	free(v);
	CHECK_STR(got, expect);
	CHECK_INT(model_queue_count(m, &q), strlen(expect));
}

static void
test_queues(void)
{
	struct td_model *m = model_new("alice");

	setup_queues(m);
	check_queue(m, TD_Q_MINE, NULL, "ag");
	check_queue(m, TD_Q_UNASSIGNED, NULL, "bc");
	check_queue(m, TD_Q_TEAM, "tier2", "dc");
	check_queue(m, TD_Q_TEAM, "tier9", "");
	check_queue(m, TD_Q_ESCALATED, NULL, "d");
	check_queue(m, TD_Q_ALL, NULL, "abdcg");
	check_queue(m, TD_Q_RESOLVED, NULL, "e");
	check_queue(m, TD_Q_SNOOZED, NULL, "f");
	check_queue(m, TD_Q_LABEL, "vip", "ace");
	check_queue(m, TD_Q_LABEL, "refund", "c");
	/* Moving a conversation moves it between queues. */
	state_ev(m, 9, 800, "b", "open", "alice", NULL, NULL);
	check_queue(m, TD_Q_MINE, NULL, "bag");
	check_queue(m, TD_Q_UNASSIGNED, NULL, "c");
	model_set_self(m, "bob");
	check_queue(m, TD_Q_MINE, NULL, "");
	model_free(m);
}

static void
test_search(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c, *d;

	apply(m, "{\"seq\": 1, \"type\": \"contact\", \"conversation\": \"c1\", "
	    "\"contact\": {\"wa_id\": \"16505551234\", \"user_id\": "
	    "\"US.13491208655302741918\", \"username\": \"sheena_n\", "
	    "\"name\": \"Sheena NÉLSON\"}}");
	msg_in(m, 2, 100, "c1", "w1", "Does it come in another COLOR?");
	apply(m, "{\"seq\": 3, \"ts\": 101, \"type\": \"message\", "
	    "\"conversation\": \"c1\", \"message\": {\"id\": \"w2\", "
	    "\"direction\": \"in\", \"kind\": \"image\", \"caption\": "
	    "\"Blue Shirt\", \"media\": {\"id\": \"m\", \"mime_type\": "
	    "\"image/jpeg\"}}}");
	msg_in(m, 4, 100, "c2", "x1", "nothing here");
	c = model_find(m, "c1");
	d = model_find(m, "c2");
	CHECK(conversation_matches(c, "sheena"));
	CHECK(conversation_matches(c, "nélson"));   /* Latin-1 folding */
	CHECK(conversation_matches(c, "NELSON") == false);
	CHECK(conversation_matches(c, "SHEENA_N"));  /* username */
	CHECK(conversation_matches(c, "5551234"));   /* phone */
	CHECK(conversation_matches(c, "+1650555"));  /* typed with + */
	CHECK(conversation_matches(c, "us.1349120")); /* BSUID */
	CHECK(conversation_matches(c, "another color"));
	CHECK(conversation_matches(c, "color?"));     /* at the very end */
	CHECK(!conversation_matches(c, "color?!"));   /* runs past the end */
	CHECK(conversation_matches(c, "D"));          /* first byte */
	CHECK(conversation_matches(c, "blue shirt")); /* caption */
	CHECK(conversation_matches(c, ""));
	CHECK(!conversation_matches(c, "green"));
	CHECK(!conversation_matches(d, "sheena"));
	CHECK(conversation_matches(d, "HERE"));
	model_free(m);
}

static void
test_window(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c;
	int64_t left = -1;

	msg_out(m, 1, 1000, "c1", "o1", "sent");
	c = model_find(m, "c1");
	CHECK(!conversation_window_open(c, 1000, &left));
	CHECK_INT(left, 0);
	/* Falls back to the newest inbound message. */
	msg_in(m, 2, 10000, "c1", "w1", "hi");
	CHECK(conversation_window_open(c, 10000, &left));
	CHECK_INT(left, TD_WINDOW_SECONDS);
	CHECK(conversation_window_open(c, 10000 + 3600, &left));
	CHECK_INT(left, TD_WINDOW_SECONDS - 3600);
	CHECK(conversation_window_open(c, 10000 + TD_WINDOW_SECONDS - 1, NULL));
	CHECK(!conversation_window_open(c, 10000 + TD_WINDOW_SECONDS, &left));
	CHECK_INT(left, 0);
	/* State's last_inbound_ts counts when newer. */
	apply(m, "{\"seq\": 3, \"ts\": 50000, \"type\": \"conversation\", "
	    "\"conversation\": \"c1\", \"state\": {\"status\": \"open\", "
	    "\"last_inbound_ts\": 50000}}");
	CHECK_INT(conversation_last_inbound(c), 50000);
	CHECK(conversation_window_open(c, 50000 + 60, &left));
	CHECK_INT(left, TD_WINDOW_SECONDS - 60);
	model_free(m);
}

static void
test_presence(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c;

	/* Presence for an unknown conversation is dropped. */
	CHECK_INT(apply(m, "{\"seq\": 1, \"type\": \"presence\", "
	    "\"conversation\": \"c1\", \"presence\": {\"agent\": \"bob\", "
	    "\"activity\": \"viewing\", \"expires\": 130}}"), 0);
	msg_in(m, 2, 100, "c1", "w1", "hi");
	c = model_find(m, "c1");
	CHECK_INT(c->n_presence, 0);
	CHECK(apply(m, "{\"seq\": 3, \"type\": \"presence\", \"conversation\": "
	    "\"c1\", \"presence\": {\"agent\": \"bob\", \"activity\": "
	    "\"viewing\", \"expires\": 130}}") > 0);
	apply(m, "{\"seq\": 4, \"type\": \"presence\", \"conversation\": \"c1\", "
	    "\"presence\": {\"agent\": \"carol\", \"activity\": \"typing\", "
	    "\"expires\": 200}}");
	/* Myself: not shown. */
	CHECK_INT(apply(m, "{\"seq\": 5, \"type\": \"presence\", "
	    "\"conversation\": \"c1\", \"presence\": {\"agent\": \"alice\", "
	    "\"activity\": \"typing\", \"expires\": 200}}"), 0);
	CHECK_INT(c->n_presence, 2);
	/* Replace per agent. */
	apply(m, "{\"seq\": 6, \"type\": \"presence\", \"conversation\": \"c1\", "
	    "\"presence\": {\"agent\": \"bob\", \"activity\": \"typing\", "
	    "\"expires\": 140}}");
	CHECK_INT(c->n_presence, 2);
	CHECK_STR(c->presence[1].agent, "bob");
	CHECK_STR(c->presence[1].activity, "typing");
	CHECK_INT(c->presence[1].expires, 140);
	/* Older one ignored. */
	CHECK_INT(apply(m, "{\"seq\": 5, \"type\": \"presence\", "
	    "\"conversation\": \"c1\", \"presence\": {\"agent\": \"bob\", "
	    "\"activity\": \"viewing\", \"expires\": 150}}"), 0);
	CHECK_STR(c->presence[1].activity, "typing");
	/* Expiry. */
	CHECK_INT(model_expire_presence(m, 139), 0);
	CHECK(model_expire_presence(m, 140) != 0);
	CHECK_INT(c->n_presence, 1);
	CHECK_STR(c->presence[0].agent, "carol");
	/* "left" removes. */
	apply(m, "{\"seq\": 7, \"type\": \"presence\", \"conversation\": \"c1\", "
	    "\"presence\": {\"agent\": \"carol\", \"activity\": \"left\", "
	    "\"expires\": 0}}");
	CHECK_INT(c->n_presence, 0);
	model_free(m);
}

static void
test_display_names(void)
{
	struct td_model *m = model_new("alice");
	struct td_contact ct;
	struct td_conversation *c;

	memset(&ct, 0, sizeof ct);
	CHECK_STR(contact_display_name(&ct), "");
	ct.user_id = "US.1349";
	CHECK_STR(contact_display_name(&ct), "US.1349");
	ct.wa_id = "16505551234";
	CHECK_STR(contact_display_name(&ct), "16505551234");
	ct.username = "";
	CHECK_STR(contact_display_name(&ct), "16505551234");
	ct.username = "kim_r";
	CHECK_STR(contact_display_name(&ct), "kim_r");
	ct.name = "Kim R";
	CHECK_STR(contact_display_name(&ct), "Kim R");

	/* BSUID-only customer: no phone is ever made up. */
	apply(m, "{\"seq\": 1, \"type\": \"contact\", \"conversation\": \"c1\", "
	    "\"contact\": {\"user_id\": \"US.13491208655302741918\", "
	    "\"username\": \"kim_r\"}}");
	c = model_find(m, "c1");
	CHECK_STR(contact_display_name(&c->contact), "kim_r");
	CHECK(c->contact.wa_id == NULL);
	apply(m, "{\"seq\": 2, \"type\": \"contact\", \"conversation\": \"c2\", "
	    "\"contact\": {\"user_id\": \"US.777\"}}");
	CHECK_STR(conversation_display_name(model_find(m, "c2")), "US.777");
	/* No contact event yet: the sender as given, then the id. */
	msg_in(m, 3, 10, "c3", "w1", "hi");
	CHECK_STR(conversation_display_name(model_find(m, "c3")), "15550001");
	msg_out(m, 4, 10, "c4", "o1", "sent");
	CHECK_STR(conversation_display_name(model_find(m, "c4")), "c4");
	model_free(m);
}

static void
test_unknown_events(void)
{
	struct td_model *m = model_new(NULL);

	CHECK_INT(apply(m, "{\"seq\": 77, \"type\": \"typing\", "
	    "\"conversation\": \"c1\"}"), 0);
	CHECK_INT(model_count(m), 0);
	CHECK_INT(model_last_seq(m), 77);
	/* A model without self has an empty "mine". */
	state_ev(m, 78, 1, "c1", "open", "alice", NULL, NULL);
	check_queue(m, TD_Q_MINE, NULL, "");
	model_free(m);
}

/* Outbound messages are known by the relay's local id; the customer's
 * reactions and quotes use the wamid, which a status event teaches. */
static void
test_wamid_from_status(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c;
	struct td_msg *o;

	msg_out(m, 1, 100, "c1", "out-1", "pending");
	c = model_find(m, "c1");
	CHECK(conversation_find_message(c, "wamid.S1") == NULL);
	CHECK_INT(apply(m, "{\"seq\": 2, \"type\": \"status\", "
	    "\"conversation\": \"c1\", \"status\": {\"message\": \"out-1\", "
	    "\"status\": \"sent\", \"wamid\": \"wamid.S1\"}}"),
	    (int)(TD_CHANGED_THREAD | TD_CHANGED_LIST));
	o = conversation_find_message(c, "out-1");
	CHECK(conversation_find_message(c, "wamid.S1") == o);
	CHECK_STR(o->m.wamid, "wamid.S1");
	CHECK_INT(o->m.status, TD_MS_SENT);
	react(m, 3, "c1", "r1", "cust", "wamid.S1", "🙏");
	CHECK_INT(o->n_reactions, 1);
	apply(m, "{\"seq\": 4, \"ts\": 110, \"type\": \"message\", "
	    "\"conversation\": \"c1\", \"message\": {\"id\": \"w2\", "
	    "\"direction\": \"in\", \"kind\": \"text\", \"text\": \"ok\", "
	    "\"reply_to\": \"wamid.S1\"}}");
	CHECK(conversation_find_message(c, conversation_find_message(c,
	    "w2")->m.reply_to) == o);

	/* Everything before the message: status with wamid, a reaction by
	 * wamid, a later status by wamid. */
	react(m, 10, "c1", "r2", "cust", "wamid.S2", "👌");
	apply(m, "{\"seq\": 11, \"type\": \"status\", \"conversation\": "
	    "\"c1\", \"status\": {\"message\": \"out-2\", \"status\": "
	    "\"sent\", \"wamid\": \"wamid.S2\"}}");
	status_ev(m, 12, "c1", "wamid.S2", "read");
	msg_out(m, 5, 120, "c1", "out-2", "pending");
	o = conversation_find_message(c, "out-2");
	CHECK(o != NULL && conversation_find_message(c, "wamid.S2") == o);
	CHECK_INT(o->m.status, TD_MS_READ);
	CHECK_INT(o->n_reactions, 1);
	CHECK_STR(o->reactions[0].emoji, "👌");
	CHECK_INT(c->n_messages, 3);
	model_free(m);
}

/* Thousands of messages in random order end up sorted by (ts, seq), each
 * findable by id. */
static void
test_thread_order_large(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c;
	struct td_event ev;
	char id[32];
	uint64_t r = 7;
	int i, n = 3000, bad = 0;
	size_t k;

	memset(&ev, 0, sizeof ev);
	ev.type = TD_EV_MESSAGE;
	ev.conversation = "c1";
	ev.u.message.id = id;
	for (i = 0; i < n; i++) {
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		ev.seq = i + 1;
		ev.ts = (int64_t)((r >> 33) % 500);
		snprintf(id, sizeof id, "m%d", i);
		CHECK(model_apply(m, &ev) > 0);
	}
	c = model_find(m, "c1");
	CHECK_INT(c->n_messages, n);
	CHECK_INT(c->unread, n);
	for (k = 1; k < c->n_messages; k++) {
		const struct td_msg *a = c->messages[k - 1], *b = c->messages[k];

		if (a->ts > b->ts || (a->ts == b->ts && a->seq >= b->seq))
			bad++;
	}
	CHECK_INT(bad, 0);
	for (i = 0; i < n; i += 97) {
		snprintf(id, sizeof id, "m%d", i);
		CHECK(conversation_find_message(c, id) != NULL &&
		    conversation_find_message(c, id)->seq == i + 1);
	}
	model_free(m);
}

/* Events built in C by other modules may leave fields NULL. */
static void
test_sparse_structs(void)
{
	struct td_model *m = model_new("alice");
	struct td_event ev;

	memset(&ev, 0, sizeof ev);
	ev.seq = 1;
	ev.conversation = "c1";
	ev.type = TD_EV_MESSAGE;
	CHECK_INT(model_apply(m, &ev), 0);          /* no id */
	ev.u.message.id = "w1";
	CHECK(model_apply(m, &ev) > 0);             /* nothing else: fine */
	memset(&ev.u, 0, sizeof ev.u);
	ev.seq = 2;
	ev.type = TD_EV_STATUS;
	CHECK_INT(model_apply(m, &ev), 0);
	ev.type = TD_EV_PRESENCE;
	CHECK_INT(model_apply(m, &ev), 0);
	ev.type = TD_EV_CONTACT;
	CHECK_INT(model_apply(m, &ev), 0);          /* carries nothing */
	ev.conversation = "c2";
	CHECK(model_apply(m, &ev) > 0);             /* but lists c2 */
	ev.conversation = "c1";
	ev.seq = 3;
	ev.type = TD_EV_CONVERSATION;
	CHECK(model_apply(m, &ev) > 0);
	ev.conversation = NULL;
	CHECK_INT(model_apply(m, &ev), 0);
	CHECK_INT(model_count(m), 2);
	CHECK_STR(conversation_display_name(model_get(m, 0)), "c1");
	model_free(m);
}

int
main(void)
{
	RUN(test_sparse_structs);
	RUN(test_thread_order_large);
	RUN(test_wamid_from_status);
	RUN(test_message_basic);
	RUN(test_idempotent);
	RUN(test_out_of_order);
	RUN(test_status_monotonic);
	RUN(test_reactions);
	RUN(test_quoted_reply);
	RUN(test_unread);
	RUN(test_queues);
	RUN(test_search);
	RUN(test_window);
	RUN(test_presence);
	RUN(test_display_names);
	RUN(test_unknown_events);
	return check_done();
}
