/*
 * wa_check_template / wa_check_interactive: what passes, and each limit
 * refused with a message naming the field.
 */
#include <stdio.h>
#include <string.h>

#include "ttydesk/wa_check.h"

#include "check.h"

static const char tmpl_text[] =
    "{\"name\":\"order\",\"language\":\"en_US\",\"status\":\"APPROVED\","
    "\"components\":["
    "{\"type\":\"HEADER\",\"format\":\"TEXT\",\"text\":\"Order {{1}}\"},"
    "{\"type\":\"BODY\",\"text\":\"Hi {{1}}, order {{2}} ships {{2}}.\"},"
    "{\"type\":\"FOOTER\",\"text\":\"Shop\"},"
    "{\"type\":\"BUTTONS\",\"buttons\":["
    "{\"type\":\"URL\",\"text\":\"Track\",\"url\":\"https://x.test/t/{{1}}\"},"
    "{\"type\":\"QUICK_REPLY\",\"text\":\"Stop\"},"
    "{\"type\":\"COPY_CODE\",\"example\":\"SAVE10\"}]}]}";

static json_t *
j(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	CHECK(v != NULL);
	return v;
}

/* 0 or -1 from wa_check_template, why into buf. */
static int
tcheck(const char *tmpl, const char *comps, char *why, size_t len)
{
	json_t *t = j(tmpl), *c = j(comps);
	int rc;

	why[0] = '\0';
	rc = wa_check_template(t, c, why, len);
	json_decref(t);
	json_decref(c);
	return rc;
}

#define GOOD_BODY "{\"type\":\"body\",\"parameters\":[{\"type\":\"text\"," \
	"\"text\":\"Ann\"},{\"type\":\"text\",\"text\":\"42\"}]}"
#define GOOD_HEADER "{\"type\":\"header\",\"parameters\":[{\"type\":\"text\"," \
	"\"text\":\"A1\"}]}"
#define GOOD_URL "{\"type\":\"button\",\"sub_type\":\"url\",\"index\":\"0\"," \
	"\"parameters\":[{\"type\":\"text\",\"text\":\"A1\"}]}"

static void
test_template_ok(void)
{
	char why[256];

	CHECK_INT(tcheck(tmpl_text, "[" GOOD_HEADER "," GOOD_BODY "," GOOD_URL
	    ",{\"type\":\"button\",\"sub_type\":\"quick_reply\",\"index\":1,"
	    "\"parameters\":[{\"type\":\"payload\",\"payload\":\"STOP\"}]},"
	    "{\"type\":\"button\",\"sub_type\":\"copy_code\",\"index\":\"2\","
	    "\"parameters\":[{\"type\":\"coupon_code\",\"coupon_code\":"
	    "\"SAVE10\"}]}]", why, sizeof why), 0);
	CHECK_STR(why, "");
}

static void
test_template_errors(void)
{
	char why[256];

	/* {{2}} twice is still two parameters. */
	CHECK_INT(tcheck(tmpl_text, "[" GOOD_HEADER ",{\"type\":\"body\","
	    "\"parameters\":[{\"type\":\"text\",\"text\":\"Ann\"}]}," GOOD_URL
	    "]", why, sizeof why), -1);
	CHECK(strstr(why, "has 2 parameters, 1 given") != NULL);
	CHECK_INT(tcheck(tmpl_text, "[" GOOD_BODY "," GOOD_URL "]", why,
	    sizeof why), -1);
	CHECK(strstr(why, "header") != NULL);
	/* The URL button's suffix is required. */
	CHECK_INT(tcheck(tmpl_text, "[" GOOD_HEADER "," GOOD_BODY "]", why,
	    sizeof why), -1);
	CHECK(strstr(why, "URL suffix") != NULL);
	CHECK_INT(tcheck(tmpl_text, "[" GOOD_HEADER "," GOOD_BODY "," GOOD_URL
	    ",{\"type\":\"button\",\"sub_type\":\"copy_code\",\"index\":\"2\","
	    "\"parameters\":[{\"type\":\"coupon_code\",\"coupon_code\":"
	    "\"SIXTEEN_CHARS_XX\"}]}]", why, sizeof why), -1);
	CHECK(strstr(why, "coupon code is 16 characters") != NULL);
	CHECK_INT(tcheck(tmpl_text, "[" GOOD_HEADER "," GOOD_BODY "," GOOD_URL
	    ",{\"type\":\"button\",\"sub_type\":\"url\",\"index\":\"1\","
	    "\"parameters\":[{\"type\":\"text\",\"text\":\"x\"}]}]", why,
	    sizeof why), -1);
	CHECK(strstr(why, "QUICK_REPLY button, not url") != NULL);
	CHECK_INT(tcheck(tmpl_text, "[" GOOD_HEADER "," GOOD_BODY "," GOOD_URL
	    ",{\"type\":\"button\",\"sub_type\":\"quick_reply\",\"index\":\"7\","
	    "\"parameters\":[{\"type\":\"payload\",\"payload\":\"x\"}]}]", why,
	    sizeof why), -1);
	CHECK(strstr(why, "has 3 buttons") != NULL);
	CHECK_INT(tcheck(tmpl_text, "[" GOOD_HEADER ",{\"type\":\"body\","
	    "\"parameters\":[{\"type\":\"text\",\"text\":\"\"},{\"type\":"
	    "\"text\",\"text\":\"x\"}]}," GOOD_URL "]", why, sizeof why), -1);
	CHECK(strstr(why, "body parameter 1") != NULL);
	CHECK_INT(tcheck("{\"name\":\"p\",\"status\":\"PAUSED\",\"components\":"
	    "[]}", "[]", why, sizeof why), -1);
	CHECK(strstr(why, "PAUSED") != NULL);
	CHECK_INT(tcheck(tmpl_text, "{}", why, sizeof why), -1);
	CHECK(strstr(why, "must be a list") != NULL);
}

static void
test_template_named_and_media(void)
{
	const char *named = "{\"name\":\"n\",\"status\":\"APPROVED\","
	    "\"parameter_format\":\"NAMED\",\"components\":[{\"type\":\"BODY\","
	    "\"text\":\"Hi {{first_name}}, your {{item}} is ready\"}]}";
	const char *media = "{\"name\":\"m\",\"components\":[{\"type\":"
	    "\"HEADER\",\"format\":\"IMAGE\"},{\"type\":\"BODY\",\"text\":"
	    "\"Look\"}]}";
	char why[256];

	CHECK_INT(tcheck(named, "[{\"type\":\"body\",\"parameters\":["
	    "{\"type\":\"text\",\"parameter_name\":\"item\",\"text\":\"bike\"},"
	    "{\"type\":\"text\",\"parameter_name\":\"first_name\",\"text\":"
	    "\"Ann\"}]}]", why, sizeof why), 0);
	CHECK_INT(tcheck(named, "[{\"type\":\"body\",\"parameters\":["
	    "{\"type\":\"text\",\"parameter_name\":\"item\",\"text\":\"bike\"},"
	    "{\"type\":\"text\",\"parameter_name\":\"name\",\"text\":"
	    "\"Ann\"}]}]", why, sizeof why), -1);
	CHECK(strstr(why, "{{first_name}} is missing") != NULL);
	CHECK_INT(tcheck(media, "[{\"type\":\"header\",\"parameters\":["
	    "{\"type\":\"image\",\"image\":{\"id\":\"123\"}}]}]", why,
	    sizeof why), 0);
	CHECK_INT(tcheck(media, "[{\"type\":\"header\",\"parameters\":["
	    "{\"type\":\"video\",\"video\":{\"id\":\"123\"}}]}]", why,
	    sizeof why), -1);
	CHECK(strstr(why, "is a image, the parameter a video") != NULL);
	CHECK_INT(tcheck(media, "[]", why, sizeof why), -1);
	CHECK(strstr(why, "needs one image parameter") != NULL);
}

static void
test_template_params_form(void)
{
	json_t *t = j(tmpl_text), *p = j("[\"Ann\"]");
	json_t *plain = j("{\"name\":\"b\",\"components\":[{\"type\":\"BODY\","
	    "\"text\":\"Hello {{1}}\"}]}");
	char why[256];

	CHECK_INT(wa_check_template_params(plain, p, why, sizeof why), 0);
	/* The old form fills the body only: a header to fill is missing. */
	CHECK_INT(wa_check_template_params(t, p, why, sizeof why), -1);
	json_decref(t);
	json_decref(p);
	json_decref(plain);
}

static int
icheck(const char *inter, char *why, size_t len)
{
	json_t *v = j(inter);
	int rc;

	why[0] = '\0';
	rc = wa_check_interactive(v, why, len);
	json_decref(v);
	return rc;
}

static void
test_interactive_buttons(void)
{
	char why[256];

	CHECK_INT(icheck("{\"type\":\"button\",\"header\":{\"type\":\"text\","
	    "\"text\":\"Hi\"},\"body\":{\"text\":\"Pick\"},\"footer\":{\"text\":"
	    "\"f\"},\"action\":{\"buttons\":[{\"type\":\"reply\",\"reply\":{"
	    "\"id\":\"a\",\"title\":\"Yes\"}},{\"type\":\"reply\",\"reply\":{"
	    "\"id\":\"b\",\"title\":\"No\"}}]}}", why, sizeof why), 0);
	CHECK_INT(icheck("{\"type\":\"button\",\"body\":{\"text\":\"P\"},"
	    "\"action\":{\"buttons\":[{\"type\":\"reply\",\"reply\":{\"id\":"
	    "\"a\",\"title\":\"1\"}},{\"type\":\"reply\",\"reply\":{\"id\":\"b\","
	    "\"title\":\"2\"}},{\"type\":\"reply\",\"reply\":{\"id\":\"c\","
	    "\"title\":\"3\"}},{\"type\":\"reply\",\"reply\":{\"id\":\"d\","
	    "\"title\":\"4\"}}]}}", why, sizeof why), -1);
	CHECK(strstr(why, "1 to 3") != NULL);
	/* 21 characters, one of them two bytes: counted in characters. */
	CHECK_INT(icheck("{\"type\":\"button\",\"body\":{\"text\":\"P\"},"
	    "\"action\":{\"buttons\":[{\"type\":\"reply\",\"reply\":{\"id\":"
	    "\"a\",\"title\":\"\\u00e9bcdefghijklmnopqrstu\"}}]}}", why,
	    sizeof why), -1);
	CHECK(strstr(why, "button 1 title is 21 characters") != NULL);
	CHECK_INT(icheck("{\"type\":\"button\",\"body\":{\"text\":\"P\"},"
	    "\"action\":{\"buttons\":[{\"type\":\"reply\",\"reply\":{\"id\":"
	    "\"a\",\"title\":\"\\u00e9bcdefghijklmnopqrst\"}}]}}", why,
	    sizeof why), 0);
	CHECK_INT(icheck("{\"type\":\"button\",\"body\":{\"text\":\"P\"},"
	    "\"action\":{\"buttons\":[{\"type\":\"reply\",\"reply\":{\"id\":"
	    "\"a\",\"title\":\"x\"}},{\"type\":\"reply\",\"reply\":{\"id\":\"a\","
	    "\"title\":\"y\"}}]}}", why, sizeof why), -1);
	CHECK(strstr(why, "share") != NULL);
	CHECK_INT(icheck("{\"type\":\"button\",\"action\":{\"buttons\":[]}}",
	    why, sizeof why), -1);
	CHECK(strstr(why, "body text") != NULL);
}

/* A list of n_sections sections of rows_each rows. */
static char *
list_json(int n_sections, int rows_each, int row_title_len)
{
	static char buf[16384];
	size_t off = 0;
	int s, r;

	off += (size_t)snprintf(buf + off, sizeof buf - off, "{\"type\":\"list\","
	    "\"body\":{\"text\":\"b\"},\"action\":{\"button\":\"Menu\","
	    "\"sections\":[");
	for (s = 0; s < n_sections; s++) {
		off += (size_t)snprintf(buf + off, sizeof buf - off,
		    "%s{\"title\":\"S%d\",\"rows\":[", s ? "," : "", s);
		for (r = 0; r < rows_each; r++)
			off += (size_t)snprintf(buf + off, sizeof buf - off,
			    "%s{\"id\":\"r%d_%d\",\"title\":\"%.*s\"}", r ? "," : "",
			    s, r, row_title_len, "abcdefghijklmnopqrstuvwxyz");
		off += (size_t)snprintf(buf + off, sizeof buf - off, "]}");
	}
	snprintf(buf + off, sizeof buf - off, "]}}");
	return buf;
}

static void
test_interactive_list(void)
{
	char why[256];

	CHECK_INT(icheck(list_json(2, 5, 24), why, sizeof why), 0);
	CHECK_INT(icheck(list_json(10, 1, 3), why, sizeof why), 0);
	CHECK_INT(icheck(list_json(3, 4, 3), why, sizeof why), -1);
	CHECK(strstr(why, "at most 10 rows") != NULL);
	CHECK_INT(icheck(list_json(11, 0, 3), why, sizeof why), -1);
	CHECK(strstr(why, "1 to 10 sections") != NULL);
	CHECK_INT(icheck(list_json(1, 1, 25), why, sizeof why), -1);
	CHECK(strstr(why, "row 1 title is 25") != NULL);
	CHECK_INT(icheck("{\"type\":\"list\",\"header\":{\"type\":\"image\","
	    "\"image\":{\"id\":\"1\"}},\"body\":{\"text\":\"b\"},\"action\":{"
	    "\"button\":\"M\",\"sections\":[{\"rows\":[{\"id\":\"1\",\"title\":"
	    "\"t\"}]}]}}", why, sizeof why), -1);
	CHECK(strstr(why, "only be text") != NULL);
	CHECK_INT(icheck("{\"type\":\"list\",\"body\":{\"text\":\"b\"},"
	    "\"action\":{\"button\":\"123456789012345678901\",\"sections\":[{"
	    "\"rows\":[{\"id\":\"1\",\"title\":\"t\"}]}]}}", why, sizeof why),
	    -1);
	CHECK(strstr(why, "action.button is 21") != NULL);
}

static void
test_interactive_other(void)
{
	char why[256], body[1100];

	CHECK_INT(icheck("{\"type\":\"cta_url\",\"body\":{\"text\":\"See\"},"
	    "\"action\":{\"name\":\"cta_url\",\"parameters\":{\"display_text\":"
	    "\"Open\",\"url\":\"https://x.test/\"}}}", why, sizeof why), 0);
	CHECK_INT(icheck("{\"type\":\"cta_url\",\"body\":{\"text\":\"See\"},"
	    "\"action\":{\"name\":\"cta_url\",\"parameters\":{\"display_text\":"
	    "\"Open\",\"url\":\"javascript:1\"}}}", why, sizeof why), -1);
	CHECK_INT(icheck("{\"type\":\"location_request_message\",\"body\":{"
	    "\"text\":\"Where?\"},\"action\":{\"name\":\"send_location\"}}", why,
	    sizeof why), 0);
	CHECK_INT(icheck("{\"type\":\"product\",\"body\":{\"text\":\"x\"},"
	    "\"action\":{}}", why, sizeof why), -1);
	CHECK(strstr(why, "product") != NULL);
	memset(body, 'a', 1025);
	body[1025] = '\0';
	{
		char buf[1300];

		snprintf(buf, sizeof buf, "{\"type\":\"location_request_message\","
		    "\"body\":{\"text\":\"%s\"},\"action\":{\"name\":"
		    "\"send_location\"}}", body);
		CHECK_INT(icheck(buf, why, sizeof why), -1);
		CHECK(strstr(why, "body text is 1025 characters") != NULL);
	}
}

int
main(void)
{
	RUN(test_template_ok);
	RUN(test_template_errors);
	RUN(test_template_named_and_media);
	RUN(test_template_params_form);
	RUN(test_interactive_buttons);
	RUN(test_interactive_list);
	RUN(test_interactive_other);
	return check_done();
}
