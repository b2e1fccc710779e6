/*
 * Graph API request bodies (POST /{PHONE_NUMBER_ID}/messages) and the
 * answer to a send.  Every body is built with jansson; a NULL result means
 * the arguments were unusable (missing recipient, invalid UTF-8, too many
 * buttons, ...) or memory ran out.
 */
#include <stdlib.h>
#include <string.h>

#include "ttydesk/wa_check.h"

#include "wa_private.h"

#define WA_MAX_BUTTONS 3
#define WA_BUTTON_TITLE_MAX 20   /* characters */
#define WA_BUTTON_ID_MAX 256
#define WA_BUTTON_BODY_MAX 1024

/* json_object_set_new() that remembers a failure (a NULL value from
 * json_string() on invalid UTF-8 included). */
static void
wa_set(json_t *o, const char *key, json_t *v, int *bad)
{
	if (v == NULL || json_object_set_new(o, key, v) != 0)
		*bad = 1;
}

static json_t *
wa_str(const char *s)
{
	return s != NULL ? json_string(s) : NULL;
}

/* The common head: product, recipient ("to" for a phone, else the BSUID
 * as "recipient"), type. */
static json_t *
wa_request(const struct wa_recipient *to, const char *type, int *bad)
{
	json_t *o;

	*bad = 0;
	if (to == NULL || ((to->wa_id == NULL || *to->wa_id == '\0') &&
	    (to->user_id == NULL || *to->user_id == '\0')))
		return NULL;
	if ((o = json_object()) == NULL)
		return NULL;
	wa_set(o, "messaging_product", json_string("whatsapp"), bad);
	wa_set(o, "recipient_type", json_string("individual"), bad);
	if (to->wa_id != NULL && *to->wa_id != '\0')
		wa_set(o, "to", json_string(to->wa_id), bad);
	else
		wa_set(o, "recipient", json_string(to->user_id), bad);
	wa_set(o, "type", json_string(type), bad);
	return o;
}

static char *
wa_finish(json_t *o, int bad)
{
	char *s = NULL;

	if (o != NULL && !bad)
		s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

char *
wa_build_text(const struct wa_recipient *to, const char *body,
    const char *reply_to_wamid)
{
	json_t *o, *text, *ctx;
	int bad;

	if (body == NULL || (o = wa_request(to, "text", &bad)) == NULL)
		return NULL;
	if ((text = json_object()) == NULL)
		bad = 1;
	else {
		wa_set(text, "preview_url", json_false(), &bad);
		wa_set(text, "body", json_string(body), &bad);
		wa_set(o, "text", text, &bad);
	}
	if (reply_to_wamid != NULL && *reply_to_wamid != '\0') {
		if ((ctx = json_object()) == NULL)
			bad = 1;
		else {
			wa_set(ctx, "message_id", json_string(reply_to_wamid),
			    &bad);
			wa_set(o, "context", ctx, &bad);
		}
	}
	return wa_finish(o, bad);
}

static json_t *
wa_template_components(const char *const *params, size_t n, int *bad)
{
	json_t *comps = json_array(), *body = json_object();
	json_t *list = json_array(), *p;
	size_t i;

	if (comps == NULL || body == NULL || list == NULL) {
		json_decref(comps);
		json_decref(body);
		json_decref(list);
		*bad = 1;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if ((p = json_object()) == NULL || params[i] == NULL) {
			json_decref(p);
			*bad = 1;
			break;
		}
		wa_set(p, "type", json_string("text"), bad);
		wa_set(p, "text", json_string(params[i]), bad);
		if (json_array_append_new(list, p) != 0)
			*bad = 1;
	}
	wa_set(body, "type", json_string("body"), bad);
	wa_set(body, "parameters", list, bad);
	if (json_array_append_new(comps, body) != 0)
		*bad = 1;
	return comps;
}

char *
wa_build_template(const struct wa_recipient *to, const char *name,
    const char *language, const char *const *params, size_t n_params)
{
	json_t *o, *t, *lang;
	int bad;

	if (name == NULL || *name == '\0' || language == NULL ||
	    *language == '\0' || (n_params != 0 && params == NULL))
		return NULL;
	if ((o = wa_request(to, "template", &bad)) == NULL)
		return NULL;
	t = json_object();
	lang = json_object();
	if (t == NULL || lang == NULL) {
		json_decref(t);
		json_decref(lang);
		json_decref(o);
		return NULL;
	}
	wa_set(t, "name", json_string(name), &bad);
	wa_set(lang, "code", json_string(language), &bad);
	wa_set(t, "language", lang, &bad);
	if (n_params != 0)
		wa_set(t, "components", wa_template_components(params, n_params,
		    &bad), &bad);
	wa_set(o, "template", t, &bad);
	return wa_finish(o, bad);
}

char *
wa_build_object(const struct wa_recipient *to, const char *type,
    const json_t *obj)
{
	json_t *o;
	int bad;

	if (type == NULL || !json_is_object(obj) ||
	    (o = wa_request(to, type, &bad)) == NULL)
		return NULL;
	wa_set(o, type, json_deep_copy(obj), &bad);
	return wa_finish(o, bad);
}

char *
wa_build_reaction(const struct wa_recipient *to, const char *wamid,
    const char *emoji)
{
	json_t *o, *r;
	int bad;

	if (wamid == NULL || *wamid == '\0')
		return NULL;
	if ((o = wa_request(to, "reaction", &bad)) == NULL)
		return NULL;
	if ((r = json_object()) == NULL)
		bad = 1;
	else {
		wa_set(r, "message_id", json_string(wamid), &bad);
		/* "" takes a reaction back. */
		wa_set(r, "emoji", json_string(emoji != NULL ? emoji : ""), &bad);
		wa_set(o, "reaction", r, &bad);
	}
	return wa_finish(o, bad);
}

char *
wa_build_mark_read(const char *wamid)
{
	json_t *o;
	int bad = 0;

	if (wamid == NULL || *wamid == '\0' || (o = json_object()) == NULL)
		return NULL;
	wa_set(o, "messaging_product", json_string("whatsapp"), &bad);
	wa_set(o, "status", json_string("read"), &bad);
	wa_set(o, "message_id", json_string(wamid), &bad);
	return wa_finish(o, bad);
}

char *
wa_build_typing(const char *wamid)
{
	char *read = wa_build_mark_read(wamid), *out;
	json_t *o = read ? json_loads(read, 0, NULL) : NULL;
	int bad = 0;

	free(read);
	if (o == NULL)
		return NULL;
	wa_set(o, "typing_indicator", json_pack("{s:s}", "type", "text"), &bad);
	out = wa_finish(o, bad);
	return out;
}

static json_t *
wa_button(const char *id, const char *title, int *bad)
{
	json_t *b = json_object(), *reply = json_object();

	if (b == NULL || reply == NULL) {
		json_decref(b);
		json_decref(reply);
		*bad = 1;
		return NULL;
	}
	wa_set(reply, "id", wa_str(id), bad);
	wa_set(reply, "title", wa_str(title), bad);
	wa_set(b, "type", json_string("reply"), bad);
	wa_set(b, "reply", reply, bad);
	return b;
}

static int
wa_buttons_valid(const char *body, const char *const *ids,
    const char *const *titles, size_t n)
{
	size_t i;

	if (body == NULL || *body == '\0' || n == 0 || n > WA_MAX_BUTTONS ||
	    ids == NULL || titles == NULL ||
	    wa_check_chars(body) > WA_BUTTON_BODY_MAX)
		return 0;
	for (i = 0; i < n; i++) {
		if (ids[i] == NULL || *ids[i] == '\0' || titles[i] == NULL ||
		    *titles[i] == '\0' || strlen(ids[i]) > WA_BUTTON_ID_MAX ||
		    wa_check_chars(titles[i]) > WA_BUTTON_TITLE_MAX)
			return 0;
	}
	return 1;
}

char *
wa_build_buttons(const struct wa_recipient *to, const char *body,
    const char *const *ids, const char *const *titles, size_t n)
{
	json_t *o, *inter, *text, *action, *list;
	size_t i;
	int bad;

	if (!wa_buttons_valid(body, ids, titles, n))
		return NULL;
	if ((o = wa_request(to, "interactive", &bad)) == NULL)
		return NULL;
	inter = json_object();
	text = json_object();
	action = json_object();
	list = json_array();
	if (inter == NULL || text == NULL || action == NULL || list == NULL) {
		json_decref(inter);
		json_decref(text);
		json_decref(action);
		json_decref(list);
		json_decref(o);
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (json_array_append_new(list, wa_button(ids[i], titles[i],
		    &bad)) != 0)
			bad = 1;
	wa_set(text, "text", json_string(body), &bad);
	wa_set(action, "buttons", list, &bad);
	wa_set(inter, "type", json_string("button"), &bad);
	wa_set(inter, "body", text, &bad);
	wa_set(inter, "action", action, &bad);
	wa_set(o, "interactive", inter, &bad);
	return wa_finish(o, bad);
}

char *
wa_parse_send_response(const char *body, size_t len)
{
	json_t *root;
	const char *id;
	char *s = NULL;

	if (body == NULL || len == 0)
		return NULL;
	if ((root = json_loadb(body, len, 0, NULL)) == NULL)
		return NULL;
	id = wa_json_nstr(json_array_get(json_object_get(root, "messages"), 0),
	    "id");
	if (id != NULL)
		s = wa_strdup(id);
	json_decref(root);
	return s;
}
