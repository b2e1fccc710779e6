/*
 * The customer's answers to interactive messages reach the event as
 * structured fields (button_reply, list_reply, a Flow's nfm_reply with
 * its form fields), beside the text older clients show; template status
 * updates are read from their own webhook field.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ttydesk/event.h"
#include "ttydesk/wa.h"

#include "check.h"

static const struct wa_item *
parse_corpus(const char *name, struct wa_webhook *w)
{
	char path[1024], err[256], *body;
	size_t len;

	snprintf(path, sizeof path, "%s/%s", check_env_dir("TTYDESK_CORPUS_DIR",
	    TTYDESK_SOURCE_DIR "/tests/corpus/webhooks"), name);
	body = check_read_file(path, &len);
	CHECK(body != NULL);
	CHECK_INT(wa_parse_webhook(body, len, w, err, sizeof err), 0);
	free(body);
	CHECK_INT((long)w->n_items, 1);
	return w->n_items == 1 ? &w->items[0] : NULL;
}

static void
test_list_reply(void)
{
	struct wa_webhook w;
	const struct wa_item *it = parse_corpus(
	    "044-interactive-list-reply-description.json", &w);
	json_t *o;

	CHECK(it != NULL && it->message.interactive != NULL);
	if (it == NULL || it->message.interactive == NULL)
		return;
	CHECK_STR(it->message.interactive->type, "list_reply");
	CHECK_STR(it->message.interactive->id, "callback_data");
	CHECK_STR(it->message.interactive->description, "description");
	/* Old fields stay for old clients. */
	CHECK_STR(it->message.text, "title");
	CHECK_STR(it->reply_id, "callback_data");
	o = event_message_to_json(&it->message);
	CHECK_STR(json_string_value(json_object_get(json_object_get(o,
	    "interactive"), "title")), "title");
	json_decref(o);
	wa_webhook_free(&w);
}

static void
test_flow_fields(void)
{
	struct wa_webhook w;
	const struct wa_item *it = parse_corpus(
	    "047-interactive-nfm-reply.json", &w);
	json_t *o, *f;

	CHECK(it != NULL && it->message.interactive != NULL);
	if (it == NULL || it->message.interactive == NULL)
		return;
	o = event_message_to_json(&it->message);
	f = json_object_get(json_object_get(o, "interactive"), "fields");
	CHECK_STR(json_string_value(json_object_get(json_object_get(o,
	    "interactive"), "type")), "nfm_reply");
	CHECK_STR(json_string_value(json_object_get(f, "delivery_rating")),
	    "4");
	CHECK_STR(json_string_value(json_object_get(f, "comment_text")),
	    "Comment Text");
	CHECK(json_object_get(f, "flow_token") == NULL);
	CHECK(strncmp(it->message.text, "Flow response:", 14) == 0);
	json_decref(o);
	wa_webhook_free(&w);
}

static void
test_template_update(void)
{
	static const char body[] = "{\"object\":\"whatsapp_business_account\","
	    "\"entry\":[{\"id\":\"102290129340398\",\"time\":1,\"changes\":[{"
	    "\"value\":{\"event\":\"REJECTED\",\"message_template_id\":"
	    "594425479261596,\"message_template_name\":\"order\","
	    "\"message_template_language\":\"en_US\",\"reason\":"
	    "\"INCORRECT_CATEGORY\"},\"field\":"
	    "\"message_template_status_update\"}]}]}";
	struct wa_webhook w;
	char err[256];

	CHECK_INT(wa_parse_webhook(body, strlen(body), &w, err, sizeof err), 0);
	CHECK_INT((long)w.n_items, 0);
	CHECK_INT((long)w.n_templates, 1);
	if (w.n_templates == 1) {
		CHECK_STR(w.templates[0].waba_id, "102290129340398");
		CHECK_STR(w.templates[0].id, "594425479261596");
		CHECK_STR(w.templates[0].name, "order");
		CHECK_STR(w.templates[0].language, "en_US");
		CHECK_STR(w.templates[0].event, "REJECTED");
		CHECK_STR(w.templates[0].reason, "INCORRECT_CATEGORY");
	}
	wa_webhook_free(&w);
}

static void
test_round_trip(void)
{
	const char *text = "{\"seq\":1,\"ts\":2,\"type\":\"message\","
	    "\"conversation\":\"c1\",\"message\":{\"id\":\"w\",\"direction\":"
	    "\"in\",\"kind\":\"interactive\",\"from\":\"1\",\"text\":\"Yes\","
	    "\"status\":\"received\",\"interactive\":{\"type\":\"button_reply\","
	    "\"id\":\"y\",\"title\":\"Yes\"}}}";
	struct td_event ev;
	char err[256];
	json_t *o;

	CHECK_INT(event_parse_text(text, strlen(text), &ev, err, sizeof err), 0);
	CHECK(ev.u.message.interactive != NULL);
	o = event_message_to_json(&ev.u.message);
	CHECK_STR(json_string_value(json_object_get(json_object_get(o,
	    "interactive"), "id")), "y");
	json_decref(o);
	event_free(&ev);
}

int
main(void)
{
	RUN(test_list_reply);
	RUN(test_flow_fields);
	RUN(test_template_update);
	RUN(test_round_trip);
	return check_done();
}
