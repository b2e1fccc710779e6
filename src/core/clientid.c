/* Client ids of ttydesk/clientid.h. */
#include <stdio.h>

#include <sodium.h>

#include "ttydesk/clientid.h"

void
client_id_new(char *out, size_t len)
{
	unsigned char r[16];
	char hex[33];

	randombytes_buf(r, sizeof r);
	sodium_bin2hex(hex, sizeof hex, r, sizeof r);
	snprintf(out, len, "c-%s", hex);
}
