/* Templates from the relay: only approved ones, the fields to fill, the
 * send components, the relay's own errors before sending, the preview. */
#include <jansson.h>

#include "check.h"
#include "rtmpl.h"

static const char listing[] =
    "{\"templates\": ["
    "{\"name\": \"order_update\", \"language\": \"en_US\", \"category\": "
    "\"UTILITY\", \"status\": \"APPROVED\", \"components\": ["
    "{\"type\": \"HEADER\", \"format\": \"TEXT\", \"text\": \"Order {{1}}\"},"
    "{\"type\": \"BODY\", \"text\": \"Hi {{1}}, order {{2}} ships today.\"},"
    "{\"type\": \"FOOTER\", \"text\": \"Shop & Co\"},"
    "{\"type\": \"BUTTONS\", \"buttons\": ["
    "{\"type\": \"URL\", \"text\": \"Track\", \"url\": "
    "\"https://shop.example/t/{{1}}\"},"
    "{\"type\": \"QUICK_REPLY\", \"text\": \"Stop\"},"
    "{\"type\": \"COPY_CODE\", \"text\": \"Copy code\"}]}]},"
    "{\"name\": \"old_promo\", \"language\": \"en_US\", \"status\": "
    "\"REJECTED\", \"components\": []},"
    "{\"name\": \"welcome\", \"language\": \"de\", \"category\": "
    "\"MARKETING\", \"status\": \"APPROVED\", \"components\": ["
    "{\"type\": \"HEADER\", \"format\": \"IMAGE\"},"
    "{\"type\": \"BODY\", \"text\": \"Hallo {{first_name}}, {{first_name}}! "
    "Code {{code}}\"}]}]}";

static void
test_parse_and_fields(void)
{
	struct rtmpl_list l;
	const struct rtmpl *t;
	char err[256];

	CHECK_INT(rtmpl_parse(listing, strlen(listing), NULL, &l, err,
	    sizeof err), 0);
	CHECK_INT(l.n, 2); /* the rejected one is not offered */
	t = &l.t[0];
	CHECK_STR(t->name, "order_update");
	CHECK_INT(t->n_fields, 6);
	CHECK_STR(t->fields[0].label, "header {{1}}");
	CHECK_STR(t->fields[1].label, "body {{1}}");
	CHECK_STR(t->fields[2].label, "body {{2}}");
	CHECK_STR(t->fields[3].label, "button \"Track\" URL suffix");
	CHECK_INT(t->fields[3].index, 0);
	CHECK_STR(t->fields[4].label, "button \"Stop\" payload (optional)");
	CHECK_INT(t->fields[4].index, 1);
	CHECK(rtmpl_field_optional(&t->fields[4]));
	CHECK(!rtmpl_field_optional(&t->fields[3]));
	CHECK_STR(t->fields[5].label, "button \"Copy code\" coupon code");
	CHECK_INT(t->fields[5].index, 2);
	t = &l.t[1];
	CHECK_INT(t->n_fields, 3);
	CHECK_STR(t->fields[0].label, "header image (file or https link)");
	CHECK_STR(t->fields[1].label, "body {{first_name}}");
	CHECK_STR(t->fields[2].label, "body {{code}}");
	CHECK_STR(rtmpl_cost(&l.t[0], true),
	    "utility, free in the 24-hour window");
	CHECK_STR(rtmpl_cost(&l.t[1], true), "marketing, paid");
	rtmpl_list_free(&l);

	CHECK_INT(rtmpl_parse("{\"x\": 1}", 8, NULL, &l, err, sizeof err), -1);
	CHECK(strstr(err, "template list") != NULL);
	CHECK_INT(rtmpl_parse("garbage", 7, NULL, &l, err, sizeof err), -1);
}

/* Several numbers in several accounts: a conversation is offered its
 * number's account's templates (and those that name no account). */
static void
test_parse_per_account(void)
{
	static const char two[] = "{\"templates\": ["
	    "{\"waba_id\": \"1001\", \"name\": \"versand\", \"language\": "
	    "\"de\", \"status\": \"APPROVED\", \"components\": []},"
	    "{\"waba_id\": \"1002\", \"name\": \"expedition\", \"language\": "
	    "\"fr\", \"status\": \"APPROVED\", \"components\": []},"
	    "{\"name\": \"hello\", \"language\": \"en_US\", \"status\": "
	    "\"APPROVED\", \"components\": []}]}";
	struct rtmpl_list l;
	char err[256];

	CHECK_INT(rtmpl_parse(two, strlen(two), "1002", &l, err, sizeof err),
	    0);
	CHECK_INT(l.n, 2);
	CHECK_STR(l.t[0].name, "expedition");
	CHECK_STR(l.t[1].name, "hello");
	rtmpl_list_free(&l);
	CHECK_INT(rtmpl_parse(two, strlen(two), NULL, &l, err, sizeof err), 0);
	CHECK_INT(l.n, 3);
	rtmpl_list_free(&l);
}

static void
test_components_check_preview(void)
{
	const char *v[] = { "A-17", "Ann", "A-17", "A-17", "", "SAVE10" };
	const char *named[] = { "https://cdn.example/p.jpg", "Eva", "X1" };
	struct rtmpl_list l;
	json_t *c, *want;
	char err[256], *s, *p;

	CHECK_INT(rtmpl_parse(listing, strlen(listing), NULL, &l, err,
	    sizeof err), 0);
	c = rtmpl_components(&l.t[0], v);
	want = json_loads("[{\"type\": \"header\", \"parameters\": [{\"type\": "
	    "\"text\", \"text\": \"A-17\"}]}, {\"type\": \"body\", "
	    "\"parameters\": [{\"type\": \"text\", \"text\": \"Ann\"}, "
	    "{\"type\": \"text\", \"text\": \"A-17\"}]}, {\"type\": \"button\", "
	    "\"index\": \"0\", \"sub_type\": \"url\", \"parameters\": "
	    "[{\"type\": \"text\", \"text\": \"A-17\"}]}, {\"type\": \"button\", "
	    "\"index\": \"2\", \"sub_type\": \"copy_code\", \"parameters\": "
	    "[{\"type\": \"coupon_code\", \"coupon_code\": \"SAVE10\"}]}]", 0,
	    NULL);
	CHECK(json_equal(c, want));
	if (!json_equal(c, want)) {
		s = json_dumps(c, JSON_COMPACT);
		fprintf(stderr, "%s\n", s);
		free(s);
	}
	json_decref(c);
	json_decref(want);
	CHECK_INT(rtmpl_check(&l.t[0], v, err, sizeof err), 0);
	p = rtmpl_preview(&l.t[0], v);
	CHECK_STR(p, "Order A-17\nHi Ann, order A-17 ships today.\nShop & Co\n"
	    "[Track]\n[Stop]\n[Copy code]");
	free(p);

	/* The relay's own words (wa_check_template). */
	/* A quick-reply payload given: its own component. */
	v[4] = "stop-A-17";
	CHECK_INT(rtmpl_check(&l.t[0], v, err, sizeof err), 0);
	c = rtmpl_components(&l.t[0], v);
	CHECK_INT(json_array_size(c), 5);
	want = json_loads("{\"type\": \"button\", \"index\": \"1\", "
	    "\"sub_type\": \"quick_reply\", \"parameters\": [{\"type\": "
	    "\"payload\", \"payload\": \"stop-A-17\"}]}", 0, NULL);
	CHECK(json_equal(json_array_get(c, 3), want));
	json_decref(want);
	json_decref(c);
	v[4] = "";
	v[5] = "SAVE10SAVE10SAVE";
	CHECK_INT(rtmpl_check(&l.t[0], v, err, sizeof err), -1);
	CHECK_STR(err, "the coupon code is 16 characters, over Meta's limit "
	    "of 15");
	/* Checked alone, as typed: the coupon code, not the others. */
	CHECK_INT(rtmpl_check_field(&l.t[0], 5, "SAVE10SAVE10SAVE", err,
	    sizeof err), -1);
	CHECK(strstr(err, "coupon code is 16 characters") != NULL);
	CHECK_INT(rtmpl_check_field(&l.t[0], 5, "SAVE10", err, sizeof err), 0);
	CHECK_INT(rtmpl_check_field(&l.t[0], 4, "", err, sizeof err), 0);
	v[5] = "";
	CHECK_INT(rtmpl_check(&l.t[0], v, err, sizeof err), -1);
	CHECK_STR(err, "button \"Copy code\" coupon code cannot be empty");

	/* Named body parameters and a media header. */
	CHECK_INT(rtmpl_check(&l.t[1], named, err, sizeof err), 0);
	c = rtmpl_components(&l.t[1], named);
	CHECK_STR(json_string_value(json_object_get(json_array_get(
	    json_object_get(json_array_get(c, 1), "parameters"), 0),
	    "parameter_name")), "first_name");
	CHECK_STR(json_string_value(json_object_get(json_object_get(
	    json_array_get(json_object_get(json_array_get(c, 0), "parameters"),
	    0), "image"), "link")), "https://cdn.example/p.jpg");
	json_decref(c);
	p = rtmpl_preview(&l.t[1], named);
	CHECK_STR(p, "[image] https://cdn.example/p.jpg\nHallo Eva, Eva! Code X1");
	free(p);
	/* The agent's file kept on the relay goes as an id. */
	named[0] = "local.0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef";
	CHECK_INT(rtmpl_check(&l.t[1], named, err, sizeof err), 0);
	c = rtmpl_components(&l.t[1], named);
	CHECK_STR(json_string_value(json_object_get(json_object_get(
	    json_array_get(json_object_get(json_array_get(c, 0), "parameters"),
	    0), "image"), "id")), named[0]);
	json_decref(c);
	/* The header's kind: an image header takes no PDF. */
	CHECK_INT(rtmpl_media_ok(&l.t[1].fields[0], "a.pdf", "document",
	    "application/pdf", err, sizeof err), -1);
	CHECK_STR(err, "an image header takes JPEG or PNG, not application/pdf");
	CHECK_INT(rtmpl_media_ok(&l.t[1].fields[0], "a.png", "image",
	    "image/png", err, sizeof err), 0);
	rtmpl_list_free(&l);
}

int
main(void)
{
	RUN(test_parse_and_fields);
	RUN(test_parse_per_account);
	RUN(test_components_check_preview);
	return check_done();
}
