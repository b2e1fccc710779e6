/*
 * PostgreSQL backend of the relay store (store_backend.h), for several
 * relays on one database.
 *
 * Every write transaction takes one transaction-level advisory lock
 * right after BEGIN and holds it to COMMIT.  Writes from all relays are
 * therefore serialised the way SQLite serialises its one writer: the
 * writer reads the highest seq under the lock, so seqs are handed out and
 * committed in order and a reader never sees a gap that fills in later,
 * and the read-then-write logic of intake and the agent routes (new
 * contact, conversation state) needs nothing more to stay correct.
 * Reads, long-polls and HTTP run on every relay in parallel.
 *
 * COMMIT carries NOTIFYs: ttydesk_events with the highest seq when events
 * were appended (pg_listen.c wakes long-polls on every relay), and
 * ttydesk_outbound when a send was queued (every sender looks).
 *
 * Sends are claimed FOR UPDATE SKIP LOCKED with a lease (claimed_by,
 * lease_until); a claim past its lease belongs to a relay that died.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sodium.h>

#include "pg_schema.h"
#include "store_backend.h"
#include "store_common.h"
#include "store_pg_search.h"
#include "store_window_backend.h"

/* "ttyd" in ASCII: the one lock every write transaction takes. */
#define PG_WRITE_LOCK 0x74747964

enum pg_stmt {
	P_APPEND,
	P_READ_AFTER,
	P_LAST_SEQ,
	P_CONV_MESSAGES,
	P_CONTACT_BY_WA,
	P_CONTACT_BY_USER,
	P_CONTACT_BY_ID,
	P_CONTACT_INSERT,
	P_CONTACT_UPDATE,
	P_CONTACT_ALIAS,
	P_CONV_TIMES,
	P_CONV_INSERT,
	P_CONV_GET,
	P_CONV_OF,
	P_CONV_PUT,
	P_CONV_DUE,
	P_CONV_OF_CONTACT,
	P_MSG_SEEN,
	P_MSG_BY_ID,
	P_MSG_BY_WAMID,
	P_MSG_PUT,
	P_MSG_SET_WAMID,
	P_STATUS_ONCE,
	P_STATUS_LIST,
	P_DEF_PUT,
	P_DEF_LIST,
	P_DEF_LIST_ALL,
	P_DEF_DEL,
	P_DEF_DEL_ALL,
	P_OUT_BUSY,
	P_OUT_PUT,
	P_OUT_CLAIM,
	P_OUT_NEXT,
	P_OUT_SET,
	P_OUT_SET_WAMID,
	P_OUT_INFLIGHT,
	P_OUT_TAKE,
	P_IDEM_GET,
	P_IDEM_PUT,
	P_META_GET,
	P_META_PUT,
	P_COUNT
};

static const char *pg_sql[P_COUNT] = {
	[P_APPEND] = "INSERT INTO events(seq, ts, type, conversation, json) "
	    "VALUES($1, $2, $3, $4, $5)",
	[P_READ_AFTER] = "SELECT seq, json FROM events WHERE seq > $1 "
	    "ORDER BY seq LIMIT $2",
	[P_LAST_SEQ] = "SELECT COALESCE(MAX(seq), 0) FROM events",
	[P_CONV_MESSAGES] = "SELECT json FROM (SELECT seq, json FROM events "
	    "WHERE conversation = $1 AND type = 'message' ORDER BY seq DESC "
	    "LIMIT $2) m ORDER BY seq",
	/* The identifier itself first, then one the customer had before. */
	[P_CONTACT_BY_WA] = "(SELECT id, wa_id, user_id, username, name, "
	    "conversation, extra FROM contacts WHERE wa_id = $1) UNION ALL "
	    "(SELECT c.id, c.wa_id, c.user_id, c.username, c.name, "
	    "c.conversation, c.extra FROM contact_aliases a JOIN contacts c "
	    "ON c.id = a.contact WHERE a.kind = 'wa_id' AND a.value = $1) "
	    "LIMIT 1",
	[P_CONTACT_BY_USER] = "(SELECT id, wa_id, user_id, username, name, "
	    "conversation, extra FROM contacts WHERE user_id = $1) UNION ALL "
	    "(SELECT c.id, c.wa_id, c.user_id, c.username, c.name, "
	    "c.conversation, c.extra FROM contact_aliases a JOIN contacts c "
	    "ON c.id = a.contact WHERE a.kind = 'user_id' AND a.value = $1) "
	    "LIMIT 1",
	[P_CONTACT_ALIAS] = "INSERT INTO contact_aliases(kind, value, "
	    "contact) VALUES($1, $2, $3) ON CONFLICT DO NOTHING",
	[P_CONTACT_BY_ID] = "SELECT id, wa_id, user_id, username, name, "
	    "conversation, extra FROM contacts WHERE id = $1",
	[P_CONTACT_INSERT] = "INSERT INTO contacts(wa_id, user_id, username, "
	    "name, conversation, extra) VALUES($1, $2, $3, $4, $5, $6) "
	    "RETURNING id",
	[P_CONTACT_UPDATE] = "UPDATE contacts SET wa_id = $1, user_id = $2, "
	    "username = $3, name = $4, conversation = $5, extra = $6 "
	    "WHERE id = $7",
	[P_CONV_INSERT] = "INSERT INTO conversations(contact, state, first_ts, "
	    "last_ts, number) VALUES($1, $2, $3, $3, $4) RETURNING id",
	[P_CONV_GET] = "SELECT state, contact, first_ts, last_ts, number FROM "
	    "conversations WHERE id = $1",
	[P_CONV_OF] = "SELECT id FROM conversations WHERE contact = $1 AND "
	    "number = $2 ORDER BY id DESC LIMIT 1",
	[P_CONV_PUT] = "UPDATE conversations SET state = $1, last_ts = "
	    "GREATEST(last_ts, $2::bigint), wake_at = $3 WHERE id = $4",
	[P_CONV_TIMES] = "UPDATE conversations SET first_ts = LEAST(first_ts, "
	    "$1::bigint), last_ts = GREATEST(last_ts, $1::bigint) WHERE id = $2",
	[P_CONV_DUE] = "SELECT id FROM conversations WHERE wake_at > 0 AND "
	    "wake_at <= $1 ORDER BY wake_at LIMIT 256",
	[P_CONV_OF_CONTACT] = "SELECT id, state, first_ts, last_ts, number "
	    "FROM conversations WHERE contact = $1 ORDER BY id",
	/* IS NOT DISTINCT FROM: a message without an id has a NULL wamid. */
	[P_MSG_SEEN] = "SELECT 1 FROM messages WHERE wamid IS NOT DISTINCT "
	    "FROM $1 AND left(fingerprint, 16) = left($2, 16)",
	[P_MSG_BY_ID] = "SELECT id, wamid, conversation, direction FROM "
	    "messages WHERE id = $1",
	[P_MSG_BY_WAMID] = "SELECT id, wamid, conversation, direction FROM "
	    "messages WHERE wamid = $1 ORDER BY direction DESC, rid LIMIT 1",
	[P_MSG_PUT] = "INSERT INTO messages(id, wamid, fingerprint, "
	    "conversation, direction, ts) VALUES($1, $2, left($3, 16), $4, $5, "
	    "$6)",
	[P_MSG_SET_WAMID] = "UPDATE messages SET wamid = $1 WHERE id = $2",
	[P_STATUS_ONCE] = "INSERT INTO status_keys(message, status) "
	    "VALUES($1, $2) ON CONFLICT DO NOTHING",
	[P_STATUS_LIST] = "SELECT status FROM status_keys WHERE message = $1",
	[P_DEF_PUT] = "INSERT INTO deferred(wamid, conversation, status, ts, "
	    "extra) VALUES($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
	[P_DEF_LIST] = "SELECT wamid, status, extra, ts, conversation FROM "
	    "deferred WHERE conversation = $1 ORDER BY rid",
	[P_DEF_LIST_ALL] = "SELECT wamid, status, extra, ts, conversation FROM "
	    "deferred ORDER BY rid",
	[P_DEF_DEL] = "DELETE FROM deferred WHERE conversation = $1",
	[P_DEF_DEL_ALL] = "DELETE FROM deferred",
	[P_OUT_BUSY] = "SELECT 1 FROM outbound WHERE conversation = $1 AND "
	    "state = 1 LIMIT 1",
	[P_OUT_PUT] = "INSERT INTO outbound(id, client_id, conversation, body, "
	    "state, attempts, next_try) VALUES($1, $2, $3, $4, 0, 0, $5)",
	[P_OUT_CLAIM] = "WITH c AS (SELECT rid FROM outbound WHERE state = 0 "
	    "AND next_try <= $1 ORDER BY next_try, rid LIMIT $2 "
	    "FOR UPDATE SKIP LOCKED), u AS (UPDATE outbound o SET state = 1, "
	    "attempts = o.attempts + 1, claimed_by = $3, lease_until = $4 "
	    "FROM c WHERE o.rid = c.rid RETURNING o.id, o.conversation, o.body, "
	    "o.attempts, o.next_try, o.rid) "
	    "SELECT id, conversation, body, attempts, next_try FROM u "
	    "ORDER BY next_try, rid",
	/* A relay's sender also wakes when a claim's lease runs out. */
	[P_OUT_NEXT] = "SELECT COALESCE(LEAST((SELECT MIN(next_try) FROM "
	    "outbound WHERE state = 0), (SELECT MIN(lease_until) FROM outbound "
	    "WHERE state = 1)), 0)",
	/* claimed_by stays: which relay sent it. */
	[P_OUT_SET] = "UPDATE outbound SET state = $1, next_try = $2 "
	    "WHERE id = $3",
	[P_OUT_SET_WAMID] = "UPDATE outbound SET wamid = $1 WHERE id = $2",
	[P_OUT_INFLIGHT] = "SELECT id FROM outbound WHERE state = 1 AND "
	    "lease_until < $1 ORDER BY rid",
	/* Taking over stops a second relay from taking the same claim. */
	[P_OUT_TAKE] = "UPDATE outbound SET claimed_by = $2, lease_until = $3 "
	    "WHERE rid IN (SELECT rid FROM outbound WHERE state = 1 AND "
	    "lease_until < $1 ORDER BY rid LIMIT 256 FOR UPDATE SKIP LOCKED) "
	    "RETURNING id",
	[P_IDEM_GET] = "SELECT status, response FROM idempotency WHERE "
	    "route = $1 AND client_id = $2",
	[P_IDEM_PUT] = "INSERT INTO idempotency(route, client_id, status, "
	    "response) VALUES($1, $2, $3, $4) ON CONFLICT DO NOTHING",
	[P_META_GET] = "SELECT value FROM meta WHERE key = $1",
	[P_META_PUT] = "INSERT INTO meta(key, value) VALUES($1, $2) "
	    "ON CONFLICT(key) DO UPDATE SET value = EXCLUDED.value",
};

struct pg_store {
	PGconn *conn;
	char *uri;
	bool prepared[P_COUNT];
	bool in_tx;
	bool new_events;   /* this transaction appended */
	bool new_outbound; /* this transaction queued a send */
	/* Round trips saved: the last seq read with the lock (-1 once
	 * something was appended), and a RELEASE sent with what follows. */
	int64_t begin_seq;
	bool release_due;
	int lease;         /* seconds */
	char me[96];       /* claimed_by: host, pid, random */
	char err[256];
};

/* Only the primary message: DETAIL lines quote key values (phone
 * numbers, wamids) that must not reach the log. */
static void
pg_set_err(struct pg_store *st, const PGresult *res, const char *what)
{
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) :
	    NULL;

	if (m == NULL)
		m = PQerrorMessage(st->conn);
	snprintf(st->err, sizeof st->err, "%s: %s", what, m);
	st->err[strcspn(st->err, "\n")] = '\0';
}

static PGresult *pg_run_once(struct pg_store *, enum pg_stmt,
    const struct store_args *);
static void pg_revive(struct pg_store *);

/* Runs a prepared statement; NULL (and st->err) unless it answered with
 * rows or completed.  Outside a transaction (the reader), a connection
 * the server closed is opened again and the statement run once more. */
static PGresult *
pg_run(struct pg_store *st, enum pg_stmt q, const struct store_args *a)
{
	PGresult *res = pg_run_once(st, q, a);

	if (res == NULL && !st->in_tx && PQstatus(st->conn) != CONNECTION_OK) {
		pg_revive(st);
		res = pg_run_once(st, q, a);
	}
	return res;
}

static PGresult *
pg_run_once(struct pg_store *st, enum pg_stmt q, const struct store_args *a)
{
	const char *v[STORE_ARGS_MAX];
	char name[16], num[STORE_ARGS_MAX][24];
	PGresult *res;
	ExecStatusType s;
	int i, n = a != NULL ? a->n : 0;

	snprintf(name, sizeof name, "q%d", (int)q);
	/* Text parameters: numbers in decimal. */
	for (i = 0; i < n; i++) {
		v[i] = a->text[i];
		if (a->is_num[i]) {
			snprintf(num[i], sizeof num[i], "%lld",
			    (long long)a->num[i]);
			v[i] = num[i];
		}
	}
	if (!st->prepared[q]) {
		res = PQprepare(st->conn, name, pg_sql[q], 0, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			pg_set_err(st, res, "prepare");
			PQclear(res);
			return NULL;
		}
		PQclear(res);
		st->prepared[q] = true;
	}
	res = PQexecPrepared(st->conn, name, n, n > 0 ? v : NULL, NULL, NULL,
	    0);
	s = PQresultStatus(res);
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		pg_set_err(st, res, "query");
		PQclear(res);
		return NULL;
	}
	return res;
}

/* Runs and forgets the answer. */
static int
pg_do(struct pg_store *st, enum pg_stmt q, const struct store_args *a)
{
	PGresult *res = pg_run(st, q, a);

	PQclear(res);
	return res == NULL ? -1 : 0;
}

static int
pg_exec(struct pg_store *st, const char *sql)
{
	PGresult *res = PQexec(st->conn, sql);
	ExecStatusType s = PQresultStatus(res);

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		pg_set_err(st, res, "exec");
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

static char *
pg_dup(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL :
	    strdup(PQgetvalue(res, row, col));
}

static int64_t
pg_int(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? 0 :
	    strtoll(PQgetvalue(res, row, col), NULL, 10);
}

static int
pg_store_open(const char *uri, enum relay_store_mode mode, void **out,
    char *err, size_t errlen)
{
	struct pg_store *st;
	char host[64];

	*out = NULL;
	if (pg_uri_check(uri, err, errlen) != 0)
		return -1;
	if ((st = calloc(1, sizeof *st)) == NULL ||
	    (st->uri = strdup(uri)) == NULL) {
		free(st);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	st->lease = 60;
	if (gethostname(host, sizeof host) != 0)
		snprintf(host, sizeof host, "relay");
	host[sizeof host - 1] = '\0';
	snprintf(st->me, sizeof st->me, "%.60s/%ld/%08x", host, (long)getpid(),
	    randombytes_random());
	if (pg_connect(uri, &st->conn, err, errlen) != 0)
		goto fail;
	if (mode == RELAY_STORE_WRITER &&
	    pg_schema_ensure(st->conn, NULL, err, errlen) != 0)
		goto fail;
	*out = st;
	return 0;
fail:
	PQfinish(st->conn);
	free(st->uri);
	free(st);
	return -1;
}

static void
pg_store_close(void *be)
{
	struct pg_store *st = be;

	if (st == NULL)
		return;
	PQfinish(st->conn);
	free(st->uri);
	free(st);
}

static const char *
pg_store_error(void *be)
{
	struct pg_store *st = be;

	return st->err;
}

static void
pg_store_set_lease(void *be, int seconds)
{
	struct pg_store *st = be;

	st->lease = seconds > 0 ? seconds : 60;
}

/* A connection lost between transactions (server restart, proxy
 * timeout) is opened again; prepared statements went with it. */
static void
pg_revive(struct pg_store *st)
{
	if (PQstatus(st->conn) == CONNECTION_OK)
		return;
	PQreset(st->conn);
	memset(st->prepared, 0, sizeof st->prepared);
}

PGconn *
pg_store_conn(void *be)
{
	struct pg_store *st = be;

	if (!st->in_tx)
		pg_revive(st);
	return st->conn;
}

static int
pg_store_begin(void *be)
{
	struct pg_store *st = be;
	char sql[160];
	PGresult *res;

	pg_revive(st);
	snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%d); "
	    "SELECT COALESCE(MAX(seq), 0) FROM events", PG_WRITE_LOCK);
	res = PQexec(st->conn, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK &&
	    PQstatus(st->conn) != CONNECTION_OK) {
		/* A connection the server closed shows only now: once more
		 * on a new one (nothing was written). */
		PQclear(res);
		pg_revive(st);
		res = PQexec(st->conn, sql);
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		pg_set_err(st, res, "begin");
		PQclear(res);
		pg_exec(st, "ROLLBACK");
		return -1;
	}
	st->begin_seq = pg_int(res, 0, 0);
	PQclear(res);
	st->in_tx = true;
	st->release_due = false;
	st->new_events = st->new_outbound = false;
	return 0;
}

static int
pg_store_commit(void *be)
{
	struct pg_store *st = be;
	char sql[256];
	PGresult *res;
	int rc = 0;

	/* Still under the lock, so MAX(seq) is this commit's last seq. */
	snprintf(sql, sizeof sql, "%s%s%sCOMMIT", st->release_due ?
	    "RELEASE job; " : "", st->new_events ?
	    "SELECT pg_notify('" PG_CHANNEL_EVENTS "', (SELECT MAX(seq) FROM "
	    "events)::text); " : "", st->new_outbound ?
	    "SELECT pg_notify('" PG_CHANNEL_OUTBOUND "', ''); " : "");
	st->in_tx = false;
	st->release_due = false;
	res = PQexec(st->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_set_err(st, res, "commit");
		rc = -1;
	} else if (strcmp(PQcmdStatus(res), "COMMIT") != 0) {
		/* COMMIT of a failed transaction answers ROLLBACK, not an
		 * error: nothing was stored. */
		snprintf(st->err, sizeof st->err, "commit: rolled back");
		rc = -1;
	}
	PQclear(res);
	return rc;
}

static void
pg_store_rollback(void *be)
{
	struct pg_store *st = be;

	if (PQtransactionStatus(st->conn) != PQTRANS_IDLE)
		pg_exec(st, "ROLLBACK");
	st->in_tx = false;
	st->release_due = false;
}

static int
pg_store_savepoint(void *be)
{
	struct pg_store *st = be;
	bool release = st->release_due;

	st->release_due = false;
	return pg_exec(st, release ? "RELEASE job; SAVEPOINT job" :
	    "SAVEPOINT job");
}

/* Sent with the next SAVEPOINT or the COMMIT: a RELEASE that failed
 * there fails the next job or the whole batch, never a job silently. */
static int
pg_store_release(void *be)
{
	struct pg_store *st = be;

	st->release_due = true;
	return 0;
}

static void
pg_store_rollback_savepoint(void *be)
{
	if (pg_exec(be, "ROLLBACK TO job") == 0)
		pg_exec(be, "RELEASE job");
}

static const enum pg_stmt pg_writes[STORE_W_COUNT] = {
	[STORE_W_CONV_PUT] = P_CONV_PUT,
	[STORE_W_MSG_PUT] = P_MSG_PUT,
	[STORE_W_MSG_SET_WAMID] = P_MSG_SET_WAMID,
	[STORE_W_STATUS_ONCE] = P_STATUS_ONCE,
	[STORE_W_DEFERRED_PUT] = P_DEF_PUT,
	[STORE_W_IDEM_PUT] = P_IDEM_PUT,
	[STORE_W_META_PUT] = P_META_PUT,
	[STORE_W_CONTACT_ALIAS] = P_CONTACT_ALIAS,
	[STORE_W_CONV_TIMES] = P_CONV_TIMES,
};

static int
pg_store_write(void *be, enum store_write w, const struct store_args *a)
{
	PGresult *res = pg_run(be, pg_writes[w], a);
	int n;

	if (res == NULL)
		return -1;
	n = (int)strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return n;
}

static const enum pg_stmt pg_reads[STORE_R_COUNT] = {
	[STORE_R_CONTACT_BY_WA] = P_CONTACT_BY_WA,
	[STORE_R_CONTACT_BY_USER] = P_CONTACT_BY_USER,
	[STORE_R_CONTACT_BY_ID] = P_CONTACT_BY_ID,
	[STORE_R_CONV_OF] = P_CONV_OF,
	[STORE_R_CONV_DUE] = P_CONV_DUE,
	[STORE_R_CONV_OF_CONTACT] = P_CONV_OF_CONTACT,
	[STORE_R_MSG_SEEN] = P_MSG_SEEN,
	[STORE_R_MSG_BY_ID] = P_MSG_BY_ID,
	[STORE_R_MSG_BY_WAMID] = P_MSG_BY_WAMID,
	[STORE_R_STATUS_LIST] = P_STATUS_LIST,
	[STORE_R_OUT_BUSY] = P_OUT_BUSY,
	[STORE_R_IDEM_GET] = P_IDEM_GET,
	[STORE_R_META_GET] = P_META_GET,
};

static int
pg_store_read(void *be, enum store_read r, const struct store_args *a,
    store_row_fn each, void *ud)
{
	PGresult *res = pg_run(be, pg_reads[r], a);
	const char *col[STORE_ROW_MAX];
	int i, j, n, more = 0;

	if (res == NULL)
		return -1;
	n = PQnfields(res) < STORE_ROW_MAX ? PQnfields(res) : STORE_ROW_MAX;
	for (i = 0; i < PQntuples(res) && more == 0; i++) {
		for (j = 0; j < n; j++)
			col[j] = PQgetisnull(res, i, j) ? NULL :
			    PQgetvalue(res, i, j);
		more = each(ud, col, n);
	}
	PQclear(res);
	return more < 0 ? -1 : i;
}

static int64_t
pg_store_last_seq(void *be)
{
	struct pg_store *st = be;
	PGresult *res;
	int64_t v = -1;

	if (st->in_tx && st->begin_seq >= 0)
		return st->begin_seq;
	if (!st->in_tx)
		pg_revive(st);
	if ((res = pg_run(st, P_LAST_SEQ, NULL)) == NULL)
		return -1;
	if (PQntuples(res) == 1)
		v = pg_int(res, 0, 0);
	PQclear(res);
	return v;
}

static int
pg_store_append(void *be, int64_t seq, json_t *ev)
{
	struct pg_store *st = be;
	struct store_args a = { .n = 0 };
	char *text;
	int rc;

	st->begin_seq = -1;
	if ((text = store_append_args(&a, seq, ev)) == NULL)
		return -1;
	rc = pg_do(st, P_APPEND, &a);
	free(text);
	if (rc == 0)
		rc = pg_search_add(st->conn, seq, ev, st->err, sizeof st->err);
	if (rc == 0)
		st->new_events = true;
	return rc;
}

static int
pg_store_search(void *be, const struct search_query *q, int64_t before,
    int limit, struct relay_search_hit **hits, size_t *n)
{
	struct pg_store *st = be;

	pg_revive(st);
	return pg_search_find(st->conn, q, before, limit, hits, n, st->err,
	    sizeof st->err);
}

static int
pg_store_search_backfill(void *be, int max, int64_t *left)
{
	struct pg_store *st = be;

	return pg_search_backfill(st->conn, max, left, st->err,
	    sizeof st->err);
}

static int
pg_store_read_after(void *be, int64_t after, int limit, char **buf,
    size_t *len, int *count, int64_t *last, bool *more)
{
	struct pg_store *st = be;
	struct store_args a = { .n = 0 };
	struct store_page page;
	PGresult *res;
	int i, full = 0;

	store_page_start(&page, after, limit, buf, len, count, last, more);
	pg_revive(st);
	store_arg_int(&a, after);
	store_arg_int(&a, (int64_t)limit + 1);
	if ((res = pg_run(st, P_READ_AFTER, &a)) == NULL)
		return -1;
	for (i = 0; full == 0 && i < PQntuples(res); i++)
		full = store_page_add(&page, pg_int(res, i, 0),
		    PQgetvalue(res, i, 1), (size_t)PQgetlength(res, i, 1));
	PQclear(res);
	if (full < 0) {
		snprintf(st->err, sizeof st->err, "out of memory");
		return -1;
	}
	return 0;
}

static json_t *
pg_store_conversation_messages(void *be, const char *conversation, int n)
{
	struct store_args a = { .n = 0 };
	json_t *arr;
	PGresult *res;
	int i;

	store_arg_text(&a, conversation);
	store_arg_int(&a, n);
	if ((res = pg_run(be, P_CONV_MESSAGES, &a)) == NULL)
		return NULL;
	if ((arr = json_array()) != NULL) {
		for (i = 0; i < PQntuples(res); i++)
			store_json_append(arr, PQgetvalue(res, i, 0));
	}
	PQclear(res);
	return arr;
}

static int
pg_store_contact_put(void *be, struct relay_contact *c)
{
	struct store_args a = { .n = 0 };
	char *extra = store_contact_args(&a, c);
	PGresult *res;

	res = pg_run(be, c->id == 0 ? P_CONTACT_INSERT : P_CONTACT_UPDATE, &a);
	free(extra);
	if (res == NULL)
		return -1;
	if (c->id == 0)
		c->id = pg_int(res, 0, 0);
	PQclear(res);
	return 0;
}

static int
pg_store_conversation_create(void *be, int64_t contact,
    int64_t ts, const json_t *state, char **id)
{
	struct store_args a = { .n = 0 };
	char *text;
	PGresult *res;

	*id = NULL;
	if ((text = store_conv_create_args(&a, contact, ts, state)) == NULL)
		return -1;
	res = pg_run(be, P_CONV_INSERT, &a);
	free(text);
	if (res == NULL)
		return -1;
	*id = store_conv_id(pg_int(res, 0, 0));
	PQclear(res);
	return *id == NULL ? -1 : 0;
}

static int
pg_store_conversation_get(void *be, const char *id, json_t **state,
    int64_t *contact, int64_t *first_ts, int64_t *last_ts)
{
	struct pg_store *st = be;
	struct store_args a = { .n = 0 };
	struct store_conv_row row;
	int64_t rowid = store_conv_rowid(id);
	PGresult *res;
	int rc = 0;

	*state = NULL;
	if (rowid < 0)
		return 0;
	store_arg_int(&a, rowid);
	if ((res = pg_run(st, P_CONV_GET, &a)) == NULL)
		return -1;
	if (PQntuples(res) > 0) {
		row.state = PQgetvalue(res, 0, 0);
		row.contact = pg_int(res, 0, 1);
		row.first_ts = pg_int(res, 0, 2);
		row.last_ts = pg_int(res, 0, 3);
		row.number = PQgetvalue(res, 0, 4);
		rc = store_conv_row_out(&row, id, state, contact, first_ts,
		    last_ts, st->err, sizeof st->err);
	}
	PQclear(res);
	return rc;
}

/* The first column of every row, as malloc'd strings. */
static int
pg_id_list(struct pg_store *st, enum pg_stmt q, const struct store_args *a,
    char ***ids, size_t *n)
{
	PGresult *res;
	char **v = NULL;
	int i, rows;

	*ids = NULL;
	*n = 0;
	if ((res = pg_run(st, q, a)) == NULL)
		return -1;
	rows = PQntuples(res);
	if (rows > 0 && (v = calloc((size_t)rows, sizeof *v)) == NULL) {
		PQclear(res);
		return -1;
	}
	for (i = 0; i < rows; i++)
		v[i] = pg_dup(res, i, 0);
	PQclear(res);
	*ids = v;
	*n = (size_t)rows;
	return 0;
}

static int
pg_store_deferred_take(void *be, const char *conversation,
    struct relay_deferred **out, size_t *n)
{
	struct pg_store *st = be;
	struct store_args a = { .n = 0 };
	struct relay_deferred *v = NULL;
	PGresult *res;
	int i, rows;

	*out = NULL;
	*n = 0;
	if (conversation != NULL)
		store_arg_text(&a, conversation);
	if ((res = pg_run(st, conversation ? P_DEF_LIST : P_DEF_LIST_ALL,
	    &a)) == NULL)
		return -1;
	rows = PQntuples(res);
	if (rows > 0 && (v = calloc((size_t)rows, sizeof *v)) == NULL) {
		PQclear(res);
		snprintf(st->err, sizeof st->err, "out of memory");
		return -1;
	}
	for (i = 0; i < rows; i++) {
		v[i].wamid = pg_dup(res, i, 0);
		v[i].status = pg_dup(res, i, 1);
		v[i].extra = pg_dup(res, i, 2);
		v[i].ts = pg_int(res, i, 3);
		v[i].conversation = pg_dup(res, i, 4);
	}
	PQclear(res);
	if (pg_do(st, conversation ? P_DEF_DEL : P_DEF_DEL_ALL, &a) != 0) {
		relay_deferred_free(v, (size_t)rows);
		return -1;
	}
	*out = v;
	*n = (size_t)rows;
	return 0;
}

static int
pg_store_outbound_put(void *be, const char *id, const char *client_id,
    const char *conversation, const char *body, int64_t now)
{
	struct pg_store *st = be;
	struct store_args a = { .n = 0 };

	store_outbound_put_args(&a, id, client_id, conversation, body, now);
	if (pg_do(st, P_OUT_PUT, &a) != 0)
		return -1;
	st->new_outbound = true;
	return 0;
}

static int
pg_store_outbound_claim(void *be, int64_t now,
    struct relay_outbound *out, int max, int *n)
{
	struct pg_store *st = be;
	struct store_args a = { .n = 0 };
	PGresult *res;
	int i;

	*n = 0;
	store_arg_int(&a, now);
	store_arg_int(&a, max);
	store_arg_text(&a, st->me);
	store_arg_int(&a, now + st->lease);
	if ((res = pg_run(st, P_OUT_CLAIM, &a)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(res) && *n < max; i++) {
		struct relay_outbound *o = &out[(*n)++];

		o->id = pg_dup(res, i, 0);
		o->conversation = pg_dup(res, i, 1);
		o->body = pg_dup(res, i, 2);
		o->attempts = (int)pg_int(res, i, 3);
		o->next_try = pg_int(res, i, 4);
	}
	PQclear(res);
	return 0;
}

static int64_t
pg_store_outbound_next(void *be)
{
	PGresult *res = pg_run(be, P_OUT_NEXT, NULL);
	int64_t v = 0;

	if (res != NULL && PQntuples(res) == 1)
		v = pg_int(res, 0, 0);
	PQclear(res);
	return v;
}

static int
pg_store_outbound_set(void *be, const char *id, enum relay_out_state state,
    int64_t next_try, const char *wamid)
{
	struct pg_store *st = be;
	struct store_args a = { .n = 0 }, b = { .n = 0 };

	store_outbound_set_args(&a, &b, id, state, next_try, wamid);
	if (pg_do(st, P_OUT_SET, &a) != 0)
		return -1;
	if (state == RELAY_OUT_PENDING)
		st->new_outbound = true; /* a retry any relay may take */
	return wamid == NULL ? 0 : pg_do(st, P_OUT_SET_WAMID, &b);
}

/* At start: only claims past their lease, never a live relay's. */
static int
pg_store_outbound_inflight(void *be, char ***ids, size_t *n)
{
	struct store_args a = { .n = 0 };

	store_arg_int(&a, (int64_t)time(NULL));
	return pg_id_list(be, P_OUT_INFLIGHT, &a, ids, n);
}

static int
pg_store_outbound_abandoned(void *be, int64_t now, char ***ids,
    size_t *n)
{
	struct pg_store *st = be;
	struct store_args a = { .n = 0 };

	store_arg_int(&a, now);
	store_arg_text(&a, st->me);
	store_arg_int(&a, now + st->lease);
	return pg_id_list(st, P_OUT_TAKE, &a, ids, n);
}

const struct relay_store_ops relay_store_pg_ops = {
	.search = pg_store_search,
	.search_backfill = pg_store_search_backfill,
	.open = pg_store_open,
	.close = pg_store_close,
	.error = pg_store_error,
	.set_lease = pg_store_set_lease,
	.outbound_abandoned = pg_store_outbound_abandoned,
	.write = pg_store_write,
	.read = pg_store_read,
	.begin = pg_store_begin,
	.commit = pg_store_commit,
	.rollback = pg_store_rollback,
	.savepoint = pg_store_savepoint,
	.release = pg_store_release,
	.rollback_savepoint = pg_store_rollback_savepoint,
	.last_seq = pg_store_last_seq,
	.append = pg_store_append,
	.read_after = pg_store_read_after,
	.conversation_messages = pg_store_conversation_messages,
	.contact_put = pg_store_contact_put,
	.conversation_create = pg_store_conversation_create,
	.conversation_get = pg_store_conversation_get,
	.deferred_take = pg_store_deferred_take,
	.outbound_put = pg_store_outbound_put,
	.outbound_claim = pg_store_outbound_claim,
	.outbound_next = pg_store_outbound_next,
	.outbound_set = pg_store_outbound_set,
	.outbound_inflight = pg_store_outbound_inflight,
	.window = &store_pg_window_ops,
};
