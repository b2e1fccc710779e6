/* Sending a file (see attach.h). */
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ttydesk/buf.h"
#include "ttydesk/clientid.h"
#include "ttydesk/wa_media.h"
#include "app.h"
#include "attach.h"
#include "net.h"

/* The largest file Meta takes (documents). */
#define ATTACH_MAX (100u << 20)

struct attach_req {
	struct attach_file f;
	int last_pct;
};

void
attach_file_free(struct attach_file *f)
{
	free(f->name);
	free(f->bytes);
	memset(f, 0, sizeof *f);
}

static int
attach_read(int fd, struct attach_file *out, size_t size, char *why,
    size_t whylen)
{
	ssize_t got;

	if ((out->bytes = malloc(size > 0 ? size : 1)) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	while (out->len < size) {
		got = read(fd, out->bytes + out->len, size - out->len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			snprintf(why, whylen, "%s: %s", out->name, got < 0 ?
			    strerror(errno) : "shorter than its size");
			return -1;
		}
		out->len += (size_t)got;
	}
	return 0;
}

int
attach_load(const char *path, struct attach_file *out, char *why,
    size_t whylen)
{
	const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 :
	    path;
	const struct wa_media_type *t;
	const char *mime;
	struct stat st;
	size_t max;
	int fd = -1;

	memset(out, 0, sizeof *out);
	if ((out->name = strdup(*base ? base : "file")) == NULL) {
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
	    fstat(fd, &st) != 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s is not a regular file", path);
		goto fail;
	}
	if (st.st_size == 0 || (uint64_t)st.st_size > ATTACH_MAX) {
		snprintf(why, whylen, "%s is %lld bytes: Meta takes 1 byte to "
		    "100 MB", out->name, (long long)st.st_size);
		goto fail;
	}
	if (attach_read(fd, out, (size_t)st.st_size, why, whylen) != 0)
		goto fail;
	mime = wa_media_sniff(out->bytes, out->len, out->name);
	if (mime == NULL || (t = wa_media_type_of(mime, out->mime,
	    sizeof out->mime)) == NULL) {
		snprintf(why, whylen, "%s: Meta does not take this kind of file "
		    "(%s)", out->name, mime ? mime : "unknown type");
		goto fail;
	}
	max = wa_media_max(t, out->bytes, out->len);
	if (out->len > max) {
		snprintf(why, whylen, "%s is %.1f MB, over Meta's limit of "
		    "%.1f MB for %s (%s)", out->name, (double)out->len / 1048576.0,
		    (double)max / 1048576.0, t->kind, t->mime);
		goto fail;
	}
	out->kind = t->kind;
	close(fd);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	attach_file_free(out);
	return -1;
}

static void
attach_progress(struct app *app, void *ud, int64_t sent, int64_t total)
{
	struct attach_req *rq = ud;
	int pct = total > 0 ? (int)(sent * 100 / total) : 0;

	/* Every 5 %: the status bar, not a redraw per packet. */
	if (pct / 5 != rq->last_pct / 5) {
		rq->last_pct = pct;
		app_message(app, "uploading %s: %d%% of %.1f MB", rq->f.name, pct,
		    (double)total / 1048576.0);
	}
}

static void
attach_done(struct app *app, void *ud, long status, const char *body,
    size_t len, const char *err)
{
	struct attach_req *rq = ud;

	(void)body;
	(void)len;
	if (status >= 200 && status < 300)
		app_message(app, "sent %s (%s)", rq->f.name, rq->f.kind);
	else if (status == 0)
		app_error(app, "sending %s failed: %s", rq->f.name, err);
	else if (status == 413 || status == 415)
		app_error(app, "the relay refused %s: %s", rq->f.name, status ==
		    413 ? "over Meta's size limit" : "a type Meta does not take");
	else if (status == 409)
		app_error(app, "%s not sent: the 24-hour window is closed",
		    rq->f.name);
	else
		app_error(app, "sending %s failed: HTTP %ld", rq->f.name, status);
	attach_file_free(&rq->f);
	free(rq);
}

/* "&key=value" with value percent-encoded. */
static void
attach_arg(struct buf *b, const char *key, const char *value)
{
	char *e = curl_easy_escape(NULL, value, 0);

	if (e == NULL) {
		b->failed = 1;
		return;
	}
	buf_printf(b, "%s%s=%s", b->len ? "&" : "", key, e);
	curl_free(e);
}

int
attach_send(struct app *app, const char *conv, struct attach_file *f,
    const char *caption, char *err, size_t errlen)
{
	struct attach_req *rq = calloc(1, sizeof *rq);
	struct buf q = { 0 };
	char base[1024], path[4096], cid[CLIENT_ID_LEN];
	char *args;

	if (rq == NULL) {
		attach_file_free(f);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rq->f = *f;
	memset(f, 0, sizeof *f);
	rq->last_pct = -5;
	client_id_new(cid, sizeof cid);
	attach_arg(&q, "client_id", cid);
	attach_arg(&q, "filename", rq->f.name);
	if (caption != NULL && *caption != '\0' &&
	    strcmp(rq->f.kind, "audio") != 0 && strcmp(rq->f.kind, "sticker")
	    != 0)
		attach_arg(&q, "caption", caption);
	args = buf_take(&q, NULL);
	if (args == NULL || net_conv_path(base, sizeof base, conv, "/media")
	    == NULL || snprintf(path, sizeof path, "%s?%s", base, args) >=
	    (int)sizeof path) {
		snprintf(err, errlen, "cannot build the upload request");
		goto fail;
	}
	if (app_post_bytes(app, path, rq->f.bytes, rq->f.len, rq->f.mime,
	    attach_progress, attach_done, rq, err, errlen) != 0)
		goto fail;
	free(args);
	app_message(app, "uploading %s (%s, %.1f MB) ...", rq->f.name,
	    rq->f.mime, (double)rq->f.len / 1048576.0);
	return 0;
fail:
	free(args);
	attach_file_free(&rq->f);
	free(rq);
	return -1;
}
