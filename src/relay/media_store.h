/*
 * The relay's media store ([media] dir): inbound media downloaded when
 * its message arrives, kept as files named by their SHA-256 (mode 0600,
 * in a folder of mode 0700), with an index (index.db, SQLite) saying
 * which conversation's message carries which Graph media id, where its
 * bytes are, and what is still to download.
 *
 * The index is the relay's own, beside the files, whatever the event
 * log's backend: it describes these files and nothing else.  One
 * connection under a mutex; every function may be called from any thread.
 *
 * Ownership: struct media_entry strings are malloc'd, freed by
 * media_entry_free().
 */
#ifndef RELAY_MEDIA_STORE_H
#define RELAY_MEDIA_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"

struct media_store;

enum media_state {
	MEDIA_PENDING = 0, /* to download */
	MEDIA_STORED = 1,  /* bytes in the store */
	MEDIA_EXPIRED = 2, /* deleted by retention or max_total */
	MEDIA_FAILED = 3,  /* gave up downloading */
};

struct media_entry {
	char *media_id;
	char *conversation;
	char *mime;
	char *sha256;   /* as the webhook gave it (hex or base64), or NULL */
	char *file;     /* hex SHA-256 of the bytes once stored */
	int64_t size;
	enum media_state state;
	int attempts;
	int64_t received; /* the message's time */
};
void media_entry_free(struct media_entry *e);

int media_store_open(const struct relay_media_config *mc,
    struct media_store **out, char *err, size_t errlen);
void media_store_close(struct media_store *ms);

/* A message of conversation carries media_id: remember it, to download.
 * A media id already known keeps its first conversation. */
int media_store_expect(struct media_store *ms, const char *media_id,
    const char *conversation, const char *mime, const char *sha256,
    int64_t received, int64_t now);
/* The entry of media_id in conversation.  1 found, 0 not, -1 error. */
int media_store_find(struct media_store *ms, const char *media_id,
    const char *conversation, struct media_entry *out);
/* The pending download due first (next_try <= now).  1/0/-1. */
int media_store_next_due(struct media_store *ms, int64_t now,
    struct media_entry *out);
/* Earliest next_try of a pending download, 0 when none. */
int64_t media_store_next_wake(struct media_store *ms);
/* A downloaded file (already renamed to path_of(file)) is stored. */
int media_store_done(struct media_store *ms, const char *media_id,
    const char *file, int64_t size, const char *mime, int64_t now);
/* A failed attempt: try again at next_try, or give up. */
int media_store_retry(struct media_store *ms, const char *media_id,
    int64_t next_try, bool give_up);
/* Marks an entry expired without bytes (received past the retention). */
int media_store_expire(struct media_store *ms, const char *media_id);
/* Deletes media received before now - retention and, past max_total,
 * the oldest; their entries stay, expired.  Sets *evicted. */
int media_store_evict(struct media_store *ms, int64_t now, int *evicted);
/* Bytes of stored media. */
int64_t media_store_total(struct media_store *ms);

/* The file's path for a hex name, in buf; -1 when it does not fit. */
int media_store_path(struct media_store *ms, const char *file, char *buf,
    size_t len);
/* A new temporary file in the store (mode 0600); its path in buf. */
int media_store_tmpfile(struct media_store *ms, char *buf, size_t len);

/* Stores bytes under their SHA-256 (hex into file) and syncs them. */
int media_store_put(struct media_store *ms, const void *bytes, size_t len,
    char file[65]);

/* url may be downloaded: https and a download_hosts match, or any
 * http(s) URL on a loopback host (tests).  Sets why when not. */
bool media_url_allowed(const struct relay_media_config *mc, const char *url,
    char *why, size_t whylen);

#endif
