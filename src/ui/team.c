/* SLA sort toggle (the list rows and title come from sla.c). */
#include "app.h"
#include "keymap.h"
#include "team.h"
#include "ui.h"
#include "queues.h"

int
team_sla_sort(struct app *app)
{
	struct ui *ui = ui_of(app);

	ui->sla_sort = !ui->sla_sort;
	queues_list_rebuild(app);
	ui->list.dirty = true;
	app_message(app, ui->sla_sort ? "sorted by SLA: breached, then soonest "
	    "due" : "sorted by activity");
	return UI_HANDLED;
}
