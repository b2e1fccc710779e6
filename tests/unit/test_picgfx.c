/*
 * Inline thread pictures in the terminal's graphics, on the byte stream
 * curses and picgfx write: under kitty the picture follows the frame at
 * its cell with an image id and is deleted when it leaves the pane, a
 * dialog covers it or curses stops; under sixel a DCS q sequence follows
 * the frame at its cell, and a picture partly outside the pane is drawn
 * in symbols, never in sixel; symbols mode writes neither.
 */
#include <curses.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "app.h"
#include "appconfig.h"
#include "convui.h"
#include "dialog.h"
#include "picgfx.h"
#include "picture.h"
#include "pictures.h"
#include "threadview.h"
#include "ui.h"
#include "ui_fixture.h"

static char path[] = "/tmp/ttydesk-picgfx-XXXXXX";

struct rig {
	struct appconfig cfg;
	struct app app;
	FILE *fo, *fi;
	SCREEN *scr;
	long done;      /* bytes of the output already looked at */
};

/* The customer's photo: a 16 x 16 PNG of four coloured quadrants. */
static unsigned char *
photo(size_t *len)
{
	char fix[4096];

	snprintf(fix, sizeof fix, "%s/images/quadrants.png", check_env_dir(
	    "TTYDESK_FIXTURES_DIR", TTYDESK_SOURCE_DIR "/tests/fixtures"));
	return (unsigned char *)check_read_file(fix, len);
}

static int
rig_start(struct rig *r, enum picmode mode, int rows)
{
	long long now = (long long)time(NULL);
	struct picture_spec sp = { 40, 14, PICTURE_PALETTE_240,
	    mode == PICMODE_KITTY ? PICTURE_OUT_KITTY : mode == PICMODE_SIXEL ?
	    PICTURE_OUT_SIXEL : PICTURE_OUT_SYMBOLS, 10, 20 };
	char err[256], fix[4096];
	unsigned char *png;
	size_t len;
	int rc;

	memset(r, 0, sizeof *r);
	r->cfg.path = "test";
	r->cfg.images = true;
	r->cfg.image_mode = (int)mode;
	setenv("COLUMNS", "120", 1);
	snprintf(fix, sizeof fix, "%d", rows);
	setenv("LINES", fix, 1);
	r->fo = fopen(path, "w+");
	r->fi = fopen("/dev/null", "r");
	if (r->fo == NULL || r->fi == NULL)
		return -1;
	r->scr = newterm("xterm-256color", r->fo, r->fi);
	CHECK_INT(app_init(&r->app, &r->cfg, fx_model(now), err, sizeof err),
	    0);
	CHECK_INT(ui_init(&r->app, err, sizeof err), 0);
	r->app.now = now;
	r->app.self_id = strdup("alice");
	ui_start_term(&r->app, r->scr);
	ui_of(&r->app)->gfx.fd = fileno(r->fo);
	/* The photo as media m1 of c1, as a download brings it. */
	png = photo(&len);
	if (png == NULL)
		return -1;
	rc = pictures_put(&r->app, "c1", "m1", png, len, &sp, err, sizeof err);
	free(png);
	CHECK_INT(rc, 0);
	thread_open(&r->app, "c1");
	return rc;
}

static void
rig_stop(struct rig *r)
{
	app_free(&r->app);
	delscreen(r->scr);
	fclose(r->fo);
	fclose(r->fi);
}

/* What the terminal got since the last call (malloc'd, *len bytes). */
static char *
rig_new_output(struct rig *r, size_t *len)
{
	char *all, *out;
	size_t n = 0;

	fflush(r->fo);
	all = check_read_file(path, &n);
	if (all == NULL || (size_t)r->done > n) {
		free(all);
		*len = 0;
		return calloc(1, 1);
	}
	*len = n - (size_t)r->done;
	out = malloc(*len + 1);
	if (out != NULL) {
		memcpy(out, all + r->done, *len);
		out[*len] = '\0';
	}
	r->done = (long)n;
	free(all);
	return out;
}

/* Bytes of needle in hay (which may hold NULs): where, or NULL. */
static const char *
find(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; k <= n && i <= n - k; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return hay + i;
	return NULL;
}

/* The open thread's picture: its first line's screen cell; -1 when its
 * first row is not in the pane. */
static const struct picture *
rig_picture(struct rig *r, int *y, int *x)
{
	struct ui *ui = ui_of(&r->app);
	const struct convui *cu = convmap_find(ui->convs, "c1");
	size_t i;

	*y = *x = -1;
	for (i = 0; cu != NULL && i < cu->n_lines; i++) {
		const struct picture_row *pr = cu->lines[i].tag;
		if (cu->lines[i].kind != TL_PICTURE || pr == NULL || pr->y != 0)
			continue;
		if (i >= cu->top)
			*y = ui->thread.y + 1 + (int)(i - cu->top);
		*x = ui->thread.x + 1 + (int)(cu->lines[i].width -
		    (size_t)pr->pic->cols);
		return pr->pic;
	}
	return NULL;
}

/* "save cursor, cup to (y, x)" as xterm-256color spells them. */
static void
at_cell(char *buf, size_t len, int y, int x)
{
	snprintf(buf, len, "\0337\033[%d;%dH", y + 1, x + 1);
}

/* A frame: the picture's cell in *y, *x and what the terminal got. */
static const struct picture *
rig_frame(struct rig *r, int *y, int *x, char **out, size_t *n)
{
	const struct picture *p;

	ui_draw(&r->app);
	p = rig_picture(r, y, x);
	*out = rig_new_output(r, n);
	return p;
}

/* The thread drawn again: did the terminal get needle? */
static bool
rig_redraw_has(struct rig *r, const char *needle)
{
	char *out;
	size_t n;
	bool has;

	ui_of(&r->app)->thread.dirty = true;
	ui_draw(&r->app);
	out = rig_new_output(r, &n);
	has = find(out, n, needle) != NULL;
	free(out);
	return has;
}

static void
test_kitty(void)
{
	struct rig r;
	const struct picture *p;
	char want[128], del[64], *out;
	const char *at;
	size_t n;
	int y, x;

	if (rig_start(&r, PICMODE_KITTY, 24) != 0)
		return;
	/* The pane is shorter than the thread: at its end, all of the
	 * picture shows. */
	thread_edge(&r.app, 1);
	p = rig_frame(&r, &y, &x, &out, &n);
	CHECK(p != NULL && p->gfx != NULL && p->id != 0 && y > 0);
	if (p == NULL || y < 0) {
		free(out);
		rig_stop(&r);
		return;
	}
	/* After the frame: the cursor saved, moved to the picture's cell,
	 * kitty's command with the id, and the cursor restored last. */
	at_cell(want, sizeof want, y, x);
	snprintf(want + strlen(want), sizeof want - strlen(want),
	    "\033_Gi=%u,q=2,C=1,a=T,", (unsigned)p->id);
	at = find(out, n, want);
	CHECK(at != NULL);
	CHECK(n >= 2 && memcmp(out + n - 2, "\0338", 2) == 0);
	CHECK(find(out, n, "\033_Gm=0") != NULL);
	CHECK(find(out, n, "\033P") == NULL);
	free(out);
	/* The same frame again: nothing new is sent. */
	CHECK(!rig_redraw_has(&r, "\033_G"));

	/* A dialog over the thread: deleted, and not written again while
	 * the dialog is up. */
	snprintf(del, sizeof del, "\033_Ga=d,d=I,i=%u,q=2\033\\",
	    (unsigned)p->id);
	dialog_notice(&r.app, "note", "covering the thread");
	ui_draw(&r.app);
	out = rig_new_output(&r, &n);
	CHECK(find(out, n, del) != NULL);
	CHECK(find(out, n, "\033_Gi=") == NULL);
	free(out);
	CHECK(!rig_redraw_has(&r, "\033_G"));
	/* Closed: back at its cell. */
	ui_key(&r.app, KM_ENTER);
	CHECK(ui_of(&r.app)->dialog == NULL);
	CHECK(rig_redraw_has(&r, want));

	/* Scrolled back until its last row leaves the bottom of the pane:
	 * deleted, its rows drawn in symbols. */
	thread_scroll(&r.app, -(long)(ui_of(&r.app)->thread.y +
	    ui_of(&r.app)->thread.h - (y + p->rows) + 1));
	ui_draw(&r.app);
	rig_picture(&r, &y, &x);
	CHECK(y + p->rows > ui_of(&r.app)->thread.y + ui_of(&r.app)->thread.h);
	out = rig_new_output(&r, &n);
	CHECK(find(out, n, del) != NULL);
	CHECK(find(out, n, "\033_Gi=") == NULL);
	CHECK(find(out, n, "\xe2\x96") != NULL);
	free(out);
	/* Back at the bottom, then the thread closes with curses. */
	thread_edge(&r.app, 1);
	ui_draw(&r.app);
	out = rig_new_output(&r, &n);
	CHECK(find(out, n, "\033_Gi=") != NULL);
	free(out);
	ui_stop(&r.app);
	out = rig_new_output(&r, &n);
	CHECK(find(out, n, del) != NULL);
	free(out);
	rig_stop(&r);
}

static void
test_sixel(void)
{
	struct rig r;
	const struct picture *p;
	char want[128], *out;
	const char *at;
	size_t n;
	int y, x;

	if (rig_start(&r, PICMODE_SIXEL, 40) != 0)
		return;
	p = rig_frame(&r, &y, &x, &out, &n);
	CHECK(p != NULL && p->gfx != NULL && y > 0);
	if (p == NULL || y < 0) {
		free(out);
		rig_stop(&r);
		return;
	}
	at_cell(want, sizeof want, y, x);
	strcat(want, "\033P");
	at = find(out, n, want);
	CHECK(at != NULL);
	/* DCS P1;P2;P3 q: sixel data follows. */
	CHECK(at != NULL && memchr(at + strlen(want), 'q', 12) != NULL);
	CHECK(find(out, n, "\033_G") == NULL);
	CHECK(n >= 2 && memcmp(out + n - 2, "\0338", 2) == 0);
	free(out);
	/* Nothing changed, nothing drawn: not written again. */
	ui_draw(&r.app);
	out = rig_new_output(&r, &n);
	CHECK(find(out, n, "\033P") == NULL);
	free(out);
	rig_stop(&r);
}

/*
 * Symbols and no graphics at all: in symbols mode, and in sixel mode for
 * a pane too short for all of the picture (sixel cannot be cut at the
 * pane's edge).
 */
static void
test_symbols_only(void)
{
	static const struct {
		enum picmode mode;
		int rows;
	} cases[] = { { PICMODE_SIXEL, 9 }, { PICMODE_SYMBOLS, 40 } };
	struct rig r;
	const struct picture *p;
	char *out;
	size_t n, i;
	int y, x;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (rig_start(&r, cases[i].mode, cases[i].rows) != 0)
			return;
		p = rig_frame(&r, &y, &x, &out, &n);
		CHECK(p != NULL);
		if (p != NULL && cases[i].mode == PICMODE_SIXEL)
			CHECK(p->gfx != NULL &&
			    p->rows > ui_of(&r.app)->thread.h - 1);
		else if (p != NULL)
			CHECK(p->gfx == NULL && y > 0);
		CHECK(find(out, n, "\033_G") == NULL && find(out, n, "\033P") ==
		    NULL && find(out, n, "\xe2\x96") != NULL);
		free(out);
		ui_stop(&r.app);
		out = rig_new_output(&r, &n);
		CHECK(find(out, n, "\033_G") == NULL);
		free(out);
		rig_stop(&r);
	}
}

/* The graphics kept are bounded: big ones push the least recently used
 * picture's graphics out (it keeps its cells), never the newest. */
static void
test_gfx_bound(void)
{
	struct picture_spec big = { 40, 14, PICTURE_PALETTE_240,
	    PICTURE_OUT_KITTY, 100, 200 };
	char ids[3][8] = { "m1", "m2", "m3" }, mime[] = "image/png", err[256];
	struct td_media md = { NULL, mime, NULL, NULL, 100 };
	const struct picture *p[3];
	unsigned char *png;
	struct rig r;
	size_t len, i;

	if (rig_start(&r, PICMODE_KITTY, 40) != 0)
		return;
	png = photo(&len);
	for (i = 1; png != NULL && i < 3; i++)
		CHECK_INT(pictures_put(&r.app, "c1", ids[i], png, len, &big,
		    err, sizeof err), 0);
	free(png);
	for (i = 0; i < 3; i++) {
		md.id = ids[i];
		p[i] = pictures_get(&r.app, "c1", &md, &big);
		CHECK(p[i] != NULL && p[i]->cells != NULL);
	}
	/* m2 and m3 hold ~13 MB each: m1 (the oldest) and m2 lost theirs. */
	if (p[0] != NULL && p[1] != NULL && p[2] != NULL) {
		CHECK(p[0]->gfx == NULL && p[1]->gfx == NULL);
		CHECK(p[2]->gfx != NULL && p[2]->gfx_len > 10000000);
	}
	rig_stop(&r);
}

int
main(void)
{
	int fd;

	setlocale(LC_ALL, "C.UTF-8");
	unsetenv("NO_COLOR");
	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);
	RUN(test_kitty);
	RUN(test_sixel);
	RUN(test_symbols_only);
	RUN(test_gfx_bound);
	unlink(path);
	return check_done();
}
