/* Zeroing frees (ttydesk/wipe.h). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "ttydesk/wipe.h"

void
wipe_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	sodium_memzero(p, len);
	free(p);
}

void
wipe_str_free(char *s)
{
	if (s != NULL)
		wipe_free(s, strlen(s));
}
