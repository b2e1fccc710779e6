/*
 * Widths come from utf8proc, not from hand-made tables: the ranges the
 * old tables got wrong or that are easy to get wrong follow the library
 * code point by code point, and grapheme clusters measure as a terminal
 * draws them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "check.h"
#include "ttydesk/sanitize.h"

/* cp_width() over [lo, hi] is utf8proc's wide/narrow answer. */
static void
check_range(uint32_t lo, uint32_t hi)
{
	uint32_t cp;
	int bad = 0;

	for (cp = lo; cp <= hi; cp++) {
		const utf8proc_property_t *p =
		    utf8proc_get_property((utf8proc_int32_t)cp);
		int want = utf8proc_charwidth((utf8proc_int32_t)cp) >= 2 ? 2 : 1;

		/* Combining marks are the sanitizer's, zero-width. */
		if (p->category == UTF8PROC_CATEGORY_MN ||
		    p->category == UTF8PROC_CATEGORY_ME)
			want = 0;

		if (cp_width(cp) != want && bad++ < 3)
			fprintf(stderr, "U+%04X: %d, utf8proc %d\n", (unsigned)cp,
			    cp_width(cp), want);
	}
	CHECK_INT(bad, 0);
}

static void
test_named_ranges(void)
{
	check_range(0x1fa00, 0x1fa6f); /* chess symbols */
	check_range(0x3248, 0x324f);   /* circled numbers on black squares */
	check_range(0x4dc0, 0x4dff);   /* Yijing hexagram symbols */
	check_range(0x1f300, 0x1f5ff); /* pictographs: text vs emoji style */
	check_range(0x1fa70, 0x1faff); /* symbols and pictographs ext-A */
	check_range(0x3000, 0x303f);   /* CJK punctuation */
	check_range(0xff00, 0xffef);   /* half- and fullwidth forms */
	/* Values every Unicode version since 13 agrees on. */
	CHECK_INT(cp_width(0x1fa00), 1);
	CHECK_INT(cp_width(0x1fa6f), 1);
	CHECK_INT(cp_width(0x1f321), 1); /* thermometer: text presentation */
	CHECK_INT(cp_width(0x1f600), 2);
	CHECK_INT(cp_width(0x1fa70), 2);
	CHECK_INT(cp_width(0x4e00), 2);
	CHECK_INT(cp_width(0xff21), 2);
	CHECK_INT(cp_width(0xff61), 1);
	/* The sanitizer's zero-width classes stay zero-width. */
	CHECK_INT(cp_width(0x0301), 0);
	CHECK_INT(cp_width(0x200d), 0);
	CHECK_INT(cp_width(0xfe0f), 0);
	CHECK_INT(cp_width(0x200b), 0);
	/* A spacing mark takes a column, as wcwidth and terminals say. */
	CHECK_INT(cp_width(0x093e), 1);
}

static void
check_text(const char *s, size_t want_width, size_t fit3)
{
	size_t used;

	CHECK_INT(text_width(s, strlen(s)), want_width);
	/* Three columns never end inside a cluster. */
	CHECK_INT(text_fit(s, strlen(s), 3, &used), fit3);
}

static void
test_clusters(void)
{
	/* Flag: two regional indicators, one cluster of 2. */
	check_text("\xf0\x9f\x87\xab\xf0\x9f\x87\xb7" "a", 3, 9);
	/* Family: man ZWJ woman ZWJ girl is one emoji of 2. */
	check_text("\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d"
	    "\xf0\x9f\x91\xa7" "ab", 4, 19);
	/* Thumbs up with a skin tone: 2; the tone alone after a letter: 1+2. */
	check_text("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd", 2, 8);
	check_text("a\xf0\x9f\x8f\xbd", 3, 5);
	/* Devanagari ka + vowel sign aa (a spacing mark) is one cluster that
	 * takes two columns; with another ka, fitting 3 keeps the cluster
	 * whole and the third column too. */
	check_text("\xe0\xa4\x95\xe0\xa4\xbe\xe0\xa4\x95", 3, 9);
	check_text("\xe0\xa4\x95\xe0\xa4\xbe\xe0\xa4\x95\xe0\xa4\x95", 4, 9);
	/* Conjoining jamo L V T: one syllable of 2. */
	check_text("\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8" "ab", 4, 10);
	/* e + combining acute: 1. */
	check_text("e\xcc\x81" "ab", 3, 5);
}

int
main(void)
{
	RUN(test_named_ranges);
	RUN(test_clusters);
	return check_done();
}
