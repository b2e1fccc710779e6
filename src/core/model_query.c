/* Read-only questions about the model: queues, search, the 24-hour window,
 * display names. */
#include <stdlib.h>
#include <string.h>

#include "model_int.h"

static bool
str_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static bool
state_has_label(const struct td_conv_state *st, const char *label)
{
	size_t i;

	for (i = 0; label != NULL && i < st->n_labels; i++) {
		if (strcmp(st->labels[i], label) == 0)
			return true;
	}
	return false;
}

bool
conversation_in_queue(const struct td_model *m,
    const struct td_conversation *c, const struct td_queue *q)
{
	enum td_conv_status s = c->state.status;
	bool active = s != TD_CS_RESOLVED && s != TD_CS_SNOOZED;

	switch (q->kind) {
	case TD_Q_MINE:
		return active && str_eq(c->state.assignee, m->self);
	case TD_Q_UNASSIGNED:
		return c->state.assignee == NULL &&
		    (s == TD_CS_OPEN || s == TD_CS_PENDING);
	case TD_Q_TEAM:
		return active && str_eq(c->state.team, q->team);
	case TD_Q_ESCALATED:
		return s == TD_CS_ESCALATED;
	case TD_Q_ALL:
		return active;
	case TD_Q_RESOLVED:
		return s == TD_CS_RESOLVED;
	case TD_Q_SNOOZED:
		return s == TD_CS_SNOOZED;
	case TD_Q_LABEL:
		return state_has_label(&c->state, q->label);
	}
	return false;
}

/* Newest activity first; ties by id so the order is stable. */
static int
queue_cmp(const void *a, const void *b)
{
	const struct td_conversation *x = *(struct td_conversation *const *)a;
	const struct td_conversation *y = *(struct td_conversation *const *)b;

	if (x->last_activity != y->last_activity)
		return x->last_activity > y->last_activity ? -1 : 1;
	return strcmp(x->id, y->id);
}

size_t
model_queue(const struct td_model *m, const struct td_queue *q,
    struct td_conversation ***out)
{
	struct td_conversation **v;
	size_t i, n = 0;

	*out = NULL;
	if ((v = malloc((m->n + 1) * sizeof *v)) == NULL)
		return (size_t)-1;
	for (i = 0; i < m->n; i++) {
		if (conversation_in_queue(m, m->convs[i], q))
			v[n++] = m->convs[i];
	}
	qsort(v, n, sizeof *v, queue_cmp);
	*out = v;
	return n;
}

size_t
model_queue_count(const struct td_model *m, const struct td_queue *q)
{
	size_t i, n = 0;

	for (i = 0; i < m->n; i++) {
		if (conversation_in_queue(m, m->convs[i], q))
			n++;
	}
	return n;
}

/* Folded byte at s[i]: ASCII A-Z and the Latin-1 capitals U+00C0..U+00DE
 * (but U+00D7) lower-cased.  Both forms of the Latin-1 letters are two
 * bytes (C3 80..9E -> C3 A0..BE), so folding keeps byte offsets. */
static unsigned char
fold_at(const unsigned char *s, size_t i)
{
	unsigned char b = s[i];

	if (b >= 'A' && b <= 'Z')
		return (unsigned char)(b + 32);
	if (i > 0 && s[i - 1] == 0xc3 && b >= 0x80 && b <= 0x9e && b != 0x97)
		return (unsigned char)(b + 0x20);
	return b;
}

/* Candidates are found with strpbrk() on the needle's first byte in both
 * cases (the first byte of valid UTF-8 is never a continuation, so
 * folding it needs no context); the rest is compared folded. */
static bool
text_contains(const char *hay, const unsigned char *needle, size_t nlen)
{
	const unsigned char *h = (const unsigned char *)hay;
	char set[3];
	const char *p;
	size_t i, k;

	if (hay == NULL)
		return false;
	set[0] = (char)needle[0];
	set[1] = needle[0] >= 'a' && needle[0] <= 'z' ?
	    (char)(needle[0] - 32) : '\0';
	set[2] = '\0';
	for (p = strpbrk(hay, set); p != NULL; p = strpbrk(p + 1, set)) {
		i = (size_t)(p - hay);
		for (k = 1; k < nlen && h[i + k] != '\0' &&
		    fold_at(h, i + k) == needle[k]; k++)
			;
		if (k == nlen)
			return true;
	}
	return false;
}

static bool
contact_matches(const struct td_contact *ct, const unsigned char *n,
    size_t len)
{
	if (text_contains(ct->name, n, len) ||
	    text_contains(ct->username, n, len) ||
	    text_contains(ct->user_id, n, len) ||
	    text_contains(ct->wa_id, n, len))
		return true;
	/* "+1 555..." typed by an agent vs the wa_id "1555...". */
	return len > 1 && n[0] == '+' &&
	    text_contains(ct->wa_id, n + 1, len - 1);
}

bool
conversation_matches(const struct td_conversation *c, const char *needle)
{
	unsigned char buf[256], *n = buf;
	size_t len, i;
	bool found = false;

	if (needle == NULL || *needle == '\0')
		return true;
	len = strlen(needle);
	if (len >= sizeof buf && (n = malloc(len + 1)) == NULL)
		return false;
	for (i = 0; i < len; i++)
		n[i] = fold_at((const unsigned char *)needle, i);
	n[len] = '\0';
	found = contact_matches(&c->contact, n, len);
	for (i = 0; !found && i < c->n_messages; i++) {
		const struct td_message *msg = &c->messages[i]->m;

		found = text_contains(msg->text, n, len) ||
		    text_contains(msg->caption, n, len) ||
		    (msg->media != NULL &&
		    text_contains(msg->media->filename, n, len));
	}
	if (n != buf)
		free(n);
	return found;
}

int64_t
conversation_last_inbound(const struct td_conversation *c)
{
	int64_t t = CONV_PRIV(c)->newest_in_ts;

	return c->state.last_inbound_ts > t ? c->state.last_inbound_ts : t;
}

bool
conversation_window_open(const struct td_conversation *c, int64_t now,
    int64_t *left)
{
	int64_t last = conversation_last_inbound(c);
	int64_t end = last + TD_WINDOW_SECONDS;
	bool open = last > 0 && now < end;

	if (left != NULL)
		*left = open ? end - now : 0;
	return open;
}

static bool
nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

const char *
contact_display_name(const struct td_contact *c)
{
	if (c == NULL)
		return "";
	if (nonempty(c->name))
		return c->name;
	if (nonempty(c->username))
		return c->username;
	if (nonempty(c->wa_id))
		return c->wa_id;
	if (nonempty(c->user_id))
		return c->user_id;
	return "";
}

const char *
conversation_display_name(const struct td_conversation *c)
{
	const char *s = contact_display_name(&c->contact);
	size_t i;

	if (*s != '\0')
		return s;
	/* No contact event yet: the sender id as the relay gave it. */
	for (i = c->n_messages; i > 0; i--) {
		const struct td_message *msg = &c->messages[i - 1]->m;

		if (msg->direction == TD_DIR_IN && nonempty(msg->from))
			return msg->from;
	}
	return c->id;
}
