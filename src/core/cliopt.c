#include "ttydesk/cliopt.h"

bool
cliopt_take(const struct cliopt_str *rows, size_t n, int val,
    const char *arg)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (rows[i].val == val) {
			*rows[i].dst = arg;
			return true;
		}
	}
	return false;
}
