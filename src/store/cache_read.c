/*
 * Read positions (docs/cache-format.md, READ records): how far the agent
 * has read each conversation.  The relay knows nothing of them, so they
 * live only here.  The latest position set for a conversation wins; all of
 * them stay in memory (one per conversation), indexed by a small hash
 * table because a long log may hold a record per message read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/vec.h"
#include "ttydesk/wipe.h"
#include "store.h"

/* FNV-1a: the keys come from authenticated records or from the TUI. */
static uint64_t
store_read_hash(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (uint8_t)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot holding conv, or the free slot where it would go. */
static size_t
store_read_slot(const struct td_cache *c, const char *conv, size_t len)
{
	size_t mask = c->read_tab_cap - 1, i;
	const struct store_read *r;

	i = (size_t)store_read_hash(conv, len) & mask;
	while (c->read_tab[i] != 0) {
		r = &c->reads[c->read_tab[i] - 1];
		if (strlen(r->conv) == len && memcmp(r->conv, conv, len) == 0)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

static struct store_read *
store_read_find(const struct td_cache *c, const char *conv, size_t len)
{
	size_t i;

	if (c->read_tab_cap == 0)
		return NULL;
	i = store_read_slot(c, conv, len);
	return c->read_tab[i] != 0 ? &c->reads[c->read_tab[i] - 1] : NULL;
}

static int
store_read_grow(struct td_cache *c)
{
	size_t cap = c->read_tab_cap ? c->read_tab_cap * 2 : 64, i, j;
	struct store_read *r;
	uint32_t *tab;

	if (c->n_reads >= UINT32_MAX / 4)
		return -1;
	if (c->n_reads == c->cap_reads) {
		r = realloc(c->reads, cap / 2 * sizeof *r);
		if (r == NULL)
			return -1;
		c->reads = r;
		c->cap_reads = cap / 2;
	}
	if ((tab = calloc(cap, sizeof *tab)) == NULL)
		return -1;
	free(c->read_tab);
	c->read_tab = tab;
	c->read_tab_cap = cap;
	for (j = 0; j < c->n_reads; j++) {
		i = store_read_slot(c, c->reads[j].conv,
		    strlen(c->reads[j].conv));
		c->read_tab[i] = (uint32_t)(j + 1);
	}
	return 0;
}

static int
store_read_put(struct td_cache *c, const char *conv, size_t len, int64_t seq)
{
	struct store_read *r;
	size_t i;

	if ((r = store_read_find(c, conv, len)) != NULL) {
		r->seq = seq;
		return 0;
	}
	/* Keep the table at most half full (and reads[] big enough). */
	if ((c->n_reads + 1) * 2 > c->read_tab_cap &&
	    store_read_grow(c) != 0)
		return -1;
	r = &c->reads[c->n_reads];
	if ((r->conv = malloc(len + 1)) == NULL)
		return -1;
	memcpy(r->conv, conv, len);
	r->conv[len] = '\0';
	r->seq = seq;
	i = store_read_slot(c, conv, len);
	c->read_tab[i] = (uint32_t)(++c->n_reads);
	return 0;
}

/* A READ record: -1 when malformed, -2 out of memory. */
int
store_read_apply(struct td_cache *c, struct store_rd *rd)
{
	const char *conv;
	uint32_t n, i;
	uint64_t seq;
	size_t len;

	if (store_rd_u32(rd, &n) != 0 || n == 0 ||
	    n > rd->left / STORE_READ_MIN_ENTRY)
		return -1;
	for (i = 0; i < n; i++) {
		if (store_rd_str(rd, &conv, &len, true) != 0 || len == 0 ||
		    store_rd_u64(rd, &seq) != 0 || seq > INT64_MAX)
			return -1;
		if (store_read_put(c, conv, len, (int64_t)seq) != 0)
			return -2;
	}
	return rd->left == 0 ? 0 : -1;
}

/* A conversation id says whom the agent talks to: wiped, not just freed. */
static void
read_clear(void *p)
{
	struct store_read *r = p;

	wipe_str_free(r->conv);
}

void
store_read_free(struct td_cache *c)
{
	vec_free(&c->reads, &c->n_reads, sizeof *c->reads, read_clear);
	free(c->read_tab);
	c->read_tab = NULL;
	c->cap_reads = c->read_tab_cap = 0;
}

int
cache_read_set(struct td_cache *c, const char *conversation, int64_t seq,
    char *err, size_t errlen)
{
	struct buf b = { .wipe = 1 };
	struct store_read *r;
	size_t len;
	int rc = -1;

	if (conversation == NULL || *conversation == '\0' ||
	    (len = strlen(conversation)) > 1024) {
		snprintf(err, errlen, "conversation missing or too long");
		return -1;
	}
	if (seq < 0) {
		snprintf(err, errlen, "read position %lld is negative",
		    (long long)seq);
		return -1;
	}
	/* Marking read happens at every open and every message that
	 * arrives in an open thread: most calls change nothing. */
	if ((r = store_read_find(c, conversation, len)) != NULL &&
	    r->seq == seq)
		return 0;
	if (buf_reserve(&b, STORE_FRAME_SIZE + 32 + len) != 0)
		goto nomem;
	b.len = STORE_FRAME_SIZE;
	if (store_buf_u32(&b, 1) != 0 ||
	    store_buf_str(&b, conversation, len) != 0 ||
	    store_buf_u64(&b, (uint64_t)seq) != 0)
		goto nomem;
	/* Not fsynced: a lost position only shows messages unread again. */
	if ((rc = store_append(c, &b, REC_READ, false, err, errlen)) != 0)
		goto out;
	if (store_read_put(c, conversation, len, seq) != 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	goto out;
nomem:
	snprintf(err, errlen, "out of memory");
out:
	buf_free(&b);
	return rc;
}

bool
cache_read_get(const struct td_cache *c, const char *conversation,
    int64_t *seq)
{
	const struct store_read *r;

	if (conversation == NULL ||
	    (r = store_read_find(c, conversation, strlen(conversation))) ==
	    NULL)
		return false;
	if (seq != NULL)
		*seq = r->seq;
	return true;
}

void
cache_reads(const struct td_cache *c, cache_read_fn fn, void *ud)
{
	size_t i;

	for (i = 0; i < c->n_reads; i++)
		fn(ud, c->reads[i].conv, c->reads[i].seq);
}

size_t
cache_read_count(const struct td_cache *c)
{
	return c->n_reads;
}
