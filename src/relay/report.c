/*
 * report_run(): see report.h.  One pass over the message and
 * conversation events in seq order follows every conversation through
 * its episodes (from a customer's message to the resolution), then the
 * episodes that started in the range are grouped and summed up.
 *
 * The log is read as text: a million messages must take well under two
 * seconds, so the few fields needed are picked out of each event by a
 * small walker over the top-level keys instead of parsing whole events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hours.h"
#include "ttydesk/freeall.h"
#include "ttydesk/vec.h"
#include "report.h"
#include "store_common.h"
#include "store_window.h"

#define REPORT_NONE_KEY "(none)"

/* ---- the JSON walker ------------------------------------------------ */

static const char *
rj_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* The character after the string at p (its opening quote), or NULL. */
static const char *
rj_skip_string(const char *p)
{
	const char *q = p + 1, *b;

	/* A quote ends the string unless an odd run of backslashes escapes
	 * it; strchr is the fastest scan there is. */
	while ((q = strchr(q, '"')) != NULL) {
		for (b = q; b > p + 1 && b[-1] == '\\'; b--)
			;
		if ((q - b) % 2 == 0)
			return q + 1;
		q++;
	}
	return NULL;
}

/* The character after the JSON value at p (NULL when malformed). */
static const char *
rj_skip(const char *p)
{
	int depth = 0;

	do {
		if (*p == '"') {
			if ((p = rj_skip_string(p)) == NULL)
				return NULL;
		} else if (*p == '{' || *p == '[') {
			depth++;
			p++;
		} else if (*p == '}' || *p == ']') {
			if (--depth < 0)
				return NULL;
			p++;
		} else if (*p == '\0') {
			return NULL;
		} else if (depth > 0) {
			p++;
		} else {
			while (*p != '\0' && *p != ',' && *p != '}' && *p != ']')
				p++;
		}
	} while (depth > 0);
	return p;
}

/* A key asked of rj_fields(), its length counted once. */
struct rj_key {
	const char *name;
	size_t len;
};
#define RJ_KEY(s) { (s), sizeof(s) - 1 }

/* The values of several top-level keys of the object at obj, in one pass
 * (a log event's objects are read once, whatever is asked of them):
 * out[i] is the value of keys[i], or NULL when absent (or after a
 * malformed part).  -1 when obj is not an object. */
static int
rj_fields(const char *obj, const struct rj_key *keys, size_t n,
    const char **out)
{
	const char *p, *k, *v;
	size_t i, klen, left = n;

	for (i = 0; i < n; i++)
		out[i] = NULL;
	if (obj == NULL || *(p = rj_ws(obj)) != '{')
		return -1;
	for (p = rj_ws(p + 1); *p == '"'; p = rj_ws(p + 1)) {
		k = p + 1;
		if ((p = rj_skip(p)) == NULL)
			break;
		klen = (size_t)(p - k - 1);
		p = rj_ws(p);
		if (*p != ':')
			break;
		v = rj_ws(p + 1);
		for (i = 0; i < n; i++) {
			if (out[i] == NULL && keys[i].len == klen &&
			    memcmp(keys[i].name, k, klen) == 0) {
				out[i] = v;
				left--;
				break;
			}
		}
		if (left == 0)
			return 0;
		if ((p = rj_skip(v)) == NULL)
			break;
		p = rj_ws(p);
		if (*p != ',')
			break;
	}
	return 0;
}

/* The value of top-level key in the object at obj, or NULL. */
static const char *
rj_get(const char *obj, const char *key)
{
	const struct rj_key k = { key, strlen(key) };
	const char *v;

	return rj_fields(obj, &k, 1, &v) == 0 ? v : NULL;
}

/* A string value's text (ids and names: taken as written), or NULL for
 * null, absence and anything else. */
static const char *
rj_str(const char *v, size_t *len)
{
	const char *e;

	if (v == NULL || *v != '"' || (e = rj_skip(v)) == NULL)
		return NULL;
	*len = (size_t)(e - v - 2);
	return v + 1;
}

static int64_t
rj_int(const char *v)
{
	return v != NULL && (*v == '-' || (*v >= '0' && *v <= '9')) ?
	    strtoll(v, NULL, 10) : 0;
}

/* ---- one pass over the log ------------------------------------------ */

struct rep_episode {
	int64_t start;     /* the customer's first message */
	int64_t first;     /* first agent reply, 0: none yet */
	int64_t done;      /* resolved, 0: not yet */
	int agent;         /* assignee (name index), -1: none */
	int responder;     /* who replied first, -1: none or unknown */
	int team;
	int number;
	int prio;
	int csat;          /* 1..5, 0: none */
};

struct rep_conv {
	size_t ep;         /* open episode + 1, 0: none */
	size_t last;       /* the latest episode + 1 */
	int64_t pending;   /* a message while resolved: reopening or CSAT */
	int64_t csat_at;
	int assignee, team, number, prio;
	int resolved;
};

struct rep_scan {
	struct rep_conv *convs;   /* by conversation row number */
	size_t n_convs;
	struct rep_episode *eps;
	size_t n_eps, cap_eps;
	char **names;             /* agents, teams, numbers seen */
	size_t *name_len;
	size_t n_names;
	int failed;
};

/* The index of a name (interned), -1 for none or out of memory. */
static int
rep_name(struct rep_scan *s, const char *v, size_t len)
{
	char **nv, *copy;
	size_t i, *nl;

	if (v == NULL)
		return -1;
	for (i = 0; i < s->n_names; i++) {
		if (s->name_len[i] == len && memcmp(s->names[i], v, len) == 0)
			return (int)i;
	}
	if ((nv = realloc(s->names, (s->n_names + 1) * sizeof *nv)) == NULL)
		return -1;
	s->names = nv;
	if ((nl = realloc(s->name_len, (s->n_names + 1) * sizeof *nl)) == NULL)
		return -1;
	s->name_len = nl;
	if ((copy = strndup(v, len)) == NULL)
		return -1;
	s->names[s->n_names] = copy;
	s->name_len[s->n_names] = len;
	return (int)s->n_names++;
}

/* The name index of a string value (-1: null, absent, not a string);
 * was, the index the conversation had before, is tried first (a state
 * mostly repeats the one before it). */
static int
rep_name_of(struct rep_scan *s, const char *v, int was)
{
	size_t len = 0;
	const char *t = rj_str(v, &len);

	if (t != NULL && was >= 0 && s->name_len[was] == len &&
	    memcmp(s->names[was], t, len) == 0)
		return was;
	return rep_name(s, t, len);
}

static struct rep_conv *
rep_conv(struct rep_scan *s, const char *id)
{
	int64_t row = store_conv_rowid(id);
	size_t n;

	if (row <= 0)
		return NULL;
	if ((size_t)row >= s->n_convs) {
		struct rep_conv *nc;

		n = (size_t)row * 2 + 64;
		if ((nc = realloc(s->convs, n * sizeof *nc)) == NULL) {
			s->failed = 1;
			return NULL;
		}
		memset(nc + s->n_convs, 0, (n - s->n_convs) * sizeof *nc);
		for (size_t i = s->n_convs; i < n; i++)
			nc[i].assignee = nc[i].team = nc[i].number = -1;
		s->convs = nc;
		s->n_convs = n;
	}
	return &s->convs[row];
}

static void
rep_open(struct rep_scan *s, struct rep_conv *c, int64_t ts)
{
	struct rep_episode *e;

	if (s->n_eps == s->cap_eps) {
		size_t n = s->cap_eps ? s->cap_eps * 2 : 1024;
		struct rep_episode *ne = realloc(s->eps, n * sizeof *ne);

		if (ne == NULL) {
			s->failed = 1;
			return;
		}
		s->eps = ne;
		s->cap_eps = n;
	}
	e = &s->eps[s->n_eps++];
	memset(e, 0, sizeof *e);
	e->start = ts;
	e->agent = c->assignee;
	e->responder = -1;
	e->team = c->team;
	e->number = c->number;
	e->prio = c->prio;
	c->ep = c->last = s->n_eps;
}

static int
rep_priority(const char *v)
{
	size_t len = 0;
	const char *p = rj_str(v, &len);

	if (p != NULL && len == 6 && memcmp(p, "urgent", 6) == 0)
		return 2;
	if (p != NULL && len == 4 && memcmp(p, "high", 4) == 0)
		return 1;
	return 0;
}

static void
rep_on_message(struct rep_scan *s, struct rep_conv *c, int64_t ts,
    const char *json)
{
	static const struct rj_key keys[] = { RJ_KEY("direction"),
	    RJ_KEY("history"), RJ_KEY("agent"), RJ_KEY("origin") };
	const char *f[4], *dir;
	size_t len = 0;

	if (rj_fields(rj_get(json, "message"), keys, 4, f) != 0)
		return;
	/* Imported history never starts a clock nor answers one. */
	if ((f[1] != NULL && *f[1] == 't') ||
	    (dir = rj_str(f[0], &len)) == NULL)
		return;
	if (len == 2 && memcmp(dir, "in", 2) == 0) {
		if (c->ep == 0 && !c->resolved)
			rep_open(s, c, ts);
		else if (c->ep == 0)
			c->pending = ts;
	} else if (len == 3 && memcmp(dir, "out", 3) == 0 && c->ep > 0) {
		struct rep_episode *e = &s->eps[c->ep - 1];
		const char *agent = rj_str(f[2], &len);
		size_t olen = 0;
		const char *origin = rj_str(f[3], &olen);

		/* A person answered: an agent through the API, or someone in
		 * the WhatsApp Business app; automatic messages do not. */
		if (e->first != 0 || (agent == NULL && origin == NULL))
			return;
		e->first = ts > e->start ? ts : e->start;
		e->responder = rep_name(s, agent, len);
	}
}

static void
rep_on_state(struct rep_scan *s, struct rep_conv *c, int64_t ts,
    const char *json)
{
	static const struct rj_key keys[] = { RJ_KEY("status"),
	    RJ_KEY("assignee"), RJ_KEY("team"), RJ_KEY("number"),
	    RJ_KEY("priority"), RJ_KEY("csat") };
	const char *f[6], *status, *csat;
	size_t len = 0;
	int64_t at;

	if (rj_fields(rj_get(json, "state"), keys, 6, f) != 0 ||
	    (status = rj_str(f[0], &len)) == NULL)
		return;
	c->resolved = len == 8 && memcmp(status, "resolved", 8) == 0;
	c->assignee = rep_name_of(s, f[1], c->assignee);
	c->team = rep_name_of(s, f[2], c->team);
	c->number = rep_name_of(s, f[3], c->number);
	c->prio = rep_priority(f[4]);
	if (c->pending != 0 && !c->resolved && c->ep == 0)
		rep_open(s, c, c->pending);
	c->pending = 0;
	if (c->ep > 0) {
		struct rep_episode *e = &s->eps[c->ep - 1];

		e->agent = c->assignee;
		e->team = c->team;
		e->number = c->number;
		e->prio = c->prio;
		if (c->resolved) {
			e->done = ts > e->start ? ts : e->start;
			c->ep = 0;
		}
	}
	csat = f[5];
	at = rj_int(rj_get(csat, "at"));
	if (csat != NULL && at != c->csat_at && c->last > 0) {
		int score = (int)rj_int(rj_get(csat, "score"));

		c->csat_at = at;
		if (score >= 1 && score <= 5)
			s->eps[c->last - 1].csat = score;
	}
}

static int
rep_event(void *ctx, int64_t ts, const char *type, const char *conv,
    const char *json, size_t len)
{
	struct rep_scan *s = ctx;
	struct rep_conv *c = rep_conv(s, conv);

	(void)len;
	if (s->failed)
		return -1;
	if (c == NULL)
		return 0;
	if (strcmp(type, "message") == 0)
		rep_on_message(s, c, ts, json);
	else
		rep_on_state(s, c, ts, json);
	return s->failed ? -1 : 0;
}

static void
rep_scan_free(struct rep_scan *s)
{
	vec_free(&s->names, &s->n_names, sizeof *s->names, vec_clear_str);
	FREE_ALL(s->name_len, s->convs, s->eps);
}

/* ---- figures -------------------------------------------------------- */

/* Business hours of a team (NULL: always open, as for no team or a
 * team no longer configured). */
static const struct hours *
rep_hours(const struct relay_config *cfg, const struct rep_scan *s, int team)
{
	const struct relay_team *t = team >= 0 ?
	    config_find_team(cfg, s->names[team]) : NULL;

	return t != NULL ? t->hours : NULL;
}

/* Open seconds in [from, to) by h. */
static int64_t
rep_business(const struct hours *h, int64_t from, int64_t to)
{
	return to > from ? hours_business_between(h, from, to) : 0;
}

struct rep_group {
	int64_t conversations, resolved, sla_met, sla_decided, csat_sum,
	    csat_count;
	int64_t *fr, *res;     /* durations, for the percentiles */
	size_t n_fr, n_res;
};

/* Nearest rank: the smallest value with at least p % at or below it. */
static json_t *
rep_percentile(int64_t *v, size_t n, int p)
{
	size_t rank;

	if (n == 0)
		return json_null();
	rank = (n * (size_t)p + 99) / 100;
	return json_integer(v[(rank > 0 ? rank : 1) - 1]);
}

static int
rep_cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* num / den rounded half up to 1 / scale. */
static double
rep_round(int64_t num, int64_t den, int64_t scale)
{
	int64_t units = (num * scale * 2 + den) / (den * 2);

	return (double)units / (double)scale;
}

static json_t *
rep_group_json(struct rep_group *g, const char *key)
{
	json_t *o;

	qsort(g->fr, g->n_fr, sizeof *g->fr, rep_cmp64);
	qsort(g->res, g->n_res, sizeof *g->res, rep_cmp64);
	o = json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:I}",
	    "conversations", (json_int_t)g->conversations,
	    "resolved", (json_int_t)g->resolved,
	    "first_response_p50", rep_percentile(g->fr, g->n_fr, 50),
	    "first_response_p90", rep_percentile(g->fr, g->n_fr, 90),
	    "resolution_p50", rep_percentile(g->res, g->n_res, 50),
	    "sla_met_pct", g->sla_decided == 0 ? json_null() :
	    json_real(rep_round(g->sla_met * 100, g->sla_decided, 10)),
	    "csat_avg", g->csat_count == 0 ? json_null() :
	    json_real(rep_round(g->csat_sum, g->csat_count, 100)),
	    "csat_count", (json_int_t)g->csat_count);
	if (o != NULL && key != NULL)
		json_object_set_new(o, "key", json_string(key));
	return o;
}

static void
rep_group_add(struct rep_group *g, const struct rep_episode *e,
    const struct hours *h, int64_t target, int64_t now)
{
	g->conversations++;
	if (e->first != 0)
		g->fr[g->n_fr++] = rep_business(h, e->start, e->first);
	if (e->done != 0) {
		g->resolved++;
		g->res[g->n_res++] = rep_business(h, e->start, e->done);
	}
	if (target > 0) {
		int64_t took = rep_business(h, e->start, e->first != 0 ?
		    e->first : now);

		/* Unanswered and still inside its target: not decided. */
		if (e->first != 0 || took > target) {
			g->sla_decided++;
			g->sla_met += e->first != 0 && took <= target;
		}
	}
	if (e->csat > 0) {
		g->csat_sum += e->csat;
		g->csat_count++;
	}
}

static void
rep_group_free(struct rep_group *g)
{
	free(g->fr);
	free(g->res);
}

struct rep_item {
	char key[32 + 64];
	size_t ep;
};

static int
rep_item_cmp(const void *a, const void *b)
{
	const struct rep_item *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : (x->ep > y->ep) - (x->ep < y->ep);
}

static void
rep_key(const struct rep_scan *s, const struct rep_episode *e,
    enum report_by by, char *buf, size_t len)
{
	int name = by == REPORT_BY_TEAM ? e->team : by == REPORT_BY_NUMBER ?
	    e->number : e->agent >= 0 ? e->agent : e->responder;
	time_t t = (time_t)e->start;
	struct tm tm;

	if (by == REPORT_BY_DAY) {
		gmtime_r(&t, &tm);
		strftime(buf, len, "%Y-%m-%d", &tm);
	} else if (by == REPORT_BY_NUMBER && name < 0) {
		snprintf(buf, len, "main"); /* from before numbers */
	} else {
		snprintf(buf, len, "%s", name >= 0 ? s->names[name] :
		    REPORT_NONE_KEY);
	}
}

static int
rep_group_alloc(struct rep_group *g, size_t n)
{
	memset(g, 0, sizeof *g);
	g->fr = malloc((n ? n : 1) * sizeof *g->fr);
	g->res = malloc((n ? n : 1) * sizeof *g->res);
	return g->fr != NULL && g->res != NULL ? 0 : -1;
}

/* The answer from the episodes of s that started in the range. */
static json_t *
rep_summarize(const struct rep_scan *s, const struct relay_config *cfg,
    const struct report_query *q)
{
	struct rep_item *items = malloc((s->n_eps ? s->n_eps : 1) *
	    sizeof *items);
	struct rep_group total, g;
	json_t *rows = json_array(), *out = NULL;
	size_t n = 0, i, j;

	memset(&g, 0, sizeof g);
	memset(&total, 0, sizeof total);
	if (items == NULL || rows == NULL ||
	    rep_group_alloc(&total, s->n_eps) != 0)
		goto out;
	for (i = 0; i < s->n_eps; i++) {
		if (s->eps[i].start < q->from || s->eps[i].start > q->to)
			continue;
		rep_key(s, &s->eps[i], q->by, items[n].key, sizeof items[n].key);
		items[n++].ep = i;
	}
	qsort(items, n, sizeof *items, rep_item_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && strcmp(items[j].key, items[i].key) == 0; j++)
			;
		if (rep_group_alloc(&g, j - i) != 0)
			goto out;
		for (size_t k = i; k < j; k++) {
			const struct rep_episode *e = &s->eps[items[k].ep];
			const struct hours *h = rep_hours(cfg, s, e->team);
			int64_t target = cfg->sla_first_prio[e->prio];

			rep_group_add(&g, e, h, target, q->now);
			rep_group_add(&total, e, h, target, q->now);
		}
		json_array_append_new(rows, rep_group_json(&g, items[i].key));
		rep_group_free(&g);
		memset(&g, 0, sizeof g);
	}
	out = json_pack("{s:O, s:o}", "rows", rows, "totals",
	    rep_group_json(&total, NULL));
out:
	rep_group_free(&g);
	rep_group_free(&total);
	json_decref(rows);
	free(items);
	return out;
}

int
report_by_parse(const char *s, enum report_by *by)
{
	static const char *const names[] = { "agent", "team", "number", "day" };
	int i;

	if (s == NULL) {
		*by = REPORT_BY_AGENT;
		return 0;
	}
	for (i = 0; i < 4; i++) {
		if (strcmp(s, names[i]) == 0) {
			*by = (enum report_by)i;
			return 0;
		}
	}
	return -1;
}

json_t *
report_run(struct relay_store *st, const struct relay_config *cfg,
    const struct report_query *q, char *err, size_t errlen)
{
	struct rep_scan s;
	json_t *out = NULL;
	int rc;

	memset(&s, 0, sizeof s);
	if (relay_store_read_begin(st) != 0) {
		snprintf(err, errlen, "cannot read the event log: %s",
		    relay_store_error(st));
		return NULL;
	}
	rc = relay_store_scan_events(st, rep_event, &s);
	if (rc != 0)
		snprintf(err, errlen, "%s", s.failed ? "out of memory" :
		    relay_store_error(st));
	relay_store_read_end(st);
	if (rc == 0 && (out = rep_summarize(&s, cfg, q)) == NULL)
		snprintf(err, errlen, "out of memory");
	rep_scan_free(&s);
	return out;
}
