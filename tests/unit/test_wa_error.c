/*
 * wa_classify_error(): every code of the table, HTTP fallbacks, titles
 * without the "(#code) " prefix, and garbage bodies.
 */
#include "check.h"
#include "ttydesk/wa.h"

static struct wa_error_info info;

static void
classify_code(long http, int code)
{
	char body[512];

	snprintf(body, sizeof body, "{\"error\": {\"message\": \"(#%d) "
	    "Something\", \"type\": \"OAuthException\", \"code\": %d, "
	    "\"fbtrace_id\": \"Ab\"}}", code, code);
	wa_classify_error(http, body, strlen(body), &info);
}

static void
test_table(void)
{
	static const struct {
		int code;
		enum wa_error_class cls;
	} table[] = {
		{ 131047, WA_ERR_WINDOW_CLOSED },
		{ 130429, WA_ERR_RATE_LIMITED }, { 131056, WA_ERR_RATE_LIMITED },
		{ 4, WA_ERR_RATE_LIMITED }, { 80007, WA_ERR_RATE_LIMITED },
		{ 131048, WA_ERR_RATE_LIMITED },
		{ 131000, WA_ERR_RETRY }, { 1, WA_ERR_RETRY }, { 2, WA_ERR_RETRY },
		{ 131016, WA_ERR_RETRY }, { 133004, WA_ERR_RETRY },
		{ 131026, WA_ERR_PERMANENT }, { 131051, WA_ERR_PERMANENT },
		{ 100, WA_ERR_PERMANENT }, { 131008, WA_ERR_PERMANENT },
		{ 131009, WA_ERR_PERMANENT }, { 131021, WA_ERR_PERMANENT },
		{ 131053, WA_ERR_PERMANENT }, { 130472, WA_ERR_PERMANENT },
		{ 132000, WA_ERR_PERMANENT }, { 132001, WA_ERR_PERMANENT },
		{ 132015, WA_ERR_PERMANENT }, { 132050, WA_ERR_PERMANENT },
		{ 132099, WA_ERR_PERMANENT },
		{ 190, WA_ERR_AUTH }, { 368, WA_ERR_AUTH }, { 10, WA_ERR_AUTH },
		{ 200, WA_ERR_AUTH }, { 299, WA_ERR_AUTH }, { 131031, WA_ERR_AUTH },
	};
	size_t i;

	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		/* The code decides, whatever the HTTP status. */
		classify_code(400, table[i].code);
		if (info.cls != table[i].cls)
			fprintf(stderr, "code %d -> %s\n", table[i].code,
			    wa_error_class_name(info.cls));
		CHECK_INT(info.cls, table[i].cls);
		CHECK_INT(info.code, table[i].code);
		CHECK_STR(info.title, "Something");
		classify_code(500, table[i].code);
		CHECK_INT(info.cls, table[i].cls);
	}
}

static void
test_spec_example(void)
{
	const char *body = "{\"error\": {\"message\": \"(#131047) Re-engagement "
	    "message\", \"type\": \"OAuthException\", \"code\": 131047, "
	    "\"error_data\": {\"messaging_product\": \"whatsapp\", \"details\": "
	    "\"Message failed to send because more than 24 hours have passed "
	    "since the customer last replied to this number.\"}, "
	    "\"fbtrace_id\": \"AbCdEf\"}}";

	wa_classify_error(400, body, strlen(body), &info);
	CHECK_INT(info.cls, WA_ERR_WINDOW_CLOSED);
	CHECK_INT(info.code, 131047);
	CHECK_STR(info.title, "Re-engagement message");
	CHECK_STR(info.details, "Message failed to send because more than 24 "
	    "hours have passed since the customer last replied to this number.");
	CHECK_STR(wa_error_class_name(info.cls), "window_closed");
}

static void
test_titles(void)
{
	const char *user_title = "{\"error\":{\"message\":\"(#100) Invalid "
	    "parameter\",\"code\":100,\"error_user_title\":\"Bad phone\","
	    "\"error_user_msg\":\"The number is wrong\"}}";
	const char *no_title = "{\"error\":{\"code\":131026}}";
	const char *unknown = "{\"error\":{\"code\":999999}}";
	const char *string_code = "{\"error\":{\"code\":\"130429\"}}";
	const char *plain = "{\"error\":{\"message\":\"Invalid OAuth access "
	    "token.\",\"type\":\"OAuthException\",\"code\":190}}";

	wa_classify_error(400, user_title, strlen(user_title), &info);
	CHECK_STR(info.title, "Bad phone");
	CHECK_STR(info.details, "The number is wrong");
	CHECK_INT(info.cls, WA_ERR_PERMANENT);
	/* No text in the body: the table's human title. */
	wa_classify_error(400, no_title, strlen(no_title), &info);
	CHECK_STR(info.title, "Message undeliverable");
	CHECK_STR(info.details, "");
	wa_classify_error(400, unknown, strlen(unknown), &info);
	CHECK_INT(info.cls, WA_ERR_PERMANENT);
	CHECK_STR(info.title, "Graph API error 999999");
	wa_classify_error(503, unknown, strlen(unknown), &info);
	CHECK_INT(info.cls, WA_ERR_RETRY);
	wa_classify_error(400, string_code, strlen(string_code), &info);
	CHECK_INT(info.code, 130429);
	CHECK_INT(info.cls, WA_ERR_RATE_LIMITED);
	CHECK_STR(info.title, "Rate limit hit");
	wa_classify_error(401, plain, strlen(plain), &info);
	CHECK_INT(info.cls, WA_ERR_AUTH);
	CHECK_STR(info.title, "Invalid OAuth access token.");
}

static void
test_http_fallback(void)
{
	static const struct {
		long http;
		enum wa_error_class cls;
	} table[] = {
		{ 200, WA_ERR_NONE }, { 201, WA_ERR_NONE },
		{ 429, WA_ERR_RATE_LIMITED },
		{ 401, WA_ERR_AUTH }, { 403, WA_ERR_AUTH },
		{ 400, WA_ERR_PERMANENT }, { 404, WA_ERR_PERMANENT },
		{ 500, WA_ERR_RETRY }, { 502, WA_ERR_RETRY }, { 503, WA_ERR_RETRY },
		{ 0, WA_ERR_RETRY },
	};
	static const char *const garbage[] = { NULL, "", "<html>Bad Gateway"
	    "</html>", "{\"error\":", "{\"error\":\"text\"}", "[1,2]",
	    "{\"error\":{\"code\":{}}}", "{\"error\":{\"code\":-5}}" };
	size_t i, g;

	for (i = 0; i < sizeof table / sizeof table[0]; i++) {
		for (g = 0; g < sizeof garbage / sizeof garbage[0]; g++) {
			wa_classify_error(table[i].http, garbage[g], garbage[g] ?
			    strlen(garbage[g]) : 0, &info);
			CHECK_INT(info.cls, table[i].cls);
			CHECK_INT(info.code, 0);
			if (table[i].cls == WA_ERR_NONE)
				CHECK_STR(info.title, "");
			else
				CHECK(info.title[0] != '\0');
		}
	}
	wa_classify_error(502, "<html>", 6, &info);
	CHECK_STR(info.title, "Graph API answered HTTP 502");
	wa_classify_error(0, NULL, 0, &info);
	CHECK_STR(info.title, "No answer from the Graph API");
	/* A success answer is no error. */
	wa_classify_error(200, "{\"messages\":[{\"id\":\"wamid.X\"}]}", 31,
	    &info);
	CHECK_INT(info.cls, WA_ERR_NONE);
}

/* Long texts are cut on a character boundary. */
static void
test_truncation(void)
{
	char body[2048], title[601];
	size_t i;

	for (i = 0; i < 300; i++)
		memcpy(title + 2 * i, "\xc3\xa9", 2);
	title[600] = '\0';
	snprintf(body, sizeof body, "{\"error\":{\"code\":100,\"error_user_title"
	    "\":\"x%s\",\"error_data\":{\"details\":\"%s\"}}}", title, title);
	wa_classify_error(400, body, strlen(body), &info);
	CHECK_INT(strlen(info.title), 159);
	CHECK_INT(strlen(info.details), 254);
	CHECK(((unsigned char)info.details[253] & 0xc0) == 0x80);
}

static void
test_names(void)
{
	CHECK_STR(wa_error_class_name(WA_ERR_NONE), "none");
	CHECK_STR(wa_error_class_name(WA_ERR_RETRY), "retry");
	CHECK_STR(wa_error_class_name(WA_ERR_RATE_LIMITED), "rate_limited");
	CHECK_STR(wa_error_class_name(WA_ERR_AUTH), "auth");
	CHECK_STR(wa_error_class_name(WA_ERR_PERMANENT), "permanent");
}

int
main(void)
{
	RUN(test_table);
	RUN(test_spec_example);
	RUN(test_titles);
	RUN(test_http_fallback);
	RUN(test_truncation);
	RUN(test_names);
	return check_done();
}
