/* Pictures of image messages, fetched and rendered once (pictures.h). */
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
	int max_cols, max_rows;
	enum picture_palette pal;
	struct picture pic;
	uint64_t used;       /* last asked, for eviction */
};

struct pictures {
	struct pic_entry *e[PICTURES_MAX];
	size_t n;
	uint64_t clock;
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
		/* Rendering happens here, once per picture, never while
		 * drawing: the thread only copies the cells. */
		if (status == 200 && picture_render((const unsigned char *)body,
		    len, e->max_cols, e->max_rows, e->pal, &e->pic, why,
		    sizeof why) == 0)
			e->state = PIC_READY;
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

const struct picture *
pictures_get(struct app *app, const char *conv, const struct td_media *md,
    int max_cols, int max_rows, enum picture_palette pal)
{
	struct pictures *ps = app->pictures;
	struct pic_entry *e;

	if (!pictures_wanted(md) || conv == NULL || app->net == NULL ||
	    max_cols < 4 || max_rows < 1)
		return NULL;
	if (ps == NULL && (ps = app->pictures = calloc(1, sizeof *ps)) == NULL)
		return NULL;
	if ((e = entry_find(ps, md->id, NULL)) == NULL) {
		if (pictures_make_room(app, ps) != 0 ||
		    (e = calloc(1, sizeof *e)) == NULL)
			return NULL;
		if ((e->media_id = strdup(md->id)) == NULL ||
		    (e->conv = strdup(conv)) == NULL) {
			entry_free(e);
			return NULL;
		}
		e->max_cols = max_cols;
		e->max_rows = max_rows;
		e->pal = pal;
		ps->e[ps->n++] = e;
		pictures_fetch(app, e);
	}
	e->used = ++ps->clock;
	if (e->state != PIC_READY || e->pic.cols > max_cols)
		return NULL;
	return &e->pic;
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
