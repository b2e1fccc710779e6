/* Backend-neutral pieces of the relay store (store_common.h), and the
 * frees of what store.h hands out. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "ttydesk/freeall.h"

#include "store.h"
#include "store_common.h"

char *
store_conv_id(int64_t rowid)
{
	char buf[32];

	snprintf(buf, sizeof buf, "c%lld", (long long)rowid);
	return strdup(buf);
}

int64_t
store_conv_rowid(const char *id)
{
	char *end;
	long long v;

	if (id == NULL || id[0] != 'c' || id[1] < '1' || id[1] > '9')
		return -1;
	v = strtoll(id + 1, &end, 10);
	return *end == '\0' && v > 0 ? v : -1;
}

int64_t
store_wake_at(const json_t *state)
{
	const char *status = json_string_value(json_object_get(state, "status"));
	const json_t *sla = json_object_get(state, "sla");
	static const char *const dues[] = { "first_response_due",
	    "next_response_due" };
	int64_t t = 0, v;
	size_t i;

	if (status != NULL && strcmp(status, "snoozed") == 0 &&
	    (v = json_integer_value(json_object_get(state, "snoozed_until"))) > 0)
		t = v;
	if (!json_is_true(json_object_get(sla, "breached"))) {
		for (i = 0; i < 2; i++) {
			v = json_integer_value(json_object_get(sla, dues[i]));
			if (v > 0 && (t == 0 || v < t))
				t = v;
		}
	}
	return t;
}

const char *
store_state_number(const json_t *state)
{
	const char *n = json_string_value(json_object_get(state, "number"));

	return n != NULL && *n != '\0' ? n : "main";
}

/* A state stored before numbers existed gets its row's number. */
static void
store_state_set_number(json_t *state, const char *number)
{
	if (state != NULL && json_object_get(state, "number") == NULL)
		json_object_set_new(state, "number", json_string(number ?
		    number : "main"));
}

json_t *
store_history_entry(int64_t rowid, const char *state_text, int64_t first_ts,
    int64_t last_ts, const char *number)
{
	json_t *state = json_loads(state_text, 0, NULL), *v, *entry;
	const char *k;
	void *tmp;
	char *id = store_conv_id(rowid);

	if (id == NULL) {
		json_decref(state);
		return NULL;
	}
	json_object_foreach_safe(state, tmp, k, v) {
		if (k[0] == '_')
			json_object_del(state, k);
	}
	store_state_set_number(state, number);
	entry = json_pack("{s:s, s:o?, s:I, s:I}", "id", id, "state", state,
	    "first_ts", (json_int_t)first_ts, "last_ts", (json_int_t)last_ts);
	free(id);
	return entry;
}

int
store_schema_parse(const char *s)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	return errno != 0 || *end != '\0' || v > 1000000 ? -1 : (int)v;
}

void
store_arg_text(struct store_args *a, const char *s)
{
	a->text[a->n] = s;
	a->is_num[a->n++] = false;
}

void
store_arg_int(struct store_args *a, int64_t v)
{
	a->num[a->n] = v;
	a->is_num[a->n++] = true;
}

unsigned
store_status_bits(const char *v, const char *const *names, int n)
{
	unsigned bits = 0;
	int i;

	for (i = 0; i < n && v != NULL; i++) {
		if (strcmp(v, names[i]) == 0)
			bits |= 1u << i;
	}
	return bits;
}

char *
store_state_text(const json_t *state)
{
	return json_dumps(state, JSON_COMPACT | JSON_PRESERVE_ORDER);
}

char *
store_append_args(struct store_args *a, int64_t seq, json_t *ev)
{
	char *text;

	if (json_object_set_new(ev, "seq", json_integer(seq)) != 0 ||
	    (text = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER)) == NULL)
		return NULL;
	store_arg_int(a, seq);
	store_arg_int(a, json_integer_value(json_object_get(ev, "ts")));
	store_arg_text(a, json_string_value(json_object_get(ev, "type")));
	store_arg_text(a, json_string_value(json_object_get(ev,
	    "conversation")));
	store_arg_text(a, text);
	return text;
}

char *
store_conv_create_args(struct store_args *a, int64_t contact, int64_t ts,
    const json_t *state)
{
	char *text = store_state_text(state);

	if (text == NULL)
		return NULL;
	store_arg_int(a, contact);
	store_arg_text(a, text);
	store_arg_int(a, ts);
	store_arg_text(a, store_state_number(state));
	return text;
}

char *
store_contact_args(struct store_args *a, const struct relay_contact *c)
{
	char *extra = NULL;

	if (c->extra != NULL)
		extra = json_dumps(c->extra, JSON_COMPACT);
	store_arg_text(a, c->wa_id);
	store_arg_text(a, c->user_id);
	store_arg_text(a, c->username);
	store_arg_text(a, c->name);
	store_arg_text(a, c->conversation);
	store_arg_text(a, extra);
	if (c->id != 0)
		store_arg_int(a, c->id);
	return extra;
}

void
store_outbound_put_args(struct store_args *a, const char *id,
    const char *client_id, const char *conversation, const char *body,
    int64_t now)
{
	store_arg_text(a, id);
	store_arg_text(a, client_id);
	store_arg_text(a, conversation);
	store_arg_text(a, body);
	store_arg_int(a, now);
}

void
store_outbound_set_args(struct store_args *a, struct store_args *b,
    const char *id, enum relay_out_state state, int64_t next_try,
    const char *wamid)
{
	store_arg_int(a, (int64_t)state);
	store_arg_int(a, next_try);
	store_arg_text(a, id);
	store_arg_text(b, wamid);
	store_arg_text(b, id);
}

int
store_conv_row_out(const struct store_conv_row *row, const char *id,
    json_t **state, int64_t *contact, int64_t *first_ts, int64_t *last_ts,
    char *err, size_t errlen)
{
	*state = json_loads(row->state, 0, NULL);
	if (contact != NULL)
		*contact = row->contact;
	if (first_ts != NULL)
		*first_ts = row->first_ts;
	if (last_ts != NULL)
		*last_ts = row->last_ts;
	if (*state == NULL) {
		snprintf(err, errlen, "conversation %s: bad state", id);
		return -1;
	}
	store_state_set_number(*state, row->number);
	return 1;
}

void
store_json_append(json_t *arr, const char *text)
{
	json_t *ev = json_loads(text, 0, NULL);

	if (ev != NULL)
		json_array_append_new(arr, ev);
}

void
store_page_start(struct store_page *p, int64_t after, int limit, char **buf,
    size_t *len, int *count, int64_t *last, bool *more)
{
	p->buf = buf;
	p->len = len;
	p->out = (struct buf){ .s = *buf, .len = *len,
	    .cap = *buf ? *len + 1 : 0 };
	p->count = count;
	p->limit = limit;
	p->last = last;
	p->more = more;
	*count = 0;
	*last = after;
	*more = false;
}

int
store_page_add(struct store_page *p, int64_t seq, const char *json, size_t n)
{
	if (*p->count == p->limit) {
		*p->more = true;
		return 1;
	}
	if (*p->count > 0)
		buf_add(&p->out, ",", 1);
	buf_add(&p->out, json, n);
	/* A failed append leaves the block as it was: still the caller's. */
	*p->buf = p->out.s;
	*p->len = p->out.len;
	if (p->out.failed)
		return -1;
	*p->last = seq;
	(*p->count)++;
	return 0;
}

void
relay_contact_free(struct relay_contact *c)
{
	FREE_ALL(c->wa_id, c->user_id, c->username, c->name, c->conversation);
	json_decref(c->extra);
	memset(c, 0, sizeof *c);
}

void
relay_msgkey_free(struct relay_msgkey *k)
{
	FREE_ALL(k->id, k->wamid, k->conversation);
	memset(k, 0, sizeof *k);
}

void
relay_deferred_free(struct relay_deferred *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		FREE_ALL(d[i].wamid, d[i].status, d[i].extra,
		    d[i].conversation);
	}
	free(d);
}

void
relay_outbound_free(struct relay_outbound *o)
{
	FREE_ALL(o->id, o->conversation, o->body, o->number);
	memset(o, 0, sizeof *o);
}
