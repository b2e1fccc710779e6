/*
 * Opening the agent's cache (cacheopen.c): the key from a passphrase or a
 * command, a corrupt cache moved aside and rebuilt with what could be
 * rescued, the events of older builds repacked.
 */
#ifndef TTYDESK_CACHEOPEN_H
#define TTYDESK_CACHEOPEN_H

#include <stddef.h>

struct app;

/* Open the cache (asks for a passphrase on the terminal when needed,
 * offers to rebuild a corrupt cache).  Before curses starts. */
int app_open_cache(struct app *app, char *err, size_t errlen);
/* The cache's repack callback (cache_set_repack, ud the app): packs the
 * JSON events of older builds, drops those of forgotten conversations. */
int app_cache_repack(void *ud, const char *ev, size_t len, char **out,
    size_t *outlen);

#endif
