/*
 * After CACHE_CORRUPT the TUI rebuilds the cache from the relay, but the
 * relay has never seen the outbox.  cache_salvage() hands over the outbox
 * entries and drafts that still authenticate (every record before the
 * damage), so no queued reply is lost.  Nothing forged can come out: each
 * record reported opened with the key.  An ack lost in the damage brings
 * its entry back, and resending it is harmless (client_id is idempotent).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static void
store_salvage_apply(struct td_cache *c, const struct store_scan *s)
{
	char e[256];
	size_t i;

	for (i = 0; i < s->n; i++)
		if (store_state_apply(c, &s->recs[i], "", e, sizeof e) !=
		    CACHE_OK)
			break;
}

int
cache_salvage(const char *dir, const struct cache_key *key,
    const struct cache_visitor *v, char *err, size_t errlen)
{
	struct store_loaded *l = NULL;
	struct td_cache *c;
	int rc = CACHE_ERR;

	if (store_sodium_init(err, errlen) != 0)
		return CACHE_ERR;
	if (dir == NULL || key == NULL || v == NULL) {
		snprintf(err, errlen, "no cache directory, key or visitor");
		return CACHE_ERR;
	}
	if ((c = store_cache_new(dir, err, errlen)) == NULL)
		return CACHE_ERR;
	c->salvage = true;
	if ((rc = store_cache_lock(c, err, errlen)) != CACHE_OK ||
	    (rc = store_open_keys(c, key, err, errlen)) != CACHE_OK ||
	    (rc = store_load_files(c, &l, err, errlen)) != CACHE_OK)
		goto out;
	store_salvage_apply(c, &l->snap_scan);
	store_salvage_apply(c, &l->log_scan);
	store_visit_state(c, v);
	rc = CACHE_OK;
out:
	store_loaded_free(l);
	cache_close(c);
	return rc;
}
