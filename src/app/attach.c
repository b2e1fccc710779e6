/* Sending a file (see attach.h). */
#include <jansson.h>
#include <sodium.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ttydesk/wa_media.h"
#include "app.h"
#include "attach.h"
#include "outbox.h"

/* The largest file Meta takes (documents). */
#define ATTACH_MAX (100u << 20)

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
	if ((mime = wa_media_refusal(t, out->bytes, out->len)) != NULL) {
		snprintf(why, whylen, "%s: %s", out->name, mime);
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

int
attach_send(struct app *app, const char *conv, struct attach_file *f,
    const char *caption, char *err, size_t errlen)
{
	json_t *up;
	char line[512];
	int rc = -1;

	/* Meta shows no caption on audio and stickers. */
	if (caption != NULL && (*caption == '\0' ||
	    strcmp(f->kind, "audio") == 0 || strcmp(f->kind, "sticker") == 0))
		caption = NULL;
	up = json_pack("{s:s, s:s, s:s, s:I}", "kind", f->kind, "mime", f->mime,
	    "filename", f->name, "size", (json_int_t)f->len);
	if (up != NULL && caption != NULL)
		json_object_set_new(up, "caption", json_string(caption));
	snprintf(line, sizeof line, "[%s] %s%s%s", f->kind, f->name,
	    caption ? ": " : "", caption ? caption : "");
	if (up == NULL)
		snprintf(err, errlen, "out of memory");
	else if (outbox_add_file(app, conv, "attach", line, f->bytes, f->len,
	    up) == 0)
		rc = 0;
	else if (errlen > 0)
		err[0] = '\0'; /* the outbox said why */
	json_decref(up);
	attach_file_free(f);
	return rc;
}

void
attach_local_id(const struct attach_file *f, char *out, size_t len)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];

	crypto_hash_sha256(h, f->bytes, f->len);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(out, len, "local.%s", hex);
}

int
attach_keep(struct app *app, const char *conv, const struct attach_file *f)
{
	json_t *up = json_pack("{s:s, s:s, s:s, s:I}", "kind", f->kind, "mime",
	    f->mime, "filename", f->name, "size", (json_int_t)f->len);
	char line[400];
	int rc;

	if (up == NULL)
		return -1;
	snprintf(line, sizeof line, "[%s] %s (template header)", f->kind,
	    f->name);
	rc = outbox_add_file(app, conv, "upload", line, f->bytes, f->len, up);
	json_decref(up);
	return rc;
}
