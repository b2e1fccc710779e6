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
