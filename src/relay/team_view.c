/*
 * GET /v1/team, read through the reader connection from the same view of
 * the unresolved conversations the assignment engine uses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/ini.h"

#include "assign.h"
#include "config.h"
#include "hours.h"
#include "http.h"
#include "online.h"
#include "team_view.h"

/* The agent's [agent X] role ("agent" unless set), read from the file. */
static void
team_view_role(const struct relay_config *cfg, const char *agent, char *out,
    size_t len)
{
	struct ini ini;
	char sec[128], err[256];
	const char *v = NULL;

	snprintf(out, len, "agent");
	if (ini_load(cfg->path, &ini, err, sizeof err) != 0)
		return;
	snprintf(sec, sizeof sec, "agent %s", agent);
	if ((v = ini_get(&ini, sec, "role")) != NULL && (strcmp(v,
	    "supervisor") == 0 || strcmp(v, "admin") == 0))
		snprintf(out, len, "%s", v);
	ini_free(&ini);
}

static json_t *
team_view_waiting(const struct assign_conv *c, int64_t since)
{
	if (c == NULL)
		return json_null();
	return json_pack("{s:s, s:I}", "conversation", c->id, "since",
	    (json_int_t)since);
}

/* The smallest capacity of the agent's auto-assigned teams; 0: none. */
static int64_t
team_view_capacity(const struct relay_config *cfg, const struct relay_agent *a)
{
	const struct relay_team *t;
	int64_t cap = 0;
	size_t i;

	for (i = 0; i < a->n_teams; i++) {
		t = config_find_team(cfg, a->teams[i]);
		if (t != NULL && t->assign_mode != ASSIGN_OFF && t->capacity > 0 &&
		    (cap == 0 || t->capacity < cap))
			cap = t->capacity;
	}
	return cap;
}

static json_t *
team_view_agent(struct relay *r, const struct relay_agent *a,
    const struct assign_set *set, int64_t now)
{
	const struct assign_conv *oldest = NULL;
	json_t *teams = json_array();
	int64_t seen = 0, since, oldest_since = 0, cap;
	char role[16];
	bool on = online_is(r, a->id, now, &seen);
	size_t i;

	for (i = 0; i < a->n_teams; i++)
		json_array_append_new(teams, json_string(a->teams[i]));
	for (i = 0; i < set->n; i++) {
		const struct assign_conv *c = &set->v[i];

		if (c->assignee == NULL || strcmp(c->assignee, a->id) != 0)
			continue;
		since = json_integer_value(json_object_get(c->state,
		    "_waiting_since"));
		if (since > 0 && (oldest == NULL || since < oldest_since)) {
			oldest = c;
			oldest_since = since;
		}
	}
	team_view_role(r->cfg, a->id, role, sizeof role);
	cap = team_view_capacity(r->cfg, a);
	return json_pack("{s:s, s:s, s:s, s:o, s:b, s:o, s:I, s:o, s:o}",
	    "id", a->id, "name", a->name, "role", role, "teams", teams,
	    "online", on, "last_seen", seen > 0 ? json_integer(seen) :
	    json_null(), "open", (json_int_t)assign_open_count(set, a->id),
	    "capacity", cap > 0 ? json_integer(cap) : json_null(),
	    "oldest_waiting", team_view_waiting(oldest, oldest_since));
}

static json_t *
team_view_team(const struct relay_team *t, const struct assign_set *set,
    int64_t now)
{
	const struct assign_conv *oldest = NULL;
	json_int_t queued = 0;
	size_t i;

	for (i = 0; i < set->n; i++) {
		const struct assign_conv *c = &set->v[i];

		if (c->team == NULL || strcmp(c->team, t->id) != 0 ||
		    !assign_queued(c))
			continue;
		queued++;
		if (oldest == NULL || c->since < oldest->since)
			oldest = c;
	}
	return json_pack("{s:s, s:s, s:b, s:I, s:o}", "id", t->id, "mode",
	    config_assign_mode_name(t->assign_mode), "open_now",
	    hours_open_at(t->hours, now), "unassigned", queued,
	    "oldest_waiting", team_view_waiting(oldest, oldest ? oldest->since :
	    0));
}

void
team_view_route(struct req *q)
{
	struct relay *r = q->r;
	const struct relay_directory *d = config_dir(r->cfg);
	struct assign_set set;
	json_t *agents, *teams;
	int64_t now = relay_now(r);
	char role[16];
	size_t i;
	int rc;

	team_view_role(r->cfg, q->agent->id, role, sizeof role);
	if (strcmp(role, "agent") == 0) {
		req_error(q, 403, "forbidden", "only supervisors and admins may "
		    "see the team view");
		return;
	}
	pthread_mutex_lock(&r->reader_lock);
	rc = assign_load(r->reader, &set);
	pthread_mutex_unlock(&r->reader_lock);
	if (rc != 0) {
		req_error(q, 500, "store_error", "cannot read the conversations");
		return;
	}
	agents = json_array();
	teams = json_array();
	for (i = 0; i < d->n_agents; i++)
		json_array_append_new(agents, team_view_agent(r, &d->agents[i],
		    &set, now));
	for (i = 0; i < d->n_teams; i++)
		json_array_append_new(teams, team_view_team(&d->teams[i], &set,
		    now));
	assign_set_free(&set);
	req_reply(q, 200, json_pack("{s:o, s:o}", "agents", agents, "teams",
	    teams));
}
