/*
 * Pictures of image messages, per media id (app->pictures): the first
 * time the thread asks, the image is fetched from the relay (GET
 * .../media/{id}, asynchronous); when it arrives it is rendered once
 * (picture.h) and the conversation's lines are rebuilt (conv_changed).
 * Decrypted bytes stay in memory and are dropped after rendering; the
 * cells (and in kitty or sixel mode the picture's escape sequences)
 * are kept, in memory only.
 *
 * Ownership: app->pictures (pictures_free) owns every picture; a thread
 * line may point at one of its rows until that conversation is rebuilt
 * (an evicted picture's conversation is told first).
 */
#ifndef TTYDESK_PICTURES_H
#define TTYDESK_PICTURES_H

#include "picture.h"

#define PICTURES_MAX 96 /* pictures kept; the least recently used goes */
/* Graphics kept (kitty's raw pixels are ~600 KB a picture): past this
 * the least recently used pictures keep only their symbols. */
#define PICTURES_GFX_MAX (24u << 20)

struct app;
struct td_media;

/* How a picture is wanted: its cells at most max_cols x max_rows in
 * palette pal, and with how kitty or sixel also its graphics (gfx) for
 * cells of cell_w x cell_h pixels (0: unknown). */
struct picture_spec {
	int max_cols, max_rows;
	enum picture_palette pal;
	enum picture_output how;
	int cell_w, cell_h;
};

/* The picture of md (a message of conv) as spec asks, or NULL: not an
 * image this build can draw, still loading, failed (the thread keeps
 * its text line then), or rendered wider than spec->max_cols. */
const struct picture *pictures_get(struct app *app, const char *conv,
    const struct td_media *md, const struct picture_spec *spec);
/* Render bytes (the image of media_id in conv) as spec asks into the
 * table now: what a finished download does.  0, or -1 with err. */
int pictures_put(struct app *app, const char *conv, const char *media_id,
    const unsigned char *bytes, size_t len, const struct picture_spec *spec,
    char *err, size_t errlen);
/* Whether md is worth a request at all: PNG or JPEG within the size the
 * decoder takes, with a plain media id. */
int pictures_wanted(const struct td_media *md);
void pictures_free(struct app *app);

#endif
