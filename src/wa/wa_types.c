/*
 * One handler per WhatsApp message type: the type's object -> the fields
 * of struct td_message (and the extras of struct wa_item).
 *
 * A handler never drops a message: when the object is missing or mistyped
 * it says why, and wa_message.c turns the message into TD_KIND_UNSUPPORTED
 * with that text.
 */
#include <stdlib.h>
#include <string.h>

#include "wa_private.h"

static int
wa_type_text(const json_t *body, struct wa_item *it, struct buf *why)
{
	if (wa_json_str(body, "body") == NULL) {
		buf_adds(why, "text message without a body");
		return 1;
	}
	return wa_json_take(body, "body", &it->message.text);
}

static int
wa_type_media(const json_t *body, struct wa_item *it, struct buf *why)
{
	struct td_message *m = &it->message;
	struct td_media *md;
	const json_t *size;

	if (!json_is_object(body) || (!json_is_string(json_object_get(body,
	    "id")) && !json_is_integer(json_object_get(body, "id")))) {
		buf_printf(why, "%s message without a media id", it->wa_type);
		return 1;
	}
	if ((md = calloc(1, sizeof *md)) == NULL)
		return -1;
	m->media = md;
	md->size = -1;
	size = json_object_get(body, "file_size");
	if (json_is_integer(size) && json_integer_value(size) >= 0)
		md->size = json_integer_value(size);
	it->voice = wa_json_true(body, "voice");
	it->animated = wa_json_true(body, "animated");
	if (wa_json_take(body, "id", &md->id) != 0 ||
	    wa_json_take(body, "mime_type", &md->mime_type) != 0 ||
	    wa_json_take(body, "sha256", &md->sha256) != 0 ||
	    wa_json_take(body, "filename", &md->filename) != 0 ||
	    wa_json_take(body, "caption", &m->caption) != 0)
		return -1;
	return 0;
}

static int
wa_coordinate_ok(const json_t *v, double limit, double *out)
{
	return wa_json_number(v, out) == 0 && *out >= -limit && *out <= limit;
}

static void
wa_describe_value(struct buf *b, const json_t *v)
{
	char *s;

	if (json_is_string(v))
		buf_printf(b, "'%.*s'", wa_utf8_cut(json_string_value(v), 64),
		    json_string_value(v));
	else if (v == NULL)
		buf_adds(b, "missing");
	else if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) != NULL) {
		buf_printf(b, "%.*s", wa_utf8_cut(s, 64), s);
		free(s);
	}
}

/* Placeholder coordinates ("LOCATION_LATITUDE") must not lose the name
 * and address, and must not become a made-up point at 0,0: the message
 * is kept as unsupported text that carries all of it. */
static int
wa_type_location(const json_t *body, struct wa_item *it, struct buf *why)
{
	const json_t *lat = json_object_get(body, "latitude");
	const json_t *lon = json_object_get(body, "longitude");
	const char *name = wa_json_nstr(body, "name");
	const char *addr = wa_json_nstr(body, "address");
	struct td_location *l;
	double la, lo;

	if (!json_is_object(body)) {
		buf_adds(why, "location message without a location");
		return 1;
	}
	if (!wa_coordinate_ok(lat, 90, &la) || !wa_coordinate_ok(lon, 180, &lo)) {
		buf_adds(why, "location without valid coordinates (latitude ");
		wa_describe_value(why, lat);
		buf_adds(why, ", longitude ");
		wa_describe_value(why, lon);
		buf_adds(why, ")");
		if (name != NULL || addr != NULL)
			buf_printf(why, ": %s%s%s", name ? name : "",
			    name && addr ? ", " : "", addr ? addr : "");
		return 1;
	}
	if ((l = calloc(1, sizeof *l)) == NULL)
		return -1;
	it->message.location = l;
	l->latitude = la;
	l->longitude = lo;
	if (wa_json_take(body, "name", &l->name) != 0 ||
	    wa_json_take(body, "address", &l->address) != 0)
		return -1;
	return 0;
}

static void
wa_contact_card(struct buf *b, const json_t *card)
{
	const json_t *name = json_object_get(card, "name");
	const json_t *phones = json_object_get(card, "phones"), *p;
	const char *formatted = wa_json_nstr(name, "formatted_name");
	const char *first = wa_json_nstr(name, "first_name");
	const char *last = wa_json_nstr(name, "last_name");
	size_t i, n = 0;

	if (formatted != NULL)
		buf_adds(b, formatted);
	else if (first != NULL || last != NULL)
		buf_printf(b, "%s%s%s", first ? first : "",
		    first && last ? " " : "", last ? last : "");
	else
		buf_adds(b, "(no name)");
	json_array_foreach(phones, i, p) {
		const char *phone = wa_json_nstr(p, "phone");

		if (phone == NULL)
			phone = wa_json_nstr(p, "wa_id");
		if (phone == NULL)
			continue;
		buf_adds(b, n++ == 0 ? " (" : ", ");
		buf_adds(b, phone);
	}
	if (n != 0)
		buf_adds(b, ")");
}

/* Names and phone numbers, one card after another: "Ann (+1 555); Bo". */
static int
wa_type_contacts(const json_t *body, struct wa_item *it, struct buf *why)
{
	struct buf b = { 0 };
	const json_t *card;
	size_t i;

	if (!json_is_array(body) || json_array_size(body) == 0) {
		buf_adds(why, "contacts message without any contact card");
		return 1;
	}
	json_array_foreach(body, i, card) {
		buf_sep(&b, "; ");
		wa_contact_card(&b, card);
	}
	it->message.text = buf_take(&b, NULL);
	return it->message.text == NULL ? -1 : 0;
}

/* A Flow's answer (nfm_reply) comes as a JSON string: shown as
 * "field: value, ..." without the opaque flow_token. */
static char *
wa_flow_summary(const json_t *reply)
{
	const char *raw = wa_json_str(reply, "response_json");
	struct buf b = { 0 };
	const char *key;
	json_t *doc, *v;
	size_t n = 0;
	char *s;

	doc = raw != NULL ? json_loads(raw, 0, NULL) : NULL;
	buf_adds(&b, "Flow response");
	if (!json_is_object(doc)) {
		if (raw != NULL)
			buf_printf(&b, ": %s", raw);
		else if (wa_json_nstr(reply, "body") != NULL)
			buf_printf(&b, ": %s", wa_json_str(reply, "body"));
		json_decref(doc);
		return buf_take(&b, NULL);
	}
	buf_adds(&b, ":");
	json_object_foreach(doc, key, v) {
		if (strcmp(key, "flow_token") == 0)
			continue;
		buf_printf(&b, "%s %s: ", n++ == 0 ? "" : ",", key);
		if (json_is_string(v))
			buf_adds(&b, json_string_value(v));
		else if ((s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY))) {
			buf_adds(&b, s);
			free(s);
		}
	}
	json_decref(doc);
	return buf_take(&b, NULL);
}

/* The answer as structured fields (td_interactive) beside the text older
 * clients show. */
static int
wa_interactive_new(struct td_message *m, const char *itype,
    const json_t *reply)
{
	struct td_interactive *x = calloc(1, sizeof *x);
	const char *raw = wa_json_str(reply, "response_json");
	json_t *doc;

	if (x == NULL)
		return -1;
	m->interactive = x;
	if ((x->type = wa_strdup(itype)) == NULL ||
	    wa_json_take(reply, "id", &x->id) != 0 ||
	    wa_json_take(reply, "title", &x->title) != 0 ||
	    wa_json_take(reply, "description", &x->description) != 0)
		return -1;
	doc = raw != NULL ? json_loads(raw, 0, NULL) : NULL;
	if (json_is_object(doc)) {
		/* The token is the business's own, not the customer's answer. */
		json_object_del(doc, "flow_token");
		x->fields = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(doc);
		return x->fields == NULL ? -1 : 0;
	}
	json_decref(doc);
	return 0;
}

static int
wa_interactive_reply(const json_t *reply, struct wa_item *it,
    struct buf *why, const char *itype)
{
	struct td_message *m = &it->message;

	if (wa_json_str(reply, "title") == NULL &&
	    wa_json_str(reply, "id") == NULL) {
		buf_printf(why, "interactive %s without a title or id", itype);
		return 1;
	}
	if (wa_json_take(reply, "id", &it->reply_id) != 0 ||
	    wa_json_take(reply, "title", &m->text) != 0 ||
	    wa_json_take(reply, "description", &m->caption) != 0)
		return -1;
	if (m->text == NULL && (m->text = wa_strdup(it->reply_id)) == NULL)
		return -1;
	return wa_interactive_new(m, itype, reply);
}

static int
wa_type_interactive(const json_t *body, struct wa_item *it,
    struct buf *why)
{
	static const char *const known[] = { "button_reply", "list_reply",
	    "nfm_reply" };
	const char *itype = wa_json_str(body, "type");
	size_t i;

	if (!json_is_object(body)) {
		buf_adds(why, "interactive message without content");
		return 1;
	}
	for (i = 0; itype == NULL && i < sizeof known / sizeof known[0]; i++)
		if (json_is_object(json_object_get(body, known[i])))
			itype = known[i];
	if (itype == NULL) {
		buf_adds(why, "interactive message without a type");
		return 1;
	}
	if (strcmp(itype, "nfm_reply") == 0 &&
	    json_is_object(json_object_get(body, itype))) {
		free(it->wa_type);
		it->wa_type = wa_strdup("nfm_reply");
		it->message.text = wa_flow_summary(json_object_get(body, itype));
		if (it->message.text == NULL || it->wa_type == NULL)
			return -1;
		return wa_interactive_new(&it->message, itype,
		    json_object_get(body, itype));
	}
	if (strcmp(itype, "button_reply") == 0 || strcmp(itype, "list_reply") == 0)
		return wa_interactive_reply(json_object_get(body, itype), it, why,
		    itype);
	buf_printf(why, "unsupported interactive type '%.*s'",
	    wa_utf8_cut(itype, 64), itype);
	return 1;
}

static int
wa_type_button(const json_t *body, struct wa_item *it, struct buf *why)
{
	struct td_message *m = &it->message;

	if (wa_json_str(body, "text") == NULL &&
	    wa_json_str(body, "payload") == NULL) {
		buf_adds(why, "button message without text or payload");
		return 1;
	}
	if (wa_json_take(body, "payload", &it->reply_id) != 0 ||
	    wa_json_take(body, "text", &m->text) != 0)
		return -1;
	if (m->text == NULL && (m->text = wa_strdup(it->reply_id)) == NULL)
		return -1;
	return 0;
}

/* An empty or missing emoji removes the reaction: both become "". */
static int
wa_type_reaction(const json_t *body, struct wa_item *it, struct buf *why)
{
	struct td_message *m = &it->message;

	if (wa_json_nstr(body, "message_id") == NULL) {
		buf_adds(why, "reaction without the message it reacts to");
		return 1;
	}
	if (wa_json_take(body, "message_id", &m->reaction_to) != 0 ||
	    wa_json_take(body, "emoji", &m->reaction_emoji) != 0)
		return -1;
	if (m->reaction_emoji == NULL && (m->reaction_emoji = wa_strdup("")) ==
	    NULL)
		return -1;
	return 0;
}

static void
wa_order_line(struct buf *b, const json_t *p, double *total,
    const char **cur, int *exact)
{
	const char *sku = wa_json_nstr(p, "product_retailer_id");
	const char *c = wa_json_nstr(p, "currency");
	const json_t *qv = json_object_get(p, "quantity");
	const json_t *pv = json_object_get(p, "item_price");
	double q, price;

	buf_printf(b, "\n- %s x", sku ? sku : "(no product id)");
	if (wa_json_number(qv, &q) == 0)
		buf_printf(b, "%g", q);
	else
		wa_describe_value(b, qv);
	buf_adds(b, " at ");
	if (wa_json_number(pv, &price) == 0)
		buf_printf(b, "%.2f", price);
	else
		wa_describe_value(b, pv);
	if (c != NULL)
		buf_printf(b, " %s", c);
	if (wa_json_number(qv, &q) != 0 || wa_json_number(pv, &price) != 0 ||
	    c == NULL || (*cur != NULL && strcmp(*cur, c) != 0))
		*exact = 0;
	else {
		*total += q * price;
		*cur = c;
	}
}

/* "Order from catalog C: N items, total T CUR" and one line per item.
 * The total is given only when every price and quantity is a number in
 * one currency. */
static int
wa_type_order(const json_t *body, struct wa_item *it, struct buf *why)
{
	const json_t *items = json_object_get(body, "product_items"), *p;
	const char *catalog = wa_json_nstr(body, "catalog_id"), *cur = NULL;
	struct buf b = { 0 }, lines = { 0 };
	size_t i, n = json_array_size(items);
	double total = 0;
	int exact = 1;

	if (!json_is_object(body)) {
		buf_adds(why, "order message without an order");
		return 1;
	}
	json_array_foreach(items, i, p)
		wa_order_line(&lines, p, &total, &cur, &exact);
	buf_printf(&b, "Order from catalog %s: %zu item%s", catalog ? catalog :
	    "(unknown)", n, n == 1 ? "" : "s");
	if (n != 0 && exact)
		buf_printf(&b, ", total %.2f %s", total, cur);
	else if (n != 0)
		buf_adds(&b, ", total unknown");
	if (lines.s != NULL)
		buf_adds(&b, lines.s);
	buf_free(&lines);
	if (lines.failed)
		b.failed = 1;
	if ((it->message.text = buf_take(&b, NULL)) == NULL)
		return -1;
	if (wa_json_nstr(body, "text") != NULL)
		return wa_json_take(body, "text", &it->message.caption);
	return 0;
}

/* Number or identity change: an item of kind WA_ITEM_SYSTEM whose text
 * says plainly that WhatsApp, not the customer, wrote it. */
static int
wa_type_system(const json_t *body, struct wa_item *it, struct buf *why)
{
	const char *text = wa_json_nstr(body, "body");
	const char *type = wa_json_nstr(body, "type");

	it->kind = WA_ITEM_SYSTEM;
	if (text == NULL)
		text = type != NULL ? type : "(no details)";
	it->message.text = wa_printf("System notice: %s", text);
	if (it->message.text == NULL)
		return -1;
	if (type != NULL) {
		free(it->wa_type);
		if ((it->wa_type = wa_printf("system/%s", type)) == NULL)
			return -1;
	}
	if (wa_json_take(body, "new_wa_id", &it->new_wa_id) != 0)
		return -1;
	if (it->new_wa_id == NULL && wa_json_take(body, "wa_id", &it->new_wa_id) != 0)
		return -1;
	if (wa_json_take(body, "new_user_id", &it->new_user_id) != 0)
		return -1;
	if (it->new_user_id == NULL &&
	    wa_json_take(body, "user_id", &it->new_user_id) != 0)
		return -1;
	return 0;
}

static int
wa_type_unsupported(const json_t *body, struct wa_item *it,
    struct buf *why)
{
	const char *sub = wa_json_nstr(body, "type");

	if (sub != NULL)
		buf_printf(why, "unsupported message type '%.*s'",
		    wa_utf8_cut(sub, 64), sub);
	else
		buf_adds(why, "unsupported message");
	return 1;
}

static const struct wa_type wa_types[] = {
	{ "text", TD_KIND_TEXT, wa_type_text },
	{ "image", TD_KIND_IMAGE, wa_type_media },
	{ "video", TD_KIND_VIDEO, wa_type_media },
	{ "audio", TD_KIND_AUDIO, wa_type_media },
	{ "document", TD_KIND_DOCUMENT, wa_type_media },
	{ "sticker", TD_KIND_STICKER, wa_type_media },
	{ "location", TD_KIND_LOCATION, wa_type_location },
	{ "contacts", TD_KIND_CONTACTS, wa_type_contacts },
	{ "interactive", TD_KIND_INTERACTIVE, wa_type_interactive },
	{ "button", TD_KIND_BUTTON, wa_type_button },
	{ "reaction", TD_KIND_REACTION, wa_type_reaction },
	/* An order is shown as a text summary labelled [Order]. */
	{ "order", TD_KIND_TEXT, wa_type_order },
	/* A system notice is labelled text the customer did not write. */
	{ "system", TD_KIND_UNSUPPORTED, wa_type_system },
	{ "unsupported", TD_KIND_UNSUPPORTED, wa_type_unsupported },
	{ "unknown", TD_KIND_UNSUPPORTED, wa_type_unsupported },
};

#define WA_NTYPES (sizeof wa_types / sizeof wa_types[0])

const struct wa_type *
wa_type_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < WA_NTYPES; i++)
		if (strcmp(wa_types[i].name, name) == 0)
			return &wa_types[i];
	return NULL;
}

/* Some senders leave out "type" (a location in the corpus does). */
const struct wa_type *
wa_type_guess(const json_t *msg)
{
	const json_t *v;
	size_t i;

	for (i = 0; i < WA_NTYPES; i++) {
		v = json_object_get(msg, wa_types[i].name);
		if (json_is_object(v) || json_is_array(v))
			return &wa_types[i];
	}
	return NULL;
}
