/*
 * Relay events (one JSON object per line, as /v1/sync and the cache hand
 * them to the TUI) through event_parse_text, event_to_json, event_copy and
 * the inbox model.  Events come from the relay, whose fields carry customer
 * text, so the model must survive any of them in any order.
 *
 * Invariants: parse -> emit -> parse -> emit gives the same JSON twice
 * (the emitter writes what the parser reads), a copy emits the same JSON,
 * and the model's queues only list conversations it holds.
 */
#include <jansson.h>

#include "fuzz.h"
#include "ttydesk/event.h"
#include "ttydesk/model.h"

#define FUZZ_MAX_LINES 64

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
	struct td_model *m;
	struct td_event ev;
	char err[256];
	int lines = 0;

	if ((m = model_new(size > 0 && data[0] & 1 ? "agent-7" : "me")) == NULL)
		return 0;
	while (p < end && lines++ < FUZZ_MAX_LINES) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		err[0] = '\0';
		if (event_parse_text(p, (size_t)(nl - p), &ev, err,
		    sizeof err) == 0) {
			fuzz_roundtrip(&ev);
			model_apply(m, &ev);
			event_free(&ev);
		} else
			FUZZ_ASSERT(err[0] != '\0');
		p = nl + 1;
	}
	fuzz_queues(m);
	fuzz_sink += (size_t)model_last_seq(m);
	model_free(m);
	return 0;
}
