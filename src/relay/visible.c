/*
 * relay_agent_sees(): see visible.h.
 */
#include "visible.h"

bool
relay_agent_sees(const struct relay *r, const struct relay_agent *a,
    const json_t *state)
{
	(void)r;
	(void)a;
	(void)state;
	return true;
}
