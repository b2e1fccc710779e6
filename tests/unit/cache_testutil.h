/*
 * Helpers shared by the cache tests: temporary directories, a visitor that
 * collects what cache_load reports, and whole-file read/write.
 */
#ifndef TTYDESK_CACHE_TESTUTIL_H
#define TTYDESK_CACHE_TESTUTIL_H

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <stdbool.h>

#include "ttydesk/cache.h"
#include "ttydesk/event.h"

struct coll {
	char **ev;
	size_t nev;
	char **ob_id;
	char **ob_json;
	size_t nob;
	char **dr_conv;
	char **dr_text;
	size_t ndr;
};

static inline char *
tu_dup(const char *s, size_t len)
{
	char *p = malloc(len + 1);
	if (p == NULL)
		abort();
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

static inline void
tu_push(char ***arr, size_t n, char *s)
{
	*arr = realloc(*arr, (n + 1) * sizeof **arr);
	if (*arr == NULL)
		abort();
	(*arr)[n] = s;
}

static inline void
coll_event(void *ud, const char *json, size_t len)
{
	struct coll *c = ud;
	tu_push(&c->ev, c->nev, tu_dup(json, len));
	c->nev++;
}

static inline void
coll_outbox(void *ud, const char *id, const char *json, size_t len)
{
	struct coll *c = ud;
	tu_push(&c->ob_id, c->nob, tu_dup(id, strlen(id)));
	tu_push(&c->ob_json, c->nob, tu_dup(json, len));
	c->nob++;
}

static inline void
coll_draft(void *ud, const char *conv, const char *text, size_t len)
{
	struct coll *c = ud;
	tu_push(&c->dr_conv, c->ndr, tu_dup(conv, strlen(conv)));
	tu_push(&c->dr_text, c->ndr, tu_dup(text, len));
	c->ndr++;
}

static inline void
coll_free(struct coll *c)
{
	size_t i;
	for (i = 0; i < c->nev; i++)
		free(c->ev[i]);
	for (i = 0; i < c->nob; i++) {
		free(c->ob_id[i]);
		free(c->ob_json[i]);
	}
	for (i = 0; i < c->ndr; i++) {
		free(c->dr_conv[i]);
		free(c->dr_text[i]);
	}
	free(c->ev);
	free(c->ob_id);
	free(c->ob_json);
	free(c->dr_conv);
	free(c->dr_text);
	memset(c, 0, sizeof *c);
}

static inline const char *
coll_draft_of(const struct coll *c, const char *conv)
{
	size_t i;
	for (i = 0; i < c->ndr; i++)
		if (strcmp(c->dr_conv[i], conv) == 0)
			return c->dr_text[i];
	return NULL;
}

static inline const char *
coll_outbox_of(const struct coll *c, const char *id)
{
	size_t i;
	for (i = 0; i < c->nob; i++)
		if (strcmp(c->ob_id[i], id) == 0)
			return c->ob_json[i];
	return NULL;
}

/* Open, load into *out, close.  Returns the cache status. */
static inline int
tu_open_load(const char *dir, const struct cache_key *k, struct coll *out,
    int64_t *cursor, char *err, size_t errlen)
{
	struct cache_visitor v = { out, coll_event, coll_outbox, coll_draft };
	struct td_cache *c;
	int rc;

	memset(out, 0, sizeof *out);
	if (cursor != NULL)
		*cursor = 0;
	rc = cache_open(dir, k, &c, err, errlen);
	if (rc != CACHE_OK)
		return rc;
	rc = cache_load(c, &v, err, errlen);
	if (cursor != NULL)
		*cursor = cache_cursor(c);
	cache_close(c);
	return rc;
}

/* A signature of everything loaded, to compare states. */
static inline char *
coll_sig(const struct coll *c, int64_t cursor)
{
	size_t i, len = 64;
	char *s;
	for (i = 0; i < c->nev; i++)
		len += strlen(c->ev[i]) + 4;
	for (i = 0; i < c->nob; i++)
		len += strlen(c->ob_id[i]) + strlen(c->ob_json[i]) + 4;
	for (i = 0; i < c->ndr; i++)
		len += strlen(c->dr_conv[i]) + strlen(c->dr_text[i]) + 4;
	s = malloc(len);
	if (s == NULL)
		abort();
	snprintf(s, len, "C%lld", (long long)cursor);
	for (i = 0; i < c->nev; i++)
		strcat(strcat(s, "|E:"), c->ev[i]);
	for (i = 0; i < c->nob; i++)
		strcat(strcat(strcat(strcat(s, "|O:"), c->ob_id[i]), "="), c->ob_json[i]);
	for (i = 0; i < c->ndr; i++)
		strcat(strcat(strcat(strcat(s, "|D:"), c->dr_conv[i]), "="), c->dr_text[i]);
	return s;
}

static inline int
tu_rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	chmod(path, 0700);
	return remove(path);
}

static inline void
tu_rmrf(const char *path)
{
	nftw(path, tu_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh private directory; the caller frees and removes it. */
static inline char *
tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *p = malloc(4096);
	if (p == NULL)
		abort();
	snprintf(p, 4096, "%s/ttydesk-cache-XXXXXX",
	    base != NULL && *base != '\0' ? base : "/tmp");
	if (mkdtemp(p) == NULL)
		abort();
	return p;
}

static inline char *
tu_path(const char *dir, const char *name)
{
	char *p = malloc(4096);
	if (p == NULL)
		abort();
	snprintf(p, 4096, "%s/%s", dir, name);
	return p;
}

static inline unsigned char *
tu_read(const char *path, size_t *len)
{
	unsigned char *buf;
	struct stat st;
	int fd = open(path, O_RDONLY);
	if (fd < 0 || fstat(fd, &st) != 0)
		abort();
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL || read(fd, buf, (size_t)st.st_size) != st.st_size)
		abort();
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

static inline void
tu_write(const char *path, const unsigned char *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, p, len) != (ssize_t)len)
		abort();
	close(fd);
}

/* A cache test's ground: a private temporary directory with a new key
 * file in it (kp) and the cache directory to be (dir, not made yet). */
struct tu_cache_fixture {
	char *tmp;
	char *dir;
	char *kp;
	struct cache_key *key;
};

static inline void
tu_cache_fixture_init(struct tu_cache_fixture *f)
{
	char err[256];

	f->tmp = tu_tmpdir();
	f->dir = tu_path(f->tmp, "cache");
	f->kp = tu_path(f->tmp, "key");
	if (cache_keygen(f->kp, err, sizeof err) != 0 ||
	    (f->key = cache_key_from_file(f->kp, err, sizeof err)) == NULL) {
		fprintf(stderr, "cache fixture: %s\n", err);
		abort();
	}
}

/* Removes the directory and frees the fixture. */
static inline void
tu_cache_fixture_free(struct tu_cache_fixture *f)
{
	cache_key_free(f->key);
	tu_rmrf(f->tmp);
	free(f->tmp);
	free(f->dir);
	free(f->kp);
	memset(f, 0, sizeof *f);
}

/* The cache in dir, opened (a failure ends the test program). */
static inline struct td_cache *
tu_cache_open(const char *dir, const struct cache_key *key)
{
	struct td_cache *c = NULL;
	char err[512];

	if (cache_open(dir, key, &c, err, sizeof err) != CACHE_OK) {
		fprintf(stderr, "cache open: %s\n", err);
		abort();
	}
	return c;
}

/* Same event, however it is stored (packed or JSON text). */
static inline bool
tu_same_event(const char *a, size_t alen, const char *b, size_t blen)
{
	struct td_event ea, eb;
	char err[256];
	json_t *ja = NULL, *jb = NULL;
	bool same = false;

	memset(&ea, 0, sizeof ea);
	memset(&eb, 0, sizeof eb);
	if (event_decode_any(a, alen, &ea, err, sizeof err) == 0 &&
	    event_decode_any(b, blen, &eb, err, sizeof err) == 0) {
		ja = event_to_json(&ea);
		jb = event_to_json(&eb);
		same = ja != NULL && jb != NULL && json_equal(ja, jb);
	}
	json_decref(ja);
	json_decref(jb);
	event_free(&ea);
	event_free(&eb);
	return same;
}

#endif
