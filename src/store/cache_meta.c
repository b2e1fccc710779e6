/*
 * Named values (docs/cache-format.md, META records): small state that must
 * live and die with the cached events, such as how far a first sync got.
 * Kept in memory as store_pairs (the latest value of a key wins, an empty
 * one deletes it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/vec.h"
#include "ttydesk/wipe.h"
#include "store.h"

#define STORE_META_MAX_VALUE (64u * 1024)

/* One META record: string key (not empty, no NUL), string value.
 * Returns 0, -1 when malformed, -2 when out of memory. */
int
store_meta_apply(struct td_cache *c, struct store_rd *rd)
{
	const char *k, *v;
	size_t klen, vlen;

	if (store_rd_str(rd, &k, &klen, true) != 0 || klen == 0 ||
	    klen > 1024 || store_rd_str(rd, &v, &vlen, true) != 0 ||
	    vlen > STORE_META_MAX_VALUE || rd->left != 0)
		return -1;
	return store_pair_put(&c->metas, k, v, vlen) == 0 ? 0 : -2;
}

int
cache_meta_set(struct td_cache *c, const char *key, const char *value,
    bool durable, char *err, size_t errlen)
{
	struct buf b = { .wipe = 1 };
	size_t klen = key != NULL ? strlen(key) : 0;
	size_t vlen = value != NULL ? strlen(value) : 0;
	const char *old;
	int rc = -1;

	if (klen == 0 || klen > 1024 || vlen > STORE_META_MAX_VALUE) {
		snprintf(err, errlen, "cache key missing, or key or value too "
		    "long");
		return -1;
	}
	old = cache_meta_get(c, key);
	if ((old == NULL && vlen == 0) || (old != NULL && vlen > 0 &&
	    strcmp(old, value) == 0))
		return 0;
	if (buf_reserve(&b, STORE_FRAME_SIZE + klen + vlen + 16) != 0)
		goto nomem;
	b.len = STORE_FRAME_SIZE;
	if (store_buf_str(&b, key, klen) != 0 ||
	    store_buf_str(&b, vlen ? value : "", vlen) != 0)
		goto nomem;
	if ((rc = store_append(c, &b, REC_META, durable, err, errlen)) != 0)
		goto out;
	if (store_pair_put(&c->metas, key, value, vlen) != 0) {
		rc = -1;
		goto nomem;
	}
	goto out;
nomem:
	snprintf(err, errlen, "out of memory");
out:
	buf_free(&b);
	return rc;
}

const char *
cache_meta_get(const struct td_cache *c, const char *key)
{
	struct store_pair *m = store_pair_find(&c->metas, key);

	return m != NULL ? m->val : NULL;
}

void
cache_metas(const struct td_cache *c, const char *prefix, cache_meta_fn fn,
    void *ud)
{
	size_t i, plen = prefix != NULL ? strlen(prefix) : 0;

	for (i = 0; i < c->metas.n; i++)
		if (strncmp(c->metas.v[i].key, prefix ? prefix : "", plen) == 0)
			fn(ud, c->metas.v[i].key, c->metas.v[i].val);
}
