/*
 * Every real webhook body of tests/corpus/webhooks parses, and every
 * messages[] / statuses[] object in it becomes exactly one item.
 */
#include <dirent.h>
#include <jansson.h>
#include <math.h>

#include "check.h"
#include "ttydesk/wa.h"

#define MAX_FILES 256

static char *files[MAX_FILES];
static size_t n_files;

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list_corpus(void)
{
	const char *dir = check_env_dir("TTYDESK_CORPUS_DIR",
	    TTYDESK_SOURCE_DIR "/tests/corpus/webhooks");
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t n;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL && n_files < MAX_FILES) {
		n = strlen(de->d_name);
		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		files[n_files] = malloc(strlen(dir) + n + 2);
		sprintf(files[n_files++], "%s/%s", dir, de->d_name);
	}
	closedir(d);
	qsort(files, n_files, sizeof files[0], cmp_names);
}

/* Count message and status objects with jansson alone, in every change
 * whatever its field, so a change the parser skipped would show. */
static void
count_objects(const char *body, size_t len, size_t *msgs, size_t *stats)
{
	json_t *root = json_loadb(body, len, 0, NULL), *e, *c, *o;
	size_t i, j, k;

	*msgs = *stats = 0;
	json_array_foreach(json_object_get(root, "entry"), i, e) {
		json_array_foreach(json_object_get(e, "changes"), j, c) {
			json_t *v = json_object_get(c, "value");
			json_array_foreach(json_object_get(v, "messages"), k, o)
				*msgs += json_is_object(o);
			json_array_foreach(json_object_get(v, "statuses"), k, o)
				*stats += json_is_object(o);
		}
	}
	json_decref(root);
}

/* Whatever the codec writes must stay valid UTF-8 (jansson, and so the
 * relay, refuses anything else). */
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

/* The relay turns each message item into a relay event: that must work
 * for every item (no NaN, no invalid UTF-8, no missing kind). */
static void
check_event(const struct wa_item *it)
{
	struct td_event ev;
	json_t *j;

	memset(&ev, 0, sizeof ev);
	ev.seq = 1;
	ev.ts = it->ts;
	ev.type = TD_EV_MESSAGE;
	ev.conversation = (char *)"c1";
	if (message_copy(&ev.u.message, &it->message) != 0) {
		CHECK(!"message_copy");
		return;
	}
	j = event_to_json(&ev);
	CHECK(j != NULL);
	CHECK_STR(json_string_value(json_object_get(json_object_get(j,
	    "message"), "kind")), event_kind_name(it->message.kind));
	json_decref(j);
	message_free(&ev.u.message);
}

static void
test_every_file(void)
{
	size_t i, k, total_m = 0, total_s = 0;

	CHECK_INT(n_files, 90);
	for (i = 0; i < n_files; i++) {
		struct wa_webhook w;
		size_t len = 0, msgs, stats, got_m = 0, got_s = 0;
		char err[256] = "", *body = check_read_file(files[i], &len);

		CHECK(body != NULL);
		if (body == NULL)
			continue;
		count_objects(body, len, &msgs, &stats);
		if (wa_parse_webhook(body, len, &w, err, sizeof err) != 0) {
			fprintf(stderr, "%s: %s\n", files[i], err);
			CHECK(!"corpus file failed to parse");
			free(body);
			continue;
		}
		for (k = 0; k < w.n_items; k++) {
			struct wa_item *it = &w.items[k];

			if (it->kind == WA_ITEM_STATUS) {
				got_s++;
				CHECK(it->status.message != NULL);
				CHECK(it->ts > 0);
			} else {
				got_m++;
				CHECK(it->message.from != NULL);
				CHECK(it->message.id != NULL);
				CHECK(it->ts > 0);
				CHECK(it->message.text != NULL ||
				    it->message.media != NULL ||
				    it->message.location != NULL ||
				    it->message.reaction_to != NULL);
				check_event(it);
			}
			CHECK_INT(strlen(it->fingerprint), 64);
			CHECK(utf8_ok(it->message.text));
			CHECK(utf8_ok(it->message.caption));
			CHECK(it->phone_number_id != NULL);
		}
		if (got_m != msgs || got_s != stats)
			fprintf(stderr, "%s: %zu/%zu messages, %zu/%zu statuses\n",
			    files[i], got_m, msgs, got_s, stats);
		CHECK_INT(got_m, msgs);
		CHECK_INT(got_s, stats);
		total_m += got_m;
		total_s += got_s;
		wa_webhook_free(&w);
		free(body);
	}
	CHECK_INT(total_m, 77);
	CHECK_INT(total_s, 18);
}

/* Parse corpus file number num; the caller frees w. */
static int
load(int num, struct wa_webhook *w)
{
	char prefix[8], err[256];
	size_t i, len;
	char *body;
	int rc;

	snprintf(prefix, sizeof prefix, "/%03d-", num);
	for (i = 0; i < n_files; i++)
		if (strstr(files[i], prefix) != NULL)
			break;
	if (i == n_files || (body = check_read_file(files[i], &len)) == NULL) {
		CHECK(!"corpus file missing");
		memset(w, 0, sizeof *w);
		return -1;
	}
	rc = wa_parse_webhook(body, len, w, err, sizeof err);
	free(body);
	CHECK_INT(rc, 0);
	return rc;
}

static void
test_text_and_customer(void)
{
	struct wa_webhook w;
	struct wa_item *it;

	if (load(1, &w) != 0)
		return;
	CHECK_INT(w.n_items, 1);
	it = &w.items[0];
	CHECK_INT(it->kind, WA_ITEM_MESSAGE);
	CHECK_INT(it->message.kind, TD_KIND_TEXT);
	CHECK_INT(it->message.direction, TD_DIR_IN);
	CHECK_STR(it->message.id, "wamid.xyzxyz");
	CHECK_STR(it->message.text, "Body Text");
	CHECK_STR(it->message.from, "972987654321");
	CHECK_STR(it->customer.wa_id, "972987654321");
	CHECK_STR(it->customer.user_id, "US.13491208655302741918");
	CHECK_STR(it->customer.parent_user_id, "US.ENT.11815799212886844830");
	CHECK_STR(it->customer.name, "Test Name");
	CHECK_STR(it->phone_number_id, "1122334455667");
	CHECK_STR(it->display_phone_number, "972123456789");
	CHECK_STR(it->wa_type, "text");
	CHECK_INT(it->ts, 1697043223);
	CHECK(it->message.caption == NULL);
	CHECK(it->message.reply_to == NULL);
	wa_webhook_free(&w);
}

static void
test_bsuid_only(void)
{
	struct wa_webhook w;
	struct wa_item *it;

	if (load(5, &w) != 0)
		return;
	CHECK_INT(w.n_items, 1);
	it = &w.items[0];
	CHECK_STR(it->message.from, "BSUID_123");
	CHECK(it->customer.wa_id == NULL);
	CHECK_STR(it->customer.user_id, "BSUID_123");
	CHECK_STR(it->customer.name, "NAME");
	CHECK_STR(it->message.text, "MESSAGE_BODY");
	wa_webhook_free(&w);

	if (load(50, &w) != 0)
		return;
	CHECK_STR(w.items[0].customer.user_id, "US.13491208655302741918");
	CHECK_STR(w.items[0].message.from, "972987654321");
	wa_webhook_free(&w);
}

static void
test_context(void)
{
	struct wa_webhook w;

	if (load(6, &w) == 0) {
		CHECK(w.items[0].forwarded);
		CHECK_STR(w.items[0].message.annotation, "[Forwarded]");
		CHECK_INT(w.items[0].ts, 1669233778); /* a number there */
		wa_webhook_free(&w);
	}
	if (load(7, &w) == 0) {
		CHECK(w.items[0].frequently_forwarded);
		CHECK_STR(w.items[0].message.annotation, "[Frequently forwarded]");
		wa_webhook_free(&w);
	}
	if (load(8, &w) == 0) {
		CHECK_STR(w.items[0].message.reply_to, "wamid.xyzxyz==");
		CHECK_STR(w.items[0].message.text, "replied text");
		wa_webhook_free(&w);
	}
	if (load(9, &w) == 0) {
		CHECK_STR(w.items[0].message.reply_to, "wamid.IDCONTEXT1");
		CHECK_STR(w.items[0].message.annotation, "[About product SKU-1234]");
		wa_webhook_free(&w);
	}
	if (load(54, &w) == 0) {
		CHECK_INT(w.items[0].message.kind, TD_KIND_BUTTON);
		CHECK_STR(w.items[0].message.text, "No");
		CHECK_STR(w.items[0].reply_id, "No-Button-Payload");
		CHECK_STR(w.items[0].message.annotation, "[Frequently forwarded] "
		    "[About product PRODUCT_ID] [From ad: AD_TITLE]");
		CHECK_STR(w.items[0].referral_headline, "AD_TITLE");
		CHECK_STR(w.items[0].referral_url, "AD_OR_POST_FB_URL");
		wa_webhook_free(&w);
	}
	if (load(67, &w) == 0) {
		CHECK_STR(w.items[0].message.text, "BODY");
		CHECK_STR(w.items[0].message.annotation, "[From ad: AD_TITLE]");
		wa_webhook_free(&w);
	}
}

static void
test_media(void)
{
	struct wa_webhook w;
	struct td_media *md;

	if (load(18, &w) == 0) {
		CHECK_INT(w.items[0].message.kind, TD_KIND_AUDIO);
		CHECK(w.items[0].voice);
		md = w.items[0].message.media;
		CHECK(md != NULL);
		if (md != NULL) {
			CHECK_STR(md->id, "1234567890987654321");
			CHECK_STR(md->mime_type, "audio/ogg; codecs=opus");
			CHECK_STR(md->sha256,
			    "m04pFf2ERdaopTyFkGPA0+bX3i+YY2dYgVFwOgDLSDI=");
			CHECK_INT(md->size, -1);
		}
		CHECK_STR(w.items[0].message.annotation, "[Voice message]");
		wa_webhook_free(&w);
	}
	if (load(17, &w) == 0) {
		CHECK(!w.items[0].voice); /* "voice": false */
		CHECK_STR(w.items[0].message.annotation, "[Forwarded]");
		wa_webhook_free(&w);
	}
	if (load(20, &w) == 0) {
		CHECK_INT(w.items[0].message.kind, TD_KIND_DOCUMENT);
		CHECK_STR(w.items[0].message.media->filename, "filename.pdf");
		CHECK_STR(w.items[0].message.annotation, "[Forwarded]");
		CHECK_STR(w.items[0].message.caption, "caption");
		wa_webhook_free(&w);
	}
	if (load(24, &w) == 0) {
		CHECK_INT(w.items[0].message.kind, TD_KIND_STICKER);
		CHECK(w.items[0].animated);
		CHECK_STR(w.items[0].message.annotation, "[Animated sticker]");
		wa_webhook_free(&w);
	}
}

static void
test_location(void)
{
	struct wa_webhook w;
	struct wa_item *it;

	if (load(27, &w) == 0) {
		it = &w.items[0];
		CHECK_INT(it->message.kind, TD_KIND_LOCATION);
		CHECK(it->message.location != NULL);
		if (it->message.location != NULL) {
			CHECK(fabs(it->message.location->latitude - 12.25089) < 1e-9);
			CHECK(fabs(it->message.location->longitude - 43.90539) < 1e-9);
		}
		wa_webhook_free(&w);
	}
	/* Placeholder strings: kept, with name and address, no 0,0 point. */
	if (load(30, &w) == 0) {
		CHECK_INT(w.n_items, 1);
		it = &w.items[0];
		CHECK_INT(it->message.kind, TD_KIND_UNSUPPORTED);
		CHECK(it->message.location == NULL);
		CHECK_STR(it->message.id, "wamid.ID");
		CHECK_STR(it->message.from, "PHONE_NUMBER");
		CHECK_STR(it->message.text, "location without valid coordinates "
		    "(latitude 'LOCATION_LATITUDE', longitude "
		    "'LOCATION_LONGITUDE'): LOCATION_NAME, LOCATION_ADDRESS");
		wa_webhook_free(&w);
	}
}

static void
test_contacts(void)
{
	struct wa_webhook w;

	if (load(31, &w) != 0)
		return;
	CHECK_INT(w.items[0].message.kind, TD_KIND_CONTACTS);
	CHECK_STR(w.items[0].message.text, "Chandler Bing (+1 555-555-5555); "
	    "Monica (+1 666-666-6666); Rachel Green (+1 777-777-7777)");
	wa_webhook_free(&w);
}

static void
test_reactions(void)
{
	struct wa_webhook w;
	int num;

	for (num = 37; num <= 38; num++) {
		if (load(num, &w) != 0)
			continue;
		CHECK_INT(w.items[0].message.kind, TD_KIND_REACTION);
		CHECK_STR(w.items[0].message.reaction_to, "wamid.yzxyzx=");
		CHECK_STR(w.items[0].message.reaction_emoji, "");
		wa_webhook_free(&w);
	}
	if (load(88, &w) == 0) {
		CHECK_INT(w.n_items, 2);
		CHECK_INT(w.items[0].message.kind, TD_KIND_TEXT);
		CHECK_INT(w.items[1].message.kind, TD_KIND_REACTION);
		CHECK_STR(w.items[1].message.reaction_to, "wamid.GBGX2323902");
		CHECK_STR(w.items[1].message.reaction_emoji, "\xf0\x9f\x91\x8d");
		wa_webhook_free(&w);
	}
}

static void
test_interactive(void)
{
	struct wa_webhook w;

	if (load(40, &w) == 0) {
		CHECK_INT(w.items[0].message.kind, TD_KIND_INTERACTIVE);
		CHECK_STR(w.items[0].message.text, "title");
		CHECK_STR(w.items[0].reply_id, "callback_data");
		CHECK_STR(w.items[0].message.reply_to, "wamid.xyzxyz");
		wa_webhook_free(&w);
	}
	if (load(44, &w) == 0) {
		CHECK_STR(w.items[0].message.text, "title");
		CHECK_STR(w.items[0].message.caption, "description");
		wa_webhook_free(&w);
	}
	if (load(47, &w) == 0) {
		CHECK_INT(w.items[0].message.kind, TD_KIND_INTERACTIVE);
		CHECK_STR(w.items[0].wa_type, "nfm_reply");
		CHECK_STR(w.items[0].message.text, "Flow response: comment_text: "
		    "Comment Text, delivery_rating: 4, purchase_rating: 2, "
		    "recommend_radio: 0, cs_rating: 0");
		wa_webhook_free(&w);
	}
	if (load(49, &w) == 0) {
		CHECK_INT(w.items[0].message.kind, TD_KIND_BUTTON);
		CHECK_STR(w.items[0].message.text, "title");
		CHECK_STR(w.items[0].reply_id, "callback_data");
		wa_webhook_free(&w);
	}
	/* An interactive message with no interactive object: the change's
	 * errors say why. */
	if (load(66, &w) == 0) {
		CHECK_INT(w.items[0].message.kind, TD_KIND_UNSUPPORTED);
		CHECK_STR(w.items[0].message.text, "interactive message without "
		    "content: Something went wrong (Unsupported webhook payload) "
		    "[code 131000]");
		CHECK_STR(w.items[0].message.reply_to, "wamid.gvwegfretge==");
		wa_webhook_free(&w);
	}
}

static void
test_orders(void)
{
	struct wa_webhook w;

	if (load(55, &w) == 0) {
		CHECK_INT(w.items[0].message.kind, TD_KIND_TEXT);
		CHECK_STR(w.items[0].wa_type, "order");
		CHECK_STR(w.items[0].message.text, "Order from catalog "
		    "354160437058781: 3 items, total 180.00 ILS\n"
		    "- HAMBURGER x3 at 30.00 ILS\n- FRENCH_FRIES x2 at 35.00 ILS\n"
		    "- SODA x2 at 10.00 ILS");
		CHECK_STR(w.items[0].message.annotation, "[Order]");
		wa_webhook_free(&w);
	}
	if (load(56, &w) == 0) {
		CHECK(strncmp(w.items[0].message.text, "Order from catalog "
		    "the-catalog_id: 2 items, total unknown\n", 54) == 0);
		CHECK_STR(w.items[0].message.annotation, "[Order]");
		CHECK_STR(w.items[0].message.caption,
		    "text-message-sent-along-with-the-order");
		wa_webhook_free(&w);
	}
}

static void
test_system(void)
{
	struct wa_webhook w;

	if (load(57, &w) == 0) {
		CHECK_INT(w.items[0].kind, WA_ITEM_SYSTEM);
		CHECK_INT(w.items[0].message.kind, TD_KIND_UNSUPPORTED);
		CHECK_STR(w.items[0].message.text, "System notice: User A changed "
		    "from 972987654321 to 972912345678");
		CHECK_STR(w.items[0].new_wa_id, "972912345678");
		CHECK_STR(w.items[0].message.from, "972987654321");
		CHECK_STR(w.items[0].wa_type, "system/user_changed_number");
		CHECK(w.items[0].customer.name == NULL);
		wa_webhook_free(&w);
	}
	if (load(58, &w) == 0) {
		CHECK_INT(w.items[0].kind, WA_ITEM_SYSTEM);
		CHECK_STR(w.items[0].message.text,
		    "System notice: User identity changed");
		CHECK_STR(w.items[0].customer.name, "User A");
		wa_webhook_free(&w);
	}
	if (load(60, &w) == 0) {
		CHECK_STR(w.items[0].new_wa_id, "15550003333");
		wa_webhook_free(&w);
	}
}

static void
test_unsupported(void)
{
	struct wa_webhook w;

	if (load(61, &w) == 0) {
		CHECK_INT(w.items[0].message.kind, TD_KIND_UNSUPPORTED);
		CHECK_STR(w.items[0].message.text, "unsupported message: Message "
		    "type unknown (Message type is currently not supported.) "
		    "[code 131051]");
		wa_webhook_free(&w);
	}
	if (load(62, &w) == 0) {
		CHECK_STR(w.items[0].message.text, "unsupported message type "
		    "'pool': Message type unknown (Message type is currently not "
		    "supported.) [code 131051]");
		wa_webhook_free(&w);
	}
	if (load(65, &w) == 0) {
		CHECK_STR(w.items[0].wa_type, "unknown");
		CHECK_STR(w.items[0].message.text, "unsupported message: "
		    "Unsupported message type (Message type is not currently "
		    "supported) [code 131051]");
		wa_webhook_free(&w);
	}
}

static void
test_statuses(void)
{
	struct wa_webhook w;
	struct wa_item *it;

	if (load(69, &w) == 0) {
		it = &w.items[0];
		CHECK_INT(it->kind, WA_ITEM_STATUS);
		CHECK_STR(it->status.message, "wamid.xyzxyz");
		CHECK_INT(it->status.status, TD_MS_SENT);
		CHECK_STR(it->pricing_category, "service");
		CHECK_STR(it->customer.wa_id, "972987654321");
		CHECK_STR(it->customer.name, "Test Name");
		CHECK_INT(it->ts, 1698266945);
		wa_webhook_free(&w);
	}
	if (load(82, &w) == 0) {
		CHECK_INT(w.items[0].status.status, TD_MS_READ);
		CHECK_STR(w.items[0].wa_type, "played");
		wa_webhook_free(&w);
	}
	if (load(85, &w) == 0) {
		it = &w.items[0];
		CHECK_INT(it->status.status, TD_MS_FAILED);
		CHECK_INT(it->status.error.code, 131053);
		CHECK_STR(it->status.error.title, "Media upload error");
		CHECK_STR(it->status.error.details, "Unsupported Video mime type "
		    "text/html. Please use one of video/3gpp, video/mp4.");
		CHECK_STR(it->customer.wa_id, "1111111111111");
		CHECK(it->pricing_category == NULL);
		wa_webhook_free(&w);
	}
	if (load(84, &w) == 0) {
		CHECK_INT(w.items[0].status.error.code, 131047);
		CHECK_STR(w.items[0].status.error.title, "Re-engagement message");
		wa_webhook_free(&w);
	}
	if (load(86, &w) == 0) {
		CHECK_STR(w.items[0].status.error.title, "ERROR_TITLE");
		CHECK(w.items[0].status.error.details == NULL);
		wa_webhook_free(&w);
	}
	if (load(81, &w) == 0) {
		CHECK_STR(w.items[0].customer.username, "<USERNAME>");
		wa_webhook_free(&w);
	}
}

static void
test_batches(void)
{
	struct wa_webhook w;

	if (load(90, &w) == 0) {
		CHECK_INT(w.n_items, 4);
		CHECK_STR(w.items[0].message.id, "wamid.TEXT123");
		/* The location there has no "type": its object says it. */
		CHECK_STR(w.items[1].message.id, "wamid.LOC789");
		CHECK_INT(w.items[1].message.kind, TD_KIND_LOCATION);
		CHECK(w.items[1].message.location != NULL &&
		    fabs(w.items[1].message.location->latitude - 37.7749) < 1e-9);
		CHECK_STR(w.items[1].message.location->name, "San Francisco");
		CHECK_STR(w.items[1].message.location->address, "Market Street");
		CHECK_INT(w.items[2].message.kind, TD_KIND_REACTION);
		CHECK_STR(w.items[2].message.reaction_to, "wamid.TEXT123");
		CHECK_INT(w.items[3].message.kind, TD_KIND_STICKER);
		CHECK_STR(w.items[3].message.media->id, "STICKER1234");
		CHECK_STR(w.items[3].customer.name, "John Doe");
		wa_webhook_free(&w);
	}
	if (load(87, &w) == 0) {
		CHECK_INT(w.n_items, 2);
		CHECK_STR(w.items[1].message.text, "MESSAGE_BODY2");
		wa_webhook_free(&w);
	}
}

/* Same body twice: same fingerprints.  Every message reusing the
 * placeholder id "wamid.ID" gets a fingerprint of its own, except one:
 * 087's first message is 003's message byte for byte (same object, same
 * contact, same business number), which is what a redelivery looks like. */
static void
test_fingerprints(void)
{
	char seen[128][65];
	size_t n_seen = 0, i, k, j, dup = 0;
	struct wa_webhook a, b;

	if (load(1, &a) == 0 && load(1, &b) == 0)
		CHECK_STR(a.items[0].fingerprint, b.items[0].fingerprint);
	wa_webhook_free(&a);
	wa_webhook_free(&b);
	for (i = 0; i < n_files; i++) {
		size_t len;
		char err[128], *body = check_read_file(files[i], &len);

		if (body == NULL || wa_parse_webhook(body, len, &a, err,
		    sizeof err) != 0) {
			free(body);
			continue;
		}
		for (k = 0; k < a.n_items; k++) {
			const char *id = a.items[k].kind == WA_ITEM_STATUS ?
			    a.items[k].status.message : a.items[k].message.id;
			if (id == NULL || strcmp(id, "wamid.ID") != 0 ||
			    n_seen == 128)
				continue;
			for (j = 0; j < n_seen; j++)
				dup += strcmp(seen[j], a.items[k].fingerprint) == 0;
			memcpy(seen[n_seen++], a.items[k].fingerprint, 65);
		}
		wa_webhook_free(&a);
		free(body);
	}
	CHECK_INT(n_seen, 27); /* 23 messages, 4 statuses */
	CHECK_INT(dup, 1);
}

int
main(void)
{
	size_t i;

	list_corpus();
	RUN(test_every_file);
	RUN(test_text_and_customer);
	RUN(test_bsuid_only);
	RUN(test_context);
	RUN(test_media);
	RUN(test_location);
	RUN(test_contacts);
	RUN(test_reactions);
	RUN(test_interactive);
	RUN(test_orders);
	RUN(test_system);
	RUN(test_unsupported);
	RUN(test_statuses);
	RUN(test_batches);
	RUN(test_fingerprints);
	for (i = 0; i < n_files; i++)
		free(files[i]);
	return check_done();
}
