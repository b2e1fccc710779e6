/*
 * Appending to the log.  Every append is written before it returns; the
 * outbox and drafts are also fsynced, events only once a second (the relay
 * still has them) or when something durable follows.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "ttydesk/clock.h"
#include "store.h"

static int
store_sync(struct td_cache *c, char *err, size_t errlen)
{
	if (!c->dirty)
		return 0;
	if (fdatasync(c->logfd) != 0) {
		/* After a failed fsync the page cache state is unknown. */
		c->broken = true;
		snprintf(err, errlen, "fsync of '%s/%s' failed: %s; reopen the "
		    "cache", c->dir, STORE_LOG, strerror(errno));
		return -1;
	}
	c->dirty = false;
	c->last_sync = clock_ns();
	return 0;
}

int
store_append(struct td_cache *c, struct buf *b, uint8_t type,
    bool durable, char *err, size_t errlen)
{
	if (c->broken) {
		snprintf(err, errlen, "an earlier write to '%s' failed; reopen "
		    "the cache", c->dir);
		return -1;
	}
	if (store_seal(b, c->log_fhdr, c->log_recno, type, c->keys->record) != 0) {
		snprintf(err, errlen, "record too large");
		return -1;
	}
	if (store_write_all(c->logfd, b->s, b->len, c->log_end) != 0) {
		snprintf(err, errlen, "cannot write '%s/%s': %s", c->dir,
		    STORE_LOG, strerror(errno));
		/* Leave no half record behind for the next append. */
		if (ftruncate(c->logfd, c->log_end) != 0)
			c->broken = true;
		return -1;
	}
	c->log_end += (off_t)b->len;
	c->log_recno++;
	c->dirty = true;
	/* cache_load must read the files again to see this record. */
	store_loaded_free(c->loaded);
	c->loaded = NULL;
	if (durable || clock_ns() - c->last_sync >= STORE_SYNC_INTERVAL_NS)
		return store_sync(c, err, errlen);
	return 0;
}

int
cache_sync(struct td_cache *c, char *err, size_t errlen)
{
	if (c->broken) {
		snprintf(err, errlen, "an earlier write to '%s' failed; reopen "
		    "the cache", c->dir);
		return -1;
	}
	return store_sync(c, err, errlen);
}

static int
store_begin(struct buf *b)
{
	if (buf_reserve(b, STORE_FRAME_SIZE + 256) != 0)
		return -1;
	b->len = STORE_FRAME_SIZE;
	return 0;
}

/* One record: events[from, to) with the given cursor. */
static int
store_append_events(struct td_cache *c, const char *const *json,
    const size_t *lens, size_t from, size_t to, int64_t cursor, char *err,
    size_t errlen)
{
	struct buf b = { .wipe = 1 };
	size_t i;
	int rc = -1;

	if (store_begin(&b) != 0 || store_buf_u64(&b, (uint64_t)cursor) != 0 ||
	    store_buf_u32(&b, (uint32_t)(to - from)) != 0)
		goto nomem;
	for (i = from; i < to; i++)
		if (store_buf_str(&b, json[i], lens[i]) != 0)
			goto nomem;
	rc = store_append(c, &b, REC_EVENTS, false, err, errlen);
	if (rc == 0) {
		c->cursor = cursor;
		c->n_events += to - from;
		for (i = from; i < to; i++)
			c->n_json += store_is_json(json[i], lens[i]);
	}
	buf_free(&b);
	return rc;
nomem:
	snprintf(err, errlen, "out of memory");
	buf_free(&b);
	return -1;
}

int
cache_append_events(struct td_cache *c, const char *const *json,
    const size_t *lens, size_t n, int64_t cursor, char *err, size_t errlen)
{
	size_t from = 0, i, size = 12;

	/* Split a huge answer; only its last record carries the new cursor,
	 * so a crash between them re-fetches the rest. */
	for (i = 0; i < n; i++) {
		if (lens[i] > STORE_MAX_PLAIN - 32) {
			snprintf(err, errlen, "event %zu too large (%zu bytes)",
			    i, lens[i]);
			return -1;
		}
		if (size + lens[i] + 5 > STORE_MAX_PLAIN) {
			if (store_append_events(c, json, lens, from, i,
			    c->cursor, err, errlen) != 0)
				return -1;
			from = i;
			size = 12;
		}
		size += lens[i] + 5;
	}
	return store_append_events(c, json, lens, from, n, cursor, err, errlen);
}

static int
store_check_id(const char *what, const char *id, char *err, size_t errlen)
{
	if (id == NULL || *id == '\0' || strlen(id) > 1024) {
		snprintf(err, errlen, "%s missing or too long", what);
		return -1;
	}
	return 0;
}

int
cache_outbox_put(struct td_cache *c, const char *client_id, const char *json,
    size_t len, char *err, size_t errlen)
{
	struct buf b = { .wipe = 1 };
	int rc = -1;

	if (store_check_id("client_id", client_id, err, errlen) != 0)
		return -1;
	if (json == NULL) {
		json = "";
		len = 0;
	}
	if (store_outbox_find(c, client_id) != NULL) {
		snprintf(err, errlen, "outbox already holds '%s'", client_id);
		return -1;
	}
	if (store_begin(&b) != 0 ||
	    store_buf_str(&b, client_id, strlen(client_id)) != 0 ||
	    store_buf_str(&b, json, len) != 0) {
		snprintf(err, errlen, "out of memory or entry too large");
		goto out;
	}
	/* Allocate first so a durable record is never lost from memory. */
	if (store_outbox_add(c, client_id, strlen(client_id), json, len) != 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	rc = store_append(c, &b, REC_OUTBOX_PUT, true, err, errlen);
	if (rc != 0)
		store_outbox_remove(c, &c->outbox[c->n_outbox - 1]);
out:
	buf_free(&b);
	return rc;
}

int
cache_outbox_ack(struct td_cache *c, const char *client_id, char *err,
    size_t errlen)
{
	struct store_outbox *o;
	struct buf b = { .wipe = 1 };
	int rc = -1;

	if (store_check_id("client_id", client_id, err, errlen) != 0)
		return -1;
	/* Acks repeat (the relay answers a resend again): not an error. */
	if ((o = store_outbox_find(c, client_id)) == NULL)
		return 0;
	if (store_begin(&b) != 0 ||
	    store_buf_str(&b, client_id, strlen(client_id)) != 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	/* Not fsynced: a lost ack only makes the TUI resend, and the relay
	 * is idempotent on client_id. */
	if ((rc = store_append(c, &b, REC_OUTBOX_ACK, false, err, errlen)) == 0)
		store_outbox_remove(c, o);
out:
	buf_free(&b);
	return rc;
}

int
cache_draft_set(struct td_cache *c, const char *conversation, const char *text,
    char *err, size_t errlen)
{
	struct buf b = { .wipe = 1 };
	size_t len = text != NULL ? strlen(text) : 0;
	const struct store_pair *d;
	int rc = -1;

	if (store_check_id("conversation", conversation, err, errlen) != 0)
		return -1;
	/* Setting the draft it has, or deleting one it has not: no record. */
	d = store_pair_find(&c->drafts, conversation);
	if (d == NULL && len == 0)
		return 0;
	if (d != NULL && len > 0 && d->len == len &&
	    memcmp(d->val, text, len) == 0)
		return 0;
	if (store_begin(&b) != 0 ||
	    store_buf_str(&b, conversation, strlen(conversation)) != 0 ||
	    store_buf_str(&b, len ? text : "", len) != 0) {
		snprintf(err, errlen, "out of memory or draft too large");
		goto out;
	}
	if ((rc = store_append(c, &b, REC_DRAFT, true, err, errlen)) != 0)
		goto out;
	if (store_pair_put(&c->drafts, conversation, text, len) != 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
out:
	buf_free(&b);
	return rc;
}
