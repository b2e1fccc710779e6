/*
 * Terminal-safe text.  Every customer-supplied string passes through
 * sanitize_text() before a terminal sees it.
 *
 * - invalid UTF-8 becomes U+FFFD;
 * - C0 controls except '\n' and '\t' (and, with SANITIZE_SINGLE_LINE, those
 *   too), DEL and C1 controls are removed; whole escape sequences (CSI, OSC,
 *   DCS, SOS/PM/APC, 7-bit and 8-bit introducers) are removed, not just
 *   their ESC byte;
 * - bidi embeddings/overrides/isolates (U+202A..U+202E, U+2066..U+2069) and
 *   U+200E/U+200F marks are removed;
 * - emoji ZWJ sequences, variation selectors and combining marks stay, but a
 *   flood of combining marks on one base is cut to a few;
 * - tag characters (U+E0000..U+E007F: invisible, they can spell hidden
 *   ASCII) are removed, except in a flag tag sequence: U+1F3F4, then a
 *   subdivision id in tags (two of a..z, then one to four of a..z/0..9),
 *   then U+E007F, with nothing in between (England, Scotland and Wales
 *   stay intact).  Of a sequence that is malformed, unterminated (also at
 *   the end of the input) or overlong, the flag stays and the tags go.
 *
 * Ownership: the result is malloc'd, NUL-terminated; the caller frees it.
 */
#ifndef TTYDESK_SANITIZE_H
#define TTYDESK_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SANITIZE_SINGLE_LINE 0x1u /* newline/tab become a space */

char *sanitize_text(const char *in, size_t len, unsigned flags);
/* In place variant for a buffer the caller owns; returns the new length.
 * The result never grows, so invalid UTF-8 becomes '?' here instead of the
 * three-byte U+FFFD; everything else is as sanitize_text().  buf[result]
 * is set to NUL when result < len. */
size_t sanitize_buf(char *buf, size_t len, unsigned flags);

/* Decode one UTF-8 code point at s (len bytes left).  Returns the bytes
 * consumed (>= 1 when len > 0; 0 when len == 0) and stores the code point,
 * or U+FFFD for invalid input (one per maximal subpart). */
size_t utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Encodes cp as UTF-8 into u (no NUL) and returns its length, 1 to 4.
 * cp is not checked: callers pass what the terminal or decoder gave. */
size_t utf8_encode(uint32_t cp, char u[4]);
/* Display columns of one code point: 0 (combining, ZWJ, VS), 1, or 2. */
int cp_width(uint32_t cp);
/* Display columns of sanitized UTF-8 text (grapheme-aware for emoji ZWJ
 * sequences and flags). */
size_t text_width(const char *s, size_t len);
/* Longest prefix of s that fits in cols columns without splitting a
 * character or grapheme; returns its byte length, *used gets its width. */
size_t text_fit(const char *s, size_t len, size_t cols, size_t *used);

#endif
