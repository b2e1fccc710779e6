/* The teams the agent knows of (teams.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "teams.h"

static const struct app_team *
teams_find(const struct app *app, const char *id)
{
	return vec_find_str(app->teams, app->n_teams, sizeof *app->teams,
	    offsetof(struct app_team, id), id);
}

const char *
teams_name(const struct app *app, const char *id)
{
	const struct app_team *t = teams_find(app, id);

	return t != NULL && t->name != NULL ? t->name : id;
}

void
teams_learn(struct app *app)
{
	size_t i, n = model_count(app->model);
	struct app_team *nt;

	for (i = 0; i < n; i++) {
		const char *t = model_get(app->model, i)->state.team;
		if (t == NULL)
			continue;
		if (teams_find(app, t) != NULL)
			continue;
		nt = realloc(app->teams, (app->n_teams + 1) * sizeof *nt);
		if (nt == NULL)
			return;
		app->teams = nt;
		nt[app->n_teams].id = strdup(t);
		nt[app->n_teams].name = NULL;
		if (nt[app->n_teams].id != NULL)
			app->n_teams++;
	}
}

void
teams_label(const struct app *app, size_t i, char *buf, size_t len)
{
	const struct app_team *t = &app->teams[i];

	if (t->name != NULL)
		snprintf(buf, len, "%s (%s)", t->name, t->id);
	else
		snprintf(buf, len, "%s", t->id);
}
