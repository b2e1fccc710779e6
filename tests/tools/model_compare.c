/*
 * model_compare A B IDS: feeds the events of file A to one inbox model
 * (model.h) and those of file B to another, then compares, for each
 * conversation id listed in IDS (one per line), everything the model
 * keeps of it: listing, contact, state, messages with their status,
 * error and reactions, unread count, last activity, and the seqs the
 * model remembers.  Event files hold one event object per line.
 *
 * Prints "equal N" and exits 0 when all N conversations are the same;
 * prints the first few differences and exits 1 otherwise; 2 on bad input.
 * Used by tests/integration/test_relay_window_property.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ttydesk/event.h"
#include "ttydesk/model.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL, *nb;
	size_t cap = 0, n;

	*len = 0;
	if (fp == NULL)
		return NULL;
	for (;;) {
		if (*len + 65536 + 1 > cap) {
			cap = (*len + 65536 + 1) * 2;
			if ((nb = realloc(buf, cap)) == NULL)
				break;
			buf = nb;
		}
		n = fread(buf + *len, 1, cap - *len - 1, fp);
		*len += n;
		if (n == 0)
			break;
	}
	fclose(fp);
	if (buf != NULL)
		buf[*len] = '\0';
	return buf;
}

/* Applies every event line of path to m.  0, or -1 with a message. */
static int
feed(struct td_model *m, const char *path)
{
	size_t len, n = 0;
	char *buf = slurp(path, &len), *line, *save = NULL, err[160];
	struct td_event ev;

	if (buf == NULL) {
		fprintf(stderr, "model_compare: cannot read %s\n", path);
		return -1;
	}
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		n++;
		if (event_parse_text(line, strlen(line), &ev, err,
		    sizeof err) != 0) {
			fprintf(stderr, "model_compare: %s:%zu: %s\n", path, n,
			    err);
			free(buf);
			return -1;
		}
		if (model_apply(m, &ev) < 0) {
			event_free(&ev);
			free(buf);
			return -1;
		}
		event_free(&ev);
	}
	free(buf);
	return 0;
}

/* An event of type t for conversation c around a body the model owns. */
static json_t *
body_json(const struct td_conversation *c, enum td_event_type t,
    const void *body)
{
	struct td_event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = t;
	ev.conversation = c->id;
	if (t == TD_EV_CONVERSATION)
		ev.u.state = *(const struct td_conv_state *)body;
	else if (t == TD_EV_CONTACT)
		ev.u.contact = *(const struct td_contact *)body;
	else
		ev.u.message = *(const struct td_message *)body;
	return event_to_json(&ev);
}

/* Everything the model keeps of one conversation, as JSON. */
static json_t *
describe(const struct td_conversation *c)
{
	json_t *o, *msgs = json_array(), *re;
	size_t i, k;

	if (c == NULL) {
		json_decref(msgs);
		return json_null();
	}
	for (i = 0; i < c->n_messages; i++) {
		const struct td_msg *m = c->messages[i];

		re = json_array();
		for (k = 0; k < m->n_reactions; k++)
			json_array_append_new(re, json_pack("[s, s]",
			    m->reactions[k].from, m->reactions[k].emoji));
		json_array_append_new(msgs, json_pack("{s:I, s:I, s:o, s:o}",
		    "seq", (json_int_t)m->seq, "ts", (json_int_t)m->ts,
		    "message", body_json(c, TD_EV_MESSAGE, &m->m),
		    "reactions", re));
	}
	o = json_pack("{s:o, s:I, s:o, s:I, s:o, s:i, s:I}",
	    "contact", body_json(c, TD_EV_CONTACT, &c->contact),
	    "contact_seq", (json_int_t)c->contact_seq,
	    "state", body_json(c, TD_EV_CONVERSATION, &c->state),
	    "state_seq", (json_int_t)c->state_seq,
	    "messages", msgs, "unread", (int)c->unread,
	    "last_activity", (json_int_t)c->last_activity);
	return o;
}

int
main(int argc, char **argv)
{
	struct td_model *a = NULL, *b = NULL;
	size_t len, n = 0, bad = 0;
	char *ids = NULL, *id, *save = NULL, *ta, *tb;
	json_t *da, *db;
	int rc = 2;

	if (argc != 4) {
		fprintf(stderr, "usage: model_compare A B IDS\n");
		return 2;
	}
	if ((a = model_new("alice")) == NULL || (b = model_new("alice")) ==
	    NULL || feed(a, argv[1]) != 0 || feed(b, argv[2]) != 0 ||
	    (ids = slurp(argv[3], &len)) == NULL)
		goto out;
	for (id = strtok_r(ids, "\n", &save); id != NULL;
	    id = strtok_r(NULL, "\n", &save)) {
		n++;
		da = describe(model_find(a, id));
		db = describe(model_find(b, id));
		if (!json_equal(da, db)) {
			if (bad++ < 3) {
				ta = json_dumps(da, JSON_SORT_KEYS);
				tb = json_dumps(db, JSON_SORT_KEYS);
				printf("%s differs:\n A: %s\n B: %s\n", id,
				    ta ? ta : "?", tb ? tb : "?");
				free(ta);
				free(tb);
			}
		}
		json_decref(da);
		json_decref(db);
	}
	if (bad == 0)
		printf("equal %zu\n", n);
	else
		printf("%zu of %zu differ\n", bad, n);
	rc = bad == 0 ? 0 : 1;
out:
	free(ids);
	model_free(a);
	model_free(b);
	return rc;
}
