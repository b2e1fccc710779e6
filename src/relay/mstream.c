/*
 * Media streams (mstream.h).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "mstream.h"

#define MSTREAM_CAP (256 * 1024)

enum mstream_state { MS_RUNNING, MS_DONE, MS_FAILED };

struct mstream {
	pthread_mutex_t lock;
	char buf[MSTREAM_CAP];
	size_t len;
	size_t total;
	size_t max;
	enum mstream_state state;
	bool reader_waiting; /* the connection is suspended for data */
	bool curl_paused;
	bool unpause;        /* the sender should unpause curl */
	bool cancelled;      /* the agent went away */
	int refs;
	struct MHD_Connection *conn;
	void (*wake)(void *);
	void *wake_arg;
};

struct mstream *
mstream_new(struct MHD_Connection *conn, size_t max, void (*wake)(void *),
    void *wake_arg)
{
	struct mstream *ms = calloc(1, sizeof *ms);

	if (ms == NULL)
		return NULL;
	pthread_mutex_init(&ms->lock, NULL);
	ms->max = max;
	ms->refs = 2;
	ms->conn = conn;
	ms->wake = wake;
	ms->wake_arg = wake_arg;
	return ms;
}

void
mstream_unref(struct mstream *ms)
{
	int left;

	if (ms == NULL)
		return;
	pthread_mutex_lock(&ms->lock);
	left = --ms->refs;
	pthread_mutex_unlock(&ms->lock);
	if (left == 0) {
		pthread_mutex_destroy(&ms->lock);
		free(ms);
	}
}

/* Under the lock: let a reader waiting for data run again. */
static void
mstream_wake_reader(struct mstream *ms)
{
	if (ms->reader_waiting && !ms->cancelled) {
		ms->reader_waiting = false;
		MHD_resume_connection(ms->conn);
	}
}

size_t
mstream_write(struct mstream *ms, const char *data, size_t n)
{
	size_t rc = n;

	pthread_mutex_lock(&ms->lock);
	if (ms->cancelled) {
		rc = 0;
	} else if (ms->total + n > ms->max) {
		ms->state = MS_FAILED;
		mstream_wake_reader(ms);
		rc = 0;
	} else if (ms->len + n > sizeof ms->buf) {
		/* curl hands the same bytes again after the unpause. */
		ms->curl_paused = true;
		rc = CURL_WRITEFUNC_PAUSE;
	} else {
		memcpy(ms->buf + ms->len, data, n);
		ms->len += n;
		ms->total += n;
		mstream_wake_reader(ms);
	}
	pthread_mutex_unlock(&ms->lock);
	return rc;
}

void
mstream_finish(struct mstream *ms, bool ok)
{
	pthread_mutex_lock(&ms->lock);
	if (ms->state == MS_RUNNING)
		ms->state = ok ? MS_DONE : MS_FAILED;
	mstream_wake_reader(ms);
	pthread_mutex_unlock(&ms->lock);
}

bool
mstream_take_unpause(struct mstream *ms)
{
	bool u;

	pthread_mutex_lock(&ms->lock);
	u = ms->unpause;
	ms->unpause = false;
	pthread_mutex_unlock(&ms->lock);
	return u;
}

ssize_t
mstream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct mstream *ms = cls;
	ssize_t rc;
	bool wake = false;
	size_t n;

	pthread_mutex_lock(&ms->lock);
	if (ms->len > 0) {
		n = ms->len < max ? ms->len : max;
		memcpy(buf, ms->buf, n);
		memmove(ms->buf, ms->buf + n, ms->len - n);
		ms->len -= n;
		if (ms->curl_paused && ms->len < sizeof ms->buf / 2) {
			ms->curl_paused = false;
			ms->unpause = wake = true;
		}
		rc = (ssize_t)n;
	} else if (ms->state == MS_DONE) {
		rc = MHD_CONTENT_READER_END_OF_STREAM;
	} else if (ms->state == MS_FAILED) {
		rc = MHD_CONTENT_READER_END_WITH_ERROR;
	} else {
		/* Nothing yet: sleep until the sender writes (no busy loop). */
		ms->reader_waiting = true;
		MHD_suspend_connection(ms->conn);
		rc = 0;
	}
	pthread_mutex_unlock(&ms->lock);
	if (wake)
		ms->wake(ms->wake_arg);
	return rc;
}

void
mstream_release(void *cls)
{
	struct mstream *ms = cls;
	bool wake;

	pthread_mutex_lock(&ms->lock);
	ms->cancelled = true;
	/* A paused transfer must run once more to notice and abort. */
	wake = ms->curl_paused;
	if (wake)
		ms->unpause = true;
	pthread_mutex_unlock(&ms->lock);
	if (wake)
		ms->wake(ms->wake_arg);
	mstream_unref(ms);
}
