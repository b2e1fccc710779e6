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

#include "ttydesk/buf.h"
#include "store_backend.h"
#include "store_common.h"
#include "store_sqlite.h"
#include "store_sqlite_log.h"
#include "store_sqlite_search.h"
#include "store_window_backend.h"

enum st_stmt {
	Q_APPEND,
	Q_READ_AFTER,
	Q_READ_AFTER_V1,
	Q_LAST_SEQ,
	Q_CONV_MESSAGES,
	Q_CONV_MESSAGES_V1,
	Q_CONTACT_BY_WA,
	Q_CONTACT_BY_USER,
	Q_CONTACT_BY_ID,
	Q_CONTACT_INSERT,
	Q_CONTACT_UPDATE,
	Q_CONTACT_ALIAS,
	Q_CONV_TIMES,
	Q_CONV_INSERT,
	Q_CONV_GET,
	Q_CONV_OF,
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
	/* Events as stored, decoded in C (sqlite_log_row_json): the view
	 * events decodes in SQL at ten times the cost.  The _V1 reads are
	 * for a schema-1 table that the writer has not rewritten yet. */
	[Q_READ_AFTER] = "SELECT seq, ts, type, conversation, body FROM "
	    "event_log WHERE seq > ? ORDER BY seq LIMIT ?",
	[Q_READ_AFTER_V1] = "SELECT seq, ts, type, conversation, json FROM "
	    "events WHERE seq > ? ORDER BY seq LIMIT ?",
	[Q_LAST_SEQ] = "SELECT COALESCE(MAX(seq), 0) FROM events",
	[Q_CONV_MESSAGES] = "SELECT * FROM (SELECT seq, ts, type, "
	    "conversation, body FROM event_log WHERE conversation = ? AND "
	    "type = 'message' ORDER BY seq DESC LIMIT ?) ORDER BY seq",
	[Q_CONV_MESSAGES_V1] = "SELECT * FROM (SELECT seq, ts, type, "
	    "conversation, json FROM events WHERE conversation = ? AND "
	    "type = 'message' ORDER BY seq DESC LIMIT ?) ORDER BY seq",
	/* The identifier itself first, then one the customer had before. */
	[Q_CONTACT_BY_WA] = "SELECT id, wa_id, user_id, username, name, "
	    "conversation, extra FROM contacts WHERE wa_id = ?1 UNION ALL "
	    "SELECT c.id, c.wa_id, c.user_id, c.username, c.name, "
	    "c.conversation, c.extra FROM contact_aliases a JOIN contacts c "
	    "ON c.id = a.contact WHERE a.kind = 'wa_id' AND a.value = ?1 "
	    "LIMIT 1",
	[Q_CONTACT_BY_USER] = "SELECT id, wa_id, user_id, username, name, "
	    "conversation, extra FROM contacts WHERE user_id = ?1 UNION ALL "
	    "SELECT c.id, c.wa_id, c.user_id, c.username, c.name, "
	    "c.conversation, c.extra FROM contact_aliases a JOIN contacts c "
	    "ON c.id = a.contact WHERE a.kind = 'user_id' AND a.value = ?1 "
	    "LIMIT 1",
	[Q_CONTACT_ALIAS] = "INSERT OR IGNORE INTO contact_aliases(kind, "
	    "value, contact) VALUES(?, ?, ?)",
	[Q_CONTACT_BY_ID] = "SELECT id, wa_id, user_id, username, name, "
	    "conversation, extra FROM contacts WHERE id = ?",
	[Q_CONTACT_INSERT] = "INSERT INTO contacts(wa_id, user_id, username, "
	    "name, conversation, extra) VALUES(?, ?, ?, ?, ?, ?)",
	[Q_CONTACT_UPDATE] = "UPDATE contacts SET wa_id = ?, user_id = ?, "
	    "username = ?, name = ?, conversation = ?, extra = ? WHERE id = ?",
	[Q_CONV_INSERT] = "INSERT INTO conversations(contact, state, first_ts, "
	    "last_ts, number) VALUES(?1, ?2, ?3, ?3, ?4)",
	[Q_CONV_GET] = "SELECT state, contact, first_ts, last_ts, number FROM "
	    "conversations WHERE id = ?",
	[Q_CONV_OF] = "SELECT id FROM conversations WHERE contact = ? AND "
	    "number = ? ORDER BY id DESC LIMIT 1",
	[Q_CONV_PUT] = "UPDATE conversations SET state = ?, last_ts = "
	    "MAX(last_ts, ?), wake_at = ? WHERE id = ?",
	[Q_CONV_TIMES] = "UPDATE conversations SET first_ts = MIN(first_ts, ?1), "
	    "last_ts = MAX(last_ts, ?1) WHERE id = ?2",
	[Q_CONV_DUE] = "SELECT id FROM conversations WHERE wake_at > 0 AND "
	    "wake_at <= ? ORDER BY wake_at LIMIT 256",
	[Q_CONV_OF_CONTACT] = "SELECT id, state, first_ts, last_ts, number "
	    "FROM conversations WHERE contact = ? ORDER BY id",
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
	/* Outbound first, then the oldest: messages has no rowid in a
	 * database made since its table lost it (the key is its id). */
	[Q_MSG_BY_WAMID] = "SELECT id, w, conversation, direction FROM ("
	    "SELECT id, wamid AS w, conversation, direction, ts FROM "
	    "messages WHERE wamid = ?1 AND wamid IS NOT '=' UNION ALL SELECT "
	    "id, id, conversation, direction, ts FROM messages WHERE id = ?1 "
	    "AND wamid = '=') ORDER BY direction DESC, ts, id LIMIT 1",
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

/* Keyed by its id alone: a rowid table would keep every id a second
 * time in the primary key's index (30 bytes a message).  A database made
 * before keeps its rowid table, which the same queries read, until
 * sqlite_messages_rekey() makes it anew. */
#define ST_MESSAGES_COLUMNS "(id TEXT PRIMARY KEY, wamid TEXT, fingerprint " \
    "TEXT, conversation TEXT NOT NULL, direction INTEGER NOT NULL, ts " \
    "INTEGER NOT NULL) WITHOUT ROWID"

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
    /* Identifiers a customer had before a number or user id change. */
    "CREATE TABLE IF NOT EXISTS contact_aliases(kind TEXT NOT NULL, value "
    "  TEXT NOT NULL, contact INTEGER NOT NULL, PRIMARY KEY(kind, value)) "
    "  WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS messages" ST_MESSAGES_COLUMNS ";"
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

/* Columns and tables added to version 1 in place: added to a database
 * that lacks them (a table by st_schema itself, add NULL), after a copy
 * of it as it was is kept beside it as PATH.<copy>. */
static const struct {
	const char *probe;
	const char *add;
	const char *copy;
} st_columns[] = {
	{ "SELECT wake_at FROM conversations LIMIT 0",
	  "ALTER TABLE conversations ADD COLUMN wake_at INTEGER NOT NULL "
	  "DEFAULT 0", "before-window" },
	/* ts of the newest message event (store_window.h); NULL until
	 * computed from the log below. */
	{ "SELECT msg_ts FROM conversations LIMIT 0",
	  "ALTER TABLE conversations ADD COLUMN msg_ts INTEGER",
	  "before-window" },
	/* The state's status, for the same reads; NULL until computed. */
	{ "SELECT status FROM conversations LIMIT 0",
	  "ALTER TABLE conversations ADD COLUMN status TEXT",
	  "before-window" },
	/* Several business numbers: the rows before are number "main". */
	{ "SELECT number FROM conversations LIMIT 0",
	  "ALTER TABLE conversations ADD COLUMN number TEXT NOT NULL "
	  "DEFAULT 'main'", "before-numbers" },
	{ "SELECT kind FROM contact_aliases LIMIT 0", NULL, "before-numbers" },
};

static const char st_indexes[] =
    "CREATE INDEX IF NOT EXISTS conversations_wake ON conversations(wake_at) "
    "  WHERE wake_at > 0;"
    /* The windowed reads (store_window.h): conversations by status and by
     * their newest message.  Both columns are kept by the schema itself:
     * status from every stored state, msg_ts on every message event (and
     * for a conversation row inserted after its events, as import does);
     * an older database gets them computed once. */
    "CREATE INDEX IF NOT EXISTS conversations_status_ts ON "
    "  conversations(status, msg_ts);"
    "CREATE INDEX IF NOT EXISTS conversations_msg_ts ON "
    "  conversations(msg_ts);"
    "CREATE TRIGGER IF NOT EXISTS event_log_msg_ts AFTER INSERT ON "
    "  event_log "
    "  WHEN new.type = 'message' AND new.conversation GLOB 'c[0-9]*' BEGIN "
    "  UPDATE conversations SET msg_ts = MAX(COALESCE(msg_ts, 0), new.ts) "
    "  WHERE id = CAST(substr(new.conversation, 2) AS INTEGER); END;"
    "CREATE TRIGGER IF NOT EXISTS conversations_new AFTER INSERT ON "
    "  conversations BEGIN "
    "  UPDATE conversations SET status = json_extract(new.state, "
    "  '$.status'), msg_ts = COALESCE(new.msg_ts, (SELECT MAX(ts) FROM "
    "  events WHERE conversation = 'c' || new.id AND type = 'message'), 0) "
    "  WHERE id = new.id; END;"
    "CREATE TRIGGER IF NOT EXISTS conversations_state AFTER UPDATE OF "
    "  state ON conversations BEGIN "
    "  UPDATE conversations SET status = json_extract(new.state, "
    "  '$.status') WHERE id = new.id; END;"
    "UPDATE conversations SET status = json_extract(state, '$.status') "
    "  WHERE status IS NULL;"
    "UPDATE conversations SET msg_ts = COALESCE((SELECT MAX(ts) FROM events "
    "  WHERE conversation = 'c' || conversations.id AND type = 'message'), "
    "  0) WHERE msg_ts IS NULL;"
    "CREATE INDEX IF NOT EXISTS conversations_number ON "
    "  conversations(contact, number);";

#define ST_MESSAGES_WAMID "CREATE INDEX messages_wamid ON messages(wamid) " \
    "WHERE wamid IS NOT '=';"

/* Schema 1 to 2: message keys as Q_MSG_* read them. */
static const char st_messages_v2[] =
    "UPDATE messages SET wamid = '=' WHERE wamid = id;"
    "UPDATE messages SET fingerprint = substr(fingerprint, 1, 16) WHERE "
    "  length(fingerprint) > 16;"
    "DROP INDEX IF EXISTS messages_wamid;"
    ST_MESSAGES_WAMID;

/* A rowid messages table made anew without its rowid, in id order so
 * that the new table's pages fill up one after the other. */
static const char st_messages_rekey[] =
    "CREATE TABLE messages_keyed" ST_MESSAGES_COLUMNS ";"
    "INSERT INTO messages_keyed SELECT id, wamid, fingerprint, "
    "  conversation, direction, ts FROM messages ORDER BY id;"
    "DROP TABLE messages;"
    "ALTER TABLE messages_keyed RENAME TO messages;"
    ST_MESSAGES_WAMID;

struct sqlite_store {
	sqlite3 *db;
	bool log_v2;  /* the log is event_log: no relay turns it back */
	sqlite3_stmt *q[Q_COUNT];
	struct sqlite_search search;
	char err[256];
};

static sqlite3_stmt *
st_q(struct sqlite_store *st, enum st_stmt which)
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
st_fail(struct sqlite_store *st, sqlite3_stmt *s)
{
	snprintf(st->err, sizeof st->err, "%s", sqlite3_errmsg(st->db));
	if (s != NULL)
		sqlite3_reset(s);
	return -1;
}

/* Prepares (once) and binds statement which with a's parameters (a may
 * be NULL); NULL (and st->err) when it cannot be prepared. */
static sqlite3_stmt *
st_bind(struct sqlite_store *st, enum st_stmt which,
    const struct store_args *a)
{
	sqlite3_stmt *s = st_q(st, which);
	int i;

	for (i = 0; s != NULL && a != NULL && i < a->n; i++) {
		if (a->is_num[i])
			sqlite3_bind_int64(s, i + 1, a->num[i]);
		else
			st_text(s, i + 1, a->text[i]);
	}
	return s;
}

/* Ready for the next use; SQLITE_STATIC bindings point at memory the
 * caller frees next. */
static void
st_end(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

/* Ends a statement whose last sqlite3_step() answered rc: 0, or -1 (and
 * st->err) unless it was a row or the end. */
static int
st_finish(struct sqlite_store *st, sqlite3_stmt *s, int rc)
{
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return st_fail(st, s);
	st_end(s);
	return 0;
}

/* Runs a statement that returns no row. */
static int
st_done(struct sqlite_store *st, sqlite3_stmt *s)
{
	return st_finish(st, s, sqlite3_step(s));
}

static int
st_do(struct sqlite_store *st, enum st_stmt which, const struct store_args *a)
{
	sqlite3_stmt *s = st_bind(st, which, a);

	return s == NULL ? -1 : st_done(st, s);
}

static int
st_exec(struct sqlite_store *st, enum st_stmt which)
{
	return st_do(st, which, NULL);
}

/* Binds and steps once: 1 with *out on the first row (st_end() it once
 * read), 0 when there is none, -1 on error. */
static int
st_first(struct sqlite_store *st, enum st_stmt which,
    const struct store_args *a, sqlite3_stmt **out)
{
	sqlite3_stmt *s = st_bind(st, which, a);
	int rc;

	if ((*out = s) == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		return 1;
	return st_finish(st, s, rc);
}

/* Does the statement compile (the table or column it names exists)? */
static bool
st_has(sqlite3 *db, const char *probe)
{
	sqlite3_stmt *q = NULL;

	if (sqlite3_prepare_v2(db, probe, -1, &q, NULL) != SQLITE_OK)
		return false;
	sqlite3_finalize(q);
	return true;
}

/* Creates the schema, or upgrades an older one; refuses a database
 * written by a newer relay.  *rewrote: the event log was rewritten. */
static int
st_migrate(struct sqlite_store *st, bool *rewrote, char **msg)
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
		if (st_columns[i].add == NULL || st_has(st->db,
		    st_columns[i].probe))
			continue;
		if (sqlite3_exec(st->db, st_columns[i].add, NULL, NULL, msg) !=
		    SQLITE_OK)
			goto out;
	}
	/* The log first: st_indexes' triggers are on event_log. */
	if ((version < 2 && sqlite3_exec(st->db, st_messages_v2, NULL, NULL,
	    msg) != SQLITE_OK) ||
	    sqlite_log_ensure(st->db, rewrote, msg) != 0 ||
	    sqlite3_exec(st->db, st_indexes, NULL, NULL, msg) != SQLITE_OK ||
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

int
sqlite_messages_rekey(const char *path, long long *rows, char *err,
    size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	int rc = -1;

	*rows = 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		goto fail;
	sqlite3_busy_timeout(db, 10000);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT sql LIKE '%WITHOUT ROWID', (SELECT "
	    "count(*) FROM messages) FROM sqlite_master WHERE type = 'table' "
	    "AND name = 'messages'", -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW)
		goto fail;
	if (sqlite3_column_int(q, 0) == 0) {
		*rows = sqlite3_column_int64(q, 1);
		sqlite3_finalize(q);
		q = NULL;
		if (sqlite3_exec(db, st_messages_rekey, NULL, NULL, NULL) !=
		    SQLITE_OK)
			goto fail;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	rc = *rows > 0 ? 1 : 0;
	goto out;
fail:
	snprintf(err, errlen, "%s: messages table: %s", path, db != NULL ?
	    sqlite3_errmsg(db) : "out of memory");
	*rows = 0;
out:
	sqlite3_finalize(q);
	sqlite3_close(db);
	return rc;
}

/* Before a schema-1 log is rewritten, or a column or table is added in
 * place, a copy of the database as it was is kept beside it
 * (PATH.schema-1, PATH.before-numbers, ...), once. */
static int
st_keep_copy(struct sqlite_store *st, const char *path, const char *suffix,
    char **msg)
{
	char *copy = sqlite3_mprintf("%s.%s", path, suffix), *sql;
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

/* The copy an upgrade of an existing database keeps first: NULL when
 * nothing is to change (or the database is new). */
static const char *
st_copy_suffix(sqlite3 *db, int v1)
{
	size_t i;

	if (v1 > 0)
		return "schema-1";
	if (!st_has(db, "SELECT id FROM conversations LIMIT 0"))
		return NULL;
	for (i = 0; i < sizeof st_columns / sizeof st_columns[0]; i++) {
		if (!st_has(db, st_columns[i].probe))
			return st_columns[i].copy;
	}
	return NULL;
}

static int
st_upgrade(struct sqlite_store *st, const char *path, char **msg)
{
	bool rewrote = false;
	int v1 = sqlite_log_is_v1(st->db);
	const char *copy = v1 < 0 ? NULL : st_copy_suffix(st->db, v1);

	if (v1 < 0 || (copy != NULL && st_keep_copy(st, path, copy,
	    msg) != 0) || st_migrate(st, &rewrote, msg) != 0)
		return -1;
	/* The old table's pages are free now: give them back. */
	if (rewrote && sqlite3_exec(st->db, "VACUUM", NULL, NULL, msg) !=
	    SQLITE_OK)
		return -1;
	return 0;
}

static int
sqlite_store_open(const char *path, enum relay_store_mode mode, void **out,
    char *err, size_t errlen)
{
	struct sqlite_store *st;
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

static void
sqlite_store_close(void *be)
{
	struct sqlite_store *st = be;
	int i;

	if (st == NULL)
		return;
	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(st->q[i]);
	sqlite_search_close(&st->search);
	sqlite3_close(st->db);
	free(st);
}

static const char *
sqlite_store_error(void *be)
{
	struct sqlite_store *st = be;

	return st->err;
}

sqlite3 *
sqlite_store_db(void *be)
{
	struct sqlite_store *st = be;

	return st->db;
}

int
sqlite_store_log_v1(void *be)
{
	struct sqlite_store *st = be;
	int v1;

	/* Only "not schema 1" is kept: a connection that saw schema 1 asks
	 * again, since another process may have rewritten the log since. */
	if (st->log_v2)
		return 0;
	v1 = sqlite_log_is_v1(st->db);
	st->log_v2 = v1 == 0;
	return v1;
}

static int
sqlite_store_begin(void *be)
{
	return st_exec(be, Q_BEGIN);
}

static int
sqlite_store_commit(void *be)
{
	return st_exec(be, Q_COMMIT);
}

static void
sqlite_store_rollback(void *be)
{
	struct sqlite_store *st = be;

	if (!sqlite3_get_autocommit(st->db))
		st_exec(st, Q_ROLLBACK);
}

static int
sqlite_store_savepoint(void *be)
{
	return st_exec(be, Q_SAVEPOINT);
}

static int
sqlite_store_release(void *be)
{
	return st_exec(be, Q_RELEASE);
}

static void
sqlite_store_rollback_savepoint(void *be)
{
	if (st_exec(be, Q_ROLLBACK_TO) == 0)
		st_exec(be, Q_RELEASE);
}

static const enum st_stmt st_writes[STORE_W_COUNT] = {
	[STORE_W_CONV_PUT] = Q_CONV_PUT,
	[STORE_W_MSG_PUT] = Q_MSG_PUT,
	[STORE_W_MSG_SET_WAMID] = Q_MSG_SET_WAMID,
	[STORE_W_STATUS_ONCE] = Q_STATUS_ONCE,
	[STORE_W_DEFERRED_PUT] = Q_DEF_PUT,
	[STORE_W_IDEM_PUT] = Q_IDEM_PUT,
	[STORE_W_META_PUT] = Q_META_PUT,
	[STORE_W_CONTACT_ALIAS] = Q_CONTACT_ALIAS,
	[STORE_W_CONV_TIMES] = Q_CONV_TIMES,
};

static int
sqlite_store_write(void *be, enum store_write w, const struct store_args *a)
{
	struct sqlite_store *st = be;

	if (st_do(st, st_writes[w], a) != 0)
		return -1;
	return sqlite3_changes(st->db);
}

static const enum st_stmt st_reads[STORE_R_COUNT] = {
	[STORE_R_CONTACT_BY_WA] = Q_CONTACT_BY_WA,
	[STORE_R_CONTACT_BY_USER] = Q_CONTACT_BY_USER,
	[STORE_R_CONTACT_BY_ID] = Q_CONTACT_BY_ID,
	[STORE_R_CONV_OF] = Q_CONV_OF,
	[STORE_R_CONV_DUE] = Q_CONV_DUE,
	[STORE_R_CONV_OF_CONTACT] = Q_CONV_OF_CONTACT,
	[STORE_R_MSG_SEEN] = Q_MSG_SEEN,
	[STORE_R_MSG_BY_ID] = Q_MSG_BY_ID,
	[STORE_R_MSG_BY_WAMID] = Q_MSG_BY_WAMID,
	[STORE_R_STATUS_LIST] = Q_STATUS_LIST,
	[STORE_R_OUT_BUSY] = Q_OUT_BUSY,
	[STORE_R_IDEM_GET] = Q_IDEM_GET,
	[STORE_R_META_GET] = Q_META_GET,
};

static int
sqlite_store_read(void *be, enum store_read r, const struct store_args *a,
    store_row_fn each, void *ud)
{
	struct sqlite_store *st = be;
	sqlite3_stmt *s = st_bind(st, st_reads[r], a);
	const char *col[STORE_ROW_MAX];
	int i, n, rows = 0, more = 0, rc = SQLITE_DONE;

	if (s == NULL)
		return -1;
	n = sqlite3_column_count(s);
	if (n > STORE_ROW_MAX)
		n = STORE_ROW_MAX;
	while (more == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			col[i] = (const char *)sqlite3_column_text(s, i);
		rows++;
		more = each(ud, col, n);
	}
	if (more != 0) {
		st_end(s);
		return more < 0 ? -1 : rows;
	}
	return st_finish(st, s, rc) == 0 ? rows : -1;
}

static int64_t
sqlite_store_last_seq(void *be)
{
	sqlite3_stmt *s;
	int64_t v;

	if (st_first(be, Q_LAST_SEQ, NULL, &s) != 1)
		return -1;
	v = sqlite3_column_int64(s, 0);
	st_end(s);
	return v;
}

static int
sqlite_store_append(void *be, int64_t seq, json_t *ev)
{
	struct store_args a = { .n = 0 };
	char *text;
	int rc;

	if ((text = store_append_args(&a, seq, ev)) == NULL)
		return -1;
	rc = st_do(be, Q_APPEND, &a);
	free(text);
	if (rc == 0)
		rc = sqlite_search_add(&((struct sqlite_store *)be)->search, seq,
		    ev);
	return rc;
}

static int
sqlite_store_search(void *be, const struct search_query *q, int64_t before,
    int limit, struct relay_search_hit **hits, size_t *n)
{
	struct sqlite_store *st = be;

	return sqlite_search_find(&st->search, q, before, limit, hits, n);
}

static int
sqlite_store_search_backfill(void *be, int max, int64_t *left)
{
	struct sqlite_store *st = be;

	return sqlite_search_backfill(&st->search, max, left);
}

static int
sqlite_store_read_after(void *be, int64_t after, int limit, char **buf,
    size_t *len, int *count, int64_t *last, bool *more)
{
	struct sqlite_store *st = be;
	struct store_args a = { .n = 0 };
	struct store_page page;
	struct buf b = { 0 };
	sqlite3_stmt *s;
	const char *json;
	size_t n;
	int v1 = sqlite_store_log_v1(st), rc = SQLITE_DONE, full = 0;

	store_page_start(&page, after, limit, buf, len, count, last, more);
	store_arg_int(&a, after);
	store_arg_int(&a, (int64_t)limit + 1);
	if (v1 < 0 || (s = st_bind(st, v1 ? Q_READ_AFTER_V1 : Q_READ_AFTER,
	    &a)) == NULL)
		return -1;
	while (full == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW)
		full = (json = sqlite_log_row_json(s, v1, &b, &n)) == NULL ? -1 :
		    store_page_add(&page, sqlite3_column_int64(s, 0), json, n);
	buf_free(&b);
	if (full < 0) {
		snprintf(st->err, sizeof st->err, "out of memory, or an event "
		    "stored damaged");
		st_end(s);
		return -1;
	}
	return st_finish(st, s, rc);
}

static json_t *
sqlite_store_conversation_messages(void *be, const char *conversation, int n)
{
	struct sqlite_store *st = be;
	struct store_args a = { .n = 0 };
	struct buf b = { 0 };
	sqlite3_stmt *s;
	const char *json;
	size_t len;
	int v1 = sqlite_store_log_v1(st);
	json_t *arr = json_array();

	store_arg_text(&a, conversation);
	store_arg_int(&a, n);
	if (arr == NULL || v1 < 0 || (s = st_bind(st, v1 ? Q_CONV_MESSAGES_V1 :
	    Q_CONV_MESSAGES, &a)) == NULL) {
		json_decref(arr);
		return NULL;
	}
	while (sqlite3_step(s) == SQLITE_ROW)
		if ((json = sqlite_log_row_json(s, v1, &b, &len)) != NULL)
			store_json_append(arr, json);
	st_end(s);
	buf_free(&b);
	return arr;
}

static int
sqlite_store_contact_put(void *be, struct relay_contact *c)
{
	struct sqlite_store *st = be;
	struct store_args a = { .n = 0 };
	char *extra = store_contact_args(&a, c);
	int rc;

	rc = st_do(st, c->id == 0 ? Q_CONTACT_INSERT : Q_CONTACT_UPDATE, &a);
	free(extra);
	if (rc == 0 && c->id == 0)
		c->id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

static int
sqlite_store_conversation_create(void *be, int64_t contact, int64_t ts,
    const json_t *state, char **id)
{
	struct sqlite_store *st = be;
	struct store_args a = { .n = 0 };
	char *text;
	int rc;

	*id = NULL;
	if ((text = store_conv_create_args(&a, contact, ts, state)) == NULL)
		return -1;
	rc = st_do(st, Q_CONV_INSERT, &a);
	free(text);
	if (rc != 0)
		return -1;
	*id = store_conv_id(sqlite3_last_insert_rowid(st->db));
	return *id == NULL ? -1 : 0;
}

static int
sqlite_store_conversation_get(void *be, const char *id, json_t **state,
    int64_t *contact, int64_t *first_ts, int64_t *last_ts)
{
	struct sqlite_store *st = be;
	struct store_args a = { .n = 0 };
	struct store_conv_row row;
	sqlite3_stmt *s;
	int64_t rowid = store_conv_rowid(id);
	int rc;

	*state = NULL;
	if (rowid < 0)
		return 0;
	store_arg_int(&a, rowid);
	if ((rc = st_first(st, Q_CONV_GET, &a, &s)) != 1)
		return rc;
	row.state = (const char *)sqlite3_column_text(s, 0);
	row.contact = sqlite3_column_int64(s, 1);
	row.first_ts = sqlite3_column_int64(s, 2);
	row.last_ts = sqlite3_column_int64(s, 3);
	row.number = (const char *)sqlite3_column_text(s, 4);
	rc = store_conv_row_out(&row, id, state, contact, first_ts, last_ts,
	    st->err, sizeof st->err);
	st_end(s);
	return rc;
}

/* The first column of every row, as malloc'd strings. */
static int
st_id_list(struct sqlite_store *st, enum st_stmt which,
    const struct store_args *a, char ***ids, size_t *n)
{
	sqlite3_stmt *s = st_bind(st, which, a);
	char **v = NULL, **nv;
	int rc;

	*ids = NULL;
	*n = 0;
	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((nv = realloc(v, (*n + 1) * sizeof *v)) == NULL)
			break;
		v = nv;
		v[(*n)++] = st_col_dup(s, 0);
	}
	*ids = v;
	return st_finish(st, s, rc);
}

static int
sqlite_store_deferred_take(void *be, const char *conversation,
    struct relay_deferred **out, size_t *n)
{
	struct store_args a = { .n = 0 };
	struct relay_deferred *v = NULL, *nv;
	sqlite3_stmt *s;
	int rc;

	*out = NULL;
	*n = 0;
	if (conversation != NULL)
		store_arg_text(&a, conversation);
	if ((s = st_bind(be, conversation ? Q_DEF_LIST : Q_DEF_LIST_ALL,
	    &a)) == NULL)
		return -1;
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
	st_end(s);
	if (rc != SQLITE_DONE ||
	    st_do(be, conversation ? Q_DEF_DEL : Q_DEF_DEL_ALL, &a) != 0) {
		if (rc != SQLITE_DONE)
			st_fail(be, NULL);
		relay_deferred_free(v, *n);
		*n = 0;
		return -1;
	}
	*out = v;
	return 0;
}

static int
sqlite_store_outbound_put(void *be, const char *id, const char *client_id,
    const char *conversation, const char *body, int64_t now)
{
	struct store_args a = { .n = 0 };

	store_outbound_put_args(&a, id, client_id, conversation, body, now);
	return st_do(be, Q_OUT_PUT, &a);
}

static int
sqlite_store_outbound_claim(void *be, int64_t now, struct relay_outbound *out,
    int max, int *n)
{
	struct store_args a = { .n = 0 }, b;
	sqlite3_stmt *s;
	int rc, i;

	*n = 0;
	store_arg_int(&a, now);
	store_arg_int(&a, max);
	if ((s = st_bind(be, Q_OUT_DUE, &a)) == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && *n < max) {
		struct relay_outbound *o = &out[(*n)++];

		o->id = st_col_dup(s, 0);
		o->conversation = st_col_dup(s, 1);
		o->body = st_col_dup(s, 2);
		o->attempts = sqlite3_column_int(s, 3) + 1;
		o->next_try = sqlite3_column_int64(s, 4);
	}
	st_end(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		goto fail;
	for (i = 0; i < *n; i++) {
		b.n = 0;
		store_arg_text(&b, out[i].id);
		if (st_do(be, Q_OUT_CLAIM, &b) != 0)
			goto fail;
	}
	return 0;
fail:
	while (*n > 0)
		relay_outbound_free(&out[--(*n)]);
	return -1;
}

static int64_t
sqlite_store_outbound_next(void *be)
{
	sqlite3_stmt *s;
	int64_t v;

	if (st_first(be, Q_OUT_NEXT, NULL, &s) != 1)
		return 0;
	v = sqlite3_column_int64(s, 0);
	st_end(s);
	return v;
}

static int
sqlite_store_outbound_set(void *be, const char *id,
    enum relay_out_state state, int64_t next_try, const char *wamid)
{
	struct store_args a = { .n = 0 }, b = { .n = 0 };

	store_outbound_set_args(&a, &b, id, state, next_try, wamid);
	if (st_do(be, Q_OUT_SET, &a) != 0)
		return -1;
	return wamid == NULL ? 0 : st_do(be, Q_OUT_SET_WAMID, &b);
}

static int
sqlite_store_outbound_inflight(void *be, char ***ids, size_t *n)
{
	return st_id_list(be, Q_OUT_INFLIGHT, NULL, ids, n);
}

const struct relay_store_ops relay_store_sqlite_ops = {
	.search = sqlite_store_search,
	.search_backfill = sqlite_store_search_backfill,
	.open = sqlite_store_open,
	.close = sqlite_store_close,
	.error = sqlite_store_error,
	.write = sqlite_store_write,
	.read = sqlite_store_read,
	.begin = sqlite_store_begin,
	.commit = sqlite_store_commit,
	.rollback = sqlite_store_rollback,
	.savepoint = sqlite_store_savepoint,
	.release = sqlite_store_release,
	.rollback_savepoint = sqlite_store_rollback_savepoint,
	.last_seq = sqlite_store_last_seq,
	.append = sqlite_store_append,
	.read_after = sqlite_store_read_after,
	.conversation_messages = sqlite_store_conversation_messages,
	.contact_put = sqlite_store_contact_put,
	.conversation_create = sqlite_store_conversation_create,
	.conversation_get = sqlite_store_conversation_get,
	.deferred_take = sqlite_store_deferred_take,
	.outbound_put = sqlite_store_outbound_put,
	.outbound_claim = sqlite_store_outbound_claim,
	.outbound_next = sqlite_store_outbound_next,
	.outbound_set = sqlite_store_outbound_set,
	.outbound_inflight = sqlite_store_outbound_inflight,
	.window = &store_sqlite_window_ops,
};
