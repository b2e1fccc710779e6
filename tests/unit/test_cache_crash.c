/*
 * Crash safety: a child appends events, outbox entries, acks and drafts,
 * reporting each one on a pipe once the call returned, and is killed with
 * SIGKILL at a random moment (also mid-compaction).  After every kill the
 * cache opens, holds a contiguous prefix of the events with the matching
 * cursor, every reported outbox entry not acked, no acked one, and the
 * last reported draft of each conversation.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "cache_testutil.h"
#include "ttydesk/cache.h"

#define RUNS 120
#define MAXIDS 8192

static char err[512];
static struct tu_cache_fixture fx;
static char *dir;
static struct cache_key *key;

static void
say(int fd, const char *tag, const char *s)
{
	char line[128];
	int len = snprintf(line, sizeof line, "%s %s\n", tag, s);

	/* One write per line: atomic on a pipe, so lines never tear. */
	if (write(fd, line, (size_t)len) != len)
		_exit(3);
}

static void
fail_child(const char *what)
{
	fprintf(stderr, "writer: %s: %s\n", what, err);
	_exit(2);
}

static void
writer(int run, int fd)
{
	struct coll got;
	struct cache_visitor v = { &got, coll_event, coll_outbox, coll_draft };
	struct td_cache *c;
	char json[256], id[64], conv[16];
	const char *evp[4];
	char evbuf[4][128];
	size_t lens[4];
	long last;
	int k, i, n;

	memset(&got, 0, sizeof got);
	if (cache_open(dir, key, &c, err, sizeof err) != CACHE_OK)
		fail_child("open");
	if (cache_load(c, &v, err, sizeof err) != CACHE_OK)
		fail_child("load");
	last = (long)got.nev;
	coll_free(&got);
	say(fd, "R", "");
	for (k = 0; ; k++) {
		n = 1 + k % 4;
		for (i = 0; i < n; i++) {
			snprintf(evbuf[i], sizeof evbuf[i], "{\"seq\":%ld,\"type\":"
			    "\"message\",\"text\":\"event %ld of run %d\"}",
			    last + 1 + i, last + 1 + i, run);
			evp[i] = evbuf[i];
			lens[i] = strlen(evbuf[i]);
		}
		if (cache_append_events(c, evp, lens, (size_t)n, last + n, err,
		    sizeof err) != 0)
			fail_child("append");
		last += n;
		snprintf(json, sizeof json, "%ld", last);
		say(fd, "E", json);
		snprintf(id, sizeof id, "r%d-%d", run, k);
		snprintf(json, sizeof json, "{\"text\":\"reply %s\"}", id);
		if (cache_outbox_put(c, id, json, strlen(json), err, sizeof err) != 0)
			fail_child("put");
		say(fd, "P", id);
		if (k % 2 == 0) {
			if (cache_outbox_ack(c, id, err, sizeof err) != 0)
				fail_child("ack");
			say(fd, "A", id);
		}
		if (k % 3 == 0) {
			snprintf(conv, sizeof conv, "c%d", (k / 3) % 2);
			if (cache_draft_set(c, conv, id, err, sizeof err) != 0)
				fail_child("draft");
			snprintf(json, sizeof json, "%s %d", conv, k);
			say(fd, "D", json);
		}
		if (k % 5 == 4 && cache_compact(c, err, sizeof err) != 0)
			fail_child("compact");
	}
}

struct expect {
	char *must[MAXIDS];     /* outbox ids that must be there */
	size_t nmust;
	char *drafts[2];        /* last reported draft text of c0, c1 */
	long min_seq;
};

static int
in_list(char **l, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(l[i], s) == 0)
			return 1;
	return 0;
}

static void
drop(char **l, size_t *n, const char *s)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(l[i], s) == 0) {
			free(l[i]);
			l[i] = l[--*n];
			return;
		}
}

/* Read the child's reports into ex; *ok = the ids reported put. */
static void
read_reports(FILE *f, int run, struct expect *ex, long *last_put)
{
	char line[256], a[128];
	long n;

	*last_put = -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strchr(line, '\n') == NULL)
			break;
		if (sscanf(line, "E %ld", &n) == 1)
			ex->min_seq = n;
		else if (sscanf(line, "P %127s", a) == 1) {
			if (ex->nmust < MAXIDS)
				ex->must[ex->nmust++] = strdup(a);
			sscanf(a, "r%*d-%ld", last_put);
		} else if (sscanf(line, "A %127s", a) == 1)
			drop(ex->must, &ex->nmust, a);
		else if (sscanf(line, "D c%ld", &n) == 1 && n >= 0 && n < 2) {
			sscanf(line, "D c%*d %ld", &n);
			snprintf(a, sizeof a, "r%d-%ld", run, n);
			free(ex->drafts[line[3] - '0']);
			ex->drafts[line[3] - '0'] = strdup(a);
		}
	}
}

/* May id be present without a report?  Only the op in flight. */
static int
in_flight(const char *id, int run, long last_put)
{
	int r;
	long k;

	if (sscanf(id, "r%d-%ld", &r, &k) != 2 || r != run)
		return 0;
	return k == last_put + 1 || (k == last_put && k % 2 == 0);
}

static int
check_state(int run, struct expect *ex, long last_put)
{
	struct coll got;
	int64_t cursor = 0;
	char want[128];
	size_t i;
	int rc, bad = 0;
	long seq;

	rc = tu_open_load(dir, key, &got, &cursor, err, sizeof err);
	if (rc != CACHE_OK) {
		fprintf(stderr, "run %d: open/load: %d %s\n", run, rc, err);
		return 1;
	}
	for (i = 0; i < got.nev; i++)
		if (sscanf(got.ev[i], "{\"seq\":%ld", &seq) != 1 ||
		    seq != (long)i + 1)
			bad++;
	if ((long)got.nev < ex->min_seq || cursor != (int64_t)got.nev)
		bad++;
	for (i = 0; i < ex->nmust; i++) {
		snprintf(want, sizeof want, "{\"text\":\"reply %s\"}", ex->must[i]);
		/* Missing is fine only for the ack in flight. */
		if (coll_outbox_of(&got, ex->must[i]) == NULL &&
		    last_put % 2 == 0 && in_flight(ex->must[i], run, last_put) &&
		    sscanf(ex->must[i], "r%*d-%ld", &seq) == 1 && seq == last_put)
			continue;
		if (coll_outbox_of(&got, ex->must[i]) == NULL ||
		    strcmp(coll_outbox_of(&got, ex->must[i]), want) != 0) {
			fprintf(stderr, "run %d: outbox lost %s\n", run,
			    ex->must[i]);
			bad++;
		}
	}
	for (i = 0; i < got.nob; i++)
		if (!in_list(ex->must, ex->nmust, got.ob_id[i]) &&
		    !in_flight(got.ob_id[i], run, last_put)) {
			fprintf(stderr, "run %d: outbox has %s\n", run,
			    got.ob_id[i]);
			bad++;
		}
	for (i = 0; i < 2; i++) {
		const char *d;
		char fly[64];
		snprintf(want, sizeof want, "c%zu", i);
		d = coll_draft_of(&got, want);
		/* The draft set in flight belongs to the last reported put. */
		snprintf(fly, sizeof fly, "r%d-%ld", run, last_put);
		if (d == NULL ? ex->drafts[i] != NULL :
		    (ex->drafts[i] == NULL || strcmp(d, ex->drafts[i]) != 0) &&
		    strcmp(d, fly) != 0) {
			fprintf(stderr, "run %d: draft c%zu is %s, want %s\n",
			    run, i, d ? d : "none",
			    ex->drafts[i] ? ex->drafts[i] : "none");
			bad++;
		}
	}
	if (bad)
		fprintf(stderr, "run %d: %d mismatches (events %zu, min %ld, "
		    "cursor %lld)\n", run, bad, got.nev, ex->min_seq,
		    (long long)cursor);
	/* What is there now is the truth the next run starts from. */
	for (i = 0; i < ex->nmust; i++)
		free(ex->must[i]);
	ex->nmust = 0;
	for (i = 0; i < got.nob && i < MAXIDS; i++)
		ex->must[ex->nmust++] = strdup(got.ob_id[i]);
	for (i = 0; i < 2; i++) {
		const char *d;
		snprintf(want, sizeof want, "c%zu", i);
		d = coll_draft_of(&got, want);
		free(ex->drafts[i]);
		ex->drafts[i] = d ? strdup(d) : NULL;
	}
	ex->min_seq = (long)got.nev;
	coll_free(&got);
	return bad;
}

static void
test_kill_writer(void)
{
	struct expect ex;
	unsigned seed = (unsigned)time(NULL);
	long last_put;
	int run, p[2], status, bad = 0;
	pid_t pid;
	FILE *f;
	char line[64];
	size_t i;

	memset(&ex, 0, sizeof ex);
	printf("seed %u\n", seed);
	srand(seed);
	for (run = 0; run < RUNS; run++) {
		if (pipe(p) != 0)
			abort();
		fflush(NULL);
		pid = fork();
		if (pid < 0)
			abort();
		if (pid == 0) {
			close(p[0]);
			writer(run, p[1]);
		}
		close(p[1]);
		f = fdopen(p[0], "r");
		if (f == NULL || fgets(line, sizeof line, f) == NULL ||
		    line[0] != 'R') {
			fprintf(stderr, "run %d: writer did not start\n", run);
			bad++;
			kill(pid, SIGKILL);
		} else {
			usleep((useconds_t)(rand() % 25000));
			kill(pid, SIGKILL);
		}
		read_reports(f, run, &ex, &last_put);
		fclose(f);
		waitpid(pid, &status, 0);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
			fprintf(stderr, "run %d: writer exited with %d\n", run,
			    status);
			bad++;
		}
		bad += check_state(run, &ex, last_put);
		if (bad > 0)
			break;
	}
	CHECK_INT(bad, 0);
	CHECK(ex.min_seq > RUNS); /* the writers really wrote */
	printf("%d runs, %ld events, %zu outbox entries at the end\n", run,
	    ex.min_seq, ex.nmust);
	for (i = 0; i < ex.nmust; i++)
		free(ex.must[i]);
	free(ex.drafts[0]);
	free(ex.drafts[1]);
}

int
main(void)
{
	tu_cache_fixture_init(&fx);
	dir = fx.dir;
	key = fx.key;
	RUN(test_kill_writer);
	tu_cache_fixture_free(&fx);
	return check_done();
}
