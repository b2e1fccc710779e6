/*
 * SLA and CSAT in the conversation list and the thread title (pure: no
 * curses).  The relay sets a due time when a customer writes and clears it
 * when an agent replies (relay-api.md, "Team-inbox additions"); here we
 * only show the time left, warn in the last 20 % of the target and mark a
 * breach.  Every function takes the clock as an argument (testable).
 */
#ifndef TTYDESK_UI_SLA_H
#define TTYDESK_UI_SLA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ttydesk/model.h"

struct aline;

/* Targets when the customer message the due time counts from is unknown. */
#define SLA_DEFAULT_FIRST (15 * 60)
#define SLA_DEFAULT_NEXT (60 * 60)

enum sla_level {
	SLA_NONE = 0, /* nothing due */
	SLA_OK,
	SLA_WARN,     /* in the last 20 % of the target */
	SLA_BREACHED
};

/* The level of one due time: start is the customer message's ts (0 when
 * unknown: default_target is used), *left (may be NULL) the seconds left. */
enum sla_level sla_level_at(int64_t due, int64_t start, int64_t default_target,
    int64_t now, int64_t *left);
/* Level of a conversation at now; *due (may be NULL) the active due time. */
enum sla_level sla_conv_level(const struct td_conversation *c, int64_t now,
    int64_t *left, int64_t *due);
/* "⏱12m" / "⏱1h05" / "⚠ SLA" (ASCII: "t12m", "!SLA") into buf, "" for
 * SLA_NONE.  Returns the theme element to draw it with. */
int sla_format(char *buf, size_t len, enum sla_level level, int64_t left,
    bool utf8);
/* The list marker of c: SLA text (and style) into buf. */
int sla_marker(char *buf, size_t len, const struct td_conversation *c,
    int64_t now, bool utf8);
/* "★4" (ASCII "*4"), "" without a rating. */
void csat_marker(char *buf, size_t len, const struct td_conversation *c,
    bool utf8);
/* "CSAT ★★★★☆ 4/5" (ASCII "CSAT ****- 4/5"), "" without a rating. */
void csat_text(char *buf, size_t len, int score, bool utf8);
/* Append "  CSAT ..." and the SLA marker to a thread title. */
void sla_title_add(struct aline *l, const struct td_conversation *c,
    int64_t now, bool utf8);
/* Breached first, then the soonest due time, then nothing due (stable
 * by the order given). */
void sla_sort(struct td_conversation **items, size_t n, int64_t now);

#endif
