/* The customer's typing indicator (see typing.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "net.h"
#include "typing.h"

bool
typing_due(struct typing *t, const char *conv, int64_t now)
{
	struct typing_slot *s, *oldest = &t->slots[0];
	size_t i;

	if (strlen(conv) >= sizeof oldest->conv)
		return false; /* no relay id is this long */
	for (i = 0; i < TYPING_SLOTS; i++) {
		s = &t->slots[i];
		if (s->conv[0] != '\0' && strcmp(s->conv, conv) == 0) {
			if (now - s->at < TYPING_CUSTOMER_EVERY &&
			    now >= s->at)
				return false;
			s->at = now;
			return true;
		}
		if (s->at < oldest->at || (s->conv[0] == '\0' &&
		    oldest->conv[0] != '\0'))
			oldest = s;
	}
	snprintf(oldest->conv, sizeof oldest->conv, "%s", conv);
	oldest->at = now;
	return true;
}

void
typing_key(struct app *app, const char *conv)
{
	char path[1024], err[256];
	json_t *body;

	if (app->net == NULL || conv == NULL)
		return;
	if (app->typing == NULL &&
	    (app->typing = calloc(1, sizeof *app->typing)) == NULL)
		return;
	if (!typing_due(app->typing, conv, app->now) ||
	    net_conv_path(path, sizeof path, conv, "/typing") == NULL)
		return;
	if ((body = json_object()) == NULL)
		return;
	/* Ephemeral like presence: no outbox, a lost one is not retried. */
	app_post(app, path, body, NULL, NULL, err, sizeof err);
	json_decref(body);
}

void
typing_free(struct app *app)
{
	free(app->typing);
	app->typing = NULL;
}
