/*
 * The PostgreSQL schema, versioned in meta('schema'): each migration runs
 * once, in order, in the transaction that records its version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_schema.h"
#include "store_common.h"

/* Session and migration lock ("ttym"), apart from the write lock. */
#define PG_MIGRATE_LOCK 0x7474796d

static const char *const pg_migrations[PG_SCHEMA_VERSION] = {
	/* 1: the SQLite schema of version 1, plus rid columns for SQLite's
	 * rowid order and the lease of a claimed send. */
	"CREATE TABLE events(seq bigint PRIMARY KEY, ts bigint NOT NULL, "
	"  type text NOT NULL, conversation text NOT NULL, json text NOT NULL);"
	"CREATE INDEX events_conv ON events(conversation, type, seq);"
	"CREATE TABLE contacts(id bigserial PRIMARY KEY, wa_id text UNIQUE, "
	"  user_id text UNIQUE, username text, name text, conversation text, "
	"  extra text);"
	"CREATE TABLE conversations(id bigserial PRIMARY KEY, contact bigint "
	"  NOT NULL, state text NOT NULL, first_ts bigint NOT NULL, "
	"  last_ts bigint NOT NULL, wake_at bigint NOT NULL DEFAULT 0);"
	"CREATE INDEX conversations_contact ON conversations(contact);"
	"CREATE INDEX conversations_wake ON conversations(wake_at) "
	"  WHERE wake_at > 0;"
	"CREATE TABLE messages(rid bigserial UNIQUE, id text PRIMARY KEY, "
	"  wamid text, fingerprint text, conversation text NOT NULL, "
	"  direction integer NOT NULL, ts bigint NOT NULL);"
	"CREATE INDEX messages_wamid ON messages(wamid, fingerprint);"
	"CREATE TABLE status_keys(message text NOT NULL, status text NOT NULL, "
	"  PRIMARY KEY(message, status));"
	"CREATE TABLE deferred(rid bigserial PRIMARY KEY, wamid text NOT NULL, "
	"  conversation text NOT NULL, status text NOT NULL, ts bigint NOT "
	"  NULL, extra text, UNIQUE(wamid, status));"
	"CREATE TABLE outbound(rid bigserial UNIQUE, id text PRIMARY KEY, "
	"  client_id text UNIQUE, conversation text NOT NULL, body text NOT "
	"  NULL, state integer NOT NULL, attempts integer NOT NULL, next_try "
	"  bigint NOT NULL, wamid text, claimed_by text, lease_until bigint "
	"  NOT NULL DEFAULT 0);"
	"CREATE INDEX outbound_due ON outbound(state, next_try);"
	"CREATE INDEX outbound_lease ON outbound(state, lease_until);"
	"CREATE TABLE idempotency(route text NOT NULL, client_id text NOT "
	"  NULL, status integer NOT NULL, response text NOT NULL, "
	"  PRIMARY KEY(route, client_id));",
	/* 2: the windowed reads (store_window.h): conversations by status
	 * (a column generated from the state) and by msg_ts, the ts of
	 * their newest message event, kept by triggers (also for a
	 * conversation row inserted after its events, as import does). */
	"ALTER TABLE conversations ADD COLUMN msg_ts bigint;"
	"UPDATE conversations c SET msg_ts = COALESCE((SELECT MAX(e.ts) FROM "
	"  events e WHERE e.conversation = 'c' || c.id AND e.type = "
	"  'message'), 0);"
	"ALTER TABLE conversations ADD COLUMN status text GENERATED ALWAYS "
	"  AS ((state::jsonb) ->> 'status') STORED;"
	"CREATE INDEX conversations_status_ts ON conversations(status, "
	"  msg_ts);"
	"CREATE INDEX conversations_msg_ts ON conversations(msg_ts);"
	"CREATE FUNCTION ttydesk_events_msg_ts() RETURNS trigger "
	"  LANGUAGE plpgsql AS $$ BEGIN "
	"  IF NEW.type = 'message' AND NEW.conversation ~ '^c[0-9]{1,18}$' "
	"  THEN UPDATE conversations SET msg_ts = GREATEST(COALESCE(msg_ts, "
	"  0), NEW.ts) WHERE id = substr(NEW.conversation, 2)::bigint; "
	"  END IF; RETURN NULL; END $$;"
	"CREATE TRIGGER events_msg_ts AFTER INSERT ON events FOR EACH ROW "
	"  EXECUTE FUNCTION ttydesk_events_msg_ts();"
	"CREATE FUNCTION ttydesk_conversations_msg_ts() RETURNS trigger "
	"  LANGUAGE plpgsql AS $$ BEGIN "
	"  IF NEW.msg_ts IS NULL THEN NEW.msg_ts := COALESCE((SELECT "
	"  MAX(ts) FROM events WHERE conversation = 'c' || NEW.id AND type = "
	"  'message'), 0); END IF; RETURN NEW; END $$;"
	"CREATE TRIGGER conversations_msg_ts BEFORE INSERT ON conversations "
	"  FOR EACH ROW EXECUTE FUNCTION ttydesk_conversations_msg_ts();",
	/* 3: the search index (store_pg_search.c); the events already in
	 * the log are indexed in batches, newest first. */
	"CREATE TABLE IF NOT EXISTS search_docs(seq bigint PRIMARY KEY, doc "
	"  tsvector NOT NULL);"
	"CREATE INDEX IF NOT EXISTS search_docs_doc ON search_docs USING "
	"  gin(doc);"
	"INSERT INTO meta(key, value) SELECT 'search_backfill', "
	"  MAX(seq)::text FROM events HAVING MAX(seq) IS NOT NULL "
	"  ON CONFLICT(key) DO UPDATE SET value = EXCLUDED.value;",
	/* 4: several business numbers; the rows before are number "main". */
	"ALTER TABLE conversations ADD COLUMN IF NOT EXISTS number text NOT "
	"  NULL DEFAULT 'main';"
	"CREATE INDEX IF NOT EXISTS conversations_number ON "
	"  conversations(contact, number);",
	/* 5: identifiers a customer had before a number or user id change. */
	"CREATE TABLE IF NOT EXISTS contact_aliases(kind text NOT NULL, "
	"  value text NOT NULL, contact bigint NOT NULL, PRIMARY KEY(kind, "
	"  value));",
};

int
pg_uri_check(const char *uri, char *err, size_t errlen)
{
	PQconninfoOption *opts, *o;
	char *msg = NULL;
	int rc = 0;

	if ((opts = PQconninfoParse(uri, &msg)) == NULL) {
		/* libpq's message may quote the URI: say less. */
		snprintf(err, errlen, "database: not a valid PostgreSQL "
		    "connection URI");
		PQfreemem(msg);
		return -1;
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL &&
		    *o->val != '\0') {
			snprintf(err, errlen, "database: the URI carries a "
			    "password; refused, because a configuration file "
			    "is read by more people and tools than a password "
			    "file: put it in ~/.pgpass or the file PGPASSFILE "
			    "names (mode 0600)");
			rc = -1;
		}
	}
	PQconninfoFree(opts);
	return rc;
}

/* CREATE ... IF NOT EXISTS says NOTICE on stderr otherwise. */
static void
pg_quiet(void *arg, const char *message)
{
}

int
pg_connect(const char *uri, PGconn **conn, char *err, size_t errlen)
{
	PGconn *c;

	*conn = NULL;
	if (pg_uri_check(uri, err, errlen) != 0)
		return -1;
	c = PQconnectdb(uri);
	if (c == NULL || PQstatus(c) != CONNECTION_OK) {
		const char *m = c ? PQerrorMessage(c) : "out of memory";

		snprintf(err, errlen, "database: cannot connect: %.*s",
		    (int)strcspn(m, "\n"), m);
		PQfinish(c);
		return -1;
	}
	PQsetNoticeProcessor(c, pg_quiet, NULL);
	*conn = c;
	return 0;
}

static int
pg_schema_exec(PGconn *c, const char *sql, char *err, size_t errlen)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType s = PQresultStatus(res);
	int rc = 0;

	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		const char *m = PQresultErrorField(res,
		    PG_DIAG_MESSAGE_PRIMARY);

		snprintf(err, errlen, "database: schema: %s", m ? m :
		    PQerrorMessage(c));
		rc = -1;
	}
	PQclear(res);
	return rc;
}

static int
pg_schema_version(PGconn *c, int *version, char *err, size_t errlen)
{
	PGresult *res = PQexec(c, "SELECT value FROM meta WHERE key = "
	    "'schema'");

	*version = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(err, errlen, "database: schema: %s",
		    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
		PQclear(res);
		return -1;
	}
	if (PQntuples(res) == 1 &&
	    (*version = store_schema_parse(PQgetvalue(res, 0, 0))) < 0) {
		snprintf(err, errlen, "database: schema version '%.40s' is not "
		    "a number: not a ttydesk-relay database, or a damaged one",
		    PQgetvalue(res, 0, 0));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

int
pg_schema_ensure(PGconn *c, int *before, char *err, size_t errlen)
{
	char sql[160];
	int v, i;

	snprintf(sql, sizeof sql, "BEGIN; SELECT pg_advisory_xact_lock(%d); "
	    "CREATE TABLE IF NOT EXISTS meta(key text PRIMARY KEY, value text)",
	    PG_MIGRATE_LOCK);
	if (pg_schema_exec(c, sql, err, errlen) != 0 ||
	    pg_schema_version(c, &v, err, errlen) != 0)
		goto fail;
	if (before != NULL)
		*before = v;
	if (v > PG_SCHEMA_VERSION) {
		snprintf(err, errlen, "database: schema version %d is newer "
		    "than this relay's (%d): upgrade the relay", v,
		    PG_SCHEMA_VERSION);
		goto fail;
	}
	for (i = v; i < PG_SCHEMA_VERSION; i++) {
		snprintf(sql, sizeof sql, "INSERT INTO meta(key, value) "
		    "VALUES('schema', '%d') ON CONFLICT(key) DO UPDATE SET "
		    "value = EXCLUDED.value", i + 1);
		if (pg_schema_exec(c, pg_migrations[i], err, errlen) != 0 ||
		    pg_schema_exec(c, sql, err, errlen) != 0)
			goto fail;
	}
	return pg_schema_exec(c, "COMMIT", err, errlen);
fail:
	PQclear(PQexec(c, "ROLLBACK"));
	return -1;
}
