/*
 * Counters and histograms behind /metrics.  Graph error codes are a
 * label: a small table filled on first sight, so a flood of odd codes
 * cannot grow it (past METRICS_CODES_MAX they count as code="other").
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"

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

void
metrics_send_failed_later(int code)
{
	metrics_code(code);
}

/* ---- rendering ---- */

static void
metrics_head(struct buf *b, const char *name, const char *type,
    const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
metrics_histogram(struct buf *b, const char *name, const char *help,
    struct histogram *h)
{
	uint64_t cum = 0, count;
	int i;

	metrics_head(b, name, "histogram", help);
	/* Observations go on while this reads: +Inf and _count are never
	 * written below the buckets read before them. */
	for (i = 0; i < METRICS_BUCKETS; i++) {
		cum += atomic_load(&h->bucket[i]);
		buf_printf(b, "%s_bucket{le=\"%g\"} %llu\n", name,
		    metrics_bounds[i], (unsigned long long)cum);
	}
	count = atomic_load(&h->count);
	if (count < cum)
		count = cum;
	buf_printf(b, "%s_bucket{le=\"+Inf\"} %llu\n", name,
	    (unsigned long long)count);
	buf_printf(b, "%s_sum %.6f\n", name,
	    (double)atomic_load(&h->sum_us) / 1e6);
	buf_printf(b, "%s_count %llu\n", name, (unsigned long long)count);
}

/* A counter family with one series per result name. */
static void
metrics_by_result(struct buf *b, const char *name, const char *help,
    const char *const *names, _Atomic uint64_t *counts, int n)
{
	int i;

	metrics_head(b, name, "counter", help);
	for (i = 0; i < n; i++)
		buf_printf(b, "%s{result=\"%s\"} %llu\n", name, names[i],
		    (unsigned long long)atomic_load(&counts[i]));
}

int
metrics_render(long waiting, char **out, size_t *len)
{
	struct buf b = { 0 };
	int i;

	metrics_by_result(&b, "ttydesk_webhooks_total",
	    "Webhook POSTs answered, by result.", metrics_wh_names,
	    metrics_wh, METRICS_WH_N);
	metrics_head(&b, "ttydesk_events_appended_total", "counter",
	    "Events committed to the event log by this relay.");
	buf_printf(&b, "ttydesk_events_appended_total %llu\n",
	    (unsigned long long)atomic_load(&metrics_appended));
	metrics_by_result(&b, "ttydesk_sends_total",
	    "Graph API send attempts, by result.", metrics_send_names,
	    metrics_sends, METRICS_SEND_N);
	metrics_head(&b, "ttydesk_graph_errors_total", "counter",
	    "Failed send attempts and sends WhatsApp reported failed later, "
	    "by Graph API error code (0: no code, e.g. a network error).");
	for (i = 0; i < METRICS_CODES_MAX; i++) {
		long long key = atomic_load(&metrics_codes[i].key);

		if (key == 0)
			continue;
		buf_printf(&b, "ttydesk_graph_errors_total{code=\"%lld\"} "
		    "%llu\n", key - (1LL << 32),
		    (unsigned long long)atomic_load(&metrics_codes[i].n));
	}
	if (atomic_load(&metrics_codes_other) > 0)
		buf_printf(&b, "ttydesk_graph_errors_total{code=\"other\"} "
		    "%llu\n",
		    (unsigned long long)atomic_load(&metrics_codes_other));
	metrics_head(&b, "ttydesk_longpolls_waiting", "gauge",
	    "Agent long-polls (/v1/sync) waiting for events now.");
	buf_printf(&b, "ttydesk_longpolls_waiting %ld\n", waiting);
	metrics_histogram(&b, "ttydesk_webhook_seconds", "Time from a webhook "
	    "request to its answer.", &metrics_wh_seconds);
	metrics_histogram(&b, "ttydesk_send_seconds", "Duration of one Graph "
	    "API send request.", &metrics_send_seconds);
	return (*out = buf_take(&b, len)) != NULL ? 0 : -1;
}
