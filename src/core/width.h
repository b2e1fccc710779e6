/* Code point classes shared by the width tables and the sanitizer. */
#ifndef TTYDESK_WIDTH_H
#define TTYDESK_WIDTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum width_class {
	WC_BASE = 0, /* takes columns (or is a control) */
	WC_MARK,     /* combining mark, conjoining jamo */
	WC_ZWJ,      /* U+200D */
	WC_VS,       /* variation selectors */
	WC_TAG,      /* U+E0000..U+E007F (flag tag sequences) */
	WC_FORMAT,   /* zero-width space/joiners, bidi marks, BOM */
};

enum width_class width_class(uint32_t cp);
bool width_is_combining(uint32_t cp);
/* Bytes of the grapheme at s (>= 1 when len > 0); its columns in *w. */
size_t width_grapheme_next(const char *s, size_t len, int *w);

#endif
