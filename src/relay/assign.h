/*
 * Automatic assignment, reassignment and away messages
 * (spec/relay-api.md, "Roles, automatic assignment and reports"), and the
 * figures of GET /v1/team that come from the same reading of the
 * unresolved conversations.
 *
 * assign_run() is part of the housekeeping job: it runs in the writer
 * thread inside the write transaction.  On PostgreSQL every write
 * transaction holds the one advisory lock (store_pg.c), so the relays
 * take turns and each reads what the previous one decided: every
 * decision is made once, whichever relay runs it.
 */
#ifndef RELAY_ASSIGN_H
#define RELAY_ASSIGN_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "relay.h"

/* One unresolved conversation as the engine reads it. */
struct assign_conv {
	char *id;
	int64_t row;
	json_t *state;        /* owned */
	const char *team;     /* in state, or NULL */
	const char *assignee; /* in state, or NULL */
	const char *status;   /* in state */
	int64_t contact;
	int64_t since;        /* waiting since (first unanswered message) */
};

struct assign_set {
	struct assign_conv *v;
	size_t n;
};

/* The unresolved conversations (open, pending, escalated) through st.
 * 0, or -1 on a store error or without memory. */
int assign_load(struct relay_store *st, struct assign_set *out);
void assign_set_free(struct assign_set *s);
/* Open, pending or escalated conversations assigned to agent. */
int64_t assign_open_count(const struct assign_set *s, const char *agent);
/* Whether c waits in its team's queue for an agent. */
bool assign_queued(const struct assign_conv *c);

/* Writer thread, each housekeeping tick.  Sets *queued when an away
 * message was queued for the sender.  0, or -1 on a store error. */
int assign_run(struct relay *r, int64_t now, bool *queued);

/* The conversation state fields of an assignment by who ("auto" or the
 * agent's id): assignee, assigned_by and the bookkeeping reassignment
 * reads. */
void assign_state_set(json_t *state, const char *assignee, const char *by,
    int64_t now);

#endif
