/*
 * Which agents are online (spec/relay-api.md, "Roles, automatic
 * assignment and reports"): for 60 s after a /v1/sync request of theirs
 * was answered, while one is waiting, and after a presence.
 *
 * Each relay notes its own agents' activity in memory (any thread); the
 * housekeeping job (writer thread) publishes it in the database's meta
 * table ("online:<agent>" = last seen, at most every ONLINE_PUBLISH
 * seconds per agent) and reads the others', so that with several relays
 * on PostgreSQL the one that decides sees agents connected elsewhere.
 *
 * Ownership: online_new()'s struct belongs to the relay (online_free()).
 */
#ifndef RELAY_ONLINE_H
#define RELAY_ONLINE_H

#include <stdbool.h>
#include <stdint.h>

#define ONLINE_SECONDS 60
#define ONLINE_PUBLISH 5

struct relay;
struct relay_store;
struct online;

struct online *online_new(void);
void online_free(struct online *o);

/* A request of agent was answered (sync) or a presence came: now. */
void online_touch(struct relay *r, const char *agent);
/* A long-poll of agent starts (+1) or ends (-1) waiting. */
void online_waiting(struct relay *r, const char *agent, int delta);

/* Writer thread: publishes this relay's recent activity through st and
 * reads every agent's from it.  0, or -1 on a store error. */
int online_exchange(struct relay *r, struct relay_store *st, int64_t now);

/* Whether agent is online at now; its last activity (0: never seen) in
 * *last_seen when not NULL.  Uses what this relay saw and what the last
 * exchange read. */
bool online_is(struct relay *r, const char *agent, int64_t now,
    int64_t *last_seen);

#endif
