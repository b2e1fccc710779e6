/* webhook_mend_surrogates: lone surrogate escapes become \ufffd in place,
 * everything else is left byte for byte. */
#include <string.h>

#include <jansson.h>

#include "check.h"
#include "webhook.h"

static const char *
mend(const char *in, size_t *n)
{
	static char buf[512];

	snprintf(buf, sizeof buf, "%s", in);
	*n = webhook_mend_surrogates(buf, strlen(buf));
	return buf;
}

static void
test_lone_halves(void)
{
	size_t n;

	CHECK_STR(mend("{\"a\":\"x\\ud800y\"}", &n), "{\"a\":\"x\\ufffdy\"}");
	CHECK_INT(n, 1);
	CHECK_STR(mend("{\"a\":\"\\uDC00\\uD83D\"}", &n),
	    "{\"a\":\"\\ufffd\\ufffd\"}");
	CHECK_INT(n, 2);
	/* A high half at the very end of a string, then a low half in
	 * the next string: not a pair. */
	CHECK_STR(mend("[\"\\ud83d\",\"\\ude00\"]", &n),
	    "[\"\\ufffd\",\"\\ufffd\"]");
	CHECK_INT(n, 2);
	/* Truncated body. */
	CHECK_STR(mend("\"\\ud83d", &n), "\"\\ufffd");
	CHECK_INT(n, 1);
}

static void
test_left_alone(void)
{
	static const char *same[] = {
		"{\"a\":\"\\ud83d\\ude00 pair\"}",
		"{\"a\":\"\\\\ud800 escaped backslash\"}",
		"{\"a\":\"\\u00e9\\u0000\\n\\\"\"}",
		"{\"a\":1}",
		"\\ud800 outside any string",
		"\"\\u12",
		"\"\\",
	};
	size_t i, n;

	for (i = 0; i < sizeof same / sizeof same[0]; i++) {
		CHECK_STR(mend(same[i], &n), same[i]);
		CHECK_INT(n, 0);
	}
}

static void
test_escaped_quote_keeps_string(void)
{
	size_t n;

	/* \" does not end the string: the half after it is still inside. */
	CHECK_STR(mend("{\"a\":\"say \\\"\\ud800\\\"\"}", &n),
	    "{\"a\":\"say \\\"\\ufffd\\\"\"}");
	CHECK_INT(n, 1);
}

static void
test_jansson_accepts_result(void)
{
	char body[] = "{\"t\":\"hi \\ud800 \\udfff there \\ud83d\\ude00\"}";
	json_t *j = json_loads(body, 0, NULL);

	CHECK(j == NULL); /* why the mending exists */
	CHECK_INT(webhook_mend_surrogates(body, strlen(body)), 2);
	j = json_loads(body, 0, NULL);
	CHECK(j != NULL);
	CHECK_STR(json_string_value(json_object_get(j, "t")),
	    "hi \xef\xbf\xbd \xef\xbf\xbd there \xf0\x9f\x98\x80");
	json_decref(j);
}

int
main(void)
{
	RUN(test_lone_halves);
	RUN(test_left_alone);
	RUN(test_escaped_quote_keeps_string);
	RUN(test_jansson_accepts_result);
	return check_done();
}
