/*
 * Freeing what an agent or a customer wrote (texts, drafts, conversation
 * ids): the bytes are zeroed first, so the freed heap does not keep them.
 */
#ifndef TTYDESK_WIPE_H
#define TTYDESK_WIPE_H

#include <stddef.h>

/* Zeroes the len bytes at p and frees p; NULL is fine. */
void wipe_free(void *p, size_t len);
/* wipe_free() of a string, up to its NUL; NULL is fine. */
void wipe_str_free(char *s);

#endif
