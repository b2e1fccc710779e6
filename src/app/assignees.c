/* The agents a conversation can be assigned to (assignees.h). */
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "app.h"
#include "assignees.h"

static int
assignees_add(const char **a, size_t *n, size_t cap, const char *id)
{
	size_t i;

	if (id == NULL || *id == '\0')
		return 0;
	for (i = 0; i < *n; i++) {
		if (strcmp(a[i], id) == 0)
			return 0;
	}
	if (*n >= cap)
		return -1;
	a[(*n)++] = id;
	return 0;
}

static int
assignees_cmp(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

size_t
assignees_known(const struct app *app, const char ***out)
{
	size_t cap = 256, n = 0, i, j, mine = 0;
	const char **a = calloc(cap, sizeof *a);

	*out = a;
	if (a == NULL)
		return 0;
	if (app->self_id != NULL)
		assignees_add(a, &n, cap, app->self_id);
	mine = n;
	for (i = 0; i < model_count(app->model); i++) {
		const struct td_conversation *c = model_get(app->model, i);
		assignees_add(a, &n, cap, c->state.assignee);
		if (c->state.has_escalation)
			assignees_add(a, &n, cap, c->state.escalation.by);
		for (j = 0; j < c->n_presence; j++)
			assignees_add(a, &n, cap, c->presence[j].agent);
		for (j = 0; j < c->n_messages; j++) {
			if (c->messages[j]->m.direction != TD_DIR_IN)
				assignees_add(a, &n, cap, c->messages[j]->m.agent);
		}
	}
	qsort(a + mine, n - mine, sizeof *a, assignees_cmp);
	return n;
}

const char *
assignees_other(const struct app *app, const struct td_conversation *c)
{
	const char *a = c->state.assignee;

	return a != NULL && (app->self_id == NULL || strcmp(a,
	    app->self_id) != 0) ? a : NULL;
}
