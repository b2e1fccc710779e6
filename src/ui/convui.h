/*
 * What the UI keeps per conversation beside the model: the wrapped thread
 * lines (rebuilt only when the conversation changes or the width does),
 * the scroll position, and the system lines (assignment, status,
 * escalation changes) the model does not keep as history.
 *
 * Ownership: the map owns every struct convui and everything in it.
 */
#ifndef TTYDESK_CONVUI_H
#define TTYDESK_CONVUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aline.h"

struct sysline {
	int64_t ts;
	int64_t seq;
	char *text; /* sanitized */
};

/* A thread line's kind (aline.kind). */
enum tline_kind {
	TL_DAY = 1,
	TL_HEADER,
	TL_QUOTE,
	TL_BODY,
	TL_REACTIONS,
	TL_SYSTEM,
	TL_ERROR,
	TL_BLANK,
	TL_PICTURE, /* tag: the struct picture_row it shows */
};

/* The lines of one message, kept while its signature (everything that
 * shows) stays the same. */
struct tblock {
	uint64_t sig;
	struct aline *lines;
	size_t n;
};

struct convui {
	char *id;
	struct sysline *sys;
	size_t n_sys;
	/* Thread lines in display order: views (shallow copies) of lines
	 * owned by blocks (messages) and extras (day, blank, system lines).
	 * msg_of[i] gives the message index of line i, or -1. */
	struct aline *lines;
	long *msg_of;
	size_t n_lines;
	size_t built_width; /* 0: must rebuild */
	long *first_line;   /* per message: its first line, -1 when hidden */
	long *last_line;
	size_t n_msgs;      /* size of first_line/last_line */
	struct aline *extras;
	size_t n_extras;
	struct tblock *blocks; /* per message index of the last build */
	size_t n_blocks;
	size_t blocks_width;
	bool blocks_utf8;
	size_t top;         /* first visible line */
	long sel;           /* selected message index, -1 none */
	bool opened;        /* scrolled to first unread already */
	bool at_bottom;     /* follow new messages */
	int64_t read_mark;  /* read_seq when opened: unread markers */
};

struct convmap;

struct convmap *convmap_new(void);
void convmap_free(struct convmap *m);
/* Find or create; NULL when out of memory. */
struct convui *convmap_get(struct convmap *m, const char *id);
struct convui *convmap_find(const struct convmap *m, const char *id);
/* Forget every built line (width change, theme change). */
void convmap_invalidate_all(struct convmap *m);

void convui_invalidate(struct convui *cu);
int convui_add_sys(struct convui *cu, int64_t ts, int64_t seq, const char *text);
/* The display lines (blocks stay for the next build). */
void convui_free_lines(struct convui *cu);
/* Everything built, blocks included. */
void convui_free_built(struct convui *cu);

#endif
