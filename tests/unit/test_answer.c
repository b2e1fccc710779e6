/* Structured answer lines: buttons, list rows, Flow forms, templates and
 * interactive messages read as lines, and nothing the customer sends
 * reaches the terminal raw. */
#include "check.h"
#include "answer.h"

static void
check_lines(const struct td_message *m, bool utf8, const char *want)
{
	char *got = answer_lines(m, utf8);

	CHECK_STR(got, want);
	free(got);
}

static void
test_answers(void)
{
	struct td_interactive x = { "button_reply", "resched", "Yes, reschedule",
	    NULL, NULL };
	struct td_message m;

	memset(&m, 0, sizeof m);
	m.direction = TD_DIR_IN;
	m.kind = TD_KIND_INTERACTIVE;
	m.text = "Yes, reschedule";
	m.interactive = &x;
	check_lines(&m, true, "\xe2\x96\xb8 button: Yes, reschedule");
	check_lines(&m, false, "> button: Yes, reschedule");

	x.type = "list_reply";
	x.title = "Tuesday";
	x.description = "9:00-12:00";
	check_lines(&m, false, "> list: Tuesday - 9:00-12:00");

	/* A Flow form: one line per field, in key order. */
	x.type = "nfm_reply";
	x.title = NULL;
	x.description = NULL;
	m.text = "Sent";
	x.fields = "{\"date\":\"2026-12-08\",\"people\":2,\"vip\":true}";
	check_lines(&m, false, "> form: Sent\n  date: 2026-12-08\n  people: 2\n"
	    "  vip: true");

	/* The customer's quick-reply to a template's button. */
	memset(&m, 0, sizeof m);
	m.direction = TD_DIR_IN;
	m.kind = TD_KIND_BUTTON;
	m.text = "Stop promotions";
	check_lines(&m, false, "> button: Stop promotions");

	m.direction = TD_DIR_OUT;
	m.kind = TD_KIND_TEMPLATE;
	m.text = "order_update";
	check_lines(&m, false, "> template: order_update");
	m.kind = TD_KIND_INTERACTIVE;
	m.text = "Pick a day";
	check_lines(&m, false, "> interactive: Pick a day");
	m.text = NULL;
	check_lines(&m, false, "> interactive: (no text)");

	m.kind = TD_KIND_TEXT;
	CHECK(!answer_applies(&m));
	CHECK(answer_lines(&m, true) == NULL);
}

/* Escapes, newlines and bidi controls from the customer are neutralized;
 * a title cannot add a line; many fields are cut with a count. */
static void
test_hostile(void)
{
	struct td_interactive x = { "button_reply", "id",
	    "Yes\x1b]52;c;AAAA\x07\nNO\xe2\x80\xae", "\x1b[2J", NULL };
	struct td_message m;
	char *got, fields[4096];
	size_t i, len = 1;

	memset(&m, 0, sizeof m);
	m.direction = TD_DIR_IN;
	m.kind = TD_KIND_INTERACTIVE;
	m.interactive = &x;
	got = answer_lines(&m, false);
	CHECK(got != NULL);
	if (got != NULL) {
		CHECK(strchr(got, '\x1b') == NULL);
		CHECK(strchr(got, '\x07') == NULL);
		CHECK(strchr(got, '\n') == NULL);
		CHECK(strstr(got, "\xe2\x80\xae") == NULL);
		CHECK(strncmp(got, "> button: Yes", 13) == 0);
	}
	free(got);

	x.type = "nfm_reply";
	x.description = NULL;
	strcpy(fields, "{");
	for (i = 0; i < 20; i++)
		len += (size_t)snprintf(fields + len, sizeof fields - len,
		    "%s\"k%02zu\\n\":\"v\\u001b[31m\"", i ? "," : "", i);
	snprintf(fields + len, sizeof fields - len, "}");
	x.fields = fields;
	got = answer_lines(&m, false);
	CHECK(got != NULL);
	if (got != NULL) {
		size_t lines = 0;
		const char *p;

		for (p = got; *p; p++)
			lines += *p == '\n';
		CHECK_INT(lines, 13); /* 12 fields and the count */
		CHECK(strstr(got, "(8 more fields)") != NULL);
		CHECK(strchr(got, '\x1b') == NULL);
	}
	free(got);
	/* Fields that are not JSON: the title alone. */
	x.fields = "{not json";
	x.title = "T";
	check_lines(&m, false, "> form: T");
}

int
main(void)
{
	RUN(test_answers);
	RUN(test_hostile);
	return check_done();
}
