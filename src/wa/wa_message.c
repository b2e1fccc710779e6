/*
 * One messages[] object of a webhook -> struct td_message.
 *
 * Every message object gives a message: a type we cannot read, or a known
 * type with missing or mistyped fields, becomes TD_KIND_UNSUPPORTED with a
 * text that says what it was, so an agent still sees that the customer
 * wrote and nothing is silently lost.
 */
#include <stdlib.h>
#include <string.h>

#include "wa_private.h"

void
wa_error_texts(const json_t *e, const char **title, const char **details)
{
	const char *message = wa_json_nstr(e, "message");

	*title = wa_json_nstr(e, "title");
	*details = wa_json_nstr(json_object_get(e, "error_data"), "details");
	if (*title == NULL)
		*title = message;
	*details = wa_json_or(*details, e, "details");
	if (*details == NULL && message != NULL && strcmp(message, *title) != 0)
		*details = message;
}

char *
wa_errors_text(const json_t *errors)
{
	const json_t *e = json_array_get(errors, 0);
	const char *title, *details;
	int code = wa_json_code(json_object_get(e, "code"));
	struct buf b = { 0 };

	wa_error_texts(e, &title, &details);
	if (title == NULL && details == NULL && code == 0)
		return NULL;
	buf_adds(&b, title != NULL ? title : "error");
	if (details != NULL)
		buf_printf(&b, " (%s)", details);
	if (code != 0)
		buf_printf(&b, " [code %d]", code);
	return buf_take(&b, NULL);
}

/* Why plus the message's (or else the change's) errors[] into the text of
 * an unsupported message; everything but id and reply_to is dropped. */
static int
wa_message_unsupported(struct wa_item *it, const json_t *msg,
    const json_t *value, struct buf *why)
{
	struct td_message *m = &it->message;
	char *id = m->id, *reply_to = m->reply_to, *errs;

	m->id = m->reply_to = NULL;
	message_free(m);
	m->id = id;
	m->reply_to = reply_to;
	m->direction = TD_DIR_IN;
	m->status = TD_MS_RECEIVED;
	m->kind = TD_KIND_UNSUPPORTED;
	free(it->reply_id);
	it->reply_id = NULL;
	it->voice = it->animated = false;
	errs = wa_errors_text(json_object_get(msg, "errors"));
	if (errs == NULL)
		errs = wa_errors_text(json_object_get(value, "errors"));
	if (errs != NULL)
		buf_printf(why, ": %s", errs);
	free(errs);
	return (m->text = buf_take(why, NULL)) == NULL ? -1 : 0;
}

static int
wa_message_context(const json_t *msg, struct wa_item *it)
{
	const json_t *ctx = json_object_get(msg, "context");
	const json_t *ref = json_object_get(msg, "referral");

	it->forwarded = wa_json_true(ctx, "forwarded");
	it->frequently_forwarded = wa_json_true(ctx, "frequently_forwarded");
	if (wa_json_nstr(ctx, "id") != NULL &&
	    wa_json_take(ctx, "id", &it->message.reply_to) != 0)
		return -1;
	if (wa_json_take(ref, "headline", &it->referral_headline) != 0 ||
	    wa_json_take(ref, "source_url", &it->referral_url) != 0)
		return -1;
	return 0;
}

/* Labels in brackets, kept out of the customer's own text and caption:
 * "[Forwarded] [From ad: Summer sale]". */
static int
wa_message_annotate(const json_t *msg, struct wa_item *it)
{
	const json_t *ctx = json_object_get(msg, "context");
	const char *product = wa_json_nstr(json_object_get(ctx,
	    "referred_product"), "product_retailer_id");
	struct td_message *m = &it->message;
	struct buf b = { 0 };

	if (it->voice)
		buf_adds(&b, "[Voice message]");
	if (it->animated) {
		buf_sep(&b, " ");
		buf_adds(&b, "[Animated sticker]");
	}
	if (it->wa_type != NULL && strcmp(it->wa_type, "order") == 0 &&
	    m->kind != TD_KIND_UNSUPPORTED) {
		buf_sep(&b, " ");
		buf_adds(&b, "[Order]");
	}
	if (it->frequently_forwarded || it->forwarded) {
		buf_sep(&b, " ");
		buf_adds(&b, it->frequently_forwarded ?
		    "[Frequently forwarded]" : "[Forwarded]");
	}
	if (product != NULL) {
		buf_sep(&b, " ");
		buf_printf(&b, "[About product %s]", product);
	}
	if (json_is_object(json_object_get(msg, "referral"))) {
		buf_sep(&b, " ");
		if (it->referral_headline != NULL)
			buf_printf(&b, "[From ad: %s]", it->referral_headline);
		else if (it->referral_url != NULL)
			buf_printf(&b, "[From ad: %s]", it->referral_url);
		else
			buf_adds(&b, "[From ad]");
	}
	if (b.len == 0 && !b.failed)
		return 0;
	return (m->annotation = buf_take(&b, NULL)) == NULL ? -1 : 0;
}

int
wa_message_parse(const json_t *msg, const json_t *value, struct wa_item *it)
{
	struct td_message *m = &it->message;
	const char *name = wa_json_str(msg, "type");
	const struct wa_type *t = wa_type_find(name);
	struct buf why = { 0 };
	int rc;

	m->direction = TD_DIR_IN;
	m->status = TD_MS_RECEIVED;
	if (t == NULL && name == NULL)
		t = wa_type_guess(msg);
	if (t != NULL)
		name = t->name;
	if (name != NULL && (it->wa_type = wa_strdup(name)) == NULL)
		return -1;
	if (wa_json_take(msg, "id", &m->id) != 0 || wa_message_context(msg, it) != 0)
		goto fail;
	if (t != NULL) {
		m->kind = t->kind;
		rc = t->parse(json_object_get(msg, t->name), it, &why);
	} else {
		if (name != NULL)
			buf_printf(&why, "unsupported message type '%.*s'",
			    wa_utf8_cut(name, 64), name);
		else
			buf_adds(&why, "message without a type");
		rc = 1;
	}
	if (rc < 0 || why.failed)
		goto fail;
	if (rc == 1 && wa_message_unsupported(it, msg, value, &why) != 0)
		goto fail;
	buf_free(&why);
	return wa_message_annotate(msg, it);
fail:
	buf_free(&why);
	return -1;
}
