/*
 * Per-address counter of failed bearer authentications (authlimit.h).
 * Linear scan of a small table: it is touched only by requests that
 * carry a bearer token, and a scan of 1024 short strings is cheaper than
 * the SHA-256 each of them costs anyway.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "authlimit.h"

struct authlimit_slot {
	char addr[AUTHLIMIT_ADDR_MAX];
	int64_t start_ms;   /* when this window began */
	unsigned fails;
};

struct authlimit {
	pthread_mutex_t lock;
	unsigned limit;
	int64_t window_ms;
	struct authlimit_slot slot[AUTHLIMIT_SLOTS];
};

struct authlimit *
authlimit_new(unsigned limit, int64_t window_ms)
{
	struct authlimit *al = calloc(1, sizeof *al);

	if (al == NULL)
		return NULL;
	pthread_mutex_init(&al->lock, NULL);
	al->limit = limit;
	al->window_ms = window_ms > 0 ? window_ms : 1;
	return al;
}

void
authlimit_free(struct authlimit *al)
{
	if (al == NULL)
		return;
	pthread_mutex_destroy(&al->lock);
	free(al);
}

/* The slot of addr, or NULL; lock held. */
static struct authlimit_slot *
authlimit_find(struct authlimit *al, const char *addr)
{
	size_t i;

	for (i = 0; i < AUTHLIMIT_SLOTS; i++) {
		if (al->slot[i].fails > 0 && strncmp(al->slot[i].addr, addr,
		    AUTHLIMIT_ADDR_MAX - 1) == 0)
			return &al->slot[i];
	}
	return NULL;
}

/* A free slot, else the one whose window started first; lock held. */
static struct authlimit_slot *
authlimit_take(struct authlimit *al, int64_t now_ms)
{
	struct authlimit_slot *old = &al->slot[0];
	size_t i;

	for (i = 0; i < AUTHLIMIT_SLOTS; i++) {
		struct authlimit_slot *s = &al->slot[i];

		if (s->fails == 0 || now_ms - s->start_ms >= al->window_ms)
			return s;
		if (s->start_ms < old->start_ms)
			old = s;
	}
	return old;
}

int64_t
authlimit_blocked(struct authlimit *al, const char *addr, int64_t now_ms)
{
	struct authlimit_slot *s;
	int64_t left = 0;

	if (al == NULL || al->limit == 0)
		return 0;
	pthread_mutex_lock(&al->lock);
	if ((s = authlimit_find(al, addr)) != NULL) {
		left = s->start_ms + al->window_ms - now_ms;
		if (left <= 0)
			s->fails = 0; /* window over: forget it */
		if (left <= 0 || s->fails < al->limit)
			left = 0;
	}
	pthread_mutex_unlock(&al->lock);
	return left;
}

void
authlimit_fail(struct authlimit *al, const char *addr, int64_t now_ms)
{
	struct authlimit_slot *s;

	if (al == NULL || al->limit == 0)
		return;
	pthread_mutex_lock(&al->lock);
	s = authlimit_find(al, addr);
	if (s != NULL && now_ms - s->start_ms >= al->window_ms)
		s->fails = 0;
	if (s == NULL || s->fails == 0) {
		if (s == NULL)
			s = authlimit_take(al, now_ms);
		memset(s->addr, 0, sizeof s->addr);
		strncpy(s->addr, addr, sizeof s->addr - 1);
		s->start_ms = now_ms;
		s->fails = 0;
	}
	if (s->fails < al->limit)
		s->fails++;
	pthread_mutex_unlock(&al->lock);
}
