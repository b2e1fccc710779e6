/* The conversation list view. */
#include <curses.h>
#include <stdlib.h>

#include "app.h"
#include "numbers.h"
#include "bulk.h"
#include "theme.h"
#include "ui.h"
#include "listview.h"
#include "listrow.h"

static void
list_draw_row(struct app *app, struct view *v, size_t i, struct aline *l)
{
	struct ui *ui = ui_of(app);
	struct row_ctx ctx = { app->now, app->self_id, ui->utf8,
	    i == ui->sel && ui->n_items > 0 };
	int y = (int)(i - ui->top);

	if (i < ui->top || y >= v->h)
		return;
	if (i >= ui->n_items) {
		wmove(v->win, y, 0);
		wattr_set(v->win, (attr_t)ui->attr[TH_NORMAL], ui->pair[TH_NORMAL],
		    NULL);
		wclrtoeol(v->win);
		return;
	}
	list_format_row_number(l, ui->items[i], &ctx, (size_t)v->w,
	    numbers_conv_name(app, ui->items[i]));
	ui_draw_aline(app, v->win, y, 0, l, (size_t)v->w,
	    ui->items[i]->unread > 0 ? TH_UNREAD : TH_NORMAL);
	/* Bulk marks (bulk.h) take the cursor column. */
	if (bulk_count(app) > 0 && bulk_marked(app, ui->items[i]->id)) {
		wattr_set(v->win, (attr_t)ui->attr[TH_MARKER],
		    ui->pair[TH_MARKER], NULL);
		mvwaddstr(v->win, y, 0, i == ui->sel ? (ui->utf8 ? "▷" : "}") :
		    ui->utf8 ? "●" : "*");
	}
}

static void
list_draw(struct app *app, struct view *v)
{
	struct ui *ui = ui_of(app);
	struct aline l;
	size_t i;
	int k;

	aline_init(&l);
	if (v->dirty) {
		if (ui->sel < ui->top)
			ui->top = ui->sel;
		if (ui->sel >= ui->top + (size_t)v->h)
			ui->top = ui->sel - (size_t)v->h + 1;
		for (i = ui->top; i < ui->top + (size_t)v->h; i++)
			list_draw_row(app, v, i, &l);
		if (ui->n_items == 0) {
			aline_clear(&l);
			aline_adds(&l, TH_SYSTEM, "  no conversations in this queue");
			ui_draw_aline(app, v->win, 0, 0, &l, (size_t)v->w, TH_NORMAL);
		}
	} else {
		for (k = 0; k < 2; k++) {
			if (ui->dirty_rows[k] >= 0)
				list_draw_row(app, v, (size_t)ui->dirty_rows[k], &l);
		}
	}
	ui->dirty_rows[0] = ui->dirty_rows[1] = -1;
	v->dirty = false;
	aline_free(&l);
}

const struct view list_view = {
	.name = "list", .draw = list_draw, .resize = ui_view_resized,
};
