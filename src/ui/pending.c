/*
 * The outbox's entries as lines at the end of their thread: "◷ reply ·
 * queued, not sent yet (relay unreachable, try 2)" and the text, until
 * the relay's event replaces them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "app.h"
#include "convui.h"
#include "outbox.h"
#include "pending.h"
#include "theme.h"
#include "ui.h"


struct pending {
	struct convui *cu;
	size_t indent;
	size_t width;
	int style;
	int oom;
};

/* Lines are owned by cu->extras; cu->lines gets a view (convui.h). */
static void
pending_push(struct pending *L, struct aline *l)
{
	struct convui *cu = L->cu;
	struct aline *ne, *nl;
	long *nm;

	aline_truncate(l, L->width);
	if ((ne = realloc(cu->extras, (cu->n_extras + 1) * sizeof *ne)) == NULL)
		goto oom;
	cu->extras = ne;
	if ((nl = realloc(cu->lines, (cu->n_lines + 1) * sizeof *nl)) == NULL)
		goto oom;
	cu->lines = nl;
	if ((nm = realloc(cu->msg_of, (cu->n_lines + 1) * sizeof *nm)) == NULL)
		goto oom;
	cu->msg_of = nm;
	l->kind = TL_SYSTEM;
	cu->extras[cu->n_extras++] = *l;
	cu->lines[cu->n_lines] = *l;
	cu->msg_of[cu->n_lines++] = -1;
	return;
oom:
	aline_free(l);
	L->oom = 1;
}

static int
pending_wrap(void *ud, const char *s, size_t len)
{
	struct pending *L = ud;
	struct aline l;

	aline_init(&l);
	aline_pad(&l, TH_NORMAL, L->indent);
	aline_add(&l, L->style, s, len);
	pending_push(L, &l);
	return L->oom ? -1 : 0;
}

void
pending_lines(struct app *app, struct convui *cu,
    const struct td_conversation *c, size_t width)
{
	struct outbox *ob = app->outbox;
	struct pending L = { cu, 0, width, TH_SYSTEM, 0 };
	struct aline l;
	char st[400], head[600], *s;
	size_t i, indent = width >= 60 ? 8 : width / 8;

	for (i = 0; ob != NULL && i < ob->n && !L.oom; i++) {
		const struct ob_entry *e = ob->e[i];
		if (!outbox_pending_in(c, e))
			continue;
		obx_state_text(e, st, sizeof st);
		snprintf(head, sizeof head, "%s %s · %s",
		    ui_of(app)->utf8 ? "◷" : "..", e->what, st);
		if ((s = sanitize_text(head, strlen(head),
		    SANITIZE_SINGLE_LINE)) == NULL)
			break;
		aline_init(&l);
		aline_pad(&l, TH_NORMAL, indent);
		aline_add_fit(&l, e->kind == OBK_NOTE ? TH_NOTE :
		    TH_OUTBOUND, s, width > indent ? width - indent : 1);
		free(s);
		pending_push(&L, &l);
		if (e->text == NULL || (s = sanitize_text(e->text,
		    strlen(e->text), 0)) == NULL)
			continue;
		L.indent = indent + 2;
		L.style = e->kind == OBK_NOTE ? TH_NOTE : TH_SYSTEM;
		text_wrap(s, strlen(s), width > L.indent + 1 ? width - L.indent :
		    1, pending_wrap, &L);
		free(s);
	}
}
