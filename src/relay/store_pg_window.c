/*
 * PostgreSQL half of store_window.h.  A read transaction is REPEATABLE
 * READ: every read of one page sees the same snapshot, whatever the
 * other relays commit meanwhile.  Statements are not prepared: one page
 * runs each of them once or a few times.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "store_common.h"
#include "store_window_backend.h"

#define WS_OPEN "('open', 'pending', 'escalated', 'snoozed')"

struct pw_args {
	const char *v[6];
	char buf[6][24];
	int n;
};

static void
pw_int(struct pw_args *a, int64_t v)
{
	snprintf(a->buf[a->n], sizeof a->buf[a->n], "%" PRId64, v);
	a->v[a->n] = a->buf[a->n];
	a->n++;
}

static void
pw_text(struct pw_args *a, const char *s)
{
	a->v[a->n++] = s;
}

/* Runs sql; the result when it gave rows, else NULL. */
static PGresult *
pw_query(void *be, const char *sql, const struct pw_args *a)
{
	PGresult *res = PQexecParams(pg_store_conn(be), sql, a->n, NULL,
	    a->v, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		PQclear(res);
		return NULL;
	}
	return res;
}

static int64_t
pw_int_at(const PGresult *res, int row, int col)
{
	return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static int
pw_exec(void *be, const char *sql)
{
	PGresult *res = PQexec(pg_store_conn(be), sql);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;

	PQclear(res);
	return rc;
}

static int
pg_window_read_begin(void *be)
{
	return pw_exec(be, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

static void
pg_window_read_end(void *be)
{
	PGconn *c = pg_store_conn(be);

	if (PQtransactionStatus(c) != PQTRANS_IDLE)
		PQclear(PQexec(c, "COMMIT"));
}

static int64_t
pg_window_head(void *be)
{
	struct pw_args a = { .n = 0 };
	PGresult *res = pw_query(be, "SELECT COALESCE(MAX(seq), 0) FROM events",
	    &a);
	int64_t v = -1;

	if (res != NULL && PQntuples(res) == 1)
		v = pw_int_at(res, 0, 0);
	PQclear(res);
	return v;
}

/* Adds each (id, contact, state, first_ts, msg_ts) row of res to out. */
static int
pw_convrows(PGresult *res, struct relay_convrows *out)
{
	int i, rc = res != NULL ? 0 : -1;

	for (i = 0; res != NULL && i < PQntuples(res) && rc == 0; i++)
		rc = relay_convrows_add(out, pw_int_at(res, i, 0),
		    pw_int_at(res, i, 1), PQgetvalue(res, i, 2),
		    pw_int_at(res, i, 3), pw_int_at(res, i, 4));
	PQclear(res);
	return rc;
}

/* Adds each (conversation, seq, ts, type, json) row of res to out. */
static int
pw_evrows(PGresult *res, struct relay_evrows *out)
{
	int i, rc = res != NULL ? 0 : -1;

	for (i = 0; res != NULL && i < PQntuples(res) && rc == 0; i++)
		rc = relay_evrows_add(out,
		    store_conv_rowid(PQgetvalue(res, i, 0)),
		    pw_int_at(res, i, 1), pw_int_at(res, i, 2),
		    PQgetvalue(res, i, 3), PQgetvalue(res, i, 4),
		    (size_t)PQgetlength(res, i, 4));
	PQclear(res);
	return rc;
}

static int
pg_window_convs(void *be, int64_t since, int64_t after,
    int limit, struct relay_convrows *out)
{
	struct pw_args a = { .n = 0 };

	pw_int(&a, after);
	pw_int(&a, since);
	pw_int(&a, limit);
	/* Along the primary key from the page's start, until the page is
	 * full: a whole snapshot reads the table once, where a union of the
	 * (status, msg_ts) index ranges gave every matching row again for
	 * each page. */
	return pw_convrows(pw_query(be, "SELECT id, contact, state, first_ts, "
	    "COALESCE(msg_ts, 0) FROM conversations WHERE id > $1 AND "
	    "(status IN " WS_OPEN " OR msg_ts >= $2) ORDER BY id LIMIT $3", &a),
	    out);
}

static int
pg_window_outside(void *be, int64_t since, int64_t *outside,
    int64_t *resolved)
{
	struct pw_args a = { .n = 0 };
	PGresult *res;
	int rc = -1;

	pw_int(&a, since);
	res = pw_query(be, "SELECT (SELECT COUNT(*) FROM conversations) - "
	    "(SELECT COUNT(*) FROM (SELECT id FROM conversations WHERE "
	    "status IN " WS_OPEN " UNION SELECT id FROM conversations "
	    "WHERE msg_ts >= $1) w), (SELECT COUNT(*) FROM conversations WHERE "
	    "status = 'resolved' AND msg_ts < $1)", &a);
	if (res != NULL && PQntuples(res) == 1) {
		*outside = pw_int_at(res, 0, 0);
		*resolved = pw_int_at(res, 0, 1);
		rc = 0;
	}
	PQclear(res);
	return rc;
}

static int
pg_window_events(void *be, const int64_t *ids, size_t n,
    int64_t through, struct relay_evrows *out)
{
	struct pw_args a = { .n = 0 };
	struct buf list = { 0 };
	char one[32];
	size_t i;
	int rc = -1;

	if (n == 0)
		return 0;
	/* The ids as one text[] literal: {c1,c2,...}. */
	for (i = 0; i < n; i++) {
		snprintf(one, sizeof one, "%sc%" PRId64, i == 0 ? "{" : ",",
		    ids[i]);
		if (buf_adds(&list, one) != 0)
			goto out;
	}
	if (buf_adds(&list, "}") != 0)
		goto out;
	pw_text(&a, list.s);
	pw_int(&a, through);
	rc = pw_evrows(pw_query(be, "SELECT conversation, seq, ts, type, json "
	    "FROM events WHERE conversation = ANY($1::text[]) AND type IN "
	    "('contact', 'conversation', 'message', 'status') AND seq <= $2 "
	    "ORDER BY conversation, seq", &a), out);
out:
	buf_free(&list);
	return rc;
}

static int
pg_window_conv_events(void *be, const char *conv,
    const char *type, int64_t after, int64_t before, int limit, bool newest,
    struct relay_evrows *out)
{
	struct pw_args a = { .n = 0 };
	char sql[256];

	pw_text(&a, conv);
	pw_text(&a, type);
	pw_int(&a, after);
	pw_int(&a, before);
	if (limit > 0)
		pw_int(&a, limit);
	snprintf(sql, sizeof sql, "SELECT conversation, seq, ts, type, json "
	    "FROM events WHERE conversation = $1 AND type = $2 AND seq > $3 "
	    "AND seq < $4 ORDER BY seq %s%s", newest ? "DESC" : "ASC",
	    limit > 0 ? " LIMIT $5" : "");
	return pw_evrows(pw_query(be, sql, &a), out);
}

static int
pg_window_conv_page(void *be, const char *status, int64_t before,
    int limit, struct relay_convrows *out)
{
	struct pw_args a = { .n = 0 };

	pw_int(&a, before);
	pw_int(&a, limit);
	if (status != NULL)
		pw_text(&a, status);
	return pw_convrows(pw_query(be, status != NULL ?
	    "SELECT id, contact, state, first_ts, msg_ts FROM conversations "
	    "WHERE status = $3 AND msg_ts < $1 "
	    "ORDER BY msg_ts DESC, id DESC LIMIT $2" :
	    "SELECT id, contact, state, first_ts, msg_ts FROM conversations "
	    "WHERE msg_ts < $1 ORDER BY msg_ts DESC, id DESC LIMIT $2", &a),
	    out);
}

/* Through a cursor, a batch at a time: the log may not fit in memory.
 * Inside the caller's read transaction. */
static int
pg_window_scan(void *be, relay_scan_fn *fn, void *ctx)
{
	PGresult *res;
	int i, n, rc = 0;

	if (pw_exec(be, "DECLARE ttydesk_scan NO SCROLL CURSOR FOR SELECT ts, "
	    "type, conversation, json FROM events WHERE type IN ('message', "
	    "'conversation') ORDER BY seq") != 0)
		return -1;
	do {
		res = PQexec(pg_store_conn(be), "FETCH 20000 FROM ttydesk_scan");
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			PQclear(res);
			return -1;
		}
		n = PQntuples(res);
		for (i = 0; i < n && rc == 0; i++)
			rc = fn(ctx, pw_int_at(res, i, 0), PQgetvalue(res, i, 1),
			    PQgetvalue(res, i, 2), PQgetvalue(res, i, 3),
			    (size_t)PQgetlength(res, i, 3));
		PQclear(res);
	} while (n > 0 && rc == 0);
	if (pw_exec(be, "CLOSE ttydesk_scan") != 0)
		return -1;
	return rc == 0 ? 0 : -1;
}

const struct store_window_ops store_pg_window_ops = {
	.read_begin = pg_window_read_begin,
	.read_end = pg_window_read_end,
	.head = pg_window_head,
	.convs = pg_window_convs,
	.outside = pg_window_outside,
	.events = pg_window_events,
	.conv_events = pg_window_conv_events,
	.conv_page = pg_window_conv_page,
	.scan = pg_window_scan,
};
