/*
 * The team at work (roster.h).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "ttydesk/sanitize.h"
#include "ttydesk/strfields.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "query.h"
#include "roster.h"

#define ROSTER_ID_MAX 256

static char *
roster_text(const json_t *v)
{
	if (!json_is_string(v) || json_string_length(v) > ROSTER_ID_MAX)
		return NULL;
	return sanitize_text(json_string_value(v), json_string_length(v),
	    SANITIZE_SINGLE_LINE);
}

/* A count or time: integer >= 0; null or absent gives dflt. */
static int
roster_int(const json_t *o, const char *key, int64_t dflt, int64_t *out)
{
	const json_t *v = json_object_get(o, key);

	*out = dflt;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (int64_t)json_integer_value(v);
	return 0;
}

static int
roster_wait_parse(const json_t *o, struct roster_wait *w)
{
	const json_t *c;

	if (o == NULL || json_is_null(o))
		return 0;
	c = json_object_get(o, "conversation");
	if (!json_is_object(o) || !json_is_string(c) ||
	    json_string_length(c) == 0 || json_string_length(c) > 1024 ||
	    roster_int(o, "since", 0, &w->since) != 0)
		return -1;
	/* An id, not text to show: kept as sent to find it in the model. */
	if ((w->conversation = strdup(json_string_value(c))) == NULL)
		return -1;
	return 0;
}

static int
roster_teams_text(const json_t *arr, char **out)
{
	struct buf b;
	const json_t *v;
	char *t;
	size_t i;

	memset(&b, 0, sizeof b);
	*out = NULL;
	if (arr != NULL && !json_is_array(arr))
		return -1;
	if (buf_add(&b, "", 0) != 0)
		return -1;
	json_array_foreach(arr, i, v) {
		const json_t *id = json_is_object(v) ? json_object_get(v, "id") : v;
		if ((t = roster_text(id)) == NULL ||
		    (i > 0 && buf_add(&b, ", ", 2) != 0) ||
		    buf_add(&b, t, strlen(t)) != 0) {
			free(t);
			free(b.s);
			return -1;
		}
		free(t);
	}
	*out = b.s;
	return 0;
}

/* The id of object o, sanitized; NULL when o is no object or the id is
 * missing or empty. */
static char *
roster_id(const json_t *o)
{
	char *id = json_is_object(o) ? roster_text(json_object_get(o, "id")) :
	    NULL;

	if (id != NULL && *id == '\0') {
		free(id);
		return NULL;
	}
	return id;
}

/* A short word at key (a role, a mode) into buf, dflt when it is missing
 * or does not fit. */
static void
roster_word(char *buf, size_t size, const json_t *o, const char *key,
    const char *dflt)
{
	const json_t *v = json_object_get(o, key);

	snprintf(buf, size, "%s", json_is_string(v) && json_string_length(v) <
	    size ? json_string_value(v) : dflt);
}

static int
roster_agent_parse(const json_t *o, void *elem)
{
	struct roster_agent *a = elem;

	if ((a->id = roster_id(o)) == NULL)
		return -1;
	a->name = roster_text(json_object_get(o, "name"));
	if (a->name == NULL && (a->name = strdup(a->id)) == NULL)
		return -1;
	roster_word(a->role, sizeof a->role, o, "role", "agent");
	a->online = json_is_true(json_object_get(o, "online"));
	if (roster_teams_text(json_object_get(o, "teams"), &a->teams) != 0 ||
	    roster_int(o, "last_seen", 0, &a->last_seen) != 0 ||
	    roster_int(o, "open", 0, &a->open) != 0 ||
	    roster_int(o, "capacity", -1, &a->capacity) != 0 ||
	    roster_wait_parse(json_object_get(o, "oldest_waiting"),
	    &a->oldest) != 0)
		return -1;
	return 0;
}

static int
roster_team_parse(const json_t *o, void *elem)
{
	struct roster_team *t = elem;

	if ((t->id = roster_id(o)) == NULL)
		return -1;
	roster_word(t->mode, sizeof t->mode, o, "mode", "off");
	t->open_now = json_is_true(json_object_get(o, "open_now"));
	if (roster_int(o, "unassigned", 0, &t->unassigned) != 0 ||
	    roster_wait_parse(json_object_get(o, "oldest_waiting"),
	    &t->oldest) != 0)
		return -1;
	return 0;
}

/*
 * Each element of arr parsed by parse into the array vec of elements of
 * size bytes, which has room for them all; *n counts those begun, so that
 * roster_free() frees a list parsed half.  0, or -1 with err naming the
 * first malformed element ("agent 3 of the team answer is malformed").
 */
static int
roster_list_parse(const json_t *arr, void *vec, size_t size, size_t *n,
    int (*parse)(const json_t *o, void *elem), const char *what, char *err,
    size_t errlen)
{
	const json_t *o;
	size_t i;

	json_array_foreach(arr, i, o) {
		*n = i + 1;
		if (parse(o, (char *)vec + i * size) != 0) {
			snprintf(err, errlen, "%s %zu of the team answer is "
			    "malformed", what, i + 1);
			return -1;
		}
	}
	return 0;
}

static int
roster_parse_root(const json_t *root, void *out, char *err, size_t errlen)
{
	struct roster *ro = out;
	const json_t *agents = json_object_get(root, "agents");
	const json_t *teams = json_object_get(root, "teams");

	if (!json_is_array(agents) || (teams != NULL && !json_is_array(teams))) {
		snprintf(err, errlen, "the team answer has no agents list");
		return -1;
	}
	if ((ro->agents = calloc(json_array_size(agents) + 1,
	    sizeof *ro->agents)) == NULL || (ro->teams = calloc(
	    json_array_size(teams) + 1, sizeof *ro->teams)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (roster_list_parse(agents, ro->agents, sizeof *ro->agents,
	    &ro->n_agents, roster_agent_parse, "agent", err, errlen) != 0 ||
	    roster_list_parse(teams, ro->teams, sizeof *ro->teams,
	    &ro->n_teams, roster_team_parse, "team", err, errlen) != 0)
		return -1;
	return 0;
}

static const size_t agent_strs[] = {
	offsetof(struct roster_agent, id), offsetof(struct roster_agent, name),
	offsetof(struct roster_agent, teams),
	offsetof(struct roster_agent, oldest.conversation),
};

static const size_t team_strs[] = {
	offsetof(struct roster_team, id),
	offsetof(struct roster_team, oldest.conversation),
};

void
roster_free(struct roster *ro)
{
	strfields_vec_free(&ro->agents, &ro->n_agents, sizeof *ro->agents,
	    agent_strs, STRFIELDS_N(agent_strs));
	strfields_vec_free(&ro->teams, &ro->n_teams, sizeof *ro->teams,
	    team_strs, STRFIELDS_N(team_strs));
	memset(ro, 0, sizeof *ro);
}

/* A roster that came keeps answering roster_name() until the next. */
static void
roster_deliver(struct app *app, const struct query *q, long status,
    void *value, const char *why)
{
	struct roster *ro = value;

	if (status == 200) {
		roster_forget(app);
		if ((app->roster = malloc(sizeof *app->roster)) == NULL)
			app_fatal("out of memory");
		ro->at = app->now;
		*app->roster = *ro;
		memset(ro, 0, sizeof *ro);
	}
	((roster_done_fn)q->done)(app, q->ud, status, why);
}

static void
roster_clear(void *value)
{
	roster_free(value);
}

static const struct query_kind roster_kind = { "team answer",
    sizeof(struct roster), roster_parse_root, roster_clear, roster_deliver };

int
roster_parse(const char *body, size_t len, struct roster *ro, char *err,
    size_t errlen)
{
	return query_parse(&roster_kind, body, len, ro, err, errlen);
}

int
roster_query(struct app *app, roster_done_fn done, void *ud, char *err,
    size_t errlen)
{
	return query_get(app, "/v1/team", &roster_kind, (query_fn)done, ud, err,
	    errlen);
}

const char *
roster_name(const struct app *app, const char *id)
{
	size_t i;

	if (id == NULL)
		return "";
	if (app->self_id != NULL && app->self_name != NULL &&
	    strcmp(id, app->self_id) == 0)
		return app->self_name;
	for (i = 0; app->roster != NULL && i < app->roster->n_agents; i++)
		if (strcmp(app->roster->agents[i].id, id) == 0)
			return app->roster->agents[i].name;
	return id;
}

void
roster_forget(struct app *app)
{
	if (app->roster == NULL)
		return;
	roster_free(app->roster);
	free(app->roster);
	app->roster = NULL;
}
