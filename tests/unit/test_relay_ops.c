/*
 * Relay operations and store: the 24-hour window, reopen on inbound,
 * escalate/assign/status/labels validation, the outbound queue, crash
 * recovery of in-flight sends, stable conversation ids across restarts.
 */
#include <sys/stat.h>

#include "check.h"
#include "relay_harness.h"

#include "conv.h"
#include "ops.h"
#include "sender.h"

#define PNID "106540352242922"

static char *
hook_text(const char *wa_id, const char *wamid, long ts)
{
	char *out = NULL;

	if (asprintf(&out, "{\"object\":\"whatsapp_business_account\",\"entry\":"
	    "[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{"
	    "\"messaging_product\":\"whatsapp\",\"metadata\":{"
	    "\"display_phone_number\":\"1\",\"phone_number_id\":\"%s\"},"
	    "\"contacts\":[{\"profile\":{\"name\":\"Ann\"},\"wa_id\":\"%s\"}],"
	    "\"messages\":[{\"from\":\"%s\",\"id\":\"%s\",\"timestamp\":\"%ld\","
	    "\"type\":\"text\",\"text\":{\"body\":\"hello\"}}]}}]}]}", PNID,
	    wa_id, wa_id, wamid, ts) < 0)
		return NULL;
	return out;
}

struct op_job {
	struct relay_job job;
	op_fn fn;
	const char *conv;
	json_t *in;
	struct op_result res;
};

static void
op_job_run(struct relay *r, struct relay_job *j)
{
	struct op_job *oj = (struct op_job *)j;
	const struct relay_agent *a = config_find_agent(r->cfg, "alice");

	oj->fn(r, a, oj->conv, oj->in, &oj->res);
	if (oj->res.status >= 500)
		j->failed = 1;
}

/* Runs one op; returns the HTTP status and the body in *body. */
static unsigned
run_op(struct harness *h, op_fn fn, const char *conv, const char *in_text,
    json_t **body)
{
	struct op_job j;

	memset(&j, 0, sizeof j);
	j.job.run = op_job_run;
	j.fn = fn;
	j.conv = conv;
	j.in = json_loads(in_text, 0, NULL);
	relay_run_now(&h->r, &j.job);
	json_decref(j.in);
	free(j.res.hook);
	if (body != NULL)
		*body = j.res.body;
	else
		json_decref(j.res.body);
	return j.res.status;
}

static const char *
err_code(json_t *body)
{
	return json_string_value(json_object_get(json_object_get(body, "error"),
	    "code"));
}

static const char *
state_str(json_t *ev, const char *key)
{
	return json_string_value(json_object_get(json_object_get(ev, "state"),
	    key));
}

static void
feed_text(struct harness *h, const char *wa_id, const char *wamid, long ts)
{
	char *b = hook_text(wa_id, wamid, ts);

	CHECK_INT(harness_feed(h, b), 0);
	free(b);
}

static void
test_window(void)
{
	struct harness h;
	json_t *body;

	if (harness_setup(&h, PNID, NULL) != 0) {
		CHECK(0);
		return;
	}
	harness_clock = 1700000000;
	feed_text(&h, "111", "wamid.W1", 1700000000 - 3600);
	CHECK_INT(run_op(&h, op_message, "c1", "{\"client_id\":\"m1\","
	    "\"text\":\"hi\"}", &body), 202);
	CHECK_STR(json_string_value(json_object_get(json_object_get(body,
	    "message"), "status")), "pending");
	CHECK_STR(json_string_value(json_object_get(json_object_get(body,
	    "message"), "direction")), "out");
	json_decref(body);
	harness_clock = 1700000000 + 24 * 3600;
	CHECK_INT(run_op(&h, op_message, "c1", "{\"client_id\":\"m2\","
	    "\"text\":\"late\"}", &body), 409);
	CHECK_STR(err_code(body), "window_closed");
	json_decref(body);
	/* Templates are allowed outside the window. */
	CHECK_INT(run_op(&h, op_message, "c1", "{\"client_id\":\"m3\","
	    "\"template\":{\"name\":\"t\",\"language\":\"en\",\"params\":[\"1\"]}}",
	    NULL), 202);
	CHECK_INT(run_op(&h, op_message, "c9", "{\"client_id\":\"m4\","
	    "\"text\":\"x\"}", &body), 404);
	json_decref(body);
	CHECK_INT(run_op(&h, op_message, "c1", "{\"client_id\":\"m5\","
	    "\"text\":\"\"}", NULL), 400);
	CHECK_INT(run_op(&h, op_message, "c1", "{\"client_id\":\"m5\"}", NULL),
	    400);
	harness_clock = 1700000000;
	{
		char big[4200];

		memset(big, 'a', sizeof big);
		memcpy(big, "{\"text\":\"", 9);
		memcpy(big + 4097 + 9, "\"}", 3);
		CHECK_INT(run_op(&h, op_message, "c1", big, NULL), 400);
		big[4096 + 9] = '"';
		big[4096 + 10] = '}';
		big[4096 + 11] = '\0';
		CHECK_INT(run_op(&h, op_message, "c1", big, NULL), 202);
	}
	harness_teardown(&h);
}

static void
test_conversation_ops(void)
{
	struct harness h;
	json_t *body, *ev;

	if (harness_setup(&h, PNID, NULL) != 0) {
		CHECK(0);
		return;
	}
	harness_clock = 1700000000;
	feed_text(&h, "111", "wamid.X1", 1700000000);
	CHECK_INT(run_op(&h, op_escalate, "c1", "{\"team\":\"nope\","
	    "\"reason\":\"r\"}", &body), 400);
	CHECK_STR(err_code(body), "unknown_team");
	json_decref(body);
	CHECK_INT(run_op(&h, op_escalate, "c1", "{\"team\":\"tier2\","
	    "\"reason\":\"  \"}", NULL), 400);
	CHECK_INT(run_op(&h, op_assign, "c1", "{\"agent\":\"alice\"}", NULL), 200);
	CHECK_INT(run_op(&h, op_escalate, "c1", "{\"team\":\"tier2\","
	    "\"priority\":\"urgent\",\"reason\":\"refund\"}", &body), 200);
	CHECK_STR(state_str(body, "status"), "escalated");
	CHECK_STR(state_str(body, "team"), "tier2");
	CHECK_STR(state_str(body, "priority"), "urgent");
	CHECK(json_is_null(json_object_get(json_object_get(body, "state"),
	    "assignee")));
	CHECK_STR(json_string_value(json_object_get(json_object_get(
	    json_object_get(body, "state"), "escalation"), "by")), "alice");
	json_decref(body);
	CHECK_INT(run_op(&h, op_assign, "c1", "{\"agent\":\"bob\"}", NULL), 400);
	CHECK_INT(run_op(&h, op_assign, "c1", "{\"agent\":5}", NULL), 400);
	CHECK_INT(run_op(&h, op_assign, "c1", "{\"agent\":null}", NULL), 200);
	CHECK_INT(run_op(&h, op_status, "c1", "{\"status\":\"closed\"}", NULL), 400);
	CHECK_INT(run_op(&h, op_status, "c1", "{\"status\":\"snoozed\"}", NULL), 400);
	CHECK_INT(run_op(&h, op_status, "c1", "{\"status\":\"resolved\"}", NULL),
	    200);
	CHECK_INT(run_op(&h, op_labels, "c1", "{\"add\":[\"vip\",\"b\"]}", NULL),
	    200);
	CHECK_INT(run_op(&h, op_labels, "c1", "{\"add\":[\"\"]}", NULL), 400);
	CHECK_INT(run_op(&h, op_labels, "c1", "{\"add\":[\"a\\nb\"]}", NULL), 400);
	CHECK_INT(run_op(&h, op_labels, "c1", "{\"remove\":[\"b\"]}", &body), 200);
	CHECK_INT(json_array_size(json_object_get(json_object_get(body, "state"),
	    "labels")), 1);
	json_decref(body);
	CHECK_INT(run_op(&h, op_note, "c1", "{\"text\":\"internal\"}", &body), 201);
	CHECK_STR(json_string_value(json_object_get(json_object_get(body,
	    "message"), "direction")), "note");
	json_decref(body);
	/* An inbound message reopens the resolved conversation. */
	feed_text(&h, "111", "wamid.X2", 1700000100);
	ev = harness_events(&h);
	body = json_array_get(ev, json_array_size(ev) - 1);
	CHECK_STR(json_string_value(json_object_get(body, "type")),
	    "conversation");
	CHECK_STR(state_str(body, "status"), "open");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(body,
	    "state"), "last_inbound_ts")), 1700000100);
	json_decref(ev);
	harness_teardown(&h);
}

static void
test_outbound_queue(void)
{
	struct harness h;
	struct relay_outbound out[4];
	int n = 0;
	char err[256];
	json_t *ev, *st;

	if (harness_setup(&h, PNID, NULL) != 0) {
		CHECK(0);
		return;
	}
	harness_clock = 1700000000;
	feed_text(&h, "111", "wamid.Q1", 1700000000);
	CHECK_INT(run_op(&h, op_message, "c1", "{\"text\":\"a\"}", NULL), 202);
	CHECK_INT(run_op(&h, op_message, "c1", "{\"text\":\"b\"}", NULL), 202);
	CHECK_INT(relay_store_begin(h.r.writer), 0);
	CHECK_INT(relay_store_outbound_claim(h.r.writer, 1700000000, out, 1, &n), 0);
	CHECK_INT(n, 1);
	CHECK(strstr(out[0].body, "\"to\":\"111\"") != NULL);
	CHECK_INT(out[0].attempts, 1);
	CHECK_INT(relay_store_outbound_next(h.r.writer), 1700000000);
	CHECK_INT(relay_store_commit(h.r.writer), 0);
	relay_outbound_free(&out[0]);
	/* The relay dies with one send in flight: it ends "delivery
	 * unknown", the other one is still pending. */
	harness_restart(&h);
	CHECK_INT(sender_recover(&h.r, err, sizeof err), 0);
	ev = harness_events(&h);
	st = harness_nth(ev, "status", 0);
	CHECK(st != NULL);
	CHECK_STR(json_string_value(json_object_get(json_object_get(st, "status"),
	    "status")), "failed");
	CHECK_STR(json_string_value(json_object_get(json_object_get(json_object_get(
	    st, "status"), "error"), "title")), "delivery unknown");
	CHECK_INT(harness_count(ev, "status"), 1);
	json_decref(ev);
	CHECK_INT(relay_store_outbound_claim(h.r.writer, 1700000000, out, 4, &n), 0);
	CHECK_INT(n, 1);
	relay_outbound_free(&out[0]);
	harness_teardown(&h);
}

static void
test_stable_ids(void)
{
	struct harness h;
	json_t *ev;
	int64_t last;

	if (harness_setup(&h, PNID, NULL) != 0) {
		CHECK(0);
		return;
	}
	feed_text(&h, "111", "wamid.S1", 1700000000);
	feed_text(&h, "222", "wamid.S2", 1700000000);
	last = h.r.last_seq;
	harness_restart(&h);
	CHECK_INT(h.r.last_seq, last);
	feed_text(&h, "222", "wamid.S3", 1700000001);
	feed_text(&h, "333", "wamid.S4", 1700000001);
	ev = harness_events(&h);
	CHECK_STR(json_string_value(json_object_get(harness_nth(ev, "message", 2),
	    "conversation")), "c2");
	CHECK_STR(json_string_value(json_object_get(harness_nth(ev, "message", 3),
	    "conversation")), "c3");
	/* seq strictly increasing, no gaps. */
	{
		size_t i;
		json_t *e;

		json_array_foreach(ev, i, e)
			CHECK_INT(json_integer_value(json_object_get(e, "seq")),
			    (long long)i + 1);
	}
	json_decref(ev);
	harness_teardown(&h);
}

static void
test_idempotency_store(void)
{
	struct harness h;
	char *resp = NULL;
	int status = 0;

	if (harness_setup(&h, PNID, NULL) != 0) {
		CHECK(0);
		return;
	}
	CHECK_INT(relay_store_idem_get(h.r.writer, "messages", "k", &status,
	    &resp), 0);
	CHECK_INT(relay_store_idem_put(h.r.writer, "messages", "k", 202,
	    "{\"a\":1}"), 0);
	CHECK_INT(relay_store_idem_put(h.r.writer, "messages", "k", 500,
	    "{\"b\":1}"), 0); /* the first answer stays */
	CHECK_INT(relay_store_idem_get(h.r.writer, "messages", "k", &status,
	    &resp), 1);
	CHECK_INT(status, 202);
	CHECK_STR(resp, "{\"a\":1}");
	free(resp);
	CHECK_INT(relay_store_idem_get(h.r.writer, "notes", "k", &status,
	    &resp), 0);
	harness_teardown(&h);
}

static void
hk_run(struct relay *r, struct relay_job *j)
{
	if (ops_housekeeping(r) != 0)
		j->failed = 1;
}

static void
housekeeping(struct harness *h)
{
	struct relay_job j;

	memset(&j, 0, sizeof j);
	j.run = hk_run;
	CHECK_INT(relay_run_now(&h->r, &j), 0);
}

static json_t *
last_event(struct harness *h)
{
	json_t *ev = harness_events(h);
	json_t *last = json_incref(json_array_get(ev, json_array_size(ev) - 1));

	json_decref(ev);
	return last;
}

static void
test_snooze_and_sla(void)
{
	struct harness h;
	json_t *ev, *sla;
	int64_t seq;

	if (harness_setup(&h, PNID, "[sla]\nfirst_response = 15m\n"
	    "next_response = 1h\nurgent.first_response = 5m\n") != 0) {
		CHECK(0);
		return;
	}
	harness_clock = 1700000000;
	feed_text(&h, "111", "wamid.Z1", 1700000000);
	ev = last_event(&h);
	sla = json_object_get(json_object_get(ev, "state"), "sla");
	CHECK_INT(json_integer_value(json_object_get(sla, "first_response_due")),
	    1700000000 + 900);
	CHECK(json_is_false(json_object_get(sla, "breached")));
	json_decref(ev);
	/* Nothing is due yet: housekeeping adds no event. */
	seq = h.r.last_seq;
	housekeeping(&h);
	CHECK_INT(h.r.last_seq, seq);
	harness_clock = 1700000000 + 901;
	housekeeping(&h);
	ev = last_event(&h);
	CHECK(json_is_true(json_object_get(json_object_get(json_object_get(ev,
	    "state"), "sla"), "breached")));
	json_decref(ev);
	/* Breached once: no new event on the next pass. */
	seq = h.r.last_seq;
	housekeeping(&h);
	CHECK_INT(h.r.last_seq, seq);
	/* An agent reply clears the due time. */
	CHECK_INT(run_op(&h, op_message, "c1", "{\"text\":\"on it\"}", NULL),
	    202);
	ev = last_event(&h);
	sla = json_object_get(json_object_get(ev, "state"), "sla");
	CHECK(json_object_get(sla, "first_response_due") == NULL);
	CHECK(json_is_false(json_object_get(sla, "breached")));
	json_decref(ev);
	/* The next customer message starts the next-response clock. */
	feed_text(&h, "111", "wamid.Z2", 1700001000);
	ev = last_event(&h);
	CHECK_INT(json_integer_value(json_object_get(json_object_get(
	    json_object_get(ev, "state"), "sla"), "next_response_due")),
	    1700001000 + 3600);
	json_decref(ev);
	/* Snooze until T: reopens at T. */
	CHECK_INT(run_op(&h, op_status, "c1", "{\"status\":\"snoozed\","
	    "\"until\":1700005000}", &ev), 200);
	CHECK_STR(state_str(ev, "status"), "snoozed");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(ev, "state"),
	    "snoozed_until")), 1700005000);
	json_decref(ev);
	harness_clock = 1700005001;
	housekeeping(&h);
	ev = last_event(&h);
	CHECK_STR(json_string_value(json_object_get(ev, "type")), "conversation");
	CHECK_STR(state_str(ev, "status"), "open");
	CHECK(json_object_get(json_object_get(ev, "state"), "snoozed_until") ==
	    NULL);
	json_decref(ev);
	/* Snoozed, then the customer writes first: open at once. */
	CHECK_INT(run_op(&h, op_status, "c1", "{\"status\":\"snoozed\","
	    "\"until\":1800000000}", NULL), 200);
	feed_text(&h, "111", "wamid.Z3", 1700005100);
	ev = last_event(&h);
	CHECK_STR(state_str(ev, "status"), "open");
	json_decref(ev);
	harness_teardown(&h);
}

static char *
hook_button(const char *wa_id, const char *wamid, const char *reply_id,
    long ts)
{
	char *out = NULL;

	if (asprintf(&out, "{\"object\":\"whatsapp_business_account\",\"entry\":"
	    "[{\"id\":\"1\",\"changes\":[{\"field\":\"messages\",\"value\":{"
	    "\"messaging_product\":\"whatsapp\",\"metadata\":{"
	    "\"display_phone_number\":\"1\",\"phone_number_id\":\"%s\"},"
	    "\"contacts\":[{\"profile\":{\"name\":\"Ann\"},\"wa_id\":\"%s\"}],"
	    "\"messages\":[{\"from\":\"%s\",\"id\":\"%s\",\"timestamp\":\"%ld\","
	    "\"type\":\"interactive\",\"interactive\":{\"type\":\"button_reply\","
	    "\"button_reply\":{\"id\":\"%s\",\"title\":\"Great\"}}}]}}]}]}",
	    PNID, wa_id, wa_id, wamid, ts, reply_id) < 0)
		return NULL;
	return out;
}

static void
test_csat(void)
{
	struct harness h;
	struct relay_outbound out[4];
	json_t *ev, *m;
	char *b;
	int n = 0;

	if (harness_setup(&h, PNID, "[csat]\nenabled = yes\n") != 0) {
		CHECK(0);
		return;
	}
	harness_clock = 1700000000;
	feed_text(&h, "111", "wamid.K1", 1700000000);
	CHECK_INT(run_op(&h, op_status, "c1", "{\"status\":\"resolved\"}", &ev),
	    200);
	CHECK(json_object_get(json_object_get(ev, "state"), "_csat_asked") == NULL);
	json_decref(ev);
	/* The question is queued as an interactive message. */
	ev = last_event(&h);
	m = json_object_get(ev, "message");
	CHECK_STR(json_string_value(json_object_get(m, "kind")), "interactive");
	CHECK_STR(json_string_value(json_object_get(m, "status")), "pending");
	json_decref(ev);
	CHECK_INT(relay_store_outbound_claim(h.r.writer, 1700000000, out, 4, &n), 0);
	CHECK_INT(n, 1);
	if (n == 1) {
		CHECK(strstr(out[0].body, "csat:5") != NULL);
		relay_outbound_free(&out[0]);
	}
	/* The customer's rating records csat and keeps it resolved. */
	b = hook_button("111", "wamid.K2", "csat:5", 1700000100);
	CHECK_INT(harness_feed(&h, b), 0);
	free(b);
	ev = last_event(&h);
	CHECK_STR(json_string_value(json_object_get(ev, "type")), "conversation");
	CHECK_STR(state_str(ev, "status"), "resolved");
	CHECK_INT(json_integer_value(json_object_get(json_object_get(
	    json_object_get(ev, "state"), "csat"), "score")), 5);
	json_decref(ev);
	/* Any other message reopens it as usual. */
	b = hook_button("111", "wamid.K3", "csat:1", 1700000200);
	CHECK_INT(harness_feed(&h, b), 0);
	free(b);
	ev = last_event(&h);
	CHECK_STR(state_str(ev, "status"), "open");
	json_decref(ev);
	harness_teardown(&h);
}

static void
test_escalation_hook(void)
{
	struct harness h;
	struct op_job j;
	char script[256], outp[256], *text = NULL;
	json_t *o;
	FILE *f;
	int i;

	if (harness_setup(&h, PNID, "[escalation]\ncommand = hook.sh\n") != 0) {
		CHECK(0);
		return;
	}
	snprintf(script, sizeof script, "%s/hook.sh", h.dir);
	snprintf(outp, sizeof outp, "%s/hook.out", h.dir);
	f = fopen(script, "w");
	fprintf(f, "#!/bin/sh\ncat > '%s.tmp' && mv '%s.tmp' '%s'\n", outp, outp,
	    outp);
	fclose(f);
	chmod(script, 0700);
	harness_clock = 1700000000;
	feed_text(&h, "111", "wamid.H1", 1700000000);
	memset(&j, 0, sizeof j);
	j.job.run = op_job_run;
	j.fn = op_escalate;
	j.conv = "c1";
	j.in = json_loads("{\"team\":\"tier2\",\"priority\":\"high\","
	    "\"reason\":\"angry customer\"}", 0, NULL);
	CHECK_INT(relay_run_now(&h.r, &j.job), 0);
	CHECK(j.res.hook != NULL);
	hook_run(&h.r, j.res.hook); /* takes it */
	json_decref(j.in);
	json_decref(j.res.body);
	for (i = 0; i < 100 && (text = check_read_file(outp, NULL)) == NULL; i++)
		usleep(50000);
	CHECK(text != NULL);
	o = text ? json_loads(text, 0, NULL) : NULL;
	CHECK(o != NULL);
	CHECK_STR(json_string_value(json_object_get(o, "conversation")), "c1");
	CHECK_STR(json_string_value(json_object_get(o, "reason")),
	    "angry customer");
	CHECK_STR(json_string_value(json_object_get(o, "priority")), "high");
	CHECK_STR(json_string_value(json_object_get(json_object_get(o, "agent"),
	    "id")), "alice");
	CHECK_STR(json_string_value(json_object_get(json_object_get(o,
	    "contact"), "wa_id")), "111");
	CHECK_INT(json_array_size(json_object_get(o, "messages")), 1);
	CHECK(json_object_get(json_object_get(o, "state"), "_replied") == NULL);
	json_decref(o);
	free(text);
	unlink(outp);
	unlink(script);
	harness_teardown(&h);
}

static void
test_utf8(void)
{
	CHECK_INT(op_utf8_len("abc"), 3);
	CHECK_INT(op_utf8_len("h\xc3\xa9llo"), 5);
	CHECK_INT(op_utf8_len("\xf0\x9f\x98\x80"), 1);
	CHECK_INT(op_utf8_len("\xc3"), -1);
	CHECK_INT(op_utf8_len("\xff"), -1);
}

int
main(void)
{
	RUN(test_window);
	RUN(test_conversation_ops);
	RUN(test_outbound_queue);
	RUN(test_stable_ids);
	RUN(test_idempotency_store);
	RUN(test_snooze_and_sla);
	RUN(test_csat);
	RUN(test_escalation_hook);
	RUN(test_utf8);
	return check_done();
}
