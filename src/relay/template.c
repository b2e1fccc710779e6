/*
 * The relay's copy of Meta's message templates (template.h).
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/vec.h"
#include "template.h"

#define TEMPLATES_META_KEY "templates"

struct templates {
	pthread_mutex_t lock;
	json_t *all; /* array, under lock */
};

struct replace_job {
	struct relay_job job;
	char *waba;
	json_t *list;
};

size_t
templates_wabas(const struct relay_config *cfg, struct templates_waba *out,
    size_t max)
{
	const struct relay_directory *d = config_dir(cfg);
	size_t n = 0, i;

	if (cfg->waba_id != NULL && n < max)
		out[n++] = (struct templates_waba){ cfg->waba_id, NULL };
	/* Templates are per account: a number in another account has
	 * its own, listed with its token. */
	for (i = 0; i < d->n_numbers && n < max; i++) {
		const char *w = d->numbers[i].waba_id;

		if (w != NULL && vec_find_str(out, n, sizeof *out,
		    offsetof(struct templates_waba, waba), w) == NULL)
			out[n++] = (struct templates_waba){ w, d->numbers[i].id };
	}
	return n;
}

int
templates_init(struct relay *r, char *err, size_t errlen)
{
	struct templates *t = calloc(1, sizeof *t);
	char *text = NULL;
	int rc;

	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	pthread_mutex_init(&t->lock, NULL);
	pthread_mutex_lock(&r->reader_lock);
	rc = relay_store_meta_get(r->reader, TEMPLATES_META_KEY, &text);
	pthread_mutex_unlock(&r->reader_lock);
	if (rc > 0 && text != NULL)
		t->all = json_loads(text, 0, NULL);
	free(text);
	if (!json_is_array(t->all)) {
		json_decref(t->all);
		t->all = json_array();
	}
	r->templates = t;
	return 0;
}

void
templates_free(struct relay *r)
{
	struct templates *t = r->templates;

	if (t == NULL)
		return;
	json_decref(t->all);
	pthread_mutex_destroy(&t->lock);
	free(t);
	r->templates = NULL;
}

json_t *
templates_list(struct relay *r)
{
	json_t *copy;

	pthread_mutex_lock(&r->templates->lock);
	copy = json_deep_copy(r->templates->all);
	pthread_mutex_unlock(&r->templates->lock);
	return json_pack("{s:o}", "templates", copy ? copy : json_array());
}

static bool
templates_same(const json_t *t, const char *key, const char *v)
{
	const char *s = json_string_value(json_object_get(t, key));

	return s != NULL && v != NULL && strcmp(s, v) == 0;
}

json_t *
templates_find(struct relay *r, const char *name, const char *language,
    const char *waba, bool *listed)
{
	json_t *t, *found = NULL;
	size_t i;

	*listed = false;
	pthread_mutex_lock(&r->templates->lock);
	json_array_foreach(r->templates->all, i, t) {
		if (waba != NULL && !templates_same(t, "waba_id", waba))
			continue;
		*listed = true;
		if (templates_same(t, "name", name) &&
		    templates_same(t, "language", language)) {
			/* A copy: a status update may change it meanwhile. */
			found = json_deep_copy(t);
			break;
		}
	}
	pthread_mutex_unlock(&r->templates->lock);
	return found;
}

/* Writer thread, under the templates lock. */
static int
templates_save(struct relay *r)
{
	char *text = json_dumps(r->templates->all, JSON_COMPACT);
	int rc;

	if (text == NULL)
		return -1;
	rc = relay_store_meta_put(r->writer, TEMPLATES_META_KEY, text);
	free(text);
	return rc;
}

/* The listing's fields the API gives (Meta's, less its paging). */
static json_t *
templates_entry(const char *waba, json_t *t)
{
	json_t *o = json_object(), *comps = json_object_get(t, "components");
	json_t *id = json_object_get(t, "id");
	static const char *const keys[] = { "name", "language", "category",
	    "status" };
	size_t i;

	json_object_set_new(o, "waba_id", json_string(waba));
	if (json_is_string(id) || json_is_integer(id))
		json_object_set(o, "id", id);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		json_t *v = json_object_get(t, keys[i]);

		json_object_set_new(o, keys[i], json_is_string(v) ?
		    json_incref(v) : json_string(""));
	}
	json_object_set_new(o, "components", json_is_array(comps) ?
	    json_incref(comps) : json_array());
	return o;
}

static void
replace_run(struct relay *r, struct relay_job *j)
{
	struct replace_job *rj = (struct replace_job *)j;
	struct templates *t = r->templates;
	json_t *next = json_array(), *v;
	size_t i;

	pthread_mutex_lock(&t->lock);
	json_array_foreach(t->all, i, v) {
		if (!templates_same(v, "waba_id", rj->waba))
			json_array_append(next, v);
	}
	json_array_foreach(rj->list, i, v) {
		if (json_is_object(v) && json_is_string(json_object_get(v,
		    "name")))
			json_array_append_new(next, templates_entry(rj->waba, v));
	}
	json_decref(t->all);
	t->all = next;
	if (templates_save(r) != 0)
		j->failed = 1;
	pthread_mutex_unlock(&t->lock);
}

static void
replace_done(struct relay *r, struct relay_job *j)
{
	struct replace_job *rj = (struct replace_job *)j;

	if (j->failed)
		relay_log("templates: cannot store the listing of %s", rj->waba);
	free(rj->waba);
	json_decref(rj->list);
	free(rj);
}

void
templates_replace(struct relay *r, const char *waba, json_t *list)
{
	struct replace_job *rj = calloc(1, sizeof *rj);

	if (rj == NULL || (rj->waba = strdup(waba)) == NULL) {
		free(rj);
		json_decref(list);
		return;
	}
	rj->list = list;
	rj->job.run = replace_run;
	rj->job.done = replace_done;
	relay_submit(r, &rj->job);
}

int
templates_on_update(struct relay *r, const struct wa_template_update *u)
{
	struct templates *t = r->templates;
	json_t *v;
	size_t i;
	int rc = 1;

	if (t == NULL)
		return 0;
	pthread_mutex_lock(&t->lock);
	json_array_foreach(t->all, i, v) {
		if (!templates_same(v, "name", u->name) ||
		    !templates_same(v, "language", u->language) ||
		    (u->waba_id != NULL && !templates_same(v, "waba_id",
		    u->waba_id)))
			continue;
		json_object_set_new(v, "status", json_string(u->event));
		if (u->category != NULL)
			json_object_set_new(v, "category",
			    json_string(u->category));
		if (u->reason != NULL && strcmp(u->reason, "NONE") != 0)
			json_object_set_new(v, "reason", json_string(u->reason));
		else
			json_object_del(v, "reason");
		rc = templates_save(r) == 0 ? 0 : -1;
		break;
	}
	pthread_mutex_unlock(&t->lock);
	return rc;
}
