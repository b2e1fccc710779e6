/*
 * In-process relay for unit tests: a temp folder with a config and a
 * database, webhooks fed straight to the intake (no HTTP), events read
 * back as JSON.  Include from one test file only.
 */
#ifndef RELAY_HARNESS_H
#define RELAY_HARNESS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "config.h"
#include "events.h"
#include "relay.h"
#include "ttydesk/wa.h"

struct harness {
	char dir[64];
	char path[128];
	struct relay_config cfg;
	struct relay r;
	int ok;
};

static int64_t harness_clock = 1700000000;

static int64_t
harness_now(void)
{
	return harness_clock;
}

static void
harness_open(struct harness *h)
{
	char err[512];

	h->ok = 0;
	if (relay_init(&h->r, &h->cfg, err, sizeof err) != 0) {
		fprintf(stderr, "relay_init: %s\n", err);
		return;
	}
	h->r.now = harness_now;
	h->r.quiet = true;
	h->ok = 1;
}

static int
harness_setup(struct harness *h, const char *pnid, const char *extra)
{
	char err[512];
	FILE *f;

	memset(h, 0, sizeof *h);
	snprintf(h->dir, sizeof h->dir, "/tmp/test_relay_XXXXXX");
	if (mkdtemp(h->dir) == NULL)
		return -1;
	snprintf(h->path, sizeof h->path, "%s/relay.ini", h->dir);
	if ((f = fopen(h->path, "w")) == NULL)
		return -1;
	fprintf(f, "[relay]\ndatabase = relay.db\n[whatsapp]\n"
	    "phone_number_id = %s\n[team tier2]\nname = Tier 2\n"
	    "[agent alice]\nname = Alice\nteams = tier1\ntoken_sha256 = "
	    "eb0ef26a5114934960d4b5a84a83aa94c9e393b01437a578fb3fe26544f067a9\n"
	    "%s", pnid, extra ? extra : "");
	fclose(f);
	if (config_load(h->path, 0, &h->cfg, err, sizeof err) != 0) {
		fprintf(stderr, "config_load: %s\n", err);
		return -1;
	}
	harness_open(h);
	return h->ok ? 0 : -1;
}

/* Close and reopen the same database (a restart). */
static void
harness_restart(struct harness *h)
{
	relay_stop(&h->r);
	harness_open(h);
}

static void
harness_teardown(struct harness *h)
{
	char p[256];
	static const char *files[] = { "relay.db", "relay.db-wal",
	    "relay.db-shm", "relay.ini" };
	size_t i;

	if (h->ok)
		relay_stop(&h->r);
	config_free(&h->cfg);
	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", h->dir, files[i]);
		unlink(p);
	}
	rmdir(h->dir);
}

struct harness_job {
	struct relay_job job;
	struct wa_webhook *w;
};

static void
harness_intake_run(struct relay *r, struct relay_job *j)
{
	if (relay_intake(r, ((struct harness_job *)j)->w) != 0)
		j->failed = 1;
}

/* Parse and store one webhook body; 0 when stored. */
static int
harness_feed(struct harness *h, const char *body)
{
	struct wa_webhook w;
	struct harness_job j;
	char err[256];
	int rc;

	if (wa_parse_webhook(body, strlen(body), &w, err, sizeof err) != 0) {
		fprintf(stderr, "wa_parse_webhook: %s\n", err);
		return -1;
	}
	memset(&j, 0, sizeof j);
	j.job.run = harness_intake_run;
	j.w = &w;
	rc = relay_run_now(&h->r, &j.job);
	wa_webhook_free(&w);
	return rc;
}

/* Every event so far, as a JSON array (new reference). */
static json_t *
harness_events(struct harness *h)
{
	char *buf = strdup("["), *nb;
	size_t len = 1;
	int count;
	int64_t last;
	bool more;
	json_t *a;

	if (relay_store_read_after(h->r.reader, 0, 100000, &buf, &len, &count,
	    &last, &more) != 0) {
		free(buf);
		return json_array();
	}
	nb = realloc(buf, len + 2);
	if (nb == NULL) {
		free(buf);
		return json_array();
	}
	buf = nb;
	memcpy(buf + len, "]", 2);
	a = json_loads(buf, 0, NULL);
	free(buf);
	return a ? a : json_array();
}

static size_t
harness_count(json_t *events, const char *type)
{
	size_t i, n = 0;
	json_t *e;

	json_array_foreach(events, i, e) {
		if (strcmp(json_string_value(json_object_get(e, "type")), type) == 0)
			n++;
	}
	return n;
}

/* The i-th event of a type, borrowed. */
static json_t *
harness_nth(json_t *events, const char *type, size_t nth)
{
	size_t i;
	json_t *e;

	json_array_foreach(events, i, e) {
		if (strcmp(json_string_value(json_object_get(e, "type")), type) == 0 &&
		    nth-- == 0)
			return e;
	}
	return NULL;
}

#endif
