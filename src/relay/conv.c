/*
 * Conversation state rules: reopen on inbound, SLA due times, window.
 */
#include <string.h>

#include "ttydesk/model.h"

#include "conv.h"
#include "hours.h"
#include "store_common.h"

static void conv_on_inbound_plain(struct relay *r, json_t *state, int64_t ts);

const struct hours *
conv_team_hours(struct relay *r, const json_t *state)
{
	const char *team = json_string_value(json_object_get(state, "team"));
	const struct relay_team *t = team ? config_find_team(r->cfg, team) :
	    NULL;

	return t != NULL ? t->hours : NULL;
}

const char *
conv_status(const json_t *state)
{
	const char *s = json_string_value(json_object_get(state, "status"));

	return s ? s : "open";
}

int
conv_priority_index(const json_t *state)
{
	const char *p = json_string_value(json_object_get(state, "priority"));

	if (p != NULL && strcmp(p, "urgent") == 0)
		return 2;
	if (p != NULL && strcmp(p, "high") == 0)
		return 1;
	return 0;
}

static json_t *
conv_sla(json_t *state)
{
	json_t *sla = json_object_get(state, "sla");

	if (!json_is_object(sla)) {
		sla = json_pack("{s:b}", "breached", 0);
		json_object_set_new(state, "sla", sla);
	}
	return sla;
}

/* "csat:1".."csat:5" to 1..5, else 0. */
static int
conv_csat_score(const char *reply_id)
{
	if (reply_id == NULL || strncmp(reply_id, "csat:", 5) != 0 ||
	    reply_id[5] < '1' || reply_id[5] > '5' || reply_id[6] != '\0')
		return 0;
	return reply_id[5] - '0';
}

void
conv_on_inbound(struct relay *r, json_t *state, int64_t ts,
    const char *reply_id)
{
	int score = conv_csat_score(reply_id);

	if (score > 0 && json_is_true(json_object_get(state, "_csat_asked")) &&
	    strcmp(conv_status(state), "resolved") == 0) {
		json_object_set_new(state, "csat", json_pack("{s:i, s:I}",
		    "score", score, "at", (json_int_t)ts));
		json_object_del(state, "_csat_asked");
		return;
	}
	conv_on_inbound_plain(r, state, ts);
}

static void
conv_on_inbound_plain(struct relay *r, json_t *state, int64_t ts)
{
	const char *st = conv_status(state);
	json_int_t last = json_integer_value(json_object_get(state,
	    "last_inbound_ts"));
	json_t *sla = conv_sla(state);
	int prio = conv_priority_index(state);
	int64_t target, due;
	const char *key;

	if (ts > last)
		json_object_set_new(state, "last_inbound_ts", json_integer(ts));
	/* Since when the customer waits for an answer (assignment order,
	 * reassign_after); an agent's reply ends it. */
	if (json_object_get(state, "_waiting_since") == NULL)
		json_object_set_new(state, "_waiting_since", json_integer(ts));
	if (strcmp(st, "resolved") == 0 || strcmp(st, "snoozed") == 0)
		json_object_set_new(state, "status", json_string("open"));
	json_object_del(state, "snoozed_until");
	/* First response until an agent ever replied, next response after. */
	if (json_is_true(json_object_get(state, "_replied"))) {
		key = "next_response_due";
		target = r->cfg->sla_next_prio[prio];
	} else {
		key = "first_response_due";
		target = r->cfg->sla_first_prio[prio];
	}
	/* Due times count the team's business hours: the clock stops while
	 * it is closed. */
	if (target > 0 && json_object_get(sla, key) == NULL &&
	    (due = hours_add_business(conv_team_hours(r, state), ts,
	    target)) != HOURS_NEVER)
		json_object_set_new(sla, key, json_integer(due));
}

void
conv_on_reply(json_t *state)
{
	json_t *sla = conv_sla(state);

	json_object_del(sla, "first_response_due");
	json_object_del(sla, "next_response_due");
	json_object_set_new(sla, "breached", json_false());
	json_object_set_new(state, "_replied", json_true());
	json_object_del(state, "_waiting_since");
}

bool
conv_window_open(const json_t *state, int64_t now)
{
	json_int_t last = json_integer_value(json_object_get(state,
	    "last_inbound_ts"));

	return last > 0 && now - last < TD_WINDOW_SECONDS;
}

const struct relay_number *
relay_conversation_number(struct relay *r, const json_t *state)
{
	return config_find_number(r->cfg, store_state_number(state));
}

int
relay_conversation_number_of(struct relay *r, struct relay_store *st,
    const char *conv, const struct relay_number **out)
{
	json_t *state = NULL;
	int rc;

	*out = NULL;
	if ((rc = relay_store_conversation_get(st, conv, &state, NULL, NULL,
	    NULL)) > 0)
		*out = relay_conversation_number(r, state);
	json_decref(state);
	return rc;
}
