/*
 * The one encoder of the wire message (event_message_to_json, used by the
 * relay and the TUI) against the TUI's decoder (event_parse_text): every
 * kind of message goes out as JSON text and comes back field by field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "ttydesk/event.h"

static struct td_media img = { "m-1", "image/jpeg", NULL, "abc=", 4242 };
static struct td_media doc = { "m-2", "application/pdf", "report.pdf",
	NULL, -1 };
static struct td_location where = { 48.8583701, 2.2944813, "Tour Eiffel",
	"Champ de Mars, Paris" };
static struct td_location bare = { -33.5, 151.25, NULL, NULL };

static const struct td_message cases[] = {
	{ .id = "wamid.T", .direction = TD_DIR_IN, .kind = TD_KIND_TEXT,
	  .from = "15550001", .text = "hello \xc3\xa9", .annotation =
	  "[Forwarded]", .status = TD_MS_RECEIVED },
	{ .id = "wamid.I", .kind = TD_KIND_IMAGE, .from = "15550001",
	  .caption = "a cat", .media = &img },
	{ .id = "wamid.V", .kind = TD_KIND_VIDEO, .from = "15550001",
	  .media = &img },
	{ .id = "wamid.A", .kind = TD_KIND_AUDIO, .from = "15550001",
	  .media = &doc },
	{ .id = "wamid.D", .kind = TD_KIND_DOCUMENT, .from = "15550001",
	  .caption = "the report", .media = &doc },
	{ .id = "wamid.S", .kind = TD_KIND_STICKER, .from = "15550001",
	  .media = &img },
	{ .id = "wamid.L", .kind = TD_KIND_LOCATION, .from = "15550001",
	  .location = &where },
	{ .id = "wamid.L2", .kind = TD_KIND_LOCATION, .from = "15550001",
	  .location = &bare },
	{ .id = "wamid.C", .kind = TD_KIND_CONTACTS, .from = "15550001",
	  .text = "Ada Lovelace +44 20 0000" },
	{ .id = "wamid.R", .kind = TD_KIND_REACTION, .from = "15550001",
	  .reaction_to = "wamid.T", .reaction_emoji = "\xf0\x9f\x91\x8d" },
	{ .id = "wamid.R0", .kind = TD_KIND_REACTION, .from = "15550001",
	  .reaction_to = "wamid.T", .reaction_emoji = "" },
	{ .id = "wamid.N", .kind = TD_KIND_INTERACTIVE, .from = "15550001",
	  .text = "Yes please", .reply_to = "out.7" },
	{ .id = "wamid.B", .kind = TD_KIND_BUTTON, .from = "15550001",
	  .text = "Stop promotions" },
	{ .id = "out.9", .direction = TD_DIR_OUT, .kind = TD_KIND_TEMPLATE,
	  .from = "106540352242922", .text = "order_update", .agent = "alice",
	  .client_id = "c-1", .status = TD_MS_PENDING },
	{ .id = "wamid.U", .kind = TD_KIND_UNSUPPORTED, .from = "BR.1" },
	{ .id = "note.3", .direction = TD_DIR_NOTE, .kind = TD_KIND_TEXT,
	  .from = "bob", .text = "called them", .agent = "bob",
	  .client_id = "c-2" },
	{ .id = "out.4", .direction = TD_DIR_OUT, .kind = TD_KIND_TEXT,
	  .from = "106540352242922", .text = "sure", .reply_to = "wamid.T",
	  .agent = "alice", .client_id = "c-3", .status = TD_MS_DELIVERED,
	  .wamid = "wamid.OUT4" },
	{ .id = "out.5", .direction = TD_DIR_OUT, .kind = TD_KIND_TEXT,
	  .from = "106540352242922", .text = "late", .agent = "alice",
	  .status = TD_MS_FAILED, .error = { 131047, "Re-engagement message",
	  "More than 24 hours have passed" } },
	{ .id = "out.6", .direction = TD_DIR_OUT, .kind = TD_KIND_TEXT,
	  .from = "106540352242922", .text = "x", .status = TD_MS_FAILED,
	  .error = { 131026, NULL, NULL } },
	{ .id = "out.8", .direction = TD_DIR_OUT, .kind = TD_KIND_TEXT,
	  .from = "106540352242922", .text = "read", .status = TD_MS_READ },
	{ .id = "out.10", .direction = TD_DIR_OUT, .kind = TD_KIND_TEXT,
	  .from = "106540352242922", .text = "sent", .status = TD_MS_SENT },
};

static void
check_media(const struct td_media *a, const struct td_media *b)
{
	CHECK((a == NULL) == (b == NULL));
	if (a == NULL || b == NULL)
		return;
	CHECK_STR(a->id, b->id);
	CHECK_STR(a->mime_type, b->mime_type);
	CHECK_STR(a->filename, b->filename);
	CHECK_STR(a->sha256, b->sha256);
	CHECK_INT(a->size, b->size);
}

static void
check_location(const struct td_location *a, const struct td_location *b)
{
	CHECK((a == NULL) == (b == NULL));
	if (a == NULL || b == NULL)
		return;
	CHECK(a->latitude == b->latitude);
	CHECK(a->longitude == b->longitude);
	CHECK_STR(a->name, b->name);
	CHECK_STR(a->address, b->address);
}

static void
check_message(const struct td_message *a, const struct td_message *b)
{
	CHECK_STR(a->id, b->id);
	CHECK_INT(a->direction, b->direction);
	CHECK_INT(a->kind, b->kind);
	CHECK_STR(a->from, b->from);
	CHECK_STR(a->text, b->text);
	CHECK_STR(a->caption, b->caption);
	CHECK_STR(a->annotation, b->annotation);
	check_media(a->media, b->media);
	check_location(a->location, b->location);
	CHECK_STR(a->reaction_to, b->reaction_to);
	CHECK_STR(a->reaction_emoji, b->reaction_emoji);
	CHECK_STR(a->reply_to, b->reply_to);
	CHECK_STR(a->agent, b->agent);
	CHECK_STR(a->client_id, b->client_id);
	CHECK_INT(a->status, b->status);
	CHECK_INT(a->error.code, b->error.code);
	/* A failed status without a title is written with title "". */
	CHECK_STR(a->error.title, b->error.title != NULL || b->error.code == 0 ?
	    b->error.title : "");
	CHECK_STR(a->error.details, b->error.details);
	CHECK_STR(a->wamid, b->wamid);
}

/* Encodes m into a message event, prints it, parses the text back. */
static int
round_trip(const struct td_message *m, struct td_event *back)
{
	char err[256];
	json_t *ev = json_pack("{s:I, s:I, s:s, s:s}", "seq", (json_int_t)7,
	    "ts", (json_int_t)1700000000, "type", "message", "conversation",
	    "c-1");
	json_t *msg = event_message_to_json(m);
	char *text;
	int rc = -1;

	CHECK(ev != NULL && msg != NULL);
	if (ev == NULL || msg == NULL ||
	    json_object_set_new(ev, "message", msg) != 0) {
		json_decref(ev);
		return -1;
	}
	if ((text = json_dumps(ev, JSON_COMPACT)) != NULL) {
		rc = event_parse_text(text, strlen(text), back, err, sizeof err);
		if (rc != 0)
			fprintf(stderr, "%s: %s\n", text, err);
		free(text);
	}
	json_decref(ev);
	return rc;
}

static void
test_every_kind(void)
{
	unsigned seen = 0;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct td_event back;

		memset(&back, 0, sizeof back);
		CHECK_INT(round_trip(&cases[i], &back), 0);
		CHECK_INT(back.type, TD_EV_MESSAGE);
		CHECK_STR(back.conversation, "c-1");
		check_message(&back.u.message, &cases[i]);
		seen |= 1u << cases[i].kind;
		event_free(&back);
	}
	/* Every kind the spec names went through. */
	CHECK_INT(seen, (1u << (TD_KIND_UNSUPPORTED + 1)) - 1);
}

/* The encoder writes what the spec requires even when the struct lacks it,
 * as relays always have: old clients and stored events rely on it. */
static void
test_required_fields(void)
{
	struct td_media md = { NULL, NULL, NULL, NULL, -1 };
	struct td_message m = { .id = NULL, .kind = TD_KIND_IMAGE,
		.media = &md };
	json_t *o = event_message_to_json(&m), *j;

	CHECK(o != NULL);
	CHECK_STR(json_string_value(json_object_get(o, "id")), "");
	CHECK_STR(json_string_value(json_object_get(o, "from")), "");
	CHECK_STR(json_string_value(json_object_get(o, "direction")), "in");
	CHECK_STR(json_string_value(json_object_get(o, "kind")), "image");
	CHECK_STR(json_string_value(json_object_get(o, "status")), "received");
	j = json_object_get(o, "media");
	CHECK_STR(json_string_value(json_object_get(j, "id")), "");
	CHECK_STR(json_string_value(json_object_get(j, "mime_type")),
	    "application/octet-stream");
	CHECK(json_object_get(j, "size") == NULL);
	/* Optional fields that are not set are left out, not null. */
	CHECK(json_object_get(o, "text") == NULL);
	CHECK(json_object_get(o, "wamid") == NULL);
	CHECK(json_object_get(o, "error") == NULL);
	CHECK(json_object_get(o, "reaction") == NULL);
	CHECK(json_object_get(o, "location") == NULL);
	CHECK_INT(json_object_size(o), 6);
	json_decref(o);
}

int
main(void)
{
	RUN(test_every_kind);
	RUN(test_required_fields);
	return check_done();
}
