/*
 * Model throughput: 100,000 messages in 5,000 conversations (plus a status
 * per outbound message and a conversation event per conversation), applied
 * in order, applied again (all duplicates), and applied shuffled.  Also
 * the JSON parse rate of the same events.  Prints figures only.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "bench_clock.h"
#include "ttydesk/model.h"

#define N_CONV 5000
#define N_MSG 100000

static char *fmt(const char *, ...) __attribute__((format(printf, 1, 2)));

static char *
fmt(const char *f, ...)
{
	char buf[128];
	va_list ap;

	va_start(ap, f);
	vsnprintf(buf, sizeof buf, f, ap);
	va_end(ap);
	return strdup(buf);
}

/* Events in log order: one conversation event per conversation first,
 * then the messages round-robin over conversations, every third one
 * outbound and followed by its "delivered" status. */
static struct td_event *
make_events(size_t *count)
{
	size_t cap = N_CONV + N_MSG * 2, n = 0;
	struct td_event *v = calloc(cap, sizeof *v);
	long i, seq = 1, ts = 1750000000;

	for (i = 0; i < N_CONV; i++) {
		struct td_event *e = &v[n++];

		e->seq = seq++;
		e->ts = ts;
		e->type = TD_EV_CONVERSATION;
		e->type_name = strdup("conversation");
		e->conversation = fmt("conv-%ld", i);
		e->u.state.team = i % 3 == 0 ? strdup("tier1") : NULL;
	}
	for (i = 0; i < N_MSG; i++) {
		struct td_event *e = &v[n++];
		long c = i % N_CONV;
		int out = i % 3 == 2;

		e->seq = seq++;
		e->ts = ts + i;
		e->type = TD_EV_MESSAGE;
		e->type_name = strdup("message");
		e->conversation = fmt("conv-%ld", c);
		e->u.message.id = fmt("wamid.HBgLMTY1MDU1NTEyMzQVAgASGBQz%08ld", i);
		e->u.message.direction = out ? TD_DIR_OUT : TD_DIR_IN;
		e->u.message.kind = TD_KIND_TEXT;
		e->u.message.from = fmt("1650555%05ld", c);
		e->u.message.text = fmt("Hello, this is message %ld about order "
		    "A-%ld; when does it ship?", i, c);
		e->u.message.status = out ? TD_MS_PENDING : TD_MS_RECEIVED;
		if (out) {
			struct td_event *s = &v[n++];

			s->seq = seq++;
			s->ts = ts + i;
			s->type = TD_EV_STATUS;
			s->type_name = strdup("status");
			s->conversation = strdup(e->conversation);
			s->u.status.message = strdup(e->u.message.id);
			s->u.status.status = TD_MS_DELIVERED;
		}
	}
	*count = n;
	return v;
}

static double last_cpu;

static double
run(struct td_model *m, struct td_event **order, size_t n)
{
	double t0 = bench_now(), c0 = bench_cpu();
	size_t i;

	for (i = 0; i < n; i++) {
		if (model_apply(m, order[i]) < 0) {
			fprintf(stderr, "model_apply failed\n");
			exit(1);
		}
	}
	last_cpu = bench_cpu() - c0;
	return bench_now() - t0;
}

static void
report(const char *what, size_t n, double secs)
{
	printf("%-30s %7zu events %7.1f ms wall %9.0f/s, %7.1f ms cpu "
	    "%9.0f/s\n", what, n, secs * 1e3, (double)n / secs,
	    last_cpu * 1e3, (double)n / last_cpu);
}

int
main(void)
{
	size_t n, i, j, msgs = 0;
	struct td_event *ev = make_events(&n);
	struct td_event **order = malloc(n * sizeof *order);
	struct td_model *m;
	double secs, t0;
	json_t *js;
	char **texts = malloc(n * sizeof *texts);
	struct td_event tmp;

	for (i = 0; i < n; i++)
		order[i] = &ev[i];

	m = model_new("alice");
	secs = run(m, order, n);
	report("apply in order", n, secs);
	for (i = 0; i < model_count(m); i++)
		msgs += model_get(m, i)->n_messages;
	printf("  %zu conversations, %zu messages\n", model_count(m), msgs);
	secs = run(m, order, n);
	report("apply again (all duplicates)", n, secs);
	model_free(m);

	srand(42);
	for (i = n - 1; i > 0; i--) {
		struct td_event *t;

		j = (size_t)rand() % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	m = model_new("alice");
	secs = run(m, order, n);
	report("apply shuffled (any order)", n, secs);
	model_free(m);

	m = model_new("alice");
	run(m, order, n);
	{
		struct td_queue q = { TD_Q_ALL, NULL, NULL };
		struct td_conversation **v;
		size_t k, found = 0;

		t0 = bench_now();
		for (k = 0; k < 100; k++) {
			if (model_queue(m, &q, &v) != (size_t)-1)
				free(v);
		}
		printf("%-34s %8.3f ms per call (%zu conversations)\n",
		    "model_queue(all)", (bench_now() - t0) * 1e3 / 100, model_count(m));
		t0 = bench_now();
		for (k = 0; k < model_count(m); k++)
			found += conversation_matches(model_get(m, k), "A-4999;");
		printf("%-34s %8.3f ms over all (%zu matches)\n",
		    "search \"A-4999;\"", (bench_now() - t0) * 1e3, found);
	}
	model_free(m);

	for (i = 0; i < n; i++) {
		js = event_to_json(&ev[i]);
		texts[i] = json_dumps(js, JSON_COMPACT);
		json_decref(js);
	}
	t0 = bench_now();
	last_cpu = bench_cpu();
	for (i = 0; i < n; i++) {
		char err[128];

		if (event_parse_text(texts[i], strlen(texts[i]), &tmp, err,
		    sizeof err) == 0)
			event_free(&tmp);
	}
	last_cpu = bench_cpu() - last_cpu;
	report("event_parse_text (jansson)", n, bench_now() - t0);

	for (i = 0; i < n; i++) {
		free(texts[i]);
		event_free(&ev[i]);
	}
	free(texts);
	free(ev);
	free(order);
	return 0;
}
