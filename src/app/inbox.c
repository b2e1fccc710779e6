/* What a queue holds for this agent (inbox.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "app.h"
#include "inbox.h"
#include "numbers.h"
#include "teams.h"

size_t
inbox_list(struct app *app, const struct td_queue *q,
    struct td_conversation ***items)
{
	size_t n = model_queue(app->model, q, items), i, k;

	if (n == (size_t)-1) {
		app_error(app, "out of memory");
		*items = NULL;
		return 0;
	}
	/* The number filter keeps the queue's order. */
	for (i = 0, k = 0; i < n; i++) {
		if (numbers_pass(app, (*items)[i]))
			(*items)[k++] = (*items)[i];
	}
	return k;
}

void
inbox_count(const struct app *app, const struct td_queue *q, size_t *count,
    size_t *unread)
{
	size_t i, n = model_count(app->model);

	*count = *unread = 0;
	for (i = 0; i < n; i++) {
		const struct td_conversation *c = model_get(app->model, i);
		if (!numbers_pass(app, c) ||
		    !conversation_in_queue(app->model, c, q))
			continue;
		(*count)++;
		if (c->unread > 0)
			(*unread)++;
	}
}

static void
inbox_queue_add(struct inbox_queue *q, size_t *n, enum td_queue_kind kind,
    const char *team, const char *label)
{
	memset(&q[*n], 0, sizeof q[*n]);
	q[*n].q.kind = kind;
	q[*n].q.team = team;
	snprintf(q[*n].label, sizeof q[*n].label, "%s", label);
	(*n)++;
}

int
inbox_queues(struct app *app, struct inbox_queue **out, size_t *n)
{
	struct inbox_queue *q;
	size_t i, n_team;

	if (app->n_my_teams == 0)
		teams_learn(app);
	n_team = app->n_my_teams ? app->n_my_teams : app->n_teams;
	if ((q = calloc(n_team + 5, sizeof *q)) == NULL)
		return -1;
	*n = 0;
	inbox_queue_add(q, n, TD_Q_MINE, NULL, "Mine");
	inbox_queue_add(q, n, TD_Q_UNASSIGNED, NULL, "Unassigned");
	for (i = 0; i < n_team; i++) {
		const char *id = app->n_my_teams ? app->my_teams[i] :
		    app->teams[i].id;
		inbox_queue_add(q, n, TD_Q_TEAM, id, teams_name(app, id));
	}
	inbox_queue_add(q, n, TD_Q_ESCALATED, NULL, "Escalated");
	inbox_queue_add(q, n, TD_Q_ALL, NULL, "All");
	inbox_queue_add(q, n, TD_Q_RESOLVED, NULL, "Resolved");
	*out = q;
	return 0;
}

size_t
inbox_queue_find(const struct inbox_queue *q, size_t n,
    enum td_queue_kind kind, const char *team)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (q[i].q.kind == kind && (kind != TD_Q_TEAM ||
		    strcmp(q[i].q.team, team) == 0))
			return i;
	return 0;
}
