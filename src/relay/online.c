/*
 * Online agents: a small table by agent id, one mutex.  Agents number in
 * the tens to hundreds, so a linear search is the simple, fast choice.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/strfields.h"
#include "ttydesk/vec.h"

#include "online.h"
#include "relay.h"

struct online_entry {
	char *agent;
	int64_t seen;      /* this relay's last activity of the agent */
	int waiting;       /* long-polls waiting on this relay */
	int64_t published; /* seen as last written to the database */
	int64_t shared;    /* as last read from the database */
};

struct online {
	pthread_mutex_t lock;
	struct online_entry *v;
	size_t n;
};

struct online *
online_new(void)
{
	struct online *o = calloc(1, sizeof *o);

	if (o != NULL)
		pthread_mutex_init(&o->lock, NULL);
	return o;
}

static const size_t online_entry_strs[] = {
	offsetof(struct online_entry, agent),
};

void
online_free(struct online *o)
{
	if (o == NULL)
		return;
	strfields_vec_free(&o->v, &o->n, sizeof *o->v, online_entry_strs,
	    STRFIELDS_N(online_entry_strs));
	pthread_mutex_destroy(&o->lock);
	free(o);
}

/* Under the lock: the agent's entry, added when new; NULL without
 * memory (then the activity is not noted: the agent looks away). */
static struct online_entry *
online_entry(struct online *o, const char *agent)
{
	struct online_entry *nv;
	size_t i;

	for (i = 0; i < o->n; i++) {
		if (strcmp(o->v[i].agent, agent) == 0)
			return &o->v[i];
	}
	if ((nv = realloc(o->v, (o->n + 1) * sizeof *nv)) == NULL)
		return NULL;
	o->v = nv;
	memset(&nv[o->n], 0, sizeof nv[o->n]);
	if ((nv[o->n].agent = strdup(agent)) == NULL)
		return NULL;
	return &nv[o->n++];
}

void
online_touch(struct relay *r, const char *agent)
{
	struct online_entry *e;
	int64_t now = relay_now(r);

	if (r->online == NULL || agent == NULL)
		return;
	pthread_mutex_lock(&r->online->lock);
	if ((e = online_entry(r->online, agent)) != NULL && now > e->seen)
		e->seen = now;
	pthread_mutex_unlock(&r->online->lock);
}

void
online_waiting(struct relay *r, const char *agent, int delta)
{
	struct online_entry *e;
	int64_t now = relay_now(r);

	if (r->online == NULL || agent == NULL)
		return;
	pthread_mutex_lock(&r->online->lock);
	if ((e = online_entry(r->online, agent)) != NULL) {
		e->waiting += delta;
		if (e->waiting < 0)
			e->waiting = 0;
		if (now > e->seen)
			e->seen = now;
	}
	pthread_mutex_unlock(&r->online->lock);
}

/* The agent's last activity as this relay knows it: a waiting long-poll
 * counts as activity now. */
static int64_t
online_seen(const struct online_entry *e, int64_t now)
{
	int64_t s = e->waiting > 0 ? now : e->seen;

	return s > e->shared ? s : e->shared;
}

static int
online_publish(struct relay_store *st, struct online_entry *e, int64_t now)
{
	char key[160], val[32];
	int64_t seen = e->waiting > 0 ? now : e->seen;

	if (seen <= 0 || seen - e->published < ONLINE_PUBLISH)
		return 0;
	snprintf(key, sizeof key, "online:%s", e->agent);
	snprintf(val, sizeof val, "%lld", (long long)seen);
	if (relay_store_meta_put(st, key, val) != 0)
		return -1;
	e->published = seen;
	return 0;
}

int
online_exchange(struct relay *r, struct relay_store *st, int64_t now)
{
	const struct relay_directory *d = config_dir(r->cfg);
	struct online_entry *e;
	char key[160], *val;
	size_t i;
	int rc = 0, got;

	if (r->online == NULL)
		return 0;
	pthread_mutex_lock(&r->online->lock);
	for (i = 0; i < r->online->n && rc == 0; i++)
		rc = online_publish(st, &r->online->v[i], now);
	for (i = 0; i < d->n_agents && rc == 0; i++) {
		snprintf(key, sizeof key, "online:%s", d->agents[i].id);
		val = NULL;
		if ((got = relay_store_meta_get(st, key, &val)) < 0)
			rc = -1;
		else if (got > 0 && val != NULL &&
		    (e = online_entry(r->online, d->agents[i].id)) != NULL)
			e->shared = strtoll(val, NULL, 10);
		free(val);
	}
	pthread_mutex_unlock(&r->online->lock);
	return rc;
}

bool
online_is(struct relay *r, const char *agent, int64_t now,
    int64_t *last_seen)
{
	int64_t seen = 0;
	bool on = false;
	size_t i;

	if (r->online != NULL) {
		pthread_mutex_lock(&r->online->lock);
		for (i = 0; i < r->online->n; i++) {
			const struct online_entry *e = &r->online->v[i];

			if (strcmp(e->agent, agent) != 0)
				continue;
			seen = online_seen(e, now);
			on = e->waiting > 0 || (seen > 0 &&
			    now - seen < ONLINE_SECONDS);
			break;
		}
		pthread_mutex_unlock(&r->online->lock);
	}
	if (last_seen != NULL)
		*last_seen = seen;
	return on;
}
