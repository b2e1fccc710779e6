/*
 * UTF-8 decoding with one U+FFFD per maximal subpart of an ill-formed
 * sequence (Unicode 15, section 3.9, "U+FFFD Substitution of Maximal
 * Subparts"): overlongs, surrogates and values above U+10FFFF are refused
 * at the first byte that makes them so.
 */
#include <stddef.h>
#include <stdint.h>

#include "ttydesk/sanitize.h"

#define REPLACEMENT 0xfffdu

static int
cont_ok(unsigned char b, unsigned char lo, unsigned char hi)
{
	return b >= lo && b <= hi;
}

size_t
utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char b, lo = 0x80, hi = 0xbf;
	size_t need, i;
	uint32_t v;

	*cp = REPLACEMENT;
	if (len == 0)
		return 0;
	b = s[0];
	if (b < 0x80) {
		*cp = b;
		return 1;
	}
	if (b < 0xc2 || b > 0xf4)
		return 1;
	if (b < 0xe0) {
		need = 1;
		v = b & 0x1fu;
	} else if (b < 0xf0) {
		need = 2;
		v = b & 0x0fu;
		if (b == 0xe0)
			lo = 0xa0;      /* overlong */
		else if (b == 0xed)
			hi = 0x9f;      /* surrogates */
	} else {
		need = 3;
		v = b & 0x07u;
		if (b == 0xf0)
			lo = 0x90;      /* overlong */
		else if (b == 0xf4)
			hi = 0x8f;      /* above U+10FFFF */
	}
	for (i = 1; i <= need; i++) {
		if (i >= len || !cont_ok(s[i], lo, hi))
			return i;
		v = (v << 6) | (s[i] & 0x3fu);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return need + 1;
}

size_t
utf8_encode(uint32_t cp, char u[4])
{
	if (cp < 0x80) {
		u[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	u[0] = (char)(0xf0 | (cp >> 18));
	u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}
