/* The requests of the conversation actions (convreq.h). */
#include <jansson.h>
#include <stdio.h>

#include "app.h"
#include "convreq.h"
#include "labels.h"
#include "outbox.h"

/* Queues body (consumed) on conversation conv at path (suffix when conv
 * is not ""). */
static int
convreq_queue(struct app *app, const char *conv, const char *what,
    const char *path, json_t *body)
{
	int rc = -1;

	if (body == NULL)
		app_error(app, "out of memory");
	else if (*conv != '\0')
		rc = outbox_add(app, conv, what, path, NULL, body);
	else
		rc = outbox_add_path(app, "", what, path, NULL, body);
	json_decref(body);
	return rc;
}

int
convreq_assign(struct app *app, const char *conv, const char *what,
    const char *agent)
{
	return convreq_queue(app, conv, what, "/assign", agent != NULL ?
	    json_pack("{s:s}", "agent", agent) : json_pack("{s:n}", "agent"));
}

int
convreq_status(struct app *app, const char *conv, const char *what,
    const char *status)
{
	return convreq_queue(app, conv, what, "/status", json_pack("{s:s}",
	    "status", status));
}

int
convreq_snooze(struct app *app, const char *conv, int64_t until)
{
	return convreq_queue(app, conv, "snooze", "/status",
	    json_pack("{s:s, s:I}", "status", "snoozed", "until",
	    (json_int_t)until));
}

int
convreq_labels(struct app *app, const char *conv, const struct label_edit *e)
{
	return convreq_queue(app, conv, "labels", "/labels", labels_body(e));
}

int
convreq_escalate(struct app *app, const char *conv, const char *team,
    const char *priority, const char *reason)
{
	return convreq_queue(app, conv, "escalate", "/escalate",
	    json_pack("{s:s, s:s, s:s}", "team", team, "priority", priority,
	    "reason", reason));
}

int
convreq_bulk(struct app *app, const char *const *ids, size_t n,
    const char *what, json_t *arg)
{
	json_t *convs = json_array();
	char name[64];
	size_t i;

	for (i = 0; convs != NULL && i < n; i++)
		json_array_append_new(convs, json_string(ids[i]));
	snprintf(name, sizeof name, "bulk %s", what);
	return convreq_queue(app, "", name, "/v1/bulk", json_pack(
	    "{s:o, s:{s:o}}", "conversations", convs, "action", what, arg));
}
