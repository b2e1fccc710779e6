/*
 * relay_agent_sees(): see visible.h.
 */
#include <string.h>

#include "store_common.h"
#include "visible.h"

/* visibility = teams: the agent's teams, its own, and the unclaimed
 * ones (no team, no assignee). */
static bool
visible_by_team(const struct relay_agent *a, const json_t *state)
{
	const char *team = json_string_value(json_object_get(state, "team"));
	const char *who = json_string_value(json_object_get(state,
	    "assignee"));
	size_t i;

	if (who != NULL && strcmp(who, a->id) == 0)
		return true;
	if (team == NULL)
		return who == NULL;
	for (i = 0; i < a->n_teams; i++) {
		if (strcmp(a->teams[i], team) == 0)
			return true;
	}
	return false;
}

bool
relay_agent_sees(const struct relay *r, const struct relay_agent *a,
    const json_t *state)
{
	(void)r;
	/* An agent limited to some numbers ([agent X] numbers). */
	if (config_agent_has_number(a, store_state_number(state)) == 0)
		return false;
	return !relay_agent_narrowed(a) || visible_by_team(a, state);
}

bool
relay_agent_narrowed(const struct relay_agent *a)
{
	return a != NULL && a->visibility == VIS_TEAMS &&
	    !config_agent_supervises(a);
}

bool
relay_agent_limited(const struct relay_agent *a)
{
	return a != NULL && (a->n_numbers > 0 || relay_agent_narrowed(a));
}
