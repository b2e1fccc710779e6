/*
 * Terminal-safe text (see sanitize.h).
 *
 * One pass over the bytes.  Runs of printable ASCII, the common case, are
 * found eight bytes at a time and copied in one go.  Everything else is
 * decoded and judged per code point: escape sequences are skipped whole
 * (what a terminal would have consumed as a command is not shown either),
 * controls and bidi overrides dropped, invalid UTF-8 replaced, and the
 * zero-width code points after one base capped so a flood of combining
 * marks cannot paint over other rows.  Tag characters are invisible and
 * spell ASCII ("ASCII smuggling"), so they are kept only inside a flag
 * tag sequence right after its black flag (flag_tags()); any other is
 * dropped.
 *
 * The output of each step is never longer than its input when the
 * replacement is one byte, which is what makes sanitize_buf() work in
 * place; sanitize_text() uses the three-byte U+FFFD into a new buffer.
 */
#include <stdlib.h>
#include <string.h>

#include "ttydesk/sanitize.h"
#include "width.h"

/* Per base: at most this many of each kind of zero-width code point. */
#define MAX_MARKS 4   /* combining marks */
#define MAX_VS 1      /* variation selectors */
#define MAX_FORMAT 1  /* ZWSP, ZWNJ, word joiner, BOM ... */
#define MAX_ZERO 16   /* all zero-width together */

/* Flag tag sequences (flag_tags()): U+1F3F4, 3..6 tags, U+E007F. */
#define FLAG_BASE 0x1f3f4u
#define FLAG_CANCEL 0xe007fu
#define FLAG_TAGS_MIN 3
#define FLAG_TAGS_MAX 6

struct san {
	const unsigned char *in;
	size_t len;
	char *out;
	size_t o;
	unsigned flags;
	const char *repl;
	size_t repl_len;
	unsigned marks, vs, format, zero;
	bool after_zwj;
};

static void
san_base(struct san *s)
{
	s->marks = s->vs = s->format = s->zero = 0;
	s->after_zwj = false;
}

static void
san_emit(struct san *s, const void *p, size_t n)
{
	memmove(s->out + s->o, p, n);
	s->o += n;
}

/* Length of the run of printable ASCII (0x20..0x7e) at p. */
static size_t
ascii_run(const unsigned char *p, size_t len)
{
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;
	size_t i = 0;
	uint64_t x;

	for (; i + 8 <= len; i += 8) {
		memcpy(&x, p + i, 8);
		/* High bit in any byte: >= 0x80, or 0x7f (+1), or < 0x20. */
		if (((x | (x + ones) | ((x - 0x20 * ones) & ~x)) & high) != 0)
			break;
	}
	while (i < len && p[i] >= 0x20 && p[i] < 0x7f)
		i++;
	return i;
}

/* Bytes 0x20..last (parameters, intermediates), then a final byte in
 * last + 1..0x7e.  A sequence broken by any other byte ends there; that
 * byte is judged on its own. */
static size_t
skip_params(const struct san *s, size_t i, unsigned char last)
{
	while (i < s->len && s->in[i] >= 0x20 && s->in[i] <= last)
		i++;
	if (i < s->len && s->in[i] > last && s->in[i] <= 0x7e)
		i++;
	return i;
}

/* CSI: parameters and intermediates 0x20..0x3f, final 0x40..0x7e. */
static size_t
skip_csi(const struct san *s, size_t i)
{
	return skip_params(s, i, 0x3f);
}

/* OSC, DCS, SOS, PM, APC: up to BEL, ST (ESC \ or U+009C), or CAN/SUB
 * (which abort), or the end of the text.  Another ESC ends it too: a
 * terminal would start a new sequence there. */
static size_t
skip_string(const struct san *s, size_t i)
{
	for (; i < s->len; i++) {
		unsigned char b = s->in[i];

		if (b == 0x07 || b == 0x18 || b == 0x1a)
			return i + 1;
		if (b == 0x1b)
			return i + 1 < s->len && s->in[i + 1] == '\\' ?
			    i + 2 : i;
		if (b == 0xc2 && i + 1 < s->len && s->in[i + 1] == 0x9c)
			return i + 2;
	}
	return i;
}

/* ESC at i: the whole sequence. */
static size_t
skip_escape(const struct san *s, size_t i)
{
	unsigned char b;

	if (++i >= s->len)
		return i;
	b = s->in[i];
	if (b == '[')
		return skip_csi(s, i + 1);
	if (b == ']' || b == 'P' || b == 'X' || b == '^' || b == '_')
		return skip_string(s, i + 1);
	/* nF and Fp/Fe/Fs: intermediates 0x20..0x2f, final 0x30..0x7e. */
	return skip_params(s, i, 0x2f);
}

/* A C1 control as UTF-8 (C2 80..C2 9F) at i, n = 2 bytes. */
static size_t
skip_c1(const struct san *s, size_t i, uint32_t cp)
{
	switch (cp) {
	case 0x9b:
		return skip_csi(s, i + 2);
	case 0x90: case 0x98: case 0x9d: case 0x9e: case 0x9f:
		return skip_string(s, i + 2);
	default:
		return i + 2;
	}
}

static bool
is_bidi_control(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200e || cp == 0x200f || cp == 0x061c;
}

/* Keep a zero-width code point after the current base? */
static bool
zero_keep(struct san *s, enum width_class wc)
{
	bool keep;

	if (s->zero >= MAX_ZERO)
		return false;
	switch (wc) {
	case WC_MARK:
		keep = s->marks++ < MAX_MARKS;
		break;
	case WC_ZWJ:
		keep = !s->after_zwj;
		break;
	case WC_VS:
		keep = s->vs++ < MAX_VS;
		break;
	default:
		keep = s->format++ < MAX_FORMAT;
		break;
	}
	if (keep) {
		s->zero++;
		s->after_zwj = wc == WC_ZWJ;
	}
	return keep;
}

/* A tag character at p (4 bytes left at least): U+E0000 + low 7 bits,
 * or 0 when p holds something else. */
static uint32_t
tag_at(const unsigned char *p)
{
	if (p[0] != 0xf3 || p[1] != 0xa0 || (p[2] & 0xfe) != 0x80 ||
	    (p[3] & 0xc0) != 0x80)
		return 0;
	return 0xe0000u | (uint32_t)(p[2] & 1) << 6 | (p[3] & 0x3fu);
}

/*
 * The bytes of the tag sequence that completes the black flag just before
 * i (UTS #51 emoji tag sequence, as subdivision flags use it: a CLDR
 * subdivision id, two tag letters and one to four tag letters or digits,
 * then CANCEL TAG U+E007F), or 0 when none starts there: tags that do not
 * make such a sequence, an unterminated or overlong one, or one broken by
 * anything (even something dropped), are stray and dropped one by one.
 */
static size_t
flag_tags(const struct san *s, size_t i)
{
	size_t j = i, k;
	uint32_t t;

	for (k = 0; k <= FLAG_TAGS_MAX && s->len - j >= 4; k++, j += 4) {
		if ((t = tag_at(s->in + j)) == 0)
			return 0;
		if (t == FLAG_CANCEL)
			return k >= FLAG_TAGS_MIN ? j + 4 - i : 0;
		if (t >= 0xe0061 && t <= 0xe007a) /* tag a..z */
			continue;
		if (k < 2 || t < 0xe0030 || t > 0xe0039) /* tag 0..9 */
			return 0;
	}
	return 0;
}

static void
san_control(struct san *s, unsigned char b)
{
	if (b != '\n' && b != '\t')
		return;
	san_emit(s, (s->flags & SANITIZE_SINGLE_LINE) ? " " : (const char *)&b,
	    1);
	san_base(s);
}

/* One non-ASCII code point at i; returns the next index. */
static size_t
san_utf8(struct san *s, size_t i)
{
	uint32_t cp;
	size_t n = utf8_decode((const char *)s->in + i, s->len - i, &cp), tags;
	enum width_class wc;

	/* U+FFFD from the decoder, not one the text really contains. */
	if (cp == 0xfffd &&
	    !(n == 3 && memcmp(s->in + i, "\xef\xbf\xbd", 3) == 0)) {
		san_emit(s, s->repl, s->repl_len);
		san_base(s);
		return i + n;
	}
	if (cp < 0xa0)
		return skip_c1(s, i, cp);
	if (is_bidi_control(cp))
		return i + n;
	if (cp == 0x2028 || cp == 0x2029) { /* line/paragraph separator */
		san_control(s, '\n');
		return i + n;
	}
	wc = width_class(cp);
	if (wc == WC_TAG) /* not after a black flag: see flag_tags() */
		return i + n;
	if (wc == WC_BASE)
		san_base(s);
	else if (!zero_keep(s, wc))
		return i + n;
	if (cp == FLAG_BASE && (tags = flag_tags(s, i + n)) > 0) {
		n += tags;
		s->zero += (unsigned)(tags / 4);
	}
	san_emit(s, s->in + i, n);
	return i + n;
}

static void
san_run(struct san *s)
{
	size_t i = 0, n;
	unsigned char b;

	san_base(s);
	while (i < s->len) {
		b = s->in[i];
		if (b >= 0x20 && b < 0x7f) {
			n = ascii_run(s->in + i, s->len - i);
			san_emit(s, s->in + i, n);
			san_base(s);
			i += n;
		} else if (b == 0x1b)
			i = skip_escape(s, i);
		else if (b < 0x80) {
			san_control(s, b);
			i++;
		} else
			i = san_utf8(s, i);
	}
}

/* Sanitizes the len bytes at in into out, with repl for what is not
 * valid UTF-8.  Returns the bytes written (no NUL added). */
static size_t
san_into(const char *in, size_t len, char *out, unsigned flags,
    const char *repl)
{
	struct san s;

	memset(&s, 0, sizeof s);
	s.in = (const unsigned char *)in;
	s.len = len;
	s.out = out;
	s.flags = flags;
	s.repl = repl;
	s.repl_len = strlen(repl);
	san_run(&s);
	return s.o;
}

static size_t
count_high(const unsigned char *p, size_t len)
{
	const uint64_t high = 0x8080808080808080ULL;
	size_t i = 0, n = 0;
	uint64_t x;

	for (; i + 8 <= len; i += 8) {
		memcpy(&x, p + i, 8);
		n += (size_t)__builtin_popcountll(x & high);
	}
	for (; i < len; i++)
		n += p[i] >> 7;
	return n;
}

char *
sanitize_text(const char *in, size_t len, unsigned flags)
{
	char *out, *shrunk;
	size_t high, n;

	if (in == NULL)
		len = 0;
	/* Only invalid UTF-8 grows (a subpart of k >= 1 bytes, all >= 0x80,
	 * becomes 3 bytes), so len + 2 per high byte always suffices. */
	high = count_high((const unsigned char *)in, len);
	if (len > (SIZE_MAX - 1) / 3 ||
	    (out = malloc(len + 2 * high + 1)) == NULL)
		return NULL;
	n = san_into(in, len, out, flags, "\xef\xbf\xbd");
	out[n] = '\0';
	shrunk = realloc(out, n + 1);
	return shrunk != NULL ? shrunk : out;
}

size_t
sanitize_buf(char *buf, size_t len, unsigned flags)
{
	size_t n = san_into(buf, len, buf, flags, "?");

	if (n < len)
		buf[n] = '\0';
	return n;
}
