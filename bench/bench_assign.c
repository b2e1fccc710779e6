/*
 * Automatic assignment figures on SQLite: the cost of one engine pass
 * with N unresolved conversations (reading and judging them all), of
 * assigning N queued conversations in one pass, and of a tick the engine
 * skips because nothing changed.  In process, on a temp database.
 *
 * usage: bench_assign [conversations]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assign.h"
#include "bench_clock.h"
#include "config.h"
#include "events.h"
#include "relay.h"
#include "store_window.h"

static char dir[64] = "/tmp/bench_assign_XXXXXX";
static int n_convs = 10000;

static int64_t
bench_fixed_now(void)
{
	return 1774612800; /* a Friday, 13:00 in Berlin: open */
}

/* n conversations in tier1's queue, each with its contact. */
static void
fill_run(struct relay *r, struct relay_job *j)
{
	struct relay_contact c;
	char wa[32], *id;
	json_t *state;
	int i;

	for (i = 0; i < n_convs && !j->failed; i++) {
		memset(&c, 0, sizeof c);
		snprintf(wa, sizeof wa, "1555%08d", i);
		c.wa_id = wa;
		c.name = "Bench";
		state = conv_state_for(&config_dir(r->cfg)->numbers[0]);
		json_object_set_new(state, "team", json_string("tier1"));
		json_object_set_new(state, "last_inbound_ts",
		    json_integer(1774612000 + i));
		json_object_set_new(state, "_waiting_since",
		    json_integer(1774612000 + i));
		id = NULL;
		if (relay_store_contact_put(r->writer, &c) != 0 ||
		    relay_store_conversation_create(r->writer, c.id,
		    1774612000 + i, state, &id) != 0)
			j->failed = 1;
		free(id);
		json_decref(state);
	}
}

static void
pass_run(struct relay *r, struct relay_job *j)
{
	bool queued;

	if (assign_run(r, r->now(), &queued) != 0)
		j->failed = 1;
}

/* One housekeeping-like job; its wall time in ms (commit included). */
static double
timed_pass(struct relay *r, bool force)
{
	struct relay_job j = { pass_run, NULL, 0, NULL };
	double t0;

	if (force)
		r->assign_due = 0;
	t0 = bench_now();
	if (relay_run_now(r, &j) != 0)
		printf("bench_assign: the pass failed\n");
	return (bench_now() - t0) * 1000.0;
}

int
main(int argc, char **argv)
{
	struct relay_config cfg;
	struct relay r;
	struct relay_job fill = { fill_run, NULL, 0, NULL };
	struct assign_set set;
	char path[128], err[512], cmd[160];
	double t0, first, steady, skip = 0;
	FILE *f;
	int i;

	if (argc > 1)
		n_convs = atoi(argv[1]);
	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/relay.ini", dir);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	fprintf(f, "[relay]\ndatabase = relay.db\n[whatsapp]\n"
	    "phone_number_id = 1\n");
	for (i = 0; i < 20; i++)
		fprintf(f, "[agent a%02d]\nteams = tier1\ntoken_sha256 = "
		    "%064d\n", i, i);
	fprintf(f, "[assignment tier1]\nmode = balanced\nonline_only = no\n"
	    "reassign_after = 30m\n[hours tier1]\ntimezone = Europe/Berlin\n"
	    "mon-fri = 09:00-18:00\n");
	fclose(f);
	if (config_load(path, 0, &cfg, err, sizeof err) != 0 ||
	    relay_init(&r, &cfg, err, sizeof err) != 0) {
		fprintf(stderr, "bench_assign: %s\n", err);
		return 1;
	}
	r.now = bench_fixed_now;
	r.quiet = true;
	/* The engine logs every assignment: not the figures' business. */
	if (freopen("/dev/null", "w", stderr) == NULL)
		return 1;
	t0 = bench_now();
	if (relay_run_now(&r, &fill) != 0)
		printf("bench_assign: filling failed\n");
	printf("conversations: %d queued, 20 agents (filled in %.0f ms)\n",
	    n_convs, (bench_now() - t0) * 1000.0);
	first = timed_pass(&r, true);
	printf("first pass, assigns all %d: %.0f ms\n", n_convs, first);
	/* The first commit after the big one also checkpoints the WAL: the
	 * best of five is the pass itself. */
	steady = 1e9;
	for (i = 0; i < 5; i++) {
		double t = timed_pass(&r, true);

		if (t < steady)
			steady = t;
	}
	printf("a pass with %d assigned, nothing to do: %.1f ms\n", n_convs,
	    steady);
	t0 = bench_now();
	if (assign_load(r.reader, &set) == 0)
		printf("reading the %zu unresolved conversations: %.1f ms\n",
		    set.n, (bench_now() - t0) * 1000.0);
	assign_set_free(&set);
	{
		struct relay_convrows rows = { NULL, 0, 0 };

		t0 = bench_now();
		relay_store_window_convs(r.reader, INT64_MAX, 0, 100000, &rows);
		printf("of which the query: %.1f ms\n", (bench_now() - t0) * 1000.0);
		relay_convrows_free(&rows);
	}
	for (i = 0; i < 100; i++)
		skip += timed_pass(&r, false);
	printf("a tick the engine skips (nothing changed): %.3f ms\n",
	    skip / 100);
	relay_stop(&r);
	config_free(&cfg);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
