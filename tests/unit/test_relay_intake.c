/*
 * Relay intake: signatures, identity linking (phone/BSUID), dedupe of
 * redeliveries vs placeholder collisions, statuses, reopen, phone filter,
 * stable conversation ids, and the whole corpus with nothing dropped.
 */
#include "check.h"
#include "relay_harness.h"
#include "webhook.h"

#include <sodium.h>

#define PNID "106540352242922"

/* A one-message webhook.  wa_id/user_id may be NULL. */
static char *
hook_msg(const char *pnid, const char *wa_id, const char *user_id,
    const char *wamid, const char *text, long ts)
{
	json_t *contact = json_pack("{s:{s:s}}", "profile", "name", "Ann");
	json_t *msg = json_pack("{s:s, s:s, s:s, s:{s:s}}", "id", wamid,
	    "timestamp", "0", "type", "text", "text", "body", text);
	json_t *root;
	char tsbuf[32], *out;

	snprintf(tsbuf, sizeof tsbuf, "%ld", ts);
	json_object_set_new(msg, "timestamp", json_string(tsbuf));
	if (wa_id != NULL) {
		json_object_set_new(contact, "wa_id", json_string(wa_id));
		json_object_set_new(msg, "from", json_string(wa_id));
	}
	if (user_id != NULL)
		json_object_set_new(contact, "user_id", json_string(user_id));
	root = json_pack("{s:s, s:[{s:s, s:[{s:s, s:{s:s, s:{s:s, s:s}, "
	    "s:[o], s:[o]}}]}]}", "object", "whatsapp_business_account",
	    "entry", "id", "1", "changes", "field", "messages", "value",
	    "messaging_product", "whatsapp", "metadata",
	    "display_phone_number", "15550100", "phone_number_id", pnid,
	    "contacts", contact, "messages", msg);
	out = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	return out;
}

static char *
hook_status(const char *wamid, const char *status, const char *recipient)
{
	json_t *st = json_pack("{s:s, s:s, s:s, s:s}", "id", wamid, "status",
	    status, "timestamp", "1700000100", "recipient_id", recipient);
	json_t *root = json_pack("{s:s, s:[{s:s, s:[{s:s, s:{s:s, s:{s:s, "
	    "s:s}, s:[o]}}]}]}", "object", "whatsapp_business_account",
	    "entry", "id", "1", "changes", "field", "messages", "value",
	    "messaging_product", "whatsapp", "metadata",
	    "display_phone_number", "15550100", "phone_number_id", PNID,
	    "statuses", st);
	char *out = json_dumps(root, JSON_COMPACT);

	json_decref(root);
	return out;
}

static int
feed_free(struct harness *h, char *body)
{
	int rc = harness_feed(h, body);

	free(body);
	return rc;
}

static const char *
ev_str(json_t *ev, const char *obj, const char *key)
{
	return json_string_value(json_object_get(json_object_get(ev, obj), key));
}

static void
test_signature(void)
{
	const char *body = "{\"object\":\"whatsapp_business_account\"}";
	unsigned char mac[32];
	char hex[65], hdr[80];

	crypto_auth_hmacsha256(mac, (const unsigned char *)body, strlen(body),
	    (const unsigned char *)"appsecret-32-bytes-long-enough!!");
	/* crypto_auth_hmacsha256 takes a 32-byte key: same as the state API
	 * with a 32-byte secret. */
	sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
	snprintf(hdr, sizeof hdr, "sha256=%s", hex);
	CHECK_INT(webhook_verify_signature("appsecret-32-bytes-long-enough!!",
	    32, body, strlen(body), hdr), 0);
	CHECK_INT(webhook_verify_signature("appsecret-32-bytes-long-enough!?",
	    32, body, strlen(body), hdr), -1);
	CHECK_INT(webhook_verify_signature("appsecret-32-bytes-long-enough!!",
	    32, "{}", 2, hdr), -1);
	CHECK_INT(webhook_verify_signature("appsecret-32-bytes-long-enough!!",
	    32, body, strlen(body), hdr + 7), -1); /* no sha256= */
	CHECK_INT(webhook_verify_signature("appsecret-32-bytes-long-enough!!",
	    32, body, strlen(body), NULL), -1);
	hdr[strlen(hdr) - 1] = '\0';
	CHECK_INT(webhook_verify_signature("appsecret-32-bytes-long-enough!!",
	    32, body, strlen(body), hdr), -1); /* short */
	CHECK_INT(webhook_verify_signature("k", 1, body, strlen(body),
	    "sha256=zz"), -1);
	/* A short app secret like Meta's (not 32 bytes): known vector. */
	CHECK_INT(webhook_verify_signature("key", 3,
	    "The quick brown fox jumps over the lazy dog", 43,
	    "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"),
	    0);
}

static void
test_phone_then_bsuid(void)
{
	struct harness h;
	json_t *ev, *m;
	size_t i;

	if (harness_setup(&h, PNID, NULL) != 0) {
		CHECK(0);
		return;
	}
	CHECK_INT(feed_free(&h, hook_msg(PNID, "15551234", NULL, "wamid.A1",
	    "hi", 1700000000)), 0);
	CHECK_INT(feed_free(&h, hook_msg(PNID, "15551234", "US.777", "wamid.A2",
	    "again", 1700000010)), 0);
	CHECK_INT(feed_free(&h, hook_msg(PNID, NULL, "US.777", "wamid.A3",
	    "hidden phone", 1700000020)), 0);
	ev = harness_events(&h);
	CHECK_INT(harness_count(ev, "message"), 3);
	CHECK_INT(harness_count(ev, "contact"), 2);
	/* One conversation: every event names c1. */
	json_array_foreach(ev, i, m)
		CHECK_STR(json_string_value(json_object_get(m, "conversation")), "c1");
	/* The first event of a new customer is its contact, then open. */
	CHECK_STR(json_string_value(json_object_get(json_array_get(ev, 0),
	    "type")), "contact");
	CHECK_STR(json_string_value(json_object_get(json_array_get(ev, 1),
	    "type")), "conversation");
	CHECK_STR(ev_str(json_array_get(ev, 1), "state", "status"), "open");
	CHECK_STR(json_string_value(json_object_get(json_array_get(ev, 2),
	    "type")), "message");
	m = harness_nth(ev, "contact", 1);
	CHECK_STR(ev_str(m, "contact", "wa_id"), "15551234");
	CHECK_STR(ev_str(m, "contact", "user_id"), "US.777");
	/* from is the phone once known, also for the BSUID-only webhook. */
	CHECK_STR(ev_str(harness_nth(ev, "message", 2), "message", "from"),
	    "15551234");
	json_decref(ev);
	harness_teardown(&h);
}

static void
test_bsuid_then_phone(void)
{
	struct harness h;
	json_t *ev;
	size_t i;
	json_t *m;

	if (harness_setup(&h, PNID, NULL) != 0) {
		CHECK(0);
		return;
	}
	CHECK_INT(feed_free(&h, hook_msg(PNID, NULL, "US.42", "wamid.B1", "a",
	    1700000000)), 0);
	CHECK_INT(feed_free(&h, hook_msg(PNID, "4915550", "US.42", "wamid.B2",
	    "b", 1700000010)), 0);
	CHECK_INT(feed_free(&h, hook_msg(PNID, "4915550", NULL, "wamid.B3", "c",
	    1700000020)), 0);
	ev = harness_events(&h);
	CHECK_INT(harness_count(ev, "message"), 3);
	CHECK_INT(harness_count(ev, "conversation") >= 1, 1);
	json_array_foreach(ev, i, m)
		CHECK_STR(json_string_value(json_object_get(m, "conversation")), "c1");
	CHECK_STR(ev_str(harness_nth(ev, "message", 0), "message", "from"),
	    "US.42");
	CHECK_STR(ev_str(harness_nth(ev, "message", 1), "message", "from"),
	    "4915550");
	CHECK_STR(ev_str(harness_nth(ev, "message", 2), "message", "from"),
	    "4915550");
	CHECK(ev_str(harness_nth(ev, "contact", 0), "contact", "wa_id") == NULL);
	CHECK_STR(ev_str(harness_nth(ev, "contact", 1), "contact", "wa_id"),
	    "4915550");
	json_decref(ev);
	harness_teardown(&h);
}

static void
test_both_and_two_customers(void)
{
	struct harness h;
	json_t *ev;

	if (harness_setup(&h, PNID, NULL) != 0) {
		CHECK(0);
		return;
	}
	CHECK_INT(feed_free(&h, hook_msg(PNID, "111", "US.1", "wamid.C1", "a",
	    1700000000)), 0);
	CHECK_INT(feed_free(&h, hook_msg(PNID, "222", NULL, "wamid.C2", "b",
	    1700000000)), 0);
	CHECK_INT(feed_free(&h, hook_msg(PNID, NULL, "US.3", "wamid.C3", "c",
	    1700000000)), 0);
	ev = harness_events(&h);
	CHECK_INT(harness_count(ev, "contact"), 3);
	CHECK_STR(ev_str(harness_nth(ev, "contact", 0), "contact", "wa_id"), "111");
	CHECK_STR(ev_str(harness_nth(ev, "contact", 0), "contact", "user_id"),
	    "US.1");
	CHECK_STR(json_string_value(json_object_get(harness_nth(ev, "message", 0),
	    "conversation")), "c1");
	CHECK_STR(json_string_value(json_object_get(harness_nth(ev, "message", 1),
	    "conversation")), "c2");
	CHECK_STR(json_string_value(json_object_get(harness_nth(ev, "message", 2),
	    "conversation")), "c3");
	json_decref(ev);
	harness_teardown(&h);
}

static void
test_dedupe(void)
{
	struct harness h;
	json_t *ev;
	char *a, *b;
	const char *id0, *id1;

	if (harness_setup(&h, PNID, NULL) != 0) {
		CHECK(0);
		return;
	}
	a = hook_msg(PNID, "111", NULL, "wamid.ID", "first", 1700000000);
	b = hook_msg(PNID, "111", NULL, "wamid.ID", "second", 1700000005);
	CHECK_INT(harness_feed(&h, a), 0);
	CHECK_INT(harness_feed(&h, a), 0); /* redelivery */
	CHECK_INT(harness_feed(&h, b), 0); /* placeholder id reused */
	CHECK_INT(harness_feed(&h, b), 0);
	CHECK_INT(harness_feed(&h, a), 0);
	ev = harness_events(&h);
	CHECK_INT(harness_count(ev, "message"), 2);
	id0 = ev_str(harness_nth(ev, "message", 0), "message", "id");
	id1 = ev_str(harness_nth(ev, "message", 1), "message", "id");
	CHECK_STR(id0, "wamid.ID");
	CHECK(id1 != NULL && strncmp(id1, "wamid.ID#", 9) == 0 &&
	    strlen(id1) == 17);
	CHECK_STR(ev_str(harness_nth(ev, "message", 1), "message", "text"),
	    "second");
	json_decref(ev);
	/* A restart does not forget what was seen. */
	harness_restart(&h);
	CHECK_INT(harness_feed(&h, b), 0);
	ev = harness_events(&h);
	CHECK_INT(harness_count(ev, "message"), 2);
	json_decref(ev);
	free(a);
	free(b);
	harness_teardown(&h);
}

static void
test_statuses(void)
{
	struct harness h;
	json_t *ev, *st;
	char *d;

	if (harness_setup(&h, PNID, NULL) != 0) {
		CHECK(0);
		return;
	}
	d = hook_status("wamid.OUT9", "delivered", "15550001");
	CHECK_INT(harness_feed(&h, d), 0);
	CHECK_INT(harness_feed(&h, d), 0);
	free(d);
	CHECK_INT(feed_free(&h, hook_status("wamid.OUT9", "read", "15550001")), 0);
	ev = harness_events(&h);
	CHECK_INT(harness_count(ev, "status"), 2);
	/* Unknown wamid: a contact and conversation for the recipient. */
	CHECK_INT(harness_count(ev, "contact"), 1);
	CHECK_STR(ev_str(harness_nth(ev, "contact", 0), "contact", "wa_id"),
	    "15550001");
	st = harness_nth(ev, "status", 0);
	CHECK_STR(ev_str(st, "status", "message"), "wamid.OUT9");
	CHECK_STR(ev_str(st, "status", "status"), "delivered");
	CHECK_STR(json_string_value(json_object_get(st, "conversation")), "c1");
	json_decref(ev);
	/* Out of order: read first, then a late delivered that must not
	 * move the message back. */
	CHECK_INT(feed_free(&h, hook_status("wamid.OUT8", "read", "15550001")), 0);
	CHECK_INT(feed_free(&h, hook_status("wamid.OUT8", "delivered",
	    "15550001")), 0);
	ev = harness_events(&h);
	CHECK_INT(harness_count(ev, "status"), 3);
	CHECK_STR(ev_str(harness_nth(ev, "status", 2), "status", "status"),
	    "read");
	json_decref(ev);
	harness_teardown(&h);
}

static void
test_phone_filter(void)
{
	struct harness h;
	json_t *ev;

	if (harness_setup(&h, PNID, NULL) != 0) {
		CHECK(0);
		return;
	}
	CHECK_INT(feed_free(&h, hook_msg("999999", "111", NULL, "wamid.F1", "x",
	    1700000000)), 0);
	ev = harness_events(&h);
	CHECK_INT(json_array_size(ev), 0);
	json_decref(ev);
	harness_teardown(&h);
}

/* Collects the wamids of messages[] and statuses[] in a corpus file. */
static void
corpus_expect(json_t *root, const char **pnid, size_t *n_msgs,
    size_t *n_status)
{
	json_t *entry, *change, *v;
	size_t i, j, k;

	*n_msgs = *n_status = 0;
	*pnid = NULL;
	json_array_foreach(json_object_get(root, "entry"), i, entry) {
		json_array_foreach(json_object_get(entry, "changes"), j, change) {
			json_t *value = json_object_get(change, "value");

			if (*pnid == NULL)
				*pnid = json_string_value(json_object_get(
				    json_object_get(value, "metadata"),
				    "phone_number_id"));
			*n_msgs += json_array_size(json_object_get(value,
			    "messages"));
			json_array_foreach(json_object_get(value, "statuses"), k, v)
				(*n_status)++;
		}
	}
}

static void
corpus_one(const char *dir, const char *name, size_t *total)
{
	struct harness h;
	char path[512];
	char *body;
	json_t *root, *ev, *e;
	const char *pnid;
	size_t n_msgs, n_status, i, j, got_msgs;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	body = check_read_file(path, NULL);
	root = body ? json_loads(body, 0, NULL) : NULL;
	CHECK(root != NULL);
	if (root == NULL) {
		free(body);
		return;
	}
	corpus_expect(root, &pnid, &n_msgs, &n_status);
	if (harness_setup(&h, pnid ? pnid : "none", NULL) != 0) {
		CHECK(0);
		goto out;
	}
	if (harness_feed(&h, body) != 0) {
		fprintf(stderr, "%s: intake failed\n", name);
		CHECK(0);
	}
	ev = harness_events(&h);
	got_msgs = harness_count(ev, "message");
	if (got_msgs != n_msgs || harness_count(ev, "status") != n_status)
		fprintf(stderr, "%s: %zu/%zu messages, %zu/%zu statuses\n", name,
		    got_msgs, n_msgs, harness_count(ev, "status"), n_status);
	CHECK_INT(got_msgs, n_msgs);
	CHECK_INT(harness_count(ev, "status"), n_status);
	/* Message ids are unique, every message event has a conversation
	 * that was announced before it. */
	for (i = 0; i < got_msgs; i++) {
		const char *id = ev_str(harness_nth(ev, "message", i), "message",
		    "id");

		CHECK(id != NULL && *id != '\0');
		for (j = i + 1; j < got_msgs; j++)
			CHECK(strcmp(id, ev_str(harness_nth(ev, "message", j),
			    "message", "id")) != 0);
	}
	json_array_foreach(ev, i, e) {
		if (strcmp(json_string_value(json_object_get(e, "type")),
		    "message") == 0) {
			CHECK(harness_count(ev, "conversation") > 0);
			CHECK(json_integer_value(json_object_get(e, "seq")) > 2);
		}
	}
	/* Feeding the same file again (Meta redelivers) adds nothing. */
	i = json_array_size(ev);
	json_decref(ev);
	CHECK_INT(harness_feed(&h, body), 0);
	ev = harness_events(&h);
	CHECK_INT(json_array_size(ev), i);
	json_decref(ev);
	*total += n_msgs;
	harness_teardown(&h);
out:
	json_decref(root);
	free(body);
}

static void
test_corpus(void)
{
	const char *dir = check_env_dir("TTYDESK_CORPUS_DIR",
	    TTYDESK_SOURCE_DIR "/tests/corpus/webhooks");
	struct dirent **names;
	size_t total = 0, files = 0;
	int n, i;

	n = scandir(dir, &names, NULL, alphasort);
	CHECK(n > 0);
	for (i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		size_t len = strlen(nm);

		if (len > 5 && strcmp(nm + len - 5, ".json") == 0) {
			corpus_one(dir, nm, &total);
			files++;
		}
		free(names[i]);
	}
	free(names);
	CHECK_INT(files, 90);
	CHECK(total >= 60);
	printf("corpus: %zu files, %zu messages, none dropped\n", files, total);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_signature);
	RUN(test_phone_then_bsuid);
	RUN(test_bsuid_then_phone);
	RUN(test_both_and_two_customers);
	RUN(test_dedupe);
	RUN(test_statuses);
	RUN(test_phone_filter);
	RUN(test_corpus);
	return check_done();
}
