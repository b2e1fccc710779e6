/*
 * Away messages.  The closed period is named by the instant it started
 * (hours_closed_since()); the state keeps the period of the last away
 * message, so a second customer message in the same night gets none and
 * the first one after the next closing gets one again.
 */
#include <string.h>

#include "assign.h"
#include "away.h"
#include "config.h"
#include "conv.h"
#include "hours.h"
#include "log.h"
#include "ops.h"

int
away_check(struct relay *r, struct assign_conv *c, int64_t now,
    bool *queued)
{
	const struct relay_team *t = c->team ? config_find_team(r->cfg,
	    c->team) : NULL;
	const char *text = t ? hours_away_message(t->hours) : NULL;
	int64_t period, last_in;

	if (text == NULL || hours_open_at(t->hours, now))
		return 0;
	period = hours_closed_since(t->hours, now);
	last_in = (int64_t)json_integer_value(json_object_get(c->state,
	    "last_inbound_ts"));
	/* Only an answer to a customer who wrote while closed, whose
	 * window is open, and once in this closed period. */
	if (last_in < period || !conv_window_open(c->state, now) ||
	    (json_object_get(c->state, "_away_period") != NULL &&
	    json_integer_value(json_object_get(c->state, "_away_period")) ==
	    period))
		return 0;
	if (ops_queue_out(r, c->id, c->state, c->contact, NULL, text, NULL,
	    now) != 0)
		return -1;
	json_object_set_new(c->state, "_away_period", json_integer(period));
	if (relay_store_conversation_put(r->writer, c->id, c->state, now) != 0)
		return -1;
	log_msg(LOG_INFO, "event=away_message conversation=%s team=%s", c->id,
	    t->id);
	*queued = true;
	return 0;
}
