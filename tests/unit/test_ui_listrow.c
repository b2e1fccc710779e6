/* Conversation list rows at various widths: exact width, wide characters,
 * truncation, markers, no invented phone numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "ttydesk/sanitize.h"
#include "aline.h"
#include "theme.h"
#include "ui.h"
#include "ui_fixture.h"
#include "listrow.h"

static void
test_widths(void)
{
	long long now = (long long)time(NULL);
	struct td_model *m = fx_model(now);
	struct td_conversation *c = model_find(m, "c1");
	struct row_ctx ctx = { now, "alice", true, false };
	struct aline l;
	static const size_t widths[] = { 44, 48, 60, 72, 80, 100, 120, 200 };
	size_t i;
	const char *p;

	CHECK(c != NULL);
	if (c == NULL)
		return;
	aline_init(&l);
	for (i = 0; i < sizeof widths / sizeof widths[0]; i++) {
		CHECK_INT(list_format_row(&l, c, &ctx, widths[i]), 0);
		CHECK_INT(text_width(l.text, l.len), widths[i]);
		CHECK_INT(l.width, widths[i]);
		for (p = l.text; *p != '\0'; p++)
			CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
		/* Unread count first, then the urgent mark and the name. */
		CHECK(strncmp(l.text, "   3 !! Mar", 11) == 0);
		if (getenv("DUMP"))
			fprintf(stderr, "[%s]\n", l.text);
		CHECK(strstr(l.text, "no") != NULL); /* age "now"/"1m" */
	}
	/* The cursor: a mark in the first column and the name selected. */
	ctx.selected = true;
	CHECK_INT(list_format_row(&l, c, &ctx, 80), 0);
	CHECK(strncmp(l.text, "▶  3 !! Mar", strlen("▶  3 !! Mar")) == 0);
	CHECK_INT(l.runs[0].style, TH_CURSOR);
	{
		/* The name keeps the selection colour. */
		size_t r, name_off = (size_t)(strstr(l.text, "Mar") - l.text);
		int name_style = -1;

		for (r = 0; r < l.n_runs; r++) {
			if (l.runs[r].off <= name_off &&
			    name_off < l.runs[r].off + l.runs[r].len)
				name_style = l.runs[r].style;
		}
		CHECK_INT(name_style, TH_SELECTED);
	}
	CHECK_INT(text_width(l.text, l.len), 80);
	ctx.selected = false;
	CHECK_INT(list_format_row(&l, c, &ctx, 120), 0);
	/* The whole name fits at this width, wide chars and emoji included. */
	CHECK(strstr(l.text, "María 李🐉") != NULL);
	CHECK(strstr(l.text, "@me") != NULL);
	CHECK(strstr(l.text, "#tier1") != NULL);
	/* The preview is the newest message that says something. */
	CHECK(strstr(l.text, "[location] Tour Eiffel") != NULL);
	/* Narrow: the name is cut on a character boundary. */
	CHECK_INT(list_format_row(&l, c, &ctx, 44), 0);
	CHECK(strstr(l.text, "María 李") != NULL);
	CHECK(strstr(l.text, "#tier1") == NULL);
	/* Someone else's assignee is shown by id. */
	ctx.self = "bob";
	CHECK_INT(list_format_row(&l, c, &ctx, 80), 0);
	CHECK(strstr(l.text, "@alice") != NULL);
	/* Several business numbers: the number's short name, at every
	 * width, the row still exactly as wide. */
	for (i = 0; i < sizeof widths / sizeof widths[0]; i++) {
		CHECK_INT(list_format_row_number(&l, c, &ctx, widths[i],
		    "Support FR"), 0);
		CHECK_INT(text_width(l.text, l.len), widths[i]);
		if (widths[i] >= 60)
			CHECK(strstr(l.text, "Support FR") != NULL);
	}
	CHECK_INT(list_format_row_number(&l, c, &ctx, 80, NULL), 0);
	CHECK(strstr(l.text, "Support") == NULL);
	aline_free(&l);
	model_free(m);
}

static void
test_names(void)
{
	long long now = (long long)time(NULL);
	struct td_model *m = model_new("alice");
	struct td_conversation *c;
	struct row_ctx ctx = { now, "alice", false, false };
	struct aline l;
	char buf[1024];
	const char *p;

	snprintf(buf, sizeof buf, "{\"seq\":1,\"ts\":%lld,\"type\":\"contact\","
	    "\"conversation\":\"b1\",\"contact\":{\"user_id\":"
	    "\"US.13491208655302741918\"}}", now - 90000);
	fx_apply(m, buf);
	snprintf(buf, sizeof buf, "{\"seq\":2,\"ts\":%lld,\"type\":\"message\","
	    "\"conversation\":\"b1\",\"message\":{\"id\":\"w1\",\"direction\":"
	    "\"in\",\"kind\":\"text\",\"from\":\"US.13491208655302741918\","
	    "\"text\":\"line one\\nline\\ttwo \\u001b[2J\\u009b31m\","
	    "\"status\":\"received\"}}", now - 90000);
	fx_apply(m, buf);
	c = model_find(m, "b1");
	CHECK(c != NULL);
	if (c == NULL) {
		model_free(m);
		return;
	}
	aline_init(&l);
	CHECK_INT(list_format_row(&l, c, &ctx, 100), 0);
	/* A BSUID-only customer is shown by BSUID, never a made-up phone. */
	CHECK(strstr(l.text, "US.1349120865") != NULL);
	CHECK(strstr(l.text, "+") == NULL);
	/* One line: newline and tab became spaces, escapes are gone. */
	CHECK(strstr(l.text, "line one line two") != NULL);
	for (p = l.text; *p != '\0'; p++)
		CHECK((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f);
	/* Over 24 hours since the customer wrote: window closed mark, age. */
	CHECK(strstr(l.text, " x ") != NULL);
	CHECK(strstr(l.text, "  1d") != NULL);
	CHECK_INT(text_width(l.text, l.len), 100);
	/* An answer typed in the WhatsApp Business app is no agent's. */
	snprintf(buf, sizeof buf, "{\"seq\":3,\"ts\":%lld,\"type\":\"message\","
	    "\"conversation\":\"b1\",\"message\":{\"id\":\"w2\",\"direction\":"
	    "\"out\",\"kind\":\"text\",\"origin\":\"business_app\",\"text\":"
	    "\"Typed on the phone\",\"status\":\"sent\"}}", now - 60);
	fx_apply(m, buf);
	CHECK_INT(list_format_row(&l, c, &ctx, 100), 0);
	CHECK(strstr(l.text, "app: Typed on the phone") != NULL);
	CHECK(strstr(l.text, "agent:") == NULL);
	aline_free(&l);
	model_free(m);
}

static void
test_age(void)
{
	char b[16];

	CHECK_STR(ui_age(b, sizeof b, 1000, 990), "now");
	CHECK_STR(ui_age(b, sizeof b, 10000, 10000 - 300), "5m");
	CHECK_STR(ui_age(b, sizeof b, 100000, 100000 - 7200), "2h");
	CHECK_STR(ui_age(b, sizeof b, 1000000, 1000000 - 3 * 86400), "3d");
	CHECK_STR(ui_age(b, sizeof b, 100000000, 100000000 - 30 * 86400), "4w");
	CHECK_STR(ui_age(b, sizeof b, 100, 0), "-");
}

int
main(void)
{
	RUN(test_widths);
	RUN(test_names);
	RUN(test_age);
	return check_done();
}
