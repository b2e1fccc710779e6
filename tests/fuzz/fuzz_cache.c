/*
 * The cache reader with a fixed key.  Anyone who can write to the cache
 * directory (a backup restored, a disk that lies) controls its bytes, so
 * cache_open/cache_load must turn any file into data or a clear error.
 *
 * Authentication stops random bytes at the first record, so two modes:
 *   data[0] bit 0 set: raw — the rest is the log file as is (the cache id
 *     at offset 16 is patched in so the frame scanner is reached);
 *   bit 0 clear: structured — the rest is records the harness seals with
 *     the real key: { u8 file (bit 0: snapshot), u8 type, u16 len (LE),
 *     len bytes of plaintext } ..., so the plaintext parsers see anything.
 *     bit 1 of data[0]: leave out the log file.
 * Invariants: an opened cache loads, and compaction keeps what it loaded
 * (events, outbox, drafts, cursor and read positions).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "fuzz.h"
#include "store.h"
#include "cache_testutil.h"

static char *fz_base, *fz_dir, *fz_keyfile;
static struct cache_key *fz_key;
static uint8_t fz_cache_id[STORE_ID_BYTES];

static void
fuzz_cache_cleanup(void)
{
	cache_key_free(fz_key);
	if (fz_base != NULL)
		tu_rmrf(fz_base);
	free(fz_base);
	free(fz_dir);
	free(fz_keyfile);
}

static void
fuzz_cache_init(void)
{
	static const uint8_t keybytes[CACHE_KEY_BYTES] = "fixed fuzz key 0123456789abcdef";
	struct td_cache *c;
	unsigned char *hdr;
	char err[256], *path;
	size_t len;

	/* Many opens per second: keep the files in memory when possible. */
	if (getenv("TMPDIR") == NULL && access("/dev/shm", W_OK) == 0)
		setenv("TMPDIR", "/dev/shm", 0);
	fz_base = tu_tmpdir();
	fz_dir = tu_path(fz_base, "cache");
	fz_keyfile = tu_path(fz_base, "key");
	tu_write(fz_keyfile, keybytes, sizeof keybytes);
	if ((fz_key = cache_key_from_file(fz_keyfile, err, sizeof err)) == NULL ||
	    cache_open(fz_dir, fz_key, &c, err, sizeof err) != CACHE_OK) {
		fprintf(stderr, "fuzz_cache: setup: %s\n", err);
		abort();
	}
	cache_close(c);
	path = tu_path(fz_dir, STORE_HEADER);
	hdr = tu_read(path, &len);
	free(path);
	FUZZ_ASSERT(len == STORE_HDR_SIZE);
	memcpy(fz_cache_id, hdr + 48, STORE_ID_BYTES);
	free(hdr);
	atexit(fuzz_cache_cleanup);
}

static void
fuzz_cache_put(const char *name, const uint8_t *p, size_t len)
{
	char *path = tu_path(fz_dir, name);

	tu_write(path, p, len);
	free(path);
}

static void
fuzz_cache_unlink(const char *name)
{
	char *path = tu_path(fz_dir, name);

	unlink(path);
	free(path);
}

/* One sealed record appended to file (which starts with its header). */
static void
fuzz_cache_seal(struct buf *file, uint64_t recno, uint8_t type,
    const uint8_t *pt, size_t len, const uint8_t key[32])
{
	struct buf r = { .wipe = 1 };

	if (buf_reserve(&r, STORE_FRAME_SIZE) != 0)
		abort();
	r.len = STORE_FRAME_SIZE;
	if (buf_add(&r, pt, len) != 0 ||
	    store_seal(&r, (uint8_t *)file->s, recno, type, key) != 0 ||
	    buf_add(file, r.s, r.len) != 0)
		abort();
	buf_free(&r);
}

static void
fuzz_cache_structured(const uint8_t *data, size_t size, bool with_log,
    const uint8_t key[32])
{
	struct buf snap = { .wipe = 1 }, log = { .wipe = 1 };
	uint8_t fhdr[STORE_FHDR_SIZE];
	uint64_t nsnap = 0, nlog = 0;
	size_t off = 0, len;
	bool to_snap;
	uint8_t type;

	store_fhdr_make(fhdr, true, fz_cache_id, NULL);
	buf_add(&snap, fhdr, sizeof fhdr);
	while (size - off >= 4) {
		to_snap = data[off] & 1;
		type = data[off + 1];
		len = (size_t)data[off + 2] | (size_t)data[off + 3] << 8;
		off += 4;
		if (len > size - off)
			len = size - off;
		if (to_snap)
			fuzz_cache_seal(&snap, nsnap++, type, data + off, len, key);
		else {
			if (log.len == 0) {
				/* The log continues the snapshot when there is one. */
				store_fhdr_make(fhdr, false, fz_cache_id,
				    nsnap > 0 ? (uint8_t *)snap.s + 32 : NULL);
				buf_add(&log, fhdr, sizeof fhdr);
			}
			fuzz_cache_seal(&log, nlog++, type, data + off, len, key);
		}
		off += len;
	}
	if (nsnap > 0)
		fuzz_cache_put(STORE_SNAPSHOT, (uint8_t *)snap.s, snap.len);
	if (with_log && log.len > 0)
		fuzz_cache_put(STORE_LOG, (uint8_t *)log.s, log.len);
	buf_free(&snap);
	buf_free(&log);
}

/* Read positions as text, "|R:conv=seq" each (conv may hold any byte
 * but NUL; the signature only needs to be the same for the same state). */
static void
fuzz_cache_read(void *ud, const char *conv, int64_t seq)
{
	struct buf *b = ud;
	char num[32];

	snprintf(num, sizeof num, "=%lld", (long long)seq);
	if (buf_add(b, "|R:", 3) != 0 ||
	    buf_add(b, conv, strlen(conv)) != 0 ||
	    buf_add(b, num, strlen(num)) != 0)
		abort();
}

/* tu_open_load, plus the read positions (in first-set order). */
static int
fuzz_cache_open_load(struct coll *out, int64_t *cursor, struct buf *reads,
    char *err, size_t errlen)
{
	struct cache_visitor v = { out, coll_event, coll_outbox, coll_draft };
	struct td_cache *c;
	int rc;

	memset(out, 0, sizeof *out);
	*cursor = 0;
	rc = cache_open(fz_dir, fz_key, &c, err, errlen);
	if (rc != CACHE_OK)
		return rc;
	cache_reads(c, fuzz_cache_read, reads);
	rc = cache_load(c, &v, err, errlen);
	*cursor = cache_cursor(c);
	cache_close(c);
	return rc;
}

/* Open and load; returns the signature of the state or NULL. */
static char *
fuzz_cache_load(bool must_open)
{
	struct coll got;
	int64_t cursor = 0;
	struct buf reads = { .wipe = 1 };
	char err[512], *sig;
	int rc;

	err[0] = '\0';
	rc = fuzz_cache_open_load(&got, &cursor, &reads, err, sizeof err);
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "fuzz_cache: %s: %d %s\n", must_open ?
		    "after compaction" : "open", rc, rc == CACHE_OK ? "" : err);
	if (rc != CACHE_OK) {
		if (must_open) {
			fprintf(stderr, "cache does not open again: %s\n", err);
			abort();
		}
		FUZZ_ASSERT(rc == CACHE_CORRUPT || rc == CACHE_ERR);
		FUZZ_ASSERT(err[0] != '\0');
		coll_free(&got);
		buf_free(&reads);
		return NULL;
	}
	sig = coll_sig(&got, cursor);
	coll_free(&got);
	if (reads.len > 0) {
		char *both = malloc(strlen(sig) + reads.len + 1);
		if (both == NULL)
			abort();
		memcpy(both, sig, strlen(sig));
		memcpy(both + strlen(sig), reads.s, reads.len);
		both[strlen(sig) + reads.len] = '\0';
		free(sig);
		sig = both;
	}
	buf_free(&reads);
	return sig;
}

static void
fuzz_cache_compact(void)
{
	struct td_cache *c;
	char err[512];

	if (cache_open(fz_dir, fz_key, &c, err, sizeof err) != CACHE_OK) {
		fprintf(stderr, "cache opened once, then not: %s\n", err);
		abort();
	}
	if (cache_compact(c, err, sizeof err) != 0) {
		fprintf(stderr, "compaction failed: %s\n", err);
		abort();
	}
	cache_close(c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *before, *after;
	struct store_keys sk;

	if (fz_key == NULL)
		fuzz_cache_init();
	if (size == 0)
		return 0;
	fuzz_cache_unlink(STORE_SNAPSHOT);
	fuzz_cache_unlink(STORE_LOG);
	if (data[0] & 1) {
		uint8_t *raw = malloc(size);
		if (raw == NULL)
			return 0;
		memcpy(raw, data + 1, size - 1);
		if (size - 1 >= 32)
			memcpy(raw + 16, fz_cache_id, STORE_ID_BYTES);
		fuzz_cache_put(STORE_LOG, raw, size - 1);
		free(raw);
	} else {
		if (store_derive(fz_key, &sk) != 0)
			abort();
		fuzz_cache_structured(data + 1, size - 1, !(data[0] & 2),
		    sk.record);
		sodium_memzero(&sk, sizeof sk);
	}
	if ((before = fuzz_cache_load(false)) == NULL)
		return 0;
	fuzz_cache_compact();
	after = fuzz_cache_load(true);
	if (strcmp(before, after) != 0) {
		fprintf(stderr, "compaction changed the cache:\n%s\n%s\n",
		    before, after);
		abort();
	}
	free(before);
	free(after);
	return 0;
}
