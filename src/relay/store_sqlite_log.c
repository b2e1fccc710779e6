/*
 * The SQLite event log, compact (store_sqlite_log.h).
 *
 * An event's JSON begins with what its columns already hold,
 * {"seq":S,"ts":T,"type":"Y","conversation":"C" — stored once, in the
 * columns — and the rest is mostly the same keys and values again and
 * again ("direction":"in","kind":"text", a conversation state that only
 * changed last_inbound_ts...).  So event_log.body is the JSON without that
 * head, with each of a fixed list of frequent pieces replaced by one
 * control character (1..31), which compact JSON never holds raw.  A JSON
 * text that holds one anyway, or whose head is not exactly the columns,
 * is kept whole: a body starting with '{' is the JSON itself.
 *
 * Both directions are SQL, kept in the database's own schema: the view
 * events(seq, ts, type, conversation, json) gives the JSON back byte for
 * byte, and an INSTEAD OF INSERT trigger on it encodes.  Every reader of
 * "events" (sync, search, export, the sqlite3 shell) sees the JSON as it
 * was; the writer inserts into events as it always did.  The list below
 * can never change for a database that has it: a new list needs a new
 * view and trigger.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "store_common.h"
#include "store_sqlite_log.h"

static const char *const log_pieces[] = {
	",\"message\":{\"id\":\"wamid.",
	",\"message\":{\"id\":\"",
	"\",\"direction\":\"in\",\"kind\":\"text\",\"from\":\"",
	"\",\"direction\":\"out\",\"kind\":\"text\",\"from\":\"",
	"\",\"direction\":\"note\",\"kind\":\"text\",\"from\":\"",
	"\",\"direction\":\"in\",\"kind\":\"",
	"\",\"direction\":\"out\",\"kind\":\"",
	"\",\"from\":\"",
	"\",\"text\":\"",
	"\",\"status\":\"received\"}}",
	"\",\"status\":\"",
	",\"state\":{\"status\":\"open\",\"assignee\":null,\"team\":null,"
	    "\"priority\":\"normal\",\"last_inbound_ts\":",
	",\"labels\":[],\"sla\":{\"breached\":false}}}",
	",\"state\":{\"status\":\"",
	"\",\"assignee\":",
	",\"team\":",
	",\"priority\":\"",
	",\"last_inbound_ts\":",
	",\"status\":{\"message\":\"",
	",\"contact\":{\"wa_id\":\"",
	",\"contact\":{\"user_id\":\"",
	"\",\"name\":\"",
	"\",\"username\":\"",
	"\",\"caption\":\"",
	"\",\"media\":{\"id\":\"",
	"\",\"mime_type\":\"",
	"\",\"sha256\":\"",
	"\",\"agent\":\"",
	"\",\"client_id\":\"",
	"\",\"wamid\":\"wamid.",
	",\"labels\":[",
};
#define LOG_NPIECES (sizeof log_pieces / sizeof log_pieces[0])

/* The JSON head from the columns, as jansson writes it (integers in
 * decimal, the two strings plain: ids and type names need no escapes,
 * and a head that did is simply not found, so that JSON is kept whole). */
#define LOG_HEAD(p) "'{\"seq\":'||" p "seq||',\"ts\":'||" p "ts||" \
	"',\"type\":\"'||" p "type||'\",\"conversation\":\"'||" p \
	"conversation||'\"'"

static int
log_add(struct buf *b, const char *s)
{
	return buf_adds(b, s);
}

/* replace(...replace(inner, a, b)...): pieces [lo, hi) of the list to
 * their codes in list order (encode), or codes to pieces in reverse order
 * (decode).  SQLite's parser takes about 30 nested calls: the list is
 * done in two halves, one in a subquery. */
static int
log_replaces(struct buf *b, const char *inner,
    size_t lo, size_t hi, int encode)
{
	char code[16];
	size_t i, k;
	int rc = 0;

	for (i = lo; i < hi; i++)
		rc |= log_add(b, "replace(");
	rc |= log_add(b, inner);
	for (i = lo; i < hi; i++) {
		k = encode ? i : hi - 1 - (i - lo);
		snprintf(code, sizeof code, "char(%zu)", k + 1);
		rc |= log_add(b, ", ");
		if (encode) {
			rc |= log_add(b, "'");
			rc |= log_add(b, log_pieces[k]);
			rc |= log_add(b, "', ");
			rc |= log_add(b, code);
		} else {
			rc |= log_add(b, code);
			rc |= log_add(b, ", '");
			rc |= log_add(b, log_pieces[k]);
			rc |= log_add(b, "'");
		}
		rc |= log_add(b, ")");
	}
	return rc;
}

#define LOG_HALF (LOG_NPIECES / 2)

/* The statements that create event_log, the view and the trigger;
 * malloc'd, NULL when out of memory. */
static char *
log_schema_sql(void)
{
	struct buf b = { 0 };
	int rc = 0;

	rc |= log_add(&b,
	    "CREATE TABLE event_log(seq INTEGER PRIMARY KEY, ts INTEGER NOT "
	    "NULL, type TEXT NOT NULL, conversation TEXT NOT NULL, body TEXT "
	    "NOT NULL);"
	    "CREATE VIEW events(seq, ts, type, conversation, json) AS SELECT "
	    "seq, ts, type, conversation, CASE WHEN substr(body, 1, 1) = '{' "
	    "THEN body ELSE " LOG_HEAD("") "||");
	rc |= log_replaces(&b, "half", 0, LOG_HALF, 0);
	rc |= log_add(&b, " END FROM (SELECT seq, ts, type, "
	    "conversation, body, ");
	rc |= log_replaces(&b, "body", LOG_HALF, LOG_NPIECES, 0);
	rc |= log_add(&b, " AS half FROM event_log);"
	    "CREATE TRIGGER events_append INSTEAD OF INSERT ON events BEGIN "
	    "INSERT INTO event_log(seq, ts, type, conversation, body) SELECT "
	    "NEW.seq, NEW.ts, NEW.type, NEW.conversation, CASE WHEN whole THEN "
	    "NEW.json ELSE ");
	rc |= log_replaces(&b, "half", LOG_HALF, LOG_NPIECES, 1);
	rc |= log_add(&b, " END FROM (SELECT NEW.json GLOB "
	    "'*['||char(1)||'-'||char(31)||']*' OR substr(NEW.json, 1, "
	    "length(" LOG_HEAD("NEW.") ")) <> " LOG_HEAD("NEW.") " AS whole, ");
	rc |= log_replaces(&b, "substr(NEW.json, length("
	    LOG_HEAD("NEW.") ") + 1)", 0, LOG_HALF, 1);
	rc |= log_add(&b, " AS half); END;"
	    "CREATE INDEX event_log_conv ON event_log(conversation, seq);");
	if (rc != 0) {
		buf_free(&b);
		return NULL;
	}
	return b.s;
}

static int
log_kind(sqlite3 *db, const char *name, char *kind, size_t n)
{
	sqlite3_stmt *s;
	int rc;

	kind[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT type FROM sqlite_schema WHERE name = "
	    "?", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(kind, n, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

int
sqlite_log_is_v1(sqlite3 *db)
{
	char kind[16];

	if (log_kind(db, "events", kind, sizeof kind) != 0)
		return -1;
	return strcmp(kind, "table") == 0;
}

int
sqlite_log_ensure(sqlite3 *db, bool *rewrote, char **msg)
{
	char kind[16], *sql;
	int rc;

	*rewrote = false;
	if (log_kind(db, "events", kind, sizeof kind) != 0)
		return -1;
	if (strcmp(kind, "view") == 0)
		return 0;
	if ((sql = log_schema_sql()) == NULL) {
		*msg = sqlite3_mprintf("out of memory");
		return -1;
	}
	if (kind[0] == '\0') {
		rc = sqlite3_exec(db, sql, NULL, NULL, msg);
		free(sql);
		return rc == SQLITE_OK ? 0 : -1;
	}
	/* Schema 1: the whole JSON in a table; through the trigger into
	 * the compact table, in seq order. */
	/* legacy_alter_table: triggers and views that read "events" keep
	 * that name, which the view takes over. */
	rc = sqlite3_exec(db, "PRAGMA legacy_alter_table = ON;"
	    "ALTER TABLE events RENAME TO events_v1;"
	    "PRAGMA legacy_alter_table = OFF;"
	    "DROP INDEX IF EXISTS events_conv;", NULL, NULL, msg);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, msg);
	free(sql);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "INSERT INTO events(seq, ts, type, "
		    "conversation, json) SELECT seq, ts, type, conversation, "
		    "json FROM events_v1 ORDER BY seq;"
		    "DROP TABLE events_v1;", NULL, NULL, msg);
	*rewrote = rc == SQLITE_OK;
	return rc == SQLITE_OK ? 0 : -1;
}

/* Appends body with its codes expanded.  One pass: a piece never holds
 * a code, so the view's chain of replace() calls and this give the same
 * text. */
static void
log_expand(const char *body, size_t len, struct buf *b)
{
	size_t i, from = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)body[i];

		if (c >= 1 && c <= LOG_NPIECES) {
			buf_add(b, body + from, i - from);
			buf_adds(b, log_pieces[c - 1]);
			from = i + 1;
		}
	}
	buf_add(b, body + from, len - from);
}

int
sqlite_log_json(int64_t seq, int64_t ts, const char *type,
    const char *conversation, const char *body, size_t len, struct buf *b)
{
	b->len = 0;
	if (len > 0 && body[0] == '{')
		return buf_add(b, body, len);
	buf_printf(b, "{\"seq\":%lld,\"ts\":%lld,\"type\":\"%s\","
	    "\"conversation\":\"%s\"", (long long)seq, (long long)ts,
	    type != NULL ? type : "", conversation != NULL ? conversation : "");
	log_expand(body, len, b);
	return b->failed ? -1 : 0;
}

int
sqlite_log_decode(const char *body, size_t len, struct buf *b)
{
	b->len = 0;
	if (len > 0 && body[0] == '{')
		return buf_add(b, body, len);
	log_expand(body, len, b);
	if (b->failed || b->len == 0)
		return -1;
	/* ,"key":...} or } after the head: an object of the rest. */
	if (b->s[0] == ',')
		b->s[0] = '{';
	else if (b->len == 1) {
		b->s[0] = '{';
		return buf_adds(b, "}");
	}
	return 0;
}

const char *
sqlite_log_row_json(sqlite3_stmt *s, bool v1, struct buf *b, size_t *len)
{
	const char *body = (const char *)sqlite3_column_text(s, 4);

	*len = (size_t)sqlite3_column_bytes(s, 4);
	if (v1)
		return body;
	if (sqlite_log_json(sqlite3_column_int64(s, 0),
	    sqlite3_column_int64(s, 1), (const char *)sqlite3_column_text(s, 2),
	    (const char *)sqlite3_column_text(s, 3), body, *len, b) != 0)
		return NULL;
	*len = b->len;
	return b->s;
}
