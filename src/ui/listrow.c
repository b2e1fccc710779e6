/* One conversation list row as an attributed line (no curses here). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "sla.h"
#include "theme.h"
#include "ui.h"
#include "listrow.h"

const char *
ui_age(char *buf, size_t len, int64_t now, int64_t ts)
{
	int64_t d = now - ts;
	struct tm tm;
	time_t t = (time_t)ts;

	if (ts <= 0)
		snprintf(buf, len, "-");
	else if (d < 60)
		snprintf(buf, len, "now");
	else if (d < 3600)
		snprintf(buf, len, "%" PRId64 "m", d / 60);
	else if (d < 86400)
		snprintf(buf, len, "%" PRId64 "h", d / 3600);
	else if (d < 14 * 86400)
		snprintf(buf, len, "%" PRId64 "d", d / 86400);
	else if (d < 365 * 86400)
		snprintf(buf, len, "%" PRId64 "w", d / (7 * 86400));
	else if (localtime_r(&t, &tm) != NULL)
		snprintf(buf, len, "%d", tm.tm_year + 1900);
	else
		snprintf(buf, len, "old");
	return buf;
}

static const char *
kind_label(enum td_msg_kind k)
{
	switch (k) {
	case TD_KIND_IMAGE: return "image";
	case TD_KIND_VIDEO: return "video";
	case TD_KIND_AUDIO: return "audio";
	case TD_KIND_DOCUMENT: return "document";
	case TD_KIND_STICKER: return "sticker";
	case TD_KIND_LOCATION: return "location";
	case TD_KIND_CONTACTS: return "contact card";
	case TD_KIND_REACTION: return "reaction";
	case TD_KIND_INTERACTIVE: return "reply";
	case TD_KIND_BUTTON: return "button";
	case TD_KIND_TEMPLATE: return "template";
	case TD_KIND_UNSUPPORTED: return "unsupported message";
	case TD_KIND_TEXT: break;
	}
	return "text";
}

char *
ui_message_summary(const struct td_message *m)
{
	char buf[1024];
	const char *body = m->text;

	if (m->kind == TD_KIND_TEXT) {
		snprintf(buf, sizeof buf, "%s", body ? body : "");
	} else if (m->kind == TD_KIND_LOCATION && m->location != NULL) {
		snprintf(buf, sizeof buf, "[location] %s",
		    m->location->name ? m->location->name : "");
	} else if (m->kind == TD_KIND_REACTION) {
		snprintf(buf, sizeof buf, "[reaction] %s",
		    m->reaction_emoji ? m->reaction_emoji : "");
	} else {
		if (body == NULL || *body == '\0')
			body = m->caption;
		if ((body == NULL || *body == '\0') && m->media != NULL)
			body = m->media->filename;
		snprintf(buf, sizeof buf, "[%s]%s%s", kind_label(m->kind),
		    body && *body ? " " : "", body ? body : "");
	}
	return sanitize_text(buf, strlen(buf), SANITIZE_SINGLE_LINE);
}

/* The newest message that says something (reactions do not). */
static const struct td_msg *
last_message(const struct td_conversation *c)
{
	size_t i = c->n_messages;

	while (i > 0) {
		const struct td_msg *m = c->messages[--i];
		if (m->m.kind != TD_KIND_REACTION)
			return m;
	}
	return NULL;
}

/* Append s (already sanitized) fitted into exactly cols columns. */
static void
row_field(struct aline *out, int style, const char *s, size_t cols, int right)
{
	size_t used = 0, n = text_fit(s, strlen(s), cols, &used);

	if (right)
		aline_pad(out, TH_NORMAL, cols - used);
	aline_add(out, style, s, n);
	if (!right)
		aline_pad(out, TH_NORMAL, cols - used);
}

static void
row_markers(char *buf, size_t len, const struct td_conversation *c,
    const struct row_ctx *ctx, size_t width)
{
	const struct td_conv_state *s = &c->state;
	const char *st = "", *pr = "";
	char who[64] = "", team[40] = "";
	size_t i;

	/* Another agent is here (presence): typing wins over viewing. */
	for (i = 0; i < c->n_presence; i++) {
		const char *a = c->presence[i].activity;
		if (a == NULL || strcmp(a, "left") == 0 || (ctx->self != NULL &&
		    c->presence[i].agent != NULL &&
		    strcmp(c->presence[i].agent, ctx->self) == 0) ||
		    c->presence[i].expires <= ctx->now)
			continue;
		if (strcmp(a, "typing") == 0)
			pr = ctx->utf8 ? "✎ " : "~ ";
		else if (*pr == '\0')
			pr = ctx->utf8 ? "◉ " : "o ";
	}

	switch (s->status) {
	case TD_CS_PENDING: st = "P"; break;
	case TD_CS_ESCALATED: st = "E"; break;
	case TD_CS_RESOLVED: st = "R"; break;
	case TD_CS_SNOOZED: st = "Z"; break;
	case TD_CS_OPEN: break;
	}
	if (s->assignee != NULL) {
		if (ctx->self != NULL && strcmp(s->assignee, ctx->self) == 0)
			snprintf(who, sizeof who, "@me");
		else
			snprintf(who, sizeof who, "@%.10s", s->assignee);
	}
	if (s->team != NULL && width >= 70)
		snprintf(team, sizeof team, "#%.8s", s->team);
	snprintf(buf, len, "%s%s%s%s%s%s", pr, st, *st && (*who || *team) ?
	    " " : "", who, *who && *team ? " " : "", team);
}

int
list_format_row(struct aline *out, const struct td_conversation *c,
    const struct row_ctx *ctx, size_t width)
{
	return list_format_row_number(out, c, ctx, width, NULL);
}

int
list_format_row_number(struct aline *out, const struct td_conversation *c,
    const struct row_ctx *ctx, size_t width, const char *numname)
{
	char unread[16], age[16], markers[256], sla[32], csat[16],
	    *name = NULL, *preview = NULL, *tmp;
	const char *dn, *win = " ", *prefix = "";
	const struct td_msg *last = last_message(c);
	size_t namew, fixed, markw, prevw, used, slaw, csatw, numw = 0;
	char *number = NULL;
	int64_t left = 0;
	int winst = TH_NORMAL, prio = TH_NORMAL, slast;

	aline_clear(out);
	if (width < 20)
		width = 20;
	dn = conversation_display_name(c);
	name = sanitize_text(dn, strlen(dn), SANITIZE_SINGLE_LINE);
	preview = last != NULL ? ui_message_summary(&last->m) : strdup("");
	if (name == NULL || preview == NULL)
		goto fail;
	if (last != NULL && last->m.direction == TD_DIR_NOTE)
		prefix = "note: ";
	else if (last != NULL && message_from_app(&last->m))
		prefix = "app: ";
	else if (last != NULL && last->m.direction == TD_DIR_OUT)
		prefix = ctx->self && last->m.agent &&
		    strcmp(last->m.agent, ctx->self) == 0 ? "you: " : "agent: ";

	if (c->unread > 0)
		snprintf(unread, sizeof unread, c->unread > 99 ? "99+" : "%u",
		    c->unread);
	else
		unread[0] = '\0';
	if (!conversation_window_open(c, ctx->now, &left)) {
		win = ctx->utf8 ? "✕" : "x";
		winst = TH_WINDOW_CLOSED;
	} else if (left < 2 * 3600) {
		win = ctx->utf8 ? "◔" : "!";
		winst = TH_HIGH;
	}
	/* The newest message's age: a state change (assign, labels) must not
	 * make a three-day-old thread look new. */
	ui_age(age, sizeof age, ctx->now, last != NULL && last->ts > 0 ?
	    last->ts : c->last_activity);
	row_markers(markers, sizeof markers, c, ctx, width);
	slast = sla_marker(sla, sizeof sla, c, ctx->now, ctx->utf8);
	csat_marker(csat, sizeof csat, c, ctx->utf8);
	slaw = text_width(sla, strlen(sla));
	csatw = text_width(csat, strlen(csat));

	namew = width >= 100 ? 22 : width >= 60 ? 18 : 15;
	/* Which business number: a short column, only with several. */
	if (numname != NULL && (number = sanitize_text(numname,
	    strlen(numname), SANITIZE_SINGLE_LINE)) != NULL) {
		numw = text_width(number, strlen(number));
		if (numw > 12)
			numw = 12;
	}
	markw = text_width(markers, strlen(markers));
	if (markw > 24)
		markw = 24;
	/* mark(1) unread(3) sp prio(2) sp name sp ... sp markers sp win(1) sp
	 * age(4) */
	fixed = 1 + 3 + 1 + 2 + 1 + namew + 1 + 1 + (markw ? markw + 1 : 0) + 1 + 1 + 4;
	fixed += (csatw ? csatw + 1 : 0) + (slaw ? slaw + 1 : 0);
	/* The number takes from the preview, never from the row's width. */
	if (numw + 1 > (width > fixed ? width - fixed : 0))
		numw = width > fixed + 1 ? width - fixed - 1 : 0;
	fixed += numw ? numw + 1 : 0;
	prevw = width > fixed ? width - fixed : 0;

	/* The cursor is a mark and the name in the selection colour, not a
	 * reversed row: moving it then rewrites a few cells, not two lines. */
	if (ctx->selected)
		aline_adds(out, TH_CURSOR, ctx->utf8 ? "▶" : ">");
	else
		aline_pad(out, TH_NORMAL, 1);
	row_field(out, TH_UNREAD, unread, 3, 1);
	aline_pad(out, TH_NORMAL, 1);
	if (c->state.priority == TD_PRIO_URGENT)
		prio = TH_URGENT;
	else if (c->state.priority == TD_PRIO_HIGH)
		prio = TH_HIGH;
	row_field(out, prio, c->state.priority == TD_PRIO_URGENT ? "!!" :
	    c->state.priority == TD_PRIO_HIGH ? "!" : "", 2, 0);
	aline_pad(out, TH_NORMAL, 1);
	row_field(out, ctx->selected ? TH_SELECTED : c->unread ? TH_UNREAD :
	    TH_NAME, name, namew, 0);
	aline_pad(out, TH_NORMAL, 1);
	if (number != NULL && numw > 0) {
		row_field(out, TH_MARKER, number, numw, 0);
		aline_pad(out, TH_NORMAL, 1);
	}
	if (prevw > 0) {
		used = aline_add_fit(out, TH_MARKER, prefix, prevw);
		tmp = preview;
		used += aline_add_fit(out, c->unread ? TH_UNREAD : TH_PREVIEW, tmp,
		    prevw - used);
		aline_pad(out, TH_NORMAL, prevw - used);
	}
	aline_pad(out, TH_NORMAL, 1);
	if (markw > 0) {
		row_field(out, TH_MARKER, markers, markw, 0);
		aline_pad(out, TH_NORMAL, 1);
	}
	if (csatw > 0) {
		row_field(out, TH_MARKER, csat, csatw, 0);
		aline_pad(out, TH_NORMAL, 1);
	}
	if (slaw > 0) {
		row_field(out, slast, sla, slaw, 0);
		aline_pad(out, TH_NORMAL, 1);
	}
	aline_add(out, winst, win, strlen(win));
	aline_pad(out, TH_NORMAL, 1);
	row_field(out, TH_AGE, age, 4, 1);
	free(name);
	free(preview);
	free(number);
	return 0;
fail:
	free(name);
	free(preview);
	free(number);
	return -1;
}
