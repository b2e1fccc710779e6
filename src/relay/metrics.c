/*
 * Counters and histograms behind /metrics.  Graph error codes are a
 * label: a small table filled on first sight, so a flood of odd codes
 * cannot grow it (past METRICS_CODES_MAX they count as code="other").
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

#define METRICS_BUCKETS 12
#define METRICS_CODES_MAX 64

static const double metrics_bounds[METRICS_BUCKETS] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
};

struct histogram {
	_Atomic uint64_t bucket[METRICS_BUCKETS]; /* not cumulative here */
	_Atomic uint64_t count;
	_Atomic uint64_t sum_us;
};

struct code_count {
	_Atomic long long key;
	_Atomic uint64_t n;
};

static _Atomic uint64_t metrics_wh[METRICS_WH_N];
static _Atomic uint64_t metrics_sends[METRICS_SEND_N];
static _Atomic uint64_t metrics_appended;
static _Atomic uint64_t metrics_codes_other;
static struct code_count metrics_codes[METRICS_CODES_MAX];
static struct histogram metrics_wh_seconds, metrics_send_seconds;

static const char *const metrics_wh_names[METRICS_WH_N] = {
	"accepted", "bad_signature", "bad_request", "too_large", "busy",
	"error",
};
static const char *const metrics_send_names[METRICS_SEND_N] = {
	"sent", "retry", "failed",
};

static void
histogram_observe(struct histogram *h, double seconds)
{
	int i;

	if (seconds < 0)
		seconds = 0;
	for (i = 0; i < METRICS_BUCKETS; i++) {
		if (seconds <= metrics_bounds[i]) {
			atomic_fetch_add(&h->bucket[i], 1);
			break;
		}
	}
	atomic_fetch_add(&h->sum_us, (uint64_t)(seconds * 1e6));
	atomic_fetch_add(&h->count, 1);
}

void
metrics_webhook(unsigned status, double seconds)
{
	enum metrics_webhook w;

	switch (status) {
	case 200: w = METRICS_WH_ACCEPTED; break;
	case 401: w = METRICS_WH_BAD_SIGNATURE; break;
	case 400: w = METRICS_WH_BAD_REQUEST; break;
	case 413: w = METRICS_WH_TOO_LARGE; break;
	case 503: w = METRICS_WH_BUSY; break;
	default: w = METRICS_WH_ERROR; break;
	}
	atomic_fetch_add(&metrics_wh[w], 1);
	histogram_observe(&metrics_wh_seconds, seconds);
}

void
metrics_events_appended(uint64_t n)
{
	atomic_fetch_add(&metrics_appended, n);
}

/* Claims a free slot with compare-and-swap, so two threads seeing a new
 * code at once cannot both take one.  A slot's key is the code moved
 * above zero (0: free), so code 0 can be counted too. */
static void
metrics_code(int code)
{
	long long key = (long long)code + (1LL << 32);
	int i;

	for (i = 0; i < METRICS_CODES_MAX; i++) {
		struct code_count *c = &metrics_codes[i];
		long long seen = atomic_load(&c->key);

		if (seen == 0 && atomic_compare_exchange_strong(&c->key, &seen,
		    key))
			seen = key;
		if (seen == key) {
			atomic_fetch_add(&c->n, 1);
			return;
		}
	}
	atomic_fetch_add(&metrics_codes_other, 1);
}

void
metrics_send(enum metrics_send result, int code, double seconds)
{
	if (result >= METRICS_SEND_N)
		return;
	atomic_fetch_add(&metrics_sends[result], 1);
	histogram_observe(&metrics_send_seconds, seconds);
	if (result != METRICS_SEND_SENT)
		metrics_code(code);
}

/* ---- rendering ---- */

struct mbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void
mbuf_printf(struct mbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
mbuf_printf(struct mbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		if (b->oom)
			return;
		va_start(ap, fmt);
		n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		{
			size_t cap = b->cap * 2 + (size_t)n;
			char *np = realloc(b->p, cap);

			if (np == NULL) {
				b->oom = true;
				return;
			}
			b->p = np;
			b->cap = cap;
		}
	}
}

static void
metrics_head(struct mbuf *b, const char *name, const char *type,
    const char *help)
{
	mbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
metrics_histogram(struct mbuf *b, const char *name, const char *help,
    struct histogram *h)
{
	uint64_t cum = 0, count;
	int i;

	metrics_head(b, name, "histogram", help);
	/* Observations go on while this reads: +Inf and _count are never
	 * written below the buckets read before them. */
	for (i = 0; i < METRICS_BUCKETS; i++) {
		cum += atomic_load(&h->bucket[i]);
		mbuf_printf(b, "%s_bucket{le=\"%g\"} %llu\n", name,
		    metrics_bounds[i], (unsigned long long)cum);
	}
	count = atomic_load(&h->count);
	if (count < cum)
		count = cum;
	mbuf_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n", name,
	    (unsigned long long)count);
	mbuf_printf(b, "%s_sum %.6f\n", name,
	    (double)atomic_load(&h->sum_us) / 1e6);
	mbuf_printf(b, "%s_count %llu\n", name, (unsigned long long)count);
}

int
metrics_render(long waiting, char **out, size_t *len)
{
	struct mbuf b = { NULL, 0, 0, false };
	int i;

	if ((b.p = malloc(4096)) == NULL)
		return -1;
	b.cap = 4096;
	metrics_head(&b, "ttydesk_webhooks_total", "counter",
	    "Webhook POSTs answered, by result.");
	for (i = 0; i < METRICS_WH_N; i++)
		mbuf_printf(&b, "ttydesk_webhooks_total{result=\"%s\"} %llu\n",
		    metrics_wh_names[i],
		    (unsigned long long)atomic_load(&metrics_wh[i]));
	metrics_head(&b, "ttydesk_events_appended_total", "counter",
	    "Events committed to the event log by this relay.");
	mbuf_printf(&b, "ttydesk_events_appended_total %llu\n",
	    (unsigned long long)atomic_load(&metrics_appended));
	metrics_head(&b, "ttydesk_sends_total", "counter",
	    "Graph API send attempts, by result.");
	for (i = 0; i < METRICS_SEND_N; i++)
		mbuf_printf(&b, "ttydesk_sends_total{result=\"%s\"} %llu\n",
		    metrics_send_names[i],
		    (unsigned long long)atomic_load(&metrics_sends[i]));
	metrics_head(&b, "ttydesk_graph_errors_total", "counter",
	    "Failed send attempts, by Graph API error code (0: no code, "
	    "e.g. a network error).");
	for (i = 0; i < METRICS_CODES_MAX; i++) {
		long long key = atomic_load(&metrics_codes[i].key);

		if (key == 0)
			continue;
		mbuf_printf(&b, "ttydesk_graph_errors_total{code=\"%lld\"} "
		    "%llu\n", key - (1LL << 32),
		    (unsigned long long)atomic_load(&metrics_codes[i].n));
	}
	if (atomic_load(&metrics_codes_other) > 0)
		mbuf_printf(&b, "ttydesk_graph_errors_total{code=\"other\"} "
		    "%llu\n",
		    (unsigned long long)atomic_load(&metrics_codes_other));
	metrics_head(&b, "ttydesk_longpolls_waiting", "gauge",
	    "Agent long-polls (/v1/sync) waiting for events now.");
	mbuf_printf(&b, "ttydesk_longpolls_waiting %ld\n", waiting);
	metrics_histogram(&b, "ttydesk_webhook_seconds", "Time from a webhook "
	    "request to its answer.", &metrics_wh_seconds);
	metrics_histogram(&b, "ttydesk_send_seconds", "Duration of one Graph "
	    "API send request.", &metrics_send_seconds);
	if (b.oom) {
		free(b.p);
		return -1;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}
