/* Pictures of image messages, fetched and rendered once (pictures.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ttydesk/event.h"
#include "app.h"
#include "imgdecode.h"
#include "net.h"
#include "pictures.h"

enum pic_state { PIC_LOADING = 0, PIC_READY, PIC_FAILED };

struct pic_entry {
	char *media_id;
	char *conv;
	enum pic_state state;
	struct picture_spec spec;
	struct picture pic;
	uint64_t used;       /* last asked, for eviction */
};

struct pictures {
	struct pic_entry *e[PICTURES_MAX];
	size_t n;
	uint64_t clock;
	uint32_t last_id;    /* kitty image ids handed out */
	size_t gfx_bytes;    /* of all pictures' gfx */
};

/* What a completed download needs: no pointer into the table, which may
 * have changed (or be gone) by then. */
struct pic_req {
	char *media_id;
};

static void
entry_free(struct pic_entry *e)
{
	if (e == NULL)
		return;
	picture_free(&e->pic);
	free(e->media_id);
	free(e->conv);
	free(e);
}

static struct pic_entry *
entry_find(struct pictures *ps, const char *media_id, size_t *at)
{
	size_t i;

	for (i = 0; ps != NULL && i < ps->n; i++) {
		if (strcmp(ps->e[i]->media_id, media_id) == 0) {
			if (at != NULL)
				*at = i;
			return ps->e[i];
		}
	}
	return NULL;
}

static void
conv_changed(struct app *app, const char *conv)
{
	if (app->view_ops != NULL && app->view_ops->conv_changed != NULL)
		app->view_ops->conv_changed(app, conv);
	app_redraw(app, APP_REDRAW_THREAD);
}

/* Room for one more: drops the least recently used picture that is not
 * loading.  0, or -1 when all are loading. */
static int
pictures_make_room(struct app *app, struct pictures *ps)
{
	struct pic_entry *old;
	size_t i, victim = PICTURES_MAX;

	if (ps->n < PICTURES_MAX)
		return 0;
	for (i = 0; i < ps->n; i++) {
		if (ps->e[i]->state != PIC_LOADING && (victim == PICTURES_MAX ||
		    ps->e[i]->used < ps->e[victim]->used))
			victim = i;
	}
	if (victim == PICTURES_MAX)
		return -1;
	old = ps->e[victim];
	ps->e[victim] = ps->e[--ps->n];
	ps->gfx_bytes -= old->pic.gfx_len;
	/* Its lines point into it: rebuilt before the next draw. */
	conv_changed(app, old->conv);
	entry_free(old);
	return 0;
}

int
pictures_wanted(const struct td_media *md)
{
	const char *p;

	if (md == NULL || md->id == NULL || *md->id == '\0' ||
	    md->mime_type == NULL || strlen(md->id) > 256)
		return 0;
	if (!imgdecode_takes(md->mime_type))
		return 0;
	if (md->size > (int64_t)IMGDECODE_MAX_BYTES)
		return 0;
	/* Goes into a request path unescaped. */
	for (p = md->id; *p != '\0'; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		    *p == '-'))
			return 0;
	}
	return 1;
}

/* Within PICTURES_GFX_MAX: the least recently used pictures other than
 * keep lose their graphics (their thread redraws them in symbols). */
static void
pictures_trim_gfx(struct app *app, struct pictures *ps,
    const struct pic_entry *keep)
{
	struct pic_entry *v;
	size_t i;

	while (ps->gfx_bytes > PICTURES_GFX_MAX) {
		for (v = NULL, i = 0; i < ps->n; i++)
			if (ps->e[i] != keep && ps->e[i]->pic.gfx != NULL &&
			    (v == NULL || ps->e[i]->used < v->used))
				v = ps->e[i];
		if (v == NULL)
			return;
		ps->gfx_bytes -= v->pic.gfx_len;
		free(v->pic.gfx);
		v->pic.gfx = NULL;
		v->pic.gfx_len = 0;
		conv_changed(app, v->conv);
	}
}

/* Draw bytes into e (rendering happens here, once per picture, never
 * while drawing: the thread only copies the cells). */
static int
entry_render(struct app *app, struct pictures *ps, struct pic_entry *e,
    const unsigned char *bytes, size_t len, char *err, size_t errlen)
{
	const struct picture_spec *sp = &e->spec;

	ps->gfx_bytes -= e->pic.gfx_len;
	picture_free(&e->pic);
	e->state = PIC_FAILED;
	if (picture_render(bytes, len, sp->max_cols, sp->max_rows, sp->pal,
	    &e->pic, err, errlen) != 0)
		return -1;
	/* The graphics take the cells the symbols would: the thread's
	 * lines are the same either way.  Without them, symbols. */
	if (sp->how != PICTURE_OUT_SYMBOLS)
		e->pic.gfx = picture_print(bytes, len, e->pic.cols, e->pic.rows,
		    sp->how, sp->pal, sp->cell_w, sp->cell_h, &e->pic.gfx_len,
		    err, errlen);
	ps->gfx_bytes += e->pic.gfx_len;
	pictures_trim_gfx(app, ps, e);
	if (++ps->last_id == 0)
		ps->last_id = 1;
	e->pic.id = ps->last_id;
	e->state = PIC_READY;
	return 0;
}

static void
pictures_fetched(struct app *app, void *ud, long status, const char *body,
    size_t len, const char *err)
{
	struct pic_req *rq = ud;
	struct pic_entry *e = entry_find(app->pictures, rq->media_id, NULL);
	char why[256];

	(void)err;
	if (e != NULL && e->state == PIC_LOADING) {
		e->state = PIC_FAILED;
		if (status == 200)
			entry_render(app, app->pictures, e,
			    (const unsigned char *)body, len, why, sizeof why);
		conv_changed(app, e->conv);
	}
	free(rq->media_id);
	free(rq);
}

static void
pictures_fetch(struct app *app, struct pic_entry *e)
{
	char path[1024], base[900], err[256];
	struct pic_req *rq = calloc(1, sizeof *rq);

	e->state = PIC_FAILED;
	if (rq == NULL || (rq->media_id = strdup(e->media_id)) == NULL ||
	    net_conv_path(base, sizeof base, e->conv, "/media/") == NULL ||
	    snprintf(path, sizeof path, "%s%s", base, e->media_id) >=
	    (int)sizeof path)
		goto fail;
	e->state = PIC_LOADING;
	if (app_get(app, path, pictures_fetched, rq, err, sizeof err) != 0) {
		e->state = PIC_FAILED;
		goto fail;
	}
	return;
fail:
	if (rq != NULL)
		free(rq->media_id);
	free(rq);
}

/* The entry of md_id, made (loading) when new; NULL when out of room. */
static struct pic_entry *
entry_get(struct app *app, const char *conv, const char *md_id,
    const struct picture_spec *spec, bool *made)
{
	struct pictures *ps = app->pictures;
	struct pic_entry *e;

	*made = false;
	if (ps == NULL && (ps = app->pictures = calloc(1, sizeof *ps)) == NULL)
		return NULL;
	if ((e = entry_find(ps, md_id, NULL)) != NULL)
		return e;
	if (pictures_make_room(app, ps) != 0 ||
	    (e = calloc(1, sizeof *e)) == NULL)
		return NULL;
	if ((e->media_id = strdup(md_id)) == NULL ||
	    (e->conv = strdup(conv)) == NULL) {
		entry_free(e);
		return NULL;
	}
	e->spec = *spec;
	ps->e[ps->n++] = e;
	*made = true;
	return e;
}

const struct picture *
pictures_get(struct app *app, const char *conv, const struct td_media *md,
    const struct picture_spec *spec)
{
	struct pic_entry *e;
	bool made;

	if (!pictures_wanted(md) || conv == NULL || spec->max_cols < 4 ||
	    spec->max_rows < 1)
		return NULL;
	/* Without a relay only what is there already (pictures_put). */
	if (app->net == NULL && entry_find(app->pictures, md->id, NULL) ==
	    NULL)
		return NULL;
	if ((e = entry_get(app, conv, md->id, spec, &made)) == NULL)
		return NULL;
	if (made)
		pictures_fetch(app, e);
	e->used = ++app->pictures->clock;
	if (e->state != PIC_READY || e->pic.cols > spec->max_cols)
		return NULL;
	return &e->pic;
}

int
pictures_put(struct app *app, const char *conv, const char *media_id,
    const unsigned char *bytes, size_t len, const struct picture_spec *spec,
    char *err, size_t errlen)
{
	struct pic_entry *e;
	bool made;

	if ((e = entry_get(app, conv, media_id, spec, &made)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	e->spec = *spec;
	e->used = ++app->pictures->clock;
	if (entry_render(app, app->pictures, e, bytes, len, err, errlen) != 0)
		return -1;
	conv_changed(app, e->conv);
	return 0;
}

void
pictures_free(struct app *app)
{
	struct pictures *ps = app->pictures;
	size_t i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->n; i++)
		entry_free(ps->e[i]);
	free(ps);
	app->pictures = NULL;
}
