/*
 * /healthz, /readyz and /metrics (spec/relay-api.md, "Operating the
 * relay"): no token, nothing private in them.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "metrics.h"
#include "sender.h"

void
health_live(struct req *q)
{
	req_reply_text(q, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

static void
health_not_ready(struct req *q, const char *why)
{
	char text[256];
	int n = snprintf(text, sizeof text, "not ready: %s\n", why);

	req_reply_text(q, 503, "text/plain; charset=utf-8", text, (size_t)n);
}

/* In the writer thread: a real write, committed with the batch. */
static void
health_probe_run(struct relay *r, struct relay_job *j)
{
	char now[32];

	snprintf(now, sizeof now, "%lld", (long long)relay_now(r));
	if (relay_store_meta_put(r->writer, "ready_probe", now) != 0)
		j->failed = 1;
}

static void
health_probe_done(struct relay *r, struct relay_job *j)
{
	struct req *q = (struct req *)j;

	if (j->failed)
		health_not_ready(q, "the database does not take a write");
	else if (!sender_alive(r))
		health_not_ready(q, "the Graph sender is not running");
	else
		req_reply_text(q, 200, "text/plain; charset=utf-8", "ready\n", 6);
	req_resume(q);
}

void
health_ready(struct req *q)
{
	struct relay *r = q->r;

	if (atomic_load(&r->stopping_http)) {
		health_not_ready(q, "stopping");
		return;
	}
	if (!r->writer_running) {
		health_not_ready(q, "the writer is not running");
		return;
	}
	if (!sender_alive(r)) {
		health_not_ready(q, "the Graph sender is not running");
		return;
	}
	q->job.run = health_probe_run;
	q->job.done = health_probe_done;
	req_suspend(q); /* before submit: the writer may resume at once */
	relay_submit(r, &q->job);
}

static long
health_waiting(struct relay *r)
{
	struct req *w;
	long n = 0;

	pthread_mutex_lock(&r->wait_lock);
	for (w = r->waiters; w != NULL; w = w->wnext)
		n++;
	pthread_mutex_unlock(&r->wait_lock);
	return n;
}

void
health_metrics(struct req *q)
{
	char *text;
	size_t len;

	if (metrics_render(health_waiting(q->r), &text, &len) != 0) {
		req_error(q, 500, "internal", "out of memory");
		return;
	}
	req_reply_bytes(q, 200, strdup("text/plain; version=0.0.4; "
	    "charset=utf-8"), text, len);
}
