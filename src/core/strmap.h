/*
 * A small open-addressing hash map from NUL-terminated strings to pointers.
 *
 * Keys are borrowed: the map stores the caller's pointer, which must stay
 * valid (and unchanged) while the entry is in the map.  This is what the
 * model wants: a message's id lives exactly as long as the message, so
 * indexing it costs no copy.  Values are opaque; the map never frees them.
 */
#ifndef TTYDESK_STRMAP_H
#define TTYDESK_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
	const char *key; /* NULL: empty; STRMAP_TOMB: deleted */
	void *value;
	uint64_t hash;
};

struct strmap {
	struct strmap_slot *slots;
	size_t cap;   /* 0 or a power of two */
	size_t count; /* live entries */
	size_t used;  /* live + tombstones */
};

void strmap_init(struct strmap *m);
/* Frees the table only (not keys or values). */
void strmap_free(struct strmap *m);
void *strmap_get(const struct strmap *m, const char *key);
/* Insert or replace.  Returns 0, or -1 when out of memory (map unchanged). */
int strmap_put(struct strmap *m, const char *key, void *value);
/* Remove; returns the old value or NULL. */
void *strmap_del(struct strmap *m, const char *key);
/* Iterate: start with *pos = 0; returns 0 at the end. */
int strmap_next(const struct strmap *m, size_t *pos, const char **key,
    void **value);
uint64_t strmap_hash(const char *key);
/* The same with the key's strmap_hash() already computed. */
void *strmap_get_h(const struct strmap *m, const char *key, uint64_t h);
int strmap_put_h(struct strmap *m, const char *key, void *value, uint64_t h);

#endif
