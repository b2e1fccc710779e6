/* Sending a file: the MIME type comes from the content (the name only
 * when the bytes say nothing), Meta's limits are checked with a clear
 * error before anything is sent, and the relay uses the same table. */
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "attach.h"
#include "ttydesk/wa_media.h"

static char dir[] = "/tmp/ttydesk-attach-XXXXXX";

static const char *
put(const char *name, const void *bytes, size_t len)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f != NULL) {
		if (len > 0)
			fwrite(bytes, 1, len, f);
		fclose(f);
	}
	return path;
}

static void
test_sniff(void)
{
	static const unsigned char png[] = "\x89PNG\r\n\x1a\n....";
	static const unsigned char jpg[] = "\xff\xd8\xff\xe0..JFIF";

	/* Content wins over a misleading name. */
	CHECK_STR(wa_media_sniff(png, sizeof png, "photo.jpg"), "image/png");
	CHECK_STR(wa_media_sniff(jpg, sizeof jpg, "x.pdf"), "image/jpeg");
	CHECK_STR(wa_media_sniff("%PDF-1.7", 8, "invoice"), "application/pdf");
	CHECK_STR(wa_media_sniff("OggS\x00\x02", 6, "note.bin"), "audio/ogg");
	CHECK_STR(wa_media_sniff("\0\0\0\x18" "ftypmp42", 12, NULL),
	    "video/mp4");
	CHECK_STR(wa_media_sniff("RIFF\0\0\0\0WEBPVP8 ", 16, NULL),
	    "image/webp");
	/* No magic: the extension. */
	CHECK_STR(wa_media_sniff("hello", 5, "notes.TXT"), "text/plain");
	CHECK_STR(wa_media_sniff("PK\x03\x04", 4, "a.docx"),
	    "application/vnd.openxmlformats-officedocument."
	    "wordprocessingml.document");
	CHECK(wa_media_sniff("MZ\x90\x00", 4, "setup.exe") == NULL);
	CHECK_STR(wa_media_ext("audio/ogg; codecs=opus"), "ogg");
	CHECK_STR(wa_media_ext("image/jpeg"), "jpg");
	CHECK_STR(wa_media_ext("application/x-evil"), "bin");
}

static void
test_load(void)
{
	struct attach_file f;
	unsigned char *big;
	char why[512];
	const char *p;
	size_t n = (5u << 20) + 1;

	p = put("lamp.png", "\x89PNG\r\n\x1a\nrest", 12);
	CHECK_INT(attach_load(p, &f, why, sizeof why), 0);
	CHECK_STR(f.mime, "image/png");
	CHECK_STR(f.kind, "image");
	CHECK_STR(f.name, "lamp.png");
	CHECK_INT(f.len, 12);
	attach_file_free(&f);

	p = put("setup.exe", "MZ\x90\x00", 4);
	CHECK_INT(attach_load(p, &f, why, sizeof why), -1);
	CHECK_STR(why, "setup.exe: Meta does not take this kind of file "
	    "(unknown type)");
	CHECK(f.bytes == NULL && f.name == NULL);

	p = put("empty.pdf", "", 0);
	CHECK_INT(attach_load(p, &f, why, sizeof why), -1);
	CHECK(strstr(why, "0 bytes") != NULL);

	/* A JPEG one byte over Meta's 5 MB for images. */
	big = calloc(1, n);
	CHECK(big != NULL);
	if (big != NULL) {
		memcpy(big, "\xff\xd8\xff\xe0", 4);
		p = put("huge.jpg", big, n);
		CHECK_INT(attach_load(p, &f, why, sizeof why), -1);
		CHECK_STR(why, "huge.jpg is 5.0 MB, over Meta's limit of 5.0 MB "
		    "for image (image/jpeg)");
		unlink(p);
		free(big);
	}
	/* A static sticker over 100 KB. */
	big = calloc(1, 200 << 10);
	if (big != NULL) {
		memcpy(big, "RIFF\0\0\0\0WEBPVP8 ", 16);
		p = put("s.webp", big, 200 << 10);
		CHECK_INT(attach_load(p, &f, why, sizeof why), -1);
		CHECK(strstr(why, "limit of 0.1 MB for sticker") != NULL);
		unlink(p);
		free(big);
	}
	CHECK_INT(attach_load(dir, &f, why, sizeof why), -1);
	CHECK(strstr(why, "not a regular file") != NULL);
	CHECK_INT(attach_load("/nonexistent/x.png", &f, why, sizeof why), -1);
	CHECK(strstr(why, "No such file") != NULL);
}

/* OGG pages: Opus (a voice note) is taken, Vorbis refused in words. */
static void
test_ogg_voice(void)
{
	unsigned char opus[64], vorbis[64];
	const struct wa_media_type *t = wa_media_type_of("audio/ogg", NULL, 0);
	struct attach_file f;
	char why[256];
	const char *p;

	memset(opus, 0, sizeof opus);
	memcpy(opus, "OggS", 4);
	memcpy(opus + 28, "OpusHead", 8);
	memcpy(vorbis, opus, sizeof vorbis);
	memcpy(vorbis + 28, "\x01vorbis\0", 8);
	CHECK(t != NULL);
	CHECK(wa_media_refusal(t, opus, sizeof opus) == NULL);
	CHECK(wa_media_is_voice(t, opus, sizeof opus));
	CHECK_STR(wa_media_refusal(t, vorbis, sizeof vorbis),
	    "Meta takes OGG audio only with the Opus codec");
	CHECK(!wa_media_is_voice(t, vorbis, sizeof vorbis));
	CHECK(!wa_media_is_voice(wa_media_type_of("audio/mpeg", NULL, 0), opus,
	    sizeof opus));
	p = put("note.ogg", opus, sizeof opus);
	CHECK_INT(attach_load(p, &f, why, sizeof why), 0);
	CHECK_STR(f.kind, "audio");
	CHECK_STR(f.mime, "audio/ogg");
	attach_file_free(&f);
	unlink(p);
	p = put("song.ogg", vorbis, sizeof vorbis);
	CHECK_INT(attach_load(p, &f, why, sizeof why), -1);
	CHECK_STR(why, "song.ogg: Meta takes OGG audio only with the Opus codec");
	unlink(p);
}

int
main(void)
{
	CHECK(mkdtemp(dir) != NULL);
	RUN(test_sniff);
	RUN(test_load);
	RUN(test_ogg_voice);
	unlink(put("lamp.png", "", 0));
	unlink(put("setup.exe", "", 0));
	unlink(put("empty.pdf", "", 0));
	rmdir(dir);
	return check_done();
}
