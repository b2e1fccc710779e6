/*
 * The assignment engine.  Each tick, per team whose [assignment] mode is
 * not off and whose business hours are open: conversations unanswered by
 * their assignee for reassign_after (of business time) go back to the
 * pool, then the team's queued conversations, oldest waiting first, go to
 * eligible agents (members of the team, online when online_only, under
 * capacity): round_robin takes the next one after the last chosen in id
 * order, balanced the one with the fewest open (ties by id).
 *
 * A tick rather than triggers at each change: a conversation that
 * arrives, an agent who comes online or frees capacity, a clock that
 * passes reassign_after or an opening hour are all seen within a second,
 * by whichever relay holds the write lock, from the stored state alone.
 */
#include <stdlib.h>
#include <string.h>

#include "ttydesk/clock.h"
#include "ttydesk/vec.h"

#include "assign.h"
#include "away.h"
#include "config.h"
#include "conv.h"
#include "events.h"
#include "hours.h"
#include "log.h"
#include "online.h"
#include "store_common.h"
#include "store_window.h"

#define ASSIGN_PAGE 100000 /* one read: each page re-runs the whole query */
#define ASSIGN_EXCHANGE_MS 2000

static bool
assign_unresolved(const char *status)
{
	return strcmp(status, "open") == 0 || strcmp(status, "pending") == 0 ||
	    strcmp(status, "escalated") == 0;
}

static int64_t
assign_int(const json_t *state, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(state, key));
}

static int
assign_add_row(struct assign_set *s, const struct relay_convrow *row,
    size_t *cap)
{
	struct assign_conv *c;
	json_t *state = json_loads(row->state, 0, NULL);
	const char *status;

	if (state == NULL)
		return 0; /* not ours to judge: leave it alone */
	status = json_string_value(json_object_get(state, "status"));
	if (status == NULL || !assign_unresolved(status)) {
		json_decref(state);
		return 0;
	}
	if (vec_grow(&s->v, cap, s->n + 1, sizeof *s->v) != 0)
		goto nomem;
	c = &s->v[s->n];
	memset(c, 0, sizeof *c);
	if ((c->id = store_conv_id(row->id)) == NULL)
		goto nomem;
	s->n++;
	c->row = row->id;
	c->contact = row->contact;
	c->state = state;
	c->status = status;
	c->team = json_string_value(json_object_get(state, "team"));
	c->assignee = json_string_value(json_object_get(state, "assignee"));
	c->since = assign_int(state, "_waiting_since");
	if (c->since == 0)
		c->since = assign_int(state, "last_inbound_ts");
	return 0;
nomem:
	json_decref(state);
	return -1;
}

int
assign_load(struct relay_store *st, struct assign_set *out)
{
	struct relay_convrows rows = { NULL, 0, 0 };
	int64_t after = 0;
	size_t i, cap = 0;
	int rc = 0;

	out->v = NULL;
	out->n = 0;
	for (;;) {
		rows.n = 0;
		if (relay_store_window_convs(st, INT64_MAX, after, ASSIGN_PAGE,
		    &rows) != 0) {
			rc = -1;
			break;
		}
		for (i = 0; i < rows.n && rc == 0; i++)
			rc = assign_add_row(out, &rows.v[i], &cap);
		if (rc != 0 || rows.n < ASSIGN_PAGE)
			break;
		after = rows.v[rows.n - 1].id;
		relay_convrows_free(&rows);
		rows.v = NULL;
		rows.cap = 0;
	}
	relay_convrows_free(&rows);
	if (rc != 0)
		assign_set_free(out);
	return rc;
}

static void
assign_conv_clear(void *p)
{
	struct assign_conv *c = p;

	free(c->id);
	json_decref(c->state);
}

void
assign_set_free(struct assign_set *s)
{
	vec_free(&s->v, &s->n, sizeof *s->v, assign_conv_clear);
}

int64_t
assign_open_count(const struct assign_set *s, const char *agent)
{
	int64_t n = 0;
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (s->v[i].assignee != NULL &&
		    strcmp(s->v[i].assignee, agent) == 0)
			n++;
	}
	return n;
}

bool
assign_queued(const struct assign_conv *c)
{
	return c->assignee == NULL && (strcmp(c->status, "open") == 0 ||
	    strcmp(c->status, "escalated") == 0);
}

void
assign_state_set(json_t *state, const char *assignee, const char *by,
    int64_t now)
{
	json_object_set_new(state, "assignee", assignee != NULL ?
	    json_string(assignee) : json_null());
	json_object_set_new(state, "assigned_by", json_string(by));
	json_object_set_new(state, "_assigned_at", json_integer(now));
	if (assignee != NULL)
		json_object_del(state, "_reassigned_from");
}

/* ---- one team --------------------------------------------------------- */

struct assign_agent {
	const struct relay_agent *a;
	int64_t open;
	bool online;
};

struct assign_team {
	struct relay *r;
	const struct relay_team *t;
	struct assign_set *set;
	struct assign_agent *agents; /* members, by id */
	size_t n_agents;
	int64_t now;
	int64_t *due; /* lowered to the next time a decision may change */
};

static int
assign_agent_cmp(const void *a, const void *b)
{
	const struct assign_agent *x = a, *y = b;

	return strcmp(x->a->id, y->a->id);
}

static bool
assign_member(const struct relay_agent *a, const char *team)
{
	size_t i;

	for (i = 0; i < a->n_teams; i++) {
		if (strcmp(a->teams[i], team) == 0)
			return true;
	}
	return false;
}

static int
assign_members(struct assign_team *at)
{
	const struct relay_directory *d = config_dir(at->r->cfg);
	size_t i;

	at->agents = calloc(d->n_agents ? d->n_agents : 1, sizeof *at->agents);
	if (at->agents == NULL)
		return -1;
	for (i = 0; i < d->n_agents; i++) {
		struct assign_agent *g;

		if (!assign_member(&d->agents[i], at->t->id))
			continue;
		g = &at->agents[at->n_agents++];
		g->a = &d->agents[i];
		g->open = assign_open_count(at->set, g->a->id);
		g->online = online_is(at->r, g->a->id, at->now, NULL);
	}
	qsort(at->agents, at->n_agents, sizeof *at->agents, assign_agent_cmp);
	return 0;
}

static bool
assign_eligible(const struct assign_team *at, const struct assign_agent *g,
    const char *not)
{
	if (at->t->online_only && !g->online)
		return false;
	if (at->t->capacity > 0 && g->open >= at->t->capacity)
		return false;
	return not == NULL || strcmp(g->a->id, not) != 0;
}

/* The round-robin position: the agent chosen last in this team, kept in
 * the database so that every relay continues the same rotation. */
static char *
assign_rr_last(struct assign_team *at)
{
	char key[128], *v = NULL;

	snprintf(key, sizeof key, "assign_rr:%s", at->t->id);
	if (relay_store_meta_get(at->r->writer, key, &v) < 0)
		return NULL;
	return v;
}

static struct assign_agent *
assign_choose(struct assign_team *at, const char *not, const char *rr_last)
{
	struct assign_agent *best = NULL, *g;
	size_t i, start = 0;

	if (at->t->assign_mode == ASSIGN_ROUND_ROBIN) {
		while (rr_last != NULL && start < at->n_agents &&
		    strcmp(at->agents[start].a->id, rr_last) <= 0)
			start++;
		for (i = 0; i < at->n_agents; i++) {
			g = &at->agents[(start + i) % at->n_agents];
			if (assign_eligible(at, g, not))
				return g;
		}
		return NULL;
	}
	for (i = 0; i < at->n_agents; i++) {
		g = &at->agents[i];
		if (assign_eligible(at, g, not) && (best == NULL ||
		    g->open < best->open))
			best = g;
	}
	return best;
}

static int
assign_commit(struct assign_team *at, struct assign_conv *c)
{
	if (relay_store_conversation_put(at->r->writer, c->id, c->state,
	    at->now) != 0 ||
	    relay_emit_conversation(at->r, c->id, c->state, at->now, NULL) != 0)
		return -1;
	c->assignee = json_string_value(json_object_get(c->state, "assignee"));
	return 0;
}

static struct assign_agent *
assign_agent_named(struct assign_team *at, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < at->n_agents; i++) {
		if (strcmp(at->agents[i].a->id, id) == 0)
			return &at->agents[i];
	}
	return NULL;
}

/* Assigned, still waiting for the assignee's answer after reassign_after
 * of business time: back to the pool, away from that agent. */
static int
assign_reassign(struct assign_team *at, struct assign_conv *c)
{
	int64_t waiting = assign_int(c->state, "_waiting_since");
	int64_t from = assign_int(c->state, "_assigned_at");
	struct assign_agent *g;
	char *prev;

	if (at->t->reassign_after <= 0 || c->assignee == NULL || waiting <= 0 ||
	    strcmp(c->status, "pending") == 0)
		return 0;
	if (from < waiting)
		from = waiting;
	if (hours_business_between(at->t->hours, from, at->now) <
	    at->t->reassign_after) {
		from = hours_add_business(at->t->hours, from,
		    at->t->reassign_after);
		if (from < *at->due)
			*at->due = from;
		return 0;
	}
	if ((prev = strdup(c->assignee)) == NULL)
		return -1;
	if ((g = assign_agent_named(at, prev)) != NULL)
		g->open--;
	assign_state_set(c->state, NULL, "auto", at->now);
	json_object_set_new(c->state, "_reassigned_from", json_string(prev));
	log_msg(LOG_INFO, "event=auto_unassign conversation=%s agent=%s",
	    c->id, prev);
	free(prev);
	return assign_commit(at, c);
}

static int
assign_since_cmp(const void *a, const void *b)
{
	const struct assign_conv *x = *(const struct assign_conv *const *)a;
	const struct assign_conv *y = *(const struct assign_conv *const *)b;

	if (x->since != y->since)
		return x->since < y->since ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

static int
assign_queue(struct assign_team *at)
{
	struct assign_conv **q;
	struct assign_agent *g;
	char *rr = NULL, key[128];
	size_t i, n = 0;
	int rc = 0;

	if ((q = calloc(at->set->n ? at->set->n : 1, sizeof *q)) == NULL)
		return -1;
	for (i = 0; i < at->set->n; i++) {
		struct assign_conv *c = &at->set->v[i];

		if (c->team != NULL && strcmp(c->team, at->t->id) == 0 &&
		    assign_queued(c))
			q[n++] = c;
	}
	qsort(q, n, sizeof *q, assign_since_cmp);
	if (n > 0 && at->t->assign_mode == ASSIGN_ROUND_ROBIN)
		rr = assign_rr_last(at);
	for (i = 0; i < n && rc == 0; i++) {
		const char *not = json_string_value(json_object_get(q[i]->state,
		    "_reassigned_from"));

		if ((g = assign_choose(at, not, rr)) == NULL)
			continue;
		assign_state_set(q[i]->state, g->a->id, "auto", at->now);
		if ((rc = assign_commit(at, q[i])) != 0)
			break;
		g->open++;
		log_msg(LOG_INFO, "event=auto_assign conversation=%s agent=%s "
		    "team=%s", q[i]->id, g->a->id, at->t->id);
		if (at->t->assign_mode == ASSIGN_ROUND_ROBIN) {
			free(rr);
			if ((rr = strdup(g->a->id)) == NULL) {
				rc = -1;
				break;
			}
			snprintf(key, sizeof key, "assign_rr:%s", at->t->id);
			rc = relay_store_meta_put(at->r->writer, key, rr);
		}
	}
	free(rr);
	free(q);
	return rc;
}

static int
assign_team_run(struct relay *r, const struct relay_team *t,
    struct assign_set *set, int64_t now, int64_t *due)
{
	struct assign_team at = { r, t, set, NULL, 0, now, due };
	int64_t change = hours_next_change(t->hours, now);
	size_t i;
	int rc = 0;

	if (change < *due)
		*due = change; /* opening, closing: assignment, away messages */
	if (t->assign_mode == ASSIGN_OFF || !hours_open_at(t->hours, now))
		return 0;
	if (assign_members(&at) != 0)
		return -1;
	for (i = 0; i < set->n && rc == 0; i++) {
		if (set->v[i].team != NULL && strcmp(set->v[i].team, t->id) == 0)
			rc = assign_reassign(&at, &set->v[i]);
	}
	if (rc == 0)
		rc = assign_queue(&at);
	free(at.agents);
	return rc;
}

/* Whether any team asks for the engine or an away message. */
static bool
assign_wanted(const struct relay_directory *d)
{
	size_t i;

	for (i = 0; i < d->n_teams; i++) {
		if (d->teams[i].assign_mode != ASSIGN_OFF ||
		    hours_away_message(d->teams[i].hours) != NULL)
			return true;
	}
	return false;
}

/* A fingerprint of who is online (FNV-1a over the online agents' ids). */
static uint64_t
assign_online_sig(struct relay *r, const struct relay_directory *d,
    int64_t now)
{
	uint64_t h = 1469598103934665603ULL;
	const char *p;
	size_t i;

	for (i = 0; i < d->n_agents; i++) {
		if (!online_is(r, d->agents[i].id, now, NULL))
			continue;
		for (p = d->agents[i].id; ; p++) {
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
			if (*p == '\0')
				break;
		}
	}
	return h;
}

/* A pass reads every unresolved conversation: it runs only when its
 * outcome may differ from the last one's, i.e. when the log grew (here
 * or on another relay), someone came online or went away, the config
 * was reloaded, or the clock reached a due time the last pass noted (an
 * opening or closing hour, a reassign_after deadline). */
static bool
assign_needed(struct relay *r, const struct relay_directory *d, int64_t now,
    uint64_t sig)
{
	return r->assign_seq != r->last_seq || r->assign_sig != sig ||
	    r->assign_dir != d || now >= r->assign_due;
}

int
assign_run(struct relay *r, int64_t now, bool *queued)
{
	const struct relay_directory *d = config_dir(r->cfg);
	struct assign_set set;
	int64_t ms = clock_ms(), due = HOURS_NEVER;
	uint64_t sig;
	size_t i;
	int rc = 0;

	*queued = false;
	if (d->n_agents > 0 && ms - r->online_exchanged_ms >=
	    ASSIGN_EXCHANGE_MS) {
		r->online_exchanged_ms = ms;
		if (online_exchange(r, r->writer, now) != 0)
			return -1;
	}
	sig = assign_online_sig(r, d, now);
	if (!assign_wanted(d) || !assign_needed(r, d, now, sig))
		return 0;
	if (assign_load(r->writer, &set) != 0)
		return -1;
	for (i = 0; i < d->n_teams && rc == 0; i++)
		rc = assign_team_run(r, &d->teams[i], &set, now, &due);
	for (i = 0; i < set.n && rc == 0; i++)
		rc = away_check(r, &set.v[i], now, queued);
	assign_set_free(&set);
	if (rc == 0) {
		r->assign_seq = r->last_seq;
		r->assign_sig = sig;
		r->assign_dir = d;
		r->assign_due = due;
	}
	return rc;
}
