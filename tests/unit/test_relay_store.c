/*
 * The relay store (store.h) through its public calls, the same cases on
 * both backends: SQLite in a temp file always, PostgreSQL when
 * TTYDESK_TEST_PG_URI names a fresh database (CTest's unit_pg.relay_store
 * starts a throwaway cluster through tests/pylib/with_pg.py).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
/* relay.h brings src/relay/store.h (src/store has a store.h too). */
#include "relay.h"

static struct relay_store *S;
static const char *S_where; /* the database S was opened on */
static bool S_pg;

static void
open_store(const char *where)
{
	char err[256];

	S_where = where;
	S_pg = relay_store_is_pg(where);
	if (relay_store_open(where, RELAY_STORE_WRITER, &S, err,
	    sizeof err) != 0) {
		fprintf(stderr, "open %s: %s\n", S_pg ? "postgresql" : where, err);
		S = NULL;
	}
}

/* Appends one event under the next seq in its own transaction. */
static int64_t
append_event(const char *type, const char *conversation, int64_t ts)
{
	json_t *ev = json_pack("{s:s, s:s, s:I}", "type", type, "conversation",
	    conversation, "ts", (json_int_t)ts);
	int64_t seq;

	CHECK_INT(relay_store_begin(S), 0);
	seq = relay_store_last_seq(S) + 1;
	CHECK_INT(relay_store_append(S, seq, ev), 0);
	CHECK_INT(json_integer_value(json_object_get(ev, "seq")), seq);
	CHECK_INT(relay_store_commit(S), 0);
	json_decref(ev);
	return seq;
}

static void
test_append_read_after(void)
{
	int64_t first = relay_store_last_seq(S) + 1, last;
	char *buf = NULL;
	size_t len = 0;
	int count;
	bool more;
	json_t *arr;

	CHECK_INT(append_event("message", "c900", 10), first);
	CHECK_INT(append_event("conversation", "c900", 11), first + 1);
	CHECK_INT(append_event("message", "c900", 12), first + 2);
	CHECK_INT(relay_store_last_seq(S), first + 2);

	CHECK_INT(relay_store_read_after(S, first - 1, 2, &buf, &len, &count,
	    &last, &more), 0);
	CHECK_INT(count, 2);
	CHECK_INT(last, first + 1);
	CHECK(more);
	arr = json_loadb(buf, len, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK,
	    NULL);
	CHECK(arr != NULL && json_integer_value(json_object_get(arr, "seq")) ==
	    first);
	CHECK(strchr(buf, ',') != NULL && strstr(buf, "},{") != NULL);
	json_decref(arr);

	/* Appends after what the buffer holds. */
	CHECK_INT(relay_store_read_after(S, last, 10, &buf, &len, &count, &last,
	    &more), 0);
	CHECK_INT(count, 1);
	CHECK_INT(last, first + 2);
	CHECK(!more);
	CHECK_INT(strlen(buf), len);
	free(buf);

	buf = NULL;
	len = 0;
	CHECK_INT(relay_store_read_after(S, first + 2, 10, &buf, &len, &count,
	    &last, &more), 0);
	CHECK_INT(count, 0);
	CHECK_INT(last, first + 2);
	free(buf);

	/* Only messages, the newest n, oldest first. */
	arr = relay_store_conversation_messages(S, "c900", 5);
	CHECK_INT(json_array_size(arr), 2);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(arr, 0),
	    "ts")), 10);
	json_decref(arr);
	arr = relay_store_conversation_messages(S, "c900", 1);
	CHECK_INT(json_array_size(arr), 1);
	CHECK_INT(json_integer_value(json_object_get(json_array_get(arr, 0),
	    "seq")), first + 2);
	json_decref(arr);
}

static void
test_rollback_and_savepoint(void)
{
	int64_t seq = relay_store_last_seq(S);
	json_t *a = json_pack("{s:s, s:s, s:i}", "type", "message",
	    "conversation", "c901", "ts", 1);
	json_t *b = json_deep_copy(a), *c = json_deep_copy(a);

	CHECK_INT(relay_store_begin(S), 0);
	CHECK_INT(relay_store_append(S, seq + 1, a), 0);
	relay_store_rollback(S);
	CHECK_INT(relay_store_last_seq(S), seq);

	/* A job rolled back to its savepoint leaves the batch's others. */
	CHECK_INT(relay_store_begin(S), 0);
	CHECK_INT(relay_store_savepoint(S), 0);
	CHECK_INT(relay_store_append(S, seq + 1, b), 0);
	CHECK_INT(relay_store_release(S), 0);
	CHECK_INT(relay_store_savepoint(S), 0);
	CHECK_INT(relay_store_append(S, seq + 2, c), 0);
	relay_store_rollback_savepoint(S);
	CHECK_INT(relay_store_commit(S), 0);
	CHECK_INT(relay_store_last_seq(S), seq + 1);
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

static void
test_reader_sees_commits(void)
{
	struct relay_store *r = NULL;
	char err[256], *buf = NULL;
	size_t len = 0;
	int count = 0;
	int64_t last = 0, seq;
	bool more;

	seq = append_event("message", "c902", 20);
	CHECK_INT(relay_store_open(S_where, RELAY_STORE_READER, &r, err,
	    sizeof err), 0);
	if (r == NULL)
		return;
	CHECK_INT(relay_store_last_seq(r), seq);
	CHECK_INT(relay_store_read_after(r, seq - 1, 10, &buf, &len, &count,
	    &last, &more), 0);
	CHECK_INT(count, 1);
	CHECK_INT(last, seq);
	free(buf);
	relay_store_close(r);
}

static void
test_idempotency(void)
{
	char *resp = NULL;
	int status = 0;

	CHECK_INT(relay_store_idem_get(S, "send", "k1", &status, &resp), 0);
	CHECK(resp == NULL);
	CHECK_INT(relay_store_begin(S), 0);
	CHECK_INT(relay_store_idem_put(S, "send", "k1", 202, "{\"id\":\"m1\"}"),
	    0);
	/* The first answer stays. */
	CHECK_INT(relay_store_idem_put(S, "send", "k1", 500, "{}"), 0);
	CHECK_INT(relay_store_commit(S), 0);
	CHECK_INT(relay_store_idem_get(S, "send", "k1", &status, &resp), 1);
	CHECK_INT(status, 202);
	CHECK_STR(resp, "{\"id\":\"m1\"}");
	free(resp);
	/* Keyed by route too. */
	CHECK_INT(relay_store_idem_get(S, "note", "k1", &status, &resp), 0);
}

static void
test_meta(void)
{
	char *v = NULL;

	CHECK_INT(relay_store_meta_get(S, "test.key", &v), 0);
	CHECK(v == NULL);
	CHECK_INT(relay_store_meta_put(S, "test.key", "one"), 0);
	CHECK_INT(relay_store_meta_put(S, "test.key", "two"), 0);
	CHECK_INT(relay_store_meta_get(S, "test.key", &v), 1);
	CHECK_STR(v, "two");
	free(v);
	CHECK_INT(relay_store_meta_get(S, "schema", &v), 1);
	CHECK(v != NULL && v[0] >= '1' && v[0] <= '9');
	free(v);
}

static void
test_contacts(void)
{
	struct relay_contact c = { 0 }, got;
	int64_t id;

	CHECK_INT(relay_store_contact_by(S, "wa_id", "15550001", &got), 0);
	c.wa_id = strdup("15550001");
	c.user_id = strdup("US.1");
	c.name = strdup("Ann");
	c.extra = json_pack("{s:s}", "note", "vip");
	CHECK_INT(relay_store_begin(S), 0);
	CHECK_INT(relay_store_contact_put(S, &c), 0);
	CHECK_INT(relay_store_commit(S), 0);
	CHECK(c.id > 0);
	id = c.id;

	CHECK_INT(relay_store_contact_by(S, "user_id", "US.1", &got), 1);
	CHECK_INT(got.id, id);
	CHECK_STR(got.wa_id, "15550001");
	CHECK_STR(got.name, "Ann");
	CHECK(got.username == NULL);
	CHECK_STR(json_string_value(json_object_get(got.extra, "note")), "vip");
	relay_contact_free(&got);

	free(c.name);
	c.name = strdup("Ann B");
	c.conversation = strdup("c7");
	CHECK_INT(relay_store_contact_put(S, &c), 0);
	CHECK_INT(c.id, id);
	CHECK_INT(relay_store_contact_by_id(S, id, &got), 1);
	CHECK_STR(got.name, "Ann B");
	CHECK_STR(got.conversation, "c7");
	relay_contact_free(&got);
	CHECK_INT(relay_store_contact_by(S, "wa_id", "15550001", &got), 1);
	CHECK_INT(got.id, id);
	relay_contact_free(&got);
	CHECK_INT(relay_store_contact_by_id(S, id + 1000, &got), 0);
	relay_contact_free(&c);
}

static void
test_conversations(void)
{
	json_t *state = json_pack("{s:s, s:s}", "status", "open", "_own", "x");
	json_t *got = NULL, *hist;
	int64_t contact = 0, first = 0, last = 0;
	char *id = NULL, **ids = NULL;
	size_t n = 0, i;
	bool due = false;

	CHECK_INT(relay_store_conversation_create(S, 42, 1000, state, &id), 0);
	CHECK(id != NULL && id[0] == 'c');
	CHECK_INT(relay_store_conversation_get(S, id, &got, &contact, &first,
	    &last), 1);
	CHECK_STR(json_string_value(json_object_get(got, "status")), "open");
	CHECK_INT(contact, 42);
	CHECK_INT(first, 1000);
	CHECK_INT(last, 1000);
	json_decref(got);

	/* last_ts never goes back; a snooze makes it due. */
	json_object_set_new(state, "status", json_string("snoozed"));
	json_object_set_new(state, "snoozed_until", json_integer(5000));
	CHECK_INT(relay_store_conversation_put(S, id, state, 900), 0);
	CHECK_INT(relay_store_conversation_get(S, id, &got, NULL, NULL, &last),
	    1);
	CHECK_INT(last, 1000);
	CHECK_STR(json_string_value(json_object_get(got, "status")), "snoozed");
	json_decref(got);

	CHECK_INT(relay_store_conversations_due(S, 4999, &ids, &n), 0);
	for (i = 0; i < n; i++) {
		due = due || strcmp(ids[i], id) == 0;
		free(ids[i]);
	}
	free(ids);
	CHECK(!due);
	CHECK_INT(relay_store_conversations_due(S, 5000, &ids, &n), 0);
	for (i = 0; i < n; i++) {
		due = due || strcmp(ids[i], id) == 0;
		free(ids[i]);
	}
	free(ids);
	CHECK(due);

	/* The history hides the relay's own keys. */
	hist = relay_store_contact_conversations(S, 42);
	CHECK_INT(json_array_size(hist), 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(hist, 0),
	    "id")), id);
	CHECK(json_object_get(json_object_get(json_array_get(hist, 0),
	    "state"), "_own") == NULL);
	json_decref(hist);

	CHECK_INT(relay_store_conversation_get(S, "x1", &got, NULL, NULL, NULL),
	    0);
	CHECK_INT(relay_store_conversation_get(S, "c999999", &got, NULL, NULL,
	    NULL), 0);
	CHECK(got == NULL);
	free(id);
	json_decref(state);
}

static void
test_message_keys(void)
{
	struct relay_msgkey k;
	static const char *const names[] = { "sent", "delivered", "read" };
	unsigned mask = 0;

	CHECK_INT(relay_store_msg_put(S, "m1", "wamid.A", "fp1", "c5", 0, 1),
	    0);
	CHECK_INT(relay_store_msg_put(S, "m2", "wamid.A", "fp2", "c5", 1, 2),
	    0);
	CHECK_INT(relay_store_msg_put(S, "m3", NULL, "fp3", "c5", 0, 3), 0);
	CHECK_INT(relay_store_msg_seen(S, "wamid.A", "fp1"), 1);
	CHECK_INT(relay_store_msg_seen(S, "wamid.A", "fp9"), 0);
	CHECK_INT(relay_store_msg_seen(S, NULL, "fp3"), 1);

	/* By wamid, the outbound one first. */
	CHECK_INT(relay_store_msg_by_wamid(S, "wamid.A", &k), 1);
	CHECK_STR(k.id, "m2");
	CHECK_INT(k.direction, 1);
	relay_msgkey_free(&k);
	CHECK_INT(relay_store_msg_by_id(S, "m3", &k), 1);
	CHECK(k.wamid == NULL);
	CHECK_STR(k.conversation, "c5");
	relay_msgkey_free(&k);
	CHECK_INT(relay_store_msg_set_wamid(S, "m3", "wamid.B"), 0);
	CHECK_INT(relay_store_msg_by_wamid(S, "wamid.B", &k), 1);
	CHECK_STR(k.id, "m3");
	relay_msgkey_free(&k);
	CHECK_INT(relay_store_msg_by_id(S, "nope", &k), 0);

	CHECK_INT(relay_store_status_once(S, "m2", "delivered"), 1);
	CHECK_INT(relay_store_status_once(S, "m2", "delivered"), 0);
	CHECK_INT(relay_store_status_once(S, "m2", "read"), 1);
	CHECK_INT(relay_store_status_mask(S, "m2", names, 3, &mask), 0);
	CHECK_INT(mask, 6u);
	CHECK_INT(relay_store_status_mask(S, "m1", names, 3, &mask), 0);
	CHECK_INT(mask, 0u);
}

static void
test_deferred(void)
{
	struct relay_deferred *d = NULL;
	size_t n = 0;

	CHECK_INT(relay_store_deferred_put(S, "wamid.X", "c8", "sent", 10,
	    NULL), 0);
	CHECK_INT(relay_store_deferred_put(S, "wamid.X", "c8", "read", 11,
	    "{\"a\":1}"), 0);
	/* The same (wamid, status) once. */
	CHECK_INT(relay_store_deferred_put(S, "wamid.X", "c8", "read", 12,
	    NULL), 0);
	CHECK_INT(relay_store_deferred_put(S, "wamid.Y", "c9", "sent", 13,
	    NULL), 0);

	CHECK_INT(relay_store_deferred_take(S, "c8", &d, &n), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(d[0].status, "sent");
		CHECK(d[0].extra == NULL);
		CHECK_STR(d[1].extra, "{\"a\":1}");
		CHECK_INT(d[1].ts, 11);
		CHECK_STR(d[1].conversation, "c8");
	}
	relay_deferred_free(d, n);
	CHECK_INT(relay_store_deferred_take(S, "c8", &d, &n), 0);
	CHECK_INT(n, 0);
	relay_deferred_free(d, n);
	CHECK_INT(relay_store_deferred_take(S, NULL, &d, &n), 0);
	CHECK_INT(n, 1);
	if (n == 1)
		CHECK_STR(d[0].wamid, "wamid.Y");
	relay_deferred_free(d, n);
}

static int
has_id(char **ids, size_t n, const char *id)
{
	size_t i;
	int found = 0;

	for (i = 0; i < n; i++) {
		found = found || strcmp(ids[i], id) == 0;
		free(ids[i]);
	}
	free(ids);
	return found;
}

static void
test_outbound(void)
{
	struct relay_outbound out[4];
	char **ids = NULL;
	size_t n_ids = 0;
	int n = 0, i;

	/* Claims run in the past: the PostgreSQL leases have run out. */
	relay_store_set_lease(S, 30);
	CHECK_INT(relay_store_outbound_next(S), 0);
	CHECK_INT(relay_store_begin(S), 0);
	CHECK_INT(relay_store_outbound_put(S, "o1", "cid1", "c20", "{\"a\":1}",
	    100), 0);
	CHECK_INT(relay_store_outbound_put(S, "o2", NULL, "c21", "{}", 150), 0);
	CHECK_INT(relay_store_commit(S), 0);
	CHECK_INT(relay_store_outbound_next(S), 100);
	CHECK_INT(relay_store_outbound_busy(S, "c20"), 0);

	CHECK_INT(relay_store_begin(S), 0);
	CHECK_INT(relay_store_outbound_claim(S, 120, out, 4, &n), 0);
	CHECK_INT(relay_store_commit(S), 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK_STR(out[0].id, "o1");
		CHECK_STR(out[0].conversation, "c20");
		CHECK_STR(out[0].body, "{\"a\":1}");
		CHECK_INT(out[0].attempts, 1);
	}
	for (i = 0; i < n; i++)
		relay_outbound_free(&out[i]);
	CHECK_INT(relay_store_outbound_busy(S, "c20"), 1);
	CHECK_INT(relay_store_outbound_inflight(S, &ids, &n_ids), 0);
	CHECK(has_id(ids, n_ids, "o1"));

	/* Only PostgreSQL hands a claim past its lease to another relay. */
	CHECK_INT(relay_store_begin(S), 0);
	CHECK_INT(relay_store_outbound_abandoned(S, 151, &ids, &n_ids), 0);
	CHECK_INT(relay_store_commit(S), 0);
	CHECK_INT(has_id(ids, n_ids, "o1"), S_pg);

	/* A retry comes back with its attempts counted. */
	CHECK_INT(relay_store_begin(S), 0);
	CHECK_INT(relay_store_outbound_set(S, "o1", RELAY_OUT_PENDING, 140,
	    NULL), 0);
	CHECK_INT(relay_store_commit(S), 0);
	CHECK_INT(relay_store_outbound_busy(S, "c20"), 0);
	CHECK_INT(relay_store_outbound_next(S), 140);
	CHECK_INT(relay_store_begin(S), 0);
	CHECK_INT(relay_store_outbound_claim(S, 200, out, 4, &n), 0);
	CHECK_INT(relay_store_commit(S), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(out[0].id, "o1");
		CHECK_INT(out[0].attempts, 2);
		CHECK_STR(out[1].id, "o2");
	}
	for (i = 0; i < n; i++)
		relay_outbound_free(&out[i]);
	CHECK_INT(relay_store_begin(S), 0);
	CHECK_INT(relay_store_outbound_set(S, "o1", RELAY_OUT_SENT, 0,
	    "wamid.S"), 0);
	CHECK_INT(relay_store_outbound_set(S, "o2", RELAY_OUT_FAILED, 0, NULL),
	    0);
	CHECK_INT(relay_store_commit(S), 0);
	CHECK_INT(relay_store_outbound_next(S), 0);
	CHECK_INT(relay_store_outbound_busy(S, "c21"), 0);
	CHECK_INT(relay_store_outbound_inflight(S, &ids, &n_ids), 0);
	CHECK_INT(n_ids, 0);
	free(ids);
	CHECK_INT(relay_store_outbound_claim(S, 300, out, 4, &n), 0);
	CHECK_INT(n, 0);
}

static void
test_errors(void)
{
	/* A second send with the same client_id is refused, with a message. */
	CHECK_INT(relay_store_begin(S), 0);
	CHECK_INT(relay_store_outbound_put(S, "o9", "cid1", "c20", "{}", 1), -1);
	CHECK(relay_store_error(S)[0] != '\0');
	relay_store_rollback(S);
	/* The store is still usable. */
	CHECK_INT(relay_store_meta_put(S, "after.error", "ok"), 0);
}

static void
run_all(const char *label)
{
	printf("%s backend\n", label);
	if (S == NULL) {
		CHECK(S != NULL);
		return;
	}
	RUN(test_append_read_after);
	RUN(test_rollback_and_savepoint);
	RUN(test_reader_sees_commits);
	RUN(test_idempotency);
	RUN(test_meta);
	RUN(test_contacts);
	RUN(test_conversations);
	RUN(test_message_keys);
	RUN(test_deferred);
	RUN(test_outbound);
	RUN(test_errors);
	relay_store_close(S);
	S = NULL;
}

int
main(void)
{
	char dir[] = "/tmp/test_relay_store_XXXXXX", path[64];
	const char *pg = getenv("TTYDESK_TEST_PG_URI");

	if (mkdtemp(dir) == NULL)
		return EXIT_FAILURE;
	snprintf(path, sizeof path, "%s/relay.db", dir);
	open_store(path);
	run_all("sqlite");
	snprintf(path, sizeof path, "%s/relay.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/relay.db-shm", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/relay.db", dir);
	unlink(path);
	rmdir(dir);

	if (pg != NULL && *pg != '\0') {
		open_store(pg);
		run_all("postgresql");
	} else {
		printf("postgresql backend: not run here (TTYDESK_TEST_PG_URI "
		    "unset); CTest runs it as unit_pg.relay_store\n");
	}
	return check_done();
}
