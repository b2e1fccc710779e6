/*
 * Body budget, connections per address and the request deadline
 * (connguard.h).  One mutex guards the connection list and the address
 * counts; the body budget is two atomic counters.
 *
 * Why shutdown() is safe from the reaper: microhttpd reports a
 * connection closed (connguard_close) before it closes the socket, and
 * the reaper only touches sockets still on the list, under the lock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ttydesk/clock.h"

#include "connguard.h"
#include "log.h"
#include "thread.h"

#define CONNGUARD_BUCKETS 1024
#define CONNGUARD_ADDR_MAX 64

struct addr_count {
	char addr[CONNGUARD_ADDR_MAX];
	unsigned n;
	struct addr_count *next;
};

struct conn {
	int fd;
	int64_t start_ms;   /* this request's first byte could come */
	bool receiving;     /* headers or body still arriving */
	bool reaped;
	struct addr_count *counted; /* NULL: a trusted proxy, not counted */
	struct conn *next, *prev;
};

struct connguard {
	size_t total_max;
	_Atomic size_t main_used;
	_Atomic size_t reserve_used;
	unsigned per_address;
	int64_t timeout_ms;
	const struct proxy_list *trusted;

	pthread_mutex_t lock;
	struct conn *conns;
	struct addr_count *buckets[CONNGUARD_BUCKETS];

	pthread_t reaper;
	bool reaper_running;
	bool stopping;
	pthread_cond_t wake;
};

struct connguard *
connguard_new(size_t max_body_total, unsigned per_address,
    long request_timeout, const struct proxy_list *trusted)
{
	struct connguard *g = calloc(1, sizeof *g);

	if (g == NULL)
		return NULL;
	g->total_max = max_body_total;
	g->per_address = per_address;
	g->timeout_ms = (int64_t)request_timeout * 1000;
	g->trusted = trusted;
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->wake, NULL);
	return g;
}

void
connguard_free(struct connguard *g)
{
	struct addr_count *a, *next;
	struct conn *c, *cn;
	size_t i;

	if (g == NULL)
		return;
	connguard_stop(g);
	for (c = g->conns; c != NULL; c = cn) {
		cn = c->next;
		free(c);
	}
	for (i = 0; i < CONNGUARD_BUCKETS; i++) {
		for (a = g->buckets[i]; a != NULL; a = next) {
			next = a->next;
			free(a);
		}
	}
	pthread_mutex_destroy(&g->lock);
	pthread_cond_destroy(&g->wake);
	free(g);
}

/* ---- body budget ---- */

static bool
pool_take(_Atomic size_t *used, size_t max, size_t n)
{
	size_t cur = atomic_load(used);

	do {
		if (n > max || cur > max - n)
			return false;
	} while (!atomic_compare_exchange_weak(used, &cur, cur + n));
	return true;
}

int
connguard_charge(struct connguard *g, struct body_charge *c, size_t total,
    bool small)
{
	size_t have = c->main + c->reserve;

	if (g == NULL || total <= have)
		return 0;
	if (small && total < CONNGUARD_SMALL_BODY) {
		/* The shared budget first, then the reserve, so the reserve
		 * is left for when slow senders fill the rest. */
		if (pool_take(&g->main_used, g->total_max, total - have)) {
			c->main += total - have;
			return 0;
		}
		if (pool_take(&g->reserve_used, CONNGUARD_RESERVE,
		    total - have)) {
			c->reserve += total - have;
			return 0;
		}
		return -1;
	}
	/* All of it from the shared budget; a reserve share moves. */
	if (!pool_take(&g->main_used, g->total_max, total - c->main))
		return -1;
	atomic_fetch_sub(&g->reserve_used, c->reserve);
	c->reserve = 0;
	c->main = total;
	return 0;
}

void
connguard_release(struct connguard *g, struct body_charge *c)
{
	if (g == NULL)
		return;
	atomic_fetch_sub(&g->main_used, c->main);
	atomic_fetch_sub(&g->reserve_used, c->reserve);
	c->main = c->reserve = 0;
}

size_t
connguard_held(struct connguard *g)
{
	return atomic_load(&g->main_used) + atomic_load(&g->reserve_used);
}

/* ---- connections ---- */

static unsigned
connguard_hash(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h % CONNGUARD_BUCKETS;
}

/* Under the lock. */
static struct addr_count *
connguard_count(struct connguard *g, const char *addr)
{
	struct addr_count **b = &g->buckets[connguard_hash(addr)], *a;

	for (a = *b; a != NULL; a = a->next) {
		if (strcmp(a->addr, addr) == 0)
			return a;
	}
	if ((a = calloc(1, sizeof *a)) == NULL)
		return NULL;
	snprintf(a->addr, sizeof a->addr, "%s", addr);
	a->next = *b;
	*b = a;
	return a;
}

/* Under the lock: the entry goes when its last connection does. */
static void
connguard_uncount(struct connguard *g, struct addr_count *a)
{
	struct addr_count **p;

	if (--a->n > 0)
		return;
	for (p = &g->buckets[connguard_hash(a->addr)]; *p != NULL;
	    p = &(*p)->next) {
		if (*p == a) {
			*p = a->next;
			free(a);
			return;
		}
	}
}

struct conn *
connguard_open(struct connguard *g, int fd, const char *addr, bool *refuse)
{
	struct conn *c;

	*refuse = false;
	if (g == NULL || (c = calloc(1, sizeof *c)) == NULL)
		return NULL;
	c->fd = fd;
	c->start_ms = clock_ms();
	c->receiving = true;
	pthread_mutex_lock(&g->lock);
	if (g->per_address > 0 && !proxy_trusted(g->trusted, addr)) {
		if ((c->counted = connguard_count(g, addr)) != NULL &&
		    ++c->counted->n > g->per_address)
			*refuse = true;
	}
	c->next = g->conns;
	if (g->conns != NULL)
		g->conns->prev = c;
	g->conns = c;
	pthread_mutex_unlock(&g->lock);
	return c;
}

void
connguard_close(struct connguard *g, struct conn *c)
{
	if (g == NULL || c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		g->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	if (c->counted != NULL)
		connguard_uncount(g, c->counted);
	pthread_mutex_unlock(&g->lock);
	free(c);
}

/* A request on c begins (its deadline runs from now) or is complete. */
static void
connguard_mark(struct connguard *g, struct conn *c, bool receiving)
{
	if (g == NULL || c == NULL)
		return;
	pthread_mutex_lock(&g->lock);
	c->receiving = receiving;
	if (receiving)
		c->start_ms = clock_ms();
	pthread_mutex_unlock(&g->lock);
}

void
connguard_received(struct connguard *g, struct conn *c)
{
	connguard_mark(g, c, false);
}

void
connguard_next(struct connguard *g, struct conn *c)
{
	connguard_mark(g, c, true);
}

/* ---- the reaper ---- */

static void *
connguard_main(void *arg)
{
	struct connguard *g = arg;
	struct conn *c;
	int64_t now;
	unsigned late;

	pthread_setname_np(pthread_self(), "relay-reaper");
	pthread_mutex_lock(&g->lock);
	while (!g->stopping) {
		now = clock_ms();
		late = 0;
		for (c = g->conns; c != NULL; c = c->next) {
			if (!c->receiving || c->reaped ||
			    now - c->start_ms <= g->timeout_ms)
				continue;
			/* microhttpd sees the end of the stream and closes
			 * the connection on its own thread. */
			shutdown(c->fd, SHUT_RDWR);
			c->reaped = true;
			late++;
		}
		if (late > 0)
			log_msg(LOG_NOTICE, "event=request_timeout closed=%u "
			    "timeout_s=%lld", late,
			    (long long)(g->timeout_ms / 1000));
		relay_thread_wait_ms(&g->wake, &g->lock, 250);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

int
connguard_start(struct connguard *g)
{
	if (g->timeout_ms <= 0 || g->reaper_running)
		return 0;
	g->stopping = false;
	if (pthread_create(&g->reaper, NULL, connguard_main, g) != 0)
		return -1;
	g->reaper_running = true;
	return 0;
}

void
connguard_stop(struct connguard *g)
{
	if (!g->reaper_running)
		return;
	relay_thread_stop(g->reaper, &g->lock, &g->wake, &g->stopping, true);
	g->reaper_running = false;
}
