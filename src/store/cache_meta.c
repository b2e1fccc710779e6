/*
 * Named values (docs/cache-format.md, META records): small state that must
 * live and die with the cached events, such as how far a first sync got.
 * Few keys, so a plain array; the latest value of a key wins, an empty one
 * deletes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/vec.h"
#include "ttydesk/wipe.h"
#include "store.h"

#define STORE_META_MAX_VALUE (64u * 1024)

static struct store_meta *
meta_find(const struct td_cache *c, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < c->n_metas; i++)
		if (strlen(c->metas[i].key) == len &&
		    memcmp(c->metas[i].key, key, len) == 0)
			return &c->metas[i];
	return NULL;
}

/* Set (vlen > 0) or delete (vlen == 0) key in memory. */
static int
meta_put(struct td_cache *c, const char *key, size_t klen, const char *val,
    size_t vlen)
{
	struct store_meta *m = meta_find(c, key, klen);
	char *copy = NULL;

	if (vlen > 0) {
		if ((copy = malloc(vlen + 1)) == NULL)
			return -1;
		memcpy(copy, val, vlen);
		copy[vlen] = '\0';
	}
	if (m != NULL) {
		wipe_str_free(m->val);
		if (copy != NULL) {
			m->val = copy;
			return 0;
		}
		wipe_str_free(m->key);
		memmove(m, m + 1, (size_t)(c->metas + c->n_metas - m - 1) *
		    sizeof *m);
		c->n_metas--;
		return 0;
	}
	if (copy == NULL)
		return 0;
	if (vec_grow(&c->metas, &c->cap_metas, c->n_metas + 1,
	    sizeof *c->metas) != 0)
		goto fail;
	m = &c->metas[c->n_metas];
	if ((m->key = malloc(klen + 1)) == NULL)
		goto fail;
	memcpy(m->key, key, klen);
	m->key[klen] = '\0';
	m->val = copy;
	c->n_metas++;
	return 0;
fail:
	wipe_str_free(copy);
	return -1;
}

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
	return meta_put(c, k, klen, v, vlen) == 0 ? 0 : -2;
}

static void
meta_clear(void *p)
{
	struct store_meta *m = p;

	wipe_str_free(m->key);
	wipe_str_free(m->val);
}

void
store_meta_free(struct td_cache *c)
{
	vec_free(&c->metas, &c->n_metas, sizeof *c->metas, meta_clear);
	c->cap_metas = 0;
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
	if (meta_put(c, key, klen, value, vlen) != 0) {
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
	struct store_meta *m = key != NULL ? meta_find(c, key, strlen(key)) :
	    NULL;

	return m != NULL ? m->val : NULL;
}

void
cache_metas(const struct td_cache *c, const char *prefix, cache_meta_fn fn,
    void *ud)
{
	size_t i, plen = prefix != NULL ? strlen(prefix) : 0;

	for (i = 0; i < c->n_metas; i++)
		if (strncmp(c->metas[i].key, prefix ? prefix : "", plen) == 0)
			fn(ud, c->metas[i].key, c->metas[i].val);
}
