/*
 * SQLite half of store_window.h.  Statements are prepared per call: a
 * call reads a whole page, so one prepare is shared by all its rows.
 * Reads happen on the relay's reader connection inside a deferred
 * transaction (a WAL snapshot): no lock the writer waits for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_common.h"
#include "ttydesk/buf.h"
#include "store_sqlite_log.h"
#include "store_window_backend.h"

#define WS_OPEN "('open', 'pending', 'escalated', 'snoozed')"

static sqlite3_stmt *
sw_prepare(void *be, const char *sql)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(sqlite_store_db(be), sql, -1, &s, NULL) !=
	    SQLITE_OK) {
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

static int
sqlite_window_read_begin(void *be)
{
	return sqlite3_exec(sqlite_store_db(be), "BEGIN", NULL, NULL, NULL) ==
	    SQLITE_OK ? 0 : -1;
}

static void
sqlite_window_read_end(void *be)
{
	sqlite3 *db = sqlite_store_db(be);

	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}

static int64_t
sqlite_window_head(void *be)
{
	sqlite3_stmt *s = sw_prepare(be, "SELECT COALESCE(MAX(seq), 0) FROM "
	    "events");
	int64_t v = -1;

	if (s != NULL && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Steps s to the end, adding each (id, contact, state, first_ts,
 * msg_ts) row to out, and finalizes it. */
static int
sw_convrows(sqlite3_stmt *s, struct relay_convrows *out)
{
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (relay_convrows_add(out, sqlite3_column_int64(s, 0),
		    sqlite3_column_int64(s, 1),
		    (const char *)sqlite3_column_text(s, 2),
		    sqlite3_column_int64(s, 3),
		    sqlite3_column_int64(s, 4)) != 0)
			break;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The events of one conversation: from event_log itself, decoded here
 * (the view's SQL decoding costs twenty times more), or from a schema-1
 * events table.  ?1 conversation; the caller's condition follows. */
static sqlite3_stmt *
sw_prepare_events(void *be, bool v1, const char *where)
{
	char sql[320];

	snprintf(sql, sizeof sql, "SELECT seq, ts, type, conversation, %s "
	    "FROM %s WHERE conversation = ?1 AND %s", v1 ? "json" : "body",
	    v1 ? "events" : "event_log", where);
	return sw_prepare(be, sql);
}

/* Steps s to the end, adding each (seq, ts, type, conversation, body)
 * row to out as the event's JSON; b is the caller's scratch buffer. */
static int
sw_evrows(sqlite3_stmt *s, bool v1, int64_t conv, struct buf *b,
    struct relay_evrows *out)
{
	const char *text;
	size_t len;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((text = sqlite_log_row_json(s, v1, b, &len)) == NULL ||
		    relay_evrows_add(out, conv, sqlite3_column_int64(s, 0),
		    sqlite3_column_int64(s, 1), (const char *)
		    sqlite3_column_text(s, 2), text, len) != 0)
			return -1;
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
sqlite_window_convs(void *be, int64_t since, int64_t after,
    int limit, struct relay_convrows *out)
{
	/* Along the row numbers from the page's start, until the page is
	 * full: a whole snapshot reads the table once.  The (status, msg_ts)
	 * indexes would give every matching row again for each page, whose
	 * order they do not keep (the unary + keeps the planner off them). */
	sqlite3_stmt *s = sw_prepare(be, "SELECT id, contact, state, "
	    "first_ts, COALESCE(msg_ts, 0) FROM conversations WHERE id > ?1 "
	    "AND (+status IN " WS_OPEN " OR +msg_ts >= ?2) ORDER BY id "
	    "LIMIT ?3");

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int64(s, 2, since);
	sqlite3_bind_int(s, 3, limit);
	return sw_convrows(s, out);
}

static int
sqlite_window_outside(void *be, int64_t since,
    int64_t *outside, int64_t *resolved)
{
	sqlite3_stmt *s = sw_prepare(be, "SELECT (SELECT COUNT(*) FROM "
	    "conversations) - (SELECT COUNT(*) FROM (SELECT id FROM "
	    "conversations WHERE status IN " WS_OPEN " UNION "
	    "SELECT id FROM conversations WHERE msg_ts >= ?1)), (SELECT "
	    "COUNT(*) FROM conversations WHERE status = "
	    "'resolved' AND msg_ts < ?1)");
	int rc = -1;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, since);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*outside = sqlite3_column_int64(s, 0);
		*resolved = sqlite3_column_int64(s, 1);
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

static int
sqlite_window_events(void *be, const int64_t *ids, size_t n,
    int64_t through, struct relay_evrows *out)
{
	int v1 = sqlite_store_log_v1(be);
	sqlite3_stmt *s = v1 < 0 ? NULL : sw_prepare_events(be, v1, "type IN "
	    "('contact', 'conversation', 'message', 'status') AND seq <= ?2 "
	    "ORDER BY seq");
	struct buf b = { 0 };
	char *id;
	size_t i;
	int rc = 0;

	if (s == NULL)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		if ((id = store_conv_id(ids[i])) == NULL) {
			rc = -1;
			break;
		}
		sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 2, through);
		rc = sw_evrows(s, v1, ids[i], &b, out);
		sqlite3_reset(s);
		free(id);
	}
	sqlite3_finalize(s);
	buf_free(&b);
	return rc;
}

static int
sqlite_window_conv_events(void *be, const char *conv,
    const char *type, int64_t after, int64_t before, int limit, bool newest,
    struct relay_evrows *out)
{
	int v1 = sqlite_store_log_v1(be);
	struct buf b = { 0 };
	char where[96];
	sqlite3_stmt *s;
	int rc;

	snprintf(where, sizeof where, "type = ?2 AND seq > ?3 AND seq < ?4 "
	    "ORDER BY seq %s LIMIT ?5", newest ? "DESC" : "ASC");
	if (v1 < 0 || (s = sw_prepare_events(be, v1, where)) == NULL)
		return -1;
	sqlite3_bind_text(s, 1, conv, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, after);
	sqlite3_bind_int64(s, 4, before);
	sqlite3_bind_int(s, 5, limit > 0 ? limit : -1);
	rc = sw_evrows(s, v1, store_conv_rowid(conv), &b, out);
	sqlite3_finalize(s);
	buf_free(&b);
	return rc;
}

static int
sqlite_window_conv_page(void *be, const char *status,
    int64_t before, int limit, struct relay_convrows *out)
{
	sqlite3_stmt *s = sw_prepare(be, status != NULL ?
	    "SELECT id, contact, state, first_ts, msg_ts FROM conversations "
	    "WHERE status = ?3 AND msg_ts < ?1 "
	    "ORDER BY msg_ts DESC, id DESC LIMIT ?2" :
	    "SELECT id, contact, state, first_ts, msg_ts FROM conversations "
	    "WHERE msg_ts < ?1 ORDER BY msg_ts DESC, id DESC LIMIT ?2");

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, before);
	sqlite3_bind_int(s, 2, limit);
	if (status != NULL)
		sqlite3_bind_text(s, 3, status, -1, SQLITE_STATIC);
	return sw_convrows(s, out);
}

/* From event_log itself, decoded here: the view's SQL decoding costs
 * ten times more than the rest of a report.  A database still of schema
 * 1 (not yet opened by a relay) is read through its events table. */
static int
sqlite_window_scan(void *be, relay_scan_fn *fn, void *ctx)
{
	int v1 = sqlite_store_log_v1(be);
	sqlite3_stmt *s = v1 < 0 ? NULL : sw_prepare(be, v1 ?
	    "SELECT ts, type, conversation, json FROM events WHERE type IN "
	    "('message', 'conversation') ORDER BY seq" :
	    "SELECT ts, type, conversation, body FROM event_log WHERE type IN "
	    "('message', 'conversation') ORDER BY seq");
	struct buf b = { 0 };
	const char *text;
	size_t len;
	int rc = -1, step;

	if (s == NULL)
		return -1;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		text = (const char *)sqlite3_column_text(s, 3);
		len = (size_t)sqlite3_column_bytes(s, 3);
		if (!v1) {
			if (sqlite_log_decode(text, len, &b) != 0)
				break;
			text = b.s;
			len = b.len;
		}
		if (fn(ctx, sqlite3_column_int64(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2), text, len) != 0)
			break;
	}
	if (step == SQLITE_DONE)
		rc = 0;
	sqlite3_finalize(s);
	buf_free(&b);
	return rc;
}

const struct store_window_ops store_sqlite_window_ops = {
	.read_begin = sqlite_window_read_begin,
	.read_end = sqlite_window_read_end,
	.head = sqlite_window_head,
	.convs = sqlite_window_convs,
	.outside = sqlite_window_outside,
	.events = sqlite_window_events,
	.conv_events = sqlite_window_conv_events,
	.conv_page = sqlite_window_conv_page,
	.scan = sqlite_window_scan,
};
