/* The agent's queue tabs (inbox_queues) and finding one again. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ttydesk/model.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "appconfig.h"
#include "inbox.h"

/* Mine and Unassigned first, a tab per team of the agent's, then
 * Escalated, All and Resolved; a queue is found again by kind and team,
 * the first tab when it is gone. */
static void
test_queues(void)
{
	static const char *const labels[] = { "Mine", "Unassigned", "tier1",
	    "billing", "Escalated", "All", "Resolved" };
	struct appconfig cfg;
	struct app app;
	struct inbox_queue *q = NULL;
	char err[256];
	size_t n = 0, i;

	memset(&cfg, 0, sizeof cfg);
	CHECK_INT(app_init(&app, &cfg, model_new(NULL), err, sizeof err), 0);
	CHECK_INT(vec_add_strn(&app.my_teams, &app.n_my_teams, "tier1", 5), 0);
	CHECK_INT(vec_add_strn(&app.my_teams, &app.n_my_teams, "billing", 7),
	    0);
	CHECK_INT(inbox_queues(&app, &q, &n), 0);
	CHECK_INT((long)n, 7);
	for (i = 0; i < n && i < 7; i++)
		CHECK_STR(q[i].label, labels[i]);
	CHECK_INT(q[0].q.kind, TD_Q_MINE);
	CHECK_INT(q[3].q.kind, TD_Q_TEAM);
	CHECK_STR(q[3].q.team, "billing");
	CHECK_INT((long)inbox_queue_find(q, n, TD_Q_TEAM, "billing"), 3);
	CHECK_INT((long)inbox_queue_find(q, n, TD_Q_ALL, ""), 5);
	CHECK_INT((long)inbox_queue_find(q, n, TD_Q_TEAM, "gone"), 0);
	free(q);
	app_free(&app);
}

int
main(void)
{
	RUN(test_queues);
	return check_done();
}
