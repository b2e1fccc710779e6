/*
 * Starting and stopping every part of a relay in the right order; used by
 * main.c, the tests and the benchmark.
 */
#include <stdio.h>

#include <curl/curl.h>
#include <microhttpd.h>

#include "fetcher.h"
#include "http.h"
#include "logid.h"
#include "pg_listen.h"
#include "sender.h"
#include "server.h"
#include "template.h"

int
server_start(struct relay *r, struct relay_config *cfg, char *err,
    size_t errlen)
{
	if (relay_init(r, cfg, err, errlen) != 0 ||
	    logid_load(r, err, errlen) != 0 ||
	    sender_recover(r, err, errlen) != 0 ||
	    relay_start_writer(r, err, errlen) != 0 ||
	    sender_start(r, err, errlen) != 0 ||
	    fetcher_start(r, err, errlen) != 0 ||
	    pg_listen_start(r, err, errlen) != 0)
		return -1;
	if (sync_start_timer(r) != 0) {
		snprintf(err, errlen, "cannot start the timer thread");
		return -1;
	}
	return http_start(r, err, errlen);
}

unsigned
server_port(struct relay *r)
{
	const union MHD_DaemonInfo *info;

	if (r->daemon == NULL)
		return 0;
	info = MHD_get_daemon_info(r->daemon, MHD_DAEMON_INFO_BIND_PORT);
	return info != NULL ? info->port : 0;
}

void
server_stop(struct relay *r)
{
	/* Requests first (they may wait for the writer or the sender),
	 * then the sender (its outcomes go to the writer), then the writer
	 * drains its queue and the database closes. */
	http_stop(r, 10000);
	sync_stop_timer(r);
	pg_listen_stop(r);
	sender_stop(r);
	fetcher_stop(r);
	relay_stop(r);
	sender_free(r);
	templates_free(r);
}
