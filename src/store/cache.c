/*
 * Opening, loading and closing a cache (docs/cache-format.md).  cache_open
 * verifies everything (header, key, snapshot, log) before it returns and
 * keeps the opened files for cache_load, so a visitor only ever sees
 * authenticated data and the files are decrypted once at start.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "ttydesk/wipe.h"
#include "ttydesk/clock.h"
#include "store.h"

static const uint8_t store_zero_id[STORE_ID_BYTES];

void
store_loaded_free(struct store_loaded *l)
{
	if (l == NULL)
		return;
	store_scan_free(&l->snap_scan);
	store_scan_free(&l->log_scan);
	wipe_free(l->snap, l->snap_len);
	wipe_free(l->log, l->log_len);
	free(l);
}

static int
store_load_one(struct td_cache *c, const char *name, bool snapshot,
    uint8_t **buf, size_t *len, struct store_scan *scan, char *err,
    size_t errlen)
{
	int rc;

	rc = store_read_file(c->dirfd, c->dir, name, buf, len, err, errlen);
	if (rc != 0) {
		/* A missing file is no error: *buf stays NULL. */
		*buf = NULL;
		return rc < 0 ? CACHE_ERR : CACHE_OK;
	}
	return store_scan_buf(name, snapshot, c->salvage, *buf, *len,
	    c->cache_id, c->keys->record, scan, err, errlen);
}

/* How the log relates to the snapshot; a stale log (already absorbed by a
 * compaction that crashed before replacing it) is dropped from l. */
static int
store_load_link(struct store_loaded *l, bool salvage, char *err,
    size_t errlen)
{
	const uint8_t *lid = l->log_scan.fhdr + 32, *llink = l->log_scan.fhdr + 48;
	const uint8_t *sid = l->snap_scan.fhdr + 32, *slink = l->snap_scan.fhdr + 48;

	if (l->snap == NULL && l->log == NULL)
		return CACHE_OK;
	if (l->snap == NULL) {
		if (sodium_memcmp(llink, store_zero_id, STORE_ID_BYTES) == 0)
			return CACHE_OK;
		if (salvage)
			return CACHE_OK;
		snprintf(err, errlen, "log: continues a snapshot that is missing "
		    "(link at offset 48)");
		return CACHE_CORRUPT;
	}
	if (l->log == NULL) {
		if (salvage)
			return CACHE_OK;
		snprintf(err, errlen, "log: missing, but the snapshot expects one");
		return CACHE_CORRUPT;
	}
	if (sodium_memcmp(llink, sid, STORE_ID_BYTES) == 0)
		return CACHE_OK;
	if (sodium_memcmp(lid, slink, STORE_ID_BYTES) == 0) {
		store_scan_free(&l->log_scan);
		wipe_free(l->log, l->log_len);
		l->log = NULL;
		l->log_len = 0;
		return CACHE_OK;
	}
	if (salvage)
		return CACHE_OK; /* authentic records, if older: keep them */
	snprintf(err, errlen, "log: does not belong to the snapshot (link at "
	    "offset 48)");
	return CACHE_CORRUPT;
}

int
store_load_files(struct td_cache *c, struct store_loaded **out, char *err,
    size_t errlen)
{
	struct store_loaded *l;
	int rc;

	if ((l = calloc(1, sizeof *l)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return CACHE_ERR;
	}
	if ((rc = store_load_one(c, STORE_SNAPSHOT, true, &l->snap,
	    &l->snap_len, &l->snap_scan, err, errlen)) != CACHE_OK ||
	    (rc = store_load_one(c, STORE_LOG, false, &l->log, &l->log_len,
	    &l->log_scan, err, errlen)) != CACHE_OK ||
	    (rc = store_load_link(l, c->salvage, err, errlen)) != CACHE_OK)
		goto fail;
	*out = l;
	return CACHE_OK;
fail:
	store_loaded_free(l);
	return rc;
}

/* Write a fresh log (file header + BEGIN) to tmpname and fsync it. */
int
store_log_create(struct td_cache *c, const char *tmpname,
    const uint8_t link[STORE_ID_BYTES], uint8_t fhdr[STORE_FHDR_SIZE],
    int *fdp, off_t *endp, char *err, size_t errlen)
{
	struct buf b = { .wipe = 1 };
	int fd;

	unlinkat(c->dirfd, tmpname, 0);
	fd = store_openat(c->dirfd, c->dir, tmpname,
	    O_RDWR | O_CREAT | O_EXCL, err, errlen);
	if (fd < 0)
		return -1;
	store_fhdr_make(fhdr, false, c->cache_id, link);
	if (buf_add(&b, fhdr, STORE_FHDR_SIZE) != 0 ||
	    buf_reserve(&b, STORE_FRAME_SIZE) != 0)
		goto nomem;
	/* Seal needs the frame at the start of its buffer. */
	{
		struct buf r = { .wipe = 1 };
		if (buf_reserve(&r, STORE_FRAME_SIZE) != 0)
			goto nomem;
		r.len = STORE_FRAME_SIZE;
		if (store_buf_u32(&r, STORE_VERSION) != 0 ||
		    store_seal(&r, fhdr, 0, REC_BEGIN, c->keys->record) != 0 ||
		    buf_add(&b, r.s, r.len) != 0) {
			buf_free(&r);
			goto nomem;
		}
		buf_free(&r);
	}
	if (store_write_all(fd, b.s, b.len, 0) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "cannot write '%s/%s': %s", c->dir,
		    tmpname, strerror(errno));
		goto fail;
	}
	*fdp = fd;
	*endp = (off_t)b.len;
	buf_free(&b);
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	buf_free(&b);
	close(fd);
	unlinkat(c->dirfd, tmpname, 0);
	return -1;
}

static int
store_open_log(struct td_cache *c, struct store_loaded *l, char *err,
    size_t errlen)
{
	const uint8_t *link = c->have_snap ? c->snap_id : store_zero_id;

	if (l->log == NULL) {
		if (store_log_create(c, STORE_LOG_TMP, link, c->log_fhdr,
		    &c->logfd, &c->log_end, err, errlen) != 0)
			return CACHE_ERR;
		c->log_recno = 1;
		if (renameat(c->dirfd, STORE_LOG_TMP, c->dirfd, STORE_LOG) != 0) {
			snprintf(err, errlen, "cannot rename '%s/%s': %s",
			    c->dir, STORE_LOG_TMP, strerror(errno));
			return CACHE_ERR;
		}
		return store_fsync_dir(c->dirfd, err, errlen) == 0 ?
		    CACHE_OK : CACHE_ERR;
	}
	c->logfd = store_openat(c->dirfd, c->dir, STORE_LOG, O_RDWR, err,
	    errlen);
	if (c->logfd < 0)
		return CACHE_ERR;
	memcpy(c->log_fhdr, l->log_scan.fhdr, STORE_FHDR_SIZE);
	c->log_recno = l->log_scan.n;
	c->log_end = (off_t)l->log_scan.end;
	/* Cut a torn tail so the next append follows the last good record. */
	if (l->log_scan.torn &&
	    (ftruncate(c->logfd, c->log_end) != 0 || fsync(c->logfd) != 0)) {
		snprintf(err, errlen, "cannot cut the torn tail of '%s/%s': %s",
		    c->dir, STORE_LOG, strerror(errno));
		return CACHE_ERR;
	}
	return CACHE_OK;
}

static int
store_apply_all(struct td_cache *c, const struct store_scan *s,
    const char *name, char *err, size_t errlen)
{
	size_t i;
	int rc;

	for (i = 0; i < s->n; i++)
		if ((rc = store_state_apply(c, &s->recs[i], name, err,
		    errlen)) != CACHE_OK)
			return rc;
	return CACHE_OK;
}

int
store_open_keys(struct td_cache *c, const struct cache_key *key, char *err,
    size_t errlen)
{
	struct store_header h;
	int rc;

	rc = store_header_read(c->dirfd, c->dir, &h, err, errlen);
	if (rc == 1 && c->salvage) {
		snprintf(err, errlen, "header: missing in '%s'", c->dir);
		return CACHE_CORRUPT;
	}
	if (rc == 1)
		rc = store_header_create(c->dirfd, c->dir, key, &h, err, errlen);
	if (rc != CACHE_OK)
		return rc;
	if ((c->keys = sodium_malloc(sizeof *c->keys)) == NULL ||
	    store_derive(key, c->keys) != 0) {
		snprintf(err, errlen, "out of memory (cannot lock key memory)");
		return CACHE_ERR;
	}
	if (store_header_check(&h, c->keys) != 0) {
		if (h.kdf == STORE_KDF_ARGON2ID && key->kdf == STORE_KDF_ARGON2ID)
			snprintf(err, errlen, "wrong passphrase for the cache "
			    "in '%s'", c->dir);
		else if (h.kdf == STORE_KDF_ARGON2ID)
			snprintf(err, errlen, "the cache in '%s' is locked with "
			    "a passphrase, not this key file", c->dir);
		else
			snprintf(err, errlen, "the key does not open the cache "
			    "in '%s' (wrong key file?)", c->dir);
		return CACHE_BAD_KEY;
	}
	memcpy(c->cache_id, h.cache_id, sizeof c->cache_id);
	return CACHE_OK;
}

struct td_cache *
store_cache_new(const char *dir, char *err, size_t errlen)
{
	struct td_cache *c;

	if ((c = calloc(1, sizeof *c)) == NULL || (c->dir = strdup(dir)) == NULL) {
		free(c);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->dirfd = c->lockfd = c->logfd = -1;
	return c;
}

int
store_cache_lock(struct td_cache *c, char *err, size_t errlen)
{
	if ((c->dirfd = store_open_dir(c->dir, err, errlen)) < 0)
		return CACHE_ERR;
	if ((c->lockfd = store_lock(c->dirfd, c->dir, err, errlen)) < 0)
		return c->lockfd;
	return CACHE_OK;
}

int
cache_open(const char *dir, const struct cache_key *key, struct td_cache **out,
    char *err, size_t errlen)
{
	struct store_loaded *l = NULL;
	struct td_cache *c;
	int rc = CACHE_ERR;

	*out = NULL;
	if (store_sodium_init(err, errlen) != 0)
		return CACHE_ERR;
	if (dir == NULL || key == NULL) {
		snprintf(err, errlen, "no cache directory or key");
		return CACHE_ERR;
	}
	if ((c = store_cache_new(dir, err, errlen)) == NULL)
		return CACHE_ERR;
	if (store_mkdir(dir, err, errlen) != 0 ||
	    (rc = store_cache_lock(c, err, errlen)) != CACHE_OK)
		goto fail;
	/* Leftovers of an interrupted compaction; we hold the lock. */
	unlinkat(c->dirfd, STORE_SNAPSHOT_TMP, 0);
	unlinkat(c->dirfd, STORE_LOG_TMP, 0);
	unlinkat(c->dirfd, STORE_HEADER_TMP, 0);
	if ((rc = store_open_keys(c, key, err, errlen)) != CACHE_OK)
		goto fail;
	if ((rc = store_load_files(c, &l, err, errlen)) != CACHE_OK)
		goto fail;
	if (l->snap != NULL) {
		c->have_snap = true;
		memcpy(c->snap_id, l->snap_scan.fhdr + 32, STORE_ID_BYTES);
		memcpy(c->snap_link, l->snap_scan.fhdr + 48, STORE_ID_BYTES);
		c->snap_size = l->snap_len;
		rc = store_apply_all(c, &l->snap_scan, STORE_SNAPSHOT, err, errlen);
		if (rc != CACHE_OK)
			goto fail;
	}
	if (l->log != NULL &&
	    (rc = store_apply_all(c, &l->log_scan, STORE_LOG, err, errlen)) !=
	    CACHE_OK)
		goto fail;
	if ((rc = store_open_log(c, l, err, errlen)) != CACHE_OK)
		goto fail;
	c->loaded = l;
	c->last_sync = clock_ns();
	store_blob_prune(c);
	*out = c;
	return CACHE_OK;
fail:
	store_loaded_free(l);
	cache_close(c);
	return rc;
}

void
cache_close(struct td_cache *c)
{
	if (c == NULL)
		return;
	if (c->logfd >= 0) {
		if (c->dirty)
			fsync(c->logfd);
		close(c->logfd);
	}
	store_loaded_free(c->loaded);
	store_state_free(c);
	if (c->keys != NULL)
		sodium_free(c->keys);
	if (c->dirfd >= 0)
		close(c->dirfd);
	if (c->lockfd >= 0)
		close(c->lockfd); /* releases the flock */
	free(c->dir);
	free(c);
}

int
store_scan_events(const struct store_scan *s, store_event_fn fn, void *ud)
{
	struct store_rd rd;
	const char *json;
	uint64_t cursor;
	uint32_t n, i;
	size_t k, len;

	for (k = 0; k < s->n; k++) {
		if (s->recs[k].type != REC_EVENTS)
			continue;
		rd.p = s->recs[k].pt;
		rd.left = s->recs[k].len;
		if (store_rd_u64(&rd, &cursor) != 0 || store_rd_u32(&rd, &n) != 0)
			return 1;
		for (i = 0; i < n; i++) {
			if (store_rd_str(&rd, &json, &len, false) != 0)
				return 1;
			if (fn(ud, json, len, (int64_t)cursor) != 0)
				return -1;
		}
	}
	return 0;
}

static int
store_emit_event(void *ud, const char *json, size_t len, int64_t cursor)
{
	const struct cache_visitor *v = *(const struct cache_visitor **)ud;

	(void)cursor;
	if (v->event != NULL)
		v->event(v->ud, json, len);
	return 0;
}

void
store_visit_state(const struct td_cache *c, const struct cache_visitor *v)
{
	size_t i;

	for (i = 0; v->outbox != NULL && i < c->n_outbox; i++)
		v->outbox(v->ud, c->outbox[i].id, c->outbox[i].json,
		    c->outbox[i].len);
	for (i = 0; v->draft != NULL && i < c->drafts.n; i++)
		v->draft(v->ud, c->drafts.v[i].key, c->drafts.v[i].val,
		    c->drafts.v[i].len);
}

int
cache_load(struct td_cache *c, const struct cache_visitor *v, char *err,
    size_t errlen)
{
	static const struct cache_visitor none;
	struct store_loaded *l = c->loaded;
	int rc;

	if (v == NULL)
		v = &none;
	c->loaded = NULL;
	if (l == NULL && (rc = store_load_files(c, &l, err, errlen)) != CACHE_OK)
		return rc;
	if (store_scan_events(&l->snap_scan, store_emit_event, &v) != 0 ||
	    store_scan_events(&l->log_scan, store_emit_event, &v) != 0) {
		/* Checked at open; only a file changed under our lock. */
		snprintf(err, errlen, "malformed events record");
		store_loaded_free(l);
		return CACHE_CORRUPT;
	}
	store_loaded_free(l);
	store_visit_state(c, v);
	return CACHE_OK;
}

int64_t
cache_cursor(const struct td_cache *c)
{
	return c->cursor;
}
