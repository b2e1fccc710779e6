/* Thread order of the model: messages sorted by (ts, seq) whatever order
 * they arrive in, also when the newest message is re-emitted under a
 * newer seq (the model keeps a copy of the newest key for inserts). */
#include "check.h"
#include "ttydesk/model.h"

static uint64_t rng = 88172645463325252ull;

static unsigned
rnd(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static int
apply_msg(struct td_model *m, const char *id, int64_t ts, int64_t seq,
    int take)
{
	struct td_event e;
	int rc;

	memset(&e, 0, sizeof e);
	e.seq = seq;
	e.ts = ts;
	e.type = TD_EV_MESSAGE;
	e.type_name = strdup("message");
	e.conversation = strdup("c");
	e.u.message.id = strdup(id);
	e.u.message.direction = TD_DIR_IN;
	e.u.message.text = strdup(id);
	rc = take ? model_apply_take(m, &e) : model_apply(m, &e);
	event_free(&e);
	return rc;
}

static const char *
order_of(struct td_model *m, char *buf, size_t len)
{
	struct td_conversation *c = model_find(m, "c");
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; c != NULL && i < c->n_messages && used + 16 < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i ? "," : "", c->messages[i]->m.id);
	return buf;
}

static void
test_newest_updated(void)
{
	struct td_model *m;
	char buf[256];
	int take;

	for (take = 0; take < 2; take++) {
		m = model_new("me");
		CHECK(apply_msg(m, "A", 100, 1, take) >= 0);
		/* A again, newer seq: it stays where it is with seq 5. */
		CHECK(apply_msg(m, "A", 100, 5, take) >= 0);
		/* Same ts, seq between: it goes before A (seq 5), not after. */
		CHECK(apply_msg(m, "B", 100, 3, take) >= 0);
		CHECK_STR(order_of(m, buf, sizeof buf), "B,A");
		CHECK(apply_msg(m, "C", 100, 9, take) >= 0);
		CHECK(apply_msg(m, "D", 99, 10, take) >= 0);
		CHECK_STR(order_of(m, buf, sizeof buf), "D,B,A,C");
		model_free(m);
	}
}

static void
test_any_arrival(void)
{
	int64_t ts[300], seq[300];
	struct td_conversation *c;
	struct td_model *m;
	unsigned perm[300], i, j, x, n = 300, round;
	char id[16];

	for (round = 0; round < 20; round++) {
		m = model_new("me");
		for (i = 0; i < n; i++) {
			perm[i] = i;
			ts[i] = 1000 + rnd(40); /* many equal ts */
			seq[i] = (int64_t)i + 1;
		}
		for (i = n - 1; i > 0; i--) {
			j = rnd(i + 1);
			x = perm[i];
			perm[i] = perm[j];
			perm[j] = x;
		}
		/* Mostly in order, as a log is, with late ones mixed in. */
		for (i = 0; i < n; i++) {
			x = round % 2 ? perm[i] : i;
			if (round % 2 == 0 && rnd(10) == 0)
				x = perm[i];
			snprintf(id, sizeof id, "m%u", x);
			CHECK(apply_msg(m, id, ts[x], seq[x], (int)(i % 2)) >= 0);
		}
		c = model_find(m, "c");
		CHECK(c != NULL);
		for (i = 1; c != NULL && i < c->n_messages; i++) {
			const struct td_msg *a = c->messages[i - 1];
			const struct td_msg *b = c->messages[i];
			CHECK(a->ts < b->ts || (a->ts == b->ts && a->seq < b->seq));
		}
		model_free(m);
	}
}

int
main(void)
{
	RUN(test_newest_updated);
	RUN(test_any_arrival);
	return check_done();
}
