/*
 * The relay client (net.h) seen from the screen: state, sockets, paths.
 */
#include <poll.h>
#include <stdio.h>

#include "app.h"
#include "conn.h"
#include "net.h"

enum conn_state
conn_state(const struct app *app)
{
	if (app->net == NULL)
		return CONN_NONE;
	switch (net_state(app->net)) {
	case NET_CONNECTING: return CONN_CONNECTING;
	case NET_ONLINE: return CONN_ONLINE;
	case NET_OFFLINE: return CONN_OFFLINE;
	case NET_AUTH_ERROR: return CONN_AUTH_ERROR;
	}
	return CONN_OFFLINE;
}

const char *
conn_short(const struct app *app, char *buf, size_t len)
{
	if (app->net == NULL) {
		snprintf(buf, len, "offline (no relay)");
		return buf;
	}
	return net_state_short(app->net, buf, len);
}

const char *
conn_detail(const struct app *app)
{
	return app->net != NULL ? net_state_detail(app->net) : "";
}

int
conn_pollfds(struct app *app, struct pollfd *fds, int max, int *timeout_ms)
{
	return app->net != NULL ? net_pollfds(app->net, fds, max, timeout_ms) :
	    0;
}

void
conn_dispatch(struct app *app, const struct pollfd *fds, int nfds)
{
	if (app->net != NULL)
		net_dispatch(app->net, fds, nfds);
}

const char *
conn_conv_path(char *buf, size_t len, const char *conv, const char *suffix)
{
	return net_conv_path(buf, len, conv, suffix);
}
