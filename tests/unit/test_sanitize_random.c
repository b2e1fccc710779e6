/*
 * Sanitizer properties on random input built from hostile fragments and
 * raw bytes: the output is valid UTF-8 without controls, escapes, bidi
 * overrides or tag characters outside a flag tag sequence, sanitizing it
 * again changes nothing, the in-place variant never grows, and text_fit
 * never splits a code point or a grapheme.
 */
#include "check.h"
#include "ttydesk/sanitize.h"

static uint64_t rng_state = 12345;

static unsigned
rnd(unsigned n)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng_state >> 33) % n);
}

static const char *const frags[] = {
	"a", "Z", " ", "hello", "\n", "\t", "\r", "\x1b", "[", "]", "P", "^",
	"_", "X", "0;", "31m", "\x07", "\x1b\\", "\xc2\x9b", "\xc2\x9c",
	"\xc2\x9d", "\xc2\x90", "\xc2\x85", "\x9b", "\x9c", "\x80", "\xff",
	"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
	"\xe2\x82", "\xf0\x9f\x98", "\xcc\x81", "\xe2\x80\x8d", "\xe2\x80\x8b",
	"\xef\xb8\x8f", "\xe2\x80\xae", "\xe2\x81\xa6", "\xe2\x80\x8f",
	"\xd8\x9c", "\xf0\x9f\x91\xa8", "\xf0\x9f\x91\xa9", "\xf0\x9f\x87\xba",
	"\xf0\x9f\x87\xb8", "\xf0\x9f\x8f\xbd", "\xe4\xb8\x80", "\xef\xbf\xbd",
	"\xf3\xa0\x81\xa7", "\xe2\x80\xa8", "\x18", "\x7f", "\0",
	/* Flag tag sequences: whole, in halves, and loose tags. */
	"\xf0\x9f\x8f\xb4", "\xf3\xa0\x81\xbf", "\xf3\xa0\x80\xb1",
	"\xf3\xa0\x80\xa0", "\xf3\xa0\x80\x81",
	"\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa7\xf3\xa0\x81\xa2",
	"\xf3\xa0\x81\xa5\xf3\xa0\x81\xae\xf3\xa0\x81\xa7"
	"\xf3\xa0\x81\xbf",
	"\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa7\xf3\xa0\x81\xa2\xf3\xa0\x81"
	"\xb3\xf3\xa0\x81\xa3\xf3\xa0\x81\xb4\xf3\xa0\x81\xbf",
};

static size_t
make_input(char *buf, size_t cap)
{
	size_t n = 0, k, len, count = rnd(120);
	const char *f;

	for (k = 0; k < count; k++) {
		if (rnd(8) == 0) {
			if (n + 1 > cap)
				break;
			buf[n++] = (char)rnd(256);
			continue;
		}
		f = frags[rnd(sizeof frags / sizeof frags[0])];
		len = *f == '\0' ? 1 : strlen(f);
		if (n + len > cap)
			break;
		memcpy(buf + n, f, len);
		n += len;
	}
	return n;
}

/* Tag characters only in a flag tag sequence (sanitize.h): U+1F3F4,
 * 3..6 tags (a..z, digits from the third), U+E007F.  *k is the number of
 * tags of the open sequence, -1 outside one. */
static const char *
check_tag(uint32_t cp, uint32_t prev, int *k)
{
	if (cp < 0xe0000 || cp > 0xe007f)
		return *k >= 0 ? "unterminated tag sequence" : NULL;
	if (*k < 0 && prev != 0x1f3f4)
		return "stray tag";
	if (*k < 0)
		*k = 0;
	if (cp == 0xe007f) {
		if (*k < 3)
			return "short tag sequence";
		*k = -1;
		return NULL;
	}
	if (*k >= 6)
		return "overlong tag sequence";
	if (!(cp >= 0xe0061 && cp <= 0xe007a) &&
	    !(*k >= 2 && cp >= 0xe0030 && cp <= 0xe0039))
		return "tag outside a..z/0..9";
	(*k)++;
	return NULL;
}

/* Returns a reason, or NULL when s is clean. */
static const char *
check_clean(const char *s, size_t len, bool allow_q)
{
	size_t i = 0, n;
	uint32_t cp, prev = 0;
	const char *why;
	int tags = -1;

	while (i < len) {
		unsigned char b = (unsigned char)s[i];

		if (b == 0x1b)
			return "ESC";
		if ((b < 0x20 && b != '\n' && b != '\t') || b == 0x7f)
			return "C0/DEL";
		n = utf8_decode(s + i, len - i, &cp);
		if (cp == 0xfffd && !(n == 3 && memcmp(s + i, "\xef\xbf\xbd", 3) == 0))
			return "invalid UTF-8";
		if (cp >= 0x80 && cp < 0xa0)
			return "C1";
		if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
		    cp == 0x200e || cp == 0x200f || cp == 0x61c)
			return "bidi";
		(void)allow_q;
		if ((why = check_tag(cp, prev, &tags)) != NULL)
			return why;
		prev = cp;
		i += n;
	}
	return tags >= 0 ? "unterminated tag sequence" : NULL;
}

static bool
is_zero_width_joiner_like(uint32_t cp)
{
	return cp >= 0x300 && cp_width(cp) == 0;
}

static void
check_fit(const char *s, size_t len)
{
	size_t cols, n, used;
	uint32_t cp, last = 0, base = 0;
	size_t i;

	for (cols = 0; cols < 12; cols++) {
		n = text_fit(s, len, cols, &used);
		if (used > cols || text_width(s, n) != used) {
			CHECK(0);
			return;
		}
		if (n < len) {
			/* Not inside a code point ... */
			if (((unsigned char)s[n] & 0xc0) == 0x80) {
				fprintf(stderr, "fit split a code point\n");
				CHECK(0);
				return;
			}
			/* ... nor before a mark/joiner/selector of the last one. */
			utf8_decode(s + n, len - n, &cp);
			if (n > 0 && is_zero_width_joiner_like(cp)) {
				fprintf(stderr, "fit split a grapheme before U+%04X\n",
				    (unsigned)cp);
				CHECK(0);
				return;
			}
			/* ... nor inside an emoji ZWJ sequence. */
			for (i = 0; i < n;) {
				i += utf8_decode(s + i, n - i, &last);
				if (cp_width(last) > 0 || last < 0x300)
					base = last;
			}
			if (n > 0 && last == 0x200d && cp_width(base) == 2 &&
			    cp_width(cp) == 2) {
				fprintf(stderr, "fit split a ZWJ sequence at %zu:", n);
				for (i = 0; i < len; i++)
					fprintf(stderr, " %02x", (unsigned char)s[i]);
				fprintf(stderr, "\n");
				CHECK(0);
				return;
			}
		}
	}
}

static void
test_random(void)
{
	static char in[4096], copy[4096];
	const char *why;
	char *out, *again;
	size_t len, olen, blen;
	int round, bad = 0;

	for (round = 0; round < 20000 && bad < 5; round++) {
		len = make_input(in, sizeof in);
		out = sanitize_text(in, len, round % 3 == 0 ?
		    SANITIZE_SINGLE_LINE : 0);
		olen = strlen(out);
		if ((why = check_clean(out, olen, false)) != NULL) {
			fprintf(stderr, "round %d: output has %s\n", round, why);
			bad++;
			CHECK(0);
		}
		if (round % 3 == 0 && memchr(out, '\n', olen) != NULL) {
			fprintf(stderr, "round %d: newline in single line\n", round);
			bad++;
			CHECK(0);
		}
		again = sanitize_text(out, olen, 0);
		if (strcmp(again, out) != 0) {
			fprintf(stderr, "round %d: not idempotent\n", round);
			bad++;
			CHECK(0);
		}
		free(again);
		check_fit(out, olen);
		memcpy(copy, in, len);
		blen = sanitize_buf(copy, len, 0);
		if (blen > len || check_clean(copy, blen, true) != NULL) {
			fprintf(stderr, "round %d: sanitize_buf\n", round);
			bad++;
			CHECK(0);
		}
		free(out);
	}
}

int
main(void)
{
	RUN(test_random);
	return check_done();
}
