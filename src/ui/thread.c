/*
 * Thread lines: a conversation's messages and system lines as wrapped,
 * attributed lines.  Each message's lines are a block kept with a
 * signature of everything they show; a rebuild (the conversation changed)
 * wraps only the messages whose signature changed and re-assembles the
 * rest.  No curses here, so tests and benchmarks build lines directly.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "ttydesk/vec.h"
#include "picture.h"
#include "answer.h"
#include "convui.h"
#include "theme.h"
#include "ui.h"
#include "listrow.h"
#include "thread.h"

struct tb {
	const struct td_conversation *c;
	const struct thread_ctx *ctx;
	size_t width;
	struct aline_list *out; /* where lines go */
	int oom;
	/* wrap state */
	size_t indent;
	int style;
	int kind;
};

/* Separators in our own text: plain ASCII on a terminal without UTF-8. */
#define DOT(b) ((b)->ctx->utf8 ? " · " : " - ")

static void tb_sys(struct tb *b, const struct sysline *s);

/* Marked new: a customer's message after the read position (imported
 * past chats never are). */
static bool
tb_unread(const struct td_msg *tm, const struct thread_ctx *ctx)
{
	return message_counts_unread(&tm->m) && ctx->read_seq >= 0 &&
	    tm->seq > ctx->read_seq;
}

static struct aline *
tb_line(struct tb *b, int kind)
{
	struct aline *l = aline_list_add(b->out);

	if (l == NULL)
		b->oom = 1;
	else
		l->kind = kind;
	return l;
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
		snprintf(buf, len, "%s", *n ? n : m->from ? m->from : "customer");
		if (m->history)
			snprintf(buf + strlen(buf), len - strlen(buf), " (history)");
	} else if (message_from_app(m)) {
		snprintf(buf, len, "WhatsApp Business app");
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
	unread = tb_unread(tm, b->ctx) ? (b->ctx->utf8 ? "  ●" : "  *") : "";
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

/* A message's header indent: the agents' side sits to the right. */
static size_t
tb_indent(const struct td_message *m, size_t width)
{
	if (m->direction == TD_DIR_IN)
		return 0;
	return width >= 60 ? 8 : width / 8;
}

/* The picture of m that fits after indent, or NULL. */
static const struct picture *
tb_picture_of(const struct td_conversation *c, const struct thread_ctx *ctx,
    const struct td_message *m, size_t width, size_t indent)
{
	if (ctx->picture == NULL || m->media == NULL || width <= indent + 4 ||
	    (m->kind != TD_KIND_IMAGE && m->kind != TD_KIND_STICKER))
		return NULL;
	return ctx->picture(ctx->picture_ud, c->id, m, width - indent);
}

/* One line per row of the picture; the screen draws its cells over the
 * blanks (TL_PICTURE, tag: the row). */
static void
tb_picture(struct tb *b, const struct picture *p, size_t indent)
{
	struct aline *l;
	int y;

	for (y = 0; y < p->rows; y++) {
		if ((l = tb_line(b, TL_PICTURE)) == NULL)
			return;
		aline_pad(l, TH_NORMAL, indent + (size_t)p->cols);
		l->tag = (void *)&p->row_refs[y];
	}
}

static void
tb_media(struct tb *b, const struct td_message *m, size_t indent)
{
	const struct picture *pic = tb_picture_of(b->c, b->ctx, m, b->width,
	    indent);
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
	    *size ? DOT(b) : "", size, md && md->mime_type ? DOT(b) : "",
	    md && md->mime_type ? md->mime_type : "");
	tb_text(b, line, indent, TH_MEDIA, TL_BODY);
	if (pic != NULL)
		tb_picture(b, pic, indent);
	tb_text(b, m->caption, indent, TH_NORMAL, TL_BODY);
}

/* Buttons, list rows, forms and templates as structured lines. */
static void
tb_answer(struct tb *b, const struct td_message *m, size_t indent, int style)
{
	char *lines = answer_lines(m, b->ctx->utf8);

	if (lines == NULL) {
		b->oom = 1;
		return;
	}
	tb_text(b, lines, indent, style, TL_BODY);
	free(lines);
}

static void
tb_body(struct tb *b, const struct td_message *m, size_t indent, int style)
{
	char line[1024];
	const struct td_location *loc = m->location;

	if (m->interactive != NULL) {
		tb_answer(b, m, indent, style);
		return;
	}
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
			    loc->latitude, loc->longitude, loc->name ? DOT(b) : "",
			    loc->name ? loc->name : "", loc->address ? DOT(b) : "",
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
	case TD_KIND_TEMPLATE:
		tb_answer(b, m, indent, style);
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
		    *contact_display_name(ct) != '\0')
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
	size_t indent = tb_indent(m, b->width);
	int style = TH_NORMAL;
	char err[512];

	if (m->kind == TD_KIND_REACTION)
		return; /* shown under the message it reacts to */
	if (message_is_system(m)) {
		/* WhatsApp's notice (a changed number): no one's message. */
		struct sysline sl = { tm->ts, tm->seq, m->text };

		if (sl.text != NULL)
			tb_sys(b, &sl);
		return;
	}
	if (m->direction == TD_DIR_NOTE)
		style = TH_NOTE;
	tb_header(b, tm, indent);
	if (m->reply_to != NULL && *m->reply_to != '\0')
		tb_quote(b, m, indent + 2);
	tb_text(b, m->annotation, indent + 2, TH_QUOTE, TL_BODY);
	tb_body(b, m, indent + 2, style);
	tb_reactions(b, tm, indent + 2);
	if (m->status == TD_MS_FAILED) {
		snprintf(err, sizeof err, "%s failed: %s%s%s%s", b->ctx->utf8 ?
		    "✗" : "x", m->error.title ? m->error.title : "not delivered",
		    m->error.details ? (b->ctx->utf8 ? " — " : " - ") : "",
		    m->error.details ? m->error.details : "",
		    m->direction == TD_DIR_OUT && m->kind == TD_KIND_TEXT ?
		    "  (y: send again, E: edit)" : "");
		tb_text(b, err, indent + 2, TH_FAILED, TL_ERROR);
	}
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
	snprintf(line, sizeof line, "%s %s %s", b->ctx->utf8 ? "·" : "-", hhmm,
	    s->text);
	tb_text(b, line, 2, TH_SYSTEM, TL_SYSTEM);
}

/* --- message signatures ---------------------------------------------------- */

static uint64_t
sig_bytes(uint64_t h, const void *p, size_t len)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= s[i];
		h *= 1099511628211ull;
	}
	return h;
}

static uint64_t
sig_str(uint64_t h, const char *s)
{
	if (s == NULL)
		return sig_bytes(h, "\xff", 1);
	return sig_bytes(h, s, strlen(s) + 1);
}

static uint64_t
sig_int(uint64_t h, int64_t v)
{
	return sig_bytes(h, &v, sizeof v);
}

static uint64_t
sig_message(uint64_t h, const struct td_message *m)
{
	h = sig_str(h, m->id);
	h = sig_int(h, m->direction);
	h = sig_int(h, m->kind);
	h = sig_int(h, m->status);
	h = sig_str(h, m->from);
	h = sig_str(h, m->text);
	h = sig_str(h, m->caption);
	h = sig_str(h, m->agent);
	h = sig_str(h, m->reply_to);
	h = sig_str(h, m->error.title);
	h = sig_str(h, m->error.details);
	if (m->media != NULL) {
		h = sig_str(h, m->media->id);
		h = sig_str(h, m->media->filename);
		h = sig_str(h, m->media->mime_type);
		h = sig_int(h, m->media->size);
	}
	if (m->interactive != NULL) {
		h = sig_str(h, m->interactive->type);
		h = sig_str(h, m->interactive->title);
		h = sig_str(h, m->interactive->description);
		h = sig_str(h, m->interactive->fields);
	}
	if (m->location != NULL) {
		h = sig_bytes(h, &m->location->latitude, sizeof(double));
		h = sig_bytes(h, &m->location->longitude, sizeof(double));
		h = sig_str(h, m->location->name);
		h = sig_str(h, m->location->address);
	}
	return h;
}

/* Everything a message's lines show: the message, its reactions, the
 * message it quotes, the customer's name, who "you" is, the unread mark. */
static uint64_t
msg_sig(const struct td_conversation *c, size_t i, const struct thread_ctx *ctx,
    size_t width)
{
	const struct td_msg *tm = c->messages[i];
	const struct td_msg *q;
	uint64_t h = 1469598103934665603ull;
	size_t k;

	h = sig_message(h, &tm->m);
	h = sig_int(h, tm->ts);
	h = sig_int(h, tb_unread(tm, ctx));
	for (k = 0; k < tm->n_reactions; k++) {
		h = sig_str(h, tm->reactions[k].from);
		h = sig_str(h, tm->reactions[k].emoji);
	}
	if (tm->m.reply_to != NULL && *tm->m.reply_to != '\0') {
		q = conversation_find_message(c, tm->m.reply_to);
		h = q != NULL ? sig_message(h, &q->m) : sig_int(h, -1);
	}
	h = sig_str(h, contact_display_name(&c->contact));
	h = sig_str(h, c->contact.wa_id);
	h = sig_str(h, c->contact.user_id);
	h = sig_str(h, ctx->self);
	/* The picture arriving (or going) changes the lines. */
	h = sig_int(h, (int64_t)(uintptr_t)tb_picture_of(c, ctx, &tm->m, width,
	    tb_indent(&tm->m, width) + 2));
	return h | 1; /* 0 marks an empty slot */
}

/* --- assembly --------------------------------------------------------------- */

struct asm_state {
	struct convui *cu;
	size_t cap;
	int oom;
};

static void
asm_push(struct asm_state *a, const struct aline *l, long msg)
{
	struct convui *cu = a->cu;
	struct aline *nl;
	long *nm;
	size_t cap;

	if (cu->n_lines == a->cap) {
		cap = a->cap ? a->cap * 2 : 64;
		if ((nl = realloc(cu->lines, cap * sizeof *nl)) == NULL ||
		    (cu->lines = nl, (nm = realloc(cu->msg_of, cap * sizeof *nm))
		    == NULL)) {
			a->oom = 1;
			return;
		}
		cu->msg_of = nm;
		a->cap = cap;
	}
	cu->lines[cu->n_lines] = *l; /* a view: blocks/extras own the text */
	cu->msg_of[cu->n_lines] = msg;
	cu->n_lines++;
}

/* Lines added to extras since `from` go to the display, cut to width. */
static void
asm_extras(struct asm_state *a, struct aline_list *ex, size_t from, size_t width)
{
	size_t i;

	for (i = from; i < ex->n; i++) {
		aline_truncate(&ex->v[i], width);
		asm_push(a, &ex->v[i], -1);
	}
}

/* Old blocks by signature, for reuse. */
struct sigtab {
	size_t *slot; /* index + 1 into the old blocks, 0 empty */
	size_t mask;
};

static int
sigtab_init(struct sigtab *t, const struct tblock *old, size_t n)
{
	size_t cap = 16, i, j;

	while (cap < n * 2)
		cap *= 2;
	if ((t->slot = calloc(cap, sizeof *t->slot)) == NULL)
		return -1;
	t->mask = cap - 1;
	for (i = 0; i < n; i++) {
		if (old[i].sig == 0)
			continue;
		for (j = (size_t)old[i].sig & t->mask; t->slot[j] != 0;
		    j = (j + 1) & t->mask)
			;
		t->slot[j] = i + 1;
	}
	return 0;
}

static struct tblock *
sigtab_take(struct sigtab *t, struct tblock *old, uint64_t sig)
{
	size_t j;

	for (j = (size_t)sig & t->mask; t->slot[j] != 0; j = (j + 1) & t->mask) {
		struct tblock *b = &old[t->slot[j] - 1];
		if (b->sig == sig && b->lines != NULL)
			return b;
	}
	return NULL;
}

static void
blocks_free(struct tblock *v, size_t n)
{
	size_t i, k;

	for (i = 0; v != NULL && i < n; i++) {
		for (k = 0; k < v[i].n; k++)
			aline_free(&v[i].lines[k]);
		free(v[i].lines);
	}
	free(v);
}

/* Reuse or build the block of every message. */
static int
thread_blocks(struct convui *cu, const struct td_conversation *c,
    struct tb *b)
{
	struct tblock *old = cu->blocks, *nb, *hit;
	size_t n_old = cu->n_blocks, i, k;
	struct sigtab tab = { NULL, 0 };
	struct aline_list lv;

	if (cu->blocks_width != b->width || cu->blocks_utf8 != b->ctx->utf8) {
		blocks_free(old, n_old);
		old = NULL;
		n_old = 0;
	}
	cu->blocks = NULL;
	cu->n_blocks = 0;
	if ((nb = calloc(c->n_messages + 1, sizeof *nb)) == NULL ||
	    sigtab_init(&tab, old, n_old) != 0)
		goto fail;
	for (i = 0; i < c->n_messages; i++) {
		if (c->messages[i]->m.kind == TD_KIND_REACTION)
			continue;
		nb[i].sig = msg_sig(c, i, b->ctx, b->width);
		if ((hit = sigtab_take(&tab, old, nb[i].sig)) != NULL) {
			nb[i].lines = hit->lines;
			nb[i].n = hit->n;
			hit->lines = NULL;
			hit->n = 0;
			continue;
		}
		memset(&lv, 0, sizeof lv);
		b->out = &lv;
		tb_message(b, i);
		b->out = NULL; /* lv is this iteration's */
		if (b->oom) {
			aline_list_free(&lv);
			goto fail;
		}
		for (k = 0; k < lv.n; k++)
			aline_truncate(&lv.v[k], b->width);
		nb[i].lines = lv.v;
		nb[i].n = lv.n;
	}
	free(tab.slot);
	blocks_free(old, n_old);
	cu->blocks = nb;
	cu->n_blocks = c->n_messages;
	cu->blocks_width = b->width;
	cu->blocks_utf8 = b->ctx->utf8;
	return 0;
fail:
	free(tab.slot);
	blocks_free(old, n_old);
	blocks_free(nb, c->n_messages);
	return -1;
}

int
thread_build(struct convui *cu, const struct td_conversation *c,
    const struct thread_ctx *ctx, size_t width)
{
	struct tb b;
	struct asm_state a = { cu, 0, 0 };
	struct aline_list ex = { NULL, 0, 0 };
	struct aline blank;
	size_t i, k = 0, from, j;
	int64_t last_ts = -1, ts;

	convui_free_lines(cu);
	memset(&b, 0, sizeof b);
	b.c = c;
	b.ctx = ctx;
	b.width = width > 4 ? width : 4;
	if (thread_blocks(cu, c, &b) != 0)
		goto fail;
	cu->n_msgs = c->n_messages;
	cu->first_line = malloc((c->n_messages + 1) * sizeof(long));
	cu->last_line = malloc((c->n_messages + 1) * sizeof(long));
	if (cu->first_line == NULL || cu->last_line == NULL)
		goto fail;
	for (i = 0; i < c->n_messages; i++)
		cu->first_line[i] = cu->last_line[i] = -1;
	aline_init(&blank);
	blank.kind = TL_BLANK;
	b.out = &ex;
	/* Messages and system lines merged by time. */
	for (i = 0; i < c->n_messages || k < cu->n_sys;) {
		/* By time, then by log order (a message and the assignment
		 * that followed it often share a second). */
		bool take_sys = k < cu->n_sys && (i == c->n_messages ||
		    cu->sys[k].ts < c->messages[i]->ts ||
		    (cu->sys[k].ts == c->messages[i]->ts &&
		    cu->sys[k].seq < c->messages[i]->seq));
		ts = take_sys ? cu->sys[k].ts : c->messages[i]->ts;
		if (!take_sys && c->messages[i]->m.kind == TD_KIND_REACTION) {
			i++;
			continue;
		}
		from = ex.n;
		if (last_ts < 0 || !same_day(last_ts, ts))
			tb_day(&b, ts);
		else if (!take_sys)
			asm_push(&a, &blank, -1);
		last_ts = ts;
		if (take_sys) {
			tb_sys(&b, &cu->sys[k++]);
			asm_extras(&a, &ex, from, b.width);
		} else {
			asm_extras(&a, &ex, from, b.width);
			cu->first_line[i] = (long)cu->n_lines;
			for (j = 0; j < cu->blocks[i].n; j++)
				asm_push(&a, &cu->blocks[i].lines[j], (long)i);
			cu->last_line[i] = (long)cu->n_lines - 1;
			i++;
		}
		if (b.oom || a.oom)
			goto fail;
	}
	cu->extras = ex.v;
	cu->n_extras = ex.n;
	cu->built_width = b.width;
	return 0;
fail:
	aline_list_free(&ex);
	convui_free_built(cu);
	return -1;
}
