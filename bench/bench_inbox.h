/*
 * The inbox bench_tui and bench_tui_cache measure: 100,000 messages in
 * 5,000 conversations, one of them holding 5,000; a contact and a state
 * event per conversation first, then the messages.  One definition, so
 * both benchmarks measure the same inbox.
 */
#ifndef TTYDESK_BENCH_INBOX_H
#define TTYDESK_BENCH_INBOX_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/event.h"

#define N_CONV 5000
#define N_MSG 100000
#define BIG_CONV_MSGS 5000
/* Events in all: contact + state per conversation, then the messages. */
#define N_EVENTS (2 * N_CONV + N_MSG)

static inline char *
sdup(const char *s)
{
	char *d = strdup(s);

	if (d == NULL)
		abort();
	return d;
}

static const char *const inbox_words[] = { "order", "shipping", "refund",
    "please", "thanks", "when", "arrives", "tracking", "number", "address",
    "ñandú", "日本", "🙂", "invoice", "payment", "the", "is", "my", "not",
    "yet" };

/* The text of message i. */
static inline void
inbox_body(char *buf, size_t len, long i)
{
	size_t used = 0, n = 4 + (size_t)(i % 37), k;

	buf[0] = '\0';
	for (k = 0; k < n && used + 16 < len; k++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    k ? " " : "", inbox_words[(size_t)(i * 7 + (long)k * 13) %
		    (sizeof inbox_words / sizeof inbox_words[0])]);
}

/* Event i (0 .. N_EVENTS-1) of the inbox, seq i + 1, into e (the caller
 * frees it with event_free). */
static inline void
inbox_event(long i, long long t0, struct td_event *e)
{
	char buf[512], id[64];
	long c, m;
	int out;

	memset(e, 0, sizeof *e);
	e->seq = i + 1;
	if (i < 2 * N_CONV) {
		c = i / 2;
		snprintf(id, sizeof id, "conv-%ld", c);
		e->ts = t0;
		e->conversation = sdup(id);
		if (i % 2 == 0) {
			e->type = TD_EV_CONTACT;
			snprintf(buf, sizeof buf, "1650555%05ld", c);
			e->u.contact.wa_id = sdup(buf);
			snprintf(buf, sizeof buf, "%s Customer %ld",
			    c % 5 == 0 ? "Zoë 李" : "Alex", c);
			e->u.contact.name = sdup(buf);
		} else {
			e->type = TD_EV_CONVERSATION;
			e->u.state.team = c % 3 == 0 ? sdup("tier1") : NULL;
			e->u.state.assignee = c % 4 == 0 ? sdup("alice") : NULL;
			e->u.state.priority = c % 17 == 0 ? TD_PRIO_URGENT :
			    TD_PRIO_NORMAL;
			e->u.state.last_inbound_ts = t0 + c;
		}
		e->type_name = sdup(event_type_name(e->type));
		return;
	}
	m = i - 2 * N_CONV;
	out = m % 3 == 2;
	c = m < BIG_CONV_MSGS ? 0 : m % N_CONV;
	e->ts = t0 + 60 + m;
	e->type = TD_EV_MESSAGE;
	e->type_name = sdup("message");
	snprintf(id, sizeof id, "conv-%ld", c);
	e->conversation = sdup(id);
	snprintf(buf, sizeof buf, "wamid.%08ld", m);
	e->u.message.id = sdup(buf);
	e->u.message.direction = out ? TD_DIR_OUT : TD_DIR_IN;
	e->u.message.kind = TD_KIND_TEXT;
	snprintf(buf, sizeof buf, "1650555%05ld", c);
	e->u.message.from = sdup(buf);
	if (out)
		e->u.message.agent = sdup("alice");
	inbox_body(buf, sizeof buf, m);
	e->u.message.text = sdup(buf);
	if (m % 11 == 5) {
		snprintf(buf, sizeof buf, "wamid.%08ld", m - 1);
		e->u.message.reply_to = sdup(buf);
	}
	e->u.message.status = out ? TD_MS_DELIVERED : TD_MS_RECEIVED;
}

#endif
