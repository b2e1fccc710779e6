/*
 * Media streamed from the Graph API to an agent without holding it whole:
 * the sender thread's curl writes into a small buffer, microhttpd's thread
 * reads it out.  Either side waits for the other by pausing (curl) or
 * suspending the connection (microhttpd), so memory stays bounded.
 *
 * Ownership: reference counted; one reference for the transfer, one for
 * the response.  mstream_unref() frees on the last.
 */
#ifndef RELAY_MSTREAM_H
#define RELAY_MSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct MHD_Connection;
struct mstream;

/* max: the size cap (bytes); wake(arg) asks the sender thread to run
 * mstream_unpause_pending() soon. */
struct mstream *mstream_new(struct MHD_Connection *conn, size_t max,
    void (*wake)(void *), void *wake_arg);
void mstream_unref(struct mstream *ms);

/* Sender thread.  Returns n, 0 to abort the transfer (cancelled or over
 * the cap), or CURL_WRITEFUNC_PAUSE. */
size_t mstream_write(struct mstream *ms, const char *data, size_t n);
void mstream_finish(struct mstream *ms, bool ok);
/* True once when curl should be unpaused. */
bool mstream_take_unpause(struct mstream *ms);

/* microhttpd's content reader and free callbacks. */
ssize_t mstream_read(void *cls, uint64_t pos, char *buf, size_t max);
void mstream_release(void *cls);

#endif
