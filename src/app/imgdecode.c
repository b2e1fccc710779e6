/* Image bytes -> RGBA pixels with libpng and libjpeg (see imgdecode.h). */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>
#ifdef TTYDESK_HAVE_WEBP
#include <webp/decode.h>
#endif

#include "imgdecode.h"

static int
dims_ok(unsigned long w, unsigned long h, char *err, size_t errlen)
{
	if (w == 0 || h == 0) {
		snprintf(err, errlen, "the image has no pixels");
		return 0;
	}
	if (w > IMGDECODE_MAX_SIDE || h > IMGDECODE_MAX_SIDE ||
	    w * h > IMGDECODE_MAX_PIXELS) {
		snprintf(err, errlen, "the image is too large (%lux%lu)", w, h);
		return 0;
	}
	return 1;
}

static int
decode_png(const unsigned char *bytes, size_t len,
    struct imgdecode_pixels *out, char *err, size_t errlen)
{
	png_image img;

	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	/* The simplified API catches libpng's errors itself (no longjmp
	 * through this code) and keeps warnings in img.message. */
	if (png_image_begin_read_from_memory(&img, bytes, len) == 0) {
		snprintf(err, errlen, "broken PNG: %s", img.message);
		return -1;
	}
	if (!dims_ok(img.width, img.height, err, errlen)) {
		png_image_free(&img);
		return -1;
	}
	img.format = PNG_FORMAT_RGBA;
	if ((out->rgba = malloc(PNG_IMAGE_SIZE(img))) == NULL) {
		png_image_free(&img);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (png_image_finish_read(&img, NULL, out->rgba, 0, NULL) == 0) {
		snprintf(err, errlen, "broken PNG: %s", img.message);
		png_image_free(&img);
		free(out->rgba);
		out->rgba = NULL;
		return -1;
	}
	out->width = (int)img.width;
	out->height = (int)img.height;
	return 0;
}

struct jerr {
	struct jpeg_error_mgr mgr;
	jmp_buf jb;
};

static void
jpeg_fail(j_common_ptr cinfo)
{
	longjmp(((struct jerr *)(void *)cinfo->err)->jb, 1);
}

static void
jpeg_quiet(j_common_ptr cinfo)
{
	(void)cinfo; /* no warnings on the terminal */
}

/* Everything jpeg_fail() may jump over lives here, not in locals. */
struct jdec {
	struct jpeg_decompress_struct cinfo;
	struct jerr jerr;
	unsigned char *rgba;
	int rc;
};

/* The decoding proper; libjpeg's errors jump back to decode_jpeg(),
 * so this frame keeps nothing that outlives a jump but what is in d.
 * 0, or -1 with err. */
static int
jpeg_run(struct jdec *d, const unsigned char *bytes, size_t len,
    struct imgdecode_pixels *out, char *err, size_t errlen)
{
	unsigned long w, h, big;
	unsigned denom = 1;
	JSAMPROW row;

	jpeg_create_decompress(&d->cinfo);
	/* A progressive file keeps its whole image in coefficients: past
	 * this, libjpeg fails (no backing store) instead of growing. */
	d->cinfo.mem->max_memory_to_use = 96L << 20;
	jpeg_mem_src(&d->cinfo, bytes, (unsigned long)len);
	if (jpeg_read_header(&d->cinfo, TRUE) != JPEG_HEADER_OK) {
		snprintf(err, errlen, "broken JPEG: no image");
		return -1;
	}
	if (!dims_ok(d->cinfo.image_width, d->cinfo.image_height, err, errlen))
		return -1;
	big = d->cinfo.image_width > d->cinfo.image_height ?
	    d->cinfo.image_width : d->cinfo.image_height;
	while (denom < 8 && big / (denom * 2) >= IMGDECODE_JPEG_TARGET)
		denom *= 2;
	d->cinfo.scale_num = 1;
	d->cinfo.scale_denom = denom;
	d->cinfo.out_color_space = JCS_EXT_RGBA;
	jpeg_start_decompress(&d->cinfo);
	w = d->cinfo.output_width;
	h = d->cinfo.output_height;
	if (d->cinfo.output_components != 4 || !dims_ok(w, h, err, errlen))
		return -1;
	if ((d->rgba = malloc(w * h * 4)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while (d->cinfo.output_scanline < h) {
		row = d->rgba + (size_t)d->cinfo.output_scanline * w * 4;
		if (jpeg_read_scanlines(&d->cinfo, &row, 1) != 1) {
			snprintf(err, errlen, "broken JPEG: cut short");
			return -1;
		}
	}
	jpeg_finish_decompress(&d->cinfo);
	out->width = (int)w;
	out->height = (int)h;
	return 0;
}

static int
decode_jpeg(const unsigned char *bytes, size_t len,
    struct imgdecode_pixels *out, char *err, size_t errlen)
{
	struct jdec *d = calloc(1, sizeof *d);
	char msg[JMSG_LENGTH_MAX];
	int rc;

	if (d == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	d->cinfo.err = jpeg_std_error(&d->jerr.mgr);
	d->jerr.mgr.error_exit = jpeg_fail;
	d->jerr.mgr.output_message = jpeg_quiet;
	d->rc = -1;
	if (setjmp(d->jerr.jb) == 0) {
		d->rc = jpeg_run(d, bytes, len, out, err, errlen);
	} else {
		d->jerr.mgr.format_message((j_common_ptr)&d->cinfo, msg);
		snprintf(err, errlen, "broken JPEG: %s", msg);
	}
	jpeg_destroy_decompress(&d->cinfo);
	rc = d->rc;
	if (rc == 0) {
		out->rgba = d->rgba;
	} else {
		free(d->rgba);
		out->width = out->height = 0;
	}
	free(d);
	return rc;
}

#ifdef TTYDESK_HAVE_WEBP
/* A sticker: still WebP only (an animated one stays a text line). */
static int
decode_webp(const unsigned char *bytes, size_t len,
    struct imgdecode_pixels *out, char *err, size_t errlen)
{
	WebPBitstreamFeatures f;
	uint8_t *px;
	int w = 0, h = 0;

	if (WebPGetFeatures(bytes, len, &f) != VP8_STATUS_OK) {
		snprintf(err, errlen, "broken WebP");
		return -1;
	}
	if (f.has_animation) {
		snprintf(err, errlen, "an animated WebP");
		return -1;
	}
	if (!dims_ok((unsigned long)f.width, (unsigned long)f.height, err,
	    errlen))
		return -1;
	if ((px = WebPDecodeRGBA(bytes, len, &w, &h)) == NULL) {
		snprintf(err, errlen, "broken WebP");
		return -1;
	}
	/* One owner, freed with free() like the others. */
	if ((out->rgba = malloc((size_t)w * (size_t)h * 4)) == NULL) {
		WebPFree(px);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(out->rgba, px, (size_t)w * (size_t)h * 4);
	WebPFree(px);
	out->width = w;
	out->height = h;
	return 0;
}
#endif

int
imgdecode_takes(const char *mime)
{
	if (mime == NULL)
		return 0;
#ifdef TTYDESK_HAVE_WEBP
	if (strncmp(mime, "image/webp", 10) == 0)
		return 1;
#endif
	return strncmp(mime, "image/png", 9) == 0 ||
	    strncmp(mime, "image/jpeg", 10) == 0;
}

int
imgdecode_bytes(const unsigned char *bytes, size_t len,
    struct imgdecode_pixels *out, char *err, size_t errlen)
{
	static const unsigned char png_sig[] = { 0x89, 'P', 'N', 'G', '\r',
	    '\n', 0x1a, '\n' };

	memset(out, 0, sizeof *out);
	if (len > IMGDECODE_MAX_BYTES) {
		snprintf(err, errlen, "the image file is too large (%zu bytes)",
		    len);
		return -1;
	}
	if (len >= sizeof png_sig && memcmp(bytes, png_sig,
	    sizeof png_sig) == 0)
		return decode_png(bytes, len, out, err, errlen);
	if (len >= 3 && bytes[0] == 0xff && bytes[1] == 0xd8 &&
	    bytes[2] == 0xff)
		return decode_jpeg(bytes, len, out, err, errlen);
#ifdef TTYDESK_HAVE_WEBP
	if (len >= 12 && memcmp(bytes, "RIFF", 4) == 0 &&
	    memcmp(bytes + 8, "WEBP", 4) == 0)
		return decode_webp(bytes, len, out, err, errlen);
#endif
	snprintf(err, errlen, "not a PNG, JPEG or WebP image");
	return -1;
}

void
imgdecode_free(struct imgdecode_pixels *px)
{
	free(px->rgba);
	memset(px, 0, sizeof *px);
}
