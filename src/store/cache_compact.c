/*
 * Compaction: every event, the live outbox and the drafts go into a new
 * snapshot that replaces the old one and the log atomically
 * (docs/cache-format.md, "Writing").  Acked outbox entries and superseded
 * drafts are dropped simply by writing only what is live.  A repack
 * callback (cache_set_repack) may rewrite each event on the way, which is
 * how the JSON text of older builds becomes packed: the same atomic
 * replace makes that crash-safe too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "store.h"

struct store_snapw {
	struct td_cache *c;
	int fd;
	uint8_t fhdr[STORE_FHDR_SIZE];
	uint64_t recno;
	off_t off;
	struct buf rec;   /* the record being built */
	uint32_t chunk_n;       /* events in rec (EVENTS) */
	int64_t chunk_cursor;
	uint64_t events;
	uint64_t json;          /* events written as JSON text */
	uint64_t changed;       /* events the repack callback rewrote */
	char *err;
	size_t errlen;
};

static int
snapw_begin(struct store_snapw *w)
{
	w->rec.len = 0;
	if (buf_reserve(&w->rec, STORE_FRAME_SIZE) != 0)
		return -1;
	w->rec.len = STORE_FRAME_SIZE;
	return 0;
}

static int
snapw_emit(struct store_snapw *w, uint8_t type)
{
	if (store_seal(&w->rec, w->fhdr, w->recno, type,
	    w->c->keys->record) != 0) {
		snprintf(w->err, w->errlen, "record too large");
		return -1;
	}
	if (store_write_all(w->fd, w->rec.s, w->rec.len, w->off) != 0) {
		snprintf(w->err, w->errlen, "cannot write '%s/%s': %s",
		    w->c->dir, STORE_SNAPSHOT_TMP, strerror(errno));
		return -1;
	}
	w->off += (off_t)w->rec.len;
	w->recno++;
	return snapw_begin(w);
}

static int
snapw_flush_events(struct store_snapw *w)
{
	if (w->chunk_n == 0)
		return 0;
	/* The count sits after the cursor at the start of the plaintext. */
	store_put_u64((uint8_t *)w->rec.s + STORE_FRAME_SIZE, (uint64_t)w->chunk_cursor);
	store_put_u32((uint8_t *)w->rec.s + STORE_FRAME_SIZE + 8, w->chunk_n);
	w->chunk_n = 0;
	return snapw_emit(w, REC_EVENTS);
}

static int
snapw_event(struct store_snapw *w, const char *json, size_t len,
    int64_t cursor)
{
	if (w->chunk_n > 0 &&
	    w->rec.len + len + 5 > STORE_CHUNK_BYTES + STORE_FRAME_SIZE &&
	    snapw_flush_events(w) != 0)
		return -1;
	if (w->chunk_n == 0 && (store_buf_u64(&w->rec, 0) != 0 ||
	    store_buf_u32(&w->rec, 0) != 0))
		goto nomem;
	if (store_buf_str(&w->rec, json, len) != 0)
		goto nomem;
	w->chunk_n++;
	w->chunk_cursor = cursor;
	w->events++;
	w->json += store_is_json(json, len);
	return 0;
nomem:
	snprintf(w->err, w->errlen, "out of memory");
	return -1;
}

/* One event, through the repack callback when there is one. */
static int
snapw_repack(void *ud, const char *ev, size_t len, int64_t cursor)
{
	struct store_snapw *w = ud;
	struct td_cache *c = w->c;
	char *out = NULL;
	size_t outlen = 0;
	int rc;

	if (c->drop_events) {
		w->changed++;
		return 0;
	}
	if (c->repack == NULL)
		return snapw_event(w, ev, len, cursor);
	rc = c->repack(c->repack_ud, ev, len, &out, &outlen);
	if (rc < 0) {
		snprintf(w->err, w->errlen, "cannot repack a cached event");
		return -1;
	}
	if (rc == CACHE_REPACK_DROP) {
		if (out != NULL) {
			sodium_memzero(out, outlen);
			free(out);
		}
		w->changed++;
		return 0;
	}
	/* Only what a record can hold replaces the original. */
	if (rc == 0 || out == NULL || outlen > STORE_MAX_PLAIN - 32) {
		if (out != NULL) {
			sodium_memzero(out, outlen);
			free(out);
		}
		return snapw_event(w, ev, len, cursor);
	}
	rc = snapw_event(w, out, outlen, cursor);
	w->changed++;
	sodium_memzero(out, outlen);
	free(out);
	return rc;
}

static int
snapw_events(struct store_snapw *w, const struct store_scan *s)
{
	int rc = store_scan_events(s, snapw_repack, w);

	if (rc > 0)
		snprintf(w->err, w->errlen, "malformed events record");
	return rc != 0 ? -1 : 0;
}

/* The latest read position of each conversation, many per record. */
static int
snapw_reads(struct store_snapw *w)
{
	struct td_cache *c = w->c;
	uint32_t n = 0;
	size_t i, len;

	for (i = 0; i < c->n_reads; i++) {
		len = strlen(c->reads[i].conv);
		if (n > 0 && w->rec.len + len + 13 >
		    STORE_CHUNK_BYTES + STORE_FRAME_SIZE) {
			store_put_u32((uint8_t *)w->rec.s + STORE_FRAME_SIZE, n);
			if (snapw_emit(w, REC_READ) != 0)
				return -1;
			n = 0;
		}
		if ((n == 0 && store_buf_u32(&w->rec, 0) != 0) ||
		    store_buf_str(&w->rec, c->reads[i].conv, len) != 0 ||
		    store_buf_u64(&w->rec, (uint64_t)c->reads[i].seq) != 0)
			goto nomem;
		n++;
	}
	if (n == 0)
		return 0;
	store_put_u32((uint8_t *)w->rec.s + STORE_FRAME_SIZE, n);
	return snapw_emit(w, REC_READ);
nomem:
	snprintf(w->err, w->errlen, "out of memory");
	return -1;
}

/* A record of two strings: a key and its value (outbox entry, draft). */
static int
snapw_pair(struct store_snapw *w, uint8_t type, const char *key,
    const char *val, size_t len)
{
	if (store_buf_str(&w->rec, key, strlen(key)) != 0 ||
	    store_buf_str(&w->rec, val, len) != 0) {
		snprintf(w->err, w->errlen, "out of memory");
		return -1;
	}
	return snapw_emit(w, type);
}

static int
snapw_metas(struct store_snapw *w)
{
	struct td_cache *c = w->c;
	size_t i;

	for (i = 0; i < c->metas.n; i++)
		if (snapw_pair(w, REC_META, c->metas.v[i].key, c->metas.v[i].val,
		    c->metas.v[i].len) != 0)
			return -1;
	return 0;
}

static int
snapw_state(struct store_snapw *w)
{
	struct td_cache *c = w->c;
	size_t i;

	for (i = 0; i < c->n_outbox; i++)
		if (snapw_pair(w, REC_OUTBOX_PUT, c->outbox[i].id,
		    c->outbox[i].json, c->outbox[i].len) != 0)
			return -1;
	for (i = 0; i < c->drafts.n; i++)
		if (snapw_pair(w, REC_DRAFT, c->drafts.v[i].key,
		    c->drafts.v[i].val, c->drafts.v[i].len) != 0)
			return -1;
	if (snapw_reads(w) != 0 || snapw_metas(w) != 0)
		return -1;
	if (store_buf_u64(&w->rec, w->recno) != 0 ||
	    store_buf_u64(&w->rec, w->events) != 0 ||
	    store_buf_u64(&w->rec, c->n_outbox) != 0 ||
	    store_buf_u64(&w->rec, c->drafts.n) != 0 ||
	    store_buf_u64(&w->rec, (uint64_t)c->cursor) != 0 ||
	    store_buf_u64(&w->rec, c->n_reads) != 0 ||
	    store_buf_u64(&w->rec, c->metas.n) != 0)
		goto nomem;
	return snapw_emit(w, REC_END);
nomem:
	snprintf(w->err, w->errlen, "out of memory");
	return -1;
}

static int
snapw_write(struct store_snapw *w, const struct store_loaded *l)
{
	struct td_cache *c = w->c;

	unlinkat(c->dirfd, STORE_SNAPSHOT_TMP, 0);
	w->fd = store_openat(c->dirfd, c->dir, STORE_SNAPSHOT_TMP,
	    O_WRONLY | O_CREAT | O_EXCL, w->err, w->errlen);
	if (w->fd < 0)
		return -1;
	/* The snapshot names the log it absorbs (crash between renames). */
	store_fhdr_make(w->fhdr, true, c->cache_id, c->log_fhdr + 32);
	if (store_write_all(w->fd, w->fhdr, STORE_FHDR_SIZE, 0) != 0) {
		snprintf(w->err, w->errlen, "cannot write '%s/%s': %s", c->dir,
		    STORE_SNAPSHOT_TMP, strerror(errno));
		return -1;
	}
	w->off = STORE_FHDR_SIZE;
	if (snapw_begin(w) != 0 || store_buf_u32(&w->rec, STORE_VERSION) != 0) {
		snprintf(w->err, w->errlen, "out of memory");
		return -1;
	}
	if (snapw_emit(w, REC_BEGIN) != 0 ||
	    snapw_events(w, &l->snap_scan) != 0 ||
	    snapw_events(w, &l->log_scan) != 0 ||
	    snapw_flush_events(w) != 0 || snapw_state(w) != 0)
		return -1;
	return 0;
}

static int
snapw_sync(struct store_snapw *w)
{
	if (fsync(w->fd) != 0) {
		snprintf(w->err, w->errlen, "fsync of '%s/%s': %s", w->c->dir,
		    STORE_SNAPSHOT_TMP, strerror(errno));
		return -1;
	}
	return 0;
}

static int
store_rename(struct td_cache *c, const char *from, const char *to, char *err,
    size_t errlen)
{
	if (renameat(c->dirfd, from, c->dirfd, to) != 0) {
		snprintf(err, errlen, "cannot rename '%s/%s': %s", c->dir, from,
		    strerror(errno));
		return -1;
	}
	return store_fsync_dir(c->dirfd, err, errlen);
}

int
cache_compact(struct td_cache *c, char *err, size_t errlen)
{
	struct store_snapw w = { .c = c, .fd = -1, .err = err, .errlen = errlen,
	    .rec = { .wipe = 1 } };
	struct store_loaded *l = c->loaded;
	uint8_t lfhdr[STORE_FHDR_SIZE];
	off_t lend;
	bool unchanged = false;
	int lfd = -1, rc = -1;

	if (c->broken) {
		snprintf(err, errlen, "an earlier write to '%s' failed; reopen "
		    "the cache", c->dir);
		return -1;
	}
	c->loaded = NULL;
	if (l == NULL && store_load_files(c, &l, err, errlen) != CACHE_OK)
		return -1;
	if (snapw_write(&w, l) != 0)
		goto fail;
	/* A repack that changed nothing in a cache that is already compact
	 * would only write the same snapshot again. */
	if (c->repack != NULL && !c->drop_events && w.changed == 0 &&
	    c->have_snap && c->log_recno <= 1) {
		unchanged = true;
		rc = 0;
		goto fail;
	}
	if (snapw_sync(&w) != 0)
		goto fail;
	if (store_log_create(c, STORE_LOG_TMP, w.fhdr + 32, lfhdr, &lfd, &lend,
	    err, errlen) != 0)
		goto fail;
	if (store_rename(c, STORE_SNAPSHOT_TMP, STORE_SNAPSHOT, err,
	    errlen) != 0)
		goto fail;
	/* From here the old log is absorbed: it must not be appended to. */
	if (store_rename(c, STORE_LOG_TMP, STORE_LOG, err, errlen) != 0) {
		c->broken = true;
		goto fail;
	}
	close(c->logfd);
	c->logfd = lfd;
	lfd = -1;
	memcpy(c->log_fhdr, lfhdr, STORE_FHDR_SIZE);
	c->log_recno = 1;
	c->log_end = lend;
	c->dirty = false;
	c->have_snap = true;
	memcpy(c->snap_id, w.fhdr + 32, STORE_ID_BYTES);
	memcpy(c->snap_link, w.fhdr + 48, STORE_ID_BYTES);
	c->snap_size = (size_t)w.off;
	c->n_events = w.events;
	c->n_json = w.json;
	rc = 0;
fail:
	if (w.fd >= 0)
		close(w.fd);
	if (lfd >= 0)
		close(lfd);
	if (rc != 0 || unchanged) {
		unlinkat(c->dirfd, STORE_SNAPSHOT_TMP, 0);
		unlinkat(c->dirfd, STORE_LOG_TMP, 0);
	}
	buf_free(&w.rec);
	store_loaded_free(l);
	return rc;
}

int
cache_reset_events(struct td_cache *c, char *err, size_t errlen)
{
	int64_t cursor = c->cursor;
	int rc;

	/* The same atomic replace as a compaction, with no event in it and
	 * the cursor at 0 in its END record. */
	c->cursor = 0;
	c->drop_events = true;
	rc = cache_compact(c, err, errlen);
	c->drop_events = false;
	if (rc != 0)
		c->cursor = cursor;
	return rc;
}

bool
cache_should_compact(const struct td_cache *c)
{
	size_t log = (size_t)c->log_end;

	return log > 1024 * 1024 && log > c->snap_size;
}

void
cache_set_repack(struct td_cache *c, cache_repack_fn fn, void *ud)
{
	c->repack = fn;
	c->repack_ud = ud;
}

void
cache_event_counts(const struct td_cache *c, uint64_t *events, uint64_t *json)
{
	if (events != NULL)
		*events = c->n_events;
	if (json != NULL)
		*json = c->n_json;
}
