/*
 * Graph request bodies: parsed back with jansson and compared field by
 * field, "to" versus "recipient", reply context, template parameters,
 * button limits; and the wamid out of a send answer.
 */
#include <jansson.h>

#include "check.h"
#include "ttydesk/wa.h"

static const struct wa_recipient phone = { "15551234567",
    "US.13491208655302741918" };
static const struct wa_recipient bsuid = { NULL, "US.13491208655302741918" };

/* Parse s (and free it); NULL when s is NULL or not JSON. */
static json_t *
load(char *s)
{
	json_t *j;

	if (s == NULL)
		return NULL;
	j = json_loads(s, 0, NULL);
	free(s);
	return j;
}

static const char *
str_at(json_t *root, const char *path)
{
	char buf[256], *key, *save = NULL;
	json_t *v = root;

	snprintf(buf, sizeof buf, "%s", path);
	for (key = strtok_r(buf, ".", &save); key != NULL && v != NULL;
	    key = strtok_r(NULL, ".", &save)) {
		if (key[0] >= '0' && key[0] <= '9')
			v = json_array_get(v, (size_t)atoi(key));
		else
			v = json_object_get(v, key);
	}
	return json_string_value(v);
}

static void
check_head(json_t *j, const char *type)
{
	CHECK_STR(str_at(j, "messaging_product"), "whatsapp");
	CHECK_STR(str_at(j, "recipient_type"), "individual");
	CHECK_STR(str_at(j, "type"), type);
}

static void
test_text(void)
{
	json_t *j = load(wa_build_text(&phone, "Your order has shipped.", NULL));

	CHECK(j != NULL);
	check_head(j, "text");
	CHECK_STR(str_at(j, "to"), "15551234567");
	CHECK(json_object_get(j, "recipient") == NULL);
	CHECK_STR(str_at(j, "text.body"), "Your order has shipped.");
	CHECK(json_is_false(json_object_get(json_object_get(j, "text"),
	    "preview_url")));
	CHECK(json_object_get(j, "context") == NULL);
	CHECK_INT(json_object_size(j), 5);
	json_decref(j);

	j = load(wa_build_text(&phone, "yes", "wamid.HBgL"));
	CHECK_STR(str_at(j, "context.message_id"), "wamid.HBgL");
	json_decref(j);
	/* "" as reply_to means no reply. */
	j = load(wa_build_text(&phone, "yes", ""));
	CHECK(j != NULL && json_object_get(j, "context") == NULL);
	json_decref(j);
}

/* No phone: the BSUID goes in "recipient", never in "to". */
static void
test_bsuid_recipient(void)
{
	static const struct wa_recipient empty_phone = { "",
	    "US.13491208655302741918" };
	json_t *j = load(wa_build_text(&bsuid, "hello", NULL));

	CHECK(j != NULL);
	check_head(j, "text");
	CHECK_STR(str_at(j, "recipient"), "US.13491208655302741918");
	CHECK(json_object_get(j, "to") == NULL);
	json_decref(j);
	j = load(wa_build_text(&empty_phone, "hello", NULL));
	CHECK_STR(str_at(j, "recipient"), "US.13491208655302741918");
	CHECK(json_object_get(j, "to") == NULL);
	json_decref(j);
	j = load(wa_build_reaction(&bsuid, "wamid.X", "\xf0\x9f\x91\x8d"));
	CHECK_STR(str_at(j, "recipient"), "US.13491208655302741918");
	json_decref(j);
}

static void
test_exact_text(void)
{
	char *s = wa_build_text(&phone, "Hi \"you\"", "wamid.A");

	CHECK_STR(s, "{\"messaging_product\":\"whatsapp\",\"recipient_type\":"
	    "\"individual\",\"to\":\"15551234567\",\"type\":\"text\",\"text\":"
	    "{\"preview_url\":false,\"body\":\"Hi \\\"you\\\"\"},\"context\":"
	    "{\"message_id\":\"wamid.A\"}}");
	free(s);
}

static void
test_template(void)
{
	const char *params[] = { "A-1042", "Tuesday" };
	json_t *j = load(wa_build_template(&phone, "order_update", "en_US",
	    params, 2)), *p;

	CHECK(j != NULL);
	check_head(j, "template");
	CHECK_STR(str_at(j, "to"), "15551234567");
	CHECK_STR(str_at(j, "template.name"), "order_update");
	CHECK_STR(str_at(j, "template.language.code"), "en_US");
	CHECK_STR(str_at(j, "template.components.0.type"), "body");
	p = json_object_get(json_array_get(json_object_get(json_object_get(j,
	    "template"), "components"), 0), "parameters");
	CHECK_INT(json_array_size(p), 2);
	CHECK_STR(str_at(j, "template.components.0.parameters.0.type"), "text");
	CHECK_STR(str_at(j, "template.components.0.parameters.0.text"),
	    "A-1042");
	CHECK_STR(str_at(j, "template.components.0.parameters.1.text"),
	    "Tuesday");
	json_decref(j);

	/* No parameters: no components at all. */
	j = load(wa_build_template(&bsuid, "hello_world", "en", NULL, 0));
	CHECK(j != NULL);
	CHECK_STR(str_at(j, "recipient"), "US.13491208655302741918");
	CHECK(json_object_get(json_object_get(j, "template"), "components") ==
	    NULL);
	json_decref(j);

	CHECK(wa_build_template(&phone, "", "en", NULL, 0) == NULL);
	CHECK(wa_build_template(&phone, "x", NULL, NULL, 0) == NULL);
	CHECK(wa_build_template(&phone, "x", "en", NULL, 1) == NULL);
	params[1] = NULL;
	CHECK(wa_build_template(&phone, "x", "en", params, 2) == NULL);
}

static void
test_reaction_and_read(void)
{
	json_t *j = load(wa_build_reaction(&phone, "wamid.X", "\xf0\x9f\x91\x8d"));

	check_head(j, "reaction");
	CHECK_STR(str_at(j, "reaction.message_id"), "wamid.X");
	CHECK_STR(str_at(j, "reaction.emoji"), "\xf0\x9f\x91\x8d");
	json_decref(j);
	j = load(wa_build_reaction(&phone, "wamid.X", NULL));
	CHECK_STR(str_at(j, "reaction.emoji"), "");
	json_decref(j);
	CHECK(wa_build_reaction(&phone, NULL, "x") == NULL);

	j = load(wa_build_mark_read("wamid.IN1"));
	CHECK(j != NULL);
	CHECK_STR(str_at(j, "messaging_product"), "whatsapp");
	CHECK_STR(str_at(j, "status"), "read");
	CHECK_STR(str_at(j, "message_id"), "wamid.IN1");
	CHECK_INT(json_object_size(j), 3);
	json_decref(j);
	CHECK(wa_build_mark_read(NULL) == NULL);
	CHECK(wa_build_mark_read("") == NULL);
}

static void
test_buttons(void)
{
	const char *ids[] = { "csat_1", "csat_3", "csat_5" };
	const char *titles[] = { "Poor", "OK", "Excellent" };
	const char *long_title[] = { "Poor", "OK", "123456789012345678901" };
	/* 20 characters, 40 bytes: fits. */
	const char *utf8_title[] = { "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" };
	const char *four[] = { "a", "b", "c", "d" };
	json_t *j = load(wa_build_buttons(&phone, "How did we do?", ids, titles,
	    3));

	CHECK(j != NULL);
	check_head(j, "interactive");
	CHECK_STR(str_at(j, "interactive.type"), "button");
	CHECK_STR(str_at(j, "interactive.body.text"), "How did we do?");
	CHECK_STR(str_at(j, "interactive.action.buttons.0.type"), "reply");
	CHECK_STR(str_at(j, "interactive.action.buttons.0.reply.id"), "csat_1");
	CHECK_STR(str_at(j, "interactive.action.buttons.2.reply.id"), "csat_5");
	CHECK_STR(str_at(j, "interactive.action.buttons.2.reply.title"),
	    "Excellent");
	CHECK_INT(json_array_size(json_object_get(json_object_get(
	    json_object_get(j, "interactive"), "action"), "buttons")), 3);
	json_decref(j);

	CHECK(wa_build_buttons(&phone, "q", ids, long_title, 3) == NULL);
	j = load(wa_build_buttons(&phone, "q", ids, utf8_title, 1));
	CHECK(j != NULL);
	json_decref(j);
	CHECK(wa_build_buttons(&phone, "q", four, four, 4) == NULL);
	CHECK(wa_build_buttons(&phone, "q", ids, titles, 0) == NULL);
	CHECK(wa_build_buttons(&phone, "", ids, titles, 3) == NULL);
	CHECK(wa_build_buttons(&phone, NULL, ids, titles, 3) == NULL);
}

static void
test_bad_arguments(void)
{
	static const struct wa_recipient nobody = { NULL, NULL };
	static const struct wa_recipient blank = { "", "" };

	CHECK(wa_build_text(NULL, "x", NULL) == NULL);
	CHECK(wa_build_text(&nobody, "x", NULL) == NULL);
	CHECK(wa_build_text(&blank, "x", NULL) == NULL);
	CHECK(wa_build_text(&phone, NULL, NULL) == NULL);
	/* jansson refuses invalid UTF-8: no body rather than a broken one. */
	CHECK(wa_build_text(&phone, "bad \xff byte", NULL) == NULL);
	CHECK(wa_build_text(&phone, "ok", "bad \xc3") == NULL);
}

static void
test_send_response(void)
{
	const char *ok = "{\"messaging_product\": \"whatsapp\", \"contacts\": "
	    "[{\"input\": \"15551234567\", \"wa_id\": \"15551234567\"}], "
	    "\"messages\": [{\"id\": \"wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTND\"}]}";
	char *id = wa_parse_send_response(ok, strlen(ok));

	CHECK_STR(id, "wamid.HBgLMTU1NTEyMzQ1NjcVAgARGBI5QTND");
	free(id);
	CHECK(wa_parse_send_response("{\"messages\":[]}", 15) == NULL);
	CHECK(wa_parse_send_response("{\"messages\":[{\"id\":5}]}", 23) == NULL);
	CHECK(wa_parse_send_response("{\"error\":{}}", 12) == NULL);
	CHECK(wa_parse_send_response("garbage", 7) == NULL);
	CHECK(wa_parse_send_response(NULL, 0) == NULL);
	/* len is honoured: the id after it is not read. */
	CHECK(wa_parse_send_response(ok, 20) == NULL);
}

int
main(void)
{
	RUN(test_text);
	RUN(test_bsuid_recipient);
	RUN(test_exact_text);
	RUN(test_template);
	RUN(test_reaction_and_read);
	RUN(test_buttons);
	RUN(test_bad_arguments);
	RUN(test_send_response);
	return check_done();
}
