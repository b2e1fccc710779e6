/*
 * Thread lines: a conversation's messages and system lines as wrapped,
 * attributed lines, built when the conversation (or the width) changes.
 * No curses here, so tests and benchmarks build lines directly.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "convui.h"
#include "theme.h"
#include "ui.h"

struct tb {
	struct convui *cu;
	const struct td_conversation *c;
	const struct thread_ctx *ctx;
	size_t width;
	size_t cap;
	long msg;        /* message index of lines being added */
	int oom;
	/* wrap state */
	size_t indent;
	int style;
	int kind;
};

static struct aline *
tb_line(struct tb *b, int kind)
{
	struct convui *cu = b->cu;
	struct aline *nl;
	long *nm;
	size_t cap;

	if (cu->n_lines == b->cap) {
		cap = b->cap ? b->cap * 2 : 64;
		if ((nl = realloc(cu->lines, cap * sizeof *nl)) == NULL) {
			b->oom = 1;
			return NULL;
		}
		cu->lines = nl;
		if ((nm = realloc(cu->msg_of, cap * sizeof *nm)) == NULL) {
			b->oom = 1;
			return NULL;
		}
		cu->msg_of = nm;
		b->cap = cap;
	}
	nl = &cu->lines[cu->n_lines];
	aline_init(nl);
	nl->kind = kind;
	cu->msg_of[cu->n_lines] = b->msg;
	cu->n_lines++;
	return nl;
}

static int
tb_wrap_cb(void *ud, const char *s, size_t len)
{
	struct tb *b = ud;
	struct aline *l = tb_line(b, b->kind);

	if (l == NULL)
		return -1;
	aline_pad(l, TH_NORMAL, b->indent);
	aline_add(l, b->style, s, len);
	return 0;
}

/* Sanitize text and add it wrapped below the current message. */
static void
tb_text(struct tb *b, const char *text, size_t indent, int style, int kind)
{
	char *s;
	size_t cols;

	if (text == NULL)
		return;
	if ((s = sanitize_text(text, strlen(text), 0)) == NULL) {
		b->oom = 1;
		return;
	}
	b->indent = indent;
	b->style = style;
	b->kind = kind;
	cols = b->width > indent + 1 ? b->width - indent : 1;
	text_wrap(s, strlen(s), cols, tb_wrap_cb, b);
	free(s);
}

static const char *
tb_name_of(const struct tb *b, const struct td_message *m, char *buf,
    size_t len)
{
	const char *n;

	if (m->direction == TD_DIR_IN) {
		n = contact_display_name(&b->c->contact);
		snprintf(buf, len, "%s", n && *n ? n : (m->from ? m->from : "customer"));
	} else if (m->agent != NULL && b->ctx->self != NULL &&
	    strcmp(m->agent, b->ctx->self) == 0) {
		snprintf(buf, len, "you");
	} else {
		snprintf(buf, len, "%s", m->agent ? m->agent : "agent");
	}
	return buf;
}

static const char *
tb_tick(const struct tb *b, enum td_msg_status s, int *style)
{
	bool u = b->ctx->utf8;

	*style = TH_TICK;
	switch (s) {
	case TD_MS_PENDING: return u ? "◷" : "..";
	case TD_MS_SENT: return u ? "✓" : "v";
	case TD_MS_DELIVERED: return u ? "✓✓" : "vv";
	case TD_MS_READ: *style = TH_TICK_READ; return u ? "✓✓" : "VV";
	case TD_MS_FAILED: *style = TH_FAILED; return u ? "✗" : "x";
	case TD_MS_RECEIVED: break;
	}
	return "";
}

static void
tb_day(struct tb *b, int64_t ts)
{
	char day[64];
	const char *bar = b->ctx->utf8 ? "──" : "--";
	struct tm tm;
	time_t t = (time_t)ts;
	struct aline *l;

	if (localtime_r(&t, &tm) == NULL)
		return;
	strftime(day, sizeof day, "%a %d %b %Y", &tm);
	b->msg = -1;
	if ((l = tb_line(b, TL_DAY)) == NULL)
		return;
	aline_printf(l, TH_DAY, "%s %s %s", bar, day, bar);
}

static void
tb_header(struct tb *b, const struct td_msg *tm, size_t indent)
{
	const struct td_message *m = &tm->m;
	char name[128], hhmm[16], *sname;
	struct tm tmv;
	time_t t = (time_t)tm->ts;
	struct aline *l;
	int st, tick_style = TH_TICK;
	const char *glyph, *tick, *unread;
	size_t fixed;

	if ((l = tb_line(b, TL_HEADER)) == NULL)
		return;
	if (localtime_r(&t, &tmv) == NULL || strftime(hhmm, sizeof hhmm,
	    "%H:%M", &tmv) == 0)
		snprintf(hhmm, sizeof hhmm, "--:--");
	tb_name_of(b, m, name, sizeof name);
	if ((sname = sanitize_text(name, strlen(name), SANITIZE_SINGLE_LINE))
	    == NULL) {
		b->oom = 1;
		return;
	}
	if (m->direction == TD_DIR_IN) {
		st = TH_INBOUND;
		glyph = b->ctx->utf8 ? "◀ " : "< ";
	} else if (m->direction == TD_DIR_NOTE) {
		st = TH_NOTE;
		glyph = b->ctx->utf8 ? "✎ NOTE (internal) " : "# NOTE (internal) ";
	} else {
		st = TH_OUTBOUND;
		glyph = b->ctx->utf8 ? "▶ " : "> ";
	}
	/* The name gets what the glyph, time and ticks leave. */
	tick = m->direction == TD_DIR_OUT ? tb_tick(b, m->status, &tick_style) : "";
	unread = m->direction == TD_DIR_IN && tm->seq > b->ctx->read_seq &&
	    b->ctx->read_seq >= 0 ? (b->ctx->utf8 ? "  ●" : "  *") : "";
	fixed = indent + text_width(glyph, strlen(glyph)) + 2 + strlen(hhmm) +
	    (*tick ? 1 + text_width(tick, strlen(tick)) : 0) +
	    text_width(unread, strlen(unread));
	if (fixed + 1 > b->width) {
		fixed -= indent;
		indent = 0;
	}
	aline_pad(l, TH_NORMAL, indent);
	aline_adds(l, st, glyph);
	aline_add_fit(l, st, sname, b->width > fixed ? b->width - fixed : 1);
	aline_printf(l, TH_AGE, "  %s", hhmm);
	if (*tick != '\0') {
		aline_adds(l, TH_NORMAL, " ");
		aline_adds(l, tick_style, tick);
	}
	aline_adds(l, TH_UNREAD, unread);
	free(sname);
}

static void
tb_quote(struct tb *b, const struct td_message *m, size_t indent)
{
	const struct td_msg *q = conversation_find_message(b->c, m->reply_to);
	struct aline *l;
	char name[128], *sum, *sname;
	size_t used;

	if ((l = tb_line(b, TL_QUOTE)) == NULL)
		return;
	aline_pad(l, TH_NORMAL, indent);
	aline_adds(l, TH_QUOTE, b->ctx->utf8 ? "┃ " : "| ");
	if (q == NULL) {
		aline_adds(l, TH_QUOTE, "quoted message not available");
		return;
	}
	tb_name_of(b, &q->m, name, sizeof name);
	sname = sanitize_text(name, strlen(name), SANITIZE_SINGLE_LINE);
	sum = ui_message_summary(&q->m);
	if (sname == NULL || sum == NULL) {
		free(sname);
		free(sum);
		b->oom = 1;
		return;
	}
	used = indent + 2;
	used += aline_add_fit(l, TH_QUOTE, sname, b->width > used ? b->width - used : 0);
	used += aline_add_fit(l, TH_QUOTE, ": ", b->width > used ? b->width - used : 0);
	aline_add_fit(l, TH_QUOTE, sum, b->width > used ? b->width - used : 0);
	free(sname);
	free(sum);
}

static void
tb_size(char *buf, size_t len, int64_t size)
{
	if (size < 0)
		buf[0] = '\0';
	else if (size < 1024)
		snprintf(buf, len, "%" PRId64 " B", size);
	else if (size < 1024 * 1024)
		snprintf(buf, len, "%.1f KB", (double)size / 1024.0);
	else
		snprintf(buf, len, "%.1f MB", (double)size / (1024.0 * 1024.0));
}

static void
tb_media(struct tb *b, const struct td_message *m, size_t indent)
{
	char line[1024], size[32] = "";
	const struct td_media *md = m->media;
	const char *label;

	switch (m->kind) {
	case TD_KIND_IMAGE: label = "image"; break;
	case TD_KIND_VIDEO: label = "video"; break;
	case TD_KIND_AUDIO: label = "audio"; break;
	case TD_KIND_DOCUMENT: label = "document"; break;
	default: label = "sticker"; break;
	}
	if (md != NULL)
		tb_size(size, sizeof size, md->size);
	snprintf(line, sizeof line, "[%s]%s%s%s%s%s%s  (s: save, v: open)", label,
	    md && md->filename ? " " : "", md && md->filename ? md->filename : "",
	    *size ? " · " : "", size, md && md->mime_type ? " · " : "",
	    md && md->mime_type ? md->mime_type : "");
	tb_text(b, line, indent, TH_MEDIA, TL_BODY);
	tb_text(b, m->caption, indent, TH_NORMAL, TL_BODY);
}

static void
tb_body(struct tb *b, const struct td_message *m, size_t indent, int style)
{
	char line[1024];
	const struct td_location *loc = m->location;

	switch (m->kind) {
	case TD_KIND_TEXT:
		tb_text(b, m->text, indent, style, TL_BODY);
		break;
	case TD_KIND_IMAGE:
	case TD_KIND_VIDEO:
	case TD_KIND_AUDIO:
	case TD_KIND_DOCUMENT:
	case TD_KIND_STICKER:
		tb_media(b, m, indent);
		break;
	case TD_KIND_LOCATION:
		if (loc != NULL)
			snprintf(line, sizeof line, "[location] %.5f, %.5f%s%s%s%s",
			    loc->latitude, loc->longitude, loc->name ? " · " : "",
			    loc->name ? loc->name : "", loc->address ? " · " : "",
			    loc->address ? loc->address : "");
		else
			snprintf(line, sizeof line, "[location] %s",
			    m->text ? m->text : "(no coordinates)");
		tb_text(b, line, indent, TH_MEDIA, TL_BODY);
		break;
	case TD_KIND_CONTACTS:
		tb_text(b, "[contact card]", indent, TH_MEDIA, TL_BODY);
		tb_text(b, m->text, indent + 2, style, TL_BODY);
		break;
	case TD_KIND_INTERACTIVE:
	case TD_KIND_BUTTON:
		snprintf(line, sizeof line, "[%s] %s", m->kind == TD_KIND_BUTTON ?
		    "button" : "reply", m->text ? m->text : "");
		tb_text(b, line, indent, style, TL_BODY);
		break;
	case TD_KIND_TEMPLATE:
		snprintf(line, sizeof line, "[template] %s", m->text ? m->text : "");
		tb_text(b, line, indent, style, TL_BODY);
		break;
	case TD_KIND_UNSUPPORTED:
	case TD_KIND_REACTION:
		snprintf(line, sizeof line, "[unsupported message]%s%s",
		    m->text ? " " : "", m->text ? m->text : "");
		tb_text(b, line, indent, TH_SYSTEM, TL_BODY);
		break;
	}
}

static void
tb_reactions(struct tb *b, const struct td_msg *tm, size_t indent)
{
	char line[1024];
	size_t i, used = 0;
	int w;

	if (tm->n_reactions == 0)
		return;
	line[0] = '\0';
	for (i = 0; i < tm->n_reactions && used < sizeof line - 1; i++) {
		const struct td_reaction *r = &tm->reactions[i];
		const char *who = r->from ? r->from : "";
		const struct td_contact *ct = &b->c->contact;
		if (b->ctx->self && strcmp(who, b->ctx->self) == 0)
			who = "you";
		else if (((ct->wa_id && strcmp(who, ct->wa_id) == 0) ||
		    (ct->user_id && strcmp(who, ct->user_id) == 0)) &&
		    contact_display_name(ct) != NULL)
			who = contact_display_name(ct);
		w = snprintf(line + used, sizeof line - used, "%s%s %s",
		    i ? "  " : "", r->emoji ? r->emoji : "", who);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	tb_text(b, line, indent, TH_REACTION, TL_REACTIONS);
}

static void
tb_message(struct tb *b, size_t idx)
{
	const struct td_msg *tm = b->c->messages[idx];
	const struct td_message *m = &tm->m;
	size_t indent = 0, out_indent = b->width >= 60 ? 8 : b->width / 8;
	int style = TH_NORMAL;
	char err[512];

	if (m->kind == TD_KIND_REACTION)
		return; /* shown under the message it reacts to */
	b->msg = (long)idx;
	b->cu->first_line[idx] = (long)b->cu->n_lines;
	if (m->direction != TD_DIR_IN)
		indent = out_indent;
	if (m->direction == TD_DIR_NOTE)
		style = TH_NOTE;
	tb_header(b, tm, indent);
	if (m->reply_to != NULL && *m->reply_to != '\0')
		tb_quote(b, m, indent + 2);
	tb_text(b, m->annotation, indent + 2, TH_QUOTE, TL_BODY);
	tb_body(b, m, indent + 2, style);
	tb_reactions(b, tm, indent + 2);
	if (m->status == TD_MS_FAILED) {
		snprintf(err, sizeof err, "%s failed: %s%s%s", b->ctx->utf8 ? "✗" :
		    "x", m->error.title ? m->error.title : "not delivered",
		    m->error.details ? " — " : "",
		    m->error.details ? m->error.details : "");
		tb_text(b, err, indent + 2, TH_FAILED, TL_ERROR);
	}
	b->cu->last_line[idx] = (long)b->cu->n_lines - 1;
}

static int
same_day(int64_t a, int64_t b)
{
	struct tm ta, tb;
	time_t x = (time_t)a, y = (time_t)b;

	if (localtime_r(&x, &ta) == NULL || localtime_r(&y, &tb) == NULL)
		return 0;
	return ta.tm_year == tb.tm_year && ta.tm_yday == tb.tm_yday;
}

static void
tb_sys(struct tb *b, const struct sysline *s)
{
	char line[600], hhmm[16];
	struct tm tm;
	time_t t = (time_t)s->ts;

	if (localtime_r(&t, &tm) == NULL || strftime(hhmm, sizeof hhmm,
	    "%H:%M", &tm) == 0)
		snprintf(hhmm, sizeof hhmm, "--:--");
	b->msg = -1;
	snprintf(line, sizeof line, "%s %s %s", b->ctx->utf8 ? "·" : "-", hhmm,
	    s->text);
	tb_text(b, line, 2, TH_SYSTEM, TL_SYSTEM);
}

int
thread_build(struct convui *cu, const struct td_conversation *c,
    const struct thread_ctx *ctx, size_t width)
{
	struct tb b;
	size_t i, k = 0;
	int64_t last_ts = -1, ts;
	struct aline *blank;

	convui_free_lines(cu);
	memset(&b, 0, sizeof b);
	b.cu = cu;
	b.c = c;
	b.ctx = ctx;
	b.width = width > 4 ? width : 4;
	cu->n_msgs = c->n_messages;
	cu->first_line = malloc((c->n_messages + 1) * sizeof(long));
	cu->last_line = malloc((c->n_messages + 1) * sizeof(long));
	if (cu->first_line == NULL || cu->last_line == NULL)
		goto fail;
	for (i = 0; i < c->n_messages; i++)
		cu->first_line[i] = cu->last_line[i] = -1;
	/* Messages and system lines merged by time. */
	for (i = 0; i < c->n_messages || k < cu->n_sys;) {
		bool take_sys = k < cu->n_sys && (i == c->n_messages ||
		    cu->sys[k].ts < c->messages[i]->ts);
		ts = take_sys ? cu->sys[k].ts : c->messages[i]->ts;
		if (!take_sys && c->messages[i]->m.kind == TD_KIND_REACTION) {
			i++;
			continue;
		}
		if (last_ts < 0 || !same_day(last_ts, ts))
			tb_day(&b, ts);
		else if (!take_sys) {
			b.msg = -1;
			if ((blank = tb_line(&b, TL_BLANK)) == NULL)
				goto fail;
		}
		last_ts = ts;
		if (take_sys)
			tb_sys(&b, &cu->sys[k++]);
		else
			tb_message(&b, i++);
		if (b.oom)
			goto fail;
	}
	/* Headers and marks may not fit a very narrow pane. */
	for (i = 0; i < cu->n_lines; i++)
		aline_truncate(&cu->lines[i], b.width);
	cu->built_width = b.width;
	return 0;
fail:
	convui_free_lines(cu);
	return -1;
}
