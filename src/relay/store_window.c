/*
 * store_window.h: the row lists the windowed reads fill (store.c sends
 * the reads themselves to the backend's table).
 */
#include <stdlib.h>
#include <string.h>

#include "store_window.h"

void
relay_evrows_free(struct relay_evrows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		free(r->v[i].type);
		free(r->v[i].json);
	}
	free(r->v);
	memset(r, 0, sizeof *r);
}

void
relay_convrows_free(struct relay_convrows *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		free(r->v[i].state);
	free(r->v);
	memset(r, 0, sizeof *r);
}

/* Room for one more element of size sz in *v (capacity *cap). */
static int
rows_grow(void **v, size_t n, size_t *cap, size_t sz)
{
	size_t ncap;
	void *nv;

	if (n < *cap)
		return 0;
	ncap = *cap == 0 ? 64 : *cap * 2;
	if ((nv = realloc(*v, ncap * sz)) == NULL)
		return -1;
	*v = nv;
	*cap = ncap;
	return 0;
}

int
relay_evrows_add(struct relay_evrows *r, int64_t conv, int64_t seq,
    int64_t ts, const char *type, const char *json, size_t len)
{
	struct relay_evrow *e;
	void *v = r->v;

	if (rows_grow(&v, r->n, &r->cap, sizeof *r->v) != 0)
		return -1;
	r->v = v;
	e = &r->v[r->n];
	e->conv = conv;
	e->seq = seq;
	e->ts = ts;
	e->len = len;
	e->type = strdup(type != NULL ? type : "");
	if ((e->json = malloc(len + 1)) != NULL) {
		memcpy(e->json, json, len);
		e->json[len] = '\0';
	}
	if (e->type == NULL || e->json == NULL) {
		free(e->type);
		free(e->json);
		return -1;
	}
	r->n++;
	return 0;
}

int
relay_convrows_add(struct relay_convrows *r, int64_t id, int64_t contact,
    const char *state, int64_t first_ts, int64_t last_ts)
{
	struct relay_convrow *c;
	void *v = r->v;

	if (rows_grow(&v, r->n, &r->cap, sizeof *r->v) != 0)
		return -1;
	r->v = v;
	c = &r->v[r->n];
	if ((c->state = strdup(state != NULL ? state : "{}")) == NULL)
		return -1;
	c->id = id;
	c->contact = contact;
	c->first_ts = first_ts;
	c->last_ts = last_ts;
	r->n++;
	return 0;
}
