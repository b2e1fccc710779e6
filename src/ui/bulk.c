/* Bulk selection and actions (see bulk.h). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "bulk.h"
#include "keymap.h"
#include "convreq.h"
#include "ui.h"
#include "queues.h"

struct bulk {
	char **ids;
	size_t n;
};

size_t
bulk_count(const struct app *app)
{
	return ui_of(app)->bulk != NULL ? ui_of(app)->bulk->n : 0;
}

static long
bulk_find(const struct app *app, const char *conv)
{
	size_t i;

	for (i = 0; ui_of(app)->bulk != NULL && i < ui_of(app)->bulk->n; i++) {
		if (strcmp(ui_of(app)->bulk->ids[i], conv) == 0)
			return (long)i;
	}
	return -1;
}

bool
bulk_marked(const struct app *app, const char *conv)
{
	return bulk_find(app, conv) >= 0;
}

int
bulk_toggle(struct app *app)
{
	struct td_conversation *c = app_selected_conv(app);
	struct bulk *b;
	long i;

	if (c == NULL || ui_of(app)->focus != FOCUS_LIST) {
		app_message(app, "mark conversations in the list");
		return UI_HANDLED;
	}
	if (ui_of(app)->bulk == NULL && (ui_of(app)->bulk = calloc(1, sizeof *ui_of(app)->bulk)) ==
	    NULL)
		return UI_HANDLED;
	b = ui_of(app)->bulk;
	if ((i = bulk_find(app, c->id)) >= 0) {
		free(b->ids[i]);
		b->ids[i] = b->ids[--b->n];
	} else {
		vec_add_strn(&b->ids, &b->n, c->id, strlen(c->id));
	}
	app_message(app, "%zu marked: x resolves, a/c/A assign, L labels, "
	    "M clears", b->n);
	ui_of(app)->list.dirty = true;
	queues_move(app, 1);
	return UI_HANDLED;
}

int
bulk_clear(struct app *app)
{
	struct bulk *b = ui_of(app)->bulk;
	size_t i;

	for (i = 0; b != NULL && i < b->n; i++)
		free(b->ids[i]);
	if (b != NULL)
		b->n = 0;
	ui_of(app)->list.dirty = true;
	return UI_HANDLED;
}

int
bulk_run(struct app *app, const char *what, json_t *arg)
{
	const struct bulk *b = ui_of(app)->bulk;
	int rc = convreq_bulk(app, b != NULL ? (const char *const *)b->ids :
	    NULL, bulk_count(app), what, arg);

	if (rc == 0)
		bulk_clear(app);
	return rc;
}

void
bulk_free(struct app *app)
{
	if (ui_of(app)->bulk == NULL)
		return;
	bulk_clear(app);
	free(ui_of(app)->bulk->ids);
	free(ui_of(app)->bulk);
	ui_of(app)->bulk = NULL;
}
