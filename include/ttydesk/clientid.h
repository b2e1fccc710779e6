/*
 * Client ids: the idempotency keys the TUI sends with every request that
 * changes something (spec/relay-api.md), so a retry is never done twice.
 */
#ifndef TTYDESK_CLIENTID_H
#define TTYDESK_CLIENTID_H

#include <stddef.h>

/* "c-" and 32 lowercase hex digits, plus the NUL. */
#define CLIENT_ID_LEN 35

/* Writes a new random client id into out (len >= CLIENT_ID_LEN; a
 * shorter buffer gets a truncated, still NUL-terminated id).  The format
 * is the one relays have always been sent: 34 characters, within their
 * 1 to 128.  Ids already queued are stored and reused as they are. */
void client_id_new(char *out, size_t len);

#endif
