/* SLA time left, the warning and breach colours at their boundaries, CSAT
 * stars, the list row's SLA/CSAT markers and age, and the SLA sort. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ttydesk/sanitize.h"
#include "aline.h"
#include "sla.h"
#include "theme.h"
#include "ui.h"
#include "ui_fixture.h"
#include "listrow.h"

#define NOW 1700000000LL

static void
test_levels(void)
{
	int64_t left = -1;

	/* Nothing due. */
	CHECK_INT(sla_level_at(0, NOW - 60, 900, NOW, &left), SLA_NONE);
	CHECK_INT(left, 0);
	/* Target 900 s from the customer message: warn in the last 180 s. */
	CHECK_INT(sla_level_at(NOW + 181, NOW + 181 - 900, 3600, NOW, &left),
	    SLA_OK);
	CHECK_INT(left, 181);
	CHECK_INT(sla_level_at(NOW + 180, NOW + 180 - 900, 3600, NOW, &left),
	    SLA_WARN);
	CHECK_INT(sla_level_at(NOW + 1, NOW + 1 - 900, 3600, NOW, &left),
	    SLA_WARN);
	/* Due now or past: breached even before the relay says so. */
	CHECK_INT(sla_level_at(NOW, NOW - 900, 3600, NOW, &left), SLA_BREACHED);
	CHECK_INT(sla_level_at(NOW - 5, NOW - 900, 3600, NOW, &left),
	    SLA_BREACHED);
	CHECK_INT(left, -5);
	/* Unknown start: the default target (1 h -> warn at 720 s left). */
	CHECK_INT(sla_level_at(NOW + 721, 0, 3600, NOW, NULL), SLA_OK);
	CHECK_INT(sla_level_at(NOW + 720, 0, 3600, NOW, NULL), SLA_WARN);
	/* A start after the due time is nonsense: default target too. */
	CHECK_INT(sla_level_at(NOW + 720, NOW + 800, 3600, NOW, NULL), SLA_WARN);
	CHECK_INT(sla_level_at(NOW + 721, NOW + 800, 3600, NOW, NULL), SLA_OK);
}

static void
test_format(void)
{
	char buf[32];

	CHECK_INT(sla_format(buf, sizeof buf, SLA_NONE, 0, true), TH_NORMAL);
	CHECK_STR(buf, "");
	CHECK_INT(sla_format(buf, sizeof buf, SLA_OK, 12 * 60 + 59, true), TH_AGE);
	CHECK_STR(buf, "⏱12m");
	CHECK_INT(sla_format(buf, sizeof buf, SLA_WARN, 59, true), TH_SLA_WARN);
	CHECK_STR(buf, "⏱<1m");
	sla_format(buf, sizeof buf, SLA_OK, 3599, true);
	CHECK_STR(buf, "⏱59m");
	sla_format(buf, sizeof buf, SLA_OK, 3600 + 5 * 60, true);
	CHECK_STR(buf, "⏱1h05");
	sla_format(buf, sizeof buf, SLA_OK, 3 * 86400, false);
	CHECK_STR(buf, "t3d");
	CHECK_INT(sla_format(buf, sizeof buf, SLA_BREACHED, -10, true),
	    TH_SLA_BREACHED);
	CHECK_STR(buf, "⚠ SLA");
	sla_format(buf, sizeof buf, SLA_BREACHED, -10, false);
	CHECK_STR(buf, "!SLA");
	/* A short buffer is cut, never overrun. */
	sla_format(buf, 3, SLA_OK, 600, false);
	CHECK_STR(buf, "t1");
}

static void
test_csat(void)
{
	char buf[64];

	csat_text(buf, sizeof buf, 4, true);
	CHECK_STR(buf, "CSAT ★★★★☆ 4/5");
	csat_text(buf, sizeof buf, 1, false);
	CHECK_STR(buf, "CSAT *---- 1/5");
	csat_text(buf, sizeof buf, 0, true);
	CHECK_STR(buf, "");
	csat_text(buf, sizeof buf, 6, true);
	CHECK_STR(buf, "");
}

static void
conv_event(struct td_model *m, int seq, const char *id, const char *sla,
    const char *extra)
{
	char buf[1024];

	snprintf(buf, sizeof buf, "{\"seq\":%d,\"ts\":%lld,\"type\":"
	    "\"conversation\",\"conversation\":\"%s\",\"state\":{\"status\":"
	    "\"open\",\"sla\":%s%s}}", seq, NOW, id, sla, extra);
	CHECK(fx_apply(m, buf) >= 0);
}

static void
msg_event(struct td_model *m, int seq, const char *id, const char *dir,
    long long ts)
{
	char buf[1024];

	snprintf(buf, sizeof buf, "{\"seq\":%d,\"ts\":%lld,\"type\":\"message\","
	    "\"conversation\":\"%s\",\"message\":{\"id\":\"w%d\",\"direction\":"
	    "\"%s\",\"kind\":\"text\",\"from\":\"34600\",\"text\":\"hi\","
	    "\"status\":\"received\"}}", seq, ts, id, seq, dir);
	CHECK(fx_apply(m, buf) >= 0);
}

static void
test_conversations(void)
{
	struct td_model *m = model_new("alice");
	struct td_conversation *c, *items[4];
	struct row_ctx ctx = { NOW, "alice", true, false };
	struct aline l;
	char buf[64];
	int64_t left;
	size_t i;

	if (m == NULL)
		return;
	/* a: first response due in 10 min; the customer wrote 5 min ago so
	 * the target is 15 min: OK.  */
	msg_event(m, 1, "a", "in", NOW - 300);
	conv_event(m, 2, "a", "{\"first_response_due\":1700000600,"
	    "\"breached\":false}", "");
	c = model_find(m, "a");
	CHECK(c != NULL);
	CHECK_INT(sla_conv_level(c, NOW, &left, NULL), SLA_OK);
	CHECK_INT(left, 600);
	CHECK_INT(sla_marker(buf, sizeof buf, c, NOW, true), TH_AGE);
	CHECK_STR(buf, "⏱10m");
	/* 3 min left of 15: the warning colour. */
	CHECK_INT(sla_marker(buf, sizeof buf, c, NOW + 420, true), TH_SLA_WARN);
	CHECK_STR(buf, "⏱3m");
	CHECK_INT(sla_marker(buf, sizeof buf, c, NOW + 419, true), TH_AGE);
	/* b: next response overdue, breached, rated 4. */
	msg_event(m, 3, "b", "in", NOW - 7200);
	msg_event(m, 4, "b", "out", NOW - 7000);
	msg_event(m, 5, "b", "in", NOW - 4000);
	conv_event(m, 6, "b", "{\"next_response_due\":1699999600,"
	    "\"breached\":true}", ",\"csat\":{\"score\":4,\"at\":1699999000}");
	c = model_find(m, "b");
	CHECK(c != NULL);
	CHECK_INT(sla_marker(buf, sizeof buf, c, NOW, true), TH_SLA_BREACHED);
	CHECK_STR(buf, "⚠ SLA");
	csat_marker(buf, sizeof buf, c, true);
	CHECK_STR(buf, "★4");
	/* The row: both markers, in their colours, and still exactly 80
	 * columns; the age is the newest message's (4000 s: "1h"), not the
	 * state change's ("now"). */
	aline_init(&l);
	for (i = 44; i <= 200; i += 4) {
		CHECK_INT(list_format_row(&l, c, &ctx, i), 0);
		CHECK_INT(text_width(l.text, l.len), i);
		CHECK(strstr(l.text, "★4 ⚠ SLA") != NULL);
	}
	ctx.utf8 = false;
	CHECK_INT(list_format_row(&l, c, &ctx, 60), 0);
	CHECK_INT(text_width(l.text, l.len), 60);
	CHECK(strstr(l.text, "*4 !SLA") != NULL);
	ctx.utf8 = true;
	CHECK_INT(list_format_row(&l, c, &ctx, 80), 0);
	CHECK_INT(text_width(l.text, l.len), 80);
	CHECK(strstr(l.text, "★4 ⚠ SLA") != NULL);
	CHECK(strstr(l.text, " 1h") != NULL);
	CHECK(strstr(l.text, "now") == NULL);
	for (i = 0; i < l.n_runs; i++)
		if (l.runs[i].style == TH_SLA_BREACHED)
			break;
	CHECK(i < l.n_runs);
	/* The thread title: CSAT stars and the breach. */
	aline_clear(&l);
	sla_title_add(&l, c, NOW, true);
	CHECK(strstr(l.text, "CSAT ★★★★☆ 4/5") != NULL);
	CHECK(strstr(l.text, "⚠ SLA") != NULL);
	/* c: nothing due, no markers. */
	msg_event(m, 7, "c", "in", NOW - 100);
	conv_event(m, 8, "c", "{\"breached\":false}", "");
	c = model_find(m, "c");
	CHECK(c != NULL);
	CHECK_INT(sla_marker(buf, sizeof buf, c, NOW, true), TH_NORMAL);
	CHECK_STR(buf, "");
	CHECK_INT(list_format_row(&l, c, &ctx, 80), 0);
	CHECK(strstr(l.text, "⏱") == NULL);
	CHECK(strstr(l.text, "★") == NULL);
	/* d: due sooner than a (5 min, unknown start: default 15 min). */
	conv_event(m, 9, "d", "{\"first_response_due\":1700000300,"
	    "\"breached\":false}", "");
	/* Sort: breached, then soonest due, then nothing due. */
	items[0] = model_find(m, "c");
	items[1] = model_find(m, "a");
	items[2] = model_find(m, "d");
	items[3] = model_find(m, "b");
	sla_sort(items, 4, NOW);
	CHECK_STR(items[0]->id, "b");
	CHECK_STR(items[1]->id, "d");
	CHECK_STR(items[2]->id, "a");
	CHECK_STR(items[3]->id, "c");
	aline_free(&l);
	model_free(m);
}

static bool
same_style(const struct theme_style *a, const struct theme_style *b)
{
	return a->fg == b->fg && a->bg == b->bg && a->attrs == b->attrs;
}

/* Every shipped theme gives the warning and the breach their own look, and
 * the parser knows both names. */
static void
test_themes(void)
{
	static const char *names[] = { "default", "dark", "light",
	    "high-contrast", "mono" };
	static const char text[] = "[colors]\nsla_warn = yellow default bold\n"
	    "sla_breached = white red\n";
	struct theme t;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		CHECK_INT(theme_load(&t, names[i], err, sizeof err), 0);
		CHECK(!same_style(&t.el[TH_SLA_WARN], &t.el[TH_NORMAL]));
		CHECK(!same_style(&t.el[TH_SLA_BREACHED], &t.el[TH_NORMAL]));
		CHECK(!same_style(&t.el[TH_SLA_BREACHED], &t.el[TH_SLA_WARN]));
		CHECK(!same_style(&t.el[TH_SLA_WARN], &t.el[TH_AGE]));
	}
	theme_default(&t);
	CHECK(!same_style(&t.el[TH_SLA_WARN], &t.el[TH_SLA_BREACHED]));
	CHECK_INT(theme_parse(&t, text, strlen(text), "t", err, sizeof err), 0);
	CHECK_INT(t.el[TH_SLA_BREACHED].bg, 1);
	CHECK_STR(theme_el_name(TH_SLA_WARN), "sla_warn");
	CHECK_STR(theme_el_name(TH_SLA_BREACHED), "sla_breached");
}

int
main(void)
{
	RUN(test_themes);
	RUN(test_levels);
	RUN(test_format);
	RUN(test_csat);
	RUN(test_conversations);
	return check_done();
}
