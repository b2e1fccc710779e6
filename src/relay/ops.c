/*
 * Conversation operations (ops.h).  Errors are answered before anything
 * is written, so a failed operation leaves no trace; only a store error
 * (status 500) rolls the job back.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ttydesk/wa.h"

#include "assign.h"
#include "conv.h"
#include "events.h"
#include "online.h"
#include "ops.h"

#define OP_TEXT_MAX 4096
#define OP_HOOK_MESSAGES 20

void
op_error(struct op_result *res, unsigned status, const char *code,
    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_decref(res->body);
	res->status = status;
	res->body = json_pack("{s:{s:s, s:s}}", "error", "code", code,
	    "message", msg);
}

static void
op_store_error(struct relay *r, struct op_result *res)
{
	op_error(res, 500, "store_error", "%s", relay_store_error(r->writer));
}

long
op_utf8_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p != '\0') {
		int k = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 :
		    (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;

		if (k < 0)
			return -1;
		for (p++; k > 0; k--, p++) {
			if ((*p & 0xc0) != 0x80)
				return -1;
		}
		n++;
	}
	return n;
}

/* Loads the state; answers 404 when the conversation is unknown, or
 * one agent a may not see (as if it did not exist). */
static json_t *
op_load(struct relay *r, const struct relay_agent *a, const char *conv,
    int64_t *contact, struct op_result *res)
{
	json_t *state = NULL;
	int rc = relay_store_conversation_get(r->writer, conv, &state, contact,
	    NULL, NULL);

	if (rc > 0 && a != NULL && !relay_agent_sees(r, a, state)) {
		json_decref(state);
		state = NULL;
		rc = 0;
	}
	if (rc < 0)
		op_store_error(r, res);
	else if (rc == 0)
		op_error(res, 404, "not_found", "no conversation %s", conv);
	return rc > 0 ? state : NULL;
}

/* The phone_number_id a conversation's messages come from. */
static const char *
op_from(struct relay *r, const json_t *state)
{
	const struct relay_number *n = relay_conversation_number(r, state);

	return n != NULL ? n->phone_number_id : r->cfg->phone_number_id;
}

/* The WhatsApp Business Account of a conversation's number, NULL when
 * none is configured for it. */
static const char *
op_waba(struct relay *r, const json_t *state)
{
	return config_number_waba(r->cfg, relay_conversation_number(r, state));
}

/* Stores the state, appends its event and answers 200 with it. */
static void
op_commit_state(struct relay *r, const char *conv, json_t *state,
    struct op_result *res)
{
	json_t *ev = NULL;
	int64_t now = relay_now(r);

	if (relay_store_conversation_put(r->writer, conv, state, now) != 0 ||
	    relay_emit_conversation(r, conv, state, now, &ev) != 0) {
		op_store_error(r, res);
		return;
	}
	res->status = 200;
	res->body = ev;
}

static int
op_text_ok(const char *text, struct op_result *res)
{
	long n;

	if (text == NULL || *text == '\0') {
		op_error(res, 400, "bad_request", "text is empty");
		return 0;
	}
	if ((n = op_utf8_len(text)) < 0) {
		op_error(res, 400, "bad_request", "text is not UTF-8");
		return 0;
	}
	if (n > OP_TEXT_MAX) {
		op_error(res, 400, "bad_request", "text is over %d characters",
		    OP_TEXT_MAX);
		return 0;
	}
	return 1;
}

static void
op_new_id(const char *prefix, char *buf, size_t len)
{
	unsigned char rnd[12];
	char hex[25];

	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	snprintf(buf, len, "%s%s", prefix, hex);
}

/* The Graph request body for a text or template message. */
static char *
op_graph_body(json_t *in, const struct relay_contact *c, const char *text,
    const char *reply_wamid, struct op_result *res)
{
	struct wa_recipient to = { c->wa_id, c->wa_id ? NULL : c->user_id };
	json_t *tpl = json_object_get(in, "template"), *params, *v;
	const char **pv = NULL;
	char *body;
	size_t i, n = 0;

	if (text != NULL)
		return wa_build_text(&to, text, reply_wamid);
	if ((body = op_send_body(in, &to)) != NULL)
		return body;
	params = json_object_get(tpl, "params");
	if (params != NULL && !json_is_array(params)) {
		op_error(res, 400, "bad_request", "template.params must be a list");
		return NULL;
	}
	n = json_array_size(params);
	if (n > 0 && (pv = calloc(n, sizeof *pv)) == NULL)
		return NULL;
	json_array_foreach(params, i, v) {
		if (!json_is_string(v)) {
			free(pv);
			op_error(res, 400, "bad_request", "template params must "
			    "be strings");
			return NULL;
		}
		pv[i] = json_string_value(v);
	}
	body = wa_build_template(&to,
	    json_string_value(json_object_get(tpl, "name")),
	    json_string_value(json_object_get(tpl, "language")), pv, n);
	free(pv);
	return body;
}

const char *
op_idem_key(char *buf, size_t len, const struct relay_agent *a,
    const char *scope, const char *client_id)
{
	int n = snprintf(buf, len, "%s/%s/%s", a->id, scope, client_id);

	return n >= 0 && (size_t)n < len ? buf : NULL;
}

static int
op_idem_client(json_t *in, const char **client_id, struct op_result *res)
{
	json_t *v = json_object_get(in, "client_id");

	*client_id = NULL;
	if (v == NULL || json_is_null(v))
		return 1;
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > 128) {
		op_error(res, 400, "bad_request", "client_id must be a string "
		    "of 1 to 128 characters");
		return 0;
	}
	*client_id = json_string_value(v);
	return 1;
}

/* Validates text/template input; returns the text (or NULL for a
 * template) and sets *ok. */
static const char *
op_message_input(json_t *in, int *ok, struct op_result *res)
{
	json_t *text = json_object_get(in, "text");
	json_t *tpl = json_object_get(in, "template");
	json_t *rt = json_object_get(in, "reply_to");
	json_t *inter = json_object_get(in, "interactive");

	*ok = 0;
	if (rt != NULL && !json_is_null(rt) && !json_is_string(rt)) {
		op_error(res, 400, "bad_request", "reply_to must be a string");
		return NULL;
	}
	if (inter != NULL && !json_is_null(inter)) {
		/* Checked by op_send_check(); its body text is the preview. */
		*ok = 1;
		return NULL;
	}
	if (tpl != NULL && !json_is_null(tpl)) {
		if (!json_is_object(tpl) ||
		    !json_is_string(json_object_get(tpl, "name")) ||
		    json_string_length(json_object_get(tpl, "name")) == 0 ||
		    !json_is_string(json_object_get(tpl, "language"))) {
			op_error(res, 400, "bad_request", "template needs a name "
			    "and a language");
			return NULL;
		}
		*ok = 1;
		return NULL;
	}
	if (text != NULL && !json_is_string(text)) {
		op_error(res, 400, "bad_request", "text must be a string");
		return NULL;
	}
	if (!op_text_ok(json_string_value(text), res))
		return NULL;
	*ok = 1;
	return json_string_value(text);
}

/* The wamid to quote: an event id may carry a "#..." disambiguation. */
static char *
op_reply_wamid(struct relay *r, const char *reply_to)
{
	struct relay_msgkey k;
	char *w = NULL;

	if (reply_to == NULL)
		return NULL;
	if (relay_store_msg_by_id(r->writer, reply_to, &k) > 0 &&
	    k.wamid != NULL)
		w = strdup(k.wamid);
	relay_msgkey_free(&k);
	return w != NULL ? w : strdup(reply_to);
}

/* A message to the customer: text, template, interactive, or (up not
 * NULL) media the route already checked and stored. */
static void
op_send(struct relay *r, const struct relay_agent *a, const char *conv,
    json_t *in, const struct op_upload *up, struct op_result *res)
{
	struct relay_contact c;
	struct td_message m;
	struct td_media media;
	const char *text = NULL, *client_id, *reply_to, *key = NULL;
	json_t *state, *ev = NULL, *before = NULL, *tpl, *inter;
	char id[40], *body = NULL, *rw = NULL, keybuf[OP_IDEM_KEY_MAX];
	int64_t contact, now = relay_now(r);
	int ok = 1;

	memset(&c, 0, sizeof c);
	if (!op_idem_client(in, &client_id, res))
		return;
	if (client_id != NULL && (key = op_idem_key(keybuf, sizeof keybuf, a,
	    conv, client_id)) == NULL) {
		op_error(res, 400, "bad_request", "conversation id too long");
		return;
	}
	if (up == NULL)
		text = op_message_input(in, &ok, res);
	if (!ok)
		return;
	inter = up ? NULL : json_object_get(in, "interactive");
	if (json_is_null(inter))
		inter = NULL;
	if ((state = op_load(r, a, conv, &contact, res)) == NULL)
		return;
	/* Templates are per account: the conversation's number's. */
	if (up == NULL && op_send_check(r, in, op_waba(r, state), res) != 0)
		goto out;
	if ((text != NULL || inter != NULL || up != NULL) &&
	    !conv_window_open(state, now)) {
		op_error(res, 409, "window_closed", "the customer's last message "
		    "is over 24 hours old; send a template");
		goto out;
	}
	if (relay_store_contact_by_id(r->writer, contact, &c) <= 0) {
		op_store_error(r, res);
		goto out;
	}
	reply_to = json_string_value(json_object_get(in, "reply_to"));
	rw = op_reply_wamid(r, reply_to);
	if ((body = up ? op_upload_body(up, &c) : op_send_local_body(r, in,
	    op_graph_body(in, &c, text, rw, res))) == NULL) {
		if (res->body == NULL)
			op_error(res, 400, "bad_request", "cannot build the message");
		goto out;
	}
	op_new_id("out.", id, sizeof id);
	memset(&m, 0, sizeof m);
	m.id = id;
	m.direction = TD_DIR_OUT;
	m.kind = text != NULL ? TD_KIND_TEXT : inter != NULL ?
	    TD_KIND_INTERACTIVE : TD_KIND_TEMPLATE;
	if (up != NULL) {
		memset(&media, 0, sizeof media);
		media.id = (char *)up->media_id;
		media.mime_type = (char *)up->mime;
		media.filename = (char *)up->filename;
		media.size = up->size;
		m.kind = (enum td_msg_kind)event_kind_from_name(up->kind);
		m.media = &media;
		m.caption = (char *)up->caption;
	}
	m.from = (char *)op_from(r, state);
	tpl = json_object_get(in, "template");
	m.text = (char *)(text != NULL ? text : inter != NULL ?
	    json_string_value(json_object_get(json_object_get(inter, "body"),
	    "text")) : up != NULL ? NULL : json_string_value(json_object_get(tpl,
	    "name")));
	m.reply_to = (char *)reply_to;
	m.agent = a->id;
	m.client_id = (char *)client_id;
	m.status = TD_MS_PENDING;
	ev = ev_message_new(now, conv, &m);
	if (inter != NULL)
		json_object_set(json_object_get(ev, "message"), "interactive",
		    inter);
	else if (text == NULL && up == NULL)
		json_object_set(json_object_get(ev, "message"), "template", tpl);
	before = json_deep_copy(state);
	conv_on_reply(state);
	if (relay_append(r, ev) != 0 ||
	    relay_store_msg_put(r->writer, id, NULL, NULL, conv, TD_DIR_OUT,
	    now) != 0 ||
	    relay_store_outbound_put(r->writer, id, key, conv, body,
	    now) != 0 ||
	    (!json_equal(before, state) &&
	    (relay_store_conversation_put(r->writer, conv, state, now) != 0 ||
	    relay_emit_conversation(r, conv, state, now, NULL) != 0))) {
		op_store_error(r, res);
		goto out;
	}
	res->status = 202;
	res->body = ev;
	res->kick = 1;
	ev = NULL;
out:
	json_decref(ev);
	json_decref(before);
	json_decref(state);
	relay_contact_free(&c);
	free(body);
	free(rw);
}

void
op_message(struct relay *r, const struct relay_agent *a, const char *conv,
    json_t *in, struct op_result *res)
{
	op_send(r, a, conv, in, NULL, res);
}

void
op_media(struct relay *r, const struct relay_agent *a, const char *conv,
    json_t *in, struct op_result *res)
{
	struct op_upload up;

	if (op_upload_from(in, &up) != 0) {
		op_error(res, 500, "internal", "bad upload");
		return;
	}
	op_send(r, a, conv, in, &up, res);
	if (res->status == 202)
		op_upload_keep(r, conv, &up);
}

void
op_note(struct relay *r, const struct relay_agent *a, const char *conv,
    json_t *in, struct op_result *res)
{
	struct td_message m;
	const char *text, *client_id;
	json_t *state, *ev, *tv = json_object_get(in, "text");
	char id[40];
	int64_t now = relay_now(r);

	if (!op_idem_client(in, &client_id, res))
		return;
	if (tv != NULL && !json_is_string(tv)) {
		op_error(res, 400, "bad_request", "text must be a string");
		return;
	}
	text = json_string_value(tv);
	if (!op_text_ok(text, res))
		return;
	if ((state = op_load(r, a, conv, NULL, res)) == NULL)
		return;
	json_decref(state);
	op_new_id("note.", id, sizeof id);
	memset(&m, 0, sizeof m);
	m.id = id;
	m.direction = TD_DIR_NOTE;
	m.kind = TD_KIND_TEXT;
	m.from = a->id;
	m.text = (char *)text;
	m.agent = a->id;
	m.client_id = (char *)client_id;
	m.status = TD_MS_RECEIVED;
	ev = ev_message_new(now, conv, &m);
	if (relay_append(r, ev) != 0 ||
	    relay_store_msg_put(r->writer, id, NULL, NULL, conv, TD_DIR_NOTE,
	    now) != 0) {
		json_decref(ev);
		op_store_error(r, res);
		return;
	}
	res->status = 201;
	res->body = ev;
}

static const char *
op_priority(json_t *in, struct op_result *res)
{
	json_t *p = json_object_get(in, "priority");
	const char *s;

	if (p == NULL || json_is_null(p))
		return "normal";
	s = json_string_value(p);
	if (s == NULL || (strcmp(s, "normal") != 0 && strcmp(s, "high") != 0 &&
	    strcmp(s, "urgent") != 0)) {
		op_error(res, 400, "bad_request", "priority must be normal, high "
		    "or urgent");
		return NULL;
	}
	return s;
}

/* What the escalation command gets on stdin. */
static char *
op_hook_payload(struct relay *r, const char *conv, json_t *state,
    int64_t contact, const struct relay_agent *a, const char *reason)
{
	struct relay_contact c;
	json_t *o, *msgs;
	char *text;

	msgs = relay_store_conversation_messages(r->writer, conv,
	    OP_HOOK_MESSAGES);
	state = json_copy(state);
	conv_state_strip(state);
	o = json_pack("{s:s, s:O, s:O, s:s, s:{s:s, s:s}, s:o}",
	    "conversation", conv, "state", state, "priority",
	    json_object_get(state, "priority"), "reason", reason,
	    "agent", "id", a->id, "name", a->name,
	    "messages", msgs ? msgs : json_array());
	json_decref(state);
	if (o == NULL)
		return NULL;
	if (relay_store_contact_by_id(r->writer, contact, &c) > 0) {
		json_object_set_new(o, "contact", ev_contact_json(&c));
		relay_contact_free(&c);
	}
	text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return text;
}

void
op_escalate(struct relay *r, const struct relay_agent *a, const char *conv,
    json_t *in, struct op_result *res)
{
	const char *team = json_string_value(json_object_get(in, "team"));
	const char *reason = json_string_value(json_object_get(in, "reason"));
	const char *prio;
	json_t *state;
	int64_t contact, now = relay_now(r);

	if (team == NULL || config_find_team(r->cfg, team) == NULL) {
		op_error(res, 400, "unknown_team", "no team %s", team ? team :
		    "(missing)");
		return;
	}
	if (reason == NULL || reason[strspn(reason, " \t\r\n")] == '\0') {
		op_error(res, 400, "bad_request", "reason is empty");
		return;
	}
	if ((prio = op_priority(in, res)) == NULL)
		return;
	if ((state = op_load(r, a, conv, &contact, res)) == NULL)
		return;
	json_object_set_new(state, "status", json_string("escalated"));
	json_object_set_new(state, "team", json_string(team));
	assign_state_set(state, NULL, a->id, now);
	json_object_set_new(state, "priority", json_string(prio));
	json_object_set_new(state, "escalation", json_pack("{s:s, s:s, s:s, s:I}",
	    "team", team, "reason", reason, "by", a->id, "at", (json_int_t)now));
	json_object_del(state, "snoozed_until");
	op_commit_state(r, conv, state, res);
	if (res->status == 200 && r->cfg->escalation_command != NULL)
		res->hook = op_hook_payload(r, conv, state, contact, a, reason);
	json_decref(state);
}

int
op_may_assign(const struct relay_agent *a, const char *who,
    struct op_result *res)
{
	if (a == NULL || who == NULL || strcmp(who, a->id) == 0 ||
	    config_agent_supervises(a))
		return 1;
	/* Short: ttydesk shows it whole on an 80-column status line. */
	op_error(res, 403, "forbidden", "only supervisors and admins may "
	    "assign to someone else");
	return 0;
}

void
op_assign(struct relay *r, const struct relay_agent *a, const char *conv,
    json_t *in, struct op_result *res)
{
	json_t *who = json_object_get(in, "agent"), *state;

	if (who == NULL || (!json_is_null(who) && !json_is_string(who))) {
		op_error(res, 400, "bad_request", "agent must be an agent id or "
		    "null");
		return;
	}
	if (json_is_string(who) &&
	    config_find_agent(r->cfg, json_string_value(who)) == NULL) {
		op_error(res, 400, "unknown_agent", "no agent %s",
		    json_string_value(who));
		return;
	}
	if (!op_may_assign(a, json_string_value(who), res))
		return;
	if ((state = op_load(r, a, conv, NULL, res)) == NULL)
		return;
	assign_state_set(state, json_string_value(who), a->id, relay_now(r));
	op_commit_state(r, conv, state, res);
	json_decref(state);
}

/* The CSAT question as WhatsApp reply buttons, queued like a message. */
int
ops_queue_out(struct relay *r, const char *conv, const json_t *state,
    int64_t contact, const char *agent, const char *text,
    const struct ops_buttons *buttons, int64_t now)
{
	struct relay_contact c;
	struct wa_recipient to;
	struct td_message m;
	char id[40], *body = NULL;
	json_t *ev = NULL;
	int rc = -1;

	if (relay_store_contact_by_id(r->writer, contact, &c) <= 0)
		return -1;
	to.wa_id = c.wa_id;
	to.user_id = c.wa_id ? NULL : c.user_id;
	if ((body = buttons != NULL ? wa_build_buttons(&to, text, buttons->ids,
	    buttons->titles, buttons->n) : wa_build_text(&to, text,
	    NULL)) == NULL)
		goto out;
	op_new_id("out.", id, sizeof id);
	memset(&m, 0, sizeof m);
	m.id = id;
	m.direction = TD_DIR_OUT;
	m.kind = buttons != NULL ? TD_KIND_INTERACTIVE : TD_KIND_TEXT;
	m.from = (char *)op_from(r, state);
	m.text = (char *)text;
	m.agent = (char *)agent;
	m.status = TD_MS_PENDING;
	ev = ev_message_new(now, conv, &m);
	if (relay_append(r, ev) == 0 &&
	    relay_store_msg_put(r->writer, id, NULL, NULL, conv, TD_DIR_OUT,
	    now) == 0 &&
	    relay_store_outbound_put(r->writer, id, NULL, conv, body, now) == 0)
		rc = 0;
out:
	json_decref(ev);
	free(body);
	relay_contact_free(&c);
	return rc;
}

static int
op_csat_ask(struct relay *r, const struct relay_agent *a, const char *conv,
    const json_t *state, int64_t contact, int64_t now)
{
	static const char *const ids[] = { "csat:5", "csat:3", "csat:1" };
	static const char *const titles[] = { "Great", "OK", "Poor" };
	const struct ops_buttons b = { ids, titles, 3 };

	return ops_queue_out(r, conv, state, contact, a->id,
	    r->cfg->csat_question, &b, now);
}

void
op_status(struct relay *r, const struct relay_agent *a, const char *conv,
    json_t *in, struct op_result *res)
{
	const char *st = json_string_value(json_object_get(in, "status"));
	json_t *until = json_object_get(in, "until"), *state;
	int64_t now = relay_now(r), contact;
	int ask;

	if (st == NULL || (strcmp(st, "open") != 0 && strcmp(st, "pending") != 0 &&
	    strcmp(st, "resolved") != 0 && strcmp(st, "snoozed") != 0)) {
		op_error(res, 400, "bad_request", "status must be open, pending, "
		    "resolved or snoozed");
		return;
	}
	if (strcmp(st, "snoozed") == 0 && (!json_is_integer(until) ||
	    json_integer_value(until) <= now)) {
		op_error(res, 400, "bad_request", "snoozed needs until, a time "
		    "in the future");
		return;
	}
	if ((state = op_load(r, a, conv, &contact, res)) == NULL)
		return;
	ask = r->cfg->csat && strcmp(st, "resolved") == 0 &&
	    strcmp(conv_status(state), "resolved") != 0 &&
	    conv_window_open(state, now);
	json_object_set_new(state, "status", json_string(st));
	if (strcmp(st, "snoozed") == 0)
		json_object_set(state, "snoozed_until", until);
	else
		json_object_del(state, "snoozed_until");
	if (ask)
		json_object_set_new(state, "_csat_asked", json_true());
	/* Resolved: nobody waits any more (a reopening starts anew). */
	if (strcmp(st, "resolved") == 0)
		json_object_del(state, "_waiting_since");
	op_commit_state(r, conv, state, res);
	if (ask && res->status == 200) {
		if (op_csat_ask(r, a, conv, state, contact, now) != 0)
			op_store_error(r, res);
		else
			res->kick = 1;
	}
	json_decref(state);
}

static int
op_label_ok(json_t *v)
{
	const char *s = json_string_value(v), *p;
	long n;

	if (s == NULL || (n = op_utf8_len(s)) < 1 || n > 32)
		return 0;
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	}
	return 1;
}

static int
op_labels_check(json_t *list, struct op_result *res)
{
	size_t i;
	json_t *v;

	if (list == NULL || json_is_null(list))
		return 1;
	if (!json_is_array(list)) {
		op_error(res, 400, "bad_request", "add and remove must be lists");
		return 0;
	}
	json_array_foreach(list, i, v) {
		if (!op_label_ok(v)) {
			op_error(res, 400, "bad_label", "labels are 1 to 32 "
			    "characters without control characters");
			return 0;
		}
	}
	return 1;
}

static void
op_labels_remove(json_t *labels, const char *s)
{
	size_t i;

	for (i = json_array_size(labels); i > 0; i--) {
		if (strcmp(json_string_value(json_array_get(labels, i - 1)), s) == 0)
			json_array_remove(labels, i - 1);
	}
}

void
op_labels(struct relay *r, const struct relay_agent *a, const char *conv,
    json_t *in, struct op_result *res)
{
	json_t *add = json_object_get(in, "add"), *rm = json_object_get(in,
	    "remove"), *state, *labels, *v;
	size_t i;

	if (!op_labels_check(add, res) || !op_labels_check(rm, res))
		return;
	if ((state = op_load(r, a, conv, NULL, res)) == NULL)
		return;
	labels = json_object_get(state, "labels");
	if (!json_is_array(labels)) {
		labels = json_array();
		json_object_set_new(state, "labels", labels);
	}
	json_array_foreach(rm, i, v)
		op_labels_remove(labels, json_string_value(v));
	json_array_foreach(add, i, v) {
		op_labels_remove(labels, json_string_value(v));
		json_array_append(labels, v);
	}
	op_commit_state(r, conv, state, res);
	json_decref(state);
}

void
op_presence(struct relay *r, const struct relay_agent *a, const char *conv,
    json_t *in, struct op_result *res)
{
	const char *act = json_string_value(json_object_get(in, "activity"));
	json_t *state, *ev;
	int64_t now = relay_now(r);

	if (act == NULL || (strcmp(act, "viewing") != 0 &&
	    strcmp(act, "typing") != 0 && strcmp(act, "left") != 0)) {
		op_error(res, 400, "bad_request", "activity must be viewing, "
		    "typing or left");
		return;
	}
	if ((state = op_load(r, a, conv, NULL, res)) == NULL)
		return;
	json_decref(state);
	online_touch(r, a->id);
	ev = ev_new(now, "presence", conv);
	/* Both flat and nested, so either reading of the spec works. */
	json_object_set_new(ev, "agent", json_string(a->id));
	json_object_set_new(ev, "activity", json_string(act));
	json_object_set_new(ev, "expires", json_integer(now + 30));
	json_object_set_new(ev, "presence", json_pack("{s:s, s:s, s:I}",
	    "agent", a->id, "activity", act, "expires", (json_int_t)(now + 30)));
	if (relay_append(r, ev) != 0) {
		json_decref(ev);
		op_store_error(r, res);
		return;
	}
	json_decref(ev);
	res->status = 204;
	res->body = NULL;
}

/* Snoozes that ran out reopen; SLA due times that passed are breached. */
static int
ops_revisit(struct relay *r, const char *id, int64_t now)
{
	json_t *state = NULL, *sla, *before;
	static const char *const dues[] = { "first_response_due",
	    "next_response_due" };
	int rc, i;

	if ((rc = relay_store_conversation_get(r->writer, id, &state, NULL,
	    NULL, NULL)) <= 0)
		return rc;
	before = json_deep_copy(state);
	if (strcmp(conv_status(state), "snoozed") == 0 &&
	    json_integer_value(json_object_get(state, "snoozed_until")) <= now) {
		json_object_set_new(state, "status", json_string("open"));
		json_object_del(state, "snoozed_until");
	}
	sla = json_object_get(state, "sla");
	for (i = 0; i < 2 && json_is_object(sla); i++) {
		json_int_t due = json_integer_value(json_object_get(sla, dues[i]));

		if (due > 0 && due <= now)
			json_object_set_new(sla, "breached", json_true());
	}
	/* Always stored: a put recomputes when to look again. */
	rc = relay_store_conversation_put(r->writer, id, state, 0);
	if (rc == 0 && !json_equal(before, state))
		rc = relay_emit_conversation(r, id, state, now, NULL);
	json_decref(before);
	json_decref(state);
	return rc;
}

int
ops_housekeeping(struct relay *r)
{
	int64_t now = relay_now(r);
	char **ids;
	size_t n, i;
	int rc = 0;

	if (relay_store_conversations_due(r->writer, now, &ids, &n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (rc == 0 && ids[i] != NULL)
			rc = ops_revisit(r, ids[i], now);
		free(ids[i]);
	}
	free(ids);
	if (rc == 0)
		rc = assign_run(r, now, &r->hk_queued);
	return rc;
}
