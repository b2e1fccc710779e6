/*
 * The relay connection as the screen needs it (conn.c): its state for the
 * status bar, its sockets for the poll loop, and conversation paths.
 * src/ui asks these and never the relay client (net.h) itself.
 */
#ifndef TTYDESK_CONN_H
#define TTYDESK_CONN_H

#include <stddef.h>

struct app;
struct pollfd;

enum conn_state {
	CONN_NONE = 0,     /* no relay (tests, benchmarks) */
	CONN_CONNECTING,
	CONN_ONLINE,
	CONN_OFFLINE,      /* retrying */
	CONN_AUTH_ERROR,   /* the relay refused the token */
};

enum conn_state conn_state(const struct app *app);
/* "online", "offline, retry in 3s", ... into buf ("offline (no relay)"
 * without one); returns buf. */
const char *conn_short(const struct app *app, char *buf, size_t len);
/* Why we are offline ("" when online or without a relay). */
const char *conn_detail(const struct app *app);
/* The relay client's sockets for poll() into fds (at most max); may lower
 * *timeout_ms.  Returns how many (0 without a relay). */
int conn_pollfds(struct app *app, struct pollfd *fds, int max,
    int *timeout_ms);
/* After poll(): let the relay client do its work (events arrive here). */
void conn_dispatch(struct app *app, const struct pollfd *fds, int nfds);
/* "/v1/conversations/<conv, percent-encoded><suffix>" into buf, or NULL
 * when it does not fit. */
const char *conn_conv_path(char *buf, size_t len, const char *conv,
    const char *suffix);

#endif
