/*
 * The strings a struct owns (its char * members), named once in a table
 * of their offsets, e.g.
 *
 *	static const size_t team_strs[] = {
 *		offsetof(struct team, id), offsetof(struct team, name),
 *	};
 *
 * so that the struct's copy, its free and the free of an array of it walk
 * the one list and cannot drift apart: a string added to the struct is
 * added to the table and every one of them handles it.
 */
#ifndef TTYDESK_STRFIELDS_H
#define TTYDESK_STRFIELDS_H

#include <stddef.h>

/* The number of entries of a table (an array, not a pointer). */
#define STRFIELDS_N(t) (sizeof (t) / sizeof (t)[0])

/* Frees the n strings of obj named by off and leaves them NULL. */
void strfields_free(void *obj, const size_t *off, size_t n);

/* Sets the n strings of dst named by off to copies of those of src (NULL
 * stays NULL).  0, or -1 when out of memory: each of them is then a copy
 * or NULL, ready for strfields_free(). */
int strfields_copy(void *dst, const void *src, const size_t *off, size_t n);

/* A copy of the array src of n elements of size bytes, each with copies
 * of the noff strings named by off, and one more element, zeroed, so an
 * empty array is not NULL.  NULL when out of memory. */
void *strfields_vec_copy(const void *src, size_t n, size_t size,
    const size_t *off, size_t noff);

/* vec_free() (ttydesk/vec.h) of an array whose elements own just the noff
 * strings named by off: frees them in each of the *n elements, then the
 * array, and leaves *pv NULL and *n 0. */
void strfields_vec_free(void *pv, size_t *n, size_t size, const size_t *off,
    size_t noff);

#endif
