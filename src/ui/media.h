/* Media of the selected message: save to a file or open with a command. */
#ifndef TTYDESK_MEDIA_H
#define TTYDESK_MEDIA_H

#include <stddef.h>

struct app;
struct td_message;

/* The actions save_media, attach and open_media (UI_HANDLED).  Save:
 * ask for a path (default: the download folder + the file's name) and
 * download the selected message's media there. */
int media_save(struct app *app);
/* Ask for a file and a caption, check them, upload with progress. */
int media_attach(struct app *app);
/* Download to a private temporary file (its extension from the MIME
 * type), run [ui] open_command on it, then delete it. */
int media_open(struct app *app);
/*
 * A file name that is safe to create from what the customer sent: no
 * directory parts, no control characters, no leading dot; "media-<id>.<ext>"
 * when nothing usable is left.  Returns buf.
 */
const char *media_safe_name(const struct td_message *m, char *buf, size_t len);

#endif
