/*
 * Long-poll wake-up across relays: one extra connection per relay that
 * LISTENs on the store's channels (store_pg.c NOTIFYs at commit).  An
 * event channel payload is the highest committed seq: it advances
 * committed_seq and resumes this relay's long-polls.  An outbound
 * notification kicks the sender, so a send queued through relay A is
 * also claimable by B at once; a kick every second lets a relay take over
 * the claims of one that died once their lease ends.
 *
 * The connection is opened again (and every waiter woken, in case a
 * notification was lost with it) when it breaks.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "ttydesk/clock.h"

#include "log.h"
#include "pg_listen.h"
#include "pg_schema.h"
#include "sender.h"

struct pg_listener {
	struct relay *r;
	char *uri;
	PGconn *conn;
	pthread_t thread;
	int stop[2]; /* pipe: a byte means stop */
};

static int
pg_listen_connect(struct pg_listener *l)
{
	char err[256];
	PGresult *res;
	int64_t seq = -1;

	if (pg_connect(l->uri, &l->conn, err, sizeof err) != 0) {
		log_msg(LOG_ERR, "event=pg_listen_error message=\"%s\"", err);
		return -1;
	}
	res = PQexec(l->conn, "LISTEN " PG_CHANNEL_EVENTS "; LISTEN "
	    PG_CHANNEL_OUTBOUND "; SELECT COALESCE(MAX(seq), 0) FROM events");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		seq = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	if (seq < 0) {
		log_msg(LOG_ERR, "event=pg_listen_error message=\"cannot LISTEN\"");
		PQfinish(l->conn);
		l->conn = NULL;
		return -1;
	}
	/* Whatever was committed while not listening. */
	relay_committed(l->r, seq);
	sender_kick(l->r->sender);
	return 0;
}

static void
pg_listen_drain(struct pg_listener *l)
{
	PGnotify *n;

	if (PQconsumeInput(l->conn) == 0 || PQstatus(l->conn) != CONNECTION_OK) {
		log_msg(LOG_WARNING, "event=pg_listen_lost message=\"connection lost, "
		    "opening it again\"");
		PQfinish(l->conn);
		l->conn = NULL;
		return;
	}
	while ((n = PQnotifies(l->conn)) != NULL) {
		if (strcmp(n->relname, PG_CHANNEL_EVENTS) == 0)
			relay_committed(l->r, strtoll(n->extra, NULL, 10));
		else
			sender_kick(l->r->sender);
		PQfreemem(n);
	}
}

static void *
pg_listen_main(void *arg)
{
	struct pg_listener *l = arg;
	struct pollfd p[2];
	int64_t kicked = 0, now;
	int nfds;
	char c;

	for (;;) {
		if (l->conn == NULL)
			pg_listen_connect(l);
		p[0].fd = l->stop[0];
		p[0].events = POLLIN;
		nfds = 1;
		if (l->conn != NULL) {
			p[1].fd = PQsocket(l->conn);
			p[1].events = POLLIN;
			nfds = 2;
		}
		if (poll(p, (nfds_t)nfds, l->conn ? 1000 : 500) < 0 &&
		    errno != EINTR)
			break;
		if (p[0].revents != 0 && read(l->stop[0], &c, 1) >= 0)
			break;
		if (l->conn != NULL)
			pg_listen_drain(l);
		if ((now = clock_ms()) - kicked >= 1000) {
			sender_kick(l->r->sender);
			kicked = now;
		}
	}
	return NULL;
}

int
pg_listen_start(struct relay *r, char *err, size_t errlen)
{
	struct pg_listener *l;

	err[0] = '\0';
	if (!relay_store_is_pg(r->cfg->database))
		return 0;
	if ((l = calloc(1, sizeof *l)) == NULL ||
	    (l->uri = strdup(r->cfg->database)) == NULL) {
		free(l);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	l->r = r;
	if (pipe2(l->stop, O_CLOEXEC) != 0)
		goto fail;
	if (pg_listen_connect(l) != 0) {
		snprintf(err, errlen, "cannot LISTEN on the database");
		goto fail_pipe;
	}
	if (pthread_create(&l->thread, NULL, pg_listen_main, l) != 0) {
		snprintf(err, errlen, "cannot start the listener thread");
		goto fail_pipe;
	}
	r->listener = l;
	return 0;
fail_pipe:
	close(l->stop[0]);
	close(l->stop[1]);
fail:
	if (err[0] == '\0')
		snprintf(err, errlen, "cannot start the listener");
	PQfinish(l->conn);
	free(l->uri);
	free(l);
	return -1;
}

void
pg_listen_stop(struct relay *r)
{
	struct pg_listener *l = r->listener;

	if (l == NULL)
		return;
	if (write(l->stop[1], "x", 1) != 1)
		log_msg(LOG_ERR, "event=pg_listen_error message=\"cannot stop the "
		    "listener\"");
	pthread_join(l->thread, NULL);
	close(l->stop[0]);
	close(l->stop[1]);
	PQfinish(l->conn);
	free(l->uri);
	free(l);
	r->listener = NULL;
}
