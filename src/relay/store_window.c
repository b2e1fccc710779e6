/*
 * store_window.h: the row lists the windowed reads fill (store.c sends
 * the reads themselves to the backend's table).
 */
#include <stdlib.h>
#include <string.h>

#include "ttydesk/strfields.h"
#include "ttydesk/vec.h"

#include "store_window.h"

static const size_t evrow_strs[] = {
	offsetof(struct relay_evrow, type), offsetof(struct relay_evrow, json),
};

static const size_t convrow_strs[] = {
	offsetof(struct relay_convrow, state),
};

void
relay_evrows_free(struct relay_evrows *r)
{
	strfields_vec_free(&r->v, &r->n, sizeof *r->v, evrow_strs,
	    STRFIELDS_N(evrow_strs));
	r->cap = 0;
}

void
relay_convrows_free(struct relay_convrows *r)
{
	strfields_vec_free(&r->v, &r->n, sizeof *r->v, convrow_strs,
	    STRFIELDS_N(convrow_strs));
	r->cap = 0;
}

int
relay_evrows_add(struct relay_evrows *r, int64_t conv, int64_t seq,
    int64_t ts, const char *type, const char *json, size_t len)
{
	struct relay_evrow *e;

	if (vec_grow(&r->v, &r->cap, r->n + 1, sizeof *r->v) != 0)
		return -1;
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
		strfields_free(e, evrow_strs, STRFIELDS_N(evrow_strs));
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

	if (vec_grow(&r->v, &r->cap, r->n + 1, sizeof *r->v) != 0)
		return -1;
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
