/* Restore detection: the decision only, pure so it is unit-tested. */
#include <string.h>

#include "relaylog.h"

bool
relaylog_restored(const char *known, const char *seen, int64_t head,
    int64_t after)
{
	if (known[0] != '\0' && seen[0] != '\0' && strcmp(known, seen) != 0)
		return true;
	/* The relay lost events we already have: its log is older. */
	return head >= 0 && head < after;
}
