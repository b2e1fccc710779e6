/*
 * Sending a file from the agent's machine: read it, take its MIME type
 * from its content (its extension only when the bytes say nothing
 * specific), check Meta's type and size limits (ttydesk/wa_media.h, the
 * relay's own table) with a clear error, then queue it in the outbox
 * (outbox_add_file: sealed in the cache, sent once across a crash, the
 * progress in the status bar).
 *
 * Ownership: struct attach_file owns its name, bytes (attach_file_free);
 * attach_send() takes the file.
 */
#ifndef TTYDESK_ATTACH_H
#define TTYDESK_ATTACH_H

#include <stddef.h>

struct app;

struct attach_file {
	char *name;           /* the file's base name */
	char mime[128];
	const char *kind;     /* image, video, audio, sticker, document */
	unsigned char *bytes;
	size_t len;
};

/* 0, or -1 with why ("x.exe: Meta does not take application/x-..."). */
int attach_load(const char *path, struct attach_file *out, char *why,
    size_t whylen);
void attach_file_free(struct attach_file *f);
/* "local.<hex SHA-256>": the id the relay gives f once kept there
 * (POST .../media?send=0), for a template's header.  len >= 71. */
void attach_local_id(const struct attach_file *f, char *out, size_t len);
/* Queue f (kept, not taken) to be kept on the relay for conv's template
 * header (an "upload" outbox entry).  0, or -1 (the outbox said why). */
int attach_keep(struct app *app, const char *conv,
    const struct attach_file *f);
/* Queue f (taken, also on failure) for conv.  0, or -1 with err. */
int attach_send(struct app *app, const char *conv, struct attach_file *f,
    const char *caption, char *err, size_t errlen);

#endif
