/*
 * Webhook body -> struct wa_webhook: the envelope, every entry and change,
 * every messages[] and statuses[] object, and who the customer is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/freeall.h"
#include "wa_private.h"

struct wa_change {
	const json_t *value;
	const json_t *contacts;
	const char *thread;          /* history: the customer of the thread */
	bool echo, history;
	const char *phone_number_id;
	const char *display_phone_number;
};

static void
wa_customer_clear(struct wa_customer *c)
{
	FREE_ALL(c->wa_id, c->user_id, c->parent_user_id, c->username, c->name);
	memset(c, 0, sizeof *c);
}

static void
wa_item_clear(struct wa_item *it)
{
	free(it->phone_number_id);
	free(it->display_phone_number);
	wa_customer_clear(&it->customer);
	message_free(&it->message);
	FREE_ALL(it->status.message, it->status.error.title,
	    it->status.error.details, it->pricing_category, it->wa_type,
	    it->reply_id, it->referral_headline, it->referral_url,
	    it->new_wa_id, it->new_user_id);
	memset(it, 0, sizeof *it);
}

void
wa_webhook_free(struct wa_webhook *w)
{
	size_t i;

	if (w == NULL)
		return;
	for (i = 0; i < w->n_items; i++)
		wa_item_clear(&w->items[i]);
	free(w->items);
	w->items = NULL;
	w->n_items = 0;
	for (i = 0; i < w->n_templates; i++) {
		struct wa_template_update *t = &w->templates[i];

		FREE_ALL(t->waba_id, t->id, t->name, t->language, t->event,
		    t->reason, t->category);
	}
	free(w->templates);
	w->templates = NULL;
	w->n_templates = 0;
}

static struct wa_item *
wa_webhook_add(struct wa_webhook *w, size_t *cap)
{
	struct wa_item *items;
	size_t n;

	if (w->n_items == *cap) {
		/* Most bodies carry one object: one item stays within
		 * malloc's per-thread cache, where four would not. */
		n = *cap ? *cap * 2 : 1;
		if ((items = realloc(w->items, n * sizeof *items)) == NULL)
			return NULL;
		w->items = items;
		*cap = n;
	}
	memset(&w->items[w->n_items], 0, sizeof w->items[0]);
	return &w->items[w->n_items++];
}

static int
wa_dup(const char *s, char **dst)
{
	*dst = NULL;
	if (s == NULL)
		return 0;
	return (*dst = wa_strdup(s)) == NULL ? -1 : 0;
}

/* The contacts[] entry for this customer: by phone, by BSUID, or the only
 * one there is. */
static const json_t *
wa_contact_find(const json_t *contacts, const char *wa_id, const char *user_id)
{
	const json_t *c;
	const char *s;
	size_t i;

	json_array_foreach(contacts, i, c) {
		if (wa_id != NULL && (s = wa_json_str(c, "wa_id")) != NULL &&
		    strcmp(s, wa_id) == 0)
			return c;
		if (user_id != NULL && (s = wa_json_str(c, "user_id")) != NULL &&
		    strcmp(s, user_id) == 0)
			return c;
	}
	return json_array_size(contacts) == 1 ? json_array_get(contacts, 0) :
	    NULL;
}

/* The object's own ids win over the contact's (phone, BSUID, parent). */
static int
wa_customer_fill(struct wa_customer *cu, const struct wa_change *ch,
    const char *wa_id, const char *user_id, const char *parent)
{
	const json_t *c = wa_contact_find(ch->contacts, wa_id, user_id);
	const json_t *profile = json_object_get(c, "profile");
	const char *username = wa_json_nstr(profile, "username");

	wa_id = wa_json_or(wa_id, c, "wa_id");
	user_id = wa_json_or(user_id, c, "user_id");
	parent = wa_json_or(parent, c, "parent_user_id");
	username = wa_json_or(username, c, "username");
	if (wa_dup(wa_id, &cu->wa_id) != 0 ||
	    wa_dup(user_id, &cu->user_id) != 0 ||
	    wa_dup(parent, &cu->parent_user_id) != 0 ||
	    wa_dup(username, &cu->username) != 0 ||
	    wa_dup(wa_json_nstr(profile, "name"), &cu->name) != 0)
		return -1;
	return 0;
}

static int
wa_item_start(struct wa_item *it, enum wa_item_kind kind,
    const struct wa_change *ch)
{
	it->kind = kind;
	if (wa_dup(ch->phone_number_id, &it->phone_number_id) != 0 ||
	    wa_dup(ch->display_phone_number, &it->display_phone_number) != 0)
		return -1;
	return 0;
}

static enum td_msg_status wa_status_from_name(const char *s);

/* Echoes and history: who the customer is, and whether the business sent
 * the message (then "to" names the customer, or "from" is not the
 * thread's customer). */
static int
wa_customer_coex(const json_t *msg, const struct wa_change *ch,
    struct wa_item *it)
{
	char from[32], to[32], status[16];
	const char *f = wa_json_id(msg, "from", from, sizeof from);
	const char *t = wa_json_id(msg, "to", to, sizeof to);
	const char *who = ch->echo ? t : ch->thread;
	const char *st;
	size_t i;

	it->echo = ch->echo;
	it->history = ch->history;
	if (ch->echo || t != NULL || (f != NULL && who != NULL &&
	    strcmp(f, who) != 0)) {
		it->message.direction = TD_DIR_OUT;
		it->message.status = TD_MS_SENT;
		if (who == NULL)
			who = t;
	} else if (who == NULL) {
		who = f;
	}
	st = wa_json_nstr(json_object_get(msg, "history_context"), "status");
	if (it->message.direction == TD_DIR_OUT && st != NULL) {
		/* Meta writes these in capitals ("READ"). */
		for (i = 0; st[i] != '\0' && i + 1 < sizeof status; i++)
			status[i] = (char)(st[i] >= 'A' && st[i] <= 'Z' ?
			    st[i] - 'A' + 'a' : st[i]);
		status[i] = '\0';
		if (wa_status_from_name(status) > TD_MS_RECEIVED)
			it->message.status = wa_status_from_name(status);
	}
	return wa_customer_fill(&it->customer, ch, who,
	    wa_json_nstr(msg, ch->echo ? "to_user_id" : "from_user_id"), NULL);
}

static int
wa_parse_message(const json_t *msg, const struct wa_change *ch,
    struct wa_item *it)
{
	struct wa_customer *cu = &it->customer;
	char from[32];

	if (wa_item_start(it, WA_ITEM_MESSAGE, ch) != 0 ||
	    wa_message_parse(msg, ch->value, it) != 0)
		return -1;
	if (ch->echo || ch->history) {
		if (wa_customer_coex(msg, ch, it) != 0)
			return -1;
	} else if (wa_customer_fill(cu, ch, wa_json_id(msg, "from", from,
	    sizeof from), wa_json_nstr(msg, "from_user_id"),
	    wa_json_nstr(msg, "from_parent_user_id")) != 0)
		return -1;
	if (wa_dup(cu->wa_id ? cu->wa_id : cu->user_id, &it->message.from) != 0)
		return -1;
	it->ts = wa_json_timestamp(json_object_get(msg, "timestamp"));
	return wa_fingerprint(msg, "message", it);
}

static enum td_msg_status
wa_status_from_name(const char *s)
{
	static const struct {
		const char *name;
		enum td_msg_status status;
	} map[] = {
		{ "sent", TD_MS_SENT },
		{ "delivered", TD_MS_DELIVERED },
		{ "read", TD_MS_READ },
		{ "played", TD_MS_READ }, /* a voice note was listened to */
		{ "failed", TD_MS_FAILED },
	};
	size_t i;

	for (i = 0; s != NULL && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].name, s) == 0)
			return map[i].status;
	/* Unknown names stay at the bottom of the order: they never move a
	 * message's state; wa_type keeps the name. */
	return TD_MS_RECEIVED;
}

static int
wa_status_error(const json_t *errors, struct td_error *e)
{
	const json_t *first = json_array_get(errors, 0);
	const char *title, *details;

	if (!json_is_object(first))
		return 0;
	wa_error_texts(first, &title, &details);
	e->code = wa_json_code(json_object_get(first, "code"));
	if (wa_dup(title, &e->title) != 0 || wa_dup(details, &e->details) != 0)
		return -1;
	return 0;
}

static int
wa_parse_status(const json_t *st, const struct wa_change *ch,
    struct wa_item *it)
{
	struct wa_customer *cu = &it->customer;
	const char *name = wa_json_str(st, "status");
	char to[32];

	if (wa_item_start(it, WA_ITEM_STATUS, ch) != 0 ||
	    wa_dup(wa_json_nstr(st, "id"), &it->status.message) != 0 ||
	    wa_dup(name, &it->wa_type) != 0)
		return -1;
	it->status.status = wa_status_from_name(name);
	if (wa_status_error(json_object_get(st, "errors"), &it->status.error))
		return -1;
	if (wa_dup(wa_json_nstr(json_object_get(st, "pricing"), "category"),
	    &it->pricing_category) != 0)
		return -1;
	if (wa_customer_fill(cu, ch, wa_json_id(st, "recipient_id", to, sizeof to),
	    wa_json_nstr(st, "recipient_user_id"),
	    wa_json_nstr(st, "recipient_parent_user_id")) != 0)
		return -1;
	it->ts = wa_json_timestamp(json_object_get(st, "timestamp"));
	return wa_fingerprint(st, "status", it);
}

typedef int (*wa_object_fn)(const json_t *, const struct wa_change *,
    struct wa_item *);

/* Each object of value[key] (or a lone object there) becomes one item;
 * array members that are not objects carry nothing to keep. */
static int
wa_parse_list(const json_t *list, wa_object_fn fn, const struct wa_change *ch,
    struct wa_webhook *w, size_t *cap)
{
	const json_t *o;
	struct wa_item *it;
	size_t i, n = json_is_array(list) ? json_array_size(list) : 1;

	for (i = 0; i < n; i++) {
		o = json_is_array(list) ? json_array_get(list, i) : list;
		if (!json_is_object(o))
			continue;
		if ((it = wa_webhook_add(w, cap)) == NULL)
			return -1;
		if (fn(o, ch, it) != 0)
			return -1;
	}
	return 0;
}

/* The template id comes as a number; kept as text like every id. */
static char *
wa_template_id(const json_t *v)
{
	char buf[32];

	if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return wa_strdup(buf);
	}
	return wa_strdup(json_string_value(v));
}

static int
wa_parse_template_update(const json_t *entry, const json_t *value,
    struct wa_webhook *w)
{
	struct wa_template_update *t, *nt;

	if (!json_is_object(value) || wa_json_str(value,
	    "message_template_name") == NULL || wa_json_str(value,
	    "event") == NULL)
		return 0;
	if ((nt = realloc(w->templates, (w->n_templates + 1) * sizeof *nt)) ==
	    NULL)
		return -1;
	w->templates = nt;
	t = &nt[w->n_templates++];
	memset(t, 0, sizeof *t);
	t->waba_id = wa_template_id(json_object_get(entry, "id"));
	t->id = wa_template_id(json_object_get(value, "message_template_id"));
	t->name = wa_strdup(wa_json_str(value, "message_template_name"));
	t->language = wa_strdup(wa_json_str(value,
	    "message_template_language"));
	t->event = wa_strdup(wa_json_str(value, "event"));
	t->reason = wa_strdup(wa_json_str(value, "reason"));
	t->category = wa_strdup(wa_json_str(value,
	    "message_template_category"));
	return t->name == NULL || t->event == NULL ? -1 : 0;
}

/* A history change: every thread of every chunk, in body order (a
 * thread's messages come oldest first). */
static int
wa_parse_history(struct wa_change *ch, struct wa_webhook *w, size_t *cap)
{
	const json_t *chunk, *thread;
	char id[32];
	size_t i, j;

	json_array_foreach(json_object_get(ch->value, "history"), i, chunk) {
		json_array_foreach(json_object_get(chunk, "threads"), j,
		    thread) {
			ch->thread = wa_json_id(thread, "id", id, sizeof id);
			if (wa_parse_list(json_object_get(thread, "messages"),
			    wa_parse_message, ch, w, cap) != 0)
				return -1;
		}
	}
	return 0;
}

static int
wa_parse_change(const json_t *entry, const json_t *change,
    struct wa_webhook *w, size_t *cap)
{
	const char *field = wa_json_str(change, "field");
	const json_t *meta;
	struct wa_change ch;

	if (field != NULL && strcmp(field, "message_template_status_update") == 0)
		return wa_parse_template_update(entry, json_object_get(change,
		    "value"), w);
	memset(&ch, 0, sizeof ch);
	ch.echo = field != NULL && strcmp(field, "smb_message_echoes") == 0;
	ch.history = field != NULL && strcmp(field, "history") == 0;
	/* Other subscriptions (account updates, user preferences) reach the
	 * same callback; they are not ours to read. */
	if (field != NULL && strcmp(field, "messages") != 0 && !ch.echo &&
	    !ch.history)
		return 0;
	ch.value = json_object_get(change, "value");
	if (!json_is_object(ch.value))
		return 0;
	meta = json_object_get(ch.value, "metadata");
	ch.contacts = json_object_get(ch.value, "contacts");
	ch.phone_number_id = wa_json_nstr(meta, "phone_number_id");
	ch.display_phone_number = wa_json_nstr(meta, "display_phone_number");
	if (ch.history)
		return wa_parse_history(&ch, w, cap);
	if (ch.echo)
		return wa_parse_list(json_object_get(ch.value,
		    "message_echoes"), wa_parse_message, &ch, w, cap);
	if (wa_parse_list(json_object_get(ch.value, "messages"),
	    wa_parse_message, &ch, w, cap) != 0)
		return -1;
	return wa_parse_list(json_object_get(ch.value, "statuses"),
	    wa_parse_status, &ch, w, cap);
}

static int
wa_parse_envelope(const json_t *root, char *err, size_t errlen)
{
	const char *object = wa_json_str(root, "object");

	if (!json_is_object(root)) {
		snprintf(err, errlen, "webhook body is not a JSON object");
		return -1;
	}
	if (object == NULL) {
		snprintf(err, errlen, "webhook body has no \"object\" string: "
		    "not a WhatsApp Business Account notification");
		return -1;
	}
	if (strcmp(object, "whatsapp_business_account") != 0) {
		snprintf(err, errlen, "webhook object is \"%.*s\", not "
		    "\"whatsapp_business_account\"", wa_utf8_cut(object, 64),
		    object);
		return -1;
	}
	if (!json_is_array(json_object_get(root, "entry"))) {
		snprintf(err, errlen, "webhook body has no \"entry\" array");
		return -1;
	}
	return 0;
}

int
wa_parse_webhook(const char *body, size_t len, struct wa_webhook *out,
    char *err, size_t errlen)
{
	const json_t *entry, *change;
	json_error_t je;
	json_t *root;
	size_t i, j, cap = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (body == NULL || len == 0) {
		snprintf(err, errlen, "webhook body is empty");
		return -1;
	}
	/* \u0000 inside a string is legal JSON; refusing the whole body for
	 * it would lose every message in it. */
	if ((root = json_loadb(body, len, JSON_ALLOW_NUL, &je)) == NULL) {
		snprintf(err, errlen, "webhook body is not valid JSON: %s "
		    "(line %d, column %d)", je.text, je.line, je.column);
		return -1;
	}
	if (wa_parse_envelope(root, err, errlen) != 0)
		goto fail;
	json_array_foreach(json_object_get(root, "entry"), i, entry) {
		json_array_foreach(json_object_get(entry, "changes"), j, change) {
			if (wa_parse_change(entry, change, out, &cap) != 0) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
		}
	}
	rc = 0;
fail:
	if (rc != 0)
		wa_webhook_free(out);
	json_decref(root);
	return rc;
}
