/* Packed events: JSON -> struct -> packed -> struct gives the same JSON,
 * and any damaged or hostile byte string fails cleanly. */
#include <dirent.h>
#include <math.h>

#include <jansson.h>

#include "check.h"
#include "ttydesk/event.h"

static char *
emit(const struct td_event *ev)
{
	json_t *j = event_to_json(ev);
	char *s;

	if (j == NULL)
		return NULL;
	s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(j);
	return s;
}

/* Pack, unpack, compare event_to_json.  Returns the packed length. */
static size_t
round_trip(const struct td_event *ev)
{
	struct td_event back;
	unsigned char *buf;
	char err[256], *a, *b;
	size_t len = 0;

	CHECK_INT(event_pack(ev, &buf, &len), 0);
	if (buf == NULL)
		return 0;
	/* Version 2 only for a state that has its new fields. */
	CHECK_INT(buf[0], ev->type == TD_EV_CONVERSATION &&
	    (ev->u.state.assigned_by != NULL || ev->u.state.hidden) ? 0x02 :
	    0x01);
	CHECK(buf[0] != '{');
	CHECK_INT(event_unpack(buf, len, &back, err, sizeof err), 0);
	if (err[0] != '\0')
		fprintf(stderr, "unpack: %s\n", err);
	a = emit(ev);
	b = emit(&back);
	CHECK(a != NULL && b != NULL);
	if (a != NULL && b != NULL && strcmp(a, b) != 0) {
		fprintf(stderr, "round trip differs:\n%s\n%s\n", a, b);
		CHECK(0);
	}
	CHECK_STR(back.type_name, ev->type_name);
	free(a);
	free(b);
	event_free(&back);
	free(buf);
	return len;
}

/* An empty event of this type and seq on conversation conv. */
static void
ev_start(struct td_event *ev, int64_t seq, enum td_event_type type,
    char *name, char *conv)
{
	memset(ev, 0, sizeof *ev);
	ev->seq = seq;
	ev->type = type;
	ev->type_name = name;
	ev->conversation = conv;
}

/* Packs ev and unpacks it into *back (the caller frees it with
 * event_free): the packed length, 0 when packing failed. */
static size_t
repack(const struct td_event *ev, struct td_event *back)
{
	unsigned char *buf;
	char err[256];
	size_t len = 0;

	memset(back, 0, sizeof *back);
	CHECK_INT(event_pack(ev, &buf, &len), 0);
	if (buf == NULL)
		return 0;
	CHECK_INT(event_unpack(buf, len, back, err, sizeof err), 0);
	free(buf);
	return len;
}

/* Every prefix of buf fails with a message and leaves out empty. */
static void
truncations(const unsigned char *buf, size_t len)
{
	struct td_event ev;
	char err[256];
	size_t n;

	for (n = 0; n < len; n++) {
		err[0] = '\0';
		CHECK_INT(event_unpack(buf, n, &ev, err, sizeof err), -1);
		CHECK(err[0] != '\0');
		CHECK(ev.conversation == NULL && ev.type_name == NULL);
	}
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Random damage: either a clean failure or an event that packs again to
 * exactly the bytes (whatever unpacks is a well-formed event). */
static void
corruptions(const unsigned char *buf, size_t len, int rounds)
{
	unsigned char *cp = malloc(len + 8), *again;
	struct td_event ev, ev2;
	size_t n, k, alen;
	char err[256], *a, *b;
	int r, i;

	if (cp == NULL)
		return;
	for (r = 0; r < rounds; r++) {
		memcpy(cp, buf, len);
		n = len;
		for (i = 0; i < 1 + (int)(rnd() % 4); i++) {
			k = (size_t)(rnd() % len);
			switch (rnd() % 4) {
			case 0:
				cp[k] ^= (unsigned char)(1u << (rnd() % 8));
				break;
			case 1:
				cp[k] = (unsigned char)rnd();
				break;
			case 2:
				cp[k] = 0xff;
				break;
			default:
				n = k + 1; /* cut */
				break;
			}
		}
		cp[0] = 0x01;
		err[0] = '\0';
		if (event_unpack(cp, n, &ev, err, sizeof err) != 0) {
			CHECK(err[0] != '\0');
			CHECK(ev.conversation == NULL);
			continue;
		}
		CHECK(ev.conversation != NULL && ev.type_name != NULL);
		CHECK_INT(event_pack(&ev, &again, &alen), 0);
		if (again != NULL) {
			CHECK_INT(event_unpack(again, alen, &ev2, err,
			    sizeof err), 0);
			a = emit(&ev);
			b = emit(&ev2);
			CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
			free(a);
			free(b);
			event_free(&ev2);
			free(again);
		}
		event_free(&ev);
	}
	free(cp);
}

/* One fixture file: every line that parses round-trips; its packed form
 * is smaller than its JSON; every truncation and random damage fails
 * cleanly.  Returns the number of events checked. */
static int
fixture_file(const char *path)
{
	char err[256], *buf, *line, *save = NULL, *a, *b;
	struct td_event ev, viajson;
	unsigned char *pk;
	size_t len;
	int n = 0;

	buf = check_read_file(path, NULL);
	CHECK(buf != NULL);
	if (buf == NULL)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (event_parse_text(line, strlen(line), &ev, err,
		    sizeof err) != 0) {
			/* The same refusal through event_decode_any. */
			CHECK_INT(event_decode_any(line, strlen(line), &viajson,
			    err, sizeof err), -1);
			continue;
		}
		n++;
		len = round_trip(&ev);
		CHECK(len > 0 && len < strlen(line));
		CHECK_INT(event_pack(&ev, &pk, &len), 0);
		/* decode_any: packed bytes and JSON text give one event. */
		CHECK_INT(event_decode_any(line, strlen(line), &viajson, err,
		    sizeof err), 0);
		a = emit(&viajson);
		event_free(&viajson);
		CHECK_INT(event_decode_any(pk, len, &viajson, err, sizeof err), 0);
		b = emit(&viajson);
		event_free(&viajson);
		CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
		free(a);
		free(b);
		truncations(pk, len);
		corruptions(pk, len, 3000);
		free(pk);
		event_free(&ev);
	}
	free(buf);
	return n;
}

static void
test_fixtures(void)
{
	const char *dir = check_env_dir("TTYDESK_FIXTURES_DIR",
	    TTYDESK_SOURCE_DIR "/tests/fixtures");
	char path[4096];
	struct dirent *de;
	DIR *d;
	int n = 0, files = 0;
	size_t l;

	snprintf(path, sizeof path, "%s/events", dir);
	d = opendir(path);
	CHECK(d != NULL);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (l < 6 || strcmp(de->d_name + l - 6, ".jsonl") != 0)
			continue;
		snprintf(path, sizeof path, "%s/events/%s", dir, de->d_name);
		n += fixture_file(path);
		files++;
	}
	closedir(d);
	CHECK(files >= 2);
	CHECK(n >= 16); /* all-types.jsonl alone has 16 */
}

/* Every field of every type set, and the odd corners of each. */
static void
test_every_field(void)
{
	struct td_media md = { "mid", "image/png", "f.png", "sha", 0 };
	struct td_location loc = { 37.483307, -122.148981, "Philz ☕",
	    "101 Forest Ave" };
	char *labels[] = { "refund", "vip 🙂" };
	struct td_attribute attrs[] = { { "plan", "gold" }, { "", "" } };
	struct td_event ev, back;

	ev_start(&ev, INT64_MAX, TD_EV_MESSAGE, "message", "c/1 é");
	ev.ts = -5;
	ev.u.message.id = "out-1";
	ev.u.message.direction = TD_DIR_OUT;
	ev.u.message.kind = TD_KIND_LOCATION;
	ev.u.message.from = "15550783881";
	ev.u.message.text = "text ✓";
	ev.u.message.caption = "";
	ev.u.message.annotation = "[Forwarded]";
	ev.u.message.media = &md;
	ev.u.message.location = &loc;
	ev.u.message.reaction_to = "wamid.T";
	ev.u.message.reaction_emoji = "❤️";
	ev.u.message.reply_to = "wamid.Q";
	ev.u.message.agent = "alice";
	ev.u.message.client_id = "k-1";
	ev.u.message.status = TD_MS_FAILED;
	ev.u.message.error.code = INT32_MIN;
	ev.u.message.error.title = "Re-engagement";
	ev.u.message.error.details = "24 hours";
	ev.u.message.wamid = "wamid.OUT1";
	round_trip(&ev);
	repack(&ev, &back);
	/* Bit-exact coordinates, size 0 kept (not "unknown"). */
	CHECK(back.u.message.location != NULL &&
	    back.u.message.location->latitude == 37.483307 &&
	    back.u.message.location->longitude == -122.148981);
	CHECK(back.u.message.media != NULL && back.u.message.media->size == 0);
	CHECK_STR(back.u.message.caption, "");
	CHECK_STR(back.u.message.annotation, "[Forwarded]");
	CHECK_INT(back.seq, INT64_MAX);
	CHECK_INT(back.ts, -5);
	CHECK_INT(back.u.message.error.code, INT32_MIN);
	event_free(&back);

	ev_start(&ev, 2, TD_EV_STATUS, "status", "c");
	ev.u.status.message = "out-1";
	ev.u.status.status = TD_MS_FAILED;
	ev.u.status.wamid = "wamid.OUT1";
	ev.u.status.error.code = 131047;
	ev.u.status.error.title = "";
	round_trip(&ev);

	ev_start(&ev, 3, TD_EV_CONVERSATION, "conversation", "c");
	ev.ts = 1750000070;
	ev.u.state.status = TD_CS_SNOOZED;
	ev.u.state.assignee = "bob";
	ev.u.state.team = "tier2";
	ev.u.state.priority = TD_PRIO_URGENT;
	ev.u.state.has_escalation = true;
	ev.u.state.escalation.team = "tier2";
	ev.u.state.escalation.reason = "refund over limit";
	ev.u.state.escalation.by = "alice";
	ev.u.state.escalation.at = 1750000070;
	ev.u.state.last_inbound_ts = 1750000030;
	ev.u.state.labels = labels;
	ev.u.state.n_labels = 2;
	ev.u.state.snoozed_until = 1750100000;
	ev.u.state.sla.first_response_due = 1750000300;
	ev.u.state.sla.next_response_due = 1750003600;
	ev.u.state.sla.breached = true;
	ev.u.state.csat_score = 5;
	ev.u.state.csat_at = 1750000080;
	round_trip(&ev);
	repack(&ev, &back);
	CHECK_INT(back.u.state.n_labels, 2);
	CHECK_STR(back.u.state.labels[1], "vip 🙂");
	CHECK(back.u.state.has_escalation && back.u.state.sla.breached);
	CHECK_INT(back.u.state.csat_score, 5);
	event_free(&back);

	ev_start(&ev, 4, TD_EV_CONTACT, "contact", "c");
	ev.u.contact.wa_id = "16505551234";
	ev.u.contact.user_id = "US.1";
	ev.u.contact.username = "sheena";
	ev.u.contact.name = "Sheena";
	ev.u.contact.note = "VIP";
	ev.u.contact.attributes = attrs;
	ev.u.contact.n_attributes = 2;
	round_trip(&ev);
	/* An empty attributes object stays an object (it clears); none
	 * stays none. */
	ev.u.contact.n_attributes = 0;
	repack(&ev, &back);
	CHECK(back.u.contact.attributes != NULL);
	CHECK_INT(back.u.contact.n_attributes, 0);
	event_free(&back);
	ev.u.contact.attributes = NULL;
	repack(&ev, &back);
	CHECK(back.u.contact.attributes == NULL);
	event_free(&back);

	ev_start(&ev, 5, TD_EV_PRESENCE, "presence", "c");
	ev.u.presence.agent = "bob";
	ev.u.presence.activity = "typing";
	ev.u.presence.expires = 1750000110;
	round_trip(&ev);

	ev_start(&ev, 6, TD_EV_UNKNOWN, "future_thing", "c");
	round_trip(&ev);
}

/* Several business numbers and coexistence: a state's number, a message's
 * origin and history flag survive packing; a state or message packed
 * without them (as every cache before them was) reads back without. */
static void
test_number_fields(void)
{
	struct td_event ev, back;
	unsigned char *old;
	char err[256];
	size_t oldlen;

	ev_start(&ev, 7, TD_EV_CONVERSATION, "conversation", "c7");
	ev.u.state.status = TD_CS_OPEN;
	ev.u.state.sla.breached = true;
	CHECK_INT(event_pack(&ev, &old, &oldlen), 0);
	ev.u.state.number = "support-fr";
	round_trip(&ev);
	CHECK(repack(&ev, &back) > oldlen);
	CHECK_STR(back.u.state.number, "support-fr");
	CHECK(back.u.state.sla.breached);
	event_free(&back);
	CHECK_INT(event_unpack(old, oldlen, &back, err, sizeof err), 0);
	CHECK(back.u.state.number == NULL && back.u.state.sla.breached);
	event_free(&back);
	free(old);

	ev_start(&ev, 7, TD_EV_MESSAGE, "message", "c7");
	ev.u.message.id = "wamid.ECHO";
	ev.u.message.direction = TD_DIR_OUT;
	ev.u.message.kind = TD_KIND_TEXT;
	ev.u.message.status = TD_MS_READ;
	ev.u.message.text = "sent from the phone";
	CHECK_INT(event_pack(&ev, &old, &oldlen), 0);
	ev.u.message.origin = "business_app";
	ev.u.message.history = true;
	round_trip(&ev);
	repack(&ev, &back);
	CHECK_STR(back.u.message.origin, "business_app");
	CHECK(back.u.message.history);
	event_free(&back);
	CHECK_INT(event_unpack(old, oldlen, &back, err, sizeof err), 0);
	CHECK(back.u.message.origin == NULL && !back.u.message.history);
	event_free(&back);
	free(old);
}

/* A valid presence event, built by hand: tag, type 5, seq 1, ts 0,
 * conversation "c", canonical name, agent "a", activity "t", expires 0. */
static const unsigned char presence[] = { 0x01, 5, 2, 0, 2, 'c', 0,
    2, 'a', 2, 't', 0 };

static void
expect_bad(const unsigned char *buf, size_t len, const char *why)
{
	struct td_event ev;
	char err[256];

	err[0] = '\0';
	CHECK_INT(event_unpack(buf, len, &ev, err, sizeof err), -1);
	if (strstr(err, why) == NULL) {
		fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, why);
		CHECK(0);
	}
	CHECK(ev.conversation == NULL && ev.type == TD_EV_UNKNOWN);
}

static void
test_bad_input(void)
{
	const char *json = "{\"seq\": 1, \"type\": \"presence\", "
	    "\"conversation\": \"c\", \"agent\": \"a\", \"activity\": \"t\"}";
	unsigned char b[64];
	struct td_event ev;
	char err[256];
	size_t n = sizeof presence;

	CHECK_INT(event_unpack(presence, n, &ev, err, sizeof err), 0);
	CHECK_STR(ev.type_name, "presence");
	CHECK_STR(ev.u.presence.activity, "t");
	event_free(&ev);

	expect_bad(presence, 0, "empty");
	memcpy(b, presence, n);
	b[0] = 0x03;
	expect_bad(b, n, "format 3 is newer");
	b[0] = '{';
	expect_bad(b, n, "not a packed event");
	memcpy(b, presence, n);
	b[1] = 6;
	expect_bad(b, n, "unknown event type");
	memcpy(b, presence, n);
	b[2] = 1; /* seq -1 */
	expect_bad(b, n, "negative seq");
	memcpy(b, presence, n);
	b[5] = 0; /* conversation "\0" */
	expect_bad(b, n, "not UTF-8");
	b[5] = 0xc0; /* overlong lead byte */
	expect_bad(b, n, "not UTF-8");
	memcpy(b, presence, n);
	b[4] = 1; /* conversation "" */
	memmove(b + 5, b + 6, n - 6);
	expect_bad(b, n - 1, "without a conversation");
	memcpy(b, presence, n);
	b[4] = 0x7f; /* conversation longer than the rest */
	expect_bad(b, n, "past the end");
	memcpy(b, presence, n);
	b[6] = 2; /* a type name for a known type */
	expect_bad(b, n, "type name");
	memcpy(b, presence, n);
	b[n] = 0;
	expect_bad(b, n + 1, "trailing bytes");
	memcpy(b, presence, n);
	b[9] = 0; /* no activity */
	memmove(b + 10, b + 11, n - 11);
	expect_bad(b, n - 1, "without an activity");

	/* A varint of eleven bytes, and one whose tenth byte overflows. */
	memcpy(b, presence, 2);
	memset(b + 2, 0xff, 10);
	b[12] = 0x01;
	expect_bad(b, 13, "out of range");
	memset(b + 2, 0xff, 9);
	b[11] = 0x02;
	expect_bad(b, 12, "out of range");
	memset(b + 2, 0x80, 5);
	expect_bad(b, 7, "truncated number");

	/* Unknown type: needs a name that is not a known one. */
	{
		const unsigned char u[] = { 0x01, 0, 2, 0, 2, 'c', 0 };
		const unsigned char k[] = { 0x01, 0, 2, 0, 2, 'c', 8, 'm', 'e',
		    's', 's', 'a', 'g', 'e' };
		expect_bad(u, sizeof u, "bad type name");
		expect_bad(k, sizeof k, "bad type name");
	}
	/* Label and attribute counts beyond the input, a NaN coordinate. */
	{
		const unsigned char st[] = { 0x01, 3, 2, 0, 2, 'c', 0,
		    0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f };
		const unsigned char ct[] = { 0x01, 4, 2, 0, 2, 'c', 0,
		    0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f };
		const unsigned char lb[] = { 0x01, 3, 2, 0, 2, 'c', 0,
		    0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0 };
		expect_bad(st, sizeof st, "label count");
		expect_bad(ct, sizeof ct, "attribute count");
		expect_bad(lb, sizeof lb, "empty label");
	}
	{
		struct td_location loc = { NAN, 1, NULL, NULL };
		struct td_media md = { "m", NULL, NULL, NULL, -1 };
		struct td_event m;
		unsigned char *pk;
		size_t len;

		memset(&m, 0, sizeof m);
		m.seq = 1;
		m.type = TD_EV_MESSAGE;
		m.conversation = "c";
		m.u.message.id = "w";
		m.u.message.kind = TD_KIND_LOCATION;
		m.u.message.location = &loc;
		CHECK_INT(event_pack(&m, &pk, &len), 0);
		expect_bad(pk, len, "finite");
		free(pk);
		/* Media size: -1 (unknown) is the floor; it is packed just
		 * before the error (code, title, details: three zero bytes). */
		m.u.message.location = NULL;
		m.u.message.media = &md;
		CHECK_INT(event_pack(&m, &pk, &len), 0);
		CHECK_INT(pk[len - 4], 1); /* zigzag -1 */
		pk[len - 4] = 3; /* -2 */
		expect_bad(pk, len, "negative media size");
		free(pk);
		m.u.message.media = NULL;
		m.u.message.id = "";
		CHECK_INT(event_pack(&m, &pk, &len), 0);
		expect_bad(pk, len, "without an id");
		free(pk);
	}
	/* event_decode_any tells the forms apart by the first byte. */
	CHECK_INT(event_decode_any(presence, n, &ev, err, sizeof err), 0);
	event_free(&ev);
	CHECK_INT(event_decode_any(json, strlen(json), &ev, err, sizeof err), 0);
	CHECK_STR(ev.u.presence.agent, "a");
	event_free(&ev);
	CHECK_INT(event_decode_any("\x03xyz", 4, &ev, err, sizeof err), -1);
	CHECK(strstr(err, "newer") != NULL);
	CHECK_INT(event_decode_any("", 0, &ev, err, sizeof err), -1);
	CHECK(strstr(err, "not JSON") != NULL);
}

/* The fuzz seeds come from a second encoder (tests/fuzz/event_pack/
 * mkseeds.py, written from the layout in event_pack.c): both must agree
 * byte for byte on every fixture event. */
static void
test_second_encoder(void)
{
	char path[4096], err[256], *buf, *line, *save = NULL, *seed, *a, *b;
	struct td_event ev, back;
	unsigned char *pk;
	size_t len, slen;
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
		CHECK_INT(event_parse_text(line, strlen(line), &ev, err,
		    sizeof err), 0);
		snprintf(path, sizeof path, "%s/tests/fuzz/event_pack/seeds/"
		    "%02d-%s", TTYDESK_SOURCE_DIR, (int)ev.seq, ev.type_name);
		seed = check_read_file(path, &slen);
		CHECK(seed != NULL);
		CHECK_INT(event_pack(&ev, &pk, &len), 0);
		if (seed != NULL && pk != NULL) {
			CHECK(len == slen && memcmp(pk, seed, len) == 0);
			CHECK_INT(event_unpack((unsigned char *)seed, slen, &back,
			    err, sizeof err), 0);
			a = emit(&ev);
			b = emit(&back);
			CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
			free(a);
			free(b);
			event_free(&back);
			n++;
		}
		free(pk);
		free(seed);
		event_free(&ev);
	}
	CHECK_INT(n, 16);
	free(buf);
}

/* Strings are checked eight bytes at a time while ASCII: a bad byte or a
 * NUL at any offset of a long run must still be found, and good UTF-8 at
 * any offset accepted. */
static void
test_utf8_everywhere(void)
{
	static const unsigned char bad[] = { 0x00, 0xff, 0xc3, 0x80, 0xed,
	    0xf5 };
	char text[32], err[256];
	struct td_event ev, back;
	unsigned char *pk, *t;
	size_t len, pos, b, n = 21;

	memset(text, 'a', n);
	text[n] = '\0';
	memset(&ev, 0, sizeof ev);
	ev.seq = 1;
	ev.type = TD_EV_MESSAGE;
	ev.conversation = "c";
	ev.u.message.id = "w";
	ev.u.message.text = text;
	CHECK_INT(event_pack(&ev, &pk, &len), 0);
	if (pk == NULL)
		return;
	t = memchr(pk, 'a', len); /* the text: the only run of 'a' */
	CHECK(t != NULL && t[n - 1] == 'a' && t[-1] == n + 1);
	for (pos = 0; t != NULL && pos < n; pos++) {
		for (b = 0; b < sizeof bad; b++) {
			t[pos] = bad[b];
			err[0] = '\0';
			CHECK_INT(event_unpack(pk, len, &back, err, sizeof err), -1);
			CHECK(strstr(err, "not UTF-8") != NULL);
		}
		if (pos + 1 < n) {
			t[pos] = 0xc3; /* é */
			t[pos + 1] = 0xa9;
			CHECK_INT(event_unpack(pk, len, &back, err, sizeof err), 0);
			CHECK(back.u.message.text != NULL &&
			    strstr(back.u.message.text, "\xc3\xa9") ==
			    back.u.message.text + pos);
			event_free(&back);
			t[pos + 1] = 'a';
		}
		t[pos] = 'a';
	}
	free(pk);
}

/* assigned_by and hidden (version 2): round trip, every truncation fails,
 * a version 1 state still reads (without them), and a version 2 record
 * that has neither is refused. */
static void
test_version2_state(void)
{
	static const char *const js[] = {
		"{\"seq\":7,\"ts\":100,\"type\":\"conversation\","
		"\"conversation\":\"c1\",\"state\":{\"status\":\"open\","
		"\"assignee\":\"bob\",\"team\":\"tier1\","
		"\"assigned_by\":\"auto\"}}",
		"{\"seq\":8,\"ts\":101,\"type\":\"conversation\","
		"\"conversation\":\"c1\",\"hidden\":true}",
		"{\"seq\":9,\"ts\":102,\"type\":\"conversation\","
		"\"conversation\":\"c1\",\"state\":{\"status\":\"open\","
		"\"hidden\":true,\"assigned_by\":\"alice\"}}",
	};
	struct td_event ev, back;
	unsigned char *pk, *grown;
	char err[256];
	size_t i, len;

	for (i = 0; i < sizeof js / sizeof js[0]; i++) {
		memset(&ev, 0, sizeof ev);
		CHECK_INT(event_parse_text(js[i], strlen(js[i]), &ev, err,
		    sizeof err), 0);
		CHECK(ev.u.state.assigned_by != NULL || ev.u.state.hidden);
		round_trip(&ev);
		CHECK_INT(event_pack(&ev, &pk, &len), 0);
		truncations(pk, len);
		CHECK_INT(event_unpack(pk, len, &back, err, sizeof err), 0);
		CHECK(back.u.state.hidden == ev.u.state.hidden);
		CHECK((back.u.state.assigned_by == NULL) ==
		    (ev.u.state.assigned_by == NULL));
		event_free(&back);
		free(pk);
		event_free(&ev);
	}
	/* The same state without the new fields is version 1 ... */
	memset(&ev, 0, sizeof ev);
	CHECK_INT(event_parse_text(js[0], strlen(js[0]), &ev, err, sizeof err),
	    0);
	CHECK_STR(ev.u.state.assigned_by, "auto");
	free(ev.u.state.assigned_by);
	ev.u.state.assigned_by = NULL;
	CHECK_INT(event_pack(&ev, &pk, &len), 0);
	CHECK_INT(pk[0], 0x01);
	CHECK_INT(event_unpack(pk, len, &back, err, sizeof err), 0);
	CHECK(back.u.state.assigned_by == NULL && !back.u.state.hidden);
	CHECK_STR(back.u.state.assignee, "bob");
	event_free(&back);
	/* ... and tagged 2 without them it is refused. */
	pk[0] = 0x02;
	CHECK_INT(event_unpack(pk, len, &back, err, sizeof err), -1);
	grown = realloc(pk, len + 2);
	CHECK(grown != NULL);
	if (grown != NULL) {
		pk = grown;
		pk[len] = 0x00;     /* assigned_by NULL */
		pk[len + 1] = 0x00; /* not hidden */
		CHECK_INT(event_unpack(pk, len + 2, &back, err, sizeof err),
		    -1);
		CHECK(strstr(err, "without its fields") != NULL);
	}
	free(pk);
	event_free(&ev);
}

/* A customer's answer to an interactive message survives the cache; a
 * record written before the field existed still reads; a hostile one
 * (answer on an outbound message, fields that are no object) fails. */
static void
test_interactive(void)
{
	struct td_interactive x = { "nfm_reply", "flow-1", "Book", "2 rows",
	    "{\"date\":\"2026-12-08\",\"n\":2}" };
	/* 0x01, message, seq 3, ts 0, conversation "c", known type name,
	 * in, text, received, id "m", ten NULL strings, flags 0, no error:
	 * the layout before interactive answers. */
	static const unsigned char old[] = { 0x01, 0x01, 0x06, 0x00, 0x02,
	    'c', 0x00, 0x00, 0x00, 0x00, 0x02, 'm', 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0x00, 0x00, 0x00, 0x00 };
	struct td_event ev, back;
	unsigned char *buf;
	char err[256];
	size_t len, i;

	ev_start(&ev, 9, TD_EV_MESSAGE, "message", "c");
	ev.u.message.id = "wamid.A";
	ev.u.message.direction = TD_DIR_IN;
	ev.u.message.kind = TD_KIND_INTERACTIVE;
	ev.u.message.from = "1555";
	ev.u.message.text = "Book";
	ev.u.message.interactive = &x;
	round_trip(&ev);
	CHECK_INT(event_pack(&ev, &buf, &len), 0);
	CHECK_INT(event_unpack(buf, len, &back, err, sizeof err), 0);
	CHECK(back.u.message.interactive != NULL);
	if (back.u.message.interactive != NULL) {
		CHECK_STR(back.u.message.interactive->type, "nfm_reply");
		CHECK_STR(back.u.message.interactive->id, "flow-1");
		CHECK_STR(back.u.message.interactive->title, "Book");
		CHECK_STR(back.u.message.interactive->description, "2 rows");
		CHECK_STR(back.u.message.interactive->fields,
		    "{\"date\":\"2026-12-08\",\"n\":2}");
	}
	event_free(&back);
	truncations(buf, len);
	corruptions(buf, len, 2000);
	free(buf);

	/* Fields that are not a JSON object. */
	x.fields = "[1]";
	CHECK_INT(event_pack(&ev, &buf, &len), 0);
	CHECK_INT(event_unpack(buf, len, &back, err, sizeof err), -1);
	CHECK(strstr(err, "fields") != NULL);
	free(buf);
	x.fields = NULL;
	/* An answer on an outbound message: event_parse() never makes one. */
	ev.u.message.direction = TD_DIR_OUT;
	CHECK_INT(event_pack(&ev, &buf, &len), 0);
	CHECK_INT(event_unpack(buf, len, &back, err, sizeof err), -1);
	free(buf);

	/* A record from before the field: reads, without an answer. */
	CHECK_INT(event_unpack(old, sizeof old, &back, err, sizeof err), 0);
	CHECK_STR(back.u.message.id, "m");
	CHECK(back.u.message.interactive == NULL);
	/* ... and packs again to the very same bytes. */
	CHECK_INT(event_pack(&back, &buf, &len), 0);
	CHECK_INT(len, sizeof old);
	for (i = 0; i < len && i < sizeof old; i++)
		CHECK_INT(buf[i], old[i]);
	free(buf);
	event_free(&back);
}

int
main(void)
{
	RUN(test_fixtures);
	RUN(test_every_field);
	RUN(test_number_fields);
	RUN(test_interactive);
	RUN(test_bad_input);
	RUN(test_second_encoder);
	RUN(test_utf8_everywhere);
	RUN(test_version2_state);
	return check_done();
}
