#include <stdio.h>
#include <string.h>

#include "net_answer.h"

json_t *
net_answer_load(const char *body, size_t len, const char *what, char *err,
    size_t errlen)
{
	json_error_t je;
	json_t *root;

	if ((root = json_loadb(body, len, 0, &je)) == NULL)
		snprintf(err, errlen, "the relay's %s is not JSON (line %d: %s)",
		    what, je.line, je.text);
	return root;
}

int
net_answer_parse(const char *body, size_t len, const char *what,
    net_parse_fn parse, void *out, char *err, size_t errlen)
{
	json_t *root = net_answer_load(body, len, what, err, errlen);
	int rc;

	if (root == NULL)
		return -1;
	rc = parse(root, out, err, errlen);
	json_decref(root);
	return rc;
}

static int
answer_event_ok(const json_t *e, int64_t after, int64_t through,
    const char *conv)
{
	const json_t *seq = json_object_get(e, "seq");
	const char *c;

	if (!json_is_object(e) || !json_is_integer(seq) ||
	    json_integer_value(seq) <= after ||
	    json_integer_value(seq) > through)
		return 0;
	if (conv == NULL)
		return 1;
	c = json_string_value(json_object_get(e, "conversation"));
	return c != NULL && strcmp(c, conv) == 0;
}

int
net_answer_events(const json_t *events, int64_t after, int64_t through,
    const char *conv, const char *what, char *err, size_t errlen)
{
	const json_t *e;
	size_t i;

	for (i = 0; i < json_array_size(events); i++) {
		e = json_array_get(events, i);
		if (!answer_event_ok(e, after, through, conv)) {
			snprintf(err, errlen, "event %zu of the %s %s", i, what,
			    conv != NULL ? "is not of this conversation or has "
			    "no valid seq" : "has no valid seq");
			return -1;
		}
	}
	return 0;
}

/* root's key, NULL when absent or null. */
static json_t *
page_get(const json_t *root, const char *key)
{
	json_t *v = json_object_get(root, key);

	return json_is_null(v) ? NULL : v;
}

/* True when root has every field of need ("through/more"). */
static bool
page_has(const json_t *root, const char *need)
{
	char key[32];
	size_t n;

	while (*need != '\0') {
		n = strcspn(need, "/");
		snprintf(key, sizeof key, "%.*s", (int)n, need);
		if (page_get(root, key) == NULL)
			return false;
		need += n + (need[n] == '/');
	}
	return true;
}

/* root's integer key into *v (0 when absent): false when it is something
 * else. */
static bool
page_int(const json_t *root, const char *key, int64_t *v)
{
	const json_t *j = page_get(root, key);

	*v = json_is_integer(j) ? (int64_t)json_integer_value(j) : 0;
	return j == NULL || json_is_integer(j);
}

int
net_page_load(const char *body, size_t len, const char *what,
    const char *need, struct net_page *p, char *err, size_t errlen)
{
	const json_t *mo, *cu;
	const char *bad = NULL;

	memset(p, 0, sizeof *p);
	p->what = what;
	if ((p->root = net_answer_load(body, len, what, err, errlen)) == NULL)
		return -1;
	p->events = json_object_get(p->root, "events");
	if (!json_is_object(p->root) || !json_is_array(p->events) ||
	    !page_has(p->root, need)) {
		snprintf(err, errlen, "the relay's %s lacks events/%s", what,
		    need);
		goto fail;
	}
	mo = page_get(p->root, "more");
	cu = page_get(p->root, "cursor");
	p->more = json_is_true(mo);
	p->cursor = json_string_value(cu);
	if (!page_int(p->root, "next", &p->next))
		bad = "next";
	else if (!page_int(p->root, "before", &p->before))
		bad = "before";
	else if (!page_int(p->root, "through", &p->through))
		bad = "through";
	else if (mo != NULL && !json_is_boolean(mo))
		bad = "more";
	else if (cu != NULL && !json_is_string(cu))
		bad = "cursor";
	if (bad == NULL)
		return 0;
	snprintf(err, errlen, "the relay's %s has a bad '%s'", what, bad);
fail:
	net_page_free(p);
	return -1;
}

int
net_page_events(const struct net_page *p, int64_t after, int64_t through,
    const char *conv, json_t **events, char *err, size_t errlen)
{
	*events = NULL;
	if (net_answer_events(p->events, after, through, conv, p->what, err,
	    errlen) != 0)
		return -1;
	*events = json_incref(p->events);
	return 0;
}

void
net_page_free(struct net_page *p)
{
	json_decref(p->root);
	p->root = NULL;
	p->events = NULL;
	p->cursor = NULL;
}
