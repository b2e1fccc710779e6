/* What a queue holds for this agent (inbox.h). */
#include <stdlib.h>

#include "ttydesk/model.h"
#include "app.h"
#include "inbox.h"
#include "numbers.h"

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
