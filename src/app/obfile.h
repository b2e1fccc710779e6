/*
 * The files of the outbox ("attach" and "upload" entries): the bytes are
 * sealed in the cache (cache_blob_put, named by the entry's client_id)
 * before the entry is, loaded again when the entry is sent, and POSTed
 * to POST /v1/conversations/{id}/media with the client_id, so a file
 * queued before a crash goes out once after it (the relay answers a
 * repeated client_id with its first answer).  Progress in the status bar.
 */
#ifndef TTYDESK_OBFILE_H
#define TTYDESK_OBFILE_H

#include <stddef.h>

#include "app.h"

struct ob_entry;

/* obfile_post: the entry's bytes are gone (no blob, damaged). */
#define OBFILE_LOST (-2)

/* Keep a copy of bytes for e: in the cache when there is one (then not
 * in memory), else in e.  0, or -1 with err. */
int obfile_keep(struct app *app, struct ob_entry *e, const void *bytes,
    size_t len, char *err, size_t errlen);
/* POST e's file; done gets e as ud.  0, -1 (retry) or OBFILE_LOST. */
int obfile_post(struct app *app, struct ob_entry *e, app_done_fn done,
    char *err, size_t errlen);
/* The answer came: bytes that the cache still has leave memory. */
void obfile_sent(struct app *app, struct ob_entry *e);
/* The entry is over: its blob goes. */
void obfile_forget(struct app *app, struct ob_entry *e);
/* Wipe and free the bytes in memory. */
void obfile_release(struct ob_entry *e);

#endif
