/*
 * Event objects and the customer/conversation bookkeeping shared by the
 * webhook intake and the agent routes (writer thread only).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"

json_t *
ev_new(int64_t ts, const char *type, const char *conversation)
{
	/* seq first, filled in by relay_append(). */
	return json_pack("{s:I, s:I, s:s, s:s}", "seq", (json_int_t)0,
	    "ts", (json_int_t)ts, "type", type,
	    "conversation", conversation ? conversation : "");
}

static void
ev_set_str(json_t *o, const char *key, const char *v)
{
	if (v != NULL)
		json_object_set_new(o, key, json_string(v));
}

json_t *
ev_message_new(int64_t ts, const char *conversation,
    const struct td_message *m)
{
	json_t *ev = ev_new(ts, "message", conversation);

	if (ev == NULL || json_object_set_new(ev, "message",
	    event_message_to_json(m)) != 0) {
		json_decref(ev);
		return NULL;
	}
	return ev;
}

json_t *
ev_contact_json(const struct relay_contact *c)
{
	json_t *o = json_object(), *v;
	const char *k;

	ev_set_str(o, "wa_id", c->wa_id);
	ev_set_str(o, "user_id", c->user_id);
	ev_set_str(o, "username", c->username);
	json_object_set_new(o, "name", json_string(c->name ? c->name :
	    c->username ? c->username : c->wa_id ? c->wa_id :
	    c->user_id ? c->user_id : ""));
	if (c->extra != NULL) {
		json_object_foreach(c->extra, k, v)
			json_object_set(o, k, v);
	}
	return o;
}

void
conv_state_strip(json_t *state)
{
	const char *k;
	json_t *v;
	void *tmp;

	/* Keys starting with '_' are the relay's own bookkeeping. */
	json_object_foreach_safe(state, tmp, k, v) {
		if (k[0] == '_')
			json_object_del(state, k);
	}
}

json_t *
conv_state_for(const struct relay_number *n)
{
	/* The number before labels and sla: the event log stores the common
	 * ending ,"labels":[],"sla":{"breached":false}}} as one byte
	 * (store_sqlite_log.c), which a number after it would break. */
	json_t *state = json_pack("{s:s, s:n, s:n, s:s, s:I, s:s, s:[], "
	    "s:{s:b}}", "status", "open", "assignee", "team", "priority",
	    "normal", "last_inbound_ts", (json_int_t)0, "number", n->id,
	    "labels", "sla", "breached", 0);

	if (state == NULL)
		return NULL;
	if (n->default_team != NULL)
		json_object_set_new(state, "team", json_string(n->default_team));
	return state;
}

/* c's conversation on number n, or NULL in c->conversation when it has
 * none there yet: the contact row remembers only the latest one. */
static int
ident_conversation(struct relay *r, const struct relay_number *n,
    struct relay_contact *c)
{
	char *id = NULL;

	if (c->id == 0)
		return 0;
	if (relay_store_conversation_of(r->writer, c->id, n->id, &id) < 0)
		return -1;
	free(c->conversation);
	c->conversation = id;
	return 0;
}

int
relay_emit_contact(struct relay *r, const struct relay_contact *c, int64_t ts)
{
	json_t *ev = ev_new(ts, "contact", c->conversation);
	int rc;

	if (ev == NULL)
		return -1;
	json_object_set_new(ev, "contact", ev_contact_json(c));
	rc = relay_append(r, ev);
	json_decref(ev);
	return rc;
}

int
relay_emit_conversation(struct relay *r, const char *id, json_t *state,
    int64_t ts, json_t **out)
{
	json_t *ev = ev_new(ts, "conversation", id);
	int rc;

	json_t *pub;

	if (out != NULL)
		*out = NULL;
	if (ev == NULL || (pub = json_copy(state)) == NULL) {
		json_decref(ev);
		return -1;
	}
	conv_state_strip(pub);
	json_object_set_new(ev, "state", pub);
	if ((rc = relay_append(r, ev)) == 0 && out != NULL) {
		*out = ev;
		return 0;
	}
	json_decref(ev);
	return rc;
}

static int
ident_set(char **field, const char *v)
{
	if (v == NULL || *v == '\0' || (*field != NULL && strcmp(*field, v) == 0))
		return 0;
	free(*field);
	*field = strdup(v);
	return 1;
}

/* Both identifiers were known as two customers: the BSUID record takes the
 * phone, the phone-only record keeps its history without it. */
static int
ident_link(struct relay *r, struct relay_contact *byu,
    struct relay_contact *byw, int64_t ts)
{
	free(byw->wa_id);
	byw->wa_id = NULL;
	if (byw->user_id == NULL)
		byw->user_id = strdup("unlinked");
	if (relay_store_contact_put(r->writer, byw) != 0)
		return -1;
	return relay_emit_contact(r, byw, ts);
}

/* Found through an identifier the customer had before (an alias): the
 * contact keeps its current one. */
static bool
ident_old(const char *have, const char *got)
{
	return have != NULL && got != NULL && strcmp(have, got) != 0;
}

static int
ident_find(struct relay *r, const struct wa_customer *cust, int64_t ts,
    struct relay_contact *c, int *changed, bool old[2])
{
	struct relay_contact byu, byw;
	int fu = 0, fw = 0;

	memset(&byu, 0, sizeof byu);
	memset(&byw, 0, sizeof byw);
	if (cust->user_id != NULL &&
	    (fu = relay_store_contact_by(r->writer, "user_id", cust->user_id,
	    &byu)) < 0)
		return -1;
	if (cust->wa_id != NULL &&
	    (fw = relay_store_contact_by(r->writer, "wa_id", cust->wa_id,
	    &byw)) < 0)
		goto fail;
	old[0] = fw && ident_old(byw.wa_id, cust->wa_id);
	old[1] = fu && ident_old(byu.user_id, cust->user_id);
	if (fu && fw && byu.id != byw.id) {
		if (ident_link(r, &byu, &byw, ts) != 0)
			goto fail;
		relay_contact_free(&byw);
		fw = 0;
	}
	if (fu) {
		*c = byu;
		relay_contact_free(&byw);
	} else if (fw) {
		*c = byw;
	} else {
		memset(c, 0, sizeof *c);
		*changed = 1;
	}
	return 0;
fail:
	relay_contact_free(&byu);
	relay_contact_free(&byw);
	return -1;
}

int
relay_identify(struct relay *r, const struct wa_customer *cust,
    const struct relay_number *n, int64_t ts, bool past,
    struct relay_contact *c)
{
	struct wa_customer anon;
	json_t *state = NULL;
	int changed = 0, created = 0, rc = -1;
	bool old[2] = { false, false };

	if (cust->wa_id == NULL && cust->user_id == NULL) {
		/* Never invent a phone: an anonymous sender gets a BSUID-like
		 * key so its messages are kept, not dropped. */
		anon = *cust;
		anon.user_id = (char *)"unknown";
		cust = &anon;
	}
	if (ident_find(r, cust, ts, c, &changed, old) != 0)
		return -1;
	if (ident_conversation(r, n, c) != 0)
		goto out;
	if (!old[0])
		changed |= ident_set(&c->wa_id, cust->wa_id);
	if (!old[1])
		changed |= ident_set(&c->user_id, cust->user_id);
	changed |= ident_set(&c->username, cust->username);
	changed |= ident_set(&c->name, cust->name);
	if (!changed && c->conversation != NULL)
		return 0;
	if (c->id == 0 && relay_store_contact_put(r->writer, c) != 0)
		goto out;
	if (c->conversation == NULL) {
		if ((state = conv_state_for(n)) == NULL ||
		    (past && json_object_set_new(state, "status",
		    json_string("resolved")) != 0) ||
		    relay_store_conversation_create(r->writer, c->id, ts, state,
		    &c->conversation) != 0)
			goto out;
		created = 1;
	}
	if (relay_store_contact_put(r->writer, c) != 0 ||
	    relay_emit_contact(r, c, ts) != 0)
		goto out;
	if (created && relay_emit_conversation(r, c->conversation, state, ts,
	    NULL) != 0)
		goto out;
	rc = 0;
out:
	json_decref(state);
	if (rc != 0)
		relay_contact_free(c);
	return rc;
}

/* Status names by rank of td_msg_status. */
static const char *const status_rank[] = {
	"received", "pending", "sent", "delivered", "read", "failed",
};

static bool
status_beats(int t, int s)
{
	if (t == TD_MS_READ)
		return s != TD_MS_READ;
	if (t == TD_MS_FAILED)
		return s != TD_MS_READ && s != TD_MS_FAILED;
	return t > s && s != TD_MS_FAILED && s != TD_MS_READ;
}

int
relay_emit_status(struct relay *r, const char *conversation,
    const char *message, enum td_msg_status status, json_t *extra,
    int64_t ts)
{
	bool fresh;

	return relay_emit_status_fresh(r, conversation, message, status, extra,
	    ts, &fresh);
}

int
relay_emit_status_fresh(struct relay *r, const char *conversation,
    const char *message, enum td_msg_status status, json_t *extra,
    int64_t ts, bool *fresh)
{
	const char *name = event_msg_status_name(status);
	unsigned mask;
	json_t *ev, *st;
	int rc, t;

	*fresh = false;
	if (relay_store_status_mask(r->writer, message, status_rank, 6,
	    &mask) != 0)
		return -1;
	if ((rc = relay_store_status_once(r->writer, message, name)) <= 0)
		return rc; /* seen: a redelivery */
	*fresh = true;
	for (t = 0; t < 6; t++) {
		if ((mask & (1u << t)) && status_beats(t, (int)status))
			return 0; /* recorded, but the later state stays */
	}
	st = json_pack("{s:s, s:s}", "message", message, "status", name);
	if (extra != NULL)
		json_object_update(st, extra);
	ev = ev_new(ts, "status", conversation);
	json_object_set_new(ev, "status", st);
	rc = relay_append(r, ev);
	json_decref(ev);
	return rc;
}

static int
status_from_name(const char *s)
{
	int i;

	for (i = 0; i < 6; i++) {
		if (strcmp(status_rank[i], s) == 0)
			return i;
	}
	return -1;
}

static int
release_cmp(const void *a, const void *b)
{
	const struct relay_deferred *x = a, *y = b;

	return status_from_name(x->status) - status_from_name(y->status);
}

int
relay_release_statuses(struct relay *r, const char *conversation,
    const char *local_id, const char *wamid)
{
	struct relay_deferred *d;
	struct relay_msgkey k;
	size_t n, i;
	int busy = 0, rc = 0;

	if (conversation != NULL &&
	    (busy = relay_store_outbound_busy(r->writer, conversation)) < 0)
		return -1;
	if (relay_store_deferred_take(r->writer, conversation, &d, &n) != 0)
		return -1;
	if (n > 1)
		qsort(d, n, sizeof *d, release_cmp);
	for (i = 0; i < n && rc == 0; i++) {
		const char *msg = d[i].wamid, *conv = d[i].conversation;
		json_t *extra = d[i].extra ? json_loads(d[i].extra, 0, NULL) : NULL;
		int st = status_from_name(d[i].status);

		memset(&k, 0, sizeof k);
		if (wamid != NULL && strcmp(d[i].wamid, wamid) == 0) {
			msg = local_id;
		} else if (busy) {
			/* Maybe another send's: keep holding it. */
			rc = relay_store_deferred_put(r->writer, d[i].wamid,
			    conversation, d[i].status, d[i].ts, d[i].extra);
			json_decref(extra);
			continue;
		} else if (relay_store_msg_by_wamid(r->writer, d[i].wamid, &k) > 0) {
			msg = k.id;
			conv = k.conversation;
		}
		if (conv == NULL)
			conv = "";
		if (st >= 0)
			rc = relay_emit_status(r, conv, msg,
			    (enum td_msg_status)st, extra, d[i].ts);
		json_decref(extra);
		relay_msgkey_free(&k);
	}
	relay_deferred_free(d, n);
	return rc;
}
