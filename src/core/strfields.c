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
		free(s);
		memcpy((unsigned char *)obj + off[i], &none, sizeof none);
	}
}

int
strfields_copy(void *dst, const void *src, const size_t *off, size_t n)
{
	const char *s;
	char *d;
	int rc = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		memcpy(&s, (const unsigned char *)src + off[i], sizeof s);
		d = NULL;
		if (s != NULL && rc == 0 && (d = strdup(s)) == NULL)
			rc = -1;
		memcpy((unsigned char *)dst + off[i], &d, sizeof d);
	}
	return rc;
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
			i++;
			strfields_vec_free(&v, &i, size, off, noff);
			return NULL;
		}
	}
	return v;
}
