/*
 * The media store's files and index (media_store.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>
#include <sqlite3.h>

#include "ttydesk/freeall.h"
#include "media_store.h"

struct media_store {
	const struct relay_media_config *mc;
	sqlite3 *db;
	pthread_mutex_t lock;
};

static const char media_schema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS media ("
    " media_id TEXT PRIMARY KEY,"
    " conversation TEXT NOT NULL,"
    " mime TEXT, sha256 TEXT, file TEXT,"
    " size INTEGER NOT NULL DEFAULT 0,"
    " state INTEGER NOT NULL DEFAULT 0,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " next_try INTEGER NOT NULL DEFAULT 0,"
    " received INTEGER NOT NULL,"
    " stored_at INTEGER);"
    "CREATE INDEX IF NOT EXISTS media_due ON media(state, next_try);"
    "CREATE INDEX IF NOT EXISTS media_age ON media(state, received);"
    "CREATE INDEX IF NOT EXISTS media_file ON media(file);";

void
media_entry_free(struct media_entry *e)
{
	FREE_ALL(e->media_id, e->conversation, e->mime, e->sha256, e->file);
	memset(e, 0, sizeof *e);
}

static int
media_mkdir(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "[media] dir %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "[media] dir %s: not a folder", dir);
		return -1;
	}
	/* Customers' photos and documents: the relay's user only. */
	if ((st.st_mode & 077) != 0 && chmod(dir, 0700) != 0) {
		snprintf(err, errlen, "[media] dir %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
media_store_open(const struct relay_media_config *mc,
    struct media_store **out, char *err, size_t errlen)
{
	struct media_store *ms;
	char path[4096];

	*out = NULL;
	if (media_mkdir(mc->dir, err, errlen) != 0)
		return -1;
	if ((size_t)snprintf(path, sizeof path, "%s/index.db", mc->dir) >=
	    sizeof path) {
		snprintf(err, errlen, "[media] dir: path too long");
		return -1;
	}
	if ((ms = calloc(1, sizeof *ms)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ms->mc = mc;
	if (sqlite3_open_v2(path, &ms->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(ms->db, 5000) != SQLITE_OK ||
	    sqlite3_exec(ms->db, media_schema, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, ms->db ?
		    sqlite3_errmsg(ms->db) : "cannot open");
		sqlite3_close(ms->db);
		free(ms);
		return -1;
	}
	pthread_mutex_init(&ms->lock, NULL);
	*out = ms;
	return 0;
}

void
media_store_close(struct media_store *ms)
{
	if (ms == NULL)
		return;
	sqlite3_close(ms->db);
	pthread_mutex_destroy(&ms->lock);
	free(ms);
}

static void
media_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

static char *
media_col(sqlite3_stmt *s, int i)
{
	const unsigned char *v = sqlite3_column_text(s, i);

	return v != NULL ? strdup((const char *)v) : NULL;
}

/* Runs sql with text/integer arguments ("t" or "i" per char of types);
 * fills out from the first row when out is not NULL.  Caller holds the
 * lock.  1 row, 0 none (or done), -1 error. */
static int
media_exec(struct media_store *ms, const char *sql, const char *types,
    const void *const *args, struct media_entry *out)
{
	sqlite3_stmt *s;
	int rc, i;

	if (out != NULL)
		memset(out, 0, sizeof *out);
	if (sqlite3_prepare_v2(ms->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	for (i = 0; types[i] != '\0'; i++) {
		if (types[i] == 't')
			media_bind_text(s, i + 1, args[i]);
		else
			sqlite3_bind_int64(s, i + 1, *(const int64_t *)args[i]);
	}
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && out != NULL) {
		out->media_id = media_col(s, 0);
		out->conversation = media_col(s, 1);
		out->mime = media_col(s, 2);
		out->sha256 = media_col(s, 3);
		out->file = media_col(s, 4);
		out->size = sqlite3_column_int64(s, 5);
		out->state = (enum media_state)sqlite3_column_int(s, 6);
		out->attempts = sqlite3_column_int(s, 7);
		out->received = sqlite3_column_int64(s, 8);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : -1;
}

#define MEDIA_COLS "media_id, conversation, mime, sha256, file, size, " \
	"state, attempts, received"

static int
media_locked(struct media_store *ms, const char *sql, const char *types,
    const void *const *args, struct media_entry *out)
{
	int rc;

	pthread_mutex_lock(&ms->lock);
	rc = media_exec(ms, sql, types, args, out);
	pthread_mutex_unlock(&ms->lock);
	return rc;
}

int
media_store_expect(struct media_store *ms, const char *media_id,
    const char *conversation, const char *mime, const char *sha256,
    int64_t received, int64_t now)
{
	const void *args[] = { media_id, conversation, mime, sha256, &received,
	    &now };

	return media_locked(ms, "INSERT OR IGNORE INTO media (media_id, "
	    "conversation, mime, sha256, received, next_try) VALUES "
	    "(?, ?, ?, ?, ?, ?)", "ttttii", args, NULL) < 0 ? -1 : 0;
}

int
media_store_find(struct media_store *ms, const char *media_id,
    const char *conversation, struct media_entry *out)
{
	const void *args[] = { media_id, conversation };

	return media_locked(ms, "SELECT " MEDIA_COLS " FROM media WHERE "
	    "media_id = ? AND conversation = ?", "tt", args, out);
}

int
media_store_next_due(struct media_store *ms, int64_t now,
    struct media_entry *out)
{
	const void *args[] = { &now };

	return media_locked(ms, "SELECT " MEDIA_COLS " FROM media WHERE "
	    "state = 0 AND next_try <= ? ORDER BY next_try LIMIT 1", "i", args,
	    out);
}

/* The one number sql answers, under the lock; def when it cannot. */
static int64_t
media_number(struct media_store *ms, const char *sql, int64_t def)
{
	sqlite3_stmt *s;
	int64_t t = def;

	pthread_mutex_lock(&ms->lock);
	if (sqlite3_prepare_v2(ms->db, sql, -1, &s, NULL) == SQLITE_OK) {
		if (sqlite3_step(s) == SQLITE_ROW)
			t = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	pthread_mutex_unlock(&ms->lock);
	return t;
}

int64_t
media_store_next_wake(struct media_store *ms)
{
	return media_number(ms, "SELECT min(next_try) FROM media WHERE "
	    "state = 0", 0);
}

int
media_store_done(struct media_store *ms, const char *media_id,
    const char *file, int64_t size, const char *mime, int64_t now)
{
	const void *args[] = { file, &size, mime, &now, media_id };

	return media_locked(ms, "UPDATE media SET state = 1, file = ?, size = ?, "
	    "mime = coalesce(?, mime), stored_at = ? WHERE media_id = ?",
	    "titit", args, NULL) < 0 ? -1 : 0;
}

int
media_store_retry(struct media_store *ms, const char *media_id,
    int64_t next_try, bool give_up)
{
	int64_t state = give_up ? MEDIA_FAILED : MEDIA_PENDING;
	const void *args[] = { &state, &next_try, media_id };

	return media_locked(ms, "UPDATE media SET state = ?, attempts = "
	    "attempts + 1, next_try = ? WHERE media_id = ?", "iit", args,
	    NULL) < 0 ? -1 : 0;
}

int
media_store_expire(struct media_store *ms, const char *media_id)
{
	const void *args[] = { media_id };

	return media_locked(ms, "UPDATE media SET state = 2 WHERE media_id = ? "
	    "AND state = 0", "t", args, NULL) < 0 ? -1 : 0;
}

int
media_store_path(struct media_store *ms, const char *file, char *buf,
    size_t len)
{
	return (size_t)snprintf(buf, len, "%s/%s", ms->mc->dir, file) < len ?
	    0 : -1;
}

int
media_store_tmpfile(struct media_store *ms, char *buf, size_t len)
{
	int fd;

	if ((size_t)snprintf(buf, len, "%s/.part-XXXXXX", ms->mc->dir) >= len)
		return -1;
	/* mkstemp creates it 0600. */
	if ((fd = mkstemp(buf)) < 0)
		return -1;
	return fd;
}

int
media_store_put(struct media_store *ms, const void *bytes, size_t len,
    char file[65])
{
	unsigned char digest[32];
	char tmp[4096], path[4096];
	size_t off = 0;
	bool written;
	int fd;

	crypto_hash_sha256(digest, bytes, len);
	sodium_bin2hex(file, 65, digest, sizeof digest);
	if (media_store_path(ms, file, path, sizeof path) != 0 ||
	    (fd = media_store_tmpfile(ms, tmp, sizeof tmp)) < 0)
		return -1;
	while (off < len) {
		ssize_t w = write(fd, (const char *)bytes + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	/* On disk before the send that names it is queued.  The file is
	 * closed whatever failed (a failed fsync used to leave it open). */
	written = off == len && fsync(fd) == 0;
	if (close(fd) != 0 || !written || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

int64_t
media_store_total(struct media_store *ms)
{
	/* Two entries with the same bytes share one file. */
	return media_number(ms, "SELECT coalesce(sum(size), 0) FROM "
	    "(SELECT file, max(size) AS size FROM media WHERE state = 1 "
	    "GROUP BY file)", -1);
}

/* Marks one stored entry expired and deletes its file when no other
 * stored entry shares it.  Caller holds the lock. */
static int
media_expire_one(struct media_store *ms, const char *media_id,
    const char *file)
{
	const void *args[] = { media_id, file, media_id };
	char path[4096];
	int others;

	if (media_exec(ms, "UPDATE media SET state = 2 WHERE media_id = ?", "t",
	    args, NULL) < 0)
		return -1;
	others = media_exec(ms, "SELECT " MEDIA_COLS " FROM media WHERE "
	    "file = ? AND state = 1 AND media_id != ?", "tt", args + 1, NULL);
	if (others < 0)
		return -1;
	if (others == 0 && file != NULL &&
	    media_store_path(ms, file, path, sizeof path) == 0 &&
	    unlink(path) != 0 && errno != ENOENT)
		return -1;
	return 0;
}

/* The oldest stored entry received before `before` (or any, when
 * before is 0).  1/0/-1. */
static int
media_oldest(struct media_store *ms, int64_t before, struct media_entry *e)
{
	const void *args[] = { &before };

	if (before > 0)
		return media_exec(ms, "SELECT " MEDIA_COLS " FROM media WHERE "
		    "state = 1 AND received < ? ORDER BY received LIMIT 1", "i",
		    args, e);
	return media_exec(ms, "SELECT " MEDIA_COLS " FROM media WHERE "
	    "state = 1 ORDER BY received LIMIT 1", "", args, e);
}

int
media_store_evict(struct media_store *ms, int64_t now, int *evicted)
{
	const struct relay_media_config *mc = ms->mc;
	struct media_entry e;
	int64_t total;
	int rc = 0;

	*evicted = 0;
	while (mc->retention > 0) {
		pthread_mutex_lock(&ms->lock);
		rc = media_oldest(ms, now - mc->retention, &e);
		if (rc > 0)
			rc = media_expire_one(ms, e.media_id, e.file) == 0 ? 1 : -1;
		pthread_mutex_unlock(&ms->lock);
		media_entry_free(&e);
		if (rc <= 0)
			break;
		(*evicted)++;
	}
	if (rc < 0)
		return -1;
	while (mc->max_total > 0 && (total = media_store_total(ms)) >= 0 &&
	    (uint64_t)total > mc->max_total) {
		pthread_mutex_lock(&ms->lock);
		rc = media_oldest(ms, 0, &e);
		if (rc > 0)
			rc = media_expire_one(ms, e.media_id, e.file) == 0 ? 1 : -1;
		pthread_mutex_unlock(&ms->lock);
		media_entry_free(&e);
		if (rc <= 0)
			return rc;
		(*evicted)++;
	}
	return 0;
}

static bool
media_host_loopback(const char *host)
{
	return strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
	    strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0;
}

/* "*.fbsbx.com" matches "x.fbsbx.com" and "a.b.fbsbx.com", not
 * "fbsbx.com" nor "evilfbsbx.com"; other patterns match exactly. */
static bool
media_host_match(const char *pattern, const char *host)
{
	size_t hl = strlen(host), pl;

	if (pattern[0] == '*' && pattern[1] == '.') {
		pl = strlen(pattern + 1);
		return hl > pl && strcasecmp(host + hl - pl, pattern + 1) == 0;
	}
	return strcasecmp(pattern, host) == 0;
}

bool
media_url_allowed(const struct relay_media_config *mc, const char *url,
    char *why, size_t whylen)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	bool ok = false;
	size_t i;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		snprintf(why, whylen, "not a URL");
		goto out;
	}
	if (media_host_loopback(host)) {
		ok = strcmp(scheme, "https") == 0 || strcmp(scheme, "http") == 0;
		if (!ok)
			snprintf(why, whylen, "scheme %s", scheme);
		goto out;
	}
	if (strcmp(scheme, "https") != 0) {
		snprintf(why, whylen, "not https");
		goto out;
	}
	for (i = 0; i < mc->n_hosts && !ok; i++)
		ok = media_host_match(mc->hosts[i], host);
	if (!ok)
		snprintf(why, whylen, "host %.100s is not in [media] "
		    "download_hosts", host);
out:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok;
}
