/*
 * Private pieces of the encrypted cache (docs/cache-format.md): byte
 * buffers, permission checks, the header file, record sealing and file
 * scanning, and the struct td_cache itself.
 */
#ifndef TTYDESK_STORE_H
#define TTYDESK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ttydesk/buf.h"
#include "ttydesk/cache.h"
#include "ttydesk/event.h"

#define STORE_VERSION 1u
#define STORE_KDF_CONTEXT "ttydcach"
#define STORE_KDF_KEYFILE 0u
#define STORE_KDF_ARGON2ID 1u
#define STORE_SALT_BYTES 16
#define STORE_ID_BYTES 16
#define STORE_NONCE_BYTES 24
#define STORE_TAG_BYTES 16
#define STORE_HDR_SIZE 152
#define STORE_FHDR_SIZE 64
#define STORE_FRAME_SIZE 36 /* len, type, pad, hcheck, nonce */
#define STORE_MAX_PLAIN (16u * 1024 * 1024)
#define STORE_MAX_OPS 64u
#define STORE_MAX_MEM (1024u * 1024 * 1024)
#define STORE_SYNC_INTERVAL_NS 1000000000LL
#define STORE_CHUNK_BYTES (64u * 1024)

#define STORE_HEADER "header"
#define STORE_LOG "log"
#define STORE_SNAPSHOT "snapshot"
#define STORE_LOCK "lock"
#define STORE_LOG_TMP "log.tmp"
#define STORE_SNAPSHOT_TMP "snapshot.tmp"
#define STORE_HEADER_TMP "header.tmp"
#define STORE_BLOB_PREFIX "blob-"

enum store_rec_type {
	REC_BEGIN = 1,
	REC_EVENTS = 2,
	REC_OUTBOX_PUT = 3,
	REC_OUTBOX_ACK = 4,
	REC_DRAFT = 5,
	REC_END = 6,
	REC_READ = 7,
	REC_META = 8,
};
#define REC_LAST REC_META

/* The master key and how it was made (sodium_malloc'd). */
struct cache_key {
	uint8_t key[CACHE_KEY_BYTES];
	uint32_t kdf;
	uint64_t ops;
	uint64_t mem;
	uint8_t salt[STORE_SALT_BYTES];
};

/* Subkeys of one open cache (sodium_malloc'd). */
struct store_keys {
	uint8_t check[32];
	uint8_t record[32];
	uint8_t blob[32];   /* attachments of the outbox (cache_blob.c) */
};

/* Records are built in core's struct buf, set to wipe (they hold
 * plaintext): little-endian numbers and u32-length + NUL strings. */
int store_buf_u32(struct buf *b, uint32_t v);
int store_buf_u64(struct buf *b, uint64_t v);
/* A NUL-terminated copy of the len bytes at s, or NULL. */
char *store_strndup(const char *s, size_t len);
int store_buf_str(struct buf *b, const char *s, size_t len);

/* Reads a record's plaintext; every get fails (returns -1) past the end. */
struct store_rd {
	const uint8_t *p;
	size_t left;
};
int store_rd_u32(struct store_rd *r, uint32_t *v);
int store_rd_u64(struct store_rd *r, uint64_t *v);
/* A string: u32 length, bytes, NUL.  With noz, embedded NULs are refused. */
int store_rd_str(struct store_rd *r, const char **s, size_t *len, bool noz);

void store_put_u32(uint8_t *p, uint32_t v);
void store_put_u64(uint8_t *p, uint64_t v);
uint32_t store_get_u32(const uint8_t *p);
uint64_t store_get_u64(const uint8_t *p);

int store_write_all(int fd, const void *p, size_t len, off_t off);
/* Read a whole cache file (permission-checked).  1 when missing.  *out
 * is the caller's to wipe_free() (ttydesk/wipe.h). */
int store_read_file(int dirfd, const char *dir, const char *name,
    uint8_t **out, size_t *len, char *err, size_t errlen);
int store_fsync_dir(int dirfd, char *err, size_t errlen);
int store_sodium_init(char *err, size_t errlen);

/* Permissions (store_perm.c). */
int store_mkdir(const char *dir, char *err, size_t errlen);
int store_open_dir(const char *dir, char *err, size_t errlen);
int store_check_fd(int fd, const char *what, bool dir, char *err,
    size_t errlen);
/* openat with O_NOFOLLOW|O_CLOEXEC and the ownership/mode check.  Returns
 * the fd, -1 with err, or -2 when missing and flags lack O_CREAT. */
int store_openat(int dirfd, const char *dir, const char *name, int flags,
    char *err, size_t errlen);

/* The lock file (store_lock.c).  Returns the fd or a cache_open_status. */
int store_lock(int dirfd, const char *dir, char *err, size_t errlen);

/* The header file (store_header.c). */
struct store_header {
	uint32_t kdf;
	uint64_t ops;
	uint64_t mem;
	uint8_t salt[STORE_SALT_BYTES];
	uint8_t cache_id[STORE_ID_BYTES];
	uint8_t raw[STORE_HDR_SIZE];
};
/* CACHE_OK, 1 when missing, CACHE_ERR or CACHE_CORRUPT. */
int store_header_read(int dirfd, const char *dir, struct store_header *h,
    char *err, size_t errlen);
/* Create the header for key (atomic; caller holds the lock). */
int store_header_create(int dirfd, const char *dir, const struct cache_key *key,
    struct store_header *h, char *err, size_t errlen);
int store_derive(const struct cache_key *key, struct store_keys *sk);
/* 0 when the key-check record opens with sk. */
int store_header_check(const struct store_header *h,
    const struct store_keys *sk);

/* Records (store_record.c). */
struct store_rec {
	uint8_t type;
	const uint8_t *pt;
	size_t len;
	size_t off;
	uint64_t recno;
};
struct store_scan {
	uint8_t fhdr[STORE_FHDR_SIZE];
	struct store_rec *recs;
	size_t n;
	size_t end;  /* bytes that hold complete records */
	bool torn;   /* a torn tail follows end */
	bool damaged; /* salvage: records stopped at damage */
};
void store_fhdr_make(uint8_t fhdr[STORE_FHDR_SIZE], bool snapshot,
    const uint8_t cache_id[STORE_ID_BYTES], const uint8_t link[STORE_ID_BYTES]);
/* Seal b's plaintext (after STORE_FRAME_SIZE reserved bytes) in place. */
int store_seal(struct buf *b, const uint8_t fhdr[STORE_FHDR_SIZE],
    uint64_t recno, uint8_t type, const uint8_t key[32]);
/* Verify and open every record of a file held in buf (decrypted in place).
 * Returns CACHE_OK or CACHE_CORRUPT/CACHE_ERR with err. */
int store_scan_buf(const char *name, bool snapshot, bool salvage,
    uint8_t *buf, size_t size, const uint8_t cache_id[STORE_ID_BYTES],
    const uint8_t key[32], struct store_scan *out, char *err, size_t errlen);
void store_scan_free(struct store_scan *s);

/* The open cache. */
struct store_outbox {
	char *id;
	char *json;
	size_t len;
};
/* A draft (conversation -> text) or a named value (cache_meta_set). */
struct store_pair {
	char *key;
	char *val;  /* len bytes and a NUL */
	size_t len;
};
struct store_pairs {
	struct store_pair *v;
	size_t n, cap;
};
/* One read position; the table indexes c->reads by conversation. */
struct store_read {
	char *conv;
	int64_t seq;
};
struct store_loaded {
	uint8_t *snap;
	size_t snap_len;
	struct store_scan snap_scan;
	uint8_t *log;
	size_t log_len;
	struct store_scan log_scan;
};

struct td_cache {
	char *dir;
	int dirfd;
	int lockfd;
	struct store_keys *keys;
	uint8_t cache_id[STORE_ID_BYTES];

	bool have_snap;
	uint8_t snap_id[STORE_ID_BYTES];
	uint8_t snap_link[STORE_ID_BYTES];
	size_t snap_size;

	int logfd;
	uint8_t log_fhdr[STORE_FHDR_SIZE];
	uint64_t log_recno;
	off_t log_end;
	bool dirty;
	int64_t last_sync;
	bool broken;

	int64_t cursor;
	uint64_t events_seen; /* while opening: events before END */
	struct store_outbox *outbox;
	size_t n_outbox;
	size_t cap_outbox;
	struct store_pairs drafts;   /* conversation -> text */

	struct store_read *reads;    /* read positions, first-set order */
	size_t n_reads;
	size_t cap_reads;
	uint32_t *read_tab;          /* open addressing: index + 1, 0 free */
	size_t read_tab_cap;         /* power of two, >= 2 * n_reads */

	struct store_pairs metas;    /* named values */

	uint64_t n_events;           /* in snapshot + log */
	uint64_t n_json;             /* of them, JSON text (not packed) */
	cache_repack_fn repack;      /* cache_set_repack */
	void *repack_ud;
	bool drop_events;            /* cache_reset_events: compact to none */

	struct store_loaded *loaded; /* verified files kept for cache_load */
	bool salvage;                /* cache_salvage: keep what opens */
};

/* cache.c */
int store_load_files(struct td_cache *c, struct store_loaded **out,
    char *err, size_t errlen);
void store_loaded_free(struct store_loaded *l);
int store_open_keys(struct td_cache *c, const struct cache_key *key,
    char *err, size_t errlen);
int store_log_create(struct td_cache *c, const char *tmpname,
    const uint8_t link[STORE_ID_BYTES], uint8_t fhdr[STORE_FHDR_SIZE],
    int *fdp, off_t *endp, char *err, size_t errlen);

/* cache_blob.c: remove attachment files no queued entry names. */
void store_blob_prune(struct td_cache *c);

/* cache_state.c: outbox and drafts in memory. */
int store_state_apply(struct td_cache *c, const struct store_rec *r,
    const char *name, char *err, size_t errlen);
void store_state_free(struct td_cache *c);
struct store_outbox *store_outbox_find(struct td_cache *c, const char *id);
int store_outbox_add(struct td_cache *c, const char *id, size_t idlen,
    const char *json, size_t len);
void store_outbox_remove(struct td_cache *c, struct store_outbox *o);

/* cache_read.c: read positions in memory. */
int store_read_apply(struct td_cache *c, struct store_rd *rd);
void store_read_free(struct td_cache *c);
/* Entries of a READ record: u32 n, n x (string conversation, i64 seq). */
#define STORE_READ_MIN_ENTRY (4 + 1 + 1 + 8)

/* cache_meta.c: named values in memory. */
int store_meta_apply(struct td_cache *c, struct store_rd *rd);

/* store_pairs.c: drafts and named values in memory.  The pair of key,
 * or NULL (also for a NULL key). */
struct store_pair *store_pair_find(const struct store_pairs *ps,
    const char *key);
/* Sets key to a copy of val (vlen > 0) or deletes it (vlen == 0).  0, or
 * -1 when out of memory (the pairs are then unchanged). */
int store_pair_put(struct store_pairs *ps, const char *key, const char *val,
    size_t vlen);
void store_pairs_free(struct store_pairs *ps);

/* True when an event string is JSON text, not packed. */
static inline bool
store_is_json(const char *ev, size_t len)
{
	return !event_is_packed(ev, len);
}

/* cache_write.c */
/* A cache of dir with no file open yet (fds -1); NULL, with err set,
 * when out of memory. */
struct td_cache *store_cache_new(const char *dir, char *err, size_t errlen);
/* Opens c->dir and takes its lock: CACHE_OK or the failure's code. */
int store_cache_lock(struct td_cache *c, char *err, size_t errlen);

/* Hands the visitor the cache's outbox entries and drafts. */
void store_visit_state(const struct td_cache *c,
    const struct cache_visitor *v);

/* Calls fn on each event of the scan's events records (their cursor
 * with it): 0, 1 when a record is malformed, -1 when fn failed. */
typedef int (*store_event_fn)(void *ud, const char *json, size_t len,
    int64_t cursor);
int store_scan_events(const struct store_scan *s, store_event_fn fn,
    void *ud);

int store_append(struct td_cache *c, struct buf *b, uint8_t type,
    bool durable, char *err, size_t errlen);

#endif
