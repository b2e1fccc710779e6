/*
 * The model's promise, checked on random event logs: applying a log in
 * any order, or twice, gives the same inbox as applying it once in order.
 * Logs mix inbound/outbound messages with colliding timestamps, statuses
 * (some before their message, some by wamid), reactions (some before
 * their target, some removing), conversation and partial contact events.
 */
#include <stdarg.h>

#include "check.h"
#include "ttydesk/model.h"

#define N_EVENTS 240
#define N_CONV 3

static uint64_t rng_state;

static unsigned
rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng_state >> 33) % n);
}

static char *dupf(const char *, ...) __attribute__((format(printf, 1, 2)));

static char *
dupf(const char *fmt, ...)
{
	char buf[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return strdup(buf);
}

static const char *const emojis[] = { "\xf0\x9f\x91\x8d", "\xe2\x9d\xa4", "" };

/* One random event with seq = i + 1; n_out counts outbound messages so
 * statuses and reactions can refer to existing and future ones. */
static int n_in, n_out;

/* Message ids are numbered per direction so statuses and reactions can
 * aim at a small range: most hit a message, before or after it comes. */
#define TARGETS 50

static void
make_event(struct td_event *e, int i)
{
	int conv = (int)rnd(N_CONV), kind = (int)rnd(10), target;

	e->seq = i + 1;
	e->ts = 1000 + (int)rnd(50); /* collisions on purpose */
	e->conversation = dupf("conv-%d", conv);
	if (kind < 4) {
		int out = (int)rnd(2);

		e->type = TD_EV_MESSAGE;
		e->u.message.id = out ? dupf("out-%d", n_out++) :
		    dupf("in-%d", n_in++);
		e->u.message.direction = out ? TD_DIR_OUT : TD_DIR_IN;
		e->u.message.kind = TD_KIND_TEXT;
		e->u.message.text = dupf("text %d", i);
		e->u.message.status = out ? TD_MS_PENDING : TD_MS_RECEIVED;
		e->u.message.from = strdup(out ? "biz" : "cust");
	} else if (kind < 6) {
		/* A status for some outbound message, maybe not yet sent. */
		target = (int)rnd(TARGETS);
		e->type = TD_EV_STATUS;
		if (rnd(4) == 0)
			e->u.status.message = dupf("wamid.%d", target);
		else
			e->u.status.message = dupf("out-%d", target);
		e->u.status.status = (enum td_msg_status)(TD_MS_SENT + rnd(4));
		if (rnd(2))
			e->u.status.wamid = dupf("wamid.%d", target);
		/* Failures differ, so the error kept must not depend on
		 * the order (model.h: the lowest seq's). */
		if (e->u.status.status == TD_MS_FAILED) {
			e->u.status.error.code = 131026 + (int)rnd(3);
			e->u.status.error.title = dupf("Undeliverable %d", i);
		}
	} else if (kind < 8) {
		target = (int)rnd(TARGETS);
		e->type = TD_EV_MESSAGE;
		e->u.message.id = dupf("react-%d", i);
		e->u.message.direction = TD_DIR_IN;
		e->u.message.kind = TD_KIND_REACTION;
		e->u.message.from = dupf("cust%d", (int)rnd(2));
		switch (rnd(3)) {
		case 0:
			e->u.message.reaction_to = dupf("in-%d", target);
			break;
		case 1:
			e->u.message.reaction_to = dupf("out-%d", target);
			break;
		default:
			e->u.message.reaction_to = dupf("wamid.%d", target);
		}
		e->u.message.reaction_emoji = strdup(emojis[rnd(3)]);
	} else if (kind < 9) {
		e->type = TD_EV_CONVERSATION;
		e->u.state.status = (enum td_conv_status)rnd(5);
		e->u.state.assignee = rnd(2) ? dupf("agent%d", (int)rnd(3)) : NULL;
		e->u.state.last_inbound_ts = e->ts;
	} else {
		e->type = TD_EV_CONTACT;
		if (rnd(2))
			e->u.contact.wa_id = dupf("1555%d", i);
		if (rnd(2))
			e->u.contact.name = dupf("Name %d", i);
		if (rnd(3) == 0)
			e->u.contact.note = dupf("note %d", i);
		if (rnd(3) == 0) {
			e->u.contact.attributes = calloc(2,
			    sizeof *e->u.contact.attributes);
			e->u.contact.attributes[0].key = strdup("k");
			e->u.contact.attributes[0].value = dupf("v%d", i);
			e->u.contact.n_attributes = 1;
		}
	}
	e->type_name = strdup(event_type_name(e->type));
}

struct dump {
	char *buf;
	size_t len, cap;
};

static void dump_add(struct dump *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
dump_add(struct dump *d, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (d->len + (size_t)n + 1 > d->cap) {
		d->cap = (d->len + (size_t)n + 1) * 2;
		d->buf = realloc(d->buf, d->cap);
	}
	memcpy(d->buf + d->len, tmp, (size_t)n + 1);
	d->len += (size_t)n;
}

#define S(x) ((x) != NULL ? (x) : "-")

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
dump_msg(struct dump *d, const struct td_msg *g)
{
	char *rx[8];
	size_t i, n = g->n_reactions < 8 ? g->n_reactions : 8;

	dump_add(d, "  %s ts=%lld seq=%lld %s st=%d err=%d/%s wamid=%s rx=",
	    g->m.id, (long long)g->ts, (long long)g->seq, S(g->m.text),
	    (int)g->m.status, g->m.error.code, S(g->m.error.title),
	    S(g->m.wamid));
	for (i = 0; i < n; i++) {
		rx[i] = malloc(64);
		snprintf(rx[i], 64, "%s:%s", g->reactions[i].from,
		    g->reactions[i].emoji);
	}
	qsort(rx, n, sizeof rx[0], cmp_str);
	for (i = 0; i < n; i++) {
		dump_add(d, "%s,", rx[i]);
		free(rx[i]);
	}
	dump_add(d, "\n");
}

/* Everything observable, conversations sorted by id. */
static char *
dump_model(struct td_model *m)
{
	struct dump d = { NULL, 0, 0 };
	struct td_conversation *c;
	char id[32];
	size_t i;
	int k;

	dump_add(&d, "count=%zu last=%lld\n", model_count(m),
	    (long long)model_last_seq(m));
	for (k = 0; k < N_CONV; k++) {
		snprintf(id, sizeof id, "conv-%d", k);
		if ((c = model_find(m, id)) == NULL)
			continue;
		dump_add(&d, "%s unread=%u act=%lld st=%d/%s seq=%lld "
		    "contact=%s|%s|%s|%s|%zu\n", c->id, c->unread,
		    (long long)c->last_activity, (int)c->state.status,
		    S(c->state.assignee), (long long)c->state_seq,
		    S(c->contact.wa_id), S(c->contact.name), S(c->contact.note),
		    c->contact.n_attributes ? c->contact.attributes[0].value : "-",
		    c->contact.n_attributes);
		for (i = 0; i < c->n_messages; i++)
			dump_msg(&d, c->messages[i]);
	}
	return d.buf;
}

static char *
apply_all(struct td_event *ev, const int *order, int n, int times)
{
	struct td_model *m = model_new("agent0");
	char *out;
	int i, t;

	for (t = 0; t < times; t++) {
		for (i = 0; i < n; i++)
			CHECK(model_apply(m, &ev[order[i]]) >= 0);
	}
	out = dump_model(m);
	model_free(m);
	return out;
}

/* The same through model_apply_take on copies (as the cache replay does):
 * moving strings instead of copying them changes nothing. */
static char *
apply_all_take(struct td_event *ev, const int *order, int n, int times)
{
	struct td_model *m = model_new("agent0");
	struct td_event cp;
	char *out;
	int i, t;

	for (t = 0; t < times; t++) {
		for (i = 0; i < n; i++) {
			CHECK_INT(event_copy(&cp, &ev[order[i]]), 0);
			CHECK(model_apply_take(m, &cp) >= 0);
			CHECK_INT(cp.seq, ev[order[i]].seq);
			CHECK_STR(cp.conversation, ev[order[i]].conversation);
			event_free(&cp);
		}
	}
	out = dump_model(m);
	model_free(m);
	return out;
}

static void
test_any_order(void)
{
	struct td_event ev[N_EVENTS];
	int order[N_EVENTS], i, j, t, seed, failures = 0;
	char *base, *other;

	for (seed = 1; seed <= 40 && failures < 3; seed++) {
		rng_state = (uint64_t)seed;
		n_in = n_out = 0;
		memset(ev, 0, sizeof ev);
		for (i = 0; i < N_EVENTS; i++) {
			make_event(&ev[i], i);
			order[i] = i;
		}
		base = apply_all(ev, order, N_EVENTS, 1);
		other = apply_all(ev, order, N_EVENTS, 2);
		if (strcmp(base, other) != 0) {
			fprintf(stderr, "seed %d: applied twice differs\n", seed);
			failures++;
			CHECK(0);
		}
		free(other);
		other = apply_all_take(ev, order, N_EVENTS, 2);
		if (strcmp(base, other) != 0) {
			fprintf(stderr, "seed %d: model_apply_take differs\n", seed);
			failures++;
			CHECK(0);
		}
		free(other);
		for (t = 0; t < 4; t++) {
			for (i = N_EVENTS - 1; i > 0; i--) {
				j = (int)rnd((unsigned)i + 1);
				int x = order[i];
				order[i] = order[j];
				order[j] = x;
			}
			other = t % 2 ? apply_all_take(ev, order, N_EVENTS, 1) :
			    apply_all(ev, order, N_EVENTS, 1);
			if (strcmp(base, other) != 0) {
				fprintf(stderr, "seed %d shuffle %d differs:\n%s\n---\n%s\n",
				    seed, t, base, other);
				failures++;
				CHECK(0);
			}
			free(other);
		}
		/* The logs are not trivial: something of everything happened. */
		CHECK(strstr(base, "rx=cust") != NULL || seed > 1);
		free(base);
		for (i = 0; i < N_EVENTS; i++)
			event_free(&ev[i]);
	}
}

int
main(void)
{
	RUN(test_any_order);
	return check_done();
}
