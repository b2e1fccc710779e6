/*
 * Read positions (see readpos.h).  The cache gets the seq of the newest
 * message of the conversation the agent has seen, not the model's
 * read_seq (the newest seq of all conversations): both give the same
 * unread messages, since every later message has a higher seq, but this
 * one only changes when a message arrives in that conversation.  So a
 * thread kept open while others are busy writes nothing, and opening a
 * thread with nothing new writes nothing (cache_read_set skips an equal
 * seq).  Records are fsynced with the events, once a second.
 */
#include "ttydesk/cache.h"
#include "ttydesk/model.h"
#include "app.h"
#include "readpos.h"

void
readpos_mark(struct app *app, struct td_conversation *c)
{
	int64_t seen = 0;
	char err[256];
	size_t i;

	model_mark_read(app->model, c);
	if (app->cache == NULL)
		return;
	for (i = 0; i < c->n_messages; i++)
		if (c->messages[i]->seq <= c->read_seq &&
		    c->messages[i]->seq > seen)
			seen = c->messages[i]->seq;
	if (seen <= 0)
		return;
	if (cache_read_set(app->cache, c->id, seen, err, sizeof err) != 0)
		app_error(app, "cache: %s", err);
	else
		app->cache_unsynced = true;
}

static void
readpos_one(void *ud, const char *conv, int64_t seq)
{
	struct app *app = ud;
	struct td_conversation *c = model_find(app->model, conv);

	/* Read while the replay ran (keys are answered meanwhile). */
	if (c != NULL && seq > c->read_seq)
		model_set_read_seq(app->model, c, seq);
}

void
readpos_restore(struct app *app)
{
	if (app->cache != NULL)
		cache_reads(app->cache, readpos_one, app);
}
