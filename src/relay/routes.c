/*
 * The agent API handlers and, after them, the route table (one line per
 * route, like tmux's command entries).  Handlers run on microhttpd's thread: they
 * check the request's shape, then hand the work to the writer or the
 * sender.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conv.h"
#include "events.h"
#include "health.h"
#include "http.h"
#include "ops.h"
#include "report.h"
#include "search.h"
#include "sender.h"
#include "team_view.h"
#include "webhook.h"

static void
route_me(struct req *q)
{
	const struct relay_directory *d = config_dir(q->r->cfg);
	const struct relay_agent *a = q->agent;
	json_t *teams = json_array(), *mine = json_array();
	json_t *numbers = json_array(), *o;
	size_t i;

	for (i = 0; i < a->n_teams; i++)
		json_array_append_new(mine, json_string(a->teams[i]));
	for (i = 0; i < d->n_numbers; i++) {
		const struct relay_number *n = &d->numbers[i];
		const char *waba;

		if (!config_agent_has_number(a, n->id))
			continue;
		o = json_pack("{s:s, s:s, s:s}", "id", n->id, "phone_number_id",
		    n->phone_number_id, "display_phone_number",
		    n->display_phone_number);
		if (n->name != NULL)
			json_object_set_new(o, "name", json_string(n->name));
		/* Its templates' account: a client offers those. */
		if ((waba = config_number_waba(q->r->cfg, n)) != NULL)
			json_object_set_new(o, "waba_id", json_string(waba));
		json_array_append_new(numbers, o);
	}
	for (i = 0; i < d->n_teams; i++)
		json_array_append_new(teams, json_pack("{s:s, s:s}", "id",
		    d->teams[i].id, "name", d->teams[i].name));
	req_reply(q, 200, json_pack("{s:{s:s, s:s, s:o, s:s, s:s}, s:o, "
	    "s:{s:s, s:s}, s:o}", "agent", "id", a->id, "name", a->name,
	    "teams", mine, "role", config_role_name(a->role), "visibility",
	    config_visibility_name(a->visibility),
	    "teams", teams, "business", "phone_number_id",
	    q->r->cfg->phone_number_id, "display_phone_number",
	    q->r->cfg->display_phone_number, "numbers", numbers));
}

/* Parses the body as a JSON object into q->in; answers 400 otherwise. */
static int
route_body(struct req *q)
{
	json_error_t e;

	q->in = json_loadb(q->body, q->len, JSON_REJECT_DUPLICATES, &e);
	if (q->in == NULL) {
		req_error(q, 400, "bad_json", "body is not JSON: %s at line %d",
		    e.text, e.line);
		return -1;
	}
	if (!json_is_object(q->in)) {
		req_error(q, 400, "bad_json", "body must be a JSON object");
		return -1;
	}
	return 0;
}

/*
 * The first answer to this agent's client_id on route and scope (see
 * op_idem_key): 1 with *status and *prev (malloc'd), 0 when there is
 * none, -1 on a store error.  A record written before keys were scoped
 * (route and client_id alone) still answers a conversation route, but
 * only when it is about the same conversation (scope).
 */
static int
route_idem_get(struct req *q, const char *route, const char *scope,
    bool legacy, const char *client_id, int *status, char **prev)
{
	char key[OP_IDEM_KEY_MAX];
	json_t *o;
	int rc;

	*prev = NULL;
	if (op_idem_key(key, sizeof key, q->agent, scope, client_id) == NULL)
		return 0;
	rc = relay_store_idem_get(q->r->writer, route, key, status, prev);
	if (rc != 0 || !legacy)
		return rc;
	if ((rc = relay_store_idem_get(q->r->writer, route, client_id, status,
	    prev)) <= 0)
		return rc;
	o = json_loads(*prev, 0, NULL);
	if (!json_is_string(json_object_get(o, "conversation")) ||
	    strcmp(json_string_value(json_object_get(o, "conversation")),
	    scope) != 0) {
		free(*prev);
		*prev = NULL;
		rc = 0;
	}
	json_decref(o);
	return rc;
}

static int
route_idem_put(struct req *q, const char *route, const char *scope,
    const char *client_id, int status, const char *answer)
{
	char key[OP_IDEM_KEY_MAX];

	if (op_idem_key(key, sizeof key, q->agent, scope, client_id) == NULL)
		return -1;
	return relay_store_idem_put(q->r->writer, route, key, status, answer);
}

/* Writer side of a conversation route: idempotency, then the op. */
void
route_run_op(struct req *q, const char *route, op_fn fn)
{
	struct relay *r = q->r;
	struct op_result res = { 0, NULL, NULL, 0 };
	const char *client_id = json_string_value(json_object_get(q->in,
	    "client_id"));
	char *prev = NULL, *text;
	int status, rc;

	if (client_id != NULL) {
		rc = route_idem_get(q, route, q->seg[2], true, client_id,
		    &status, &prev);
		if (rc < 0) {
			req_error(q, 500, "store_error", "idempotency look-up");
			return;
		}
		if (rc > 0) {
			req_reply_raw(q, (unsigned)status, prev, strlen(prev));
			return;
		}
	}
	fn(r, q->agent, q->seg[2], q->in, &res);
	q->hook = res.hook;
	q->kick_sender = res.kick != 0;
	if (res.status >= 200 && res.status < 300 && client_id != NULL &&
	    res.body != NULL) {
		text = json_dumps(res.body, JSON_COMPACT | JSON_PRESERVE_ORDER);
		if (text == NULL || route_idem_put(q, route, q->seg[2],
		    client_id, (int)res.status, text) != 0) {
			free(text);
			json_decref(res.body);
			req_error(q, 500, "store_error", "idempotency record");
			return;
		}
		free(text);
	}
	req_reply(q, res.status, res.body);
}

#define ROUTE_OP(name, route, fn) \
	static void name##_w(struct req *q) { route_run_op(q, route, fn); } \
	static void name(struct req *q) \
	{ \
		if (route_body(q) == 0) \
			req_to_writer(q, name##_w); \
	}

ROUTE_OP(route_messages, "messages", op_message)
ROUTE_OP(route_notes, "notes", op_note)
ROUTE_OP(route_escalate, "escalate", op_escalate)
ROUTE_OP(route_assign, "assign", op_assign)
ROUTE_OP(route_status, "status", op_status)
ROUTE_OP(route_labels, "labels", op_labels)
ROUTE_OP(route_presence, "presence", op_presence)

int
route_conv_number(struct req *q, const char *conv,
    const struct relay_number **n)
{
	json_t *state = NULL;
	int rc;

	*n = NULL;
	pthread_mutex_lock(&q->r->reader_lock);
	rc = relay_store_conversation_get(q->r->reader, conv, &state, NULL,
	    NULL, NULL);
	pthread_mutex_unlock(&q->r->reader_lock);
	if (rc > 0 && !relay_agent_sees(q->r, q->agent, state))
		rc = 0;
	if (rc > 0 && (*n = relay_conversation_number(q->r, state)) == NULL) {
		req_error(q, 409, "number_removed", "conversation %s belongs to a "
		    "number no longer configured", conv);
		rc = -2;
	}
	json_decref(state);
	if (rc == -1)
		req_error(q, 500, "store_error", "cannot read conversations");
	else if (rc == 0)
		req_error(q, 404, "not_found", "no conversation %s", conv);
	return rc > 0;
}

int
route_conv_exists(struct req *q, const char *conv)
{
	const struct relay_number *n;

	return route_conv_number(q, conv, &n);
}

static void
route_read(struct req *q)
{
	const struct relay_number *n;
	struct relay_msgkey k;
	const char *msg;
	int rc;

	if (route_body(q) != 0)
		return;
	msg = json_string_value(json_object_get(q->in, "message"));
	if (msg == NULL || *msg == '\0') {
		req_error(q, 400, "bad_request", "message must be a message id");
		return;
	}
	if (!route_conv_number(q, q->seg[2], &n))
		return;
	pthread_mutex_lock(&q->r->reader_lock);
	if ((rc = relay_store_msg_by_id(q->r->reader, msg, &k)) == 0)
		rc = relay_store_msg_by_wamid(q->r->reader, msg, &k);
	pthread_mutex_unlock(&q->r->reader_lock);
	if (rc <= 0 || k.wamid == NULL || k.direction != 0 ||
	    strcmp(k.conversation, q->seg[2]) != 0) {
		relay_msgkey_free(&k);
		req_error(q, 404, "not_found", "no inbound message %s in this "
		    "conversation", msg);
		return;
	}
	sender_mark_read(q->r, q, n, k.wamid);
	relay_msgkey_free(&k);
}

static void route_visible_only(struct req *q, json_t *list);

/* A contact by phone (wa_id) or, failing that, BSUID, when the agent of
 * q sees one of its conversations (an agent that sees less than all
 * knows only those customers).  1/0/-1. */
static int
route_contact_find(struct req *q, struct relay_store *st, const char *key,
    struct relay_contact *c)
{
	int rc = relay_store_contact_by(st, "wa_id", key, c);
	json_t *list;

	if (rc == 0)
		rc = relay_store_contact_by(st, "user_id", key, c);
	if (rc <= 0 || !relay_agent_limited(q->agent))
		return rc;
	if ((list = relay_store_contact_conversations(st, c->id)) == NULL) {
		relay_contact_free(c);
		return -1;
	}
	route_visible_only(q, list);
	if (json_array_size(list) == 0) {
		relay_contact_free(c);
		rc = 0;
	}
	json_decref(list);
	return rc;
}

static json_t *
route_contact_event(const struct relay_contact *c, int64_t ts)
{
	json_t *ev = ev_new(ts, "contact", c->conversation);

	json_object_set_new(ev, "contact", ev_contact_json(c));
	return ev;
}

static void
route_contact_get(struct req *q)
{
	struct relay_contact c;
	json_t *ev;
	int rc;

	pthread_mutex_lock(&q->r->reader_lock);
	rc = route_contact_find(q, q->r->reader, q->seg[2], &c);
	pthread_mutex_unlock(&q->r->reader_lock);
	if (rc <= 0) {
		req_error(q, rc < 0 ? 500 : 404, rc < 0 ? "store_error" :
		    "not_found", "no contact %s", q->seg[2]);
		return;
	}
	ev = route_contact_event(&c, relay_now(q->r));
	json_object_del(ev, "seq"); /* a snapshot, not a logged event */
	req_reply(q, 200, ev);
	relay_contact_free(&c);
}

/* Drops the entries ({"id", "state", ...}) the agent may not see. */
static void
route_visible_only(struct req *q, json_t *list)
{
	size_t i = 0;

	while (i < json_array_size(list)) {
		json_t *state = json_object_get(json_array_get(list, i), "state");

		if (relay_agent_sees(q->r, q->agent, state))
			i++;
		else
			json_array_remove(list, i);
	}
}

static void
route_contact_conversations(struct req *q)
{
	struct relay_contact c;
	json_t *list = NULL;
	int rc;

	pthread_mutex_lock(&q->r->reader_lock);
	rc = route_contact_find(q, q->r->reader, q->seg[2], &c);
	if (rc > 0)
		list = relay_store_contact_conversations(q->r->reader, c.id);
	pthread_mutex_unlock(&q->r->reader_lock);
	if (rc <= 0 || list == NULL) {
		req_error(q, rc == 0 ? 404 : 500, rc == 0 ? "not_found" :
		    "store_error", "no contact %s", q->seg[2]);
		if (rc > 0)
			relay_contact_free(&c);
		return;
	}
	relay_contact_free(&c);
	route_visible_only(q, list);
	req_reply(q, 200, json_pack("{s:o}", "conversations", list));
}

static int
route_contact_update(struct relay_contact *c, json_t *in, char *err,
    size_t errlen)
{
	json_t *note = json_object_get(in, "note");
	json_t *attrs = json_object_get(in, "attributes"), *v;
	const char *k;

	if (note != NULL && !json_is_string(note) && !json_is_null(note)) {
		snprintf(err, errlen, "note must be a string");
		return -1;
	}
	if (attrs != NULL && !json_is_object(attrs)) {
		snprintf(err, errlen, "attributes must be an object");
		return -1;
	}
	json_object_foreach(attrs, k, v) {
		if (!json_is_string(v) && !json_is_null(v)) {
			snprintf(err, errlen, "attribute values must be strings");
			return -1;
		}
	}
	if (c->extra == NULL)
		c->extra = json_object();
	if (note != NULL)
		json_object_set(c->extra, "note", note);
	if (attrs != NULL) {
		json_t *cur = json_object_get(c->extra, "attributes");

		if (!json_is_object(cur)) {
			cur = json_object();
			json_object_set_new(c->extra, "attributes", cur);
		}
		json_object_foreach(attrs, k, v) {
			if (json_is_null(v))
				json_object_del(cur, k);
			else
				json_object_set(cur, k, v);
		}
	}
	return 0;
}

static void
route_contact_post_w(struct req *q)
{
	struct relay *r = q->r;
	struct relay_contact c;
	const char *client_id = json_string_value(json_object_get(q->in,
	    "client_id"));
	char err[128], *prev = NULL, *text;
	json_t *ev;
	int rc, status;

	if (client_id != NULL && (rc = route_idem_get(q, "contact", q->seg[2],
	    false, client_id, &status, &prev)) != 0) {
		if (rc < 0)
			req_error(q, 500, "store_error", "idempotency look-up");
		else
			req_reply_raw(q, (unsigned)status, prev, strlen(prev));
		return;
	}
	if ((rc = route_contact_find(q, r->writer, q->seg[2], &c)) <= 0) {
		req_error(q, rc < 0 ? 500 : 404, rc < 0 ? "store_error" :
		    "not_found", "no contact %s", q->seg[2]);
		return;
	}
	if (route_contact_update(&c, q->in, err, sizeof err) != 0) {
		req_error(q, 400, "bad_request", "%s", err);
		goto out;
	}
	ev = route_contact_event(&c, relay_now(r));
	if (relay_store_contact_put(r->writer, &c) != 0 ||
	    relay_append(r, ev) != 0) {
		json_decref(ev);
		req_error(q, 500, "store_error", "cannot store the contact");
		goto out;
	}
	text = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (client_id != NULL && text != NULL)
		route_idem_put(q, "contact", q->seg[2], client_id, 200, text);
	free(text);
	req_reply(q, 200, ev);
out:
	relay_contact_free(&c);
}

static void
route_contact_post(struct req *q)
{
	if (route_body(q) == 0)
		req_to_writer(q, route_contact_post_w);
}

/* Conversations one /v1/bulk may name, but for supervisors and admins. */
#define ROUTE_BULK_MAX 50

static const struct {
	const char *action;
	op_fn fn;
} route_bulk_ops[] = {
	{ "assign", op_assign },
	{ "status", op_status },
	{ "labels", op_labels },
	{ "escalate", op_escalate },
};

/* The op's input for one action: {"assign": "bob"} → {"agent": "bob"},
 * {"status": "resolved"} → {"status": ...}, objects pass through. */
static json_t *
route_bulk_input(const char *action, json_t *arg)
{
	if (json_is_object(arg))
		return json_incref(arg);
	if (strcmp(action, "assign") == 0)
		return json_pack("{s:O}", "agent", arg);
	if (strcmp(action, "status") == 0)
		return json_pack("{s:O}", "status", arg);
	return json_object();
}

static void route_bulk_run(struct req *q);

/* The whole bulk answer is what a repeated client_id gets back. */
static void
route_bulk_w(struct req *q)
{
	const char *client_id = json_string_value(json_object_get(q->in,
	    "client_id"));
	char *prev = NULL;
	int status, rc;

	if (client_id != NULL) {
		rc = route_idem_get(q, "bulk", "", false, client_id, &status,
		    &prev);
		if (rc > 0) {
			req_reply_raw(q, (unsigned)status, prev, strlen(prev));
			return;
		}
	}
	route_bulk_run(q);
	if (client_id != NULL && q->status == 200 && q->answer != NULL &&
	    route_idem_put(q, "bulk", "", client_id, 200, q->answer) != 0)
		req_error(q, 500, "store_error", "idempotency record");
}

static void
route_bulk_run(struct req *q)
{
	json_t *convs = json_object_get(q->in, "conversations");
	json_t *action = json_object_get(q->in, "action"), *results, *v, *in;
	struct op_result denied = { 0, NULL, NULL, 0 };
	const char *name = NULL;
	op_fn fn = NULL;
	size_t i, k;

	for (k = 0; k < sizeof route_bulk_ops / sizeof route_bulk_ops[0]; k++) {
		if (json_object_get(action, route_bulk_ops[k].action) != NULL) {
			name = route_bulk_ops[k].action;
			fn = route_bulk_ops[k].fn;
			break;
		}
	}
	if (!json_is_array(convs) || fn == NULL) {
		req_error(q, 400, "bad_request", "conversations must be a list "
		    "and action one of assign, status, labels, escalate");
		return;
	}
	if (json_array_size(convs) > ROUTE_BULK_MAX &&
	    !config_agent_supervises(q->agent)) {
		req_error(q, 403, "forbidden", "only supervisors and admins may "
		    "change over %d at once", ROUTE_BULK_MAX);
		return;
	}
	in = route_bulk_input(name, json_object_get(action, name));
	if (fn == op_assign && !op_may_assign(q->agent, json_string_value(
	    json_object_get(in, "agent")), &denied)) {
		json_decref(in);
		req_reply(q, denied.status, denied.body);
		return;
	}
	results = json_array();
	json_array_foreach(convs, i, v) {
		struct op_result res = { 0, NULL, NULL, 0 };
		const char *conv = json_string_value(v);

		if (conv == NULL) {
			json_array_append_new(results, json_pack("{s:O, s:b, s:s}",
			    "conversation", v, "ok", 0, "error", "bad_request"));
			continue;
		}
		fn(q->r, q->agent, conv, in, &res);
		if (res.status >= 500) {
			json_decref(res.body);
			json_decref(results);
			json_decref(in);
			req_error(q, 500, "store_error", "store error");
			return;
		}
		if (res.status < 300) {
			json_array_append_new(results, json_pack("{s:s, s:b}",
			    "conversation", conv, "ok", 1));
		} else {
			json_t *e = json_object_get(res.body, "error");

			json_array_append_new(results, json_pack("{s:s, s:b, "
			    "s:O}", "conversation", conv, "ok", 0, "error",
			    json_object_get(e, "code")));
		}
		json_decref(res.body);
		req_add_hook(q, res.hook); /* bulk escalations run it too */
	}
	json_decref(in);
	req_reply(q, 200, json_pack("{s:o}", "results", results));
}

static void
route_bulk(struct req *q)
{
	if (route_body(q) == 0)
		req_to_writer(q, route_bulk_w);
}

/* On a connection of its own: a long report holds no lock the other
 * readers need. */
static void
route_reports(struct req *q)
{
	struct report_query rq;
	struct relay_store *st = NULL;
	long long from, to;
	char by[16], err[256];
	json_t *out;

	if (!config_agent_supervises(q->agent)) {
		req_error(q, 403, "forbidden", "only supervisors and admins may "
		    "read reports");
		return;
	}
	if (req_int_arg(q, "from", 0, INT64_MAX, 0, &from) != 0 ||
	    req_int_arg(q, "to", 0, INT64_MAX, INT64_MAX, &to) != 0)
		return;
	if (report_by_parse(req_arg(q, "by", by, sizeof by), &rq.by) != 0) {
		req_error(q, 400, "bad_request", "by must be agent, team, number "
		    "or day");
		return;
	}
	rq.from = from;
	rq.to = to;
	rq.now = relay_now(q->r);
	if (relay_store_open(q->r->cfg->database, RELAY_STORE_READER, &st, err,
	    sizeof err) != 0) {
		req_error(q, 500, "store_error", "%s", err);
		return;
	}
	out = report_run(st, q->r->cfg, &rq, err, sizeof err);
	relay_store_close(st);
	if (out == NULL)
		req_error(q, 500, "store_error", "%s", err);
	else
		req_reply(q, 200, out);
}

const struct route relay_routes[] = {
	{ "GET", "/webhook", false, webhook_get },
	{ "POST", "/webhook", false, webhook_post },
	{ "GET", "/healthz", false, health_live },
	{ "GET", "/readyz", false, health_ready },
	{ "GET", "/metrics", false, health_metrics },
	{ "GET", "/v1/me", true, route_me },
	{ "GET", "/v1/sync", true, sync_handle },
	{ "GET", "/v1/search", true, search_route },
	{ "GET", "/v1/snapshot", true, window_snapshot },
	{ "GET", "/v1/conversations", true, window_conversations },
	{ "GET", "/v1/conversations/{}/messages", true, window_history },
	{ "POST", "/v1/conversations/{}/messages", true, route_messages },
	{ "POST", "/v1/conversations/{}/notes", true, route_notes },
	{ "POST", "/v1/conversations/{}/escalate", true, route_escalate },
	{ "POST", "/v1/conversations/{}/assign", true, route_assign },
	{ "POST", "/v1/conversations/{}/status", true, route_status },
	{ "POST", "/v1/conversations/{}/labels", true, route_labels },
	{ "POST", "/v1/conversations/{}/presence", true, route_presence },
	{ "POST", "/v1/conversations/{}/read", true, route_read },
	{ "GET", "/v1/conversations/{}/media/{}", true, route_media },
	{ "GET", "/v1/templates", true, route_templates },
	{ "POST", "/v1/conversations/{}/typing", true, route_typing },
	{ "POST", "/v1/conversations/{}/media", true, route_media_upload },
	{ "GET", "/v1/contacts/{}", true, route_contact_get },
	{ "POST", "/v1/contacts/{}", true, route_contact_post },
	{ "GET", "/v1/contacts/{}/conversations", true,
	    route_contact_conversations },
	{ "POST", "/v1/bulk", true, route_bulk },
	{ "GET", "/v1/team", true, team_view_route },
	{ "GET", "/v1/reports", true, route_reports },
	{ NULL, NULL, false, NULL },
};
