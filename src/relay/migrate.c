/*
 * ttydesk-relay migrate / export / import.
 *
 * migrate creates or upgrades the schema of the configured database
 * (either backend) and says which version it is at.
 *
 * export writes the whole store of the configured database as JSON lines
 * (a header, one line per row, an end line with the row count, so a cut
 * dump is refused); import loads such a dump into an empty database of
 * either backend in one transaction.  Moving a relay from SQLite to
 * PostgreSQL is: export with the old config, import with the new one.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include "ttydesk/clock.h"
#include "config.h"
#include "migrate.h"
#include "pg_schema.h"
#include "store.h"
#include "store_sqlite.h"

#define DUMP_FORMAT 1

/* Every table and column both backends share; 'I' integer, 'T' text.
 * order names SQLite's column (PostgreSQL's in order_pg) that gives the
 * original insertion order. */
static const struct dump_table {
	const char *name;
	const char *cols;
	const char *types;
	const char *order;
	const char *order_pg;
	const char *where;
	const char *cols_sqlite; /* when SQLite stores them otherwise */
	/* The last column's value in a row of an older dump that lacks it
	 * (NULL: every row has every column). */
	const char *added;
	/* Created by a later schema: a database no relay of this version
	 * has opened yet lacks it, and exports it as empty. */
	bool late;
} dump_tables[] = {
	/* meta's "schema" is each backend's own version, "restore_pending"
	 * the copy's own mark (import sets it anew), how far the search
	 * index is built each database's own state, and who is online
	 * (online.c) the running relays' live state: not moved. */
	{ "meta", "key, value", "TT", "key", "key", "WHERE key NOT IN "
	    "('schema', 'restore_pending', 'search_backfill') AND key NOT LIKE "
	    "'online:%'", NULL, NULL, false },
	{ "events", "seq, ts, type, conversation, json", "IITTT", "seq", "seq",
	    "", NULL, NULL, false },
	{ "contacts", "id, wa_id, user_id, username, name, conversation, extra",
	    "ITTTTTT", "id", "id", "", NULL, NULL, false },
	/* Identifiers a customer had before a number or user id change. */
	{ "contact_aliases", "kind, value, contact", "TTI", "kind, value",
	    "kind, value", "", NULL, NULL, true },
	{ "conversations", "id, contact, state, first_ts, last_ts, wake_at, "
	    "number", "IITIIIT", "id", "id", "", NULL, "main", false },
	{ "messages", "id, wamid, fingerprint, conversation, direction, ts",
	    "TTTTII", "ts, id", "rid", "", "id, CASE wamid WHEN '=' THEN id "
	    "ELSE wamid END, fingerprint, conversation, direction, ts", NULL,
	    false },
	{ "status_keys", "message, status", "TT", "message, status",
	    "message, status", "", NULL, NULL, false },
	{ "deferred", "wamid, conversation, status, ts, extra", "TTTIT",
	    "rowid", "rid", "", NULL, NULL, false },
	{ "outbound", "id, client_id, conversation, body, state, attempts, "
	    "next_try, wamid", "TTTTIIIT", "rowid", "rid", "", NULL, NULL,
	    false },
	{ "idempotency", "route, client_id, status, response", "TTIT",
	    "route, client_id", "route, client_id", "", NULL, NULL, false },
};
#define DUMP_NTABLES (sizeof dump_tables / sizeof dump_tables[0])

static int
dump_line(FILE *out, json_t *o)
{
	int rc = json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER);

	json_decref(o);
	return rc == 0 && fputc('\n', out) != EOF ? 0 : -1;
}

/* ---- export ---- */

/* 1 when the SQLite database has the table, 0 when not, -1 on error. */
static int
export_sqlite_has(sqlite3 *db, const char *table)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = "
	    "'table' AND name = ?1", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* The same for PostgreSQL. */
static int
export_pg_has(PGconn *c, const char *table)
{
	const char *vals[1] = { table };
	PGresult *res = PQexecParams(c, "SELECT to_regclass($1) IS NOT NULL",
	    1, NULL, vals, NULL, NULL, 0);
	int rc = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		rc = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return rc;
}

static int
export_sqlite(const char *path, FILE *out, long long *rows, char *err,
    size_t errlen)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	char sql[512];
	size_t t;
	int i, rc;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		goto fail;
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		goto fail;
	for (t = 0; t < DUMP_NTABLES; t++) {
		const struct dump_table *d = &dump_tables[t];

		if (d->late && (rc = export_sqlite_has(db, d->name)) <= 0) {
			if (rc < 0)
				goto fail;
			continue;
		}
		snprintf(sql, sizeof sql, "SELECT %s FROM %s %s ORDER BY %s",
		    d->cols_sqlite ? d->cols_sqlite : d->cols, d->name,
		    d->where, d->order);
		if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK &&
		    d->added != NULL) {
			/* A database from before the last column (never started
			 * by this relay): export it with the column's value for
			 * old rows, as import takes an old dump. */
			const char *last = strrchr(d->cols, ',');

			snprintf(sql, sizeof sql, "SELECT %.*s, '%s' FROM %s %s "
			    "ORDER BY %s", (int)(last - d->cols), d->cols,
			    d->added, d->name, d->where, d->order);
			if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
				goto fail;
		} else if (s == NULL) {
			goto fail;
		}
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			json_t *row = json_array();

			for (i = 0; d->types[i] != '\0'; i++) {
				if (sqlite3_column_type(s, i) == SQLITE_NULL)
					json_array_append_new(row, json_null());
				else if (d->types[i] == 'I')
					json_array_append_new(row, json_integer(
					    sqlite3_column_int64(s, i)));
				else
					json_array_append_new(row, json_string(
					    (const char *)sqlite3_column_text(s,
					    i)));
			}
			if (dump_line(out, json_pack("{s:s, s:o}", "t", d->name,
			    "r", row)) != 0) {
				snprintf(err, errlen, "export: cannot write");
				goto fail_quiet;
			}
			(*rows)++;
		}
		if (rc != SQLITE_DONE)
			goto fail;
		sqlite3_finalize(s);
		s = NULL;
	}
	sqlite3_close(db);
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", path, db ? sqlite3_errmsg(db) :
	    "cannot open");
fail_quiet:
	sqlite3_finalize(s);
	sqlite3_close(db);
	return -1;
}

static int
export_pg(const char *uri, FILE *out, long long *rows, char *err,
    size_t errlen)
{
	PGconn *c;
	PGresult *res = NULL;
	char sql[512];
	size_t t;
	int i, r, rc = -1;

	if (pg_connect(uri, &c, err, errlen) != 0)
		return -1;
	/* One snapshot for every table. */
	PQclear(PQexec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
	for (t = 0; t < DUMP_NTABLES; t++) {
		const struct dump_table *d = &dump_tables[t];

		if (d->late && (r = export_pg_has(c, d->name)) <= 0) {
			if (r < 0) {
				snprintf(err, errlen, "export: %s: cannot "
				    "look the table up", d->name);
				goto out;
			}
			continue;
		}
		snprintf(sql, sizeof sql, "SELECT %s FROM %s %s ORDER BY %s",
		    d->cols, d->name, d->where, d->order_pg);
		res = PQexec(c, sql);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			snprintf(err, errlen, "export: %s",
			    PQresultErrorField(res,
			    PG_DIAG_MESSAGE_PRIMARY));
			goto out;
		}
		for (r = 0; r < PQntuples(res); r++) {
			json_t *row = json_array();

			for (i = 0; d->types[i] != '\0'; i++) {
				const char *v = PQgetvalue(res, r, i);

				if (PQgetisnull(res, r, i))
					json_array_append_new(row, json_null());
				else if (d->types[i] == 'I')
					json_array_append_new(row, json_integer(
					    strtoll(v, NULL, 10)));
				else
					json_array_append_new(row,
					    json_string(v));
			}
			if (dump_line(out, json_pack("{s:s, s:o}", "t", d->name,
			    "r", row)) != 0) {
				snprintf(err, errlen, "export: cannot write");
				goto out;
			}
			(*rows)++;
		}
		PQclear(res);
		res = NULL;
	}
	PQclear(PQexec(c, "COMMIT"));
	rc = 0;
out:
	PQclear(res);
	PQfinish(c);
	return rc;
}

/* ---- import ---- */

struct importer {
	bool pg;
	PGconn *c;
	sqlite3 *db;
	sqlite3_stmt *ins[DUMP_NTABLES];
};

static const struct dump_table *
dump_find(const char *name, size_t *idx)
{
	size_t t;

	for (t = 0; t < DUMP_NTABLES; t++) {
		if (strcmp(dump_tables[t].name, name) == 0) {
			*idx = t;
			return &dump_tables[t];
		}
	}
	return NULL;
}

static int
import_exec(struct importer *im, const char *sql, char *err, size_t errlen)
{
	if (im->pg) {
		PGresult *res = PQexec(im->c, sql);
		ExecStatusType s = PQresultStatus(res);

		if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
			snprintf(err, errlen, "import: %s",
			    PQresultErrorField(res,
			    PG_DIAG_MESSAGE_PRIMARY));
			PQclear(res);
			return -1;
		}
		PQclear(res);
		return 0;
	}
	if (sqlite3_exec(im->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "import: %s", sqlite3_errmsg(im->db));
		return -1;
	}
	return 0;
}

/* The target must hold no events, contacts, their former identifiers
 * or sends yet (opening it as the writer made every table). */
static int
import_check_empty(struct importer *im, char *err, size_t errlen)
{
	static const char sql[] = "SELECT (SELECT COUNT(*) FROM events) + "
	    "(SELECT COUNT(*) FROM contacts) + (SELECT COUNT(*) FROM "
	    "contact_aliases) + (SELECT COUNT(*) FROM outbound)";
	long long n = -1;

	if (im->pg) {
		PGresult *res = PQexec(im->c, sql);

		if (PQresultStatus(res) == PGRES_TUPLES_OK)
			n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
		PQclear(res);
	} else {
		sqlite3_stmt *s;

		if (sqlite3_prepare_v2(im->db, sql, -1, &s,
		    NULL) == SQLITE_OK &&
		    sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	if (n != 0) {
		snprintf(err, errlen, "import: the database is not empty "
		    "(import only into a new one)");
		return -1;
	}
	return 0;
}

static int
import_row(struct importer *im, size_t t, const json_t *row, char *err,
    size_t errlen)
{
	const struct dump_table *d = &dump_tables[t];
	size_t i, n = strlen(d->types);
	const char *vals[8];
	char nums[8][24], sql[512], marks[64];

	if (!json_is_array(row) || n > 8 || (json_array_size(row) != n &&
	    (d->added == NULL || json_array_size(row) != n - 1))) {
		snprintf(err, errlen, "import: %s: bad row", d->name);
		return -1;
	}
	if (t == 0 && json_is_string(json_array_get(row, 0)) &&
	    strcmp(json_string_value(json_array_get(row, 0)), "schema") == 0)
		return 0; /* the target's own version stays */
	for (i = 0; i < n; i++) {
		const json_t *v = json_array_get(row, i);

		if (v == NULL)
			vals[i] = d->added; /* a dump from before the column */
		else if (json_is_null(v))
			vals[i] = NULL;
		else if (d->types[i] == 'I' && json_is_integer(v)) {
			snprintf(nums[i], sizeof nums[i], "%lld",
			    (long long)json_integer_value(v));
			vals[i] = nums[i];
		} else if (d->types[i] == 'T' && json_is_string(v))
			vals[i] = json_string_value(v);
		else {
			snprintf(err, errlen, "import: %s: bad value", d->name);
			return -1;
		}
	}
	marks[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(marks + strlen(marks), sizeof marks - strlen(marks),
		    "%s$%zu", i ? ", " : "", i + 1);
	snprintf(sql, sizeof sql, "INSERT INTO %s(%s) VALUES(%s)%s", d->name,
	    d->cols, marks, t == 0 ? " ON CONFLICT(key) DO UPDATE SET value = "
	    "EXCLUDED.value" : "");
	if (im->pg) {
		PGresult *res = PQexecParams(im->c, sql, (int)n, NULL, vals,
		    NULL,
		    NULL, 0);
		int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;

		if (rc != 0)
			snprintf(err, errlen, "import: %s: %s", d->name,
			    PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
		PQclear(res);
		return rc;
	}
	if (im->ins[t] == NULL && sqlite3_prepare_v2(im->db, sql, -1,
	    &im->ins[t], NULL) != SQLITE_OK)
		goto sqlfail;
	for (i = 0; i < n; i++) {
		if (vals[i] == NULL)
			sqlite3_bind_null(im->ins[t], (int)i + 1);
		else if (d->types[i] == 'I')
			sqlite3_bind_int64(im->ins[t], (int)i + 1,
			    strtoll(vals[i], NULL, 10));
		else
			sqlite3_bind_text(im->ins[t], (int)i + 1, vals[i], -1,
			    SQLITE_TRANSIENT);
	}
	if (sqlite3_step(im->ins[t]) != SQLITE_DONE)
		goto sqlfail;
	sqlite3_reset(im->ins[t]);
	return 0;
sqlfail:
	snprintf(err, errlen, "import: %s: %s", d->name,
	    sqlite3_errmsg(im->db));
	return -1;
}

static int
import_open(struct importer *im, const char *database, char *err,
    size_t errlen)
{
	struct relay_store *st;

	memset(im, 0, sizeof *im);
	/* Opening as the writer creates the schema. */
	if (relay_store_open(database, RELAY_STORE_WRITER, &st, err,
	    errlen) != 0)
		return -1;
	relay_store_close(st);
	if ((im->pg = relay_store_is_pg(database)))
		return pg_connect(database, &im->c, err, errlen);
	if (sqlite3_open_v2(database, &im->db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "%s: cannot open", database);
		return -1;
	}
	sqlite3_busy_timeout(im->db, 10000);
	return 0;
}

static void
import_close(struct importer *im)
{
	size_t t;

	for (t = 0; t < DUMP_NTABLES; t++)
		sqlite3_finalize(im->ins[t]);
	sqlite3_close(im->db);
	PQfinish(im->c);
}

/* Imported events are not in the search index yet: the relay indexes
 * them in batches (or `migrate` does, all at once). */
static const char import_search_sqlite[] =
    "INSERT OR REPLACE INTO meta(key, value) SELECT 'search_backfill', "
    "MAX(seq) FROM events HAVING MAX(seq) IS NOT NULL;"
    /* and a wamid equal to the id is stored as '=' (store_sqlite.c) */
    "UPDATE messages SET wamid = '=' WHERE wamid = id";
static const char import_search_pg[] =
    "INSERT INTO meta(key, value) SELECT 'search_backfill', MAX(seq)::text "
    "FROM events HAVING MAX(seq) IS NOT NULL ON CONFLICT(key) DO UPDATE "
    "SET value = EXCLUDED.value";

/* Identity columns continue after the imported ids. */
static const char import_pg_sequences[] =
    "SELECT setval(pg_get_serial_sequence('contacts', 'id'), "
    "  GREATEST((SELECT MAX(id) FROM contacts), 1));"
    "SELECT setval(pg_get_serial_sequence('conversations', 'id'), "
    "  GREATEST((SELECT MAX(id) FROM conversations), 1));";

static int
import_lines(struct importer *im, FILE *in, long long *rows, char *err,
    size_t errlen)
{
	char *line = NULL;
	size_t cap = 0, t;
	long long end = -1;
	bool header = false;
	json_t *o;
	int rc = -1;

	while (getline(&line, &cap, in) > 0) {
		if ((o = json_loads(line, 0, NULL)) == NULL) {
			snprintf(err, errlen, "import: line %lld is not JSON",
			    *rows + 2);
			goto out;
		}
		if (!header) {
			header = json_integer_value(json_object_get(o,
			    "ttydesk_relay_dump")) == DUMP_FORMAT;
			json_decref(o);
			if (!header) {
				snprintf(err, errlen,
				    "import: not a ttydesk-relay "
				    "dump (format %d)", DUMP_FORMAT);
				goto out;
			}
			continue;
		}
		if (json_object_get(o, "end") != NULL) {
			end = json_integer_value(json_object_get(o, "end"));
			json_decref(o);
			break;
		}
		if (dump_find(json_string_value(json_object_get(o, "t")) ?
		    json_string_value(json_object_get(o, "t")) : "",
		    &t) == NULL) {
			snprintf(err, errlen,
			    "import: line %lld: unknown table",
			    *rows + 2);
			json_decref(o);
			goto out;
		}
		rc = import_row(im, t, json_object_get(o, "r"), err, errlen);
		json_decref(o);
		if (rc != 0)
			goto out;
		rc = -1;
		(*rows)++;
	}
	if (end != *rows) {
		snprintf(err, errlen,
		    "import: the dump is cut short (%lld rows "
		    "read%s)", *rows, end < 0 ? ", no end line" : "");
		goto out;
	}
	rc = 0;
out:
	free(line);
	return rc;
}

/* ---- commands ---- */

/* Indexes every event older than the search index, one transaction per
 * batch (a relay running meanwhile keeps taking webhooks). */
static int
migrate_search(const char *database, char *err, size_t errlen)
{
	struct relay_store *st;
	int64_t t0;
	int64_t left = 1;
	long long batches = 0;

	if (relay_store_open(database, RELAY_STORE_WRITER, &st, err,
	    errlen) != 0)
		return -1;
	t0 = clock_ns();
	while (left > 0) {
		if (relay_store_begin(st) != 0 ||
		    relay_store_search_backfill(st, 20000, &left) != 0 ||
		    relay_store_commit(st) != 0) {
			snprintf(err, errlen, "search index: %s",
			    relay_store_error(st));
			relay_store_rollback(st);
			relay_store_close(st);
			return -1;
		}
		batches++;
	}
	if (batches > 1)
		printf("search index: built in %.1f s\n",
		    (double)(clock_ns() - t0) / 1e9);
	relay_store_close(st);
	return 0;
}

int
migrate_main(const char *config)
{
	struct relay_config cfg;
	struct relay_store *st = NULL;
	char err[512], *v = NULL;
	int before = 0, rekeyed, rc = 1;
	long long rows;
	PGconn *c;

	if (config_load_cmd(config, &cfg) != 0)
		return 1;
	if (relay_store_is_pg(cfg.database)) {
		if (pg_connect(cfg.database, &c, err, sizeof err) != 0)
			goto fail;
		rc = pg_schema_ensure(c, &before, err, sizeof err);
		PQfinish(c);
		if (rc != 0) {
			rc = 1;
			goto fail;
		}
		printf("postgresql: schema version %d (was %d)\n",
		    PG_SCHEMA_VERSION, before);
		rc = migrate_search(cfg.database, err, sizeof err) == 0 ? 0 : 1;
		if (rc != 0)
			goto fail;
		goto out;
	}
	if (relay_store_open(cfg.database, RELAY_STORE_WRITER, &st, err,
	    sizeof err) != 0 || relay_store_meta_get(st, "schema", &v) <= 0) {
		if (st != NULL)
			snprintf(err, sizeof err, "%s: no schema version",
			    cfg.database);
		goto fail;
	}
	printf("%s: schema version %s\n", cfg.database, v);
	relay_store_close(st);
	st = NULL;
	if ((rekeyed = sqlite_messages_rekey(cfg.database, &rows, err,
	    sizeof err)) < 0)
		goto fail;
	if (rekeyed > 0)
		printf("messages: %lld keyed by their id alone; the pages this "
		    "freed take new data (VACUUM gives them back to the disk)\n",
		    rows);
	if (migrate_search(cfg.database, err, sizeof err) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "ttydesk-relay: migrate: %s\n", err);
out:
	free(v);
	relay_store_close(st);
	config_free(&cfg);
	return rc;
}

int
export_main(const char *config)
{
	struct relay_config cfg;
	char err[512];
	long long rows = 0;
	int rc;

	if (config_load_cmd(config, &cfg) != 0)
		return 1;
	rc = dump_line(stdout, json_pack("{s:i, s:s}", "ttydesk_relay_dump",
	    DUMP_FORMAT, "from", relay_store_is_pg(cfg.database) ?
	    "postgresql" : "sqlite"));
	if (rc == 0)
		rc = relay_store_is_pg(cfg.database) ?
		    export_pg(cfg.database, stdout, &rows, err, sizeof err) :
		    export_sqlite(cfg.database, stdout, &rows, err, sizeof err);
	else
		snprintf(err, sizeof err, "export: cannot write");
	if (rc == 0 && (dump_line(stdout, json_pack("{s:I}", "end",
	    (json_int_t)rows)) != 0 || fflush(stdout) != 0)) {
		snprintf(err, sizeof err, "export: cannot write");
		rc = -1;
	}
	if (rc != 0)
		fprintf(stderr, "ttydesk-relay: %s\n", err);
	else
		fprintf(stderr, "exported %lld rows\n", rows);
	config_free(&cfg);
	return rc == 0 ? 0 : 1;
}

int
import_main(const char *config)
{
	struct relay_config cfg;
	struct importer im;
	char err[512];
	long long rows = 0;
	int rc = -1;

	if (config_load_cmd(config, &cfg) != 0)
		return 1;
	if (import_open(&im, cfg.database, err, sizeof err) != 0)
		goto out;
	if (import_exec(&im, im.pg ? "BEGIN; LOCK TABLE events, contacts, "
	    "outbound IN EXCLUSIVE MODE" : "BEGIN IMMEDIATE", err,
	    sizeof err) != 0)
		goto out;
	if (import_check_empty(&im, err, sizeof err) != 0 ||
	    import_lines(&im, stdin, &rows, err, sizeof err) != 0 ||
	    (im.pg && import_exec(&im, import_pg_sequences, err,
	    sizeof err) != 0) ||
	    /* Another log now: the next relay start gives it a new id. */
	    import_exec(&im, "INSERT INTO meta(key, value) VALUES("
	    "'restore_pending', '1') ON CONFLICT(key) DO UPDATE SET value = "
	    "'1'", err, sizeof err) != 0 ||
	    import_exec(&im, im.pg ? import_search_pg : import_search_sqlite,
	    err, sizeof err) != 0 ||
	    import_exec(&im, "COMMIT", err, sizeof err) != 0) {
		import_exec(&im, "ROLLBACK", err + strlen(err), 0);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "ttydesk-relay: %s\n", err);
	else
		fprintf(stderr, "imported %lld rows\n", rows);
	import_close(&im);
	config_free(&cfg);
	return rc == 0 ? 0 : 1;
}
