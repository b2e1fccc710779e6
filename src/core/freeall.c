#include <stdlib.h>

#include "ttydesk/freeall.h"

void
free_each(void *const *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(p[i]);
}
