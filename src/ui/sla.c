/* SLA time left, breach marks and CSAT stars (pure: no curses). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aline.h"
#include "sla.h"
#include "theme.h"

enum sla_level
sla_level_at(int64_t due, int64_t start, int64_t default_target, int64_t now,
    int64_t *left)
{
	int64_t target, l;

	if (left != NULL)
		*left = 0;
	if (due <= 0)
		return SLA_NONE;
	l = due - now;
	if (left != NULL)
		*left = l;
	if (l <= 0)
		return SLA_BREACHED;
	target = start > 0 && due > start ? due - start : default_target;
	/* The last 20 %: left <= target / 5, without rounding it away. */
	if (l * 5 <= target)
		return SLA_WARN;
	return SLA_OK;
}

/* The ts of the oldest customer message no agent has answered yet: what
 * the relay counted the due time from.  0 when unknown. */
static int64_t
unanswered_since(const struct td_conversation *c)
{
	int64_t since = 0;
	size_t i = c->n_messages;

	while (i > 0) {
		const struct td_msg *m = c->messages[--i];

		if (m->m.kind == TD_KIND_REACTION)
			continue;
		if (m->m.direction == TD_DIR_OUT)
			break;
		if (m->m.direction == TD_DIR_IN)
			since = m->ts;
	}
	return since;
}

enum sla_level
sla_conv_level(const struct td_conversation *c, int64_t now, int64_t *left,
    int64_t *due)
{
	const struct td_sla *s = &c->state.sla;
	int64_t d = s->first_response_due, def = SLA_DEFAULT_FIRST;
	enum sla_level lv;

	if (d <= 0) {
		d = s->next_response_due;
		def = SLA_DEFAULT_NEXT;
	}
	if (due != NULL)
		*due = d > 0 ? d : 0;
	lv = sla_level_at(d, unanswered_since(c), def, now, left);
	/* The relay's word wins: a breach stays marked after the reply. */
	if (s->breached)
		lv = SLA_BREACHED;
	return lv;
}

int
sla_format(char *buf, size_t len, enum sla_level level, int64_t left,
    bool utf8)
{
	const char *clock = utf8 ? "⏱" : "t";

	switch (level) {
	case SLA_NONE:
		snprintf(buf, len, "%s", "");
		return TH_NORMAL;
	case SLA_BREACHED:
		snprintf(buf, len, "%s", utf8 ? "⚠ SLA" : "!SLA");
		return TH_SLA_BREACHED;
	case SLA_OK:
	case SLA_WARN:
		break;
	}
	if (left < 60)
		snprintf(buf, len, "%s<1m", clock);
	else if (left < 3600)
		snprintf(buf, len, "%s%" PRId64 "m", clock, left / 60);
	else if (left < 86400)
		snprintf(buf, len, "%s%" PRId64 "h%02" PRId64, clock, left / 3600,
		    left % 3600 / 60);
	else
		snprintf(buf, len, "%s%" PRId64 "d", clock, left / 86400);
	return level == SLA_WARN ? TH_SLA_WARN : TH_AGE;
}

int
sla_marker(char *buf, size_t len, const struct td_conversation *c,
    int64_t now, bool utf8)
{
	int64_t left = 0;
	enum sla_level lv = sla_conv_level(c, now, &left, NULL);

	return sla_format(buf, len, lv, left, utf8);
}

static int
csat_score(const struct td_conversation *c)
{
	int s = c->state.csat_score;

	return s >= 1 && s <= 5 ? s : 0;
}

void
csat_marker(char *buf, size_t len, const struct td_conversation *c, bool utf8)
{
	int s = csat_score(c);

	if (s == 0)
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, "%s%d", utf8 ? "★" : "*", s);
}

void
csat_text(char *buf, size_t len, int score, bool utf8)
{
	char stars[64] = "";
	size_t used = 0;
	int i;

	if (score < 1 || score > 5) {
		snprintf(buf, len, "%s", "");
		return;
	}
	for (i = 1; i <= 5; i++) {
		const char *st = i <= score ? (utf8 ? "★" : "*") :
		    (utf8 ? "☆" : "-");
		size_t n = strlen(st);

		memcpy(stars + used, st, n);
		used += n;
	}
	stars[used] = '\0';
	snprintf(buf, len, "CSAT %s %d/5", stars, score);
}

void
sla_title_add(struct aline *l, const struct td_conversation *c, int64_t now,
    bool utf8)
{
	char buf[64];
	int style;

	csat_text(buf, sizeof buf, csat_score(c), utf8);
	if (buf[0] != '\0') {
		aline_adds(l, TH_MARKER, "  ");
		aline_adds(l, TH_MARKER, buf);
	}
	style = sla_marker(buf, sizeof buf, c, now, utf8);
	if (buf[0] != '\0') {
		aline_adds(l, TH_MARKER, "  ");
		aline_adds(l, style, buf);
	}
}

struct sla_key {
	struct td_conversation *c;
	int rank;     /* 0 breached, 1 due, 2 nothing due */
	int64_t due;
	size_t pos;   /* the order given, for a stable sort */
};

static int
sla_cmp(const void *a, const void *b)
{
	const struct sla_key *x = a, *y = b;

	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->rank < 2 && x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void
sla_sort(struct td_conversation **items, size_t n, int64_t now)
{
	struct sla_key *k;
	size_t i;

	if (n < 2 || (k = calloc(n, sizeof *k)) == NULL)
		return;
	for (i = 0; i < n; i++) {
		enum sla_level lv = sla_conv_level(items[i], now, NULL,
		    &k[i].due);

		k[i].c = items[i];
		k[i].pos = i;
		k[i].rank = lv == SLA_BREACHED ? 0 : lv == SLA_NONE ? 2 : 1;
	}
	qsort(k, n, sizeof *k, sla_cmp);
	for (i = 0; i < n; i++)
		items[i] = k[i].c;
	free(k);
}
