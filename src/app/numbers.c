/* The business numbers an agent may see, and the number filter. */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ttydesk/ini.h"
#include "ttydesk/model.h"
#include "ttydesk/strfields.h"
#include "ttydesk/vec.h"
#include "app.h"
#include "numbers.h"

static char *
numbers_dup(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && *s != '\0' ? strdup(s) : NULL;
}

static const size_t number_strs[] = {
	offsetof(struct app_number, id), offsetof(struct app_number, name),
	offsetof(struct app_number, display), offsetof(struct app_number, waba),
};

static void
numbers_clear(struct app *app)
{
	strfields_vec_free(&app->numbers, &app->n_numbers, sizeof *app->numbers,
	    number_strs, STRFIELDS_N(number_strs));
}

void
numbers_free(struct app *app)
{
	numbers_clear(app);
	free(app->number_filter);
	app->number_filter = NULL;
}

/* The filter names a number we know, else it is all numbers. */
static void
numbers_filter_check(struct app *app)
{
	if (app->number_filter != NULL &&
	    numbers_find(app, app->number_filter) == NULL) {
		free(app->number_filter);
		app->number_filter = NULL;
	}
}

void
numbers_set(struct app *app, const json_t *me)
{
	const json_t *list = json_object_get(me, "numbers"), *v;
	const char *want;
	struct app_number *n;
	size_t i;

	if (!json_is_array(list))
		return;
	numbers_clear(app);
	if (json_array_size(list) == 0 ||
	    (n = calloc(json_array_size(list), sizeof *n)) == NULL)
		return;
	app->numbers = n;
	json_array_foreach(list, i, v) {
		struct app_number *x = &n[app->n_numbers];

		if ((x->id = numbers_dup(v, "id")) == NULL)
			continue;
		if ((x->name = numbers_dup(v, "name")) == NULL)
			x->name = strdup(x->id);
		x->display = numbers_dup(v, "display_phone_number");
		x->waba = numbers_dup(v, "waba_id");
		app->n_numbers++;
	}
	/* [ui] number: the filter the first time the numbers are known. */
	want = app->cfg != NULL ? ini_get(&app->cfg->ini, "ui", "number") :
	    NULL;
	if (!app->number_filter_set && want != NULL && *want != '\0' &&
	    strcmp(want, "all") != 0) {
		for (i = 0; i < app->n_numbers; i++) {
			if (n[i].id == NULL)
				continue;
			if (strcmp(n[i].id, want) == 0 || (n[i].name != NULL &&
			    strcmp(n[i].name, want) == 0)) {
				app->number_filter = strdup(n[i].id);
				break;
			}
		}
	}
	app->number_filter_set = true;
	numbers_filter_check(app);
}

bool
numbers_several(const struct app *app)
{
	return app->n_numbers > 1;
}

const struct app_number *
numbers_find(const struct app *app, const char *id)
{
	return vec_find_str(app->numbers, app->n_numbers, sizeof *app->numbers,
	    offsetof(struct app_number, id), id);
}

const char *
numbers_conv_name(const struct app *app, const struct td_conversation *c)
{
	const struct app_number *n;

	if (!numbers_several(app) || c->state.number == NULL)
		return NULL;
	n = numbers_find(app, c->state.number);
	return n != NULL ? n->name : c->state.number;
}

bool
numbers_pass(const struct app *app, const struct td_conversation *c)
{
	return app->number_filter == NULL || (c->state.number != NULL &&
	    strcmp(c->state.number, app->number_filter) == 0);
}

static bool
numbers_contains(const char *hay, const char *needle)
{
	size_t i, n = strlen(needle);

	for (; hay != NULL && *hay != '\0'; hay++) {
		for (i = 0; i < n && hay[i] != '\0' && tolower((unsigned char)
		    hay[i]) == tolower((unsigned char)needle[i]); i++)
			;
		if (i == n)
			return true;
	}
	return false;
}

bool
numbers_match(const struct app *app, const struct td_conversation *c,
    const char *needle)
{
	const struct app_number *n;

	if (!numbers_several(app) || needle == NULL || *needle == '\0' ||
	    (n = numbers_find(app, c->state.number)) == NULL)
		return false;
	return numbers_contains(n->name, needle) ||
	    numbers_contains(n->id, needle) ||
	    numbers_contains(n->display, needle);
}

void
numbers_cycle(struct app *app)
{
	size_t i = 0;

	if (!numbers_several(app))
		return;
	if (app->number_filter != NULL) {
		while (i < app->n_numbers &&
		    strcmp(app->numbers[i].id, app->number_filter) != 0)
			i++;
		i++;
	}
	free(app->number_filter);
	app->number_filter = i < app->n_numbers ?
	    strdup(app->numbers[i].id) : NULL;
}

const char *
numbers_filter_name(const struct app *app)
{
	const struct app_number *n = numbers_find(app, app->number_filter);

	return n != NULL ? n->name : NULL;
}
