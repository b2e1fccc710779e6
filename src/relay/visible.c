/*
 * relay_agent_sees(): see visible.h.
 */
#include "store_common.h"
#include "visible.h"

bool
relay_agent_sees(const struct relay *r, const struct relay_agent *a,
    const json_t *state)
{
	(void)r;
	/* An agent limited to some numbers ([agent X] numbers). */
	return config_agent_has_number(a, store_state_number(state)) != 0;
}
