/* Attributed lines, word wrapping and thread lines (no curses). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "ttydesk/sanitize.h"
#include "aline.h"
#include "convui.h"
#include "theme.h"
#include "ui.h"
#include "ui_fixture.h"
#include "thread.h"

struct pieces {
	char out[16][128];
	size_t n;
};

static int
collect(void *ud, const char *s, size_t len)
{
	struct pieces *p = ud;

	if (p->n < 16)
		snprintf(p->out[p->n++], 128, "%.*s", (int)len, s);
	return 0;
}

static void
test_wrap(void)
{
	struct pieces p;
	size_t i;

	memset(&p, 0, sizeof p);
	CHECK_INT(text_wrap("the quick brown fox jumps", 25, 10, collect, &p), 3);
	CHECK_STR(p.out[0], "the quick");
	CHECK_STR(p.out[1], "brown fox");
	CHECK_STR(p.out[2], "jumps");

	/* A word longer than the line is cut. */
	memset(&p, 0, sizeof p);
	CHECK_INT(text_wrap("abcdefghijkl", 12, 5, collect, &p), 3);
	CHECK_STR(p.out[0], "abcde");
	CHECK_STR(p.out[2], "kl");

	/* Newlines start new lines; empty lines stay. */
	memset(&p, 0, sizeof p);
	CHECK_INT(text_wrap("a\n\nb", 4, 10, collect, &p), 3);
	CHECK_STR(p.out[1], "");

	/* Wide characters: 2 columns each, never split. */
	memset(&p, 0, sizeof p);
	text_wrap("你好世界你好", strlen("你好世界你好"), 5, collect, &p);
	CHECK_INT(p.n, 3);
	for (i = 0; i < p.n; i++)
		CHECK(text_width(p.out[i], strlen(p.out[i])) <= 5);
	CHECK_STR(p.out[0], "你好");

	/* Emoji ZWJ sequence stays whole. */
	memset(&p, 0, sizeof p);
	text_wrap("ab 👩‍💻 cd", strlen("ab 👩‍💻 cd"), 4, collect, &p);
	CHECK_STR(p.out[1], "👩‍💻");
}

static void
test_aline(void)
{
	struct aline l;

	aline_init(&l);
	aline_adds(&l, TH_NAME, "Ana");
	aline_adds(&l, TH_NAME, " B");   /* same style: one run */
	aline_adds(&l, TH_AGE, "你");
	aline_pad(&l, TH_NORMAL, 40);
	CHECK_INT(l.n_runs, 3);
	CHECK_INT(l.runs[0].len, 5);
	CHECK_INT(l.runs[1].style, TH_AGE);
	CHECK_INT(l.width, 5 + 2 + 40);
	CHECK_INT(aline_add_fit(&l, TH_NORMAL, "你好你好", 5), 4);
	aline_clear(&l);
	CHECK_INT(l.len, 0);
	CHECK_INT(l.width, 0);
	aline_free(&l);
}

static int
has_line(const struct convui *cu, const char *needle, int kind)
{
	size_t i;

	for (i = 0; i < cu->n_lines; i++) {
		if ((kind == 0 || cu->lines[i].kind == kind) &&
		    cu->lines[i].text != NULL && strstr(cu->lines[i].text, needle) != NULL)
			return (int)i;
	}
	return -1;
}

static void
test_thread(void)
{
	long long now = (long long)time(NULL);
	struct td_model *m = fx_model(now);
	struct td_conversation *c = model_find(m, "c1");
	struct convui cu;
	struct thread_ctx ctx = { "alice", true, 0, NULL, NULL };
	size_t i, width = 40;
	int q, h;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	memset(&cu, 0, sizeof cu);
	cu.sel = -1;
	CHECK_INT(thread_build(&cu, c, &ctx, width), 0);
	CHECK_INT(cu.built_width, width);
	if (getenv("DUMP"))
		for (i = 0; i < cu.n_lines; i++)
			fprintf(stderr, "%2d|%s|\n", cu.lines[i].kind,
			    cu.lines[i].text ? cu.lines[i].text : "");
	for (i = 0; i < cu.n_lines; i++) {
		const char *t = cu.lines[i].text ? cu.lines[i].text : "";
		/* Nothing wider than the pane; no control characters. */
		CHECK(text_width(t, strlen(t)) <= width);
		for (; *t != '\0'; t++)
			CHECK((unsigned char)*t >= 0x20 && *t != 0x7f);
	}
	CHECK(has_line(&cu, "── ", TL_DAY) >= 0);
	/* Customer escape sequences are gone, the text stays. */
	CHECK(has_line(&cu, "Hello there, my order", TL_BODY) >= 0);
	CHECK(has_line(&cu, "pwned", 0) < 0);
	/* The reply shows the quoted message, one line, and the ticks. */
	h = has_line(&cu, "▶ you", TL_HEADER);
	CHECK(h >= 0);
	CHECK(h >= 0 && strstr(cu.lines[h].text, "✓✓") != NULL);
	q = has_line(&cu, "┃ María", TL_QUOTE);
	CHECK(q == h + 1);
	/* The reaction is under the message it reacts to, not a message. */
	CHECK(has_line(&cu, "👍 María", TL_REACTIONS) > h);
	CHECK(has_line(&cu, "[reaction]", 0) < 0);
	/* Notes are marked internal. */
	CHECK(has_line(&cu, "NOTE (internal)", TL_HEADER) >= 0);
	/* Media: kind, file name (as sent, for display), caption; an unknown
	 * quote says so. */
	CHECK(has_line(&cu, "[image] ../../etc/passwd", TL_BODY) >= 0);
	CHECK(has_line(&cu, "the box", TL_BODY) >= 0);
	CHECK(has_line(&cu, "quoted message not available", TL_QUOTE) >= 0);
	/* Failed with the error title. */
	CHECK(has_line(&cu, "✗ failed: Re-engagement message", TL_ERROR) >= 0);
	CHECK(has_line(&cu, "[location] 48.85840, 2.29450", TL_BODY) >= 0);
	/* Inbound and outbound are apart: outbound headers are indented. */
	CHECK(has_line(&cu, "◀ María", TL_HEADER) >= 0);
	CHECK(cu.lines[has_line(&cu, "◀ María", TL_HEADER)].text[0] != ' ');
	CHECK(h >= 0 && strncmp(cu.lines[h].text, "    ", 4) == 0);
	/* Line ranges per message. */
	for (i = 0; i < c->n_messages; i++) {
		if (cu.first_line[i] < 0)
			continue;
		CHECK(cu.last_line[i] >= cu.first_line[i]);
		CHECK_INT(cu.msg_of[cu.first_line[i]], (long)i);
	}
	/* System lines merge in by time. */
	CHECK_INT(convui_add_sys(&cu, now - 95, 100, "assigned to bob"), 0);
	CHECK_INT(convui_add_sys(&cu, now - 95, 100, "assigned to bob"), 0);
	CHECK_INT(cu.n_sys, 1);
	CHECK_INT(cu.built_width, 0);
	CHECK_INT(thread_build(&cu, c, &ctx, width), 0);
	q = has_line(&cu, "assigned to bob", TL_SYSTEM);
	CHECK(q >= 0);
	CHECK(q > has_line(&cu, "👍", TL_REACTIONS));
	CHECK(q < has_line(&cu, "NOTE", TL_HEADER));
	/* Same second: log order decides. */
	CHECK_INT(convui_add_sys(&cu, now - 600, 2, "assigned to alice"), 0);
	CHECK_INT(thread_build(&cu, c, &ctx, width), 0);
	CHECK(has_line(&cu, "assigned to alice", TL_SYSTEM) >= 0);
	CHECK(has_line(&cu, "assigned to alice", TL_SYSTEM) <
	    has_line(&cu, "◀ María", TL_HEADER));
	/* ASCII terminals get ASCII marks. */
	ctx.utf8 = false;
	CHECK_INT(thread_build(&cu, c, &ctx, 20), 0);
	CHECK(has_line(&cu, "VV", TL_HEADER) >= 0);
	for (i = 0; i < cu.n_lines; i++) {
		CHECK(cu.lines[i].len == 0 ||
		    text_width(cu.lines[i].text, cu.lines[i].len) <= 20);
		if (cu.lines[i].len > 0 &&
		    text_width(cu.lines[i].text, cu.lines[i].len) > 20)
			fprintf(stderr, "too wide: |%s|\n", cu.lines[i].text);
	}
	convui_free_built(&cu);
	for (i = 0; i < cu.n_sys; i++)
		free(cu.sys[i].text);
	free(cu.sys);
	model_free(m);
}

/* Only the messages that changed are wrapped again. */
static void
test_thread_reuse(void)
{
	long long now = (long long)time(NULL);
	struct td_model *m = fx_model(now);
	struct td_conversation *c = model_find(m, "c1");
	struct convui cu;
	struct thread_ctx ctx = { "alice", true, 0, NULL, NULL };
	const char *a_text, *e_text;
	char buf[512];
	int a, e;

	memset(&cu, 0, sizeof cu);
	CHECK_INT(thread_build(&cu, c, &ctx, 50), 0);
	a = has_line(&cu, "Hello there", TL_BODY);
	e = has_line(&cu, "▶ bob", TL_HEADER);
	CHECK(a >= 0 && e >= 0);
	if (a < 0 || e < 0)
		return;
	a_text = cu.lines[a].text;
	e_text = cu.lines[e].text;
	/* A status for E (bob's failed message) changes nothing it shows;
	 * a reaction to A changes A. */
	snprintf(buf, sizeof buf, "{\"seq\":20,\"ts\":%lld,\"type\":\"message\","
	    "\"conversation\":\"c1\",\"message\":{\"id\":\"wamid.R2\","
	    "\"direction\":\"in\",\"kind\":\"reaction\",\"from\":\"34600111222\","
	    "\"reaction\":{\"to\":\"wamid.A\",\"emoji\":\"\\u2764\"},"
	    "\"status\":\"received\"}}", now);
	CHECK(fx_apply(m, buf) >= 0);
	c = model_find(m, "c1");
	CHECK_INT(thread_build(&cu, c, &ctx, 50), 0);
	e = has_line(&cu, "▶ bob", TL_HEADER);
	CHECK(e >= 0 && cu.lines[e].text == e_text);   /* reused */
	a = has_line(&cu, "Hello there", TL_BODY);
	CHECK(a >= 0 && cu.lines[a].text != a_text);   /* wrapped again */
	CHECK(has_line(&cu, "❤ María", TL_REACTIONS) > a);
	/* Another width: everything is wrapped again. */
	CHECK_INT(thread_build(&cu, c, &ctx, 30), 0);
	CHECK_INT(cu.blocks_width, 30);
	a = has_line(&cu, "Hello there", TL_BODY);
	CHECK(a >= 0 && text_width(cu.lines[a].text, cu.lines[a].len) <= 30);
	convui_free_built(&cu);
	model_free(m);
}

/* A number shared with the WhatsApp Business app and a customer who
 * changed number: the app's answer is outbound and says so, imported past
 * chats sit by their time (they arrive newest phase first) and are never
 * unread, WhatsApp's notice is a system line that is not unread either. */
static void
test_thread_coexistence(void)
{
	long long now = (long long)time(NULL);
	struct td_model *m = model_new("alice");
	struct td_conversation *c;
	struct convui cu;
	struct thread_ctx ctx = { "alice", true, 0, NULL, NULL };
	/* The message object of each event, and its time. */
	static const char *const msgs[] = {
	    "\"id\":\"wamid.L\",\"direction\":\"in\",\"kind\":\"text\","
	    "\"from\":\"4915112345678\",\"text\":\"Live question\","
	    "\"status\":\"received\"",
	    "\"id\":\"wamid.E\",\"direction\":\"out\",\"kind\":\"text\","
	    "\"origin\":\"business_app\",\"text\":\"Typed on the phone\","
	    "\"status\":\"sent\"",
	    "\"id\":\"wamid.H\",\"direction\":\"in\",\"kind\":\"text\","
	    "\"from\":\"4915112345678\",\"text\":\"Old question\","
	    "\"history\":true,\"status\":\"received\"",
	    "\"id\":\"wamid.S\",\"direction\":\"in\",\"kind\":"
	    "\"unsupported\",\"origin\":\"system\",\"from\":"
	    "\"4915112345678\",\"text\":\"System notice: User A changed from "
	    "4915112345678 to 4915187654321\",\"status\":\"received\"",
	};
	const long long at[] = { now - 500, now - 400, now - 90000, now - 300 };
	char buf[1024];
	size_t i;
	int live, echo, old, sys;

	CHECK(m != NULL);
	if (m == NULL)
		return;
	snprintf(buf, sizeof buf, "{\"seq\":1,\"ts\":%lld,\"type\":"
	    "\"contact\",\"conversation\":\"c9\",\"contact\":{\"wa_id\":"
	    "\"4915112345678\",\"name\":\"Jonas\"}}", now - 600);
	CHECK(fx_apply(m, buf) >= 0);
	for (i = 0; i < sizeof msgs / sizeof msgs[0]; i++) {
		snprintf(buf, sizeof buf, "{\"seq\":%d,\"ts\":%lld,\"type\":"
		    "\"message\",\"conversation\":\"c9\",\"message\":{%s}}",
		    (int)i + 2, at[i], msgs[i]);
		CHECK(fx_apply(m, buf) >= 0);
	}
	c = model_find(m, "c9");
	CHECK(c != NULL);
	if (c == NULL) {
		model_free(m);
		return;
	}
	/* Only the customer's live message waits to be read. */
	CHECK_INT(c->unread, 1);
	model_set_read_seq(m, c, 1);
	CHECK_INT(c->unread, 1);
	model_set_read_seq(m, c, 2);
	CHECK_INT(c->unread, 0);
	/* The window counts from the customer's message, not the notice. */
	CHECK_INT(conversation_last_inbound(c), at[0]);
	memset(&cu, 0, sizeof cu);
	cu.sel = -1;
	CHECK_INT(thread_build(&cu, c, &ctx, 60), 0);
	live = has_line(&cu, "◀ Jonas  ", TL_HEADER);
	old = has_line(&cu, "Jonas (history)", TL_HEADER);
	echo = has_line(&cu, "WhatsApp Business app", TL_HEADER);
	sys = has_line(&cu, "System notice: User A changed", TL_SYSTEM);
	CHECK(live >= 0 && echo > live);
	CHECK(old >= 0 && old < live);
	CHECK(sys > echo);
	/* Not a message of the customer's: no header, no body line. */
	CHECK(has_line(&cu, "System notice", TL_BODY) < 0);
	CHECK(has_line(&cu, "changed from", TL_HEADER) < 0);
	/* Past chats carry no new mark; the live message does (ctx reads
	 * nothing yet). */
	CHECK(old >= 0 && strstr(cu.lines[old].text, "●") == NULL);
	CHECK(live >= 0 && strstr(cu.lines[live].text, "●") != NULL);
	convui_free_built(&cu);
	model_free(m);
}

int
main(void)
{
	RUN(test_wrap);
	RUN(test_thread_reuse);
	RUN(test_aline);
	RUN(test_thread);
	RUN(test_thread_coexistence);
	return check_done();
}
