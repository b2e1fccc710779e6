/*
 * The owned strings of a struct, by offset table (ttydesk/strfields.h).
 * The members are read and written with memcpy, as vec.c does its arrays,
 * so no pointer cast meets alignment or const rules.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/strfields.h"
#include "ttydesk/vec.h"

void
strfields_free(void *obj, const size_t *off, size_t n)
{
	char *s, *none = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy(&s, (unsigned char *)obj + off[i], sizeof s);
		if (s != NULL) {
			free(s);
			memcpy((unsigned char *)obj + off[i], &none, sizeof none);
		}
	}
}

int
strfields_copy(void *dst, const void *src, const size_t *off, size_t n)
{
	const char *s;
	char *d;
	size_t i, done;

	for (done = 0; done < n; done++) {
		memcpy(&s, (const unsigned char *)src + off[done], sizeof s);
		d = NULL;
		if (s != NULL && (d = strdup(s)) == NULL)
			break;
		memcpy((unsigned char *)dst + off[done], &d, sizeof d);
	}
	if (done == n)
		return 0;
	/* Out of memory: the copies made go, the rest is NULL, not src's. */
	strfields_free(dst, off, done);
	for (i = done; i < n; i++)
		memcpy((unsigned char *)dst + off[i], &d, sizeof d);
	return -1;
}

void
strfields_vec_free(void *pv, size_t *n, size_t size, const size_t *off,
    size_t noff)
{
	unsigned char *v;
	size_t i;

	memcpy(&v, pv, sizeof v);
	for (i = 0; i < *n; i++)
		strfields_free(v + i * size, off, noff);
	vec_free(pv, n, size, NULL);
}

void *
strfields_vec_copy(const void *src, size_t n, size_t size, const size_t *off,
    size_t noff)
{
	const unsigned char *from = src;
	unsigned char *v;
	size_t i;

	if (n == SIZE_MAX || (v = calloc(n + 1, size)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		memcpy(v + i * size, from + i * size, size);
		if (strfields_copy(v + i * size, from + i * size, off,
		    noff) != 0) {
			strfields_vec_free(&v, &i, size, off, noff);
			return NULL;
		}
	}
	return v;
}
