/* The growing arrays of ttydesk/vec.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/vec.h"

int
vec_capacity(size_t cap, size_t need, size_t first, size_t *out)
{
	size_t nc = cap != 0 ? cap : first;

	while (nc < need) {
		if (nc > SIZE_MAX / 2)
			return -1;
		nc *= 2;
	}
	*out = nc;
	return 0;
}

int
vec_grow(void *pv, size_t *cap, size_t need, size_t size)
{
	size_t nc;
	void *v, *nv;

	if (need <= *cap)
		return 0;
	/* No C type has size 0: a 0 here is a caller's mistake. */
	if (size == 0 || vec_capacity(*cap, need, 4, &nc) != 0 ||
	    nc > SIZE_MAX / size)
		return -1;
	memcpy(&v, pv, sizeof v);
	if ((nv = realloc(v, nc * size)) == NULL)
		return -1;
	memcpy(pv, &nv, sizeof nv);
	*cap = nc;
	return 0;
}

void
vec_free(void *pv, size_t *n, size_t size, void (*clear)(void *))
{
	unsigned char *v;
	size_t i;

	memcpy(&v, pv, sizeof v);
	if (clear != NULL)
		for (i = 0; i < *n; i++)
			clear(v + i * size);
	free(v);
	v = NULL;
	memcpy(pv, &v, sizeof v);
	*n = 0;
}

void *
vec_push(void *pv, size_t *n, size_t size)
{
	char *v, *e;

	if (size == 0 || *n >= SIZE_MAX / size - 1)
		return NULL;
	memcpy(&v, pv, sizeof v);
	if ((v = realloc(v, (*n + 1) * size)) == NULL)
		return NULL;
	memcpy(pv, &v, sizeof v);
	e = v + *n * size;
	memset(e, 0, size);
	(*n)++;
	return e;
}

int
vec_add_strn(char ***v, size_t *n, const char *s, size_t len)
{
	char **nv, *copy;

	if (len == SIZE_MAX || *n >= SIZE_MAX / sizeof *nv - 1 ||
	    (copy = malloc(len + 1)) == NULL)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	if ((nv = realloc(*v, (*n + 1) * sizeof *nv)) == NULL) {
		free(copy);
		return -1;
	}
	nv[(*n)++] = copy;
	*v = nv;
	return 0;
}

void
vec_clear_str(void *p)
{
	char **s = p;

	free(*s);
}

void *
vec_find_str(const void *v, size_t n, size_t size, size_t key_off,
    const char *key)
{
	const char *e = v;
	const char *s;
	size_t i;

	for (i = 0; key != NULL && i < n; i++, e += size) {
		memcpy(&s, e + key_off, sizeof s);
		if (s != NULL && strcmp(s, key) == 0)
			return (void *)(uintptr_t)e;
	}
	return NULL;
}
