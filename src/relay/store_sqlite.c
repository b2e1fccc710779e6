/*
 * SQLite backend of the relay store (store.h).  WAL with synchronous=FULL:
 * a committed transaction is on disk before relay_store_commit() returns,
 * which is what lets the relay answer a webhook 200 only after commit.
 * Every statement is prepared once per connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store_rename_sqlite.h"
#include "store_backend.h"
#include "store_common.h"
#include "store_sqlite_log.h"
#include "store_sqlite_search.h"

enum st_stmt {
	Q_APPEND,
	Q_READ_AFTER,
	Q_LAST_SEQ,
	Q_CONV_MESSAGES,
	Q_CONTACT_BY_WA,
	Q_CONTACT_BY_USER,
	Q_CONTACT_BY_ID,
	Q_CONTACT_INSERT,
	Q_CONTACT_UPDATE,
	Q_CONV_INSERT,
	Q_CONV_GET,
	Q_CONV_PUT,
	Q_CONV_DUE,
	Q_CONV_OF_CONTACT,
	Q_MSG_SEEN,
	Q_MSG_BY_ID,
	Q_MSG_BY_WAMID,
	Q_MSG_PUT,
	Q_MSG_SET_WAMID,
	Q_STATUS_ONCE,
	Q_STATUS_LIST,
	Q_DEF_PUT,
	Q_DEF_LIST,
	Q_DEF_LIST_ALL,
	Q_DEF_DEL,
	Q_DEF_DEL_ALL,
	Q_OUT_BUSY,
	Q_OUT_PUT,
	Q_OUT_DUE,
	Q_OUT_CLAIM,
	Q_OUT_NEXT,
	Q_OUT_SET,
	Q_OUT_SET_WAMID,
	Q_OUT_INFLIGHT,
	Q_IDEM_GET,
	Q_IDEM_PUT,
	Q_META_GET,
	Q_META_PUT,
	Q_BEGIN,
	Q_COMMIT,
	Q_ROLLBACK,
	Q_SAVEPOINT,
	Q_RELEASE,
	Q_ROLLBACK_TO,
	Q_COUNT
};

static const char *st_sql[Q_COUNT] = {
	[Q_APPEND] = "INSERT INTO events(seq, ts, type, conversation, json) "
	    "VALUES(?, ?, ?, ?, ?)",
	[Q_READ_AFTER] = "SELECT seq, json FROM events WHERE seq > ? "
	    "ORDER BY seq LIMIT ?",
	[Q_LAST_SEQ] = "SELECT COALESCE(MAX(seq), 0) FROM events",
	[Q_CONV_MESSAGES] = "SELECT json FROM (SELECT seq, json FROM events "
	    "WHERE conversation = ? AND type = 'message' ORDER BY seq DESC "
	    "LIMIT ?) ORDER BY seq",
	[Q_CONTACT_BY_WA] = "SELECT id, wa_id, user_id, username, name, "
	    "conversation, extra FROM contacts WHERE wa_id = ?",
	[Q_CONTACT_BY_USER] = "SELECT id, wa_id, user_id, username, name, "
	    "conversation, extra FROM contacts WHERE user_id = ?",
	[Q_CONTACT_BY_ID] = "SELECT id, wa_id, user_id, username, name, "
	    "conversation, extra FROM contacts WHERE id = ?",
	[Q_CONTACT_INSERT] = "INSERT INTO contacts(wa_id, user_id, username, "
	    "name, conversation, extra) VALUES(?, ?, ?, ?, ?, ?)",
	[Q_CONTACT_UPDATE] = "UPDATE contacts SET wa_id = ?, user_id = ?, "
	    "username = ?, name = ?, conversation = ?, extra = ? WHERE id = ?",
	[Q_CONV_INSERT] = "INSERT INTO conversations(contact, state, first_ts, "
	    "last_ts) VALUES(?, ?, ?, ?)",
	[Q_CONV_GET] = "SELECT state, contact, first_ts, last_ts FROM "
	    "conversations WHERE id = ?",
	[Q_CONV_PUT] = "UPDATE conversations SET state = ?, last_ts = "
	    "MAX(last_ts, ?), wake_at = ? WHERE id = ?",
	[Q_CONV_DUE] = "SELECT id FROM conversations WHERE wake_at > 0 AND "
	    "wake_at <= ? ORDER BY wake_at LIMIT 256",
	[Q_CONV_OF_CONTACT] = "SELECT id, state, first_ts, last_ts FROM "
	    "conversations WHERE contact = ? ORDER BY id",
	/* A wamid equal to the message id is stored as '=' (most inbound
	 * messages): the id is not kept twice, and the wamid index holds
	 * only the others.  IS, not =: a message without an id has a NULL
	 * wamid.  A fingerprint is compared by its first 64 bits. */
	[Q_MSG_SEEN] = "SELECT 1 FROM messages WHERE id = ?1 AND wamid = '=' "
	    "AND substr(fingerprint, 1, 16) = substr(?2, 1, 16) UNION ALL "
	    "SELECT 1 FROM messages WHERE wamid IS ?1 AND wamid IS NOT '=' AND "
	    "substr(fingerprint, 1, 16) = substr(?2, 1, 16)",
	[Q_MSG_BY_ID] = "SELECT id, CASE wamid WHEN '=' THEN id ELSE wamid "
	    "END, conversation, direction FROM messages WHERE id = ?",
	[Q_MSG_BY_WAMID] = "SELECT id, w, conversation, direction FROM ("
	    "SELECT id, wamid AS w, conversation, direction, rowid AS r FROM "
	    "messages WHERE wamid = ?1 AND wamid IS NOT '=' UNION ALL SELECT "
	    "id, id, conversation, direction, rowid FROM messages WHERE id = ?1 "
	    "AND wamid = '=') ORDER BY direction DESC, r LIMIT 1",
	[Q_MSG_PUT] = "INSERT INTO messages(id, wamid, fingerprint, "
	    "conversation, direction, ts) VALUES(?1, CASE WHEN ?2 = ?1 THEN '=' "
	    "ELSE ?2 END, substr(?3, 1, 16), ?4, ?5, ?6)",
	[Q_MSG_SET_WAMID] = "UPDATE messages SET wamid = CASE WHEN ?1 = id "
	    "THEN '=' ELSE ?1 END WHERE id = ?2",
	[Q_STATUS_ONCE] = "INSERT OR IGNORE INTO status_keys(message, status) "
	    "VALUES(?, ?)",
	[Q_STATUS_LIST] = "SELECT status FROM status_keys WHERE message = ?",
	[Q_DEF_PUT] = "INSERT OR IGNORE INTO deferred(wamid, conversation, "
	    "status, ts, extra) VALUES(?, ?, ?, ?, ?)",
	[Q_DEF_LIST] = "SELECT wamid, status, extra, ts, conversation FROM "
	    "deferred WHERE "
	    "conversation = ? ORDER BY rowid",
	[Q_DEF_LIST_ALL] = "SELECT wamid, status, extra, ts, conversation FROM "
	    "deferred "
	    "ORDER BY rowid",
	[Q_DEF_DEL] = "DELETE FROM deferred WHERE conversation = ?",
	[Q_DEF_DEL_ALL] = "DELETE FROM deferred",
	[Q_OUT_BUSY] = "SELECT 1 FROM outbound WHERE conversation = ? AND "
	    "state = 1 LIMIT 1",
	[Q_OUT_PUT] = "INSERT INTO outbound(id, client_id, conversation, body, "
	    "state, attempts, next_try) VALUES(?, ?, ?, ?, 0, 0, ?)",
	[Q_OUT_DUE] = "SELECT id, conversation, body, attempts, next_try FROM "
	    "outbound WHERE state = 0 AND next_try <= ? ORDER BY next_try, "
	    "rowid LIMIT ?",
	[Q_OUT_CLAIM] = "UPDATE outbound SET state = 1, attempts = attempts + 1 "
	    "WHERE id = ?",
	[Q_OUT_NEXT] = "SELECT COALESCE(MIN(next_try), 0) FROM outbound "
	    "WHERE state = 0",
	[Q_OUT_SET] = "UPDATE outbound SET state = ?, next_try = ? WHERE id = ?",
	[Q_OUT_SET_WAMID] = "UPDATE outbound SET wamid = ? WHERE id = ?",
	[Q_OUT_INFLIGHT] = "SELECT id FROM outbound WHERE state = 1",
	[Q_IDEM_GET] = "SELECT status, response FROM idempotency WHERE "
	    "route = ? AND client_id = ?",
	[Q_IDEM_PUT] = "INSERT OR IGNORE INTO idempotency(route, client_id, "
	    "status, response) VALUES(?, ?, ?, ?)",
	[Q_META_GET] = "SELECT value FROM meta WHERE key = ?",
	[Q_META_PUT] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)",
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_SAVEPOINT] = "SAVEPOINT job",
	[Q_RELEASE] = "RELEASE job",
	[Q_ROLLBACK_TO] = "ROLLBACK TO job",
};

static const char st_schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);"
    "CREATE TABLE IF NOT EXISTS contacts(id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "  wa_id TEXT UNIQUE, user_id TEXT UNIQUE, username TEXT, name TEXT, "
    "  conversation TEXT, extra TEXT);"
    "CREATE TABLE IF NOT EXISTS conversations(id INTEGER PRIMARY KEY "
    "  AUTOINCREMENT, contact INTEGER NOT NULL, state TEXT NOT NULL, "
    "  first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL, "
    "  wake_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS conversations_contact ON conversations(contact);"
    "CREATE TABLE IF NOT EXISTS messages(id TEXT PRIMARY KEY, wamid TEXT, "
    "  fingerprint TEXT, conversation TEXT NOT NULL, direction INTEGER NOT "
    "  NULL, ts INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS messages_wamid ON messages(wamid) WHERE "
    "  wamid IS NOT '=';"
    "CREATE TABLE IF NOT EXISTS status_keys(message TEXT NOT NULL, "
    "  status TEXT NOT NULL, PRIMARY KEY(message, status)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS deferred(wamid TEXT NOT NULL, conversation "
    "  TEXT NOT NULL, status TEXT NOT NULL, ts INTEGER NOT NULL, extra TEXT, "
    "  UNIQUE(wamid, status));"
    "CREATE TABLE IF NOT EXISTS outbound(id TEXT PRIMARY KEY, client_id TEXT "
    "  UNIQUE, conversation TEXT NOT NULL, body TEXT NOT NULL, state INTEGER "
    "  NOT NULL, attempts INTEGER NOT NULL, next_try INTEGER NOT NULL, "
    "  wamid TEXT);"
    "CREATE INDEX IF NOT EXISTS outbound_due ON outbound(state, next_try);"
    "CREATE TABLE IF NOT EXISTS idempotency(route TEXT NOT NULL, client_id "
    "  TEXT NOT NULL, status INTEGER NOT NULL, response TEXT NOT NULL, "
    "  PRIMARY KEY(route, client_id)) WITHOUT ROWID;"
    "INSERT OR IGNORE INTO meta(key, value) VALUES('schema', '1');";

/* 2: the event log compact (store_sqlite_log.c), the search index
 * (store_sqlite_search.c). */
#define ST_SCHEMA_VERSION 2

/* Columns added to version 1 before any release: added in place to a
 * database that lacks them. */
static const struct {
	const char *probe;
	const char *add;
} st_columns[] = {
	{ "SELECT wake_at FROM conversations LIMIT 0",
	  "ALTER TABLE conversations ADD COLUMN wake_at INTEGER NOT NULL "
	  "DEFAULT 0" },
};

static const char st_indexes[] =
    "CREATE INDEX IF NOT EXISTS conversations_wake ON conversations(wake_at) "
    "  WHERE wake_at > 0;";

/* Schema 1 to 2: message keys as Q_MSG_* read them. */
static const char st_messages_v2[] =
    "UPDATE messages SET wamid = '=' WHERE wamid = id;"
    "UPDATE messages SET fingerprint = substr(fingerprint, 1, 16) WHERE "
    "  length(fingerprint) > 16;"
    "DROP INDEX IF EXISTS messages_wamid;"
    "CREATE INDEX messages_wamid ON messages(wamid) WHERE wamid IS NOT '=';";

struct relay_store {
	sqlite3 *db;
	sqlite3_stmt *q[Q_COUNT];
	struct sqlite_search search;
	char err[256];
};

static sqlite3_stmt *
st_q(struct relay_store *st, enum st_stmt which)
{
	sqlite3_stmt *s = st->q[which];

	if (s == NULL) {
		if (sqlite3_prepare_v3(st->db, st_sql[which], -1,
		    SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
			snprintf(st->err, sizeof st->err, "prepare: %s",
			    sqlite3_errmsg(st->db));
			return NULL;
		}
		st->q[which] = s;
	}
	return s;
}

/* Binds text or NULL. */
static void
st_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(s, i);
	else
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static char *
st_col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t == NULL ? NULL : strdup((const char *)t);
}

static int
st_fail(struct relay_store *st, sqlite3_stmt *s)
{
	snprintf(st->err, sizeof st->err, "%s", sqlite3_errmsg(st->db));
	if (s != NULL)
		sqlite3_reset(s);
	return -1;
}

/* Runs a statement that returns no row. */
static int
st_done(struct relay_store *st, sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return st_fail(st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return 0;
}

static int
st_exec(struct relay_store *st, enum st_stmt which)
{
	sqlite3_stmt *s = st_q(st, which);

	return s == NULL ? -1 : st_done(st, s);
}

/* Creates the schema, or upgrades an older one; refuses a database
 * written by a newer relay.  *rewrote: the event log was rewritten. */
static int
st_migrate(struct relay_store *st, bool *rewrote, char **msg)
{
	sqlite3_stmt *q = NULL;
	int version = 0, rc = -1;
	size_t i;

	if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, msg) != SQLITE_OK)
		return -1;
	if (sqlite3_exec(st->db, st_schema, NULL, NULL, msg) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key = "
	    "'schema'", -1, &q, NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_step(q) == SQLITE_ROW &&
	    (version = store_schema_parse((const char *)sqlite3_column_text(q,
	    0))) < 0) {
		*msg = sqlite3_mprintf("database schema version '%.40s' is not a "
		    "number: not a ttydesk-relay database, or a damaged one",
		    (const char *)sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
		goto out;
	}
	sqlite3_finalize(q);
	if (version > ST_SCHEMA_VERSION) {
		*msg = sqlite3_mprintf("database schema %d is newer than this "
		    "relay (%d)", version, ST_SCHEMA_VERSION);
		goto out;
	}
	for (i = 0; i < sizeof st_columns / sizeof st_columns[0]; i++) {
		if (sqlite3_prepare_v2(st->db, st_columns[i].probe, -1, &q,
		    NULL) == SQLITE_OK) {
			sqlite3_finalize(q);
			continue;
		}
		if (sqlite3_exec(st->db, st_columns[i].add, NULL, NULL, msg) !=
		    SQLITE_OK)
			goto out;
	}
	if (sqlite3_exec(st->db, st_indexes, NULL, NULL, msg) != SQLITE_OK ||
	    (version < 2 && sqlite3_exec(st->db, st_messages_v2, NULL, NULL,
	    msg) != SQLITE_OK) ||
	    sqlite_log_ensure(st->db, rewrote, msg) != 0 ||
	    sqlite_search_schema(st->db, msg) != 0 ||
	    sqlite3_exec(st->db, "UPDATE meta SET value = '2' WHERE key = "
	    "'schema'", NULL, NULL, msg) != SQLITE_OK)
		goto out;
	rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, msg) == SQLITE_OK ? 0 : -1;
out:
	if (rc != 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Before a schema-1 log is rewritten, a copy of the database as it was
 * is kept beside it (PATH.schema-1), once. */
static int
st_keep_copy(struct relay_store *st, const char *path, char **msg)
{
	char *copy = sqlite3_mprintf("%s.schema-1", path), *sql;
	FILE *f;
	int rc = 0;

	if (copy == NULL)
		return -1;
	if ((f = fopen(copy, "r")) != NULL) {
		fclose(f);
	} else {
		sql = sqlite3_mprintf("VACUUM INTO %Q", copy);
		rc = sql != NULL && sqlite3_exec(st->db, sql, NULL, NULL,
		    msg) == SQLITE_OK ? 0 : -1;
		sqlite3_free(sql);
	}
	sqlite3_free(copy);
	return rc;
}

static int
st_upgrade(struct relay_store *st, const char *path, char **msg)
{
	bool rewrote = false;
	int v1 = sqlite_log_is_v1(st->db);

	if (v1 < 0 || (v1 > 0 && st_keep_copy(st, path, msg) != 0) ||
	    st_migrate(st, &rewrote, msg) != 0)
		return -1;
	/* The old table's pages are free now: give them back. */
	if (rewrote && sqlite3_exec(st->db, "VACUUM", NULL, NULL, msg) !=
	    SQLITE_OK)
		return -1;
	return 0;
}

int
relay_store_open(const char *path, enum relay_store_mode mode,
    struct relay_store **out, char *err, size_t errlen)
{
	struct relay_store *st;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	char *msg = NULL;

	*out = NULL;
	if ((st = calloc(1, sizeof *st)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (mode == RELAY_STORE_WRITER)
		flags |= SQLITE_OPEN_CREATE;
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, st->db ?
		    sqlite3_errmsg(st->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 10000);
	st->search.db = st->db;
	st->search.err = st->err;
	st->search.errlen = sizeof st->err;
	if (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL; "
	    "PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF; "
	    "PRAGMA cache_size=-16000", NULL, NULL, &msg) != SQLITE_OK)
		goto sqlfail;
	if (mode == RELAY_STORE_WRITER && st_upgrade(st, path, &msg) != 0)
		goto sqlfail;
	*out = st;
	return 0;
sqlfail:
	snprintf(err, errlen, "%s: %s", path, msg ? msg : sqlite3_errmsg(st->db));
	sqlite3_free(msg);
fail:
	sqlite3_close(st->db);
	free(st);
	return -1;
}

void
relay_store_close(struct relay_store *st)
{
	int i;

	if (st == NULL)
		return;
	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(st->q[i]);
	sqlite_search_close(&st->search);
	sqlite3_close(st->db);
	free(st);
}

const char *
relay_store_error(struct relay_store *st)
{
	return st->err;
}

int
relay_store_begin(struct relay_store *st)
{
	return st_exec(st, Q_BEGIN);
}

int
relay_store_commit(struct relay_store *st)
{
	return st_exec(st, Q_COMMIT);
}

void
relay_store_rollback(struct relay_store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		st_exec(st, Q_ROLLBACK);
}

int
relay_store_savepoint(struct relay_store *st)
{
	return st_exec(st, Q_SAVEPOINT);
}

int
relay_store_release(struct relay_store *st)
{
	return st_exec(st, Q_RELEASE);
}

void
relay_store_rollback_savepoint(struct relay_store *st)
{
	if (st_exec(st, Q_ROLLBACK_TO) == 0)
		st_exec(st, Q_RELEASE);
}

int64_t
relay_store_last_seq(struct relay_store *st)
{
	sqlite3_stmt *s = st_q(st, Q_LAST_SEQ);
	int64_t v = -1;

	if (s == NULL)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return v;
}

int
relay_store_append(struct relay_store *st, int64_t seq, json_t *ev)
{
	sqlite3_stmt *s = st_q(st, Q_APPEND);
	char *text;
	int rc;

	if (s == NULL)
		return -1;
	if (json_object_set_new(ev, "seq", json_integer(seq)) != 0)
		return -1;
	text = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (text == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, seq);
	sqlite3_bind_int64(s, 2, json_integer_value(json_object_get(ev, "ts")));
	st_text(s, 3, json_string_value(json_object_get(ev, "type")));
	st_text(s, 4, json_string_value(json_object_get(ev, "conversation")));
	sqlite3_bind_text(s, 5, text, -1, SQLITE_STATIC);
	rc = st_done(st, s);
	free(text);
	if (rc == 0)
		rc = sqlite_search_add(&st->search, seq, ev);
	return rc;
}

int
sqlite_store_search(struct relay_store *st, const struct search_query *q,
    int64_t before, int limit, struct relay_search_hit **hits, size_t *n)
{
	return sqlite_search_find(&st->search, q, before, limit, hits, n);
}

int
sqlite_store_search_backfill(struct relay_store *st, int max, int64_t *left)
{
	return sqlite_search_backfill(&st->search, max, left);
}

int
relay_store_read_after(struct relay_store *st, int64_t after, int limit,
    char **buf, size_t *len, int *count, int64_t *last, bool *more)
{
	sqlite3_stmt *s = st_q(st, Q_READ_AFTER);
	size_t cap = *buf ? *len + 1 : 0;
	int rc;

	*count = 0;
	*last = after;
	*more = false;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int(s, 2, limit + 1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *j = (const char *)sqlite3_column_text(s, 1);
		size_t n = (size_t)sqlite3_column_bytes(s, 1);

		if (*count == limit) {
			*more = true;
			break;
		}
		if ((*count > 0 && relay_buf_add(buf, len, &cap, ",", 1) != 0) ||
		    relay_buf_add(buf, len, &cap, j, n) != 0) {
			snprintf(st->err, sizeof st->err, "out of memory");
			sqlite3_reset(s);
			return -1;
		}
		*last = sqlite3_column_int64(s, 0);
		(*count)++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_fail(st, s);
	sqlite3_reset(s);
	return 0;
}

json_t *
relay_store_conversation_messages(struct relay_store *st,
    const char *conversation, int n)
{
	sqlite3_stmt *s = st_q(st, Q_CONV_MESSAGES);
	json_t *arr = json_array(), *ev;

	if (s == NULL || arr == NULL) {
		json_decref(arr);
		return NULL;
	}
	st_text(s, 1, conversation);
	sqlite3_bind_int(s, 2, n);
	while (sqlite3_step(s) == SQLITE_ROW) {
		ev = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
		if (ev != NULL)
			json_array_append_new(arr, ev);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return arr;
}

void
relay_contact_free(struct relay_contact *c)
{
	free(c->wa_id);
	free(c->user_id);
	free(c->username);
	free(c->name);
	free(c->conversation);
	json_decref(c->extra);
	memset(c, 0, sizeof *c);
}

static int
st_contact_row(struct relay_store *st, sqlite3_stmt *s, struct relay_contact *c)
{
	int rc = sqlite3_step(s);
	const char *extra;

	memset(c, 0, sizeof *c);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return 0;
	}
	if (rc != SQLITE_ROW)
		return st_fail(st, s);
	c->id = sqlite3_column_int64(s, 0);
	c->wa_id = st_col_dup(s, 1);
	c->user_id = st_col_dup(s, 2);
	c->username = st_col_dup(s, 3);
	c->name = st_col_dup(s, 4);
	c->conversation = st_col_dup(s, 5);
	extra = (const char *)sqlite3_column_text(s, 6);
	if (extra != NULL)
		c->extra = json_loads(extra, 0, NULL);
	sqlite3_reset(s);
	return 1;
}

int
relay_store_contact_by(struct relay_store *st, const char *by,
    const char *value, struct relay_contact *out)
{
	sqlite3_stmt *s = st_q(st, strcmp(by, "wa_id") == 0 ?
	    Q_CONTACT_BY_WA : Q_CONTACT_BY_USER);
	int rc;
	memset(out, 0, sizeof *out);

	if (s == NULL)
		return -1;
	st_text(s, 1, value);
	rc = st_contact_row(st, s, out);
	sqlite3_clear_bindings(s);
	return rc;
}

int
relay_store_contact_by_id(struct relay_store *st, int64_t id,
    struct relay_contact *out)
{
	sqlite3_stmt *s = st_q(st, Q_CONTACT_BY_ID);
	memset(out, 0, sizeof *out);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	return st_contact_row(st, s, out);
}

int
relay_store_contact_put(struct relay_store *st, struct relay_contact *c)
{
	sqlite3_stmt *s = st_q(st, c->id == 0 ? Q_CONTACT_INSERT :
	    Q_CONTACT_UPDATE);
	char *extra = NULL;
	int rc;

	if (s == NULL)
		return -1;
	if (c->extra != NULL)
		extra = json_dumps(c->extra, JSON_COMPACT);
	st_text(s, 1, c->wa_id);
	st_text(s, 2, c->user_id);
	st_text(s, 3, c->username);
	st_text(s, 4, c->name);
	st_text(s, 5, c->conversation);
	st_text(s, 6, extra);
	if (c->id != 0)
		sqlite3_bind_int64(s, 7, c->id);
	rc = st_done(st, s);
	free(extra);
	if (rc == 0 && c->id == 0)
		c->id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

int
relay_store_conversation_create(struct relay_store *st, int64_t contact,
    int64_t ts, const json_t *state, char **id)
{
	sqlite3_stmt *s = st_q(st, Q_CONV_INSERT);
	char *text;
	int rc;

	*id = NULL;
	if (s == NULL || (text = json_dumps(state, JSON_COMPACT |
	    JSON_PRESERVE_ORDER)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, contact);
	sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, ts);
	sqlite3_bind_int64(s, 4, ts);
	rc = st_done(st, s);
	free(text);
	if (rc != 0)
		return -1;
	*id = store_conv_id(sqlite3_last_insert_rowid(st->db));
	return *id == NULL ? -1 : 0;
}

int
relay_store_conversation_get(struct relay_store *st, const char *id,
    json_t **state, int64_t *contact, int64_t *first_ts, int64_t *last_ts)
{
	sqlite3_stmt *s;
	int64_t rowid = store_conv_rowid(id);
	int rc;

	*state = NULL;
	if (rowid < 0)
		return 0;
	if ((s = st_q(st, Q_CONV_GET)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, rowid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return 0;
	}
	if (rc != SQLITE_ROW)
		return st_fail(st, s);
	*state = json_loads((const char *)sqlite3_column_text(s, 0), 0, NULL);
	if (contact != NULL)
		*contact = sqlite3_column_int64(s, 1);
	if (first_ts != NULL)
		*first_ts = sqlite3_column_int64(s, 2);
	if (last_ts != NULL)
		*last_ts = sqlite3_column_int64(s, 3);
	sqlite3_reset(s);
	if (*state == NULL) {
		snprintf(st->err, sizeof st->err, "conversation %s: bad state", id);
		return -1;
	}
	return 1;
}

int
relay_store_conversations_due(struct relay_store *st, int64_t now,
    char ***ids, size_t *n)
{
	sqlite3_stmt *s = st_q(st, Q_CONV_DUE);
	char **v = NULL, **nv;
	int rc;

	*ids = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((nv = realloc(v, (*n + 1) * sizeof *v)) == NULL)
			break;
		v = nv;
		v[(*n)++] = store_conv_id(sqlite3_column_int64(s, 0));
	}
	sqlite3_reset(s);
	*ids = v;
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
relay_store_conversation_put(struct relay_store *st, const char *id,
    const json_t *state, int64_t last_ts)
{
	sqlite3_stmt *s = st_q(st, Q_CONV_PUT);
	char *text;
	int rc;

	if (s == NULL || (text = json_dumps(state, JSON_COMPACT |
	    JSON_PRESERVE_ORDER)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, last_ts);
	sqlite3_bind_int64(s, 3, store_wake_at(state));
	sqlite3_bind_int64(s, 4, store_conv_rowid(id));
	rc = st_done(st, s);
	free(text);
	return rc;
}

json_t *
relay_store_contact_conversations(struct relay_store *st, int64_t contact)
{
	sqlite3_stmt *s = st_q(st, Q_CONV_OF_CONTACT);
	json_t *arr = json_array();

	if (s == NULL || arr == NULL) {
		json_decref(arr);
		return NULL;
	}
	sqlite3_bind_int64(s, 1, contact);
	while (sqlite3_step(s) == SQLITE_ROW)
		json_array_append_new(arr, store_history_entry(
		    sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3)));
	sqlite3_reset(s);
	return arr;
}

void
relay_msgkey_free(struct relay_msgkey *k)
{
	free(k->id);
	free(k->wamid);
	free(k->conversation);
	memset(k, 0, sizeof *k);
}

int
relay_store_msg_seen(struct relay_store *st, const char *wamid,
    const char *fingerprint)
{
	sqlite3_stmt *s = st_q(st, Q_MSG_SEEN);
	int rc;

	if (s == NULL)
		return -1;
	st_text(s, 1, wamid);
	st_text(s, 2, fingerprint);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_fail(st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW;
}

static int
st_msgkey_row(struct relay_store *st, sqlite3_stmt *s, struct relay_msgkey *k)
{
	int rc = sqlite3_step(s);

	memset(k, 0, sizeof *k);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return 0;
	}
	if (rc != SQLITE_ROW)
		return st_fail(st, s);
	k->id = st_col_dup(s, 0);
	k->wamid = st_col_dup(s, 1);
	k->conversation = st_col_dup(s, 2);
	k->direction = sqlite3_column_int(s, 3);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return 1;
}

int
relay_store_msg_by_id(struct relay_store *st, const char *id,
    struct relay_msgkey *out)
{
	sqlite3_stmt *s = st_q(st, Q_MSG_BY_ID);
	memset(out, 0, sizeof *out);

	if (s == NULL)
		return -1;
	st_text(s, 1, id);
	return st_msgkey_row(st, s, out);
}

int
relay_store_msg_by_wamid(struct relay_store *st, const char *wamid,
    struct relay_msgkey *out)
{
	sqlite3_stmt *s = st_q(st, Q_MSG_BY_WAMID);
	memset(out, 0, sizeof *out);

	if (s == NULL)
		return -1;
	st_text(s, 1, wamid);
	return st_msgkey_row(st, s, out);
}

int
relay_store_msg_put(struct relay_store *st, const char *id, const char *wamid,
    const char *fingerprint, const char *conversation, int direction,
    int64_t ts)
{
	sqlite3_stmt *s = st_q(st, Q_MSG_PUT);

	if (s == NULL)
		return -1;
	st_text(s, 1, id);
	st_text(s, 2, wamid);
	st_text(s, 3, fingerprint);
	st_text(s, 4, conversation);
	sqlite3_bind_int(s, 5, direction);
	sqlite3_bind_int64(s, 6, ts);
	return st_done(st, s);
}

int
relay_store_msg_set_wamid(struct relay_store *st, const char *id,
    const char *wamid)
{
	sqlite3_stmt *s = st_q(st, Q_MSG_SET_WAMID);

	if (s == NULL)
		return -1;
	st_text(s, 1, wamid);
	st_text(s, 2, id);
	return st_done(st, s);
}

int
relay_store_status_once(struct relay_store *st, const char *message,
    const char *status)
{
	sqlite3_stmt *s = st_q(st, Q_STATUS_ONCE);

	if (s == NULL)
		return -1;
	st_text(s, 1, message);
	st_text(s, 2, status);
	if (st_done(st, s) != 0)
		return -1;
	return sqlite3_changes(st->db) > 0;
}

int
relay_store_status_mask(struct relay_store *st, const char *message,
    const char *const *names, int n_names, unsigned *mask)
{
	sqlite3_stmt *s = st_q(st, Q_STATUS_LIST);
	int rc, i;

	*mask = 0;
	if (s == NULL)
		return -1;
	st_text(s, 1, message);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(s, 0);

		for (i = 0; i < n_names && v != NULL; i++) {
			if (strcmp(v, names[i]) == 0)
				*mask |= 1u << i;
		}
	}
	if (rc != SQLITE_DONE)
		return st_fail(st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return 0;
}

int
relay_store_deferred_put(struct relay_store *st, const char *wamid,
    const char *conversation, const char *status, int64_t ts,
    const char *extra)
{
	sqlite3_stmt *s = st_q(st, Q_DEF_PUT);

	if (s == NULL)
		return -1;
	st_text(s, 1, wamid);
	st_text(s, 2, conversation);
	st_text(s, 3, status);
	sqlite3_bind_int64(s, 4, ts);
	st_text(s, 5, extra);
	return st_done(st, s);
}

void
relay_deferred_free(struct relay_deferred *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(d[i].wamid);
		free(d[i].status);
		free(d[i].extra);
		free(d[i].conversation);
	}
	free(d);
}

int
relay_store_deferred_take(struct relay_store *st, const char *conversation,
    struct relay_deferred **out, size_t *n)
{
	sqlite3_stmt *s = st_q(st, conversation ? Q_DEF_LIST : Q_DEF_LIST_ALL);
	sqlite3_stmt *d = st_q(st, conversation ? Q_DEF_DEL : Q_DEF_DEL_ALL);
	struct relay_deferred *v = NULL, *nv;
	int rc;

	*out = NULL;
	*n = 0;
	if (s == NULL || d == NULL)
		return -1;
	if (conversation != NULL)
		st_text(s, 1, conversation);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((nv = realloc(v, (*n + 1) * sizeof *v)) == NULL)
			break;
		v = nv;
		v[*n].wamid = st_col_dup(s, 0);
		v[*n].status = st_col_dup(s, 1);
		v[*n].extra = st_col_dup(s, 2);
		v[*n].ts = sqlite3_column_int64(s, 3);
		v[*n].conversation = st_col_dup(s, 4);
		(*n)++;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE) {
		relay_deferred_free(v, *n);
		*n = 0;
		return st_fail(st, NULL);
	}
	if (conversation != NULL)
		st_text(d, 1, conversation);
	if (st_done(st, d) != 0) {
		relay_deferred_free(v, *n);
		*n = 0;
		return -1;
	}
	*out = v;
	return 0;
}

int
relay_store_outbound_busy(struct relay_store *st, const char *conversation)
{
	sqlite3_stmt *s = st_q(st, Q_OUT_BUSY);
	int rc;

	if (s == NULL)
		return -1;
	st_text(s, 1, conversation);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_fail(st, NULL);
	return rc == SQLITE_ROW;
}

void
relay_outbound_free(struct relay_outbound *o)
{
	free(o->id);
	free(o->conversation);
	free(o->body);
	memset(o, 0, sizeof *o);
}

int
relay_store_outbound_put(struct relay_store *st, const char *id,
    const char *client_id, const char *conversation, const char *body,
    int64_t now)
{
	sqlite3_stmt *s = st_q(st, Q_OUT_PUT);

	if (s == NULL)
		return -1;
	st_text(s, 1, id);
	st_text(s, 2, client_id);
	st_text(s, 3, conversation);
	st_text(s, 4, body);
	sqlite3_bind_int64(s, 5, now);
	return st_done(st, s);
}

int
relay_store_outbound_claim(struct relay_store *st, int64_t now,
    struct relay_outbound *out, int max, int *n)
{
	sqlite3_stmt *s = st_q(st, Q_OUT_DUE), *c = st_q(st, Q_OUT_CLAIM);
	int rc, i;

	*n = 0;
	if (s == NULL || c == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, now);
	sqlite3_bind_int(s, 2, max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < max) {
		struct relay_outbound *o = &out[(*n)++];

		o->id = st_col_dup(s, 0);
		o->conversation = st_col_dup(s, 1);
		o->body = st_col_dup(s, 2);
		o->attempts = sqlite3_column_int(s, 3) + 1;
		o->next_try = sqlite3_column_int64(s, 4);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto fail;
	for (i = 0; i < *n; i++) {
		st_text(c, 1, out[i].id);
		if (st_done(st, c) != 0)
			goto fail;
	}
	return 0;
fail:
	while (*n > 0)
		relay_outbound_free(&out[--(*n)]);
	return -1;
}

int64_t
relay_store_outbound_next(struct relay_store *st)
{
	sqlite3_stmt *s = st_q(st, Q_OUT_NEXT);
	int64_t v = 0;

	if (s == NULL)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return v;
}

int
relay_store_outbound_set(struct relay_store *st, const char *id,
    enum relay_out_state state, int64_t next_try, const char *wamid)
{
	sqlite3_stmt *s = st_q(st, Q_OUT_SET);

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, (int)state);
	sqlite3_bind_int64(s, 2, next_try);
	st_text(s, 3, id);
	if (st_done(st, s) != 0)
		return -1;
	if (wamid == NULL)
		return 0;
	if ((s = st_q(st, Q_OUT_SET_WAMID)) == NULL)
		return -1;
	st_text(s, 1, wamid);
	st_text(s, 2, id);
	return st_done(st, s);
}

int
relay_store_outbound_inflight(struct relay_store *st, char ***ids, size_t *n)
{
	sqlite3_stmt *s = st_q(st, Q_OUT_INFLIGHT);
	char **v = NULL, **nv;

	*ids = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if ((nv = realloc(v, (*n + 1) * sizeof *v)) == NULL)
			break;
		v = nv;
		v[(*n)++] = st_col_dup(s, 0);
	}
	sqlite3_reset(s);
	*ids = v;
	return 0;
}

int
relay_store_idem_get(struct relay_store *st, const char *route,
    const char *client_id, int *status, char **response)
{
	sqlite3_stmt *s = st_q(st, Q_IDEM_GET);
	int rc;

	*response = NULL;
	if (s == NULL)
		return -1;
	st_text(s, 1, route);
	st_text(s, 2, client_id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*status = sqlite3_column_int(s, 0);
		*response = st_col_dup(s, 1);
	} else if (rc != SQLITE_DONE) {
		return st_fail(st, s);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW;
}

int
relay_store_idem_put(struct relay_store *st, const char *route,
    const char *client_id, int status, const char *response)
{
	sqlite3_stmt *s = st_q(st, Q_IDEM_PUT);

	if (s == NULL)
		return -1;
	st_text(s, 1, route);
	st_text(s, 2, client_id);
	sqlite3_bind_int(s, 3, status);
	st_text(s, 4, response);
	return st_done(st, s);
}

int
relay_store_meta_get(struct relay_store *st, const char *key, char **value)
{
	sqlite3_stmt *s = st_q(st, Q_META_GET);
	int rc;

	*value = NULL;
	if (s == NULL)
		return -1;
	st_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*value = st_col_dup(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return rc == SQLITE_ROW;
}

int
relay_store_meta_put(struct relay_store *st, const char *key, const char *value)
{
	sqlite3_stmt *s = st_q(st, Q_META_PUT);

	if (s == NULL)
		return -1;
	st_text(s, 1, key);
	st_text(s, 2, value);
	return st_done(st, s);
}
