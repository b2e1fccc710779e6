/*
 * The live outbox, drafts and cursor, rebuilt at open from the verified
 * records and kept in memory (small) so appends and compaction need not
 * read the files again.  Strings are wiped when freed.
 */
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/vec.h"
#include "ttydesk/wipe.h"
#include "store.h"

struct store_outbox *
store_outbox_find(struct td_cache *c, const char *id)
{
	return vec_find_str(c->outbox, c->n_outbox, sizeof *c->outbox,
	    offsetof(struct store_outbox, id), id);
}

int
store_outbox_add(struct td_cache *c, const char *id, size_t idlen,
    const char *json, size_t len)
{
	struct store_outbox *o;

	if (vec_grow(&c->outbox, &c->cap_outbox, c->n_outbox + 1,
	    sizeof *c->outbox) != 0)
		return -1;
	o = &c->outbox[c->n_outbox];
	o->id = store_strndup(id, idlen);
	o->json = store_strndup(json, len);
	o->len = len;
	if (o->id == NULL || o->json == NULL) {
		free(o->id);
		free(o->json);
		return -1;
	}
	c->n_outbox++;
	return 0;
}

/* Keeps put order: the TUI resends in the order the agent wrote. */
void
store_outbox_remove(struct td_cache *c, struct store_outbox *o)
{
	size_t i = (size_t)(o - c->outbox);

	wipe_str_free(o->id);
	wipe_free(o->json, o->len);
	memmove(o, o + 1, (c->n_outbox - i - 1) * sizeof *o);
	c->n_outbox--;
}

void
store_state_free(struct td_cache *c)
{
	while (c->n_outbox > 0)
		store_outbox_remove(c, &c->outbox[c->n_outbox - 1]);
	store_pairs_free(&c->drafts);
	store_read_free(c);
	store_pairs_free(&c->metas);
	free(c->outbox);
	c->outbox = NULL;
	c->cap_outbox = 0;
}

/* Check an EVENTS record's layout so cache_load cannot meet a bad one. */
static int
store_state_events(struct td_cache *c, struct store_rd *rd)
{
	uint64_t cursor;
	uint32_t n, i;
	const char *s;
	size_t len;

	if (store_rd_u64(rd, &cursor) != 0 || store_rd_u32(rd, &n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if (store_rd_str(rd, &s, &len, false) != 0)
			return -1;
		c->n_json += store_is_json(s, len);
	}
	c->cursor = (int64_t)cursor;
	c->events_seen += n;
	c->n_events += n;
	return 0;
}

static int
store_state_end(struct td_cache *c, struct store_rd *rd)
{
	uint64_t count, events, outbox, drafts, cursor, reads, metas;

	if (store_rd_u64(rd, &count) != 0 || store_rd_u64(rd, &events) != 0 ||
	    store_rd_u64(rd, &outbox) != 0 || store_rd_u64(rd, &drafts) != 0 ||
	    store_rd_u64(rd, &cursor) != 0)
		return -1;
	if (events != c->events_seen || outbox != c->n_outbox ||
	    drafts != c->drafts.n)
		return -1;
	/* Snapshots written before READ records end here. */
	if (rd->left > 0 && (store_rd_u64(rd, &reads) != 0 ||
	    reads != c->n_reads))
		return -1;
	/* ... and those before META records here. */
	if (rd->left > 0 && (store_rd_u64(rd, &metas) != 0 ||
	    metas != c->metas.n))
		return -1;
	c->cursor = (int64_t)cursor;
	return 0;
}

int
store_state_apply(struct td_cache *c, const struct store_rec *r,
    const char *name, char *err, size_t errlen)
{
	struct store_rd rd = { r->pt, r->len };
	struct store_outbox *o;
	const char *a, *b;
	size_t alen, blen;
	uint32_t v;
	int rc = -1;

	switch (r->type) {
	case REC_BEGIN:
		rc = store_rd_u32(&rd, &v) == 0 && v == STORE_VERSION ? 0 : -1;
		break;
	case REC_EVENTS:
		rc = store_state_events(c, &rd);
		break;
	case REC_OUTBOX_PUT:
		if (store_rd_str(&rd, &a, &alen, true) != 0 || alen == 0 ||
		    store_rd_str(&rd, &b, &blen, false) != 0)
			break;
		if ((o = store_outbox_find(c, a)) != NULL)
			store_outbox_remove(c, o);
		if (store_outbox_add(c, a, alen, b, blen) != 0)
			goto nomem;
		rc = 0;
		break;
	case REC_OUTBOX_ACK:
		if (store_rd_str(&rd, &a, &alen, true) != 0)
			break;
		if ((o = store_outbox_find(c, a)) != NULL)
			store_outbox_remove(c, o);
		rc = 0;
		break;
	case REC_DRAFT:
		if (store_rd_str(&rd, &a, &alen, true) != 0 || alen == 0 ||
		    store_rd_str(&rd, &b, &blen, false) != 0)
			break;
		if (store_pair_put(&c->drafts, a, b, blen) != 0)
			goto nomem;
		rc = 0;
		break;
	case REC_END:
		rc = store_state_end(c, &rd);
		break;
	case REC_READ:
		if ((rc = store_read_apply(c, &rd)) == -2)
			goto nomem;
		break;
	case REC_META:
		if ((rc = store_meta_apply(c, &rd)) == -2)
			goto nomem;
		break;
	}
	if (rc != 0)
		snprintf(err, errlen, "%s: record %llu at offset %zu is "
		    "malformed", name, (unsigned long long)r->recno, r->off);
	return rc == 0 ? CACHE_OK : CACHE_CORRUPT;
nomem:
	snprintf(err, errlen, "out of memory");
	return CACHE_ERR;
}

bool
cache_has_draft(const struct td_cache *c, const char *conversation)
{
	return store_pair_find(&c->drafts, conversation) != NULL;
}
