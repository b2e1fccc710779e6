/*
 * Open addressing with linear probing and the full hash kept per slot, so a
 * probe compares strings only when hashes match.  The table stays at most
 * half full (tombstones included) to keep probe runs short.
 */
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

static char strmap_tomb_mark;
#define STRMAP_TOMB (&strmap_tomb_mark)

void
strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof *m);
}

void
strmap_free(struct strmap *m)
{
	free(m->slots);
	strmap_init(m);
}

/* Eight bytes per step: multiply-xorshift over little words, then a
 * final mix so the low bits (the slot index) depend on every byte. */
uint64_t
strmap_hash(const char *key)
{
	const uint64_t k = 0x9e3779b97f4a7c15ULL;
	size_t len = strlen(key), i;
	uint64_t h = (uint64_t)len * k, w;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, key + i, 8);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	if (i < len) {
		w = 0;
		memcpy(&w, key + i, len - i);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	h ^= h >> 32;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return h;
}

static struct strmap_slot *
strmap_lookup(const struct strmap *m, const char *key, uint64_t h)
{
	size_t mask, i;
	struct strmap_slot *s;

	if (m->cap == 0)
		return NULL;
	mask = m->cap - 1;
	for (i = (size_t)h & mask;; i = (i + 1) & mask) {
		s = &m->slots[i];
		if (s->key == NULL)
			return NULL;
		if (s->key != STRMAP_TOMB && s->hash == h &&
		    strcmp(s->key, key) == 0)
			return s;
	}
}

void *
strmap_get(const struct strmap *m, const char *key)
{
	return strmap_get_h(m, key, strmap_hash(key));
}

void *
strmap_get_h(const struct strmap *m, const char *key, uint64_t h)
{
	struct strmap_slot *s = strmap_lookup(m, key, h);

	return s != NULL ? s->value : NULL;
}

static void
strmap_place(struct strmap_slot *slots, size_t cap, const char *key,
    void *value, uint64_t h)
{
	size_t mask = cap - 1, i;

	for (i = (size_t)h & mask; slots[i].key != NULL; i = (i + 1) & mask)
		;
	slots[i].key = key;
	slots[i].value = value;
	slots[i].hash = h;
}

static int
strmap_grow(struct strmap *m)
{
	size_t cap = m->cap == 0 ? 16 : m->cap, i;
	struct strmap_slot *slots;

	/* Rehash in place of tombstones when live entries are few. */
	while (m->count * 4 >= cap)
		cap *= 2;
	slots = calloc(cap, sizeof *slots);
	if (slots == NULL)
		return -1;
	for (i = 0; i < m->cap; i++) {
		if (m->slots[i].key != NULL && m->slots[i].key != STRMAP_TOMB)
			strmap_place(slots, cap, m->slots[i].key,
			    m->slots[i].value, m->slots[i].hash);
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	m->used = m->count;
	return 0;
}

int
strmap_put(struct strmap *m, const char *key, void *value)
{
	return strmap_put_h(m, key, value, strmap_hash(key));
}

int
strmap_put_h(struct strmap *m, const char *key, void *value, uint64_t h)
{
	struct strmap_slot *s = strmap_lookup(m, key, h);

	if (s != NULL) {
		s->key = key;
		s->value = value;
		return 0;
	}
	if ((m->used + 1) * 2 > m->cap && strmap_grow(m) != 0)
		return -1;
	strmap_place(m->slots, m->cap, key, value, h);
	m->count++;
	m->used++;
	return 0;
}

void *
strmap_del(struct strmap *m, const char *key)
{
	struct strmap_slot *s = strmap_lookup(m, key, strmap_hash(key));
	void *v;

	if (s == NULL)
		return NULL;
	v = s->value;
	s->key = STRMAP_TOMB;
	s->value = NULL;
	m->count--;
	return v;
}

int
strmap_next(const struct strmap *m, size_t *pos, const char **key,
    void **value)
{
	while (*pos < m->cap) {
		struct strmap_slot *s = &m->slots[(*pos)++];

		if (s->key != NULL && s->key != STRMAP_TOMB) {
			if (key != NULL)
				*key = s->key;
			if (value != NULL)
				*value = s->value;
			return 1;
		}
	}
	return 0;
}
