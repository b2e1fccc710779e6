/*
 * Terminal-safe text: every customer string reaches the screen through
 * sanitize_text(), so its output is what an attacker can put on an
 * agent's terminal.  Invariants on any input:
 *   - no C0 control (but '\n' and '\t' without SANITIZE_SINGLE_LINE), no
 *     DEL, no C1 control, no ESC, no bidi override/isolate/mark, no tag
 *     character outside a flag tag sequence (U+1F3F4, three to six tags
 *     a..z, digits from the third, U+E007F);
 *   - valid UTF-8 out, and sanitizing again changes nothing;
 *   - sanitize_buf() in place is as clean, and gives the same bytes when
 *     nothing was replaced (it replaces with '?', not U+FFFD);
 *   - text_fit() never splits a character and never exceeds its columns.
 * The first byte picks the flags; the rest is the text.
 */
#include "fuzz.h"
#include "ttydesk/sanitize.h"

static bool
fuzz_bad_cp(uint32_t cp, unsigned flags)
{
	if (cp < 0x20)
		return (cp != '\n' && cp != '\t') || (flags & SANITIZE_SINGLE_LINE);
	if (cp >= 0x7f && cp <= 0x9f)
		return true;
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
	    cp <= 0x2069) || cp == 0x200e || cp == 0x200f;
}

/* Strict UTF-8 check, independent of utf8_decode(). */
static size_t
fuzz_utf8_len(const unsigned char *s, size_t left, uint32_t *cp)
{
	size_t n, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, *cp = s[0] & 0x1fu;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, *cp = s[0] & 0x0fu;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, *cp = s[0] & 0x07u;
	else
		return 0;
	if (left < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3fu);
	}
	if ((n == 3 && *cp < 0x800) || (n == 4 && (*cp < 0x10000 ||
	    *cp > 0x10ffff)) || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

/* Tag characters: *k tags into an open flag tag sequence, -1 outside. */
static bool
fuzz_bad_tag(uint32_t cp, uint32_t prev, int *k)
{
	if (cp < 0xe0000 || cp > 0xe007f)
		return *k >= 0;
	if (*k < 0 && prev != 0x1f3f4)
		return true;
	if (*k < 0)
		*k = 0;
	if (cp == 0xe007f) {
		if (*k < 3)
			return true;
		*k = -1;
		return false;
	}
	if (*k >= 6 || (!(cp >= 0xe0061 && cp <= 0xe007a) &&
	    !(*k >= 2 && cp >= 0xe0030 && cp <= 0xe0039)))
		return true;
	(*k)++;
	return false;
}

static void
fuzz_check_clean(const char *out, size_t len, unsigned flags)
{
	const unsigned char *s = (const unsigned char *)out;
	size_t off = 0, n;
	uint32_t cp, prev = 0;
	int tags = -1;

	FUZZ_ASSERT(strlen(out) == len);
	while (off < len) {
		n = fuzz_utf8_len(s + off, len - off, &cp);
		if (n == 0) {
			fprintf(stderr, "invalid UTF-8 at byte %zu of output\n", off);
			abort();
		}
		if (fuzz_bad_cp(cp, flags)) {
			fprintf(stderr, "U+%04X at byte %zu of output\n",
			    (unsigned)cp, off);
			abort();
		}
		if (fuzz_bad_tag(cp, prev, &tags)) {
			fprintf(stderr, "tag U+%04X misplaced at byte %zu of "
			    "output\n", (unsigned)cp, off);
			abort();
		}
		prev = cp;
		off += n;
	}
	if (tags >= 0) {
		fprintf(stderr, "unterminated tag sequence in output\n");
		abort();
	}
}

static void
fuzz_check_fit(const char *s, size_t len, size_t cols)
{
	size_t used = (size_t)-1, fit, w;

	fit = text_fit(s, len, cols, &used);
	FUZZ_ASSERT(fit <= len);
	FUZZ_ASSERT(used <= cols);
	/* A prefix ending mid-character would leave a continuation byte. */
	FUZZ_ASSERT(fit == len || ((unsigned char)s[fit] & 0xc0) != 0x80);
	w = text_width(s, fit);
	FUZZ_ASSERT(w == used);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags;
	const char *in;
	char *out, *again, *buf;
	size_t len, blen;

	if (size == 0)
		return 0;
	flags = data[0] & SANITIZE_SINGLE_LINE;
	in = (const char *)data + 1;
	len = size - 1;
	if ((out = sanitize_text(in, len, flags)) == NULL)
		return 0;
	fuzz_check_clean(out, strlen(out), flags);
	again = sanitize_text(out, strlen(out), flags);
	if (again != NULL && strcmp(out, again) != 0) {
		fprintf(stderr, "sanitize is not idempotent:\n%s\n%s\n", out,
		    again);
		abort();
	}
	free(again);
	if ((buf = malloc(len + 1)) != NULL) {
		memcpy(buf, in, len);
		buf[len] = '\0';
		blen = sanitize_buf(buf, len, flags);
		FUZZ_ASSERT(blen <= len);
		FUZZ_ASSERT(memchr(buf, '\0', blen) == NULL);
		buf[blen] = '\0';
		fuzz_check_clean(buf, blen, flags);
		if (strstr(out, "\xef\xbf\xbd") == NULL &&
		    (blen != strlen(out) || memcmp(buf, out, blen) != 0)) {
			fprintf(stderr, "sanitize_buf differs from sanitize_text\n");
			abort();
		}
		free(buf);
	}
	fuzz_check_fit(out, strlen(out), data[0] >> 1);
	fuzz_check_fit(out, strlen(out), 0);
	fuzz_sink += text_width(out, strlen(out));
	free(out);
	return 0;
}
