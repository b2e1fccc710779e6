/*
 * The contact panel (C): who the customer is, the team's shared note and
 * attributes, and their earlier conversations.  Two GETs into a private
 * temporary folder (GET /v1/contacts/{id}, then .../conversations), then a
 * pick list: an earlier conversation shows its transcript read-only, "edit
 * the note" posts {"note"} through the outbox.  The path id is the phone
 * (wa_id) or, for a customer without one, the BSUID (the relay accepts
 * both).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ttydesk/freeall.h"
#include "ttydesk/model.h"
#include "ttydesk/sanitize.h"
#include "actions.h"
#include "app.h"
#include "numbers.h"
#include "dialog.h"
#include "keymap.h"
#include "team.h"
#include "ui.h"
#include "contactpanel.h"
#include "listrow.h"

#define CP_MAX_ITEMS 64

enum cp_kind { CP_INFO = 0, CP_NOTE, CP_CONV };

struct cpanel {
	char *conv;      /* conversation the panel was opened from */
	char *wa_id;
	char *user_id;
	char dir[512];
	char file[600];
	int step;        /* 0: contact, 1: its conversations */
	json_t *contact; /* the snapshot's "contact" object, or NULL */
	json_t *convs;   /* "conversations" array, or NULL */
	enum cp_kind kind[CP_MAX_ITEMS];
	char *conv_of[CP_MAX_ITEMS];
};

static void
cp_free(struct cpanel *cp)
{
	size_t i;

	if (cp == NULL)
		return;
	if (cp->file[0] != '\0')
		unlink(cp->file);
	if (cp->dir[0] != '\0')
		rmdir(cp->dir);
	for (i = 0; i < CP_MAX_ITEMS; i++)
		free(cp->conv_of[i]);
	json_decref(cp->contact);
	json_decref(cp->convs);
	FREE_ALL(cp->conv, cp->wa_id, cp->user_id);
	free(cp);
}

static const char *
cp_str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

/* The snapshot's field, else the model's copy (a field the relay did not
 * send is unknown: never made up). */
static const char *
cp_field(const struct cpanel *cp, const char *key, const char *model)
{
	const char *s = cp_str(cp->contact, key);

	if (s != NULL)
		return s;
	return model != NULL && *model != '\0' ? model : NULL;
}

static void
cp_when(char *buf, size_t len, int64_t ts)
{
	time_t t = (time_t)ts;
	struct tm tm;

	if (ts <= 0 || localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "?");
}

static const char *
cp_attr(const char *v, char *buf, size_t len)
{
	snprintf(buf, len, ": %s", v != NULL ? v : "");
	return buf;
}

static void cp_picked(struct app *app, void *ud, int index);

static int
cp_add(struct cpanel *cp, char **items, size_t *n, enum cp_kind kind,
    const char *conv, const char *label, const char *a, const char *b)
{
	char line[1024];

	if (*n >= CP_MAX_ITEMS)
		return 0;
	snprintf(line, sizeof line, "%s%s%s", label, a ? a : "", b ? b : "");
	if ((items[*n] = strdup(line)) == NULL)
		return -1;
	if (conv != NULL && (cp->conv_of[*n] = strdup(conv)) == NULL) {
		free(items[*n]);
		items[*n] = NULL;
		return -1;
	}
	cp->kind[*n] = kind;
	(*n)++;
	return 0;
}

static int
cp_items(struct app *app, struct cpanel *cp, char **items, size_t *n)
{
	const struct td_conversation *c = model_find(app->model, cp->conv);
	const struct td_contact *mc = c != NULL ? &c->contact : NULL;
	const char *s, *key;
	char value[512];
	json_t *attrs, *v, *e;
	size_t i;
	int rc = 0;

	if ((s = cp_field(cp, "name", mc ? mc->name : NULL)) != NULL)
		rc |= cp_add(cp, items, n, CP_INFO, NULL, "name: ", s, NULL);
	if ((s = cp_field(cp, "username", mc ? mc->username : NULL)) != NULL)
		rc |= cp_add(cp, items, n, CP_INFO, NULL, "username: @", s,
		    NULL);
	if ((s = cp_field(cp, "wa_id", mc ? mc->wa_id : NULL)) != NULL)
		rc |= cp_add(cp, items, n, CP_INFO, NULL, "phone: +", s, NULL);
	if ((s = cp_field(cp, "user_id", mc ? mc->user_id : NULL)) != NULL)
		rc |= cp_add(cp, items, n, CP_INFO, NULL, "BSUID: ", s, NULL);
	s = cp_field(cp, "note", mc ? mc->note : NULL);
	rc |= cp_add(cp, items, n, CP_NOTE, NULL, "note: ", s ? s :
	    "(none)", "   [Enter: edit]");
	attrs = json_object_get(cp->contact, "attributes");
	if (json_is_object(attrs)) {
		json_object_foreach(attrs, key, v)
			rc |= cp_add(cp, items, n, CP_INFO, NULL, "- ", key,
			    cp_attr(json_string_value(v), value, sizeof value));
	} else if (mc != NULL) {
		for (i = 0; i < mc->n_attributes; i++)
			rc |= cp_add(cp, items, n, CP_INFO, NULL, "- ",
			    mc->attributes[i].key, cp_attr(mc->attributes[i].value,
			    value, sizeof value));
	}
	json_array_foreach(cp->convs, i, e) {
		const char *id = json_string_value(json_object_get(e, "id"));
		const char *st = json_string_value(json_object_get(json_object_get(
		    e, "state"), "status"));
		const struct app_number *num = numbers_several(app) ?
		    numbers_find(app, json_string_value(json_object_get(
		    json_object_get(e, "state"), "number"))) : NULL;
		char first[32], last[32], line[200];

		if (id == NULL)
			continue;
		cp_when(first, sizeof first, (int64_t)json_integer_value(
		    json_object_get(e, "first_ts")));
		cp_when(last, sizeof last, (int64_t)json_integer_value(
		    json_object_get(e, "last_ts")));
		snprintf(line, sizeof line, ": %s%.40s%s%s %s - %s%s",
		    num ? "[" : "", num ? num->name : "", num ? "] " : "",
		    st ? st : "?", first, last, strcmp(id, cp->conv) == 0 ?
		    " (this one)" : "");
		rc |= cp_add(cp, items, n, CP_CONV, id, "conversation ", id, line);
	}
	return rc;
}

static void
cp_show(struct app *app, struct cpanel *cp)
{
	char *items[CP_MAX_ITEMS] = { NULL }, title[256], *name;
	const struct td_conversation *c = model_find(app->model, cp->conv);
	const char *dn = c != NULL ? conversation_display_name(c) : cp->wa_id ?
	    cp->wa_id : cp->user_id ? cp->user_id : "";
	size_t n = 0, i;
	int rc;

	name = sanitize_text(dn, strlen(dn), SANITIZE_SINGLE_LINE);
	snprintf(title, sizeof title, "Contact %s", name ? name : "");
	free(name);
	rc = cp_items(app, cp, items, &n);
	if (rc != 0) {
		app_error(app, "contact: out of memory");
		cp_free(cp);
	} else if (dialog_choose(app, title, (const char *const *)items, n,
	    cp_picked, cp) != 0) {
		/* dialog.c said why (another dialog is open, memory). */
		cp_free(cp);
	} else if (!app->msg_error) {
		app_message(app, "contact: Enter on the note edits it, on a "
		    "conversation shows it");
	}
	for (i = 0; i < n; i++)
		free(items[i]);
}

/* An earlier conversation's thread, read-only: a transcript in a box. */
static void
cp_transcript(struct app *app, const char *id)
{
	const struct td_conversation *c = model_find(app->model, id);
	char *text = NULL, when[32], title[160];
	size_t len = 0, cap = 0, i, from;

	snprintf(title, sizeof title, "Conversation %s (read-only)", id);
	if (c == NULL || c->n_messages == 0) {
		dialog_notice(app, title, "Not in this inbox's cache: its "
		    "messages are not shown.");
		return;
	}
	from = c->n_messages > 40 ? c->n_messages - 40 : 0;
	for (i = from; i < c->n_messages; i++) {
		const struct td_msg *m = c->messages[i];
		char *sum, line[1400];
		size_t ln;

		if (m->m.kind == TD_KIND_REACTION)
			continue;
		if ((sum = ui_message_summary(&m->m)) == NULL)
			break;
		cp_when(when, sizeof when, m->ts);
		ln = (size_t)snprintf(line, sizeof line, "%s %s: %s\n", when,
		    m->m.direction == TD_DIR_IN ? "customer" :
		    m->m.direction == TD_DIR_NOTE ? "note" : "agent", sum);
		free(sum);
		if (ln >= sizeof line)
			ln = sizeof line - 1;
		if (len + ln + 1 > cap) {
			char *t = realloc(text, cap = (len + ln + 1) * 2);

			if (t == NULL)
				break;
			text = t;
		}
		memcpy(text + len, line, ln + 1);
		len += ln;
	}
	dialog_notice(app, title, text != NULL ? text : "(no messages)");
	free(text);
}

static void
cp_note_done(struct app *app, void *ud, const char *text)
{
	struct cpanel *cp = ud;

	if (text != NULL)
		contact_note(app, cp->wa_id, cp->user_id, text);
	cp_free(cp);
}

static void
cp_picked(struct app *app, void *ud, int index)
{
	struct cpanel *cp = ud;
	const char *note;

	if (index < 0 || index >= CP_MAX_ITEMS || cp->kind[index] == CP_INFO) {
		cp_free(cp);
		return;
	}
	if (cp->kind[index] == CP_CONV) {
		cp_transcript(app, cp->conv_of[index]);
		cp_free(cp);
		return;
	}
	note = cp_str(cp->contact, "note");
	if (note == NULL) {
		const struct td_conversation *c = model_find(app->model, cp->conv);

		note = c != NULL ? c->contact.note : NULL;
	}
	if (dialog_prompt(app, "team note: ", note ? note : "", NULL,
	    cp_note_done, cp) != 0)
		cp_free(cp);
}

static int cp_fetch(struct app *app, struct cpanel *cp);

static void
cp_fetched(struct app *app, void *ud, long status, const char *body,
    size_t len, const char *err)
{
	struct cpanel *cp = ud;
	json_t *doc = NULL;
	json_error_t je;

	(void)body;
	(void)len;
	if (status == 0 && err != NULL && strcmp(err, "cancelled") == 0) {
		cp_free(cp);
		return;
	}
	if (status == 200)
		doc = json_load_file(cp->file, 0, &je);
	unlink(cp->file);
	cp->file[0] = '\0';
	if (status != 200)
		app_error(app, "contact: %s", status ? "the relay refused (HTTP "
		    "error)" : err ? err : "no answer");
	if (cp->step == 0) {
		cp->contact = json_incref(json_object_get(doc, "contact"));
		json_decref(doc);
		cp->step = 1;
		if (cp_fetch(app, cp) != 0)
			cp_show(app, cp);
		return;
	}
	cp->convs = json_incref(json_object_get(doc, "conversations"));
	if (!json_is_array(cp->convs)) {
		json_decref(cp->convs);
		cp->convs = NULL;
	}
	json_decref(doc);
	cp_show(app, cp);
}

static int
cp_fetch(struct app *app, struct cpanel *cp)
{
	char path[512], err[256];

	if (contact_path(path, sizeof path, cp->wa_id, cp->user_id,
	    cp->step == 0 ? "" : "/conversations") == NULL) {
		app_error(app, "contact: id too long");
		return -1;
	}
	snprintf(cp->file, sizeof cp->file, "%s/%s", cp->dir, cp->step == 0 ?
	    "contact.json" : "conversations.json");
	if (app_get_file(app, path, cp->file, cp_fetched, cp, err,
	    sizeof err) != 0) {
		app_error(app, "contact: %s", err);
		cp->file[0] = '\0';
		return -1;
	}
	return 0;
}

int
contact_panel(struct app *app)
{
	struct td_conversation *c = action_target(app);
	const char *rt = getenv("XDG_RUNTIME_DIR");
	struct cpanel *cp;

	if (c == NULL)
		return UI_HANDLED;
	if ((c->contact.wa_id == NULL || *c->contact.wa_id == '\0') &&
	    (c->contact.user_id == NULL || *c->contact.user_id == '\0')) {
		app_message(app, "contact: no phone or BSUID known yet");
		return UI_HANDLED;
	}
	if ((cp = calloc(1, sizeof *cp)) == NULL ||
	    (cp->conv = strdup(c->id)) == NULL ||
	    (c->contact.wa_id && (cp->wa_id = strdup(c->contact.wa_id)) == NULL) ||
	    (c->contact.user_id && (cp->user_id = strdup(c->contact.user_id))
	    == NULL)) {
		app_error(app, "contact: out of memory");
		cp_free(cp);
		return UI_HANDLED;
	}
	snprintf(cp->dir, sizeof cp->dir, "%s/ttydesk-contact-XXXXXX",
	    rt && *rt ? rt : "/tmp");
	if (mkdtemp(cp->dir) == NULL) {
		cp->dir[0] = '\0';
		app_error(app, "contact: cannot make a private temporary folder");
		cp_free(cp);
		return UI_HANDLED;
	}
	if (cp_fetch(app, cp) != 0) {
		/* No relay: what the model knows is still worth showing. */
		cp_show(app, cp);
		return UI_HANDLED;
	}
	app_message(app, "loading the contact ...");
	return UI_HANDLED;
}
