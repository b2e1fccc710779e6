/*
 * Keyed strings in memory: the drafts (conversation -> text) and the named
 * values (key -> value) of the cache.  Both replay the same way: the
 * latest record of a key wins and an empty value deletes it.  Few entries,
 * so a plain array in first-set order; values are wiped when dropped.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/vec.h"
#include "ttydesk/wipe.h"
#include "store.h"

struct store_pair *
store_pair_find(const struct store_pairs *ps, const char *key)
{
	return vec_find_str(ps->v, ps->n, sizeof *ps->v,
	    offsetof(struct store_pair, key), key);
}

int
store_pair_put(struct store_pairs *ps, const char *key, const char *val,
    size_t vlen)
{
	struct store_pair *p = store_pair_find(ps, key);
	char *copy = NULL;

	if (vlen > 0 && (copy = store_strndup(val, vlen)) == NULL)
		return -1;
	if (p != NULL) {
		wipe_free(p->val, p->len);
		if (copy != NULL) {
			p->val = copy;
			p->len = vlen;
			return 0;
		}
		wipe_str_free(p->key);
		memmove(p, p + 1, (size_t)(ps->v + ps->n - p - 1) * sizeof *p);
		ps->n--;
		return 0;
	}
	if (copy == NULL)
		return 0;
	if (vec_grow(&ps->v, &ps->cap, ps->n + 1, sizeof *ps->v) != 0)
		goto fail;
	p = &ps->v[ps->n];
	if ((p->key = strdup(key)) == NULL)
		goto fail;
	p->val = copy;
	p->len = vlen;
	ps->n++;
	return 0;
fail:
	wipe_free(copy, vlen);
	return -1;
}

static void
pair_clear(void *e)
{
	struct store_pair *p = e;

	wipe_str_free(p->key);
	wipe_free(p->val, p->len);
}

void
store_pairs_free(struct store_pairs *ps)
{
	vec_free(&ps->v, &ps->n, sizeof *ps->v, pair_clear);
	ps->cap = 0;
}
