/* Relay events: JSON <-> struct td_event, copies, names, bad input. */
#include <jansson.h>

#include "check.h"
#include "ttydesk/event.h"

static int
parse(const char *text, struct td_event *ev, char *err, size_t errlen)
{
	return event_parse_text(text, strlen(text), ev, err, errlen);
}

/* Every line of the fixture: parse, emit, compare with the original. */
static void
test_fixture_round_trip(void)
{
	char path[4096], err[256], *buf, *line, *save = NULL;
	struct td_event ev, again;
	json_t *orig, *out;
	int n = 0;

	snprintf(path, sizeof path, "%s/events/all-types.jsonl",
	    check_env_dir("TTYDESK_FIXTURES_DIR",
	    TTYDESK_SOURCE_DIR "/tests/fixtures"));
	buf = check_read_file(path, NULL);
	CHECK(buf != NULL);
	if (buf == NULL)
		return;
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		n++;
		CHECK_INT(parse(line, &ev, err, sizeof err), 0);
		CHECK_INT(ev.seq, n);
		orig = json_loads(line, 0, NULL);
		out = event_to_json(&ev);
		CHECK(out != NULL);
		if (ev.type != TD_EV_UNKNOWN) {
			if (!json_equal(orig, out)) {
				char *a = json_dumps(orig, JSON_SORT_KEYS);
				char *b = json_dumps(out, JSON_SORT_KEYS);
				fprintf(stderr, "line %d differs:\n%s\n%s\n", n, a, b);
				free(a);
				free(b);
				CHECK(0);
			}
		} else {
			CHECK_STR(ev.type_name, "future_thing");
			CHECK_STR(json_string_value(json_object_get(out, "type")),
			    "future_thing");
		}
		/* And the emitted form parses back to the same JSON. */
		CHECK_INT(event_parse(out, &again, err, sizeof err), 0);
		json_t *out2 = event_to_json(&again);
		CHECK(json_equal(out, out2));
		json_decref(out2);
		event_free(&again);
		json_decref(out);
		json_decref(orig);
		event_free(&ev);
	}
	CHECK_INT(n, 16);
	free(buf);
}

static void
test_fixture_fields(void)
{
	char err[256];
	struct td_event ev;

	CHECK_INT(parse("{\"seq\": 12, \"ts\": 5, \"type\": \"conversation\", "
	    "\"conversation\": \"c1\", \"state\": {\"status\": \"escalated\", "
	    "\"assignee\": \"bob\", \"team\": \"tier2\", \"priority\": "
	    "\"urgent\", \"escalation\": {\"team\": \"tier2\", \"reason\": "
	    "\"refund\", \"by\": \"alice\", \"at\": 70}, \"last_inbound_ts\": "
	    "30, \"labels\": [\"refund\", 7, \"vip\"], \"snoozed_until\": 99, "
	    "\"sla\": {\"first_response_due\": 300, \"breached\": true}, "
	    "\"csat\": {\"score\": 4, \"at\": 80}}}", &ev, err, sizeof err), 0);
	CHECK_INT(ev.type, TD_EV_CONVERSATION);
	CHECK_INT(ev.u.state.status, TD_CS_ESCALATED);
	CHECK_STR(ev.u.state.assignee, "bob");
	CHECK_STR(ev.u.state.team, "tier2");
	CHECK_INT(ev.u.state.priority, TD_PRIO_URGENT);
	CHECK(ev.u.state.has_escalation);
	CHECK_STR(ev.u.state.escalation.reason, "refund");
	CHECK_STR(ev.u.state.escalation.by, "alice");
	CHECK_INT(ev.u.state.escalation.at, 70);
	CHECK_INT(ev.u.state.last_inbound_ts, 30);
	CHECK_INT(ev.u.state.n_labels, 2);
	CHECK_STR(ev.u.state.labels[1], "vip");
	CHECK_INT(ev.u.state.snoozed_until, 99);
	CHECK_INT(ev.u.state.sla.first_response_due, 300);
	CHECK_INT(ev.u.state.sla.next_response_due, 0);
	CHECK(ev.u.state.sla.breached);
	CHECK_INT(ev.u.state.csat_score, 4);
	CHECK_INT(ev.u.state.csat_at, 80);
	event_free(&ev);

	CHECK_INT(parse("{\"seq\": 1, \"type\": \"contact\", \"conversation\": "
	    "\"c\", \"contact\": {\"user_id\": \"US.1\", \"username\": \"kim\", "
	    "\"note\": \"n\", \"attributes\": {\"a\": \"x\", \"n\": 3, \"b\": "
	    "true, \"o\": {}, \"z\": null}}}", &ev, err, sizeof err), 0);
	CHECK(ev.u.contact.wa_id == NULL);
	CHECK_STR(ev.u.contact.user_id, "US.1");
	CHECK_STR(ev.u.contact.username, "kim");
	CHECK_STR(ev.u.contact.note, "n");
	CHECK_INT(ev.u.contact.n_attributes, 3);
	CHECK_STR(ev.u.contact.attributes[1].key, "n");
	CHECK_STR(ev.u.contact.attributes[1].value, "3");
	CHECK_STR(ev.u.contact.attributes[2].value, "true");
	event_free(&ev);

	/* An empty attributes object is present (it clears), absent is NULL. */
	CHECK_INT(parse("{\"seq\": 1, \"type\": \"contact\", \"conversation\": "
	    "\"c\", \"contact\": {\"wa_id\": \"1\", \"attributes\": {}}}", &ev,
	    err, sizeof err), 0);
	CHECK(ev.u.contact.attributes != NULL);
	CHECK_INT(ev.u.contact.n_attributes, 0);
	event_free(&ev);
	CHECK_INT(parse("{\"seq\": 1, \"type\": \"contact\", \"conversation\": "
	    "\"c\", \"contact\": {\"wa_id\": \"1\"}}", &ev, err, sizeof err), 0);
	CHECK(ev.u.contact.attributes == NULL);
	event_free(&ev);

	/* Presence also at top level. */
	CHECK_INT(parse("{\"seq\": 1, \"type\": \"presence\", \"conversation\": "
	    "\"c\", \"agent\": \"bob\", \"activity\": \"viewing\", \"expires\": "
	    "30}", &ev, err, sizeof err), 0);
	CHECK_STR(ev.u.presence.agent, "bob");
	CHECK_STR(ev.u.presence.activity, "viewing");
	CHECK_INT(ev.u.presence.expires, 30);
	event_free(&ev);

	/* Outbound message with its wamid; status failed with an error. */
	CHECK_INT(parse("{\"seq\": 3, \"type\": \"message\", \"conversation\": "
	    "\"c\", \"message\": {\"id\": \"loc-1\", \"direction\": \"out\", "
	    "\"kind\": \"text\", \"text\": \"hi\", \"wamid\": \"wamid.X\", "
	    "\"status\": \"failed\", \"error\": {\"code\": 131047, \"title\": "
	    "\"Re-engagement\"}}}", &ev, err, sizeof err), 0);
	CHECK_STR(ev.u.message.wamid, "wamid.X");
	CHECK_INT(ev.u.message.status, TD_MS_FAILED);
	CHECK_INT(ev.u.message.error.code, 131047);
	CHECK_STR(ev.u.message.error.title, "Re-engagement");
	CHECK(ev.u.message.error.details == NULL);
	event_free(&ev);
}

/* Every kind survives struct -> JSON -> struct with all its fields. */
static void
test_every_kind(void)
{
	struct td_media md = { "mid", "image/png", "f.png", "sha", 42 };
	struct td_location loc = { 1.5, -2.25, "Place", "Street 1" };
	struct td_event ev, back;
	char err[256];
	json_t *j;
	int k;

	for (k = TD_KIND_TEXT; k <= TD_KIND_UNSUPPORTED; k++) {
		memset(&ev, 0, sizeof ev);
		ev.seq = 100 + k;
		ev.ts = 7;
		ev.type = TD_EV_MESSAGE;
		ev.conversation = "conv/1 é";
		ev.u.message.id = "wamid.K";
		ev.u.message.direction = (enum td_direction)(k % 3);
		ev.u.message.kind = (enum td_msg_kind)k;
		ev.u.message.from = "US.99";
		ev.u.message.text = "text ✓";
		ev.u.message.caption = k == TD_KIND_IMAGE ? "cap" : NULL;
		ev.u.message.media = k >= TD_KIND_IMAGE && k <= TD_KIND_STICKER ?
		    &md : NULL;
		ev.u.message.location = k == TD_KIND_LOCATION ? &loc : NULL;
		ev.u.message.reaction_to = k == TD_KIND_REACTION ? "wamid.T" : NULL;
		ev.u.message.reaction_emoji = k == TD_KIND_REACTION ? "❤️" : NULL;
		ev.u.message.reply_to = "wamid.Q";
		ev.u.message.agent = "alice";
		ev.u.message.client_id = "cid";
		ev.u.message.status = (enum td_msg_status)(k % 6);
		j = event_to_json(&ev);
		CHECK(j != NULL);
		CHECK_INT(event_parse(j, &back, err, sizeof err), 0);
		json_decref(j);
		CHECK_INT(back.seq, 100 + k);
		CHECK_INT(back.ts, 7);
		CHECK_STR(back.type_name, "message");
		CHECK_STR(back.conversation, "conv/1 é");
		CHECK_INT(back.u.message.kind, k);
		CHECK_INT(back.u.message.direction, k % 3);
		CHECK_INT(back.u.message.status, k % 6);
		CHECK_STR(back.u.message.text, "text ✓");
		CHECK_STR(back.u.message.caption, ev.u.message.caption);
		CHECK_STR(back.u.message.reply_to, "wamid.Q");
		CHECK_STR(back.u.message.agent, "alice");
		CHECK_STR(back.u.message.client_id, "cid");
		CHECK_STR(back.u.message.from, "US.99");
		CHECK_INT(back.u.message.media != NULL, ev.u.message.media != NULL);
		if (back.u.message.media != NULL) {
			CHECK_STR(back.u.message.media->filename, "f.png");
			CHECK_STR(back.u.message.media->sha256, "sha");
			CHECK_INT(back.u.message.media->size, 42);
		}
		CHECK_INT(back.u.message.location != NULL, k == TD_KIND_LOCATION);
		if (back.u.message.location != NULL) {
			CHECK(back.u.message.location->latitude == 1.5);
			CHECK(back.u.message.location->longitude == -2.25);
			CHECK_STR(back.u.message.location->address, "Street 1");
		}
		CHECK_STR(back.u.message.reaction_to, ev.u.message.reaction_to);
		CHECK_STR(back.u.message.reaction_emoji, ev.u.message.reaction_emoji);
		event_free(&back);
	}
}

static void
test_names(void)
{
	int i;

	for (i = TD_KIND_TEXT; i <= TD_KIND_UNSUPPORTED; i++)
		CHECK_INT(event_kind_from_name(event_kind_name((enum td_msg_kind)i)), i);
	for (i = TD_MS_RECEIVED; i <= TD_MS_FAILED; i++)
		CHECK_INT(event_msg_status_from_name(event_msg_status_name(
		    (enum td_msg_status)i)), i);
	for (i = TD_CS_OPEN; i <= TD_CS_SNOOZED; i++)
		CHECK_INT(event_conv_status_from_name(event_conv_status_name(
		    (enum td_conv_status)i)), i);
	for (i = TD_PRIO_NORMAL; i <= TD_PRIO_URGENT; i++)
		CHECK_INT(event_priority_from_name(event_priority_name((enum td_priority)i)), i);
	for (i = TD_DIR_IN; i <= TD_DIR_NOTE; i++)
		CHECK_INT(event_direction_from_name(event_direction_name((enum td_direction)i)), i);
	for (i = TD_EV_MESSAGE; i <= TD_EV_PRESENCE; i++)
		CHECK_INT(event_type_from_name(event_type_name(
		    (enum td_event_type)i)), i);
	CHECK_STR(event_kind_name(TD_KIND_CONTACTS), "contacts");
	CHECK_STR(event_msg_status_name(TD_MS_DELIVERED), "delivered");
	CHECK_STR(event_conv_status_name(TD_CS_ESCALATED), "escalated");
	CHECK_STR(event_priority_name(TD_PRIO_URGENT), "urgent");
	CHECK_STR(event_direction_name(TD_DIR_NOTE), "note");
	CHECK_INT(event_kind_from_name("TEXT"), -1);
	CHECK_INT(event_msg_status_from_name(""), -1);
	CHECK_INT(event_conv_status_from_name(NULL), -1);
	CHECK_INT(event_priority_from_name("low"), -1);
	CHECK_INT(event_direction_from_name("sideways"), -1);
	CHECK_INT(event_type_from_name("unknown"), TD_EV_UNKNOWN);
	CHECK_INT(event_type_from_name("typing"), TD_EV_UNKNOWN);
	CHECK_STR(event_kind_name((enum td_msg_kind)99), "unknown");
}

struct bad_case {
	const char *json;
	const char *err_part; /* expected substring of the error */
};

static void
test_malformed(void)
{
	static const struct bad_case cases[] = {
		{ "[1, 2]", "not a JSON object" },
		{ "42", "not a JSON object" },
		{ "\"event\"", "not a JSON object" },
		{ "null", "not a JSON object" },
		{ "{\"seq\": 1", "not JSON" },
		{ "", "not JSON" },
		{ "{\"type\": \"message\", \"conversation\": \"c\"}", "seq" },
		{ "{\"seq\": \"5\", \"type\": \"message\", \"conversation\": \"c\"}",
		  "seq" },
		{ "{\"seq\": -1, \"type\": \"message\", \"conversation\": \"c\"}",
		  "seq" },
		{ "{\"seq\": 1.5, \"type\": \"message\", \"conversation\": \"c\"}",
		  "seq" },
		{ "{\"seq\": 1, \"conversation\": \"c\"}", "type" },
		{ "{\"seq\": 1, \"type\": 3, \"conversation\": \"c\"}", "type" },
		{ "{\"seq\": 1, \"type\": \"\", \"conversation\": \"c\"}", "type" },
		{ "{\"seq\": 1, \"type\": \"message\"}", "conversation" },
		{ "{\"seq\": 1, \"type\": \"message\", \"conversation\": 9}",
		  "conversation" },
		{ "{\"seq\": 1, \"type\": \"message\", \"conversation\": \"\"}",
		  "conversation" },
		{ "{\"seq\": 1, \"type\": \"message\", \"conversation\": \"c\"}",
		  "\"message\" object" },
		{ "{\"seq\": 1, \"type\": \"message\", \"conversation\": \"c\", "
		  "\"message\": [1]}", "\"message\" object" },
		{ "{\"seq\": 1, \"type\": \"message\", \"conversation\": \"c\", "
		  "\"message\": {\"direction\": \"in\"}}", "\"id\"" },
		{ "{\"seq\": 1, \"type\": \"message\", \"conversation\": \"c\", "
		  "\"message\": {\"id\": \"m\", \"direction\": \"up\"}}",
		  "direction" },
		{ "{\"seq\": 1, \"type\": \"status\", \"conversation\": \"c\"}",
		  "\"status\" object" },
		{ "{\"seq\": 1, \"type\": \"status\", \"conversation\": \"c\", "
		  "\"status\": {\"status\": \"read\"}}", "\"message\" id" },
		{ "{\"seq\": 1, \"type\": \"status\", \"conversation\": \"c\", "
		  "\"status\": {\"message\": \"m\", \"status\": \"seen\"}}",
		  "unknown status \"seen\"" },
		{ "{\"seq\": 1, \"type\": \"conversation\", \"conversation\": "
		  "\"c\", \"state\": \"open\"}", "\"state\" object" },
		{ "{\"seq\": 1, \"type\": \"contact\", \"conversation\": \"c\"}",
		  "\"contact\" object" },
		{ "{\"seq\": 1, \"type\": \"presence\", \"conversation\": \"c\", "
		  "\"presence\": {\"agent\": \"bob\"}}", "presence" },
		{ "{\"seq\": 1, \"seq\": 2, \"type\": \"message\", "
		  "\"conversation\": \"c\"}", "duplicate" },
	};
	struct td_event ev;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err[0] = '\0';
		memset(&ev, 0x5a, sizeof ev);
		CHECK_INT(parse(cases[i].json, &ev, err, sizeof err), -1);
		if (strstr(err, cases[i].err_part) == NULL) {
			fprintf(stderr, "case %zu: error \"%s\" lacks \"%s\"\n", i,
			    err, cases[i].err_part);
			CHECK(0);
		}
		/* A failed parse leaves nothing to free. */
		CHECK(ev.type_name == NULL && ev.conversation == NULL);
		event_free(&ev);
	}
	/* A zero-size error buffer is fine. */
	CHECK_INT(parse("[]", &ev, NULL, 0), -1);
	CHECK_INT(event_parse(NULL, &ev, err, sizeof err), -1);
}

/* tests/fixtures/events/bad.jsonl: every line is refused with a message. */
static void
test_bad_fixture(void)
{
	char path[4096], err[256], *buf, *line, *save = NULL;
	struct td_event ev;
	int n = 0;

	snprintf(path, sizeof path, "%s/events/bad.jsonl",
	    check_env_dir("TTYDESK_FIXTURES_DIR",
	    TTYDESK_SOURCE_DIR "/tests/fixtures"));
	if ((buf = check_read_file(path, NULL)) == NULL) {
		CHECK(0);
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		n++;
		err[0] = '\0';
		if (parse(line, &ev, err, sizeof err) != -1 || err[0] == '\0') {
			fprintf(stderr, "bad.jsonl line %d accepted\n", n);
			CHECK(0);
		}
	}
	CHECK_INT(n, 21);
	free(buf);
}

/* Bad optional fields are dropped, the event survives. */
static void
test_tolerated(void)
{
	struct td_event ev;
	char err[256];

	CHECK_INT(parse("{\"seq\": 4, \"ts\": \"yesterday\", \"type\": "
	    "\"message\", \"conversation\": \"c\", \"extra\": [1], \"message\": "
	    "{\"id\": \"m\", \"direction\": \"in\", \"kind\": \"hologram\", "
	    "\"text\": 5, \"caption\": \"ok\", \"media\": \"x\", \"location\": "
	    "{\"latitude\": \"north\", \"longitude\": 1}, \"reaction\": 3, "
	    "\"status\": \"weird\", \"error\": \"no\", \"from\": null}}", &ev, err,
	    sizeof err), 0);
	CHECK_INT(ev.ts, 0);
	CHECK_INT(ev.u.message.kind, TD_KIND_UNSUPPORTED);
	CHECK(ev.u.message.text == NULL);
	CHECK_STR(ev.u.message.caption, "ok");
	CHECK(ev.u.message.media == NULL);
	CHECK(ev.u.message.location == NULL);
	CHECK(ev.u.message.reaction_to == NULL);
	CHECK_INT(ev.u.message.status, TD_MS_RECEIVED);
	CHECK_INT(ev.u.message.error.code, 0);
	CHECK(ev.u.message.from == NULL);
	event_free(&ev);

	/* Missing status: outbound defaults to pending. */
	CHECK_INT(parse("{\"seq\": 4, \"type\": \"message\", \"conversation\": "
	    "\"c\", \"message\": {\"id\": \"m\", \"direction\": \"out\"}}", &ev,
	    err, sizeof err), 0);
	CHECK_INT(ev.u.message.status, TD_MS_PENDING);
	CHECK_INT(ev.u.message.kind, TD_KIND_UNSUPPORTED);
	event_free(&ev);

	CHECK_INT(parse("{\"seq\": 4, \"type\": \"conversation\", "
	    "\"conversation\": \"c\", \"state\": {\"status\": \"frozen\", "
	    "\"assignee\": 5, \"priority\": \"low\", \"labels\": \"vip\", "
	    "\"sla\": 1, \"csat\": {\"score\": 9, \"at\": 3}, \"escalation\": "
	    "null, \"last_inbound_ts\": 1e3}}", &ev, err, sizeof err), 0);
	CHECK_INT(ev.u.state.status, TD_CS_OPEN);
	CHECK(ev.u.state.assignee == NULL);
	CHECK_INT(ev.u.state.priority, TD_PRIO_NORMAL);
	CHECK_INT(ev.u.state.n_labels, 0);
	CHECK_INT(ev.u.state.csat_score, 0);
	CHECK(!ev.u.state.has_escalation);
	CHECK_INT(ev.u.state.last_inbound_ts, 1000);
	event_free(&ev);

	/* Unknown type: parsed, typed unknown, name kept. */
	CHECK_INT(parse("{\"seq\": 9, \"type\": \"typing\", \"conversation\": "
	    "\"c\"}", &ev, err, sizeof err), 0);
	CHECK_INT(ev.type, TD_EV_UNKNOWN);
	CHECK_STR(ev.type_name, "typing");
	event_free(&ev);
}

static void
test_huge_strings(void)
{
	size_t n = 4u << 20, i;
	char *big = malloc(n + 256), err[256];
	struct td_event ev, cp;
	int len;

	len = snprintf(big, 256, "{\"seq\": 1, \"type\": \"message\", "
	    "\"conversation\": \"c\", \"message\": {\"id\": \"m\", "
	    "\"direction\": \"in\", \"text\": \"");
	for (i = 0; i < n; i++)
		big[(size_t)len + i] = (char)('a' + i % 26);
	strcpy(big + (size_t)len + n, "\"}}");
	CHECK_INT(parse(big, &ev, err, sizeof err), 0);
	CHECK(ev.u.message.text != NULL && strlen(ev.u.message.text) == n);
	CHECK_INT(event_copy(&cp, &ev), 0);
	CHECK(strcmp(cp.u.message.text, ev.u.message.text) == 0);
	CHECK(cp.u.message.text != ev.u.message.text);
	event_free(&cp);
	event_free(&ev);
	free(big);
}

static void
test_copies(void)
{
	struct td_event ev, cp;
	struct td_contact c2;
	struct td_conv_state s2;
	char err[256];
	json_t *a, *b;

	CHECK_INT(parse("{\"seq\": 1, \"type\": \"contact\", \"conversation\": "
	    "\"c\", \"contact\": {\"wa_id\": \"1\", \"name\": \"N\", "
	    "\"attributes\": {}}}", &ev, err, sizeof err), 0);
	CHECK_INT(contact_copy(&c2, &ev.u.contact), 0);
	CHECK_STR(c2.wa_id, "1");
	CHECK(c2.attributes != NULL);
	contact_free(&c2);
	CHECK(c2.wa_id == NULL);
	event_free(&ev);

	CHECK_INT(parse("{\"seq\": 1, \"type\": \"conversation\", "
	    "\"conversation\": \"c\", \"state\": {\"status\": \"snoozed\", "
	    "\"labels\": [\"a\", \"b\"], \"escalation\": {\"team\": \"t\"}}}",
	    &ev, err, sizeof err), 0);
	CHECK_INT(conv_state_copy(&s2, &ev.u.state), 0);
	CHECK_INT(s2.status, TD_CS_SNOOZED);
	CHECK_INT(s2.n_labels, 2);
	CHECK(s2.labels != ev.u.state.labels);
	CHECK_STR(s2.labels[1], "b");
	CHECK_STR(s2.escalation.team, "t");
	conv_state_free(&s2);
	CHECK_INT(event_copy(&cp, &ev), 0);
	a = event_to_json(&ev);
	b = event_to_json(&cp);
	CHECK(json_equal(a, b));
	json_decref(a);
	json_decref(b);
	event_free(&cp);
	event_free(&ev);
}

/* Every fixture line with every JSON value replaced by values of other
 * types, one at a time: each either parses (and then round-trips) or
 * fails with a message; nothing crashes or leaks (ASan checks). */
static void
replace_each(json_t *root, json_t *node, int *count)
{
	static const char *const subs[] = { "null", "true", "-1", "1e300",
	    "\"\"", "\"x\"", "[]", "{}", "[1, {\"a\": null}]",
	    "9223372036854775807" };
	const char *key;
	json_t *v, *sub, *again;
	struct td_event ev, ev2;
	char err[256];
	size_t k;
	void *tmp;

	json_object_foreach_safe(node, tmp, key, v) {
		json_incref(v);
		for (k = 0; k < sizeof subs / sizeof subs[0]; k++) {
			sub = json_loads(subs[k], JSON_DECODE_ANY, NULL);
			json_object_set_new(node, key, sub);
			err[0] = '\0';
			if (event_parse(root, &ev, err, sizeof err) == 0) {
				again = event_to_json(&ev);
				CHECK(again != NULL);
				CHECK_INT(event_parse(again, &ev2, err, sizeof err), 0);
				event_free(&ev2);
				json_decref(again);
				event_free(&ev);
			} else
				CHECK(err[0] != '\0');
			(*count)++;
		}
		json_object_set(node, key, v);
		if (json_is_object(v))
			replace_each(root, v, count);
		json_decref(v);
	}
}

static void
test_mutations(void)
{
	char path[4096], *buf, *line, *save = NULL;
	json_t *root;
	int count = 0;

	snprintf(path, sizeof path, "%s/events/all-types.jsonl",
	    check_env_dir("TTYDESK_FIXTURES_DIR",
	    TTYDESK_SOURCE_DIR "/tests/fixtures"));
	if ((buf = check_read_file(path, NULL)) == NULL) {
		CHECK(0);
		return;
	}
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		root = json_loads(line, 0, NULL);
		replace_each(root, root, &count);
		json_decref(root);
	}
	CHECK(count > 1000);
	free(buf);
}

int
main(void)
{
	RUN(test_fixture_round_trip);
	RUN(test_fixture_fields);
	RUN(test_every_kind);
	RUN(test_names);
	RUN(test_malformed);
	RUN(test_bad_fixture);
	RUN(test_tolerated);
	RUN(test_huge_strings);
	RUN(test_copies);
	RUN(test_mutations);
	return check_done();
}
