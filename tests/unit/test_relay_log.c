/* The relay's log line escaping and the metrics text (log.c, metrics.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "log.h"
#include "metrics.h"

static void
test_escape(void)
{
	char out[256];

	log_escape(out, sizeof out, "GET /a\x1b]0;x\x07 b");
	CHECK_STR(out, "GET /a%1B]0;x%07 b");
	log_escape(out, sizeof out, "caf\xc3\xa9\x7f\n\r\t");
	CHECK_STR(out, "caf%C3%A9%7F%0A%0D%09");
	log_escape(out, sizeof out, "plain key=value \"q\" 100%");
	CHECK_STR(out, "plain key=value \"q\" 100%");
	/* Cut short whole: never half an escape. */
	log_escape(out, 8, "ab\x1b\x1b\x1b");
	CHECK_STR(out, "ab%1B");
	log_escape(out, 1, "abc");
	CHECK_STR(out, "");
}

static void
test_quote(void)
{
	char out[64];

	CHECK_STR(log_quote(out, sizeof out, "say \"hi\" 5% \\o/"),
	    "say %22hi%22 5%25 %5Co/");
	CHECK_STR(log_quote(out, sizeof out, NULL), "");
	CHECK_STR(log_quote(out, 6, "\"\"\""), "%22");
}

/* The value of the sample line that starts with name. */
static unsigned long long
sample(const char *text, const char *name)
{
	char line[256];
	const char *p;

	snprintf(line, sizeof line, "\n%s", name);
	p = strstr(text, line);
	CHECK(p != NULL);
	return p ? strtoull(p + strlen(line), NULL, 10) : 0;
}

static void
test_metrics(void)
{
	char *text;
	size_t len;
	int i;

	metrics_webhook(200, 0.003);
	metrics_webhook(200, 0.2);
	metrics_webhook(401, 0.001);
	metrics_webhook(503, 99);
	metrics_events_appended(7);
	metrics_send(METRICS_SEND_SENT, 0, 0.01);
	metrics_send(METRICS_SEND_FAILED, 190, 0.02);
	metrics_send(METRICS_SEND_RETRY, 0, 0.02);
	for (i = 0; i < 100; i++) /* more codes than the table holds */
		metrics_send(METRICS_SEND_RETRY, 1000 + i, 0.5);
	CHECK_INT(metrics_render(3, &text, &len), 0);
	CHECK_INT((int)strlen(text), (int)len);
	CHECK_INT((int)sample(text, "ttydesk_webhooks_total{result=\"accepted\"} "),
	    2);
	CHECK_INT((int)sample(text,
	    "ttydesk_webhooks_total{result=\"bad_signature\"} "), 1);
	CHECK_INT((int)sample(text, "ttydesk_webhooks_total{result=\"busy\"} "),
	    1);
	CHECK_INT((int)sample(text, "ttydesk_events_appended_total "), 7);
	CHECK_INT((int)sample(text, "ttydesk_graph_errors_total{code=\"190\"} "),
	    1);
	CHECK_INT((int)sample(text, "ttydesk_graph_errors_total{code=\"0\"} "),
	    1);
	/* 64 slots: 190, 0 and 62 of the others; 38 more are "other". */
	CHECK_INT((int)sample(text,
	    "ttydesk_graph_errors_total{code=\"other\"} "), 38);
	CHECK_INT((int)sample(text, "ttydesk_longpolls_waiting "), 3);
	CHECK_INT((int)sample(text,
	    "ttydesk_webhook_seconds_bucket{le=\"0.005\"} "), 2);
	CHECK_INT((int)sample(text,
	    "ttydesk_webhook_seconds_bucket{le=\"0.25\"} "), 3);
	CHECK_INT((int)sample(text,
	    "ttydesk_webhook_seconds_bucket{le=\"30\"} "), 3);
	CHECK_INT((int)sample(text,
	    "ttydesk_webhook_seconds_bucket{le=\"+Inf\"} "), 4);
	CHECK_INT((int)sample(text, "ttydesk_webhook_seconds_count "), 4);
	CHECK_INT((int)sample(text, "ttydesk_send_seconds_count "), 103);
	CHECK(strstr(text, "# TYPE ttydesk_send_seconds histogram\n") != NULL);
	free(text);
}

int
main(void)
{
	RUN(test_escape);
	RUN(test_quote);
	RUN(test_metrics);
	return check_done();
}
