/* Media Meta takes for sending (see ttydesk/wa_media.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ttydesk/wa_media.h"

static const struct wa_media_type types[] = {
	{ "image/jpeg", "image", 5 << 20 },
	{ "image/png", "image", 5 << 20 },
	{ "video/mp4", "video", 16 << 20 },
	{ "video/3gpp", "video", 16 << 20 },
	{ "video/3gp", "video", 16 << 20 },
	{ "audio/aac", "audio", 16 << 20 },
	{ "audio/amr", "audio", 16 << 20 },
	{ "audio/mpeg", "audio", 16 << 20 },
	{ "audio/mp4", "audio", 16 << 20 },
	{ "audio/ogg", "audio", 16 << 20 },
	{ "image/webp", "sticker", 500 << 10 }, /* animated; static 100 KB */
	{ "text/plain", "document", 100 << 20 },
	{ "application/pdf", "document", 100 << 20 },
	{ "application/msword", "document", 100 << 20 },
	{ "application/vnd.ms-excel", "document", 100 << 20 },
	{ "application/vnd.ms-powerpoint", "document", 100 << 20 },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml."
	    "document", "document", 100 << 20 },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	    "document", 100 << 20 },
	{ "application/vnd.openxmlformats-officedocument.presentationml."
	    "presentation", "document", 100 << 20 },
};

#define N_TYPES (sizeof types / sizeof types[0])

const struct wa_media_type *
wa_media_type_of(const char *ctype, char *mime, size_t mimelen)
{
	char m[128];
	size_t i, n;

	if (mime != NULL && mimelen > 0)
		mime[0] = '\0';
	if (ctype == NULL)
		return NULL;
	n = strcspn(ctype, ";");
	while (n > 0 && ctype[n - 1] == ' ')
		n--;
	snprintf(m, sizeof m, "%.*s", (int)n, ctype);
	for (i = 0; m[i] != '\0'; i++)
		m[i] = (char)(m[i] >= 'A' && m[i] <= 'Z' ? m[i] - 'A' + 'a' :
		    m[i]);
	if (mime != NULL)
		snprintf(mime, mimelen, "%s", m);
	for (i = 0; i < N_TYPES; i++) {
		if (strcmp(m, types[i].mime) == 0)
			return &types[i];
	}
	return NULL;
}

size_t
wa_media_max(const struct wa_media_type *t, const void *bytes, size_t len)
{
	const unsigned char *b = bytes;
	size_t k;

	if (strcmp(t->kind, "sticker") != 0)
		return t->max;
	for (k = 12; k + 4 <= len && k < 64; k++) {
		if (memcmp(b + k, "ANIM", 4) == 0)
			return t->max;
	}
	return 100 << 10;
}

static const struct {
	const char *ext, *mime;
} exts[] = {
	{ "jpg", "image/jpeg" }, { "jpeg", "image/jpeg" }, { "png", "image/png" },
	{ "webp", "image/webp" }, { "mp4", "video/mp4" }, { "3gp", "video/3gpp" },
	{ "aac", "audio/aac" }, { "amr", "audio/amr" }, { "mp3", "audio/mpeg" },
	{ "m4a", "audio/mp4" }, { "ogg", "audio/ogg" }, { "opus", "audio/ogg" },
	{ "txt", "text/plain" }, { "pdf", "application/pdf" },
	{ "doc", "application/msword" }, { "xls", "application/vnd.ms-excel" },
	{ "ppt", "application/vnd.ms-powerpoint" },
	{ "docx", "application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document" },
	{ "xlsx", "application/vnd.openxmlformats-officedocument."
	    "spreadsheetml.sheet" },
	{ "pptx", "application/vnd.openxmlformats-officedocument."
	    "presentationml.presentation" },
};

#define N_EXTS (sizeof exts / sizeof exts[0])

static int
starts(const unsigned char *b, size_t len, size_t at, const char *magic,
    size_t n)
{
	return len >= at + n && memcmp(b + at, magic, n) == 0;
}

/* Signatures at a fixed offset, the first that matches wins (so "ftyp3g"
 * comes before the plain "ftyp" of MP4). */
static const struct {
	size_t at, n;
	const char *magic, *mime;
} magics[] = {
	{ 0, 3, "\xff\xd8\xff", "image/jpeg" },
	{ 0, 8, "\x89PNG\r\n\x1a\n", "image/png" },
	{ 0, 5, "%PDF-", "application/pdf" },
	{ 0, 4, "OggS", "audio/ogg" },
	{ 0, 5, "#!AMR", "audio/amr" },
	{ 4, 6, "ftyp3g", "video/3gpp" },
	{ 4, 7, "ftypM4A", "audio/mp4" },
	{ 4, 4, "ftyp", "video/mp4" },
	{ 0, 3, "ID3", "audio/mpeg" },
};

#define N_MAGICS (sizeof magics / sizeof magics[0])
/* Opus in OGG: the first page's packet starts with "OpusHead". */
static int
wa_media_opus(const unsigned char *b, size_t len)
{
	return starts(b, len, 0, "OggS", 4) && starts(b, len, 28, "OpusHead", 8);
}

int
wa_media_is_voice(const struct wa_media_type *t, const void *bytes,
    size_t len)
{
	return strcmp(t->mime, "audio/ogg") == 0 && wa_media_opus(bytes, len);
}

const char *
wa_media_refusal(const struct wa_media_type *t, const void *bytes, size_t len)
{
	if (strcmp(t->mime, "audio/ogg") == 0 && !wa_media_opus(bytes, len))
		return "Meta takes OGG audio only with the Opus codec";
	return NULL;
}

const char *
wa_media_sniff(const void *bytes, size_t len, const char *name)
{
	const unsigned char *b = bytes;
	const char *dot = name != NULL ? strrchr(name, '.') : NULL;
	size_t i;

	if (starts(b, len, 0, "RIFF", 4) && starts(b, len, 8, "WEBP", 4))
		return "image/webp";
	for (i = 0; i < N_MAGICS; i++) {
		if (starts(b, len, magics[i].at, magics[i].magic, magics[i].n))
			return magics[i].mime;
	}
	/* MPEG audio frames and ADTS have no magic, only sync bits. */
	if (len >= 2 && b[0] == 0xff && (b[1] & 0xf6) == 0xf2)
		return "audio/mpeg";
	if (len >= 2 && b[0] == 0xff && (b[1] & 0xf6) == 0xf0)
		return "audio/aac";
	/* Office files are ZIP or OLE containers, text has no magic: the
	 * name says which. */
	for (i = 0; dot != NULL && i < N_EXTS; i++) {
		if (strcasecmp(dot + 1, exts[i].ext) == 0)
			return exts[i].mime;
	}
	return NULL;
}

const char *
wa_media_ext(const char *mime)
{
	const struct wa_media_type *t = wa_media_type_of(mime, NULL, 0);
	size_t i;

	for (i = 0; t != NULL && i < N_EXTS; i++) {
		if (strcmp(exts[i].mime, t->mime) == 0)
			return exts[i].ext;
	}
	return "bin";
}
