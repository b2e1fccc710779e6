/*
 * SQLite's search index (store_sqlite_search.h).
 *
 * FTS5 options: content='' stores no copy of the text; columnsize=0
 * drops the per-row sizes only ranking would use (results are by seq);
 * detail=none keeps no positions (half the size of detail=full).  Without
 * positions FTS5 refuses phrases, so the query is cut into tokens by the
 * index's own tokenizer (unicode61, which folds case and diacritics) and
 * every token is one quoted term: "e-mail" finds texts with both "e" and
 * "mail".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/buf.h"
#include "search.h"
#include "store_common.h"
#include "store_sqlite_search.h"

#define BACKFILL_KEY "search_backfill"
#define SS_TOKENIZER "unicode61", "remove_diacritics", "2"

static const char *ss_sql[SS_COUNT] = {
	[SS_ADD] = "INSERT INTO search(rowid, doc) VALUES(?, ?)",
	[SS_FIND] = "SELECT seq, json FROM events WHERE seq IN (SELECT rowid "
	    "FROM search WHERE search MATCH ?1 AND rowid < ?2 ORDER BY rowid "
	    "DESC LIMIT ?3) ORDER BY seq DESC",
	[SS_OLDER] = "SELECT seq, json FROM events WHERE seq <= ? ORDER BY "
	    "seq DESC LIMIT ?",
};

int
sqlite_search_schema(sqlite3 *db, char **msg)
{
	sqlite3_stmt *s;
	int exists;

	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE name = "
	    "'search'", -1, &s, NULL) != SQLITE_OK)
		return -1;
	exists = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (exists)
		return 0;
	return sqlite3_exec(db, "CREATE VIRTUAL TABLE search USING fts5(doc, "
	    "content='', columnsize=0, detail=none, "
	    "tokenize='unicode61 remove_diacritics 2');"
	    "INSERT OR REPLACE INTO meta(key, value) SELECT '" BACKFILL_KEY
	    "', MAX(seq) FROM events HAVING MAX(seq) IS NOT NULL;", NULL, NULL,
	    msg) == SQLITE_OK ? 0 : -1;
}

void
sqlite_search_close(struct sqlite_search *s)
{
	int i;

	for (i = 0; i < SS_COUNT; i++)
		sqlite3_finalize(s->q[i]);
	memset(s->q, 0, sizeof s->q);
}

static sqlite3_stmt *
ss_q(struct sqlite_search *s, int which)
{
	if (s->q[which] == NULL && sqlite3_prepare_v3(s->db, ss_sql[which], -1,
	    SQLITE_PREPARE_PERSISTENT, &s->q[which], NULL) != SQLITE_OK) {
		snprintf(s->err, s->errlen, "prepare: %s",
		    sqlite3_errmsg(s->db));
		return NULL;
	}
	return s->q[which];
}

static int
ss_fail(struct sqlite_search *s, sqlite3_stmt *q)
{
	snprintf(s->err, s->errlen, "search: %s", sqlite3_errmsg(s->db));
	if (q != NULL) {
		sqlite3_reset(q);
		sqlite3_clear_bindings(q);
	}
	return -1;
}

int
sqlite_search_add(struct sqlite_search *s, int64_t seq, const json_t *ev)
{
	sqlite3_stmt *q;
	char *doc = search_doc_text(ev);
	int rc;

	if (doc == NULL)
		return 0;
	if ((q = ss_q(s, SS_ADD)) == NULL) {
		free(doc);
		return -1;
	}
	sqlite3_bind_int64(q, 1, seq);
	sqlite3_bind_text(q, 2, doc, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	free(doc);
	if (rc != SQLITE_DONE)
		return ss_fail(s, q);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return 0;
}

/* The MATCH expression being built: quoted tokens, implicitly ANDed. */
struct ss_match {
	struct buf b;
	int tokens;
	int oom;
};

static int
ss_token(void *ctx, int flags, const char *tok, int n, int start, int end)
{
	struct ss_match *m = ctx;

	(void)start;
	(void)end;
	if (flags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	/* Tokens hold no '"': the tokenizer cut there. */
	m->oom |= buf_add(&m->b, m->tokens ? " \"" :
	    "\"", m->tokens ? 2 : 1);
	m->oom |= buf_add(&m->b, tok, (size_t)n);
	m->oom |= buf_add(&m->b, "\"", 1);
	m->tokens++;
	return m->oom ? SQLITE_NOMEM : SQLITE_OK;
}

/* FTS5's own tokenizer, found through the fts5() SQL function. */
static int
ss_match_build(struct sqlite_search *s, const struct search_query *sq,
    struct ss_match *m)
{
	static const char *args[] = { SS_TOKENIZER };
	fts5_api *api = NULL;
	fts5_tokenizer tok;
	Fts5Tokenizer *t = NULL;
	sqlite3_stmt *q;
	void *ud = NULL;
	size_t i;
	int before, rc;

	memset(m, 0, sizeof *m);
	if (sqlite3_prepare_v2(s->db, "SELECT fts5(?1)", -1, &q, NULL) !=
	    SQLITE_OK)
		return ss_fail(s, NULL);
	sqlite3_bind_pointer(q, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(q);
	sqlite3_finalize(q);
	if (api == NULL || api->xFindTokenizer(api, args[0], &ud, &tok) !=
	    SQLITE_OK || tok.xCreate(ud, args + 1, 2, &t) != SQLITE_OK) {
		snprintf(s->err, s->errlen, "search: no FTS5 tokenizer");
		return -1;
	}
	for (i = 0, rc = SQLITE_OK; i < sq->n && rc == SQLITE_OK; i++) {
		before = m->tokens;
		rc = tok.xTokenize(t, m, FTS5_TOKENIZE_QUERY, sq->w[i].text,
		    (int)strlen(sq->w[i].text), ss_token);
		if (rc == SQLITE_OK && sq->w[i].prefix && m->tokens > before)
			m->oom |= buf_add(&m->b, "*",
			    1);
	}
	tok.xDelete(t);
	if (rc != SQLITE_OK || m->oom) {
		buf_free(&m->b);
		snprintf(s->err, s->errlen, "search: out of memory");
		return -1;
	}
	return 0;
}

int
sqlite_search_find(struct sqlite_search *s, const struct search_query *sq,
    int64_t before, int limit, struct relay_search_hit **hits, size_t *n)
{
	struct relay_search_hit *v;
	sqlite3_stmt *q = ss_q(s, SS_FIND);
	struct ss_match m;
	char *match;
	int rc = SQLITE_DONE;

	*hits = NULL;
	*n = 0;
	if (q == NULL || ss_match_build(s, sq, &m) != 0)
		return -1;
	match = m.b.s;
	if (m.tokens == 0) {
		/* Nothing the index holds words of (emoji, punctuation). */
		free(match);
		return 0;
	}
	if ((v = calloc((size_t)limit, sizeof *v)) == NULL) {
		free(match);
		return -1;
	}
	sqlite3_bind_text(q, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, before);
	sqlite3_bind_int(q, 3, limit);
	while (*n < (size_t)limit && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		v[*n].seq = sqlite3_column_int64(q, 0);
		if ((v[*n].json = strdup((const char *)sqlite3_column_text(q,
		    1))) == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		(*n)++;
	}
	free(match);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		relay_search_hits_free(v, *n);
		*n = 0;
		return ss_fail(s, q);
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	*hits = v;
	return 0;
}

/* Runs sql with v bound: its first column as a number, 0 without a row,
 * -1 on error. */
static int64_t
ss_meta(struct sqlite_search *s, const char *sql, int64_t v)
{
	sqlite3_stmt *q;
	int64_t rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &q, NULL) != SQLITE_OK)
		return ss_fail(s, NULL);
	sqlite3_bind_int64(q, 1, v);
	rc = (int64_t)sqlite3_step(q);
	if (rc == SQLITE_ROW)
		rc = sqlite3_column_int64(q, 0);
	else
		rc = rc == SQLITE_DONE ? 0 : -1;
	if (rc < 0)
		ss_fail(s, NULL);
	sqlite3_finalize(q);
	return rc;
}

int
sqlite_search_backfill(struct sqlite_search *s, int max, int64_t *left)
{
	sqlite3_stmt *q;
	int64_t from, seq = 0;
	json_t *ev;
	int rc, n = 0;

	*left = 0;
	from = ss_meta(s, "SELECT CAST(value AS INTEGER) FROM meta WHERE "
	    "key = '" BACKFILL_KEY "' AND ? = 0", 0);
	if (from <= 0)
		return from < 0 ? -1 : 0;
	if ((q = ss_q(s, SS_OLDER)) == NULL)
		return -1;
	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int(q, 2, max);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		seq = sqlite3_column_int64(q, 0);
		ev = json_loads((const char *)sqlite3_column_text(q, 1), 0,
		    NULL);
		/* A damaged event is left unindexed rather than stopping
		 * the index for good. */
		rc = ev != NULL ? sqlite_search_add(s, seq, ev) : 0;
		json_decref(ev);
		n++;
		if (rc != 0) {
			sqlite3_reset(q);
			return -1;
		}
	}
	if (rc != SQLITE_DONE)
		return ss_fail(s, q);
	sqlite3_reset(q);
	*left = n < max ? 0 : seq - 1;
	return ss_meta(s, *left > 0 ? "INSERT OR REPLACE INTO meta(key, value) "
	    "VALUES('" BACKFILL_KEY "', ?)" : "DELETE FROM meta WHERE key = '"
	    BACKFILL_KEY "' AND ? = 0", *left) < 0 ? -1 : 0;
}
