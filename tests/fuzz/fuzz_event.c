/*
 * Relay events (one JSON object per line, as /v1/sync and the cache hand
 * them to the TUI) through event_parse_text, event_to_json, event_copy and
 * the inbox model.  Events come from the relay, whose fields carry customer
 * text, so the model must survive any of them in any order.
 *
 * Invariants: parse -> emit -> parse -> emit gives the same JSON twice
 * (the emitter writes what the parser reads), a copy emits the same JSON,
 * the model's queues only list conversations it holds, and (model.h: "any
 * order of the same events gives the same inbox") the events applied in
 * reverse order give the same inbox, when seqs and message ids are unique
 * and a message has one wamid, as the relay makes them.
 */
#include <stdbool.h>

#include <jansson.h>

#include "fuzz.h"
#include "ttydesk/event.h"
#include "ttydesk/model.h"

#define FUZZ_MAX_LINES 64

struct fz_sig {
	char *p;
	size_t len, cap;
};

static void
fz_sig_add(struct fz_sig *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		if ((b->p = realloc(b->p, b->cap)) == NULL)
			abort();
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

static char *
fuzz_emit(const struct td_event *ev)
{
	json_t *j = event_to_json(ev);
	char *s;

	if (j == NULL)
		return NULL;
	s = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	return s;
}

static char *fuzz_emit(const struct td_event *ev);

static void
fz_sig_event(struct fz_sig *b, const struct td_event *ev)
{
	char *j = fuzz_emit(ev);

	fz_sig_add(b, j != NULL ? j : "(oom)");
	fz_sig_add(b, "\n");
	free(j);
}

static int
fz_cmp_conv(const void *a, const void *b)
{
	const struct td_conversation *x = *(struct td_conversation *const *)a;
	const struct td_conversation *y = *(struct td_conversation *const *)b;

	return strcmp(x->id, y->id);
}

static int
fz_cmp_rx(const void *a, const void *b)
{
	const struct td_reaction *x = a, *y = b;
	int c = strcmp(x->from, y->from);

	return c != 0 ? c : strcmp(x->emoji, y->emoji);
}

/* Everything a screen shows of the inbox, conversations sorted by id. */
static char *
fuzz_model_sig(const struct td_model *m)
{
	struct td_conversation **cs;
	struct td_reaction *rx;
	struct fz_sig b = { 0 };
	struct td_event ev;
	char line[128];
	size_t i, k, n = model_count(m);

	if ((cs = calloc(n + 1, sizeof *cs)) == NULL)
		abort();
	for (i = 0; i < n; i++)
		cs[i] = model_get(m, i);
	qsort(cs, n, sizeof *cs, fz_cmp_conv);
	snprintf(line, sizeof line, "last %lld\n", (long long)model_last_seq(m));
	fz_sig_add(&b, line);
	for (i = 0; i < n; i++) {
		struct td_conversation *c = cs[i];

		memset(&ev, 0, sizeof ev);
		ev.conversation = c->id;
		ev.type = TD_EV_CONTACT;
		ev.u.contact = c->contact;
		fz_sig_event(&b, &ev);
		ev.type = TD_EV_CONVERSATION;
		ev.u.state = c->state;
		fz_sig_event(&b, &ev);
		snprintf(line, sizeof line, "unread %u activity %lld\n",
		    c->unread, (long long)c->last_activity);
		fz_sig_add(&b, line);
		for (k = 0; k < c->n_messages; k++) {
			const struct td_msg *g = c->messages[k];
			size_t r;

			ev.type = TD_EV_MESSAGE;
			ev.seq = g->seq;
			ev.ts = g->ts;
			ev.u.message = g->m;
			fz_sig_event(&b, &ev);
			if (g->n_reactions == 0)
				continue;
			if ((rx = malloc(g->n_reactions * sizeof *rx)) == NULL)
				abort();
			memcpy(rx, g->reactions, g->n_reactions * sizeof *rx);
			qsort(rx, g->n_reactions, sizeof *rx, fz_cmp_rx);
			for (r = 0; r < g->n_reactions; r++) {
				fz_sig_add(&b, " rx ");
				fz_sig_add(&b, rx[r].from);
				fz_sig_add(&b, "=");
				fz_sig_add(&b, rx[r].emoji);
			}
			fz_sig_add(&b, "\n");
			free(rx);
		}
		ev.seq = ev.ts = 0;
	}
	free(cs);
	return b.p;
}

/* The message id and wamid an event names (NULL when none). */
static void
fuzz_ids(const struct td_event *ev, const char **id, const char **wamid)
{
	*id = *wamid = NULL;
	if (ev->type == TD_EV_MESSAGE) {
		*id = ev->u.message.id;
		*wamid = ev->u.message.wamid;
	} else if (ev->type == TD_EV_STATUS) {
		*id = ev->u.status.message;
		*wamid = ev->u.status.wamid;
	}
}

/* Seqs and message ids unique, and one wamid per message id, as the relay
 * guarantees.  (Two wamids for one message make the model index the
 * first it learns, and a status waiting under the other stays waiting:
 * see model.h.) */
static bool
fuzz_relay_like(const struct td_event *evs, size_t n)
{
	const char *id_i, *w_i, *id_j, *w_j;
	size_t i, j;

	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			if (evs[i].seq == evs[j].seq)
				return false;
			if (evs[i].type == TD_EV_MESSAGE &&
			    evs[j].type == TD_EV_MESSAGE &&
			    strcmp(evs[i].u.message.id, evs[j].u.message.id) == 0)
				return false;
			fuzz_ids(&evs[i], &id_i, &w_i);
			fuzz_ids(&evs[j], &id_j, &w_j);
			if (id_i != NULL && id_j != NULL && w_i != NULL &&
			    w_j != NULL && strcmp(id_i, id_j) == 0 &&
			    strcmp(w_i, w_j) != 0)
				return false;
		}
	return true;
}

static void
fuzz_order(const struct td_event *evs, size_t n, const char *self)
{
	struct td_model *fwd, *rev;
	char *a, *b;
	size_t i;

	if (n < 2 || !fuzz_relay_like(evs, n))
		return;
	if ((fwd = model_new(self)) == NULL || (rev = model_new(self)) == NULL) {
		model_free(fwd);
		return;
	}
	for (i = 0; i < n; i++)
		model_apply(fwd, &evs[i]);
	for (i = n; i-- > 0;)
		model_apply(rev, &evs[i]);
	a = fuzz_model_sig(fwd);
	b = fuzz_model_sig(rev);
	if (strcmp(a, b) != 0) {
		fprintf(stderr, "the inbox depends on the order of events:\n"
		    "--- in order\n%s--- reversed\n%s", a, b);
		abort();
	}
	free(a);
	free(b);
	model_free(fwd);
	model_free(rev);
}

static void
fuzz_roundtrip(const struct td_event *ev)
{
	struct td_event again, copy;
	char err[256], *a, *b, *c;

	if ((a = fuzz_emit(ev)) == NULL)
		return; /* out of memory only */
	memset(&again, 0, sizeof again);
	if (event_parse_text(a, strlen(a), &again, err, sizeof err) != 0) {
		fprintf(stderr, "emitted event does not parse (%s): %s\n", err, a);
		abort();
	}
	b = fuzz_emit(&again);
	if (b != NULL && strcmp(a, b) != 0) {
		fprintf(stderr, "emit/parse not stable:\n%s\n%s\n", a, b);
		abort();
	}
	if (event_copy(&copy, ev) == 0) {
		c = fuzz_emit(&copy);
		if (c != NULL && strcmp(a, c) != 0) {
			fprintf(stderr, "copy differs:\n%s\n%s\n", a, c);
			abort();
		}
		free(c);
		event_free(&copy);
	}
	free(a);
	free(b);
	event_free(&again);
}

static void
fuzz_queues(struct td_model *m)
{
	static const char *const needles[] = { "", "a", "Sheena", "16505" };
	struct td_conversation **list, *c;
	struct td_queue q;
	int64_t left;
	size_t i, n, k;

	memset(&q, 0, sizeof q);
	q.team = "support";
	q.label = "vip";
	for (k = TD_Q_MINE; k <= TD_Q_LABEL; k++) {
		q.kind = (enum td_queue_kind)k;
		list = NULL;
		n = model_queue(m, &q, &list);
		if (n == (size_t)-1)
			continue; /* out of memory */
		FUZZ_ASSERT(n == model_queue_count(m, &q));
		for (i = 0; i < n; i++) {
			FUZZ_ASSERT(model_find(m, list[i]->id) == list[i]);
			FUZZ_ASSERT(conversation_in_queue(m, list[i], &q));
		}
		free(list);
	}
	for (i = 0; i < model_count(m); i++) {
		c = model_get(m, i);
		fuzz_str(conversation_display_name(c));
		fuzz_str(contact_display_name(&c->contact));
		for (k = 0; k < sizeof needles / sizeof needles[0]; k++)
			fuzz_sink += conversation_matches(c, needles[k]);
		fuzz_sink += conversation_window_open(c, 1750000000, &left);
		fuzz_sink += (size_t)conversation_last_inbound(c);
		for (k = 0; k < c->n_messages; k++)
			FUZZ_ASSERT(conversation_find_message(c,
			    c->messages[k]->m.id) != NULL);
		model_mark_read(m, c);
		FUZZ_ASSERT(c->unread == 0);
	}
	model_expire_presence(m, 1750000000);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	const char *self = size > 0 && data[0] & 1 ? "agent-7" : "me";
	struct td_event evs[FUZZ_MAX_LINES];
	struct td_model *m;
	char err[256];
	size_t n = 0, i;

	if ((m = model_new(self)) == NULL)
		return 0;
	while (p < end && n < FUZZ_MAX_LINES) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		err[0] = '\0';
		if (event_parse_text(p, (size_t)(nl - p), &evs[n], err,
		    sizeof err) == 0) {
			fuzz_roundtrip(&evs[n]);
			model_apply(m, &evs[n]);
			n++;
		} else
			FUZZ_ASSERT(err[0] != '\0');
		p = nl + 1;
	}
	fuzz_order(evs, n, self);
	for (i = 0; i < n; i++)
		event_free(&evs[i]);
	fuzz_queues(m);
	fuzz_sink += (size_t)model_last_seq(m);
	model_free(m);
	return 0;
}
