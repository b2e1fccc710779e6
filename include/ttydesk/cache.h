/*
 * The TUI's encrypted local cache: event log + snapshot, outbox, drafts and
 * the sync cursor, all sealed with libsodium (docs/cache-format.md).
 *
 * Events are opaque bytes to the cache: the TUI stores them packed
 * (event_pack) or, for types it does not know, as the relay's JSON text
 * (event_decode_any reads both); the cursor is written in the same record
 * as the events it covers.
 *
 * Ownership: a struct td_cache owns its files, lock and key copy;
 * cache_close() wipes and frees them.  Callback arguments are valid only
 * during the call.
 */
#ifndef TTYDESK_CACHE_H
#define TTYDESK_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CACHE_KEY_BYTES 32

struct cache_key; /* sodium_malloc'd, opaque */

/* Key from a 32-byte key file (mode 0600, owned by the user). */
struct cache_key *cache_key_from_file(const char *path, char *err, size_t errlen);
/* Key from a passphrase: Argon2id with the salt/limits of the cache
 * directory's header (made on first use). */
struct cache_key *cache_key_from_passphrase(const char *dir, const char *pass,
    size_t len, char *err, size_t errlen);
/* Same with explicit Argon2id limits, used only when the header is made
 * (tests and small machines); an existing header's limits always win. */
struct cache_key *cache_key_from_passphrase_limits(const char *dir,
    const char *pass, size_t len, unsigned long long opslimit, size_t memlimit,
    char *err, size_t errlen);
void cache_key_free(struct cache_key *k);
/* Write 32 random bytes to path, mode 0600; refuses to overwrite. */
int cache_keygen(const char *path, char *err, size_t errlen);

struct td_cache;

enum cache_open_status {
	CACHE_OK = 0,
	CACHE_ERR = -1,      /* err says why (permissions, I/O ...) */
	CACHE_BAD_KEY = -2,  /* the key does not open this cache */
	CACHE_LOCKED = -3,   /* another ttydesk uses this profile */
	CACHE_CORRUPT = -4,  /* damage not at the tail: err names file and offset */
};

/* Creates dir (0700) when missing.  Verifies the key and every record of
 * the snapshot and log before it returns, so damage shows up here as
 * CACHE_CORRUPT; a torn last record of the log (a crash) is cut off. */
int cache_open(const char *dir, const struct cache_key *key,
    struct td_cache **out, char *err, size_t errlen);
void cache_close(struct td_cache *c);

struct cache_visitor {
	void *ud;
	/* One event (packed or JSON text) in append order. */
	void (*event)(void *ud, const char *json, size_t len);
	/* One outbox entry not yet acknowledged. */
	void (*outbox)(void *ud, const char *client_id, const char *json, size_t len);
	/* The latest draft of one conversation. */
	void (*draft)(void *ud, const char *conversation, const char *text, size_t len);
};
/* Replays snapshot + log.  Returns CACHE_OK or an error status; the sync
 * cursor is then available from cache_cursor(). */
int cache_load(struct td_cache *c, const struct cache_visitor *v,
    char *err, size_t errlen);
int64_t cache_cursor(const struct td_cache *c);

/* Events of one sync answer plus the cursor that covers them, one record. */
int cache_append_events(struct td_cache *c, const char *const *json,
    const size_t *lens, size_t n, int64_t cursor, char *err, size_t errlen);
/* Durable (fsynced) before it returns 0.  A client_id already queued is
 * refused. */
int cache_outbox_put(struct td_cache *c, const char *client_id,
    const char *json, size_t len, char *err, size_t errlen);
/* Unknown client_id (acked before): 0, nothing written. */
int cache_outbox_ack(struct td_cache *c, const char *client_id,
    char *err, size_t errlen);
/* text NULL or "" deletes the draft. */
int cache_draft_set(struct td_cache *c, const char *conversation,
    const char *text, char *err, size_t errlen);
/* True when conversation has a draft. */
bool cache_has_draft(const struct td_cache *c, const char *conversation);
/* Rewrite everything into a new snapshot (atomic replace). */
int cache_compact(struct td_cache *c, char *err, size_t errlen);
/*
 * Drop every cached event and set the cursor to 0, keeping the outbox,
 * drafts, read positions and named values: the relay's log was replaced
 * (a restored backup), so the events are fetched again from it.  Atomic
 * like cache_compact (a crash leaves the old or the new state).
 */
int cache_reset_events(struct td_cache *c, char *err, size_t errlen);
/* True when the log has outgrown the snapshot (worth a cache_compact). */
bool cache_should_compact(const struct td_cache *c);
/*
 * Repacking: every cache_compact after cache_set_repack() passes each event
 * through fn on its way into the new snapshot, so events cached in an older
 * form (the JSON text of builds before event_pack) are rewritten in the
 * current one.  fn returns 1 with *out (malloc'd, the cache wipes and frees
 * it) and *outlen to store that instead, 0 to keep the event as it is (what
 * fn cannot represent must stay: never lose data), CACHE_REPACK_DROP to
 * leave the event out (a conversation outside the working set), -1 to fail the
 * compaction (nothing is replaced).  With fn set, a compaction that would
 * change no event of an already compact cache (snapshot, empty log)
 * leaves the files alone.  fn NULL: events are copied as they are.
 */
#define CACHE_REPACK_DROP 2
typedef int (*cache_repack_fn)(void *ud, const char *ev, size_t len,
    char **out, size_t *outlen);
void cache_set_repack(struct td_cache *c, cache_repack_fn fn, void *ud);
/* Events held in snapshot + log, and how many of them are JSON text rather
 * than packed (first byte outside the packed tags 0x01..0x08). */
void cache_event_counts(const struct td_cache *c, uint64_t *events,
    uint64_t *json);
/* fsync what cache_append_events/cache_outbox_ack left unsynced (they sync
 * at most once a second; cache_close and durable writes sync too). */
int cache_sync(struct td_cache *c, char *err, size_t errlen);

/*
 * Read positions: how far the agent has read each conversation (a seq).
 * The relay keeps none, so they live only in the cache.  The latest seq
 * set for a conversation wins (it may go down); compaction keeps only that
 * one.  All positions are in memory from cache_open on (verified with
 * everything else), so these work before, during or after cache_load.
 *
 * cache_read_set writes a record unless the conversation already has
 * exactly this seq (then 0, nothing written).  Like events it is written
 * before it returns but fsynced at most once a second (cache_sync): a
 * position lost in a crash only shows messages unread again.  seq >= 0;
 * conversation as for drafts (not empty, at most 1024 bytes).
 */
int cache_read_set(struct td_cache *c, const char *conversation, int64_t seq,
    char *err, size_t errlen);
/* True with *seq (may be NULL) when conversation has a read position. */
bool cache_read_get(const struct td_cache *c, const char *conversation,
    int64_t *seq);
/* fn once per conversation with a read position, in the order they were
 * first set; conversation is valid during the call only.  Do not call
 * cache_read_set from fn. */
typedef void (*cache_read_fn)(void *ud, const char *conversation,
    int64_t seq);
void cache_reads(const struct td_cache *c, cache_read_fn fn, void *ud);
size_t cache_read_count(const struct td_cache *c);

/*
 * Named values kept with the cache, for state that belongs with the
 * events (how far a first sync got, when the agent last opened a
 * conversation).  The latest value of a key wins; value NULL or ""
 * deletes the key; compaction keeps only live keys.  All of them are in
 * memory from cache_open on.  With durable the record is fsynced before
 * cache_meta_set returns, else at most once a second (cache_sync).  A
 * value equal to the current one writes nothing.  key: 1 to 1024 bytes;
 * value at most 64 KiB.  The pointer cache_meta_get returns is valid until
 * the next cache_meta_set of that key.
 */
int cache_meta_set(struct td_cache *c, const char *key, const char *value,
    bool durable, char *err, size_t errlen);
const char *cache_meta_get(const struct td_cache *c, const char *key);
/* fn once per live key whose name starts with prefix, in first-set order;
 * do not call cache_meta_set from fn. */
typedef void (*cache_meta_fn)(void *ud, const char *key, const char *value);
void cache_metas(const struct td_cache *c, const char *prefix,
    cache_meta_fn fn, void *ud);

/* After CACHE_CORRUPT, before rebuilding: report to v the outbox entries
 * and drafts of every record that still authenticates (those before the
 * damage; events are not reported, the relay has them).  An ack lost in
 * the damage brings its entry back: resending is safe, client_id is
 * idempotent.  Changes no file.  Returns CACHE_OK, CACHE_BAD_KEY,
 * CACHE_LOCKED, or CACHE_CORRUPT/CACHE_ERR when the header is unusable.
 * Rebuild: cache_salvage, cache_forget, cache_open, cache_outbox_put and
 * cache_draft_set for each item salvaged. */
int cache_salvage(const char *dir, const struct cache_key *key,
    const struct cache_visitor *v, char *err, size_t errlen);

/*
 * Attachments of queued outbox entries, far larger than a record: each
 * in a file of its own beside the log, sealed with a subkey of the cache
 * key and fsynced (with its directory) before cache_blob_put returns.
 * name: 1 to 64 of [A-Za-z0-9_-] (a client_id).  cache_blob_get: 0 with
 * *out (malloc'd, the caller wipes and frees it), 1 when missing, -1
 * with err (damaged, another key).  cache_forget wipes them too.
 */
int cache_blob_put(struct td_cache *c, const char *name, const void *bytes,
    size_t len, char *err, size_t errlen);
int cache_blob_get(struct td_cache *c, const char *name, unsigned char **out,
    size_t *len, char *err, size_t errlen);
int cache_blob_del(struct td_cache *c, const char *name);

/* Remove every cache file of dir (overwritten first), then dir itself. */
int cache_forget(const char *dir, char *err, size_t errlen);

#endif
