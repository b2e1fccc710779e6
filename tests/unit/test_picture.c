/* Pictures: a small PNG renders to the same cells as the golden; JPEG
 * (baseline, scaled) decodes; truncated, garbage and oversized images
 * fail with a reason and never crash. */
#include <stdbool.h>
#include <stdio.h>

#include <jpeglib.h>

#include "check.h"
#ifdef TTYDESK_HAVE_WEBP
#include <webp/encode.h>
#endif
#include "imgdecode.h"
#include "picture.h"

static char fixdir[2048];

static unsigned char *
fixture(const char *name, size_t *len)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/images/%s", fixdir, name);
	return (unsigned char *)check_read_file(path, len);
}

/* "U+2580/196/21 ..." per row: what the screen will draw. */
static char *
cells_text(const struct picture *p)
{
	size_t cap = (size_t)p->rows * (size_t)p->cols * 24 + 1, used = 0;
	char *s = malloc(cap);
	int x, y;

	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (y = 0; y < p->rows; y++) {
		for (x = 0; x < p->cols; x++) {
			const struct picture_cell *c = &p->cells[y * p->cols + x];
			used += (size_t)snprintf(s + used, cap - used,
			    "%sU+%04X/%d/%d", x ? " " : "", (unsigned)c->ch,
			    c->fg, c->bg);
		}
		used += (size_t)snprintf(s + used, cap - used, "\n");
	}
	return s;
}

static void
test_golden(void)
{
	struct picture p;
	char err[256], path[4096], *got, *want;
	unsigned char *png;
	size_t len;
	FILE *f;

	png = fixture("quadrants.png", &len);
	CHECK(png != NULL);
	if (png == NULL)
		return;
	CHECK_INT(picture_render(png, len, 8, 4, PICTURE_PALETTE_240, &p, err,
	    sizeof err), 0);
	CHECK_INT(p.cols, 8);
	CHECK_INT(p.rows, 4);
	got = cells_text(&p);
	snprintf(path, sizeof path, "%s/images/quadrants.golden", fixdir);
	if (getenv("TTYDESK_UPDATE_GOLDEN") != NULL &&
	    (f = fopen(path, "w")) != NULL) {
		fputs(got, f);
		fclose(f);
	}
	want = check_read_file(path, NULL);
	CHECK_STR(got, want);
	/* The quadrants' colours: red top left, white bottom right (xterm
	 * 196 and 231). */
	CHECK_INT(p.cells[0].fg == 196 || p.cells[0].bg == 196, 1);
	CHECK_INT(p.cells[3 * 8 + 7].fg == 231 || p.cells[3 * 8 + 7].bg == 231, 1);
	CHECK(p.row_refs[2].pic == &p && p.row_refs[2].y == 2);
	free(got);
	free(want);
	picture_free(&p);

	/* Fewer colours; the size never grows past the pixels. */
	CHECK_INT(picture_render(png, len, 200, 100, PICTURE_PALETTE_16, &p,
	    err, sizeof err), 0);
	CHECK(p.cols <= 16 && p.rows <= 16 && p.cols > 0 && p.rows > 0);
	CHECK(p.cells[0].fg < 16 && p.cells[0].bg < 16);
	picture_free(&p);
	free(png);
}

/* A JPEG made here with libjpeg: w x h of a gradient. */
static unsigned char *
make_jpeg(int w, int h, bool progressive, size_t *len)
{
	struct jpeg_compress_struct c;
	struct jpeg_error_mgr e;
	unsigned char *out = NULL, *row = malloc((size_t)w * 3);
	unsigned long n = 0;
	JSAMPROW rp = row;
	int x;

	if (row == NULL)
		return NULL;
	c.err = jpeg_std_error(&e);
	jpeg_create_compress(&c);
	jpeg_mem_dest(&c, &out, &n);
	c.image_width = (JDIMENSION)w;
	c.image_height = (JDIMENSION)h;
	c.input_components = 3;
	c.in_color_space = JCS_RGB;
	jpeg_set_defaults(&c);
	if (progressive)
		jpeg_simple_progression(&c);
	jpeg_start_compress(&c, TRUE);
	while (c.next_scanline < c.image_height) {
		for (x = 0; x < w; x++) {
			row[x * 3] = (unsigned char)(x * 255 / w);
			row[x * 3 + 1] = (unsigned char)(c.next_scanline * 255 /
			    (unsigned)h);
			row[x * 3 + 2] = 128;
		}
		jpeg_write_scanlines(&c, &rp, 1);
	}
	jpeg_finish_compress(&c);
	jpeg_destroy_compress(&c);
	free(row);
	*len = n;
	return out;
}

static void
test_jpeg(void)
{
	struct imgdecode_pixels px;
	struct picture p;
	unsigned char *j;
	char err[256];
	size_t len = 0;

	j = make_jpeg(96, 64, false, &len);
	CHECK(j != NULL && len > 100);
	CHECK_INT(imgdecode_bytes(j, len, &px, err, sizeof err), 0);
	CHECK_INT(px.width, 96);
	CHECK_INT(px.height, 64);
	imgdecode_free(&px);
	CHECK_INT(picture_render(j, len, 20, 10, PICTURE_PALETTE_240, &p, err,
	    sizeof err), 0);
	CHECK(p.cols > 0 && p.cols <= 20 && p.rows > 0 && p.rows <= 10);
	picture_free(&p);
	free(j);

	/* A large one decodes at a fraction of its size. */
	j = make_jpeg(2400, 1200, true, &len);
	CHECK_INT(imgdecode_bytes(j, len, &px, err, sizeof err), 0);
	CHECK_INT(px.width, 600);
	CHECK_INT(px.height, 300);
	imgdecode_free(&px);
	free(j);
}

/* Every cut of a good file, and bytes flipped in it: an error or pixels,
 * never a crash (ASan watches). */
static void
mangle(const unsigned char *good, size_t len, const char *what)
{
	struct imgdecode_pixels px;
	unsigned char *cp = malloc(len);
	char err[256];
	size_t n, step = len > 400 ? len / 200 : 1;
	int fails = 0;

	if (cp == NULL)
		return;
	for (n = 0; n < len; n += step) {
		err[0] = '\0';
		if (imgdecode_bytes(good, n, &px, err, sizeof err) != 0) {
			CHECK(err[0] != '\0');
			CHECK(px.rgba == NULL);
			fails++;
		}
		imgdecode_free(&px);
	}
	/* A cut at the first bytes always fails. */
	CHECK(fails > 0);
	for (n = 8; n < len; n += step) {
		memcpy(cp, good, len);
		cp[n] ^= 0x5a;
		cp[(n * 7) % len] = 0xff;
		if (imgdecode_bytes(cp, len, &px, err, sizeof err) == 0)
			CHECK(px.width > 0 && px.rgba != NULL);
		imgdecode_free(&px);
	}
	free(cp);
	(void)what;
}

static unsigned long
crc32_of(const unsigned char *p, size_t n)
{
	unsigned long c = 0xffffffffUL;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320UL & (0UL - (c & 1)));
	}
	return c ^ 0xffffffffUL;
}

static void
png_chunk(unsigned char *out, size_t *len, const char *type,
    const unsigned char *data, unsigned n)
{
	unsigned long crc;

	out[*len] = (unsigned char)(n >> 24);
	out[*len + 1] = (unsigned char)(n >> 16);
	out[*len + 2] = (unsigned char)(n >> 8);
	out[*len + 3] = (unsigned char)n;
	memcpy(out + *len + 4, type, 4);
	memcpy(out + *len + 8, data, n);
	crc = crc32_of(out + *len + 4, n + 4);
	out[*len + 8 + n] = (unsigned char)(crc >> 24);
	out[*len + 9 + n] = (unsigned char)(crc >> 16);
	out[*len + 10 + n] = (unsigned char)(crc >> 8);
	out[*len + 11 + n] = (unsigned char)crc;
	*len += 12 + n;
}

static void
test_broken(void)
{
	static const unsigned char garbage[] = "GIF89a not really \xff\xd8";
	static const unsigned char jpeg_head[] = { 0xff, 0xd8, 0xff, 0xe0, 0,
	    0x10, 'J', 'F', 'I', 'F', 0 };
	unsigned char bomb[128], ihdr[13] = { 0, 0, 0x4e, 0x20, 0, 0, 0x4e,
	    0x20, 8, 6, 0, 0, 0 };
	struct imgdecode_pixels px;
	struct picture p;
	unsigned char *png, *j;
	char err[256];
	size_t len, blen = 8;

	CHECK_INT(imgdecode_bytes(garbage, sizeof garbage, &px, err,
	    sizeof err), -1);
	CHECK(strstr(err, "not a PNG, JPEG or WebP") != NULL);
	CHECK_INT(imgdecode_bytes(garbage, 0, &px, err, sizeof err), -1);
	CHECK_INT(imgdecode_bytes(jpeg_head, sizeof jpeg_head, &px, err,
	    sizeof err), -1);
	CHECK(strstr(err, "JPEG") != NULL);
	CHECK_INT(picture_render(garbage, sizeof garbage, 10, 5,
	    PICTURE_PALETTE_240, &p, err, sizeof err), -1);
	CHECK(p.cells == NULL);

	/* 20000 x 20000 in the header: refused before any pixel memory. */
	memcpy(bomb, "\x89PNG\r\n\x1a\n", 8);
	png_chunk(bomb, &blen, "IHDR", ihdr, sizeof ihdr);
	png_chunk(bomb, &blen, "IDAT", (const unsigned char *)"\x78\x9c\x03",
	    3);
	png_chunk(bomb, &blen, "IEND", (const unsigned char *)"", 0);
	CHECK_INT(imgdecode_bytes(bomb, blen, &px, err, sizeof err), -1);
	if (strstr(err, "too large") == NULL)
		fprintf(stderr, "bomb: %s\n", err);
	CHECK(strstr(err, "too large") != NULL);

	png = fixture("quadrants.png", &len);
	if (png != NULL)
		mangle(png, len, "png");
	free(png);
	j = make_jpeg(64, 40, false, &len);
	if (j != NULL)
		mangle(j, len, "jpeg");
	free(j);
	j = make_jpeg(64, 40, true, &len);
	if (j != NULL)
		mangle(j, len, "progressive jpeg");
	free(j);
}

/* A still WebP sticker decodes and draws (with libwebp); a broken or
 * bomb-sized one is refused before pixel memory; the MIME types taken. */
static void
test_webp(void)
{
#ifdef TTYDESK_HAVE_WEBP
	unsigned char rgba[32 * 32 * 4], *webp = NULL;
	struct imgdecode_pixels px;
	struct picture p;
	char err[256];
	size_t len, i;

	for (i = 0; i < sizeof rgba; i += 4) {
		rgba[i] = (unsigned char)(i < sizeof rgba / 2 ? 255 : 0);
		rgba[i + 1] = 0;
		rgba[i + 2] = (unsigned char)(i < sizeof rgba / 2 ? 0 : 255);
		rgba[i + 3] = 255;
	}
	len = WebPEncodeLosslessRGBA(rgba, 32, 32, 32 * 4, &webp);
	CHECK(len > 12 && webp != NULL);
	if (webp == NULL)
		return;
	CHECK_INT(imgdecode_bytes(webp, len, &px, err, sizeof err), 0);
	CHECK_INT(px.width, 32);
	CHECK_INT(px.height, 32);
	CHECK_INT(px.rgba[0], 255);
	CHECK_INT(px.rgba[sizeof rgba - 2], 255); /* blue at the bottom */
	imgdecode_free(&px);
	CHECK_INT(picture_render(webp, len, 8, 4, PICTURE_PALETTE_240, &p, err,
	    sizeof err), 0);
	CHECK(p.cols > 0 && p.rows > 0);
	picture_free(&p);
	CHECK_INT(imgdecode_bytes(webp, len / 2, &px, err, sizeof err), -1);
	CHECK(strstr(err, "WebP") != NULL);
	WebPFree(webp);
	CHECK(imgdecode_takes("image/webp"));
#endif
	CHECK(imgdecode_takes("image/png") && imgdecode_takes("image/jpeg"));
	CHECK(!imgdecode_takes("image/gif") && !imgdecode_takes(NULL));
}

int
main(void)
{
	snprintf(fixdir, sizeof fixdir, "%s", check_env_dir(
	    "TTYDESK_FIXTURES_DIR", TTYDESK_SOURCE_DIR "/tests/fixtures"));
	RUN(test_golden);
	RUN(test_jpeg);
	RUN(test_broken);
	RUN(test_webp);
	return check_done();
}
