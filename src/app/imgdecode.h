/*
 * Image bytes a customer sent -> RGBA pixels (pure).  The format is
 * sniffed from the bytes (PNG, JPEG, WebP with libwebp), never taken from a name or a MIME
 * type.  Untrusted: at most IMGDECODE_MAX_BYTES of file, IMGDECODE_MAX_SIDE
 * pixels a side and IMGDECODE_MAX_PIXELS pixels are decoded, checked from
 * the header before any pixel memory is taken; a large JPEG is decoded
 * scaled down (1/2 .. 1/8) to what a terminal can show anyway.  Broken,
 * truncated or hostile files fail with a reason, and the libraries print
 * nothing (the terminal belongs to the screen).
 *
 * Ownership: struct imgdecode_pixels owns rgba (imgdecode_free).
 */
#ifndef TTYDESK_IMGDECODE_H
#define TTYDESK_IMGDECODE_H

#include <stddef.h>

#define IMGDECODE_MAX_BYTES (16u << 20)
#define IMGDECODE_MAX_SIDE 8192
#define IMGDECODE_MAX_PIXELS (24u << 20)
/* A JPEG wider or taller than this is decoded at a fraction of its size. */
#define IMGDECODE_JPEG_TARGET 512

struct imgdecode_pixels {
	int width, height;
	unsigned char *rgba; /* width * height * 4, unassociated alpha */
};

/* Whether this build decodes images of MIME type mime (PNG, JPEG, and
 * still WebP stickers when built with libwebp). */
int imgdecode_takes(const char *mime);
/* 0, or -1 with a reason in err (out is then empty). */
int imgdecode_bytes(const unsigned char *bytes, size_t len,
    struct imgdecode_pixels *out, char *err, size_t errlen);
void imgdecode_free(struct imgdecode_pixels *px);

#endif
