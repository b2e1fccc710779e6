/*
 * wa_parse_webhook() on our own fixtures (tests/fixtures/webhooks): exact
 * fields for every message and status type, and bad bodies of every kind
 * (clear error or kept as unsupported, never a crash, never a leak).
 */
#include <jansson.h>
#include <math.h>

#include "check.h"
#include "ttydesk/wa.h"

static char err[512];

static char *
fixture(const char *name, size_t *len)
{
	char path[1024];
	char *body;

	snprintf(path, sizeof path, "%s/webhooks/%s", check_env_dir(
	    "TTYDESK_FIXTURES_DIR", TTYDESK_SOURCE_DIR "/tests/fixtures"), name);
	body = check_read_file(path, len);
	if (body == NULL)
		fprintf(stderr, "missing fixture %s\n", path);
	return body;
}

/* Parse fixture name; returns its item count, or -1 after a parse error
 * (err says why). */
static int
parse(const char *name, struct wa_webhook *w)
{
	size_t len;
	char *body = fixture(name, &len);
	int rc;

	memset(w, 0, sizeof *w);
	err[0] = '\0';
	if (body == NULL)
		return -2;
	rc = wa_parse_webhook(body, len, w, err, sizeof err);
	free(body);
	return rc == 0 ? (int)w->n_items : -1;
}

/* One message fixture: the single item, or NULL. */
static struct wa_item *
one(const char *name, struct wa_webhook *w)
{
	int n = parse(name, w);

	CHECK_INT(n, 1);
	if (n != 1) {
		fprintf(stderr, "%s: %s\n", name, err);
		wa_webhook_free(w);
		return NULL;
	}
	return &w->items[0];
}

static void
test_text(void)
{
	struct wa_webhook w;
	struct wa_item *it = one("text.json", &w);

	if (it == NULL)
		return;
	CHECK_INT(it->kind, WA_ITEM_MESSAGE);
	CHECK_INT(it->message.kind, TD_KIND_TEXT);
	CHECK_INT(it->message.direction, TD_DIR_IN);
	CHECK_INT(it->message.status, TD_MS_RECEIVED);
	CHECK_STR(it->message.id, "wamid.FX1");
	CHECK_STR(it->message.text, "Does it come in another color?");
	CHECK_STR(it->message.from, "16505551234");
	CHECK_STR(it->customer.wa_id, "16505551234");
	CHECK_STR(it->customer.user_id, "US.13491208655302741918");
	CHECK_STR(it->customer.name, "Sheena Nelson");
	CHECK(it->customer.username == NULL);
	CHECK_STR(it->phone_number_id, "106540352242922");
	CHECK_STR(it->display_phone_number, "15550100");
	CHECK_INT(it->ts, 1750000000);
	CHECK(it->message.caption == NULL && it->message.media == NULL &&
	    it->message.location == NULL && it->message.reply_to == NULL);
	wa_webhook_free(&w);

	if ((it = one("text-reply.json", &w)) == NULL)
		return;
	CHECK_STR(it->message.reply_to, "wamid.OUT1");
	CHECK_STR(it->message.text, "yes please");
	wa_webhook_free(&w);
}

static void
test_media(void)
{
	struct wa_webhook w;
	struct wa_item *it;

	if ((it = one("image.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_IMAGE);
		CHECK_STR(it->message.media->id, "1479537139650973");
		CHECK_STR(it->message.media->mime_type, "image/jpeg");
		CHECK_STR(it->message.media->sha256, "SHA");
		CHECK_INT(it->message.media->size, 48213);
		CHECK(it->message.media->filename == NULL);
		CHECK_STR(it->message.caption, "my receipt");
		CHECK(it->message.text == NULL);
		wa_webhook_free(&w);
	}
	if ((it = one("video.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_VIDEO);
		CHECK_STR(it->message.media->id, "VID1");
		CHECK(it->message.caption == NULL);
		wa_webhook_free(&w);
	}
	if ((it = one("audio-voice.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_AUDIO);
		CHECK(it->voice);
		CHECK_STR(it->message.annotation, "[Voice message]");
		CHECK_STR(it->message.media->mime_type, "audio/ogg; codecs=opus");
		wa_webhook_free(&w);
	}
	if ((it = one("document.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_DOCUMENT);
		CHECK_STR(it->message.media->filename, "invoice-1042.pdf");
		CHECK_STR(it->message.caption, "the invoice");
		wa_webhook_free(&w);
	}
	if ((it = one("sticker-animated.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_STICKER);
		CHECK(it->animated);
		CHECK_STR(it->message.annotation, "[Animated sticker]");
		wa_webhook_free(&w);
	}
}

static void
test_location(void)
{
	struct wa_webhook w;
	struct wa_item *it;

	/* Coordinates as numeric strings. */
	if ((it = one("location.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_LOCATION);
		CHECK(it->message.location != NULL);
		if (it->message.location != NULL) {
			CHECK(fabs(it->message.location->latitude - 48.8584) < 1e-9);
			CHECK(fabs(it->message.location->longitude - 2.2945) < 1e-9);
			CHECK_STR(it->message.location->name, "Eiffel Tower");
			CHECK_STR(it->message.location->address,
			    "Champ de Mars, Paris");
		}
		wa_webhook_free(&w);
	}
	/* A placeholder string and an out-of-range number. */
	if ((it = one("location-placeholder.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_UNSUPPORTED);
		CHECK(it->message.location == NULL);
		CHECK_STR(it->message.text, "location without valid coordinates "
		    "(latitude 'LAT', longitude 200): Somewhere");
		CHECK_STR(it->message.id, "wamid.FX1");
		wa_webhook_free(&w);
	}
}

static void
test_contacts(void)
{
	struct wa_webhook w;
	struct wa_item *it = one("contacts.json", &w);

	if (it == NULL)
		return;
	CHECK_INT(it->message.kind, TD_KIND_CONTACTS);
	CHECK_STR(it->message.text, "Ann Lee (+1 555 0101, 15550102); (no name)");
	wa_webhook_free(&w);
}

static void
test_interactive(void)
{
	struct wa_webhook w;
	struct wa_item *it;

	if ((it = one("interactive-button-reply.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_INTERACTIVE);
		CHECK_STR(it->message.text, "Excellent");
		CHECK_STR(it->reply_id, "csat_5");
		CHECK_STR(it->message.reply_to, "wamid.CSAT");
		CHECK_STR(it->wa_type, "interactive");
		wa_webhook_free(&w);
	}
	if ((it = one("interactive-list-reply.json", &w)) != NULL) {
		CHECK_STR(it->message.text, "Returns");
		CHECK_STR(it->message.caption, "Send an item back");
		CHECK_STR(it->reply_id, "opt_2");
		wa_webhook_free(&w);
	}
	if ((it = one("interactive-nfm-reply.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_INTERACTIVE);
		CHECK_STR(it->message.text, "Flow response: rating: 5, comment: "
		    "great");
		CHECK_STR(it->wa_type, "nfm_reply");
		wa_webhook_free(&w);
	}
	if ((it = one("interactive-unknown.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_UNSUPPORTED);
		CHECK_STR(it->message.text, "unsupported interactive type "
		    "'call_permission_reply'");
		wa_webhook_free(&w);
	}
	if ((it = one("button.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_BUTTON);
		CHECK_STR(it->message.text, "Track order");
		CHECK_STR(it->reply_id, "TRACK_1042");
		wa_webhook_free(&w);
	}
}

static void
test_reaction(void)
{
	struct wa_webhook w;
	struct wa_item *it;

	if ((it = one("reaction.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_REACTION);
		CHECK_STR(it->message.reaction_to, "wamid.OUT1");
		CHECK_STR(it->message.reaction_emoji, "\xe2\x9d\xa4\xef\xb8\x8f");
		wa_webhook_free(&w);
	}
	if ((it = one("reaction-remove.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_REACTION);
		CHECK_STR(it->message.reaction_emoji, "");
		wa_webhook_free(&w);
	}
}

static void
test_order_system_referral(void)
{
	struct wa_webhook w;
	struct wa_item *it;

	if ((it = one("order.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_TEXT);
		CHECK_STR(it->wa_type, "order");
		CHECK_STR(it->message.text, "Order from catalog CAT9: 2 items, "
		    "total 20.00 EUR\n- SKU1 x2 at 9.50 EUR\n- SKU2 x1 at 1.00 EUR");
		CHECK_STR(it->message.annotation, "[Order]");
		CHECK_STR(it->message.caption, "gift wrap please");
		wa_webhook_free(&w);
	}
	if ((it = one("system-number-change.json", &w)) != NULL) {
		CHECK_INT(it->kind, WA_ITEM_SYSTEM);
		CHECK_INT(it->message.kind, TD_KIND_UNSUPPORTED);
		CHECK_STR(it->message.text, "System notice: Sheena changed from "
		    "16505551234 to 16505559999");
		CHECK_STR(it->new_wa_id, "16505559999");
		CHECK_STR(it->message.from, "16505551234");
		CHECK(it->customer.name == NULL);
		wa_webhook_free(&w);
	}
	if ((it = one("referral.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_TEXT);
		CHECK_STR(it->message.text, "Hi, saw your ad");
		CHECK_STR(it->message.annotation, "[From ad: Summer sale]");
		CHECK_STR(it->referral_headline, "Summer sale");
		CHECK_STR(it->referral_url, "https://fb.me/ad1");
		wa_webhook_free(&w);
	}
}

static void
test_unsupported(void)
{
	struct wa_webhook w;
	struct wa_item *it;

	if ((it = one("unsupported.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_UNSUPPORTED);
		CHECK_STR(it->message.text, "unsupported message: Message type "
		    "unknown (Message type is currently not supported.) "
		    "[code 131051]");
		wa_webhook_free(&w);
	}
	if ((it = one("unknown-type.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_UNSUPPORTED);
		CHECK_STR(it->message.text, "unsupported message type 'foo'");
		CHECK_STR(it->wa_type, "foo");
		wa_webhook_free(&w);
	}
	if ((it = one("no-type.json", &w)) != NULL) {
		CHECK_INT(it->message.kind, TD_KIND_UNSUPPORTED);
		CHECK_STR(it->message.text, "message without a type");
		CHECK_STR(it->message.id, "wamid.NT");
		wa_webhook_free(&w);
	}
}

static void
test_customers(void)
{
	struct wa_webhook w;
	struct wa_item *it;

	if ((it = one("bsuid-only.json", &w)) != NULL) {
		CHECK(it->customer.wa_id == NULL);
		CHECK_STR(it->customer.user_id, "US.13491208655302741918");
		CHECK_STR(it->customer.parent_user_id, "US.ENT.1");
		CHECK_STR(it->customer.username, "@anon");
		CHECK_STR(it->customer.name, "Anon");
		CHECK_STR(it->message.from, "US.13491208655302741918");
		CHECK_INT(it->ts, 1750000001);
		wa_webhook_free(&w);
	}
	/* Two customers in one change: each message gets its own contact. */
	if (parse("two-customers.json", &w) == 2) {
		CHECK_STR(w.items[0].customer.name, "Alice");
		CHECK_STR(w.items[0].message.text, "from A");
		CHECK_STR(w.items[1].customer.name, "Bob");
		CHECK_STR(w.items[1].message.from, "16505550002");
		CHECK(strcmp(w.items[0].fingerprint, w.items[1].fingerprint) != 0);
	} else
		CHECK(!"two-customers.json");
	wa_webhook_free(&w);
}

static void
test_statuses(void)
{
	struct wa_webhook w;
	struct wa_item *it;

	if ((it = one("status-sent.json", &w)) != NULL) {
		CHECK_INT(it->kind, WA_ITEM_STATUS);
		CHECK_STR(it->status.message, "wamid.OUT1");
		CHECK_INT(it->status.status, TD_MS_SENT);
		CHECK_STR(it->pricing_category, "service");
		CHECK_STR(it->customer.wa_id, "16505551234");
		CHECK_INT(it->ts, 1750000100);
		CHECK_INT(it->status.error.code, 0);
		wa_webhook_free(&w);
	}
	if ((it = one("status-failed.json", &w)) != NULL) {
		CHECK_INT(it->status.status, TD_MS_FAILED);
		CHECK_INT(it->ts, 1750000200); /* a number there */
		CHECK(it->customer.wa_id == NULL);
		CHECK_STR(it->customer.user_id, "US.13491208655302741918");
		CHECK_INT(it->status.error.code, 131047);
		CHECK_STR(it->status.error.title, "Re-engagement message");
		CHECK_STR(it->status.error.details,
		    "More than 24 hours have passed.");
		wa_webhook_free(&w);
	}
	if ((it = one("status-played.json", &w)) != NULL) {
		CHECK_INT(it->status.status, TD_MS_READ);
		CHECK_STR(it->wa_type, "played");
		wa_webhook_free(&w);
	}
	/* Unknown name: kept, never moves the message (lowest state). */
	if ((it = one("status-unknown.json", &w)) != NULL) {
		CHECK_INT(it->status.status, TD_MS_RECEIVED);
		CHECK_STR(it->wa_type, "deleted");
		CHECK_INT(it->ts, 0);
		wa_webhook_free(&w);
	}
}

static void
test_envelope_errors(void)
{
	static const struct {
		const char *file;
		const char *says;
	} bad[] = {
		{ "not-json.txt", "not valid JSON" },
		{ "truncated.json", "not valid JSON" },
		{ "invalid-utf8.json", "not valid JSON" },
		{ "wrong-object.json", "\"page\", not \"whatsapp_business_account\"" },
		{ "no-entry.json", "no \"entry\" array" },
		{ "entry-not-array.json", "no \"entry\" array" },
	};
	struct wa_webhook w;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK_INT(parse(bad[i].file, &w), -1);
		if (strstr(err, bad[i].says) == NULL)
			fprintf(stderr, "%s: error \"%s\"\n", bad[i].file, err);
		CHECK(strstr(err, bad[i].says) != NULL);
		CHECK(w.items == NULL && w.n_items == 0);
	}
	CHECK_INT(wa_parse_webhook("[1]", 3, &w, err, sizeof err), -1);
	CHECK_STR(err, "webhook body is not a JSON object");
	CHECK_INT(wa_parse_webhook("{\"entry\":[]}", 12, &w, err, sizeof err),
	    -1);
	CHECK(strstr(err, "no \"object\" string") != NULL);
	CHECK_INT(wa_parse_webhook("", 0, &w, err, sizeof err), -1);
	CHECK_STR(err, "webhook body is empty");
	CHECK_INT(wa_parse_webhook(NULL, 0, &w, err, sizeof err), -1);
	/* A tiny error buffer is cut, not overrun. */
	CHECK_INT(wa_parse_webhook("nope", 4, &w, err, 8), -1);
	CHECK_INT(strlen(err), 7);
}

/* Valid envelopes with nothing for us: no items, no error. */
static void
test_empty_envelopes(void)
{
	struct wa_webhook w;

	CHECK_INT(parse("empty-entry.json", &w), 0);
	wa_webhook_free(&w);
	CHECK_INT(parse("field-other.json", &w), 0);
	wa_webhook_free(&w);
}

static void
test_wrong_types(void)
{
	struct wa_webhook w;
	size_t i;
	int n = parse("wrong-types.json", &w);

	/* 10 message objects (7 and null carry nothing) and 1 status. */
	CHECK_INT(n, 11);
	if (n != 11) {
		fprintf(stderr, "wrong-types: %s\n", err);
		wa_webhook_free(&w);
		return;
	}
	CHECK_STR(w.items[0].message.id, "6");
	CHECK_STR(w.items[0].message.from, "5"); /* a number there */
	CHECK_INT(w.items[0].ts, 0);
	CHECK_STR(w.items[0].message.text, "text message without a body");
	CHECK_STR(w.items[1].message.text, "image message without a media id");
	CHECK_STR(w.items[2].message.text, "location without valid coordinates "
	    "(latitude true, longitude null)");
	CHECK_INT(w.items[2].ts, 0);
	CHECK_STR(w.items[3].message.text,
	    "reaction without the message it reacts to");
	CHECK_INT(w.items[3].ts, 0);
	CHECK_STR(w.items[4].message.text,
	    "contacts message without any contact card");
	CHECK_STR(w.items[5].message.text,
	    "interactive button_reply without a title or id");
	CHECK_STR(w.items[6].message.text, "button message without text or "
	    "payload");
	CHECK_STR(w.items[7].message.text, "order message without an order");
	CHECK_INT(w.items[8].kind, WA_ITEM_SYSTEM);
	CHECK_STR(w.items[8].message.text, "System notice: (no details)");
	/* "type": 5, but a text object: read as text. */
	CHECK_INT(w.items[9].message.kind, TD_KIND_TEXT);
	CHECK_STR(w.items[9].message.text, "typed by guess");
	for (i = 0; i < 9; i++)
		CHECK_INT(w.items[i].message.kind, TD_KIND_UNSUPPORTED);
	CHECK_INT(w.items[10].kind, WA_ITEM_STATUS);
	CHECK(w.items[10].status.message == NULL);
	CHECK_INT(w.items[10].status.status, TD_MS_RECEIVED);
	CHECK(w.items[10].pricing_category == NULL);
	CHECK_INT(w.items[10].ts, 0);
	wa_webhook_free(&w);
}

static void
test_missing_fields(void)
{
	struct wa_webhook w;

	CHECK_INT(parse("missing-fields.json", &w), 2);
	if (w.n_items == 2) {
		CHECK_INT(w.items[0].kind, WA_ITEM_MESSAGE);
		CHECK_INT(w.items[0].message.kind, TD_KIND_UNSUPPORTED);
		CHECK_STR(w.items[0].message.text, "message without a type");
		CHECK(w.items[0].message.id == NULL);
		CHECK(w.items[0].message.from == NULL);
		CHECK(w.items[0].customer.wa_id == NULL &&
		    w.items[0].customer.user_id == NULL);
		CHECK(w.items[0].phone_number_id == NULL);
		CHECK_INT(strlen(w.items[0].fingerprint), 64);
		CHECK_INT(w.items[1].kind, WA_ITEM_STATUS);
	}
	wa_webhook_free(&w);
}

/* \u0000 in a string is valid JSON: the message is kept, the NUL shown. */
static void
test_nul_in_string(void)
{
	struct wa_webhook w;
	struct wa_item *it = one("nul-in-string.json", &w);

	if (it == NULL)
		return;
	CHECK_STR(it->message.text, "Does it come in another\xef\xbf\xbd" "color?");
	wa_webhook_free(&w);
}

static void
test_huge_string(void)
{
	const char *head = "{\"object\":\"whatsapp_business_account\",\"entry\":"
	    "[{\"changes\":[{\"field\":\"messages\",\"value\":{\"messages\":[{"
	    "\"from\":\"1\",\"id\":\"wamid.BIG\",\"type\":\"text\",\"text\":"
	    "{\"body\":\"";
	const char *tail = "\"}}]}}]}]}";
	size_t big = 10 * 1024 * 1024, len = strlen(head) + big + strlen(tail);
	char *body = malloc(len + 1);
	struct wa_webhook w;

	if (body == NULL)
		return;
	memcpy(body, head, strlen(head));
	memset(body + strlen(head), 'a', big);
	memcpy(body + strlen(head) + big, tail, strlen(tail) + 1);
	CHECK_INT(wa_parse_webhook(body, len, &w, err, sizeof err), 0);
	CHECK_INT(w.n_items, 1);
	if (w.n_items == 1)
		CHECK_INT(strlen(w.items[0].message.text), big);
	wa_webhook_free(&w);
	free(body);
}

static void
test_deep_nesting(void)
{
	const char *head = "{\"object\":\"whatsapp_business_account\",\"entry\":";
	size_t depth = 10000, hl = strlen(head), len = hl + 2 * depth + 1;
	char *body = malloc(len + 1);
	struct wa_webhook w;

	if (body == NULL)
		return;
	memcpy(body, head, hl);
	memset(body + hl, '[', depth);
	memset(body + hl + depth, ']', depth);
	body[len - 1] = '}';
	body[len] = '\0';
	CHECK_INT(wa_parse_webhook(body, len, &w, err, sizeof err), -1);
	CHECK(strstr(err, "not valid JSON") != NULL);
	CHECK(strstr(err, "depth") != NULL);
	free(body);
}

/* Every prefix of a good body, and bodies with bytes flipped: a clean
 * answer each time (ASan would catch the rest). */
static void
test_mangled(void)
{
	static const char *const names[] = { "text.json", "order.json",
	    "contacts.json", "status-failed.json", "interactive-nfm-reply.json",
	    "wrong-types.json" };
	unsigned int seed = 12345;
	struct wa_webhook w;
	size_t i, k, len, ok = 0;
	char *body;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if ((body = fixture(names[i], &len)) == NULL)
			continue;
		for (k = 0; k < len; k++) {
			if (wa_parse_webhook(body, k, &w, err, sizeof err) == 0) {
				ok++;
				wa_webhook_free(&w);
			}
		}
		for (k = 0; k < 2000; k++) {
			char *copy = malloc(len);
			size_t at;

			memcpy(copy, body, len);
			seed = seed * 1103515245u + 12345u;
			at = (seed >> 8) % len;
			copy[at] = (char)("\"{}[],:0a\\\x80"[(seed >> 20) % 12]);
			if (wa_parse_webhook(copy, len, &w, err, sizeof err) == 0)
				wa_webhook_free(&w);
			free(copy);
		}
		free(body);
	}
	/* A JSON prefix of an object is never a whole object... except the
	 * body without its trailing newline. */
	CHECK_INT(ok, sizeof names / sizeof names[0]);
}

static int
utf8_ok(const char *s)
{
	json_t *j;

	if (s == NULL)
		return 1;
	j = json_string(s);
	json_decref(j);
	return j != NULL;
}

/* Names quoted back in a text are cut at 64 bytes on a character
 * boundary: what the relay stores must stay valid UTF-8. */
static void
test_long_type_name(void)
{
	char body[1024], name[301];
	struct wa_webhook w;
	size_t i;

	for (i = 0; i < 100; i++)
		memcpy(name + 3 * i, "\xe2\x82\xac", 3); /* the euro sign */
	name[300] = '\0';
	snprintf(body, sizeof body, "{\"object\":\"whatsapp_business_account\","
	    "\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{"
	    "\"messages\":[{\"from\":\"1\",\"id\":\"w\",\"type\":\"%s\"},"
	    "{\"from\":\"1\",\"id\":\"w2\",\"type\":\"location\",\"location\":"
	    "{\"latitude\":\"%s\",\"longitude\":1}}]}}]}]}", name, name);
	CHECK_INT(wa_parse_webhook(body, strlen(body), &w, err, sizeof err), 0);
	CHECK_INT(w.n_items, 2);
	if (w.n_items == 2) {
		CHECK(utf8_ok(w.items[0].message.text));
		/* 'unsupported message type ' + quote + 21 euros + quote */
		CHECK_INT(strlen(w.items[0].message.text), 25 + 1 + 63 + 1);
		CHECK(utf8_ok(w.items[1].message.text));
		CHECK_INT(w.items[1].message.kind, TD_KIND_UNSUPPORTED);
	}
	wa_webhook_free(&w);
	snprintf(body, sizeof body, "{\"object\":\"%s\",\"entry\":[]}", name);
	CHECK_INT(wa_parse_webhook(body, strlen(body), &w, err, sizeof err), -1);
	CHECK(utf8_ok(err));
}

static int
parse_text(const char *body, struct wa_webhook *w)
{
	err[0] = '\0';
	if (wa_parse_webhook(body, strlen(body), w, err, sizeof err) != 0) {
		fprintf(stderr, "parse: %s\n", err);
		return -1;
	}
	return (int)w->n_items;
}

/* Shapes the fixtures do not cover: several entries, a change without
 * "field", a lone message object instead of an array, a BSUID sender
 * with no contacts[] at all, a status error with only a message. */
static void
test_shapes(void)
{
	struct wa_webhook w;

	CHECK_INT(parse_text("{\"object\":\"whatsapp_business_account\","
	    "\"entry\":[{\"changes\":[{\"value\":{\"messages\":{\"from\":"
	    "\"1\",\"id\":\"w1\",\"type\":\"text\",\"text\":{\"body\":"
	    "\"lone\"}}}}]},{\"changes\":[{\"field\":\"messages\",\"value\":"
	    "{\"messages\":[{\"from_user_id\":\"BR.77\",\"id\":\"w2\","
	    "\"timestamp\":\" 1700000000 \",\"type\":\"text\",\"text\":{"
	    "\"body\":\"second entry\"}}]}}]}]}", &w), 2);
	if (w.n_items == 2) {
		CHECK_STR(w.items[0].message.text, "lone");
		CHECK_STR(w.items[0].message.from, "1");
		CHECK_STR(w.items[1].message.from, "BR.77");
		CHECK_STR(w.items[1].customer.user_id, "BR.77");
		CHECK(w.items[1].customer.wa_id == NULL);
		CHECK_INT(w.items[1].ts, 1700000000);
	}
	wa_webhook_free(&w);

	CHECK_INT(parse_text("{\"object\":\"whatsapp_business_account\","
	    "\"entry\":[{\"changes\":[{\"field\":\"messages\",\"value\":{"
	    "\"contacts\":[{\"wa_id\":\"15550001\",\"user_id\":\"US.9\","
	    "\"profile\":{\"name\":\"Zed\"}},{\"wa_id\":\"15550002\"}],"
	    "\"statuses\":[{\"id\":\"wamid.S\",\"status\":\"failed\","
	    "\"timestamp\":1700000001.0,\"recipient_user_id\":\"US.9\","
	    "\"errors\":[{\"code\":\"131026\",\"message\":\"Message "
	    "undeliverable\"}]}]}}]}]}", &w), 1);
	if (w.n_items == 1) {
		CHECK_INT(w.items[0].status.status, TD_MS_FAILED);
		CHECK_INT(w.items[0].status.error.code, 131026);
		CHECK_STR(w.items[0].status.error.title, "Message undeliverable");
		CHECK(w.items[0].status.error.details == NULL);
		/* Matched by BSUID among two contacts: phone and name from it. */
		CHECK_STR(w.items[0].customer.user_id, "US.9");
		CHECK_STR(w.items[0].customer.wa_id, "15550001");
		CHECK_STR(w.items[0].customer.name, "Zed");
		CHECK_INT(w.items[0].ts, 1700000001);
	}
	wa_webhook_free(&w);
}

static void
test_fingerprints(void)
{
	struct wa_webhook a, b;

	if (parse("text.json", &a) != 1 || parse("text.json", &b) != 1)
		CHECK(!"text.json");
	else
		CHECK_STR(a.items[0].fingerprint, b.items[0].fingerprint);
	wa_webhook_free(&b);
	/* text-reply.json reuses the id wamid.FX1 for another message. */
	if (parse("text-reply.json", &b) == 1 && a.n_items == 1)
		CHECK(strcmp(a.items[0].fingerprint, b.items[0].fingerprint) != 0);
	wa_webhook_free(&a);
	wa_webhook_free(&b);
}

/* Coexistence: an app echo is the business's message to the customer in
 * "to"; a history chunk gives each thread message, the customer being the
 * thread; a user id change names the new BSUID. */
static void
test_coexistence(void)
{
	struct wa_webhook w;
	struct wa_item *it;

	if ((it = one("smb-message-echo.json", &w)) != NULL) {
		CHECK(it->echo && !it->history);
		CHECK_INT(it->message.direction, TD_DIR_OUT);
		CHECK_STR(it->customer.wa_id, "33612345678");
		CHECK_STR(it->phone_number_id, "106540352242933");
		CHECK_STR(it->message.text,
		    "Bonjour Camille, c'est noté : samedi 20h.");
		wa_webhook_free(&w);
	}
	CHECK_INT(parse("history-chunk.json", &w), 2);
	if (w.n_items == 2) {
		CHECK(w.items[0].history && w.items[1].history);
		CHECK_INT(w.items[0].message.direction, TD_DIR_IN);
		CHECK_INT(w.items[1].message.direction, TD_DIR_OUT);
		CHECK_INT(w.items[1].message.status, TD_MS_DELIVERED);
		CHECK_STR(w.items[0].customer.wa_id, "33612345678");
		CHECK_STR(w.items[1].customer.wa_id, "33612345678");
		CHECK_INT(w.items[0].ts, 1762000000);
	}
	wa_webhook_free(&w);
	if ((it = one("system-user-id-change.json", &w)) != NULL) {
		CHECK_INT(it->kind, WA_ITEM_SYSTEM);
		CHECK_STR(it->wa_type, "system/user_changed_user_id");
		CHECK_STR(it->customer.user_id, "US.13491208655302741918");
		CHECK_STR(it->new_user_id, "US.29811208655302740077");
		CHECK(it->new_wa_id == NULL);
		wa_webhook_free(&w);
	}
}

int
main(void)
{
	RUN(test_text);
	RUN(test_media);
	RUN(test_location);
	RUN(test_contacts);
	RUN(test_interactive);
	RUN(test_reaction);
	RUN(test_order_system_referral);
	RUN(test_unsupported);
	RUN(test_customers);
	RUN(test_statuses);
	RUN(test_envelope_errors);
	RUN(test_empty_envelopes);
	RUN(test_wrong_types);
	RUN(test_missing_fields);
	RUN(test_nul_in_string);
	RUN(test_huge_string);
	RUN(test_deep_nesting);
	RUN(test_mangled);
	RUN(test_long_type_name);
	RUN(test_shapes);
	RUN(test_fingerprints);
	RUN(test_coexistence);
	return check_done();
}
