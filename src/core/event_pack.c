/*
 * struct td_event <-> a compact binary form, for the TUI's cache: parsing
 * the relay's JSON text again at every start cost far more than
 * decrypting it (docs/cache-format.md, "Packed events").
 *
 * Layout, version 1 (u = unsigned LEB128 varint, i = zigzag varint,
 * s = string: u (length + 1) then the bytes, 0 meaning NULL; strings are
 * UTF-8 without NUL; f = IEEE 754 double, 8 bytes little-endian):
 *
 *	0x01 (format tag)  u type  i seq  i ts  s conversation
 *	s type_name (NULL for a known type: its canonical name)
 *	message:  u direction u kind u status, s id from text caption
 *	          annotation reply_to agent client_id wamid reaction_to
 *	          reaction_emoji, u flags (1 media, 2 location, 4 origin,
 *	          8 history, 16 interactive), [s id mime_type filename sha256
 *	          i size], [f latitude f longitude s name address], [s origin],
 *	          [s type id title description fields], error
 *	          (flags 4, 8 and 16 came later; records without them read
 *	          as before)
 *	status:   s message u status s wamid error
 *	state:    u status s assignee team u priority u has_escalation
 *	          [s team reason by i at] i last_inbound_ts u n s*n
 *	          i snoozed_until i first_response_due i next_response_due
 *	          u breached (bit 1: a number follows) u csat_score i csat_at
 *	          [s number]
 *	contact:  s wa_id user_id username name note u (n + 1, 0 = no
 *	          attributes object) (s key s value)*n
 *	presence: s agent activity i expires
 *	error:    i code s title s details
 *
 * Version 2 (tag 0x02) is version 1 with two more fields at the end of a
 * state: s assigned_by u hidden.  It is written only for a conversation
 * event that has one of them, so builds that know only version 1 still
 * read every other event of a cache written by this one.
 *
 * The reader trusts nothing: every length and count is checked against
 * what is left, enums against their range, and it only accepts what
 * event_parse() could have produced (same required fields, valid UTF-8,
 * finite coordinates), so code behind it sees the same events whichever
 * form the cache held.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "ttydesk/buf.h"
#include "ttydesk/event.h"
#include "ttydesk/sanitize.h"

#define PACK_V1 0x01
#define PACK_V2 0x02 /* state + assigned_by, hidden */
#define PACK_LAST_TAG 0x08 /* 0x01..0x08: packed; JSON never starts so */

#define MEDIA_FLAG 0x1u
#define LOCATION_FLAG 0x2u
/* Added later: caches written before them never set these bits. */
#define ORIGIN_FLAG 0x4u
#define HISTORY_FLAG 0x8u
#define NUMBER_FLAG 0x2u
#define INTERACTIVE_FLAG 0x10u

/* --- writing ------------------------------------------------------------ */

/* Every put_ appends to one struct buf; an allocation failure sticks in
 * it (buf.h), so event_pack() checks once at the end. */
static void
put_u(struct buf *w, uint64_t v)
{
	unsigned char b[10];
	size_t n = 0;

	while (v >= 0x80) {
		b[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	b[n++] = (unsigned char)v;
	buf_add(w, b, n);
}

static void
put_i(struct buf *w, int64_t v)
{
	put_u(w, ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0));
}

static void
put_s(struct buf *w, const char *s)
{
	size_t n;

	if (s == NULL) {
		put_u(w, 0);
		return;
	}
	n = strlen(s);
	put_u(w, (uint64_t)n + 1);
	buf_add(w, s, n);
}

static void
put_f(struct buf *w, double d)
{
	unsigned char b[8];
	uint64_t v;
	int i;

	memcpy(&v, &d, sizeof v);
	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	buf_add(w, b, sizeof b);
}

static void
put_error(struct buf *w, const struct td_error *e)
{
	put_i(w, e->code);
	put_s(w, e->title);
	put_s(w, e->details);
}

static void
pack_message(struct buf *w, const struct td_message *m)
{
	const char *s[] = { m->id, m->from, m->text, m->caption, m->annotation,
	    m->reply_to, m->agent, m->client_id, m->wamid, m->reaction_to,
	    m->reaction_emoji };
	unsigned flags = 0;
	size_t i;

	put_u(w, (uint64_t)m->direction);
	put_u(w, (uint64_t)m->kind);
	put_u(w, (uint64_t)m->status);
	for (i = 0; i < sizeof s / sizeof s[0]; i++)
		put_s(w, s[i]);
	flags |= m->media != NULL ? MEDIA_FLAG : 0;
	flags |= m->location != NULL ? LOCATION_FLAG : 0;
	flags |= m->origin != NULL ? ORIGIN_FLAG : 0;
	flags |= m->history ? HISTORY_FLAG : 0;
	flags |= m->interactive != NULL ? INTERACTIVE_FLAG : 0;
	put_u(w, flags);
	if (m->media != NULL) {
		put_s(w, m->media->id);
		put_s(w, m->media->mime_type);
		put_s(w, m->media->filename);
		put_s(w, m->media->sha256);
		put_i(w, m->media->size < 0 ? -1 : m->media->size);
	}
	if (m->location != NULL) {
		put_f(w, m->location->latitude);
		put_f(w, m->location->longitude);
		put_s(w, m->location->name);
		put_s(w, m->location->address);
	}
	if (m->origin != NULL)
		put_s(w, m->origin);
	if (m->interactive != NULL) {
		put_s(w, m->interactive->type);
		put_s(w, m->interactive->id);
		put_s(w, m->interactive->title);
		put_s(w, m->interactive->description);
		put_s(w, m->interactive->fields);
	}
	put_error(w, &m->error);
}

static bool
state_needs_v2(const struct td_conv_state *st)
{
	return st->assigned_by != NULL || st->hidden;
}

static void
pack_state(struct buf *w, const struct td_conv_state *st)
{
	size_t i, n = 0;

	put_u(w, (uint64_t)st->status);
	put_s(w, st->assignee);
	put_s(w, st->team);
	put_u(w, (uint64_t)st->priority);
	put_u(w, st->has_escalation);
	if (st->has_escalation) {
		put_s(w, st->escalation.team);
		put_s(w, st->escalation.reason);
		put_s(w, st->escalation.by);
		put_i(w, st->escalation.at);
	}
	put_i(w, st->last_inbound_ts);
	/* As event_parse(): empty labels are no labels. */
	for (i = 0; i < st->n_labels; i++)
		n += st->labels[i] != NULL && *st->labels[i] != '\0';
	put_u(w, n);
	for (i = 0; i < st->n_labels; i++) {
		if (st->labels[i] != NULL && *st->labels[i] != '\0')
			put_s(w, st->labels[i]);
	}
	put_i(w, st->snoozed_until);
	put_i(w, st->sla.first_response_due);
	put_i(w, st->sla.next_response_due);
	put_u(w, (st->sla.breached ? 1u : 0u) |
	    (st->number != NULL ? NUMBER_FLAG : 0u));
	put_u(w, st->csat_score >= 1 && st->csat_score <= 5 ?
	    (uint64_t)st->csat_score : 0);
	put_i(w, st->csat_at);
	if (st->number != NULL)
		put_s(w, st->number);
	if (state_needs_v2(st)) {
		put_s(w, st->assigned_by);
		put_u(w, st->hidden);
	}
}

static void
pack_contact(struct buf *w, const struct td_contact *c)
{
	const struct td_attribute *a;
	size_t i, n = 0;

	put_s(w, c->wa_id);
	put_s(w, c->user_id);
	put_s(w, c->username);
	put_s(w, c->name);
	put_s(w, c->note);
	if (c->attributes == NULL) {
		put_u(w, 0);
		return;
	}
	/* Half-set attributes are skipped, as event_to_json() does. */
	for (i = 0; i < c->n_attributes; i++)
		n += c->attributes[i].key != NULL &&
		    c->attributes[i].value != NULL;
	put_u(w, (uint64_t)n + 1);
	for (i = 0; i < c->n_attributes; i++) {
		a = &c->attributes[i];
		if (a->key == NULL || a->value == NULL)
			continue;
		put_s(w, a->key);
		put_s(w, a->value);
	}
}

static void
pack_body(struct buf *w, const struct td_event *ev)
{
	switch (ev->type) {
	case TD_EV_MESSAGE:
		pack_message(w, &ev->u.message);
		break;
	case TD_EV_STATUS:
		put_s(w, ev->u.status.message);
		put_u(w, (uint64_t)ev->u.status.status);
		put_s(w, ev->u.status.wamid);
		put_error(w, &ev->u.status.error);
		break;
	case TD_EV_CONVERSATION:
		pack_state(w, &ev->u.state);
		break;
	case TD_EV_CONTACT:
		pack_contact(w, &ev->u.contact);
		break;
	case TD_EV_PRESENCE:
		put_s(w, ev->u.presence.agent);
		put_s(w, ev->u.presence.activity);
		put_i(w, ev->u.presence.expires);
		break;
	case TD_EV_UNKNOWN:
		break;
	}
}

int
event_pack(const struct td_event *ev, unsigned char **out, size_t *len)
{
	struct buf w = { 0 };
	const char *name = ev->type_name;
	unsigned char version;
	char *p;

	*out = NULL;
	*len = 0;
	if ((unsigned)ev->type > TD_EV_PRESENCE)
		return -1;
	if (ev->type != TD_EV_UNKNOWN)
		name = NULL; /* the reader restores the canonical name */
	else if (name == NULL)
		name = event_type_name(TD_EV_UNKNOWN);
	version = ev->type == TD_EV_CONVERSATION &&
	    state_needs_v2(&ev->u.state) ? PACK_V2 : PACK_V1;
	buf_add(&w, &version, 1);
	put_u(&w, (uint64_t)ev->type);
	put_i(&w, ev->seq);
	put_i(&w, ev->ts);
	put_s(&w, ev->conversation);
	put_s(&w, name);
	pack_body(&w, ev);
	if ((p = buf_take(&w, len)) == NULL) {
		*len = 0;
		return -1;
	}
	*out = (unsigned char *)p;
	return 0;
}

/* --- reading ------------------------------------------------------------ */

struct rbuf {
	const unsigned char *start, *p, *end;
	const char *why; /* first failure; NULL while all is well */
	size_t at;       /* its offset */
	unsigned version; /* the format tag */
};

static int
rfail(struct rbuf *r, const char *why)
{
	if (r->why == NULL) {
		r->why = why;
		r->at = (size_t)(r->p - r->start);
	}
	return -1;
}

/* calloc(), or NULL with "out of memory" noted in r. */
static void *
rcalloc(struct rbuf *r, size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (p == NULL)
		rfail(r, "out of memory");
	return p;
}

static int
get_u(struct rbuf *r, uint64_t *v)
{
	uint64_t x = 0;
	unsigned shift = 0;
	unsigned char b;

	*v = 0; /* defined on every path, also for the caller's error path */
	/* Most numbers (lengths, enums) are one byte. */
	if (r->p != r->end && *r->p < 0x80) {
		*v = *r->p++;
		return 0;
	}
	do {
		if (r->p == r->end)
			return rfail(r, "truncated number");
		b = *r->p;
		/* Ten bytes hold 64 bits; the tenth may only add the top one. */
		if (shift == 63 && b > 1)
			return rfail(r, "number out of range");
		x |= (uint64_t)(b & 0x7f) << shift;
		r->p++;
		shift += 7;
	} while (b & 0x80);
	*v = x;
	return 0;
}

static int
get_i(struct rbuf *r, int64_t *v)
{
	uint64_t u;

	*v = 0;
	if (get_u(r, &u) != 0)
		return -1;
	*v = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
	return 0;
}

/* An unsigned value that must be at most max (enums, flags, booleans). */
static int
get_small(struct rbuf *r, uint64_t max, unsigned *v, const char *what)
{
	uint64_t u;

	*v = 0;
	if (get_u(r, &u) != 0)
		return -1;
	if (u > max)
		return rfail(r, what);
	*v = (unsigned)u;
	return 0;
}

static int
utf8_valid(const unsigned char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ull, high = ones << 7;
	size_t i = 0, k;
	uint64_t w;
	uint32_t cp;

	while (i < n) {
		/* Eight bytes at a time while they are ASCII without NUL (a
		 * zero byte sets its high bit in (w - ones) & ~w). */
		if (n - i >= 8) {
			memcpy(&w, s + i, sizeof w);
			if (((w | ((w - ones) & ~w)) & high) == 0) {
				i += 8;
				continue;
			}
		}
		if (s[i] < 0x80) {
			if (s[i] == 0)
				return 0;
			i++;
			continue;
		}
		k = utf8_decode((const char *)s + i, n - i, &cp);
		/* U+FFFD is also what a bad sequence decodes to. */
		if (cp == 0xfffd && (k != 3 || s[i] != 0xef))
			return 0;
		i += k;
	}
	return 1;
}

/* A string into *out (NULL when absent).  On failure *out stays NULL. */
static int
get_s(struct rbuf *r, char **out)
{
	uint64_t u;
	size_t n;
	char *s;

	*out = NULL;
	if (get_u(r, &u) != 0)
		return -1;
	if (u == 0)
		return 0;
	if (u - 1 > (uint64_t)(r->end - r->p))
		return rfail(r, "string runs past the end");
	n = (size_t)(u - 1);
	if (!utf8_valid(r->p, n))
		return rfail(r, "string is not UTF-8 text");
	if ((s = malloc(n + 1)) == NULL)
		return rfail(r, "out of memory");
	memcpy(s, r->p, n);
	s[n] = '\0';
	r->p += n;
	*out = s;
	return 0;
}

/* A string that must be present and, unless empty_ok, not empty. */
static int
get_s_req(struct rbuf *r, char **out, int empty_ok, const char *why)
{
	if (get_s(r, out) != 0)
		return -1;
	if (*out == NULL || (!empty_ok && **out == '\0'))
		return rfail(r, why);
	return 0;
}

static int
get_f(struct rbuf *r, double *d)
{
	uint64_t v = 0;
	int i;

	if (r->end - r->p < 8)
		return rfail(r, "truncated number");
	for (i = 0; i < 8; i++)
		v |= (uint64_t)r->p[i] << (8 * i);
	r->p += 8;
	memcpy(d, &v, sizeof *d);
	if (!isfinite(*d))
		return rfail(r, "coordinate is not a finite number");
	return 0;
}

static int
get_error(struct rbuf *r, struct td_error *e)
{
	int64_t code;

	if (get_i(r, &code) != 0)
		return -1;
	if (code < INT32_MIN || code > INT32_MAX)
		return rfail(r, "error code out of range");
	e->code = (int)code;
	if (get_s(r, &e->title) != 0 || get_s(r, &e->details) != 0)
		return -1;
	return 0;
}

static int
unpack_media(struct rbuf *r, struct td_message *m)
{
	struct td_media *md = rcalloc(r, 1, sizeof *md);

	if ((m->media = md) == NULL)
		return -1;
	if (get_s(r, &md->id) != 0 || get_s(r, &md->mime_type) != 0 ||
	    get_s(r, &md->filename) != 0 || get_s(r, &md->sha256) != 0 ||
	    get_i(r, &md->size) != 0)
		return -1;
	if (md->size < -1)
		return rfail(r, "negative media size");
	return 0;
}

static int
unpack_location(struct rbuf *r, struct td_message *m)
{
	struct td_location *l = rcalloc(r, 1, sizeof *l);

	if ((m->location = l) == NULL)
		return -1;
	if (get_f(r, &l->latitude) != 0 || get_f(r, &l->longitude) != 0 ||
	    get_s(r, &l->name) != 0 || get_s(r, &l->address) != 0)
		return -1;
	return 0;
}

static int
unpack_interactive(struct rbuf *r, struct td_message *m)
{
	struct td_interactive *x = rcalloc(r, 1, sizeof *x);

	if ((m->interactive = x) == NULL)
		return -1;
	if (get_s(r, &x->type) != 0 || get_s(r, &x->id) != 0 ||
	    get_s(r, &x->title) != 0 || get_s(r, &x->description) != 0 ||
	    get_s(r, &x->fields) != 0)
		return -1;
	/* event_parse() keeps fields only as an object's JSON text. */
	if (x->fields != NULL) {
		json_t *f = json_loads(x->fields, JSON_REJECT_DUPLICATES, NULL);
		int ok = json_is_object(f);

		json_decref(f);
		if (!ok)
			return rfail(r, "interactive fields are not an object");
	}
	/* Only a customer's answer carries this (event_parse()). */
	if (m->direction != TD_DIR_IN)
		return rfail(r, "interactive answer on an outbound message");
	return 0;
}

static int
unpack_message(struct rbuf *r, struct td_message *m)
{
	char **s[] = { &m->from, &m->text, &m->caption, &m->annotation,
	    &m->reply_to, &m->agent, &m->client_id, &m->wamid,
	    &m->reaction_to, &m->reaction_emoji };
	unsigned dir, kind, status, flags;
	size_t i;

	if (get_small(r, TD_DIR_NOTE, &dir, "unknown direction") != 0 ||
	    get_small(r, TD_KIND_UNSUPPORTED, &kind, "unknown kind") != 0 ||
	    get_small(r, TD_MS_FAILED, &status, "unknown status") != 0)
		return -1;
	m->direction = (enum td_direction)dir;
	m->kind = (enum td_msg_kind)kind;
	m->status = (enum td_msg_status)status;
	if (get_s_req(r, &m->id, 0, "message without an id") != 0)
		return -1;
	for (i = 0; i < sizeof s / sizeof s[0]; i++) {
		if (get_s(r, s[i]) != 0)
			return -1;
	}
	if (get_small(r, MEDIA_FLAG | LOCATION_FLAG | ORIGIN_FLAG |
	    HISTORY_FLAG | INTERACTIVE_FLAG, &flags,
	    "unknown message flags") != 0)
		return -1;
	if ((flags & MEDIA_FLAG) && unpack_media(r, m) != 0)
		return -1;
	if ((flags & LOCATION_FLAG) && unpack_location(r, m) != 0)
		return -1;
	if ((flags & ORIGIN_FLAG) && get_s(r, &m->origin) != 0)
		return -1;
	m->history = (flags & HISTORY_FLAG) != 0;
	if ((flags & INTERACTIVE_FLAG) && unpack_interactive(r, m) != 0)
		return -1;
	return get_error(r, &m->error);
}

static int
unpack_status(struct rbuf *r, struct td_status_update *s)
{
	unsigned status;

	if (get_s_req(r, &s->message, 0, "status without a message id") != 0 ||
	    get_small(r, TD_MS_FAILED, &status, "unknown status") != 0)
		return -1;
	s->status = (enum td_msg_status)status;
	if (get_s(r, &s->wamid) != 0)
		return -1;
	return get_error(r, &s->error);
}

static int
unpack_labels(struct rbuf *r, struct td_conv_state *st)
{
	uint64_t n;

	if (get_u(r, &n) != 0)
		return -1;
	if (n == 0)
		return 0;
	/* A label takes two bytes at least: refuse before allocating. */
	if (n > (uint64_t)(r->end - r->p) / 2)
		return rfail(r, "label count runs past the end");
	if ((st->labels = rcalloc(r, (size_t)n, sizeof *st->labels)) == NULL)
		return -1;
	while (st->n_labels < n) {
		if (get_s_req(r, &st->labels[st->n_labels], 0,
		    "empty label") != 0) {
			/* A present but empty label is allocated: count it. */
			if (st->labels[st->n_labels] != NULL)
				st->n_labels++;
			return -1;
		}
		st->n_labels++;
	}
	return 0;
}

static int
unpack_state(struct rbuf *r, struct td_conv_state *st)
{
	unsigned status, prio, esc, breached, csat, hidden;

	if (get_small(r, TD_CS_SNOOZED, &status, "unknown conversation "
	    "status") != 0)
		return -1;
	st->status = (enum td_conv_status)status;
	if (get_s(r, &st->assignee) != 0 || get_s(r, &st->team) != 0 ||
	    get_small(r, TD_PRIO_URGENT, &prio, "unknown priority") != 0 ||
	    get_small(r, 1, &esc, "bad escalation flag") != 0)
		return -1;
	st->priority = (enum td_priority)prio;
	st->has_escalation = esc != 0;
	if (esc && (get_s(r, &st->escalation.team) != 0 ||
	    get_s(r, &st->escalation.reason) != 0 ||
	    get_s(r, &st->escalation.by) != 0 ||
	    get_i(r, &st->escalation.at) != 0))
		return -1;
	if (get_i(r, &st->last_inbound_ts) != 0 || unpack_labels(r, st) != 0 ||
	    get_i(r, &st->snoozed_until) != 0 ||
	    get_i(r, &st->sla.first_response_due) != 0 ||
	    get_i(r, &st->sla.next_response_due) != 0 ||
	    get_small(r, 1 | NUMBER_FLAG, &breached, "bad breached flag") != 0 ||
	    get_small(r, 5, &csat, "CSAT score out of range") != 0 ||
	    get_i(r, &st->csat_at) != 0)
		return -1;
	if ((breached & NUMBER_FLAG) && get_s(r, &st->number) != 0)
		return -1;
	st->sla.breached = (breached & 1u) != 0;
	st->csat_score = (int)csat;
	if (r->version < PACK_V2)
		return 0;
	if (get_s(r, &st->assigned_by) != 0 ||
	    get_small(r, 1, &hidden, "bad hidden flag") != 0)
		return -1;
	st->hidden = hidden != 0;
	/* The writer uses version 2 only when it needs it. */
	if (!state_needs_v2(st))
		return rfail(r, "version 2 state without its fields");
	return 0;
}

static int
unpack_attributes(struct rbuf *r, struct td_contact *c)
{
	struct td_attribute *a;
	uint64_t n;

	if (get_u(r, &n) != 0)
		return -1;
	if (n-- == 0)
		return 0;
	/* A key and a value take two bytes at least. */
	if (n > (uint64_t)(r->end - r->p) / 2)
		return rfail(r, "attribute count runs past the end");
	/* One more than needed so that an empty object is not NULL. */
	if ((c->attributes = rcalloc(r, (size_t)n + 1, sizeof *a)) == NULL)
		return -1;
	while (c->n_attributes < n) {
		a = &c->attributes[c->n_attributes];
		if (get_s_req(r, &a->key, 1, "attribute without a key") != 0 ||
		    get_s_req(r, &a->value, 1, "attribute without a value")) {
			/* Free what this entry got: contact_free() stops at
			 * n_attributes. */
			free(a->key);
			free(a->value);
			a->key = a->value = NULL;
			return -1;
		}
		c->n_attributes++;
	}
	return 0;
}

static int
unpack_contact(struct rbuf *r, struct td_contact *c)
{
	if (get_s(r, &c->wa_id) != 0 || get_s(r, &c->user_id) != 0 ||
	    get_s(r, &c->username) != 0 || get_s(r, &c->name) != 0 ||
	    get_s(r, &c->note) != 0)
		return -1;
	return unpack_attributes(r, c);
}

static int
unpack_presence(struct rbuf *r, struct td_presence *pr)
{
	if (get_s_req(r, &pr->agent, 1, "presence without an agent") != 0 ||
	    get_s_req(r, &pr->activity, 1, "presence without an activity") != 0)
		return -1;
	return get_i(r, &pr->expires);
}

static int
unpack_body(struct rbuf *r, struct td_event *ev)
{
	switch (ev->type) {
	case TD_EV_MESSAGE:
		return unpack_message(r, &ev->u.message);
	case TD_EV_STATUS:
		return unpack_status(r, &ev->u.status);
	case TD_EV_CONVERSATION:
		return unpack_state(r, &ev->u.state);
	case TD_EV_CONTACT:
		return unpack_contact(r, &ev->u.contact);
	case TD_EV_PRESENCE:
		return unpack_presence(r, &ev->u.presence);
	case TD_EV_UNKNOWN:
		break;
	}
	return 0;
}

static int
unpack_type_name(struct rbuf *r, struct td_event *ev)
{
	if (get_s(r, &ev->type_name) != 0)
		return -1;
	if (ev->type != TD_EV_UNKNOWN) {
		if (ev->type_name != NULL)
			return rfail(r, "type name for a known type");
		ev->type_name = strdup(event_type_name(ev->type));
		return ev->type_name == NULL ? rfail(r, "out of memory") : 0;
	}
	if (ev->type_name == NULL || *ev->type_name == '\0' ||
	    event_type_from_name(ev->type_name) != TD_EV_UNKNOWN)
		return rfail(r, "bad type name for an unknown type");
	return 0;
}

static int
unpack_envelope(struct rbuf *r, struct td_event *ev)
{
	unsigned type;

	if (get_small(r, TD_EV_PRESENCE, &type, "unknown event type") != 0)
		return -1;
	ev->type = (enum td_event_type)type;
	if (get_i(r, &ev->seq) != 0 || get_i(r, &ev->ts) != 0)
		return -1;
	if (ev->seq < 0)
		return rfail(r, "negative seq");
	if (get_s_req(r, &ev->conversation, 0,
	    "event without a conversation") != 0)
		return -1;
	return unpack_type_name(r, ev);
}

static void
event_unpack_refuse(const unsigned char *buf, size_t len, char *err,
    size_t errlen)
{
	if (err == NULL || errlen == 0)
		return;
	if (len == 0)
		snprintf(err, errlen, "packed event: %s", "empty");
	else if (event_is_packed(buf, len))
		snprintf(err, errlen, "packed event: format %u is newer than "
		    "this ttydesk", (unsigned)buf[0]);
	else
		snprintf(err, errlen, "packed event: not a packed event "
		    "(first byte %u)", (unsigned)buf[0]);
}

int
event_unpack(const unsigned char *buf, size_t len, struct td_event *out,
    char *err, size_t errlen)
{
	struct rbuf r = { buf, buf, buf + len, NULL, 0, 0 };

	memset(out, 0, sizeof *out);
	if (err != NULL && errlen > 0)
		*err = '\0';
	if (len == 0 || (buf[0] != PACK_V1 && buf[0] != PACK_V2)) {
		event_unpack_refuse(buf, len, err, errlen);
		return -1;
	}
	r.version = *r.p++;
	if (unpack_envelope(&r, out) != 0 || unpack_body(&r, out) != 0)
		goto fail;
	if (r.p != r.end) {
		rfail(&r, "trailing bytes");
		goto fail;
	}
	return 0;
fail:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "packed event: %s at byte %zu", r.why,
		    r.at);
	event_free(out);
	memset(out, 0, sizeof *out);
	return -1;
}

int
event_decode_any(const void *buf, size_t len, struct td_event *out,
    char *err, size_t errlen)
{
	if (event_is_packed(buf, len))
		return event_unpack(buf, len, out, err, errlen);
	return event_parse_text(buf, len, out, err, errlen);
}

bool
event_is_packed(const void *buf, size_t len)
{
	const unsigned char *b = buf;

	return len > 0 && b[0] >= 0x01 && b[0] <= PACK_LAST_TAG;
}
