/* Terminal-safe text: escape sequences, controls, bidi, invalid UTF-8,
 * combining floods; widths and fitting. */
#include "check.h"
#include "ttydesk/sanitize.h"

struct san_case {
	const char *name;
	const char *in;
	size_t len; /* 0: strlen(in) */
	const char *out;
};

#define FFFD "\xef\xbf\xbd"

static const struct san_case attacks[] = {
	{ "plain", "hello, world", 0, "hello, world" },
	{ "newline and tab kept", "a\nb\tc", 0, "a\nb\tc" },
	{ "CSI colour", "\x1b[31mred\x1b[0m text", 0, "red text" },
	{ "CSI with intermediates", "a\x1b[1 qb", 0, "ab" },
	{ "cursor moves", "x\x1b[2J\x1b[H\x1b[10;20Hy\x1b[5A", 0, "xy" },
	{ "private mode", "a\x1b[?1049hb\x1b[?25l", 0, "ab" },
	{ "OSC 0 title BEL", "a\x1b]0;pwned\x07" "b", 0, "ab" },
	{ "OSC 0 title ST", "a\x1b]0;pwned\x1b\\b", 0, "ab" },
	{ "OSC 52 clipboard", "hi\x1b]52;c;cm0gLXJmIH4=\x07there", 0,
	  "hithere" },
	{ "OSC 8 hyperlink", "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\", 0,
	  "click" },
	{ "OSC unterminated", "a\x1b]0;never ends", 0, "a" },
	{ "DCS", "a\x1bP1$r0m\x1b\\b", 0, "ab" },
	{ "DCS BEL does not end DCS but CAN does", "a\x1bPq#0\x18z", 0, "az" },
	{ "SOS PM APC", "1\x1bXsos\x1b\\2\x1b^pm\x1b\\3\x1b_apc\x1b\\4", 0,
	  "1234" },
	{ "ESC in string starts anew", "a\x1b]0;x\x1b[31mb", 0, "ab" },
	{ "two-byte escapes", "a\x1b" "7b\x1b" "8c\x1b" "cd\x1b(Be", 0, "abcde" },
	{ "lone ESC at end", "abc\x1b", 0, "abc" },
	{ "ESC then control", "a\x1b\nb", 0, "a\nb" },
	{ "ESC then UTF-8", "a\x1b\xc3\xa9", 0, "a\xc3\xa9" },
	{ "broken CSI ends at control", "a\x1b[12\x07" "b", 0, "ab" },
	{ "8-bit CSI as UTF-8", "a\xc2\x9b" "31mb", 0, "ab" },
	{ "8-bit OSC as UTF-8", "a\xc2\x9d" "0;t\xc2\x9c" "b", 0, "ab" },
	{ "8-bit DCS as UTF-8", "a\xc2\x90q\xc2\x9c" "b", 0, "ab" },
	{ "other C1 as UTF-8", "a\xc2\x85" "b\xc2\x9c" "c", 0, "abc" },
	{ "raw 0x9b byte", "a\x9b" "31mb", 0, "a" FFFD "31mb" },
	{ "raw 0x9d byte", "a\x9d" "0;x\x07" "b", 0, "a" FFFD "0;xb" },
	{ "C0 controls", "a\x01\x02\x07\x08\x0b\x0c\r\x0e\x1f" "b", 0, "ab" },
	{ "NUL inside", "a\0b", 3, "ab" },
	{ "DEL", "a\x7f" "b", 0, "ab" },
	{ "bidi override", "abc\xe2\x80\xae" "fdp.exe", 0, "abcfdp.exe" },
	{ "bidi embeddings", "\xe2\x80\xaa" "a\xe2\x80\xab" "b\xe2\x80\xac"
	  "c\xe2\x80\xad", 0, "abc" },
	{ "bidi isolates", "\xe2\x81\xa6" "a\xe2\x81\xa7" "b\xe2\x81\xa8"
	  "c\xe2\x81\xa9", 0, "abc" },
	{ "bidi marks", "a\xe2\x80\x8e" "b\xe2\x80\x8f" "c\xd8\x9c" "d", 0,
	  "abcd" },
	{ "zero-width flood", "a\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b\xe2\x80\x8b"
	  "b", 0, "a\xe2\x80\x8b" "b" },
	{ "ZWJ flood", "a\xe2\x80\x8d\xe2\x80\x8d\xe2\x80\x8d" "b", 0,
	  "a\xe2\x80\x8d" "b" },
	{ "combining capped at 4", "e\xcc\x81\xcc\x82\xcc\x83\xcc\x84\xcc\x85"
	  "\xcc\x86" "f", 0, "e\xcc\x81\xcc\x82\xcc\x83\xcc\x84" "f" },
	{ "combining on CJK", "\xe4\xb8\x80\xcc\x81", 0, "\xe4\xb8\x80\xcc\x81" },
	{ "variation selector once", "\xe2\x9d\xa4\xef\xb8\x8f\xef\xb8\x8f", 0,
	  "\xe2\x9d\xa4\xef\xb8\x8f" },
	{ "ZWJ family intact",
	  "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91"
	  "\xa7\xe2\x80\x8d\xf0\x9f\x91\xa6", 0,
	  "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91"
	  "\xa7\xe2\x80\x8d\xf0\x9f\x91\xa6" },
	{ "England flag tags intact",
	  "\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa7\xf3\xa0\x81\xa2\xf3\xa0\x81\xa5"
	  "\xf3\xa0\x81\xae\xf3\xa0\x81\xa7\xf3\xa0\x81\xbf", 0,
	  "\xf0\x9f\x8f\xb4\xf3\xa0\x81\xa7\xf3\xa0\x81\xa2\xf3\xa0\x81\xa5"
	  "\xf3\xa0\x81\xae\xf3\xa0\x81\xa7\xf3\xa0\x81\xbf" },
	{ "line separator", "a\xe2\x80\xa8" "b", 0, "a\nb" },
	{ "literal U+FFFD kept", "a" FFFD "b", 0, "a" FFFD "b" },
	/* Invalid UTF-8, one U+FFFD per maximal subpart. */
	{ "lone continuation", "a\x80" "b", 0, "a" FFFD "b" },
	{ "overlong 2-byte C0", "\xc0\xaf", 0, FFFD FFFD },
	{ "overlong 2-byte C1", "\xc1\xbf", 0, FFFD FFFD },
	{ "overlong 3-byte", "\xe0\x80\xaf", 0, FFFD FFFD FFFD },
	{ "overlong 4-byte", "\xf0\x80\x80\xaf", 0, FFFD FFFD FFFD FFFD },
	{ "surrogate", "\xed\xa0\x80", 0, FFFD FFFD FFFD },
	{ "surrogate pair", "\xed\xa0\xbd\xed\xb2\xa9", 0,
	  FFFD FFFD FFFD FFFD FFFD FFFD },
	{ "above U+10FFFF", "\xf4\x90\x80\x80", 0, FFFD FFFD FFFD FFFD },
	{ "F5..FF", "\xf5\xf8\xfc\xfe\xff", 0, FFFD FFFD FFFD FFFD FFFD },
	{ "truncated 2-byte", "a\xc3", 0, "a" FFFD },
	{ "truncated 3-byte", "a\xe2\x82" "b", 0, "a" FFFD "b" },
	{ "truncated 4-byte", "a\xf0\x9f\x98" "b", 0, "a" FFFD "b" },
	{ "truncated at end", "\xf0\x9f\x98", 0, FFFD },
	{ "bad second byte", "\xe2(\xa1", 0, FFFD "(" FFFD },
	{ "max code point", "\xf4\x8f\xbf\xbf", 0, "\xf4\x8f\xbf\xbf" },
	{ "CJK kept", "\xe4\xbd\xa0\xe5\xa5\xbd", 0, "\xe4\xbd\xa0\xe5\xa5\xbd" },
};

static void
test_attacks(void)
{
	size_t i, len;
	char *out;

	for (i = 0; i < sizeof attacks / sizeof attacks[0]; i++) {
		len = attacks[i].len != 0 ? attacks[i].len : strlen(attacks[i].in);
		out = sanitize_text(attacks[i].in, len, 0);
		CHECK(out != NULL);
		if (out == NULL || strcmp(out, attacks[i].out) != 0) {
			fprintf(stderr, "case \"%s\": got \"", attacks[i].name);
			for (const char *p = out; p != NULL && *p; p++)
				fprintf(stderr, (unsigned char)*p < 0x20 ||
				    (unsigned char)*p >= 0x7f ? "\\x%02x" : "%c",
				    (unsigned char)*p);
			fprintf(stderr, "\"\n");
			CHECK(0);
		}
		free(out);
	}
}

static void
test_single_line(void)
{
	char *out = sanitize_text("a\nb\tc\r\nd", 8, SANITIZE_SINGLE_LINE);

	CHECK_STR(out, "a b c d");
	free(out);
	out = sanitize_text("x\xe2\x80\xa9y", 5, SANITIZE_SINGLE_LINE);
	CHECK_STR(out, "x y");
	free(out);
	out = sanitize_text(NULL, 0, 0);
	CHECK_STR(out, "");
	free(out);
}

static void
test_in_place(void)
{
	char buf[64];
	size_t n;

	strcpy(buf, "a\x1b[31mred\x1b[0m\xc3\x28\xe2\x80\xae!");
	n = sanitize_buf(buf, strlen(buf), 0);
	CHECK_INT(n, 7);
	CHECK_STR(buf, "ared?(!");
	strcpy(buf, "\xff\xfe\xfd");
	n = sanitize_buf(buf, 3, 0);
	CHECK_INT(n, 3);
	CHECK(memcmp(buf, "???", 3) == 0);
	strcpy(buf, "line\none");
	n = sanitize_buf(buf, strlen(buf), SANITIZE_SINGLE_LINE);
	CHECK_STR(buf, "line one");
	CHECK_INT(n, 8);
}

static void
test_floods(void)
{
	size_t n = 10000, i, len;
	char *in = malloc(1 + n * 2 + 1), *out;

	/* 10,000 combining marks on one base: four survive. */
	in[0] = 'a';
	for (i = 0; i < n; i++)
		memcpy(in + 1 + 2 * i, "\xcc\x81", 2);
	in[1 + 2 * n] = '\0';
	out = sanitize_text(in, 1 + 2 * n, 0);
	CHECK_STR(out, "a\xcc\x81\xcc\x81\xcc\x81\xcc\x81");
	CHECK_INT(text_width(out, strlen(out)), 1);
	free(out);
	free(in);

	/* A 100,000-character line passes unchanged. */
	len = 100000;
	in = malloc(len + 1);
	for (i = 0; i < len; i++)
		in[i] = (char)('a' + i % 26);
	in[len] = '\0';
	out = sanitize_text(in, len, 0);
	CHECK(out != NULL && strcmp(out, in) == 0);
	CHECK_INT(text_width(out, len), len);
	free(out);
	/* ... and with an escape every 1000 bytes, all escapes go. */
	for (i = 500; i + 4 < len; i += 1000)
		memcpy(in + i, "\x1b[1m", 4);
	out = sanitize_text(in, len, 0);
	CHECK(out != NULL && strlen(out) == len - 100 * 4);
	CHECK(strchr(out, 0x1b) == NULL);
	free(out);
	free(in);
}

static void
test_decode(void)
{
	uint32_t cp;

	CHECK_INT(utf8_decode("A", 1, &cp), 1);
	CHECK_INT(cp, 'A');
	CHECK_INT(utf8_decode("\xc3\xa9", 2, &cp), 2);
	CHECK_INT(cp, 0xe9);
	CHECK_INT(utf8_decode("\xe2\x82\xac", 3, &cp), 3);
	CHECK_INT(cp, 0x20ac);
	CHECK_INT(utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	CHECK_INT(cp, 0x1f600);
	CHECK_INT(utf8_decode("\xf0\x9f\x98\x80", 3, &cp), 3);
	CHECK_INT(cp, 0xfffd);
	CHECK_INT(utf8_decode("\xe0\x9f\x80", 3, &cp), 1);
	CHECK_INT(cp, 0xfffd);
	CHECK_INT(utf8_decode("\xed\x9f\xbf", 3, &cp), 3);
	CHECK_INT(cp, 0xd7ff);
	CHECK_INT(utf8_decode("\xc2", 1, &cp), 1);
	CHECK_INT(cp, 0xfffd);
	CHECK_INT(utf8_decode(NULL, 0, &cp), 0);
	CHECK_INT(cp, 0xfffd);
}

static void
test_widths(void)
{
	CHECK_INT(cp_width('a'), 1);
	CHECK_INT(cp_width(' '), 1);
	CHECK_INT(cp_width('\n'), 0);
	CHECK_INT(cp_width(0x9b), 0);
	CHECK_INT(cp_width(0xe9), 1);      /* é */
	CHECK_INT(cp_width(0x301), 0);     /* combining acute */
	CHECK_INT(cp_width(0x200b), 0);
	CHECK_INT(cp_width(0x200d), 0);
	CHECK_INT(cp_width(0xfe0f), 0);
	CHECK_INT(cp_width(0x4e00), 2);    /* CJK */
	CHECK_INT(cp_width(0xac00), 2);    /* Hangul */
	CHECK_INT(cp_width(0xff21), 2);    /* fullwidth A */
	CHECK_INT(cp_width(0x3042), 2);    /* hiragana */
	CHECK_INT(cp_width(0x1f600), 2);   /* 😀 */
	CHECK_INT(cp_width(0x1f44d), 2);   /* 👍 */
	CHECK_INT(cp_width(0x1f9d1), 2);   /* 🧑 */
	CHECK_INT(cp_width(0x1fa70), 2);
	CHECK_INT(cp_width(0x2764), 1);    /* ❤ text presentation */
	CHECK_INT(cp_width(0x1f1fa), 1);   /* lone regional indicator */
	CHECK_INT(cp_width(0x20000), 2);   /* CJK ext B */
	CHECK_INT(cp_width(0x0410), 1);    /* Cyrillic */

	CHECK_INT(text_width("hello", 5), 5);
	CHECK_INT(text_width("\xe4\xbd\xa0\xe5\xa5\xbd", 6), 4);
	CHECK_INT(text_width("e\xcc\x81", 3), 1);
	CHECK_INT(text_width("\xf0\x9f\x98\x80", 4), 2);
	/* 👨‍👩‍👧‍👦: one grapheme, two columns. */
	CHECK_INT(text_width("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2"
	    "\x80\x8d\xf0\x9f\x91\xa7\xe2\x80\x8d\xf0\x9f\x91\xa6", 25), 2);
	/* 👍🏽 (skin tone) */
	CHECK_INT(text_width("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", 8), 2);
	/* 🇺🇸 🇫🇷: two flags; then a lone indicator. */
	CHECK_INT(text_width("\xf0\x9f\x87\xba\xf0\x9f\x87\xb8\xf0\x9f\x87\xab"
	    "\xf0\x9f\x87\xb7", 16), 4);
	CHECK_INT(text_width("\xf0\x9f\x87\xba\xf0\x9f\x87\xb8\xf0\x9f\x87\xab",
	    12), 3);
	/* ❤️ keeps the width of its base. */
	CHECK_INT(text_width("\xe2\x9d\xa4\xef\xb8\x8f", 6), 1);
	CHECK_INT(text_width("a\xe4\xb8\x80" "b", 5), 4);
	CHECK_INT(text_width("", 0), 0);
}

/* At every budget, text_fit ends on a grapheme boundary and never
 * exceeds the budget. */
static void
check_fit_all(const char *s, const size_t *bounds, size_t nb)
{
	size_t len = strlen(s), total = text_width(s, len), cols, n, used, k;

	for (cols = 0; cols <= total + 2; cols++) {
		n = text_fit(s, len, cols, &used);
		CHECK(used <= cols);
		CHECK_INT(text_width(s, n), used);
		for (k = 0; k < nb && bounds[k] != n; k++)
			;
		if (k == nb) {
			fprintf(stderr, "fit(%zu) = %zu is not a boundary\n", cols, n);
			CHECK(0);
		}
		/* Maximal: the next grapheme would not fit. */
		if (n < len)
			CHECK(text_width(s, bounds[k + 1]) > cols);
		else
			CHECK_INT(used, total);
	}
}

static void
test_fit(void)
{
	/* a 一 e+acute 👨‍👩‍👧 🇺🇸 b */
	static const char s[] = "a\xe4\xb8\x80" "e\xcc\x81"
	    "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91"
	    "\xa7" "\xf0\x9f\x87\xba\xf0\x9f\x87\xb8" "b";
	static const size_t bounds[] = { 0, 1, 4, 7, 25, 33, 34 };
	size_t used;

	CHECK_INT(text_width(s, strlen(s)), 1 + 2 + 1 + 2 + 2 + 1);
	check_fit_all(s, bounds, sizeof bounds / sizeof bounds[0]);
	/* Width 1 cannot take a CJK char: stops before it. */
	CHECK_INT(text_fit("\xe4\xb8\x80\xe4\xb8\x80", 6, 1, &used), 0);
	CHECK_INT(used, 0);
	CHECK_INT(text_fit("\xe4\xb8\x80\xe4\xb8\x80", 6, 3, &used), 3);
	CHECK_INT(used, 2);
	CHECK_INT(text_fit("abc", 3, 2, NULL), 2);
	/* Invalid bytes count as one column each, never split further. */
	CHECK_INT(text_fit("\xe2\x82x", 3, 1, &used), 2);
	CHECK_INT(used, 1);
}

int
main(void)
{
	RUN(test_attacks);
	RUN(test_single_line);
	RUN(test_in_place);
	RUN(test_floods);
	RUN(test_decode);
	RUN(test_widths);
	RUN(test_fit);
	return check_done();
}
