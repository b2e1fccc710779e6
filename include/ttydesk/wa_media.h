/*
 * Media Meta takes for sending (its supported media types): the message
 * type a MIME type makes and its size limit, one table for the relay's
 * upload endpoint and for ttydesk before it uploads; and the MIME type of
 * a file from its first bytes (its name only when the bytes say nothing
 * specific), with the extension a MIME type is saved under.
 */
#ifndef TTYDESK_WA_MEDIA_H
#define TTYDESK_WA_MEDIA_H

#include <stddef.h>

struct wa_media_type {
	const char *mime;
	const char *kind;  /* image, video, audio, sticker, document */
	size_t max;        /* bytes */
};

/* The type of a Content-Type ("Image/JPEG; q=1" reads as image/jpeg),
 * NULL when Meta does not take it.  mime (may be NULL) gets the bare
 * lower-case type. */
const struct wa_media_type *wa_media_type_of(const char *ctype, char *mime,
    size_t mimelen);
/* The limit for these bytes: a static WebP sticker (no ANIM chunk) may be
 * 100 KB, an animated one 500 KB. */
size_t wa_media_max(const struct wa_media_type *t, const void *bytes,
    size_t len);
/* What Meta refuses in bytes of type t beyond type and size (audio/ogg
 * that is not Opus), NULL when nothing. */
const char *wa_media_refusal(const struct wa_media_type *t, const void *bytes,
    size_t len);
/* OGG/Opus audio: Meta plays it as a voice note ("voice": true). */
int wa_media_is_voice(const struct wa_media_type *t, const void *bytes,
    size_t len);
/* MIME type from content (JPEG, PNG, WebP, PDF, OGG, MP4/3GPP, MP3, AAC,
 * AMR), else from the name's extension (.txt, .docx, ...); NULL when
 * neither says. */
const char *wa_media_sniff(const void *bytes, size_t len, const char *name);
/* "jpg", "pdf", ...; "bin" for anything else. */
const char *wa_media_ext(const char *mime);

#endif
