/*
 * PostgreSQL's search index (store_pg_search.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"
#include "store_pg_search.h"

#define BACKFILL_KEY "search_backfill"

/* Runs sql with text parameters; NULL (and err) unless it answered. */
static PGresult *
ps_run(PGconn *c, const char *sql, int n, const char *const *v, char *err,
    size_t errlen)
{
	PGresult *res = PQexecParams(c, sql, n, NULL, v, NULL, NULL, 0);
	ExecStatusType s = PQresultStatus(res);
	const char *m;

	if (s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK)
		return res;
	/* Only the primary message: details may quote customer text. */
	m = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	snprintf(err, errlen, "search: %s", m ? m : PQerrorMessage(c));
	err[strcspn(err, "\n")] = '\0';
	PQclear(res);
	return NULL;
}

int
pg_search_add(PGconn *c, int64_t seq, const json_t *ev, char *err,
    size_t errlen)
{
	char *doc = search_doc_text(ev), num[24];
	const char *v[2] = { num, doc };
	PGresult *res;

	if (doc == NULL)
		return 0;
	search_doc_words(doc);
	snprintf(num, sizeof num, "%lld", (long long)seq);
	res = ps_run(c, "INSERT INTO search_docs(seq, doc) VALUES($1, "
	    "to_tsvector('simple', $2))", 2, v, err, errlen);
	free(doc);
	PQclear(res);
	return res == NULL ? -1 : 0;
}

int
pg_search_find(PGconn *c, const struct search_query *q, int64_t before,
    int limit, struct relay_search_hit **hits, size_t *n, char *err,
    size_t errlen)
{
	char *tsq = search_tsquery(q), b[24], l[24];
	const char *v[3] = { tsq, b, l };
	struct relay_search_hit *out = NULL;
	PGresult *res;
	int i, rows;

	*hits = NULL;
	*n = 0;
	if (tsq == NULL)
		return -1;
	snprintf(b, sizeof b, "%lld", (long long)before);
	snprintf(l, sizeof l, "%d", limit);
	res = ps_run(c, "SELECT seq, json FROM events WHERE seq IN (SELECT seq "
	    "FROM search_docs WHERE doc @@ to_tsquery('simple', $1) AND seq < "
	    "$2::bigint ORDER BY seq DESC LIMIT $3::int) ORDER BY seq DESC", 3,
	    v, err, errlen);
	free(tsq);
	if (res == NULL)
		return -1;
	rows = PQntuples(res);
	if (rows > 0 && (out = calloc((size_t)rows, sizeof *out)) == NULL)
		goto fail;
	for (i = 0; i < rows; i++) {
		out[i].seq = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		if ((out[i].json = strdup(PQgetvalue(res, i, 1))) == NULL)
			goto fail;
		(*n)++;
	}
	PQclear(res);
	*hits = out;
	return 0;
fail:
	snprintf(err, errlen, "out of memory");
	relay_search_hits_free(out, *n);
	*n = 0;
	PQclear(res);
	return -1;
}

int
pg_search_backfill(PGconn *c, int max, int64_t *left, char *err,
    size_t errlen)
{
	char from[24], lim[24], num[24];
	const char *v[2] = { from, lim };
	PGresult *res;
	int64_t seq = 0;
	json_t *ev;
	int i, rows, rc = 0;

	*left = 0;
	/* FOR UPDATE: two relays never index the same batch. */
	if ((res = ps_run(c, "SELECT value FROM meta WHERE key = '"
	    BACKFILL_KEY "' FOR UPDATE", 0, NULL, err, errlen)) == NULL)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		return 0;
	}
	snprintf(from, sizeof from, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	snprintf(lim, sizeof lim, "%d", max);
	if ((res = ps_run(c, "SELECT seq, json FROM events WHERE seq <= "
	    "$1::bigint ORDER BY seq DESC LIMIT $2::int", 2, v, err,
	    errlen)) == NULL)
		return -1;
	rows = PQntuples(res);
	for (i = 0; i < rows && rc == 0; i++) {
		seq = strtoll(PQgetvalue(res, i, 0), NULL, 10);
		/* A damaged event stays unindexed rather than stopping the
		 * index for good. */
		if ((ev = json_loads(PQgetvalue(res, i, 1), 0, NULL)) != NULL)
			rc = pg_search_add(c, seq, ev, err, errlen);
		json_decref(ev);
	}
	PQclear(res);
	if (rc != 0)
		return -1;
	*left = rows < max ? 0 : seq - 1;
	snprintf(num, sizeof num, "%lld", (long long)*left);
	v[0] = num;
	res = ps_run(c, *left > 0 ? "UPDATE meta SET value = $1 WHERE key = '"
	    BACKFILL_KEY "'" : "DELETE FROM meta WHERE key = '" BACKFILL_KEY
	    "'", *left > 0 ? 1 : 0, v, err, errlen);
	PQclear(res);
	return res == NULL ? -1 : 0;
}
