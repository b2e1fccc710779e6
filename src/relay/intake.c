/*
 * Webhook intake (writer thread): every item of a verified, parsed webhook
 * becomes events, exactly once.  Redeliveries are recognised by wamid plus
 * the codec's fingerprint; a reused placeholder wamid with a different
 * fingerprint is a different message and gets a disambiguated id.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "events.h"
#include "fetcher.h"
#include "log.h"
#include "metrics.h"
#include "media_store.h"
#include "template.h"

/* The id the message event will carry: the wamid, unless another message
 * already uses it. */
static char *
intake_message_id(struct relay *r, const char *wamid, const char *fp)
{
	struct relay_msgkey k;
	char buf[512];
	int found;

	if (wamid == NULL || *wamid == '\0') {
		snprintf(buf, sizeof buf, "nowamid#%.16s", fp);
		return strdup(buf);
	}
	if ((found = relay_store_msg_by_id(r->writer, wamid, &k)) < 0)
		return NULL;
	relay_msgkey_free(&k);
	if (!found)
		return strdup(wamid);
	snprintf(buf, sizeof buf, "%.400s#%.8s", wamid, fp);
	if ((found = relay_store_msg_by_id(r->writer, buf, &k)) < 0)
		return NULL;
	relay_msgkey_free(&k);
	if (found)
		snprintf(buf, sizeof buf, "%.400s#%s", wamid, fp);
	return strdup(buf);
}

/* The relay keeps its own copy of inbound media (fetcher.c). */
static void
intake_media(struct relay *r, const struct td_message *m, const char *conv,
    int64_t ts)
{
	if (r->media == NULL || m->media == NULL || m->media->id == NULL ||
	    *m->media->id == '\0')
		return;
	/* A failure here costs the copy, not the message: the media is
	 * then fetched when an agent asks for it. */
	if (media_store_expect(r->media, m->media->id, conv,
	    m->media->mime_type, m->media->sha256, ts, relay_now(r)) != 0)
		relay_log("media %s: cannot record it for download",
		    m->media->id);
	else
		fetcher_kick(r);
}

/* An echo or history message already stored under its wamid (the same
 * message comes as echo and in history, or a chunk comes twice). */
static int
intake_coex_seen(struct relay *r, const struct wa_item *it)
{
	struct relay_msgkey k;
	int found;

	if (!(it->echo || it->history) || it->message.id == NULL ||
	    *it->message.id == '\0')
		return 0;
	found = relay_store_msg_by_wamid(r->writer, it->message.id, &k);
	relay_msgkey_free(&k);
	return found;
}

/* What a message does to its conversation's state: a customer's opens
 * the window and starts the SLA clock, one sent from the app answers
 * like an agent's reply; past chats and WhatsApp's own notices (the
 * customer wrote nothing) change nothing but the conversation's span
 * (first_ts..last_ts), which an import can widen either way. */
static int
intake_update_state(struct relay *r, const char *conv, int64_t ts,
    const struct wa_item *it)
{
	json_t *state, *before;
	int rc;

	if (it->history || it->kind == WA_ITEM_SYSTEM)
		return relay_store_conversation_times(r->writer, conv, ts);
	if ((rc = relay_store_conversation_get(r->writer, conv, &state, NULL,
	    NULL, NULL)) <= 0)
		return rc == 0 ? 0 : -1;
	before = json_deep_copy(state);
	if (it->message.direction == TD_DIR_OUT)
		conv_on_reply(state);
	else
		conv_on_inbound(r, state, ts, it->reply_id);
	rc = relay_store_conversation_put(r->writer, conv, state, ts);
	/* An old message arriving late changes nothing: no event. */
	if (rc == 0 && !json_equal(before, state))
		rc = relay_emit_conversation(r, conv, state, relay_now(r), NULL);
	json_decref(before);
	json_decref(state);
	return rc;
}

/* The customer changed number (or user id): the new identifier becomes
 * the contact's, the old one an alias, so that messages under either
 * land in the same conversations.  A new identifier that is already
 * another contact's is left there: merging two customers' records is a
 * person's decision. */
static int
intake_identity(struct relay *r, const struct wa_item *it,
    struct relay_contact *c, int64_t ts)
{
	const bool phone = it->new_wa_id != NULL && *it->new_wa_id != '\0';
	const char *by = phone ? "wa_id" : "user_id";
	const char *nv = phone ? it->new_wa_id : it->new_user_id;
	char **field = phone ? &c->wa_id : &c->user_id;
	struct relay_contact other;
	char *dup;
	int found;

	if (it->kind != WA_ITEM_SYSTEM || nv == NULL || *nv == '\0' ||
	    c->id == 0 || (*field != NULL && strcmp(*field, nv) == 0))
		return 0;
	if ((found = relay_store_contact_by(r->writer, by, nv, &other)) < 0)
		return -1;
	relay_contact_free(&other);
	if (found) {
		relay_log("identity change to an identifier another contact "
		    "has: not linked");
		return 0;
	}
	if ((dup = strdup(nv)) == NULL)
		return -1;
	if (*field != NULL && relay_store_contact_alias_put(r->writer, by,
	    *field, c->id) != 0) {
		free(dup);
		return -1;
	}
	free(*field);
	*field = dup;
	if (relay_store_contact_put(r->writer, c) != 0)
		return -1;
	return relay_emit_contact(r, c, ts);
}

static int
intake_message(struct relay *r, const struct wa_item *it,
    const struct relay_number *n)
{
	struct relay_contact c;
	struct td_message m = it->message;
	int64_t ts = it->ts > 0 ? it->ts : relay_now(r);
	char *id = NULL;
	json_t *ev = NULL;
	int seen, rc = -1;

	seen = relay_store_msg_seen(r->writer, m.id, it->fingerprint);
	if (seen == 0)
		seen = intake_coex_seen(r, it);
	if (seen != 0)
		return seen < 0 ? -1 : 0;
	if (relay_identify(r, &it->customer, n, ts, it->history, &c) != 0)
		return -1;
	if ((id = intake_message_id(r, m.id, it->fingerprint)) == NULL)
		goto out;
	m.id = id;
	if (m.direction == TD_DIR_OUT) {
		/* Sent from the WhatsApp Business app, not by an agent:
		 * Meta gives it a wamid, which is also its id here. */
		m.origin = (char *)"business_app";
		m.from = NULL;
	} else {
		m.direction = TD_DIR_IN;
		m.status = TD_MS_RECEIVED;
		/* A notice from WhatsApp (a changed number or user id):
		 * clients show it as a system line. */
		if (it->kind == WA_ITEM_SYSTEM)
			m.origin = (char *)"system";
		/* The number it came from, also an old one the customer
		 * has since changed (still linked to the contact). */
		m.from = it->customer.wa_id != NULL ? it->customer.wa_id :
		    c.wa_id != NULL ? c.wa_id : c.user_id;
	}
	m.history = it->history;
	if ((ev = ev_message_new(ts, c.conversation, &m)) == NULL)
		goto out;
	if (relay_append(r, ev) != 0 ||
	    relay_store_msg_put(r->writer, id, it->message.id, it->fingerprint,
	    c.conversation, m.direction, ts) != 0)
		goto out;
	if (!it->history)
		intake_media(r, &m, c.conversation, ts);
	if (intake_identity(r, it, &c, ts) != 0)
		goto out;
	rc = intake_update_state(r, c.conversation, ts, it);
out:
	json_decref(ev);
	free(id);
	relay_contact_free(&c);
	return rc;
}

static json_t *
intake_error_json(const struct td_error *e)
{
	json_t *o;

	if (e->code == 0 && e->title == NULL)
		return NULL;
	o = json_pack("{s:i, s:s}", "code", e->code, "title",
	    e->title ? e->title : "");
	if (e->details != NULL)
		json_object_set_new(o, "details", json_string(e->details));
	return o;
}

static int
intake_defer(struct relay *r, const char *wamid, const char *conv,
    enum td_msg_status status, json_t *extra, int64_t ts)
{
	char *text = extra ? json_dumps(extra, JSON_COMPACT) : NULL;
	int rc;

	rc = relay_store_deferred_put(r->writer, wamid, conv,
	    event_msg_status_name(status), ts, text);
	free(text);
	return rc;
}

/* A send WhatsApp accepted and then reported failed (131047: the
 * window closed, 131026: undeliverable, 131042: no payment method...):
 * logged as the sender logs a refused one, with the code and title,
 * never the details (they may quote the message), and counted by its
 * code in ttydesk_graph_errors_total. */
static void
intake_log_failed(const char *msg, const char *conv,
    const struct td_error *e)
{
	char title[3 * 256];

	log_msg(LOG_WARNING, "event=send_failed id=%s conversation=%s "
	    "outcome=failed_by_whatsapp code=%d title=\"%s\"", msg, conv,
	    e->code, log_quote(title, sizeof title, e->title));
	metrics_send_failed_later(e->code);
}

static int
intake_status(struct relay *r, const struct wa_item *it,
    const struct relay_number *n)
{
	const struct td_status_update *s = &it->status;
	const char *wamid = s->message ? s->message : "";
	struct relay_msgkey k;
	struct relay_contact c;
	const char *msg, *conv;
	json_t *extra = NULL, *err;
	int found, rc = -1;
	bool fresh;

	memset(&c, 0, sizeof c);
	if ((found = relay_store_msg_by_wamid(r->writer, wamid, &k)) < 0)
		return -1;
	if (found) {
		msg = k.id;
		conv = k.conversation;
	} else {
		/* Not one of ours (sent by another tool, or before this relay
		 * existed): keep it on the recipient's conversation. */
		if (relay_identify(r, &it->customer, n, it->ts > 0 ? it->ts :
		    relay_now(r), false, &c) != 0)
			goto out;
		msg = wamid;
		conv = c.conversation;
	}
	err = intake_error_json(&s->error);
	if (err != NULL)
		extra = json_pack("{s:o}", "error", err);
	if (!found && (rc = relay_store_outbound_busy(r->writer, conv)) != 0) {
		/* Meta can report a status before its send answer reached
		 * us: hold it until that send's outcome names the wamid. */
		if (rc > 0) {
			rc = intake_defer(r, wamid, conv, s->status, extra,
			    it->ts > 0 ? it->ts : relay_now(r));
			r->intake_deferred++;
			if (rc == 0 && s->status == TD_MS_FAILED)
				intake_log_failed(wamid, conv, &s->error);
		}
		json_decref(extra);
		goto out;
	}
	rc = relay_emit_status_fresh(r, conv, msg, s->status, extra,
	    it->ts > 0 ? it->ts : relay_now(r), &fresh);
	json_decref(extra);
	if (rc == 0 && fresh && s->status == TD_MS_FAILED)
		intake_log_failed(msg, conv, &s->error);
out:
	relay_msgkey_free(&k);
	relay_contact_free(&c);
	return rc;
}

/* Says once per phone_number_id that webhooks for it are dropped (Meta
 * sends every number of the app to the one URL).  Writer thread only. */
static void
intake_log_unknown(const char *phone_number_id)
{
	static char seen[64][40];
	static size_t n_seen;
	size_t i;

	if (phone_number_id == NULL)
		return;
	for (i = 0; i < n_seen; i++) {
		if (strcmp(seen[i], phone_number_id) == 0)
			return;
	}
	if (n_seen < sizeof seen / sizeof seen[0])
		snprintf(seen[n_seen++], sizeof seen[0], "%s", phone_number_id);
	relay_log("webhook for phone_number_id %.40s, which no [number] section "
	    "names: ignored", phone_number_id);
}

int
relay_intake(struct relay *r, const struct wa_webhook *w)
{
	const struct relay_number *n;
	size_t i;

	for (i = 0; i < w->n_items; i++) {
		const struct wa_item *it = &w->items[i];
		int rc;

		/* Without metadata (never from Meta) it is the first number. */
		n = it->phone_number_id == NULL ? &config_dir(r->cfg)->numbers[0] :
		    config_number_by_phone(r->cfg, it->phone_number_id);
		if (n == NULL) {
			intake_log_unknown(it->phone_number_id);
			continue;
		}
		if (it->kind == WA_ITEM_STATUS)
			rc = intake_status(r, it, n);
		else
			rc = intake_message(r, it, n);
		if (rc != 0)
			return -1;
	}
	for (i = 0; i < w->n_templates; i++) {
		int rc = templates_on_update(r, &w->templates[i]);

		if (rc < 0)
			return -1;
		if (rc > 0)
			fetcher_want_templates(r);
	}
	return 0;
}
