/*
 * Arrays of any element type that grow as they fill: the one capacity loop
 * for them, and the one way to free such an array with its elements.
 *
 * An array is named by the address of its pointer (a T ** passed as void *,
 * e.g. &s->v) so the helpers can set it.  They read and write that pointer
 * with memcpy: every object pointer has the same representation on the
 * systems ttydesk builds for (POSIX), so this is exact for any T.
 *
 * Ownership: the array belongs to its holder; vec_free() frees it.
 */
#ifndef TTYDESK_VEC_H
#define TTYDESK_VEC_H

#include <stddef.h>

/* The capacity that holds need: cap doubled (first when cap is 0) until
 * it does.  0, or -1 when that overflows a size_t. */
int vec_capacity(size_t cap, size_t need, size_t first, size_t *out);

/* Grows the array *pv of *cap elements of size bytes to hold at least
 * need, doubling from 4; new elements are not initialised.  Returns 0, or
 * -1 on overflow, for size 0 or when out of memory (*pv and *cap are then
 * unchanged, so the caller's elements stay valid). */
int vec_grow(void *pv, size_t *cap, size_t need, size_t size);

/* Calls clear (unless NULL) on each of the *n elements of *pv, frees the
 * array, and leaves *pv NULL and *n 0. */
void vec_free(void *pv, size_t *n, size_t size, void (*clear)(void *));
/* Appends one zeroed element to the array *pv of *n elements of size bytes
 * (grown by exactly one: for short lists built once, such as a config's
 * sections) and counts it in *n.  The new element, or NULL when out of
 * memory (the array is then unchanged). */
void *vec_push(void *pv, size_t *n, size_t size);
/* Appends a NUL-terminated copy of the len bytes at s to the array of
 * strings *v of *n, grown by one (for short lists).  0, or -1 when out of
 * memory (the array is then unchanged). */
int vec_add_strn(char ***v, size_t *n, const char *s, size_t len);
/* The clear of an array of strings (char *): frees the string. */
void vec_clear_str(void *p);
/* The first of the n elements of size bytes at v whose string member at
 * byte offset key_off (a char *, e.g. offsetof(struct team, id)) equals
 * key; elements whose member is NULL never match.  NULL when key is NULL
 * or none matches.  Like bsearch(), it hands back a pointer into v. */
void *vec_find_str(const void *v, size_t n, size_t size, size_t key_off,
    const char *key);

#endif
