/*
 * The error of a FAILED message does not depend on the order of events
 * (tests/fuzz/event/regress/failed-error-order): every permutation of a
 * small set of events, applied once, twice, and through model_apply_take,
 * gives the same message, and that message shows the error of the
 * failure with the lowest seq; seq 0 (a local event) ranks last, equal
 * seqs rank by content (model.h).
 */
#include "check.h"
#include "ttydesk/model.h"

#define MAX_EV 6

struct want {
	const char *conv, *id;
	enum td_msg_status status;
	int code;
	const char *title, *details, *text;
};

static int
parse_all(const char *const *json, size_t n, struct td_event *ev)
{
	char err[256];
	size_t i;

	for (i = 0; i < n; i++) {
		if (event_parse_text(json[i], strlen(json[i]), &ev[i], err,
		    sizeof err) != 0) {
			fprintf(stderr, "bad test event: %s\n%s\n", err, json[i]);
			while (i-- > 0)
				event_free(&ev[i]);
			return -1;
		}
	}
	return 0;
}

/* The message as the inbox shows it, or a line saying why not. */
static void
describe(struct td_model *m, const struct want *w, char *out, size_t len)
{
	struct td_conversation *c = model_find(m, w->conv);
	struct td_msg *g = conversation_find_message(c, w->id);

	if (g == NULL) {
		snprintf(out, len, "no message %s", w->id);
		return;
	}
	snprintf(out, len, "st=%d err=%d/%s/%s text=%s wamid=%s unread=%u "
	    "n=%zu", (int)g->m.status, g->m.error.code,
	    g->m.error.title ? g->m.error.title : "-",
	    g->m.error.details ? g->m.error.details : "-",
	    g->m.text ? g->m.text : "-", g->m.wamid ? g->m.wamid : "-",
	    c->unread, c->n_messages);
}

static bool
matches(struct td_model *m, const struct want *w)
{
	struct td_msg *g = conversation_find_message(model_find(m, w->conv),
	    w->id);

	if (g == NULL || g->m.status != w->status || g->m.error.code != w->code)
		return false;
	if ((g->m.error.title == NULL) != (w->title == NULL) ||
	    (w->title != NULL && strcmp(g->m.error.title, w->title) != 0))
		return false;
	if ((g->m.error.details == NULL) != (w->details == NULL) ||
	    (w->details != NULL && strcmp(g->m.error.details, w->details) != 0))
		return false;
	return w->text == NULL || (g->m.text != NULL &&
	    strcmp(g->m.text, w->text) == 0);
}

/* mode 0: model_apply once; 1: twice; 2: model_apply_take on copies. */
static struct td_model *
apply_order(struct td_event *ev, const size_t *order, size_t n, int mode)
{
	struct td_model *m = model_new("alice");
	struct td_event cp;
	size_t i;
	int t;

	for (t = 0; t < (mode == 1 ? 2 : 1); t++)
		for (i = 0; i < n; i++) {
			if (mode != 2) {
				CHECK(model_apply(m, &ev[order[i]]) >= 0);
				continue;
			}
			CHECK_INT(event_copy(&cp, &ev[order[i]]), 0);
			CHECK(model_apply_take(m, &cp) >= 0);
			event_free(&cp);
		}
	return m;
}

/* Next permutation in lexicographic order; false after the last. */
static bool
next_perm(size_t *a, size_t n)
{
	size_t i, j, t;

	if (n < 2)
		return false;
	for (i = n - 1; i > 0 && a[i - 1] >= a[i]; i--)
		;
	if (i == 0)
		return false;
	for (j = n - 1; a[j] <= a[i - 1]; j--)
		;
	t = a[i - 1], a[i - 1] = a[j], a[j] = t;
	for (j = n - 1; i < j; i++, j--)
		t = a[i], a[i] = a[j], a[j] = t;
	return true;
}

/* Every order of json[0..n) leaves the message as w says.  Returns the
 * number of orders tried (n!), so a caller can check none was skipped. */
static size_t
every_order(const char *const *json, size_t n, const struct want *w)
{
	struct td_event ev[MAX_EV];
	char first[512], other[512];
	size_t order[MAX_EV], i, tried = 0;
	struct td_model *m;
	int mode, bad = 0;

	if (parse_all(json, n, ev) != 0) {
		CHECK(0);
		return 0;
	}
	for (i = 0; i < n; i++)
		order[i] = i;
	first[0] = '\0';
	do {
		for (mode = 0; mode < 3; mode++) {
			m = apply_order(ev, order, n, mode);
			describe(m, w, other, sizeof other);
			if (first[0] == '\0')
				memcpy(first, other, sizeof first);
			if ((strcmp(first, other) != 0 || !matches(m, w)) &&
			    bad++ < 3) {
				fprintf(stderr, "%s: order", w->id);
				for (i = 0; i < n; i++)
					fprintf(stderr, " %zu", order[i]);
				fprintf(stderr, " mode %d: %s (first order: "
				    "%s)\n", mode, other, first);
				CHECK(0);
			}
			model_free(m);
		}
		tried++;
	} while (next_perm(order, n));
	for (i = 0; i < n; i++)
		event_free(&ev[i]);
	return tried;
}

#define OUT_MSG(seq, id, status) "{\"seq\": " #seq ", \"ts\": 100, " \
	"\"type\": \"message\", \"conversation\": \"c1\", \"message\": " \
	"{\"id\": \"" id "\", \"direction\": \"out\", \"kind\": \"text\", " \
	"\"text\": \"t" #seq "\", \"status\": \"" status "\""
#define STATUS(seq, id) "{\"seq\": " #seq ", \"type\": \"status\", " \
	"\"conversation\": \"c1\", \"status\": {\"message\": \"" id "\", "

/* The input fuzz_event found, in all 6 orders, and with two more
 * failures around it. */
static void
test_fuzz_input(void)
{
	static const char *const ev[] = {
		STATUS(10, "out-1") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 17, \"title\": \"e\"}}}",
		"{\"seq\": 20, \"type\": \"message\", \"conversation\": "
		    "\"c1\", \"message\": {\"id\": \"out-1\", \"direction\": "
		    "\"out\"}}",
		STATUS(12, "out-1") "\"status\": \"failed\"}}",
		STATUS(11, "out-1") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 3, \"title\": \"later\"}}}",
		STATUS(9, "out-1") "\"status\": \"delivered\"}}",
	};
	struct want w = { "c1", "out-1", TD_MS_FAILED, 17, "e", NULL, NULL };

	CHECK_INT(every_order(ev, 3, &w), 6);
	CHECK_INT(every_order(ev, 5, &w), 120);
}

/* "A second failure keeps the first error" (test_model.c) is the same
 * rule seen in seq order: the first failure applied is the lowest seq. */
static void
test_first_in_seq_order(void)
{
	static const char *const ev[] = {
		OUT_MSG(1, "o2", "pending") "}}",
		STATUS(7, "o2") "\"status\": \"sent\"}}",
		STATUS(8, "o2") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 131047, \"title\": \"Re-engagement\", "
		    "\"details\": \"24h\"}}}",
		STATUS(35, "o2") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 1, \"title\": \"Other\"}}}",
	};
	struct want w = { "c1", "o2", TD_MS_FAILED, 131047, "Re-engagement",
	    "24h", "t1" };

	CHECK_INT(every_order(ev, 4, &w), 24);
}

/* Statuses before their message wait (the pending path), also under the
 * wamid that another status teaches. */
static void
test_pending_and_wamid(void)
{
	static const char *const ev[] = {
		OUT_MSG(5, "loc-1", "pending") "}}",
		STATUS(7, "loc-1") "\"status\": \"sent\", \"wamid\": "
		    "\"wamid.A\"}}",
		STATUS(9, "wamid.A") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 2, \"title\": \"by wamid\"}}}",
		STATUS(8, "loc-1") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 3, \"title\": \"by id\", \"details\": \"d\"}}}",
		STATUS(11, "wamid.A") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 1, \"title\": \"late\"}}}",
	};
	struct want w = { "c1", "loc-1", TD_MS_FAILED, 3, "by id", "d", "t5" };
	struct want w2 = { "c1", "loc-1", TD_MS_FAILED, 2, "by wamid", NULL,
	    "t5" };
	/* Without seq 8 the wamid's failure (seq 9) ranks first. */
	const char *const ev2[] = { ev[0], ev[1], ev[2], ev[4] };

	CHECK_INT(every_order(ev, 5, &w), 120);
	CHECK_INT(every_order(ev2, 4, &w2), 24);
}

/* A copy of the message that says "failed" counts as a failure with the
 * copy's seq, older copies too; the newest copy's text still wins. */
static void
test_message_copies(void)
{
	static const char *const ev[] = {
		OUT_MSG(4, "o5", "failed") ", \"error\": {\"code\": 9, "
		    "\"title\": \"own\"}}}",
		STATUS(6, "o5") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 5, \"title\": \"status\"}}}",
		OUT_MSG(12, "o5", "failed") ", \"error\": {\"code\": 7, "
		    "\"title\": \"re-emitted\"}}}",
		OUT_MSG(3, "o5", "sent") ", \"error\": {\"code\": 8, "
		    "\"title\": \"stray\"}}}",
	};
	struct want w = { "c1", "o5", TD_MS_FAILED, 9, "own", NULL, "t12" };
	struct want w2 = { "c1", "o5", TD_MS_FAILED, 5, "status", NULL, "t12" };
	const char *const ev2[] = { ev[1], ev[2], ev[3] };

	CHECK_INT(every_order(ev, 4, &w), 24);
	/* Without seq 4, the status (6) beats the re-emitted copy (12); the
	 * error on a copy that is only "sent" (3) is not a failure. */
	CHECK_INT(every_order(ev2, 3, &w2), 6);
}

/* A message that is not FAILED has no error, whatever its copy said. */
static void
test_stray_error_dropped(void)
{
	static const char *const ev[] = {
		OUT_MSG(3, "o6", "sent") ", \"error\": {\"code\": 8, "
		    "\"title\": \"stray\"}}}",
		OUT_MSG(5, "o6", "sent") "}}",
		STATUS(4, "o6") "\"status\": \"sent\"}}",
	};
	struct want w = { "c1", "o6", TD_MS_SENT, 0, NULL, NULL, "t5" };

	CHECK_INT(every_order(ev, 3, &w), 6);
}

/* seq 0 (applied locally before the relay numbered it) ranks after every
 * numbered failure; among equal seqs the content decides. */
static void
test_seqless(void)
{
	static const char *const ev[] = {
		OUT_MSG(3, "o7", "pending") "}}",
		STATUS(0, "o7") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 99, \"title\": \"relay unreachable\"}}}",
		STATUS(15, "o7") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 131026, \"title\": \"Undeliverable\"}}}",
		STATUS(0, "o7") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 4, \"title\": \"local\"}}}",
		STATUS(0, "o7") "\"status\": \"failed\", \"error\": "
		    "{\"title\": \"no code\"}}}",
	};
	const char *const local[] = { ev[0], ev[1], ev[3], ev[4] };
	const char *const nocode[] = {
		ev[0], ev[4],
		STATUS(0, "o7") "\"status\": \"failed\"}}",
		STATUS(0, "o7") "\"status\": \"failed\", \"error\": "
		    "{\"title\": \"no code\", \"details\": \"b\"}}}",
		STATUS(0, "o7") "\"status\": \"failed\", \"error\": "
		    "{\"title\": \"no code\", \"details\": \"a\"}}}",
	};
	/* A seq-less message that says it failed is local too. */
	const char *const localmsg[] = {
		OUT_MSG(0, "o7", "failed") ", \"error\": {\"code\": 1, "
		    "\"title\": \"outbox\"}}}",
		ev[2],
	};
	struct want w = { "c1", "o7", TD_MS_FAILED, 131026, "Undeliverable",
	    NULL, "t3" };
	struct want wl = { "c1", "o7", TD_MS_FAILED, 4, "local", NULL, "t3" };
	struct want wn = { "c1", "o7", TD_MS_FAILED, 0, "no code", "a", "t3" };
	struct want wm = { "c1", "o7", TD_MS_FAILED, 131026, "Undeliverable",
	    NULL, "t0" };

	CHECK_INT(every_order(ev, 5, &w), 120);
	CHECK_INT(every_order(local, 4, &wl), 24);
	CHECK_INT(every_order(nocode, 5, &wn), 120);
	CHECK_INT(every_order(localmsg, 2, &wm), 2);
}

/* A relay that reused a seq: the content decides, the same either way. */
static void
test_equal_seq(void)
{
	static const char *const ev[] = {
		OUT_MSG(2, "o8", "pending") "}}",
		STATUS(10, "o8") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 3, \"title\": \"b\"}}}",
		STATUS(10, "o8") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 3, \"title\": \"a\"}}}",
		STATUS(10, "o8") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 3}}}",
	};
	struct want w = { "c1", "o8", TD_MS_FAILED, 3, "a", NULL, "t2" };

	CHECK_INT(every_order(ev, 4, &w), 24);
}

/* READ beats every failure and clears its error, in any order. */
static void
test_read_wins(void)
{
	static const char *const ev[] = {
		STATUS(10, "o9") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 17, \"title\": \"e\"}}}",
		OUT_MSG(2, "o9", "pending") "}}",
		STATUS(30, "o9") "\"status\": \"read\"}}",
		STATUS(0, "o9") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 4}}}",
		OUT_MSG(12, "o9", "failed") ", \"error\": {\"code\": 7}}}",
	};
	struct want w = { "c1", "o9", TD_MS_READ, 0, NULL, NULL, "t12" };

	CHECK_INT(every_order(ev, 5, &w), 120);
}

/* The flags still say when the thread changed: a better-ranked failure
 * changes it, a worse one does not. */
static void
test_flags(void)
{
	static const char *const ev[] = {
		OUT_MSG(2, "oa", "pending") "}}",
		STATUS(12, "oa") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 12}}}",
		STATUS(10, "oa") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 10}}}",
		STATUS(11, "oa") "\"status\": \"failed\", \"error\": "
		    "{\"code\": 11}}}",
		OUT_MSG(1, "oa", "failed") ", \"error\": {\"code\": 1}}}",
	};
	struct td_event e[5];
	struct td_model *m = model_new("alice");
	struct td_msg *g;
	int all = (int)(TD_CHANGED_THREAD | TD_CHANGED_LIST);

	if (parse_all(ev, 5, e) != 0) {
		CHECK(0);
		model_free(m);
		return;
	}
	CHECK(model_apply(m, &e[0]) > 0);
	CHECK_INT(model_apply(m, &e[1]), all);
	CHECK_INT(model_apply(m, &e[2]), all);
	CHECK_INT(model_apply(m, &e[3]), 0);
	CHECK_INT(model_apply(m, &e[1]), 0);
	g = conversation_find_message(model_find(m, "c1"), "oa");
	CHECK_INT(g->m.error.code, 10);
	/* An older copy of the message that failed first. */
	CHECK_INT(model_apply(m, &e[4]), all);
	CHECK_INT(g->m.error.code, 1);
	CHECK_STR(g->m.text, "t2");
	CHECK_INT(g->seq, 2);
	model_free(m);
	for (size_t i = 0; i < 5; i++)
		event_free(&e[i]);
}

int
main(void)
{
	RUN(test_fuzz_input);
	RUN(test_first_in_seq_order);
	RUN(test_pending_and_wamid);
	RUN(test_message_copies);
	RUN(test_stray_error_dropped);
	RUN(test_seqless);
	RUN(test_equal_seq);
	RUN(test_read_wins);
	RUN(test_flags);
	return check_done();
}
