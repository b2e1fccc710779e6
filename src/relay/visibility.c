/*
 * The one visibility rule (visibility.h).
 */
#include "visibility.h"

bool
relay_agent_sees(const struct relay *r, const struct relay_agent *agent,
    const json_t *state)
{
	(void)r;
	(void)agent;
	(void)state;
	return true;
}
