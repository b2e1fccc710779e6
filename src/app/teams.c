/* The teams the agent knows of (teams.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "app.h"
#include "teams.h"

const char *
teams_name(const struct app *app, const char *id)
{
	size_t i;

	for (i = 0; i < app->n_teams; i++) {
		if (strcmp(app->teams[i].id, id) == 0 && app->teams[i].name)
			return app->teams[i].name;
	}
	return id;
}

void
teams_learn(struct app *app)
{
	size_t i, j, n = model_count(app->model);
	struct app_team *nt;

	for (i = 0; i < n; i++) {
		const char *t = model_get(app->model, i)->state.team;
		if (t == NULL)
			continue;
		for (j = 0; j < app->n_teams; j++) {
			if (strcmp(app->teams[j].id, t) == 0)
				break;
		}
		if (j < app->n_teams)
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
